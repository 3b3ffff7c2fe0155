// Property-based test: random, type-correct props for every construct. If synthesis succeeds, the output must pass
// the independent oracle (test/_fuzz-oracle.ts); if it throws, the error must be a SidecarsError naming the construct
// path, the prop (for a prop problem), the value and the fix. Fixed seed; FUZZ_RUNS (default 2000) and FUZZ_SEED
// change the run (`npm run fuzz` runs 20,000 cases).
import { App, Chart, Cron, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { oracle } from './_fuzz-oracle';
import {
  AlloyDbIpType, AlloyDbProxySidecar, CloudSqlIpType, CloudSqlProxySidecar, DatabaseEngine, GkeWorkloadIdentity, KubernetesVersion, Sidecar,
  SidecarCronJob, SidecarJob, StartupGate,
} from '../src';
import { SidecarsError } from '../src/_errors';

const RUNS = Number(process.env.FUZZ_RUNS || process.env.FUZZ_DEFAULT_RUNS || 2000);
const SEED = Number(process.env.FUZZ_SEED || 20261202);

// ---- value generators: mostly valid values, some edge cases, some plain wrong values of the right type

/** Valid values 24 times in 25, a wrong one (of the right type) once. */
function mostly<T>(valid: fc.Arbitrary<T>, wrong: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ weight: 24, arbitrary: valid }, { weight: 1, arbitrary: wrong });
}

const name = fc.oneof(
  { weight: 50, arbitrary: fc.constantFrom('app', 'proxy', 'db-proxy', 'envoy', 'worker-2') },
  { weight: 3, arbitrary: fc.stringMatching(/^[a-z][a-z0-9]{0,20}(-[a-z0-9]{1,10})?$/) },
  { weight: 1, arbitrary: fc.constantFrom('', 'Bad_Name', 'UPPER', '-x', 'a.b', 'x'.repeat(64)) },
);
const image = fc.oneof(
  { weight: 24, arbitrary: fc.constantFrom('acme/app:1.0', 'envoyproxy/envoy:v1.31.2', 'ghcr.io/acme/x@sha256:' + 'a'.repeat(64), 'busybox') },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'acme/app 1.0') },
);
const portNumber = fc.oneof(
  { weight: 24, arbitrary: fc.integer({ min: 1, max: 65535 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 65536, 8080.5, 2 ** 31) },
);
const portName = fc.oneof(
  { weight: 24, arbitrary: fc.constantFrom('http', 'metrics', 'grpc', 'admin-port') },
  { weight: 1, arbitrary: fc.constantFrom('', 'HTTP', 'a-very-long-port-name', '--', '123', 'my_port') },
);
const envName = fc.oneof(
  { weight: 24, arbitrary: fc.constantFrom('DB_HOST', 'PROXY_URL', 'LOG_LEVEL', 'a.b-c') },
  { weight: 1, arbitrary: fc.constantFrom('', 'HAS SPACE', '1ABC', 'A=B') },
);
const seconds = fc.oneof(
  { weight: 24, arbitrary: fc.integer({ min: 10, max: 120 }).map(n => Duration.seconds(n)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(Duration.seconds(0), Duration.millis(1500), Duration.millis(0.5), Duration.seconds(1.0005), Duration.days(100000)),
  },
);
const cpu = fc.constantFrom(kplus.Cpu.millis(50), kplus.Cpu.millis(500), kplus.Cpu.units(2));
const memory = fc.constantFrom(Size.mebibytes(64), Size.mebibytes(512), Size.gibibytes(2));
const resources = fc.option(fc.record({
  cpu: fc.record({ request: cpu, limit: cpu }),
  memory: fc.record({ request: memory, limit: memory }),
}), { nil: undefined, freq: 2 });
const probe = fc.option(fc.oneof(
  fc.record({ port: portNumber, successThreshold: mostly(fc.constantFrom(undefined, 1), fc.constant(2)) })
    .map(o => kplus.Probe.fromHttpGet('/healthz', { port: o.port, successThreshold: o.successThreshold })),
  portNumber.map(port => kplus.Probe.fromTcpSocket({ port })),
  mostly<string[]>(fc.constantFrom(['true'], ['/bin/check', '--ready']), fc.constant([])).map(cmd => kplus.Probe.fromCommand([...cmd])),
), { nil: undefined, freq: 3 });
const gate = fc.option(fc.oneof(
  fc.record({
    poll: fc.option(seconds, { nil: undefined }), timeout: fc.option(seconds, { nil: undefined }), check: fc.option(seconds, { nil: undefined }),
  })
    .map(o => StartupGate.tcpSocket({ pollInterval: o.poll, timeout: o.timeout, checkTimeout: o.check })),
  fc.record({ path: mostly(fc.constantFrom('/', '/ready'), fc.constant('ready')), timeout: fc.option(seconds, { nil: undefined }) })
    .map(o => StartupGate.httpGet(o.path, { timeout: o.timeout })),
  mostly<string[]>(fc.constant(['/bin/check']), fc.constant([])).map(cmd => StartupGate.command([...cmd])),
  fc.constant(StartupGate.processStarted()),
), { nil: undefined });
const envMap = fc.dictionary(envName, fc.constantFrom('1', 'x', 'http://127.0.0.1:8080'), { maxKeys: 2 })
  .map(d => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, kplus.EnvValue.fromValue(v)])));

