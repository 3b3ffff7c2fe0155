// Shared by own-output.test.ts and examples.test.ts: lint findings that matter, and the lifecycle our workloads promise.
import { ContainerBehavior, Severity, SimulatedPodPhase, Simulator } from '../src';
import { podTemplateOf } from '../src/_manifest';

export const notInfo = (findings: any[]) => findings.filter(f => f.severity !== Severity.INFO).map(f => `${f.rule} ${f.kind}/${f.name} ${f.container ?? ''}: ${f.message}`);

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

export function expectGoodLifecycle(obj: any): void {
  const { behaviors, sidecars, apps, isJob } = behaviorsFor(obj);
  const result = Simulator.simulate(obj, { behaviors });
  for (const app of apps) {
    for (const s of sidecars) {
      expect({ app, sidecar: s, startedAfterServing: result.startedAfterServing(app, s) }).toEqual({ app, sidecar: s, startedAfterServing: true });
    }
  }
  expect(result.stuck).toBe(false);
  if (isJob) {
    expect(result.finalState).toMatchObject({ phase: SimulatedPodPhase.SUCCEEDED, status: 'Completed' });
  } else {
    expect(result.finalState.phase).toBe(SimulatedPodPhase.RUNNING);
    expect(result.finalState.status).toBe('Running');
  }
}

