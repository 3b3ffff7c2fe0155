/**
 * Job and CronJob rules: pod restartPolicy, activeDeadlineSeconds with sidecars, podFailurePolicy exit-code rules
 * that match sidecars, CronJob hygiene. Sources: batch validation (kubernetes/kubernetes
 * pkg/apis/batch/validation/validation.go, validateJobSpec / validatePodTemplateSpec), the Job and CronJob docs
 * (https://kubernetes.io/docs/concepts/workloads/controllers/job/#pod-failure-policy,
 * https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/), and docs/rules.md.
 */
import { cronJobRule, CronJobContext, PodContext, podRule, Report } from './_context';
import { ContainerInfo } from './_heuristics';
import { Severity } from './types';

/** Exit codes of a sidecar stopped at the end of a Job pod: SIGTERM (143), SIGKILL after the grace period (137). */
const SIDECAR_STOP_EXIT_CODES = [143, 137];

function restartPolicy(ctx: PodContext, report: Report): void {
  const rp = ctx.spec.restartPolicy;
  if (rp === 'Never' || rp === 'OnFailure') return;
  report(undefined, `${ctx.pod.path}.restartPolicy`,
    `the ${ctx.kind} pod template has restartPolicy: ${rp === undefined ? 'unset (defaults to Always)' : JSON.stringify(rp)}: the API server rejects Jobs whose pods use Always (valid values: "OnFailure", "Never")`,
    'set restartPolicy: Never (required with podFailurePolicy) or OnFailure on the pod template');
}

/** Sidecars and long-running regular helpers: the containers that do not end with the task. */
function helpersOf(ctx: PodContext): ContainerInfo[] {
  return [...ctx.sidecars, ...ctx.jobHelpers.map(h => h.container)];
}

function activeDeadline(ctx: PodContext, report: Report): void {
  const helpers = helpersOf(ctx);
  if (helpers.length === 0) return;
  const jobSpec = ctx.pod.jobSpec ?? {};
  if (typeof jobSpec.activeDeadlineSeconds === 'number' || typeof ctx.spec.activeDeadlineSeconds === 'number') return;
  const names = helpers.map(h => `'${h.name}'`).join(', ');
  report(undefined, `${ctx.jobSpecPath}.activeDeadlineSeconds`,
    `the ${ctx.kind} runs sidecar ${names} but sets no activeDeadlineSeconds: a sidecar that never starts (bad credentials, failing startupProbe) keeps the pod in Init, and a stuck helper keeps it running, with no time limit`,
    `set ${ctx.kind === 'CronJob' ? 'spec.jobTemplate.spec' : 'spec'}.activeDeadlineSeconds to the longest acceptable run time (it includes init containers and sidecar start-up)`);
}

function exitCodeMatches(operator: unknown, values: unknown, code: number): boolean {
  if (!Array.isArray(values)) return false;
  const has = values.includes(code);
  return operator === 'In' ? has : operator === 'NotIn' ? !has : false;
}

function podFailurePolicy(ctx: PodContext, report: Report): void {
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
    report(undefined, `${ctx.jobSpecPath}.podFailurePolicy.rules[${i}].onExitCodes`,
      `podFailurePolicy rule ${i} (action ${r.action}, ${oc.operator} ${JSON.stringify(oc.values)}) has no containerName, so it also matches exit code ${code} of sidecar '${helpers[0].name}' when the kubelet stops it at the end of a failed pod`,
      `set onExitCodes.containerName to the main container${main ? ` ('${main.name}')` : ''}`);
  });
}

/** Job and CronJob pod rules, in documentation order. */
export const JOB_RULES = [
  podRule({
    id: 'job-pod-restart-policy',
    severity: Severity.ERROR,
    jobOnly: true,
    check: restartPolicy,
    summary: 'A Job/CronJob pod template restartPolicy is not Never or OnFailure (rejected by the API server).',
  }),
  podRule({
    id: 'job-sidecar-no-active-deadline',
    severity: Severity.WARNING,
    jobOnly: true,
    check: activeDeadline,
    summary: 'A Job/CronJob with sidecars has no activeDeadlineSeconds: a sidecar that never starts keeps the pod forever.',
  }),
  podRule({
    id: 'pod-failure-policy-matches-sidecar-exit',
    severity: Severity.WARNING,
    jobOnly: true,
    check: podFailurePolicy,
    summary: 'A podFailurePolicy onExitCodes rule without containerName also matches the 137/143 exit codes of sidecars.',
  }),
];

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

