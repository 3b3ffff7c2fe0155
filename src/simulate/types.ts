/**
 * Public, jsii-compatible shapes of the pod lifecycle simulator: what a container does (`ContainerBehavior`), how to
 * run a simulation (`SimulateOptions`) and what comes out (rows, final state, per-container timelines, events).
 *
 * No construct imports here: the simulator works on plain manifest objects.
 */
import { KubernetesVersion } from '../kubernetes-version';

/**
 * What one container does when it runs, for the simulator. Times are seconds (fractions allowed) measured from the
 * start of each run of the container, so a restarted container behaves the same way again.
 *
 * A container without a behaviour starts serving at once and runs until it is stopped.
 */
export interface ContainerBehavior {
  /**
   * Seconds after the process starts until it serves: from then on its probes succeed and containers that `needs`
   * it find it serving.
   *
   * @default 0
   */
  readonly readyAfter?: number;

  /**
   * The container never serves: every probe fails, and containers that need it exit 1.
   *
   * @default false
   */
  readonly failsStartup?: boolean;

  /**
   * Containers (of the same pod) this one talks to as soon as it starts: if any of them is not serving at that
   * moment, this container exits 1 at once (e.g. an app that cannot reach its database proxy: the pod shows `1/2 Error`).
   *
   * @default - needs nothing
   */
  readonly needs?: string[];

  /**
   * Seconds after starting at which the process exits by itself (with `exitCode`).
   *
   * @default - runs until it is stopped
   */
  readonly exitAfter?: number;

  /**
   * Exit code when it exits by itself after `exitAfter`. A whole number 0–255.
   *
   * @default 0
   */
  readonly exitCode?: number;

  /**
   * Seconds the process takes to exit after SIGTERM. When it exceeds the grace period left, the kubelet kills it
   * (exit code 137).
   *
   * @default 0
   */
  readonly stopAfter?: number;

  /**
   * Exit code when it exits because of SIGTERM (within the grace period). A whole number 0–255.
   *
   * @default 0
   */
  readonly stopExitCode?: number;

  /**
   * Seconds the container's `postStart` hook takes (exec or httpGet hooks). A `sleep` hook takes its own `seconds`.
   *
   * @default - the `sleep` action's seconds, otherwise 0
   */
  readonly postStartDuration?: number;

  /**
   * The `postStart` hook fails: the kubelet kills the container (STATUS `PostStartHookError`) and restarts it, at once
   * the first time, then with back-off.
   *
   * @default false
   */
  readonly postStartFails?: boolean;

  /**
   * Seconds the container's `preStop` hook takes (exec or httpGet hooks). A `sleep` hook takes its own `seconds`.
   *
   * @default - the `sleep` action's seconds, otherwise 0
   */
  readonly preStopDuration?: number;

  /**
   * The container's `livenessProbe` always fails.
   *
   * @default false
   */
  readonly failsLiveness?: boolean;

  /**
   * The container's image cannot be pulled (`ErrImagePull` / `ImagePullBackOff`): it never starts.
   *
   * @default false
   */
  readonly imagePullFails?: boolean;

  /**
   * Behaviour per run: entry i applies to the container's run i + 1 (the first start is run 1) and overrides the keys
   * above for that run; runs after the list behave as the keys above say. Entries take every key except `attempts`
   * and `imagePullFails`. Example: `[{ failsStartup: true }, { exitAfter: 1, exitCode: 1 }]` never serves in its
   * first run, crashes after 1 s in its second, and behaves as configured from the third on.
   *
   * @default - every run behaves the same
   */
  readonly attempts?: ContainerBehavior[];
}

/** Options of a simulation. */
export interface SimulateOptions {
  /**
   * What each container does, keyed by container name. Names that are not containers of the pod are an error.
   *
   * @default - every container serves at once and runs until stopped
   */
  readonly behaviors?: Record<string, ContainerBehavior>;

