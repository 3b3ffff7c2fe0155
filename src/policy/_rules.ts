/**
 * Each lint rule's admission-policy form, keyed by the rule id of the linter's catalog: the CEL of the rules a
 * policy can decide from one object, and for every other rule why it is not covered. Both tables are keyed by
 * `LintRuleId`, so an id the catalog does not have is a compile error, and a catalog rule missing from both tables
 * is one too.
 */
import { COMMON_FLAGS, PROXY_FLAVORS } from '../_proxy-flavors';
import { formatMinorVersion, VALIDATING_ADMISSION_POLICY_GA_MINOR } from '../_version-facts';
import { str, strList } from './_cel';
import { HEURISTICS as H, LintRuleId } from './_lint-bridge';
import { UNSTOPPED_HELPERS } from './_stop-cel';

/** Only ids of the linter's catalog fit here. */
type RuleIds<T extends LintRuleId> = T;

/** The rules with a policy. */
export type CoveredRuleId = RuleIds<'job-helper-never-exits' | 'init-container-never-exits' | 'sidecar-missing-startup-probe' | 'job-mesh-sidecar-injected'>;

/** A rule as CEL. */
export interface RuleCel {
  /** Only Job and CronJob objects (the rule is about pods that must run to completion). */
  readonly jobsOnly: boolean;
  /** What the violations are, for the message (`container`, `init container`, ...). */
  readonly noun: string;
  /** CEL: the list of offending names (containers, meshes); the object is admitted when it is empty. */
  readonly violations: string;
  /**
   * CEL: the names of what the policy does not judge because the linter decides it with tools CEL lacks (see
   * `uncertain` in `_pod-variables.ts`, and the stop mechanisms); never rejected, listed for the parity test and docs.
   */
  readonly undecided: string;
  /** The fix, in the words of docs/rules.md. */
  readonly fix: string;
}

/** A string value of a map, trimmed and lower-cased; '' when absent or not a string (the linter's `lower`). */
const lowerOf = (map: string, key: string) =>
  `(${str(key)} in ${map} && type(${map}[${str(key)}]) == string ? ${map}[${str(key)}].trim().lowerAscii() : '')`;
/** The first non-empty of several keys, lower-cased. */
const firstOf = (map: string, keys: readonly string[]) =>
  keys.slice(0, -1).reduceRight((rest, k) => `(${lowerOf(map, k)} != '' ? ${lowerOf(map, k)} : ${rest})`, lowerOf(map, keys[keys.length - 1]));

const I = H.istio;
const L = H.linkerd;
const ISTIO_POD_VALUE = `(${str(I.injectKey)} in variables.podLabels ? ${lowerOf('variables.podLabels', I.injectKey)} : ${lowerOf('variables.podAnnotations', I.injectKey)})`;
const ISTIO_REQUESTED = `${ISTIO_POD_VALUE} != 'false' && ${lowerOf('variables.podAnnotations', I.nativeSidecarAnnotation)} != 'true' && (${ISTIO_POD_VALUE} == 'true'`
  + ` || ${lowerOf('variables.nsLabels', I.namespaceInjectionLabel)} == 'enabled'`
  + ` || (!(${str(I.namespaceInjectionLabel)} in variables.nsLabels) && ${str(I.revisionLabel)} in variables.nsLabels && type(variables.nsLabels[${str(I.revisionLabel)}]) == string))`;
const LINKERD_POD_VALUE = lowerOf('variables.podAnnotations', L.injectAnnotation);
const LINKERD_NATIVE = `(${firstOf('variables.podAnnotations', L.nativeSidecarAnnotations)} != '' ? ${firstOf('variables.podAnnotations', L.nativeSidecarAnnotations)} : ${firstOf('variables.nsAnnotations', L.nativeSidecarAnnotations)})`;
const LINKERD_REQUESTED = `(${LINKERD_POD_VALUE} in ${strList(H.linkerdInjectValues)} || (${LINKERD_POD_VALUE} == '' && ${lowerOf('variables.nsAnnotations', L.injectAnnotation)} in ${strList(H.linkerdInjectValues)}))`
  + ` && ${LINKERD_NATIVE} != 'true'`;

/** The policy judges a Job pod's helpers only when it reads every regular container and every stop that may be wired. */
const JOB_DECIDABLE = '!variables.mains.exists(m, m.uncertain) && !variables.stopUnreadable';

