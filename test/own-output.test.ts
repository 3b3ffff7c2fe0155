// Our own output is clean (issue 4 §5) and behaves (issue 5 §5): every construct's default output and every example
// has zero error or warning lint findings, and simulates with realistic behaviours to what the construct promises —
// the app starts only after every sidecar is ready, and Job pods end `Completed`.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Cron, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { chart } from './_util';
import {
  AlloyDbProxySidecar, CloudSqlProxySidecar, ContainerBehavior, DatabaseEngine, KubernetesVersion, Linter, Severity, Sidecar, SidecarCronJob,
  SidecarJob, SimulatedPodPhase, Simulator, StartupGate,
} from '../src';
import { podTemplateOf, parseManifests } from '../src/_manifest';

const notInfo = (findings: any[]) => findings.filter(f => f.severity !== Severity.INFO).map(f => `${f.rule} ${f.kind}/${f.name} ${f.container ?? ''}: ${f.message}`);

/**
 * Realistic behaviours for a workload: each native sidecar becomes ready 2 s after it starts (slower than our 1 s
 * poll), each app container needs every sidecar (it exits 1 at once if one is not serving) and, in a Job, finishes
 * after 3 s; regular init containers run 1 s.
 */
function behaviorsFor(obj: any): { behaviors: Record<string, ContainerBehavior>; sidecars: string[]; apps: string[]; isJob: boolean } {
  const ref = podTemplateOf(obj)!;
  const sidecars = (ref.spec.initContainers ?? []).filter((c: any) => c.restartPolicy === 'Always').map((c: any) => c.name);
  const inits = (ref.spec.initContainers ?? []).filter((c: any) => c.restartPolicy !== 'Always').map((c: any) => c.name);
  const apps = ref.spec.containers.map((c: any) => c.name);
  const behaviors: Record<string, ContainerBehavior> = {};
  for (const s of sidecars) behaviors[s] = { readyAfter: 2 };
  for (const i of inits) behaviors[i] = { exitAfter: 1, exitCode: 0 };
  for (const a of apps) behaviors[a] = ref.isJob ? { needs: sidecars, exitAfter: 3, exitCode: 0 } : { needs: sidecars };
  return { behaviors, sidecars, apps, isJob: ref.isJob };
}

function expectGoodLifecycle(obj: any): void {
  const { behaviors, sidecars, apps, isJob } = behaviorsFor(obj);
  const result = Simulator.simulate(obj, { behaviors });
  for (const app of apps) {
    for (const s of sidecars) expect({ app, sidecar: s, startedAfterServing: result.startedAfterServing(app, s) }).toEqual({ app, sidecar: s, startedAfterServing: true });
  }
  expect(result.stuck).toBe(false);
  if (isJob) {
    expect(result.finalState).toMatchObject({ phase: SimulatedPodPhase.SUCCEEDED, status: 'Completed' });
  } else {
    expect(result.finalState.phase).toBe(SimulatedPodPhase.RUNNING);
    expect(result.finalState.status).toBe('Running');
  }
}

describe('constructs with their defaults', () => {
  const sidecar = () => new Sidecar({ name: 'proxy', image: 'acme/proxy:2.0.1', portNumber: 8081, startupGate: StartupGate.httpGet('/ready') });
  const cases: Array<[string, (c: any) => void]> = [
    ['SidecarCronJob', c => new SidecarCronJob(c, 'cron', { schedule: Cron.daily(), containers: [{ name: 'app', image: 'acme/app:1.0.0' }], sidecars: [sidecar()] })],
    ['SidecarJob', c => new SidecarJob(c, 'job', { containers: [{ name: 'app', image: 'acme/app:1.0.0' }], sidecars: [sidecar()] })],
    ['SidecarJob with a migration init container', c => new SidecarJob(c, 'job', {
      containers: [{ name: 'app', image: 'acme/app:1.0.0' }],
      initContainers: [{ name: 'migrate', image: 'acme/migrate:1.0.0' }],
      sidecars: [sidecar(), new Sidecar({ name: 'second', image: 'acme/second:1.0.0', portNumber: 9000 })],
    })],
    ['SidecarCronJob with CloudSqlProxySidecar', c => new SidecarCronJob(c, 'orders', {
      schedule: Cron.daily(),
      containers: [{ name: 'app', image: 'acme/app:1.0.0' }],
      sidecars: [new CloudSqlProxySidecar({ instanceConnectionName: 'acme-prod:europe-west1:main-db', engine: DatabaseEngine.POSTGRESQL })],
    })],
    ['SidecarJob with AlloyDbProxySidecar and an admin port', c => new SidecarJob(c, 'analytics', {
      containers: [{ name: 'app', image: 'acme/app:1.0.0' }],
      sidecars: [new AlloyDbProxySidecar({ instanceUri: 'projects/acme-prod/locations/europe-west1/clusters/main/instances/primary', adminPort: 9091 })],
    })],
    ['Deployment with attachTo', c => {
      const d = new kplus.Deployment(c, 'web', {
        containers: [{
          name: 'web', image: 'acme/web:1.0.0', portNumber: 8080, imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
          securityContext: { capabilities: { drop: [kplus.Capability.ALL] }, seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT } },
        }],
      });
      sidecar().attachTo(d);
    }],
  ];
  test.each(cases)('%s: no error or warning lint findings', (_name, build) => {
    const c = chart();
    build(c);
    const manifests = Testing.synth(c);
    expect(notInfo(Linter.lintManifests(manifests))).toEqual([]);
    expect(notInfo(Linter.lintManifests(manifests, { kubernetesVersion: KubernetesVersion.V1_33 }))).toEqual([]);
  });
  test.each(cases)('%s: the app starts after the sidecars are ready, and a Job completes', (_name, build) => {
    const c = chart();
    build(c);
    expectGoodLifecycle(Testing.synth(c)[0]);
  });
});

describe('examples', () => {
  const root = path.join(__dirname, '..');
  const examplesDir = path.join(root, 'examples');
  const examples = fs.readdirSync(examplesDir).filter(n => fs.existsSync(path.join(examplesDir, n, 'cdk8s.yaml'))).sort();
  const docs: { [name: string]: any[] } = {};

  beforeAll(() => {
    // examples/<name>/dist is written by the examples test or `npm run synth:examples`; synthesize what is missing
    const missing = examples.filter(n => !fs.existsSync(path.join(examplesDir, n, 'dist')));
    if (missing.length > 0) {
      const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'synth-examples.js'), ...missing], { cwd: root, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stdout + r.stderr);
    }
    for (const name of examples) {
      const dist = path.join(examplesDir, name, 'dist');
      docs[name] = fs.readdirSync(dist).filter(f => f.endsWith('.yaml'))
        .flatMap(f => parseManifests(fs.readFileSync(path.join(dist, f), 'utf8'), f).map(m => m.manifest));
    }
  }, 180_000);

  test.each(examples)('%s: no error or warning lint findings', (name) => {
    expect(notInfo(Linter.lintManifests(docs[name]))).toEqual([]);
  });

  test.each(examples)('%s: every workload simulates to a good lifecycle', (name) => {
    const workloads = docs[name].filter(d => podTemplateOf(d));
    expect(workloads.length).toBeGreaterThan(0);
    for (const w of workloads) expectGoodLifecycle(w);
  });
});
