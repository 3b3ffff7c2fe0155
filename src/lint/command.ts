/**
 * `cdk8s-sidecars lint [FILE|DIR|-]...`: lint manifests from files, directories (recursively) and stdin.
 * Exit 0 without error findings, 1 with, 2 for usage errors and unreadable or malformed input (thrown as UsageError /
 * ManifestError and printed as one line by src/cli.ts).
 */
import { CommandIo, kubernetesVersionOption, packageVersion, parseArgs, readManifestInputs, sidecarContainersGateOption, UsageError } from '../_cli-io';
import { SourcedManifest } from '../_manifest';
import { formatMinorVersion, MAX_MINOR, SIDECAR_ALPHA_MINOR } from '../_version-facts';
import { KubernetesVersion } from '../kubernetes-version';
import { parseSeverity, RULE_DEFS } from './_catalog';
import { lintSourced } from './_engine';
import { formatJson, formatSarif, formatText, summarize } from './_format';
import { engineOptions } from './_options';
import { Finding, Severity } from './types';

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

Exit status: 0 no error finding, 1 at least one error finding, 2 usage error or unreadable/malformed input (the
other inputs are still linted and their findings printed).
Rules: https://github.com/cdk8s-sidecars/cdk8s-sidecars/blob/main/docs/rules.md
`;

const FORMATS = ['text', 'json', 'sarif'];

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

  // a malformed input is reported and the others are still linted; exit 2 at the end
  const inputErrors: string[] = [];
  const items = await readManifestInputs(positionals, io, true, e => {
    inputErrors.push(e.message);
    io.stderr(`cdk8s-sidecars: ${e.message}\n`);
  });
  const findings = withContainerLines(lintSourced(items, engine), items);
  const files = new Set(items.map(i => i.file)).size;
  const summary = summarize(findings, items.length, files, version.toString());

  // nothing was read: the error lines on stderr say it all (no empty report on stdout)
  if (items.length === 0 && inputErrors.length > 0) return 2;
  if (format === 'json') io.stdout(formatJson(findings, summary, inputErrors));
  else if (format === 'sarif') io.stdout(formatSarif(findings, packageVersion(), process.cwd(), inputErrors));
  else io.stdout(formatText(findings, summary, inputErrors.length));

  return inputErrors.length > 0 ? 2 : summary.errors > 0 ? 1 : 0;
}

/**
 * Findings located at the line of the mapping or sequence their `path` names (`spec.template.spec.initContainers[0]`
 * → the line of that container), not at the start of the object. Findings come in input order, so each is matched
 * to the first item of the same file, kind, namespace and name at or after the previous match.
 */
export function withContainerLines(findings: Finding[], items: readonly SourcedManifest[]): Finding[] {
  const byKey = new Map<string, number[]>();
  const keyOf = (file: string | undefined, kind: string, ns: string | undefined, name: string) => `${file ?? ''}\0${kind}\0${ns ?? ''}\0${name}`;
  items.forEach((item, i) => {
    if (!item.lineOf) return;
    const meta = item.manifest.metadata ?? {};
    const key = keyOf(item.file, String(item.manifest.kind), typeof meta.namespace === 'string' ? meta.namespace : undefined, typeof meta.name === 'string' ? meta.name : '<unnamed>');
    const list = byKey.get(key);
    if (list) list.push(i);
    else byKey.set(key, [i]);
  });
  let last = -1;
  let lastFinding: Finding | undefined;
  return findings.map(f => {
    let index = last;
    const sameObject = lastFinding !== undefined && lastFinding.file === f.file && lastFinding.kind === f.kind &&
      lastFinding.namespaceName === f.namespaceName && lastFinding.name === f.name;
    if (!sameObject) {
      const candidates = byKey.get(keyOf(f.file, f.kind, f.namespaceName, f.name));
      if (!candidates) return f;
      index = candidates.find(i => i >= last) ?? candidates[0];
    }
    last = index;
    lastFinding = f;
    const line = items[index].lineOf!(f.path);
    return line === undefined || line === f.line ? f : { ...f, line };
  });
}
