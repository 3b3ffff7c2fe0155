// The emitted objects: valid admissionregistration.k8s.io/v1 (kubernetes-models + strict field check), one policy and
// one binding per covered rule, safe defaults (Warn + Audit, failurePolicy Ignore), option checks, messages that name
// the rule, the offending containers and the fix, and the matchConditions (updates without spec change, suppression).
import { ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1';
import { astDepth, evaluatePolicy, evalCel, mixedLiterals, toCel } from './_cel-eval';
import { Linter } from '../../src';
import { buildPolicyObjects, matchConditions, PolicyOptionError } from '../../src/policy/_build';
import { coveredRuleIds, NOT_COVERED_RULES } from '../../src/policy/_rules';
import { unknownFields } from '../_strict-schema';

const V130 = { major: 1, minor: 30 };
const build = (o: Partial<Parameters<typeof buildPolicyObjects>[0]> = {}) =>
  buildPolicyObjects({ kubernetesVersion: V130, actions: ['Warn', 'Audit'], ...o });

const jobWithHelper = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'report', namespace: 'reports' },
  spec: {
    template: {
      spec: {
        restartPolicy: 'Never',
        containers: [
          { name: 'report', image: 'ghcr.io/example/report:1.4.2', command: ['/report'] },
          { name: 'db-tunnel', image: 'ghcr.io/example/db-tunnel:2.1.0', ports: [{ containerPort: 5432 }] },
        ],
      },
    },
  },
};

