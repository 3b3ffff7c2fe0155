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
});
