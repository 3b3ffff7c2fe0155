/**
 * The library API as jest users see it: simulating `Testing.synth(chart)` output, picking a resource, the result
 * helpers and its JSON/text forms.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Cron, Testing } from 'cdk8s';
import * as ts from 'typescript';
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
    expect(result.startedAfterServing('app', 'proxy')).toBe(true); // no start-up race
    expect(result.finalState).toMatchObject({ phase: SimulatedPodPhase.SUCCEEDED, status: 'Completed' });
    expect(result.stuck).toBe(false);
    // beyond the docs example
    expect(result.container('app').startedAt! - result.container('proxy').servingAt!).toBeLessThanOrEqual(1);
  });

  test('the docs example checks startedAfterServing, not the kubelet\'s readiness', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'simulator.md'), 'utf8');
    const example = /## Library API[\s\S]*?```ts\n([\s\S]*?)```/.exec(doc)![1];
    expect(example).toContain("expect(result.startedAfterServing('app', 'proxy')).toBe(true);");
    expect(example).not.toMatch(/readyAt|startedAfterReady/);
  });

  test('SidecarCronJob renders a Job activeDeadlineSeconds: a sidecar that never gets ready ends with the pod deleted, not Init:CrashLoopBackOff', () => {
    const chart = Testing.chart();
    new SidecarCronJob(chart, 'report', {
      schedule: Cron.daily(),
      containers: [{ name: 'app', image: 'acme/report:1.0.0' }],
      sidecars: [new Sidecar({ name: 'proxy', image: 'acme/proxy:2.0.1', portNumber: 8081, startupGate: StartupGate.httpGet('/ready') })],
    });
    const manifests = Testing.synth(chart);
    const deadline = manifests.find(m => m.kind === 'CronJob').spec.jobTemplate.spec.activeDeadlineSeconds;
    expect(typeof deadline).toBe('number');
    const result = Simulator.simulateManifests(manifests, { behaviors: { proxy: { failsStartup: true } }, until: deadline + 3600 });
    expect(result.finalState).toMatchObject({ at: deadline, status: 'Terminating', deleted: true, terminal: true, jobFailureReason: 'DeadlineExceeded' });
    expect(result.statusSequence().filter(x => x.endsWith('Terminating'))).toHaveLength(1);
    expect(result.rows[result.rows.length - 1].status).toBe('Terminating');
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
    expect(json.final).toEqual({ at: 6, phase: 'Succeeded', ready: '0/2', status: 'Completed', restarts: 0, deleted: false, reason: null, jobFailureReason: null });
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
    // exit at 5 s: restarted at once (no back-off entry yet, doBackOff); exit at 10 s: back-off 10 s, so the restart
    // at 20 s follows the exit at 10 s: kubectl shows `2 (10s ago)` in that row
    expect(r.toText()).toMatch(/1\/1\s+Running\s+2 \(10s ago\)\s+20s\n/);
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

describe('SimulationResult does not leak its internals (style guide: no mutable public arrays)', () => {
  test('rows, events, plan, notes, containers, finalState and container() are copies', () => {
    const r = Simulator.simulate(fixture('seed-fixed.yaml'), { behaviors: { 'sidecar-user': { exitAfter: 1 } } });
    const snapshot = () => JSON.stringify([r.rows, r.events, r.plan, r.notes, r.containers, r.finalState, r.toJson()]);
    const before = snapshot();
    r.rows.push({ at: 99, ready: '9/9', status: 'X', restarts: 9 });
    (r.rows[0] as any).status = 'X';
    r.events.length = 0;
    (r.events[0] as any) = undefined;
    r.plan.push('x');
    r.notes.push('x');
    r.containers['sidecar-user'].runs.push({ startedAt: 99 });
    delete (r.containers as any)['slow-sidecar'];
    (r.containers['sidecar-user'] as any).restarts = 9;
    r.container('sidecar-user').runs.length = 0;
    (r.finalState as any).status = 'X';
    expect(snapshot()).toBe(before);
    expect(r.statusSequence()[0]).toBe('0/2 Pending');
    expect(r.rows).not.toBe(r.rows);
  });

  test('the container() lookup does not find inherited properties', () => {
    const r = Simulator.simulate(pod({ containers: [ctr('a')] }));
    expect(() => r.container('toString')).toThrow("no container 'toString' in the simulated pod (containers: a)");
  });
});

/** Public methods (and constructors) of the exported classes in src/simulate, with their TSDoc @param names. */
interface MethodDoc {
  readonly where: string;
  readonly params: string[];
  readonly documented: string[];
  readonly doc: string;
}

function publicMethodDocs(): MethodDoc[] {
  const dir = path.join(__dirname, '..', '..', 'src', 'simulate');
  const out: MethodDoc[] = [];
  for (const file of fs.readdirSync(dir).filter(f => f.endsWith('.ts') && !f.startsWith('_'))) {
    const source = ts.createSourceFile(file, fs.readFileSync(path.join(dir, file), 'utf8'), ts.ScriptTarget.Latest, true);
    for (const stmt of source.statements) {
      if (!ts.isClassDeclaration(stmt) || !stmt.modifiers?.some(m => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
      for (const member of stmt.members) {
        if (!ts.isMethodDeclaration(member) && !ts.isConstructorDeclaration(member)) continue;
        if (member.modifiers?.some(m => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword)) continue;
        const doc = ts.getJSDocCommentsAndTags(member).map(d => d.getText()).join('\n');
        if (doc.includes('@internal')) continue;
        const name = ts.isConstructorDeclaration(member) ? 'constructor' : member.name.getText();
        out.push({
          where: `${file} ${stmt.name?.text}.${name}`,
          params: member.parameters.map(p => p.name.getText()),
          documented: ts.getJSDocTags(member).filter(ts.isJSDocParameterTag).filter(t => (ts.getTextOfJSDocComment(t.comment) ?? '').trim() !== '').map(t => t.name.getText()),
          doc,
        });
      }
    }
  }
  return out;
}

describe('TSDoc of the public API (API.md)', () => {
  test('every parameter of every public method in src/simulate has a non-empty @param', () => {
    const methods = publicMethodDocs();
    expect(methods.map(m => m.where)).toEqual(expect.arrayContaining(['simulator.ts Simulator.simulate', 'simulator.ts SimulationResult.startedAfterServing']));
    for (const m of methods) {
      expect({ method: m.where, params: m.params }).toEqual({ method: m.where, params: m.documented });
    }
  });

  test('startedAfterReady and startedAfterServing explain how they differ', () => {
    const docs = Object.fromEntries(publicMethodDocs().map(m => [m.where.split('.').pop(), m.doc]));
    expect(docs.startedAfterReady).toContain('startedAfterServing');
    expect(docs.startedAfterReady).toMatch(/without a startupProbe[\s\S]*ready[\s\S]*the moment its process runs/);
    expect(docs.startedAfterServing).toContain('startedAfterReady');
    expect(docs.startedAfterServing).toMatch(/without\s+\*?\s*a startupProbe/);
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
