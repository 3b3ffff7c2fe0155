/**
 * The linter's container heuristics as data, in one place: the lint engine (`_heuristics.ts`, `_shell.ts`,
 * `_stop-mechanisms.ts`, `_rules-lifecycle.ts`) reads them from here, and so does the admission policies' bridge
 * (`src/policy/_lint-bridge.ts`), which turns them into CEL. Data only: no imports from the engine.
 */
import { ISTIO, LINKERD } from '../_mesh-facts';

/**
 * Non-proxy images whose default entrypoint is a long-running server or agent. Matched against the repository.
 * `serverArgs`: the image also runs one-shot tools, chosen by the first argument; it serves only with these (Istio's
 * proxyv2 runs `istio-iptables` as the istio-init container and `proxy sidecar` as istio-proxy,
 * https://github.com/istio/istio/blob/master/manifests/charts/istio-control/istio-discovery/files/injection-template.yaml).
 */
export interface KnownServerImage {
  readonly re: RegExp;
  /** For messages, e.g. `runs the Istio proxy image`. */
  readonly label: string;
  /** It accepts connections (a network server), unlike a log shipper such as Fluent Bit. */
  readonly network: boolean;
  /** It serves only when its first argument matches (see above). */
  readonly serverArgs?: RegExp;
}
export const KNOWN_SERVER_IMAGES: readonly KnownServerImage[] = [
  { re: /(^|\/)proxyv2$/, label: 'Istio proxy', network: true, serverArgs: /^proxy$/ },
  { re: /(^|\/)linkerd\/proxy$/, label: 'Linkerd proxy', network: true },
  { re: /(^|\/)envoyproxy\/envoy(-[a-z]+)?$/, label: 'Envoy', network: true },
  { re: /(^|\/)nginx$/, label: 'nginx', network: true },
  { re: /(^|\/)nginx-unprivileged$/, label: 'nginx', network: true },
  { re: /(^|\/)haproxy$/, label: 'HAProxy', network: true },
  { re: /(^|\/)redis$/, label: 'Redis', network: true },
  { re: /(^|\/)memcached$/, label: 'memcached', network: true },
  { re: /(^|\/)pgbouncer$/, label: 'PgBouncer', network: true },
  { re: /(^|\/)oauth2-proxy$/, label: 'oauth2-proxy', network: true },
  { re: /(^|\/)cloudflared$/, label: 'cloudflared', network: true },
  { re: /(^|\/)opentelemetry-collector(-contrib|-k8s)?$/, label: 'OpenTelemetry Collector', network: true },
  { re: /(^|\/)datadog\/agent$/, label: 'Datadog Agent', network: true },
  { re: /(^|\/)fluent-bit$/, label: 'Fluent Bit', network: false },
  { re: /(^|\/)fluentd$/, label: 'Fluentd', network: false },
];

/** Container names the meshes give their injected proxy. */
export const MESH_PROXY_NAMES: readonly string[] = [ISTIO.proxyContainer, LINKERD.proxyContainer];

/** Programs that run the rest of their command line as the real program (options first, `--` optional). */
export const WRAPPERS: readonly string[] = ['kubexit', 'tini', 'dumb-init', 'catatonit', 'linkerd-await', 'watchkiller'];

