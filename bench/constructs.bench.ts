// Benchmark: N SidecarCronJobs with one sidecar each vs the same pods built by hand with plain
// cdk8s-plus-28 (CronJob + addInitContainer with restartPolicy: Always and a startup probe). Both are built and
// synthesized in the same process, alternating, several rounds; we print the median time and heap delta of each and
// the ratios. Target: ratio <= 1.10 for time and heap. Run with `npm run bench -- constructs`.
import { App, Chart, Cron, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Sidecar, SidecarCronJob, StartupGate } from '../src';

const gc = (global as any).gc as (() => void) | undefined;
if (!gc) throw new Error('run with node --expose-gc (npm run bench does)');

const RESTRICTED: kplus.ContainerSecurityContextProps = {
  ensureNonRoot: true,
  privileged: false,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: [kplus.Capability.ALL] },
  seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
};
const SIDECAR_RESOURCES: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.millis(500) },
  memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) },
};

function ours(chart: Chart, i: number): void {
  new SidecarCronJob(chart, `job-${i}`, {
    schedule: Cron.daily(),
    containers: [{ name: 'app', image: 'acme/report:1.2.3' }],
    sidecars: [new Sidecar({ name: 'proxy', image: 'acme/proxy:2.0.1', portNumber: 8081, startupGate: StartupGate.httpGet('/', { port: 8081 }) })],
  });
}

function byHand(chart: Chart, i: number): void {
  const cron = new kplus.CronJob(chart, `job-${i}`, {
    schedule: Cron.daily(),
    timeZone: 'Etc/UTC',
    activeDeadline: Duration.hours(1),
    containers: [{ name: 'app', image: 'acme/report:1.2.3', imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT, securityContext: RESTRICTED }],
  });
  cron.addInitContainer({
    name: 'proxy',
    image: 'acme/proxy:2.0.1',
    imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
    portNumber: 8081,
    restartPolicy: kplus.ContainerRestartPolicy.ALWAYS,
    resources: SIDECAR_RESOURCES,
    securityContext: RESTRICTED,
    startup: kplus.Probe.fromHttpGet('/', {
      port: 8081,
      periodSeconds: Duration.seconds(1),
      initialDelaySeconds: Duration.seconds(0),
      failureThreshold: 60,
      timeoutSeconds: Duration.seconds(1),
    }),
  });
}

interface Sample { ms: number; heapBytes: number; yaml: string }

function run(n: number, build: (c: Chart, i: number) => void): Sample {
  gc!(); gc!();
  const before = process.memoryUsage().heapUsed;
  const t0 = process.hrtime.bigint();
  const app = new App({ outdir: '/tmp/cdk8s-sidecars-bench' });
  const chart = new Chart(app, 'bench');
  for (let i = 0; i < n; i++) build(chart, i);
  const yaml = app.synthYaml();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  gc!(); gc!();
  const heapBytes = process.memoryUsage().heapUsed - before; // app and YAML are still referenced here
  return { ms, heapBytes, yaml: yaml.length > 0 ? yaml : '' };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// same output: the two ways must synthesize the same pod (names aside), or the comparison means nothing
const sampleOurs = run(1, ours).yaml;
const sampleHand = run(1, byHand).yaml;
const normalize = (y: string) => y.replace(/bench-job-0-c8[0-9a-f]{6}/g, 'NAME');
if (normalize(sampleOurs) !== normalize(sampleHand)) {
  console.error('outputs differ:\n--- ours\n' + sampleOurs + '\n--- by hand\n' + sampleHand);
  process.exit(1);
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
for (const n of [1000, 5000]) {
  run(Math.min(n, 500), ours); run(Math.min(n, 500), byHand); // warm up
  const a: Sample[] = []; const b: Sample[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) { a.push(run(n, ours)); b.push(run(n, byHand)); } else { b.push(run(n, byHand)); a.push(run(n, ours)); }
  }
  const oursMs = median(a.map(s => s.ms)); const handMs = median(b.map(s => s.ms));
  const oursHeap = median(a.map(s => s.heapBytes)); const handHeap = median(b.map(s => s.heapBytes));
  console.log(JSON.stringify({
    bench: 'SidecarCronJob vs plain cdk8s-plus-28',
    n,
    rounds: ROUNDS,
    oursMs: Math.round(oursMs),
    byHandMs: Math.round(handMs),
    timeRatio: +(oursMs / handMs).toFixed(3),
    oursHeapMiB: +(oursHeap / 2 ** 20).toFixed(1),
    byHandHeapMiB: +(handHeap / 2 ** 20).toFixed(1),
    heapRatio: +(oursHeap / handHeap).toFixed(3),
    target: 1.10,
    pass: oursMs / handMs <= 1.10 && oursHeap / handHeap <= 1.10,
  }));
}
