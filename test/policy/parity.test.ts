// The contract between the linter and the admission policies: for every covered rule, the policy (evaluated with
// an independent CEL engine, @bufbuild/cel) rejects exactly the objects for which the linter reports that rule, and
// names the same containers. Run on every lint fixture, every YAML example of docs/rules.md and generated workloads;
// the examples' synthesized output is compared in examples.test.ts.
import * as fc from 'fast-check';
import { lintFixtures, loopbackJobs, rulesDocExamples, scriptSidecarPods, stopScriptJobs, workloads } from './_corpus';
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
  // where the policy does not judge, the linter reports nothing either
  expect(missed).toEqual({});
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
  expect(missed).toEqual({});
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

describe('shell scripts: where the CEL reads a script, it decides as the linter (fast-check, fixed seed)', () => {
  /** Runs `arb`, checks the contract on every rule, and returns per rule how often the policy judged, and rejected. */
  function run(arb: fc.Arbitrary<any>, numRuns: number, rules: readonly string[]) {
    const judged: Record<string, number> = {};
    const rejected: Record<string, number> = {};
    let undecided = 0;
    fc.assert(fc.property(arb, obj => {
      for (const r of compare(obj).filter(x => rules.includes(x.rule))) {
        if (r.undecided.length === 0) {
          expect({ obj, ...r }).toEqual({ obj, ...r, policy: r.lint });
          judged[r.rule] = (judged[r.rule] ?? 0) + 1;
          if (r.lint.length > 0) rejected[r.rule] = (rejected[r.rule] ?? 0) + 1;
        } else {
          expect({ obj, rule: r.rule, extra: r.policy.filter(p => !r.lint.includes(p)) }).toEqual({ obj, rule: r.rule, extra: [] });
          undecided++;
        }
      }
    }), { seed: 20261202, numRuns });
    return { judged, rejected, undecided };
  }

  test('Job helpers stopped (or not) by a /quitquitquit call or pkill from the task\'s script', () => {
    const { judged, rejected, undecided } = run(stopScriptJobs, 1500, ['job-helper-never-exits']);
    console.log(`stop scripts: 1500 Jobs; judged ${JSON.stringify(judged)}, rejected ${JSON.stringify(rejected)}, undecided ${undecided}`);
    // most generated scripts are flat, and both verdicts occur among the judged ones
    expect(judged['job-helper-never-exits']).toBeGreaterThan(750);
    expect(rejected['job-helper-never-exits']).toBeGreaterThan(100);
    expect(judged['job-helper-never-exits'] - rejected['job-helper-never-exits']).toBeGreaterThan(100);
  });

  test('init containers and sidecars that run a proxy from a script', () => {
    const rules = ['init-container-never-exits', 'sidecar-missing-startup-probe'];
    const { judged, rejected, undecided } = run(scriptSidecarPods, 1000, rules);
    console.log(`sidecar scripts: 1000 Pods; judged ${JSON.stringify(judged)}, rejected ${JSON.stringify(rejected)}, undecided ${undecided}`);
    for (const id of rules) expect({ id, rejected: (rejected[id] ?? 0) > 100 }).toEqual({ id, rejected: true });
    expect(undecided).toBeLessThan(1000);
  });
});
