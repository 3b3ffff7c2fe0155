// Benchmark: lint a generated 10,000-object multi-document YAML (CronJobs, Jobs and Deployments with sidecars — good
// and broken —, Services, ConfigMaps). In the same process we time the YAML parse (`parseManifests`) and the lint of
// the parsed objects (all rules), with warm-up rounds, and print the medians and their ratio.
// Target: lint / parse <= 0.05 (line `lint`).
// Then the cost of the whole CLI on a 5 MB file of the same mix (line `lint-5mb`): `cdk8s-sidecars lint FILE`
// (read, safe loader, lint, output) against the YAML parse of the same file (the `yaml` package with its defaults),
// each run in a fresh child process (bench/_cost-child.ts), alternating, median of the rounds: wall time and peak
// resident memory. Target: both ratios <= 3. Run with `npm run bench -- lint`.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { parseManifests } from '../src/_manifest';
import { KubernetesVersion } from '../src/kubernetes-version';
import { lintSourced } from '../src/lint/_engine';
import { engineOptions } from '../src/lint/_options';

const gc = (global as any).gc as (() => void) | undefined;
if (!gc) throw new Error('run with node --expose-gc (npm run bench does)');

const OBJECTS = 10_000;
const WARMUP = 2;
const ROUNDS = 5;

const SC = { allowPrivilegeEscalation: false, runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };
const RES = { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } };

function proxySidecar(i: number): any {
  return {
    name: 'cloud-sql-proxy',
    image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.25.3',
    imagePullPolicy: 'IfNotPresent',
    restartPolicy: 'Always',
    args: ['--structured-logs', '--exit-zero-on-sigterm', '--health-check', '--http-address=0.0.0.0', '--http-port=9801', `proj:us-central1:db-${i}?port=5432`],
    ports: [{ containerPort: 9801 }],
    startupProbe: { httpGet: { path: '/startup', port: 9801 }, periodSeconds: 1, failureThreshold: 60, timeoutSeconds: 10 },
    livenessProbe: { httpGet: { path: '/liveness', port: 9801 }, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 10 },
    resources: RES,
    securityContext: { ...SC, runAsUser: 65532 },
  };
}

function app(name: string, i: number, extra: any = {}): any {
  return {
    name,
    image: `ghcr.io/acme/${name}:1.${i % 50}.0`,
    imagePullPolicy: 'IfNotPresent',
    command: [`/${name}`],
    args: ['--db', 'postgres://app@127.0.0.1:5432/app', '--batch', String(i)],
    env: [{ name: 'PGHOST', value: '127.0.0.1' }, { name: 'PGPORT', value: '5432' }, { name: 'LOG_LEVEL', value: 'info' }],
    resources: RES,
    securityContext: SC,
    ...extra,
  };
}

