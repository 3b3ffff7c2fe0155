/**
 * Container classification for the linter: role (init / native sidecar / main / ephemeral), declared ports, and
 * whether a container looks like a long-running server (known proxy/agent image, server command). Pure functions over
 * plain objects; everything is computed once per container (see `_engine.ts`).
 *
 * Proxy images and binaries come from `_proxy-flavors.ts`; only non-proxy server images (mesh proxies, agents) are
 * listed here.
 */
import { isNativeSidecar, Manifest } from '../_manifest';
import { LEGACY_CLOUD_SQL_PROXY_IMAGE, ONE_SHOT_SUBCOMMANDS, ProxyFlavor, proxyFlavorOfImage, PROXY_FLAVORS } from '../_proxy-flavors';
import {
  ENDLESS_LOOP, KNOWN_SERVER_IMAGES, LEGACY_PROXY_BINARY, LOOP_EXIT, LOOPBACK_HOSTS, LOOPBACK_PORT_DIGITS, MESH_PROXY_NAMES,
  PORT_ENV_NAME, SERVER_COMMANDS, WRAPPERS,
} from './_heuristic-data';
import { parseScript, programOf, ShellCommand, shellScriptOf } from './_shell';

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
  /**
   * `command` + `args`, strings only, with the `$(VAR)` references that the kubelet expands from the container's
   * literal `env` values expanded.
   */
  readonly argv: string[];
  /** The shell script the container runs (`sh -c '...'`, behind wrappers such as kubexit or tini), read. */
  readonly shell?: ShellScript;
  /** Cloud SQL / AlloyDB Auth Proxy v2 running in server mode (not `wait`/`shutdown`). */
  readonly proxy?: ProxyFlavor;
  /** The arguments given to the proxy binary (flags and instances), when `proxy` is set. */
  readonly proxyArgv: readonly string[];
  /** Cloud SQL Proxy v1 (`gce-proxy`) image. */
  readonly legacyProxy: boolean;
  /** Why the container looks like a long-running server from its image or command, e.g. `runs the Istio proxy image`. */
  readonly serverReason?: string;
  /** It accepts connections: declares ports, is probed on a port, or is a proxy / network server image. */
  readonly serves: boolean;
}

export interface ShellScript {
  readonly commands: readonly ShellCommand[];
  /** `sh -e` / `set -e`: the script stops at the first failing command. */
  readonly errexit: boolean;
}

const WRAPPER_SET = new Set(WRAPPERS);
/** Commands that only wait, test, signal or print: a backgrounded server followed by only these keeps the container up. */
const WAITING_COMMANDS = new Set(['wait', 'sleep', '[', '[[', 'test', 'kill', 'echo', 'printf', 'trap', 'exit', 'true', ':', 'set', 'false', 'tail']);

const MESH_PROXY_NAME_SET = new Set(MESH_PROXY_NAMES);

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

/**
 * A template value rather than a real one: `<image>`, `${IMAGE}`, `$(PORT)`, `{{ .Values.x }}`, `ko://...` (ko
 * resolves it at build time, https://ko.build/features/k8s/). Its real value is unknown, so no rule may judge it.
 */
export function isPlaceholder(value: string): boolean {
  return /[<>{}$]/.test(value) || value.startsWith('ko://');
}

/** `latest`, `untagged` or undefined (pinned tag or digest, or a placeholder). */
export function imagePinProblem(image: string): 'latest' | 'untagged' | undefined {
  const s = image.trim();
  if (s === '' || s.includes('@') || isPlaceholder(s)) return undefined;
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

/** `$(VAR)` references expanded from the container's literal env values, as the kubelet does for command and args. */
function expandEnvRefs(argv: string[], env: unknown): string[] {
  if (!Array.isArray(env) || !argv.some(a => a.includes('$('))) return argv;
  const values = new Map<string, string>();
  for (const e of env) if (typeof e?.name === 'string' && typeof e.value === 'string') values.set(e.name, e.value);
  return argv.map(a => a.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name: string) => values.get(name) ?? m));
}

/** The command line without leading wrappers (`kubexit cmd`, `tini -- cmd`, `linkerd-await --shutdown -- cmd`). */
function unwrap(argv: string[]): string[] {
  let rest = argv;
  while (rest.length > 0 && WRAPPER_SET.has(basename(rest[0]))) {
    const dashdash = rest.indexOf('--');
    if (dashdash >= 0) {
      rest = rest.slice(dashdash + 1);
      continue;
    }
    let i = 1;
    while (i < rest.length && rest[i].startsWith('-')) i++;
    rest = rest.slice(i);
  }
  return rest;
}

function oneShot(proxyArgs: readonly string[]): boolean {
  const first = proxyArgs.find(a => !a.startsWith('-')) ?? '';
  return PROXY_ONE_SHOT_SUBCOMMANDS.has(first) || proxyArgs.some(a => PROXY_ONE_SHOT_FLAGS.has(a));
}

interface ProxyRun {
  readonly flavor?: ProxyFlavor;
  readonly legacy: boolean;
  readonly args: readonly string[];
  /** Started with `&` and followed by other work: the container's lifetime is that work's. */
  readonly background: boolean;
}

