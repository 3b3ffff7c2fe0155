/**
 * How sidecars are attached to a cdk8s-plus workload, kept in one place for `SidecarJob`, `SidecarCronJob` and
 * `Sidecar.attachTo()` (any workload): target-version checks, init-container ordering, app wiring (env, mounts)
 * and the workload-wide validations that can only run once everything was added.
 */
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { containerErrors } from './_container-checks';
import { constructError, dnsLabelProblem, propError, SidecarsError, throwAll } from './_errors';
import { addInitContainerUnchecked, initContainersOf, probesOf, RenderedProbe } from './_kplus';
import { AttachableSidecar } from './_sidecar-spec';
import { nativeSidecarsWork, parseMinorVersion, unsupportedSidecarConsequence, SIDECAR_BETA_MINOR, SIDECAR_ALPHA_MINOR } from './_version-facts';
import { KubernetesVersion } from './kubernetes-version';
import { Linter } from './lint/linter';
import { Finding, Severity } from './lint/types';

/** Context key for the target Kubernetes version of every sidecar workload below a scope, e.g. `'1.30'`. */
export const CONTEXT_KUBERNETES_VERSION = 'cdk8s-sidecars/kubernetes-version';
/** Context key saying the `SidecarContainers` feature gate is on (only needed when targeting 1.28). */
export const CONTEXT_FEATURE_GATE = 'cdk8s-sidecars/sidecar-containers-feature-gate';

const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** How long a resource name may be, by kind. */
export interface NameLimit {
  readonly kind: string;
  readonly max: number;
}

/** A Job name becomes a label value of its pods: at most 63 characters. */
export const JOB_NAME_LIMIT: NameLimit = Object.freeze({ kind: 'Job', max: 63 });
/** The CronJob controller appends an 11-character suffix to Job names, which must stay within 63. */
export const CRONJOB_NAME_LIMIT: NameLimit = Object.freeze({ kind: 'CronJob', max: 52 });

/** What SidecarJob/SidecarCronJob record before anything is added. */
export interface SidecarWorkloadSettings {
  readonly version?: KubernetesVersion;
  readonly featureGate?: boolean;
  /** The longest resource name the workload's kind allows; shared constant objects. */
  readonly nameLimit: NameLimit;
}

interface Target {
  readonly version: KubernetesVersion;
  readonly featureGate: boolean;
  /** Where the version came from, for messages. */
  readonly source: string;
}

/**
 * The linter's rules the constructs enforce on the pod they render, before synthesis: construct and linter reach
 * the same verdict because it is the same rule (only its error findings fail synthesis).
 */
export const POD_RULES: readonly string[] = ['container-port-conflict', 'probe-named-port-undefined'];

/** The sidecar state of one workload; the workload holds it (`WorkloadSidecars.of`). */
const STATE = Symbol('cdk8s-sidecars.workload-sidecars');

function isSidecarContainer(c: kplus.Container): boolean {
  return c.restartPolicy === kplus.ContainerRestartPolicy.ALWAYS;
}

/**
 * The sidecars of one cdk8s-plus workload and everything the attach logic must remember about it: which sidecars
 * were added (with their containers), which init containers were pinned before them, which sidecar wired which app
 * variable into which container, and the target version of a SidecarJob/SidecarCronJob. Created on first use and
 * kept on the workload itself; registers the workload-wide validation.
 */
const NO_ERRORS: SidecarsError[] = [];

export class WorkloadSidecars {
  /**
   * The sidecar state of `pod`, created on first use.
   * @param pod any cdk8s-plus pod-owning construct
   */
  public static of(pod: kplus.AbstractPod): WorkloadSidecars {
    const holder = pod as unknown as { [STATE]?: WorkloadSidecars };
    let state = holder[STATE];
    if (!state) {
      state = new WorkloadSidecars(pod);
      Object.defineProperty(pod, STATE, { value: state, enumerable: false });
    }
    return state;
  }

  /**
   * The state of `pod` if a sidecar was ever attached or it is a SidecarJob/SidecarCronJob, without creating one.
   * @param pod any cdk8s-plus pod-owning construct
   */
  public static peek(pod: kplus.AbstractPod): WorkloadSidecars | undefined {
    return (pod as unknown as { [STATE]?: WorkloadSidecars })[STATE];
  }