interface Built { readonly build: (chart: Chart) => void; readonly restricted: boolean }

const sidecarProps = fc.record({
  name,
  image,
  portNumber: fc.option(portNumber, { nil: undefined }),
  ports: fc.option(fc.array(fc.record({ number: portNumber, name: fc.option(portName, { nil: undefined }) }), { maxLength: 2 }), { nil: undefined }),
  envVariables: fc.option(envMap, { nil: undefined }),
  appEnv: fc.option(envMap, { nil: undefined }),
  resources,
  liveness: probe,
  startupGate: gate,
  user: fc.option(mostly(fc.constantFrom(1000, 65532), fc.constantFrom(0.5, -1)), { nil: undefined, freq: 3 }),
});
const sidecar = sidecarProps.map(p => ({
  restricted: p.user === undefined,
  make: () => new Sidecar({
    name: p.name,
    image: p.image,
    portNumber: p.portNumber,
    ports: p.ports,
    envVariables: p.envVariables,
    appEnv: p.appEnv,
    resources: p.resources,
    liveness: p.liveness,
    startupGate: p.startupGate,
    securityContext: p.user === undefined ? undefined : { user: p.user },
  }),
}));
const mountPath = mostly(fc.constantFrom('/data', '/cache', '/var/run/app'), fc.constantFrom('', 'relative', '/data'));
const subPath = fc.option(mostly(fc.constantFrom('config', 'a/b'), fc.constantFrom('../up', '/abs')), { nil: undefined, freq: 4 });
/** Volume mounts of one shared emptyDir (a value, so the same volume in every container). */
const VOLUME = kplus.Volume.fromEmptyDir(new Chart(Testing.app(), 'volumes'), 'shared', 'shared');
const mount = fc.record({ path: mountPath, subPath }).map(m => ({ ...m, volume: VOLUME }));
const mounts = fc.option(fc.array(mount, { maxLength: 2 }), { nil: undefined, freq: 3 });
const securityContext = fc.option(fc.record({
  user: fc.option(mostly(fc.constantFrom(1000, 65532), fc.constantFrom(0.5, -1)), { nil: undefined }),
  seccompProfile: fc.option(mostly<kplus.SeccompProfile>(
    fc.constant({ type: kplus.SeccompProfileType.RUNTIME_DEFAULT }),
    fc.constantFrom({ type: kplus.SeccompProfileType.LOCALHOST }, { type: kplus.SeccompProfileType.RUNTIME_DEFAULT, localhostProfile: 'p.json' })), { nil: undefined }),
}), { nil: undefined, freq: 4 });
const appContainer = fc.record({
  name,
  image,
  portNumber: fc.option(portNumber, { nil: undefined }),
  envVariables: fc.option(envMap, { nil: undefined }),
  resources,
  volumeMounts: mounts,
  securityContext,
  ports: fc.option(
    fc.array(fc.record({ number: portNumber, hostPort: fc.option(portNumber, { nil: undefined, freq: 6 }) }), { maxLength: 1 }),
    { nil: undefined, freq: 4 },
  ),
});

