/**
 * Timing rules: probes (first run at start + initialDelaySeconds, then every periodSeconds, Kubernetes defaults),
 * restart back-off (kuberuntime_manager.go doBackOff), activeDeadlineSeconds, deletion (printers.go printPod:
 * Terminating), the horizon and `stuck`. Sources: kubernetes/kubernetes at the commits named in docs/simulator.md.
 */
import { ctr, eventTimes, fixture, job, pod, probe, sidecar, timeline } from './helpers';
import { SimulatedPodPhase, SimulationEventKind, Simulator } from '../../src/simulate';

describe('probes', () => {
  test('Kubernetes defaults when fields are absent: periodSeconds 10, failureThreshold 3', () => {
    const manifest = pod({ initContainers: [sidecar('proxy', { startupProbe: probe() })], containers: [ctr('app')] });
    const result = Simulator.simulate(manifest, { behaviors: { proxy: { readyAfter: 5 }, app: { exitAfter: 1 } } });
    // probes at 0 (fails), 10 (succeeds)
    expect(result.container('app').startedAt).toBe(10);
    // readiness at 25 s: probes at 0, 10, 20 fail → killed at 20; kill and restart come from one computePodActions
    // result and doBackOff finds no exited instance in the status from before the kill, so the restart goes ahead at
    // once (kuberuntime_manager.go SyncPod/doBackOff, commit 000f260); the second run is killed at 40 the same way
    const slow = Simulator.simulate(manifest, { behaviors: { proxy: { readyAfter: 25 }, app: { exitAfter: 1 } }, until: 200 });
    expect(eventTimes(slow, SimulationEventKind.STARTUP_PROBE_FAILED, 'proxy').slice(0, 2)).toEqual([20, 40]);
    expect(slow.container('proxy').runs.map(r => r.startedAt).slice(0, 3)).toEqual([0, 20, 40]);
    expect(slow.container('app').startedAt).toBeUndefined();
  });

  test('first probe at start + initialDelaySeconds, then every periodSeconds; fractions of seconds are kept', () => {
    const manifest = pod({ initContainers: [sidecar('proxy', { startupProbe: probe({ initialDelaySeconds: 2, periodSeconds: 1, failureThreshold: 60 }) })], containers: [ctr('app')] });
    const at = (readyAfter: number) => Simulator.simulate(manifest, { behaviors: { proxy: { readyAfter }, app: { exitAfter: 1 } } }).container('app').startedAt;
    expect(at(0)).toBe(2);
    expect(at(0.5)).toBe(2);
    expect(at(2.5)).toBe(3);
    expect(at(7)).toBe(7);
    const r = Simulator.simulate(manifest, { behaviors: { proxy: { readyAfter: 2.5 }, app: { exitAfter: 0.25 } } });
    expect(r.container('app').exitedAt).toBe(3.25);
    expect(r.container('proxy').servingAt).toBe(2.5);
  });

  test('a readinessProbe on a sidecar affects READY but does not gate start-up ', () => {
    const manifest = pod({
      initContainers: [sidecar('proxy', { readinessProbe: probe({ periodSeconds: 2 }) })],
      containers: [ctr('app')],
    });
    const result = Simulator.simulate(manifest, { behaviors: { proxy: { readyAfter: 3 }, app: { exitAfter: 10 } } });
    expect(result.container('app').startedAt).toBe(0);
    expect(result.container('proxy').readyAt).toBe(4);
    expect(timeline(result).slice(0, 5)).toEqual([
      '0 0/2 Pending 0',
      '0 0/2 Init:0/1 0',
      '0 0/2 PodInitializing 0',
      '0 1/2 Running 0',
      '4 2/2 Running 0',
    ]);
  });

  test("a regular container's readinessProbe (successThreshold 2) affects READY; Completed next to a running container is NotReady (PodReady False)", () => {
    const result = Simulator.simulate(pod({
      containers: [ctr('a'), ctr('b', { readinessProbe: probe({ periodSeconds: 1, successThreshold: 2 }) })],
    }), { behaviors: { a: { exitAfter: 1 }, b: { readyAfter: 2 } } });
    expect(timeline(result)).toEqual([
      '0 0/2 Pending 0',
      '0 0/2 ContainerCreating 0',
      '0 1/2 Running 0',
      '1 0/2 Completed 0',
      '3 1/2 NotReady 0',
    ]);
    expect(result.container('b').readyAt).toBe(3);
  });

  test('a container with a startupProbe is ready only once started ', () => {
    const result = Simulator.simulate(pod({ containers: [ctr('app', { startupProbe: probe({ periodSeconds: 1, failureThreshold: 10 }) })] }), {
      behaviors: { app: { readyAfter: 3 } },
    });
    expect(result.container('app').readyAt).toBe(3);
    expect(result.statusSequence()).toEqual(['0/1 Pending', '0/1 ContainerCreating', '0/1 Running', '1/1 Running']);
  });
});

