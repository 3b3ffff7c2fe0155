/**
 * Scenario tests of kubelet behaviour, each checked against the kubelet source (kubernetes/kubernetes; commits:
 * kuberuntime_manager.go 000f26050b9be6fb3d79fae95e06b47fc96128cd, kubelet.go d8302640b422da9d1bcbfd24040d8e79dc3b9397,
 * kubelet_pods.go df5f02437d38bc34f37e48b584b83a7227db3977, printers.go 51652d1c232daef8dc697a4fd9e63cad7c51faad).
 * The expected rows are what `kubectl get pods -w` prints, derived step by step in the comments.
 */
import { ctr, eventTimes, job, pod, probe, sidecar, timeline } from './helpers';
import { KubernetesVersion } from '../../src/kubernetes-version';
import { SimulatedPodPhase, SimulationEventKind, Simulator } from '../../src/simulate';

const deployment = (spec: { [key: string]: any }) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template: { spec } } });
const crash = { exitAfter: 1, exitCode: 1 };

describe('the first restart has no back-off (kuberuntime_manager.go doBackOff; kubernetes/kubernetes#133472)', () => {
  // doBackOff: the first time a container has exited there is no back-off entry: backOff.Next creates one (10 s) and
  // the restart goes ahead at once. The next exit finds the entry: CrashLoopBackOff until finishedAt + 10 s; each
  // restart doubles the entry (client-go flowcontrol Backoff.Next). Delays 0, 10, 20, 40 s.
  test('a crashing Deployment container: restarted at once, then after 10 s, 20 s, 40 s', () => {
    const result = Simulator.simulate(deployment({ containers: [ctr('app')] }), { behaviors: { app: crash }, until: 80 });
    expect(timeline(result)).toEqual([
      '0 0/1 Pending 0', '0 0/1 ContainerCreating 0', '0 1/1 Running 0',
      '1 0/1 Error 0', '1 1/1 Running 1',
      '2 0/1 Error 1', '2 0/1 CrashLoopBackOff 1', '12 1/1 Running 2',
      '13 0/1 Error 2', '13 0/1 CrashLoopBackOff 2', '33 1/1 Running 3',
      '34 0/1 Error 3', '34 0/1 CrashLoopBackOff 3', '74 1/1 Running 4',
      '75 0/1 Error 4', '75 0/1 CrashLoopBackOff 4',
    ]);
  });

  test('a regular init container under OnFailure: Init:Error, restarted at once, then Init:CrashLoopBackOff', () => {
    const result = Simulator.simulate(pod({ restartPolicy: 'OnFailure', initContainers: [ctr('migrate')], containers: [ctr('app')] }), {
      behaviors: { migrate: crash }, until: 15,
    });
    expect(timeline(result)).toEqual([
      '0 0/1 Pending 0', '0 0/1 Init:0/1 0', '1 0/1 Init:Error 0', '1 0/1 Init:0/1 1', '2 0/1 Init:Error 1', '2 0/1 Init:CrashLoopBackOff 1', '12 0/1 Init:0/1 2',
      '13 0/1 Init:Error 2', '13 0/1 Init:CrashLoopBackOff 2',
    ]);
  });

  // printPod's init walk shows the exited sidecar (Init:Error) even after initialization; the regular container keeps
  // running and ready, so READY is 1/2
  test('a crashing sidecar next to a running app: restarted at once, then with back-off', () => {
    const result = Simulator.simulate(job({ initContainers: [sidecar('proxy')], containers: [ctr('app')] }), {
      behaviors: { proxy: { exitAfter: 2, exitCode: 1 }, app: { exitAfter: 100 } }, until: 20,
    });
    expect(timeline(result).slice(3)).toEqual([
      '0 2/2 Running 0', '2 1/2 Init:Error 0', '2 2/2 Running 1', '4 1/2 Init:Error 1', '4 1/2 Init:CrashLoopBackOff 1', '14 2/2 Running 2',
      '16 1/2 Init:Error 2', '16 1/2 Init:CrashLoopBackOff 2',
    ]);
  });
});

describe('probe-triggered kills (computePodActions + SyncPod + doBackOff, kuberuntime_manager.go)', () => {
  // computePodActions puts a container that failed its liveness probe into ContainersToKill and ContainersToStart;
  // SyncPod kills it and starts it in the same pass, and doBackOff reads the pod status from before the kill:
  // kill at 5: no exited instance → start at once, no entry; kill at 10: run 1 (exited at 5) → entry created (10 s),
  // start at once; kill at 15: run 2 exited at 10, 15 - 10 < 10 → CrashLoopBackOff, the next sync waits from the
  // killed instance's exit: 15 + 10 = 25; kill at 30: 30 - 15 < 20 → until 30 + 20 = 50; kill at 55: until 55 + 40.
  // The killed instance's Terminated state is never reported (the status is generated before SyncPod).
  test('liveness failures: the first two restarts go ahead at once, later ones wait; no Error rows', () => {
    const result = Simulator.simulate(pod({
      restartPolicy: 'Always',
      containers: [ctr('app', { livenessProbe: probe({ initialDelaySeconds: 5, periodSeconds: 5, failureThreshold: 1 }) })],
    }), { behaviors: { app: { failsLiveness: true } }, until: 100 });
    expect(eventTimes(result, SimulationEventKind.LIVENESS_PROBE_FAILED, 'app')).toEqual([5, 10, 15, 30, 55, 100]);
    expect(timeline(result)).toEqual([
      '0 0/1 Pending 0', '0 0/1 ContainerCreating 0', '0 1/1 Running 0',
      '5 1/1 Running 1', '10 1/1 Running 2', '15 0/1 CrashLoopBackOff 2', '25 1/1 Running 3', '30 0/1 CrashLoopBackOff 3',
      '50 1/1 Running 4', '55 0/1 CrashLoopBackOff 4', '95 1/1 Running 5', '100 0/1 CrashLoopBackOff 5',
    ]);
  });
});

