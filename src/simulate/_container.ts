/**
 * One container as the simulated kubelet tracks it (runs, probe results, the state `kubectl` sees), with the probe and
 * hook settings read from its spec. Shared vocabulary of the engine files.
 *
 * Upstream (kubernetes/kubernetes, commit 000f26050b9be6fb3d79fae95e06b47fc96128cd): `pkg/apis/core/v1/defaults.go`
 * `SetDefaults_Probe`, `pkg/kubelet/kuberuntime/kuberuntime_container.go` `killContainer`.
 */
import { DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS, PROBE_DEFAULTS } from '../_kube-defaults';
import { BackOffEntry } from './_backoff';
import { NormalizedBehavior } from './_behavior';

export type Role = 'init' | 'sidecar' | 'regular';
export type ProbeKind = 'startup' | 'readiness' | 'liveness';
export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';
export type Phase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

/** `terminationGracePeriodSeconds` of a pod that sets none. */
export const DEFAULT_TGPS = DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
/** `minimumGracePeriodInSeconds` of `killContainer` (kuberuntime_manager.go; used in kuberuntime_container.go). */
export const MINIMUM_GRACE_PERIOD = 2;
/** Image pull back-off: 10 s doubling to 300 s (kubelet.go `imageBackOffPeriod`, `MaxImageBackOff`). */
export const IMAGE_BACKOFF_INITIAL = 10;
export const IMAGE_BACKOFF_MAX = 300;
/** Times closer than this are equal. */
export const EPSILON = 1e-9;

/** Times are kept to the microsecond so that 0.1 + 0.2 lands on 0.3. */
export function round(t: number): number {
  return Math.round(t * 1e6) / 1e6;
}

export interface ProbeSpec {
  readonly initialDelay: number;
  readonly period: number;
  readonly success: number;
  readonly failure: number;
  readonly timeout: number;
  /** probe-level terminationGracePeriodSeconds (startup/liveness kills; kuberuntime_manager.go computePodActions) */
  readonly tgps?: number;
}

export interface ProbeState {
  result: 'unknown' | 'success' | 'failure';
  successes: number;
  failures: number;
}

export interface KillState {
  phase: 'preStop' | 'turn' | 'sigterm';
  /** killed by the kubelet in order to restart it (startup/liveness probe or postStart failure) */
  restart: boolean;
  /** why: a failed startup/liveness probe, a failed postStart hook, or the pod's termination */
  cause: 'probe' | 'postStart' | 'pod';
  /** absolute end of the grace period */
  graceEnd: number;
  /** part of the pod's termination (ordering applies) */
  podKill: boolean;
}

export interface Terminated {
  readonly exitCode: number;
  readonly reason: string;
  readonly at: number;
}

export interface QueuedEvent {
  readonly at: number;
  readonly seq: number;
  /** Apply the event; true when something changed (then a status update and a sync follow). */
  readonly fire: () => boolean;
  /** False when the event became stale (the run it belongs to ended, the timer was cancelled). */
  readonly alive: () => boolean;
  /** Whether it can change the pod at all (used for `stuck`). */
  readonly progress: boolean;
}

export function num(v: unknown, dflt: number, allowZero = false): number {
  return typeof v === 'number' && Number.isFinite(v) && (v > 0 || (allowZero && v === 0)) ? v : dflt;
}

export function probeSpecOf(p: any): ProbeSpec | undefined {
  if (!p || typeof p !== 'object') return undefined;
  return {
    initialDelay: num(p.initialDelaySeconds, PROBE_DEFAULTS.initialDelaySeconds, true),
    period: num(p.periodSeconds, PROBE_DEFAULTS.periodSeconds),
    timeout: num(p.timeoutSeconds, PROBE_DEFAULTS.timeoutSeconds),
    success: num(p.successThreshold, PROBE_DEFAULTS.successThreshold),
    failure: num(p.failureThreshold, PROBE_DEFAULTS.failureThreshold),
    tgps: typeof p.terminationGracePeriodSeconds === 'number' ? p.terminationGracePeriodSeconds : undefined,
  };
}

