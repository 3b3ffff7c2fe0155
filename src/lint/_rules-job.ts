/**
 * Job and CronJob rules: pod restartPolicy, activeDeadlineSeconds with sidecars, podFailurePolicy exit-code rules
 * that match sidecars, CronJob hygiene. Facts: ../shared/reference/sidecar-semantics.md §2.5, §4.6;
 * linters.md §6 (rows 14-22).
 */
import { Manifest } from '../_manifest';
import { Emit, PodContext } from './_engine';
import { ContainerInfo } from './_heuristics';

/** Exit codes of a sidecar stopped at the end of a Job pod: SIGTERM (143), SIGKILL after the grace period (137). */
const SIDECAR_STOP_EXIT_CODES = [143, 137];

function restartPolicy(ctx: PodContext, emit: Emit): void {
  const rp = ctx.spec.restartPolicy;
  if (rp === 'Never' || rp === 'OnFailure') return;
  emit('job-pod-restart-policy', undefined, `${ctx.pod.path}.restartPolicy`,
    `the ${ctx.kind} pod template has restartPolicy: ${rp === undefined ? 'unset (defaults to Always)' : JSON.stringify(rp)}: the API server rejects Jobs whose pods use Always (valid values: "OnFailure", "Never")`,
    'set restartPolicy: Never (required with podFailurePolicy) or OnFailure on the pod template');
}

/** Sidecars and long-running regular helpers: the containers that do not end with the task. */
function helpersOf(ctx: PodContext): ContainerInfo[] {
  return [...ctx.sidecars, ...ctx.jobHelpers.map(h => h.container)];
}

function activeDeadline(ctx: PodContext, emit: Emit): void {
  const helpers = helpersOf(ctx);
  if (helpers.length === 0) return;
  const jobSpec = ctx.pod.jobSpec ?? {};
  if (typeof jobSpec.activeDeadlineSeconds === 'number' || typeof ctx.spec.activeDeadlineSeconds === 'number') return;
  const names = helpers.map(h => `'${h.name}'`).join(', ');
  emit('job-sidecar-no-active-deadline', undefined, `${ctx.jobSpecPath}.activeDeadlineSeconds`,
    `the ${ctx.kind} runs sidecar ${names} but sets no activeDeadlineSeconds: a sidecar that never starts (bad credentials, failing startupProbe) keeps the pod in Init, and a stuck helper keeps it running, with no time limit`,
    `set ${ctx.kind === 'CronJob' ? 'spec.jobTemplate.spec' : 'spec'}.activeDeadlineSeconds to the longest acceptable run time (it includes init containers and sidecar start-up)`);
}

function exitCodeMatches(operator: unknown, values: unknown, code: number): boolean {
  if (!Array.isArray(values)) return false;
  const has = values.includes(code);
  return operator === 'In' ? has : operator === 'NotIn' ? !has : false;
}

function podFailurePolicy(ctx: PodContext, emit: Emit): void {
  const helpers = helpersOf(ctx);
  if (helpers.length === 0) return;
  const rules = ctx.pod.jobSpec?.podFailurePolicy?.rules;
  if (!Array.isArray(rules)) return;
  rules.forEach((r: any, i: number) => {
    const oc = r?.onExitCodes;
    if (!oc || typeof oc !== 'object' || oc.containerName) return;
    const code = SIDECAR_STOP_EXIT_CODES.find(c => exitCodeMatches(oc.operator, oc.values, c));
    if (code === undefined) return;
    const main = ctx.mains.find(m => !helpers.includes(m)) ?? ctx.mains[0];
    emit('pod-failure-policy-matches-sidecar-exit', undefined, `${ctx.jobSpecPath}.podFailurePolicy.rules[${i}].onExitCodes`,
      `podFailurePolicy rule ${i} (action ${r.action}, ${oc.operator} ${JSON.stringify(oc.values)}) has no containerName, so it also matches exit code ${code} of sidecar '${helpers[0].name}' when the kubelet stops it at the end of a failed pod`,
      `set onExitCodes.containerName to the main container${main ? ` ('${main.name}')` : ''}`);
  });
}

