/**
 * Container classification for the linter: role (init / native sidecar / main / ephemeral), declared ports, and
 * whether a container looks like a long-running server (known proxy/agent image, server command). Pure functions over
 * plain objects; everything is computed once per container (see `_engine.ts`).
 *
 * Proxy images and binaries come from `_proxy-flavors.ts`; only non-proxy server images (mesh proxies, agents) are
 * listed here.
 */
import { isNativeSidecar, Manifest } from '../_manifest';
import { LEGACY_CLOUD_SQL_PROXY_IMAGE, ONE_SHOT_SUBCOMMANDS, ProxyFlavor, proxyFlavorOfImage } from '../_proxy-flavors';

export type Role = 'init' | 'sidecar' | 'main' | 'ephemeral';

export interface PortDecl {
  readonly port: number;
  readonly protocol: string;
  readonly name?: string;
  readonly hostPort?: number;
  readonly index: number;
}

export interface ContainerInfo {
  readonly c: Manifest;
  readonly name: string;
  readonly role: Role;
  /** Index in its array (`containers`, `initContainers`, `ephemeralContainers`). */
  readonly index: number;
  /** Dotted path of the container inside the object. */
  readonly path: string;
  readonly ports: PortDecl[];
  /**
   * Ports its own probes connect to (`httpGet`, `tcpSocket`, `grpc` of startup/readiness/liveness probes without a
   * `host`; named ports resolved through `ports`), whether or not they are declared: something listens there.
   */
  readonly probePorts: number[];
  /** `command` + `args`, strings only. */
  readonly argv: string[];
  /** Cloud SQL / AlloyDB Auth Proxy v2 running in server mode (not `wait`/`shutdown`). */
  readonly proxy?: ProxyFlavor;
  /** Cloud SQL Proxy v1 (`gce-proxy`) image. */
  readonly legacyProxy: boolean;
  /** Why the container looks like a long-running server from its image or command, e.g. `runs the Istio proxy image`. */
  readonly serverReason?: string;
  /** It accepts connections: declares ports, is probed on a port, or is a proxy / network server image. */
  readonly serves: boolean;
}

