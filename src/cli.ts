#!/usr/bin/env node
/**
 * `cdk8s-sidecars` command line: a thin shell over `lint` and `simulate`. Every failure is a one-line message and an
 * exit code (0 ok, 1 findings/failed, 2 usage or input error), never a stack trace.
 */
import { CommandIo, UsageError } from './_cli-io';
import { ManifestError } from './_manifest';
import { runLintCommand, LINT_USAGE } from './lint/command';
import { runPolicyCommand } from './policy/command';
import { runSimulateCommand, SIMULATE_USAGE } from './simulate/command';

const USAGE = `Usage: cdk8s-sidecars <command> [options]

Commands:
  lint       check Kubernetes manifests for broken sidecar patterns
  simulate   predict what 'kubectl get pods -w' prints for a pod with sidecars
  policy     print ValidatingAdmissionPolicies that apply the lint rules at admission

Run 'cdk8s-sidecars <command> --help' for a command's options.
`;

/** Run the CLI in-process; returns the exit code. */
export async function main(argv: string[], io: CommandIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'lint':
        if (rest.includes('--help') || rest.includes('-h')) { io.stdout(LINT_USAGE); return 0; }
        return await runLintCommand(rest, io);
      case 'policy': return await runPolicyCommand(rest, io);
      case 'simulate':
        if (rest.includes('--help') || rest.includes('-h')) { io.stdout(SIMULATE_USAGE); return 0; }
        return await runSimulateCommand(rest, io);
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.stdout(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (e: any) {
    if (e instanceof UsageError) {
      io.stderr(`cdk8s-sidecars: ${e.message}\nRun 'cdk8s-sidecars ${command && command !== 'help' && !e.message.startsWith('unknown command') ? `${command} ` : ''}--help' for usage.\n`);
      return 2;
    }
    if (e instanceof ManifestError) {
      io.stderr(`cdk8s-sidecars: ${e.message}\n`);
      return 2;
    }
    io.stderr(`cdk8s-sidecars: internal error: ${e?.message ?? e}\n`);
    return 2;
  }
}

/* istanbul ignore next: exercised through the built binary in test/cli.test.ts */
if (require.main === module) {
  const io: CommandIo = {
    stdout: t => process.stdout.write(t),
    stderr: t => process.stderr.write(t),
    readStdin: () => new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      process.stdin.on('data', c => chunks.push(Buffer.from(c)));
      process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      process.stdin.on('error', reject);
    }),
  };
  main(process.argv.slice(2), io).then(code => { process.exitCode = code; }, () => { process.exitCode = 2; });
}
