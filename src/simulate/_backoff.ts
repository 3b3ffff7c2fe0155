/**
 * The kubelet's container restart back-off (CrashLoopBackOff), as pure functions over one container's back-off entry.
 *
 * Modelled on kubernetes/kubernetes (commit d8302640b422da9d1bcbfd24040d8e79dc3b9397 for `kubelet.go`,
 * 000f26050b9be6fb3d79fae95e06b47fc96128cd for `kuberuntime_manager.go`):
 * - `pkg/kubelet/kuberuntime/kuberuntime_manager.go` `doBackOff`: a container is checked only if the pod status it
 *   reads has an exited instance of it; with no back-off entry yet, `backOff.Next` creates one and the restart goes
 *   ahead at once (the first restart has no delay, kubernetes/kubernetes#133472); otherwise the restart waits while
 *   `now - finishedAt < entry.backoff`, and `Next` doubles the entry (capped) when it goes ahead;
 * - `staging/src/k8s.io/client-go/util/flowcontrol/backoff.go` `Next`, `IsInBackOffSince`;
 * - `pkg/kubelet/kubelet.go` `newCrashLoopBackOff` (initial delay and cap by feature gate and
 *   `crashLoopBackOff.maxContainerRestartPeriod`) and `NewMainKubelet` (`HasExpiredFunc`: an entry whose last update
 *   is more than 600 s before the exit starts over).
 */
import { CRASH_LOOP_BACKOFF, configurableCrashLoopMaxGateDefault, MinorVersion } from '../_version-facts';

/** Initial delay, cap and reset of the back-off on one node, in seconds. */
export interface BackOffPolicy {
  readonly initial: number;
  readonly max: number;
  readonly resetAfter: number;
}

/** The back-off settings of the simulated node. */
export interface BackOffSettings {
  /** Feature gate `ReduceDefaultCrashLoopBackOffDecay`. */
  readonly reducedDecay: boolean;
  /** Feature gate `KubeletCrashLoopBackOffMax`; undefined: the version's default. */
  readonly configurableMax?: boolean;
  /** Kubelet `crashLoopBackOff.maxContainerRestartPeriod`, seconds; undefined: 300 s (the kubelet config default). */
  readonly maxContainerRestartPeriod?: number;
}

/** `newCrashLoopBackOff`: the back-off of a node on `version` with `settings`. */
export function crashLoopBackOffPolicy(version: MinorVersion, settings: BackOffSettings): BackOffPolicy {
  let max: number = CRASH_LOOP_BACKOFF.maxSeconds;
  let initial: number = CRASH_LOOP_BACKOFF.initialSeconds;
  if (settings.reducedDecay) {
    max = CRASH_LOOP_BACKOFF.reducedMaxSeconds;
    initial = CRASH_LOOP_BACKOFF.reducedInitialSeconds;
  }
  if (settings.configurableMax ?? configurableCrashLoopMaxGateDefault(version)) {
    // "operator-invoked configuration always has precedence if valid"; the kubelet config defaults it to 300 s
    max = settings.maxContainerRestartPeriod ?? CRASH_LOOP_BACKOFF.maxSeconds;
    if (max < initial) initial = max;
  }
  return { initial, max, resetAfter: CRASH_LOOP_BACKOFF.resetAfterSeconds };
}

/** One container's back-off entry (`backoffEntry`). */
export interface BackOffEntry {
  /** The current delay. */
  readonly backoff: number;
  /** When `Next` last ran (the last restart). */
  readonly lastUpdate: number;
}

function expired(entry: BackOffEntry, eventTime: number, policy: BackOffPolicy): boolean {
  return eventTime - entry.lastUpdate > policy.resetAfter;
}

/**
 * `IsInBackOffSince`: until when a restart has to wait, or undefined when it may go ahead now.
 * @param entry the container's entry, if any
 * @param finishedAt when the exited instance the kubelet looked at finished
 * @param now the time of the sync
 */
export function backOffUntil(entry: BackOffEntry | undefined, finishedAt: number, now: number, policy: BackOffPolicy): number | undefined {
  if (!entry || expired(entry, finishedAt, policy)) return undefined;
  // times are kept to the microsecond: compare with a tolerance so that the retry at finishedAt + backoff goes ahead
  return now - finishedAt + 1e-9 < entry.backoff ? finishedAt + entry.backoff : undefined;
}

/** `Next`: the entry after a restart went ahead at `now`. */
export function nextBackOff(entry: BackOffEntry | undefined, finishedAt: number, now: number, policy: BackOffPolicy): BackOffEntry {
  if (!entry || expired(entry, finishedAt, policy)) return { backoff: policy.initial, lastUpdate: now };
  return { backoff: Math.min(entry.backoff * 2, policy.max), lastUpdate: now };
}
