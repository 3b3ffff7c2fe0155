/**
 * The prose of a simulation: the plan printed before the rows, and the notes that explain admission problems, known
 * bugs, deadlines, deletions and why a pod is stuck. Pure functions of the pod and the facts the engine hands over;
 * the engine decides, this file only words.
 *
 * Sources quoted in the texts: https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/,
 * https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/, kubernetes/kubernetes
 * `pkg/apis/core/validation/validation.go` `validateInitContainers` and `pkg/apis/batch/validation/validation.go`
 * (a Job's pod template takes restartPolicy Never or OnFailure only).
 */
import { knownBugHits } from '../_known-bug-triggers';
import { formatMinorVersion, MinorVersion, ORDERED_SIDECAR_TERMINATION_MINOR, unsupportedSidecarConsequence } from '../_version-facts';
import { BackOffPolicy } from './_backoff';
import { PodContainers } from './_container';
import { formatSeconds } from './_print';

/** What the explanations read about the pod. */
export interface PodForExplain extends PodContainers {
  readonly ordered: boolean;
  /** terminationGracePeriodSeconds */
  readonly tgps: number;
  readonly isJob: boolean;
  readonly spec: any;
  readonly jobSpec?: any;
  /** The node's restart back-off. */
  readonly policy: BackOffPolicy;
}

/** `at once, then 10s, 20s, … 5m` */
export function backOffSequence(policy: BackOffPolicy): string {
  const steps: string[] = [];
  for (let d = policy.initial; d < policy.max && steps.length < 3; d *= 2) steps.push(formatSeconds(d));
  return `the first restart at once, then after ${steps.join(', ')}${steps.length > 0 ? ', … ' : ''}${formatSeconds(policy.max)}`;
}

/** Who deleted the pod, when, with which grace period. */
export interface Deletion {
  readonly at: number;
  readonly grace: number;
  readonly by: 'user' | 'job-deadline';
}

/** A Job's pod template with restartPolicy other than Never/OnFailure. */
export function jobRestartPolicyNote(rp: unknown): string {
  return `the Job's pod template has restartPolicy ${rp === undefined ? 'unset (Always)' : `'${rp}'`}: the API server only accepts Never or OnFailure for Jobs; simulated as Always`;
}

/**
 * An init container that is not a native sidecar on the target: the API server rejects it when it has probes or
 * lifecycle hooks (`validateInitContainers`: they "may not be set for init containers without restartPolicy=Always").
 * @param name the init container
 * @param wantsSidecar it has `restartPolicy: Always` (dropped on this version)
 * @param hasExtras it has probes or lifecycle hooks
 * @param version the target version
 * @returns the note, or undefined when there is nothing to say
 */
export function initContainerNote(name: string, wantsSidecar: boolean, hasExtras: boolean, version: MinorVersion): string | undefined {
  if (hasExtras) {
    return wantsSidecar
      ? `init container '${name}': ${unsupportedSidecarConsequence(version)}. With its probes/lifecycle hooks the API server rejects this pod (and a Job or CronJob) on Kubernetes ${formatMinorVersion(version)}; the simulation shows what would happen if the probes were removed`
      : `init container '${name}' is a plain init container with probes or lifecycle hooks: the API server rejects this ("may not be set for init containers without restartPolicy=Always"); simulated without them`;
  }
  return wantsSidecar ? `init container '${name}': ${unsupportedSidecarConsequence(version)}` : undefined;
}

/** One note per known kubelet bug the pod meets on the target version (`knownBugHits`, shared with the linter). */
export function knownBugNotes(spec: any, version: MinorVersion, sidecarsWork: boolean): string[] {
  return knownBugHits(spec, version, sidecarsWork).map(({ bug, status }) => {
    const which = status === 'early-patches' ? 'early patch releases of' : 'every release of';
    return `known bug ${bug.id} (${bug.url}) affects ${which} ${formatMinorVersion(version)}: ${bug.summary}; the simulation shows the fixed behaviour`;
  });
}

