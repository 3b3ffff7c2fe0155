/**
 * The acting half of the simulated kubelet: the pod's state, the virtual clock and event queue, and what the kubelet
 * does to one container (start it with its postStart hook, run its probes, back it off, kill it). Which containers to
 * start or kill is decided elsewhere (`_compute-actions.ts`); the engine (`_engine.ts`) applies those decisions here.
 *
 * Upstream (kubernetes/kubernetes, commit 000f26050b9be6fb3d79fae95e06b47fc96128cd):
 * `pkg/kubelet/kuberuntime/kuberuntime_container.go` (`startContainer`, `killContainer`),
 * `pkg/kubelet/kuberuntime/kuberuntime_manager.go` (`doBackOff`), `pkg/kubelet/prober/worker.go` (`doProbe`),
 * `pkg/kubelet/prober/prober_manager.go` (`UpdatePodStatus`).
 */
import { MinorVersion, nativeSidecarsWork, orderedSidecarTermination } from '../_version-facts';
import { BackOffPolicy, backOffUntil, nextBackOff } from './_backoff';
import { NormalizedBehavior } from './_behavior';
import { shouldRestart } from './_compute-actions';
import {
  Ctr, DEFAULT_TGPS, EPSILON, IMAGE_BACKOFF_INITIAL, IMAGE_BACKOFF_MAX, KillState, MINIMUM_GRACE_PERIOD, num, ProbeKind, QueuedEvent, RestartPolicy,
  round,
} from './_container';
import { podView, PodSnapshot } from './_pod-status';
import { formatSeconds, printPod } from './_print';
import { SimulationEvent, SimulationEventKind, SimulationRow } from './types';

/** Input of one simulation. */
export interface EngineInput {
  /** The pod spec. */
  readonly spec: any;
  readonly isJob: boolean;
  readonly jobSpec?: any;
  readonly podName: string;
  readonly behaviors: Map<string, NormalizedBehavior>;
  readonly version: MinorVersion;
  readonly featureGate: boolean;
  /** The node's restart back-off (by version, feature gates and kubelet configuration). */
  readonly backOff: BackOffPolicy;
  readonly until: number;
  readonly deleteAt?: number;
  readonly deletionGracePeriod?: number;
  /** `metadata.finalizers` of the pod (template): a deleted pod's object stays until they are removed */
  readonly finalizers: string[];
}

/** The simulated pod and the container actions of the kubelet; `Engine` adds the sync loop on top. */
export abstract class PodRuntime implements PodSnapshot {
  public t = 0;
  public seq = 0;
  public queue: QueuedEvent[] = [];
  public readonly rows: SimulationRow[] = [];
  public readonly events: SimulationEvent[] = [];
  public readonly notes: string[] = [];
  public readonly plan: string[] = [];
  public rejected = false;
  public readonly init: Ctr[] = [];
  public readonly regular: Ctr[] = [];
  public readonly all: Ctr[] = [];
  public readonly byName = new Map<string, Ctr>();
  public readonly restartPolicy: RestartPolicy;
  public readonly tgps: number;
  public readonly native: boolean;
  public readonly ordered: boolean;
  /** The node's restart back-off. */
  public readonly policy: BackOffPolicy;
  /** the kubelet has reported container statuses */
  public reported = false;
  /** a postStart hook is running: the pod worker is blocked inside startContainer (startContainer runs the hook synchronously) */
  public blockedBy?: Ctr;
  /** the regular containers have been started */
  public initializedOnce = false;
  public killing?: { start: number; graceEnd: number; expired: boolean };
  /** `metadata.deletionTimestamp` is set: by `deleteAt`, or by the Job controller at the Job's deadline */
  public deleting = false;
  /** who deleted the pod, for the notes */
  public deletion?: { at: number; grace: number; by: 'user' | 'job-deadline' };
  /** the deleted pod's containers have all stopped: the object is gone, nothing more is printed */
  public removedAt?: number;
  public terminalPhase?: 'Succeeded' | 'Failed';
  public statusReason?: string;
  /** the Job's `Failed` condition reason (Job-level activeDeadlineSeconds) */
  public jobFailureReason?: string;
  public failedByKubelet = false;
  public initFailed = false;
  public lastPrinted?: string;