/** Shells whose `-c` script the linter reads (`env` may come before them: `/usr/bin/env bash -c ...`). */
export const SHELLS: readonly string[] = ['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'busybox'];

/** The program that may run a shell (`/usr/bin/env bash -c ...`). */
export const ENV_PROGRAM = 'env';

/**
 * Shell words the script reader treats specially at the start of a command (POSIX Shell Command Language, 2.4
 * Reserved Words and 2.9.4 Compound Commands, https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html):
 * words that open a command list without being a command, words that close one, loop keywords, and the prefixes
 * dropped before the program (`exec app` runs `app`).
 */
export const SHELL_OPENERS: readonly string[] = ['if', 'then', 'else', 'elif', 'do', '!', '{', '(', 'time'];
export const SHELL_CLOSERS: readonly string[] = ['fi', 'done', 'esac', '}', ')'];
export const SHELL_LOOPS: readonly string[] = ['while', 'until', 'for'];
export const COMMAND_PREFIXES: readonly string[] = ['exec', 'nohup', 'command', 'builtin', 'env'];
/** A variable assignment before the program (`FOO=1 app`), dropped like the prefixes. */
export const SHELL_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** The Cloud SQL Proxy v1 binary (v1 is only linted, never generated: not in the flavour table). */
export const LEGACY_PROXY_BINARY = 'cloud_sql_proxy';

/** Commands that never return, matched against `command` + `args` joined by spaces. */
export const SERVER_COMMANDS: ReadonlyArray<{ readonly re: RegExp; readonly label: string }> = [
  { re: /\bsleep\s+(infinity|inf)\b/, label: 'sleep infinity' },
  { re: /\bsleep\s+\d{5,}\b/, label: 'a very long sleep' },
  { re: /\btail\s+(-[a-zA-Z]*[fF][a-zA-Z]*\s|--follow)/, label: 'tail -f' },
  { re: /\bdaemon\s+off\b/, label: "a foreground server ('daemon off')" },
  { re: /\bhttp\.server\b/, label: 'python -m http.server' },
  { re: /\bnc\s+-[a-zA-Z]*l/, label: 'nc -l' },
  { re: /\bsocat\b.*LISTEN/, label: 'socat LISTEN' },
  { re: /\bredis-server\b/, label: 'redis-server' },
];
/** An endless shell loop, a server unless the script has a way out (`LOOP_EXIT`). */
export const ENDLESS_LOOP = /\bwhile\s+(true|:|\[\s*1\s*\])\s*;?\s*do\b/;
export const LOOP_EXIT = /\b(break|exit|return)\b/;

/** Loopback addresses; a port follows after `:` (`localhost:5432`, `127.0.0.1:5432`, `[::1]:5432`). */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];
/** Most digits read as a port after a loopback address or in a `*PORT` env value. */
export const LOOPBACK_PORT_DIGITS = 5;
/** Env var names whose numeric value is a port the container connects to. */
export const PORT_ENV_NAME = /PORT$/i;

/** Annotations read by controllers that stop the listed containers once the others have exited. */
export const SIDECAR_CONTROLLER_ANNOTATIONS: readonly string[] = [
  'pod.kubernetes.io/sidecars', // https://github.com/otherguy/k8s-controller-sidecars
  'nrmitchi.com/sidecars', // https://github.com/nrmitchi/k8s-controller-sidecars
];
/** kubexit (https://github.com/karlkfi/kubexit): its program name and the env var naming the containers it waits for. */
export const KUBEXIT = 'kubexit';
export const KUBEXIT_DEATH_DEPS = 'KUBEXIT_DEATH_DEPS';
/** The stop endpoint of Istio's pilot-agent and of the proxies' admin server. */
export const QUIT_PATH = '/quitquitquit';
/** linkerd-await (https://github.com/linkerd/linkerd-await): `--shutdown` stops linkerd-proxy when the task ends. */
export const LINKERD_AWAIT = 'linkerd-await';
/** The image of Istio's sidecar (`docker.io/istio/proxyv2:1.22.0`), whose pilot-agent serves `/quitquitquit`. */
export const ISTIO_PROXY_IMAGE = /(^|\/)proxyv2(:|@|$)/;
/** HTTP clients a task may call a `/quitquitquit` endpoint with. */
export const HTTP_CLIENTS: readonly string[] = ['curl', 'wget', 'http', 'httpie', 'xh'];
/** Programs that stop the helper across `shareProcessNamespace: true`. */
export const KILLERS: readonly string[] = ['pkill', 'killall'];
/** An env value the helper may wait for as a quit file (`/tmp/done`). */
export const QUIT_FILE_ENV_VALUE = /^\/[\w./-]+$/;

/** Values of `linkerd.io/inject` that inject the proxy. */
export const LINKERD_INJECT_VALUES: readonly string[] = ['enabled', 'ingress'];
