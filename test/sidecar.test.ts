import { Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { chart, podSpecOf } from './_util';
import { Sidecar, SidecarJob, StartupGate, StartupGateKind } from '../src';

/** Render one sidecar in a SidecarJob and return its init container. */
function render(s: Sidecar): any {
  const c = chart();
  new SidecarJob(c, 'job', { containers: [{ name: 'app', image: 'acme/app:1.0' }], sidecars: [s] });
  return podSpecOf(c).initContainers[0];
}

describe('Sidecar', () => {
  test('with only a port: TCP startup gate on that port, polled every second, no initial delay, 60 s budget', () => {
    const out = render(new Sidecar({ name: 'pgbouncer', image: 'bitnami/pgbouncer:1.23.1', portNumber: 6432 }));
    expect(out.restartPolicy).toBe('Always');
    expect(out.ports).toEqual([{ containerPort: 6432 }]);
    expect(out.startupProbe).toEqual({
      tcpSocket: { port: 6432 }, periodSeconds: 1, initialDelaySeconds: 0, failureThreshold: 60, timeoutSeconds: 1,
    });
    expect(out.livenessProbe).toBeUndefined();
    expect(out.readinessProbe).toBeUndefined();
  });

  test('the TCP gate defaults to the first declared port of several', () => {
    const out = render(new Sidecar({ name: 'envoy', image: 'envoyproxy/envoy:v1.31.2', ports: [{ number: 10000 }, { number: 9901 }] }));
    expect(out.startupProbe.tcpSocket).toEqual({ port: 10000 });
  });

  test('failureThreshold is ceil(timeout / pollInterval)', () => {
    const out = render(new Sidecar({
      name: 's',
      image: 'acme/s:1.0',
      portNumber: 80,
      startupGate: StartupGate.httpGet('/healthz', { pollInterval: Duration.seconds(2), timeout: Duration.seconds(25), checkTimeout: Duration.seconds(3), scheme: kplus.ConnectionScheme.HTTPS }),
    }));
    expect(out.startupProbe).toEqual({
      httpGet: { path: '/healthz', port: 80, scheme: 'HTTPS' }, periodSeconds: 2, initialDelaySeconds: 0, failureThreshold: 13, timeoutSeconds: 3,
    });
  });

  test('a command gate renders an exec startup probe and needs no port', () => {
    const out = render(new Sidecar({ name: 'agent', image: 'acme/agent:2.0', startupGate: StartupGate.command(['/bin/agent', 'ready']) }));
    expect(out.startupProbe).toEqual({ exec: { command: ['/bin/agent', 'ready'] }, periodSeconds: 1, initialDelaySeconds: 0, failureThreshold: 60, timeoutSeconds: 1 });
    expect(out.ports).toBeUndefined();
  });

  test('processStarted() renders no startup probe, also with a port (cdk8s-plus would add one on portNumber)', () => {
    const out = render(new Sidecar({ name: 'logs', image: 'fluent/fluent-bit:3.1.9', startupGate: StartupGate.processStarted() }));
    expect(out.startupProbe).toBeUndefined();
    expect(out.restartPolicy).toBe('Always');
    const withPort = render(new Sidecar({ name: 'logs', image: 'fluent/fluent-bit:3.1.9', portNumber: 2020, startupGate: StartupGate.processStarted() }));
    expect(withPort.startupProbe).toBeUndefined();
    expect(withPort.ports).toEqual([{ containerPort: 2020 }]);
  });

  test('the default gate checks the first TCP port, skipping UDP ones', () => {
    const out = render(new Sidecar({ name: 'dns', image: 'coredns/coredns:1.11.3', ports: [{ number: 53, protocol: kplus.Protocol.UDP }, { number: 8181, protocol: kplus.Protocol.TCP }] }));
    expect(out.startupProbe.tcpSocket).toEqual({ port: 8181 });
  });

  test('gate kinds and timings are readable', () => {
    expect(StartupGate.tcpSocket().kind).toBe(StartupGateKind.TCP_SOCKET);
    expect(StartupGate.tcpSocket().pollInterval?.toSeconds()).toBe(1);
    expect(StartupGate.tcpSocket().timeout?.toSeconds()).toBe(60);
    expect(StartupGate.processStarted().pollInterval).toBeUndefined();
    const s = new Sidecar({ name: 's', image: 'a/b:1', portNumber: 1 });
    expect(s.startupGate?.kind).toBe(StartupGateKind.TCP_SOCKET);
    expect(new Sidecar({ name: 's', image: 'a/b:1' }).startupGate).toBeUndefined();
  });

  test('small default resources, overridable', () => {
    expect(render(new Sidecar({ name: 's', image: 'a/b:1', portNumber: 1 })).resources).toEqual({
      requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' },
    });
    const custom = render(new Sidecar({
      name: 's',
      image: 'a/b:1',
      portNumber: 1,
      resources: { cpu: { request: kplus.Cpu.millis(10) }, memory: { request: Size.mebibytes(16), limit: Size.mebibytes(32) } },
    }));
    expect(custom.resources).toEqual({ requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } });
  });

  test('restricted security context by default; user fields kept', () => {
    const out = render(new Sidecar({ name: 's', image: 'a/b:1', portNumber: 1, securityContext: { user: 65532, group: 65532, readOnlyRootFilesystem: false } }));
    expect(out.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('image pull policy follows Kubernetes: IfNotPresent when pinned, Always for latest/untagged, explicit kept', () => {
    expect(render(new Sidecar({ name: 's', image: 'a/b:1.0', portNumber: 1 })).imagePullPolicy).toBe('IfNotPresent');
    expect(render(new Sidecar({ name: 's', image: 'registry:5000/b', portNumber: 1 })).imagePullPolicy).toBe('Always');
    expect(render(new Sidecar({ name: 's', image: 'b:latest', portNumber: 1 })).imagePullPolicy).toBe('Always');
    expect(render(new Sidecar({ name: 's', image: 'b:1', portNumber: 1, imagePullPolicy: kplus.ImagePullPolicy.NEVER })).imagePullPolicy).toBe('Never');
  });

  test('container settings pass through: command, args, env, envFrom, workingDir, mounts, probes, lifecycle', () => {
    const c = chart();
    const secret = kplus.Secret.fromSecretName(c, 'creds', 'creds');
    const vol = kplus.Volume.fromEmptyDir(c, 'tmp', 'tmp');
    new SidecarJob(c, 'job', {
      containers: [{ name: 'app', image: 'acme/app:1.0' }],
      sidecars: [new Sidecar({
        name: 'agent',
        image: 'acme/agent:2.0',
        portNumber: 9000,
        command: ['/agent'],
        args: ['--port', '9000'],
        workingDir: '/work',
        envVariables: { MODE: kplus.EnvValue.fromValue('sidecar') },
        envFrom: [kplus.Env.fromSecret(secret)],
        volumeMounts: [{ path: '/tmp', volume: vol }],
        liveness: kplus.Probe.fromHttpGet('/live', { port: 9000 }),
        readiness: kplus.Probe.fromHttpGet('/ready', { port: 9000 }),
        lifecycle: { preStop: kplus.Handler.fromCommand(['/agent', 'drain']) },
      })],
    });
    const spec = podSpecOf(c);
    const out = spec.initContainers[0];
    expect(out.command).toEqual(['/agent']);
    expect(out.args).toEqual(['--port', '9000']);
    expect(out.workingDir).toBe('/work');
    expect(out.env).toEqual([{ name: 'MODE', value: 'sidecar' }]);
    expect(out.envFrom).toEqual([{ secretRef: { name: 'creds' } }]);
    expect(out.volumeMounts).toEqual([{ mountPath: '/tmp', name: 'tmp' }]);
    expect(out.livenessProbe.httpGet).toEqual({ path: '/live', port: 9000, scheme: 'HTTP' });
    expect(out.readinessProbe.httpGet).toEqual({ path: '/ready', port: 9000, scheme: 'HTTP' });
    expect(out.lifecycle).toEqual({ preStop: { exec: { command: ['/agent', 'drain'] } } });
    expect(spec.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
  });

  test('appVolumeMounts are mounted into the app containers', () => {
    const c = chart();
    const sockets = kplus.Volume.fromEmptyDir(c, 'sockets', 'sockets');
    new SidecarJob(c, 'job', {
      containers: [{ name: 'app', image: 'acme/app:1.0' }],
      sidecars: [new Sidecar({ name: 'proxy', image: 'acme/proxy:1.0', volumeMounts: [{ path: '/sockets', volume: sockets }], appVolumeMounts: [{ path: '/sockets', volume: sockets, readOnly: true }], startupGate: StartupGate.command(['test', '-S', '/sockets/db']) })],
    });
    const spec = podSpecOf(c);
    expect(spec.containers[0].volumeMounts).toEqual([{ mountPath: '/sockets', name: 'sockets', readOnly: true }]);
    expect(spec.volumes).toEqual([{ name: 'sockets', emptyDir: {} }]);
  });

  test('a Sidecar value can be added to several workloads', () => {
    const c = chart();
    const s = new Sidecar({ name: 'proxy', image: 'acme/proxy:1.0', portNumber: 8080 });
    new SidecarJob(c, 'a', { containers: [{ image: 'acme/app:1.0' }], sidecars: [s] });
    new SidecarJob(c, 'b', { containers: [{ image: 'acme/app:1.0' }], sidecars: [s] });
    const [a, b] = Testing.synth(c);
    expect(a.spec.template.spec.initContainers[0].name).toBe('proxy');
    expect(b.spec.template.spec.initContainers[0].name).toBe('proxy');
  });
});