  private readonly attached: Array<{ readonly sidecar: AttachableSidecar; readonly container: kplus.Container }> = [];
  /** Regular init containers the user put before the sidecars (created on first use, like the maps below). */
  private pinnedFirst?: Set<kplus.Container>;
  /** For each consumer container: which sidecar set each app variable (for clear clash errors). */
  private envSetBy?: Map<kplus.Container, Map<string, AttachableSidecar>>;
  /** For each consumer container: the sidecars whose wiring it got. */
  private wired?: Map<kplus.Container, Set<AttachableSidecar>>;
  private settings?: SidecarWorkloadSettings;
  /** The workload's construct path, for errors (a construct's path never changes; cdk8s builds it on each read). */
  private path?: string;
  /** The size of the state `validate()` looked at last (see `validateOnce`), and what it found. */
  private validatedSize = -1;
  private validatedErrors = NO_ERRORS;

  private constructor(private readonly pod: kplus.AbstractPod) {
    pod.node.addValidation({ validate: () => { throwAll(this.validateOnce()); return []; } });
  }

  private get where(): string {
    return this.path ??= this.pod.node.path;
  }

  /** The sidecars, in declaration (= start) order. */
  public get sidecars(): AttachableSidecar[] {
    return this.attached.map(a => a.sidecar);
  }

  /** SidecarJob/SidecarCronJob: record the target version and name limit; they also wire containers added later. */
  public configure(settings: SidecarWorkloadSettings): void {
    this.settings = settings;
  }

  /** The target Kubernetes version: the construct prop, else the context key, else `KubernetesVersion.DEFAULT`. */
  public resolveTarget(): Target {
    const pod = this.pod;
    const where = this.where;
    let version = this.settings?.version;
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
    let featureGate = this.settings?.featureGate;
    if (featureGate === undefined) {
      const raw = pod.node.tryGetContext(CONTEXT_FEATURE_GATE);
      if (raw !== undefined && typeof raw !== 'boolean' && raw !== 'true' && raw !== 'false') {
        throw propError(where, 'context', CONTEXT_FEATURE_GATE, 'must be true or false', raw, `Set it with app.node.setContext('${CONTEXT_FEATURE_GATE}', true)`);
      }
      featureGate = raw === true || raw === 'true';
    }
    return { version, featureGate, source };
  }


  /** Add `sidecar` as a native sidecar, after earlier sidecars and before regular init containers. */
  public attach(sidecar: AttachableSidecar): kplus.Container {
    const pod = this.pod;
    const where = this.where;
    const subject = `Sidecar '${sidecar.name}'`;
    if (this.attached.some(a => a.sidecar === sidecar)) {
      throw constructError(where, subject, 'was already added to this workload', 'Add each sidecar once');
    }
    const target = this.resolveTarget();
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
    const container = addInitContainerUnchecked(pod, spec.containerProps);
    const arr = initContainersOf(pod);
    arr.splice(arr.indexOf(container), 1);
    let index = 0;
    while (index < arr.length && (isSidecarContainer(arr[index]) || this.pinnedFirst?.has(arr[index]))) index++;
    arr.splice(index, 0, container);
    this.attached.push({ sidecar, container });
    for (const consumer of this.consumersOf(container)) this.wire(consumer, sidecar);
    return container;
  }

  /** Move a just-added regular init container before every sidecar (after earlier pinned ones). */
  public pinBeforeSidecars(container: kplus.Container): void {
    const arr = initContainersOf(this.pod);
    arr.splice(arr.indexOf(container), 1);
    let index = 0;
    while (index < arr.length && this.pinnedFirst?.has(arr[index])) index++;
    arr.splice(index, 0, container);
    (this.pinnedFirst ??= new Set()).add(container);
  }

  /** Give a container added after the sidecars the wiring of every sidecar that starts before it. */
  public wireLaterContainer(container: kplus.Container): void {
    for (const a of this.attached) {
      if (this.consumersOf(a.container).includes(container)) this.wire(container, a.sidecar);
    }
  }

  /** Containers that start after `sidecarContainer`: all app containers, and the regular init containers after it. */
  private consumersOf(sidecarContainer: kplus.Container): kplus.Container[] {
    const inits = this.pod.initContainers;
    const after = inits.slice(inits.indexOf(sidecarContainer) + 1).filter(c => !isSidecarContainer(c));
    return [...after, ...this.pod.containers];
  }

