/**
 * The one table of Kubernetes version facts that cdk8s-sidecars relies on. Constructs, the linter and the simulator
 * all read it from here; nothing else in the code base may hard-code a Kubernetes version.
 *
 * Sources: feature gate stages from kubernetes/kubernetes `pkg/features/versioned_kube_features.go`
 * (`SidecarContainers`) and kubernetes/enhancements `keps/sig-node/753-sidecar-containers/kep.yaml`; known bugs
 * from their kubernetes/kubernetes issues and fixing PRs, linked in each entry.
 *
 * This file must not import constructs: src/lint and src/simulate use it on plain manifests.
 */

import { KPLUS_LINE } from './_kplus-line';

/** A Kubernetes `major.minor` version. */
export interface MinorVersion {
  readonly major: number;
  readonly minor: number;
}

/** How a Kubernetes release treats `initContainers[*].restartPolicy: Always` (native sidecars, KEP-753). */
export enum SidecarSupport {
  /** ≤ 1.27: the field is unknown; strict validation rejects it, otherwise it is dropped and the pod hangs in Init. */
  NONE = 'none',
  /** 1.28: alpha, feature gate `SidecarContainers` off by default; when off, the API server drops the field. */
  ALPHA_GATE_OFF_BY_DEFAULT = 'alpha',
  /** 1.29–1.32: beta, gate on by default. */
  BETA = 'beta',
  /** 1.33+: GA, gate locked on. */
  GA = 'ga',
}

/** First minor with the `SidecarContainers` feature gate at all (alpha, off by default). */
export const SIDECAR_ALPHA_MINOR = 28;
/** First minor where native sidecars are on by default (beta). */
export const SIDECAR_BETA_MINOR = 29;

/**
 * The release a target version defaults to when nothing is configured: the Kubernetes minor of the cdk8s-plus line
 * this package is built for (cdk8s-plus-33 → 1.33), but at least the first release with native sidecars on by
 * default (cdk8s-plus-28 → 1.29, because 1.28 has them only behind an alpha feature gate).
 */
export const DEFAULT_KUBERNETES_VERSION: MinorVersion = { major: 1, minor: Math.max(KPLUS_LINE, SIDECAR_BETA_MINOR) };
/** First minor where native sidecars are GA (gate locked on). */
export const SIDECAR_GA_MINOR = 33;
/** From this minor on, sidecars are terminated after all regular containers, in reverse order (PR #120620). */
export const ORDERED_SIDECAR_TERMINATION_MINOR = 29;
/** From this minor on (`ContainerRestartRules` beta) a regular init container may carry `restartPolicy: Never/OnFailure`. */
export const CONTAINER_RESTART_RULES_BETA_MINOR = 35;

/**
 * First minor where ValidatingAdmissionPolicy (`admissionregistration.k8s.io/v1`, with `variables` and
 * `matchConditions`) is GA and on by default (KEP-3488; https://kubernetes.io/blog/2024/04/24/validating-admission-policy-ga/).
 */
export const VALIDATING_ADMISSION_POLICY_GA_MINOR = 30;

/** Highest minor version we accept as plausible (Kubernetes 1.x; guards against typos such as `1.290`). */
export const MAX_MINOR = 99;

const VERSION_TEXT = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+][0-9A-Za-z.+-]*)?$/;

/** What a target version must look like, for messages. */
export const VERSION_SHAPE = `a Kubernetes 1.x release like '1.29' or 'v1.29.3' (1.0 to 1.${MAX_MINOR})`;

/**
 * Why a version is not a Kubernetes release we accept, or undefined: only major 1 exists, and a minor above
 * MAX_MINOR is a typo (`1.100`, `1.290`). Also guards plain objects passed by JavaScript callers.
 */
export function versionProblem(v: MinorVersion): string | undefined {
  if (!Number.isInteger(v?.major) || !Number.isInteger(v?.minor)) return `${v?.major}.${v?.minor} is not a release`;
  if (v.major !== 1) return `Kubernetes ${v.major}.${v.minor} does not exist (every release is 1.x)`;
  if (v.minor < 0 || v.minor > MAX_MINOR) return `1.${v.minor} is not a plausible Kubernetes minor (expected 1.0 to 1.${MAX_MINOR})`;
  return undefined;
}

/**
 * Parse `1.29`, `v1.29`, `1.29.3` or `v1.29.3-gke.100`; returns undefined when the text is not a Kubernetes 1.x
 * version (see `versionProblem`).
 */
export function parseMinorVersion(text: string): MinorVersion | undefined {
  const m = VERSION_TEXT.exec(String(text).trim());
  if (!m) return undefined;
  const v = { major: Number(m[1]), minor: Number(m[2]) };
  return versionProblem(v) ? undefined : v;
}