describe('which container\'s reason STATUS shows (kubelet_pods.go convertToAPIContainerStatuses; printers.go printPod; kubernetes/kubectl#1511)', () => {
  // The kubelet sorts regular container statuses by name (SortedContainerStatuses); printPod walks them from the last
  // to the first, so the alphabetically first container's reason is printed: 'alpha' (Completed) over 'zeta'
  // (Error), although 'zeta' comes first in the spec and the pod Failed.
  test('two exited containers: the alphabetically first one wins, not the first in the spec', () => {
    const result = Simulator.simulate(pod({ containers: [ctr('zeta'), ctr('alpha')] }), { behaviors: { zeta: crash, alpha: { exitAfter: 2 } } });
    expect(timeline(result).slice(2)).toEqual(['0 2/2 Running 0', '1 1/2 Error 0', '2 0/2 Completed 0']);
    expect(result.finalState).toMatchObject({ phase: SimulatedPodPhase.FAILED, status: 'Completed' });
  });
});

describe('pod activeDeadlineSeconds (kubelet.go SyncTerminatingPod; printers.go printPod)', () => {
  // At the deadline the pod is Failed with status.reason DeadlineExceeded while its containers still run (2/2);
  // SyncTerminatingPod kills them (worker first, then the sidecar) and then records their terminated states, and
  // printPod lets the worker's Terminated reason (exit 143 → Error) replace DeadlineExceeded.
  test('a running Job pod: DeadlineExceeded while it stops, then the containers\' reason (Error)', () => {
    const result = Simulator.simulate(job({ activeDeadlineSeconds: 30, initContainers: [sidecar('proxy')], containers: [ctr('worker')] }), {
      behaviors: { worker: { stopAfter: 2, stopExitCode: 143 }, proxy: { stopAfter: 1, stopExitCode: 143 } },
    });
    expect(timeline(result).slice(3)).toEqual(['0 2/2 Running 0', '30 2/2 DeadlineExceeded 0', '33 0/2 Error 0']);
    expect(result.finalState).toMatchObject({ phase: SimulatedPodPhase.FAILED, reason: 'DeadlineExceeded', status: 'Error', deleted: false });
  });
});

describe('rows while a pod terminates (SyncPod/SyncTerminatingPod block in KillPod; prober/worker.go keeps readiness)', () => {
  // After the app exits, KillPod stops 'b' (SIGTERM at 5, exits at 6), then 'a' (exits at 15). Container states reach
  // the API only when KillPod returned; the readiness prober keeps probing 'b' (its status still says Running) and
  // fails at its next tick (7 s), so READY drops to 1/3 — the only change before the final row.
  test('two sidecars stop one after the other: no row per exit, READY changes only by a readiness probe', () => {
    const result = Simulator.simulate(job({
      initContainers: [sidecar('a'), sidecar('b', { readinessProbe: probe({ periodSeconds: 1, failureThreshold: 1 }) })],
      containers: [ctr('app')],
    }), { behaviors: { app: { exitAfter: 5 }, a: { stopAfter: 9 }, b: { stopAfter: 1 } } });
    expect(eventTimes(result, SimulationEventKind.EXITED)).toEqual([5, 6, 15]);
    expect(timeline(result).slice(-3)).toEqual(['5 2/3 Completed 0', '7 1/3 Completed 0', '15 0/3 Completed 0']);
  });
});

