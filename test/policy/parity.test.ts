// The contract between the linter and the admission policies: for every covered rule, the policy (evaluated with
// an independent CEL engine, @bufbuild/cel) rejects exactly the objects for which the linter reports that rule, and
// names the same containers. Run on every lint fixture, every YAML example of docs/rules.md and generated workloads;
// the examples' synthesized output is compared in examples.test.ts.
import * as fc from 'fast-check';
import { lintFixtures, loopbackJobs, rulesDocExamples, workloads } from './_corpus';
import { compare, expectParity, policies } from './_parity';
import { coveredRuleIds } from '../../src/policy/_rules';

test('there is one policy per covered rule', () => {
  expect(policies.map(p => p.metadata.labels['policy.cdk8s-sidecars.io/rule'])).toEqual(coveredRuleIds());
});

test('lint fixtures: each policy rejects exactly what the linter reports', () => {
  const items = lintFixtures();
  expect(items.length).toBeGreaterThan(0);
  const { fired, undecided, missed } = expectParity(items);
  console.log(`lint fixtures: ${items.length} objects; linter findings per rule ${JSON.stringify(fired)}; policy undecided ${JSON.stringify(undecided)}, of which the linter flags ${JSON.stringify(missed)}`);
  // the seed fixtures break the three required rules
  expect(fired['job-helper-never-exits']).toBeGreaterThan(0);
  expect(fired['init-container-never-exits']).toBeGreaterThan(0);
  expect(fired['sidecar-missing-startup-probe']).toBeGreaterThan(0);
});

test('docs/rules.md examples: each policy rejects exactly what the linter reports', () => {
  const items = rulesDocExamples();
  expect(items.length).toBeGreaterThan(50);
  const { fired, undecided, missed } = expectParity(items);
  console.log(`docs/rules.md: ${items.length} objects; linter findings per rule ${JSON.stringify(fired)}; policy undecided ${JSON.stringify(undecided)}, of which the linter flags ${JSON.stringify(missed)}`);
  for (const id of coveredRuleIds()) expect({ id, fired: (fired[id] ?? 0) > 0 }).toEqual({ id, fired: true });
});

test('generated workloads: each policy rejects exactly what the linter reports where it judges (fast-check, fixed seed)', () => {
  const fired: Record<string, number> = {};
  let undecided = 0;
  let runs = 0;
  fc.assert(fc.property(workloads, obj => {
    runs++;
    for (const r of compare(obj)) {
      if (r.undecided.length === 0) expect({ obj, ...r }).toEqual({ obj, ...r, policy: r.lint });
      else expect({ obj, rule: r.rule, extra: r.policy.filter(p => !r.lint.includes(p)) }).toEqual({ obj, rule: r.rule, extra: [] });
      if (r.undecided.length > 0) undecided++;
      if (r.lint.length > 0) fired[r.rule] = (fired[r.rule] ?? 0) + 1;
    }
  }), { seed: 20261202, numRuns: 600 });
  // the generator reaches every rule, and the policies judge most of what it makes
  for (const id of coveredRuleIds()) expect({ id, fired: (fired[id] ?? 0) > 20 }).toEqual({ id, fired: true });
  expect(undecided / (runs * coveredRuleIds().length)).toBeLessThan(0.2);
});

test('Jobs whose containers all serve: the loopback evidence decides, as in the linter (fast-check, fixed seed)', () => {
  let flagged = 0;
  let clean = 0;
  fc.assert(fc.property(loopbackJobs, obj => {
    const r = compare(obj).find(x => x.rule === 'job-helper-never-exits')!;
    expect({ obj, ...r }).toEqual({ obj, ...r, policy: r.lint });
    expect(r.undecided).toEqual([]);
    if (r.lint.length > 0) flagged++; else clean++;
  }), { seed: 20261202, numRuns: 400 });
  expect(flagged).toBeGreaterThan(50);
  expect(clean).toBeGreaterThan(50);
});
