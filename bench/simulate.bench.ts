/**
 * `node scripts/bench.js simulate`: how long the app waits after its sidecar is ready, by startup gate, as the
 * simulator predicts it. For sidecar readiness times 0.5–30 s, the delay between the sidecar beginning to serve and
 * the app starting, for
 *   (a) our default startup gate: startupProbe periodSeconds 1, initialDelaySeconds 0, failureThreshold 60;
 *   (b) a hand-written probe: initialDelaySeconds 5, periodSeconds 1, failureThreshold 5;
 *   (c) Kubernetes probe defaults: periodSeconds 10, failureThreshold 3.
 * Target: (a) ≤ 1 s at every point. All figures come from one run of the simulator (virtual time).
 */
import { performance } from 'perf_hooks';
import { KubernetesVersion } from '../src/kubernetes-version';
import { SimulationEventKind, Simulator } from '../src/simulate';
import { runSimulateCommand } from '../src/simulate/command';

const READINESS = [0.5, 1, 2, 5, 10, 30];
const TARGET = 1;
const HORIZON = 600;

const GATES: Array<{ id: string; label: string; probe: any }> = [
  { id: 'default-gate', label: '(a) our default gate (period 1s, delay 0, threshold 60)', probe: { initialDelaySeconds: 0, periodSeconds: 1, failureThreshold: 60 } },
  { id: 'hand-written-probe', label: '(b) a hand-written probe (delay 5s, period 1s, threshold 5)', probe: { initialDelaySeconds: 5, periodSeconds: 1, failureThreshold: 5 } },
  { id: 'k8s-defaults', label: '(c) Kubernetes defaults (period 10s, threshold 3)', probe: {} },
];

function manifest(probe: any): any {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'bench' },
    spec: {
      template: {
        spec: {
          restartPolicy: 'Never',
          initContainers: [{ name: 'proxy', image: 'proxy', restartPolicy: 'Always', startupProbe: { httpGet: { path: '/', port: 8081 }, ...probe } }],
          containers: [{ name: 'app', image: 'app' }],
        },
      },
    },
  };
}

interface Point {
  readonly delay?: number;
  readonly appStartedAt?: number;
  readonly proxyRestarts: number;
  readonly startupProbeFailures: number;
  readonly final: string;
}

function measure(probe: any, readyAfter: number): Point {
  const result = Simulator.simulate(manifest(probe), {
    behaviors: { proxy: { readyAfter }, app: { needs: ['proxy'], exitAfter: 1 } },
    until: HORIZON,
  });
  const app = result.container('app');
  const proxy = result.container('proxy');
  // "the sidecar becomes ready" = the moment it starts serving in the run the app started against
  const delay = app.startedAt !== undefined && proxy.servingAt !== undefined && result.startedAfterServing('app', 'proxy')
    ? Math.round((app.startedAt - proxy.servingAt) * 1000) / 1000 : undefined;
  return {
    delay,
    appStartedAt: app.startedAt,
    proxyRestarts: proxy.restarts,
    startupProbeFailures: result.events.filter(e => e.kind === SimulationEventKind.STARTUP_PROBE_FAILED).length,
    final: `${result.finalState.phase}/${result.finalState.status}`,
  };
}

const t0 = performance.now();
const table: Record<string, Record<number, Point>> = {};
let simulations = 0;
for (const gate of GATES) {
  table[gate.id] = {};
  for (const r of READINESS) {
    table[gate.id][r] = measure(gate.probe, r);
    simulations++;
  }
}
const elapsedMs = performance.now() - t0;

