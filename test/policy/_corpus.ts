// The objects the parity tests run both the linter and the policies on: every lint fixture and every YAML example in
// docs/rules.md, plus a generator of pod templates built from the linter's own vocabulary (server images and
// commands, proxies, loopback ports, probes, mesh annotations).
import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { parseManifests } from '../../src/_manifest';

const root = path.join(__dirname, '..', '..');

export interface CorpusObject {
  readonly where: string;
  readonly obj: any;
  /** The Namespace object of the same file the object is in, as the linter pairs them. */
  readonly namespace?: any;
}

function yamlFilesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return yamlFilesUnder(full);
    return /\.(ya?ml|json)$/.test(e.name) ? [full] : [];
  });
}

function parseOrSkip(text: string, where: string): CorpusObject[] {
  try {
    const objs = parseManifests(text, where).map(m => m.manifest);
    const namespaces = new Map(objs.filter(o => o.kind === 'Namespace').map(o => [o.metadata?.name, o]));
    return objs.map((obj, i) => {
      const ns = typeof obj.metadata?.namespace === 'string' ? namespaces.get(obj.metadata.namespace) : undefined;
      return { where: `${where}#${i}`, obj, ...(ns ? { namespace: ns } : {}) };
    });
  } catch {
    return []; // deliberately malformed fixtures (the linter's own input-error tests) hold no object to compare
  }
}

/** Every object of the linter's test inputs under test/lint (fixtures/, the real-manifest corpus wild/, ...). */
export function lintFixtures(): CorpusObject[] {
  const dir = path.join(root, 'test', 'lint');
  return yamlFilesUnder(dir).flatMap(f => parseOrSkip(fs.readFileSync(f, 'utf8'), path.relative(root, f)));
}

/** Every object in a ```yaml block of docs/rules.md (the bad and good example of each rule, and the others). */
export function rulesDocExamples(): CorpusObject[] {
  const doc = fs.readFileSync(path.join(root, 'docs', 'rules.md'), 'utf8');
  const out: CorpusObject[] = [];
  let section = '';
  const lines = doc.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith('## ')) section = lines[i].slice(3).trim();
    if (lines[i].trim() !== '```yaml') continue;
    const start = i + 1;
    while (i + 1 < lines.length && lines[i + 1].trim() !== '```') i++;
    out.push(...parseOrSkip(lines.slice(start, i + 1).join('\n'), `docs/rules.md ${section}:${start + 1}`));
    i++;
  }
  return out;
}

// ---- generated pod templates -----------------------------------------------------------------------------------

