/**
 * The four variants of the seed project (DEVELOPERS.md), as told through `kubectl get pods -w`: CronJob
 * `sidecar-cronjob`, app `sidecar-user` (zwindler/sidecar-user) that needs `slow-sidecar` (port 8081, serving 5 s
 * after it starts) and exits about 1 s after starting.
 */
import { fixture, timeline } from './helpers';
import { KubernetesVersion, SimulatedContainerRole, SimulatedPodPhase, Simulator } from '../../src';

const SEED_BEHAVIORS = {
  'slow-sidecar': { readyAfter: 5 },
  'sidecar-user': { needs: ['slow-sidecar'], exitAfter: 1 },
};

describe('seed variant 1: the proxy as a second regular container', () => {
  test('the app needs the proxy and exits 1 at once: 1/2 Error, and the Job pod stays Running forever (stuck)', () => {
    const result = Simulator.simulate(fixture('seed-regular-helper.yaml'), { behaviors: SEED_BEHAVIORS });
    expect(result.statusSequence()).toEqual(['0/2 Pending', '0/2 ContainerCreating', '1/2 Error']);
    expect(result.finalState).toMatchObject({ phase: SimulatedPodPhase.RUNNING, status: 'Error', terminal: false });
    expect(result.stuck).toBe(true);
    expect(result.container('sidecar-user')).toMatchObject({ exitCode: 1, exitedAt: 0, restarts: 0 });
    expect(result.notes.some(n => n.includes("'slow-sidecar' keep running"))).toBe(true);
  });

  test('even when the app succeeds, the helper keeps the Job pod alive: 1/2 NotReady forever (stuck)', () => {
    const result = Simulator.simulate(fixture('seed-regular-helper.yaml'), {
      behaviors: { 'sidecar-user': { exitAfter: 1 } },
    });
    expect(timeline(result)).toEqual([
      '0 0/2 Pending 0',
      '0 0/2 ContainerCreating 0',
      '0 2/2 Running 0',
      '1 1/2 NotReady 0',
    ]);
    expect(result.finalState.phase).toBe(SimulatedPodPhase.RUNNING);
    expect(result.stuck).toBe(true);
  });
});

describe('seed variant 2: the proxy as a plain init container that never exits', () => {
  test('Init:0/1 forever, the app never starts (stuck)', () => {
    const result = Simulator.simulate(fixture('seed-plain-init.yaml'), { behaviors: SEED_BEHAVIORS });
    expect(result.statusSequence()).toEqual(['0/1 Pending', '0/1 Init:0/1']);
    expect(result.finalState).toMatchObject({ phase: SimulatedPodPhase.PENDING, ready: '0/1', status: 'Init:0/1', terminal: false });
    expect(result.stuck).toBe(true);
    expect(result.container('slow-sidecar').role).toBe(SimulatedContainerRole.INIT);
    expect(result.container('sidecar-user').startedAt).toBeUndefined();
    expect(result.notes).toContain("stuck: init container 'slow-sidecar' never exits, so nothing after it ever starts");
  });
});

describe('seed variant 3: native sidecar without a startupProbe', () => {
  test('the app starts before the sidecar serves: 1/2 Error, then 0/2 Error, phase Failed', () => {
    const result = Simulator.simulate(fixture('seed-no-probe.yaml'), { behaviors: SEED_BEHAVIORS });
    expect(timeline(result)).toEqual([
      '0 0/2 Pending 0',
      '0 0/2 Init:0/1 0',
      '0 1/2 PodInitializing 0',
      '0 1/2 Error 0',
      '0 0/2 Error 0',
    ]);
    expect(result.finalState).toMatchObject({ phase: SimulatedPodPhase.FAILED, status: 'Error', terminal: true });
    expect(result.stuck).toBe(false);
    expect(result.startedAfterServing('sidecar-user', 'slow-sidecar')).toBe(false);
    // the kubelet did consider the sidecar ready: readiness without a probe says nothing about serving
    expect(result.startedAfterReady('sidecar-user', 'slow-sidecar')).toBe(true);
  });
});