  private wire(consumer: kplus.Container, sidecar: AttachableSidecar): void {
    const where = this.where;
    const env = sidecar.appEnv;
    const mounts = sidecar.appVolumeMounts;
    if (Object.keys(env).length === 0 && mounts.length === 0) return;
    const existing = consumer.env.variables;
    const envSetBy = this.envSetBy ??= new Map();
    let setBy = envSetBy.get(consumer);
    if (!setBy) envSetBy.set(consumer, setBy = new Map());
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
    for (const m of mounts) {
      if (consumer.mounts.some(x => x.path === m.path && x.volume === m.volume)) continue;
      consumer.mount(m.path, m.volume, { readOnly: m.readOnly, subPath: m.subPath, subPathExpr: m.subPathExpr, propagation: m.propagation });
    }
    const wiredBy = this.wired ??= new Map();
    let wired = wiredBy.get(consumer);
    if (!wired) wiredBy.set(consumer, wired = new Set());
    wired.add(sidecar);
  }

  /**
   * `validate()`, repeated only when something it reads may have changed. cdk8s validates the whole app once per
   * synthesis and again each time it renders a chart (cdk8s `App.synth` and `App._synthChart`, lib/app.ts), so an app
   * of K charts would run the checks 1 + K times. What they read that can still change after the workload is made:
   * its containers (`addContainer`, `addInitContainer`, sidecars, wiring), and each container's ports, mounts and
   * environment (`addPort`, `mount`, `env.addVariable`, `env.copyFrom`). cdk8s-plus can only add to these, never
   * remove, so their total count grows with every change; every other field the checks read (image, probes,
   * resources, security context, the workload's grace period, service account and namespace) is readonly.
   */
  private validateOnce(): SidecarsError[] {
    const pod = this.pod;
    let size = this.attached.length;
    for (const set of this.wired?.values() ?? []) size += set.size;
    for (const list of [pod.initContainers, pod.containers]) {
      for (const c of list) size += 1 + c.ports.length + c.mounts.length + Object.keys(c.env.variables).length + c.env.sources.length;
    }
    if (size !== this.validatedSize) {
      const errors = this.validate();
      this.validatedErrors = errors.length ? errors : NO_ERRORS;
      this.validatedSize = size;
    }
    return this.validatedErrors;
  }

  /** Rules that need the whole pod: run by cdk8s before synthesis (`node.addValidation`), through `validateOnce`. */
  private validate(): SidecarsError[] {
    const pod = this.pod;
    const where = this.where;
    const errors: SidecarsError[] = [];
    const limit = this.settings?.nameLimit;
    if (limit && typeof pod.name === 'string' && pod.name.length > limit.max) {
      errors.push(constructError(where, limit.kind,
        `the resource name '${pod.name}' has ${pod.name.length} characters, more than the ${limit.max} Kubernetes allows for a ${limit.kind}`,
        'Set a shorter \'metadata.name\' or use shorter construct ids'));
    } else if (typeof pod.name === 'string' && (limit || !DNS_SUBDOMAIN.test(pod.name))) {
      const problem = limit ? dnsLabelProblem(pod.name, limit.max) : undefined;
      if (problem || !DNS_SUBDOMAIN.test(pod.name)) {
        errors.push(propError(where, limit?.kind ?? pod.constructor.name, 'metadata.name', problem ?? 'must be a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\')', pod.name,
          'Set a valid \'metadata.name\' or use construct ids of lower-case letters, digits and \'-\''));
      }
    }
    if (pod.containers.length === 0) {
      errors.push(propError(where, limit?.kind ?? pod.constructor.name, 'containers', 'must have at least one app container (a pod with only sidecars has nothing to run)', [],
        "Pass containers: [{ name: 'app', image: '...' }] or call addContainer()"));
    }

    // container names: unique across init and app containers, DNS-1123 labels; every container field
    const ours = new Map(this.attached.map(a => [a.container, a.sidecar]));
    // each container's probes rendered once, for the field checks and the look before linting
    const probes = new Map<kplus.Container, Array<[string, RenderedProbe]>>();
    const seen = new Set<string>();
    const containers = [...pod.initContainers, ...pod.containers];
    for (const c of containers) {
      const owner = ours.get(c);
      const rendered = probesOf(c);
      probes.set(c, rendered);
      errors.push(...containerErrors(where, owner ? `Sidecar '${owner.name}'` : `container '${c.name}'`, c, rendered));
      if (seen.has(c.name)) {
        errors.push(constructError(where, `container '${c.name}'`, 'the name is used by more than one container of this pod (sidecars, init containers and app containers share one namespace of names)', 'Rename one of them'));
      }
      seen.add(c.name);
      const problem = dnsLabelProblem(c.name);
      if (problem) errors.push(propError(where, `container '${c.name}'`, 'name', problem, c.name, 'Rename the container'));
    }

    // checks a typed sidecar makes against the whole pod (e.g. a proxy's SIGTERM delays vs the grace period); first,
    // because they name the sidecar's own prop
    const namesOk = errors.length === 0;
    this.attached.forEach((a, k) => errors.push(...a.sidecar._checkWorkload(pod, a.container, this.attached.slice(0, k).map(x => x.sidecar))));

    // the linter's pod rules on the rendered pod (port clashes, probes on undeclared named ports)
    if (namesOk) errors.push(...this.lintErrors(containers, probes));

    // app wiring reached every container that starts after each sidecar
    if (!this.settings) {
      for (const a of this.attached) {
        if (Object.keys(a.sidecar.appEnv).length === 0 && a.sidecar.appVolumeMounts.length === 0) continue;
        for (const consumer of this.consumersOf(a.container)) {
          if (!this.wired?.get(consumer)?.has(a.sidecar)) {
            errors.push(constructError(where, `Sidecar '${a.sidecar.name}'`,
              `container '${consumer.name}' was added after the sidecar, so it did not get the sidecar's app environment (${Object.keys(a.sidecar.appEnv).join(', ') || 'volume mounts'})`,
              'Add app containers before calling sidecar.attachTo(workload), or use SidecarJob/SidecarCronJob, which wire containers added later'));
          }
        }
      }
    }
    return errors;
  }

