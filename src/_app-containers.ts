/**
 * Checks and defaults for the regular (non-sidecar) containers of `SidecarJob`/`SidecarCronJob`, shared by both so
 * their methods stay one-liners.
 */
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { dnsLabelProblem, propError, wholeSeconds } from './_errors';
import { withContainerDefaults } from './_pod-defaults';
import { NameLimit, WorkloadSidecars } from './_workload-sidecars';
import { Sidecar } from './sidecar';
import { SidecarWorkloadOptions } from './sidecar-workload-options';

/** The construct path a child will get, for errors thrown before `super()`. */
export function childPath(scope: Construct, id: string): string {
  return scope.node.path ? `${scope.node.path}/${id}` : id;
}

function checkName(where: string, subject: string, props: kplus.ContainerProps): void {
  if (props.name === undefined) return;
  const problem = dnsLabelProblem(props.name);
  if (problem) throw propError(where, subject, 'name', problem, props.name, 'Use a short lower-case name such as \'app\'');
}

/** An app container must not carry sidecar-only settings. */
export function checkAppContainer(where: string, props: kplus.ContainerProps): void {
  const subject = `container '${props?.name ?? '(unnamed)'}'`;
  checkName(where, subject, props);
  if (props.restartPolicy !== undefined) {
    throw propError(where, subject, 'restartPolicy', 'is only allowed on init containers (the API server rejects it on app containers)', props.restartPolicy,
      'To run a helper next to the app, declare it as a sidecar: sidecars: [new Sidecar({ ... })]');
  }
}

/** A regular init container must exit: no sidecar-only settings, no served ports. */
export function checkRegularInitContainer(where: string, props: kplus.ContainerProps): void {
  const subject = `init container '${props?.name ?? '(unnamed)'}'`;
  checkName(where, subject, props);
  if (props.restartPolicy !== undefined) {
    throw propError(where, subject, 'restartPolicy', 'makes it a native sidecar, which must be declared as a Sidecar here so that it gets a startup gate', props.restartPolicy,
      'Use sidecars: [new Sidecar({ name, image, portNumber })] (or addSidecar()) instead of an init container with restartPolicy');
  }
  for (const prop of ['startup', 'liveness', 'readiness', 'lifecycle'] as const) {
    if (props[prop] !== undefined) {
      throw propError(where, subject, prop, 'may not be set on an init container without restartPolicy: Always (the API server rejects it)',
        prop === 'lifecycle' ? 'a lifecycle hook' : `a ${prop} probe`,
        'Remove it, or if this helper keeps running next to the app, declare it as a Sidecar');
    }
  }
  const ports = [
    ...(props.portNumber !== undefined ? [props.portNumber] : []),
    ...(props.port !== undefined ? [props.port] : []),
    ...(props.ports ?? []).map(p => p.number),
  ];
  if (ports.length > 0) {
    throw propError(where, subject, 'ports', 'are declared on a plain init container: it must exit before the next container starts, so one that serves keeps the pod in \'Init:0/N\' forever', ports,
      'Declare the serving helper as a Sidecar (sidecars: [new Sidecar({ ... })]); keep init containers for run-to-completion steps');
  }
}

/** The Job's pod restart policy: a Job pod must be `Never` or `OnFailure`. */
export function checkJobRestartPolicy(where: string, subject: string, policy: kplus.RestartPolicy | undefined): void {
  if (policy === kplus.RestartPolicy.ALWAYS) {
    throw propError(where, subject, 'restartPolicy', 'must be Never or OnFailure for a Job pod (the API server rejects Always)', policy,
      'Use RestartPolicy.NEVER (default) or RestartPolicy.ON_FAILURE');
  }
}

/** Check a user-given `activeDeadline` is whole seconds. */
export function checkActiveDeadline(where: string, subject: string, d: Duration | undefined): void {
  if (d !== undefined) wholeSeconds(where, subject, 'activeDeadline', d, 1);
}

/** What SidecarJob/SidecarCronJob do after `super()`: record settings, then add sidecars and early init containers. */
type SidecarWorkload = kplus.AbstractPod & {
  addSidecar(s: Sidecar): kplus.Container;
  addInitContainerBeforeSidecars(c: kplus.ContainerProps): kplus.Container;
};

export function setUpSidecarWorkload(pod: SidecarWorkload,
  options: SidecarWorkloadOptions): void {
  for (const s of options.sidecars ?? []) pod.addSidecar(s);
  for (const c of options.initContainersBeforeSidecars ?? []) pod.addInitContainerBeforeSidecars(c);
}

/** Record the target version and the name limit of the workload's kind (checked with the sidecar checks, once). */
export function settingsFrom(pod: kplus.AbstractPod, options: SidecarWorkloadOptions, nameLimit: NameLimit): WorkloadSidecars {
  const sidecars = WorkloadSidecars.of(pod);
  sidecars.configure({ version: options.kubernetesVersion, featureGate: options.sidecarContainersFeatureGate, nameLimit });
  return sidecars;
}

/**
 * Implementation of `addSidecar` of our workloads.
 * @param pod the workload
 * @param sidecar what the user passed
 */
export function addSidecarTo(pod: kplus.AbstractPod, sidecar: Sidecar): kplus.Container {
  if (!(sidecar instanceof Sidecar)) {
    throw propError(pod.node.path, 'addSidecar', 'sidecar', 'must be a Sidecar', sidecar, 'Pass new Sidecar({ name, image, ... }) or a typed sidecar such as CloudSqlProxySidecar');
  }
  return WorkloadSidecars.of(pod).attach(sidecar);
}

/** Implementation of `addContainer` for our workloads (called from the subclass with cdk8s-plus's own method). */
export function addAppContainer(pod: kplus.AbstractPod, props: kplus.ContainerProps,
  base: (p: kplus.ContainerProps) => kplus.Container): kplus.Container {
  checkAppContainer(pod.node.path, props);
  const c = base(withContainerDefaults(props));
  WorkloadSidecars.of(pod).wireLaterContainer(c);
  return c;
}

/** Implementation of `addInitContainer` (after the sidecars) and `addInitContainerBeforeSidecars`. */
export function addRegularInitContainer(pod: kplus.AbstractPod, props: kplus.ContainerProps, base: (p: kplus.ContainerProps) => kplus.Container,
  beforeSidecars: boolean): kplus.Container {
  checkRegularInitContainer(pod.node.path, props);
  const c = base(withContainerDefaults(props));
  if (beforeSidecars) WorkloadSidecars.of(pod).pinBeforeSidecars(c);
  else WorkloadSidecars.of(pod).wireLaterContainer(c);
  return c;
}

/** Default `activeDeadline` of SidecarJob/SidecarCronJob pods that have sidecars. */
export const DEFAULT_ACTIVE_DEADLINE = Duration.hours(1);