/** Non-proxy images whose default entrypoint is a long-running server or agent. Matched against the repository. */
const KNOWN_SERVER_IMAGES: ReadonlyArray<{ readonly re: RegExp; readonly label: string; readonly network: boolean }> = [
  { re: /(^|\/)proxyv2$/, label: 'Istio proxy', network: true },
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
const MESH_PROXY_NAMES = new Set(['istio-proxy', 'linkerd-proxy']);

/** Commands that never return. */
const SERVER_COMMANDS: ReadonlyArray<{ readonly re: RegExp; readonly label: string }> = [
  { re: /\bsleep\s+(infinity|inf)\b/, label: 'sleep infinity' },
  { re: /\bsleep\s+\d{5,}\b/, label: 'a very long sleep' },
  { re: /\btail\s+(-[a-zA-Z]*[fF][a-zA-Z]*\s|--follow)/, label: 'tail -f' },
  { re: /\bdaemon\s+off\b/, label: "a foreground server ('daemon off')" },
  { re: /\bhttp\.server\b/, label: 'python -m http.server' },
  { re: /\bnc\s+-[a-zA-Z]*l/, label: 'nc -l' },
  { re: /\bsocat\b.*LISTEN/, label: 'socat LISTEN' },
  { re: /\bredis-server\b/, label: 'redis-server' },
];
const ENDLESS_LOOP = /\bwhile\s+(true|:|\[\s*1\s*\])\s*;?\s*do\b/;
const LOOP_EXIT = /\b(break|exit|return)\b/;

/** Proxy subcommands (`wait`, `shutdown`, ...) and flags (`--version`, `--help`, ...) that run once and exit. */
const PROXY_ONE_SHOT_SUBCOMMANDS = new Set(ONE_SHOT_SUBCOMMANDS.filter(a => !a.startsWith('-')));
const PROXY_ONE_SHOT_FLAGS = new Set(ONE_SHOT_SUBCOMMANDS.filter(a => a.startsWith('-')));

const PROBES = ['startupProbe', 'readinessProbe', 'livenessProbe'] as const;
const PROBE_PORT_HANDLERS = ['httpGet', 'tcpSocket', 'grpc'] as const;

/** Image repository without registry tag/digest, lower-cased (`gcr.io/x/y:1` → `gcr.io/x/y`). */
export function imageRepository(image: string): string {
  let s = image.trim().toLowerCase();
  const at = s.indexOf('@');
  if (at >= 0) s = s.slice(0, at);
  const slash = s.lastIndexOf('/');
  const colon = s.lastIndexOf(':');
  if (colon > slash) s = s.slice(0, colon);
  return s;
}

/** `latest`, `untagged` or undefined (pinned tag or digest). */
export function imagePinProblem(image: string): 'latest' | 'untagged' | undefined {
  const s = image.trim();
  if (s === '' || s.includes('@')) return undefined;
  const slash = s.lastIndexOf('/');
  const colon = s.lastIndexOf(':');
  if (colon <= slash) return 'untagged';
  return s.slice(colon + 1) === 'latest' ? 'latest' : undefined;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function basename(p: string): string {
  const i = p.lastIndexOf('/');
  return i >= 0 ? p.slice(i + 1) : p;
}

export function toPortNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

function portsOf(c: Manifest): PortDecl[] {
  if (!Array.isArray(c.ports)) return [];
  const out: PortDecl[] = [];
  c.ports.forEach((p: any, index: number) => {
    const port = toPortNumber(p?.containerPort);
    if (port === undefined) return;
    out.push({
      port,
      protocol: typeof p.protocol === 'string' ? p.protocol.toUpperCase() : 'TCP',
      name: typeof p.name === 'string' ? p.name : undefined,
      hostPort: toPortNumber(p.hostPort),
      index,
    });
  });
  return out;
}

/** Ports the container's own probes connect to (see `ContainerInfo.probePorts`), in probe order, without repeats. */
function probePortsOf(c: Manifest, ports: readonly PortDecl[]): number[] {
  const out: number[] = [];
  for (const probe of PROBES) {
    const p = c?.[probe];
    if (!p || typeof p !== 'object') continue;
    for (const handler of PROBE_PORT_HANDLERS) {
      const h = p[handler];
      if (!h || typeof h !== 'object' || h.port === undefined || h.port === null) continue;
      if (typeof h.host === 'string' && h.host !== '') continue; // probes another host, not this container
      const port = toPortNumber(h.port) ?? ports.find(d => d.name === h.port)?.port;
      if (port !== undefined && port > 0 && !out.includes(port)) out.push(port);
    }
  }
  return out;
}

/** The proxy flavour a container runs in server mode, if any. */
function proxyOf(image: string, command: string[], args: string[]): ProxyFlavor | undefined {
  const flavor = proxyFlavorOfImage(image);
  if (!flavor) return undefined;
  let rest = args;
  if (command.length > 0) {
    // a custom command: only a proxy if it runs the proxy binary
    const bin = basename(command[0]);
    if (bin !== basename(flavor.binary)) return undefined;
    rest = [...command.slice(1), ...args];
  }
  const first = rest.find(a => !a.startsWith('-')) ?? '';
  if (PROXY_ONE_SHOT_SUBCOMMANDS.has(first) || rest.some(a => PROXY_ONE_SHOT_FLAGS.has(a))) return undefined;
  return flavor;
}

function serverOf(name: string, image: string, command: string[], args: string[], proxy: ProxyFlavor | undefined,
  legacy: boolean): { reason?: string; network: boolean } {
  if (proxy) return { reason: `runs the ${proxy.displayName}`, network: true };
  if (legacy) return { reason: 'runs the Cloud SQL Proxy v1', network: true };
  if (MESH_PROXY_NAMES.has(name)) return { reason: `is the service-mesh proxy '${name}'`, network: true };
  const argv = [...command, ...args].join(' ');
  if (argv) {
    for (const s of SERVER_COMMANDS) {
      if (s.re.test(argv)) return { reason: `runs ${s.label}`, network: false };
    }
    if (ENDLESS_LOOP.test(argv) && !LOOP_EXIT.test(argv)) return { reason: 'runs an endless loop', network: false };
  }
  if (command.length === 0 && image) {
    const repo = imageRepository(image);
    const known = KNOWN_SERVER_IMAGES.find(k => k.re.test(repo));
    if (known) return { reason: `runs the ${known.label} image`, network: known.network };
  }
  return { network: false };
}

/** Classify one container. */
export function analyzeContainer(c: Manifest, role: Role, index: number, path: string): ContainerInfo {
  const name = typeof c?.name === 'string' ? c.name : `#${index}`;
  const image = typeof c?.image === 'string' ? c.image : '';
  const command = strings(c?.command);
  const args = strings(c?.args);
  const legacyProxy = image !== '' && LEGACY_CLOUD_SQL_PROXY_IMAGE.test(image);
  const proxy = proxyOf(image, command, args);
  const server = serverOf(name, image, command, args, proxy, legacyProxy);
  const ports = portsOf(c);
  const probePorts = probePortsOf(c, ports);
  return {
    c,
    name,
    role,
    index,
    path,
    ports,
    probePorts,
    argv: [...command, ...args],
    proxy,
    legacyProxy,
    serverReason: server.reason,
    serves: ports.length > 0 || probePorts.length > 0 || server.network,
  };
}

/** Classify every container of a pod spec, in start order: init containers (incl. sidecars), main, ephemeral. */
export function analyzePod(spec: Manifest, podPath: string): ContainerInfo[] {
  const out: ContainerInfo[] = [];
  const add = (list: unknown, field: string, roleOf: (c: Manifest) => Role) => {
    if (!Array.isArray(list)) return;
    list.forEach((c, i) => {
      if (c && typeof c === 'object') out.push(analyzeContainer(c, roleOf(c), i, `${podPath}.${field}[${i}]`));
    });
  };
  add(spec.initContainers, 'initContainers', c => (isNativeSidecar(c) ? 'sidecar' : 'init'));
  add(spec.containers, 'containers', () => 'main');
  add(spec.ephemeralContainers, 'ephemeralContainers', () => 'ephemeral');
  return out;
}

/** `localhost:5432`, `127.0.0.1:5432`, `[::1]:5432` inside any text. */
const LOOPBACK_PORT = /(?:localhost|127\.0\.0\.1|\[::1\]):(\d{1,5})\b/g;

/** Ports a container connects to on the pod's loopback, from its command, args and env (heuristic). */
export function loopbackPortsUsed(info: ContainerInfo): Set<number> {
  const out = new Set<number>();
  const scan = (text: string) => {
    if (!text.includes(':')) return;
    LOOPBACK_PORT.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = LOOPBACK_PORT.exec(text)) !== null) out.add(Number(m[1]));
  };
  for (const a of info.argv) scan(a);
  const env = Array.isArray(info.c.env) ? info.c.env : [];
  for (const e of env) {
    if (typeof e?.value !== 'string') continue;
    scan(e.value);
    if (typeof e.name === 'string' && /PORT$/i.test(e.name) && /^\d{1,5}$/.test(e.value)) out.add(Number(e.value));
  }
  return out;
}

