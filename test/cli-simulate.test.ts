/**
 * `cdk8s-sidecars simulate`: in-process through `main()` with a fake CommandIo, plus the built binary (`lib/cli.js`,
 * compiled by `npm test` before jest runs; locally run `npx projen compile` first).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../src/cli';

const FIXTURES = path.join(__dirname, 'simulate', 'fixtures');
const fx = (name: string) => path.join(FIXTURES, name);

async function run(argv: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: t => { stdout += t; },
    stderr: t => { stderr += t; },
    readStdin: async () => stdin,
  });
  return { code, stdout, stderr };
}

describe('cdk8s-sidecars simulate (in-process)', () => {
  test('--format json prints one object: rows, final, stuck, containers', async () => {
    const r = await run(['simulate', fx('seed-fixed.yaml'), '--behavior', fx('seed-behavior.yaml'), '--format', 'json']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const json = JSON.parse(r.stdout);
    expect(json.rows).toEqual([
      { at: 0, ready: '0/2', status: 'Pending', restarts: 0 },
      { at: 0, ready: '0/2', status: 'Init:0/1', restarts: 0 },
      { at: 5, ready: '1/2', status: 'PodInitializing', restarts: 0 },
      { at: 5, ready: '2/2', status: 'Running', restarts: 0 },
      { at: 6, ready: '1/2', status: 'Completed', restarts: 0 },
      { at: 6, ready: '0/2', status: 'Completed', restarts: 0 },
    ]);
    expect(json.final).toEqual({ at: 6, phase: 'Succeeded', ready: '0/2', status: 'Completed', restarts: 0, deleted: false, reason: null, jobFailureReason: null });
    expect(json.stuck).toBe(false);
    expect(json.containers['sidecar-user']).toMatchObject({ startedAt: 5, exitedAt: 6, exitCode: 0, restarts: 0 });
    expect(json.containers['slow-sidecar']).toMatchObject({ startedAt: 0, readyAt: 5, exitedAt: 6, restarts: 0 });
  });

  test('text output: the kubectl-like table, the plan and the final line', async () => {
    const r = await run(['simulate', fx('seed-no-probe.yaml'), '--behavior', fx('seed-behavior.yaml')]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(lines.slice(1, 6).map(l => l.split(/\s+/).slice(1, 3).join(' '))).toEqual([
      '0/2 Pending', '0/2 Init:0/1', '1/2 PodInitializing', '1/2 Error', '0/2 Error',
    ]);
    expect(lines[1]).toMatch(/^sidecar-cronjob-29000000-[a-z0-9]{5}\s/);
    expect(r.stdout).toContain("has no startupProbe: the regular container ('sidecar-user') starts as soon as it runs");
    expect(r.stdout).toContain("'sidecar-user' started while 'slow-sidecar' (serves from 5s) was not serving: it exited 1");
    expect(r.stdout).toMatch(/Final: phase Failed, 0\/2 Error, 0 restart\(s\), since 0s \(terminal\)\n$/);
  });

  test('--resource picks a workload out of several; --until and --kubernetes-version', async () => {
    const r = await run(['simulate', fx('multi.yaml'), '--resource', 'CronJob/sidecar-cronjob', '--until', '3s', '--kubernetes-version', 'v1.30.2', '--format', 'json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ kubernetesVersion: '1.30', horizon: 3 });
    expect(json.pod).toMatch(/^sidecar-cronjob-/);
    expect(json.final.status).toBe('Running');
  });

  test('without --resource the first pod template is used (a Deployment here), and it is not stuck', async () => {
    const json = JSON.parse((await run(['simulate', fx('multi.yaml'), '--format=json'])).stdout);
    expect(json.pod).toMatch(/^web-/);
    expect(json.final).toMatchObject({ phase: 'Running', ready: '1/1', status: 'Running' });
    expect(json.stuck).toBe(false);
  });

  test('stuck: a plain init container that never exits', async () => {
    const json = JSON.parse((await run(['simulate', fx('seed-plain-init.yaml'), '--format', 'json'])).stdout);
    expect(json).toMatchObject({ stuck: true, final: { phase: 'Pending', ready: '0/1', status: 'Init:0/1' } });
  });

  describe('--feature-gates (as in lint) and the deprecated --sidecar-feature-gate', () => {
    const on128 = (...extra: string[]) => run(['simulate', fx('seed-fixed.yaml'), '--behavior', fx('seed-behavior.yaml'), '--kubernetes-version', '1.28', '--format', 'json', ...extra]);

    test.each([
      [['--feature-gates', 'SidecarContainers=true']],
      [['--feature-gates=SidecarContainers=TRUE']],
      [['--feature-gates', 'Foo=false, SidecarContainers=true ,']],
      [['--feature-gates', 'SidecarContainers=false,SidecarContainers=true']],
    ])('1.28 with %j: native sidecars work, the Job completes', async (extra) => {
      const r = await on128(...extra);
      expect(r).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(r.stdout)).toMatchObject({ rejectedByApiServer: false, final: { phase: 'Succeeded' } });
    });

    test.each([
      [[]],
      [['--feature-gates', 'SidecarContainers=false']],
      [['--feature-gates', 'SomethingElse=true']],
    ])('1.28 with %j: the gate is off, the sidecar with a startup probe is rejected', async (extra) => {
      const r = await on128(...extra);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ rejectedByApiServer: true, stuck: true });
    });

    test('--sidecar-feature-gate still works, with a deprecation warning on stderr', async () => {
      const r = await on128('--sidecar-feature-gate');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ rejectedByApiServer: false, final: { phase: 'Succeeded' } });
      expect(r.stderr).toBe("cdk8s-sidecars: warning: '--sidecar-feature-gate' is deprecated, use '--feature-gates SidecarContainers=true'\n");
      const both = await on128('--sidecar-feature-gate', '--feature-gates', 'SidecarContainers=true');
      expect(JSON.parse(both.stdout).final.phase).toBe('Succeeded');
    });

    test('--sidecar-feature-gate contradicting --feature-gates SidecarContainers=false → exit 2', async () => {
      const r = await on128('--sidecar-feature-gate', '--feature-gates', 'SidecarContainers=false');
      expect(r).toMatchObject({ code: 2, stdout: '' });
      expect(r.stderr).toContain("cdk8s-sidecars: option '--sidecar-feature-gate' contradicts '--feature-gates SidecarContainers=false'");
    });

    // the same inputs give the same outcome in `lint` and `simulate`
    test.each([['SidecarContainers'], ['SidecarContainers=yes'], ['Sidecar-Containers=true'], ['SidecarContainers=true,oops'], ['=true']])(
      '--feature-gates %j → exit 2 with the same message as lint', async (value) => {
        const sim = await run(['simulate', fx('seed-fixed.yaml'), '--feature-gates', value]);
        const lint = await run(['lint', fx('seed-fixed.yaml'), '--feature-gates', value]);
        expect(sim.code).toBe(2);
        expect(lint.code).toBe(2);
        expect(sim.stderr.split('\n')[0]).toBe(lint.stderr.split('\n')[0]);
        expect(sim.stderr).toContain("option '--feature-gates' expects Name=true|false[,...], got '");
      });
  });

  test('--delete-at: Terminating while the containers stop, then the pod is gone', async () => {
    const deleted = JSON.parse((await run(['simulate', fx('seed-plain-init.yaml'), '--delete-at', '10s', '--format', 'json'])).stdout);
    expect(deleted.rows.map((x: any) => x.status)).toEqual(['Pending', 'Init:0/1', 'Terminating']);
    expect(deleted.final).toMatchObject({ at: 10, phase: 'Failed', status: 'Terminating', deleted: true, reason: null, jobFailureReason: null });
  });

  test('the review\'s CronJob with a sidecar that never gets ready: --until 2h and --delete-at 3s both end Terminating, pod deleted', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-'));
    const manifest = fs.readFileSync(fx('seed-fixed.yaml'), 'utf8').replace('  jobTemplate:\n    spec:\n', '  jobTemplate:\n    spec:\n      activeDeadlineSeconds: 3600\n');
    expect(manifest).toContain('activeDeadlineSeconds: 3600');
    fs.writeFileSync(path.join(dir, 'cronjob.yaml'), manifest);
    fs.writeFileSync(path.join(dir, 'behavior.yaml'), 'slow-sidecar: { failsStartup: true }\n');
    const base = ['simulate', path.join(dir, 'cronjob.yaml'), '--behavior', path.join(dir, 'behavior.yaml')];
    const long = await run([...base, '--until', '2h']);
    expect(long.code).toBe(0);
    const rows = long.stdout.split('\n\n')[0].split('\n').slice(1).map(l => l.split(/\s{2,}/)[2]);
    expect(rows[rows.length - 1]).toBe('Terminating');
    expect(rows.filter(x => x === 'Terminating')).toHaveLength(1);
    expect(long.stdout).toContain('  - the Job controller deleted the pod: the Job failed with reason DeadlineExceeded');
    expect(long.stdout).toMatch(/Final: pod deleted, gone since 60m \(the Job controller deleted it: the Job failed with reason DeadlineExceeded\); last row 0\/2 Terminating, \d+ restart\(s\); last phase Failed\n$/);
    const json = JSON.parse((await run([...base, '--until', '2h', '--format', 'json'])).stdout);
    expect(json.final).toMatchObject({ at: 3600, status: 'Terminating', deleted: true, jobFailureReason: 'DeadlineExceeded', phase: 'Failed' });
    const early = JSON.parse((await run([...base, '--delete-at', '3s', '--format', 'json'])).stdout);
    expect(early.final).toEqual({ at: 3, phase: 'Failed', ready: '0/2', status: 'Terminating', restarts: 0, deleted: true, reason: null, jobFailureReason: null });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('reads the manifest from standard input with -', async () => {
    const r = await run(['simulate', '-', '--format', 'json'], fs.readFileSync(fx('seed-fixed.yaml'), 'utf8'));
    expect(JSON.parse(r.stdout).rows[1].status).toBe('Init:0/1');
  });

  test('--help prints the usage, what containers are assumed to do without --behavior, and the back-off options', async () => {
    const r = await run(['simulate', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: cdk8s-sidecars simulate FILE [options]');
    expect(r.stdout).toContain('--behavior FILE');
    expect(r.stdout).toMatch(/Without --behavior every container is assumed to serve at once .* to run until it\s+is stopped .* and to exit 0 at once on\s+SIGTERM/s);
    expect(r.stdout).toMatch(/attempts/);
    expect(r.stdout).toMatch(/ReduceDefaultCrashLoopBackOffDecay/);
    expect(r.stdout).toMatch(/--max-container-restart-period DURATION/);
    expect(r.stdout).toMatch(/at most 6h/);
  });

  // the behaviour file goes through the CLI's one YAML loader (src/_safe-yaml.ts), exactly like manifests
  test('an alias bomb in the behaviour file → exit 2 with the same "malformed YAML" line manifests get', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-bomb-'));
    const bomb = path.join(dir, 'behavior.yaml');
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      levels.push(`${cur}: &${cur} [${Array(10).fill(`*${prev}`).join(',')}]`);
    }
    fs.writeFileSync(bomb, levels.join('\n') + '\n');
    const b = await run(['simulate', fx('seed-fixed.yaml'), '--behavior', bomb]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/^cdk8s-sidecars: .*behavior\.yaml:\d+:\d+: malformed YAML: aliases expand to more than \d+ nodes/);
    expect(b.stderr).not.toMatch(/internal error/);
    const manifest = path.join(dir, 'manifest.yaml');
    fs.writeFileSync(manifest, levels.join('\n') + '\n');
    const m = await run(['simulate', manifest]);
    expect(m.code).toBe(2);
    expect(m.stderr.replace(manifest, 'F')).toBe(b.stderr.replace(bomb, 'F'));
  });

  test('--until 1000000h on a crash-looping Deployment is refused at once with the documented maximum', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-long-'));
    fs.writeFileSync(path.join(dir, 'b.yaml'), 'web: { exitAfter: 1s, exitCode: 1 }\n');
    const r = await run(['simulate', fx('multi.yaml'), '--behavior', path.join(dir, 'b.yaml'), '--until', '1000000h']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^cdk8s-sidecars: option '--until' must be at most 6h, got '1000000h'/);
  });

  test('--feature-gates with the KEP-4603 gates and --max-container-restart-period shape the back-off', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-gates-'));
    fs.writeFileSync(path.join(dir, 'b.yaml'), 'web: { exitAfter: 1s, exitCode: 1 }\n');
    const restarts = async (...extra: string[]) => {
      const r = await run(['simulate', fx('multi.yaml'), '--behavior', path.join(dir, 'b.yaml'), '--until', '40s', '--format', 'json', ...extra]);
      expect(r).toMatchObject({ code: 0, stderr: '' });
      return JSON.parse(r.stdout).containers.web.restarts;
    };
    // the container runs 1 s each time; restarts at 1, 12, 33 s (back-off 0, 10, 20 s)
    expect(await restarts()).toBe(3);
    // back-off 0, 1, 2, 4, 8, 16 s: restarts at 1, 3, 6, 11, 20, 37 s
    expect(await restarts('--kubernetes-version', '1.33', '--feature-gates', 'ReduceDefaultCrashLoopBackOffDecay=true')).toBe(6);
    // back-off 0, then 2 s: restarts at 1, 4, 7, … 40 s
    expect(await restarts('--kubernetes-version', '1.35', '--max-container-restart-period', '2s')).toBe(14);
    const bad = await run(['simulate', fx('multi.yaml'), '--kubernetes-version', '1.34', '--max-container-restart-period', '2s']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/needs the kubelet feature gate KubeletCrashLoopBackOffMax, which is off on Kubernetes 1\.34: enable it/);
  });

  test.each([
    ['bad-behavior-key.yaml', "bad-behavior-key.yaml: container 'slow-sidecar': unknown key 'readyAfer' (known keys:"],
    ['bad-behavior-duration.yaml', "bad-behavior-duration.yaml: container 'slow-sidecar': 'readyAfter' must be a duration like 5s, 1.5s, 2m or 250ms (or a number of seconds >= 0), got 'soon'"],
    ['bad-behavior-exit-code.yaml', "bad-behavior-exit-code.yaml: container 'sidecar-user': 'exitCode' must be a whole number from 0 to 255, got 1.5"],
    ['bad-behavior-container.yaml', "bad-behavior-container.yaml: unknown container 'proxy' (the pod's containers: slow-sidecar, sidecar-user)"],
    ['bad-behavior-needs.yaml', "bad-behavior-needs.yaml: container 'sidecar-user': 'needs' names 'cloud-sql-proxy', which is not a container of the pod"],
  ])('a bad behaviour file (%s) → exit 2 with a one-line message', async (file, message) => {
    const r = await run(['simulate', fx('seed-fixed.yaml'), '--behavior', fx(file)]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.startsWith('cdk8s-sidecars: ')).toBe(true);
  });

  test('a missing manifest or behaviour file → exit 2', async () => {
    const m = await run(['simulate', fx('nope.yaml')]);
    expect(m.code).toBe(2);
    expect(m.stderr).toBe(`cdk8s-sidecars: ${fx('nope.yaml')}: cannot read: no such file or directory\n`);
    const b = await run(['simulate', fx('seed-fixed.yaml'), '--behavior', fx('nope.yaml')]);
    expect(b.code).toBe(2);
    expect(b.stderr).toBe(`cdk8s-sidecars: ${fx('nope.yaml')}: cannot read: no such file or directory\n`);
  });

  test.each([
    [['simulate'], 'missing FILE'],
    [['simulate', 'a.yaml', 'b.yaml'], 'expected one FILE, got 2'],
    [['simulate', fx('seed-fixed.yaml'), '--format', 'yaml'], "option '--format' must be text or json, got 'yaml'"],
    [['simulate', fx('seed-fixed.yaml'), '--until', 'forever'], "option '--until' must be a duration like 90s, 1.5s or 10m, got 'forever'"],
    [['simulate', fx('seed-fixed.yaml'), '--kubernetes-version', 'latest'], "option '--kubernetes-version' must be a Kubernetes 1.x release like '1.29' or 'v1.29.3' (1.0 to 1.99), got 'latest'"],
    [['simulate', fx('seed-fixed.yaml'), '--kubernetes-version', '2.0'], "option '--kubernetes-version' must be a Kubernetes 1.x release like '1.29' or 'v1.29.3' (1.0 to 1.99), got '2.0': Kubernetes 2.0 does not exist (every release is 1.x)"],
    [['simulate', fx('seed-fixed.yaml'), '--kubernetes-version', '0.5'], "option '--kubernetes-version' must be a Kubernetes 1.x release like '1.29' or 'v1.29.3' (1.0 to 1.99), got '0.5': Kubernetes 0.5 does not exist (every release is 1.x)"],
    [['simulate', fx('seed-fixed.yaml'), '--kubernetes-version', '1.100'], "option '--kubernetes-version' must be a Kubernetes 1.x release like '1.29' or 'v1.29.3' (1.0 to 1.99), got '1.100': 1.100 is not a plausible Kubernetes minor (expected 1.0 to 1.99)"],
    [['simulate', fx('seed-fixed.yaml'), '--kubernetes-version', 'v2.1.3'], "option '--kubernetes-version' must be a Kubernetes 1.x release like '1.29' or 'v1.29.3' (1.0 to 1.99), got 'v2.1.3': Kubernetes 2.1 does not exist (every release is 1.x)"],
    [['simulate', fx('seed-fixed.yaml'), '--frobnicate'], "unknown option '--frobnicate'"],
  ])('usage error %j → exit 2', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`cdk8s-sidecars: ${message}`);
    // one line with the message (then src/cli.ts's hint to --help)
    expect(r.stderr.split('\n')[0].startsWith(`cdk8s-sidecars: ${message}`)).toBe(true);
    expect(r.stderr.split('\n').filter(l => l.includes(message))).toHaveLength(1);
  });

  test('accepted versions: 1.0, 1.99, v1.30.2-gke.100', async () => {
    for (const [text, shown] of [['1.0', '1.0'], ['1.99', '1.99'], ['v1.30.2-gke.100', '1.30']]) {
      const r = await run(['simulate', fx('seed-fixed.yaml'), '--kubernetes-version', text, '--format', 'json']);
      expect({ text, code: r.code, version: JSON.parse(r.stdout).kubernetesVersion }).toEqual({ text, code: 0, version: shown });
    }
  });

  test('input errors → exit 2: unknown resource, no pod template, malformed YAML', async () => {
    const unknown = await run(['simulate', fx('multi.yaml'), '--resource', 'Job/nope']);
    expect(unknown).toMatchObject({ code: 2, stderr: "cdk8s-sidecars: no workload 'Job/nope' (workloads with a pod template: Deployment/web, CronJob/sidecar-cronjob)\n" });
    const none = await run(['simulate', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no object with a pod template to simulate');
    const malformed = await run(['simulate', '-'], 'kind: [\n');
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/^cdk8s-sidecars: <stdin>:\d+:\d+: malformed YAML/);
  });
});

describe('cdk8s-sidecars simulate (built binary)', () => {
  const root = path.join(__dirname, '..');
  const cli = path.join(root, 'lib', 'cli.js');

  test('node lib/cli.js simulate prints JSON and exits 0; bad input exits 2', () => {
    expect(fs.existsSync(cli)).toBe(true);
    const ok = spawnSync(process.execPath, [cli, 'simulate', fx('seed-fixed.yaml'), '--behavior', fx('seed-behavior.yaml'), '--format', 'json'], { encoding: 'utf8', cwd: root });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).final).toEqual({ at: 6, phase: 'Succeeded', ready: '0/2', status: 'Completed', restarts: 0, deleted: false, reason: null, jobFailureReason: null });
    const bad = spawnSync(process.execPath, [cli, 'simulate', fx('seed-fixed.yaml'), '--behavior', fx('bad-behavior-key.yaml')], { encoding: 'utf8', cwd: root });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("unknown key 'readyAfer'");
  });

  test('text output from the binary', () => {
    const r = spawnSync(process.execPath, [cli, 'simulate', fx('seed-plain-init.yaml')], { encoding: 'utf8', cwd: root });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/0\/1\s+Init:0\/1\s+0\s+0s/);
    expect(r.stdout).toContain('(stuck)');
  });
});
