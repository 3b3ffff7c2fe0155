/**
 * Checks and defaults for the regular (non-sidecar) containers of `SidecarJob`/`SidecarCronJob`, shared by both so
 * their methods stay one-liners.
 */
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { constructError, dnsLabelProblem, INT32_MAX, propError, SidecarsError, wholeSeconds } from './_errors';
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

/** A whole number within the API server's int32 range, at least `min`. */
function checkCount(where: string, subject: string, prop: string, value: unknown, min: number): void {
  if (value !== undefined && !(typeof value === 'number' && Number.isInteger(value) && value >= min && value <= INT32_MAX)) {
    throw propError(where, subject, prop, `must be a whole number from ${min} to ${INT32_MAX}`, value, `Use e.g. ${Math.max(min, 1)}`);
  }
}

/** The Job fields of `SidecarJob` (and of each run of `SidecarCronJob`) that cdk8s-plus passes through unchecked. */
export function checkJobProps(where: string, subject: string, props: kplus.JobProps | undefined): void {
  if (!props) return;
  checkJobRestartPolicy(where, subject, props.restartPolicy);
  checkActiveDeadline(where, subject, props.activeDeadline);
  checkCount(where, subject, 'backoffLimit', props.backoffLimit, 0);
  if (props.ttlAfterFinished !== undefined && wholeSeconds(where, subject, 'ttlAfterFinished', props.ttlAfterFinished, 0) > INT32_MAX) {
    throw propError(where, subject, 'ttlAfterFinished', `must be at most ${INT32_MAX} seconds (a 32-bit integer in the API)`, props.ttlAfterFinished, 'Use a shorter duration');
  }
  if (props.terminationGracePeriod !== undefined) wholeSeconds(where, subject, 'terminationGracePeriod', props.terminationGracePeriod, 0);
  const sc = props.securityContext;
  for (const [prop, v] of [['securityContext.user', sc?.user], ['securityContext.group', sc?.group], ['securityContext.fsGroup', sc?.fsGroup]] as const) {
    if (v !== undefined && !(Number.isInteger(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER)) throw propError(where, subject, prop, 'must be a whole number of at least 0', v, 'Use e.g. 65532');
  }
}

const CRON_FIELDS: ReadonlyArray<readonly [string, number, number]> = [['minute', 0, 59], ['hour', 0, 23], ['day', 1, 31], ['month', 1, 12], ['weekDay', 0, 7]];

/**
 * The CronJob fields of `SidecarCronJob` that cdk8s-plus passes through or rejects with a message of its own
 * (kubernetes/kubernetes pkg/apis/batch/validation `validateCronJobSpec`; the schedule is parsed by robfig/cron).
 */
export function checkCronJobProps(where: string, subject: string, props: kplus.CronJobProps | undefined): void {
  if (!props) return;
  checkJobProps(where, subject, props);
  const expr = props.schedule?.expressionString;
  const fields = typeof expr === 'string' ? expr.trim().split(/\s+/) : [];
  if (typeof expr === 'string' && !expr.startsWith('@')) {
    if (fields.length !== 5) throw propError(where, subject, 'schedule', 'must have five fields: minute hour day month weekday', expr, 'Use Cron.schedule({ minute: \'0\', hour: \'3\' }) or Cron.daily()');
    fields.forEach((field, k) => {
      const [name, min, max] = CRON_FIELDS[k];
      // '*' (the common case) is valid in every field: skip the parse
      const ok = field === '*' || field.split(',').every(part => {
        const [range, step] = part.split('/');
        if (step !== undefined && !/^[1-9]\d*$/.test(step)) return false;
        if (range === '*' || range === '?') return true;
        const bounds = range.split('-');
        return bounds.length <= 2 && bounds.every(b => /^\d+$/.test(b) && Number(b) >= min && Number(b) <= max);
      });
      if (!ok) {
        throw propError(where, subject, `schedule.${name}`, `must be '*', a number from ${min} to ${max}, a range, a list or a step`, field,
          `Fix the ${name} field of Cron.schedule(), e.g. ${name}: '${min}'`);
      }
    });
  }
  checkTimeZone(where, subject, props.timeZone);
  if (props.startingDeadline !== undefined) wholeSeconds(where, subject, 'startingDeadline', props.startingDeadline, 10);
  checkCount(where, subject, 'successfulJobsRetained', props.successfulJobsRetained, 0);
  checkCount(where, subject, 'failedJobsRetained', props.failedJobsRetained, 0);
  if (props.ttlAfterFinished !== undefined && (props.successfulJobsRetained !== undefined || props.failedJobsRetained !== undefined)) {
    throw propError(where, subject, 'ttlAfterFinished', "cannot be combined with 'successfulJobsRetained' or 'failedJobsRetained' (cdk8s-plus: the TTL would delete the Jobs the CronJob keeps)", props.ttlAfterFinished,
      'Keep finished Jobs with the retained counts, or delete them after a time with ttlAfterFinished, not both');
  }
}

/**
 * An error cdk8s or cdk8s-plus raised while building the workload, in our shape (path, what failed, how to fix).
 * @param where construct path
 * @param subject the construct
 * @param e what was thrown
 */
export function wrapBuildError(where: string, subject: string, e: unknown): Error {
  if (e instanceof SidecarsError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return constructError(where, subject, `cdk8s-plus rejected the props: ${message.replace(/\.$/, '')}`, 'Fix the prop it names (see the cdk8s-plus API reference)');
}

/** Check a user-given `activeDeadline` is whole seconds. */
export function checkActiveDeadline(where: string, subject: string, d: Duration | undefined): void {
  if (d !== undefined) wholeSeconds(where, subject, 'activeDeadline', d, 1);
}

/** Time zones `Intl` already accepted in this process (building a `DateTimeFormat` per CronJob is slow). */
const KNOWN_TIME_ZONES = new Set<string>();

/**
 * A CronJob `timeZone` the API server accepts: an IANA time zone name, not `Local` (kubernetes/kubernetes
 * pkg/apis/batch/validation `validateTimeZone`, which loads it with Go's `time.LoadLocation`).
 */
export function checkTimeZone(where: string, subject: string, timeZone: unknown): void {
  if (timeZone === undefined) return;
  let known = typeof timeZone === 'string' && timeZone.trim() === timeZone && timeZone !== '' && timeZone.toLowerCase() !== 'local'
    && /^[A-Za-z0-9_+\-/]+$/.test(timeZone);
  if (known && !KNOWN_TIME_ZONES.has(timeZone as string)) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: timeZone as string });
      KNOWN_TIME_ZONES.add(timeZone as string);
    } catch {
      known = false;
    }
  }
  if (!known) {
    throw propError(where, subject, 'timeZone', 'must be an IANA time zone name such as \'Europe/Berlin\' (the API server rejects \'Local\' and unknown zones)', timeZone,
      "Use e.g. 'Etc/UTC' (the default) or 'Europe/Berlin'");
  }
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
