/**
 * Resolving public lint options into engine options (shared by the Linter API, the CLI and the validation plugin).
 */
import { formatMinorVersion, MAX_MINOR, MinorVersion, parseMinorVersion } from '../_version-facts';
import { KubernetesVersion } from '../kubernetes-version';
import { RULE_DEFS, RULES_BY_ID } from './_catalog';
import { EngineOptions } from './_engine';
import { LintOptions, Severity } from './types';

/** Highest minor accepted as a target (`_version-facts.ts` MAX_MINOR: `1.100` is a typo). */
export const MAX_TARGET_MINOR = MAX_MINOR;

const DEFAULT_TEXT = formatMinorVersion(KubernetesVersion.DEFAULT);

/** What a target version must look like, for messages. */
export const TARGET_VERSION_SHAPE = `a Kubernetes 1.x release like '${DEFAULT_TEXT}' or 'v${DEFAULT_TEXT}.3' (1.0 to 1.${MAX_TARGET_MINOR})`;

/**
 * Why a target version is not usable, or undefined when it is: only major 1 exists, and a minor above
 * MAX_TARGET_MINOR is a typo (`1.100`), as is `2.0` or `0.5`. Checked here whatever `parseMinorVersion` accepts.
 */
export function targetVersionProblem(v: MinorVersion): string | undefined {
  if (!Number.isInteger(v.major) || !Number.isInteger(v.minor)) return `${v.major}.${v.minor} is not a release`;
  if (v.major !== 1) return `Kubernetes ${formatMinorVersion(v)} does not exist (every release is 1.x)`;
  if (v.minor < 0 || v.minor > MAX_TARGET_MINOR) return `1.${v.minor} is not a plausible Kubernetes minor (expected 1.0 to 1.${MAX_TARGET_MINOR})`;
  return undefined;
}

/** Parse a target version given as text (CLI flag, cdk8s.yaml property); the error says what is wrong. */
export function parseTargetVersion(text: string): { version: KubernetesVersion } | { error: string } {
  const parsed = parseMinorVersion(text);
  // our own check too: say why `2.0` or `1.100` is refused, whatever parseMinorVersion accepts
  const loose = /^v?(\d+)\.(\d+)/.exec(text.trim());
  const seen = parsed ?? (loose ? { major: Number(loose[1]), minor: Number(loose[2]) } : undefined);
  const problem = seen ? targetVersionProblem(seen) : undefined;
  if (!parsed || problem) return { error: `must be ${TARGET_VERSION_SHAPE}, got '${text}'${problem ? `: ${problem}` : ''}` };
  return { version: KubernetesVersion.of(parsed.minor) };
}

/** Validate and resolve options (throws on unknown rule ids, invalid severities and impossible versions). */
export function engineOptions(options: LintOptions): EngineOptions {
  const v = options.kubernetesVersion ?? KubernetesVersion.DEFAULT;
  const versionProblem = targetVersionProblem(v);
  if (versionProblem) throw new Error(`kubernetesVersion must be ${TARGET_VERSION_SHAPE}: ${versionProblem}`);
  const minSeverity = options.minSeverity ?? Severity.INFO;
  if (![Severity.ERROR, Severity.WARNING, Severity.INFO].includes(minSeverity)) {
    throw new Error(`minSeverity must be one of error, warning, info; got '${minSeverity}'`);
  }
  const ignore = options.ignoreRules ?? [];
  const unknown = ignore.filter(id => id !== 'all' && !RULES_BY_ID.has(id));
  if (unknown.length > 0) {
    throw new Error(`unknown lint rule id${unknown.length > 1 ? 's' : ''} ${unknown.map(u => `'${u}'`).join(', ')} in ignoreRules; see Linter.rules()`);
  }
  return {
    version: { major: v.major, minor: v.minor },
    featureGate: options.sidecarContainersFeatureGate ?? false,
    minSeverity,
    ignoreRules: new Set(ignore.includes('all') ? RULE_DEFS.map(r => r.id) : ignore),
  };
}
