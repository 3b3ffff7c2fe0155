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
  /** The fix, in the words of docs/rules.md. */
  readonly fix: string;
}

const annotationOrLabel = (key: string) =>
  `string(has(variables.podMeta.annotations) && ${str(key)} in variables.podMeta.annotations ? variables.podMeta.annotations[${str(key)}] : `
  + `(has(variables.podMeta.labels) && ${str(key)} in variables.podMeta.labels ? variables.podMeta.labels[${str(key)}] : '')).lowerAscii()`;
const annotation = (key: string) =>
  `string(has(variables.podMeta.annotations) && ${str(key)} in variables.podMeta.annotations ? variables.podMeta.annotations[${str(key)}] : '').lowerAscii()`;

export const COVERED_RULES: { readonly [K in CoveredRuleId]: RuleCel } = {
  'job-helper-never-exits': {
    jobsOnly: true,
    noun: 'container',
    // the linter's jobHelpers(): strong evidence (server), weak evidence (serves while a batch container exists),
    // or another regular container connects to one of its ports on loopback
    violations: 'variables.isJob && size(variables.mains) >= 2 ? variables.mains.filter(c, c.server'
      + ' || (variables.mains.exists(m, !m.server && !m.serves) && c.serves)'
      + ' || variables.mains.exists(k, k.name != c.name && c.served.exists(p, p in k.uses)))'
      + '.map(c, c.name) : []',
    fix: 'move the helper to initContainers with restartPolicy: Always and a startupProbe (a native sidecar): the kubelet stops it after the main containers exit, so the Job completes.',
  },
  'init-container-never-exits': {
    jobsOnly: false,
    noun: 'init container',
    violations: 'variables.inits.filter(c, size(c.ports) > 0 || c.server).map(c, c.name)',
    fix: 'add restartPolicy: Always (and a startupProbe) to make it a native sidecar; if it should run once, remove its ports and make its command exit.',
  },
  'sidecar-missing-startup-probe': {
    jobsOnly: false,
    noun: 'sidecar',
    violations: 'variables.sidecars.filter(c, c.serves && !c.hasStartupProbe).map(c, c.name)',
    fix: 'add a startupProbe that succeeds once the sidecar accepts connections (e.g. tcpSocket on its port), with periodSeconds: 1 and initialDelaySeconds: 0.',
  },
  'job-mesh-sidecar-injected': {
    jobsOnly: true,
    noun: 'mesh',
    violations: `variables.isJob && !variables.containerNames.exists(n, n in ${strList(H.meshProxyNames)}) ? `
      + `(${annotationOrLabel(H.istioInject)} == 'true' ? ['Istio'] : [])`
      + ` + (${annotation(H.linkerdInject)} in ${strList(H.linkerdInjectValues)} && ${annotation(H.linkerdNative)} != 'true' ? ['Linkerd'] : [])`
      + ' : []',
    fix: `enable the mesh's native-sidecar mode (${H.linkerdNative}: "true" for Linkerd; ENABLE_NATIVE_SIDECARS=true on istiod, Istio >= 1.19) and suppress the rule, or disable injection for the Job.`,
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
  'known-kubelet-bug': 'depends on the kubelet version of each node, a cluster fact the API server does not see at admission',
};

/** The covered rule ids, in catalog order. */
export function coveredRuleIds(): CoveredRuleId[] {
  return (Object.keys(COVERED_RULES) as CoveredRuleId[]);
}

export function isCovered(id: string): id is CoveredRuleId {
  return Object.prototype.hasOwnProperty.call(COVERED_RULES, id);
}
