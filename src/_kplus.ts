/**
 * The one file that touches cdk8s-plus internals. cdk8s-plus has no public way to put an init container at a given
 * position, to add a native sidecar past a subclass's `addInitContainer` override, or to change a workload's spec
 * after cdk8s-plus rendered it, so this adapter does it through the members listed below; test/kplus-adapter.test.ts
 * checks each of them against every installed cdk8s-plus line (28, 33, 34) and fails loudly if a release changes one.
 *
 * Relied on (cdk8s-plus `src/pod.ts` `AbstractPod`, `src/job.ts` `Job`, `src/cron-job.ts` `CronJob`):
 * - `AbstractPod#_initContainers`: the array `initContainers` copies, in pod order;
 * - `AbstractPod.prototype.addInitContainer`: creates the `Container` and appends it to `_initContainers`;
 * - `Job#_toKube()` / `CronJob#_toKube()`: called through `this` by the `Lazy` spec of the workload's `apiObject`.
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

/** The workloads whose rendered spec `patchSpec` can change. */
export type SpecOwner = kplus.Job | kplus.CronJob;

/**
 * Change what a Job or CronJob renders as its `spec`, at synthesis time: `patch` gets the spec cdk8s-plus made and
 * returns the one to emit.
 * @param workload the Job or CronJob
 * @param patch the change, applied every time the spec is rendered
 */
export function patchSpec<S>(workload: SpecOwner, patch: (spec: S) => S): void {
  const render = (Object.getPrototypeOf(workload) as { _toKube?: () => S })._toKube;
  if (typeof render !== 'function') {
    throw new Error('cdk8s-sidecars: this cdk8s-plus release renders Job/CronJob specs in an unknown way (no _toKube); please report it with your cdk8s-plus version');
  }
  Object.defineProperty(workload, '_toKube', {
    value: function (this: SpecOwner): S { return patch(render.call(this)); },
    configurable: true,
    enumerable: false,
    writable: true,
  });
}