const IMAGES = [
  'ghcr.io/example/task:1.0.0', 'nginx', 'nginx:1.25', 'docker.io/library/redis:7@sha256:0123abcd', 'localhost:5000/pgbouncer',
  'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.0', 'us-docker.pkg.dev/x/cloud-sql-proxy@sha256:00',
  'gcr.io/alloydb-connectors/alloydb-auth-proxy:1.10.0', 'gcr.io/cloudsql-docker/gce-proxy:1.33.2', 'istio/proxyv2:1.20.0',
  'FLUENT/Fluent-Bit:2.2', 'envoyproxy/envoy-distroless:v1.29.0', 'datadog/agent:7', 'ghcr.io/x/nginx-exporter:1', 'busybox:1.36',
];
const COMMANDS = [
  ['/task'], ['/cloud-sql-proxy'], ['/bin/alloydb-auth-proxy'], ['sh', '-c', 'sleep infinity'], ['sh', '-c', 'sleep 3600'],
  ['sh', '-c', 'sleep 99999'], ['sh', '-c', 'while true; do sleep 5; done'], ['sh', '-c', 'while :; do ./poll || exit 1; done'],
  ['tail', '-f', '/dev/null'], ['python', '-m', 'http.server', '8080'], ['nginx', '-g', 'daemon off;'], ['redis-server'],
  ['socat', 'TCP-LISTEN:5432', 'TCP:db:5432'], ['nc', '-lk', '9000'],
];
const ARGS = [
  ['wait'], ['--version'], ['shutdown'], ['project:region:instance'], ['--port=5432', 'project:region:instance'],
  ['--db', 'postgres://u@localhost:5432/db'], ['http://127.0.0.1:8080/x'], ['localhost:054321'], ['--to', '[::1]:6432'],
  ['--target=localhost:05432'], ['--api=localhost:99999'], ['-h'],
];
const PORTS = [[{ containerPort: 5432 }], [{ containerPort: 8080, name: 'http' }], [{ containerPort: 6432, protocol: 'TCP' }], [{ containerPort: 9000 }]];
const PROBES = [
  { startupProbe: { tcpSocket: { port: 5432 }, periodSeconds: 1 } },
  { readinessProbe: { httpGet: { path: '/', port: 'http' } } },
  { livenessProbe: { tcpSocket: { port: '8080' } } },
  { readinessProbe: { httpGet: { path: '/', port: 9090, host: 'example.com' } } },
  { readinessProbe: { grpc: { port: 9000 } } },
  { livenessProbe: { httpGet: { path: '/', port: 'metrics' } } },
  { startupProbe: { exec: { command: ['true'] } } },
];
const ENV = [
  [{ name: 'DB_PORT', value: '5432' }], [{ name: 'DB_URL', value: 'postgres://localhost:6432/x' }], [{ name: 'api_port', value: '8080' }],
  [{ name: 'OTHER', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }], [{ name: 'PORT', value: '09000' }],
];
const POD_META = [
  {}, { annotations: { 'sidecar.istio.io/inject': 'true' } }, { labels: { 'sidecar.istio.io/inject': 'TRUE' } },
  { annotations: { 'sidecar.istio.io/inject': 'false' }, labels: { 'sidecar.istio.io/inject': 'true' } },
  { annotations: { 'linkerd.io/inject': 'enabled' } }, { annotations: { 'linkerd.io/inject': 'Ingress' } },
  { annotations: { 'linkerd.io/inject': 'enabled', 'config.beta.linkerd.io/proxy-enable-native-sidecar': 'true' } },
  { annotations: { 'lint.cdk8s-sidecars.io/ignore': 'job-helper-never-exits, init-container-never-exits' } },
  { annotations: { 'lint.cdk8s-sidecars.io/ignore': 'all' } },
  { annotations: { 'lint.cdk8s-sidecars.io/ignore': 'sidecar-missing-startup-probe job-mesh-sidecar-injected', 'sidecar.istio.io/inject': 'true' } },
];

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });

const container = fc.record({
  image: maybe(fc.constantFrom(...IMAGES)),
  command: maybe(fc.constantFrom(...COMMANDS)),
  args: maybe(fc.constantFrom(...ARGS)),
  ports: maybe(fc.constantFrom(...PORTS)),
  probes: fc.array(fc.constantFrom(...PROBES), { maxLength: 2 }),
  env: maybe(fc.constantFrom(...ENV)),
});

/** One generated container, as `container` produces it. */
type GeneratedContainer = typeof container extends fc.Arbitrary<infer T> ? T : never;

function toContainer(name: string, c: GeneratedContainer, restartPolicy?: string): any {
  const out: any = { name };
  for (const k of ['image', 'command', 'args', 'ports', 'env']) if (c[k as keyof GeneratedContainer] !== undefined) out[k] = c[k as keyof GeneratedContainer];
  for (const p of c.probes) Object.assign(out, p);
  if (restartPolicy) out.restartPolicy = restartPolicy;
  return out;
}

