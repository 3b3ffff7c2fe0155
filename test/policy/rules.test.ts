// The policy tables against the linter's catalog: same ids, every rule either covered (with CEL) or not (with a
// reason), messages built from the catalog; docs/policy.md lists them all.
import * as fs from 'fs';
import * as path from 'path';
import { Linter } from '../../src';
import { catalogRuleIds, lintRule } from '../../src/policy/_lint-bridge';
import { COVERED_RULES, coveredRuleIds, NOT_COVERED_RULES } from '../../src/policy/_rules';

test('the bridge reads the catalog: same ids as Linter.rules()', () => {
  expect(catalogRuleIds()).toEqual(Linter.rules().map(r => r.id));
});

test('every catalog rule is covered or has a reason, never both', () => {
  for (const id of catalogRuleIds()) {
    const covered = id in COVERED_RULES;
    const reason = (NOT_COVERED_RULES as Record<string, string>)[id];
    expect({ id, coveredXorReason: covered !== (reason !== undefined) }).toEqual({ id, coveredXorReason: true });
    if (reason) expect(reason.length).toBeGreaterThan(30);
  }
  expect(coveredRuleIds().length).toBeGreaterThanOrEqual(4);
});

test('rule facts come from the catalog', () => {
  for (const id of coveredRuleIds()) {
    const r = Linter.rule(id)!;
    expect(lintRule(id)).toEqual({ id, severity: r.severity, summary: r.summary, docsUrl: r.docsUrl });
  }
});

test('docs/policy.md names every rule, covered or not, and the minimum version', () => {
  const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'policy.md'), 'utf8');
  const covered = doc.slice(doc.indexOf('## Covered rules'), doc.indexOf('## Not covered'));
  const notCovered = doc.slice(doc.indexOf('## Not covered'), doc.indexOf('## How the linter'));
  for (const id of coveredRuleIds()) expect({ id, listed: covered.includes(`\`${id}\``) }).toEqual({ id, listed: true });
  for (const id of Object.keys(NOT_COVERED_RULES)) expect({ id, listed: notCovered.includes(`\`${id}\``) }).toEqual({ id, listed: true });
  expect(doc).toMatch(/## Minimum Kubernetes version: 1\.30/);
  expect(doc).toMatch(/## Rollout/);
});