describe('seed variant 4: native sidecar with a startupProbe (the fix)', () => {
  test('the seed manifest with readyAfter 5s ends Completed/Succeeded, the app starting only after the sidecar is ready', () => {
    const result = Simulator.simulate(fixture('seed-fixed.yaml'), { behaviors: SEED_BEHAVIORS });
    expect(timeline(result)).toEqual([
      '0 0/2 Pending 0',
      '0 0/2 Init:0/1 0',
      '5 1/2 PodInitializing 0',
      '5 2/2 Running 0',
      '6 1/2 Completed 0',
      '6 0/2 Completed 0',
    ]);
    expect(result.finalState).toEqual({ at: 6, phase: SimulatedPodPhase.SUCCEEDED, ready: '0/2', status: 'Completed', restarts: 0, terminal: true, deleted: false });
    expect(result.startedAfterServing('sidecar-user', 'slow-sidecar')).toBe(true);
    expect(result.container('sidecar-user').startedAt).toBeGreaterThanOrEqual(result.container('slow-sidecar').readyAt!);
    // the sidecar is stopped after the app exited
    expect(result.container('slow-sidecar').exitedAt).toBeGreaterThanOrEqual(result.container('sidecar-user').exitedAt!);
    expect(result.container('slow-sidecar').restarts).toBe(0);
  });

  test('our default gate (periodSeconds 1, no initial delay, failureThreshold 60) gives the same rows', () => {
    const manifest = fixture('seed-fixed.yaml');
    manifest.spec.jobTemplate.spec.template.spec.initContainers[0].startupProbe = {
      httpGet: { path: '/', port: 8081 }, initialDelaySeconds: 0, periodSeconds: 1, failureThreshold: 60,
    };
    const result = Simulator.simulate(manifest, { behaviors: SEED_BEHAVIORS });
    expect(result.statusSequence()).toEqual(['0/2 Pending', '0/2 Init:0/1', '1/2 PodInitializing', '2/2 Running', '1/2 Completed', '0/2 Completed']);
    expect(result.container('sidecar-user').startedAt).toBe(5);
  });

  test('the same manifest without the probe ends Error/Failed', () => {
    const manifest = fixture('seed-fixed.yaml');
    delete manifest.spec.jobTemplate.spec.template.spec.initContainers[0].startupProbe;
    const result = Simulator.simulate(manifest, { behaviors: SEED_BEHAVIORS });
    expect(result.finalState).toMatchObject({ phase: SimulatedPodPhase.FAILED, status: 'Error' });
  });

  test('the app exiting 1 after the sidecar served: 1/2 Error then 0/2 Error, phase Failed', () => {
    const result = Simulator.simulate(fixture('seed-fixed.yaml'), {
      behaviors: { ...SEED_BEHAVIORS, 'sidecar-user': { needs: ['slow-sidecar'], exitAfter: 1, exitCode: 1 } },
    });
    expect(result.statusSequence().slice(-2)).toEqual(['1/2 Error', '0/2 Error']);
    expect(result.finalState.phase).toBe(SimulatedPodPhase.FAILED);
  });

  // doBackOff (kuberuntime_manager.go, commit 000f260): the first exit has no back-off entry yet, so the app is
  // restarted at once (kubernetes/kubernetes#133472); the second exit waits 10 s in CrashLoopBackOff
  test('with restartPolicy OnFailure a failing app: 1/2 Error, restarted at once, 1/2 Error, then 1/2 CrashLoopBackOff; the sidecar keeps running', () => {
    const manifest = fixture('seed-fixed.yaml');
    manifest.spec.jobTemplate.spec.template.spec.restartPolicy = 'OnFailure';
    const result = Simulator.simulate(manifest, {
      behaviors: { ...SEED_BEHAVIORS, 'sidecar-user': { exitAfter: 1, exitCode: 1 } },
      until: 60,
    });
    expect(timeline(result).slice(4, 8)).toEqual([
      '6 1/2 Error 0',
      '6 2/2 Running 1',
      '7 1/2 Error 1',
      '7 1/2 CrashLoopBackOff 1',
    ]);
    expect(result.container('slow-sidecar')).toMatchObject({ restarts: 0, exitedAt: undefined });
    expect(result.finalState.terminal).toBe(false);
  });

  test('on 1.27 the sidecar with a startupProbe would be rejected; without probes it hangs in Init:0/1 (denominator 1)', () => {
    const result = Simulator.simulate(fixture('seed-fixed.yaml'), { behaviors: SEED_BEHAVIORS, kubernetesVersion: KubernetesVersion.V1_27 });
    expect(result.rejectedByApiServer).toBe(true);
    expect(result.statusSequence()).toEqual(['0/1 Pending', '0/1 Init:0/1']);
    expect(result.stuck).toBe(true);
  });
});
