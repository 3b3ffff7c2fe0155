// Linter vs policy on one object: per covered rule, the containers the linter reports and the names the policy
// rejects (the mesh rule reports the object, once per mesh).
import { evaluatePolicy } from './_cel-eval';
import { Linter } from '../../src';
import { buildPolicyObjects } from '../../src/policy/_build';
import { coveredRuleIds, CoveredRuleId } from '../../src/policy/_rules';

export const policies = buildPolicyObjects({ kubernetesVersion: { major: 1, minor: 30 }, actions: ['Warn', 'Audit'] })
  .filter(o => o.kind === 'ValidatingAdmissionPolicy');
const policyOf = (id: CoveredRuleId) => policies.find(p => p.metadata.labels['policy.cdk8s-sidecars.io/rule'] === id)!;

export interface RuleComparison {
  readonly rule: string;
  /** Containers (or `object`) the linter reports. */
  readonly lint: string[];
  /** Containers (or `object`) the policy rejects. */
  readonly policy: string[];
  /** What the policy did not judge. */
  readonly undecided: string[];
}

/** Per covered rule: what the linter reports and what the policy rejects (the linter also sees `namespace`). */
export function compare(obj: any, namespace?: any): RuleComparison[] {
  const findings = Linter.lintManifests(namespace ? [namespace, obj] : [obj]);
  return coveredRuleIds().map(id => {
    const lint = findings.filter(f => f.rule === id).map(f => f.container ?? 'object');
    const v = evaluatePolicy(policyOf(id), obj, namespace ?? null);
    const rejected = v.failures.length > 0;
    const policy = id === 'job-mesh-sidecar-injected' ? (rejected ? v.violations.map(() => 'object') : []) : (rejected ? v.violations : []);
    return { rule: id, lint: [...lint].sort(), policy: [...policy].sort(), undecided: v.undecided };
  });
}

/**
 * The contract: where the policy judges, it rejects exactly what the linter reports; where it abstains (`undecided`),
 * it rejects nothing the linter does not report. Returns counts per rule.
 */
type Counts = Record<string, number>;

export function expectParity(items: ReadonlyArray<{ where: string; obj: any; namespace?: any }>)
  : { fired: Counts; undecided: Counts; missed: Counts } {
  const fired: Record<string, number> = {};
  const undecided: Record<string, number> = {};
  const missed: Record<string, number> = {};
  for (const { where, obj, namespace } of items) {
    for (const r of compare(obj, namespace)) {
      if (r.undecided.length === 0) {
        expect({ where, rule: r.rule, policy: r.policy }).toEqual({ where, rule: r.rule, policy: r.lint });
      } else {
        expect({ where, rule: r.rule, extra: r.policy.filter(p => !r.lint.includes(p)) }).toEqual({ where, rule: r.rule, extra: [] });
        undecided[r.rule] = (undecided[r.rule] ?? 0) + 1;
        if (r.lint.some(x => !r.policy.includes(x))) missed[r.rule] = (missed[r.rule] ?? 0) + 1;
      }
      if (r.lint.length > 0) fired[r.rule] = (fired[r.rule] ?? 0) + 1;
    }
  }
  return { fired, undecided, missed };
}
