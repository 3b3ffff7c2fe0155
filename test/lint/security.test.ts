// Image pinning and Pod Security Standards restricted, on every container type.
import { deployment, initTask, job, lint, ofRule, pod, RESTRICTED, sidecar, task } from './_helpers';
import { Severity } from '../../src';

describe('image-latest-or-untagged', () => {
  test('fires on :latest, on no tag, and on a registry with a port but no tag', () => {
    const f = ofRule(lint([job({
      initContainers: [sidecar('proxy', 5432, { image: 'registry.local:5000/team/proxy' })],
      containers: [task('a', { image: 'busybox:latest' }), task('b', { image: 'busybox' })],
    })]), 'image-latest-or-untagged');
    expect(f.map(x => [x.severity, x.container, x.path])).toEqual([
      [Severity.WARNING, 'proxy', 'spec.template.spec.initContainers[0].image'],
      [Severity.WARNING, 'a', 'spec.template.spec.containers[0].image'],
      [Severity.WARNING, 'b', 'spec.template.spec.containers[1].image'],
    ]);
    expect(f[0].message).toContain("sidecar 'proxy' uses image 'registry.local:5000/team/proxy' without a tag");
    expect(f[1].message).toContain("'latest' tag");
  });

  test('fires on ephemeral containers too', () => {
    const f = ofRule(lint([pod({ ephemeralContainers: [{ name: 'debug', image: 'busybox', securityContext: { ...RESTRICTED } }] })]), 'image-latest-or-untagged');
    expect(f.map(x => [x.container, x.path])).toEqual([['debug', 'spec.ephemeralContainers[0].image']]);
  });

  test('does not fire on version tags, registry ports with tags, or digests', () => {
    const f = ofRule(lint([job({
      containers: [
        task('a', { image: 'busybox:1.36' }),
        task('b', { image: 'registry.local:5000/team/app:2.0' }),
        task('c', { image: 'busybox@sha256:' + 'a'.repeat(64) }),
      ],
    })]), 'image-latest-or-untagged');
    expect(f).toEqual([]);
  });
});

