/**
 * `cdk8s-sidecars policy [--kubernetes-version X.Y] [--action Deny|Warn|Audit[,...]] [--rules id,...] [--list-rules]`:
 * prints the ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding objects of the covered lint rules as
 * multi-document YAML on stdout. Exit 0, or 2 with a one-line error for bad options (thrown as UsageError and printed
 * by src/cli.ts).
 */
import { stringify } from 'yaml';
import { CommandIo, kubernetesVersionOption, parseArgs, UsageError } from '../_cli-io';
import { formatMinorVersion } from '../_version-facts';
import { buildPolicyObjects, DEFAULT_ACTIONS, MIN_POLICY_VERSION, PolicyOptionError } from './_build';
import { lintRule } from './_lint-bridge';
import { coveredRuleIds, NOT_COVERED_RULES } from './_rules';

const MIN = formatMinorVersion(MIN_POLICY_VERSION);

export const POLICY_USAGE = `Usage: cdk8s-sidecars policy [options]

Print Kubernetes ValidatingAdmissionPolicy + ValidatingAdmissionPolicyBinding objects (YAML) that check, at admission,
the lint rules CEL can decide from one object, for every Pod, Job, CronJob, Deployment, StatefulSet, DaemonSet,
ReplicaSet and ReplicationController that reaches the cluster, e.g.  cdk8s-sidecars policy | kubectl apply -f -

Options:
  --kubernetes-version 1.Y   cluster release, ${MIN} or later (ValidatingAdmissionPolicy GA; default ${MIN})
  --action A[,A]             binding validationActions: Deny, Warn, Audit (default ${DEFAULT_ACTIONS.join(',')};
                             Deny blocks, opt in after a Warn/Audit period)
  --rules RULE[,RULE...]     only these rules (default: every covered rule)
  --list-rules               print the covered rules, and the others with the reason, and exit
  -h, --help                 show this help

Rollout, coverage and cost: https://github.com/cdk8s-sidecars/cdk8s-sidecars/blob/main/docs/policy.md
`;

const list = (text: string) => text.split(',').map(s => s.trim()).filter(Boolean);

/** Run `cdk8s-sidecars policy` with the arguments after `policy`; returns the exit code. */
export async function runPolicyCommand(argv: string[], io: CommandIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(POLICY_USAGE);
    return 0;
  }
  const { options, positionals } = parseArgs(argv, {
    'kubernetes-version': 'string',
    'action': 'string',
    'rules': 'string',
    'list-rules': 'boolean',
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}': policy reads no files, it prints the policies`);

  if (options['list-rules']) {
    const covered = coveredRuleIds().map(id => `${id.padEnd(42)} covered     ${lintRule(id).summary}`);
    const others = Object.entries(NOT_COVERED_RULES).map(([id, why]) => `${id.padEnd(42)} not covered ${why}`);
    io.stdout([...covered, ...others].join('\n') + '\n');
    return 0;
  }

  const version = options['kubernetes-version'] === undefined ? MIN_POLICY_VERSION : kubernetesVersionOption(String(options['kubernetes-version']));
  let objects;
  try {
    objects = buildPolicyObjects({
      kubernetesVersion: version,
      actions: options.action === undefined ? DEFAULT_ACTIONS : list(String(options.action)),
      rules: options.rules === undefined ? undefined : list(String(options.rules)),
    });
  } catch (e) {
    if (!(e instanceof PolicyOptionError)) throw e;
    const flag = { kubernetesVersion: '--kubernetes-version', actions: '--action', rules: '--rules' }[e.option];
    throw new UsageError(`option '${flag}': ${e.message}${e.option === 'rules' ? ' (see --list-rules)' : ''}`);
  }
  const n = objects.length / 2;
  const header = `# cdk8s-sidecars policy --kubernetes-version ${formatMinorVersion(version)}: ${n} ValidatingAdmissionPolic${n === 1 ? 'y' : 'ies'}, each with its binding\n`;
  io.stdout(header + objects.map(o => stringify(o, { lineWidth: 0 })).join('---\n'));
  return 0;
}
