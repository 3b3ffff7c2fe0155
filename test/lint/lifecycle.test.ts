// Sidecar lifecycle rules: helpers that never exit, startup probes, restartPolicy/probe validity, order, ports.
import { cronJob, deployment, initTask, job, lint, ofRule, pod, problems, sidecar, task } from './_helpers';
import { KubernetesVersion, Severity } from '../../src';

const POD = 'spec.template.spec';
const CRON_POD = 'spec.jobTemplate.spec.template.spec';

test('the building blocks lint clean', () => {
  expect(lint([job(), cronJob(), deployment(), pod()])).toEqual([]);
  expect(problems(lint([job({ initContainers: [initTask(), sidecar()] }), cronJob({ initContainers: [sidecar()] })]))).toEqual([]);
});

describe('job-helper-never-exits', () => {
  test('fires on a CronJob helper with a port among regular containers', () => {
    const f = ofRule(lint([cronJob({ containers: [task(), { ...task('tunnel'), command: undefined, ports: [{ containerPort: 5432 }] }] })]), 'job-helper-never-exits');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: Severity.ERROR, kind: 'CronJob', name: 'cron', container: 'tunnel', path: `${CRON_POD}.containers[1]` });
    expect(f[0].message).toMatch(/container 'tunnel' declares port 5432 .* never completes/);
    expect(f[0].fix).toMatch(/initContainers with restartPolicy: Always and a startupProbe/);
  });

  test('fires on a known proxy image even when the app declares a port too', () => {
    const proxy = { name: 'cloud-sql-proxy', image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.25.3', args: ['--port=5432', 'p:r:i'] };
    const f = ofRule(lint([job({ containers: [task('app', { ports: [{ containerPort: 8080 }] }), proxy] })]), 'job-helper-never-exits');
    expect(f.map(x => [x.container, x.path])).toEqual([['cloud-sql-proxy', `${POD}.containers[1]`]]);
    expect(f[0].message).toContain('runs the Cloud SQL Auth Proxy');
  });

  test('fires on a server command (sleep infinity, tail -f, endless loop)', () => {
    for (const command of [['sleep', 'infinity'], ['sh', '-c', 'tail -f /dev/null'], ['sh', '-c', 'while true; do sleep 5; done']]) {
      const f = ofRule(lint([job({ containers: [task(), task('keepalive', { command })] })]), 'job-helper-never-exits');
      expect(f.map(x => x.container)).toEqual(['keepalive']);
    }
  });

  test('fires on an already injected mesh proxy', () => {
    const f = ofRule(lint([job({ containers: [task(), { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.22.0' }] })]), 'job-helper-never-exits');
    expect(f.map(x => x.container)).toEqual(['istio-proxy']);
  });

  test('does not fire on a Job with a single container, even one with a port', () => {
    expect(ofRule(lint([job({ containers: [task('app', { ports: [{ containerPort: 8080 }] })] })]), 'job-helper-never-exits')).toEqual([]);
  });

  test('does not fire on plain batch containers without ports, server image or server command', () => {
    expect(ofRule(lint([job({ containers: [task('a'), task('b'), task('c', { command: ['sh', '-c', 'while true; do work || break; done'] })] })]), 'job-helper-never-exits')).toEqual([]);
  });

  test('does not fire when every container declares ports and none is a known server (ambiguous)', () => {
    expect(ofRule(lint([job({ containers: [task('a', { ports: [{ containerPort: 1 }] }), task('b', { ports: [{ containerPort: 2 }] })] })]), 'job-helper-never-exits')).toEqual([]);
  });

  test('fires on a helper that declares no port but is probed (readinessProbe only), next to the task', () => {
    const helper = task('metrics', { command: ['/agent'], readinessProbe: { httpGet: { path: '/ready', port: 8081 } } });
    const f = ofRule(lint([job({ containers: [task(), helper] })]), 'job-helper-never-exits');
    expect(f.map(x => [x.container, x.path])).toEqual([['metrics', `${POD}.containers[1]`]]);
    expect(f[0].message).toMatch(/^container 'metrics' listens on port 8081 \(its readinessProbe connects there\) as a regular container of a Job pod/);
    // a named probe port resolves through ports; a tcpSocket or grpc probe counts as well
    const grpc = task('grpc-helper', { command: ['/helper'], livenessProbe: { grpc: { port: 9000 } } });
    expect(ofRule(lint([cronJob({ containers: [task(), grpc] })]), 'job-helper-never-exits').map(x => x.container)).toEqual(['grpc-helper']);
  });

  test('a probed port that another container connects to on localhost decides when both containers are probed', () => {
    const helper = task('cache', { command: ['/cache'], readinessProbe: { tcpSocket: { port: 6380 } } });
    const client = task('task', { readinessProbe: { exec: { command: ['true'] } }, livenessProbe: { httpGet: { port: 8080 } }, env: [{ name: 'CACHE_URL', value: 'redis://localhost:6380/0' }] });
    const f = ofRule(lint([job({ containers: [client, helper] })]), 'job-helper-never-exits');
    expect(f.map(x => x.container)).toEqual(['cache']);
    expect(f[0].message).toContain("listens on port 6380 (its readinessProbe connects there) ('task' connects to its port 6380) as a regular container");
    // without the loopback use, two probed containers are ambiguous: nothing is flagged
    const noUse = task('task', { livenessProbe: { httpGet: { port: 8080 } } });
    expect(ofRule(lint([job({ containers: [noUse, helper] })]), 'job-helper-never-exits')).toEqual([]);
  });

  test('never fires on a single-container Job, whatever it declares or probes; a probe on another host does not count', () => {
    const probed = task('app', { readinessProbe: { httpGet: { port: 8080 } }, livenessProbe: { tcpSocket: { port: 8080 } }, ports: [{ containerPort: 8080 }] });
    expect(ofRule(lint([job({ containers: [probed] }), cronJob({ containers: [probed] })]), 'job-helper-never-exits')).toEqual([]);
    const remote = task('watcher', { readinessProbe: { httpGet: { host: 'db.internal', port: 5432 } } });
    expect(ofRule(lint([job({ containers: [task(), remote] })]), 'job-helper-never-exits')).toEqual([]);
  });

  test('does not fire outside Jobs, nor on the fixed version (native sidecar)', () => {
    const containers = [task(), { ...task('tunnel'), ports: [{ containerPort: 5432 }] }];
    expect(ofRule(lint([deployment({ containers }), pod({ containers })]), 'job-helper-never-exits')).toEqual([]);
    expect(ofRule(lint([cronJob({ initContainers: [sidecar('tunnel')] })]), 'job-helper-never-exits')).toEqual([]);
  });
});

describe('init-container-never-exits', () => {
  test('fires on a plain init container with a port', () => {
    const f = ofRule(lint([job({ initContainers: [initTask('migrate'), { ...initTask('tunnel'), ports: [{ containerPort: 5432 }] }] })]), 'init-container-never-exits');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: Severity.ERROR, kind: 'Job', container: 'tunnel', path: `${POD}.initContainers[1]` });
    expect(f[0].message).toMatch(/init container 'tunnel' declares port 5432 but has no restartPolicy: Always.*'Init:1\/2' forever/);
  });

  test('fires on a proxy image in server mode, in any workload', () => {
    const proxy = { name: 'proxy', image: 'gcr.io/alloydb-connectors/alloydb-auth-proxy:1.15.2', args: ['projects/p/locations/r/clusters/c/instances/i'] };
    const f = ofRule(lint([deployment({ initContainers: [proxy] })]), 'init-container-never-exits');
    expect(f.map(x => [x.kind, x.container, x.path])).toEqual([['Deployment', 'proxy', `${POD}.initContainers[0]`]]);
  });

  test('does not fire on one-shot init containers: a plain task, `cloud-sql-proxy wait`, a redis image running redis-cli', () => {
    const wait = { name: 'wait', image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.25.3', args: ['wait', '--max', '30s'] };
    const redisCli = { name: 'ping', image: 'redis:7.2', command: ['redis-cli', '-h', 'redis', 'ping'] };
    expect(ofRule(lint([job({ initContainers: [initTask(), wait, redisCli] })]), 'init-container-never-exits')).toEqual([]);
  });

  test('does not fire on the fixed version (restartPolicy: Always)', () => {
    expect(ofRule(lint([job({ initContainers: [sidecar('tunnel')] })]), 'init-container-never-exits')).toEqual([]);
  });
});

describe('sidecar-missing-startup-probe', () => {
  test('fires on a sidecar with a port and no startupProbe, and says a readinessProbe does not help', () => {
    const s = sidecar('tunnel', 5432, { startupProbe: undefined, readinessProbe: { tcpSocket: { port: 5432 } } });
    const f = ofRule(lint([job({ initContainers: [s] })]), 'sidecar-missing-startup-probe');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: Severity.ERROR, container: 'tunnel', path: `${POD}.initContainers[0].startupProbe` });
    expect(f[0].message).toMatch(/sidecar 'tunnel' declares port 5432 but has no startupProbe \(its readinessProbe does not delay/);
    expect(f[0].fix).toContain('tcpSocket on port 5432');
  });

  test('fires on a proxy sidecar without declared ports (it still serves), with a proxy-specific fix', () => {
    const proxy = { name: 'proxy', image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.25.3', restartPolicy: 'Always', args: ['--port=5432', 'p:r:i'] };
    const f = ofRule(lint([job({ initContainers: [proxy] })]), 'sidecar-missing-startup-probe');
    expect(f.map(x => x.container)).toEqual(['proxy']);
    expect(f[0].fix).toContain('httpGet /startup');
  });

  test('fires on a sidecar that declares no port but has a readiness/liveness probe on one', () => {
    const s = { name: 'helper', image: 'ghcr.io/example/helper:2.0.0', restartPolicy: 'Always', readinessProbe: { httpGet: { path: '/ready', port: 8081 } }, livenessProbe: { tcpSocket: { port: 8081 } } };
    const f = ofRule(lint([job({ initContainers: [s] })]), 'sidecar-missing-startup-probe');
    expect(f.map(x => [x.severity, x.container, x.path])).toEqual([[Severity.ERROR, 'helper', `${POD}.initContainers[0].startupProbe`]]);
    expect(f[0].message).toMatch(/^sidecar 'helper' listens on port 8081 \(its readinessProbe and livenessProbe connect there\) but has no startupProbe \(its readinessProbe does not delay/);
    expect(f[0].fix).toContain('tcpSocket on port 8081');
  });

  test('does not fire on a sidecar that serves nothing (log shipper) or on one with a startupProbe', () => {
    const shipper = { name: 'logs', image: 'fluent/fluent-bit:3.0.4', restartPolicy: 'Always' };
    expect(ofRule(lint([job({ initContainers: [shipper, sidecar()] })]), 'sidecar-missing-startup-probe')).toEqual([]);
  });
});

describe('native-sidecar-unsupported-version', () => {
  const manifest = job({ initContainers: [sidecar('tunnel')] });

  test('fires below 1.28 and on 1.28 without the feature gate', () => {
    for (const v of ['1.27', '1.28']) {
      const f = ofRule(lint([manifest], { kubernetesVersion: KubernetesVersion.parse(v) }), 'native-sidecar-unsupported-version');
      expect(f).toHaveLength(1);
      expect(f[0]).toMatchObject({ severity: Severity.ERROR, container: 'tunnel', path: `${POD}.initContainers[0].restartPolicy` });
      expect(f[0].message).toContain(`targets Kubernetes ${v}`);
    }
    expect(ofRule(lint([manifest], { kubernetesVersion: KubernetesVersion.V1_28 }), 'native-sidecar-unsupported-version')[0].message).toContain('feature gate');
  });

  test('does not fire on 1.29+, nor on 1.28 with the SidecarContainers gate', () => {
    expect(ofRule(lint([manifest]), 'native-sidecar-unsupported-version')).toEqual([]);
    expect(ofRule(lint([manifest], { kubernetesVersion: KubernetesVersion.V1_33 }), 'native-sidecar-unsupported-version')).toEqual([]);
    expect(ofRule(lint([manifest], { kubernetesVersion: KubernetesVersion.V1_28, sidecarContainersFeatureGate: true }), 'native-sidecar-unsupported-version')).toEqual([]);
  });
});

describe('invalid-container-restart-policy', () => {
  test('fires on restartPolicy on a regular container, and on an init restartPolicy other than Always', () => {
    const f = ofRule(lint([job({ containers: [task('app', { restartPolicy: 'Always' })], initContainers: [initTask('prep', { restartPolicy: 'OnFailure' })] })]),
      'invalid-container-restart-policy');
    expect(f.map(x => [x.severity, x.container, x.path])).toEqual([
      [Severity.ERROR, 'app', `${POD}.containers[0].restartPolicy`],
      [Severity.ERROR, 'prep', `${POD}.initContainers[0].restartPolicy`],
    ]);
    expect(f[0].message).toContain('may not be set for non-init containers');
    expect(f[1].message).toContain('supported values: "Always"');
  });

  test('does not fire on valid values once ContainerRestartRules is beta (1.35), but still on nonsense', () => {
    const m = job({ containers: [task('app', { restartPolicy: 'Never' })], initContainers: [initTask('prep', { restartPolicy: 'OnFailure' })] });
    expect(ofRule(lint([m], { kubernetesVersion: KubernetesVersion.V1_35 }), 'invalid-container-restart-policy')).toEqual([]);
    const bad = job({ containers: [task('app', { restartPolicy: 'Sometimes' })] });
    expect(ofRule(lint([bad], { kubernetesVersion: KubernetesVersion.V1_35 }), 'invalid-container-restart-policy').map(x => x.container)).toEqual(['app']);
  });

  test('does not fire on sidecars (Always) or containers without the field', () => {
    expect(ofRule(lint([job({ initContainers: [sidecar()] })]), 'invalid-container-restart-policy')).toEqual([]);
  });
});

describe('probe-on-plain-init-container', () => {
  test('fires on probes or lifecycle on a plain init container', () => {
    const f = ofRule(lint([job({ initContainers: [initTask('prep', { startupProbe: { exec: { command: ['true'] } }, lifecycle: { preStop: { exec: { command: ['x'] } } } })] })]),
      'probe-on-plain-init-container');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: Severity.ERROR, container: 'prep', path: `${POD}.initContainers[0].startupProbe` });
    expect(f[0].message).toContain('sets startupProbe, lifecycle but has no restartPolicy: Always');
  });

  test('does not fire on a sidecar with probes and lifecycle', () => {
    expect(ofRule(lint([job({ initContainers: [sidecar('s', 1, { lifecycle: { preStop: { exec: { command: ['x'] } } } })] })]), 'probe-on-plain-init-container')).toEqual([]);
  });
});

describe('sidecar-startup-probe-slow', () => {
  test('fires on the default 10 s period and on an initial delay', () => {
    const s = sidecar('tunnel', 5432, { startupProbe: { tcpSocket: { port: 5432 }, initialDelaySeconds: 5 } });
    const f = ofRule(lint([job({ initContainers: [s] })]), 'sidecar-startup-probe-slow');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: Severity.INFO, container: 'tunnel', path: `${POD}.initContainers[0].startupProbe` });
    expect(f[0].message).toContain('waits initialDelaySeconds: 5 and polls every 10s (the periodSeconds default)');
  });

  test('does not fire on period 1 s without delay', () => {
    expect(ofRule(lint([job({ initContainers: [sidecar()] })]), 'sidecar-startup-probe-slow')).toEqual([]);
  });
});

describe('sidecar-declared-after-dependent-init', () => {
  test('fires when a regular init container connects to a later sidecar port', () => {
    const migrate = initTask('migrate', { env: [{ name: 'DATABASE_URL', value: 'postgres://u@127.0.0.1:5432/db' }] });
    const f = ofRule(lint([job({ initContainers: [migrate, sidecar('proxy', 5432)] })]), 'sidecar-declared-after-dependent-init');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: Severity.WARNING, container: 'proxy', path: `${POD}.initContainers[1]` });
    expect(f[0].message).toContain("declared after init container 'migrate', which connects to its port 5432");
  });

  test('uses a port the sidecar is probed on even when it declares none', () => {
    const migrate = initTask('migrate', { args: ['--db', 'localhost:6432'] });
    const probed = { ...sidecar('pooler', 6432), ports: undefined, startupProbe: { tcpSocket: { port: 6432 }, periodSeconds: 1 } };
    expect(ofRule(lint([job({ initContainers: [migrate, probed] })]), 'sidecar-declared-after-dependent-init').map(x => x.container)).toEqual(['pooler']);
  });

  test('uses a proxy listener port from its flags and a *_PORT env var', () => {
    const migrate = initTask('migrate', { env: [{ name: 'DB_PORT', value: '6000' }] });
    const proxy = { name: 'proxy', image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.25.3', restartPolicy: 'Always', args: ['p:r:i?port=6000'] };
    expect(ofRule(lint([job({ initContainers: [migrate, proxy] })]), 'sidecar-declared-after-dependent-init').map(x => x.container)).toEqual(['proxy']);
  });

  test('does not fire when the sidecar comes first, or when the init container does not use its port', () => {
    const migrate = initTask('migrate', { args: ['--db', 'localhost:5432'] });
    expect(ofRule(lint([job({ initContainers: [sidecar('proxy', 5432), migrate] })]), 'sidecar-declared-after-dependent-init')).toEqual([]);
    expect(ofRule(lint([job({ initContainers: [initTask('other', { args: ['localhost:9999'] }), sidecar('proxy', 5432)] })]), 'sidecar-declared-after-dependent-init')).toEqual([]);
  });
});

describe('container-port-conflict', () => {
  test('fires on a sidecar and an app container declaring the same port', () => {
    const f = ofRule(lint([job({ initContainers: [sidecar('proxy', 8080)], containers: [task('app', { ports: [{ containerPort: 8080 }] })] })]), 'container-port-conflict');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: Severity.ERROR, container: 'app', path: `${POD}.containers[0].ports[0]` });
    expect(f[0].message).toContain("containers 'proxy' and 'app' both declare port 8080/TCP");
  });

  test('fires on a plain init container colliding with an earlier sidecar, and on hostPorts', () => {
    const init = initTask('prep', { ports: [{ containerPort: 9000 }] });
    const f = ofRule(lint([deployment({ initContainers: [sidecar('a', 9000), init] })]), 'container-port-conflict');
    expect(f.map(x => x.container)).toEqual(['prep']);
    const h = ofRule(lint([deployment({ containers: [task('a', { ports: [{ containerPort: 1, hostPort: 80 }] }), task('b', { ports: [{ containerPort: 2, hostPort: 80 }] })] })]), 'container-port-conflict');
    expect(h.map(x => x.container)).toEqual(['b']);
    expect(h[0].message).toContain('hostPort 80/TCP');
  });

  test('does not fire on a plain init container reusing the port of a later sidecar, or on different protocols', () => {
    const init = initTask('prep', { ports: [{ containerPort: 9000 }] });
    expect(ofRule(lint([deployment({ initContainers: [init, sidecar('a', 9000)] })]), 'container-port-conflict')).toEqual([]);
    const udp = task('dns', { ports: [{ containerPort: 53, protocol: 'UDP' }] });
    expect(ofRule(lint([deployment({ containers: [task('a', { ports: [{ containerPort: 53 }] }), udp] })]), 'container-port-conflict')).toEqual([]);
  });
});

