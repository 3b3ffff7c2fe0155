/**
 * `cdk8s-sidecars lint [FILE|DIR|-]...`: lint manifests from files, directories (recursively) and stdin.
 * Exit 0 without error findings, 1 with, 2 for usage errors and unreadable or malformed input (thrown as UsageError /
 * ManifestError and printed as one line by src/cli.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { CommandIo, kubernetesVersionOption, parseArgs, readManifestInputs, sidecarContainersGateOption, UsageError } from '../_cli-io';
import { formatMinorVersion, MAX_MINOR, SIDECAR_ALPHA_MINOR } from '../_version-facts';
import { KubernetesVersion } from '../kubernetes-version';
import { parseSeverity, RULE_DEFS } from './_catalog';
import { lintSourced } from './_engine';
import { formatJson, formatSarif, formatText, summarize } from './_format';
import { engineOptions } from './_options';
import { Severity } from './types';

export const LINT_USAGE = `Usage: cdk8s-sidecars lint [options] [FILE|DIR|-]...

Check Kubernetes manifests (multi-document YAML or JSON; directories are read recursively; '-' reads stdin) for
broken sidecar patterns, e.g.  helm template x | cdk8s-sidecars lint -

Options:
  --kubernetes-version 1.Y   target Kubernetes release, 1.0 to 1.${MAX_MINOR} (default ${KubernetesVersion.DEFAULT.toString()})
  --feature-gates G=bool,..  feature gates of the target cluster; SidecarContainers=true matters on ${formatMinorVersion({ major: 1, minor: SIDECAR_ALPHA_MINOR })}
  --format text|json|sarif   output format (default text); sarif is SARIF 2.1.0 for GitHub code scanning
  --min-severity LEVEL       report only error, warning or info (default info) findings and above
  --ignore RULE[,RULE...]    never report these rule ids (per object: annotation lint.cdk8s-sidecars.io/ignore)
  --list-rules               print the rule ids with their severity and exit
  -h, --help                 show this help

Exit status: 0 no error finding, 1 at least one error finding, 2 usage error or unreadable/malformed input.
Rules: https://github.com/cdk8s-sidecars/cdk8s-sidecars/blob/main/docs/rules.md
`;

const FORMATS = ['text', 'json', 'sarif'];

function toolVersion(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Run `cdk8s-sidecars lint` with the arguments after `lint`; returns the exit code. */
export async function runLintCommand(argv: string[], io: CommandIo): Promise<number> {
  const { options, positionals } = parseArgs(argv, {
    'kubernetes-version': 'string',
    'feature-gates': 'string',
    'format': 'string',
    'min-severity': 'string',
    'ignore': 'string',
    'list-rules': 'boolean',
  });

  if (options['list-rules']) {
    io.stdout(RULE_DEFS.map(r => `${r.id.padEnd(42)} ${r.severity.padEnd(8)} ${r.summary}`).join('\n') + '\n');
    return 0;
  }

  const format = String(options.format ?? 'text');
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got '${format}'`);

  const version = options['kubernetes-version'] === undefined ? KubernetesVersion.DEFAULT : kubernetesVersionOption(String(options['kubernetes-version']));

  let minSeverity = Severity.INFO;
  if (options['min-severity'] !== undefined) {
    const s = parseSeverity(options['min-severity']);
    if (!s) throw new UsageError(`--min-severity must be error, warning or info, got '${options['min-severity']}'`);
    minSeverity = s;
  }

  const ignoreRules = options.ignore === undefined ? [] : String(options.ignore).split(/[\s,]+/).filter(Boolean);
  const featureGate = options['feature-gates'] === undefined ? false : sidecarContainersGateOption(String(options['feature-gates'])) ?? false;

  if (positionals.length === 0) {
    throw new UsageError("no input: give files, directories, or '-' to read standard input");
  }

  let engine;
  try {
    engine = engineOptions({ kubernetesVersion: version, minSeverity, ignoreRules, sidecarContainersFeatureGate: featureGate });
  } catch (e: any) {
    throw new UsageError(`--ignore: ${e.message.replace(/ in ignoreRules; see Linter.rules\(\)$/, '')} (see --list-rules)`);
  }

  const items = await readManifestInputs(positionals, io);
  const findings = lintSourced(items, engine);
  const files = new Set(items.map(i => i.file)).size;
  const summary = summarize(findings, items.length, files, version.toString());

  if (format === 'json') io.stdout(formatJson(findings, summary));
  else if (format === 'sarif') io.stdout(formatSarif(findings, toolVersion()));
  else io.stdout(formatText(findings, summary));

  return summary.errors > 0 ? 1 : 0;
}