/** The pod's own activeDeadlineSeconds passed at `t`. */
export function podDeadlineNote(t: number, deadline: number, isJob: boolean): string {
  return `at ${formatSeconds(t)} the pod's own activeDeadlineSeconds (${formatSeconds(deadline)}) passed: the kubelet failed the pod `
    + '(phase Failed, status.reason DeadlineExceeded, STATUS DeadlineExceeded) and stopped its containers; the pod object stays'
    + (isJob ? '. For the Job this is one failed pod (counted against backoffLimit; retries are not simulated), unlike the Job\'s own activeDeadlineSeconds, which fails the whole Job and deletes its pods' : '');
}

/** Who deleted the pod and why. */
export function deletionCause(d: Deletion): string {
  return d.by === 'job-deadline'
    ? `the Job controller deleted the pod: the Job failed with reason DeadlineExceeded (the Job's activeDeadlineSeconds passed at ${formatSeconds(d.at)}; grace period ${formatSeconds(d.grace)})`
    : `the pod was deleted at ${formatSeconds(d.at)} (kubectl delete pod, grace period ${formatSeconds(d.grace)})`;
}

/**
 * A deleted pod whose containers have all stopped at `t`.
 * @param failedByKubelet the pod had failed before (activeDeadlineSeconds)
 * @param finalizers the pod's finalizers (keep the object)
 */
export function deletedPodStoppedNote(d: Deletion, t: number, phase: string, failedByKubelet: boolean, finalizers: readonly string[]): string {
  const status = failedByKubelet
    ? 'the pod had already failed (DeadlineExceeded), so STATUS did not change to Terminating'
    : 'STATUS was Terminating while its containers stopped';
  const stopped = `by ${formatSeconds(t)} every container had stopped and the kubelet recorded phase ${phase}`;
  if (finalizers.length > 0) {
    return `${deletionCause(d)}; ${status}; ${stopped}, but the pod's finalizers (${finalizers.join(', ')}) keep the object until a controller removes them, so STATUS shows the terminal pod's own status again`;
  }
  return `${deletionCause(d)}; ${status}; ${stopped}, and the pod object was removed`;
}

/** The pod was deleted at `t`, after it had finished. */
export function finishedPodDeletedNote(t: number, phase: string, finalizers: readonly string[]): string {
  const done = `the pod was deleted at ${formatSeconds(t)}, after it had finished (phase ${phase}): it had no container left to stop`;
  return finalizers.length > 0
    ? `${done}, but its finalizers (${finalizers.join(', ')}) keep the object until a controller removes them; STATUS does not change (a terminal pod is not shown Terminating)`
    : `${done}, so the pod object was removed at once`;
}

