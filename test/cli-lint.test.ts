// `cdk8s-sidecars lint`: in-process through main() with a fake CommandIo, plus the built binary (lib/cli.js).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { CommandIo } from '../src/_cli-io';
import { main } from '../src/cli';
import { sarifArtifactLocation } from '../src/lint/_format';

const root = path.join(__dirname, '..');
const fixtures = path.join(__dirname, 'lint', 'fixtures');
const BROKEN = path.join(fixtures, 'seed-broken.yaml');
const FIXED = path.join(fixtures, 'seed-fixed.yaml');

interface Run { code: number; stdout: string; stderr: string }

async function run(args: string[], stdin = ''): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = { stdout: t => { stdout += t; }, stderr: t => { stderr += t; }, readStdin: async () => stdin };
  const code = await main(['lint', ...args], io);
  return { code, stdout, stderr };
}

let tmp: string;
beforeAll(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-lint-')); });
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
function write(name: string, text: string): string {
  const p = path.join(tmp, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
}

/** An input error: exit 2, one line on stderr naming the file, nothing on stdout, no stack trace. */
function expectOneLineError(r: Run, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr.trimEnd()).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('--format json', () => {
  test('reports the three seed patterns and exits 1', async () => {
    const r = await run(['--format', 'json', BROKEN]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    const errors = out.findings.filter((f: any) => f.severity === 'error');
    expect(errors.map((f: any) => f.rule)).toEqual(['job-helper-never-exits', 'init-container-never-exits', 'sidecar-missing-startup-probe']);
    for (const f of out.findings) {
      expect(Object.keys(f).sort()).toEqual(['container', 'file', 'fix', 'kind', 'line', 'message', 'name', 'namespace', 'path', 'rule', 'severity']);
      expect(f.file).toBe(BROKEN);
    }
    expect(errors[0]).toMatchObject({ kind: 'CronJob', name: 'nightly-report', namespace: 'reports', container: 'db-helper', line: 23 });
    expect(out.summary).toMatchObject({ errors: 3, objects: 3, files: 1, kubernetesVersion: '1.29' });
  });

  test('the fixed CronJob has no error finding and exits 0', async () => {
    const r = await run(['--format', 'json', FIXED]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.findings.filter((f: any) => f.severity !== 'info')).toEqual([]);
    expect(out.summary.errors).toBe(0);
  });

  test('null for absent namespace and container', async () => {
    const p = write('no-ns.yaml', 'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: "0 3 * * *"\n  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: t, image: "x:1"}]}}}}\n');
    const out = JSON.parse((await run(['--format=json', p])).stdout);
    const f = out.findings.find((x: any) => x.rule === 'cronjob-concurrency-policy');
    expect(f).toMatchObject({ namespace: null, container: null, path: 'spec.concurrencyPolicy' });
  });
});

describe('--format text (default)', () => {
  test('one line per finding naming file, object, container, severity and rule, then the fix and a summary', async () => {
    const r = await run([BROKEN]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toContain(`${BROKEN}:23: CronJob/reports/nightly-report container 'db-helper': [error] job-helper-never-exits: container 'db-helper' declares port 5432 as a regular container of a CronJob pod: it never exits, so the Job never completes (and the other containers race its start-up)`);
    const i = lines.findIndex(l => l.includes('init-container-never-exits'));
    expect(lines[i]).toMatch(new RegExp(`^${BROKEN.replace(/[.]/g, '\\.')}:40: Job/reports/migrate container 'db-helper': \\[error\\] init-container-never-exits: `));
    expect(lines[i + 1]).toMatch(/^ {4}fix: add restartPolicy: Always/);
    expect(lines[lines.length - 1]).toMatch(/^\d+ findings \(3 errors, \d+ warnings, \d+ info\) in 3 objects from 1 input \(Kubernetes 1\.29\)$/);
  });

  test('--min-severity error hides warnings and infos', async () => {
    const r = await run(['--min-severity', 'error', BROKEN]);
    expect(r.stdout).not.toMatch(/\[(warning|info)\]/);
    expect(r.stdout).toMatch(/3 findings \(3 errors, 0 warnings, 0 info\)/);
  });

  test('a clean input says so and exits 0', async () => {
    const p = write('clean.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n');
    const r = await run([p]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe('no findings in 1 object from 1 input (Kubernetes 1.29)\n');
  });
});

describe('--format sarif', () => {
  test('is SARIF 2.1.0 with rules (id, shortDescription, helpUri) and located results', async () => {
    const r = await run(['--format', 'sarif', BROKEN]);
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.stdout);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    const run0 = sarif.runs[0];
    expect(run0.tool.driver.name).toBe('cdk8s-sidecars');
    const rules = run0.tool.driver.rules;
    for (const rule of rules) {
      expect(rule.id).toMatch(/^[a-z0-9-]+$/);
      expect(rule.shortDescription.text.length).toBeGreaterThan(0);
      expect(rule.helpUri).toBe(`https://github.com/cdk8s-sidecars/cdk8s-sidecars/blob/main/docs/rules.md#${rule.id}`);
      expect(['error', 'warning', 'note']).toContain(rule.defaultConfiguration.level);
    }
    const errors = run0.results.filter((x: any) => x.level === 'error');
    expect(errors.map((x: any) => x.ruleId)).toEqual(['job-helper-never-exits', 'init-container-never-exits', 'sidecar-missing-startup-probe']);
    for (const res of run0.results) {
      expect(rules[res.ruleIndex].id).toBe(res.ruleId);
      expect(res.message.text.length).toBeGreaterThan(0);
      const loc = res.locations[0].physicalLocation;
      // below the working directory: relative to %SRCROOT%, not an absolute path
      expect(loc.artifactLocation).toEqual({ uri: path.relative(process.cwd(), BROKEN).split(path.sep).join('/'), uriBaseId: '%SRCROOT%' });
      expect(Number.isInteger(loc.region.startLine) && loc.region.startLine >= 1).toBe(true);
    }
    expect(errors.map((x: any) => x.locations[0].physicalLocation.region.startLine)).toEqual([23, 40, 61]);
    expect(run0.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: `${pathToFileURL(process.cwd()).href}/` } });
    expectValidSarifLocations(sarif);
  });

  test('a file outside the working directory gets an absolute file:// URI without uriBaseId', async () => {
    const outside = write('out side/seed.yaml', fs.readFileSync(BROKEN, 'utf8'));
    expect(path.relative(process.cwd(), outside).startsWith('..')).toBe(true); // os.tmpdir() is not below the repo
    const sarif = JSON.parse((await run(['--format', 'sarif', outside])).stdout);
    const loc = sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation;
    expect(loc).toEqual({ uri: pathToFileURL(outside).href });
    expect(loc.uri).toMatch(/^file:\/\/\/.*\/out%20side\/seed\.yaml$/);
    expect(sarif.runs[0].originalUriBaseIds).toBeUndefined();
    expectValidSarifLocations(sarif);
  });

  test('sarifArtifactLocation: relative below cwd (percent-encoded), file:// outside, stdin', () => {
    const cwd = path.resolve('/repo');
    expect(sarifArtifactLocation('dist/my app.k8s.yaml', cwd)).toEqual({ uri: 'dist/my%20app.k8s.yaml', uriBaseId: '%SRCROOT%' });
    expect(sarifArtifactLocation(path.join(cwd, 'sub', 'a:b.yaml'), cwd)).toEqual({ uri: 'sub/a%3Ab.yaml', uriBaseId: '%SRCROOT%' });
    expect(sarifArtifactLocation('./x.yaml', cwd)).toEqual({ uri: 'x.yaml', uriBaseId: '%SRCROOT%' });
    expect(sarifArtifactLocation('../other/x.yaml', cwd)).toEqual({ uri: pathToFileURL(path.resolve('/other/x.yaml')).href });
    expect(sarifArtifactLocation(path.resolve('/repository/x.yaml'), cwd)).toEqual({ uri: pathToFileURL(path.resolve('/repository/x.yaml')).href });
    expect(sarifArtifactLocation('<stdin>', cwd)).toEqual({ uri: 'stdin' });
  });
});

/**
 * The SARIF 2.1.0 rules for locations (§3.4, §3.14.14): a `uriBaseId` must be declared in `originalUriBaseIds`,
 * whose URIs are absolute and end with a slash; a URI with a `uriBaseId` is a relative reference (no scheme, no
 * leading slash, no `..`); without one, a real file's URI is an absolute `file://` URI.
 */
function expectValidSarifLocations(sarif: any): void {
  for (const r of sarif.runs) {
    for (const [id, base] of Object.entries<any>(r.originalUriBaseIds ?? {})) {
      expect({ id, uri: base.uri }).toEqual({ id, uri: expect.stringMatching(/^file:\/\/\/.*\/$/) });
    }
    for (const res of r.results) {
      const loc = res.locations[0].physicalLocation.artifactLocation;
      expect(Object.keys(loc).every(k => k === 'uri' || k === 'uriBaseId')).toBe(true);
      if (loc.uriBaseId !== undefined) {
        expect(r.originalUriBaseIds?.[loc.uriBaseId]).toBeDefined();
        expect(loc.uri).not.toMatch(/^[a-z][a-z0-9+.-]*:|^\/|(^|\/)\.\.(\/|$)/i);
      } else if (loc.uri !== 'stdin') {
        expect(loc.uri).toMatch(/^file:\/\/\//);
      }
      expect(decodeURIComponent(loc.uri)).not.toContain('\\');
    }
  }
}

describe('inputs', () => {
  test('a directory is read recursively, and - reads stdin', async () => {
    write('dir/a/one.yaml', fs.readFileSync(BROKEN, 'utf8'));
    write('dir/b/two.json', JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }] }));
    const r = await run(['--format', 'json', path.join(tmp, 'dir')]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).summary).toMatchObject({ objects: 4, files: 2 });

    const s = await run(['--format', 'json', '-'], fs.readFileSync(BROKEN, 'utf8'));
    expect(s.code).toBe(1);
    expect(JSON.parse(s.stdout).findings[0].file).toBe('<stdin>');
  });

  test('--kubernetes-version 1.28 flags native sidecars; --feature-gates SidecarContainers=true accepts them', async () => {
    const a = JSON.parse((await run(['--format', 'json', '--kubernetes-version', '1.28', FIXED])).stdout);
    expect(a.findings.map((f: any) => f.rule)).toContain('native-sidecar-unsupported-version');
    expect(a.summary.kubernetesVersion).toBe('1.28');
    const b = await run(['--format', 'json', '--kubernetes-version', 'v1.28.4', '--feature-gates', 'SidecarContainers=true', FIXED]);
    expect(b.code).toBe(0);
    expect(JSON.parse(b.stdout).findings.map((f: any) => f.rule)).not.toContain('native-sidecar-unsupported-version');
  });

  test('--ignore drops rules; --list-rules prints the catalog', async () => {
    const r = await run(['--ignore', 'job-helper-never-exits,init-container-never-exits,sidecar-missing-startup-probe', BROKEN]);
    expect(r.code).toBe(0);
    const l = await run(['--list-rules']);
    expect(l.code).toBe(0);
    expect(l.stdout).toMatch(/^job-helper-never-exits\s+error\s+/m);
  });
});