const cloudSql = fc.record({
  instance: mostly(fc.constantFrom('acme-prod:europe-west1:main-db', 'db.example.com'), fc.constantFrom('acme-prod:main-db', '')),
  port: fc.option(portNumber, { nil: undefined }),
  engine: fc.option(fc.constantFrom(DatabaseEngine.POSTGRESQL, DatabaseEngine.MYSQL, DatabaseEngine.SQL_SERVER), { nil: undefined }),
  ipType: fc.option(fc.constantFrom(CloudSqlIpType.PUBLIC, CloudSqlIpType.PRIVATE, CloudSqlIpType.PSC), { nil: undefined }),
  healthPort: fc.option(portNumber, { nil: undefined }),
  adminPort: fc.option(portNumber, { nil: undefined }),
  listenAddress: fc.option(mostly(fc.constantFrom('127.0.0.1', '::1'), fc.constantFrom('0.0.0.0', 'localhost')), { nil: undefined, freq: 3 }),
  extraArgs: fc.option(mostly<string[]>(fc.constant(['--debug']), fc.constantFrom(['-p', '5433'], ['--quota-project=x'], ['acme:r:i'])), { nil: undefined, freq: 3 }),
  version: fc.option(mostly(fc.constantFrom('2.25.3', '2.21.0'), fc.constantFrom('latest', 'v2.1.0', '2.1.0')), { nil: undefined, freq: 3 }),
  startupTimeout: fc.option(seconds, { nil: undefined }),
  maxSigtermDelay: fc.option(seconds, { nil: undefined }),
  name: fc.option(name, { nil: undefined }),
  resources,
}).map(p => () => new CloudSqlProxySidecar({ ...p, extraArgs: p.extraArgs && [...p.extraArgs], instanceConnectionName: p.instance }));
const alloyDb = fc.record({
  instance: mostly(fc.constant('projects/acme-prod/locations/europe-west1/clusters/main/instances/primary'), fc.constantFrom('projects/x/clusters/y', '')),
  port: fc.option(portNumber, { nil: undefined }),
  ipType: fc.option(fc.constantFrom(AlloyDbIpType.PRIVATE, AlloyDbIpType.PUBLIC, AlloyDbIpType.PSC), { nil: undefined }),
  unixSocketDirectory: fc.option(mostly(fc.constant('/cloudsql'), fc.constantFrom('relative', '/' + 'd'.repeat(90))), { nil: undefined, freq: 3 }),
  autoIamAuthn: fc.option(fc.boolean(), { nil: undefined }),
}).map(p => () => new AlloyDbProxySidecar({ ...p, instanceUri: p.instance }));

const version = fc.option(
  mostly(fc.constantFrom(KubernetesVersion.V1_29, KubernetesVersion.V1_33), fc.constantFrom(KubernetesVersion.V1_27, KubernetesVersion.V1_28)),
  { nil: undefined },
);
const cronField = fc.option(mostly(fc.constantFrom('0', '5', '*/15', '1-5'), fc.constantFrom('61', '30-99')), { nil: undefined });

/** Whether the constructs default every security field of these app containers (then PSS restricted must hold). */
const defaulted = (cs: Array<{ securityContext?: unknown; ports?: Array<{ hostPort?: number }> }>) =>
  cs.every(c => c.securityContext === undefined && !(c.ports ?? []).some(p => p.hostPort !== undefined));