  /**
   * The Kubernetes release the pod runs on (API server and kubelet). Below 1.28, or on 1.28 without the
   * `SidecarContainers` feature gate, `restartPolicy: Always` on an init container is dropped and the container runs
   * as a plain init container.
   *
   * @default KubernetesVersion.DEFAULT
   */
  readonly kubernetesVersion?: KubernetesVersion;

  /**
   * Whether the `SidecarContainers` feature gate is enabled on the cluster. Only matters on Kubernetes 1.28, where it
   * is off by default (the same option as `LintOptions.sidecarContainersFeatureGate`).
   *
   * @default false
   */
  readonly sidecarContainersFeatureGate?: boolean;

  /**
   * Whether the kubelet feature gate `ReduceDefaultCrashLoopBackOffDecay` (KEP-4603, alpha from Kubernetes 1.33,
   * off by default) is on: restart back-off starts at 1 s and is capped at 60 s instead of 10 s and 300 s.
   * Enabling it on a release without the gate is an error.
   *
   * @default false
   */
  readonly reduceDefaultCrashLoopBackOffDecay?: boolean;

  /**
   * Whether the kubelet feature gate `KubeletCrashLoopBackOffMax` (alpha from 1.32, beta and on by default from
   * 1.35) is on: the kubelet's `crashLoopBackOff.maxContainerRestartPeriod` then caps the restart back-off.
   * Enabling it on a release without the gate is an error.
   *
   * @default - the gate's default on the target release (off before 1.35, on from 1.35)
   */
  readonly kubeletCrashLoopBackOffMax?: boolean;

  /**
   * The kubelet's `crashLoopBackOff.maxContainerRestartPeriod`, in seconds (1 to 300): the longest restart back-off.
   * Needs the `KubeletCrashLoopBackOffMax` gate; a value below the initial delay also lowers the initial delay.
   *
   * @default 300
   */
  readonly maxContainerRestartPeriod?: number;

  /**
   * Horizon of the simulation, in seconds: nothing after this time is simulated. At most
   * `Simulator.MAX_HORIZON_SECONDS` (6 hours).
   *
   * @default 600
   */
  readonly until?: number;

  /**
   * Which workload to simulate when several are given, as `KIND/NAME` (e.g. `CronJob/sidecar-cronjob`, kind
   * case-insensitive). Only used by `Simulator.simulateManifests()`.
   *
   * @default - the first object that has a pod template
   */
  readonly resource?: string;

  /**
   * Delete the pod (`kubectl delete pod`) at this time, in seconds. STATUS shows `Terminating` while its containers
   * stop; once the last one has stopped the pod object is gone (`SimulationFinal.deleted`). A pod that already
   * finished is removed at once.
   *
   * @default - the pod is not deleted
   */
  readonly deleteAt?: number;

  /**
   * Grace period of the deletion, in seconds (`kubectl delete --grace-period`).
   *
   * @default - the pod's `terminationGracePeriodSeconds` (30 when unset)
   */
  readonly deletionGracePeriod?: number;

  /**
   * The pod name shown in the NAME column.
   *
   * @default - derived from the workload like the controllers do, with a deterministic suffix
   */
  readonly podName?: string;
}

/** Phase of the simulated pod (`status.phase`). */
export enum SimulatedPodPhase {
  /** Not all init containers are done, or a container has not started yet. */
  PENDING = 'Pending',
  /** At least one container runs. */
  RUNNING = 'Running',
  /** Every regular container exited 0 and the pod is terminal (sidecar exit codes do not count). */
  SUCCEEDED = 'Succeeded',
  /** The pod is terminal and a regular container (or a plain init container) failed, or a deadline passed. */
  FAILED = 'Failed',
}

/** What kind of container the simulator ran. */
export enum SimulatedContainerRole {
  /** A plain init container: must exit 0 before the next one starts. */
  INIT = 'Init',
  /** A native sidecar: an init container with `restartPolicy: Always` on a release that supports it. */
  SIDECAR = 'Sidecar',
  /** A regular container (`spec.containers`). */
  REGULAR = 'Regular',
}