describe('emitted objects', () => {
  const objects = build();

  test('one ValidatingAdmissionPolicy and one binding per covered rule, named after the rule', () => {
    expect(objects).toHaveLength(2 * coveredRuleIds().length);
    coveredRuleIds().forEach((id, i) => {
      expect(objects[2 * i]).toMatchObject({ kind: 'ValidatingAdmissionPolicy', metadata: { name: `cdk8s-sidecars-${id}` } });
      expect(objects[2 * i + 1]).toMatchObject({ kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: `cdk8s-sidecars-${id}` }, spec: { policyName: `cdk8s-sidecars-${id}` } });
    });
    expect(coveredRuleIds()).toEqual(expect.arrayContaining(['job-helper-never-exits', 'init-container-never-exits', 'sidecar-missing-startup-probe', 'job-mesh-sidecar-injected']));
  });

  test('validate against the Kubernetes schema (kubernetes-models) with no unknown field (1.33 API types)', () => {
    for (const o of objects) {
      const Model = o.kind === 'ValidatingAdmissionPolicy' ? ValidatingAdmissionPolicy : ValidatingAdmissionPolicyBinding;
      expect(() => new Model(o as any).validate()).not.toThrow();
      expect({ name: o.metadata.name, unknown: unknownFields(o, 'cdk8s-plus-33') }).toEqual({ name: o.metadata.name, unknown: [] });
    }
  });

  test('API server limits: names are DNS subdomains, variable names CEL identifiers, messages one line', () => {
    for (const o of objects) {
      expect(o.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(o.metadata.name.length).toBeLessThanOrEqual(253);
      if (o.kind !== 'ValidatingAdmissionPolicy') continue;
      for (const v of o.spec.variables) expect(v.name).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
      for (const val of o.spec.validations) {
        expect(val.message).not.toMatch(/\n/);
        expect(val.message.length).toBeLessThan(1024);
      }
    }
  });

  test('every list and map literal has one element type, as the API server requires (HomogeneousAggregateLiterals); sizes within the parser limits', () => {
    const mixed: string[] = [];
    for (const o of objects) {
      if (o.kind !== 'ValidatingAdmissionPolicy') continue;
      const expressions = [
        ...o.spec.variables.map((v: any) => [v.name, v.expression]),
        ...o.spec.matchConditions.map((m: any) => [m.name, m.expression]),
        ...o.spec.validations.flatMap((v: any) => [['validation', v.expression], ['messageExpression', v.messageExpression]]),
        ...o.spec.auditAnnotations.map((a: any) => [a.key, a.valueExpression]),
      ];
      for (const [name, expr] of expressions) {
        for (const m of mixedLiterals(expr)) mixed.push(`${o.metadata.name} ${name}: ${m}`);
        // far within cel-go's default parser limits (100,000 code points, recursion depth 250)
        expect({ name, length: expr.length < 50_000, depth: astDepth(expr) <= 80 }).toEqual({ name, length: true, depth: true });
      }
    }
    expect([...new Set(mixed)]).toEqual([]);
    // an audit annotation must be typed exactly string or null; `cond ? 'text' : null` is neither (cel-go does not unify
    // string with null), so a blank string stands for "no annotation"
    for (const o of objects.filter(x => x.kind === 'ValidatingAdmissionPolicy')) {
      for (const a of o.spec.auditAnnotations) expect(a.valueExpression).not.toMatch(/:\s*null\s*\)*$/);
    }
    // the check itself: it finds what the API server rejects, and accepts what it takes
    expect(mixedLiterals("{'a': 1, 'b': 'x'}")).toHaveLength(1);
    expect(mixedLiterals("[1, 'x']")).toHaveLength(1);
    expect(mixedLiterals("{'a': has(o.x), 'b': o.y}")).toHaveLength(1);
    expect(mixedLiterals("{'a': dyn(1), 'b': dyn('x')}")).toEqual([]);
    expect(mixedLiterals("[a[0], a[1]] + ['x', 'y'] + [f(x)]")).toEqual([]);
  });

  test('bindings default to Warn + Audit; policies fail open (failurePolicy Ignore) on CREATE and UPDATE', () => {
    for (const o of objects) {
      if (o.kind === 'ValidatingAdmissionPolicyBinding') {expect(o.spec.validationActions).toEqual(['Warn', 'Audit']);} else {
        expect(o.spec.failurePolicy).toBe('Ignore');
        for (const r of o.spec.matchConstraints.resourceRules) expect(r.operations).toEqual(['CREATE', 'UPDATE']);
      }
    }
  });

  test('pod rules match every workload kind; Job rules only Jobs and CronJobs', () => {
    const resources = (id: string) => objects.find(o => o.metadata.name === `cdk8s-sidecars-${id}` && o.kind === 'ValidatingAdmissionPolicy')!
      .spec.matchConstraints.resourceRules.flatMap((r: any) => r.resources).sort();
    expect(resources('sidecar-missing-startup-probe')).toEqual(['cronjobs', 'daemonsets', 'deployments', 'jobs', 'pods', 'replicasets', 'replicationcontrollers', 'statefulsets']);
    expect(resources('init-container-never-exits')).toEqual(resources('sidecar-missing-startup-probe'));
    expect(resources('job-helper-never-exits')).toEqual(['cronjobs', 'jobs']);
    expect(resources('job-mesh-sidecar-injected')).toEqual(['cronjobs', 'jobs']);
  });

  test('a policy only carries the variables its rule reaches', () => {
    const vars = (id: string) => objects.find(o => o.metadata.name === `cdk8s-sidecars-${id}`)!.spec.variables.map((v: any) => v.name);
    expect(vars('sidecar-missing-startup-probe')).toEqual(['obj', 'podSpec', 'sidecarsRaw', 'sidecarsEvidence', 'sidecars', 'violations', 'undecided']);
    expect(vars('job-mesh-sidecar-injected')).toEqual(['obj', 'podSpec', 'podMeta', 'isJob', 'podLabels', 'podAnnotations', 'nsMeta', 'nsLabels', 'nsAnnotations',
      'containerNames', 'violations', 'undecided']);
  });
});

describe('messages', () => {
  test('name the rule id, the offending containers, the linter summary and the fix, like the linter', () => {
    const policy = build({ rules: ['job-helper-never-exits'] })[0];
    const v = evaluatePolicy(policy, jobWithHelper);
    expect(v.violations).toEqual(['db-tunnel']);
    expect(v.failures).toHaveLength(1);
    const [message] = v.failures;
    expect(message.startsWith("job-helper-never-exits: container 'db-tunnel': ")).toBe(true);
    expect(message).toContain(Linter.rule('job-helper-never-exits')!.summary);
    expect(message).toContain('Fix: move the helper to initContainers with restartPolicy: Always');
    expect(message).toContain(Linter.rule('job-helper-never-exits')!.docsUrl);
    expect(Linter.lintManifests([jobWithHelper]).map(f => [f.rule, f.container])).toContainEqual(['job-helper-never-exits', 'db-tunnel']);
  });
});

