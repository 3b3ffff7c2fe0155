/**
 * The only file of `src/policy` that knows how the linter (`src/lint`) stores its rules and heuristics. The admission
 * policies take each rule's id, severity, summary and docs link from the linter's catalog through `lintRule()`, and
 * the container heuristics (server images, never-returning commands, loopback ports) from the patterns below, so the
 * CEL decides "long-running helper" the same way the linter does (test/policy/parity.test.ts is the contract).
 *
 * When the linter's catalog or heuristics move, this is the one file to re-target.
 */
import { ISTIO, LINKERD } from '../_mesh-facts';
import { BOOLEAN_FLAGS } from '../_proxy-args';
import { COMMON_FLAGS, LEGACY_CLOUD_SQL_PROXY_IMAGE, ONE_SHOT_SUBCOMMANDS, PROXY_BINARY_DEFAULTS, PROXY_FLAVORS } from '../_proxy-flavors';
import { docsUrlOf, RULE_DEFS, RULES_BY_ID, RuleId } from '../lint/_catalog';
import {
  COMMAND_PREFIXES, ENDLESS_LOOP, ENV_PROGRAM, HTTP_CLIENTS, ISTIO_PROXY_IMAGE, KILLERS, KNOWN_SERVER_IMAGES, KUBEXIT_DEATH_DEPS,
  LEGACY_PROXY_BINARY, LINKERD_AWAIT, LINKERD_INJECT_VALUES, LOOP_EXIT, LOOPBACK_HOSTS, LOOPBACK_PORT_DIGITS, MESH_PROXY_NAMES,
  PORT_ENV_NAME, QUIT_FILE_ENV_VALUE, QUIT_PATH, SERVER_COMMANDS, SHELL_ASSIGNMENT, SHELL_CLOSERS, SHELL_LOOPS, SHELL_OPENERS,
  SHELLS, SIDECAR_CONTROLLER_ANNOTATIONS, WRAPPERS,
} from '../lint/_heuristic-data';
import { envNameOf } from '../lint/_proxy-config';
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
 * The linter's container heuristics (`src/lint/_heuristic-data.ts`, the one copy the linter reads too), in the form
 * the CEL builders use; the parity test checks that both decide alike.
 */
export const HEURISTICS = {
  /** Non-proxy images whose default entrypoint is a server or agent, matched against the image repository. */
  knownServerImages: KNOWN_SERVER_IMAGES,
  /** Container names the meshes give their injected proxy. */
  meshProxyNames: MESH_PROXY_NAMES,
  /** Programs that run the rest of their command line (`tini -- cmd`); the linter unwraps them. */
  wrappers: WRAPPERS,
  /** Shells whose `-c` script the linter reads, and the program that may come first (`/usr/bin/env bash -c ...`). */
  shellPrograms: SHELLS,
  envProgram: ENV_PROGRAM,
  /** The Cloud SQL Proxy v1 binary. */
  legacyProxyBinary: LEGACY_PROXY_BINARY,
  /**
   * Hand-wired stop mechanisms of a Job helper (the linter's `_stop-mechanisms.ts`): pod annotations of controllers
   * that stop the named containers, and the words whose presence in a container means one may be wired (kubexit's
   * env, Istio's and the proxies' /quitquitquit, linkerd-await, pkill/killall across shareProcessNamespace).
   */
  stopControllerAnnotations: SIDECAR_CONTROLLER_ANNOTATIONS,
  kubexitEnv: KUBEXIT_DEATH_DEPS,
  linkerdAwait: LINKERD_AWAIT,
  killers: KILLERS,
  /** The /quitquitquit stop (the linter's `quitQuitQuit`): its path, callers, and the proxy flags it depends on. */
  quitPath: QUIT_PATH,
  httpClients: HTTP_CLIENTS,
  istioProxyImage: ISTIO_PROXY_IMAGE,
  istioAgentPort: ISTIO.agentPort,
  adminPortFlag: COMMON_FLAGS.adminPort,
  adminPortDefault: PROXY_BINARY_DEFAULTS.adminPort,
  /** The env var of each flavour that sets the admin port (`CSQL_PROXY_ADMIN_PORT`, the linter's `envNameOf`). */
  adminPortEnvNames: PROXY_FLAVORS.map(f => envNameOf(f, COMMON_FLAGS.adminPort)),
  quitQuitQuitFlag: COMMON_FLAGS.quitQuitQuit,
  /** Proxy flags that take no value token (the linter's tokenizer). */
  booleanFlags: [...BOOLEAN_FLAGS],
  /** The shell reader's words (`src/lint/_shell.ts`). */
  shellKeywords: [...SHELL_OPENERS, ...SHELL_CLOSERS, ...SHELL_LOOPS],
  commandPrefixes: COMMAND_PREFIXES,
  shellAssignment: SHELL_ASSIGNMENT,
  /** The program names a script runs a proxy with (the linter's `proxyInScript`). */
  proxyBinaries: [...PROXY_FLAVORS.map(f => f.binary.slice(f.binary.lastIndexOf('/') + 1)), LEGACY_PROXY_BINARY],
  /** An env value the helper may wait for as a quit file (`/tmp/done`). */
  quitFileEnvValue: QUIT_FILE_ENV_VALUE,
  /** Commands that never return, matched against `command` + `args` joined by spaces. */
  serverCommands: SERVER_COMMANDS.map(c => c.re),
  endlessLoop: ENDLESS_LOOP,
  loopExit: LOOP_EXIT,
  /** Loopback addresses followed by `:`; the port follows (`localhost:5432`), as in the linter's `LOOPBACK_PORT`. */
  loopbackHosts: LOOPBACK_HOSTS.map(h => `${h}:`),
  /** Most digits the linter reads as a loopback port. */
  loopbackPortDigits: LOOPBACK_PORT_DIGITS,
  /** Env var names whose numeric value is a port the container connects to. */
  portEnvName: PORT_ENV_NAME,
  /** The proxies: image patterns and binaries; one-shot subcommands and flags. */
  proxies: PROXY_FLAVORS.map(f => ({ imagePatterns: f.imagePathPatterns, binary: f.binary })),
  legacyProxyImage: LEGACY_CLOUD_SQL_PROXY_IMAGE,
  oneShotSubcommands: ONE_SHOT_SUBCOMMANDS.filter(a => !a.startsWith('-')),
  oneShotFlags: ONE_SHOT_SUBCOMMANDS.filter(a => a.startsWith('-')),
  /** Mesh injection keys (job-mesh-sidecar-injected), shared with the linter and the constructs. */
  istio: ISTIO,
  linkerd: LINKERD,
  linkerdInjectValues: LINKERD_INJECT_VALUES,
} as const;