/** State of a container as the kubelet reports it (`state.waiting` / `state.running` / `state.terminated`). */
export enum SimulatedContainerState {
  /** Not running: not created yet, in back-off, or its image cannot be pulled. */
  WAITING = 'Waiting',
  /** Running (after its `postStart` hook finished). */
  RUNNING = 'Running',
  /** Exited. */
  TERMINATED = 'Terminated',
}

/** What happened in a `SimulationEvent`. */
export enum SimulationEventKind {
  /** The container's process started (a new run). */
  CONTAINER_STARTED = 'ContainerStarted',
  /** The kubelet considers the container started (`started: true`): running and its startup probe succeeded. */
  STARTED = 'Started',
  /** The container became ready (`ready: true`). */
  READY = 'Ready',
  /** The container is no longer ready. */
  NOT_READY = 'NotReady',
  /** The container began serving (from its behaviour, not from a probe). */
  SERVING = 'Serving',
  /** The container needed another one that was not serving, and exited 1. */
  NEEDED_CONTAINER_NOT_SERVING = 'NeededContainerNotServing',
  /** The startup probe reached its failure threshold. */
  STARTUP_PROBE_FAILED = 'StartupProbeFailed',
  /** The liveness probe reached its failure threshold. */
  LIVENESS_PROBE_FAILED = 'LivenessProbeFailed',
  /** The postStart hook failed. */
  POST_START_HOOK_FAILED = 'PostStartHookFailed',
  /** The kubelet started stopping the container (`Killing`). */
  KILLING = 'Killing',
  /** The preStop hook started. */
  PRE_STOP_STARTED = 'PreStopStarted',
  /** The container got SIGTERM. */
  SIGTERM = 'Sigterm',
  /** The container got SIGKILL at the end of its grace period. */
  SIGKILL = 'Sigkill',
  /** The container exited. */
  EXITED = 'Exited',
  /** The container waits in back-off before its next restart. */
  BACK_OFF = 'BackOff',
  /** The container's image could not be pulled. */
  IMAGE_PULL_FAILED = 'ImagePullFailed',
  /** All init containers are done or started: the regular containers start. */
  POD_INITIALIZED = 'PodInitialized',
  /** The kubelet stops the whole pod (all regular containers done, an init container failed, a deadline, a deletion). */
  POD_KILLING = 'PodKilling',
  /** `activeDeadlineSeconds` passed. */
  DEADLINE_EXCEEDED = 'DeadlineExceeded',
  /** The pod was deleted (`deleteAt`, or by the Job controller when the Job's `activeDeadlineSeconds` passed). */
  POD_DELETED = 'PodDeleted',
  /** The pod reached a terminal phase. */
  POD_TERMINAL = 'PodTerminal',
  /** Every container of the deleted pod has stopped: the pod object is removed (it no longer exists). */
  POD_REMOVED = 'PodRemoved',
}

/** One line of `kubectl get pods -w`: printed whenever READY, STATUS or RESTARTS changes. */
export interface SimulationRow {
  /** Seconds since the pod was created. */
  readonly at: number;
  /** The READY column, e.g. `1/2` (native sidecars count in the total). */
  readonly ready: string;
  /** The STATUS column, e.g. `Init:0/1`, `PodInitializing`, `Running`, `Completed`, `Init:CrashLoopBackOff`. */
  readonly status: string;
  /** The RESTARTS column's count. */
  readonly restarts: number;
  /**
   * Time of the last container termination counted in RESTARTS (kubectl prints `2 (5s ago)`).
   *
   * @default - no restart yet
   */
  readonly lastRestartAt?: number;
}

/**
 * Where the pod ended at the horizon.
 *
 * Two different deadlines can end a pod, and they end it differently:
 * - the pod's own `spec.activeDeadlineSeconds`: the kubelet fails the pod — `phase` Failed, `reason`
 *   `DeadlineExceeded` — and stops its containers; STATUS then shows the stopped containers' reason (e.g. `Error`),
 *   which printPod prefers to `status.reason`; the pod object stays (`deleted` false);
 * - a Job's `spec.activeDeadlineSeconds` (our SidecarJob / SidecarCronJob always set one): the Job fails with reason
 *   `DeadlineExceeded` (`jobFailureReason`) and the Job controller deletes the pod: STATUS stays `Terminating` while its
 *   containers stop, then the pod object is gone (`deleted` true).
 */