describe('behaviour per attempt (attempts)', () => {
  // proxy run 1 never serves: its startup probe fails at 0, 1, 2 → killed at 2 and, as a probe kill with no exited
  // instance before, restarted at once; run 2 serves and starts the app. The app crashes in runs 1 and 2 (restarted
  // at once, then after 10 s) and exits 0 in run 3.
  test('a sidecar that fails its first start and a task that crashes twice, then works', () => {
    const result = Simulator.simulate(pod({
      restartPolicy: 'OnFailure',
      initContainers: [sidecar('proxy', { startupProbe: probe({ periodSeconds: 1, failureThreshold: 3 }) })],
      containers: [ctr('app')],
    }), {
      behaviors: {
        proxy: { attempts: [{ failsStartup: true }] },
        app: { exitAfter: 1, attempts: [crash, crash] },
      },
      until: 60,
    });
    expect(timeline(result)).toEqual([
      '0 0/2 Pending 0', '0 0/2 Init:0/1 0', '2 0/2 Init:0/1 1', '2 1/2 PodInitializing 1', '2 2/2 Running 1',
      '3 1/2 Error 1', '3 2/2 Running 2', '4 1/2 Error 2', '4 1/2 CrashLoopBackOff 2', '14 2/2 Running 3', '15 1/2 Completed 3', '15 0/2 Completed 3',
    ]);
    expect(result.container('app').runs.map(r => r.exitCode)).toEqual([1, 1, 0]);
    expect(result.finalState.phase).toBe(SimulatedPodPhase.SUCCEEDED);
  });

  test.each([
    [{ attempts: { exitAfter: 1 } }, /'attempts' must be a list with one mapping per run/],
    [{ attempts: ['x'] }, /'attempts\[0\]' \(run 1\) must be a mapping of behaviour keys, got 'x'/],
    [{ attempts: [{ imagePullFails: true }] }, /'attempts\[0\]' \(run 1\): 'imagePullFails' cannot be set per attempt/],
    [{ attempts: [{}, { readyAfer: 1 }] }, /'attempts\[1\]' \(run 2\): unknown key 'readyAfer'/],
    [{ attempts: [{ exitCode: 300 }] }, /'attempts\[0\]' \(run 1\): 'exitCode' must be a whole number from 0 to 255, got 300/],
  ])('invalid attempts %j are rejected with the path and value', (behavior, message) => {
    expect(() => Simulator.simulate(pod({ containers: [ctr('app')] }), { behaviors: { app: behavior as any } })).toThrow(message);
  });
});

describe('back-off by version and feature gates (KEP-4603; kubelet.go newCrashLoopBackOff, NewMainKubelet)', () => {
  const run = (opts: any, until = 200) => Simulator.simulate(deployment({ containers: [ctr('app')] }), { behaviors: { app: crash }, until, ...opts });
  const gaps = (r: any) => {
    const runs = r.container('app').runs;
    return runs.slice(1).map((x: any, i: number) => x.startedAt - runs[i].exitedAt);
  };

  test('default: 0, 10, 20, 40, 80 s (initialCrashLoopBackOff 10 s, MaxCrashLoopBackOff 300 s)', () => {
    expect(gaps(run({}))).toEqual([0, 10, 20, 40, 80]);
  });

  test('ReduceDefaultCrashLoopBackOffDecay (1.33+): 0, 1, 2, 4, … capped at 60 s', () => {
    const reduced = run({ kubernetesVersion: KubernetesVersion.of(33), reduceDefaultCrashLoopBackOffDecay: true });
    expect(gaps(reduced)).toEqual([0, 1, 2, 4, 8, 16, 32, 60, 60]);
  });

  test('KubeletCrashLoopBackOffMax (on by default from 1.35): maxContainerRestartPeriod caps the delay, and lowers the initial one below 10 s', () => {
    expect(gaps(run({ kubernetesVersion: KubernetesVersion.of(35), maxContainerRestartPeriod: 30 }))).toEqual([0, 10, 20, 30, 30, 30, 30, 30]);
    expect(gaps(run({ kubernetesVersion: KubernetesVersion.of(35), maxContainerRestartPeriod: 5 }, 40))).toEqual([0, 5, 5, 5, 5, 5, 5]);
    const alpha = run({ kubernetesVersion: KubernetesVersion.of(33), kubeletCrashLoopBackOffMax: true, maxContainerRestartPeriod: 5 }, 20);
    expect(gaps(alpha)).toEqual([0, 5, 5, 5]);
  });

  test('gates and settings the target release does not have are errors', () => {
    expect(() => run({ kubernetesVersion: KubernetesVersion.of(32), reduceDefaultCrashLoopBackOffDecay: true }))
      .toThrow(/feature gate ReduceDefaultCrashLoopBackOffDecay does not exist on Kubernetes 1\.32 \(alpha from 1\.33\)/);
    expect(() => run({ kubernetesVersion: KubernetesVersion.of(31), kubeletCrashLoopBackOffMax: true }))
      .toThrow(/feature gate KubeletCrashLoopBackOffMax does not exist on Kubernetes 1\.31/);
    expect(() => run({ kubernetesVersion: KubernetesVersion.of(34), maxContainerRestartPeriod: 30 }))
      .toThrow(/'maxContainerRestartPeriod' needs the kubelet feature gate KubeletCrashLoopBackOffMax, which is off on Kubernetes 1\.34/);
    expect(() => run({ kubernetesVersion: KubernetesVersion.of(35), maxContainerRestartPeriod: 301 }))
      .toThrow(/'maxContainerRestartPeriod' must be a number of seconds from 1 to 300 .* got 301/);
  });
});

describe('long horizons', () => {
  test('a horizon above 6 h is refused with the limit and the reason', () => {
    expect(() => Simulator.simulate(deployment({ containers: [ctr('app')] }), { until: 1_000_000 * 3600 }))
      .toThrow(/'until' must be at most 21600 seconds \(6h\), got 3600000000 .*: a pod that keeps restarting prints rows/);
    expect(Simulator.MAX_HORIZON_SECONDS).toBe(21600);
  });
});
