// The cdk8s validation plugin: in-process with a fake context, then through the real cdk8s CLI (`cdk8s synth`
// loading `./node_modules/cdk8s-sidecars`, i.e. the compiled lib/ of this repo: `npm test` compiles first).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { IValidationContext, LintViolation, Severity, SidecarLintValidation } from '../../src';

const root = path.join(__dirname, '..', '..');
const fixtures = path.join(__dirname, 'fixtures');

interface FakeReport { violations: LintViolation[]; status?: string; metadata?: Record<string, string> }

function fakeContext(manifests: string[]): { context: IValidationContext; report: FakeReport; logs: string[] } {
  const report: FakeReport = { violations: [] };
  const logs: string[] = [];
  const context: IValidationContext = {
    manifests,
    report: {
      addViolation: v => { report.violations.push(v); },
      submit: (status, metadata) => { report.status = status; report.metadata = metadata; },
    },
    logger: { log: m => { logs.push(m); } },
  };
  return { context, report, logs };
}

describe('SidecarLintValidation (in-process)', () => {
  test('reports every finding as a violation and fails on error findings', async () => {
    const file = path.join(fixtures, 'seed-broken.yaml');
    const { context, report, logs } = fakeContext([file]);
    await new SidecarLintValidation().validate(context);
    expect(report.status).toBe('failure');
    expect(report.metadata).toMatchObject({ kubernetesVersion: '1.29', errors: '3' });
    const v = report.violations.find(x => x.ruleName === 'sidecar-missing-startup-probe')!;
    expect(v.recommendation).toMatch(/^\[error\] sidecar 'db-helper' declares port 5432 but has no startupProbe/);
    expect(v.fix).toContain('startupProbe');
    expect(v.violatingResources).toEqual([{ resourceName: 'sync', locations: ['spec/template/spec/initContainers/0/startupProbe'], manifestPath: file }]);
    expect(report.violations.map(x => x.ruleName)).toEqual(expect.arrayContaining(['job-helper-never-exits', 'init-container-never-exits']));
    expect(logs[0]).toMatch(/3 error\(s\)/);
  });

  test('succeeds when there are only warnings and infos; honours minSeverity and ignoreRules', async () => {
    const { context, report } = fakeContext([path.join(fixtures, 'seed-fixed.yaml')]);
    await new SidecarLintValidation({ minSeverity: Severity.WARNING }).validate(context);
    expect(report.status).toBe('success');
    expect(report.violations).toEqual([]);

    const broken = fakeContext([path.join(fixtures, 'seed-broken.yaml')]);
    await new SidecarLintValidation({ ignoreRules: ['job-helper-never-exits', 'init-container-never-exits', 'sidecar-missing-startup-probe'] }).validate(broken.context);
    expect(broken.report.status).toBe('success');
  });

  test('info findings are not violations by default (cdk8s synth prints every violation); minSeverity: info reports them', async () => {
    const quiet = fakeContext([path.join(fixtures, 'seed-fixed.yaml')]);
    await new SidecarLintValidation().validate(quiet.context);
    expect(quiet.report.status).toBe('success');
    expect(quiet.report.violations).toEqual([]);
    expect(quiet.report.metadata).toMatchObject({ infos: '0' });

    const all = fakeContext([path.join(fixtures, 'seed-fixed.yaml')]);
    await new SidecarLintValidation({ minSeverity: Severity.INFO }).validate(all.context);
    expect(all.report.status).toBe('success');
    expect(all.report.violations.length).toBeGreaterThan(0);
    for (const v of all.report.violations) expect(v.recommendation).toMatch(/^\[info\] /);
  });

  test('the deprecated `ignore` property still works, is merged with ignoreRules, and logs a deprecation notice', async () => {
    const { context, report, logs } = fakeContext([path.join(fixtures, 'seed-broken.yaml')]);
    await new SidecarLintValidation({ ignore: ['job-helper-never-exits', 'init-container-never-exits'], ignoreRules: ['sidecar-missing-startup-probe'] }).validate(context);
    expect(report.status).toBe('success');
    const rules = report.violations.map(v => v.ruleName);
    for (const r of ['job-helper-never-exits', 'init-container-never-exits', 'sidecar-missing-startup-probe']) expect(rules).not.toContain(r);
    expect(logs[0]).toMatch(/properties\.ignore is deprecated, use 'ignoreRules'/);
    // a comma-separated string, as a YAML scalar
    const csv = fakeContext([path.join(fixtures, 'seed-broken.yaml')]);
    await new SidecarLintValidation({ ignoreRules: 'job-helper-never-exits, init-container-never-exits,sidecar-missing-startup-probe' as any }).validate(csv.context);
    expect(csv.report.status).toBe('success');
  });

  test('properties come from YAML as strings: version, severity, feature gate', async () => {
    const { context, report } = fakeContext([path.join(fixtures, 'seed-fixed.yaml')]);
    await new SidecarLintValidation({ kubernetesVersion: '1.28', minSeverity: 'error' as Severity }).validate(context);
    expect(report.status).toBe('failure');
    expect(report.violations.map(v => v.ruleName)).toEqual(['native-sidecar-unsupported-version']);
    const gated = fakeContext([path.join(fixtures, 'seed-fixed.yaml')]);
    await new SidecarLintValidation({ kubernetesVersion: '1.28', sidecarContainersFeatureGate: 'true' as any }).validate(gated.context);
    expect(gated.report.status).toBe('success');
    const full = fakeContext([path.join(fixtures, 'seed-fixed.yaml')]);
    await new SidecarLintValidation({ kubernetesVersion: 'v1.30.2-gke.100' }).validate(full.context);
    expect(full.report).toMatchObject({ status: 'success', metadata: { kubernetesVersion: '1.30' } });
  });

  /** Construct (never throws) and validate: the failure's invalid-plugin-properties messages. */
  async function propertyErrors(props: Record<string, unknown>): Promise<string[]> {
    const plugin = new SidecarLintValidation(props as any);
    const { context, report } = fakeContext([path.join(fixtures, 'seed-fixed.yaml')]);
    await plugin.validate(context);
    expect(report.status).toBe('failure');
    for (const v of report.violations) {
      expect(v.ruleName).toBe('invalid-plugin-properties');
      // one location holding the message: the cdk8s CLI prints "(1 occurrences)" and lists it, not an empty list
      expect(v.violatingResources).toEqual([{ resourceName: 'SidecarLintValidation', locations: [v.recommendation.replace('[error] SidecarLintValidation: ', '')], manifestPath: 'cdk8s.yaml' }]);
    }
    return report.violations.map(v => v.recommendation);
  }

  test('an unquoted kubernetesVersion (the YAML number 1.30 is 1.3) is a failed validation, not a silent 1.3', async () => {
    const [message, ...rest] = await propertyErrors({ kubernetesVersion: 1.3 });
    expect(rest).toEqual([]);
    expect(message).toBe("[error] SidecarLintValidation: properties.kubernetesVersion must be a version string like '1.30' (a number such as 1.30 would read as 1.3); got the number 1.3. Quote it in cdk8s.yaml: kubernetesVersion: \"1.30\"");
    // even a number that would read right is rejected: the next upgrade to 1.30 would silently break
    expect((await propertyErrors({ kubernetesVersion: 1.29 }))[0]).toMatch(/must be a version string like '1\.30'.*got the number 1\.29/);
  });

  test('impossible versions are rejected: 2.0, 0.5, 1.100, text', async () => {
    for (const [v, why] of [['2.0', /Kubernetes 2\.0 does not exist/], ['0.5', /Kubernetes 0\.5 does not exist/], ['1.100', /1\.100 is not a plausible Kubernetes minor/], ['latest', /got 'latest'$/]] as Array<[string, RegExp]>) {
      const [message] = await propertyErrors({ kubernetesVersion: v });
      expect(message).toMatch(/^\[error\] SidecarLintValidation: properties\.kubernetesVersion must be a Kubernetes 1\.x release like '1\.29'/);
      expect(message).toMatch(why);
    }
  });

  test('other invalid properties are failed validations too, all reported at once, and nothing is linted', async () => {
    const messages = await propertyErrors({ minSeverity: 'fatal', sidecarContainersFeatureGate: 'yes', ignoreRule: ['x'] });
    expect(messages).toEqual([
      expect.stringMatching(/unknown property 'ignoreRule' \(known: kubernetesVersion, sidecarContainersFeatureGate, minSeverity, ignoreRules\)/),
      expect.stringMatching(/properties\.minSeverity must be error, warning or info, got "fatal"/),
      expect.stringMatching(/properties\.sidecarContainersFeatureGate must be true or false, got "yes"/),
    ]);
    expect(await propertyErrors({ ignoreRules: ['nope'] })).toEqual([expect.stringMatching(/SidecarLintValidation: properties: unknown lint rule id 'nope'/)]);
  });

  test('an unreadable manifest fails the report', async () => {
    const { context, report } = fakeContext([path.join(fixtures, 'does-not-exist.yaml')]);
    await new SidecarLintValidation().validate(context);
    expect(report.status).toBe('failure');
    expect(report.violations[0].recommendation).toMatch(/does-not-exist\.yaml: cannot read/);
    expect(report.violations[0].violatingResources[0].locations[0]).toMatch(/does-not-exist\.yaml: cannot read: no such file or directory/);
  });

  test('a malformed manifest (duplicate key) fails the report with file, line and column', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-'));
    const file = path.join(dir, 'dup.k8s.yaml');
    fs.writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\nkind: Secret\n');
    const { context, report } = fakeContext([file]);
    await new SidecarLintValidation().validate(context);
    fs.rmSync(dir, { recursive: true, force: true });
    expect(report.status).toBe('failure');
    expect(report.violations.map(v => v.ruleName)).toEqual(['unreadable-manifest']);
    expect(report.violations[0].violatingResources[0]).toMatchObject({ resourceName: 'dup.k8s.yaml', manifestPath: file });
    expect(report.violations[0].recommendation).toContain(`${file}:5:1: malformed YAML: duplicate key 'kind' (first at line 2)`);
  });
});

