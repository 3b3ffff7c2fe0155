import { describeObject, podTemplateOf, PodTemplateRef, WORKLOAD_KINDS } from '../_manifest';
import {
  configurableCrashLoopMaxGateDefault, configurableCrashLoopMaxGateExists, CRASH_LOOP_BACKOFF, DEFAULT_KUBERNETES_VERSION, formatMinorVersion,
  MinorVersion, reducedCrashLoopDecayGateExists, VERSION_SHAPE, versionProblem,
} from '../_version-facts';
import { BackOffSettings, crashLoopBackOffPolicy } from './_backoff';
import { normalizeBehaviors, SimulationInputError } from './_behavior';
import { EngineOutput, runEngine } from './_engine';
import { formatSeconds, formatTable, humanDuration } from './_print';
import {
  ContainerTimeline, SimulateOptions, SimulationEvent, SimulationFinal, SimulationRow,
} from './types';

/** Default horizon: 10 minutes. */
export const DEFAULT_SIMULATION_HORIZON = 600;

/**
 * Longest horizon: 6 hours. A crash loop keeps producing rows for as long as it is simulated (one restart every
 * 5 minutes, or every second with `maxContainerRestartPeriod: 1`), so the horizon bounds the work and the output.
 */
export const MAX_SIMULATION_HORIZON = 6 * 3600;

/**
 * Predicts what `kubectl get pods -w` prints for a pod with init containers and native sidecars: the kubelet's
 * start/stop sequence (init containers in order, startup probes, back-off, sidecar termination in reverse order) is
 * simulated in virtual time, with what each container does given as `ContainerBehavior`s.
 *
 * Works on plain manifest objects: a Pod, Job, CronJob, Deployment, StatefulSet, DaemonSet or ReplicaSet, e.g. from
 * `Testing.synth(chart)` or parsed YAML.
 *
 * @example
 * const result = Simulator.simulateManifests(Testing.synth(chart), {
 *   behaviors: { proxy: { readyAfter: 5 }, app: { needs: ['proxy'], exitAfter: 1 } },
 * });
 * expect(result.startedAfterServing('app', 'proxy')).toBe(true);
 * expect(result.finalState.status).toBe('Completed');
 */
export class Simulator {
  /** The longest horizon (`SimulateOptions.until`) accepted, in seconds: 6 hours. */
  public static readonly MAX_HORIZON_SECONDS: number = MAX_SIMULATION_HORIZON;

  /**
   * Simulate the pod of one workload object (or of a bare pod spec with `containers`).
   * @param manifest a Kubernetes object with a pod template (Pod, Job, CronJob, Deployment, ...), a bare pod spec with
   *   `containers`, or an array of objects (then the same as `simulateManifests`)
   * @param options what each container does, the Kubernetes release, the horizon, a deletion
   * @throws when the object has no pod template, a behaviour is invalid or an option is out of range
   */
  public static simulate(manifest: any, options: SimulateOptions = {}): SimulationResult {
    if (Array.isArray(manifest)) return Simulator.simulateManifests(manifest, options);
    let ref: PodTemplateRef | undefined;
    if (manifest && typeof manifest === 'object' && typeof manifest.kind !== 'string' && Array.isArray(manifest.containers)) {
      ref = { spec: manifest, metadata: {}, path: '', isJob: false };
      return simulateTemplate({ kind: 'Pod', metadata: { name: 'pod' } }, ref, options);
    }
    ref = podTemplateOf(manifest);
    if (!ref) {
      throw new SimulationInputError(`${describeObject(manifest)} has no pod template to simulate (supported kinds: ${WORKLOAD_KINDS.join(', ')})`);
    }
    return simulateTemplate(manifest, ref, options);
  }

  /**
   * Simulate one pod out of several objects (e.g. `Testing.synth(chart)`): the one named by `options.resource`, or
   * else the first object with a pod template. `List` objects are flattened.
   * @param manifests Kubernetes objects, e.g. `Testing.synth(chart)` or parsed multi-document YAML
   * @param options what each container does, which workload (`resource`), the Kubernetes release, the horizon, a
   *   deletion
   * @throws when no object has a pod template, `resource` matches none, a behaviour is invalid or an option is out of
   *   range
   */
  public static simulateManifests(manifests: any[], options: SimulateOptions = {}): SimulationResult {
    const objects = flattenObjects(manifests);
    const workloads = objects.filter(o => podTemplateOf(o) !== undefined);
    if (options.resource !== undefined) {
      const picked = findResource(workloads, options.resource);
      return simulateTemplate(picked, podTemplateOf(picked)!, options);
    }
    if (workloads.length === 0) {
      throw new SimulationInputError(`no object with a pod template to simulate (supported kinds: ${WORKLOAD_KINDS.join(', ')})`);
    }
    return simulateTemplate(workloads[0], podTemplateOf(workloads[0])!, options);
  }

