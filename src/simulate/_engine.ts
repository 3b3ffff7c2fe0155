/**
 * The pod lifecycle model: a deterministic discrete-event simulation, in virtual time, of what the kubelet does with
 * one pod (start-up, probes, restarts with back-off, termination) and of what `kubectl get pods -w` prints for it.
 *
 * Specification: ../shared/reference/sidecar-semantics.md (cited below as §n). Upstream sources named there:
 * [C1] kuberuntime_container.go, [C2] kuberuntime_manager.go, [C3] kuberuntime_termination_order.go,
 * [C4] kubelet_pods.go, [C5] prober_manager.go, [C6] status/generate.go, [C7] printers.go, [C10] node e2e
 * container_lifecycle_test.go, [C13] prober/worker.go; docs [S6]-[S9].
 *
 * How the kubelet is approximated: every event (a container exits, a probe result, a timer) is applied and produces a
 * status update (a `kubectl get -w` row when READY/STATUS/RESTARTS changed); then the kubelet "syncs" the pod
 * (computePodActions → start/kill containers) until nothing is left to do, each sync producing a status update too.
 */
import {
  bugStatus, BugTrigger, formatMinorVersion, KNOWN_BUGS, MinorVersion, nativeSidecarsWork, orderedSidecarTermination,
  unsupportedSidecarConsequence,
} from '../_version-facts';
import { NormalizedBehavior } from './_behavior';
import { ContainerStatusView, formatSeconds, printPod, PodView } from './_print';
import {
  ContainerTimeline, SimulatedContainerRole, SimulatedContainerState, SimulatedPodPhase, SimulationEvent, SimulationEventKind,
  SimulationFinal, SimulationRow,
} from './types';

type Role = 'init' | 'sidecar' | 'regular';
type ProbeKind = 'startup' | 'readiness' | 'liveness';
type RestartPolicy = 'Always' | 'OnFailure' | 'Never';
type Phase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

/** Kubernetes probe defaults (§5.1 "Defaulting fills periodSeconds=10, timeoutSeconds=1, successThreshold=1, failureThreshold=3"). */
const PROBE_DEFAULTS = { initialDelay: 0, period: 10, timeout: 1, success: 1, failure: 3 };
/** `terminationGracePeriodSeconds` default (§4.3, [S8]). */
const DEFAULT_TGPS = 30;
/** `minimumGracePeriodInSeconds` of `killContainer` (§4.2 step 4, [C1]). */
const MINIMUM_GRACE_PERIOD = 2;
/** Back-off 10 s, 20 s, 40 s … capped at 300 s, reset after 10 minutes of running (§2.6, [S9]). */
const BACKOFF_INITIAL = 10;
const BACKOFF_MAX = 300;
const BACKOFF_RESET_AFTER = 600;
const EPSILON = 1e-9;

/** Times are kept to the microsecond so that 0.1 + 0.2 lands on 0.3. */
function round(t: number): number {
  return Math.round(t * 1e6) / 1e6;
}

interface ProbeSpec {
  readonly initialDelay: number;
  readonly period: number;
  readonly success: number;
  readonly failure: number;
  readonly timeout: number;
  /** probe-level terminationGracePeriodSeconds (startup/liveness kills, §2.5) */
  readonly tgps?: number;
}

interface ProbeState {
  result: 'unknown' | 'success' | 'failure';
  successes: number;
  failures: number;
}

interface KillState {
  phase: 'preStop' | 'turn' | 'sigterm';
  /** killed by the kubelet in order to restart it (startup/liveness probe or postStart failure) */
  restart: boolean;
  /** absolute end of the grace period */
  graceEnd: number;
  /** part of the pod's termination (ordering applies) */
  podKill: boolean;
}

interface Terminated {
  readonly exitCode: number;
  readonly reason: string;
  readonly at: number;
}

interface QueuedEvent {
  readonly at: number;
  readonly seq: number;
  /** Apply the event; true when something changed (then a status update and a sync follow). */
  readonly fire: () => boolean;
  /** False when the event became stale (the run it belongs to ended, the timer was cancelled). */
  readonly alive: () => boolean;
  /** Whether it can change the pod at all (used for `stuck`). */
  readonly progress: boolean;
}

function num(v: unknown, dflt: number, allowZero = false): number {
  return typeof v === 'number' && Number.isFinite(v) && (v > 0 || (allowZero && v === 0)) ? v : dflt;
}

function probeSpecOf(p: any): ProbeSpec | undefined {
  if (!p || typeof p !== 'object') return undefined;
  return {
    initialDelay: num(p.initialDelaySeconds, PROBE_DEFAULTS.initialDelay, true),
    period: num(p.periodSeconds, PROBE_DEFAULTS.period),
    timeout: num(p.timeoutSeconds, PROBE_DEFAULTS.timeout),
    success: num(p.successThreshold, PROBE_DEFAULTS.success),
    failure: num(p.failureThreshold, PROBE_DEFAULTS.failure),
    tgps: typeof p.terminationGracePeriodSeconds === 'number' ? p.terminationGracePeriodSeconds : undefined,
  };
}

function hookSeconds(hook: any, fromBehavior: number | undefined): number | undefined {
  if (!hook || typeof hook !== 'object') return undefined;
  if (fromBehavior !== undefined) return fromBehavior;
  return typeof hook.sleep?.seconds === 'number' ? hook.sleep.seconds : 0;
}

class Ctr {
  public readonly runs: { startedAt: number; exitedAt?: number; exitCode?: number }[] = [];
  public readonly probes: Record<ProbeKind, ProbeState> = {
    startup: { result: 'unknown', successes: 0, failures: 0 },
    readiness: { result: 'failure', successes: 0, failures: 0 },
    liveness: { result: 'success', successes: 0, failures: 0 },
  };
  public state: 'waiting' | 'running' | 'terminated' = 'waiting';
  public waitingReason: string;
  public term?: Terminated;
  public lastTermAt?: number;
  public hasLastTerm = false;
  public started = false;
  public ready = false;
  public restartCount = 0;
  public run = 0;
  public runStart = 0;
  /** the process exists (running, in postStart, or being stopped) */
  public proc = false;
  public inPostStart = false;
  public created = false;
  /** started at least once: a sidecar that restarts later does not re-gate the containers after it (§2.1 isPreviouslyInitialized) */
  public everStarted = false;
  /** plain init container that exited 0: done for good (§2.1) */
  public succeeded = false;
  public backoffUntil?: number;
  public backoffStep = 0;
  public pullStep = 0;
  public kill?: KillState;
  public firstStartedAt?: number;
  public readyAt?: number;
  public servingAt?: number;

