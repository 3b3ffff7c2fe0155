// The contract between the linter and the admission policies: for every covered rule, the policy (evaluated with
// an independent CEL engine, @bufbuild/cel) rejects exactly the objects for which the linter reports that rule, and
// names the same containers. Run on every lint fixture, every YAML example of docs/rules.md and generated workloads;
// the examples' synthesized output is compared in examples.test.ts.
import * as fc from 'fast-check';
import { CorpusObject, lintFixtures, loopbackJobs, rulesDocExamples, workloads } from './_corpus';
import { compare, policies } from './_parity';
import { coveredRuleIds } from '../../src/policy/_rules';

function expectParity(items: CorpusObject[]): Record<string, number> {
  const fired: Record<string, number> = {};
  for (const { where, obj } of items) {
    for (const r of compare(obj)) {
      expect({ where, ...r, policy: r.policy }).toEqual({ where, ...r, policy: r.lint });
      if (r.lint.length > 0) fired[r.rule] = (fired[r.rule] ?? 0) + 1;
    }
  }
  return fired;
}

test('there is one policy per covered rule', () => {
  expect(policies.map(p => p.metadata.labels['policy.cdk8s-sidecars.io/rule'])).toEqual(coveredRuleIds());
});

test('lint fixtures: each policy rejects exactly what the linter reports', () => {
  const items = lintFixtures();
  expect(items.length).toBeGreaterThan(0);
  const fired = expectParity(items);
  // the seed fixtures break the three required rules
  expect(fired['job-helper-never-exits']).toBeGreaterThan(0);
  expect(fired['init-container-never-exits']).toBeGreaterThan(0);
  expect(fired['sidecar-missing-startup-probe']).toBeGreaterThan(0);
});

test('docs/rules.md examples: each policy rejects exactly what the linter reports', () => {
  const items = rulesDocExamples();
  expect(items.length).toBeGreaterThan(50);
  const fired = expectParity(items);
  for (const id of coveredRuleIds()) expect({ id, fired: (fired[id] ?? 0) > 0 }).toEqual({ id, fired: true });
});

test('generated workloads: each policy rejects exactly what the linter reports (fast-check, fixed seed)', () => {
  const fired: Record<string, number> = {};
  fc.assert(fc.property(workloads, obj => {
    for (const r of compare(obj)) {
      expect({ obj, ...r }).toEqual({ obj, ...r, policy: r.lint });
      if (r.lint.length > 0) fired[r.rule] = (fired[r.rule] ?? 0) + 1;
    }
  }), { seed: 20261202, numRuns: 600 });
  // the generator reaches every rule, both ways
  for (const id of coveredRuleIds()) expect({ id, fired: (fired[id] ?? 0) > 20 }).toEqual({ id, fired: true });
});

test('Jobs whose containers all serve: the loopback evidence decides, as in the linter (fast-check, fixed seed)', () => {
  let flagged = 0;
  let clean = 0;
  fc.assert(fc.property(loopbackJobs, obj => {
    const r = compare(obj).find(x => x.rule === 'job-helper-never-exits')!;
    expect({ obj, ...r }).toEqual({ obj, ...r, policy: r.lint });
    if (r.lint.length > 0) flagged++; else clean++;
  }), { seed: 20261202, numRuns: 400 });
  expect(flagged).toBeGreaterThan(50);
  expect(clean).toBeGreaterThan(50);
});
