/**
 * Cloud SQL / AlloyDB Auth Proxy rules. Every flag spelling, default and image comes from `_proxy-flavors.ts`.
 * Sources: the proxy's flag docs (https://github.com/GoogleCloudPlatform/cloud-sql-proxy/blob/main/cmd/root.go) and
 * issues https://github.com/GoogleCloudPlatform/cloud-sql-proxy/issues/1555 (health server on localhost),
 * /issues/2361 (port lookup at start-up), /issues/1803 (exit 143 on SIGTERM), and
 * https://github.com/GoogleCloudPlatform/cloud-sql-proxy-operator/issues/797 (httpGet preStop on the admin port).
 */
import {
  CLOUD_SQL_PROXY, COMMON_FLAGS, ENGINE_DEFAULT_PORTS, INSTANCE_QUERY_KEYS, PROXY_BINARY_DEFAULTS, PROXY_CONSTRUCT_DEFAULTS, PROXY_FLAVORS,
  SHUTDOWN_SUBCOMMAND,
} from '../_proxy-flavors';
import { PodContext, podRule, Report } from './_context';
import { ContainerInfo, isPlaceholder, toPortNumber } from './_heuristics';
import { foreignFlags, isLoopback, ProxyConfig, readProxyConfig } from './_proxy-config';
import { Severity } from './types';

const HEALTH_PATHS = new Set<string>([PROXY_BINARY_DEFAULTS.startupPath, PROXY_BINARY_DEFAULTS.readinessPath, PROXY_BINARY_DEFAULTS.livenessPath]);
const PROBES = ['startupProbe', 'livenessProbe', 'readinessProbe'] as const;
/** The port used in examples: PostgreSQL's. */
const EXAMPLE_PORT = ENGINE_DEFAULT_PORTS.postgres;
/** The admin server's quit endpoint has the name of the flag that enables it (`--quitquitquit` → `/quitquitquit`). */
const QUIT_ENDPOINT = COMMON_FLAGS.quitQuitQuit.replace(/^-+/, '');
/** The `?key=` that sets an instance's port, its Unix socket, or its socket path. */
const INSTANCE_PORT_OR_SOCKET = new RegExp(`[?&](${[INSTANCE_QUERY_KEYS.port, INSTANCE_QUERY_KEYS.unixSocket, INSTANCE_QUERY_KEYS.unixSocketPath].join('|')})=`);
/** Flags that make the health server reachable by the kubelet (our constructs' defaults). */
function healthFlags(port: number): string {
  return `${COMMON_FLAGS.healthCheck} ${COMMON_FLAGS.httpAddress}=${PROXY_CONSTRUCT_DEFAULTS.httpAddress} ${COMMON_FLAGS.httpPort}=${port}`;
}

function legacyImage(ctx: PodContext, report: Report): void {
  for (const c of ctx.containers) {
    if (!c.legacyProxy) continue;
    report(c, `${c.path}.image`,
      `container '${c.name}' runs the end-of-life Cloud SQL Proxy v1 image '${c.c.image}': no health endpoints for probes, no clean exit on SIGTERM, and v1 flags`,
      `switch to ${CLOUD_SQL_PROXY.imageRepository}:${CLOUD_SQL_PROXY.defaultVersion} with v2 flags ('-instances=P:R:I=tcp:${EXAMPLE_PORT}' becomes the argument 'P:R:I?${INSTANCE_QUERY_KEYS.port}=${EXAMPLE_PORT}')`);
  }
}

/** Resolve a probe port (number or the name of one of the container's ports). */
function resolvePort(c: ContainerInfo, port: unknown): number | undefined {
  const n = toPortNumber(port);
  if (n !== undefined) return n;
  return c.ports.find(p => p.name === port)?.port;
}

interface HealthProblem {
  readonly kind: 'localhost' | 'mismatch';
  readonly path: string;
  readonly message: string;
  readonly fix: string;
}

const healthCache = new WeakMap<ContainerInfo, HealthProblem[]>();

/** What is wrong with the probes of a proxy that target its health server (memoized: two rules read it). */
function healthProbeProblems(c: ContainerInfo, cfg: ProxyConfig): HealthProblem[] {
  let out = healthCache.get(c);
  if (!out) {
    out = findHealthProbeProblems(c, cfg);
    healthCache.set(c, out);
  }
  return out;
}