  constructor(
    public readonly name: string,
    public readonly role: Role,
    public readonly index: number,
    public readonly beh: NormalizedBehavior,
    public readonly probeSpecs: Record<ProbeKind, ProbeSpec | undefined>,
    public readonly postStart: number | undefined,
    public readonly preStop: number | undefined,
    defaultWaitingReason: string,
  ) {
    this.waitingReason = defaultWaitingReason;
  }
}

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
  readonly until: number;
  readonly deleteAt?: number;
  readonly deletionGracePeriod?: number;
  /** `metadata.finalizers` of the pod (template): a deleted pod's object stays until they are removed */
  readonly finalizers: string[];
}

/** Everything a simulation produced. */
export interface EngineOutput {
  readonly rows: SimulationRow[];
  readonly final: SimulationFinal;
  readonly stuck: boolean;
  readonly containers: Record<string, ContainerTimeline>;
  readonly events: SimulationEvent[];
  readonly plan: string[];
  readonly notes: string[];
  readonly rejected: boolean;
}

/** Run one simulation. */
export function runEngine(input: EngineInput): EngineOutput {
  return new Engine(input).run();
}

class Engine {
  private t = 0;
  private seq = 0;
  private queue: QueuedEvent[] = [];
  private readonly rows: SimulationRow[] = [];
  private readonly events: SimulationEvent[] = [];
  private readonly notes: string[] = [];
  private readonly plan: string[] = [];
  private rejected = false;
  private readonly init: Ctr[] = [];
  private readonly regular: Ctr[] = [];
  private readonly all: Ctr[] = [];
  private readonly byName = new Map<string, Ctr>();
  private readonly restartPolicy: RestartPolicy;
  private readonly tgps: number;
  private readonly native: boolean;
  private readonly ordered: boolean;
  /** the kubelet has reported container statuses */
  private reported = false;
  /** a postStart hook is running: the pod worker is blocked inside startContainer (§2.3) */
  private blockedBy?: Ctr;
  /** the regular containers have been started */
  private initializedOnce = false;
  private killing?: { start: number; graceEnd: number; expired: boolean };
  /** `metadata.deletionTimestamp` is set: by `deleteAt`, or by the Job controller at the Job's deadline */
  private deleting = false;
  /** who deleted the pod, for the notes */
  private deletion?: { at: number; grace: number; by: 'user' | 'job-deadline' };
  /** the deleted pod's containers have all stopped: the object is gone, nothing more is printed */
  private removedAt?: number;
  private terminalPhase?: 'Succeeded' | 'Failed';
  private statusReason?: string;
  /** the Job's `Failed` condition reason (Job-level activeDeadlineSeconds) */
  private jobFailureReason?: string;
  private failedByKubelet = false;
  private initFailed = false;
  private lastPrinted?: string;

  constructor(private readonly input: EngineInput) {
    const spec = input.spec ?? {};
    const rp = spec.restartPolicy;
    this.restartPolicy = rp === 'Never' || rp === 'OnFailure' ? rp : 'Always';
    if (input.isJob && rp !== 'Never' && rp !== 'OnFailure') {
      this.rejected = true;
      this.notes.push(`the Job's pod template has restartPolicy ${rp === undefined ? 'unset (Always)' : `'${rp}'`}: the API server only accepts Never or OnFailure for Jobs (§4.6); simulated as Always`);
    }
    this.tgps = num(spec.terminationGracePeriodSeconds, DEFAULT_TGPS, true);
    // §1.2: below 1.28, or 1.28 without the SidecarContainers gate, `restartPolicy: Always` on an init container is
    // dropped by the API server, so the container is a plain init container. _version-facts.ts holds the versions.
    this.native = nativeSidecarsWork(input.version, input.featureGate);
    // §1.3 / §4.2: sidecars are stopped after the regular containers in reverse order from 1.29 (PR #120620); in 1.28
    // (alpha) "sidecar containers will be terminated as regular containers".
    this.ordered = orderedSidecarTermination(input.version);
    const initSpecs: any[] = Array.isArray(spec.initContainers) ? spec.initContainers : [];
    const regularSpecs: any[] = Array.isArray(spec.containers) ? spec.containers : [];
    // [C4] convertToAPIContainerStatuses: default waiting reason ContainerCreating, PodInitializing with init containers
    const defaultReason = initSpecs.length > 0 ? 'PodInitializing' : 'ContainerCreating';
    const version = formatMinorVersion(input.version);
    initSpecs.forEach((c, i) => {
      const wantsSidecar = c?.restartPolicy === 'Always';
      const role: Role = wantsSidecar && this.native ? 'sidecar' : 'init';
      const hasExtras = !!(c?.startupProbe || c?.readinessProbe || c?.livenessProbe || c?.lifecycle);
      if (role === 'init' && hasExtras) {
        // §5.1 validateInitContainers: probes and lifecycle "may not be set for init containers without
        // restartPolicy=Always"; §1.2 "a sidecar *with* a startupProbe is **rejected** at create time".
        this.rejected = true;
        this.notes.push(wantsSidecar
          ? `init container '${c.name}': ${unsupportedSidecarConsequence(input.version)}. With its probes/lifecycle hooks the API server rejects this pod (and a Job or CronJob) on Kubernetes ${version}; the simulation shows what would happen if the probes were removed`
          : `init container '${c.name}' is a plain init container with probes or lifecycle hooks: the API server rejects this ("may not be set for init containers without restartPolicy=Always", §5.1); simulated without them`);
      } else if (wantsSidecar && !this.native) {
        this.notes.push(`init container '${c.name}': ${unsupportedSidecarConsequence(input.version)}`);
      }
      this.add(c, role, i, defaultReason);
    });
    regularSpecs.forEach((c, i) => this.add(c, 'regular', i, defaultReason));
    this.bugNotes();
  }

