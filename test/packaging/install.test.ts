// What a user gets: `npx projen package:js` packs one package per cdk8s-plus line; each tarball installs into a fresh
// app (outside the repository, npm registry for the rest) that has only its own cdk8s-plus line, and there a chart
// mixing the app's own cdk8s-plus objects with ours type-checks (strict), synthesizes and lints clean with the
// installed CLI. An install from a fresh git clone builds lib/ and gives the library and the CLI too.
import { spawn, spawnSync, SpawnSyncOptions } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { writeConsumerApp } from './_consumer-app';
import { lines, packageName } from '../../scripts/package-lines';

const root = path.join(__dirname, '..', '..');
const rootPkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const outDir = path.join(root, 'dist', 'js');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
// the lines and package names exactly as the packaging script derives them from package.json
const { sourceLine, extra } = lines();
const LINES: Array<{ line: number; pkg: string }> = [sourceLine, ...extra].map(line => ({ line, pkg: packageName(line, sourceLine) }));

/** Child processes must not see `npm test`'s own npm_* variables (npm_config_local_prefix would point at us). */
function cleanEnv(extraEnv: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'INIT_CWD') env[k] = v;
  return { ...env, CDK8S_CHECK_UPGRADE: 'false', ...extraEnv };
}

function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: cleanEnv(), maxBuffer: 64 * 1024 * 1024, ...opts });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${opts.cwd ?? process.cwd()}) exited ${r.status}${r.error ? ` (${r.error})` : ''}:\n${out}`);
  return out;
}

/** package.json of a tarball, read without unpacking it. */
function tarballManifest(file: string) {
  return JSON.parse(run('tar', ['-xzOf', file, 'package/package.json']));
}
function tarballFiles(file: string): string[] {
  return run('tar', ['-tzf', file]).split('\n').filter(Boolean);
}

/** `run`, without blocking: the installs below mostly wait on the registry, so they run side by side. */
function runAsync(cmd: string, args: string[], cwd: string): Promise<Error | undefined> {
  return new Promise(resolve => {
    const child = spawn(cmd, args, { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', d => { out += d; });
    child.stderr.on('data', d => { out += d; });
    child.on('error', e => resolve(e));
    child.on('close', code => resolve(code === 0 ? undefined : new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${code}:\n${out}`)));
  });
}

/** What an app installs besides our package: the peers, at the ranges our package.json asks for. */
function peerSpecs(kplus: string, kplusRange: string): string[] {
  return [`${kplus}@${kplusRange}`, `cdk8s@${rootPkg.peerDependencies.cdk8s}`, `constructs@${rootPkg.peerDependencies.constructs}`];
}
const NPM_INSTALL = ['install', '--no-audit', '--no-fund', '--prefer-offline'];

let work: string;
const tarball = new Map<string, string>();
/** Resolves when the app of a package (or 'git') is installed: undefined, or the install's error. */
const installed = new Map<string, Promise<Error | undefined>>();

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-sidecars-install-'));
  fs.rmSync(outDir, { recursive: true, force: true });
  run('npx', ['projen', 'package:js'], { cwd: root }); // lib/ is compiled by `npm test` before jest runs
  for (const f of fs.readdirSync(outDir).filter(n => n.endsWith('.tgz'))) tarball.set(tarballManifest(path.join(outDir, f)).name, path.join(outDir, f));

  for (const { line, pkg } of LINES) {
    if (!tarball.has(pkg)) continue; // reported by the first test
    const app = path.join(work, `app-${line}`);
    writeConsumerApp(app, pkg, line);
    const kplusRange = tarballManifest(tarball.get(pkg)!).peerDependencies[`cdk8s-plus-${line}`];
    installed.set(pkg, runAsync('npm', [...NPM_INSTALL, tarball.get(pkg)!, ...peerSpecs(`cdk8s-plus-${line}`, kplusRange)], app));
  }

  // a fresh clone of what is committed; a branch HEAD even if ours is detached (CI)
  const clone = path.join(work, 'clone');
  run('git', ['clone', '--quiet', root, clone]);
  run('git', ['checkout', '--quiet', '-B', 'main'], { cwd: clone });
  const gitApp = path.join(work, 'git-app');
  fs.mkdirSync(gitApp);
  fs.writeFileSync(path.join(gitApp, 'package.json'), JSON.stringify({ name: 'git-app', version: '1.0.0', private: true }));
  const kplus = `cdk8s-plus-${sourceLine}`;
  installed.set('git', runAsync('npm', [...NPM_INSTALL, `git+file://${clone}`, ...peerSpecs(kplus, rootPkg.peerDependencies[kplus])], gitApp));
}, 300_000);

