/**
 * How the long-running helper of a Job pod may be stopped when the task ends, before native sidecars: the
 * workarounds people wire by hand. With one that can run, the Job completes (a fragile set-up, but not a broken one);
 * with one that cannot run (the quit is chained with `&&`, the script stops at the first error, a folded YAML scalar
 * joined the quit onto the previous line), the Job still never completes when the task fails.
 *
 * Mechanisms and their sources:
 * - kubexit (https://github.com/karlkfi/kubexit): `KUBEXIT_DEATH_DEPS` on the helper names containers that run under
 *   kubexit with `KUBEXIT_NAME`; when they exit, kubexit stops the helper.
 * - a quit file: the helper's wrapper loop waits for a file (`[ -f /path ]`) that the task writes when it ends.
 * - Istio's pilot-agent `POST localhost:15020/quitquitquit`
 *   (https://istio.io/latest/docs/reference/commands/pilot-agent/, istio/istio#11659), and the Cloud SQL / AlloyDB
 *   proxies' `/quitquitquit` admin endpoint, served only with `--quitquitquit`.
 * - `pkill` / `killall` from the task, which sees the helper's processes only with `shareProcessNamespace: true`
 *   (https://kubernetes.io/docs/tasks/configure-pod-container/share-process-namespace/).
 * - `linkerd-await --shutdown` (https://github.com/linkerd/linkerd-await): runs the task, then asks linkerd-proxy to
 *   shut down.
 */
import { PodContext } from './_context';
import {
  HTTP_CLIENTS as HTTP_CLIENT_NAMES, ISTIO_PROXY_IMAGE, KILLERS, KUBEXIT, KUBEXIT_DEATH_DEPS, LINKERD_AWAIT, QUIT_FILE_ENV_VALUE, QUIT_PATH,
  SIDECAR_CONTROLLER_ANNOTATIONS,
} from './_heuristic-data';
import { ContainerInfo } from './_heuristics';
import { readProxyConfig } from './_proxy-config';
import { programOf, ShellCommand } from './_shell';
import { ISTIO, LINKERD } from '../_mesh-facts';
import { COMMON_FLAGS, PROXY_BINARY_DEFAULTS } from '../_proxy-flavors';

export interface StopMechanism {
  /** For messages, e.g. `Istio's /quitquitquit endpoint (called by 'task')`. */
  readonly label: string;
  /** Why it cannot run when the task fails; undefined when it always runs. */
  readonly broken?: string;
}

const KILLER_SET = new Set(KILLERS);
const HTTP_CLIENTS = new Set(HTTP_CLIENT_NAMES);

interface Program {
  readonly commands: readonly ShellCommand[];
  /** `set -e` or `sh -e`: the script stops at the first failing command. */
  readonly errexit: boolean;
  /** Whether the container runs a shell script (as opposed to one program). */
  readonly script: boolean;
}

/** The simple commands a container runs: its script's, or its command line as one command. */
function programOfContainer(c: ContainerInfo): Program {
  if (c.shell) return { commands: c.shell.commands, errexit: c.shell.errexit, script: true };
  const commands: ShellCommand[] = c.argv.length > 0 ? [{ argv: c.argv, before: 'start', background: false, inTrap: false, inLoop: false }] : [];
  return { commands, errexit: false, script: false };
}

/** Why `cmd`, which stops the helper, may not run when the task fails; undefined when it always runs. */
function whyNotReached(prog: Program, cmd: ShellCommand, index: number): string | undefined {
  if (cmd.inTrap) return undefined;
  if (cmd.before === '&&') return 'it is chained with \'&&\', so it runs only when the command before it succeeds: when the task fails the helper keeps running';
  if (cmd.before === '||') return 'it is chained with \'||\', so it runs only when the command before it fails';
  const before = prog.commands.slice(0, index).filter(c => !c.inTrap && c.argv[0] !== 'set' && c.argv[0] !== 'trap');
  if (prog.errexit && before.length > 0) return 'the script runs with \'set -e\' and stops at the first failing command, before it';
  return undefined;
}

/** `prog arg...` where `word` is an argument of a command that is not the HTTP client: a joined line. */
function joinedOnto(cmd: ShellCommand, wordIndex: number, isTool: (w: string) => boolean): string | undefined {
  for (let j = wordIndex - 1; j > 0; j--) {
    if (isTool(cmd.argv[j])) {
      return `'${cmd.argv[j]}' is an argument of '${programOf(cmd)}', not a command of its own (a folded YAML scalar '>' joins lines with spaces): it never runs`;
    }
  }
  return undefined;
}

function basename(p: string): string {
  const i = p.lastIndexOf('/');
  return i >= 0 ? p.slice(i + 1) : p;
}

