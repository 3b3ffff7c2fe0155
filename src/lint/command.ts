// Placeholder owned by the linter work (issue 4): replaced by the real command.
import { CommandIo, UsageError } from '../_cli-io';
export const LINT_USAGE = 'Usage: cdk8s-sidecars lint [FILE|DIR|-]...\n';
export async function runLintCommand(_argv: string[], _io: CommandIo): Promise<number> {
  throw new UsageError('lint is not implemented yet');
}
