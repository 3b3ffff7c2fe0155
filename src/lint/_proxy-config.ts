/**
 * Reads a Cloud SQL / AlloyDB Auth Proxy container's effective configuration from its command line and environment,
 * using the flag spellings of `_proxy-flavors.ts`. Best effort: when flags may come from elsewhere (`--config-file`,
 * `envFrom`, env values from Secrets) the config is marked `opaque` and rules that need the absence of a flag stay
 * silent.
 */
import { isLoopbackAddress, tokenizeProxyArgs } from '../_proxy-args';
import { COMMON_FLAGS, INSTANCE_QUERY_KEYS, ProxyFlavor, PROXY_BINARY_DEFAULTS, PROXY_FLAVORS } from '../_proxy-flavors';
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

/** `?port=5432` / `&port=5432` on an instance. */
const INSTANCE_PORT = new RegExp(`[?&]${INSTANCE_QUERY_KEYS.port}=(\\d{1,5})\\b`);
/** `?unix-socket=...` / `?unix-socket-path=...` on an instance. */
const INSTANCE_SOCKET = new RegExp(`[?&](${INSTANCE_QUERY_KEYS.unixSocket}|${INSTANCE_QUERY_KEYS.unixSocketPath})=`);

function isTrue(v: string | undefined): boolean {
  return v === undefined || /^(true|t|1|yes)$/i.test(v.trim());
}

/** `--http-port` → `CSQL_PROXY_HTTP_PORT`. */
export function envNameOf(flavor: ProxyFlavor, flag: string): string {
  let names = ENV_NAMES.get(flavor);
  if (!names) {
    names = new Map();
    ENV_NAMES.set(flavor, names);
  }
  let name = names.get(flag);
  if (name === undefined) {
    name = flavor.envPrefix + flag.replace(/^-+/, '').replace(/-/g, '_').toUpperCase();
    names.set(flag, name);
  }
  return name;
}

/** Memo of `envNameOf` per flavour (a handful of flags, looked up for every proxy container). */
const ENV_NAMES = new Map<ProxyFlavor, Map<string, string>>();

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
  for (const t of tokenizeProxyArgs(argv)) {
    if (t.flag === undefined) {
      positionals.push(t.raw);
      continue;
    }
    flagsGiven.push(t.typed!);
    flags.set(t.flag, t.value);
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

/** `localhost`, `127.x.x.x`, `::1`, `::ffff:127.0.0.1` (the shared definition). */
export const isLoopback = isLoopbackAddress;

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