/** Parse a version given as text (CLI option, cdk8s.yaml property); the error says what it must look like and why. */
export function parseVersionText(text: string): { version: MinorVersion } | { error: string } {
  const m = VERSION_TEXT.exec(String(text).trim());
  const problem = m ? versionProblem({ major: Number(m[1]), minor: Number(m[2]) }) : undefined;
  if (!m || problem) return { error: `must be ${VERSION_SHAPE}, got '${text}'${problem ? `: ${problem}` : ''}` };
  return { version: { major: Number(m[1]), minor: Number(m[2]) } };
}

export function formatMinorVersion(v: MinorVersion): string {
  return `${v.major}.${v.minor}`;
}

/** `a` is at least `b`. */
export function atLeast(a: MinorVersion, b: MinorVersion): boolean {
  return a.major !== b.major ? a.major > b.major : a.minor >= b.minor;
}

function minor(v: MinorVersion): number {
  // Kubernetes 2.x does not exist; treat any later major as "newest".
  return v.major > 1 ? Number.MAX_SAFE_INTEGER : v.major < 1 ? -1 : v.minor;
}

export function sidecarSupport(v: MinorVersion): SidecarSupport {
  const m = minor(v);
  if (m < SIDECAR_ALPHA_MINOR) return SidecarSupport.NONE;
  if (m < SIDECAR_BETA_MINOR) return SidecarSupport.ALPHA_GATE_OFF_BY_DEFAULT;
  if (m < SIDECAR_GA_MINOR) return SidecarSupport.BETA;
  return SidecarSupport.GA;
}

/**
 * Whether an init container with `restartPolicy: Always` behaves as a native sidecar on this version.
 * @param featureGateEnabled the user says `SidecarContainers` is on (only matters on 1.28)
 */
export function nativeSidecarsWork(v: MinorVersion, featureGateEnabled = false): boolean {
  const s = sidecarSupport(v);
  return s === SidecarSupport.BETA || s === SidecarSupport.GA || (s === SidecarSupport.ALPHA_GATE_OFF_BY_DEFAULT && featureGateEnabled);
}

/** Sidecars are stopped after the regular containers, in reverse declaration order (1.29+; 1.28 alpha: all at once). */
export function orderedSidecarTermination(v: MinorVersion): boolean {
  return minor(v) >= ORDERED_SIDECAR_TERMINATION_MINOR;
}

/**
 * One sentence saying what happens to a native sidecar on a version that does not support it, for error messages
 * of constructs and findings of the linter alike.
 */
export function unsupportedSidecarConsequence(v: MinorVersion): string {
  const s = sidecarSupport(v);
  if (s === SidecarSupport.NONE) {
    return `Kubernetes ${formatMinorVersion(v)} does not know 'restartPolicy' on init containers: kubectl's strict validation rejects the manifest, and clients in Warn/Ignore mode drop the field, so the sidecar becomes a plain init container (rejected if it has probes or hooks, otherwise the pod hangs in 'Init' forever)`;
  }
  if (s === SidecarSupport.ALPHA_GATE_OFF_BY_DEFAULT) {
    return `on Kubernetes ${formatMinorVersion(v)} native sidecars are alpha behind the 'SidecarContainers' feature gate (off by default): with the gate off the API server silently drops 'restartPolicy: Always', so the sidecar becomes a plain init container (rejected if it has probes or hooks, otherwise the pod hangs in 'Init' forever)`;
  }
  return `native sidecars are supported on Kubernetes ${formatMinorVersion(v)}`;
}

/** Situations a known kubelet bug needs in order to bite. */
export enum BugTrigger {
  /** A native sidecar with a startupProbe in a pod whose restartPolicy is Never. */
  STARTUP_PROBE_SIDECAR_IN_NEVER_POD = 'startup-probe-sidecar-in-never-pod',
  /** Two or more native sidecars in one pod. */
  MULTIPLE_SIDECARS = 'multiple-sidecars',
  /** Any native sidecar in a pod whose restartPolicy is Never or OnFailure. */
  SIDECAR_IN_NEVER_OR_ONFAILURE_POD = 'sidecar-in-never-or-onfailure-pod',
  /** A native sidecar with a startupProbe next to regular containers that may crash and restart. */
  STARTUP_PROBE_SIDECAR_RESTARTING_APP = 'startup-probe-sidecar-restarting-app',
}

/** A known kubelet/API-server bug around native sidecars (issue and fixing PRs linked in each entry). */
export interface KnownBug {
  /** e.g. `kubernetes#132826` */
  readonly id: string;
  readonly url: string;
  readonly summary: string;
  readonly trigger: BugTrigger;
  /** First minor that has the bug. */
  readonly introducedMinor: number;
  /** First minor released with the fix. */
  readonly fixedMinor: number;
  /** Older minors that got the fix in a patch release (so only their early patches are affected). */
  readonly backportedTo: number[];
}