/** A proxy binary run by a script (`sh -c "/cloud_sql_proxy -instances=... & exec app"`), matched by binary name. */
function proxyInScript(commands: readonly ShellCommand[]): ProxyRun | undefined {
  for (let i = 0; i < commands.length; i++) {
    const cmd = commands[i];
    const prog = programOf(cmd);
    const flavor = PROXY_FLAVORS.find(f => basename(f.binary) === prog);
    const legacy = prog === LEGACY_PROXY_BINARY;
    if (!flavor && !legacy) continue;
    const args = cmd.argv.slice(1);
    if (oneShot(args)) continue;
    const background = cmd.background && commands.slice(i + 1).some(later => !later.background && !later.inTrap && !later.inLoop
      && !WAITING_COMMANDS.has(programOf(later)));
    return { flavor, legacy, args, background };
  }
  return undefined;
}

/** The proxy a container runs: by image (the entrypoint, or a command that is the proxy binary), or inside a script. */
function proxyRunOf(image: string, hasCommand: boolean, argv: readonly string[], shell: ShellScript | undefined): ProxyRun | undefined {
  const flavor = proxyFlavorOfImage(image);
  if (flavor && !shell) {
    let args = argv;
    if (hasCommand) {
      // a custom command: only a proxy if it runs the proxy binary
      if (argv.length === 0 || basename(argv[0]) !== basename(flavor.binary)) return undefined;
      args = argv.slice(1);
    }
    return oneShot(args) ? undefined : { flavor, legacy: false, args, background: false };
  }
  if (shell) return proxyInScript(shell.commands);
  if (hasCommand && argv.length > 0 && basename(argv[0]) === LEGACY_PROXY_BINARY) return { legacy: true, args: argv.slice(1), background: false };
  return undefined;
}

function serverOf(name: string, image: string, hasCommand: boolean, argv: readonly string[], run: ProxyRun | undefined,
  legacyImage: boolean, shell: ShellScript | undefined): { reason?: string; network: boolean } {
  if (run && !run.background) return { reason: `runs the ${run.flavor?.displayName ?? 'Cloud SQL Proxy v1'}`, network: true };
  if (legacyImage && !run && !shell) return { reason: 'runs the Cloud SQL Proxy v1', network: true };
  if (MESH_PROXY_NAME_SET.has(name)) return { reason: `is the service-mesh proxy '${name}'`, network: true };
  const text = argv.join(' ');
  if (text) {
    for (const s of SERVER_COMMANDS) {
      if (s.re.test(text)) return { reason: `runs ${s.label}`, network: false };
    }
    if (ENDLESS_LOOP.test(text) && !LOOP_EXIT.test(text)) return { reason: 'runs an endless loop', network: false };
  }
  if (!hasCommand && image) {
    const repo = imageRepository(image);
    const known = KNOWN_SERVER_IMAGES.find(k => k.re.test(repo));
    const firstArg = argv.find(a => !a.startsWith('-'));
    if (known && (!known.serverArgs || firstArg === undefined || known.serverArgs.test(firstArg))) {
      return { reason: `runs the ${known.label} image`, network: known.network };
    }
  }
  return { network: false };
}

/** Read the script of a shell wrapper, if the (unwrapped) command line is one. */
function shellOf(argv: readonly string[]): ShellScript | undefined {
  const script = shellScriptOf(argv);
  if (script === undefined) return undefined;
  const commands = parseScript(script);
  const shellFlags = argv.slice(0, argv.indexOf(script)).filter(a => /^-[a-zA-Z]+$/.test(a)).join('');
  const errexit = shellFlags.includes('e')
    || commands.some(cmd => cmd.argv[0] === 'set' && cmd.argv.slice(1).some(a => /^-[a-zA-Z]*e/.test(a) || a === 'errexit'));
  return { commands, errexit };
}

/** Classify one container. */
export function analyzeContainer(c: Manifest, role: Role, index: number, path: string): ContainerInfo {
  const name = typeof c?.name === 'string' ? c.name : `#${index}`;
  const image = typeof c?.image === 'string' ? c.image : '';
  const command = strings(c?.command);
  const argv = expandEnvRefs([...command, ...strings(c?.args)], c?.env);
  const inner = unwrap(argv);
  const hasCommand = command.length > 0 || inner.length < argv.length;
  const shell = hasCommand ? shellOf(inner) : undefined;
  const legacyImage = image !== '' && LEGACY_CLOUD_SQL_PROXY_IMAGE.test(image);
  const run = proxyRunOf(image, hasCommand, inner, shell);
  const server = serverOf(name, image, hasCommand, inner, run, legacyImage, shell);
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
    argv,
    shell,
    proxy: run?.flavor,
    proxyArgv: run?.args ?? [],
    legacyProxy: legacyImage || (run?.legacy ?? false),
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
const LOOPBACK_PORT = new RegExp(`(?:${LOOPBACK_HOSTS.map(h => h.replace(/[.[\]]/g, '\\$&')).join('|')}):(\\d{1,${LOOPBACK_PORT_DIGITS}})\\b`, 'g');
const PORT_VALUE = new RegExp(`^\\d{1,${LOOPBACK_PORT_DIGITS}}$`);

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
    if (typeof e.name === 'string' && PORT_ENV_NAME.test(e.name) && PORT_VALUE.test(e.value)) out.add(Number(e.value));
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