/** Find the first command of the tasks for which `match` returns a word index; with its reachability. */
function findTrigger(tasks: readonly ContainerInfo[], match: (cmd: ShellCommand) => number | undefined, isTool: (w: string) => boolean)
  : { by: ContainerInfo; broken?: string } | undefined {
  for (const t of tasks) {
    const prog = programOfContainer(t);
    for (let i = 0; i < prog.commands.length; i++) {
      const cmd = prog.commands[i];
      const w = match(cmd);
      if (w === undefined) continue;
      const joined = joinedOnto(cmd, w, isTool);
      if (joined && !isTool(cmd.argv[0])) return { by: t, broken: joined };
      return { by: t, broken: whyNotReached(prog, cmd, i) };
    }
  }
  return undefined;
}

/** Whether the container runs `program`, as its command, behind a wrapper, or inside its script. */
function runsProgram(c: ContainerInfo, program: string): boolean {
  return c.argv.some(a => basename(a) === program) || (c.shell?.commands.some(cmd => cmd.argv.some(a => basename(a) === program)) ?? false);
}

function envValue(c: ContainerInfo, name: string): string | undefined {
  const env = Array.isArray(c.c.env) ? c.c.env : [];
  const e = env.find((x: any) => x?.name === name);
  return typeof e?.value === 'string' ? e.value : undefined;
}

function isIstioProxy(h: ContainerInfo): boolean {
  return h.name === ISTIO.proxyContainer || ISTIO_PROXY_IMAGE.test(String(h.c.image ?? ''));
}

function isLinkerdProxy(h: ContainerInfo): boolean {
  return h.name === LINKERD.proxyContainer || /(^|\/)linkerd\/proxy(:|@|$)/.test(String(h.c.image ?? ''));
}

function kubexit(h: ContainerInfo, tasks: readonly ContainerInfo[]): StopMechanism | undefined {
  const deps = envValue(h, KUBEXIT_DEATH_DEPS);
  if (deps === undefined) return undefined;
  const names = deps.split(',').map(s => s.trim()).filter(Boolean);
  const runs = tasks.find(t => names.includes(envValue(t, 'KUBEXIT_NAME') ?? '') && runsProgram(t, KUBEXIT));
  if (runs) return { label: `kubexit (KUBEXIT_DEATH_DEPS=${deps}, '${runs.name}' runs under kubexit)` };
  return {
    label: `kubexit (KUBEXIT_DEATH_DEPS=${deps})`,
    broken: 'no container named in KUBEXIT_DEATH_DEPS runs under kubexit with a matching KUBEXIT_NAME, so no tombstone is ever written',
  };
}

/**
 * Paths the helper waits for: `[ -f P ]`, `test -e P`, `[[ -f P ]]` in its script (`polled: true`), or absolute
 * paths in its env, e.g. a watcher's `KILLER_WATCH_FILE=/tmp/done` (`polled: false`: a stop only if a task writes it).
 */
function waitedFiles(h: ContainerInfo): Array<{ file: string; polled: boolean }> {
  const out: Array<{ file: string; polled: boolean }> = [];
  for (const e of Array.isArray(h.c.env) ? h.c.env : []) {
    if (typeof e?.value === 'string' && QUIT_FILE_ENV_VALUE.test(e.value) && !e.value.endsWith('/')) out.push({ file: e.value, polled: false });
  }
  for (const cmd of h.shell?.commands ?? []) {
    const p = programOf(cmd);
    if (p !== '[' && p !== '[[' && p !== 'test') continue;
    for (let i = 1; i + 1 < cmd.argv.length; i++) {
      if ((cmd.argv[i] === '-f' || cmd.argv[i] === '-e') && !cmd.argv[i + 1].includes('$')) out.push({ file: cmd.argv[i + 1], polled: true });
    }
  }
  return out;
}

/** `/lifecycle/done` is on a volume the task mounts at `/lifecycle` (or `lifecycle`). */
function mountedBy(file: string, t: ContainerInfo): boolean {
  const mounts = Array.isArray(t.c.volumeMounts) ? t.c.volumeMounts : [];
  return mounts.some((m: any) => {
    if (typeof m?.mountPath !== 'string') return false;
    const dir = '/' + m.mountPath.replace(/^\/+|\/+$/g, '');
    return dir !== '/' && file.startsWith(`${dir}/`);
  });
}

function quitFile(h: ContainerInfo, tasks: readonly ContainerInfo[]): StopMechanism | undefined {
  const waited = waitedFiles(h);
  for (const { file } of waited) {
    const writes = (w: string) => w === file || w.endsWith(`>${file}`);
    const hit = findTrigger(tasks, cmd => {
      const i = cmd.argv.findIndex(writes);
      return i >= 0 ? i : undefined;
    }, w => w === 'touch' || w === 'echo');
    if (hit) return { label: `a quit file ('${file}', written by '${hit.by.name}')`, broken: hit.broken };
  }
  // the writer may be a script inside the task's image: a file the helper polls, on a volume a task mounts
  for (const { file, polled } of waited) {
    const t = polled ? tasks.find(x => !x.shell && mountedBy(file, x)) : undefined;
    if (t) return { label: `a quit file ('${file}', on a volume '${t.name}' mounts; its writer is not in the manifest)` };
  }
  return undefined;
}