describe('hooks and instant exits', () => {
  // kuberuntime_container.go startContainer kills the container when its postStart hook fails and SyncPod returns
  // ErrPostStartHook; the reason cache shows Waiting(PostStartHookError) (kubelet_pods.go convertToAPIContainerStatuses)
  // and the next sync restarts it through doBackOff: at once the first time, then after 10 s, 20 s (commit 000f260)
  test('a failing postStart hook kills the sidecar: PostStartHookError, restarted at once, then with back-off; the app never starts', () => {
    const result = Simulator.simulate(pod({
      initContainers: [sidecar('proxy', { lifecycle: { postStart: { exec: { command: ['false'] } } } })],
      containers: [ctr('app')],
    }), { behaviors: { proxy: { postStartFails: true, postStartDuration: 1 } }, until: 40 });
    expect(eventTimes(result, SimulationEventKind.POST_START_HOOK_FAILED, 'proxy')).toEqual([1, 2, 13, 34]);
    expect(result.container('proxy').runs.map(r => r.startedAt)).toEqual([0, 1, 12, 33]);
    expect(result.container('app').startedAt).toBeUndefined();
    // while a hook runs the pod worker is blocked in SyncPod: the status keeps what it showed before the start
    expect(timeline(result).slice(2, 6)).toEqual([
      '1 0/2 Init:PostStartHookError 0', '2 0/2 Init:PostStartHookError 1', '2 0/2 Init:CrashLoopBackOff 1', '13 0/2 Init:PostStartHookError 2',
    ]);
  });

  test('startup probes are not evaluated while the postStart hook runs (the status is not Running yet)', () => {
    const result = Simulator.simulate(pod({
      initContainers: [sidecar('proxy', {
        startupProbe: probe({ periodSeconds: 1, failureThreshold: 2 }),
        lifecycle: { postStart: { sleep: { seconds: 3 } } },
      })],
      containers: [ctr('app')],
    }), { behaviors: { proxy: { readyAfter: 1 }, app: { exitAfter: 1 } } });
    // the ticks at 0, 1 and 2 s fall inside the hook and are skipped, so failureThreshold 2 is never reached
    expect(result.container('proxy').restarts).toBe(0);
    expect(result.container('app').startedAt).toBe(3);
  });

  test('exitAfter 0: the container exits the moment it starts and is never reported Running', () => {
    const result = Simulator.simulate(pod({ containers: [ctr('app')] }), { behaviors: { app: { exitAfter: 0, exitCode: 3 } } });
    expect(result.statusSequence()).toEqual(['0/1 Pending', '0/1 ContainerCreating', '0/1 Error']);
    expect(result.container('app')).toMatchObject({ startedAt: 0, exitedAt: 0, exitCode: 3 });
  });
});

