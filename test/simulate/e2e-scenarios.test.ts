/**
 * Scenarios mirroring the Kubernetes node e2e tests in kubernetes/kubernetes `test/e2e_node/container_lifecycle_test.go`.
 * Each test name starts with the e2e test it mirrors (its `It(...)` text, shortened with "..."). Where the kubelet
 * source shows that an expectation here was wrong, the test says so and cites the file and function. Container commands of the e2e (busybox scripts printing Starting/Started/Exiting, `StartDelay`,
 * `ExitCode`, `TerminationSeconds`) are expressed as behaviours.
 */
import { ctr, eventOrder, eventTimes, pod, probe, sidecar, timeline } from './helpers';
import { SimulatedPodPhase, SimulationEventKind, Simulator } from '../../src/simulate';

const E2E = 'container_lifecycle_test.go';

describe(`${E2E}: start-up`, () => {
  test('It("should launch init container serially before a regular container")', () => {
    const result = Simulator.simulate(pod({
      initContainers: [ctr('init-1'), ctr('init-2'), ctr('init-3')],
      containers: [ctr('regular-1')],
    }), {
      behaviors: { 'init-1': { exitAfter: 1 }, 'init-2': { exitAfter: 1 }, 'init-3': { exitAfter: 1 }, 'regular-1': { exitAfter: 1 } },
    });
    const c = result.containers;
    expect(c['init-2'].startedAt).toBeGreaterThanOrEqual(c['init-1'].exitedAt!);
    expect(c['init-3'].startedAt).toBeGreaterThanOrEqual(c['init-2'].exitedAt!);
    expect(c['regular-1'].startedAt).toBeGreaterThanOrEqual(c['init-3'].exitedAt!);
    expect(timeline(result)).toEqual([
      '0 0/1 Pending 0',
      '0 0/1 Init:0/3 0',
      '1 0/1 Init:1/3 0',
      '2 0/1 Init:2/3 0',
      '3 0/1 PodInitializing 0',
      '3 1/1 Running 0',
      '4 0/1 Completed 0',
    ]);
    expect(result.finalState.phase).toBe(SimulatedPodPhase.SUCCEEDED);
  });

  test('It("... using a Pod with restartPolicy=Never, three init container and two restartable init containers")', () => {
    const result = Simulator.simulate(pod({
      initContainers: [ctr('init-1'), sidecar('restartable-init-1'), ctr('init-2'), sidecar('restartable-init-2'), ctr('init-3')],
      containers: [ctr('regular-1')],
    }), {
      behaviors: {
        'init-1': { exitAfter: 1 },
        'init-2': { exitAfter: 1 },
        'init-3': { exitAfter: 1 },
        'restartable-init-1': { exitAfter: 600 },
        'restartable-init-2': { exitAfter: 600 },
        'regular-1': { exitAfter: 1 },
      },
    });
    const c = result.containers;
    expect(result.finalState.phase).toBe(SimulatedPodPhase.SUCCEEDED);
    // init1 exits before sidecar1 starts; sidecar1 and init2 run together; sidecar2 starts before init3
    expect(c['restartable-init-1'].startedAt).toBeGreaterThanOrEqual(c['init-1'].exitedAt!);
    expect(c['init-2'].startedAt).toBeLessThan(c['restartable-init-1'].exitedAt!);
    expect(c['restartable-init-2'].startedAt).toBeLessThanOrEqual(c['init-3'].startedAt!);
    // both sidecars run with init3 and with the regular container
    for (const s of ['restartable-init-1', 'restartable-init-2']) {
      expect(c[s].exitedAt).toBeGreaterThanOrEqual(c['regular-1'].exitedAt!);
      expect(c[s].restarts).toBe(0);
    }
    expect(result.statusSequence()).toEqual([
      '0/3 Pending', '0/3 Init:0/5', '0/3 Init:1/5', '1/3 Init:2/5', '1/3 Init:3/5', '2/3 Init:4/5', '2/3 PodInitializing',
      // KillPod blocks SyncPod until both sidecars exited: their end states reach the API together (kubelet.go
      // SyncTerminatingPod / kuberuntime_manager.go SyncPod, no 1/3 row)
      '3/3 Running', '2/3 Completed', '0/3 Completed',
    ]);
  });

  test('It("should launch restartable init containers serially considering the startup probe")', () => {
    const startupProbe = probe({ periodSeconds: 1, failureThreshold: 600 });
    const result = Simulator.simulate(pod({
      initContainers: [sidecar('restartable-init-1', { startupProbe }), sidecar('restartable-init-2', { startupProbe })],
      containers: [ctr('regular-1')],
    }), {
      behaviors: { 'restartable-init-1': { readyAfter: 10 }, 'restartable-init-2': { readyAfter: 10 }, 'regular-1': { exitAfter: 1 } },
    });
    const c = result.containers;
    expect(c['restartable-init-2'].startedAt).toBe(10);
    expect(c['restartable-init-2'].startedAt).toBeGreaterThanOrEqual(c['restartable-init-1'].readyAt!);
    expect(c['regular-1'].startedAt).toBe(20);
    expect(result.startedAfterReady('regular-1', 'restartable-init-2')).toBe(true);
    expect(result.finalState.phase).toBe(SimulatedPodPhase.SUCCEEDED);
  });

  test('It("... a restartable init container runs continuously"): pod Succeeded, sidecar not restarted', () => {
    const result = Simulator.simulate(pod({ initContainers: [sidecar('restartable-init-1')], containers: [ctr('regular-1')] }), {
      behaviors: { 'restartable-init-1': { exitAfter: 600 }, 'regular-1': { exitAfter: 1 } },
    });
    expect(result.finalState.phase).toBe(SimulatedPodPhase.SUCCEEDED);
    expect(result.container('restartable-init-1').restarts).toBe(0);
    expect(result.container('regular-1')).toMatchObject({ exitCode: 0, exitedAt: 1 });
  });

  test('It("should not launch second container before PostStart of the first container completed")', () => {
    const result = Simulator.simulate(pod({
      containers: [ctr('regular-1', { lifecycle: { postStart: { exec: { command: ['sleep', '5'] } } } }), ctr('regular-2')],
    }), { behaviors: { 'regular-1': { postStartDuration: 5, exitAfter: 10 }, 'regular-2': { exitAfter: 10 } } });
    expect(result.container('regular-1').startedAt).toBe(0);
    expect(result.container('regular-2').startedAt).toBe(5);
    // the status shows regular-1 Running only once its hook returned ([S8])
    expect(timeline(result).slice(0, 4)).toEqual(['0 0/2 Pending 0', '0 0/2 ContainerCreating 0', '5 1/2 ContainerCreating 0', '5 2/2 Running 0']);
  });

  test('a sidecar\'s postStart hook blocks the containers after it (sleep action: its own seconds)', () => {
    const result = Simulator.simulate(pod({
      initContainers: [sidecar('restartable-init-1', { lifecycle: { postStart: { sleep: { seconds: 3 } } } })],
      containers: [ctr('regular-1')],
    }), { behaviors: { 'regular-1': { exitAfter: 1 } } });
    expect(result.container('regular-1').startedAt).toBe(3);
    expect(result.finalState.phase).toBe(SimulatedPodPhase.SUCCEEDED);
  });
});