describe('what the policies read beyond the object', () => {
  const exportJob = (annotations: Record<string, string> = {}) => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'export', namespace: 'batch' },
    spec: { template: { metadata: { annotations }, spec: { restartPolicy: 'Never', containers: [{ name: 'export', image: 'ghcr.io/example/export:1.0.0' }] } } },
  });
  const ns = (labels: Record<string, string>, annotations: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'batch', labels, annotations } });
  const mesh = build({ rules: ['job-mesh-sidecar-injected'] })[0];

  test('mesh injection requested by the Namespace (namespaceObject), as the linter reads a Namespace in its input', () => {
    for (const [namespace, expected] of [
      [ns({ 'istio-injection': 'enabled' }), ['Istio']],
      [ns({ 'istio.io/rev': 'canary' }), ['Istio']],
      [ns({ 'istio-injection': 'disabled', 'istio.io/rev': 'canary' }), []],
      [ns({}, { 'linkerd.io/inject': 'enabled' }), ['Linkerd']],
      [ns({}, { 'linkerd.io/inject': 'enabled', 'config.linkerd.io/proxy-enable-native-sidecar': 'true' }), []],
    ] as const) {
      expect(evaluatePolicy(mesh, exportJob(), namespace).violations).toEqual(expected);
      expect(Linter.lintManifests([namespace, exportJob()]).filter(f => f.rule === 'job-mesh-sidecar-injected').length).toBe(expected.length);
    }
    expect(evaluatePolicy(mesh, exportJob({ 'sidecar.istio.io/nativeSidecar': 'true' }), ns({ 'istio-injection': 'enabled' })).violations).toEqual([]);
    expect(evaluatePolicy(mesh, exportJob()).violations).toEqual([]);
  });

  /** `jobWithHelper` with other regular containers. */
  const withContainers = (...containers: object[]) =>
    ({ ...jobWithHelper, spec: { template: { spec: { ...jobWithHelper.spec.template.spec, containers } } } });

  test('what a policy does not judge is admitted and named in the audit annotation `undecided`', () => {
    const helper = build({ rules: ['job-helper-never-exits'] })[0];
    const stopped = withContainers(
      // quotes: a script the CEL does not read
      { name: 'report', image: 'ghcr.io/example/report:1.4.2', command: ['/bin/sh', '-c', '/report; curl -X POST "localhost:9091/quitquitquit"'] },
      { name: 'cloud-sql-proxy', image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.0', args: ['--quitquitquit', '--port=5432', 'p:r:i'] },
    );
    const v = evaluatePolicy(helper, stopped);
    expect(v.failures).toEqual([]);
    expect(v.undecided).toEqual(['report', 'cloud-sql-proxy']);
    expect(v.audit.undecided).toBe('container not judged (read by the linter with tools CEL lacks): report, cloud-sql-proxy');
    expect(Linter.lintManifests([stopped]).map(f => f.rule)).not.toContain('job-helper-never-exits');
    expect(evaluatePolicy(helper, jobWithHelper).audit).toEqual({});
  });

  test('a flat script is read: a /quitquitquit call that always runs is admitted, one chained with && is rejected', () => {
    const helper = build({ rules: ['job-helper-never-exits'] })[0];
    const withScript = (script: string) => withContainers(
      { name: 'report', image: 'ghcr.io/example/report:1.4.2', command: ['/bin/sh', '-c', script] },
      { name: 'cloud-sql-proxy', image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.0', args: ['--quitquitquit', '--admin-port=9191', '--port=5432', 'p:r:i'] },
    );
    const cases: Array<[string, string[]]> = [
      ['/report; curl -X POST localhost:9191/quitquitquit', []],
      ['/report && curl -X POST localhost:9191/quitquitquit', ['cloud-sql-proxy']],
      ['/report || wget -q localhost:9191/quitquitquit', ['cloud-sql-proxy']],
      ['set -e\n/report\ncurl -X POST localhost:9191/quitquitquit', ['cloud-sql-proxy']],
      ['/report --all curl -X POST localhost:9191/quitquitquit', ['cloud-sql-proxy']],
      // a call to another port is not this proxy's stop; with --quitquitquit the caller may be inside the image
      ['/report; curl -X POST localhost:9091/quitquitquit', []],
      ['/report; pkill cloud-sql-proxy', []],
    ];
    for (const [script, rejected] of cases) {
      const v = evaluatePolicy(helper, withScript(script));
      expect({ script, violations: v.violations, undecided: v.undecided }).toEqual({ script, violations: rejected, undecided: [] });
      const lint = Linter.lintManifests([withScript(script)]).filter(f => f.rule === 'job-helper-never-exits').map(f => f.container);
      expect({ script, lint }).toEqual({ script, lint: rejected });
    }
  });
});