export const KNOWN_BUGS: KnownBug[] = [
  {
    id: 'kubernetes#132826',
    url: 'https://github.com/kubernetes/kubernetes/issues/132826',
    summary: 'in a restartPolicy: Never pod, a sidecar whose startupProbe fails before the first probe (the container exits early) is never probed again, so the main container stays in Init forever',
    trigger: BugTrigger.STARTUP_PROBE_SIDECAR_IN_NEVER_POD,
    introducedMinor: 28,
    fixedMinor: 35,
    backportedTo: [33, 34],
  },
  {
    id: 'kubernetes#125880',
    url: 'https://github.com/kubernetes/kubernetes/issues/125880',
    summary: 'with several native sidecars, if one never started, termination signals are not sent to the others and the pod waits its whole terminationGracePeriodSeconds',
    trigger: BugTrigger.MULTIPLE_SIDECARS,
    introducedMinor: 28,
    fixedMinor: 31,
    backportedTo: [29, 30],
  },
  {
    id: 'kubernetes#122902',
    url: 'https://github.com/kubernetes/kubernetes/issues/122902',
    summary: 'in Never/OnFailure pods a restarted sidecar cannot update its status from terminated, so its readiness is not reflected',
    trigger: BugTrigger.SIDECAR_IN_NEVER_OR_ONFAILURE_POD,
    introducedMinor: 28,
    fixedMinor: 30,
    backportedTo: [28, 29],
  },
  {
    id: 'kubernetes#137146',
    url: 'https://github.com/kubernetes/kubernetes/pull/137146',
    summary: '1.35 regression: after a kubelet restart, regular containers of a pod with a startupProbe sidecar are never restarted after crashing',
    trigger: BugTrigger.STARTUP_PROBE_SIDECAR_RESTARTING_APP,
    introducedMinor: 35,
    fixedMinor: 36,
    backportedTo: [35],
  },
];

/**
 * How a known bug affects a target version: `unfixed` (no release of this minor has the fix), `early-patches` (fixed
 * in a later patch release of this minor) or `not-affected`.
 */
export function bugStatus(bug: KnownBug, v: MinorVersion): 'unfixed' | 'early-patches' | 'not-affected' {
  const m = minor(v);
  if (m < bug.introducedMinor || m >= bug.fixedMinor) return 'not-affected';
  return bug.backportedTo.includes(m) ? 'early-patches' : 'unfixed';
}

/**
 * Container restart back-off (CrashLoopBackOff) of the kubelet by version and feature gate (KEP-4603,
 * https://github.com/kubernetes/enhancements/tree/master/keps/sig-node/4603-tune-crashloopbackoff). Stages from
 * kubernetes/kubernetes `pkg/features/kube_features.go`; delays from `pkg/kubelet/kubelet.go` (`newCrashLoopBackOff`,
 * commit d8302640b422da9d1bcbfd24040d8e79dc3b9397).
 */
export const CRASH_LOOP_BACKOFF = Object.freeze({
  /** Initial delay and cap without gates: 10 s, 300 s (`initialCrashLoopBackOff`, `MaxCrashLoopBackOff`). */
  initialSeconds: 10,
  maxSeconds: 300,
  /** `ReduceDefaultCrashLoopBackOffDecay` (alpha from 1.33, off by default): 1 s initial delay, 60 s cap. */
  reducedDecayAlphaMinor: 33,
  reducedInitialSeconds: 1,
  reducedMaxSeconds: 60,
  /** `KubeletCrashLoopBackOffMax` (alpha 1.32, beta and on by default from 1.35): kubelet `crashLoopBackOff.maxContainerRestartPeriod`. */
  configurableMaxAlphaMinor: 32,
  configurableMaxBetaMinor: 35,
  /** Allowed `maxContainerRestartPeriod`, seconds (kubelet config validation). */
  configurableMaxLowestSeconds: 1,
  configurableMaxHighestSeconds: 300,
  /** A back-off entry older than this (from the last restart to the next exit) starts over (`HasExpiredFunc`). */
  resetAfterSeconds: 600,
});

/** Whether the feature gate `ReduceDefaultCrashLoopBackOffDecay` exists on this version (it is off by default). */
export function reducedCrashLoopDecayGateExists(v: MinorVersion): boolean {
  return minor(v) >= CRASH_LOOP_BACKOFF.reducedDecayAlphaMinor;
}

/** Whether the feature gate `KubeletCrashLoopBackOffMax` exists on this version. */
export function configurableCrashLoopMaxGateExists(v: MinorVersion): boolean {
  return minor(v) >= CRASH_LOOP_BACKOFF.configurableMaxAlphaMinor;
}

/** The default of the feature gate `KubeletCrashLoopBackOffMax` on this version (on from beta, 1.35). */
export function configurableCrashLoopMaxGateDefault(v: MinorVersion): boolean {
  return minor(v) >= CRASH_LOOP_BACKOFF.configurableMaxBetaMinor;
}