const KINDS = ['Pod', 'Job', 'CronJob', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController'];

/** Random workloads (any kind) with 1-3 regular containers and 0-2 init containers or sidecars. */
export const workloads: fc.Arbitrary<any> = fc.record({
  kind: fc.constantFrom(...KINDS),
  mains: fc.array(container, { minLength: 1, maxLength: 3 }),
  inits: fc.array(fc.tuple(container, fc.boolean()), { maxLength: 2 }),
  meshName: fc.constantFrom(undefined, 'istio-proxy', 'linkerd-proxy'),
  podMeta: fc.constantFrom(...POD_META),
  objectMeta: fc.constantFrom({}, { annotations: { 'lint.cdk8s-sidecars.io/ignore': 'job-helper-never-exits' } }),
}).map(w => {
  const containers = w.mains.map((c, i) => toContainer(i === 0 && w.meshName ? w.meshName : `main${i}`, c));
  const initContainers = w.inits.map(([c, sidecar], i) => toContainer(`init${i}`, c, sidecar ? 'Always' : undefined));
  const spec: any = { restartPolicy: w.kind === 'Job' || w.kind === 'CronJob' ? 'Never' : 'Always', containers };
  if (initContainers.length > 0) spec.initContainers = initContainers;
  const template = { metadata: w.podMeta, spec };
  const metadata = { name: 'w', ...w.objectMeta };
  const apiVersion = { Pod: 'v1', ReplicationController: 'v1', Job: 'batch/v1', CronJob: 'batch/v1' }[w.kind as string] ?? 'apps/v1';
  switch (w.kind) {
    case 'Pod': return { apiVersion, kind: w.kind, metadata: { ...metadata, ...w.podMeta, annotations: { ...(w.podMeta as any).annotations, ...(w.objectMeta as any).annotations } }, spec };
    case 'Job': return { apiVersion, kind: w.kind, metadata, spec: { template } };
    case 'CronJob': return { apiVersion, kind: w.kind, metadata, spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template } } } };
    default: return { apiVersion, kind: w.kind, metadata, spec: { selector: { matchLabels: { app: 'w' } }, template } };
  }
});

/** A Job named `j` whose pod runs to completion with `spec` (restartPolicy: Never). */
function jobOf(spec: object): any {
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec: { restartPolicy: 'Never', ...spec } } } };
}

const LOOPBACK_TEXTS = [
  'postgres://u@localhost:5432/db', 'localhost:054321', 'localhost:05432', 'localhost:5432x', 'localhost:5432_1', 'localhost:6432-a',
  'localhost:localhost:6432', 'http://127.0.0.1:8080', '[::1]:9000', 'xlocalhost:6432', 'localhost:', 'localhost:99999', 'LOCALHOST:5432',
  'a localhost:8080 b 127.0.0.1:5432', 'localhost:5432localhost:6432', 'localhost:123456', '127.0.0.1:9000/', 'localhost: 5432',
];

/**
 * Jobs whose 2-3 regular containers all serve a port, so only the loopback evidence ("another container connects to
 * its port") can tell helper from task: the linter's `loopbackPortsUsed` against the CEL's split-based port reading.
 */
export const loopbackJobs: fc.Arbitrary<any> = fc.array(fc.record({
  ports: fc.constantFrom(...PORTS),
  args: fc.array(fc.constantFrom(...LOOPBACK_TEXTS), { maxLength: 2 }),
  env: fc.array(fc.record({ name: fc.constantFrom('DB_URL', 'UPSTREAM', 'DB_PORT', 'port'), value: fc.constantFrom(...LOOPBACK_TEXTS, '5432', '06432', '8080x') }), { maxLength: 2 }),
}), { minLength: 2, maxLength: 3 }).map(mains => jobOf({
  containers: mains.map((m, i) => ({ name: `c${i}`, image: 'ghcr.io/example/app:1.0.0', command: ['/app'], ports: m.ports, args: m.args, env: m.env })),
}));

// ---- shell scripts: what a task calls to stop a Job helper, and what a sidecar's script runs ----------------------

