/**
 * Resolving public lint options into engine options (shared by the Linter API, the CLI and the validation plugin).
 */
import { parseVersionText, VERSION_SHAPE, versionProblem } from '../_version-facts';
import { KubernetesVersion } from '../kubernetes-version';
import { isRuleId, RULE_DEFS } from './_catalog';
import { EngineOptions } from './_context';
import { LintOptions, Severity } from './types';

/** Parse a target version given as text (CLI flag, cdk8s.yaml property); the error says what is wrong. */
export function parseTargetVersion(text: string): { version: KubernetesVersion } | { error: string } {
  const parsed = parseVersionText(text);
  return 'error' in parsed ? parsed : { version: KubernetesVersion.of(parsed.version.minor) };
}

/** Validate and resolve options (throws on unknown rule ids, invalid severities and impossible versions). */
export function engineOptions(options: LintOptions): EngineOptions {
  const v = options.kubernetesVersion ?? KubernetesVersion.DEFAULT;
  const problem = versionProblem(v);
  if (problem) throw new Error(`kubernetesVersion must be ${VERSION_SHAPE}: ${problem}`);
  const minSeverity = options.minSeverity ?? Severity.INFO;
  if (![Severity.ERROR, Severity.WARNING, Severity.INFO].includes(minSeverity)) {
    throw new Error(`minSeverity must be one of error, warning, info; got '${minSeverity}'`);
  }
  const ignore = options.ignoreRules ?? [];
  const unknown = ignore.filter(id => id !== 'all' && !isRuleId(id));
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