describe(`${E2E}: restartable init containers that exit`, () => {
  const spec = (restartPolicy: string) => pod({
    restartPolicy,
    initContainers: [sidecar('restartable-init-1'), ctr('init-1')],
    containers: [ctr('regular-1')],
  });

  test.each(['Never', 'OnFailure'])('It("... exits with exit code 0 continuously") with restartPolicy %s: Succeeded, restarted before and after the regular container started', (restartPolicy) => {
    const result = Simulator.simulate(spec(restartPolicy), {
      behaviors: { 'restartable-init-1': { exitAfter: 5, exitCode: 0 }, 'init-1': { exitAfter: 20 }, 'regular-1': { exitAfter: 60 } },
    });
    const regularStart = result.container('regular-1').startedAt!;
    const restarts = result.container('restartable-init-1').runs.slice(1).map(r => r.startedAt);
    expect(restarts.some(t => t < regularStart)).toBe(true);
    expect(restarts.some(t => t > regularStart)).toBe(true);
    expect(result.finalState).toMatchObject({ phase: SimulatedPodPhase.SUCCEEDED, status: 'Completed' });
    // doBackOff (kuberuntime_manager.go, commit 000f260): exit at 5 → restarted at once; exit at 10 → back-off
    // 10 s; exit at 25 → back-off 20 s
    expect(restarts).toEqual([5, 20, 45]);
  });

  test('It("... exits with exit code 1 continuously"): the pod still Succeeds', () => {
    const result = Simulator.simulate(spec('Never'), {
      behaviors: { 'restartable-init-1': { exitAfter: 5, exitCode: 1 }, 'init-1': { exitAfter: 20 }, 'regular-1': { exitAfter: 60 } },
    });
    expect(result.container('restartable-init-1').restarts).toBeGreaterThanOrEqual(2);
    expect(result.finalState.phase).toBe(SimulatedPodPhase.SUCCEEDED);
    // while initializing, the exited sidecar shows in STATUS
    expect(result.statusSequence()).toContain('0/2 Init:Error');
    expect(result.statusSequence()).toContain('0/2 Init:CrashLoopBackOff');
  });

  test('restartPolicy Always: the pod keeps running, the regular container restarts, the sidecar restarts before and after it started', () => {
    const result = Simulator.simulate(spec('Always'), {
      behaviors: { 'restartable-init-1': { exitAfter: 5, exitCode: 1 }, 'init-1': { exitAfter: 20 }, 'regular-1': { exitAfter: 60 } },
      until: 300,
    });
    const regularStart = result.container('regular-1').startedAt!;
    const restarts = result.container('restartable-init-1').runs.slice(1).map(r => r.startedAt);
    expect(restarts.some(t => t < regularStart)).toBe(true);
    expect(restarts.some(t => t > regularStart)).toBe(true);
    expect(result.container('regular-1').restarts).toBeGreaterThanOrEqual(1);
    expect(result.finalState).toMatchObject({ phase: SimulatedPodPhase.RUNNING, terminal: false });
    expect(result.stuck).toBe(false);
  });
});

