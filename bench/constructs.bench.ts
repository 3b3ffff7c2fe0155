// Benchmark: N SidecarCronJobs with one sidecar each vs the same pods built by hand with plain
// cdk8s-plus-28 (CronJob + addInitContainer with restartPolicy: Always and a startup probe). Both are built and
// synthesized in the same process, alternating, several rounds; we print the median time and heap delta of each and
// the median of the per-round ratios. Target: ratio <= 1.10 for time and heap. Run with `npm run bench -- constructs`.
//
// To compare with an earlier version of this library in the same run, point BENCH_BASELINE at a checkout of it whose
// `node_modules` is this one's (so both use the same cdk8s and cdk8s-plus), e.g.
//   git worktree add --detach /tmp/base <commit> && ln -s "$PWD/node_modules" /tmp/base/node_modules
//   BENCH_BASELINE=/tmp/base npm run bench -- constructs
// It then also builds the pods with the baseline's SidecarCronJob, alternating with the other two, and prints
// `vsBaseline` (this version's time and heap over the baseline's).
import * as path from 'path';
import { App, Chart, Cron, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as current from '../src';

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

type Library = Pick<typeof current, 'Sidecar' | 'SidecarCronJob' | 'StartupGate'>;

function withLibrary(lib: Library): (chart: Chart, i: number) => void {
  return (chart, i) => {
    new lib.SidecarCronJob(chart, `job-${i}`, {
      schedule: Cron.daily(),
      timeZone: 'Etc/UTC', // the default now; spelled out so a baseline from before that default renders the same CronJob
      containers: [{ name: 'app', image: 'acme/report:1.2.3' }],
      sidecars: [new lib.Sidecar({ name: 'proxy', image: 'acme/proxy:2.0.1', portNumber: 8081, startupGate: lib.StartupGate.httpGet('/', { port: 8081 }) })],
    });
  };
}

const ours = withLibrary(current);
const baselineDir = process.env.BENCH_BASELINE;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const baseline = baselineDir ? withLibrary(require(path.resolve(baselineDir, 'src')) as Library) : undefined;

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
if (baseline && normalize(run(1, baseline).yaml) !== normalize(sampleOurs)) {
  console.error('the baseline synthesizes another pod:\n' + run(1, baseline).yaml);
  process.exit(1);
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
for (const n of [1000, 5000]) {
  run(Math.min(n, 500), ours); run(Math.min(n, 500), byHand); // warm up
  if (baseline) run(Math.min(n, 500), baseline);
  const a: Sample[] = []; const b: Sample[] = []; const c: Sample[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // each round in another order, so no build always runs first (or right after a garbage collection of another)
    const jobs: Array<() => void> = [() => a.push(run(n, ours)), () => b.push(run(n, byHand))];
    if (baseline) jobs.push(() => c.push(run(n, baseline)));
    for (let k = 0; k < jobs.length; k++) jobs[(r + k) % jobs.length]();
  }
  // the ratios are medians of the ratios within each round (both builds ran within a second of each other), which
  // cancels the machine's slow and fast spells better than a ratio of medians
  const ratio = (x: Sample[], y: Sample[], f: (s: Sample) => number) => median(x.map((s, r) => f(s) / f(y[r])));
  const timeRatio = ratio(a, b, s => s.ms);
  const heapRatio = ratio(a, b, s => s.heapBytes);
  console.log(JSON.stringify({
    bench: 'SidecarCronJob vs plain cdk8s-plus-28',
    n,
    rounds: ROUNDS,
    oursMs: Math.round(median(a.map(s => s.ms))),
    byHandMs: Math.round(median(b.map(s => s.ms))),
    timeRatio: +timeRatio.toFixed(3),
    oursHeapMiB: +(median(a.map(s => s.heapBytes)) / 2 ** 20).toFixed(1),
    byHandHeapMiB: +(median(b.map(s => s.heapBytes)) / 2 ** 20).toFixed(1),
    heapRatio: +heapRatio.toFixed(3),
    target: 1.10,
    pass: timeRatio <= 1.10 && heapRatio <= 1.10,
    ...(baseline ? {
      vsBaseline: {
        baselineMs: Math.round(median(c.map(s => s.ms))),
        timeRatio: +ratio(a, c, s => s.ms).toFixed(3),
        heapRatio: +ratio(a, c, s => s.heapBytes).toFixed(3),
      },
    } : {}),
  }));
}