describe('pss-restricted', () => {
  test('fires per container, sidecars and init containers included, listing the failed controls', () => {
    const f = ofRule(lint([job({
      initContainers: [initTask('prep', { securityContext: undefined }), sidecar('proxy', 5432, { securityContext: { runAsNonRoot: true } })],
    })]), 'pss-restricted');
    expect(f.map(x => [x.severity, x.container, x.path])).toEqual([
      [Severity.WARNING, 'prep', 'spec.template.spec.initContainers[0].securityContext'],
      [Severity.WARNING, 'proxy', 'spec.template.spec.initContainers[1].securityContext'],
    ]);
    expect(f[1].message).toBe("sidecar 'proxy' does not meet the Pod Security Standards restricted profile: allowPrivilegeEscalation is not false; capabilities.drop does not include ALL; seccompProfile.type is not set");
    expect(f[1].fix).toContain('allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, seccompProfile: {type: RuntimeDefault}');
  });

  test('fires on baseline violations: privileged, added capabilities, root, hostPort, and pod-level host namespaces and volumes', () => {
    const bad = task('app', {
      securityContext: { ...RESTRICTED, privileged: true, runAsUser: 0, capabilities: { drop: ['ALL'], add: ['NET_ADMIN'] } },
      ports: [{ containerPort: 80, hostPort: 80 }],
    });
    const f = ofRule(lint([deployment({ containers: [bad], hostNetwork: true, volumes: [{ name: 'h', hostPath: { path: '/' } }] })]), 'pss-restricted');
    expect(f.map(x => [x.container, x.path])).toEqual([['app', 'spec.template.spec.containers[0].securityContext'], [undefined, 'spec.template.spec']]);
    expect(f[0].message).toContain('privileged: true; runAsUser: 0; capabilities.add has NET_ADMIN; hostPort 80');
    expect(f[1].message).toContain("hostNetwork: true; volume 'h' is of type hostPath");
  });

  test('fires on ephemeral containers', () => {
    const f = ofRule(lint([pod({ ephemeralContainers: [{ name: 'debug', image: 'busybox:1.36' }] })]), 'pss-restricted');
    expect(f.map(x => [x.container, x.path])).toEqual([['debug', 'spec.ephemeralContainers[0].securityContext']]);
  });

  test('does not fire when the pod securityContext carries runAsNonRoot and seccomp, or on Windows-exempt controls', () => {
    const perPod = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
    const container = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } };
    expect(ofRule(lint([job({ securityContext: perPod, containers: [task('a', { securityContext: container })], volumes: [{ name: 'tmp', emptyDir: {} }] })]), 'pss-restricted')).toEqual([]);
    expect(ofRule(lint([job({ os: { name: 'windows' }, containers: [task('w', { securityContext: { runAsNonRoot: true } })] })]), 'pss-restricted')).toEqual([]);
  });

  describe('baseline controls', () => {
    const CONTAINER = 'spec.template.spec.containers[0]';
    const only = (sc: Record<string, any>, extra: Record<string, any> = {}) => task('app', { securityContext: { ...RESTRICTED, ...sc }, ...extra });
    const messages = (f: { message: string }[]) => f.map(x => x.message.replace(/^.*restricted profile: /, ''));

    test('AppArmor Unconfined: the container field, the pod field, and the legacy annotation', () => {
      const field = ofRule(lint([deployment({ containers: [only({ appArmorProfile: { type: 'Unconfined' } })] })]), 'pss-restricted');
      expect(field.map(x => [x.container, x.path])).toEqual([['app', `${CONTAINER}.securityContext`]]);
      expect(messages(field)).toEqual(['appArmorProfile.type Unconfined']);
      expect(field[0].fix).toContain('appArmorProfile: {type: RuntimeDefault}');

      const podLevel = ofRule(lint([deployment({ securityContext: { appArmorProfile: { type: 'Unconfined' } } })]), 'pss-restricted');
      expect(podLevel.map(x => [x.container, x.path])).toEqual([[undefined, 'spec.template.spec']]);
      expect(messages(podLevel)).toEqual(['securityContext.appArmorProfile.type Unconfined']);

      const annotated = deployment({ containers: [only({}), task('other')] });
      annotated.spec.template.metadata.annotations = {
        'container.apparmor.security.beta.kubernetes.io/app': 'unconfined',
        'container.apparmor.security.beta.kubernetes.io/gone': 'unconfined',
      };
      const a = ofRule(lint([annotated]), 'pss-restricted');
      expect(a.map(x => [x.container, x.path])).toEqual([['app', 'spec.template.metadata.annotations'], [undefined, 'spec.template.spec']]);
      expect(messages(a)).toEqual(['annotation container.apparmor.security.beta.kubernetes.io/app: unconfined', 'annotation container.apparmor.security.beta.kubernetes.io/gone: unconfined']);
      expect(a[0].fix).toContain("on 'app': remove the annotation container.apparmor.security.beta.kubernetes.io/app");
    });

    test('AppArmor RuntimeDefault/Localhost (field) and runtime/default, localhost/<profile> (annotation) are allowed', () => {
      const ok = deployment({
        securityContext: { appArmorProfile: { type: 'RuntimeDefault' } },
        containers: [only({ appArmorProfile: { type: 'Localhost', localhostProfile: 'k8s-app' } }), task('b')],
      });
      ok.spec.template.metadata.annotations = {
        'container.apparmor.security.beta.kubernetes.io/app': 'localhost/k8s-app',
        'container.apparmor.security.beta.kubernetes.io/b': 'runtime/default',
      };
      expect(ofRule(lint([ok]), 'pss-restricted')).toEqual([]);
    });

    test('SELinux: a type outside the container types, and any user or role, on the container or the pod', () => {
      const f = ofRule(lint([deployment({
        securityContext: { seLinuxOptions: { role: 'sysadm_r' } },
        containers: [only({ seLinuxOptions: { type: 'spc_t', user: 'system_u' } })],
      })]), 'pss-restricted');
      expect(messages(f)).toEqual(['seLinuxOptions.type spc_t; seLinuxOptions.user system_u', 'securityContext.seLinuxOptions.role sysadm_r']);
    });

    test('SELinux: container_t, container_init_t, container_kvm_t, container_engine_t and a level are allowed', () => {
      const types = ['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];
      const containers = types.map((type, i) => task(`c${i}`, { securityContext: { ...RESTRICTED, seLinuxOptions: { type, level: 's0:c123,c456' } } }));
      expect(ofRule(lint([deployment({ securityContext: { seLinuxOptions: { level: 's0:c1,c2' } }, containers })]), 'pss-restricted')).toEqual([]);
    });

    test('windowsOptions.hostProcess: true on a container or on the pod', () => {
      const f = ofRule(lint([deployment({
        os: { name: 'windows' },
        securityContext: { windowsOptions: { hostProcess: true } },
        containers: [task('w', { securityContext: { runAsNonRoot: true, windowsOptions: { hostProcess: true } } })],
      })]), 'pss-restricted');
      expect(messages(f)).toEqual(['windowsOptions.hostProcess: true', 'securityContext.windowsOptions.hostProcess: true']);
      // Windows pods keep the baseline capability list
      const caps = ofRule(lint([deployment({ os: { name: 'windows' }, containers: [task('w', { securityContext: { runAsNonRoot: true, capabilities: { add: ['CHOWN', 'SYS_ADMIN'] } } })] })]), 'pss-restricted');
      expect(messages(caps)).toEqual(['capabilities.add has SYS_ADMIN']);
    });

    test('host on probe and lifecycle handlers (httpGet/tcpSocket), sidecars included; 127.0.0.1 and ::1 are allowed', () => {
      const side = sidecar('proxy', 5432, {
        startupProbe: { tcpSocket: { port: 5432, host: '10.0.0.1' }, periodSeconds: 1 },
        lifecycle: { preStop: { httpGet: { path: '/quitquitquit', port: 9091, host: 'localhost' } } },
      });
      const f = ofRule(lint([job({ initContainers: [side] })]), 'pss-restricted');
      expect(f.map(x => [x.container, x.path])).toEqual([['proxy', 'spec.template.spec.initContainers[0].startupProbe.tcpSocket.host']]);
      expect(messages(f)).toEqual(['startupProbe.tcpSocket.host 10.0.0.1, lifecycle.preStop.httpGet.host localhost (probes and lifecycle hooks may only target the host 127.0.0.1 or ::1)']);
      expect(f[0].fix).toContain("on 'proxy': remove host from its probes and lifecycle hooks");
      const ok = sidecar('proxy', 5432, { livenessProbe: { httpGet: { port: 5432, host: '127.0.0.1' } }, lifecycle: { postStart: { tcpSocket: { port: 5432, host: '::1' } } } });
      expect(ofRule(lint([job({ initContainers: [ok] })]), 'pss-restricted')).toEqual([]);
    });

    test('a pod-level Unconfined seccomp profile is a violation even when every container sets RuntimeDefault', () => {
      const f = ofRule(lint([deployment({ securityContext: { seccompProfile: { type: 'Unconfined' } } })]), 'pss-restricted');
      expect(messages(f)).toEqual(['securityContext.seccompProfile.type Unconfined']);
    });

    test('image volumes and the latest safe sysctls (tcp_rmem, tcp_wmem) are allowed', () => {
      const spec = {
        volumes: [{ name: 'models', image: { reference: 'ghcr.io/example/models:1.0.0' } }],
        securityContext: { sysctls: [{ name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' }, { name: 'net.ipv4.tcp_wmem', value: '4096 16384 4194304' }] },
      };
      expect(ofRule(lint([deployment(spec)]), 'pss-restricted')).toEqual([]);
    });
  });
});
