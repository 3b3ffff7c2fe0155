/**
 * Resolving public lint options into engine options (shared by the Linter API, the CLI and the validation plugin).
 */
import { MAX_MINOR, parseVersionText, VERSION_SHAPE, versionProblem } from '../_version-facts';
import { KubernetesVersion } from '../kubernetes-version';
import { RULE_DEFS, RULES_BY_ID } from './_catalog';
import { EngineOptions } from './_engine';
import { LintOptions, Severity } from './types';

/** Highest minor accepted as a target (`_version-facts.ts` MAX_MINOR: `1.100` is a typo). */
export const MAX_TARGET_MINOR = MAX_MINOR;

/** What a target version must look like, for messages. */
export const TARGET_VERSION_SHAPE = VERSION_SHAPE;

/** Why a target version is not usable, or undefined when it is (shared with the constructs and the simulator). */
export const targetVersionProblem = versionProblem;

/** Parse a target version given as text (CLI flag, cdk8s.yaml property); the error says what is wrong. */
export function parseTargetVersion(text: string): { version: KubernetesVersion } | { error: string } {
  const parsed = parseVersionText(text);
  return 'error' in parsed ? parsed : { version: KubernetesVersion.of(parsed.version.minor) };
}

/** Validate and resolve options (throws on unknown rule ids, invalid severities and impossible versions). */
export function engineOptions(options: LintOptions): EngineOptions {
  const v = options.kubernetesVersion ?? KubernetesVersion.DEFAULT;
  const problem = targetVersionProblem(v);
  if (problem) throw new Error(`kubernetesVersion must be ${TARGET_VERSION_SHAPE}: ${problem}`);
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