  private constructor() {}
}

/**
 * The outcome of a simulation: `kubectl get pods -w` rows, final state, per-container timelines, plan and notes.
 *
 * The array and record properties return copies: changing them does not change the result.
 */
export class SimulationResult {
  /**
   * @internal
   */
  public static _of(podName: string, kubernetesVersion: string, horizon: number, out: EngineOutput): SimulationResult {
    return new SimulationResult(podName, kubernetesVersion, horizon, out);
  }

  /** The NAME column. */
  public readonly podName: string;
  /** The Kubernetes release simulated, e.g. `1.29`. */
  public readonly kubernetesVersion: string;
  /** The horizon, in seconds. */
  public readonly horizon: number;
  /**
   * The pod is not terminal at the horizon and nothing more will happen to it (e.g. a plain init container that never
   * exits, or a Job pod kept alive by a regular helper container). Pods of Deployments etc. that run and are ready
   * are not stuck.
   */
  public readonly stuck: boolean;
  /** The API server would reject this pod on the simulated release (see `notes`); the simulation ignores the rejected fields. */
  public readonly rejectedByApiServer: boolean;

  private readonly _rows: SimulationRow[];
  private readonly _final: SimulationFinal;
  private readonly _containers: Record<string, ContainerTimeline>;
  private readonly _events: SimulationEvent[];
  private readonly _plan: string[];
  private readonly _notes: string[];

  private constructor(podName: string, kubernetesVersion: string, horizon: number, out: EngineOutput) {
    this.podName = podName;
    this.kubernetesVersion = kubernetesVersion;
    this.horizon = horizon;
    this._rows = out.rows;
    this._final = out.final;
    this.stuck = out.stuck;
    this._containers = out.containers;
    this._events = out.events;
    this._plan = out.plan;
    this._notes = out.notes;
    this.rejectedByApiServer = out.rejected;
  }

  /** The rows `kubectl get pods -w` prints: one whenever READY, STATUS or RESTARTS changes (a copy). */
  public get rows(): SimulationRow[] {
    return this._rows.map(r => ({ ...r }));
  }

  /**
   * Where the pod ended (written `final` in `toJson()`), including whether it was deleted and why a deadline ended it
   * (a copy).
   */
  public get finalState(): SimulationFinal {
    return { ...this._final };
  }

  /** Per-container timelines, keyed by container name (a copy). */
  public get containers(): Record<string, ContainerTimeline> {
    const out: Record<string, ContainerTimeline> = {};
    for (const name of Object.keys(this._containers)) out[name] = copyTimeline(this._containers[name]);
    return out;
  }

  /** What the kubelet and the containers did, in order (a copy). */
  public get events(): SimulationEvent[] {
    return this._events.map(e => ({ ...e }));
  }

  /** The start/stop plan: who waits for which gate, for how long at most, the termination order (a copy). */
  public get plan(): string[] {
    return [...this._plan];
  }

  /**
   * Observations (a copy): version caveats, known bugs, containers that needed a sidecar too early, why the pod is
   * stuck, and how a deadline or a deletion ended it.
   */
  public get notes(): string[] {
    return [...this._notes];
  }

  /**
   * The timeline of one container (a copy).
   * @param name the container's name (init or regular container)
   * @throws when the pod has no such container
   */
  public container(name: string): ContainerTimeline {
    const c = Object.prototype.hasOwnProperty.call(this._containers, name) ? this._containers[name] : undefined;
    if (!c) throw new Error(`no container '${name}' in the simulated pod (containers: ${Object.keys(this._containers).join(', ')})`);
    return copyTimeline(c);
  }

  /** The rows as `READY STATUS` strings, e.g. `['0/2 Pending', '0/2 Init:0/1', '1/2 PodInitializing', ...]`. */
  public statusSequence(): string[] {
    return this._rows.map(r => `${r.ready} ${r.status}`);
  }

