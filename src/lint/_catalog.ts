/**
 * The rule catalog: the concatenation of the rule lists of the `_rules-*.ts` files, in documentation order. Rule ids
 * are stable: renaming one is a breaking change (users suppress them by id). Each id has a `## <id>` section in
 * docs/rules.md (a test checks it).
 */
import { CronJobRule, PodRule, Rule } from './_context';
import { CRONJOB_RULES, JOB_RULES } from './_rules-job';
import { LIFECYCLE_RULES } from './_rules-lifecycle';
import { PROXY_RULES } from './_rules-proxy';
import { SECURITY_RULES } from './_rules-security';
import { VERSION_RULES } from './_rules-version';
import { Severity } from './types';

/** Where `docs/rules.md` is published; each rule links to its section. */
export const RULES_DOC_URL = 'https://github.com/cdk8s-sidecars/cdk8s-sidecars/blob/main/docs/rules.md';

/** Every rule, in documentation order, with the ids as literal types. */
const CATALOG = [
  ...LIFECYCLE_RULES,
  ...JOB_RULES,
  ...CRONJOB_RULES,
  ...SECURITY_RULES,
  ...PROXY_RULES,
  ...VERSION_RULES,
] as const;

/** The id of a rule of the catalog: a typo in an id is a compile error wherever this type is used. */
export type RuleId = (typeof CATALOG)[number]['id'];

/** A rule of the catalog. */
export type RuleDef = Rule<RuleId>;

const ALL: readonly RuleDef[] = CATALOG;

/** Every rule, in documentation order (ids typed as plain strings for the output formats). */
export const RULE_DEFS: readonly Rule[] = ALL;

/** Pod-template rules, in catalog order (the engine runs them after the CronJob object rules). */
export const POD_RULES: readonly PodRule<RuleId>[] = ALL.filter((r): r is PodRule<RuleId> => r.scope === 'pod');

/** CronJob object rules, in catalog order. */
export const CRONJOB_OBJECT_RULES: readonly CronJobRule<RuleId>[] = ALL.filter((r): r is CronJobRule<RuleId> => r.scope === 'cronjob');

export const RULES_BY_ID: ReadonlyMap<string, RuleDef> = new Map(ALL.map(r => [r.id, r]));

/** Whether `id` is the id of a rule of the catalog. */
export function isRuleId(id: string): id is RuleId {
  return RULES_BY_ID.has(id);
}

/** The link to a rule's section of docs/rules.md. */
export function docsUrlOf(id: string): string {
  return `${RULES_DOC_URL}#${id}`;
}

/** Numeric rank: higher is worse. */
export function severityRank(s: Severity): number {
  return s === Severity.ERROR ? 3 : s === Severity.WARNING ? 2 : 1;
}

/** Parse `error`/`warning`/`info` (case-insensitive); undefined otherwise. */
export function parseSeverity(text: unknown): Severity | undefined {
  if (typeof text !== 'string') return undefined;
  const t = text.trim().toLowerCase();
  return t === 'error' ? Severity.ERROR : t === 'warning' ? Severity.WARNING : t === 'info' ? Severity.INFO : undefined;
}