/** cdk8s-plus rejected the user's own workload (built by the test, not by our constructs): not a case about us. */
class NotOurs extends Error {}

const job: fc.Arbitrary<Built> = fc.record({
  sidecars: fc.array(sidecar, { maxLength: 2 }),
  proxies: fc.array(fc.oneof(cloudSql, alloyDb), { maxLength: 1 }),
  containers: fc.array(appContainer, { minLength: 0, maxLength: 2 }),
  metadataName: fc.option(name, { nil: undefined }),
  activeDeadline: fc.option(seconds, { nil: undefined }),
  backoffLimit: fc.option(mostly(fc.constantFrom(0, 6), fc.constantFrom(-1, 2.5, 2 ** 31)), { nil: undefined }),
  ttl: fc.option(seconds, { nil: undefined }),
  grace: fc.option(seconds, { nil: undefined }),
  kubernetesVersion: version,
}).map(p => ({
  restricted: p.sidecars.every(s => s.restricted) && defaulted(p.containers),
  build: (chart: Chart) => new SidecarJob(chart, 'job', {
    metadata: p.metadataName === undefined ? undefined : { name: p.metadataName },
    containers: p.containers,
    activeDeadline: p.activeDeadline,
    backoffLimit: p.backoffLimit,
    ttlAfterFinished: p.ttl,
    terminationGracePeriod: p.grace,
    kubernetesVersion: p.kubernetesVersion,
    sidecars: [...p.sidecars.map(s => s.make()), ...p.proxies.map(f => f())],
  }),
}));

const cron: fc.Arbitrary<Built> = fc.record({
  sidecars: fc.array(sidecar, { maxLength: 1 }),
  containers: fc.array(appContainer, { minLength: 1, maxLength: 2 }),
  minute: cronField,
  hour: cronField,
  timeZone: fc.option(mostly(fc.constantFrom('Europe/Berlin', 'Etc/UTC'), fc.constantFrom('Local', 'Mars/Olympus', '')), { nil: undefined }),
  startingDeadline: fc.option(seconds, { nil: undefined }),
  successful: fc.option(mostly(fc.constantFrom(0, 3), fc.constantFrom(-1, 1.5)), { nil: undefined, freq: 4 }),
  failed: fc.option(mostly(fc.constantFrom(0, 1), fc.constant(-1)), { nil: undefined, freq: 4 }),
  ttl: fc.option(seconds, { nil: undefined }),
}).map(p => ({
  restricted: p.sidecars.every(s => s.restricted) && defaulted(p.containers),
  build: (chart: Chart) => new SidecarCronJob(chart, 'cron', {
    schedule: Cron.schedule({ minute: p.minute, hour: p.hour }),
    containers: p.containers,
    timeZone: p.timeZone,
    startingDeadline: p.startingDeadline,
    successfulJobsRetained: p.successful,
    failedJobsRetained: p.failed,
    ttlAfterFinished: p.ttl,
    sidecars: p.sidecars.map(s => s.make()),
  }),
}));

const WORKLOADS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'] as const;
const attach: fc.Arbitrary<Built> = fc.record({
  kind: fc.constantFrom(...WORKLOADS), sidecar, container: appContainer, context: fc.option(mostly(fc.constant('1.30'), fc.constantFrom('1.27', 1.3 as any, 'latest')), { nil: undefined }),
}).map(p => ({
  restricted: false,
  build: (chart: Chart) => {
    if (p.context !== undefined) chart.node.setContext('cdk8s-sidecars/kubernetes-version', p.context);
    const containers = [p.container];
    let w: kplus.AbstractPod;
    try {
      w = p.kind === 'Pod' ? new kplus.Pod(chart, 'w', { containers })
        : p.kind === 'Deployment' ? new kplus.Deployment(chart, 'w', { containers })
          : p.kind === 'StatefulSet' ? new kplus.StatefulSet(chart, 'w', { containers, service: new kplus.Service(chart, 'svc', { ports: [{ port: 80 }] }) })
            : p.kind === 'DaemonSet' ? new kplus.DaemonSet(chart, 'w', { containers })
              : p.kind === 'Job' ? new kplus.Job(chart, 'w', { containers })
                : new kplus.CronJob(chart, 'w', { schedule: Cron.daily(), containers });
    } catch (e) {
      throw new NotOurs(String(e));
    }
    p.sidecar.make().attachTo(w);
  },
}));

