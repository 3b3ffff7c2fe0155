import * as kplus from 'cdk8s-plus-28';
import { KubernetesVersion } from './kubernetes-version';
import { MeshSidecar } from './mesh';
import { Sidecar } from './sidecar';

/** What `SidecarJob` and `SidecarCronJob` add to cdk8s-plus's `JobProps`/`CronJobProps`. */
export interface SidecarWorkloadOptions {
  /**
   * Native sidecars of the pod, in start order: each starts after the previous one passed its startup gate, all
   * before the regular init containers and the app. In a Job they are stopped after the app exits, in reverse order.
   *
   * @default - none; add them later with `addSidecar()`
   */
  readonly sidecars?: Sidecar[];

  /**
   * Regular init containers that must run *before* the sidecars start (e.g. one that writes the sidecar's config
   * file). Init containers in `initContainers` run after the sidecars, so they can use them (e.g. a database
   * migration through a proxy sidecar).
   *
   * @default - none
   */
  readonly initContainersBeforeSidecars?: kplus.ContainerProps[];

  /**
   * The Kubernetes release the manifests are for. Native sidecars need 1.29+ (or 1.28 with the
   * `SidecarContainers` feature gate).
   *
   * @default - the context key `cdk8s-sidecars/kubernetes-version`, else KubernetesVersion.V1_29
   */
  readonly kubernetesVersion?: KubernetesVersion;

  /**
   * Whether the `SidecarContainers` feature gate is on in the target cluster. Only matters for Kubernetes 1.28,
   * where native sidecars are alpha and off by default.
   *
   * @default - the context key `cdk8s-sidecars/sidecar-containers-feature-gate`, else false
   */
  readonly sidecarContainersFeatureGate?: boolean;

  /**
   * Have the service mesh that injects its proxy into this Job's pods inject it as a native sidecar, so the Job
   * completes: `MeshSidecar.istio()` (Istio 1.24+) or `MeshSidecar.linkerd()` (Linkerd 2.15+), with
   * `{ inject: true }` to also request injection on the pod. Needs a target Kubernetes version that runs native
   * sidecars (1.29+, or 1.28 with the feature gate).
   *
   * @default - no mesh metadata: an injected proxy follows the mesh's own default (native from Istio 1.27 and
   * Linkerd 2.20; a regular container that keeps the Job running before)
   */
  readonly meshSidecar?: MeshSidecar;
}
