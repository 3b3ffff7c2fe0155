/**
 * In which order the containers of a terminating pod get SIGTERM: regular containers at once; native sidecars
 * only after every regular container has exited, in reverse declaration order (each waits for the later ones), from
 * 1.29 on; all at once before. Waiting ends when the pod's grace period expires.
 *
 * Modelled on kubernetes/kubernetes `pkg/kubelet/kuberuntime/kuberuntime_termination_order.go`
 * (`newTerminationOrdering`, `waitForTurn`; commit 000f26050b9be6fb3d79fae95e06b47fc96128cd), added by
 * https://github.com/kubernetes/kubernetes/pull/120620.
 */
import { Ctr } from './_container';

/** What the ordering reads. */
export interface PodForTermination {
  readonly init: readonly Ctr[];
  readonly regular: readonly Ctr[];
  /** Sidecars are stopped in order (`orderedSidecarTermination` of the target version). */
  readonly ordered: boolean;
}

/**
 * Whether container `c` may get SIGTERM now (`waitForTurn` returned).
 * @param c a container of the terminating pod, its preStop hook done
 * @param pod the pod's containers
 * @param graceExpired the pod's grace period is over: `waitForTurn` returns early
 */
export function mayStop(c: Ctr, pod: PodForTermination, graceExpired: boolean): boolean {
  if (graceExpired) return true;
  if (c.role !== 'sidecar' || !pod.ordered) return true;
  if (pod.regular.some(r => r.proc)) return false; // "sidecars need to wait for all main containers to exit"
  // "if there is a later sidecar, this container needs to wait for it to finish"
  return pod.init.every(s => s.role !== 'sidecar' || s.index <= c.index || !s.proc);
}
