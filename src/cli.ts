#!/usr/bin/env node
/**
 * `cdk8s-sidecars` command line: a thin dispatcher over the commands in {@link COMMANDS}. Every failure is a one-line
 * message and an exit code (0 ok, 1 findings/failed, 2 usage or input error), never a stack trace.
 */
import { CommandIo, packageVersion, readStdinText, UsageError } from './_cli-io';
import { ManifestError } from './_manifest';
import { runLintCommand, LINT_USAGE } from './lint/command';
import { runPolicyCommand } from './policy/command';
import { runSimulateCommand, SIMULATE_USAGE } from './simulate/command';

/** A subcommand: its one-line summary, its runner (given the arguments after the command name) and its help. */
interface Command {
  readonly summary: string;
  readonly run: (argv: string[], io: CommandIo) => Promise<number>;
  /** Printed for `--help`/`-h`; without it, the command handles `--help` itself. */
  readonly usage?: string;
}

/** Every subcommand; adding one is one entry here (and its import). */
const COMMANDS: { readonly [name: string]: Command } = {
  lint: { summary: 'check Kubernetes manifests for broken sidecar patterns', usage: LINT_USAGE, run: runLintCommand },
  simulate: { summary: "predict what 'kubectl get pods -w' prints for a pod with sidecars", usage: SIMULATE_USAGE, run: runSimulateCommand },
  policy: { summary: 'print ValidatingAdmissionPolicies that apply the lint rules at admission', run: runPolicyCommand },
};

const USAGE = `Usage: cdk8s-sidecars <command> [options]

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`).join('\n')}

Options:
  -h, --help     show this help
  -v, --version  print the version of cdk8s-sidecars

Run 'cdk8s-sidecars <command> --help' for a command's options.
`;

/** Run the CLI in-process; returns the exit code. */
export async function main(argv: string[], io: CommandIo): Promise<number> {
  const [command, ...rest] = argv;
  const cmd = command !== undefined && Object.prototype.hasOwnProperty.call(COMMANDS, command) ? COMMANDS[command] : undefined;
  try {
    if (cmd) {
      if (cmd.usage !== undefined && (rest.includes('--help') || rest.includes('-h'))) {
        io.stdout(cmd.usage);
        return 0;
      }
      return await cmd.run(rest, io);
    }
    switch (command) {
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.stdout(USAGE);
        return command === undefined ? 2 : 0;
      case '--version':
      case '-v':
      case 'version':
        io.stdout(`${packageVersion()}\n`);
        return 0;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (e: any) {
    if (e instanceof UsageError) {
      io.stderr(`cdk8s-sidecars: ${oneLine(e.message)}\nRun 'cdk8s-sidecars ${cmd ? `${command} ` : ''}--help' for usage.\n`);
      return 2;
    }
    if (e instanceof ManifestError) {
      io.stderr(`cdk8s-sidecars: ${oneLine(e.message)}\n`);
      return 2;
    }
    io.stderr(`cdk8s-sidecars: internal error: ${oneLine(String(e?.message ?? e))} (please report it with the input at https://github.com/cdk8s-sidecars/cdk8s-sidecars/issues)\n`);
    return 2;
  }
}

function oneLine(text: string): string {
  const first = text.split('\n')[0];
  return first.length > 500 ? `${first.slice(0, 497)}...` : first;
}

/* istanbul ignore next: exercised through the built binary in test/cli-lint.test.ts and test/cli-fuzz.test.ts */
if (require.main === module) {
  const io: CommandIo = {
    stdout: t => process.stdout.write(t),
    stderr: t => process.stderr.write(t),
    readStdin: () => readStdinText(process.stdin),
  };
  main(process.argv.slice(2), io).then(code => { process.exitCode = code; }, () => { process.exitCode = 2; });
}
