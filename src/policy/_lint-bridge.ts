/**
 * The only file of `src/policy` that knows how the linter (`src/lint`) stores its rules and heuristics. The admission
 * policies take each rule's id, severity, summary and docs link from the linter's catalog through `lintRule()`, and
 * the container heuristics (server images, never-returning commands, loopback ports) from the patterns below, so the
 * CEL decides "long-running helper" the same way the linter does (test/policy/parity.test.ts is the contract).
 *
 * When the linter's catalog or heuristics move, this is the one file to re-target.
 */
import { ISTIO, LINKERD } from '../_mesh-facts';
import { LEGACY_CLOUD_SQL_PROXY_IMAGE, ONE_SHOT_SUBCOMMANDS, PROXY_FLAVORS } from '../_proxy-flavors';
import { docsUrlOf, RULE_DEFS, RULES_BY_ID, RuleId } from '../lint/_catalog';
import { Severity } from '../lint/types';

/**
 * A rule id of the linter's catalog (its `RuleId`, a union of literal types). `src/policy/_rules.ts` keys the CEL of
 * covered rules and the reason of the others by this type, so an id that is not in the catalog is a compile error
 * there, and so is a catalog rule missing from both tables.
 */
export type LintRuleId = RuleId;

/** What the policies show of a lint rule. */
export interface LintRuleFacts {
  readonly id: LintRuleId;
  readonly severity: Severity;
  readonly summary: string;
  readonly docsUrl: string;
}

/** The catalog entry of a rule. */
export function lintRule(id: LintRuleId): LintRuleFacts {
  const def = RULES_BY_ID.get(id);
  if (!def) throw new Error(`internal error: lint rule '${id}' is not in the linter's catalog`);
  return { id, severity: def.severity, summary: def.summary, docsUrl: docsUrlOf(id) };
}

/** The ids of the linter's catalog, in documentation order (for the parity and catalog tests). */
export function catalogRuleIds(): string[] {
  return RULE_DEFS.map(r => r.id);
}

/** Annotation listing rule ids the linter skips for one object (or `all`). */
export const IGNORE_ANNOTATION = 'lint.cdk8s-sidecars.io/ignore';

/**
 * The linter's container heuristics as data. These mirror `src/lint/_heuristics.ts`, `_shell.ts` and
 * `_stop-mechanisms.ts` (which do not export them); the parity test fails when they drift apart.
 */
export const HEURISTICS = {
  /** Non-proxy images whose default entrypoint is a server or agent, matched against the image repository. */
  knownServerImages: [
    // Istio's proxyv2 also runs one-shot tools (istio-iptables as istio-init): it serves only with the first argument `proxy`
    { re: /(^|\/)proxyv2$/, network: true, serverArgs: /^proxy$/ },
    { re: /(^|\/)linkerd\/proxy$/, network: true },
    { re: /(^|\/)envoyproxy\/envoy(-[a-z]+)?$/, network: true },
    { re: /(^|\/)nginx$/, network: true },
    { re: /(^|\/)nginx-unprivileged$/, network: true },
    { re: /(^|\/)haproxy$/, network: true },
    { re: /(^|\/)redis$/, network: true },
    { re: /(^|\/)memcached$/, network: true },
    { re: /(^|\/)pgbouncer$/, network: true },
    { re: /(^|\/)oauth2-proxy$/, network: true },
    { re: /(^|\/)cloudflared$/, network: true },
    { re: /(^|\/)opentelemetry-collector(-contrib|-k8s)?$/, network: true },
    { re: /(^|\/)datadog\/agent$/, network: true },
    { re: /(^|\/)fluent-bit$/, network: false },
    { re: /(^|\/)fluentd$/, network: false },
  ],
  /** Container names the meshes give their injected proxy. */
  meshProxyNames: [ISTIO.proxyContainer, LINKERD.proxyContainer],
  /** Programs that run the rest of their command line (`tini -- cmd`); the linter unwraps them. */
  wrappers: ['kubexit', 'tini', 'dumb-init', 'catatonit', 'linkerd-await', 'watchkiller'],
  /** Shells whose `-c` script the linter reads (`env` may come first). */
  shells: ['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'busybox', 'env'],
  /** The Cloud SQL Proxy v1 binary. */
  legacyProxyBinary: 'cloud_sql_proxy',
  /**
   * Hand-wired stop mechanisms of a Job helper (the linter's `_stop-mechanisms.ts`): pod annotations of controllers
   * that stop the named containers, and the words whose presence in a container means one may be wired (kubexit's
   * env, Istio's and the proxies' /quitquitquit, linkerd-await, pkill/killall across shareProcessNamespace).
   */
  stopControllerAnnotations: ['pod.kubernetes.io/sidecars', 'nrmitchi.com/sidecars'],
  kubexitEnv: 'KUBEXIT_DEATH_DEPS',
  stopWords: ['quitquitquit', 'linkerd-await'],
  killers: ['pkill', 'killall'],
  /** An env value the helper may wait for as a quit file (`/tmp/done`). */
  quitFileEnvValue: /^\/[\w./-]+$/,
  /** Commands that never return, matched against `command` + `args` joined by spaces. */
  serverCommands: [
    /\bsleep\s+(infinity|inf)\b/,
    /\bsleep\s+\d{5,}\b/,
    /\btail\s+(-[a-zA-Z]*[fF][a-zA-Z]*\s|--follow)/,
    /\bdaemon\s+off\b/,
    /\bhttp\.server\b/,
    /\bnc\s+-[a-zA-Z]*l/,
    /\bsocat\b.*LISTEN/,
    /\bredis-server\b/,
  ],
  endlessLoop: /\bwhile\s+(true|:|\[\s*1\s*\])\s*;?\s*do\b/,
  loopExit: /\b(break|exit|return)\b/,
  /** Loopback addresses followed by `:`; the port follows (`localhost:5432`), as in the linter's `LOOPBACK_PORT`. */
  loopbackHosts: ['localhost:', '127.0.0.1:', '[::1]:'],
  /** Most digits the linter reads as a loopback port (`\d{1,5}\b`). */
  loopbackPortDigits: 5,
  /** Env var names whose numeric value is a port the container connects to. */
  portEnvName: /PORT$/i,
  /** The proxies: image patterns and binaries; one-shot subcommands and flags. */
  proxies: PROXY_FLAVORS.map(f => ({ imagePatterns: f.imagePathPatterns, binary: f.binary })),
  legacyProxyImage: LEGACY_CLOUD_SQL_PROXY_IMAGE,
  oneShotSubcommands: ONE_SHOT_SUBCOMMANDS.filter(a => !a.startsWith('-')),
  oneShotFlags: ONE_SHOT_SUBCOMMANDS.filter(a => a.startsWith('-')),
  /** Mesh injection keys (job-mesh-sidecar-injected), shared with the linter and the constructs. */
  istio: ISTIO,
  linkerd: LINKERD,
  linkerdInjectValues: ['enabled', 'ingress'],
} as const;
