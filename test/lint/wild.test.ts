// The linter on real manifests: every file of test/lint/wild/ against the hand judgements of test/lint/wild/INDEX.md.
// Recall: every judged problem is reported. No error finding on a pod judged as working. Precision of warning and
// error findings (pss-restricted left out, see INDEX.md) at least 95 %.
import * as fs from 'fs';
import * as path from 'path';
import { Finding, Linter, Severity } from '../../src/lint';

/**
 * The linter of this branch does not meet the judgements yet (issue 9: stop mechanisms, mesh proxies, shell wrappers,
 * placeholders, undeclared probe ports). While this is true the three quality checks below run as `test.failing`:
 * they must fail, and they print what is missing. Set it to `false` once the linter meets them.
 */
const LINTER_KNOWN_SHORT = false;
const qualityTest = LINTER_KNOWN_SHORT ? test.failing : test;

const WILD = path.join(__dirname, 'wild');
const MIN_PRECISION = 0.95;
/** Left out of precision (see INDEX.md). */
const UNJUDGED_RULES = new Set(['pss-restricted']);
/** Rules reported per rule in the summary table. */
const KEY_RULES = [
  'job-helper-never-exits',
  'job-helper-manual-stop',
  'init-container-never-exits',
  'job-mesh-sidecar-injected',
  'sidecar-missing-startup-probe',
  'probe-port-not-declared',
  'probe-named-port-undefined',
  'proxy-no-explicit-port',
  'cloud-sql-proxy-v1-image',
  'image-latest-or-untagged',
  'job-sidecar-no-active-deadline',
];

interface RuleRef {
  readonly rule: string;
  /** Only at this severity; undefined: warning or error. */
  readonly severity?: Severity;
}

interface Row {
  readonly file: string;
  readonly source: string;
  readonly kind: string;
  readonly must: RuleRef[];
  readonly may: RuleRef[];
  readonly mustNot: RuleRef[];
}

function refs(cell: string): RuleRef[] {
  return [...cell.matchAll(/`([a-z0-9-]+)(?:@(error|warning))?`/g)].map(m => ({
    rule: m[1],
    severity: m[2] === undefined ? undefined : (m[2] as Severity),
  }));
}