  /**
   * `container` first started no earlier than the kubelet first reported `dependency` ready (`ready: true`): the
   * kubelet's view, driven by probes.
   *
   * This is weaker than it sounds: a sidecar without a startupProbe and without a readinessProbe is reported ready
   * the moment its process runs, before it serves, so this passes even when `container` started while `dependency`
   * could not answer yet (the start-up race). To check that a container started only once its dependency really
   * served, use `startedAfterServing`.
   *
   * @param container the container that depends on the other one, e.g. the app
   * @param dependency the container it depends on, e.g. a sidecar
   * @returns false when either never happened
   */
  public startedAfterReady(container: string, dependency: string): boolean {
    const c = this.container(container).startedAt;
    const d = this.container(dependency).readyAt;
    return c !== undefined && d !== undefined && c >= d;
  }

  /**
   * `container` first started no earlier than `dependency` actually served (from its behaviour: start +
   * `readyAfter`), whatever its probes said.
   *
   * This is the property that rules out the start-up race: unlike `startedAfterReady`, it fails when a sidecar without
   * a startupProbe counts as ready (and lets the app start) as soon as it runs, before it serves.
   *
   * @param container the container that depends on the other one, e.g. the app
   * @param dependency the container it depends on, e.g. a sidecar
   * @returns false when either never happened
   */
  public startedAfterServing(container: string, dependency: string): boolean {
    const c = this.container(container).startedAt;
    const d = this.container(dependency).servingAt;
    return c !== undefined && d !== undefined && c >= d;
  }

  /**
   * The result as plain JSON (what `cdk8s-sidecars simulate --format json` prints): `rows`, `final` (with `deleted`,
   * `reason`, `jobFailureReason`), `stuck`, `containers` (absent times and reasons are `null`), `plan`, `notes`.
   */
  public toJson(): any {
    const containers: Record<string, any> = {};
    for (const [name, c] of Object.entries(this._containers)) {
      containers[name] = {
        role: c.role,
        startedAt: c.startedAt ?? null,
        readyAt: c.readyAt ?? null,
        servingAt: c.servingAt ?? null,
        exitedAt: c.exitedAt ?? null,
        exitCode: c.exitCode ?? null,
        restarts: c.restarts,
        state: c.state,
        stateReason: c.stateReason ?? null,
      };
    }
    const f = this._final;
    return {
      pod: this.podName,
      kubernetesVersion: this.kubernetesVersion,
      horizon: this.horizon,
      rows: this._rows.map(r => ({ at: r.at, ready: r.ready, status: r.status, restarts: r.restarts })),
      final: {
        at: f.at,
        phase: f.phase,
        ready: f.ready,
        status: f.status,
        restarts: f.restarts,
        deleted: f.deleted,
        reason: f.reason ?? null,
        jobFailureReason: f.jobFailureReason ?? null,
      },
      stuck: this.stuck,
      rejectedByApiServer: this.rejectedByApiServer,
      containers,
      plan: [...this._plan],
      notes: [...this._notes],
    };
  }

  /** The result as text: a `kubectl get pods -w` table, the plan, notes and the final state. */
  public toText(): string {
    const table = [['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']];
    for (const r of this._rows) {
      const restarts = r.restarts > 0 && r.lastRestartAt !== undefined ? `${r.restarts} (${humanDuration(r.at - r.lastRestartAt)} ago)` : `${r.restarts}`;
      table.push([this.podName, r.ready, r.status, restarts, humanDuration(r.at)]);
    }
    const lines: string[] = [formatTable(table).trimEnd(), ''];
    lines.push(`Plan (Kubernetes ${this.kubernetesVersion}):`);
    for (const p of this._plan) lines.push(`  - ${p}`);
    if (this._notes.length > 0) {
      lines.push('Notes:');
      for (const n of this._notes) lines.push(`  - ${n}`);
    }
    const f = this._final;
    if (f.deleted) {
      const by = f.jobFailureReason !== undefined ? `the Job controller deleted it: the Job failed with reason ${f.jobFailureReason}` : 'it was deleted';
      lines.push(`Final: pod deleted, gone since ${formatSeconds(f.at)} (${by}); last row ${f.ready} ${f.status}, ${f.restarts} restart(s); last phase ${f.phase}`);
    } else {
      const how = f.terminal ? 'terminal' : this.stuck ? 'stuck' : `not terminal at the horizon (${formatSeconds(this.horizon)})`;
      const reason = f.reason !== undefined ? ` (reason ${f.reason})` : '';
      lines.push(`Final: phase ${f.phase}${reason}, ${f.ready} ${f.status}, ${f.restarts} restart(s), since ${formatSeconds(f.at)} (${how})`);
    }
    return lines.join('\n') + '\n';
  }
}