describe('probe ports', () => {
  test('probe-named-port-undefined fires on a named port the container does not declare', () => {
    const s = sidecar('proxy', 9801, { startupProbe: { httpGet: { path: '/startup', port: 'health' }, periodSeconds: 1 } });
    const f = ofRule(lint([job({ initContainers: [s] })]), 'probe-named-port-undefined');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: Severity.ERROR, container: 'proxy', path: `${POD}.initContainers[0].startupProbe.httpGet.port` });
  });

  test('probe-port-not-declared fires once per port on a numeric port not in ports', () => {
    const app = task('web', { livenessProbe: { httpGet: { port: 8080 } }, readinessProbe: { httpGet: { port: 8080 } } });
    const f = ofRule(lint([deployment({ containers: [app] })]), 'probe-port-not-declared');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: Severity.INFO, container: 'web', path: `${POD}.containers[0].readinessProbe.httpGet.port` });
    expect(f[0].message).toContain('readinessProbe, livenessProbe targets port 8080');
  });

  test('neither fires on declared ports, by number or by name', () => {
    const s = sidecar('proxy', 9801, { ports: [{ name: 'health', containerPort: 9801 }], startupProbe: { httpGet: { path: '/startup', port: 'health' }, periodSeconds: 1 } });
    const f = lint([job({ initContainers: [s, sidecar('b', 5432)] })]);
    expect(ofRule(f, 'probe-named-port-undefined')).toEqual([]);
    expect(ofRule(f, 'probe-port-not-declared')).toEqual([]);
  });
});