describe(`${E2E}: init containers failing around sidecars `, () => {
  test('It("... an Init container before restartable init container fails") with restartPolicy Never: Failed, the sidecar never starts', () => {
    const result = Simulator.simulate(pod({ initContainers: [ctr('init-1'), sidecar('restartable-init-1')], containers: [ctr('regular-1')] }), {
      behaviors: { 'init-1': { exitAfter: 1, exitCode: 1 } },
    });
    expect(timeline(result)).toEqual(['0 0/2 Pending 0', '0 0/2 Init:0/2 0', '1 0/2 Init:Error 0']);
    expect(result.finalState).toMatchObject({ phase: SimulatedPodPhase.FAILED, terminal: true });
    expect(result.container('restartable-init-1').startedAt).toBeUndefined();
    expect(result.container('regular-1').startedAt).toBeUndefined();
  });

  test.each(['OnFailure', 'Always'])('"... continuously fails … keeping it Pending" with restartPolicy %s: init restarted ≥3 times, sidecar never starts', (restartPolicy) => {
    const result = Simulator.simulate(pod({ restartPolicy, initContainers: [ctr('init-1'), sidecar('restartable-init-1')], containers: [ctr('regular-1')] }), {
      behaviors: { 'init-1': { exitAfter: 1, exitCode: 1 } },
      until: 120,
    });
    expect(result.container('init-1').restarts).toBeGreaterThanOrEqual(3);
    expect(result.container('restartable-init-1').startedAt).toBeUndefined();
    expect(result.finalState.phase).toBe(SimulatedPodPhase.PENDING);
    expect(result.statusSequence()).toContain('0/2 Init:CrashLoopBackOff');
    expect(result.finalState.restarts).toBe(result.container('init-1').restarts);
  });

  test('It("should be running restartable init container and a failed Init container in parallel") (restartPolicy Never): Failed', () => {
    const result = Simulator.simulate(pod({ initContainers: [sidecar('restartable-init-1'), ctr('init-1')], containers: [ctr('regular-1')] }), {
      behaviors: { 'restartable-init-1': { exitAfter: 5, exitCode: 1 }, 'init-1': { exitAfter: 2, exitCode: 1 } },
    });
    const c = result.containers;
    expect(c['init-1'].startedAt).toBeLessThan(c['restartable-init-1'].exitedAt!);
    expect(c['restartable-init-1'].startedAt).toBeLessThan(c['init-1'].exitedAt!);
    expect(result.finalState).toMatchObject({ phase: SimulatedPodPhase.FAILED, status: 'Init:Error' });
    expect(c['regular-1'].startedAt).toBeUndefined();
  });

  test('a sidecar whose image cannot be pulled: Init:ImagePullBackOff, neither the sidecar nor the regular container starts', () => {
    const result = Simulator.simulate(pod({ initContainers: [sidecar('restartable-init-1')], containers: [ctr('regular-1')] }), {
      behaviors: { 'restartable-init-1': { imagePullFails: true } },
      until: 60,
    });
    expect(result.statusSequence().slice(0, 4)).toEqual(['0/2 Pending', '0/2 Init:0/1', '0/2 Init:ErrImagePull', '0/2 Init:ImagePullBackOff']);
    expect(result.container('restartable-init-1').startedAt).toBeUndefined();
    expect(result.container('regular-1').startedAt).toBeUndefined();
    expect(result.finalState.phase).toBe(SimulatedPodPhase.PENDING);
    expect(result.finalState.restarts).toBe(0);
  });
});

