/**
 * Which known kubelet bugs (`KNOWN_BUGS` in `_version-facts.ts`) a plain pod spec meets on a target Kubernetes
 * version. The one place that knows each bug's trigger; the linter (`known-kubelet-bug`) and the simulator (its
 * notes) both call `knownBugHits`, so they always agree. Only bugs that affect the target version are returned
 * (`bugStatus`: introduced at or before it, and not fixed in every release of it).
 *
 * Plain data in, plain data out: no construct imports.
 */
import { BugTrigger, bugStatus, KNOWN_BUGS, KnownBug, MinorVersion } from './_version-facts';

/** A known bug that a pod meets on the target version. */
export interface KnownBugHit {
  readonly bug: KnownBug;
  /** `unfixed`: no release of the target minor has the fix; `early-patches`: a later patch release of it has. */
  readonly status: 'unfixed' | 'early-patches';
  /** Index in `spec.initContainers` of the native sidecar that makes the pod meet the trigger. */
  readonly initContainerIndex: number;
}

/** The pod's restartPolicy as written, or the API default (`Always`) when unset. */
function restartPolicyOf(spec: any): string {
  return typeof spec?.restartPolicy === 'string' ? spec.restartPolicy : 'Always';
}

/**
 * The index (in `initContainers`) of the sidecar that makes the pod meet `trigger`, or undefined.
 * @param sidecars the native sidecars (`restartPolicy: Always` init containers) with their indexes
 */
function triggeredBy(trigger: BugTrigger, sidecars: { c: any; i: number }[], restartPolicy: string): number | undefined {
  const withStartup = sidecars.find(s => s.c?.startupProbe);
  switch (trigger) {
    case BugTrigger.STARTUP_PROBE_SIDECAR_IN_NEVER_POD:
      return restartPolicy === 'Never' ? withStartup?.i : undefined;
    case BugTrigger.MULTIPLE_SIDECARS:
      return sidecars.length >= 2 ? sidecars[1].i : undefined;
    case BugTrigger.SIDECAR_IN_NEVER_OR_ONFAILURE_POD:
      return restartPolicy === 'Never' || restartPolicy === 'OnFailure' ? sidecars[0]?.i : undefined;
    case BugTrigger.STARTUP_PROBE_SIDECAR_RESTARTING_APP:
      return restartPolicy === 'Always' || restartPolicy === 'OnFailure' ? withStartup?.i : undefined;
    default:
      return undefined;
  }
}

/**
 * The known bugs a pod spec meets on `version`, in `KNOWN_BUGS` order.
 * @param podSpec a plain pod spec (`spec` of a Pod, `spec.template.spec` of a workload)
 * @param version the target Kubernetes version
 * @param sidecarsWork native sidecars work on the target (`nativeSidecarsWork(version, featureGate)`); when they do
 *   not, no sidecar bug can bite
 */
export function knownBugHits(podSpec: any, version: MinorVersion, sidecarsWork: boolean): KnownBugHit[] {
  if (!sidecarsWork) return [];
  const inits: any[] = Array.isArray(podSpec?.initContainers) ? podSpec.initContainers : [];
  const sidecars = inits.map((c, i) => ({ c, i })).filter(s => s.c?.restartPolicy === 'Always');
  if (sidecars.length === 0) return [];
  const restartPolicy = restartPolicyOf(podSpec);
  const hits: KnownBugHit[] = [];
  for (const bug of KNOWN_BUGS) {
    const status = bugStatus(bug, version);
    if (status === 'not-affected') continue;
    const initContainerIndex = triggeredBy(bug.trigger, sidecars, restartPolicy);
    if (initContainerIndex !== undefined) hits.push({ bug, status, initContainerIndex });
  }
  return hits;
}
