/**
 * The deciding half of one kubelet sync: which containers to start, or whether to stop the whole pod, computed from
 * the containers' current state without changing anything. The engine applies the result (`Engine.applyActions`).
 *
 * Modelled on kubernetes/kubernetes `pkg/kubelet/kuberuntime/kuberuntime_manager.go` `computePodActions` and
 * `pkg/kubelet/kuberuntime/kuberuntime_container.go` `computeInitContainerActions` (commit
 * 000f26050b9be6fb3d79fae95e06b47fc96128cd).
 */
import { Ctr, RestartPolicy } from './_container';

/** The pod-level decision of one sync. */
export enum PodAction {
  /** Start (or back off) `containersToStart`, in order. */
  START = 'start',
  /** A plain init container failed and the pod does not restart it: the pod fails (`changes.KillPod`). */
  KILL_POD_INIT_FAILED = 'kill-pod-init-failed',
  /** Every regular container has exited and none is restarted (`keepCount == 0 && len(ContainersToStart) == 0`). */
  KILL_POD_ALL_EXITED = 'kill-pod-all-exited',
}

/** What one sync decided: a value, like `podActions` in the kubelet. */
export interface PodActions {
  readonly action: PodAction;
  /** Init containers first (spec order), then regular containers; empty unless `action` is START. */
  readonly containersToStart: readonly Ctr[];
}

/** What `computePodActions` reads. */
export interface PodForActions {
  readonly init: readonly Ctr[];
  readonly regular: readonly Ctr[];
  readonly restartPolicy: RestartPolicy;
}

/**
 * Whether a container that exited with `exitCode` is started again (`ShouldContainerBeRestarted`): sidecars always
 * ("Sidecar containers ignore Pod-level restartPolicy", https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/),
 * regular and plain init containers by the pod's restartPolicy.
 */
export function shouldRestart(c: Ctr, exitCode: number, restartPolicy: RestartPolicy): boolean {
  if (c.role === 'sidecar') return true;
  if (restartPolicy === 'Always') return true;
  return restartPolicy === 'OnFailure' && exitCode !== 0;
}

/**
 * Decide the next actions for the pod. Pure: reads the containers, changes nothing.
 * @param pod the containers and the pod's restartPolicy
 */
export function computePodActions(pod: PodForActions): PodActions {
  // computeInitContainerActions
  const toStart: Ctr[] = [];
  let initialized = true;
  for (const c of pod.init) {
    if (c.role === 'init') {
      if (c.succeeded) continue; // exited 0: never re-run (node e2e: completed init containers are not re-run)
      initialized = false;
      if (c.proc) break; // running: wait for it to exit
      if (c.state === 'terminated') {
        // an exited init container that failed: `changes.KillPod = true` unless the pod restarts it
        if (pod.restartPolicy === 'Never') return { action: PodAction.KILL_POD_INIT_FAILED, containersToStart: [] };
        toStart.push(c);
      } else {
        toStart.push(c); // the first init container that has not been started (or is in back-off)
      }
      break;
    }
    // restartable init container: the next one starts once it is running and started
    if (c.everStarted) continue;
    initialized = false;
    if (!c.proc) toStart.push(c); // not started yet, or exited before it was ever started
    break; // running but not started: "If the startup probe has not been run, wait for it."
  }
  // "Restart all restartable init containers that have started but are not running."
  for (const c of pod.init) {
    if (c.role === 'sidecar' && c.everStarted && !c.proc && !toStart.includes(c)) toStart.push(c);
  }

  // regular containers, only once initialized (computePodActions: "if changes.KillPod || !hasInitialized … return")
  if (initialized) {
    let keep = 0;
    let regularToStart = 0;
    for (const c of pod.regular) {
      if (c.proc) {
        keep++;
      } else if (!c.created || c.backoffUntil !== undefined || c.state === 'waiting') {
        toStart.push(c);
        regularToStart++;
      } else if (c.state === 'terminated' && shouldRestart(c, c.term!.exitCode, pod.restartPolicy)) {
        toStart.push(c);
        regularToStart++;
      }
    }
    // `keepCount == 0 && len(changes.ContainersToStart) == 0` → KillPod; sidecars are no longer restarted
    if (keep === 0 && regularToStart === 0) return { action: PodAction.KILL_POD_ALL_EXITED, containersToStart: [] };
  }
  return { action: PodAction.START, containersToStart: toStart };
}
