/**
 * How sidecars are attached to a cdk8s-plus workload, kept in one place for `SidecarJob`, `SidecarCronJob` and
 * `Sidecar.attachTo()` (any workload): target-version checks, init-container ordering, app wiring (env, mounts)
 * and the workload-wide validations that can only run once everything was added.
 */
import * as kplus from 'cdk8s-plus-28';
import { constructError, dnsLabelProblem, propError } from './_errors';
import { nativeSidecarsWork, parseMinorVersion, unsupportedSidecarConsequence, SIDECAR_BETA_MINOR, SIDECAR_ALPHA_MINOR } from './_version-facts';
import { KubernetesVersion } from './kubernetes-version';
import type { Sidecar } from './sidecar';

/** Context key for the target Kubernetes version of every sidecar workload below a scope, e.g. `'1.30'`. */
export const CONTEXT_KUBERNETES_VERSION = 'cdk8s-sidecars/kubernetes-version';
/** Context key saying the `SidecarContainers` feature gate is on (only needed when targeting 1.28). */
export const CONTEXT_FEATURE_GATE = 'cdk8s-sidecars/sidecar-containers-feature-gate';

/** The resolved container of a sidecar: its props as cdk8s-plus takes them, plus the ports it declares. */
export interface SidecarContainerSpec {
  readonly containerProps: kplus.ContainerProps;
  readonly portNumbers: number[];
}

interface Attached {
  readonly sidecar: Sidecar;
  readonly container: kplus.Container;
}

interface WorkloadState {
  readonly sidecars: Attached[];
  /** Regular init containers the user put before the sidecars (created on first use). */
  pinnedFirst?: Set<kplus.Container>;
  /** The longest resource name the workload's kind allows (SidecarJob/SidecarCronJob); shared constant objects. */
  nameLimit?: NameLimit;
  version?: KubernetesVersion;
  featureGate?: boolean;
  /** SidecarJob/SidecarCronJob wire containers added after a sidecar; plain workloads cannot. */
  wiresLaterContainers: boolean;
}

const STATES = new WeakMap<kplus.AbstractPod, WorkloadState>();

function stateOf(pod: kplus.AbstractPod): WorkloadState {
  let state = STATES.get(pod);
  if (!state) {
    const created: WorkloadState = { sidecars: [], wiresLaterContainers: false };
    STATES.set(pod, created);
    pod.node.addValidation({ validate: () => validateWorkload(pod, created) });
    state = created;
  }
  return state;
}

/** Called by SidecarJob/SidecarCronJob before anything is added. */
export function configureSidecarWorkload(pod: kplus.AbstractPod, version: KubernetesVersion | undefined, featureGate: boolean | undefined,
  nameLimit: NameLimit): void {
  const state = stateOf(pod);
  state.version = version;
  state.featureGate = featureGate;
  state.wiresLaterContainers = true;
  state.nameLimit = nameLimit;
}

/** The sidecars attached to a workload, in declaration order. */
export function sidecarsOf(pod: kplus.AbstractPod): Sidecar[] {
  return (STATES.get(pod)?.sidecars ?? []).map(a => a.sidecar);
}

interface Target {
  readonly version: KubernetesVersion;
  readonly featureGate: boolean;
  /** Where the version came from, for messages. */
  readonly source: string;
}

/** The target Kubernetes version: the construct prop, else the context key, else the default (1.29). */
export function resolveTarget(pod: kplus.AbstractPod): Target {
  const state = stateOf(pod);
  const where = pod.node.path;
  let version = state.version;
  let source = "the 'kubernetesVersion' prop";
  if (!version) {
    const raw = pod.node.tryGetContext(CONTEXT_KUBERNETES_VERSION);
    if (raw !== undefined) {
      source = `the context key '${CONTEXT_KUBERNETES_VERSION}'`;
      const parsed = typeof raw === 'string' ? parseMinorVersion(raw) : undefined;
      if (!parsed) {
        throw propError(where, 'context', CONTEXT_KUBERNETES_VERSION, 'must be a Kubernetes 1.x version string like \'1.30\'', raw,
          `Set it as a string, e.g. app.node.setContext('${CONTEXT_KUBERNETES_VERSION}', '1.30') (a number such as 1.30 would read as 1.3)`);
      }
      version = KubernetesVersion.of(parsed.minor);
    } else {
      version = KubernetesVersion.DEFAULT;
      source = `the default (${KubernetesVersion.DEFAULT})`;
    }
  }
  let featureGate = state.featureGate;
  if (featureGate === undefined) {
    const raw = pod.node.tryGetContext(CONTEXT_FEATURE_GATE);
    if (raw !== undefined && typeof raw !== 'boolean' && raw !== 'true' && raw !== 'false') {
      throw propError(where, 'context', CONTEXT_FEATURE_GATE, 'must be true or false', raw, `Set it with app.node.setContext('${CONTEXT_FEATURE_GATE}', true)`);
    }
    featureGate = raw === true || raw === 'true';
  }
  return { version, featureGate, source };
}