  constructor(protected readonly input: EngineInput) {
    const spec = input.spec ?? {};
    const rp = spec.restartPolicy;
    this.restartPolicy = rp === 'Never' || rp === 'OnFailure' ? rp : 'Always';
    this.tgps = num(spec.terminationGracePeriodSeconds, DEFAULT_TGPS, true);
    // Below 1.28, or 1.28 without the SidecarContainers gate, the API server drops `restartPolicy: Always` on an init
    // container, so the container is a plain init container (KEP-753; _version-facts.ts holds the versions).
    this.native = nativeSidecarsWork(input.version, input.featureGate);
    // Sidecars are stopped after the regular containers in reverse order from 1.29 (kubernetes/kubernetes#120620);
    // in 1.28 (alpha) "sidecar containers will be terminated as regular containers".
    this.ordered = orderedSidecarTermination(input.version);
    this.policy = input.backOff;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // event queue, log, rows

  protected schedule(at: number, fire: () => boolean, alive: () => boolean, progress = true): void {
    const ev: QueuedEvent = { at: round(Math.max(at, this.t)), seq: this.seq++, fire, alive, progress };
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const q = this.queue[mid];
      if (q.at < ev.at || (q.at === ev.at && q.seq < ev.seq)) lo = mid + 1; else hi = mid;
    }
    this.queue.splice(lo, 0, ev);
  }

  protected log(kind: SimulationEventKind, c: Ctr | undefined, message: string): void {
    this.events.push({ at: this.t, kind, container: c?.name, message });
  }


  protected emitRow(): void {
    // the deleted pod's object is gone: `kubectl get -w` has nothing more to print
    if (this.removedAt !== undefined) return;
    const p = printPod(podView(this));
    const key = `${p.ready}|${p.status}|${p.restarts}`;
    if (key === this.lastPrinted) return;
    this.lastPrinted = key;
    this.rows.push({ at: this.t, ready: p.ready, status: p.status, restarts: p.restarts, lastRestartAt: p.lastRestartAt });
  }

