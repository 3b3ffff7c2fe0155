/**
 * Builds the `admissionregistration.k8s.io/v1` ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding objects
 * of the covered lint rules: one policy and one binding per rule, so each rule can be rolled out (Warn → Deny) or
 * switched off on its own. Plain objects, no construct imports: used by the CLI and by `SidecarAdmissionPolicy`.
 */
import { Manifest } from '../_manifest';
import { formatMinorVersion, MinorVersion, VALIDATING_ADMISSION_POLICY_GA_MINOR, versionProblem } from '../_version-facts';
import { CelVariable, celList, reEscape, str } from './_cel';
import { IGNORE_ANNOTATION, lintRule } from './_lint-bridge';
import { podPart, variablesFor } from './_pod-variables';
import { COVERED_RULES, coveredRuleIds, CoveredRuleId, isCovered, NOT_COVERED_RULES } from './_rules';
import { AdmissionPolicyAction } from './types';

export const POLICY_API_VERSION = 'admissionregistration.k8s.io/v1';
/** Prefix of every policy and binding name. */
export const POLICY_NAME_PREFIX = 'cdk8s-sidecars-';
/** Default binding actions: report, never block. */
export const DEFAULT_ACTIONS: readonly AdmissionPolicyAction[] = [AdmissionPolicyAction.WARN, AdmissionPolicyAction.AUDIT];
export const MIN_POLICY_VERSION: MinorVersion = { major: 1, minor: VALIDATING_ADMISSION_POLICY_GA_MINOR };

/** Bad input for the policy generator; the message says what was received and how to fix it. */
export class PolicyOptionError extends Error {
  constructor(readonly option: 'kubernetesVersion' | 'actions' | 'rules', message: string) {
    super(message);
    this.name = 'PolicyOptionError';
  }
}

export interface PolicyBuildOptions {
  readonly kubernetesVersion: MinorVersion;
  readonly actions: readonly string[];
  /** Rule ids; undefined: every covered rule. */
  readonly rules?: readonly string[];
}

const ACTIONS: readonly string[] = Object.values(AdmissionPolicyAction);

/** Checks the options; returns the validated actions and rule ids. */
export function checkPolicyOptions(o: PolicyBuildOptions): { actions: AdmissionPolicyAction[]; rules: CoveredRuleId[] } {
  const v = o.kubernetesVersion;
  const problem = versionProblem(v);
  if (problem) throw new PolicyOptionError('kubernetesVersion', problem);
  if (v.minor < MIN_POLICY_VERSION.minor) {
    throw new PolicyOptionError('kubernetesVersion',
      `Kubernetes ${formatMinorVersion(v)} is too old: ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1) is GA from ${formatMinorVersion(MIN_POLICY_VERSION)}; target ${formatMinorVersion(MIN_POLICY_VERSION)} or later, or use 'cdk8s-sidecars lint' in CI instead`);
  }
  if (o.actions.length === 0) {
    throw new PolicyOptionError('actions', `no action given: use one or more of ${ACTIONS.join(', ')} (default ${DEFAULT_ACTIONS.join(',')})`);
  }
  const actions: AdmissionPolicyAction[] = [];
  for (const a of o.actions) {
    if (!ACTIONS.includes(a)) throw new PolicyOptionError('actions', `unknown action '${a}': use ${ACTIONS.join(', ')} (case-sensitive, as in validationActions)`);
    if (actions.includes(a as AdmissionPolicyAction)) throw new PolicyOptionError('actions', `action '${a}' is given twice`);
    actions.push(a as AdmissionPolicyAction);
  }
  if (actions.includes(AdmissionPolicyAction.DENY) && actions.includes(AdmissionPolicyAction.WARN)) {
    throw new PolicyOptionError('actions', 'Deny and Warn cannot be combined (the API server rejects the binding): use Deny or Deny,Audit to block, Warn,Audit to report');
  }
  let rules = coveredRuleIds();
  if (o.rules !== undefined) {
    if (o.rules.length === 0) throw new PolicyOptionError('rules', `no rule given: use one or more of ${rules.join(', ')}`);
    const chosen: CoveredRuleId[] = [];
    for (const id of o.rules) {
      if (!isCovered(id)) {
        const why = (NOT_COVERED_RULES as { [id: string]: string })[id];
        throw new PolicyOptionError('rules', why
          ? `rule '${id}' has no admission policy: ${why}. Covered rules: ${rules.join(', ')}`
          : `unknown rule '${id}': covered rules are ${rules.join(', ')}`);
      }
      if (!chosen.includes(id)) chosen.push(id);
    }
    rules = rules.filter(id => chosen.includes(id));
  }
  return { actions, rules };
}

