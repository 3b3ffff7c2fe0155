// The Linter API: catalog, options, suppression, every input kind, YAML input, the issue's seed manifests.
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { cronJob, deployment, job, lint, ofRule, pod, problems, sidecar, task } from './_helpers';
import { KubernetesVersion, Linter, Severity } from '../../src';
import { CRONJOB_OBJECT_RULES, POD_RULES, RULE_DEFS, RuleId } from '../../src/lint/_catalog';

const fixtures = path.join(__dirname, 'fixtures');
const read = (f: string) => fs.readFileSync(path.join(fixtures, f), 'utf8');
const BAD = /\nBad[^\n]*:\n+```yaml\n([\s\S]*?)```/;
const GOOD = /\nGood[^\n]*:\n+```yaml\n([\s\S]*?)```/;
/** Every example of a section: `Bad` or `Good`, the rest of its label line, its YAML. */
const EXAMPLE = /\n(Bad|Good)([^\n]*):\n+```yaml\n([\s\S]*?)```/g;
const REQUIRED = ['job-helper-never-exits', 'init-container-never-exits', 'sidecar-missing-startup-probe', 'native-sidecar-unsupported-version'];

/** A pod spec with one broken sidecar (no startup probe). */
const broken = () => ({ restartPolicy: 'Never', initContainers: [sidecar('helper', 5432, { startupProbe: undefined })], containers: [task()] });

describe('rule catalog', () => {
  test('has the required ids, unique kebab-case ids, and a docs link per rule', () => {
    const rules = Linter.rules();
    const ids = rules.map(r => r.id);
    expect(ids).toEqual(expect.arrayContaining(REQUIRED));
    expect(new Set(ids).size).toBe(ids.length);
    expect(rules.length).toBeGreaterThanOrEqual(25);
    for (const r of rules) {
      expect(r.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect([Severity.ERROR, Severity.WARNING, Severity.INFO]).toContain(r.severity);
      expect(r.summary.length).toBeGreaterThan(10);
      expect(r.docsUrl).toBe(`https://github.com/cdk8s-sidecars/cdk8s-sidecars/blob/main/docs/rules.md#${r.id}`);
    }
    expect(Linter.rule('job-helper-never-exits')?.severity).toBe(Severity.ERROR);
    expect(Linter.rule('nope')).toBeUndefined();
  });

  test('docs/rules.md has one section per rule, each with severity, a bad and a good example and a fix', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'rules.md'), 'utf8');
    const sections = doc.split(/^## /m).slice(1);
    const byId = new Map(sections.map(s => [s.split('\n')[0].trim(), s]));
    for (const r of Linter.rules()) {
      const s = byId.get(r.id);
      expect({ id: r.id, present: s !== undefined }).toEqual({ id: r.id, present: true });
      expect(s).toContain(`**Severity:** ${r.severity}`);
      expect(s).toMatch(BAD);
      expect(s).toMatch(GOOD);
      expect(s).toMatch(/\*\*Fix:\*\*/);
    }
    // and every example parses: every bad one fires the rule, no good one does
    for (const r of Linter.rules()) {
      const s = byId.get(r.id)!;
      for (const m of s.matchAll(EXAMPLE)) {
        const [, kind, label, yaml] = m;
        const opts = /with `--kubernetes-version ([\d.]+)`/.exec(label);
        const options = opts ? { kubernetesVersion: KubernetesVersion.parse(opts[1]) } : {};
        const fires = Linter.lintYaml(yaml, options).map(f => f.rule).includes(r.id);
        expect({ id: r.id, example: `${kind}${label}`, fires }).toEqual({ id: r.id, example: `${kind}${label}`, fires: kind === 'Bad' });
      }
    }
  });
});

describe('the seed manifests of issue 4', () => {
  test('each required pattern fires its rule, as an error', () => {
    const findings = Linter.lintYaml(read('seed-broken.yaml'), { file: 'seed-broken.yaml' });
    const errors = findings.filter(f => f.severity === Severity.ERROR);
    expect(errors.map(f => [f.rule, f.kind, f.name, f.container, f.path, f.line])).toEqual([
      ['job-helper-never-exits', 'CronJob', 'nightly-report', 'db-helper', 'spec.jobTemplate.spec.template.spec.containers[1]', 3],
      ['init-container-never-exits', 'Job', 'migrate', 'db-helper', 'spec.template.spec.initContainers[0]', 29],
      ['sidecar-missing-startup-probe', 'Job', 'sync', 'db-helper', 'spec.template.spec.initContainers[0].startupProbe', 50],
    ]);
    for (const f of errors) {
      expect(f.namespaceName).toBe('reports');
      expect(f).not.toHaveProperty('namespace'); // a C# reserved word (jsii JSII5018); JSON/SARIF output still say `namespace`
      expect(f.file).toBe('seed-broken.yaml');
      expect(f.message).toContain("'db-helper'");
      expect(f.fix.length).toBeGreaterThan(20);
    }
    expect(Linter.hasErrors(findings)).toBe(true);
  });

  test('the fixed CronJob has no error and no warning', () => {
    const findings = Linter.lintYaml(read('seed-fixed.yaml'));
    expect(problems(findings)).toEqual([]);
    expect(Linter.hasErrors(findings)).toBe(false);
    expect(ofRule(findings, 'job-helper-never-exits')).toEqual([]);
  });
});