/** Commands of a task's script: the work, stop calls (right and wrong port, HTTP clients, pkill), set-up. */
const TASK_COMMANDS = [
  '/report', '/report --all', 'python /app/main.py --db=localhost:5432', 'FOO=1 /report', 'exec /report', 'nohup /report',
  'curl -X POST localhost:9091/quitquitquit', 'curl -sf http://127.0.0.1:9191/quitquitquit', 'wget -qO- localhost:9091/quitquitquit',
  '/usr/bin/curl localhost:15020/quitquitquit', 'curl localhost:9091/quitquitquit/', 'FOO=1 BAR=2 curl localhost:9091/quitquitquit',
  'pkill cloud-sql-proxy', 'killall -TERM envoy', 'exec pkill proxy', 'set -e', 'set -o errexit', 'set -x', 'echo done',
  'sleep 2', '[ -f /tmp/ready ]', 'env /report', 'true', 'wait', '/report 2>&1', 'A=1 B=2 C=3 /report', 'exec nohup command /report',
];
/** What the CEL does not read (the linter does): quotes, escapes, comments, substitutions, compound commands, traps. */
const HOSTILE_TASK_COMMANDS = [
  'A=1 B=2 C=3 D=4 /report', 'exec nohup command builtin /report', 'trap cleanup EXIT', 'if true', 'then', 'fi', '/report # comment',
  '/report "quoted"', "curl 'localhost:9091/quitquitquit'", 'curl localhost:9091/quit\\quitquit', '/report $(date)', '/report &> /dev/null',
  'echo `id`', '( /report )', '{ /report; }', 'while true', 'do', 'done',
];
const SEPARATORS = ['; ', '\n', ' && ', ' || ', ' | ', ' & ', ' &&& ', ' |& ', ';\n', '\r\n', ' ', '\t;\t'];
const SHELL_FORMS = [
  ['sh', '-c'], ['/bin/sh', '-c'], ['bash', '-ec'], ['/bin/bash', '-e', '-c'], ['/usr/bin/env', 'bash', '-c'], ['busybox', 'sh', '-c'],
  ['sh', '-c', '--'], ['sh', '-euc'], ['sh', '-x', '-e', '-c'],
];
/** Shell command lines the CEL does not read: `-o` takes a word, no `-c`, `--` before `-c`, the script too far. */
const HOSTILE_SHELL_FORMS = [['bash', '-o', 'pipefail', '-c'], ['sh'], ['bash', '--', '-c'], ['sh', '-x', '-e', '-u', '-c']];
/** Mostly what the CEL reads, sometimes what it does not. */
const mostly = <T>(read: readonly T[], hostile: readonly T[]) =>
  fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...read) }, { weight: 1, arbitrary: fc.constantFrom(...hostile) });
const taskCommand = mostly(TASK_COMMANDS, HOSTILE_TASK_COMMANDS);
const script = fc.array(fc.tuple(taskCommand, fc.constantFrom(...SEPARATORS)), { minLength: 1, maxLength: 4 })
  .map(parts => parts.map(([cmd, sep], i) => (i === 0 ? cmd : sep + cmd)).join(''));
const shellForm = mostly(SHELL_FORMS, HOSTILE_SHELL_FORMS);
const shellCommand = fc.tuple(shellForm, script).map(([form, s]) => [...form, s]);