export const COVERED_RULES: { readonly [K in CoveredRuleId]: RuleCel } = {
  'job-helper-never-exits': {
    jobsOnly: true,
    noun: 'container',
    violations: `variables.isJob && size(variables.mains) >= 2 && ${JOB_DECIDABLE} ? ${UNSTOPPED_HELPERS}.map(c, c.name) : []`,
    undecided: `variables.isJob && size(variables.mains) >= 2 && !(${JOB_DECIDABLE}) ? variables.mains.map(c, c.name) : []`,
    fix: 'move the helper to initContainers with restartPolicy: Always and a startupProbe (a native sidecar): the kubelet stops it after the main containers exit, so the Job completes.',
  },
  'init-container-never-exits': {
    jobsOnly: false,
    noun: 'init container',
    violations: 'variables.inits.filter(c, size(c.ports) > 0 || (!c.uncertain && c.server)).map(c, c.name)',
    undecided: 'variables.inits.filter(c, size(c.ports) == 0 && c.uncertain).map(c, c.name)',
    fix: 'add restartPolicy: Always (and a startupProbe) to make it a native sidecar; if it should run once, remove its ports and make its command exit.',
  },
  'sidecar-missing-startup-probe': {
    jobsOnly: false,
    noun: 'sidecar',
    violations: 'variables.sidecars.filter(c, !c.hasStartupProbe && (size(c.served) > 0 || (!c.uncertain && c.serves))).map(c, c.name)',
    undecided: 'variables.sidecars.filter(c, !c.hasStartupProbe && size(c.served) == 0 && c.uncertain).map(c, c.name)',
    fix: 'add a startupProbe that succeeds once the sidecar accepts connections (e.g. tcpSocket on its port), with periodSeconds: 1 and initialDelaySeconds: 0.',
  },
  'job-mesh-sidecar-injected': {
    jobsOnly: true,
    noun: 'mesh',
    violations: `variables.isJob && !variables.containerNames.exists(n, n in ${strList(H.meshProxyNames)}) ? `
      + `(${ISTIO_REQUESTED} ? ['Istio'] : []) + (${LINKERD_REQUESTED} ? ['Linkerd'] : []) : []`,
    undecided: '[]',
    fix: `set the pod annotation ${I.nativeSidecarAnnotation}: "true" (Istio) or ${L.nativeSidecarAnnotations[1]}: "true" (Linkerd) so the mesh injects a native sidecar, or disable injection for the Job.`,
  },
};

const API_REJECTS = 'the API server itself rejects these objects (field validation), so an admission policy adds nothing';
const NOT_YET = 'decidable from one object, but not translated to CEL yet: this first policy set keeps to the rules whose objects hang or never complete';
const PROXY_CONFIG = `reads the Cloud SQL / AlloyDB proxy configuration (flags, ${COMMON_FLAGS.configFile}, ${PROXY_FLAVORS.map(f => `${f.envPrefix}*`).join('/')} env, instance query strings): a flag parser too large to express reasonably in CEL`;

/** Why each other rule has no policy. */
export const NOT_COVERED_RULES: { readonly [K in Exclude<LintRuleId, CoveredRuleId>]: string } = {
  'native-sidecar-unsupported-version': `a fact of the cluster, not of the object: the policy needs Kubernetes >= ${formatMinorVersion({ major: 1, minor: VALIDATING_ADMISSION_POLICY_GA_MINOR })}, where native sidecars are on by default`,
  'invalid-container-restart-policy': API_REJECTS,
  'probe-on-plain-init-container': API_REJECTS,
  'sidecar-startup-probe-slow': NOT_YET,
  'sidecar-declared-after-dependent-init': `compares the loopback ports an init container connects to with a later sidecar's listeners, which ${PROXY_CONFIG.replace(/^reads/, 'needs')}`,
  'container-port-conflict': NOT_YET,
  'probe-named-port-undefined': NOT_YET,
  'probe-port-not-declared': NOT_YET,
  'job-pod-restart-policy': API_REJECTS,
  'job-sidecar-no-active-deadline': NOT_YET,
  'pod-failure-policy-matches-sidecar-exit': NOT_YET,
  'cronjob-concurrency-policy': NOT_YET,
  'cronjob-missing-starting-deadline': NOT_YET,
  'cronjob-starting-deadline-too-short': NOT_YET,
  'cronjob-history-limits': NOT_YET,
  'cronjob-missing-time-zone': 'needs a cron-schedule parser (does the schedule depend on the time zone?)',
  'image-latest-or-untagged': NOT_YET,
  'pss-restricted': 'Kubernetes enforces the Pod Security Standards itself: label namespaces with pod-security.kubernetes.io/enforce: restricted (Pod Security Admission)',
  'cloud-sql-proxy-v1-image': NOT_YET,
  'proxy-no-explicit-port': PROXY_CONFIG,
  'proxy-health-check-localhost': PROXY_CONFIG,
  'proxy-health-probe-mismatch': PROXY_CONFIG,
  'proxy-flag-of-other-flavor': PROXY_CONFIG,
  'proxy-missing-exit-zero-on-sigterm': PROXY_CONFIG,
  'proxy-prestop-http-admin-port': PROXY_CONFIG,
  'job-helper-manual-stop': 'a warning about a set-up that works (a Job helper stopped by a hand-wired mechanism): an admission policy is for objects that break; job-helper-never-exits covers the stops that cannot run',
  'known-kubelet-bug': 'depends on the kubelet version of each node, a cluster fact the API server does not see at admission',
};

/** The covered rule ids, in catalog order. */
export function coveredRuleIds(): CoveredRuleId[] {
  return (Object.keys(COVERED_RULES) as CoveredRuleId[]);
}

export function isCovered(id: string): id is CoveredRuleId {
  return Object.prototype.hasOwnProperty.call(COVERED_RULES, id);
}