  public run(): EngineOutput {
    this.buildPlan();
    // t=0: the pod exists, the kubelet has not reported yet (§3.3 `Pending`)
    this.emitRow();
    // the kubelet's first status: every container Waiting with its default reason ([C4])
    this.reported = true;
    this.emitRow();
    this.scheduleDeadlines();
    this.syncLoop();
    let guard = 0;
    while (this.queue.length > 0 && !this.terminalPhase) {
      const ev = this.queue[0];
      if (ev.at > this.input.until + EPSILON) break;
      this.queue.shift();
      if (!ev.alive()) continue;
      this.t = ev.at;
      if (ev.fire()) {
        this.emitRow();
        this.syncLoop();
      }
      if (++guard > 2_000_000) throw new Error('simulation did not converge (more than 2,000,000 events)');
    }
    this.deleteFinishedPod();
    return this.output();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // set-up

  private add(c: any, role: Role, index: number, defaultReason: string): void {
    const name = String(c?.name ?? `${role}-${index}`);
    const beh = this.input.behaviors.get(name)!;
    const extrasAllowed = role !== 'init';
    const probeSpecs: Record<ProbeKind, ProbeSpec | undefined> = {
      startup: extrasAllowed ? probeSpecOf(c?.startupProbe) : undefined,
      readiness: extrasAllowed ? probeSpecOf(c?.readinessProbe) : undefined,
      liveness: extrasAllowed ? probeSpecOf(c?.livenessProbe) : undefined,
    };
    const postStart = extrasAllowed ? hookSeconds(c?.lifecycle?.postStart, beh.postStartDuration) : undefined;
    const preStop = extrasAllowed ? hookSeconds(c?.lifecycle?.preStop, beh.preStopDuration) : undefined;
    const ctr = new Ctr(name, role, index, beh, probeSpecs, postStart, preStop, defaultReason);
    (role === 'regular' ? this.regular : this.init).push(ctr);
    this.all.push(ctr);
    this.byName.set(name, ctr);
  }

  private bugNotes(): void {
    if (!this.native) return;
    const sidecars = this.init.filter(c => c.role === 'sidecar');
    if (sidecars.length === 0) return;
    const withStartup = sidecars.some(c => c.probeSpecs.startup);
    const triggered: Record<BugTrigger, boolean> = {
      [BugTrigger.STARTUP_PROBE_SIDECAR_IN_NEVER_POD]: withStartup && this.restartPolicy === 'Never',
      [BugTrigger.MULTIPLE_SIDECARS]: sidecars.length > 1,
      [BugTrigger.SIDECAR_IN_NEVER_OR_ONFAILURE_POD]: this.restartPolicy !== 'Always',
      [BugTrigger.STARTUP_PROBE_SIDECAR_RESTARTING_APP]: withStartup && this.restartPolicy !== 'Never',
    };
    for (const bug of KNOWN_BUGS) {
      if (!triggered[bug.trigger]) continue;
      const status = bugStatus(bug, this.input.version);
      if (status === 'not-affected') continue;
      const which = status === 'early-patches' ? 'early patch releases of' : 'every release of';
      this.notes.push(`known bug ${bug.id} (${bug.url}) affects ${which} ${formatMinorVersion(this.input.version)}: ${bug.summary}; the simulation shows the fixed behaviour`);
    }
  }

  private scheduleDeadlines(): void {
    const spec = this.input.spec ?? {};
    // §2.5 / [S7]: pod-level activeDeadlineSeconds ("The active deadline includes init containers"): the kubelet fails
    // the pod with status.reason DeadlineExceeded (§3.3) and stops its containers.
    const podDeadline = typeof spec.activeDeadlineSeconds === 'number' ? spec.activeDeadlineSeconds : undefined;
    if (podDeadline !== undefined) {
      this.schedule(podDeadline, () => {
        this.statusReason = 'DeadlineExceeded';
        this.failedByKubelet = true;
        this.log(SimulationEventKind.DEADLINE_EXCEEDED, undefined, `pod activeDeadlineSeconds (${formatSeconds(podDeadline)}) exceeded: the kubelet fails the pod (reason DeadlineExceeded) and stops its containers`);
        this.notes.push(`at ${formatSeconds(this.t)} the pod's own activeDeadlineSeconds (${formatSeconds(podDeadline)}) passed: the kubelet failed the pod `
          + '(phase Failed, status.reason DeadlineExceeded, STATUS DeadlineExceeded) and stopped its containers; the pod object stays'
          + (this.input.isJob ? '. For the Job this is one failed pod (counted against backoffLimit; retries are not simulated), unlike the Job\'s own activeDeadlineSeconds, which fails the whole Job and deletes its pods' : ''));
        this.startPodKill(this.tgps);
        return true;
      }, () => !this.terminalPhase && !this.killing, true);
    }
    // Job-level activeDeadlineSeconds: the Job controller marks the Job failed (condition Failed, reason
    // DeadlineExceeded) and deletes its active pods (a graceful deletion, modelled like `kubectl delete pod`: STATUS
    // Terminating, §3.2 step 4, then the object is gone). Measured from pod creation here.
    const jobDeadline = typeof this.input.jobSpec?.activeDeadlineSeconds === 'number' ? this.input.jobSpec.activeDeadlineSeconds : undefined;
    if (jobDeadline !== undefined) {
      this.schedule(jobDeadline, () => {
        this.jobFailureReason = 'DeadlineExceeded';
        this.log(SimulationEventKind.DEADLINE_EXCEEDED, undefined, `Job activeDeadlineSeconds (${formatSeconds(jobDeadline)}) exceeded: the Job fails with reason DeadlineExceeded and the Job controller deletes the pod`);
        this.startDeletion(this.tgps, 'job-deadline');
        return true;
      }, () => !this.terminalPhase && !this.deleting, true);
    }
    if (this.input.deleteAt !== undefined) {
      const grace = this.input.deletionGracePeriod ?? this.tgps;
      this.schedule(this.input.deleteAt, () => {
        this.startDeletion(grace, 'user');
        return true;
      }, () => !this.terminalPhase && !this.deleting, true);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // event queue, log, rows

  private schedule(at: number, fire: () => boolean, alive: () => boolean, progress = true): void {
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

  private log(kind: SimulationEventKind, c: Ctr | undefined, message: string): void {
    this.events.push({ at: this.t, kind, container: c?.name, message });
  }

  private syncLoop(): void {
    for (let i = 0; i < 10_000; i++) {
      if (!this.syncOnce()) return;
      this.emitRow();
    }
    throw new Error('simulation did not converge (a sync loop did not settle)');
  }

  private emitRow(): void {
    // the deleted pod's object is gone: `kubectl get -w` has nothing more to print
    if (this.removedAt !== undefined) return;
    const p = printPod(this.view());
    const key = `${p.ready}|${p.status}|${p.restarts}`;
    if (key === this.lastPrinted) return;
    this.lastPrinted = key;
    this.rows.push({ at: this.t, ready: p.ready, status: p.status, restarts: p.restarts, lastRestartAt: p.lastRestartAt });
  }

  private statusOf(c: Ctr): ContainerStatusView {
    return {
      name: c.name,
      restartable: c.role === 'sidecar',
      restartCount: c.restartCount,
      state: c.state,
      waitingReason: c.state === 'waiting' ? c.waitingReason : undefined,
      terminated: c.term,
      lastTerminationAt: c.hasLastTerm ? c.lastTermAt : undefined,
      started: c.started,
      ready: c.ready,
    };
  }

  private view(): PodView {
    const phase = this.phase();
    return {
      phase,
      reason: this.statusReason,
      initContainerCount: this.init.length,
      restartableInitContainerCount: this.init.filter(c => c.role === 'sidecar').length,
      containerCount: this.regular.length,
      initContainerStatuses: this.reported ? this.init.map(c => this.statusOf(c)) : [],
      containerStatuses: this.reported ? this.regular.map(c => this.statusOf(c)) : [],
      initialized: this.initializedCondition(),
      podReady: this.podReady(),
      deleting: this.deleting,
    };
  }

  /**
   * `Initialized` condition ([C6] §2.8): restartable init containers need `started`, plain ones exit 0; once a
   * regular container has started it stays True even while sidecars restart.
   */
  private initializedCondition(): boolean {
    if (this.initializedOnce) return true;
    return this.init.every(c => (c.role === 'sidecar' ? c.started : c.succeeded));
  }

  /** `Ready` condition ([C6] GenerateContainersReadyCondition, §2.4): every sidecar and every regular container ready. */
  private podReady(): boolean {
    if (!this.reported || this.terminalPhase) return false;
    return this.init.filter(c => c.role === 'sidecar').every(c => c.ready) && this.regular.every(c => c.ready);
  }

  /** `getPhase` ([C4], §2.8 and §4.4). */
  private phase(): Phase {
    if (this.terminalPhase) return this.terminalPhase;
    if (this.failedByKubelet) return 'Failed';
    const phase = this.livePhase();
    // A deleted pod keeps its non-terminal phase while the kubelet stops it (SyncTerminatingPod writes the terminal
    // phase only once every container has stopped, and the object is then removed), so STATUS stays Terminating
    // (§3.2 step 4) down to the last container (derived, see docs/simulator.md).
    if (this.deleting && (phase === 'Succeeded' || phase === 'Failed')) return this.initializedOnce ? 'Running' : 'Pending';
    return phase;
  }

  /** `getPhase` ([C4]) from the container states alone. */
  private livePhase(): Phase {
    let pendingInit = 0;
    let failedInit = 0;
    let running = 0;
    let stopped = 0;
    let succeeded = 0;
    let waiting = 0;
    for (const c of this.init) {
      if (c.role === 'sidecar') {
        // restartable: Running → running (pending while not started); Terminated, or Waiting after a termination, is
        // "not taken into account for the pod phase" (§4.4)
        if (c.state === 'running') {
          running++;
          if (!c.started) pendingInit++;
        } else if (c.state === 'waiting' && !c.hasLastTerm) {
          pendingInit++;
        }
      } else if (c.state === 'terminated') {
        if (c.term!.exitCode !== 0) {
          if (this.restartPolicy === 'Never') failedInit++; else pendingInit++;
        }
      } else if (!c.succeeded) {
        pendingInit++;
      }
    }
    for (const c of this.regular) {
      if (c.state === 'running') {running++;} else if (c.state === 'terminated') {
        stopped++;
        if (c.term!.exitCode === 0) succeeded++;
      } else if (c.hasLastTerm) {stopped++;} else {waiting++;}
    }
    if (failedInit > 0 && this.restartPolicy === 'Never') return 'Failed';
    if (pendingInit > 0 && !this.initializedOnce) return 'Pending';
    if (waiting > 0) return 'Pending';
    if (running > 0) return 'Running';
    if (stopped > 0) {
      if (this.restartPolicy === 'Always') return 'Running';
      if (stopped === succeeded) return 'Succeeded';
      return this.restartPolicy === 'Never' ? 'Failed' : 'Running';
    }
    return 'Pending';
  }

  // ---------------------------------------------------------------------------------------------------------------
  // the kubelet's sync: computePodActions

  private shouldRestart(c: Ctr, exitCode: number): boolean {
    // §2.6 / [S9]: sidecars always restart ("Sidecar containers ignore Pod-level restartPolicy"); regular and plain
    // init containers follow the pod's restartPolicy.
    if (c.role === 'sidecar') return true;
    if (this.restartPolicy === 'Always') return true;
    return this.restartPolicy === 'OnFailure' && exitCode !== 0;
  }

  private syncOnce(): boolean {
    if (this.terminalPhase) return false;
    if (this.killing) return this.progressKill();
    if (this.blockedBy) return false;

    // --- computeInitContainerActions (§2.1, [C1]) ---------------------------------------------------------------
    const toStart: Ctr[] = [];
    let initialized = true;
    let killPod = false;
    for (const c of this.init) {
      if (c.role === 'init') {
        if (c.succeeded) continue; // exited 0: never re-run (e2e "completed init containers are not re-run")
        initialized = false;
        if (c.proc) break; // running: wait for it to exit
        if (c.state === 'terminated') {
          // "Exited regular init container that failed → if !restartOnFailure `changes.KillPod = true`"
          if (this.restartPolicy === 'Never') killPod = true; else toStart.push(c);
        } else {
          toStart.push(c); // the first init container that has not been started (or is in back-off)
        }
        break;
      }
      // restartable init container: the next one starts once it is running and started (§2.2)
      if (c.everStarted) continue;
      initialized = false;
      if (!c.proc) toStart.push(c); // not started yet, or exited before it was ever started
      break; // running but not started: "If the startup probe has not been run, wait for it."
    }
    // "Restart all restartable init containers that have started but are not running." (§2.1)
    for (const c of this.init) {
      if (c.role === 'sidecar' && c.everStarted && !c.proc && !toStart.includes(c)) toStart.push(c);
    }
    if (killPod) {
      this.initFailed = true;
      this.log(SimulationEventKind.POD_KILLING, undefined, 'an init container failed and restartPolicy is Never: the pod fails (KillPod)');
      this.startPodKill(this.tgps);
      return true;
    }

    // --- regular containers, only once initialized ([C2] "if changes.KillPod || !hasInitialized … return") ---------
    if (initialized) {
      let keep = 0;
      let regularToStart = 0;
      for (const c of this.regular) {
        if (c.proc) {
          keep++;
        } else if (!c.created || c.backoffUntil !== undefined || c.state === 'waiting') {
          toStart.push(c);
          regularToStart++;
        } else if (c.state === 'terminated' && this.shouldRestart(c, c.term!.exitCode)) {
          toStart.push(c);
          regularToStart++;
        }
      }
      // §4.1: `keepCount == 0 && len(ContainersToStart) == 0` → KillPod; sidecars are no longer restarted
      if (keep === 0 && regularToStart === 0) {
        this.log(SimulationEventKind.POD_KILLING, undefined, 'every regular container has exited and none is restarted: the kubelet stops the pod (KillPod)');
        this.startPodKill(this.tgps);
        return true;
      }
    }

    // --- SyncPod: start in order; doBackOff; a postStart hook blocks the rest (§2.3, §2.6) ---------------------------
    let acted = false;
    for (const c of toStart) {
      if (c.backoffUntil !== undefined) {
        if (this.t + EPSILON < c.backoffUntil) continue; // still in back-off
        c.backoffUntil = undefined;
      } else if (c.state === 'terminated') {
        this.enterBackoff(c);
        acted = true;
        continue;
      } else if (c.state === 'waiting' && c.waitingReason === 'ErrImagePull') {
        this.enterPullBackoff(c);
        acted = true;
        continue;
      }
      if (c.role === 'regular' && !this.initializedOnce) {
        this.initializedOnce = true;
        this.log(SimulationEventKind.POD_INITIALIZED, undefined, 'all init containers are done or started: the regular containers start');
      }
      this.startContainer(c);
      acted = true;
      if (this.blockedBy) break;
    }
    return acted;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // containers

  private isServing(c: Ctr): boolean {
    return c.proc && !c.beh.failsStartup && this.t + EPSILON >= c.runStart + c.beh.readyAfter;
  }

  private startContainer(c: Ctr): void {
    if (c.beh.imagePullFails) {
      // §2.7 / e2e "Sidecar image cannot be pulled → ImagePullBackOff"
      c.state = 'waiting';
      c.waitingReason = 'ErrImagePull';
      this.log(SimulationEventKind.IMAGE_PULL_FAILED, c, 'failed to pull the image (ErrImagePull)');
      return;
    }
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
    // probes: first run at start + initialDelaySeconds, then every periodSeconds (kubelet prober worker, [C5]/[C13])
    for (const kind of ['startup', 'readiness', 'liveness'] as ProbeKind[]) {
      const p = c.probeSpecs[kind];
      if (p) this.scheduleProbe(c, kind, c.runStart + p.initialDelay, run);
    }
    if (c.postStart !== undefined) {
      // §2.3: the hook runs synchronously inside startContainer; the status shows the container Running only after
      // it finished ([S8]), and the next container is only started after it returned.
      c.inPostStart = true;
      c.state = 'waiting'; // keeps its previous waiting reason until the hook returned
      this.blockedBy = c;
      const done = () => this.finishPostStart(c, run);
      if (c.postStart === 0) done(); else this.schedule(this.t + c.postStart, done, () => c.run === run && c.proc && c.inPostStart);
      return;
    }
    this.becomeRunning(c);
  }

  private finishPostStart(c: Ctr, run: number): boolean {
    if (c.run !== run || !c.proc || !c.inPostStart) return false;
    c.inPostStart = false;
    if (this.blockedBy === c) this.blockedBy = undefined;
    if (c.beh.postStartFails) {
      // §2.3: FailedPostStartHook → the container is killed; restarted with back-off like any failed container
      this.log(SimulationEventKind.POST_START_HOOK_FAILED, c, 'postStart hook failed (FailedPostStartHook): the container is killed');
      this.killContainer(c, this.shouldRestart(c, 1), this.tgps);
      return true;
    }
    this.becomeRunning(c);
    return true;
  }

  private becomeRunning(c: Ctr): void {
    c.state = 'running';
    // §2.2 / [C5] isContainerStarted: "there is no startup probe, so the container is started"
    if (!c.probeSpecs.startup) this.markStarted(c);
  }

  private markStarted(c: Ctr): void {
    c.started = true;
    c.everStarted = true;
    this.log(SimulationEventKind.STARTED, c, c.probeSpecs.startup ? 'startup probe succeeded: started' : 'running (no startup probe): started');
    // §2.4: plain init containers are Ready only once Terminated with exit code 0 (see exit())
    if (c.role === 'init') return;
    // §2.4 / [C5]: Ready only once started; no readiness probe → "always ready"
    if (!c.probeSpecs.readiness) this.setReady(c, true);
    else this.setReady(c, c.probes.readiness.result === 'success');
  }

  private setReady(c: Ctr, ready: boolean): void {
    if (c.ready === ready) return;
    c.ready = ready;
    if (ready && c.readyAt === undefined) c.readyAt = this.t;
    this.log(ready ? SimulationEventKind.READY : SimulationEventKind.NOT_READY, c, ready ? 'ready' : 'not ready');
  }

  /** The process exits (by itself, on SIGTERM, or SIGKILLed). */
  private exit(c: Ctr, exitCode: number): boolean {
    if (!c.proc) return false;
    c.proc = false;
    c.inPostStart = false;
    if (this.blockedBy === c) this.blockedBy = undefined;
    c.state = 'terminated';
    c.term = { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', at: this.t };
    c.started = false;
    this.setReady(c, false);
    const runRecord = c.runs[c.runs.length - 1];
    runRecord.exitedAt = this.t;
    runRecord.exitCode = exitCode;
    // §2.6: "Once a container has executed for 10 minutes without any problems, the kubelet resets the backoff timer."
    if (this.t - c.runStart >= BACKOFF_RESET_AFTER) c.backoffStep = 0;
    if (c.role === 'init' && exitCode === 0) {
      c.succeeded = true;
      this.setReady(c, true); // §2.4 "Regular init containers: Ready = true only when Terminated && ExitCode == 0"
    }
    this.log(SimulationEventKind.EXITED, c, `exited with code ${exitCode}`);
    const k = c.kill;
    c.kill = undefined;
    // §2.1: a container the kubelet killed because of a probe is restarted in the same computePodActions result
    // (ContainersToKill + InitContainersToStart), so its Terminated state is never reported: it goes straight to
    // Waiting(CrashLoopBackOff).
    if (k?.restart && !this.killing) this.enterBackoff(c);
    return true;
  }

  private enterBackoff(c: Ctr): void {
    const delay = Math.min(BACKOFF_INITIAL * 2 ** c.backoffStep, BACKOFF_MAX);
    c.backoffStep++;
    if (c.term) {
      c.lastTermAt = c.term.at;
      c.hasLastTerm = true;
    }
    c.term = undefined;
    c.state = 'waiting';
    c.waitingReason = 'CrashLoopBackOff';
    const until = round(this.t + delay);
    c.backoffUntil = until;
    this.log(SimulationEventKind.BACK_OFF, c, `back-off ${formatSeconds(delay)} restarting failed container (CrashLoopBackOff)`);
    this.schedule(until, () => true, () => c.backoffUntil === until && !this.killing);
  }

  private enterPullBackoff(c: Ctr): void {
    const delay = Math.min(BACKOFF_INITIAL * 2 ** c.pullStep, BACKOFF_MAX);
    c.pullStep++;
    c.waitingReason = 'ImagePullBackOff';
    const until = round(this.t + delay);
    c.backoffUntil = until;
    this.log(SimulationEventKind.BACK_OFF, c, `back-off ${formatSeconds(delay)} pulling image (ImagePullBackOff)`);
    this.schedule(until, () => true, () => c.backoffUntil === until && !this.killing);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // probes

  private scheduleProbe(c: Ctr, kind: ProbeKind, at: number, run: number): void {
    this.schedule(at, () => this.probeTick(c, kind, run), () => c.run === run && c.proc);
  }

  private probeTick(c: Ctr, kind: ProbeKind, run: number): boolean {
    if (c.run !== run || !c.proc) return false;
    const spec = c.probeSpecs[kind]!;
    const next = () => {
      if (!this.probeSettled(c, kind)) this.scheduleProbe(c, kind, this.t + spec.period, run);
    };
    // [C13] / §1.3: liveness and startup probes stop while the pod terminates; readiness keeps running
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
      // §2.5 / [C1]: startup probe failure → kill (preStop, probe or pod grace period) and restart with back-off,
      // whatever the pod's restartPolicy for sidecars; regular containers per restartPolicy.
      this.log(SimulationEventKind.STARTUP_PROBE_FAILED, c, `startup probe failed ${spec.failure} time(s) in a row: the container is killed${restart ? ' and restarted' : ''}`);
      this.killContainer(c, restart, spec.tgps ?? this.tgps);
      return true;
    }
    if (kind === 'readiness') {
      this.setReady(c, st.result === 'success');
      next();
      return true;
    }
    if (st.result === 'failure') {
      this.log(SimulationEventKind.LIVENESS_PROBE_FAILED, c, `liveness probe failed ${spec.failure} time(s) in a row: the container is killed${restart ? ' and restarted' : ''}`);
      this.killContainer(c, restart, spec.tgps ?? this.tgps);
      return true;
    }
    next();
    return true;
  }

  /** The probe's result cannot change any more in this run (behaviours are monotone: not serving, then serving). */
  private probeSettled(c: Ctr, kind: ProbeKind): boolean {
    const st = c.probes[kind];
    if (this.killing && kind !== 'readiness') return true;
    if (kind === 'startup') return st.result !== 'unknown';
    if (!c.started) return false;
    const serving = this.isServing(c);
    if (kind === 'readiness') return (st.result === 'success' && serving) || (st.result === 'failure' && c.beh.failsStartup);
    return st.result === 'success' && serving && !c.beh.failsLiveness;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // stopping containers (§4.2 killContainer: preStop → waitForTurn → SIGTERM with at least 2 s → SIGKILL)

  private killContainer(c: Ctr, restart: boolean, grace: number): void {
    if (!c.proc || c.kill) return;
    c.kill = { phase: 'preStop', restart, graceEnd: round(this.t + grace), podKill: false };
    this.log(SimulationEventKind.KILLING, c, `stopping container (grace period ${formatSeconds(grace)})`);
    this.beginStop(c);
  }

  private beginStop(c: Ctr): void {
    const k = c.kill!;
    const run = c.run;
    const left = k.graceEnd - this.t;
    // [C1] killContainer step 2: "preStop if defined and gracePeriod > 0, time subtracted"
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

  private sigterm(c: Ctr): void {
    const k = c.kill!;
    k.phase = 'sigterm';
    const run = c.run;
    // [C1] killContainer step 4: `if gracePeriod < minimumGracePeriodInSeconds { gracePeriod = 2 }`
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

  private startDeletion(grace: number, by: 'user' | 'job-deadline'): void {
    this.deleting = true;
    this.deletion = { at: this.t, grace, by };
    this.log(SimulationEventKind.POD_DELETED, undefined, by === 'job-deadline'
      ? `the Job controller deletes the pod (grace period ${formatSeconds(grace)})`
      : `pod deleted (grace period ${formatSeconds(grace)})`);
    this.startPodKill(grace);
  }

  /** `deleteAt` after the pod already finished: nothing to stop, the object is removed at once. */
  private deleteFinishedPod(): void {
    const at = this.input.deleteAt;
    if (!this.terminalPhase || this.deleting || at === undefined || at > this.input.until + EPSILON) return;
    this.t = Math.max(this.t, at);
    this.deleting = true;
    this.deletion = { at: this.t, grace: 0, by: 'user' };
    this.log(SimulationEventKind.POD_DELETED, undefined, `pod deleted after it finished (phase ${this.terminalPhase})`);
    const done = `the pod was deleted at ${formatSeconds(this.t)}, after it had finished (phase ${this.terminalPhase}): it had no container left to stop`;
    if (this.input.finalizers.length > 0) {
      this.notes.push(`${done}, but its finalizers (${this.input.finalizers.join(', ')}) keep the object until a controller removes them; STATUS does not change (a terminal pod is not shown Terminating)`);
      return;
    }
    this.removedAt = this.t;
    this.log(SimulationEventKind.POD_REMOVED, undefined, 'nothing left to stop: the pod object is removed');
    this.notes.push(`${done}, so the pod object was removed at once`);
  }

  /**
   * KillPod (§4.1, §4.2): every running container is stopped in parallel with one shared grace period; sidecars wait
   * for every regular container and for the later sidecars (reverse order, 1.29+); no container is (re)started.
   */
  private startPodKill(grace: number): void {
    if (this.killing) return;
    const graceEnd = round(this.t + grace);
    this.killing = { start: this.t, graceEnd, expired: grace <= 0 };
    this.blockedBy = undefined;
    this.schedule(graceEnd, () => {
      if (!this.killing) return false;
      this.killing.expired = true;
      return true;
    }, () => !this.terminalPhase);
    for (const c of this.all) {
      if (!c.proc) {
        c.backoffUntil = undefined; // "InitContainersToStart = nil": no more (re)starts
        continue;
      }
      if (c.kill) {
        c.kill.restart = false;
        continue;
      }
      c.kill = { phase: 'preStop', restart: false, graceEnd, podKill: true };
      this.log(SimulationEventKind.KILLING, c, 'stopping container (pod termination)');
      this.beginStop(c);
    }
  }

  /** [C3] newTerminationOrdering / waitForTurn. */
  private mayStop(c: Ctr): boolean {
    if (this.killing!.expired) return true; // waitForTurn returns early when the grace period expires
    if (c.role !== 'sidecar' || !this.ordered) return true;
    if (this.regular.some(r => r.proc)) return false; // "sidecars need to wait for all main containers to exit"
    // "if there is a later sidecar, this container needs to wait for it to finish"
    return this.init.every(s => s.role !== 'sidecar' || s.index <= c.index || !s.proc);
  }

  private progressKill(): boolean {
    for (const c of this.all) {
      if (c.proc && c.kill?.podKill && c.kill.phase === 'turn' && this.mayStop(c)) {
        this.sigterm(c);
        return true;
      }
    }
    if (this.all.every(c => !c.proc)) {
      this.finishPod();
      return true;
    }
    return false;
  }

  private finishPod(): void {
    // §4.4 getPhase on a terminal pod: Succeeded iff every regular container exited 0 (sidecars ignored)
    let phase: 'Succeeded' | 'Failed';
    if (this.failedByKubelet || this.initFailed) phase = 'Failed';
    else phase = this.regular.length > 0 && this.regular.every(c => c.state === 'terminated' && c.term!.exitCode === 0) ? 'Succeeded' : 'Failed';
    this.terminalPhase = phase;
    this.log(SimulationEventKind.POD_TERMINAL, undefined, `pod ${phase}`);
    if (!this.deletion) return;
    // A deleted pod whose containers have all stopped: the kubelet records the terminal phase ([S8] "Since Kubernetes
    // 1.27, the kubelet transitions deleted Pods to a terminal phase") and the object is removed, unless finalizers
    // keep it (e2e §6.20 uses one to read the final status: then printPod shows the terminal pod's own STATUS).
    const status = this.failedByKubelet
      ? 'the pod had already failed (DeadlineExceeded), so STATUS did not change to Terminating'
      : 'STATUS was Terminating while its containers stopped';
    const stopped = `by ${formatSeconds(this.t)} every container had stopped and the kubelet recorded phase ${phase}`;
    if (this.input.finalizers.length > 0) {
      this.notes.push(`${this.deletionCause()}; ${status}; ${stopped}, but the pod's finalizers (${this.input.finalizers.join(', ')}) keep the object until a controller removes them, so STATUS shows the terminal pod's own status again (§3.2 step 4)`);
      return;
    }
    this.removedAt = this.t;
    this.log(SimulationEventKind.POD_REMOVED, undefined, `every container has stopped: the pod object is removed (last phase ${phase})`);
    this.notes.push(`${this.deletionCause()}; ${status}; ${stopped}, and the pod object was removed`);
  }

  private deletionCause(): string {
    const d = this.deletion!;
    return d.by === 'job-deadline'
      ? `the Job controller deleted the pod: the Job failed with reason DeadlineExceeded (the Job's activeDeadlineSeconds passed at ${formatSeconds(d.at)}; grace period ${formatSeconds(d.grace)})`
      : `the pod was deleted at ${formatSeconds(d.at)} (kubectl delete pod, grace period ${formatSeconds(d.grace)})`;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // plan and output

  private buildPlan(): void {
    const plan = this.plan;
    const sidecars = this.init.filter(c => c.role === 'sidecar');
    this.init.forEach((c, i) => {
      const pos = `init container ${i + 1}/${this.init.length} '${c.name}'`;
      if (c.role === 'init') {
        const exits = c.beh.exitAfter !== undefined ? `; its behaviour exits ${c.beh.exitCode} after ${formatSeconds(c.beh.exitAfter)}` : '; its behaviour never exits, so it blocks the pod forever';
        plan.push(`${pos} (plain init container): must exit 0 before anything after it starts${exits}`);
        return;
      }
      const p = c.probeSpecs.startup;
      const next = i + 1 < this.init.length ? `init container '${this.init[i + 1].name}'` : `the regular container${this.regular.length === 1 ? '' : 's'} (${this.regular.map(r => `'${r.name}'`).join(', ')})`;
      const verb = (one: string, many: string) => (i + 1 < this.init.length || this.regular.length === 1 ? one : many);
      const hook = c.postStart !== undefined ? `, after its postStart hook (${formatSeconds(c.postStart)})` : '';
      if (p) {
        const giveUp = p.initialDelay + (p.failure - 1) * p.period;
        const first = p.initialDelay === 0 ? 'as soon as it starts' : `${formatSeconds(p.initialDelay)} after it starts`;
        plan.push(`${pos} (native sidecar): ${next} ${verb('waits', 'wait')} for its startupProbe${hook} — probed ${first}, then every ${formatSeconds(p.period)}, so it counts as started at most ${formatSeconds(p.period)} after it serves`
          + `${p.initialDelay > 0 ? ` and never before ${formatSeconds(p.initialDelay)}` : ''}; if it still fails at the probe ${formatSeconds(giveUp)} after starting (failureThreshold ${p.failure}), the kubelet kills and restarts it with back-off 10s, 20s, … 5m and the wait goes on`);
      } else {
        plan.push(`${pos} (native sidecar) has no startupProbe: ${next} ${verb('starts', 'start')} as soon as it runs${hook}, without waiting for it to serve (a readinessProbe does not gate start-up)`);
      }
    });
    if (this.regular.length > 0) {
      const hooks = this.regular.some(c => c.postStart !== undefined) ? ' (a postStart hook delays the containers after it)' : '';
      plan.push(this.regular.length === 1
        ? `regular container '${this.regular[0].name}' starts once every init container is done or started${hooks}`
        : `regular containers ${this.regular.map(c => `'${c.name}'`).join(', ')} start together, in this order, once every init container is done or started${hooks}`);
    }
    if (sidecars.length > 0) {
      const order = this.ordered ? [...sidecars].reverse().map(c => `'${c.name}'`).join(' → ') : sidecars.map(c => `'${c.name}'`).join(', ');
      const when = this.restartPolicy === 'Always'
        ? 'restartPolicy Always: regular containers are restarted, so the sidecars run until the pod is deleted; then'
        : `when every regular container has exited${this.restartPolicy === 'OnFailure' ? ' successfully' : ''}, the kubelet stops the pod:`;
      plan.push(this.ordered
        ? `termination: ${when} sidecars get SIGTERM one after the other in reverse order (${order}), each after the previous one exited, sharing terminationGracePeriodSeconds (${formatSeconds(this.tgps)}); their exit codes do not affect the pod phase`
        : `termination: ${when} sidecars get SIGTERM all at once (${order}) — no ordering before 1.29 — within terminationGracePeriodSeconds (${formatSeconds(this.tgps)})`);
    } else if (this.input.isJob) {
      const helpers = this.regular.filter(c => c.beh.exitAfter === undefined);
      if (this.regular.length > 1 && helpers.length > 0) {
        plan.push(`termination: the Job pod completes only when every regular container has exited; ${helpers.map(c => `'${c.name}'`).join(', ')} never exits by itself`);
      }
    }
    const podDeadline = this.input.spec?.activeDeadlineSeconds;
    if (typeof podDeadline === 'number') plan.push(`deadline: pod activeDeadlineSeconds ${formatSeconds(podDeadline)} → the kubelet fails the pod (phase Failed, STATUS DeadlineExceeded) and stops its containers; the pod object stays`);
    const jobDeadline = this.input.jobSpec?.activeDeadlineSeconds;
    if (typeof jobDeadline === 'number') plan.push(`deadline: Job activeDeadlineSeconds ${formatSeconds(jobDeadline)} → the Job fails (reason DeadlineExceeded) and the Job controller deletes the pod: STATUS Terminating while its containers stop, then the pod is gone`);
    if (this.input.isJob) plan.push('only this one pod is simulated: Job retries (backoffLimit) are not');
  }

  private stuckReason(): string {
    if (!this.initializedOnce) {
      const blocking = this.init.find(c => (c.role === 'init' ? !c.succeeded : !c.everStarted));
      if (blocking?.role === 'init' && blocking.proc) {
        return `init container '${blocking.name}' never exits, so nothing after it ever starts`;
      }
      if (blocking) return `init container '${blocking.name}' never gets started, so nothing after it ever starts`;
    }
    const running = this.regular.filter(c => c.proc).map(c => `'${c.name}'`);
    if (running.length > 0) {
      return `regular container(s) ${running.join(', ')} keep running, so the pod never completes (a helper in 'containers' keeps a Job pod alive: make it a native sidecar)`;
    }
    return 'nothing is left to happen';
  }

  private output(): EngineOutput {
    const last = this.rows[this.rows.length - 1];
    const phase = this.phase();
    const terminal = phase === 'Succeeded' || phase === 'Failed';
    const expectedToComplete = this.input.isJob || this.restartPolicy !== 'Always';
    const nothingLeft = !this.queue.some(ev => ev.progress && ev.alive());
    const stuck = !terminal && nothingLeft && (expectedToComplete || !this.podReady());
    if (this.deletion && this.removedAt === undefined) {
      this.notes.push(`${this.deletionCause()}; its containers were still stopping at the horizon (${formatSeconds(this.input.until)}), so it still exists, Terminating`);
    }
    if (stuck) this.notes.push(`stuck: ${this.stuckReason()}`);
    else if (!terminal && expectedToComplete) this.notes.push(`still not terminal at the horizon (${formatSeconds(this.input.until)})`);
    const containers: Record<string, ContainerTimeline> = {};
    for (const c of this.all) {
      const lastExit = [...c.runs].reverse().find(r => r.exitedAt !== undefined);
      containers[c.name] = {
        name: c.name,
        role: c.role === 'sidecar' ? SimulatedContainerRole.SIDECAR : c.role === 'init' ? SimulatedContainerRole.INIT : SimulatedContainerRole.REGULAR,
        startedAt: c.firstStartedAt,
        readyAt: c.readyAt,
        servingAt: c.servingAt,
        exitedAt: lastExit?.exitedAt,
        exitCode: lastExit?.exitCode,
        restarts: c.restartCount,
        runs: c.runs.map(r => ({ ...r })),
        state: c.state === 'running' ? SimulatedContainerState.RUNNING : c.state === 'terminated' ? SimulatedContainerState.TERMINATED : SimulatedContainerState.WAITING,
        stateReason: c.state === 'terminated' ? c.term!.reason : c.state === 'waiting' ? c.waitingReason : undefined,
      };
    }
    const final: SimulationFinal = {
      at: this.removedAt ?? last.at,
      phase: phase as SimulatedPodPhase,
      ready: last.ready,
      status: last.status,
      restarts: last.restarts,
      terminal,
      deleted: this.removedAt !== undefined,
      reason: this.statusReason,
      jobFailureReason: this.jobFailureReason,
    };
    return { rows: this.rows, final, stuck, containers, events: this.events, plan: this.plan, notes: this.notes, rejected: this.rejected };
  }
}