describe('back-off (kuberuntime_manager.go doBackOff, client-go flowcontrol Backoff)', () => {
  // A startup probe that fails at the first tick kills every run the moment it starts. doBackOff reads the status from
  // before the kill: kill 1 finds no exited instance (restart at once, no entry), kill 2 finds run 1 (entry created,
  // restart at once), later kills wait while now - (previous instance's exit) < backoff; once that gap reaches the
  // 300 s cap, every other restart goes ahead at once (IsInBackOffSince is false at exactly the back-off).
  test('a sidecar failing its startup probe at once: restarts after 0, 0, 10, 20, 40, 80, 160, 300 s, then alternately 0 and 300 s', () => {
    const manifest = pod({
      initContainers: [sidecar('proxy', { startupProbe: probe({ periodSeconds: 1, failureThreshold: 1 }) })],
      containers: [ctr('app')],
    });
    const result = Simulator.simulate(manifest, { behaviors: { proxy: { failsStartup: true } }, until: 1000 });
    const runs = result.container('proxy').runs;
    const gaps = runs.slice(1).map((r, i) => r.startedAt - runs[i].exitedAt!);
    expect(gaps).toEqual([0, 0, 10, 20, 40, 80, 160, 300, 0, 300, 0]);
    expect(result.finalState).toMatchObject({ phase: SimulatedPodPhase.PENDING, restarts: 11 });
    expect(result.container('app').startedAt).toBeUndefined();
    expect(result.stuck).toBe(false); // the kubelet keeps trying
    expect(result.notes).toContain('still not terminal at the horizon (16m40s)');
  });

  // kill at 2 and 4: restarted at once; kill at 6: run 2 exited at 4 and the entry says 10 s → CrashLoopBackOff until
  // 6 + 10 (the next sync looks at run 3, exited at 6); kill at 18: 18 - 6 < 20 → until 18 + 20 = 38
  test('the sidecar is restarted whatever the pod restartPolicy (Never here), and the kill and restart show no Terminated row', () => {
    const manifest = pod({
      initContainers: [sidecar('proxy', { startupProbe: probe({ periodSeconds: 1, failureThreshold: 3 }) })],
      containers: [ctr('app')],
    });
    const result = Simulator.simulate(manifest, { behaviors: { proxy: { failsStartup: true } }, until: 40 });
    expect(timeline(result)).toEqual([
      '0 0/2 Pending 0',
      '0 0/2 Init:0/1 0',
      '2 0/2 Init:0/1 1',
      '4 0/2 Init:0/1 2',
      '6 0/2 Init:CrashLoopBackOff 2',
      '16 0/2 Init:0/1 3',
      '18 0/2 Init:CrashLoopBackOff 3',
      '38 0/2 Init:0/1 4',
      '40 0/2 Init:CrashLoopBackOff 4',
    ]);
  });

  // NewMainKubelet sets HasExpiredFunc: an entry whose last update (the last restart) is more than 600 s before the
  // exit starts over, and Next on a new entry lets the restart go ahead at once (kubelet.go, commit d830264)
  test('the back-off resets after 10 minutes of running: every restart goes ahead at once', () => {
    const result = Simulator.simulate(pod({ restartPolicy: 'Always', containers: [ctr('app')] }), {
      behaviors: { app: { exitAfter: 700, exitCode: 1 } },
      until: 2200,
    });
    const runs = result.container('app').runs;
    expect(runs.slice(1).map((r, i) => r.startedAt - runs[i].exitedAt!)).toEqual([0, 0, 0]);
  });
});