const identity: fc.Arbitrary<Built> = fc.record({
  gsa: mostly(fc.constant('nightly-report@acme-prod.iam.gserviceaccount.com'), fc.constantFrom('nightly', 'x@developer.gserviceaccount.com')),
  serviceAccountName: fc.option(mostly(fc.constant('nightly-report'), fc.constantFrom('Bad_Name', '')), { nil: undefined }),
  create: fc.option(fc.boolean(), { nil: undefined }),
  proxy: cloudSql,
}).map(p => ({
  restricted: true,
  build: (chart: Chart) => {
    const proxy = p.proxy();
    const id = new GkeWorkloadIdentity(chart, 'identity', {
      gcpServiceAccount: p.gsa, serviceAccountName: p.serviceAccountName, createServiceAccount: p.create, proxies: [proxy],
    });
    new SidecarJob(chart, 'job', { containers: [{ name: 'app', image: 'acme/app:1.0' }], serviceAccount: id.serviceAccount, sidecars: [proxy] });
  },
}));

const anyCase = fc.oneof(job, cron, attach, identity);

/** What one case did: 'ok' (valid output), 'clear' (a clear error), or a problem description. */
function runCase(c: Built): { outcome: 'ok' | 'clear' | 'invalid' | 'unclear' | 'notOurs'; detail?: string } {
  const app = Testing.app();
  const chart = new Chart(app, 'test', { namespace: 'reports' });
  let manifests: any[];
  try {
    c.build(chart);
    manifests = Testing.synth(chart);
  } catch (e) {
    if (e instanceof NotOurs) return { outcome: 'notOurs' };
    if (e instanceof SidecarsError && e.path && e.fix && e.subject && (e.prop === undefined || e.prop !== '')) return { outcome: 'clear' };
    return { outcome: 'unclear', detail: e instanceof Error ? `${e.constructor.name}: ${e.message.split('\n')[0]}` : String(e) };
  }
  const violations = manifests.flatMap(m => oracle(m, c.restricted));
  return violations.length ? { outcome: 'invalid', detail: violations[0] } : { outcome: 'ok' };
}

/** Run the property; returns the counts and the first examples of each problem. */
export function fuzz(runs: number, seed: number) {
  const counts = { ok: 0, clear: 0, invalid: 0, unclear: 0, notOurs: 0 };
  const examples = new Map<string, number>();
  fc.assert(fc.property(anyCase, c => {
    const r = runCase(c);
    counts[r.outcome]++;
    if (r.detail) {
      const key = `${r.outcome}: ${r.detail.replace(/\d+/g, 'N').slice(0, 160)}`;
      examples.set(key, (examples.get(key) ?? 0) + 1);
    }
    return true;
  }), { numRuns: runs, seed });
  return { counts, examples: [...examples].sort((a, b) => b[1] - a[1]) };
}

test(`random props for every construct: valid output or a clear error (${RUNS} cases, seed ${SEED})`, () => {
  const { counts, examples } = fuzz(RUNS, SEED);
  if (process.env.FUZZ_REPORT) {
    // eslint-disable-next-line no-console
    console.log(JSON.stringify({ runs: RUNS, seed: SEED, counts, problems: examples.slice(0, 40) }, null, 1));
  }
  expect(counts.ok + counts.clear + counts.invalid + counts.unclear + counts.notOurs).toBe(RUNS);
  expect(counts.ok).toBeGreaterThan(RUNS / 10); // the generators must reach valid output too
  expect(examples.map(([k]) => k)).toEqual([]);
}, 600_000);

void App;