function copyTimeline(c: ContainerTimeline): ContainerTimeline {
  return { ...c, runs: c.runs.map(r => ({ ...r })) };
}

function flattenObjects(manifests: any[]): any[] {
  if (!Array.isArray(manifests)) {
    throw new SimulationInputError(`expected a list of Kubernetes objects, got ${typeof manifests}`);
  }
  const out: any[] = [];
  for (const m of manifests) {
    if (m && typeof m === 'object' && typeof m.kind === 'string' && m.kind.endsWith('List') && Array.isArray(m.items)) out.push(...flattenObjects(m.items));
    else out.push(m);
  }
  return out;
}

function findResource(workloads: any[], resource: string): any {
  const slash = resource.indexOf('/');
  const available = workloads.map(w => describeObject(w)).join(', ') || 'none';
  if (slash <= 0 || slash === resource.length - 1) {
    throw new SimulationInputError(`resource must be KIND/NAME (e.g. CronJob/sidecar-cronjob), got '${resource}'`);
  }
  const kind = resource.slice(0, slash).toLowerCase();
  const rest = resource.slice(slash + 1);
  const found = workloads.find(w => {
    if (String(w.kind).toLowerCase() !== kind) return false;
    const name = w.metadata?.name;
    const ns = w.metadata?.namespace;
    return rest === name || (ns !== undefined && rest === `${ns}/${name}`);
  });
  if (!found) throw new SimulationInputError(`no workload '${resource}' (workloads with a pod template: ${available})`);
  return found;
}

function simulateTemplate(obj: any, ref: PodTemplateRef, options: SimulateOptions): SimulationResult {
  const spec = ref.spec ?? {};
  const containers: any[] = Array.isArray(spec.containers) ? spec.containers : [];
  const initContainers: any[] = Array.isArray(spec.initContainers) ? spec.initContainers : [];
  const what = describeObject(obj);
  if (containers.length === 0) throw new SimulationInputError(`${what}: the pod has no containers`);
  const names: string[] = [];
  for (const c of [...initContainers, ...containers]) {
    const name = c?.name;
    if (typeof name !== 'string' || name === '') throw new SimulationInputError(`${what}: every container needs a name`);
    if (names.includes(name)) throw new SimulationInputError(`${what}: two containers are named '${name}'`);
    names.push(name);
  }
  const until = options.until ?? DEFAULT_SIMULATION_HORIZON;
  checkSeconds('until', until, false);
  if (until > MAX_SIMULATION_HORIZON) {
    throw new SimulationInputError(`'until' must be at most ${MAX_SIMULATION_HORIZON} seconds (6h), got ${until} (${formatSeconds(until)}): `
      + 'a pod that keeps restarting prints rows for as long as it is simulated; simulate a shorter window');
  }
  if (options.deleteAt !== undefined) checkSeconds('deleteAt', options.deleteAt, true);
  if (options.deletionGracePeriod !== undefined) checkSeconds('deletionGracePeriod', options.deletionGracePeriod, true);
  const behaviors = normalizeBehaviors(options.behaviors, names, 'behaviors');
  const v = options.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
  const version = { major: v.major, minor: v.minor };
  const problem = versionProblem(version);
  if (problem) throw new SimulationInputError(`'kubernetesVersion' must be ${VERSION_SHAPE}, got ${formatMinorVersion(version)}: ${problem}`);
  const backOff = backOffSettings(options, version);
  const podName = options.podName ?? podNameOf(obj);
  const out = runEngine({
    spec,
    isJob: ref.isJob,
    jobSpec: ref.jobSpec,
    podName,
    behaviors,
    version,
    featureGate: options.sidecarContainersFeatureGate ?? false,
    backOff: crashLoopBackOffPolicy(version, backOff),
    until,
    deleteAt: options.deleteAt,
    deletionGracePeriod: options.deletionGracePeriod,
    finalizers: Array.isArray(ref.metadata?.finalizers) ? ref.metadata.finalizers.filter((f: unknown) => typeof f === 'string') : [],
  });
  return SimulationResult._of(podName, formatMinorVersion(version), until, out);
}