describe('SidecarLintValidation with the real cdk8s CLI', () => {
  let app: string;
  const MAIN_JS = `
const { App, Chart, Cron, Duration } = require('cdk8s');
const kplus = require('cdk8s-plus-28');
const app = new App();
const chart = new Chart(app, 'nightly');
const cron = new kplus.CronJob(chart, 'report', {
  schedule: Cron.daily(),
  activeDeadline: Duration.minutes(10),
  containers: [{ name: 'report', image: 'ghcr.io/example/report:1.4.2', command: ['/report'] }],
});
const helper = { name: 'db-tunnel', image: 'ghcr.io/example/db-tunnel:2.1.0', portNumber: 5432 };
if (process.env.LINT_VARIANT === 'broken') {
  // the classic mistake: the helper as a second regular container
  cron.addContainer(helper);
} else {
  cron.addInitContainer({
    ...helper,
    restartPolicy: kplus.ContainerRestartPolicy.ALWAYS,
    startup: kplus.Probe.fromTcpSocket({ port: 5432, periodSeconds: Duration.seconds(1), initialDelaySeconds: Duration.seconds(0), failureThreshold: 60 }),
  });
}
app.synth();
`;
  const CDK8S_YAML = `language: typescript
app: node main.js
validations:
  - package: ./node_modules/cdk8s-sidecars
    version: 0.0.0
    class: SidecarLintValidation
    properties:
      kubernetesVersion: "1.29"
`;

  beforeAll(() => {
    app = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-plugin-'));
    fs.writeFileSync(path.join(app, 'main.js'), MAIN_JS);
    fs.writeFileSync(path.join(app, 'cdk8s.yaml'), CDK8S_YAML);
    const nm = path.join(app, 'node_modules');
    fs.mkdirSync(nm);
    for (const m of ['cdk8s', 'cdk8s-plus-28', 'constructs']) fs.symlinkSync(path.join(root, 'node_modules', m), path.join(nm, m), 'dir');
    // the package under test, as a user would install it: its package.json "main" is lib/index.js
    fs.symlinkSync(root, path.join(nm, 'cdk8s-sidecars'), 'dir');
  });
  afterAll(() => fs.rmSync(app, { recursive: true, force: true }));

  function synth(variant: string, cdk8sYaml = CDK8S_YAML) {
    expect(fs.existsSync(path.join(root, 'lib', 'index.js'))).toBe(true); // run `npx projen compile` first
    fs.writeFileSync(path.join(app, 'cdk8s.yaml'), cdk8sYaml);
    return spawnSync(path.join(root, 'node_modules', '.bin', 'cdk8s'), ['synth', '--no-check-upgrade'], {
      cwd: app,
      encoding: 'utf8',
      env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', LINT_VARIANT: variant },
      timeout: 50_000,
    });
  }

  test('fails `cdk8s synth` of a chart with a broken sidecar, naming the rule, construct path and fix', () => {
    const r = synth('broken');
    const out = `${r.stdout}${r.stderr}`;
    expect(r.status).toBe(2);
    expect(out).toContain('job-helper-never-exits');
    expect(out).toContain('Construct Path: nightly/report/Resource');
    expect(out).toContain('spec/jobTemplate/spec/template/spec/containers/1');
    expect(out).toContain("move 'db-tunnel' from containers to initContainers");
    expect(out).toContain('Validation failed');
  }, 60_000);

  test('passes `cdk8s synth` of the fixed chart (native sidecar with a startup probe)', () => {
    const r = synth('fixed');
    const out = `${r.stdout}${r.stderr}`;
    expect(r.status).toBe(0);
    expect(out).toContain('Validations ended succesfully');
    expect(out).not.toContain('job-helper-never-exits');
    // info findings are not printed as violations (the default minSeverity of the plugin is warning)
    expect(out).not.toContain('[info]');
    expect(fs.readFileSync(path.join(app, 'dist', 'nightly.k8s.yaml'), 'utf8')).toContain('restartPolicy: Always');
  }, 60_000);

  test('an unquoted kubernetesVersion in cdk8s.yaml fails `cdk8s synth` with the reason, not a stack trace or a silent 1.3', () => {
    const r = synth('fixed', CDK8S_YAML.replace('kubernetesVersion: "1.29"', 'kubernetesVersion: 1.30\n      ignore: [cronjob-missing-time-zone]'));
    const out = `${r.stdout}${r.stderr}`;
    expect(r.status).toBe(2);
    expect(out).toContain('invalid-plugin-properties (1 occurrences)');
    expect(out).not.toContain('(0 occurrences)');
    expect(out).toContain("must be a version string like '1.30' (a number such as 1.30 would read as 1.3)");
    expect(out).toContain('Validation failed');
    expect(out).not.toMatch(/\n\s+at /);
    expect(out).not.toContain('native-sidecar-unsupported-version');
  }, 60_000);
});