function initContainersArray(pod: kplus.AbstractPod): kplus.Container[] {
  const arr = (pod as any)._initContainers;
  if (!Array.isArray(arr)) {
    throw new Error('cdk8s-sidecars: this cdk8s-plus-28 release stores init containers in an unknown way; please report it with your cdk8s-plus-28 version');
  }
  return arr;
}

function isSidecarContainer(c: kplus.Container): boolean {
  return c.restartPolicy === kplus.ContainerRestartPolicy.ALWAYS;
}

/** Add `sidecar` to `pod` as a native sidecar, after earlier sidecars and before regular init containers. */
export function attachSidecar(pod: kplus.AbstractPod, sidecar: Sidecar): kplus.Container {
  const where = pod.node.path;
  const state = stateOf(pod);
  const subject = `Sidecar '${sidecar?.name}'`;
  if (!sidecar || typeof (sidecar as any)._toContainerSpec !== 'function') {
    throw propError(where, 'addSidecar', 'sidecar', 'must be a Sidecar', sidecar, 'Pass new Sidecar({ name, image, ... }) or a typed sidecar such as CloudSqlProxySidecar');
  }
  if (state.sidecars.some(a => a.sidecar === sidecar)) {
    throw constructError(where, subject, 'was already added to this workload', 'Add each sidecar once');
  }
  const target = resolveTarget(pod);
  if (!nativeSidecarsWork(target.version, target.featureGate)) {
    const v = target.version.toString();
    const fix = target.version.minor === SIDECAR_ALPHA_MINOR
      ? `Target Kubernetes 1.${SIDECAR_BETA_MINOR} or later, or, if every control-plane component and kubelet runs with --feature-gates=SidecarContainers=true, say so with the 'sidecarContainersFeatureGate: true' prop or the context key '${CONTEXT_FEATURE_GATE}'`
      : `Target Kubernetes 1.${SIDECAR_BETA_MINOR} or later (the 'kubernetesVersion' prop or the context key '${CONTEXT_KUBERNETES_VERSION}'); on older clusters run the helper differently`;
    throw constructError(where, subject, `cannot run as a native sidecar: the target is Kubernetes ${v} (from ${target.source}), and ${unsupportedSidecarConsequence(target.version)}`, fix);
  }
  const spec = sidecar._toContainerSpec(where);
  const name = spec.containerProps.name!;
  const taken = [...pod.initContainers, ...pod.containers].map(c => c.name);
  if (taken.includes(name)) {
    throw propError(where, subject, 'name', 'is already used by another container of this pod', name,
      'Container names must be unique across sidecars, init containers and app containers; rename one');
  }
  // cdk8s-plus's own addInitContainer (not a subclass override, which rejects restartPolicy on init containers)
  const container = kplus.AbstractPod.prototype.addInitContainer.call(pod, spec.containerProps) as kplus.Container;
  const arr = initContainersArray(pod);
  arr.splice(arr.indexOf(container), 1);
  let index = 0;
  while (index < arr.length && (isSidecarContainer(arr[index]) || state.pinnedFirst?.has(arr[index]))) index++;
  arr.splice(index, 0, container);
  const attached: Attached = { sidecar, container };
  state.sidecars.push(attached);
  for (const consumer of consumersOf(pod, container)) wire(where, consumer, sidecar);
  return container;
}