function readIndex(): Row[] {
  const text = fs.readFileSync(path.join(WILD, 'INDEX.md'), 'utf8');
  const table = text.split(/^## Judgements$/m)[1];
  if (table === undefined) throw new Error('INDEX.md has no "## Judgements" section');
  return table.split('\n')
    .filter(l => l.startsWith('| `'))
    .map(l => {
      const cells = l.split(' | ').map(c => c.replace(/^\| /, '').replace(/ \|$/, ''));
      if (cells.length !== 7) throw new Error(`INDEX.md row has ${cells.length} cells, expected 7: ${l.slice(0, 80)}`);
      return { file: cells[0].replace(/`/g, ''), source: cells[1], kind: cells[2], must: refs(cells[4]), may: refs(cells[5]), mustNot: refs(cells[6]) };
    });
}

const matches = (ref: RuleRef, f: Finding) => ref.rule === f.rule && (ref.severity === undefined || ref.severity === f.severity);
const judged = (f: Finding) => f.severity !== Severity.INFO;

/** True, false, or left out of precision. */
function verdict(row: Row, f: Finding): 'true' | 'false' | 'unjudged' {
  if (UNJUDGED_RULES.has(f.rule)) return 'unjudged';
  const forbidden = row.mustNot.some(r => r.rule === f.rule && (r.severity === undefined || r.severity === f.severity));
  if (forbidden) return 'false';
  return [...row.must, ...row.may].some(r => matches(r, f)) ? 'true' : 'false';
}

function repoOf(file: string): string {
  const m = /^# Repository: (\S+)$/m.exec(fs.readFileSync(path.join(WILD, file), 'utf8'));
  if (!m) throw new Error(`${file}: no '# Repository:' header line`);
  return m[1];
}

const rows = readIndex();
const findingsOf = new Map<string, Finding[]>(rows.map(r => [
  r.file,
  fs.existsSync(path.join(WILD, r.file)) ? Linter.lintYaml(fs.readFileSync(path.join(WILD, r.file), 'utf8'), { file: r.file }) : [],
]));

interface Miss { readonly file: string; readonly rule: string; readonly severity?: Severity }
interface Bad { readonly file: string; readonly rule: string; readonly severity: Severity; readonly container?: string; readonly message: string }

const misses: Miss[] = [];
const falseFindings: Bad[] = [];
const errorsOnWorkingPods: Bad[] = [];
let judgedCount = 0;
let trueCount = 0;
const perRule = new Map<string, { reported: number; correct: number; expected: number; found: number }>(
  KEY_RULES.map(id => [id, { reported: 0, correct: 0, expected: 0, found: 0 }]));
const stat = (id: string) => {
  if (!perRule.has(id)) perRule.set(id, { reported: 0, correct: 0, expected: 0, found: 0 });
  return perRule.get(id)!;
};

for (const row of rows) {
  const findings = findingsOf.get(row.file)!;
  for (const ref of row.must) {
    const found = findings.some(f => judged(f) && matches(ref, f));
    stat(ref.rule).expected++;
    if (found) stat(ref.rule).found++;
    else misses.push({ file: row.file, rule: ref.rule, severity: ref.severity });
  }
  for (const f of findings.filter(judged)) {
    const v = verdict(row, f);
    if (v === 'unjudged') continue;
    judgedCount++;
    stat(f.rule).reported++;
    const bad = { file: row.file, rule: f.rule, severity: f.severity, container: f.container, message: f.message };
    if (v === 'true') {
      trueCount++;
      stat(f.rule).correct++;
    } else {
      falseFindings.push(bad);
    }
    if (f.severity === Severity.ERROR && row.kind !== 'problem' && v === 'false') errorsOnWorkingPods.push(bad);
  }
}
const precision = judgedCount === 0 ? 1 : trueCount / judgedCount;

const pct = (n: number, d: number) => (d === 0 ? '–' : `${Math.round((1000 * n) / d) / 10} %`);

function summary(): string {
  const files = rows.length;
  const repos = new Set(rows.map(r => repoOf(r.file))).size;
  const controls = rows.filter(r => r.kind === 'control').length;
  const lines = [
    `Real manifests: ${files} files from ${repos} public repositories (${controls} controls); Kubernetes 1.29.`,
    `Warning+error findings judged: ${judgedCount}, true: ${trueCount}, precision ${pct(trueCount, judgedCount)} (pss-restricted left out).`,
    `Hand-judged problems: ${misses.length === 0 ? 'all' : `${[...perRule.values()].reduce((a, s) => a + s.found, 0)} of ${[...perRule.values()].reduce((a, s) => a + s.expected, 0)}`} found.`,
    '',
    '| rule | reported (warning/error) | true | precision | hand-judged problems | found | recall |',
    '|---|---|---|---|---|---|---|',
    ...[...perRule.entries()]
      .filter(([id, s]) => KEY_RULES.includes(id) || s.reported > 0 || s.expected > 0)
      .map(([id, s]) => `| \`${id}\` | ${s.reported} | ${s.correct} | ${pct(s.correct, s.reported)} | ${s.expected} | ${s.found} | ${pct(s.found, s.expected)} |`),
    '',
    `Missed problems (${misses.length}):`,
    ...misses.map(m => `  - ${m.file}: ${m.rule}${m.severity ? `@${m.severity}` : ''}`),
    `False findings (${falseFindings.length}):`,
    ...falseFindings.map(b => `  - ${b.file}: [${b.severity}] ${b.rule}${b.container ? ` (${b.container})` : ''}: ${b.message.slice(0, 140)}`),
  ];
  return lines.join('\n');
}

afterAll(() => {
  // The figures for docs/rules.md ("measured on real manifests") and the to-do list of false findings.
  process.stdout.write(`\n${summary()}\n`);
});

describe('corpus of real manifests', () => {
  test('has at least 40 files from at least 20 repositories, a third of them controls', () => {
    expect(rows.length).toBeGreaterThanOrEqual(40);
    expect(new Set(rows.map(r => repoOf(r.file))).size).toBeGreaterThanOrEqual(20);
    expect(rows.filter(r => r.kind === 'control').length * 3).toBeGreaterThanOrEqual(rows.length);
  });

  test('every file has exactly one judgement and every judgement a file', () => {
    const onDisk = fs.readdirSync(WILD).filter(f => f.endsWith('.yaml')).sort();
    const indexed = rows.map(r => r.file).sort();
    expect(indexed).toEqual(onDisk);
    expect(new Set(indexed).size).toBe(indexed.length);
  });

  test('every file names its source and holds Kubernetes objects the linter parses', () => {
    for (const row of rows) {
      const head = fs.readFileSync(path.join(WILD, row.file), 'utf8').split('\n').slice(0, 4);
      expect({ file: row.file, source: head[0] }).toEqual({ file: row.file, source: expect.stringMatching(/^# Source: https:\/\/github\.com\/[^/]+\/[^/]+\/blob\/[0-9a-f]{40}\//) });
      expect(row.source).toContain(repoOf(row.file));
    }
  });

  test('judgements are consistent: case values, known rule ids, problems have something to find', () => {
    const known = new Set([...Linter.rules().map(r => r.id), 'job-helper-manual-stop']);
    for (const row of rows) {
      expect({ file: row.file, kind: ['control', 'helper-ok', 'problem'].includes(row.kind) }).toEqual({ file: row.file, kind: true });
      for (const r of [...row.must, ...row.may, ...row.mustNot]) {
        expect({ file: row.file, rule: r.rule, known: known.has(r.rule) }).toEqual({ file: row.file, rule: r.rule, known: true });
      }
      if (row.kind === 'problem') expect({ file: row.file, must: row.must.length > 0 }).toEqual({ file: row.file, must: true });
      for (const m of row.must) {
        const alsoForbidden = row.mustNot.some(n => n.rule === m.rule && (n.severity === undefined || n.severity === m.severity));
        expect({ file: row.file, rule: m.rule, alsoForbidden }).toEqual({ file: row.file, rule: m.rule, alsoForbidden: false });
      }
    }
  });
});

describe('linter against the hand judgements', () => {
  qualityTest('finds every hand-judged problem (recall 100 %)', () => {
    expect(misses).toEqual([]);
  });

  qualityTest('reports no false error on a pod judged as working', () => {
    expect(errorsOnWorkingPods).toEqual([]);
  });

  qualityTest(`precision of warning and error findings is at least ${MIN_PRECISION * 100} %`, () => {
    expect(precision).toBeGreaterThanOrEqual(MIN_PRECISION);
  });
});
