/**
 * Reads a Cloud SQL / AlloyDB Auth Proxy container's effective configuration from its command line and environment,
 * using the flag spellings of `_proxy-flavors.ts`. Best effort: when flags may come from elsewhere (`--config-file`,
 * `envFrom`, env values from Secrets) the config is marked `opaque` and rules that need the absence of a flag stay
 * silent.
 */
import { COMMON_FLAGS, INSTANCE_QUERY_KEYS, ProxyFlavor, PROXY_BINARY_DEFAULTS, PROXY_FLAVORS, SHORT_FLAGS } from '../_proxy-flavors';
import { ContainerInfo, toPortNumber } from './_heuristics';

export interface ProxyConfig {
  readonly flavor: ProxyFlavor;
  /** Flags may come from a config file or from env we cannot read: don't conclude that a flag is absent. */
  readonly opaque: boolean;
  readonly healthCheck: boolean;
  readonly httpAddress: string;
  /** undefined when the value is not a number. */
  readonly httpPort: number | undefined;
  readonly adminPort: number | undefined;
  readonly exitZeroOnSigterm: boolean;
  /** Flags given on the command line (names with leading dashes, as typed). */
  readonly flagsGiven: readonly string[];
  /** Instance connection names / URIs (positional args and env), query strings included. */
  readonly instances: readonly string[];
  /** `--port`/`-p` (or env) given, as a number (undefined when absent or a placeholder such as `<DB_PORT>`). */
  readonly globalPort: number | undefined;
  /** `--port`/`-p` (or env) given, whatever its value. */
  readonly portGiven: boolean;
  /** `--unix-socket`/`-u` (or env) given. */
  readonly unixSocket: boolean;
  /** TCP ports the proxy listens on for databases, as far as they can be known. */
  readonly listenerPorts: readonly number[];
}

/** Known flags that take no value (`--flag` or `--flag=true|false`). */
const BOOLEAN_FLAGS = new Set<string>([
  COMMON_FLAGS.healthCheck, COMMON_FLAGS.quitQuitQuit, COMMON_FLAGS.structuredLogs, COMMON_FLAGS.quiet, COMMON_FLAGS.debugLogs,
  COMMON_FLAGS.autoIamAuthn, COMMON_FLAGS.gcloudAuth, COMMON_FLAGS.prometheus, COMMON_FLAGS.disableMetrics, COMMON_FLAGS.disableTraces,
  COMMON_FLAGS.lazyRefresh, COMMON_FLAGS.runConnectionTest, COMMON_FLAGS.debug,
  ...PROXY_FLAVORS.map(f => f.flags.exitZeroOnSigterm),
  ...PROXY_FLAVORS.flatMap(f => Object.values(f.flags.ipTypeFlags)),
]);
/** Known flags that take a value. Other flags take one unless the next token is a flag or an instance. */
const VALUE_FLAGS = new Set<string>(Object.values(COMMON_FLAGS).filter(f => !BOOLEAN_FLAGS.has(f)));

/** `?port=5432` / `&port=5432` on an instance. */
const INSTANCE_PORT = new RegExp(`[?&]${INSTANCE_QUERY_KEYS.port}=(\\d{1,5})\\b`);
/** `?unix-socket=...` / `?unix-socket-path=...` on an instance. */
const INSTANCE_SOCKET = new RegExp(`[?&](${INSTANCE_QUERY_KEYS.unixSocket}|${INSTANCE_QUERY_KEYS.unixSocketPath})=`);

/** An instance connection name / URI of any flavour (query string ignored). */
function looksLikeInstance(token: string): boolean {
  const id = token.split('?')[0];
  return PROXY_FLAVORS.some(f => f.parseInstance(id) !== undefined);
}

function isTrue(v: string | undefined): boolean {
  return v === undefined || /^(true|t|1|yes)$/i.test(v.trim());
}

/** `--http-port` → `CSQL_PROXY_HTTP_PORT`. */
function envNameOf(flavor: ProxyFlavor, flag: string): string {
  const key = flavor.envPrefix + flag;
  let name = ENV_NAMES.get(key);
  if (name === undefined) {
    name = flavor.envPrefix + flag.replace(/^-+/, '').replace(/-/g, '_').toUpperCase();
    ENV_NAMES.set(key, name);
  }
  return name;
}

/** Memo of `envNameOf` (a handful of flags, looked up for every proxy container). */
const ENV_NAMES = new Map<string, string>();

const cache = new WeakMap<ContainerInfo, ProxyConfig>();

/** The proxy configuration of a container running a proxy in server mode (memoized per container). */
export function readProxyConfig(info: ContainerInfo): ProxyConfig | undefined {
  if (!info.proxy) return undefined;
  let cfg = cache.get(info);
  if (!cfg) {
    cfg = parseProxyConfig(info, info.proxy);
    cache.set(info, cfg);
  }
  return cfg;
}

