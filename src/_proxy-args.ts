/**
 * How the Cloud SQL / AlloyDB Auth Proxy command line is read: which flags take no value, how short flags map to
 * long ones, how tokens split into flags and positionals, and which addresses are loopback. The one copy, used by
 * the proxy sidecar constructs (to check `extraArgs`) and by the linter (to read a proxy container's flags).
 * Flag spellings come from `_proxy-flavors.ts`. No construct imports.
 */
import { isIP } from 'net';
import { COMMON_FLAGS, PROXY_FLAVORS, SHORT_FLAGS } from './_proxy-flavors';

/**
 * Flags that take no separate value token (`--flag` or `--flag=true|false`): cobra `BoolVar` flags of both proxies
 * (cloud-sql-proxy cmd/root.go `NewCommand`, alloydb-auth-proxy cmd/root.go `NewCommand`).
 */
export const BOOLEAN_FLAGS: ReadonlySet<string> = new Set<string>([
  COMMON_FLAGS.debug, COMMON_FLAGS.structuredLogs, COMMON_FLAGS.quiet, COMMON_FLAGS.debugLogs, COMMON_FLAGS.healthCheck,
  COMMON_FLAGS.quitQuitQuit, COMMON_FLAGS.prometheus, COMMON_FLAGS.lazyRefresh, COMMON_FLAGS.runConnectionTest,
  COMMON_FLAGS.disableMetrics, COMMON_FLAGS.disableTraces, COMMON_FLAGS.gcloudAuth, COMMON_FLAGS.autoIamAuthn,
  ...PROXY_FLAVORS.flatMap(x => [x.flags.exitZeroOnSigterm, ...Object.values(x.flags.ipTypeFlags)]),
]);

/** Known flags that take a value. */
export const VALUE_FLAGS: ReadonlySet<string> = new Set<string>(Object.values(COMMON_FLAGS).filter(f => !BOOLEAN_FLAGS.has(f)));

/** One token of a proxy command line. */
export interface ProxyArgToken {
  /** Index of the token in the argument list. */
  readonly index: number;
  /** The token as written. */
  readonly raw: string;
  /** For a flag: its long name (`-p` and `-p=5432` give `--port`); undefined for a positional. */
  readonly flag?: string;
  /** For a flag: the name as typed, without `=value` (`-p`, `--port`). */
  readonly typed?: string;
  /** For a flag: its value (`=value` or the next token), undefined for a boolean flag or a flag without one. */
  readonly value?: string;
  /** For a flag whose value is the next token: the index of that token. */
  readonly valueIndex?: number;
}

/**
 * Split a proxy argument list into flags (with values) and positionals (instances, subcommands). A short flag is
 * mapped to its long name before deciding whether it takes a value, so `-p 5432` and `--port 5432` read the same.
 * A flag that is neither known boolean nor known valued takes the next token as value unless that token is a flag
 * or an instance of either proxy.
 * @param args the arguments, without the binary
 */
export function tokenizeProxyArgs(args: readonly string[]): ProxyArgToken[] {
  const isPositional = looksLikeProxyInstance;
  const out: ProxyArgToken[] = [];
  for (let i = 0; i < args.length; i++) {
    const raw = args[i];
    if (typeof raw !== 'string' || !raw.startsWith('-') || raw === '-') {
      out.push({ index: i, raw });
      continue;
    }
    // pflag shorthand with the value attached: `-p5432` is `-p 5432`
    const short = raw.slice(0, 2);
    if (!raw.startsWith('--') && raw.length > 2 && raw[2] !== '=' && SHORT_FLAGS[short] !== undefined && !BOOLEAN_FLAGS.has(SHORT_FLAGS[short])) {
      out.push({ index: i, raw, flag: SHORT_FLAGS[short], typed: short, value: raw.slice(2) });
      continue;
    }
    const eq = raw.indexOf('=');
    const typed = eq >= 0 ? raw.slice(0, eq) : raw;
    const flag = longFlagName(typed);
    if (eq >= 0) {
      out.push({ index: i, raw, flag, typed, value: raw.slice(eq + 1) });
      continue;
    }
    // pflag gives a known valued flag the next token whatever it is; for unknown flags we can only guess
    const next = args[i + 1];
    const takesNext = !BOOLEAN_FLAGS.has(flag) && typeof next === 'string'
      && (VALUE_FLAGS.has(flag) || (!next.startsWith('-') && !isPositional(next)));
    if (takesNext) {
      out.push({ index: i, raw, flag, typed, value: next, valueIndex: i + 1 });
      i++;
    } else {
      out.push({ index: i, raw, flag, typed });
    }
  }
  return out;
}

/**
 * An instance connection name / URI of either proxy (query string ignored).
 * @param token a command-line token
 */
export function looksLikeProxyInstance(token: string): boolean {
  const id = token.split('?')[0];
  return PROXY_FLAVORS.some(f => f.parseInstance(id) !== undefined);
}

/**
 * The long name of a flag as typed: `-p` → `--port`; long names and unknown short flags are returned as given.
 * @param typed the flag without `=value`
 */
export function longFlagName(typed: string): string {
  return SHORT_FLAGS[typed] ?? typed;
}

/**
 * True for loopback addresses: `localhost`, 127.0.0.0/8, `::1` (any spelling) and IPv4-mapped loopback
 * (`::ffff:127.0.0.1`); brackets and surrounding spaces are ignored. The construct's `listenAddress` check rejects
 * `localhost` before asking (the proxy wants IP literals, cloud-sql-proxy cmd/root.go `parseConfig`), so both the
 * construct and the linter agree on what loopback is.
 * @param address a host or IP literal
 */
export function isLoopbackAddress(address: string): boolean {
  const a = String(address).trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (a === 'localhost') return true;
  const family = isIP(a);
  if (family === 4) return a.startsWith('127.');
  if (family !== 6) return false;
  let normal: string;
  try {
    normal = new URL(`http://[${a}]/`).hostname; // normalises `0:0:0:0:0:0:0:1` to `[::1]`
  } catch {
    return false; // e.g. a zone id (`fe80::1%eth0`): not loopback
  }
  return normal === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(normal);
}