/** Job and CronJob pod rules. */
export function checkJob(ctx: PodContext, emit: Emit): void {
  restartPolicy(ctx, emit);
  activeDeadline(ctx, emit);
  podFailurePolicy(ctx, emit);
}

const STEP_OR_ANY = /^(\*|\?)(\/\d+)?$/;

/** Whether a cron schedule fires at different instants in different time zones (hours or days are fixed). */
function scheduleDependsOnTimeZone(schedule: string): boolean {
  const s = schedule.trim();
  if (s.startsWith('@')) return ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight'].includes(s.toLowerCase());
  const fields = s.split(/\s+/);
  if (fields.length !== 5) return false;
  // whole-hour offsets make '*' and '*/N' hours (and any-day fields) time-zone independent
  return fields.slice(1).some(f => !STEP_OR_ANY.test(f));
}

/** CronJob object rules (need no pod template). */
export function checkCronJob(obj: Manifest, emit: Emit): void {
  const spec = obj.spec ?? {};
  const cp = spec.concurrencyPolicy;
  if (cp === undefined || cp === 'Allow') {
    emit('cronjob-concurrency-policy', undefined, 'spec.concurrencyPolicy',
      `the CronJob allows concurrent runs (concurrencyPolicy: ${cp === undefined ? 'unset, defaults to Allow' : 'Allow'}): a slow or stuck run (e.g. a sidecar that never starts) overlaps the next ones`,
      'set spec.concurrencyPolicy: Forbid (or Replace)');
  }
  const sds = spec.startingDeadlineSeconds;
  if (sds === undefined || sds === null) {
    emit('cronjob-missing-starting-deadline', undefined, 'spec.startingDeadlineSeconds',
      'the CronJob has no startingDeadlineSeconds: after more than 100 missed schedules (e.g. controller downtime) it stops scheduling runs',
      'set spec.startingDeadlineSeconds (at least 10, e.g. 300)');
  } else if (typeof sds === 'number' && sds < 10) {
    emit('cronjob-starting-deadline-too-short', undefined, 'spec.startingDeadlineSeconds',
      `the CronJob startingDeadlineSeconds is ${sds}: the CronJob controller checks schedules every 10 seconds, so runs may be missed and never start`,
      'set spec.startingDeadlineSeconds to at least 10');
  }
  const failed = spec.failedJobsHistoryLimit;
  const succeeded = spec.successfulJobsHistoryLimit;
  if (failed === 0) {
    emit('cronjob-history-limits', undefined, 'spec.failedJobsHistoryLimit',
      'the CronJob keeps no failed Job (failedJobsHistoryLimit: 0): the pods and logs of a failed run (including its sidecars\') are deleted at once',
      'set spec.failedJobsHistoryLimit to 1 or more');
  }
  for (const [field, value] of [['successfulJobsHistoryLimit', succeeded], ['failedJobsHistoryLimit', failed]] as const) {
    if (typeof value === 'number' && value > 10) {
      emit('cronjob-history-limits', undefined, `spec.${field}`,
        `the CronJob keeps ${value} finished Jobs (${field}: ${value}): each keeps its pods and their sidecars' logs in the cluster`,
        `lower spec.${field} (the defaults are 3 successful, 1 failed)`);
    }
  }
  const schedule = typeof spec.schedule === 'string' ? spec.schedule : '';
  if (!spec.timeZone) {
    if (/^\s*(CRON_)?TZ=/.test(schedule)) {
      emit('cronjob-missing-time-zone', undefined, 'spec.schedule',
        `the CronJob sets its time zone inside the schedule ('${schedule}'), which Kubernetes does not support`,
        'remove the TZ=/CRON_TZ= prefix and set spec.timeZone (e.g. "Europe/Paris")');
    } else if (schedule && scheduleDependsOnTimeZone(schedule)) {
      emit('cronjob-missing-time-zone', undefined, 'spec.timeZone',
        `the CronJob schedule '${schedule}' fires at a fixed hour or day but sets no timeZone: it runs in the kube-controller-manager's time zone`,
        'set spec.timeZone (e.g. "Etc/UTC" or "Europe/Paris")');
    }
  }
}