const HELPERS = [
  { name: 'cloud-sql-proxy', image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.0', args: ['--quitquitquit', '--port=5432', 'p:r:i'] },
  { name: 'cloud-sql-proxy', image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.0', args: ['--quitquitquit', '--admin-port=9191', 'p:r:i'] },
  { name: 'cloud-sql-proxy', image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.0', args: ['--port=5432', 'p:r:i'] },
  { name: 'cloud-sql-proxy', image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.0', args: ['--quitquitquit=false', '--port=5432', 'p:r:i'] },
  { name: 'alloydb', image: 'gcr.io/alloydb-connectors/alloydb-auth-proxy:1.10.0', args: ['--quitquitquit', '--admin-port=9091', 'projects/p/locations/l/clusters/c/instances/i'] },
  { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.22.0' },
  { name: 'envoy', image: 'envoyproxy/envoy:v1.31.0', ports: [{ containerPort: 9901 }] },
];
/** Helpers whose flags the CEL does not read: a value in the next word, a short flag, the admin port from env, a script. */
const HOSTILE_HELPERS = [
  { name: 'cloud-sql-proxy', image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.0', args: ['--quitquitquit', '--admin-port', '9191', 'p:r:i'] },
  { name: 'cloud-sql-proxy', image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.0', args: ['--quitquitquit', '-p', '5432', 'p:r:i'] },
  { name: 'cloud-sql-proxy', image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.0', args: ['--quitquitquit', 'p:r:i'], env: [{ name: 'CSQL_PROXY_ADMIN_PORT', value: '9191' }] },
  { name: 'cloud-sql-proxy', image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.0', command: ['sh', '-c', '/cloud-sql-proxy --quitquitquit p:r:i'] },
];

/**
 * Jobs of one task that runs a shell script (or a plain command line) and one long-running helper: the stops of
 * `job-helper-never-exits` (`/quitquitquit` calls, pkill across `shareProcessNamespace`), read by the linter's shell
 * reader and by the CEL's flat-script reader.
 */
export const stopScriptJobs: fc.Arbitrary<any> = fc.record({
  task: fc.oneof({ weight: 4, arbitrary: shellCommand }, { weight: 1, arbitrary: fc.constantFrom(['/report', '--done=localhost:9091/quitquitquit'], ['curl', 'localhost:9091/quitquitquit'], ['/report']) }),
  helper: mostly<any>(HELPERS, HOSTILE_HELPERS),
  share: fc.boolean(),
  helperFirst: fc.boolean(),
}).map(w => {
  const task = { name: 'task', image: 'ghcr.io/example/task:1.0.0', command: w.task };
  return jobOf({ ...(w.share ? { shareProcessNamespace: true } : {}), containers: w.helperFirst ? [w.helper, task] : [task, w.helper] });
});

/** Commands of a sidecar's or init container's script: proxies in the foreground, in the background, one-shot, other work. */
const SIDECAR_COMMANDS = [
  '/cloud-sql-proxy p:r:i', 'exec /cloud-sql-proxy --structured-logs p:r:i', '/cloud-sql-proxy --version', '/cloud-sql-proxy wait',
  'cloud_sql_proxy -instances=p:r:i=tcp:5432', '/alloydb-auth-proxy projects/p/locations/l/clusters/c/instances/i', 'echo starting',
  'sleep 1', '/migrate', 'cloud-sql-proxy p:r:i', '/usr/local/bin/cloud-sql-proxy --port 5432 p:r:i', 'FOO=1 exec /cloud-sql-proxy p:r:i',
  'sleep infinity', '/cloud-sql-proxy "p:r:i"', 'trap "kill 0" TERM',
];
const sidecarScript = fc.array(fc.tuple(fc.constantFrom(...SIDECAR_COMMANDS), fc.constantFrom('; ', '\n', ' && ', ' & ', ' | ')), { minLength: 1, maxLength: 3 })
  .map(parts => parts.map(([cmd, sep], i) => (i === 0 ? cmd : sep + cmd)).join(''));

/** Pods whose init containers (plain or native sidecars) run a proxy, or something else, from a shell script. */
export const scriptSidecarPods: fc.Arbitrary<any> = fc.array(fc.record({
  image: fc.constantFrom('gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.0-alpine', 'gcr.io/alloydb-connectors/alloydb-auth-proxy:1.10.0-alpine', 'alpine:3.20', 'gcr.io/cloudsql-docker/gce-proxy:1.33.2'),
  command: fc.tuple(fc.constantFrom(...SHELL_FORMS.slice(0, 6)), sidecarScript).map(([form, s]) => [...form, s]),
  sidecar: fc.boolean(),
  probe: fc.boolean(),
}), { minLength: 1, maxLength: 2 }).map(inits => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p' },
  spec: {
    initContainers: inits.map((c, i) => ({
      name: `init${i}`,
      image: c.image,
      command: c.command,
      ...(c.sidecar ? { restartPolicy: 'Always' } : {}),
      ...(c.probe ? { startupProbe: { tcpSocket: { port: 5432 }, periodSeconds: 1 } } : {}),
    })),
    containers: [{ name: 'app', image: 'ghcr.io/example/app:1.0.0' }],
  },
}));