describe('job-mesh-sidecar-injected', () => {
  const withTemplateMeta = (m: any, meta: any) => { m.spec.template.metadata = meta; return m; };

  test('fires on Istio injection (annotation or label) and Linkerd injection of a Job pod', () => {
    const f = ofRule(lint([
      withTemplateMeta(job(), { annotations: { 'sidecar.istio.io/inject': 'true' } }),
      withTemplateMeta(job(), { labels: { 'sidecar.istio.io/inject': 'true' } }),
      withTemplateMeta(job(), { annotations: { 'linkerd.io/inject': 'enabled' } }),
    ]), 'job-mesh-sidecar-injected');
    expect(f.map(x => [x.severity, x.container, x.path])).toEqual([
      [Severity.WARNING, undefined, 'spec.template.metadata.annotations'],
      [Severity.WARNING, undefined, 'spec.template.metadata.labels'],
      [Severity.WARNING, undefined, 'spec.template.metadata.annotations'],
    ]);
  });

  test('does not fire with Linkerd native sidecars, without injection, or outside Jobs', () => {
    const f = ofRule(lint([
      withTemplateMeta(job(), { annotations: { 'linkerd.io/inject': 'enabled', 'config.beta.linkerd.io/proxy-enable-native-sidecar': 'true' } }),
      withTemplateMeta(job(), { annotations: { 'sidecar.istio.io/inject': 'false' } }),
      withTemplateMeta(deployment(), { annotations: { 'sidecar.istio.io/inject': 'true' } }),
    ]), 'job-mesh-sidecar-injected');
    expect(f).toEqual([]);
  });
});