  /**
   * A cheap look at the containers (rendering and linting every workload would double synthesis time): the pod rules
   * can only fire when a port number or hostPort is declared twice in the pod, or a probe targets a port by name. It
   * never decides a verdict: when it says yes, the linter does.
   */
  private mayBreakPodRules(containers: readonly kplus.Container[], probes: Map<kplus.Container, Array<[string, RenderedProbe]>>): boolean {
    // only reached when every port and hostPort passed the container checks (whole numbers), so numbers are keys
    const ports = new Set<number>();
    const hostPorts = new Set<number>();
    for (const c of containers) {
      for (const p of c.ports) {
        if (ports.has(p.number)) return true;
        ports.add(p.number);
        if (p.hostPort !== undefined) {
          if (hostPorts.has(p.hostPort)) return true;
          hostPorts.add(p.hostPort);
        }
      }
    }
    return containers.some(c => (probes.get(c) ?? probesOf(c)).some(([, p]) => typeof (p.httpGet?.port ?? p.tcpSocket?.port) === 'string'));
  }

  /** Render the workload and run the linter's `POD_RULES` on it; their error findings, as construct errors. */
  private lintErrors(containers: readonly kplus.Container[], probes: Map<kplus.Container, Array<[string, RenderedProbe]>>): SidecarsError[] {
    if (!this.mayBreakPodRules(containers, probes)) return [];
    const pod = this.pod;
    const where = this.where;
    const manifest = ApiObject.of(pod).toJson();
    const findings = Linter.lintManifests([manifest])
      .filter(f => f.severity === Severity.ERROR && POD_RULES.includes(f.rule));
    return findings.map(f => findingError(where, manifest, f));
  }
}

/** A lint finding on our rendered pod as a construct error: the container, the field, the value there, the fix. */
function findingError(where: string, manifest: unknown, f: Finding): SidecarsError {
  const field = /\.(ports|startupProbe|livenessProbe|readinessProbe)\b/.exec(f.path)?.[1];
  const prop = field === undefined ? f.path : field === 'ports' ? 'ports' : field.replace('Probe', '');
  return new SidecarsError({
    path: where,
    subject: f.container ? `container '${f.container}'` : f.kind,
    prop,
    problem: `breaks the lint rule ${f.rule} (${f.message})`,
    value: valueAt(manifest, f.path),
    fix: `${f.fix.charAt(0).toUpperCase()}${f.fix.slice(1)} (${Linter.rule(f.rule)?.docsUrl ?? f.rule})`,
  });
}

/** The value at a finding path such as `spec.template.spec.containers[1].ports[0]`, or undefined. */
function valueAt(root: unknown, path: string): unknown {
  let cur: any = root;
  for (const part of path.split(/\.|(?=\[)/)) {
    if (cur === undefined || cur === null) return undefined;
    const index = /^\[(\d+)\]$/.exec(part);
    cur = index ? cur[Number(index[1])] : cur[part];
  }
  return cur;
}