/** The plan: what will happen, container by container, before the rows. */
export function buildPlan(pod: PodForExplain): string[] {
  const plan: string[] = [];
  const sidecars = pod.init.filter(c => c.role === 'sidecar');
  pod.init.forEach((c, i) => {
    const pos = `init container ${i + 1}/${pod.init.length} '${c.name}'`;
    if (c.role === 'init') {
      const exits = c.beh.exitAfter !== undefined ? `; its behaviour exits ${c.beh.exitCode} after ${formatSeconds(c.beh.exitAfter)}` : '; its behaviour never exits, so it blocks the pod forever';
      plan.push(`${pos} (plain init container): must exit 0 before anything after it starts${exits}`);
      return;
    }
    const p = c.probeSpecs.startup;
    const next = i + 1 < pod.init.length ? `init container '${pod.init[i + 1].name}'` : `the regular container${pod.regular.length === 1 ? '' : 's'} (${pod.regular.map(r => `'${r.name}'`).join(', ')})`;
    const verb = (one: string, many: string) => (i + 1 < pod.init.length || pod.regular.length === 1 ? one : many);
    const hook = c.postStart !== undefined ? `, after its postStart hook (${formatSeconds(c.postStart)})` : '';
    if (p) {
      const giveUp = p.initialDelay + (p.failure - 1) * p.period;
      const first = p.initialDelay === 0 ? 'as soon as it starts' : `${formatSeconds(p.initialDelay)} after it starts`;
      plan.push(`${pos} (native sidecar): ${next} ${verb('waits', 'wait')} for its startupProbe${hook} — probed ${first}, then every ${formatSeconds(p.period)}, so it counts as started at most ${formatSeconds(p.period)} after it serves`
        + `${p.initialDelay > 0 ? ` and never before ${formatSeconds(p.initialDelay)}` : ''}; if it still fails at the probe ${formatSeconds(giveUp)} after starting (failureThreshold ${p.failure}), the kubelet kills and restarts it (${backOffSequence(pod.policy)}) and the wait goes on`);
    } else {
      plan.push(`${pos} (native sidecar) has no startupProbe: ${next} ${verb('starts', 'start')} as soon as it runs${hook}, without waiting for it to serve (a readinessProbe does not gate start-up)`);
    }
  });
  if (pod.regular.length > 0) {
    const hooks = pod.regular.some(c => c.postStart !== undefined) ? ' (a postStart hook delays the containers after it)' : '';
    plan.push(pod.regular.length === 1
      ? `regular container '${pod.regular[0].name}' starts once every init container is done or started${hooks}`
      : `regular containers ${pod.regular.map(c => `'${c.name}'`).join(', ')} start together, in this order, once every init container is done or started${hooks}`);
  }
  if (sidecars.length > 0) {
    const order = pod.ordered ? [...sidecars].reverse().map(c => `'${c.name}'`).join(' → ') : sidecars.map(c => `'${c.name}'`).join(', ');
    const when = pod.restartPolicy === 'Always'
      ? 'restartPolicy Always: regular containers are restarted, so the sidecars run until the pod is deleted; then'
      : `when every regular container has exited${pod.restartPolicy === 'OnFailure' ? ' successfully' : ''}, the kubelet stops the pod:`;
    plan.push(pod.ordered
      ? `termination: ${when} sidecars get SIGTERM one after the other in reverse order (${order}), each after the previous one exited, sharing terminationGracePeriodSeconds (${formatSeconds(pod.tgps)}); their exit codes do not affect the pod phase`
      : `termination: ${when} sidecars get SIGTERM all at once (${order}) — no ordering before 1.${ORDERED_SIDECAR_TERMINATION_MINOR} — within terminationGracePeriodSeconds (${formatSeconds(pod.tgps)})`);
  } else if (pod.isJob) {
    const helpers = pod.regular.filter(c => c.beh.exitAfter === undefined);
    if (pod.regular.length > 1 && helpers.length > 0) {
      plan.push(`termination: the Job pod completes only when every regular container has exited; ${helpers.map(c => `'${c.name}'`).join(', ')} never exits by itself`);
    }
  }
  const podDeadline = pod.spec?.activeDeadlineSeconds;
  if (typeof podDeadline === 'number') plan.push(`deadline: pod activeDeadlineSeconds ${formatSeconds(podDeadline)} → the kubelet fails the pod (phase Failed, STATUS DeadlineExceeded) and stops its containers; the pod object stays`);
  const jobDeadline = pod.jobSpec?.activeDeadlineSeconds;
  if (typeof jobDeadline === 'number') plan.push(`deadline: Job activeDeadlineSeconds ${formatSeconds(jobDeadline)} → the Job fails (reason DeadlineExceeded) and the Job controller deletes the pod: STATUS Terminating while its containers stop, then the pod is gone`);
  if (pod.isJob) plan.push('only this one pod is simulated: Job retries (backoffLimit) are not');
  return plan;
}

/** Why nothing more happens to a pod that is not terminal. */
export function stuckReason(pod: PodForExplain): string {
  if (!pod.initializedOnce) {
    const blocking = pod.init.find(c => (c.role === 'init' ? !c.succeeded : !c.everStarted));
    if (blocking?.role === 'init' && blocking.proc) {
      return `init container '${blocking.name}' never exits, so nothing after it ever starts`;
    }
    if (blocking) return `init container '${blocking.name}' never gets started, so nothing after it ever starts`;
  }
  const running = pod.regular.filter(c => c.proc).map(c => `'${c.name}'`);
  if (running.length > 0) {
    return `regular container(s) ${running.join(', ')} keep running, so the pod never completes (a helper in 'containers' keeps a Job pod alive: make it a native sidecar)`;
  }
  return 'nothing is left to happen';
}