function controllerAnnotation(ctx: PodContext, h: ContainerInfo): StopMechanism | undefined {
  const annotations = ctx.pod.metadata?.annotations ?? {};
  for (const key of SIDECAR_CONTROLLER_ANNOTATIONS) {
    const v = annotations[key];
    if (typeof v === 'string' && v.split(',').map(x => x.trim()).includes(h.name)) {
      return { label: `a controller that stops the containers named in the annotation ${key}` };
    }
  }
  return undefined;
}

function quitQuitQuit(h: ContainerInfo, tasks: readonly ContainerInfo[]): StopMechanism | undefined {
  const istio = isIstioProxy(h);
  const cfg = readProxyConfig(h);
  if (!istio && !cfg) return undefined;
  const adminPort = cfg?.adminPort ?? PROXY_BINARY_DEFAULTS.adminPort;
  const port = istio ? ISTIO.agentPort : adminPort;
  const hit = findTrigger(tasks, cmd => {
    const i = cmd.argv.findIndex(w => w.includes(QUIT_PATH) && w.includes(`:${port}`));
    return i >= 0 ? i : undefined;
  }, w => HTTP_CLIENTS.has(basename(w)));
  if (!hit) {
    // the flag's only purpose is to be called; the caller may be a script inside the task's image
    return !istio && cfg!.flagsGiven.includes(COMMON_FLAGS.quitQuitQuit)
      ? { label: `the proxy's ${QUIT_PATH} admin endpoint (enabled with ${COMMON_FLAGS.quitQuitQuit}; its caller is not in the manifest)` }
      : undefined;
  }
  const label = istio
    ? `Istio's pilot-agent ${QUIT_PATH} endpoint (called by '${hit.by.name}')`
    : `the proxy's ${QUIT_PATH} admin endpoint (called by '${hit.by.name}')`;
  if (!istio && !cfg!.flagsGiven.includes(COMMON_FLAGS.quitQuitQuit)) {
    return { label, broken: `the proxy serves ${QUIT_PATH} only with ${COMMON_FLAGS.quitQuitQuit}, which it is not given` };
  }
  return { label, broken: hit.broken };
}

function pkill(ctx: PodContext, tasks: readonly ContainerInfo[]): StopMechanism | undefined {
  const hit = findTrigger(tasks, cmd => (KILLER_SET.has(programOf(cmd)) ? 0 : undefined), w => KILLER_SET.has(basename(w)));
  if (!hit) return undefined;
  const label = `pkill/killall from '${hit.by.name}'`;
  if (ctx.spec.shareProcessNamespace !== true) {
    return { label, broken: `the pod does not set shareProcessNamespace: true, so '${hit.by.name}' cannot see the helper's processes` };
  }
  return { label: `${label} across shareProcessNamespace`, broken: hit.broken };
}

function linkerdAwait(tasks: readonly ContainerInfo[]): StopMechanism | undefined {
  const hit = findTrigger(tasks, cmd => {
    const i = cmd.argv.findIndex(w => basename(w) === LINKERD_AWAIT);
    return i >= 0 && cmd.argv.slice(i + 1).some(a => a === '--shutdown' || a === '-S') ? i : undefined;
  }, () => false);
  return hit ? { label: `linkerd-await --shutdown (in '${hit.by.name}')`, broken: hit.broken } : undefined;
}

const cache = new WeakMap<ContainerInfo, StopMechanism | null>();

/** The mechanism that stops the Job helper `h` when the task ends, if the pod wires one (memoized per container). */
export function stopMechanismOf(ctx: PodContext, h: ContainerInfo): StopMechanism | undefined {
  let m = cache.get(h);
  if (m === undefined) {
    m = findStopMechanism(ctx, h) ?? null;
    cache.set(h, m);
  }
  return m ?? undefined;
}

function findStopMechanism(ctx: PodContext, h: ContainerInfo): StopMechanism | undefined {
  const tasks = ctx.mains.filter(m => m !== h && !ctx.jobHelpers.some(j => j.container === m));
  const found = [
    controllerAnnotation(ctx, h),
    kubexit(h, tasks),
    quitFile(h, tasks),
    quitQuitQuit(h, tasks),
    isLinkerdProxy(h) ? linkerdAwait(tasks) : undefined,
    pkill(ctx, tasks),
  ].filter((m): m is StopMechanism => m !== undefined);
  // a working one wins over a broken one
  return found.find(m => m.broken === undefined) ?? found[0];
}
