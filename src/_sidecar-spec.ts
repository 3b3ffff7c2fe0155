/**
 * What the attach logic (`_workload-sidecars.ts`) needs from a sidecar, as a type of its own, so that it need not
 * import `sidecar.ts` (which uses the attach logic): `Sidecar` and the proxy sidecars have exactly these members.
 */
import * as kplus from 'cdk8s-plus-28';
import { SidecarsError } from './_errors';

/** The resolved container of a sidecar: its props as cdk8s-plus takes them, plus the ports it declares. */
export interface SidecarContainerSpec {
  readonly containerProps: kplus.ContainerProps;
  readonly portNumbers: number[];
}

/** A sidecar as the attach logic sees it. */
export interface AttachableSidecar {
  /** Name of the sidecar container. */
  readonly name: string;
  /** Environment variables it adds to the containers that start after it. */
  readonly appEnv: { [name: string]: kplus.EnvValue };
  /** Volume mounts it adds to the containers that start after it. */
  readonly appVolumeMounts: kplus.VolumeMount[];
  /** Check the props and resolve the container (throws with the workload's path). */
  _toContainerSpec(where: string): SidecarContainerSpec;
  /** Checks against the whole pod, before synthesis. */
  _checkWorkload(workload: kplus.AbstractPod, container: kplus.Container, earlier: readonly AttachableSidecar[]): SidecarsError[];
}