/** Move a just-added regular init container before every sidecar (after earlier pinned ones). */
export function pinBeforeSidecars(pod: kplus.AbstractPod, container: kplus.Container): void {
  const state = stateOf(pod);
  const arr = initContainersArray(pod);
  arr.splice(arr.indexOf(container), 1);
  let index = 0;
  while (index < arr.length && state.pinnedFirst?.has(arr[index])) index++;
  arr.splice(index, 0, container);
  (state.pinnedFirst ??= new Set()).add(container);
}

/** Give a container added after the sidecars the wiring of every sidecar that starts before it. */
export function wireLaterContainer(pod: kplus.AbstractPod, container: kplus.Container): void {
  const state = STATES.get(pod);
  if (!state) return;
  for (const a of state.sidecars) {
    if (consumersOf(pod, a.container).includes(container)) wire(pod.node.path, container, a.sidecar);
  }
}

/** Containers that start after `sidecarContainer`: all app containers, and the regular init containers after it. */
function consumersOf(pod: kplus.AbstractPod, sidecarContainer: kplus.Container): kplus.Container[] {
  const inits = pod.initContainers;
  const after = inits.slice(inits.indexOf(sidecarContainer) + 1).filter(c => !isSidecarContainer(c));
  return [...after, ...pod.containers];
}

function wire(where: string, consumer: kplus.Container, sidecar: Sidecar): void {
  const env = sidecar.appEnv;
  const mounts = sidecar.appVolumeMounts;
  if (Object.keys(env).length === 0 && mounts.length === 0) return;
  const existing = consumer.env.variables;
  const setBy = ENV_SET_BY.get(consumer) ?? new Map<string, Sidecar>();
  for (const [name, value] of Object.entries(env)) {
    const current = existing[name];
    if (current === value) continue;
    if (current !== undefined) {
      const earlier = setBy.get(name);
      throw earlier
        ? constructError(where, `Sidecar '${sidecar.name}'`,
          `sets the environment variable '${name}' for the app, but sidecar '${earlier.name}' already sets '${name}' for container '${consumer.name}'`,
          'Give one of the two sidecars other variable names (for a database proxy: hostEnvName/portEnvName)')
        : constructError(where, `Sidecar '${sidecar.name}'`,
          `sets the environment variable '${name}' for the app, but container '${consumer.name}' already has '${name}'`,
          'Remove it from the container, or give the sidecar another variable name');
    }
    consumer.env.addVariable(name, value);
    setBy.set(name, sidecar);
  }
  ENV_SET_BY.set(consumer, setBy);
  for (const m of mounts) {
    if (consumer.mounts.some(x => x.path === m.path && x.volume === m.volume)) continue;
    consumer.mount(m.path, m.volume, { readOnly: m.readOnly, subPath: m.subPath, subPathExpr: m.subPathExpr, propagation: m.propagation });
  }
  markWired(consumer, sidecar);
}

const WIRED = new WeakMap<kplus.Container, Set<Sidecar>>();
/** Which sidecar put each app environment variable into a container, for clear clash errors. */
const ENV_SET_BY = new WeakMap<kplus.Container, Map<string, Sidecar>>();
function markWired(consumer: kplus.Container, sidecar: Sidecar): void {
  const set = WIRED.get(consumer) ?? new Set<Sidecar>();
  set.add(sidecar);
  WIRED.set(consumer, set);
}

/** cdk8s-plus keeps a container's probes in these private fields; the second entry is the prop name users know. */
const PROBE_FIELDS: Array<[string, string]> = [['_startup', 'startup'], ['_liveness', 'liveness'], ['_readiness', 'readiness']];

/** How long a resource name may be, by kind. */
export interface NameLimit {
  readonly kind: string;
  readonly max: number;
}

/** A Job name becomes a label value of its pods: at most 63 characters. */
export const JOB_NAME_LIMIT: NameLimit = Object.freeze({ kind: 'Job', max: 63 });
/** The CronJob controller appends an 11-character suffix to Job names, which must stay within 63. */
export const CRONJOB_NAME_LIMIT: NameLimit = Object.freeze({ kind: 'CronJob', max: 52 });

function nameLengthErrors(where: string, limit: NameLimit, name: string): string[] {
  if (typeof name !== 'string' || name.length <= limit.max) return [];
  return [constructError(where, limit.kind, `the resource name '${name}' has ${name.length} characters, more than the ${limit.max} Kubernetes allows for a ${limit.kind}`,
    'Set a shorter \'metadata.name\' or use shorter construct ids').message];
}