const POD_RESOURCES = [
  { apiGroups: [''], apiVersions: ['v1'], resources: ['pods', 'replicationcontrollers'] },
  { apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'] },
];
const JOB_RESOURCES = [{ apiGroups: ['batch'], apiVersions: ['v1'], resources: ['jobs', 'cronjobs'] }];
const OPERATIONS = ['CREATE', 'UPDATE'];

/**
 * The matchConditions of every policy: skip updates that leave the spec alone (a controller adding a finalizer or a
 * label to an existing object must never be blocked), and objects that suppress the rule with the linter's
 * annotation on the object, its pod template or a CronJob's Job template.
 */
export function matchConditions(id: CoveredRuleId): Array<{ name: string; expression: string }> {
  const metas = ['dyn(object).metadata', `(${podPart('metadata', 'dyn(object)')})`,
    "(dyn(object).kind == 'CronJob' && has(dyn(object).spec.jobTemplate) && has(dyn(object).spec.jobTemplate.metadata) ? dyn(object).spec.jobTemplate.metadata : {})"];
  const ignored = `(^|[\\s,])(all|${reEscape(id)})([\\s,]|$)`;
  return [
    { name: 'spec-created-or-changed', expression: "request.operation != 'UPDATE' || !has(dyn(oldObject).spec) || dyn(oldObject).spec != dyn(object).spec" },
    {
      name: 'rule-not-suppressed',
      expression: `!${celList(metas)}.exists(m, has(m.annotations) && ${str(IGNORE_ANNOTATION)} in m.annotations && type(m.annotations[${str(IGNORE_ANNOTATION)}]) == string && m.annotations[${str(IGNORE_ANNOTATION)}].matches(${str(ignored)}))`,
    },
  ];
}

/** The policy's own variable and validation for one rule. */
export function ruleCel(id: CoveredRuleId): { variables: CelVariable[]; validation: Manifest; auditAnnotation: Manifest } {
  const rule = COVERED_RULES[id];
  const facts = lintRule(id);
  const tail = `${facts.summary} Fix: ${rule.fix} See ${facts.docsUrl}`;
  const own = [{ name: 'violations', expression: rule.violations }, { name: 'undecided', expression: rule.undecided }];
  const validation = {
    expression: 'size(variables.violations) == 0',
    message: `${id}: ${tail}`,
    messageExpression: `${str(`${id}: ${rule.noun} `)} + variables.violations.map(n, "'" + n + "'").join(', ') + ${str(`: ${tail}`)}`,
    reason: 'Invalid',
  };
  // recorded in the audit event as `<policy name>/undecided`: what this policy did not judge (see docs/policy.md)
  const auditAnnotation = {
    key: 'undecided',
    // '' (not null) when there is nothing to say: the API server publishes no annotation whose value trims to empty
    // (plugin/policy/validating/validator.go), and `cond ? 'text' : null` does not type-check (string is not nullable
    // in cel-go), while the value must be typed exactly string or null (plugin/cel/compile.go)
    valueExpression: `size(variables.undecided) > 0 ? ${str(`${rule.noun} not judged (read by the linter with tools CEL lacks): `)} + variables.undecided.join(', ') : ''`,
  };
  return { variables: variablesFor([validation.expression, auditAnnotation.valueExpression], own), validation, auditAnnotation };
}

/** The policy and binding objects, in rule order (policy, then its binding). */
export function buildPolicyObjects(o: PolicyBuildOptions): Manifest[] {
  const { actions, rules } = checkPolicyOptions(o);
  const out: Manifest[] = [];
  for (const id of rules) {
    const name = `${POLICY_NAME_PREFIX}${id}`;
    const labels = { 'app.kubernetes.io/part-of': 'cdk8s-sidecars', 'policy.cdk8s-sidecars.io/rule': id };
    const { variables, validation, auditAnnotation } = ruleCel(id);
    out.push({
      apiVersion: POLICY_API_VERSION,
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name, labels, annotations: { 'policy.cdk8s-sidecars.io/docs': lintRule(id).docsUrl } },
      spec: {
        // a CEL error or an exhausted cost budget admits the object: these policies report, they are not a security boundary
        failurePolicy: 'Ignore',
        matchConstraints: {
          resourceRules: (COVERED_RULES[id].jobsOnly ? JOB_RESOURCES : [...POD_RESOURCES, ...JOB_RESOURCES])
            .map(r => ({ ...r, operations: [...OPERATIONS] })),
        },
        matchConditions: matchConditions(id),
        variables,
        validations: [validation],
        auditAnnotations: [auditAnnotation],
      },
    });
    out.push({
      apiVersion: POLICY_API_VERSION,
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name, labels },
      spec: { policyName: name, validationActions: [...actions] },
    });
  }
  return out;
}