describe('input kinds', () => {
  const kinds: Array<[string, any, string]> = [
    ['Pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: broken() }, 'spec'],
    ['Job', job(broken()), 'spec.template.spec'],
    ['CronJob', cronJob(broken()), 'spec.jobTemplate.spec.template.spec'],
    ['Deployment', deployment(broken()), 'spec.template.spec'],
    ['StatefulSet', deployment(broken(), 'StatefulSet'), 'spec.template.spec'],
    ['DaemonSet', deployment(broken(), 'DaemonSet'), 'spec.template.spec'],
    ['ReplicaSet', deployment(broken(), 'ReplicaSet'), 'spec.template.spec'],
  ];

  test.each(kinds)('%s: finds the broken sidecar at the right path', (kind, obj, podPath) => {
    const f = ofRule(lint([obj]), 'sidecar-missing-startup-probe');
    expect(f.map(x => [x.kind, x.container, x.path])).toEqual([[kind, 'helper', `${podPath}.initContainers[0].startupProbe`]]);
  });

  test('List objects are flattened (objects and YAML)', () => {
    const list = { apiVersion: 'v1', kind: 'List', items: [job(broken()), deployment(broken())] };
    expect(ofRule(lint([list]), 'sidecar-missing-startup-probe').map(f => f.kind)).toEqual(['Job', 'Deployment']);
    const yaml = `apiVersion: v1\nkind: List\nitems:\n${[job(broken())].map(o => `  - ${JSON.stringify(o)}`).join('\n')}\n`;
    expect(ofRule(Linter.lintYaml(yaml), 'sidecar-missing-startup-probe').map(f => [f.kind, f.line])).toEqual([['Job', 1]]);
  });

  test('objects without a pod template produce no finding', () => {
    expect(lint([{ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }])).toEqual([]);
  });

  test('non-objects are rejected with the item index', () => {
    expect(() => Linter.lintManifests([job(), 'x'])).toThrow(/item 1 is not a Kubernetes object/);
    expect(() => Linter.lintManifests([{ metadata: {} }])).toThrow(/item 0 .* no 'kind'/);
  });
});

describe('finding paths', () => {
  /** The element at a dotted path with indexes (`spec.template.spec.containers[1]`). */
  const at = (obj: any, p: string): any => p.split('.').flatMap(part => part.split(/\[(\d+)\]/).filter(Boolean))
    .reduce((o, k) => (o === undefined || o === null ? undefined : o[/^\d+$/.test(k) ? Number(k) : k]), obj);

  test('a finding about a container points at that container (corpus and docs examples), so the CLI can map it to a line', () => {
    const wild = path.join(__dirname, 'wild');
    const docs = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'rules.md'), 'utf8');
    const texts = [
      ...fs.readdirSync(wild).filter(f => f.endsWith('.yaml')).map(f => fs.readFileSync(path.join(wild, f), 'utf8')),
      ...[...docs.matchAll(/```yaml\n([\s\S]*?)```/g)].map(m => m[1]),
    ];
    let checked = 0;
    for (const text of texts) {
      let objs: any[];
      try {
        objs = parseAllDocuments(text).map((d: any) => d.toJS()).filter((o: any) => o && o.kind);
      } catch {
        continue;
      }
      for (const obj of objs) {
        for (const f of Linter.lintManifests([obj])) {
          if (f.container === undefined) continue;
          const m = /^(.*(?:initContainers|containers|ephemeralContainers)\[\d+\])/.exec(f.path);
          expect({ rule: f.rule, path: f.path, pointsAtContainer: m !== null }).toEqual({ rule: f.rule, path: f.path, pointsAtContainer: true });
          expect({ rule: f.rule, path: f.path, name: at(obj, m![1])?.name }).toEqual({ rule: f.rule, path: f.path, name: f.container });
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});

describe('suppression annotation lint.cdk8s-sidecars.io/ignore', () => {
  const annotate = (obj: any, where: 'object' | 'template', value: string) => {
    const meta = where === 'object' ? (obj.metadata ??= {}) : (obj.spec.template.metadata ??= {});
    meta.annotations = { 'lint.cdk8s-sidecars.io/ignore': value };
    return obj;
  };

  test('on the object: suppresses the listed rules only', () => {
    const obj = annotate(job({ ...broken(), containers: [task('t', { image: 'busybox' })] }), 'object', 'sidecar-missing-startup-probe, pss-restricted');
    expect(lint([obj]).map(f => f.rule)).toEqual(['image-latest-or-untagged', 'known-kubelet-bug']);
  });

  test('on the pod template, and `all`', () => {
    expect(ofRule(lint([annotate(job(broken()), 'template', 'sidecar-missing-startup-probe')]), 'sidecar-missing-startup-probe')).toEqual([]);
    expect(lint([annotate(job(broken()), 'object', 'all')])).toEqual([]);
  });

  test('on a CronJob object suppresses CronJob rules too', () => {
    const c = cronJob(broken(), { timeZone: undefined });
    c.metadata.annotations = { 'lint.cdk8s-sidecars.io/ignore': 'cronjob-missing-time-zone' };
    expect(lint([c]).map(f => f.rule)).not.toContain('cronjob-missing-time-zone');
  });
});

describe('options', () => {
  test('minSeverity drops lower findings; ignoreRules drops rules everywhere', () => {
    const objs = [job(broken())];
    expect(lint(objs, { minSeverity: Severity.ERROR }).map(f => f.rule)).toEqual(['sidecar-missing-startup-probe']);
    expect(lint(objs, { minSeverity: Severity.WARNING }).every(f => f.severity !== Severity.INFO)).toBe(true);
    expect(lint(objs, { ignoreRules: ['sidecar-missing-startup-probe'] }).map(f => f.rule)).not.toContain('sidecar-missing-startup-probe');
  });

  test('ignored rules and rules below minSeverity do not run at all', () => {
    const pss = POD_RULES.find(r => r.id === 'pss-restricted')!;
    const history = CRONJOB_OBJECT_RULES.find(r => r.id === 'cronjob-history-limits')!;
    const pssCheck = jest.spyOn(pss, 'check');
    const historyCheck = jest.spyOn(history, 'check');
    try {
      const objs = [job(broken()), cronJob(broken())];
      lint(objs, { ignoreRules: ['pss-restricted', 'cronjob-history-limits'] });
      lint(objs, { minSeverity: Severity.ERROR });
      lint([job(broken(), {}, { annotations: { 'lint.cdk8s-sidecars.io/ignore': 'pss-restricted' } })]);
      expect(pssCheck).not.toHaveBeenCalled();
      expect(historyCheck).not.toHaveBeenCalled();
      lint(objs);
      expect(pssCheck).toHaveBeenCalledTimes(2);
      expect(historyCheck).toHaveBeenCalledTimes(1);
    } finally {
      pssCheck.mockRestore();
      historyCheck.mockRestore();
    }
  });

  test('rule ids are a closed set: the catalog is the rule lists, and a misspelt id does not type-check', () => {
    expect(RULE_DEFS.map(r => r.id)).toEqual(Linter.rules().map(r => r.id));
    expect([...POD_RULES, ...CRONJOB_OBJECT_RULES].map(r => r.id).sort()).toEqual(RULE_DEFS.map(r => r.id).sort());
    const known: RuleId = 'job-helper-never-exits';
    // @ts-expect-error a misspelt rule id is a compile error
    const typo: RuleId = 'job-helper-never-exit';
    expect(Linter.rule(known)?.id).toBe(known);
    expect(Linter.rule(typo)).toBeUndefined();
  });

  test('unknown rule ids in ignoreRules are an error', () => {
    expect(() => lint([], { ignoreRules: ['no-such-rule'] })).toThrow(/unknown lint rule id 'no-such-rule'/);
  });

  test('file is put in the findings of lintManifests; lintYaml errors name the file and line', () => {
    expect(lint([job(broken())], { file: 'x.yaml' })[0].file).toBe('x.yaml');
    expect(() => Linter.lintYaml('a: [', { file: 'bad.yaml' })).toThrow(/^bad\.yaml:\d+:\d+: malformed YAML/);
    expect(() => Linter.lintYaml('just: text\n', { file: 'bad.yaml' })).toThrow(/bad\.yaml:1: not a Kubernetes object/);
  });

  test('the default target is Kubernetes 1.29', () => {
    expect(ofRule(lint([pod({ initContainers: [sidecar()] })]), 'native-sidecar-unsupported-version')).toEqual([]);
    expect(ofRule(lint([pod({ initContainers: [sidecar()] })], { kubernetesVersion: KubernetesVersion.V1_28 }), 'native-sidecar-unsupported-version')).toHaveLength(1);
  });
});