async function awaitInstall(key: string): Promise<void> {
  const error = await installed.get(key);
  if (error) throw error;
}

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('package:js writes one tarball per supported cdk8s-plus line, each with the CLI and only its line as peer', () => {
  expect(LINES.map(l => l.line)).toEqual(expect.arrayContaining([28, 33, 34]));
  expect([...tarball.keys()].sort()).toEqual(LINES.map(l => l.pkg).sort());
  for (const { line, pkg } of LINES) {
    const file = tarball.get(pkg)!;
    const manifest = tarballManifest(file);
    expect(manifest.version).toBe(rootPkg.version);
    expect(manifest.bin).toEqual({ 'cdk8s-sidecars': 'lib/cli.js' });
    expect(Object.keys(manifest.peerDependencies).filter(d => d.startsWith('cdk8s-plus-'))).toEqual([`cdk8s-plus-${line}`]);
    expect(manifest.bundledDependencies).toEqual(rootPkg.bundledDependencies);
    const files = tarballFiles(file);
    expect(files).toEqual(expect.arrayContaining(['package/lib/cli.js', 'package/lib/index.js', 'package/lib/index.d.ts', 'package/README.md', 'package/node_modules/yaml/package.json']));
    expect(files.filter(f => /^package\/(src|test|scripts|examples)\//.test(f))).toEqual([]);
    // the compiled code requires only its own line
    const sidecarJs = run('tar', ['-xzOf', file, 'package/lib/sidecar.js']);
    expect(sidecarJs.match(/require\("cdk8s-plus-\d+"\)/g)).toEqual([`require("cdk8s-plus-${line}")`]);
  }
});

test('npm publish --dry-run passes for every package', () => {
  const out = run('npx', ['projen', 'publish:npm', '--dry-run'], { cwd: root });
  for (const file of tarball.values()) expect(out).toContain(`✓ npm publish --dry-run ${path.basename(file)}`);
}, 120_000);

describe.each(LINES)('a fresh app with only cdk8s-plus-$line and $pkg', ({ line, pkg }) => {
  let app: string;
  beforeAll(async () => {
    app = path.join(work, `app-${line}`);
    await awaitInstall(pkg);
  }, 600_000);

  test('has no other cdk8s-plus line installed', () => {
    const found = run('find', ['node_modules', '-type', 'd', '-name', 'cdk8s-plus-*'], { cwd: app }).split('\n').filter(Boolean);
    expect(found).toEqual([`node_modules/cdk8s-plus-${line}`]);
  });

  test('type-checks with strict: attachTo(own Deployment), own ServiceAccount and Volume to SidecarCronJob', () => {
    run(process.execPath, [tsc, '-p', '.'], { cwd: app });
    expect(fs.existsSync(path.join(app, 'out', 'main.js'))).toBe(true);
  }, 120_000);

  test('synthesizes the sidecars into the app\'s own objects', () => {
    run(process.execPath, ['out/main.js'], { cwd: app, env: cleanEnv({ CDK8S_OUTDIR: 'dist' }) });
    const docs = parseAllDocuments(fs.readFileSync(path.join(app, 'dist', 'consumer.k8s.yaml'), 'utf8')).map(d => d.toJS());
    const deployment = docs.find(d => d.kind === 'Deployment');
    expect(deployment.spec.template.spec.initContainers.map((c: any) => [c.name, c.restartPolicy])).toEqual([['envoy', 'Always']]);
    expect(deployment.spec.template.spec.initContainers[0].startupProbe.httpGet).toMatchObject({ path: '/ready', port: 9901 });
    expect(deployment.spec.template.spec.initContainers[0].env).toEqual(expect.arrayContaining([{ name: 'ENVOY_LOG_LEVEL', value: 'info' }]));
    const cron = docs.find(d => d.kind === 'CronJob');
    const pod = cron.spec.jobTemplate.spec.template.spec;
    expect(pod.serviceAccountName).toBe('reports');
    expect(pod.volumes).toEqual([{ name: 'scratch', emptyDir: {} }]);
    expect(pod.initContainers.map((c: any) => [c.name, c.restartPolicy])).toEqual([['api-proxy', 'Always']]);
    expect(pod.containers.map((c: any) => c.volumeMounts)).toEqual([[{ mountPath: '/scratch', name: 'scratch' }]]);
    expect(docs.find(d => d.kind === 'ServiceAccount').metadata.name).toBe('reports');
  }, 60_000);

  test('lints clean with the installed CLI, targeting the line\'s Kubernetes release by default', () => {
    const expected = `1.${Math.max(line, 29)}`;
    const r = spawnSync(path.join(app, 'node_modules', '.bin', 'cdk8s-sidecars'), ['lint', '--format', 'json', 'dist/'], { cwd: app, encoding: 'utf8', env: cleanEnv() });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const findings = JSON.parse(r.stdout).findings as Array<{ rule: string; severity: string }>;
    expect(findings.filter(f => f.severity !== 'info')).toEqual([]);
    const human = run(path.join(app, 'node_modules', '.bin', 'cdk8s-sidecars'), ['lint', 'dist/'], { cwd: app });
    expect(human).toContain(`(Kubernetes ${expected})`);
    const def = run(process.execPath, ['-e', `process.stdout.write(require('${pkg}').KubernetesVersion.DEFAULT.toString())`], { cwd: app });
    expect(def).toBe(expected);
  }, 60_000);
});

test('npm install git+file://<fresh clone> builds lib/ and gives the library and the CLI', async () => {
  expect(fs.existsSync(path.join(work, 'clone', 'lib'))).toBe(false); // lib/ is not committed: the install built it
  await awaitInstall('git');
  const app = path.join(work, 'git-app');
  expect(fs.existsSync(path.join(app, 'node_modules', 'cdk8s-sidecars', 'lib', 'index.js'))).toBe(true);
  const exported = run(process.execPath, ['-e', "const m = require('cdk8s-sidecars'); process.stdout.write([typeof m.Sidecar, typeof m.SidecarCronJob, m.KubernetesVersion.DEFAULT.toString()].join(' '))"], { cwd: app });
  expect(exported).toBe('function function 1.29');
  fs.writeFileSync(path.join(app, 'job.yaml'), [
    'apiVersion: batch/v1', 'kind: Job', 'metadata: {name: hello, namespace: apps}', 'spec:', '  template:', '    spec:',
    '      restartPolicy: Never', '      containers: [{name: hello, image: "busybox:1.36.1"}]', '',
  ].join('\n'));
  const r = spawnSync(path.join(app, 'node_modules', '.bin', 'cdk8s-sidecars'), ['lint', '--format', 'json', 'job.yaml'], { cwd: app, encoding: 'utf8', env: cleanEnv() });
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout).findings).toEqual(expect.any(Array));
  expect(r.status).toBeLessThanOrEqual(1); // 0 or 1 depending on findings; 2 would be a usage/input error
}, 600_000);