/** Ports a container serves on, as far as the manifest tells: declared ports and probed ports. */
export function servingPorts(info: ContainerInfo): number[] {
  const out = info.ports.map(p => p.port);
  for (const p of info.probePorts) if (!out.includes(p)) out.push(p);
  return out;
}

/** Why a regular container of a Job pod is taken for a long-running helper. */
export interface HelperEvidence {
  readonly container: ContainerInfo;
  /**
   * Set when this was the deciding evidence: another regular container connects to one of its ports on the pod's
   * loopback (`localhost:N` in env/args), and neither a server image/command nor the batch-task heuristic applied.
   */
  readonly usedBy?: { readonly client: ContainerInfo; readonly port: number };
}

/**
 * The regular containers of a Job pod that look like long-running helpers (they never exit, so the Job never
 * completes). Never any when the pod has a single regular container: that one is the task.
 *
 * - strong: a known proxy/agent/server image or a never-returning command (`serverReason`);
 * - strong: it serves a port (declared or probed) that another regular container connects to on loopback;
 * - weak: it serves a port (declared or probed), trusted only when another regular container serves nothing and
 *   runs no server (that one looks like the batch task), so two containers that both have ports stay unflagged.
 */
export function jobHelpers(mains: readonly ContainerInfo[]): HelperEvidence[] {
  if (mains.length < 2) return [];
  const used = new Map<ContainerInfo, Set<number>>(mains.map(m => [m, loopbackPortsUsed(m)]));
  const batchExists = mains.some(m => m.serverReason === undefined && !m.serves);
  const out: HelperEvidence[] = [];
  for (const c of mains) {
    if (c.serverReason !== undefined || (batchExists && c.serves)) {
      out.push({ container: c });
      continue;
    }
    const served = servingPorts(c);
    for (const client of mains) {
      const port = client === c ? undefined : served.find(p => used.get(client)!.has(p));
      if (port !== undefined) {
        out.push({ container: c, usedBy: { client, port } });
        break;
      }
    }
  }
  return out;
}