describe('errors: one line, exit 2, never a stack trace', () => {
  test('malformed YAML names the file, line and column', async () => {
    const p = write('bad.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n');
    expectOneLineError(await run([p]), new RegExp(`^cdk8s-sidecars: ${p}:\\d+:\\d+: malformed YAML`));
  });

  test('an empty file', async () => {
    const p = write('empty.yaml', '');
    expectOneLineError(await run([p]), new RegExp(`^cdk8s-sidecars: ${p}: no Kubernetes objects found`));
    const c = write('comments.yaml', '# nothing\n---\n');
    expectOneLineError(await run([c]), /no Kubernetes objects found/);
  });

  test('a non-Kubernetes document names the file and the document line', async () => {
    const p = write('not-k8s.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nname: my-app\nversion: 1.0.0\n');
    expectOneLineError(await run([p]), new RegExp(`^cdk8s-sidecars: ${p}:5: not a Kubernetes object`));
  });

  test('a missing file', async () => {
    const p = path.join(tmp, 'nope.yaml');
    expectOneLineError(await run([p]), new RegExp(`^cdk8s-sidecars: ${p}: cannot read: no such file or directory`));
  });

  test('usage errors: bad format, version, severity, rule id, gate, no input', async () => {
    for (const [args, pattern] of [
      [['--format', 'xml', FIXED], /--format must be one of text, json, sarif/],
      [['--kubernetes-version', 'latest', FIXED], /option '--kubernetes-version' must be a Kubernetes 1\.x release like '1\.29' or 'v1\.29\.3' \(1\.0 to 1\.99\), got 'latest'$/],
      [['--kubernetes-version', '2.0', FIXED], /option '--kubernetes-version' must be a Kubernetes 1\.x release .*, got '2\.0': Kubernetes 2\.0 does not exist/],
      [['--kubernetes-version', '0.5', FIXED], /got '0\.5': Kubernetes 0\.5 does not exist/],
      [['--kubernetes-version', '1.100', FIXED], /got '1\.100': 1\.100 is not a plausible Kubernetes minor \(expected 1\.0 to 1\.99\)/],
      [['--min-severity', 'fatal', FIXED], /--min-severity must be error, warning or info/],
      [['--ignore', 'no-such-rule', FIXED], /unknown lint rule id 'no-such-rule'/],
      [['--feature-gates', 'SidecarContainers', FIXED], /option '--feature-gates' expects Name=true\|false/],
      [[], /no input/],
      [['--bogus', FIXED], /unknown option '--bogus'/],
    ] as Array<[string[], RegExp]>) {
      const r = await run(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n')[0]).toMatch(pattern); // the message is one line, then the --help hint
      expect(r.stderr).toMatch(/Run 'cdk8s-sidecars lint --help' for usage\.\n$/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  test('--help prints the usage and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: cdk8s-sidecars lint/);
    expect(r.stdout).toContain('--kubernetes-version');
  });
});

describe('input that would lose objects or crash: reported, the rest still linted', () => {
  const BROKEN_TEXT = () => fs.readFileSync(BROKEN, 'utf8');

  test('a directory scan reports a malformed file (one line) and still lints and prints the others; exit 2', async () => {
    const dir = path.join(tmp, 'scan');
    write('scan/a-broken.yaml', BROKEN_TEXT());
    // two objects joined without `---`: a duplicate key, not a silently lost CronJob
    write('scan/b-joined.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\napiVersion: batch/v1\nkind: CronJob\n');
    write('scan/c-fixed.yaml', fs.readFileSync(FIXED, 'utf8'));
    const r = await run(['--format', 'json', dir]);
    expect(r.code).toBe(2);
    const joined = path.join(dir, 'b-joined.yaml');
    expect(r.stderr).toBe(`cdk8s-sidecars: ${joined}:5:1: malformed YAML: duplicate key 'apiVersion' (first at line 1); two objects joined without '---'?\n`);
    const out = JSON.parse(r.stdout);
    expect(out.inputErrors).toEqual([expect.stringContaining(`${joined}:5:1: malformed YAML: duplicate key`)]);
    expect(out.findings.filter((f: any) => f.severity === 'error').map((f: any) => f.rule)).toEqual(['job-helper-never-exits', 'init-container-never-exits', 'sidecar-missing-startup-probe']);
    expect(new Set(out.findings.map((f: any) => path.basename(f.file)))).toEqual(new Set(['a-broken.yaml', 'c-fixed.yaml']));

    const sarif = JSON.parse((await run(['--format', 'sarif', dir])).stdout).runs[0];
    expect(sarif.invocations).toEqual([{ executionSuccessful: false, toolExecutionNotifications: [{ level: 'error', message: { text: expect.stringContaining(`${joined}:5:1: malformed YAML`) } }] }]);
    expect(sarif.results.length).toBe(out.findings.length);

    const text = await run([dir]);
    expect(text.code).toBe(2);
    expect(text.stdout).toMatch(/job-helper-never-exits/);
    expect(text.stdout.trimEnd().split('\n').pop()).toMatch(/ from 2 inputs \(Kubernetes 1\.29\); 1 input not linted \(malformed or unreadable, see above\)$/);
  });

  test('several explicit inputs: a missing one is reported, the others linted; exit 2 even with error findings', async () => {
    const missing = path.join(tmp, 'missing.yaml');
    const r = await run([missing, BROKEN]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`cdk8s-sidecars: ${missing}: cannot read: no such file or directory\n`);
    expect(r.stdout).toMatch(/init-container-never-exits/);
  });

  test('finding lines point at the offending container, not at the start of the object', async () => {
    const out = JSON.parse((await run(['--format', 'json', BROKEN])).stdout);
    const lines = BROKEN_TEXT().split('\n');
    for (const f of out.findings.filter((x: any) => x.container)) {
      // the line holds the container's `- name: <container>` item (or a key inside it)
      const text = lines[f.line - 1];
      expect(text).toMatch(/^\s+(- name: |[a-zA-Z]+:)/);
      expect(f.line).toBeGreaterThan(3);
    }
    const probe = out.findings.find((f: any) => f.rule === 'sidecar-missing-startup-probe');
    expect(lines[probe.line - 1]).toMatch(/- name: db-helper/);
  });

  test("cdk8s's construct-metadata.json is skipped silently in a directory scan; other non-manifests get a note", async () => {
    write('dist/app.k8s.yaml', fs.readFileSync(FIXED, 'utf8'));
    write('dist/construct-metadata.json', JSON.stringify({ version: '1.0.0', resources: {} }));
    write('dist/values.json', JSON.stringify({ replicas: 3 }));
    const r = await run([path.join(tmp, 'dist')]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('construct-metadata.json');
    expect(r.stderr).toMatch(/note: skipped .*values\.json:1: not a Kubernetes object/);
  });

  test('wrong types on the fields the CLI reads are one-line errors, not [object Object]', async () => {
    for (const [doc, pattern] of [
      ['apiVersion: v1\nkind: Pod\nmetadata:\n  name: {a: 1}\n', /:1: Pod: 'metadata\.name' must be a string, got \{"a":1\}$/],
      ['apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: [a]\n', /:1: Pod\/p: 'metadata\.namespace' must be a string, got \["a"\]$/],
      ['apiVersion: v1\nkind: Pod\nmetadata: [x]\n', /:1: Pod: 'metadata' must be a mapping, got \["x"\]$/],
      ['apiVersion: v1\nkind: [Pod]\n', /:1: 'kind' must be a string, got \["Pod"\]$/],
      ['apiVersion: v1\nkind: List\nitems: {a: 1}\n', /:1: List: 'items' must be a list, got \{"a":1\}$/],
    ] as Array<[string, RegExp]>) {
      const r = await run([write('typed.yaml', doc)]);
      expectOneLineError(r, pattern);
      expect(r.stderr).not.toContain('[object Object]');
    }
  });
});

describe('--version', () => {
  test('prints the version of package.json', async () => {
    const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
    for (const flag of ['--version', '-v']) {
      let out = '';
      const code = await main([flag], { stdout: t => { out += t; }, stderr: () => undefined, readStdin: async () => '' });
      expect(code).toBe(0);
      expect(out).toBe(`${version}\n`);
    }
  });
});

describe('the built binary (lib/cli.js; `npm test` compiles first, locally run `npx projen compile`)', () => {
  const bin = path.join(root, 'lib', 'cli.js');

  test('lint --format json exits 1 on the broken seed and 0 on the fixed one; reads stdin', () => {
    expect(fs.existsSync(bin)).toBe(true);
    const broken = spawnSync(process.execPath, [bin, 'lint', '--format', 'json', BROKEN], { encoding: 'utf8' });
    expect(broken.status).toBe(1);
    expect(JSON.parse(broken.stdout).findings.filter((f: any) => f.severity === 'error').map((f: any) => f.rule))
      .toEqual(['job-helper-never-exits', 'init-container-never-exits', 'sidecar-missing-startup-probe']);
    const fixed = spawnSync(process.execPath, [bin, 'lint', FIXED], { encoding: 'utf8' });
    expect(fixed.status).toBe(0);
    const stdin = spawnSync(process.execPath, [bin, 'lint', '--format', 'sarif', '-'], { encoding: 'utf8', input: fs.readFileSync(BROKEN, 'utf8') });
    expect(stdin.status).toBe(1);
    expect(JSON.parse(stdin.stdout).runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('stdin');
  });

  test('--version prints the version from package.json', () => {
    const r = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version}\n`);
  });

  test('malformed input: one line on stderr, exit 2', () => {
    const p = write('bin-bad.yaml', 'kind: [\n');
    const r = spawnSync(process.execPath, [bin, 'lint', p], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${p}:`);
  });
});
