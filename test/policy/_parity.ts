// Linter vs policy on one object: per covered rule, the containers the linter reports and the names the policy
// rejects (the mesh rule reports the object, once per mesh).
import { evaluatePolicy } from './_cel-eval';
import { Linter } from '../../src';
import { buildPolicyObjects } from '../../src/policy/_build';
import { coveredRuleIds, CoveredRuleId } from '../../src/policy/_rules';

export const policies = buildPolicyObjects({ kubernetesVersion: { major: 1, minor: 30 }, actions: ['Warn', 'Audit'] })
  .filter(o => o.kind === 'ValidatingAdmissionPolicy');
const policyOf = (id: CoveredRuleId) => policies.find(p => p.metadata.labels['policy.cdk8s-sidecars.io/rule'] === id)!;

/** Per covered rule: what the linter reports and what the policy rejects, as comparable records. */
export function compare(obj: any): Array<{ rule: string; lint: string[]; policy: string[] }> {
  const findings = Linter.lintManifests([obj]);
  return coveredRuleIds().map(id => {
    const lint = findings.filter(f => f.rule === id).map(f => f.container ?? 'object');
    const v = evaluatePolicy(policyOf(id), obj);
    const rejected = v.failures.length > 0;
    const policy = id === 'job-mesh-sidecar-injected' ? (rejected ? v.violations.map(() => 'object') : []) : (rejected ? v.violations : []);
    return { rule: id, lint: [...lint].sort(), policy: [...policy].sort() };
  });
}