const cell = (p: Point) => (p.delay !== undefined ? `${p.delay}s` : `never (${p.proxyRestarts} restarts in ${HORIZON / 60}m)`);
const header = ['sidecar ready after', ...GATES.map(g => g.label)];
const rows = READINESS.map(r => [`${r}s`, ...GATES.map(g => cell(table[g.id][r]))]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map(row => row[i].length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
console.log('Delay between the sidecar serving and the app starting (simulated, virtual time):');
console.log(line(header));
console.log(widths.map(w => '-'.repeat(w)).join('-|-'));
for (const row of rows) console.log(line(row));
console.log('never = the startup probe reaches its failureThreshold before the sidecar serves, so the kubelet kills and restarts it');
console.log('        (at once, then with back-off 10s, 20s, ...); each new run is killed again before it is ready, and the app never starts.');
console.log('');
for (const r of READINESS) {
  const point: Record<string, any> = { bench: 'simulate', sidecarReadyAfter: r };
  for (const g of GATES) {
    const p = table[g.id][r];
    point[g.id] = {
      delay: p.delay ?? null,
      appStartedAt: p.appStartedAt ?? null,
      sidecarRestarts: p.proxyRestarts,
      startupProbeFailures: p.startupProbeFailures,
      final: p.final,
    };
  }
  console.log(JSON.stringify(point));
}
const ours = READINESS.map(r => table['default-gate'][r].delay);
const holds = ours.every(d => d !== undefined && d <= TARGET);
const worst = Math.max(...ours.map(d => d ?? Infinity));
console.log('');
console.log(`target (a) <= ${TARGET}s at every point: ${holds ? 'HOLDS' : 'MISSED'} (worst ${worst}s)`);
console.log(JSON.stringify({ bench: 'simulate', target: TARGET, holds, worst, simulations, elapsedMs: Math.round(elapsedMs * 10) / 10 }));
if (!holds) process.exitCode = 1;

// ---------------------------------------------------------------------------------------------------------------
// Worst-case cost of long horizons: a crash-looping Deployment pod (the app exits 1 after 1 s, restartPolicy Always).
// `--until 1000000h` is refused (the horizon is capped at Simulator.MAX_HORIZON_SECONDS); the longest accepted horizon
// is simulated with the default back-off (10 s … 5 m) and with the fastest one a kubelet can be configured for
// (KubeletCrashLoopBackOffMax with maxContainerRestartPeriod 1 s). Targets: <= 1 s and <= 200 MB each.
const crashLoop = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: { template: { spec: { containers: [{ name: 'app', image: 'app' }] } } },
};
const g = (globalThis as any).gc as (() => void) | undefined;
interface Cost { readonly label: string; readonly ms: number; readonly peakRssMb: number; readonly heapMb: number; readonly outcome: string }
async function cost(label: string, run: () => Promise<string> | string): Promise<Cost> {
  g?.();
  const heap0 = process.memoryUsage().heapUsed;
  const t = performance.now();
  const outcome = await run();
  const ms = performance.now() - t;
  const heapMb = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  return { label, ms: Math.round(ms * 10) / 10, peakRssMb, heapMb: Math.round(heapMb * 10) / 10, outcome };
}
async function worstCases(): Promise<void> {
  const costs: Cost[] = [];
  costs.push(await cost('cdk8s-sidecars simulate --until 1000000h (crash loop)', async () => {
    const fs = await import('fs');
    const os = await import('os');
    const path = await import('path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sim-'));
    fs.writeFileSync(path.join(dir, 'web.yaml'), JSON.stringify(crashLoop));
    fs.writeFileSync(path.join(dir, 'behavior.yaml'), 'app: { exitAfter: 1s, exitCode: 1 }\n');
    try {
      await runSimulateCommand([path.join(dir, 'web.yaml'), '--behavior', path.join(dir, 'behavior.yaml'), '--until', '1000000h'], {
        stdout: () => undefined, stderr: () => undefined, readStdin: async () => '',
      });
      return 'simulated';
    } catch (e: any) {
      return `refused: ${String(e.message).slice(0, 60)}…`;
    }
  }));
  const max = Simulator.MAX_HORIZON_SECONDS;
  costs.push(await cost(`Simulator, until ${max / 3600}h, default back-off`, () => {
    const r = Simulator.simulate(crashLoop, { behaviors: { app: { exitAfter: 1, exitCode: 1 } }, until: max });
    return `${r.rows.length} rows, ${r.finalState.restarts} restarts`;
  }));
  costs.push(await cost(`Simulator, until ${max / 3600}h, back-off capped at 1s (1.35, maxContainerRestartPeriod 1s)`, () => {
    const r = Simulator.simulate(crashLoop, {
      behaviors: { app: { exitAfter: 1, exitCode: 1 } }, until: max, kubernetesVersion: KubernetesVersion.of(35), maxContainerRestartPeriod: 1,
    });
    return `${r.rows.length} rows, ${r.finalState.restarts} restarts`;
  }));
  console.log('');
  console.log('Worst-case cost of long horizons (crash-looping Deployment pod; targets <= 1000 ms and <= 200 MB):');
  for (const c of costs) {
    const ok = c.ms <= 1000 && c.peakRssMb <= 200;
    const verdict = ok ? 'HOLDS' : 'MISSED';
    console.log(`  ${c.label}: ${c.ms} ms, peak RSS ${c.peakRssMb} MB (heap +${c.heapMb} MB) — ${c.outcome} — ${verdict}`);
    console.log(JSON.stringify({ bench: 'simulate-worst-case', ...c, holds: ok }));
    if (!ok) process.exitCode = 1;
  }
}
void worstCases();