/** One object of a realistic mix (1 in 10 is broken in some way). */
function object(i: number): any {
  const name = `obj-${i}`;
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'bench' };
  switch (i % 10) {
    case 0:
    case 1:
      return {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name, namespace: 'batch', labels },
        spec: {
          schedule: '0 3 * * *',
          timeZone: 'Etc/UTC',
          concurrencyPolicy: 'Forbid',
          startingDeadlineSeconds: 300,
          jobTemplate: {
            spec: {
              activeDeadlineSeconds: 3600,
              template: {
                metadata: { labels },
                spec: {
                  restartPolicy: 'Never', automountServiceAccountToken: false, initContainers: [proxySidecar(i)], containers: [app('report', i)],
                },
              },
            },
          },
        },
      };
    case 2:
      return {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name, namespace: 'batch', labels },
        spec: {
          activeDeadlineSeconds: 600,
          template: {
            metadata: { labels },
            spec: {
              restartPolicy: 'Never', initContainers: [app('migrate', i), proxySidecar(i)], containers: [app('export', i)],
            },
          },
        },
      };
    case 3: // broken: helper as a regular container of a Job
      return {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name, namespace: 'batch', labels },
        spec: { template: { spec: { restartPolicy: 'Never', containers: [app('export', i), { ...proxySidecar(i), restartPolicy: undefined }] } } },
      };
    case 4:
    case 5:
      return {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: 'web', labels },
        spec: {
          replicas: 3,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              initContainers: [proxySidecar(i), { name: 'envoy', image: 'envoyproxy/envoy:v1.30.1', restartPolicy: 'Always', ports: [{ containerPort: 15001 }], securityContext: SC }],
              containers: [app('web', i, { ports: [{ containerPort: 8080, name: 'http' }], readinessProbe: { httpGet: { path: '/ready', port: 'http' } } })],
            },
          },
        },
      };
    case 6:
    case 7:
      return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'web', labels }, spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] } };
    default:
      return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'web', labels }, data: { 'config.yaml': `key: value-${i}\nother: ${i}\n` } };
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time<T>(fn: () => T): { ms: number; value: T } {
  gc!();
  const t0 = process.hrtime.bigint();
  const value = fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

const text = Array.from({ length: OBJECTS }, (_, i) => stringify(object(i))).join('---\n');
const opts = engineOptions({ kubernetesVersion: KubernetesVersion.DEFAULT });

const parseMs: number[] = [];
const lintMs: number[] = [];
let findings = 0;
let objects = 0;
for (let round = 0; round < WARMUP + ROUNDS; round++) {
  const parsed = time(() => parseManifests(text, 'bench.yaml'));
  const linted = time(() => lintSourced(parsed.value, opts));
  objects = parsed.value.length;
  findings = linted.value.length;
  if (round >= WARMUP) {
    parseMs.push(parsed.ms);
    lintMs.push(linted.ms);
  }
}

const parse = median(parseMs);
const lint = median(lintMs);
console.log(JSON.stringify({
  bench: 'lint',
  objects,
  yamlBytes: text.length,
  findings,
  rounds: ROUNDS,
  parseMs: Number(parse.toFixed(1)),
  lintMs: Number(lint.toFixed(1)),
  ratio: Number((lint / parse).toFixed(3)),
  target: 0.05,
  ok: lint / parse <= 0.05,
}));
if (objects !== OBJECTS) throw new Error(`expected ${OBJECTS} objects, parsed ${objects}`);

// ---------------------------------------------------------------------------------------------------------------------
// the whole CLI on a 5 MB file, against the YAML parse of the same file

const FIVE_MB = 5 * 1024 * 1024;
const COST_ROUNDS = 3;
const docs: string[] = [];
let size = 0;
for (let i = 0; size < FIVE_MB; i++) {
  const d = stringify(object(i));
  docs.push(d);
  size += d.length + 4;
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-bench-'));
const file = path.join(dir, 'five-mb.yaml');
fs.writeFileSync(file, docs.join('---\n'));

function child(mode: 'parse' | 'lint'): { ms: number; peakBytes: number } {
  const r = spawnSync(process.execPath, ['--expose-gc', '-r', 'ts-node/register/transpile-only', path.join(__dirname, '_cost-child.ts'), mode, file], {
    encoding: 'utf8', env: process.env, maxBuffer: 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`bench child '${mode}' failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const cost = { parseMs: [] as number[], lintMs: [] as number[], parseBytes: [] as number[], lintBytes: [] as number[] };
try {
  for (let round = 0; round < COST_ROUNDS; round++) {
    const p = child('parse');
    const l = child('lint');
    cost.parseMs.push(p.ms);
    cost.lintMs.push(l.ms);
    cost.parseBytes.push(p.peakBytes);
    cost.lintBytes.push(l.peakBytes);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
const mb = (b: number) => Number((b / 1024 / 1024).toFixed(1));
const timeRatio = median(cost.lintMs) / median(cost.parseMs);
const memoryRatio = median(cost.lintBytes) / median(cost.parseBytes);
console.log(JSON.stringify({
  bench: 'lint-5mb',
  yamlBytes: size,
  objects: docs.length,
  rounds: COST_ROUNDS,
  parseMs: Number(median(cost.parseMs).toFixed(0)),
  lintMs: Number(median(cost.lintMs).toFixed(0)),
  timeRatio: Number(timeRatio.toFixed(2)),
  parsePeakMb: mb(median(cost.parseBytes)),
  lintPeakMb: mb(median(cost.lintBytes)),
  memoryRatio: Number(memoryRatio.toFixed(2)),
  target: 3,
  ok: timeRatio <= 3 && memoryRatio <= 3,
}));