function concurrencyPolicy({ spec }: CronJobContext, report: Report): void {
  const cp = spec.concurrencyPolicy;
  if (cp !== undefined && cp !== 'Allow') return;
  report(undefined, 'spec.concurrencyPolicy',
    `the CronJob allows concurrent runs (concurrencyPolicy: ${cp === undefined ? 'unset, defaults to Allow' : 'Allow'}): a slow or stuck run (e.g. a sidecar that never starts) overlaps the next ones`,
    'set spec.concurrencyPolicy: Forbid (or Replace)');
}

function missingStartingDeadline({ spec }: CronJobContext, report: Report): void {
  const sds = spec.startingDeadlineSeconds;
  if (sds !== undefined && sds !== null) return;
  report(undefined, 'spec.startingDeadlineSeconds',
    'the CronJob has no startingDeadlineSeconds: after more than 100 missed schedules (e.g. controller downtime) it stops scheduling runs',
    'set spec.startingDeadlineSeconds (at least 10, e.g. 300)');
}

function startingDeadlineTooShort({ spec }: CronJobContext, report: Report): void {
  const sds = spec.startingDeadlineSeconds;
  if (typeof sds !== 'number' || sds >= 10) return;
  report(undefined, 'spec.startingDeadlineSeconds',
    `the CronJob startingDeadlineSeconds is ${sds}: the CronJob controller checks schedules every 10 seconds, so runs may be missed and never start`,
    'set spec.startingDeadlineSeconds to at least 10');
}

function historyLimits({ spec }: CronJobContext, report: Report): void {
  const failed = spec.failedJobsHistoryLimit;
  const succeeded = spec.successfulJobsHistoryLimit;
  if (failed === 0) {
    report(undefined, 'spec.failedJobsHistoryLimit',
      'the CronJob keeps no failed Job (failedJobsHistoryLimit: 0): the pods and logs of a failed run (including its sidecars\') are deleted at once',
      'set spec.failedJobsHistoryLimit to 1 or more');
  }
  for (const [field, value] of [['successfulJobsHistoryLimit', succeeded], ['failedJobsHistoryLimit', failed]] as const) {
    if (typeof value === 'number' && value > 10) {
      report(undefined, `spec.${field}`,
        `the CronJob keeps ${value} finished Jobs (${field}: ${value}): each keeps its pods and their sidecars' logs in the cluster`,
        `lower spec.${field} (the defaults are 3 successful, 1 failed)`);
    }
  }
}

function missingTimeZone({ spec }: CronJobContext, report: Report): void {
  const schedule = typeof spec.schedule === 'string' ? spec.schedule : '';
  if (spec.timeZone) return;
  if (/^\s*(CRON_)?TZ=/.test(schedule)) {
    report(undefined, 'spec.schedule',
      `the CronJob sets its time zone inside the schedule ('${schedule}'), which Kubernetes does not support`,
      'remove the TZ=/CRON_TZ= prefix and set spec.timeZone (e.g. "Europe/Paris")');
  } else if (schedule && scheduleDependsOnTimeZone(schedule)) {
    report(undefined, 'spec.timeZone',
      `the CronJob schedule '${schedule}' fires at a fixed hour or day but sets no timeZone: it runs in the kube-controller-manager's time zone`,
      'set spec.timeZone (e.g. "Etc/UTC" or "Europe/Paris")');
  }
}

/** CronJob object rules (they need no pod template), in documentation order. */
export const CRONJOB_RULES = [
  cronJobRule({
    id: 'cronjob-concurrency-policy',
    severity: Severity.INFO,
    check: concurrencyPolicy,
    summary: 'A CronJob allows concurrent runs (concurrencyPolicy unset or Allow).',
  }),
  cronJobRule({
    id: 'cronjob-missing-starting-deadline',
    severity: Severity.INFO,
    check: missingStartingDeadline,
    summary: 'A CronJob has no startingDeadlineSeconds.',
  }),
  cronJobRule({
    id: 'cronjob-starting-deadline-too-short',
    severity: Severity.WARNING,
    check: startingDeadlineTooShort,
    summary: 'A CronJob startingDeadlineSeconds below 10 may never start a run.',
  }),
  cronJobRule({
    id: 'cronjob-history-limits',
    severity: Severity.INFO,
    check: historyLimits,
    summary: 'A CronJob keeps no failed Job, or keeps more than 10 finished Jobs.',
  }),
  cronJobRule({
    id: 'cronjob-missing-time-zone',
    severity: Severity.INFO,
    check: missingTimeZone,
    summary: 'A CronJob schedule that depends on the time zone has no spec.timeZone.',
  }),
];