describe(`${E2E}: probes of restartable init containers`, () => {
  test('It("should call the container\'s preStop hook and not launch next container if the restartable init container\'s startup probe fails")', () => {
    const result = Simulator.simulate(pod({
      restartPolicy: 'Always',
      initContainers: [sidecar('restartable-init-1', {
        startupProbe: probe({ periodSeconds: 1, failureThreshold: 1 }),
        lifecycle: { preStop: { exec: { command: ['sh', '-c', 'echo PreStop'] } } },
      })],
      containers: [ctr('regular-1')],
    }), { behaviors: { 'restartable-init-1': { failsStartup: true, preStopDuration: 1 } }, until: 60 });
    expect(eventTimes(result, SimulationEventKind.PRE_STOP_STARTED, 'restartable-init-1').length).toBeGreaterThanOrEqual(2);
    expect(result.container('restartable-init-1').restarts).toBeGreaterThanOrEqual(2);
    expect(result.container('regular-1').startedAt).toBeUndefined();
    expect(result.finalState.phase).toBe(SimulatedPodPhase.PENDING);
    expect(result.statusSequence()).toEqual(expect.arrayContaining(['0/2 Init:0/1', '0/2 Init:CrashLoopBackOff']));
  });

  test('"... start the next container if the restartable init container\'s liveness probe fails"', () => {
    const result = Simulator.simulate(pod({
      restartPolicy: 'Always',
      initContainers: [sidecar('restartable-init-1', {
        livenessProbe: probe({ periodSeconds: 1, failureThreshold: 1 }),
        lifecycle: { preStop: { exec: { command: ['sh', '-c', 'echo PreStop'] } } },
      })],
      containers: [ctr('regular-1')],
    }), { behaviors: { 'restartable-init-1': { failsLiveness: true, preStopDuration: 1 } }, until: 60 });
    expect(eventTimes(result, SimulationEventKind.PRE_STOP_STARTED, 'restartable-init-1').length).toBeGreaterThanOrEqual(2);
    expect(result.container('restartable-init-1').restarts).toBeGreaterThanOrEqual(2);
    expect(result.container('regular-1').startedAt).toBe(0);
    expect(result.finalState.phase).toBe(SimulatedPodPhase.RUNNING);
  });
});