describe('activeDeadlineSeconds', () => {
  // At the deadline the kubelet fails the pod (status.reason DeadlineExceeded), but printPod lets the init walk
  // (Init:0/1) override status.reason; SyncTerminatingPod then records the stopped containers: the sidecar exited 0
  // on SIGTERM, so the init walk passes it and the regular container's Waiting(PodInitializing) is the last STATUS
  // (printers.go printPod, commit 51652d1; kubelet.go SyncTerminatingPod, commit d830264)
  test('pod activeDeadlineSeconds while initializing: phase Failed, STATUS Init:0/1 then PodInitializing (container reasons win)', () => {
    const manifest = pod({
      activeDeadlineSeconds: 30,
      initContainers: [sidecar('proxy', { startupProbe: probe({ periodSeconds: 1, failureThreshold: 60 }) })],
      containers: [ctr('app')],
    });
    const result = Simulator.simulate(manifest, { behaviors: { proxy: { failsStartup: true } } });
    expect(timeline(result)).toEqual(['0 0/2 Pending 0', '0 0/2 Init:0/1 0', '30 0/2 PodInitializing 0']);
    expect(result.finalState).toEqual({
      at: 30,
      phase: SimulatedPodPhase.FAILED,
      ready: '0/2',
      status: 'PodInitializing',
      restarts: 0,
      terminal: true,
      deleted: false,
      reason: 'DeadlineExceeded',
      jobFailureReason: undefined,
    });
    expect(result.container('proxy').exitedAt).toBe(30);
    expect(eventTimes(result, SimulationEventKind.DEADLINE_EXCEEDED)).toEqual([30]);
    expect(eventTimes(result, SimulationEventKind.POD_REMOVED)).toEqual([]);
    expect(result.notes.some(n => /^at 30s the pod's own activeDeadlineSeconds \(30s\) passed: the kubelet failed the pod/.test(n))).toBe(true);
    expect(result.toText()).toMatch(/Final: phase Failed \(reason DeadlineExceeded\), 0\/2 PodInitializing/);
  });

  test('pod activeDeadlineSeconds in a Job pod: the note tells it apart from the Job\'s own deadline', () => {
    const result = Simulator.simulate(job({ activeDeadlineSeconds: 30, containers: [ctr('app')] }), { behaviors: { app: { exitAfter: 100 } } });
    // the app exits 0 on SIGTERM (its default behaviour): its Terminated reason Completed replaces DeadlineExceeded
    expect(result.finalState).toMatchObject({ phase: SimulatedPodPhase.FAILED, status: 'Completed', reason: 'DeadlineExceeded', deleted: false });
    expect(result.finalState.jobFailureReason).toBeUndefined();
    expect(result.notes.some(n => n.includes("the pod object stays. For the Job this is one failed pod (counted against backoffLimit; retries are not simulated), unlike the Job's own activeDeadlineSeconds, which fails the whole Job and deletes its pods"))).toBe(true);
  });

  // While SyncTerminatingPod waits in killPod the status keeps the running, ready container (1/1 DeadlineExceeded);
  // the recorded end state then shows its Terminated reason: exit 143 on SIGTERM → Error
  test('pod activeDeadlineSeconds stops a running pod: DeadlineExceeded while it stops, then the container\'s reason', () => {
    const result = Simulator.simulate(pod({ activeDeadlineSeconds: 10, containers: [ctr('app')] }), { behaviors: { app: { stopAfter: 3, stopExitCode: 143 } } });
    expect(timeline(result).slice(-2)).toEqual(['10 1/1 DeadlineExceeded 0', '13 0/1 Error 0']);
    expect(result.finalState.phase).toBe(SimulatedPodPhase.FAILED);
  });

  // The review's case: before the fix the last row was `0/2 PodInitializing` (the never-started sidecar, Terminated
  // with exit 0, counts as done in printPod's init walk once the phase is terminal).
  test('Job activeDeadlineSeconds: the Job controller deletes the pod, Terminating until every container stopped, then the pod is gone', () => {
    const manifest = job({
      initContainers: [sidecar('proxy', { startupProbe: probe({ periodSeconds: 1, failureThreshold: 60 }) })],
      containers: [ctr('app')],
    }, { activeDeadlineSeconds: 20 });
    const result = Simulator.simulate(manifest, { behaviors: { proxy: { failsStartup: true, stopAfter: 1 } } });
    expect(timeline(result)).toEqual(['0 0/2 Pending 0', '0 0/2 Init:0/1 0', '20 0/2 Terminating 0']);
    expect(result.finalState).toEqual({
      at: 21,
      phase: SimulatedPodPhase.FAILED,
      ready: '0/2',
      status: 'Terminating',
      restarts: 0,
      terminal: true,
      deleted: true,
      reason: undefined,
      jobFailureReason: 'DeadlineExceeded',
    });
    expect(result.container('proxy').exitedAt).toBe(21);
    expect(eventTimes(result, SimulationEventKind.DEADLINE_EXCEEDED)).toEqual([20]);
    expect(eventTimes(result, SimulationEventKind.POD_DELETED)).toEqual([20]);
    expect(eventTimes(result, SimulationEventKind.POD_REMOVED)).toEqual([21]);
    expect(result.notes).toContain("the Job controller deleted the pod: the Job failed with reason DeadlineExceeded (the Job's activeDeadlineSeconds passed at 20s; grace period 30s); STATUS was Terminating while its containers stopped; by 21s every container had stopped and the kubelet recorded phase Failed, and the pod object was removed");
    expect(result.toText()).toContain('Final: pod deleted, gone since 21s (the Job controller deleted it: the Job failed with reason DeadlineExceeded); last row 0/2 Terminating, 0 restart(s); last phase Failed');
    expect(result.toJson().final).toEqual({ at: 21, phase: 'Failed', ready: '0/2', status: 'Terminating', restarts: 0, deleted: true, reason: null, jobFailureReason: 'DeadlineExceeded' });
  });

  test('the review\'s CronJob: a sidecar that never becomes ready, --until 2h: crash loop, then Terminating at the Job deadline (3600s), then gone', () => {
    const manifest = fixture('seed-fixed.yaml');
    manifest.spec.jobTemplate.spec.activeDeadlineSeconds = 3600;
    const result = Simulator.simulate(manifest, { behaviors: { 'slow-sidecar': { failsStartup: true } }, until: 7200 });
    const statuses = result.rows.map(r => r.status);
    expect(statuses.slice(0, 2)).toEqual(['Pending', 'Init:0/1']);
    expect(statuses).toContain('Init:CrashLoopBackOff');
    expect(statuses.indexOf('Terminating')).toBe(statuses.length - 1);
    expect(result.rows[result.rows.length - 1].at).toBe(3600);
    expect(result.finalState).toMatchObject({ at: 3600, status: 'Terminating', deleted: true, terminal: true, phase: SimulatedPodPhase.FAILED, jobFailureReason: 'DeadlineExceeded' });
    expect(result.notes.some(n => n.startsWith('the Job controller deleted the pod: the Job failed with reason DeadlineExceeded'))).toBe(true);
    expect(result.stuck).toBe(false);
  });

  // killPod blocks until both have stopped and only then are container states written: no 1/2 row in between
  // (kubelet.go SyncTerminatingPod, commit d830264)
  test('a running Job pod hit by the Job deadline stays 2/2 Terminating while the app and then the sidecar stop', () => {
    const manifest = job({ initContainers: [sidecar('proxy')], containers: [ctr('app')] }, { activeDeadlineSeconds: 20 });
    const result = Simulator.simulate(manifest, { behaviors: { app: { stopAfter: 2 }, proxy: { stopAfter: 1 } } });
    expect(timeline(result)).toEqual([
      '0 0/2 Pending 0', '0 0/2 Init:0/1 0', '0 1/2 PodInitializing 0', '0 2/2 Running 0',
      '20 2/2 Terminating 0',
    ]);
    // the app exited 0 on SIGTERM: the kubelet records Succeeded for the pod, though the Job failed
    expect(result.finalState).toMatchObject({ at: 23, phase: SimulatedPodPhase.SUCCEEDED, status: 'Terminating', deleted: true, jobFailureReason: 'DeadlineExceeded' });
  });

  test('a deadline after the pod finished changes nothing', () => {
    const manifest = fixture('seed-fixed.yaml');
    manifest.spec.jobTemplate.spec.template.spec.activeDeadlineSeconds = 60;
    const result = Simulator.simulate(manifest, { behaviors: { 'slow-sidecar': { readyAfter: 5 }, 'sidecar-user': { exitAfter: 1 } } });
    expect(result.finalState).toMatchObject({ phase: SimulatedPodPhase.SUCCEEDED, status: 'Completed', at: 6 });
  });
});

describe('deleteAt', () => {
  const failing = () => {
    const manifest = fixture('seed-fixed.yaml');
    manifest.spec.jobTemplate.spec.activeDeadlineSeconds = 3600;
    return manifest;
  };

  test('the review\'s case: deleted at 3s while the sidecar is not started: 0/2 Terminating, then gone (it ended 0/2 PodInitializing)', () => {
    const result = Simulator.simulate(failing(), { behaviors: { 'slow-sidecar': { failsStartup: true } }, deleteAt: 3 });
    expect(timeline(result)).toEqual(['0 0/2 Pending 0', '0 0/2 Init:0/1 0', '3 0/2 Terminating 0']);
    expect(result.finalState).toEqual({
      at: 3,
      phase: SimulatedPodPhase.FAILED,
      ready: '0/2',
      status: 'Terminating',
      restarts: 0,
      terminal: true,
      deleted: true,
      reason: undefined,
      jobFailureReason: undefined,
    });
    expect(result.notes).toContain('the pod was deleted at 3s (kubectl delete pod, grace period 30s); STATUS was Terminating while its containers stopped; by 3s every container had stopped and the kubelet recorded phase Failed, and the pod object was removed');
    expect(result.toText()).toContain('Final: pod deleted, gone since 3s (it was deleted); last row 0/2 Terminating, 0 restart(s); last phase Failed');
  });

  test('a slow container keeps the pod Terminating; the pod is gone when it exits', () => {
    const result = Simulator.simulate(pod({ containers: [ctr('app')] }), { behaviors: { app: { stopAfter: 10 } }, deleteAt: 5 });
    expect(timeline(result).slice(-2)).toEqual(['0 1/1 Running 0', '5 1/1 Terminating 0']);
    expect(result.finalState).toMatchObject({ at: 15, status: 'Terminating', deleted: true, phase: SimulatedPodPhase.SUCCEEDED });
  });

  test('a container still stopping at the horizon: the pod still exists, Terminating, not terminal', () => {
    const result = Simulator.simulate(pod({ containers: [ctr('app')] }), { behaviors: { app: { stopAfter: 20 } }, deleteAt: 5, until: 10 });
    expect(result.finalState).toMatchObject({ status: 'Terminating', deleted: false, terminal: false, phase: SimulatedPodPhase.RUNNING });
    expect(result.notes).toContain('the pod was deleted at 5s (kubectl delete pod, grace period 30s); its containers were still stopping at the horizon (10s), so it still exists, Terminating');
  });

  test('deleting a pod that already finished removes it at once; its last row does not change', () => {
    const manifest = fixture('seed-fixed.yaml');
    const result = Simulator.simulate(manifest, { behaviors: { 'slow-sidecar': { readyAfter: 5 }, 'sidecar-user': { exitAfter: 1 } }, deleteAt: 10 });
    expect(result.statusSequence().slice(-1)).toEqual(['0/2 Completed']);
    expect(result.finalState).toMatchObject({ at: 10, phase: SimulatedPodPhase.SUCCEEDED, status: 'Completed', deleted: true });
    expect(eventTimes(result, SimulationEventKind.POD_REMOVED)).toEqual([10]);
    // after the horizon: not deleted
    const later = Simulator.simulate(manifest, { behaviors: { 'slow-sidecar': { readyAfter: 5 }, 'sidecar-user': { exitAfter: 1 } }, deleteAt: 700 });
    expect(later.finalState).toMatchObject({ at: 6, deleted: false });
  });

  test('deleted while the pod deadline is failing it: STATUS stays DeadlineExceeded (a Failed pod is never Terminating), then gone', () => {
    const result = Simulator.simulate(pod({ activeDeadlineSeconds: 10, containers: [ctr('app')] }), { behaviors: { app: { stopAfter: 5 } }, deleteAt: 12 });
    expect(timeline(result).slice(-2)).toEqual(['0 1/1 Running 0', '10 1/1 DeadlineExceeded 0']);
    expect(result.finalState).toMatchObject({ at: 15, status: 'DeadlineExceeded', reason: 'DeadlineExceeded', deleted: true });
    expect(result.notes.some(n => n.includes('the pod had already failed (DeadlineExceeded), so STATUS did not change to Terminating'))).toBe(true);
  });
});

describe('horizon and stuck', () => {
  const longJob = () => fixture('seed-fixed.yaml');

  test('default horizon is 10 minutes; a pod still working then is neither terminal nor stuck', () => {
    const result = Simulator.simulate(longJob(), { behaviors: { 'slow-sidecar': { readyAfter: 5 }, 'sidecar-user': { exitAfter: 700 } } });
    expect(result.horizon).toBe(600);
    expect(result.finalState).toMatchObject({ phase: SimulatedPodPhase.RUNNING, status: 'Running', terminal: false });
    expect(result.stuck).toBe(false);
  });

  test('a longer horizon lets it finish', () => {
    const result = Simulator.simulate(longJob(), { behaviors: { 'slow-sidecar': { readyAfter: 5 }, 'sidecar-user': { exitAfter: 700 } }, until: 800 });
    expect(result.finalState).toMatchObject({ phase: SimulatedPodPhase.SUCCEEDED, at: 705 });
  });

  test('nothing after the horizon is simulated', () => {
    const result = Simulator.simulate(longJob(), { behaviors: { 'slow-sidecar': { readyAfter: 5 } }, until: 3 });
    expect(result.rows.every(r => r.at <= 3)).toBe(true);
    expect(result.finalState.status).toBe('Init:0/1');
  });

  test('a ready Deployment pod is not stuck; one whose sidecar never starts is', () => {
    const deployment = (startupProbe?: any) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { template: { spec: { initContainers: [sidecar('proxy', { startupProbe })], containers: [ctr('web')] } } },
    });
    const ok = Simulator.simulate(deployment());
    expect(ok).toMatchObject({ stuck: false, finalState: { phase: SimulatedPodPhase.RUNNING, status: 'Running', ready: '2/2' } });
    expect(ok.podName).toMatch(/^web-[a-z0-9]{10}-[a-z0-9]{5}$/);
    const failing = probe({ periodSeconds: 1, failureThreshold: 1 });
    const blocked = Simulator.simulate(deployment(failing), { behaviors: { proxy: { failsStartup: true } } });
    expect(blocked.stuck).toBe(false); // crash-looping: the kubelet keeps trying
    expect(blocked.finalState.status).toBe('Init:CrashLoopBackOff');
  });
});
