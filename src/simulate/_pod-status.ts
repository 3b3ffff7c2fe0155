/**
 * The pod status the simulated kubelet reports, derived from its containers: phase, `Initialized` and `Ready`
 * conditions, and the container statuses `printPod` reads. Pure functions of a snapshot.
 *
 * Upstream (kubernetes/kubernetes): `pkg/kubelet/kubelet_pods.go` `getPhase`, `convertToAPIContainerStatuses` (commit
 * df5f02437d38bc34f37e48b584b83a7227db3977), `pkg/kubelet/status/generate.go` `GeneratePodInitializedCondition`,
 * `GenerateContainersReadyCondition` (commit 000f26050b9be6fb3d79fae95e06b47fc96128cd). While the kubelet stops the
 * pod, containers show their status from before (`Ctr.view`, see `ShownStatus`).
 */
import { Ctr, Phase, PodContainers } from './_container';
import { ContainerStatusView, PodView } from './_print';

/** What the status functions read. */
export interface PodSnapshot extends PodContainers {
  /** the kubelet has reported container statuses */
  readonly reported: boolean;
  readonly terminalPhase?: 'Succeeded' | 'Failed';
  /** the kubelet failed the pod (activeDeadlineSeconds) */
  readonly failedByKubelet: boolean;
  /** `metadata.deletionTimestamp` is set */
  readonly deleting: boolean;
  /** `status.reason` */
  readonly statusReason?: string;
}

/**
 * `Initialized` condition (`GeneratePodInitializedCondition`): restartable init containers need `started`, plain ones
 * exit 0; once a regular container has started it stays True even while sidecars restart.
 */
export function initializedCondition(s: PodSnapshot): boolean {
  if (s.initializedOnce) return true;
  return s.init.every(c => (c.role === 'sidecar' ? c.view.started : c.view.succeeded));
}

/** `Ready` condition (`GenerateContainersReadyCondition`): every sidecar and every regular container ready. */
export function podReady(s: PodSnapshot): boolean {
  if (!s.reported || s.terminalPhase) return false;
  return s.init.filter(c => c.role === 'sidecar').every(c => c.view.ready) && s.regular.every(c => c.view.ready);
}

/** `getPhase` from the container states alone. */
export function livePhase(s: PodSnapshot): Phase {
  let pendingInit = 0;
  let failedInit = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  let waiting = 0;
  for (const ctr of s.init) {
    const c = ctr.view;
    if (ctr.role === 'sidecar') {
      // restartable: Running → running (pending while not started); Terminated, or Waiting after a termination, is
      // not taken into account for the pod phase (getPhase skips restartable init containers that are not running)
      if (c.state === 'running') {
        running++;
        if (!c.started) pendingInit++;
      } else if (c.state === 'waiting' && !c.hasLastTerm) {
        pendingInit++;
      }
    } else if (c.state === 'terminated') {
      if (c.term!.exitCode !== 0) {
        if (s.restartPolicy === 'Never') failedInit++; else pendingInit++;
      }
    } else if (!c.succeeded) {
      pendingInit++;
    }
  }
  for (const ctr of s.regular) {
    const c = ctr.view;
    if (c.state === 'running') {running++;} else if (c.state === 'terminated') {
      stopped++;
      if (c.term!.exitCode === 0) succeeded++;
    } else if (c.hasLastTerm) {stopped++;} else {waiting++;}
  }
  if (failedInit > 0 && s.restartPolicy === 'Never') return 'Failed';
  if (pendingInit > 0 && !s.initializedOnce) return 'Pending';
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (s.restartPolicy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    return s.restartPolicy === 'Never' ? 'Failed' : 'Running';
  }
  return 'Pending';
}

/** The phase the API shows (`getPhase`, plus the terminal phase once recorded). */
export function podPhase(s: PodSnapshot): Phase {
  if (s.terminalPhase) return s.terminalPhase;
  if (s.failedByKubelet) return 'Failed';
  const phase = livePhase(s);
  // A deleted pod keeps its non-terminal phase while the kubelet stops it (SyncTerminatingPod writes the terminal
  // phase only once every container has stopped, and the object is then removed), so STATUS stays Terminating
  // down to the last container (derived, see docs/simulator.md).
  if (s.deleting && (phase === 'Succeeded' || phase === 'Failed')) return s.initializedOnce ? 'Running' : 'Pending';
  return phase;
}

/** One container status as `printPod` reads it. */
export function containerStatusView(ctr: Ctr): ContainerStatusView {
  const c = ctr.view;
  return {
    name: ctr.name,
    restartable: ctr.role === 'sidecar',
    restartCount: c.restartCount,
    state: c.state,
    waitingReason: c.state === 'waiting' ? c.waitingReason : undefined,
    terminated: c.term,
    lastTerminationAt: c.hasLastTerm ? c.lastTermAt : undefined,
    started: c.started,
    ready: c.ready,
  };
}

/** Go's string order (`a.Name < b.Name`), byte-wise for the ASCII names Kubernetes allows. */
function byName(a: Ctr, b: Ctr): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The pod as `printPod` reads it. */
export function podView(s: PodSnapshot): PodView {
  return {
    phase: podPhase(s),
    reason: s.statusReason,
    initContainerCount: s.init.length,
    restartableInitContainerCount: s.init.filter(c => c.role === 'sidecar').length,
    containerCount: s.regular.length,
    initContainerStatuses: s.reported ? s.init.map(containerStatusView) : [],
    // convertToAPIContainerStatuses: regular container statuses are sorted by name (SortedContainerStatuses), init
    // container statuses keep the spec order (SortStatusesOfInitContainers); printPod walks the regular ones from the
    // last to the first, so the alphabetically first container's reason wins (kubernetes/kubectl#1511)
    containerStatuses: s.reported ? [...s.regular].sort(byName).map(containerStatusView) : [],
    initialized: initializedCondition(s),
    podReady: podReady(s),
    deleting: s.deleting,
  };
}
