/**
 * The one file that touches cdk8s-plus internals. cdk8s-plus has no public way to put an init container at a given
 * position, to add a native sidecar past a subclass's `addInitContainer` override, or to change a workload's spec
 * after cdk8s-plus rendered it, so this adapter does it through the members listed below; test/kplus-adapter.test.ts
 * checks each of them against every installed cdk8s-plus line (28, 33, 34) and fails loudly if a release changes one.
 *
 * Relied on (cdk8s-plus `src/pod.ts` `AbstractPod`, `src/job.ts` `Job`, `src/cron-job.ts` `CronJob`):
 * - `AbstractPod#_initContainers`: the array `initContainers` copies, in pod order;
 * - `AbstractPod.prototype.addInitContainer`: creates the `Container` and appends it to `_initContainers`;
 * - `Job#_toKube()` / `CronJob#_toKube()`: called through `this` by the `Lazy` spec of the workload's `apiObject`;
 * - `Container#_startup`, `#_liveness`, `#_readiness` (the probes, no public getter) and `Probe#_toKube(container)`.
 *
 * Keep every import a plain `'cdk8s-plus-28'`: the per-line packages are built by rewriting that module name.
 */
import * as kplus from 'cdk8s-plus-28';

/**
 * The workload's own array of init containers (not a copy), to reorder it.
 * @param pod any cdk8s-plus pod-owning construct
 */
export function initContainersOf(pod: kplus.AbstractPod): kplus.Container[] {
  const arr = (pod as unknown as { _initContainers?: unknown })._initContainers;
  if (!Array.isArray(arr)) {
    throw new Error('cdk8s-sidecars: this cdk8s-plus release stores init containers in an unknown way (AbstractPod#_initContainers is not an array); please report it with your cdk8s-plus version');
  }
  return arr;
}

/**
 * Add an init container with cdk8s-plus's own `AbstractPod.addInitContainer`, past any subclass override (our
 * workloads override it to reject `restartPolicy`, which a native sidecar needs).
 * @param pod any cdk8s-plus pod-owning construct
 * @param props the container
 * @returns the new container, last in `initContainersOf(pod)`
 */
export function addInitContainerUnchecked(pod: kplus.AbstractPod, props: kplus.ContainerProps): kplus.Container {
  return kplus.AbstractPod.prototype.addInitContainer.call(pod, props) as kplus.Container;
}

/** A Job or CronJob class (or a subclass). */
export type SpecOwnerClass = typeof kplus.Job | typeof kplus.CronJob;

/**
 * Change what every instance of a Job or CronJob subclass renders as its `spec`, at synthesis time: `patch` gets the
 * spec cdk8s-plus made and the instance, and returns the spec to emit. Installed once per class, on its prototype.
 * @param cls the subclass (its own prototype gets the override)
 * @param patch the change
 */
export function patchSpec<T extends object, S>(cls: SpecOwnerClass, patch: (spec: S, self: T) => S): void {
  const base = Object.getPrototypeOf(cls.prototype) as { _toKube?: () => S };
  const render = base._toKube;
  if (typeof render !== 'function') {
    throw new Error('cdk8s-sidecars: this cdk8s-plus release renders Job/CronJob specs in an unknown way (no _toKube); please report it with your cdk8s-plus version');
  }
  Object.defineProperty(cls.prototype, '_toKube', {
    value: function (this: T): S { return patch(render.call(this), this); },
    configurable: true,
    enumerable: false,
    writable: true,
  });
}

/** The private fields cdk8s-plus keeps a container's probes in, and the prop names users know. */
const PROBE_FIELDS = [['_startup', 'startup'], ['_liveness', 'liveness'], ['_readiness', 'readiness']] as const;

/** A probe as rendered, with ports as plain numbers or names. */
export interface RenderedProbe {
  readonly periodSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly failureThreshold?: number;
  readonly successThreshold?: number;
  readonly initialDelaySeconds?: number;
  readonly exec?: { readonly command?: string[] };
  readonly httpGet?: { readonly port?: number | string };
  readonly tcpSocket?: { readonly port?: number | string };
  readonly grpc?: { readonly port?: number };
}

/**
 * A container's probes, rendered (`startup`, `liveness`, `readiness`: the prop names of `ContainerProps`).
 * @param container a cdk8s-plus container
 */
export function probesOf(container: kplus.Container): Array<['startup' | 'liveness' | 'readiness', RenderedProbe]> {
  const out: Array<['startup' | 'liveness' | 'readiness', RenderedProbe]> = [];
  for (const [field, prop] of PROBE_FIELDS) {
    const probe = (container as unknown as { [f: string]: { _toKube?: (c: kplus.Container) => any } | undefined })[field];
    if (probe === undefined) continue;
    if (typeof probe._toKube !== 'function') {
      throw new Error(`cdk8s-sidecars: this cdk8s-plus release keeps probes in an unknown way (Container#${field} has no _toKube); please report it with your cdk8s-plus version`);
    }
    const kube = probe._toKube(container);
    out.push([prop, { ...kube, httpGet: plainPort(kube.httpGet), tcpSocket: plainPort(kube.tcpSocket), grpc: kube.grpc }]);
  }
  return out;
}

/** A rendered handler with its port as a plain number or name (cdk8s-plus renders an `IntOrString`). */
function plainPort(h: any): any {
  return h && { ...h, port: h.port !== null && typeof h.port === 'object' ? h.port.value : h.port };
}