/**
 * The container status the API shows while the kubelet is stopping the pod: SyncPod and SyncTerminatingPod block in
 * KillPod until every container has exited, so container states reach the API only afterwards; only readiness (the
 * readiness prober keeps running) changes meanwhile.
 */
export interface ShownStatus {
  readonly state: 'waiting' | 'running' | 'terminated';
  readonly waitingReason: string;
  readonly term?: Terminated;
  readonly hasLastTerm: boolean;
  readonly lastTermAt?: number;
  readonly started: boolean;
  readonly ready: boolean;
  readonly succeeded: boolean;
  readonly restartCount: number;
}

export function hookSeconds(hook: any, fromBehavior: number | undefined): number | undefined {
  if (!hook || typeof hook !== 'object') return undefined;
  if (fromBehavior !== undefined) return fromBehavior;
  return typeof hook.sleep?.seconds === 'number' ? hook.sleep.seconds : 0;
}

export class Ctr {
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
  /** started at least once: a sidecar that restarts later does not re-gate the containers after it (kuberuntime_container.go computeInitContainerActions, isPreviouslyInitialized) */
  public everStarted = false;
  /** plain init container that exited 0: done for good (computeInitContainerActions) */
  public succeeded = false;
  public backoffUntil?: number;
  /** the kubelet's back-off entry for this container (`doBackOff`) */
  public bo?: BackOffEntry;
  /** when the last instance exited (the exited instance `doBackOff` looks at) */
  public lastExitAt?: number;
  public pullStep = 0;
  /** the status the API still shows while the pod is being stopped (see ShownStatus) */
  public shown?: ShownStatus;
  public kill?: KillState;
  public firstStartedAt?: number;
  public readyAt?: number;
  public servingAt?: number;

  constructor(
    public readonly name: string,
    public readonly role: Role,
    public readonly index: number,
    private readonly behavior: NormalizedBehavior,
    public readonly probeSpecs: Record<ProbeKind, ProbeSpec | undefined>,
    private readonly postStartHook: unknown,
    private readonly preStopHook: unknown,
    defaultWaitingReason: string,
  ) {
    this.waitingReason = defaultWaitingReason;
  }

  /** The behaviour of the current run (`attempts[run - 1]`, else the base behaviour); before the first run, of run 1. */
  public get beh(): NormalizedBehavior {
    return this.behaviorOfRun(Math.max(this.run, 1));
  }

  /** The behaviour of run `n` (1 = the first start). */
  public behaviorOfRun(n: number): NormalizedBehavior {
    return this.behavior.attempts[n - 1] ?? this.behavior;
  }

  /** Seconds the postStart hook takes in the current run, undefined without a hook. */
  public get postStart(): number | undefined {
    return hookSeconds(this.postStartHook, this.beh.postStartDuration);
  }

  /** Seconds the preStop hook takes in the current run, undefined without a hook. */
  public get preStop(): number | undefined {
    return hookSeconds(this.preStopHook, this.beh.preStopDuration);
  }

  /** What the API shows of this container: the frozen status while the pod is being stopped, else the live one. */
  public get view(): ShownStatus {
    return this.shown ?? this;
  }

  /** A copy of the live status fields. */
  public snapshot(): ShownStatus {
    return {
      state: this.state,
      waitingReason: this.waitingReason,
      term: this.term,
      hasLastTerm: this.hasLastTerm,
      lastTermAt: this.lastTermAt,
      started: this.started,
      ready: this.ready,
      succeeded: this.succeeded,
      restartCount: this.restartCount,
    };
  }
}

/** The containers of a simulated pod and what both the status functions and the explanations read about them. */
export interface PodContainers {
  readonly init: readonly Ctr[];
  readonly regular: readonly Ctr[];
  readonly restartPolicy: RestartPolicy;
  /** the regular containers have been started */
  readonly initializedOnce: boolean;
}
