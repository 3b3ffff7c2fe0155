/**
 * Resolving public lint options into engine options (shared by the Linter API, the CLI and the validation plugin).
 */
import { KubernetesVersion } from '../kubernetes-version';
import { RULE_DEFS, RULES_BY_ID } from './_catalog';
import { EngineOptions } from './_engine';
import { LintOptions, Severity } from './types';

/** Validate and resolve options (throws on unknown rule ids and invalid severities). */
export function engineOptions(options: LintOptions): EngineOptions {
  const v = options.kubernetesVersion ?? KubernetesVersion.DEFAULT;
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