function parseProxyConfig(info: ContainerInfo, flavor: ProxyFlavor): ProxyConfig {
  const c = info.c;
  // the proxy's own arguments: after its binary, wrappers and shell scripts (see _heuristics.proxyRunOf)
  const argv = info.proxyArgv;

  const flags = new Map<string, string | undefined>();
  const flagsGiven: string[] = [];
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i];
    if (!tok.startsWith('-') || tok === '-') {
      positionals.push(tok);
      continue;
    }
    const eq = tok.indexOf('=');
    const raw = eq >= 0 ? tok.slice(0, eq) : tok;
    const name = SHORT_FLAGS[raw] ?? raw;
    flagsGiven.push(raw);
    if (eq >= 0) {
      flags.set(name, tok.slice(eq + 1));
    } else if (BOOLEAN_FLAGS.has(name)) {
      flags.set(name, undefined);
    } else if (!VALUE_FLAGS.has(name) && (i + 1 >= argv.length || argv[i + 1].startsWith('-') || looksLikeInstance(argv[i + 1]))) {
      flags.set(name, undefined); // an unknown boolean flag
    } else {
      flags.set(name, argv[i + 1]);
      i++;
    }
  }

  const env = new Map<string, string | undefined>();
  let opaque = flags.has(COMMON_FLAGS.configFile) || (Array.isArray(c.envFrom) && c.envFrom.length > 0);
  const instanceEnv: string[] = [];
  const instanceEnvName = envNameOf(flavor, flavor.instanceConfigKey);
  for (const e of Array.isArray(c.env) ? c.env : []) {
    if (typeof e?.name !== 'string' || !e.name.startsWith(flavor.envPrefix)) continue;
    if (typeof e.value !== 'string') {
      if (e.valueFrom) opaque = true;
      continue;
    }
    env.set(e.name, e.value);
    if (e.name === instanceEnvName || e.name.startsWith(`${instanceEnvName}_`)) instanceEnv.push(e.value);
  }
  if (env.has(envNameOf(flavor, COMMON_FLAGS.configFile))) opaque = true;

  const get = (flag: string): { given: boolean; value: string | undefined } => {
    if (flags.has(flag)) return { given: true, value: flags.get(flag) };
    const envName = envNameOf(flavor, flag);
    if (env.has(envName)) return { given: true, value: env.get(envName) };
    return { given: false, value: undefined };
  };
  const bool = (flag: string): boolean => {
    const v = get(flag);
    return v.given && isTrue(v.value);
  };
  const num = (flag: string, dflt: number): number | undefined => {
    const v = get(flag);
    return v.given ? toPortNumber(v.value) : dflt;
  };

  const instances = [...positionals, ...instanceEnv];
  const portFlag = get(COMMON_FLAGS.port);
  const globalPort = portFlag.given ? toPortNumber(portFlag.value) : undefined;
  const unixSocket = get(COMMON_FLAGS.unixSocket).given;

  // listener ports: `?port=N` per instance, else --port N, N+1, ... in order, else the flavour default (if fixed)
  const listenerPorts: number[] = [];
  let next = globalPort ?? (flavor.defaultPort > 0 ? flavor.defaultPort : undefined);
  for (const inst of instances) {
    const q = INSTANCE_PORT.exec(inst);
    if (q) {
      listenerPorts.push(Number(q[1]));
    } else if (!unixSocket && !INSTANCE_SOCKET.test(inst) && next !== undefined) {
      listenerPorts.push(next);
      next++;
    }
  }

  return {
    flavor,
    opaque,
    healthCheck: bool(COMMON_FLAGS.healthCheck),
    httpAddress: get(COMMON_FLAGS.httpAddress).value ?? PROXY_BINARY_DEFAULTS.httpAddress,
    httpPort: num(COMMON_FLAGS.httpPort, PROXY_BINARY_DEFAULTS.httpPort),
    adminPort: num(COMMON_FLAGS.adminPort, PROXY_BINARY_DEFAULTS.adminPort),
    exitZeroOnSigterm: bool(flavor.flags.exitZeroOnSigterm),
    flagsGiven,
    instances,
    globalPort,
    portGiven: portFlag.given,
    unixSocket,
    listenerPorts,
  };
}

/** `localhost`, `127.x.x.x`, `::1`. */
export function isLoopback(address: string): boolean {
  const a = address.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return a === 'localhost' || a.startsWith('127.') || a === '::1';
}

/** A flag given to a proxy that only another proxy flavour knows (`flags.only` of `_proxy-flavors.ts`). */
export interface ForeignFlag {
  readonly flag: string;
  readonly owner: ProxyFlavor;
  /** This flavour's spelling of the same setting, if it has one. */
  readonly replacement?: string;
  /** The flag selects what is already this flavour's default IP type. */
  readonly selectsDefault: boolean;
}

/** Flags of other proxy flavours that this flavour does not know, as typed. */
export function foreignFlags(cfg: ProxyConfig): ForeignFlag[] {
  const own = cfg.flavor.flags;
  const out: ForeignFlag[] = [];
  for (const given of cfg.flagsGiven) {
    if (own.only.includes(given)) continue;
    const owner = PROXY_FLAVORS.find(f => f !== cfg.flavor && f.flags.only.includes(given));
    if (!owner) continue;
    if (owner.flags.exitZeroOnSigterm === given) {
      out.push({ flag: given, owner, replacement: own.exitZeroOnSigterm, selectsDefault: false });
      continue;
    }
    const ipType = Object.keys(owner.flags.ipTypeFlags).find(k => owner.flags.ipTypeFlags[k] === given);
    out.push({
      flag: given,
      owner,
      replacement: ipType !== undefined ? own.ipTypeFlags[ipType] : undefined,
      selectsDefault: ipType !== undefined && ipType === cfg.flavor.defaultIpType,
    });
  }
  return out;
}
