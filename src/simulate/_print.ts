/**
 * What `kubectl get pods` prints for a pod status: a port of `printPod` (kubernetes/kubernetes
 * `pkg/printers/internalversion/printers.go`, commit 51652d1c232daef8dc697a4fd9e63cad7c51faad; it runs inside
 * kube-apiserver, which serves the table `kubectl get` prints), plus kubectl's AGE formatting.
 */

/** The parts of a container status `printPod` reads. */
export interface ContainerStatusView {
  readonly name: string;
  /** Init container with `restartPolicy: Always` (as the API server sees it: dropped on old versions). */
  readonly restartable: boolean;
  readonly restartCount: number;
  readonly state: 'waiting' | 'running' | 'terminated';
  readonly waitingReason?: string;
  readonly terminated?: { readonly exitCode: number; readonly reason: string; readonly signal?: number; readonly at: number };
  /** `lastTerminationState.terminated` (finish time). */
  readonly lastTerminationAt?: number;
  readonly started: boolean;
  readonly ready: boolean;
}

/** The parts of a pod `printPod` reads. */
export interface PodView {
  readonly phase: string;
  /** `status.reason` (e.g. `DeadlineExceeded`), or undefined. */
  readonly reason?: string;
  readonly initContainerCount: number;
  readonly restartableInitContainerCount: number;
  readonly containerCount: number;
  /** Empty until the kubelet reported the first status. */
  readonly initContainerStatuses: ContainerStatusView[];
  readonly containerStatuses: ContainerStatusView[];
  /** `Initialized` condition is True. */
  readonly initialized: boolean;
  /** `Ready` condition is True. */
  readonly podReady: boolean;
  /** `metadata.deletionTimestamp` is set. */
  readonly deleting: boolean;
}

/** One `kubectl get pods` row (without NAME and AGE). */
export interface PrintedPod {
  readonly ready: string;
  readonly status: string;
  readonly restarts: number;
  readonly lastRestartAt?: number;
}

/** `node.NodeUnreachablePodReason` (printPod: a deleted pod on a lost node shows `Unknown`). */
const NODE_LOST = 'NodeLost';

function terminatedReason(t: NonNullable<ContainerStatusView['terminated']>): string {
  if (t.reason) return t.reason;
  return t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode}`;
}

/**
 * `printPod` (printers.go), step by step.
 * @param pod the parts of the pod's spec and status that printPod reads
 * @returns the READY, STATUS and RESTARTS columns

 */
export function printPod(pod: PodView): PrintedPod {
  // step 1: totalContainers = len(spec.containers) + 1 per init container with restartPolicy Always;
  // reason = status.phase, overridden by status.reason.
  const totalContainers = pod.containerCount + pod.restartableInitContainerCount;
  let reason = pod.phase;
  if (pod.reason) reason = pod.reason;
  let readyContainers = 0;
  let restarts = 0;
  let restartableInitContainerRestarts = 0;
  let lastRestartAt: number | undefined;
  const noteRestart = (s: ContainerStatusView) => {
    if (s.lastTerminationAt !== undefined && (lastRestartAt === undefined || s.lastTerminationAt > lastRestartAt)) {
      lastRestartAt = s.lastTerminationAt;
    }
  };

  // step 2: walk the init container statuses in order; the first one that is not done decides `Init:…`.
  let initializing = false;
  for (let i = 0; i < pod.initContainerStatuses.length; i++) {
    const s = pod.initContainerStatuses[i];
    restarts += s.restartCount;
    noteRestart(s);
    if (s.restartable) restartableInitContainerRestarts += s.restartCount;
    if (s.state === 'terminated' && s.terminated!.exitCode === 0) continue;
    if (s.restartable && s.started) {
      if (s.ready) readyContainers++;
      continue;
    }
    if (s.state === 'terminated') {
      reason = `Init:${terminatedReason(s.terminated!)}`;
    } else if (s.state === 'waiting' && s.waitingReason && s.waitingReason !== 'PodInitializing') {
      reason = `Init:${s.waitingReason}`;
    } else {
      // the denominator counts every init container, sidecars included (`len(pod.Spec.InitContainers)`)
      reason = `Init:${i}/${pod.initContainerCount}`;
    }
    initializing = true;
    break;
  }

  // step 3: once initialized, only sidecar restarts are kept; regular containers are walked from last to first
  // (the kubelet sorts them by name, so the alphabetically first one wins); a container's waiting or terminated
  // reason replaces status.reason (e.g. DeadlineExceeded); `Completed` next to a running container becomes Running/NotReady.
  if (!initializing || pod.initialized) {
    restarts = restartableInitContainerRestarts;
    let hasRunning = false;
    for (let i = pod.containerStatuses.length - 1; i >= 0; i--) {
      const s = pod.containerStatuses[i];
      restarts += s.restartCount;
      noteRestart(s);
      if (s.state === 'waiting' && s.waitingReason) {
        reason = s.waitingReason;
      } else if (s.state === 'terminated') {
        reason = terminatedReason(s.terminated!);
      } else if (s.ready && s.state === 'running') {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = pod.podReady ? 'Running' : 'NotReady';
    }
  }

  // step 4: a deleted pod shows `Unknown` when its node was lost (status.reason NodeLost, set by the node
  // lifecycle controller; the simulator itself never produces it), else `Terminating` while its phase is not terminal.
  if (pod.deleting && pod.reason === NODE_LOST) reason = 'Unknown';
  else if (pod.deleting && pod.phase !== 'Succeeded' && pod.phase !== 'Failed') reason = 'Terminating';

  // step 5: READY and RESTARTS
  return { ready: `${readyContainers}/${totalContainers}`, status: reason, restarts, lastRestartAt: restarts > 0 ? lastRestartAt : undefined };
}

/**
 * kubectl's AGE column: `HumanDuration` of k8s.io/apimachinery `pkg/util/duration` (not in the reference; ported
 * from that function: seconds below 2 minutes, then `XmYs` below 10 minutes, minutes below 3 hours, ...).
 * @param seconds a duration in seconds (fractions are truncated)
 */
export function humanDuration(seconds: number): string {
  const s = Math.floor(seconds + 1e-9);
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 10) {
    const rest = s % 60;
    return rest === 0 ? `${minutes}m` : `${minutes}m${rest}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(s / 3600);
  if (hours < 8) {
    const rest = minutes % 60;
    return rest === 0 ? `${hours}h` : `${hours}h${rest}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const rest = hours % 24;
    return rest === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${rest}h`;
  }
  return `${Math.floor(hours / 24)}d`;
}

/**
 * A duration for explanations: `5s`, `1.5s`, `2m`, `2m30s`, `250ms`.
 * @param seconds a duration in seconds
 */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'never';
  const rounded = Math.round(seconds * 1000) / 1000;
  if (rounded > 0 && rounded < 1) return `${Math.round(rounded * 1000)}ms`;
  if (rounded < 120 || !Number.isInteger(rounded)) return `${rounded}s`;
  const m = Math.floor(rounded / 60);
  const s = rounded % 60;
  return s === 0 ? `${m}m` : `${m}m${s}s`;
}

/**
 * Left-aligned columns separated by three spaces, like kubectl's tabwriter.
 * @param rows the cells, row by row (the first row is usually the header)
 */
export function formatTable(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, cell.length); });
  return rows.map(row => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] + 3))).join('')).join('\n') + '\n';
}