/** The back-off options, checked against the gates the target release has. */
function backOffSettings(options: SimulateOptions, version: MinorVersion): BackOffSettings {
  const v = formatMinorVersion(version);
  const reducedDecay = options.reduceDefaultCrashLoopBackOffDecay ?? false;
  if (reducedDecay && !reducedCrashLoopDecayGateExists(version)) {
    throw new SimulationInputError(`feature gate ReduceDefaultCrashLoopBackOffDecay does not exist on Kubernetes ${v} (alpha from `
      + `${formatMinorVersion({ major: 1, minor: CRASH_LOOP_BACKOFF.reducedDecayAlphaMinor })}): a kubelet started with it fails with "unrecognized feature gate"`);
  }
  const configurableMax = options.kubeletCrashLoopBackOffMax;
  if (configurableMax === true && !configurableCrashLoopMaxGateExists(version)) {
    throw new SimulationInputError(`feature gate KubeletCrashLoopBackOffMax does not exist on Kubernetes ${v} (alpha from `
      + `${formatMinorVersion({ major: 1, minor: CRASH_LOOP_BACKOFF.configurableMaxAlphaMinor })}): a kubelet started with it fails with "unrecognized feature gate"`);
  }
  const max = options.maxContainerRestartPeriod;
  if (max !== undefined) {
    const { configurableMaxLowestSeconds: lo, configurableMaxHighestSeconds: hi } = CRASH_LOOP_BACKOFF;
    if (typeof max !== 'number' || !Number.isFinite(max) || max < lo || max > hi) {
      throw new SimulationInputError(`'maxContainerRestartPeriod' must be a number of seconds from ${lo} to ${hi} (kubelet crashLoopBackOff.maxContainerRestartPeriod), got ${JSON.stringify(max)}`);
    }
    if (!(configurableMax ?? configurableCrashLoopMaxGateDefault(version))) {
      throw new SimulationInputError(`'maxContainerRestartPeriod' needs the kubelet feature gate KubeletCrashLoopBackOffMax, which is off on Kubernetes ${v}`
        + (configurableCrashLoopMaxGateExists(version) ? ': enable it (kubeletCrashLoopBackOffMax, or --feature-gates KubeletCrashLoopBackOffMax=true)' : ` (it exists from ${formatMinorVersion({ major: 1, minor: CRASH_LOOP_BACKOFF.configurableMaxAlphaMinor })})`));
    }
  }
  return { reducedDecay, configurableMax, maxContainerRestartPeriod: max };
}

function checkSeconds(key: string, value: unknown, allowZero: boolean): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new SimulationInputError(`'${key}' must be a number of seconds ${allowZero ? '>= 0' : '> 0'}, got ${JSON.stringify(value)}`);
  }
}

/** kubectl's random-suffix alphabet (k8s.io/apimachinery `util/rand`: no vowels, no look-alikes). */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

function suffix(seed: string, length: number): string {
  let h = 7;
  for (let i = 0; i < seed.length; i++) h = (h * 31 + seed.charCodeAt(i)) % 2147483647;
  let out = '';
  for (let i = 0; i < length; i++) {
    out += ALPHANUMS[h % ALPHANUMS.length];
    h = (Math.floor(h / ALPHANUMS.length) * 7919 + 104729 + i) % 2147483647;
  }
  return out;
}

/**
 * A pod name shaped like the controllers' (deterministic instead of random): Job `<job>-<5>`, CronJob
 * `<cronjob>-<scheduled minute>-<5>` (the Job name is the CronJob name plus the scheduled time in minutes; a fixed
 * `29000000` here), Deployment `<name>-<10>-<5>`, StatefulSet `<name>-0`, DaemonSet/ReplicaSet `<name>-<5>`.
 */
function podNameOf(obj: any): string {
  const name = String(obj?.metadata?.name ?? 'pod');
  switch (obj?.kind) {
    case 'Pod': return name;
    case 'CronJob': return `${name}-29000000-${suffix(name, 5)}`;
    case 'Deployment': return `${name}-${suffix(`${name}/rs`, 10)}-${suffix(name, 5)}`;
    case 'StatefulSet': return `${name}-0`;
    default: return `${name}-${suffix(name, 5)}`;
  }
}