  /** `ShouldContainerBeRestarted` for this pod. */
  protected shouldRestart(c: Ctr, exitCode: number): boolean {
    return shouldRestart(c, exitCode, this.restartPolicy);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // containers

  protected isServing(c: Ctr): boolean {
    return c.proc && !c.beh.failsStartup && this.t + EPSILON >= c.runStart + c.beh.readyAfter;
  }

  protected startContainer(c: Ctr): void {
    if (c.beh.imagePullFails) {
      // node e2e container_lifecycle_test.go: a sidecar whose image cannot be pulled shows ImagePullBackOff
      c.state = 'waiting';
      c.waitingReason = 'ErrImagePull';
      this.log(SimulationEventKind.IMAGE_PULL_FAILED, c, 'failed to pull the image (ErrImagePull)');
      return;
    }
    const before = c.snapshot();
    if (c.created) c.restartCount++;
    c.created = true;
    if (c.term) {
      c.lastTermAt = c.term.at;
      c.hasLastTerm = true;
    }
    c.term = undefined;
    c.backoffUntil = undefined;
    c.run++;
    const run = c.run;
    c.runStart = this.t;
    c.proc = true;
    c.started = false;
    c.ready = false;
    c.probes.startup = { result: 'unknown', successes: 0, failures: 0 };
    c.probes.readiness = { result: 'failure', successes: 0, failures: 0 };
    c.probes.liveness = { result: 'success', successes: 0, failures: 0 };
    c.runs.push({ startedAt: this.t });
    if (c.firstStartedAt === undefined) c.firstStartedAt = this.t;
    this.log(SimulationEventKind.CONTAINER_STARTED, c, c.restartCount > 0 ? `started (restart #${c.restartCount})` : 'started');

    // behaviour: `needs` is checked once, when the process starts
    const missing = c.beh.needs.map(n => this.byName.get(n)!).filter(d => !this.isServing(d));
    if (missing.length > 0) {
      const what = missing.map(d => `'${d.name}' (${d.proc ? (d.beh.failsStartup ? 'never serves' : `serves from ${formatSeconds(d.runStart + d.beh.readyAfter)}`) : 'not running'})`).join(', ');
      this.log(SimulationEventKind.NEEDED_CONTAINER_NOT_SERVING, c, `needs ${what}, which is not serving yet: exits 1`);
      const note = `at ${formatSeconds(this.t)} '${c.name}' started while ${what} was not serving: it exited 1`;
      if (!this.notes.includes(note)) this.notes.push(note);
      this.exit(c, 1);
      return;
    }
    if (!c.beh.failsStartup) {
      const servingAt = c.runStart + c.beh.readyAfter;
      const markServing = () => {
        if (c.servingAt === undefined) c.servingAt = this.t;
        this.log(SimulationEventKind.SERVING, c, 'serving');
        return false;
      };
      if (c.beh.readyAfter === 0) markServing();
      else this.schedule(servingAt, markServing, () => c.run === run && c.proc, false);
    }
    if (c.beh.exitAfter !== undefined) {
      const code = c.beh.exitCode;
      if (c.beh.exitAfter === 0) {
        this.exit(c, code);
        return;
      }
      this.schedule(this.t + c.beh.exitAfter, () => this.exit(c, code), () => c.run === run && c.proc);
    }
    // probes: first run at start + initialDelaySeconds, then every periodSeconds (pkg/kubelet/prober/worker.go run/doProbe)
    for (const kind of ['startup', 'readiness', 'liveness'] as ProbeKind[]) {
      const p = c.probeSpecs[kind];
      if (p) this.scheduleProbe(c, kind, c.runStart + p.initialDelay, run);
    }
    if (c.postStart !== undefined) {
      // kuberuntime_container.go startContainer runs the postStart hook synchronously: the pod worker is blocked in
      // SyncPod, so the status (reason, RESTARTS) stays what it was until the hook returned, and the next container is
      // only started after it returned.
      c.inPostStart = true;
      c.state = 'waiting';
      c.shown = before;
      this.blockedBy = c;
      const done = () => this.finishPostStart(c, run);
      if (c.postStart === 0) done(); else this.schedule(this.t + c.postStart, done, () => c.run === run && c.proc && c.inPostStart);
      return;
    }
    this.becomeRunning(c);
  }

  protected finishPostStart(c: Ctr, run: number): boolean {
    if (c.run !== run || !c.proc || !c.inPostStart) return false;
    c.inPostStart = false;
    c.shown = undefined;
    if (this.blockedBy === c) this.blockedBy = undefined;
    if (c.beh.postStartFails) {
      // startContainer: FailedPostStartHook → the container is killed; restarted with back-off like any failed container
      this.log(SimulationEventKind.POST_START_HOOK_FAILED, c, 'postStart hook failed (FailedPostStartHook): the container is killed');
      this.killContainer(c, this.shouldRestart(c, 1), this.tgps, 'postStart');
      return true;
    }
    this.becomeRunning(c);
    return true;
  }

  protected becomeRunning(c: Ctr): void {
    c.state = 'running';
    // prober_manager.go UpdatePodStatus: "there is no startup probe, so the container is started"
    if (!c.probeSpecs.startup) this.markStarted(c);
  }

  protected markStarted(c: Ctr): void {
    c.started = true;
    c.everStarted = true;
    this.log(SimulationEventKind.STARTED, c, c.probeSpecs.startup ? 'startup probe succeeded: started' : 'running (no startup probe): started');
    // status/generate.go: plain init containers are Ready only once Terminated with exit code 0 (see exit())
    if (c.role === 'init') return;
    // prober_manager.go UpdatePodStatus: Ready only once started; no readiness probe → "always ready"
    if (!c.probeSpecs.readiness) this.setReady(c, true);
    else this.setReady(c, c.probes.readiness.result === 'success');
  }

  protected setReady(c: Ctr, ready: boolean): void {
    if (c.ready === ready) return;
    c.ready = ready;
    if (ready && c.readyAt === undefined) c.readyAt = this.t;
    this.log(ready ? SimulationEventKind.READY : SimulationEventKind.NOT_READY, c, ready ? 'ready' : 'not ready');
  }

  /** The process exits (by itself, on SIGTERM, or SIGKILLed). */
  protected exit(c: Ctr, exitCode: number): boolean {
    if (!c.proc) return false;
    // SyncPod / SyncTerminatingPod block in KillPod until every container has exited: the API keeps the status from
    // before, except for readiness (see ShownStatus)
    if (this.killing && !c.shown) this.freeze(c);
    c.proc = false;
    c.inPostStart = false;
    if (this.blockedBy === c) this.blockedBy = undefined;
    c.state = 'terminated';
    c.term = { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', at: this.t };
    c.lastExitAt = this.t;
    c.started = false;
    this.setReady(c, false);
    const runRecord = c.runs[c.runs.length - 1];
    runRecord.exitedAt = this.t;
    runRecord.exitCode = exitCode;
    if (c.role === 'init' && exitCode === 0) {
      c.succeeded = true;
      this.setReady(c, true); // a plain init container is Ready once it exited 0
    }
    this.log(SimulationEventKind.EXITED, c, `exited with code ${exitCode}`);
    const k = c.kill;
    c.kill = undefined;
    if (k?.restart && !this.killing) this.afterRestartKill(c, k);
    return true;
  }

  /**
   * A container the kubelet killed in order to restart it.
   * - Probe failure: computePodActions put it in ContainersToKill and ContainersToStart, so SyncPod kills and starts
   *   it in one pass, with `doBackOff` reading the pod status from before the kill: the instance it finds exited is
   *   the one before the killed one (none after the first kill, so the first restart goes ahead at once without even
   *   creating a back-off entry). The killed instance's Terminated state is never reported.
   * - postStart failure: startContainer kills it and SyncPod returns the error; the kubelet's reason cache makes the
   *   next status show Waiting(PostStartHookError) (kubelet_pods.go convertToAPIContainerStatuses), and the next sync
   *   restarts it through `doBackOff` like any exited container.
   */
  private afterRestartKill(c: Ctr, k: KillState): void {
    if (k.cause === 'postStart') {
      this.toWaiting(c, 'PostStartHookError');
      return;
    }
    const before = c.runs.length >= 2 ? c.runs[c.runs.length - 2].exitedAt : undefined;
    if (before !== undefined) {
      if (backOffUntil(c.bo, before, this.t, this.policy) !== undefined) {
        // in back-off: the start fails with CrashLoopBackOff; the next sync waits from the killed instance's exit
        this.toWaiting(c, 'CrashLoopBackOff');
        return;
      }
      c.bo = nextBackOff(c.bo, before, this.t, this.policy);
    }
    this.startContainer(c);
  }

  /** The status shows the container Waiting with `reason`; its last termination moves to lastState. */
  protected toWaiting(c: Ctr, reason: string): void {
    if (c.term) {
      c.lastTermAt = c.term.at;
      c.hasLastTerm = true;
    }
    c.term = undefined;
    c.state = 'waiting';
    c.waitingReason = reason;
  }

  /**
   * `doBackOff` for a container about to be (re)started: true when it may start now (a back-off entry is created or
   * advanced), false when it waits (then it shows CrashLoopBackOff until the back-off ends).
   */
  protected doBackOff(c: Ctr): boolean {
    if (c.lastExitAt === undefined) return true; // no exited instance in the pod status
    const until = backOffUntil(c.bo, c.lastExitAt, this.t, this.policy);
    if (until === undefined) {
      c.bo = nextBackOff(c.bo, c.lastExitAt, this.t, this.policy);
      return true;
    }
    this.toWaiting(c, 'CrashLoopBackOff');
    const at = round(until);
    c.backoffUntil = at;
    this.log(SimulationEventKind.BACK_OFF, c, `back-off ${formatSeconds(c.bo!.backoff)} restarting failed container (CrashLoopBackOff) until ${formatSeconds(at)}`);
    this.schedule(at, () => true, () => c.backoffUntil === at && !this.killing);
    return false;
  }

  /** Keep showing the container's status from before it stopped; a readiness probe still notices it is gone. */
  private freeze(c: Ctr): void {
    c.shown = c.snapshot();
    const p = c.probeSpecs.readiness;
    if (!p || !c.shown.ready) return;
    // prober/worker.go keeps probing (the status it reads still says Running) until the pod's probes are removed
    // after KillPod: the probe fails from now on, so the container turns not ready at the failureThreshold-th tick
    const first = c.runStart + p.initialDelay;
    const ticksDone = this.t < first ? 0 : Math.floor((this.t - first) / p.period + EPSILON) + 1;
    const at = first + (ticksDone + p.failure - 1) * p.period;
    this.schedule(at, () => {
      if (!c.shown?.ready) return false;
      c.shown = { ...c.shown, ready: false };
      this.log(SimulationEventKind.NOT_READY, c, `readiness probe failed ${p.failure} time(s) after the container stopped: not ready`);
      return true;
    }, () => !!this.killing && !!c.shown && !this.terminalPhase);
  }

  protected enterPullBackoff(c: Ctr): void {
    const delay = Math.min(IMAGE_BACKOFF_INITIAL * 2 ** c.pullStep, IMAGE_BACKOFF_MAX);
    c.pullStep++;
    c.waitingReason = 'ImagePullBackOff';
    const until = round(this.t + delay);
    c.backoffUntil = until;
    this.log(SimulationEventKind.BACK_OFF, c, `back-off ${formatSeconds(delay)} pulling image (ImagePullBackOff)`);
    this.schedule(until, () => true, () => c.backoffUntil === until && !this.killing);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // probes

  protected scheduleProbe(c: Ctr, kind: ProbeKind, at: number, run: number): void {
    this.schedule(at, () => this.probeTick(c, kind, run), () => c.run === run && c.proc);
  }

  protected probeTick(c: Ctr, kind: ProbeKind, run: number): boolean {
    if (c.run !== run || !c.proc) return false;
    const spec = c.probeSpecs[kind]!;
    const next = () => {
      if (!this.probeSettled(c, kind)) this.scheduleProbe(c, kind, this.t + spec.period, run);
    };
    // prober/worker.go doProbe: liveness and startup probes stop while the pod terminates; readiness keeps running
    if (this.killing && kind !== 'readiness') return false;
    if (kind !== 'readiness' && c.kill) return false; // already being stopped
    if (kind === 'startup' && c.started) return false;
    if (c.state !== 'running' || (kind !== 'startup' && !c.started)) {
      // not Running in the status yet (postStart), or liveness/readiness before the startup probe succeeded
      next();
      return false;
    }
    const serving = this.isServing(c);
    const ok = kind === 'liveness' ? serving && !c.beh.failsLiveness : serving;
    const st = c.probes[kind];
    if (ok) {
      st.successes++;
      st.failures = 0;
    } else {
      st.failures++;
      st.successes = 0;
    }
    const before = st.result;
    if (ok && st.result !== 'success' && st.successes >= (kind === 'readiness' ? spec.success : 1)) st.result = 'success';
    if (!ok && st.result !== 'failure' && st.failures >= spec.failure) st.result = 'failure';
    if (st.result === before) {
      next();
      return false;
    }
    const restart = this.shouldRestart(c, 1);
    if (kind === 'startup') {
      if (st.result === 'success') {
        this.markStarted(c);
        return true;
      }
      // computePodActions: startup probe failure → kill (preStop, probe or pod grace period) and restart with back-off,
      // whatever the pod's restartPolicy for sidecars; regular containers per restartPolicy.
      this.log(SimulationEventKind.STARTUP_PROBE_FAILED, c, `startup probe failed ${spec.failure} time(s) in a row: the container is killed${restart ? ' and restarted' : ''}`);
      this.killContainer(c, restart, spec.tgps ?? this.tgps, 'probe');
      return true;
    }
    if (kind === 'readiness') {
      this.setReady(c, st.result === 'success');
      next();
      return true;
    }
    if (st.result === 'failure') {
      this.log(SimulationEventKind.LIVENESS_PROBE_FAILED, c, `liveness probe failed ${spec.failure} time(s) in a row: the container is killed${restart ? ' and restarted' : ''}`);
      this.killContainer(c, restart, spec.tgps ?? this.tgps, 'probe');
      return true;
    }
    next();
    return true;
  }

  /** The probe's result cannot change any more in this run (behaviours are monotone: not serving, then serving). */
  protected probeSettled(c: Ctr, kind: ProbeKind): boolean {
    const st = c.probes[kind];
    if (this.killing && kind !== 'readiness') return true;
    if (kind === 'startup') return st.result !== 'unknown';
    if (!c.started) return false;
    const serving = this.isServing(c);
    if (kind === 'readiness') return (st.result === 'success' && serving) || (st.result === 'failure' && c.beh.failsStartup);
    return st.result === 'success' && serving && !c.beh.failsLiveness;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // stopping containers (kuberuntime_container.go killContainer: preStop → waitForTurn → SIGTERM with at least 2 s → SIGKILL)

  protected killContainer(c: Ctr, restart: boolean, grace: number, cause: 'probe' | 'postStart'): void {
    if (!c.proc || c.kill) return;
    c.kill = { phase: 'preStop', restart, cause, graceEnd: round(this.t + grace), podKill: false };
    this.log(SimulationEventKind.KILLING, c, `stopping container (grace period ${formatSeconds(grace)})`);
    this.beginStop(c);
  }

  protected beginStop(c: Ctr): void {
    const k = c.kill!;
    const run = c.run;
    const left = k.graceEnd - this.t;
    // killContainer: "preStop if defined and gracePeriod > 0, time subtracted"
    if (c.preStop !== undefined && left > 0) {
      this.log(SimulationEventKind.PRE_STOP_STARTED, c, `preStop hook started (${formatSeconds(c.preStop)})`);
      const d = Math.min(c.preStop, left);
      if (d > 0) {
        k.phase = 'preStop';
        this.schedule(this.t + d, () => {
          k.phase = 'turn';
          if (!k.podKill) this.sigterm(c);
          return true;
        }, () => c.run === run && c.proc && c.kill === k);
        return;
      }
    }
    k.phase = 'turn';
    if (!k.podKill) this.sigterm(c);
  }

  protected sigterm(c: Ctr): void {
    const k = c.kill!;
    k.phase = 'sigterm';
    const run = c.run;
    // killContainer: `if gracePeriod < minimumGracePeriodInSeconds { gracePeriod = 2 }`
    const grace = Math.max(k.graceEnd - this.t, MINIMUM_GRACE_PERIOD);
    this.log(SimulationEventKind.SIGTERM, c, `SIGTERM (${formatSeconds(grace)} until SIGKILL)`);
    const stopAfter = c.beh.stopAfter;
    if (stopAfter <= grace + EPSILON) {
      const code = c.beh.stopExitCode;
      if (stopAfter === 0) this.exit(c, code);
      else this.schedule(this.t + stopAfter, () => this.exit(c, code), () => c.run === run && c.proc);
    } else {
      this.schedule(this.t + grace, () => {
        this.log(SimulationEventKind.SIGKILL, c, 'grace period over: SIGKILL');
        return this.exit(c, 137);
      }, () => c.run === run && c.proc);
    }
  }
}