describe('matchConditions', () => {
  const ctx = (operation: string, oldObject: any, object: any) =>
    ({ object: toCel(object), oldObject: toCel(oldObject), request: toCel({ operation }) });
  const holds = (obj: any, op = 'CREATE', old: any = null) => matchConditions('job-helper-never-exits').every(mc => evalCel(mc.expression, ctx(op, old, obj)) === true);

  test('an UPDATE that leaves the spec alone (labels, finalizers) is never evaluated; a spec change is', () => {
    const relabeled = { ...jobWithHelper, metadata: { ...jobWithHelper.metadata, labels: { a: 'b' } } };
    expect(holds(jobWithHelper)).toBe(true);
    expect(holds(relabeled, 'UPDATE', jobWithHelper)).toBe(false);
    const changed = { ...jobWithHelper, spec: { ...jobWithHelper.spec, parallelism: 2 } };
    expect(holds(changed, 'UPDATE', jobWithHelper)).toBe(true);
  });

  test('the linter annotation suppresses the rule (by id or all; object, pod template or CronJob Job template)', () => {
    const annotated = (where: 'object' | 'template', value: string) => where === 'object'
      ? { ...jobWithHelper, metadata: { ...jobWithHelper.metadata, annotations: { 'lint.cdk8s-sidecars.io/ignore': value } } }
      : { ...jobWithHelper, spec: { template: { ...jobWithHelper.spec.template, metadata: { annotations: { 'lint.cdk8s-sidecars.io/ignore': value } } } } };
    expect(holds(annotated('object', 'job-helper-never-exits'))).toBe(false);
    expect(holds(annotated('template', 'image-latest-or-untagged, job-helper-never-exits'))).toBe(false);
    expect(holds(annotated('object', 'all'))).toBe(false);
    expect(holds(annotated('object', 'job-helper-never-exits-x'))).toBe(true);
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { schedule: '@daily', jobTemplate: { metadata: { annotations: { 'lint.cdk8s-sidecars.io/ignore': 'job-helper-never-exits' } }, spec: jobWithHelper.spec } } };
    expect(holds(cron)).toBe(false);
    expect(Linter.lintManifests([cron]).filter(f => f.rule === 'job-helper-never-exits')).toEqual([]);
  });
});

describe('options', () => {
  const err = (f: () => unknown) => { try { f(); } catch (e) { return e as PolicyOptionError; } throw new Error('no error'); };

  test('Kubernetes below 1.30 is refused with the reason', () => {
    const e = err(() => build({ kubernetesVersion: { major: 1, minor: 29 } }));
    expect(e.option).toBe('kubernetesVersion');
    expect(e.message).toMatch(/1\.29 is too old: ValidatingAdmissionPolicy .* GA from 1\.30/);
    expect(build({ kubernetesVersion: { major: 1, minor: 35 } })).toHaveLength(2 * coveredRuleIds().length);
  });

  test('actions: Deny is opt-in, Deny+Warn and unknown or repeated actions are refused', () => {
    expect(build({ actions: ['Deny'] })[1].spec.validationActions).toEqual(['Deny']);
    expect(build({ actions: ['Deny', 'Audit'] })[1].spec.validationActions).toEqual(['Deny', 'Audit']);
    expect(err(() => build({ actions: ['Deny', 'Warn'] })).message).toMatch(/Deny and Warn cannot be combined/);
    expect(err(() => build({ actions: ['deny'] })).message).toMatch(/unknown action 'deny'/);
    expect(err(() => build({ actions: ['Warn', 'Warn'] })).message).toMatch(/given twice/);
    expect(err(() => build({ actions: [] })).option).toBe('actions');
  });

  test('rules: a subset, in catalog order; an uncovered rule says why; an unknown one lists the covered', () => {
    const names = build({ rules: ['sidecar-missing-startup-probe', 'job-helper-never-exits'] }).map(o => o.metadata.name);
    expect(names).toEqual(['cdk8s-sidecars-job-helper-never-exits', 'cdk8s-sidecars-job-helper-never-exits', 'cdk8s-sidecars-sidecar-missing-startup-probe', 'cdk8s-sidecars-sidecar-missing-startup-probe']);
    expect(err(() => build({ rules: ['pss-restricted'] })).message).toContain(NOT_COVERED_RULES['pss-restricted']);
    expect(err(() => build({ rules: ['nope'] })).message).toMatch(/unknown rule 'nope': covered rules are job-helper-never-exits/);
  });
});
