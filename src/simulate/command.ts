// Placeholder owned by the simulator work (issue 5): replaced by the real command.
import { CommandIo, UsageError } from '../_cli-io';
export const SIMULATE_USAGE = 'Usage: cdk8s-sidecars simulate FILE\n';
export async function runSimulateCommand(_argv: string[], _io: CommandIo): Promise<number> {
  throw new UsageError('simulate is not implemented yet');
}