export interface SimulationFinal {
  /**
   * Seconds since creation when the pod reached this state: the time of the last row or, for a deleted pod, the moment
   * its object was removed (when its last container had stopped).
   */
  readonly at: number;
  /**
   * `status.phase`. For a deleted pod: the terminal phase the kubelet records once every container has stopped, just
   * before the object is removed (Succeeded iff every regular container exited 0).
   */
  readonly phase: SimulatedPodPhase;
  /** The READY column of the last row. */
  readonly ready: string;
  /**
   * The STATUS column of the last row: for a deleted pod `Terminating` (its last row while it still existed), unless
   * the pod had already failed or finished before the deletion.
   */
  readonly status: string;
  /** The RESTARTS column's count of the last row. */
  readonly restarts: number;
  /** The pod is Succeeded or Failed (a deleted pod is terminal). */
  readonly terminal: boolean;
  /**
   * The pod object no longer exists: it was deleted (`SimulateOptions.deleteAt`, or by the Job controller when the
   * Job's `activeDeadlineSeconds` passed) and every container has stopped, so the kubelet and the API server removed it.
   * `kubectl get pods` no longer lists it after `at`.
   */
  readonly deleted: boolean;
  /**
   * The pod's `status.reason`: `DeadlineExceeded` when the pod's own `activeDeadlineSeconds` passed.
   *
   * @default - no reason
   */
  readonly reason?: string;
  /**
   * Why the pod's Job failed during the simulation: `DeadlineExceeded` when the Job's `activeDeadlineSeconds` passed
   * (the Job gets condition `Failed` with that reason, and the Job controller deletes the pod: see `deleted`).
   *
   * @default - the Job did not fail, or the workload is not a Job
   */
  readonly jobFailureReason?: string;
}

/** One run of a container (one process, between a start and an exit). */
export interface ContainerRun {
  /** When the process started. */
  readonly startedAt: number;
  /**
   * When it exited.
   *
   * @default - still running at the horizon
   */
  readonly exitedAt?: number;
  /**
   * Its exit code.
   *
   * @default - still running at the horizon
   */
  readonly exitCode?: number;
}

/** What happened to one container over the simulation. */
export interface ContainerTimeline {
  /** Container name. */
  readonly name: string;
  /** Plain init container, native sidecar or regular container. */
  readonly role: SimulatedContainerRole;
  /**
   * When its process first started.
   *
   * @default - never started
   */
  readonly startedAt?: number;
  /**
   * When the kubelet first reported it ready (`ready: true`).
   *
   * @default - never ready
   */
  readonly readyAt?: number;
  /**
   * When it first actually served (from its behaviour: start + `readyAfter`), whatever its probes said.
   *
   * @default - never served
   */
  readonly servingAt?: number;
  /**
   * When it last exited.
   *
   * @default - never exited
   */
  readonly exitedAt?: number;
  /**
   * Exit code of its last exit.
   *
   * @default - never exited
   */
  readonly exitCode?: number;
  /** Its restart count (`restartCount`). */
  readonly restarts: number;
  /** Every run, in order. */
  readonly runs: ContainerRun[];
  /** Its state at the end. */
  readonly state: SimulatedContainerState;
  /**
   * Reason of that state, e.g. `CrashLoopBackOff`, `Completed`, `Error`.
   *
   * @default - no reason (running)
   */
  readonly stateReason?: string;
}

/** Something the kubelet or a container did, in order. */
export interface SimulationEvent {
  /** Seconds since creation. */
  readonly at: number;
  /** What happened. */
  readonly kind: SimulationEventKind;
  /**
   * The container concerned.
   *
   * @default - the pod as a whole
   */
  readonly container?: string;
  /** A sentence for people. */
  readonly message: string;
}
