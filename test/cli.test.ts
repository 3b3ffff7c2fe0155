// The `cdk8s-sidecars` dispatcher (src/cli.ts): help, --version, unknown commands, every command's --help.
import { main } from '../src/cli';

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: t => { stdout += t; }, stderr: t => { stderr += t; }, readStdin: async () => '' });
  return { code, stdout, stderr };
}

test('--help lists the commands and the global options; no command prints it and exits 2', async () => {
  const help = await run(['--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/^Usage: cdk8s-sidecars <command> \[options\]/);
  expect(help.stdout).toMatch(/^ {2}lint {7}check Kubernetes manifests/m);
  expect(help.stdout).toMatch(/^ {2}simulate {3}predict what 'kubectl get pods -w' prints/m);
  expect(help.stdout).toContain('-v, --version');
  expect((await run(['help'])).code).toBe(0);
  const none = await run([]);
  expect(none.code).toBe(2);
  expect(none.stdout).toBe(help.stdout);
});

test('each command prints its own --help', async () => {
  for (const command of ['lint', 'simulate']) {
    for (const flag of ['--help', '-h']) {
      const r = await run([command, flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: cdk8s-sidecars ${command} `));
    }
  }
});

test('an unknown command is a one-line usage error with the --help hint', async () => {
  for (const command of ['frobnicate', 'toString', '__proto__', 'constructor']) {
    const r = await run([command]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`cdk8s-sidecars: unknown command '${command}'\nRun 'cdk8s-sidecars --help' for usage.\n`);
  }
});