describe(`${E2E}: termination`, () => {
  const threeSidecars = (extra: { [key: string]: any } = {}, podExtra: { [key: string]: any } = {}) => pod({
    ...podExtra,
    initContainers: [sidecar('restartable-init-1', extra), sidecar('restartable-init-2', extra), sidecar('restartable-init-3', extra)],
    containers: [ctr('regular-1')],
  });
  const stopIn5 = { stopAfter: 5 };

  test('It("should terminate sidecars in reverse order after all main containers have exited")', () => {
    const result = Simulator.simulate(threeSidecars(), {
      behaviors: { 'restartable-init-1': stopIn5, 'restartable-init-2': stopIn5, 'restartable-init-3': stopIn5, 'regular-1': { exitAfter: 5 } },
    });
    expect(eventOrder(result, SimulationEventKind.EXITED)).toEqual(['regular-1', 'restartable-init-3', 'restartable-init-2', 'restartable-init-1']);
    expect(eventTimes(result, SimulationEventKind.EXITED)).toEqual([5, 10, 15, 20]);
    for (const s of ['restartable-init-1', 'restartable-init-2', 'restartable-init-3']) {
      expect(result.container(s)).toMatchObject({ exitCode: 0, stateReason: 'Completed' });
    }
    // the sidecars stop one after the other (exits at 10, 15, 20), but KillPod blocks SyncPod until the last one
    // exited, so their end states reach the API in one status (kuberuntime_manager.go SyncPod, commit 000f260)
    expect(timeline(result).slice(-2)).toEqual(['5 3/4 Completed 0', '20 0/4 Completed 0']);
    expect(result.finalState).toMatchObject({ at: 20, phase: SimulatedPodPhase.SUCCEEDED });
  });

  test('It("should terminate sidecars simultaneously if prestop doesn\'t exit"): killed together after ~32 s with 137', () => {
    const preStop = { lifecycle: { preStop: { exec: { command: ['sh', '-c', 'while true; do sleep 1; done'] } } } };
    const forever = { stopAfter: 5, preStopDuration: 3600 };
    const result = Simulator.simulate(threeSidecars(preStop), {
      behaviors: { 'restartable-init-1': forever, 'restartable-init-2': forever, 'restartable-init-3': forever, 'regular-1': { exitAfter: 5 } },
    });
    expect(eventTimes(result, SimulationEventKind.PRE_STOP_STARTED)).toEqual([5, 5, 5]);
    expect(eventTimes(result, SimulationEventKind.SIGKILL)).toEqual([37, 37, 37]);
    for (const s of ['restartable-init-1', 'restartable-init-2', 'restartable-init-3']) {
      expect(result.container(s)).toMatchObject({ exitCode: 137, stateReason: 'Error', exitedAt: 37 });
    }
    expect(result.finalState.phase).toBe(SimulatedPodPhase.SUCCEEDED);
  });

  test('It("should call sidecar container PreStop hook simultaneously")', () => {
    const preStop = { lifecycle: { preStop: { sleep: { seconds: 1 } } } };
    const result = Simulator.simulate(threeSidecars(preStop), {
      behaviors: { 'restartable-init-1': stopIn5, 'restartable-init-2': stopIn5, 'restartable-init-3': stopIn5, 'regular-1': { exitAfter: 5 } },
    });
    expect(eventTimes(result, SimulationEventKind.PRE_STOP_STARTED)).toEqual([5, 5, 5]);
    expect(eventOrder(result, SimulationEventKind.EXITED)).toEqual(['regular-1', 'restartable-init-3', 'restartable-init-2', 'restartable-init-1']);
    for (const s of ['restartable-init-1', 'restartable-init-2', 'restartable-init-3']) {
      expect(result.container(s).stateReason).toBe('Completed');
    }
  });

  test('It("should not hang in termination if terminated during initialization")', () => {
    const result = Simulator.simulate(pod({
      initContainers: [ctr('init-1'), sidecar('restartable-init-1'), sidecar('restartable-init-2')],
      containers: [ctr('regular-1')],
    }), { behaviors: { 'init-1': { exitAfter: 600, stopAfter: 600 } }, deleteAt: 2, deletionGracePeriod: 3 });
    expect(result.finalState).toMatchObject({ terminal: true, deleted: true, status: 'Terminating' });
    expect(result.finalState.at - 2).toBeLessThan(5);
    expect(result.statusSequence()).toContain('0/3 Terminating');
  });

  test('It("should terminate restartable init containers gracefully if there is a non-started restartable init container") (#125880)', () => {
    const result = Simulator.simulate(pod({
      terminationGracePeriodSeconds: 180,
      initContainers: [
        ctr('init-1'),
        sidecar('restartable-init-2', { startupProbe: probe({ periodSeconds: 1, failureThreshold: 600 }) }),
        sidecar('restartable-init-3'),
      ],
      containers: [ctr('regular-1')],
    }), { behaviors: { 'init-1': { exitAfter: 1 }, 'restartable-init-2': { failsStartup: true, stopAfter: 1 } }, deleteAt: 10 });
    expect(result.container('restartable-init-3').startedAt).toBeUndefined();
    expect(result.finalState).toMatchObject({ terminal: true, deleted: true, status: 'Terminating' });
    expect(result.finalState.at - 10).toBeLessThan(61);
  });

  // The e2e pod has a finalizer so that its terminal status can be read after the deletion: the object stays, and
  // printPod no longer shows Terminating once the phase is terminal (printers.go printPod).
  test('It("should mark pod as succeeded if any of the restartable init containers have terminated with non-zero exit code")', () => {
    const manifest = threeSidecars();
    manifest.metadata.finalizers = ['test/finalizer'];
    const result = Simulator.simulate(manifest, {
      behaviors: { 'restartable-init-2': { stopExitCode: 1 } },
      deleteAt: 10,
    });
    expect(result.container('regular-1')).toMatchObject({ exitCode: 0, stateReason: 'Completed' });
    expect(result.container('restartable-init-2')).toMatchObject({ exitCode: 1, stateReason: 'Error' });
    // no readiness probes: READY keeps 4/4 while SyncTerminatingPod waits in killPod (kubelet.go, commit d830264)
    expect(result.statusSequence().slice(-2)).toEqual(['4/4 Terminating', '0/4 Completed']);
    expect(result.finalState).toMatchObject({ phase: SimulatedPodPhase.SUCCEEDED, status: 'Completed', deleted: false });
    expect(result.notes.some(n => n.includes('finalizers (test/finalizer) keep the object'))).toBe(true);
  });

  test('without a finalizer: the same deletion ends with the pod gone, Terminating to the end, phase Succeeded', () => {
    const result = Simulator.simulate(threeSidecars(), {
      behaviors: { 'restartable-init-2': { stopExitCode: 1 } },
      deleteAt: 10,
    });
    expect(result.statusSequence().slice(-1)).toEqual(['4/4 Terminating']);
    expect(result.finalState).toMatchObject({ at: 10, phase: SimulatedPodPhase.SUCCEEDED, status: 'Terminating', deleted: true, terminal: true });
  });

  test('"... terminated with non-zero exit code by prestop hook": the pod Succeeds, every sidecar 0/Completed', () => {
    const result = Simulator.simulate(pod({
      initContainers: [sidecar('restartable-init-1'), sidecar('restartable-init-2', { lifecycle: { preStop: { exec: { command: ['sh', '-c', 'exit 1'] } } } }), sidecar('restartable-init-3')],
      containers: [ctr('regular-1')],
    }), { behaviors: { 'regular-1': { exitAfter: 5 } } });
    expect(result.finalState.phase).toBe(SimulatedPodPhase.SUCCEEDED);
    for (const s of ['restartable-init-1', 'restartable-init-2', 'restartable-init-3']) {
      expect(result.container(s)).toMatchObject({ exitCode: 0, stateReason: 'Completed' });
    }
  });

  test('It("should mark pod as failed if regular container has exceeded its termination grace period seconds")', () => {
    const result = Simulator.simulate(threeSidecars({}, { terminationGracePeriodSeconds: 5 }), {
      behaviors: {
        'regular-1': { stopAfter: 20 },
        'restartable-init-1': { stopAfter: 20 },
        'restartable-init-2': { stopAfter: 1 },
        'restartable-init-3': { stopAfter: 20 },
      },
      deleteAt: 10,
    });
    expect(result.container('regular-1')).toMatchObject({ exitCode: 137, stateReason: 'Error', exitedAt: 15 });
    expect(result.container('restartable-init-2')).toMatchObject({ exitCode: 0, stateReason: 'Completed' });
    expect(result.container('restartable-init-1')).toMatchObject({ exitCode: 137, stateReason: 'Error' });
    expect(result.container('restartable-init-3')).toMatchObject({ exitCode: 137, stateReason: 'Error' });
    expect(result.finalState.phase).toBe(SimulatedPodPhase.FAILED);
  });

  test('"… exceeded its termination grace period seconds" for a sidecar: the pod Succeeds, the sidecar ends 137/Error', () => {
    const result = Simulator.simulate(threeSidecars({}, { terminationGracePeriodSeconds: 5 }), {
      behaviors: {
        'regular-1': { exitAfter: 5 },
        'restartable-init-1': { stopAfter: 1 },
        'restartable-init-2': { stopAfter: 20 },
        'restartable-init-3': { stopAfter: 1 },
      },
    });
    expect(result.container('regular-1')).toMatchObject({ exitCode: 0, stateReason: 'Completed' });
    expect(result.container('restartable-init-2')).toMatchObject({ exitCode: 137, stateReason: 'Error', exitedAt: 10 });
    expect(result.container('restartable-init-1').exitCode).toBe(0);
    expect(result.finalState).toMatchObject({ phase: SimulatedPodPhase.SUCCEEDED, status: 'Completed' });
  });

  test('It("should execute readiness probe while in preStop, but not liveness")', () => {
    const result = Simulator.simulate(pod({
      containers: [ctr('regular-1', {
        readinessProbe: probe({ periodSeconds: 1 }),
        livenessProbe: probe({ periodSeconds: 1, failureThreshold: 1, initialDelaySeconds: 5 }),
        lifecycle: { preStop: { sleep: { seconds: 10 } } },
      })],
    }), { behaviors: { 'regular-1': { readyAfter: 3, failsLiveness: true } }, deleteAt: 1 });
    // the readiness probe keeps running during the preStop hook: the container becomes ready at 3 s, while Terminating
    expect(timeline(result)).toContain('3 1/1 Terminating 0');
    expect(eventTimes(result, SimulationEventKind.LIVENESS_PROBE_FAILED)).toEqual([]);
    expect(result.container('regular-1')).toMatchObject({ restarts: 0, exitedAt: 11, exitCode: 0 });
  });

  test('a sidecar\'s failing liveness probe is not run, and the sidecar not restarted, during pod termination (KEP-4438 FIXME)', () => {
    const result = Simulator.simulate(pod({
      terminationGracePeriodSeconds: 60,
      initContainers: [sidecar('restartable-init-1', { livenessProbe: probe({ periodSeconds: 1, failureThreshold: 1, initialDelaySeconds: 5 }) })],
      containers: [ctr('regular-1', { lifecycle: { preStop: { sleep: { seconds: 40 } } } })],
    }), { behaviors: { 'restartable-init-1': { failsLiveness: true } }, deleteAt: 1 });
    expect(eventTimes(result, SimulationEventKind.LIVENESS_PROBE_FAILED)).toEqual([]);
    expect(result.container('restartable-init-1')).toMatchObject({ restarts: 0, exitedAt: 41 });
    expect(result.finalState.terminal).toBe(true);
  });
});