/** What is wrong with the probes of a proxy that target its health server (at most one problem of each kind). */
function findHealthProbeProblems(c: ContainerInfo, cfg: ProxyConfig): HealthProblem[] {
  if (cfg.opaque) return []; // health flags may come from a config file or envFrom
  if (c.role !== 'sidecar' && c.role !== 'main') return [];
  const out: HealthProblem[] = [];
  let localhostReported = false;
  let mismatchReported = false;
  for (const probe of PROBES) {
    const p = c.c[probe];
    if (!p || typeof p !== 'object') continue;
    const handler = p.httpGet ? 'httpGet' : p.tcpSocket ? 'tcpSocket' : undefined;
    if (!handler) continue;
    const h = p[handler];
    const port = resolvePort(c, h.port);
    const targetsHealth = (handler === 'httpGet' && HEALTH_PATHS.has(h.path)) || (port !== undefined && port === cfg.httpPort);
    if (!targetsHealth) continue;
    const path = `${c.path}.${probe}.${handler}`;
    if (!cfg.healthCheck) {
      if (!mismatchReported) {
        mismatchReported = true;
        out.push({
          kind: 'mismatch',
          path,
          message: `proxy '${c.name}' ${probe} targets the health endpoint ${handler === 'httpGet' ? h.path : ''} but ${COMMON_FLAGS.healthCheck} is not set: the health server does not run, so the probe always fails`,
          fix: `add ${healthFlags(port ?? PROXY_CONSTRUCT_DEFAULTS.healthPort)} to the proxy arguments`,
        });
      }
      continue;
    }
    if (isLoopback(cfg.httpAddress) && !h.host && !localhostReported) {
      localhostReported = true;
      out.push({
        kind: 'localhost',
        path,
        message: `proxy '${c.name}' health server listens on ${cfg.httpAddress} (${COMMON_FLAGS.httpAddress} ${cfg.httpAddress === PROXY_BINARY_DEFAULTS.httpAddress ? 'default' : 'setting'}), but the kubelet sends the ${probe} to the pod IP: the probe always fails${probe === 'startupProbe' ? ' and the pod never gets past the sidecar' : ''}`,
        fix: `add ${COMMON_FLAGS.httpAddress}=${PROXY_CONSTRUCT_DEFAULTS.httpAddress} to the proxy arguments (csp#1555)`,
      });
    }
    if (port !== undefined && cfg.httpPort !== undefined && port !== cfg.httpPort && !mismatchReported) {
      mismatchReported = true;
      out.push({
        kind: 'mismatch',
        path: `${path}.port`,
        message: `proxy '${c.name}' ${probe} targets port ${port}, but the health server listens on ${cfg.httpPort}${cfg.httpPort === PROXY_BINARY_DEFAULTS.httpPort ? ` (the ${COMMON_FLAGS.httpPort} default)` : ''}: the probe always fails`,
        fix: `set ${COMMON_FLAGS.httpPort}=${port} on the proxy, or probe port ${cfg.httpPort}`,
      });
    }
  }
  return out;
}

function healthProblemsOf(kind: HealthProblem['kind']): (ctx: PodContext, report: Report) => void {
  return (ctx, report) => {
    for (const [c, cfg] of proxiesOf(ctx)) {
      for (const p of healthProbeProblems(c, cfg)) if (p.kind === kind) report(c, p.path, p.message, p.fix);
    }
  };
}

function noExplicitPort(c: ContainerInfo, cfg: ProxyConfig, report: Report): void {
  if (cfg.flavor.defaultPort !== 0 || cfg.opaque || cfg.portGiven || cfg.unixSocket) return;
  // an instance that is a template value (`<INSTANCE>`, `$(INSTANCE)`) may carry its port: unknown
  const missing = cfg.instances.filter(i => !INSTANCE_PORT_OR_SOCKET.test(i) && !isPlaceholder(i));
  if (missing.length === 0) return;
  report(c, c.path,
    `proxy '${c.name}' has no ${COMMON_FLAGS.port} and instance '${missing[0]}' has no ?${INSTANCE_QUERY_KEYS.port}=: at start-up the proxy calls the SQL Admin API to pick the engine's default port, which is slower and fails while the GKE metadata server is not ready (csp#2361)`,
    `add ${COMMON_FLAGS.port}=<port> (e.g. ${EXAMPLE_PORT}), or append ?${INSTANCE_QUERY_KEYS.port}=<port> to each instance`);
}

function otherFlavorFlags(c: ContainerInfo, cfg: ProxyConfig, report: Report): void {
  for (const f of foreignFlags(cfg)) {
    report(c, c.path,
      `proxy '${c.name}' (${cfg.flavor.displayName}) is given ${f.flag}, a ${f.owner.displayName} flag: it exits at start-up with 'unknown flag'`,
      f.replacement ? `use ${f.replacement} instead of ${f.flag}`
        : f.selectsDefault ? `remove ${f.flag} (${cfg.flavor.displayName} uses ${cfg.flavor.defaultIpType} IP by default)`
          : `remove ${f.flag}: ${cfg.flavor.displayName} has no such flag`);
  }
}

