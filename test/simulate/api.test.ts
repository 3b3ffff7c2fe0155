/**
 * The library API as jest users see it: simulating `Testing.synth(chart)` output, picking a resource, the result
 * helpers and its JSON/text forms.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Cron, Testing } from 'cdk8s';
import { ctr, fixture, fixtureAll, pod, sidecar } from './helpers';
import { Sidecar, SidecarCronJob, StartupGate } from '../../src';
import { SimulatedContainerRole, SimulatedContainerState, SimulatedPodPhase, SimulationEventKind, Simulator } from '../../src/simulate';

describe('Simulator.simulateManifests', () => {
  test('picks the first object with a pod template, or --resource KIND/NAME (kind case-insensitive)', () => {
    const objects = fixtureAll('multi.yaml');
    expect(Simulator.simulateManifests(objects).podName).toMatch(/^web-/);
    const cron = Simulator.simulateManifests(objects, { resource: 'cronjob/sidecar-cronjob', behaviors: { 'sidecar-user': { exitAfter: 1 } } });
    expect(cron.podName).toMatch(/^sidecar-cronjob-29000000-[a-z0-9]{5}$/);
    expect(cron.finalState.phase).toBe(SimulatedPodPhase.SUCCEEDED);
  });

  test('an unknown resource lists the workloads', () => {
    expect(() => Simulator.simulateManifests(fixtureAll('multi.yaml'), { resource: 'Job/nope' }))
      .toThrow("no workload 'Job/nope' (workloads with a pod template: Deployment/web, CronJob/sidecar-cronjob)");
    expect(() => Simulator.simulateManifests(fixtureAll('multi.yaml'), { resource: 'nope' })).toThrow('resource must be KIND/NAME');
  });

  test('no pod template at all is an error', () => {
    expect(() => Simulator.simulateManifests([fixtureAll('multi.yaml')[0]])).toThrow('no object with a pod template to simulate');
    expect(() => Simulator.simulate({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } })).toThrow('Service/s has no pod template to simulate');
  });

  test('List objects are flattened; a bare pod spec and an array work with simulate()', () => {
    const list = { apiVersion: 'v1', kind: 'List', items: [pod({ containers: [ctr('a')] })] };
    expect(Simulator.simulateManifests([list]).podName).toBe('p');
    expect(Simulator.simulate({ containers: [ctr('a')] }).finalState.status).toBe('Running');
    expect(Simulator.simulate([pod({ containers: [ctr('a')] })]).podName).toBe('p');
  });

  test('invalid pods and options are rejected', () => {
    expect(() => Simulator.simulate(pod({ containers: [] }))).toThrow('Pod/p: the pod has no containers');
    expect(() => Simulator.simulate(pod({ containers: [ctr('a'), ctr('a')] }))).toThrow("Pod/p: two containers are named 'a'");
    expect(() => Simulator.simulate(pod({ containers: [ctr('a')] }), { until: 0 })).toThrow("'until' must be a number of seconds > 0, got 0");
    expect(() => Simulator.simulate(pod({ containers: [ctr('a')] }), { deleteAt: -1 })).toThrow("'deleteAt' must be a number of seconds >= 0, got -1");
  });

  test('a Job template without restartPolicy Never/OnFailure is flagged as rejected', () => {
    const manifest = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec: { containers: [ctr('a')] } } } };
    const result = Simulator.simulate(manifest, { behaviors: { a: { exitAfter: 1 } }, until: 30 });
    expect(result.rejectedByApiServer).toBe(true);
    expect(result.podName).toMatch(/^j-[a-z0-9]{5}$/);
  });
});

describe('our constructs, simulated from Testing.synth (docs/simulator.md example)', () => {
  test('a SidecarCronJob: the app starts after the proxy is ready and serving, and the run ends Completed', () => {
    const chart = Testing.chart();
    new SidecarCronJob(chart, 'report', {
      schedule: Cron.daily(),
      containers: [{ name: 'app', image: 'acme/report:1.0.0' }],
      sidecars: [new Sidecar({ name: 'proxy', image: 'acme/proxy:2.0.1', portNumber: 8081, startupGate: StartupGate.httpGet('/ready') })],
    });
    const result = Simulator.simulateManifests(Testing.synth(chart), {
      behaviors: {
        proxy: { readyAfter: 5 },
        app: { needs: ['proxy'], exitAfter: 30 },
      },
    });
    expect(result.container('app').startedAt).toBeGreaterThanOrEqual(result.container('proxy').readyAt!);
    expect(result.startedAfterServing('app', 'proxy')).toBe(true);
    expect(result.container('app').startedAt! - result.container('proxy').servingAt!).toBeLessThanOrEqual(1);
    expect(result.finalState).toMatchObject({ phase: SimulatedPodPhase.SUCCEEDED, status: 'Completed' });
    expect(result.stuck).toBe(false);
  });
});

describe('SimulationResult', () => {
  const result = Simulator.simulate(fixture('seed-fixed.yaml'), {
    behaviors: { 'slow-sidecar': { readyAfter: 5 }, 'sidecar-user': { needs: ['slow-sidecar'], exitAfter: 1 } },
  });

  test('per-container timelines', () => {
    expect(result.container('slow-sidecar')).toEqual({
      name: 'slow-sidecar',
      role: SimulatedContainerRole.SIDECAR,
      startedAt: 0,
      readyAt: 5,
      servingAt: 5,
      exitedAt: 6,
      exitCode: 0,
      restarts: 0,
      runs: [{ startedAt: 0, exitedAt: 6, exitCode: 0 }],
      state: SimulatedContainerState.TERMINATED,
      stateReason: 'Completed',
    });
    expect(() => result.container('nope')).toThrow("no container 'nope' in the simulated pod (containers: slow-sidecar, sidecar-user)");
    expect(result.startedAfterReady('sidecar-user', 'slow-sidecar')).toBe(true);
    expect(result.startedAfterReady('slow-sidecar', 'sidecar-user')).toBe(false);
  });

  test('events in order', () => {
    expect(result.events.filter(e => e.kind === SimulationEventKind.SIGTERM).map(e => [e.at, e.container])).toEqual([[6, 'slow-sidecar']]);
    expect(result.events[result.events.length - 1]).toMatchObject({ at: 6, kind: SimulationEventKind.POD_TERMINAL, message: 'pod Succeeded' });
  });

  test('toJson() is the CLI JSON shape', () => {
    const json = result.toJson();
    expect(json.rows[0]).toEqual({ at: 0, ready: '0/2', status: 'Pending', restarts: 0 });
    expect(json.final).toEqual({ at: 6, phase: 'Succeeded', ready: '0/2', status: 'Completed', restarts: 0 });
    expect(json.stuck).toBe(false);
    expect(json.containers['sidecar-user']).toMatchObject({ startedAt: 5, readyAt: 5, servingAt: 5, exitedAt: 6, exitCode: 0, restarts: 0 });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  test('toText() prints a kubectl-like table, the plan and the final line', () => {
    const text = result.toText();
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(lines[1]).toMatch(/^sidecar-cronjob-29000000-\w{5}\s+0\/2\s+Pending\s+0\s+0s$/);
    expect(lines[3]).toMatch(/1\/2\s+PodInitializing\s+0\s+5s$/);
    expect(text).toContain("init container 1/1 'slow-sidecar' (native sidecar): the regular container ('sidecar-user') waits for its startupProbe");
    expect(text).toContain('Final: phase Succeeded, 0/2 Completed, 0 restart(s), since 6s (terminal)');
  });

  test('RESTARTS shows "(Xs ago)" in text, like kubectl', () => {
    const r = Simulator.simulate(pod({ restartPolicy: 'Always', containers: [ctr('a')] }), { behaviors: { a: { exitAfter: 5, exitCode: 1 } }, until: 30 });
    // the restart at 15 s follows the exit at 5 s: kubectl shows `1 (10s ago)` in that row
    expect(r.toText()).toMatch(/1\/1\s+Running\s+1 \(10s ago\)\s+15s\n/);
  });

  test('a stuck pod names the container that blocks it', () => {
    const r = Simulator.simulate(pod({ initContainers: [ctr('wait')], containers: [ctr('a')] }));
    expect(r.stuck).toBe(true);
    expect(r.notes).toContain("stuck: init container 'wait' never exits, so nothing after it ever starts");
    const r2 = Simulator.simulate(pod({ initContainers: [sidecar('proxy', { startupProbe: { exec: { command: ['false'] } } })], containers: [ctr('a')] }), {
      behaviors: { proxy: { failsStartup: true } },
      kubernetesVersion: undefined,
      until: 3600,
    });
    expect(r2.stuck).toBe(false);
    expect(r2.finalState.status).toBe('Init:CrashLoopBackOff');
  });
});

describe('src/simulate stays construct-free', () => {
  test('no file imports constructs, cdk8s or cdk8s-plus-28 (directly or through a local module that does)', () => {
    const forbidden = /from '(constructs|cdk8s|cdk8s-plus-28)'/;
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = fs.readFileSync(file, 'utf8');
      expect({ file, forbidden: forbidden.test(text) }).toEqual({ file, forbidden: false });
      for (const m of text.matchAll(/from '(\.[^']+)'/g)) visit(path.resolve(path.dirname(file), `${m[1]}.ts`));
    };
    const dir = path.join(__dirname, '..', '..', 'src', 'simulate');
    for (const f of fs.readdirSync(dir).filter(n => n.endsWith('.ts'))) visit(path.join(dir, f));
    expect(seen.size).toBeGreaterThan(6);
  });
});
