/**
 * Values the API server fills into a pod spec when the user leaves them unset, shared by the constructs, the linter
 * and the simulator. Plain data: no construct imports (src/lint and src/simulate read it on plain manifests).
 *
 * Source: kubernetes/kubernetes `pkg/apis/core/v1/defaults.go` (`SetDefaults_PodSpec`, `SetDefaults_Probe`) and
 * `staging/src/k8s.io/api/core/v1/types.go` (`DefaultTerminationGracePeriodSeconds`), commit
 * e34b0935e09e39e5e7fb74b8f6ad141107d3b90e.
 */

/** `terminationGracePeriodSeconds` of a pod that sets none (`v1.DefaultTerminationGracePeriodSeconds`). */
export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;

/** Probe fields of a probe that leaves them unset (`SetDefaults_Probe`; `initialDelaySeconds` is simply 0). */
export const PROBE_DEFAULTS = Object.freeze({
  initialDelaySeconds: 0,
  periodSeconds: 10,
  timeoutSeconds: 1,
  successThreshold: 1,
  failureThreshold: 3,
});