function exitZero(c: ContainerInfo, cfg: ProxyConfig, report: Report): void {
  if (c.role !== 'sidecar' || cfg.opaque || cfg.exitZeroOnSigterm) return;
  report(c, c.path,
    `proxy sidecar '${c.name}' has no ${cfg.flavor.flags.exitZeroOnSigterm}: when the Job's main container ends, the kubelet sends it SIGTERM and it exits 143. The pod still ends Completed (sidecar exit codes do not count), but the sidecar's container status shows Error with exit code 143, which confuses tools that read container statuses, such as Airflow's KubernetesPodOperator (csp#1803, op#355), and podFailurePolicy exit-code rules without containerName`,
    `add ${cfg.flavor.flags.exitZeroOnSigterm} to the proxy arguments`);
}

function preStopAdmin(c: ContainerInfo, cfg: ProxyConfig, report: Report): void {
  const h = c.c.lifecycle?.preStop?.httpGet;
  if (!h || typeof h !== 'object') return;
  const port = resolvePort(c, h.port);
  const hitsAdmin = (port !== undefined && port === cfg.adminPort) || (typeof h.path === 'string' && h.path.includes(QUIT_ENDPOINT));
  if (!hitsAdmin || (h.host && !isLoopback(String(h.host)))) return;
  const adminPort = cfg.adminPort ?? PROXY_BINARY_DEFAULTS.adminPort;
  report(c, `${c.path}.lifecycle.preStop.httpGet`,
    `proxy '${c.name}' preStop sends an httpGet to ${h.path ?? '/'} on port ${port ?? h.port}, but the proxy admin server always listens on localhost only and the kubelet sends the request from outside the pod: the hook always fails (FailedPreStopHook, op#797)`,
    `use an exec preStop: ["${cfg.flavor.binary}", "${SHUTDOWN_SUBCOMMAND}", "${COMMON_FLAGS.adminPort}", "${adminPort}"] (${cfg.flavor.displayName} >= ${cfg.flavor.shutdownSince}); a native sidecar in a Job needs no preStop at all`);
}

/** The containers of the pod that run a proxy in server mode, with their configuration. */
function proxiesOf(ctx: PodContext): Array<[ContainerInfo, ProxyConfig]> {
  const out: Array<[ContainerInfo, ProxyConfig]> = [];
  for (const c of ctx.containers) {
    const cfg = readProxyConfig(c);
    if (cfg) out.push([c, cfg]);
  }
  return out;
}

/** Run `check` on every proxy container of the pod. */
function eachProxy(check: (c: ContainerInfo, cfg: ProxyConfig, report: Report, ctx: PodContext) => void): (ctx: PodContext, report: Report) => void {
  return (ctx, report) => {
    for (const [c, cfg] of proxiesOf(ctx)) check(c, cfg, report, ctx);
  };
}

/** Cloud SQL / AlloyDB Auth Proxy rules, in documentation order. */
export const PROXY_RULES = [
  podRule({
    id: 'cloud-sql-proxy-v1-image',
    severity: Severity.WARNING,
    check: legacyImage,
    summary: 'The end-of-life Cloud SQL Proxy v1 image (gce-proxy) is used.',
  }),
  podRule({
    id: 'proxy-no-explicit-port',
    severity: Severity.WARNING,
    check: eachProxy(noExplicitPort),
    summary: 'A Cloud SQL Auth Proxy instance has no explicit port: the proxy looks it up with an API call at start-up.',
  }),
  podRule({
    id: 'proxy-health-check-localhost',
    severity: Severity.ERROR,
    check: healthProblemsOf('localhost'),
    summary: 'A probe targets the proxy health server, which listens on localhost only: kubelet probes never reach it.',
  }),
  podRule({
    id: 'proxy-health-probe-mismatch',
    severity: Severity.ERROR,
    check: healthProblemsOf('mismatch'),
    summary: `A probe targets the proxy health endpoints, but ${COMMON_FLAGS.healthCheck} is off or the probe port is not ${COMMON_FLAGS.httpPort}.`,
  }),
  podRule({
    id: 'proxy-flag-of-other-flavor',
    severity: Severity.ERROR,
    check: eachProxy(otherFlavorFlags),
    summary: 'A proxy is given a flag that only the other proxy (Cloud SQL vs AlloyDB) knows: it exits at start-up.',
  }),
  podRule({
    id: 'proxy-missing-exit-zero-on-sigterm',
    severity: Severity.WARNING,
    jobOnly: true,
    check: eachProxy(exitZero),
    summary: `A proxy sidecar in a Job exits 143 on SIGTERM (no ${PROXY_FLAVORS.map(f => f.flags.exitZeroOnSigterm).join(' / ')}).`,
  }),
  podRule({
    id: 'proxy-prestop-http-admin-port',
    severity: Severity.WARNING,
    check: eachProxy(preStopAdmin),
    summary: 'An httpGet preStop hook targets the proxy admin server, which listens on localhost only.',
  }),
];