/** Rules that need the whole pod: run by cdk8s before synthesis (`node.addValidation`). */
function validateWorkload(pod: kplus.AbstractPod, state: WorkloadState): string[] {
  const where = pod.node.path;
  const errors: string[] = state.nameLimit ? nameLengthErrors(where, state.nameLimit, (pod as any).name) : [];
  const inits = pod.initContainers;
  const regular = pod.containers;

  // container names: unique across init and app containers, DNS-1123 labels
  const seen = new Set<string>();
  for (const c of [...inits, ...regular]) {
    if (seen.has(c.name)) {
      errors.push(constructError(where, `container '${c.name}'`, 'the name is used by more than one container of this pod (sidecars, init containers and app containers share one namespace of names)', 'Rename one of them').message);
    }
    seen.add(c.name);
    const problem = dnsLabelProblem(c.name);
    if (problem) errors.push(propError(where, `container '${c.name}'`, 'name', problem, c.name, 'Rename the container').message);
  }

  // ports: containers that run at the same time share one network namespace
  const sidecarsSoFar: kplus.Container[] = [];
  const clash = (a: kplus.Container, b: kplus.Container) => {
    for (const pa of a.ports) {
      for (const pb of b.ports) {
        if (pa.number === pb.number && (pa.protocol ?? 'TCP') === (pb.protocol ?? 'TCP')) {
          errors.push(constructError(where, `containers '${a.name}' and '${b.name}'`,
            `both use port ${pa.number}/${pa.protocol ?? 'TCP'} while running at the same time, and all containers of a pod share one network namespace`,
            'Give one of them another port').message);
        }
      }
    }
  };
  for (const c of inits) {
    for (const s of sidecarsSoFar) clash(s, c);
    if (isSidecarContainer(c)) sidecarsSoFar.push(c);
  }
  for (let i = 0; i < regular.length; i++) {
    for (const s of sidecarsSoFar) clash(s, regular[i]);
    for (let j = i + 1; j < regular.length; j++) clash(regular[i], regular[j]);
  }

  // probes must target a port the container declares (our sidecars' startup probes were checked when attached)
  const ours = new Set(state.sidecars.map(a => a.container));
  for (const c of [...inits, ...regular]) {
    const ports = c.ports;
    for (const [field, prop] of PROBE_FIELDS) {
      if (field === '_startup' && ours.has(c)) continue;
      const probe = (c as any)[field];
      if (!probe) continue;
      const kube = probe._toKube(c);
      const port = kube.httpGet?.port?.value ?? kube.tcpSocket?.port?.value;
      if (port === undefined) continue;
      const ok = typeof port === 'number' ? ports.some(p => p.number === port) : ports.some(p => p.name === port);
      if (!ok) {
        errors.push(propError(where, `container '${c.name}'`, prop, `probes port ${port}, which the container does not declare (declared: ${ports.length ? ports.map(p => p.number).join(', ') : 'none'})`, port,
          "Declare the port on the container ('portNumber' or 'ports'), or probe a declared port").message);
      }
    }
  }

  // checks a typed sidecar makes against the whole pod (e.g. a proxy's SIGTERM delays vs the grace period)
  for (const a of state.sidecars) errors.push(...a.sidecar._checkWorkload(pod, a.container));

  // app wiring reached every container that starts after each sidecar
  if (!state.wiresLaterContainers) {
    for (const a of state.sidecars) {
      if (Object.keys(a.sidecar.appEnv).length === 0 && a.sidecar.appVolumeMounts.length === 0) continue;
      for (const consumer of consumersOf(pod, a.container)) {
        if (!WIRED.get(consumer)?.has(a.sidecar)) {
          errors.push(constructError(where, `Sidecar '${a.sidecar.name}'`,
            `container '${consumer.name}' was added after the sidecar, so it did not get the sidecar's app environment (${Object.keys(a.sidecar.appEnv).join(', ') || 'volume mounts'})`,
            'Add app containers before calling sidecar.attachTo(workload), or use SidecarJob/SidecarCronJob, which wire containers added later').message);
        }
      }
    }
  }
  // cdk8s prefixes every validation message with the construct path already
  const prefix = `[${where}] `;
  return errors.map(m => m.startsWith(prefix) ? m.slice(prefix.length) : m);
}
