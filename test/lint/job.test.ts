// Job and CronJob rules.
import { cronJob, deployment, job, lint, ofRule, sidecar, task } from './_helpers';
import { Severity } from '../../src';

describe('job-pod-restart-policy', () => {
  test('fires on Always and on an unset restartPolicy (defaults to Always)', () => {
    const always = job({ restartPolicy: 'Always' });
    const unset = job();
    delete unset.spec.template.spec.restartPolicy;
    const f = ofRule(lint([always, unset]), 'job-pod-restart-policy');
    expect(f.map(x => [x.severity, x.container, x.path])).toEqual([
      [Severity.ERROR, undefined, 'spec.template.spec.restartPolicy'],
      [Severity.ERROR, undefined, 'spec.template.spec.restartPolicy'],
    ]);
    expect(f[1].message).toContain('unset (defaults to Always)');
  });

  test('does not fire on Never, OnFailure, or outside Jobs', () => {
    expect(ofRule(lint([job(), job({ restartPolicy: 'OnFailure' }), deployment(), cronJob()]), 'job-pod-restart-policy')).toEqual([]);
  });
});

describe('job-sidecar-no-active-deadline', () => {
  test('fires on a Job and a CronJob with a sidecar and no activeDeadlineSeconds', () => {
    const j = job({ initContainers: [sidecar('proxy')] }, { activeDeadlineSeconds: undefined });
    const c = cronJob({ initContainers: [sidecar('proxy')] }, {}, { activeDeadlineSeconds: undefined });
    const f = ofRule(lint([j, c]), 'job-sidecar-no-active-deadline');
    expect(f.map(x => [x.kind, x.severity, x.path])).toEqual([
      ['Job', Severity.WARNING, 'spec.activeDeadlineSeconds'],
      ['CronJob', Severity.WARNING, 'spec.jobTemplate.spec.activeDeadlineSeconds'],
    ]);
    expect(f[0].message).toContain("sidecar 'proxy'");
  });

  test('counts a regular helper that job-helper-never-exits flags (here: only probed) as a sidecar', () => {
    const helper = task('agent', { command: ['/agent'], readinessProbe: { httpGet: { port: 8081 } } });
    const f = ofRule(lint([job({ containers: [task(), helper] }, { activeDeadlineSeconds: undefined })]), 'job-sidecar-no-active-deadline');
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("sidecar 'agent'");
  });

  test('does not fire with a deadline (Job or pod level) or without sidecars', () => {
    const podLevel = job({ initContainers: [sidecar()], activeDeadlineSeconds: 900 }, { activeDeadlineSeconds: undefined });
    const noSidecar = job({}, { activeDeadlineSeconds: undefined });
    expect(ofRule(lint([job({ initContainers: [sidecar()] }), podLevel, noSidecar]), 'job-sidecar-no-active-deadline')).toEqual([]);
  });
});

describe('pod-failure-policy-matches-sidecar-exit', () => {
  const policy = (onExitCodes: any) => ({ podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }, { action: 'FailJob', onExitCodes }] } });

  test('fires on an In/NotIn exit-code rule without containerName that matches 143 or 137', () => {
    const f = ofRule(lint([
      job({ initContainers: [sidecar('proxy')] }, policy({ operator: 'In', values: [1, 143] })),
      job({ initContainers: [sidecar('proxy')] }, policy({ operator: 'NotIn', values: [0, 42] })),
    ]), 'pod-failure-policy-matches-sidecar-exit');
    expect(f.map(x => [x.severity, x.path])).toEqual([
      [Severity.WARNING, 'spec.podFailurePolicy.rules[1].onExitCodes'],
      [Severity.WARNING, 'spec.podFailurePolicy.rules[1].onExitCodes'],
    ]);
    expect(f[0].message).toContain("matches exit code 143 of sidecar 'proxy'");
    expect(f[0].fix).toContain("('task')");
  });

  test('with a regular helper listed first, the fix names the task, not the helper', () => {
    const helper = task('agent', { command: ['/agent'], readinessProbe: { httpGet: { port: 8081 } } });
    const f = ofRule(lint([job({ containers: [helper, task('work')] }, policy({ operator: 'In', values: [143] }))]), 'pod-failure-policy-matches-sidecar-exit');
    expect(f[0].message).toContain("sidecar 'agent'");
    expect(f[0].fix).toContain("('work')");
  });

  test('does not fire with containerName, with codes that sidecars do not use, or without sidecars', () => {
    const f = ofRule(lint([
      job({ initContainers: [sidecar()] }, policy({ containerName: 'task', operator: 'In', values: [143] })),
      job({ initContainers: [sidecar()] }, policy({ operator: 'In', values: [42] })),
      job({}, policy({ operator: 'In', values: [143] })),
    ]), 'pod-failure-policy-matches-sidecar-exit');
    expect(f).toEqual([]);
  });
});

describe('CronJob hygiene', () => {
  test('cronjob-concurrency-policy fires when unset or Allow, not on Forbid/Replace', () => {
    const f = ofRule(lint([cronJob({}, { concurrencyPolicy: undefined }), cronJob({}, { concurrencyPolicy: 'Allow' })]), 'cronjob-concurrency-policy');
    expect(f.map(x => [x.severity, x.path])).toEqual([[Severity.INFO, 'spec.concurrencyPolicy'], [Severity.INFO, 'spec.concurrencyPolicy']]);
    expect(ofRule(lint([cronJob(), cronJob({}, { concurrencyPolicy: 'Replace' })]), 'cronjob-concurrency-policy')).toEqual([]);
  });

  test('cronjob-missing-starting-deadline fires when unset only', () => {
    const f = ofRule(lint([cronJob({}, { startingDeadlineSeconds: undefined })]), 'cronjob-missing-starting-deadline');
    expect(f.map(x => [x.severity, x.path])).toEqual([[Severity.INFO, 'spec.startingDeadlineSeconds']]);
    expect(ofRule(lint([cronJob()]), 'cronjob-missing-starting-deadline')).toEqual([]);
  });

  test('cronjob-starting-deadline-too-short fires below 10 s, not at 10 s (the cdk8s-plus default)', () => {
    const f = ofRule(lint([cronJob({}, { startingDeadlineSeconds: 5 })]), 'cronjob-starting-deadline-too-short');
    expect(f.map(x => [x.severity, x.path])).toEqual([[Severity.WARNING, 'spec.startingDeadlineSeconds']]);
    expect(f[0].message).toContain('startingDeadlineSeconds is 5');
    expect(ofRule(lint([cronJob({}, { startingDeadlineSeconds: 10 })]), 'cronjob-starting-deadline-too-short')).toEqual([]);
  });

  test('cronjob-history-limits fires on failedJobsHistoryLimit 0 and on limits above 10', () => {
    const f = ofRule(lint([cronJob({}, { failedJobsHistoryLimit: 0, successfulJobsHistoryLimit: 50 })]), 'cronjob-history-limits');
    expect(f.map(x => [x.severity, x.path])).toEqual([
      [Severity.INFO, 'spec.failedJobsHistoryLimit'],
      [Severity.INFO, 'spec.successfulJobsHistoryLimit'],
    ]);
    expect(ofRule(lint([cronJob(), cronJob({}, { successfulJobsHistoryLimit: undefined, failedJobsHistoryLimit: undefined })]), 'cronjob-history-limits')).toEqual([]);
  });

  test('cronjob-missing-time-zone fires on fixed-hour/day schedules without timeZone and on CRON_TZ prefixes', () => {
    const f = ofRule(lint([
      cronJob({}, { timeZone: undefined }),
      cronJob({}, { timeZone: undefined, schedule: '@daily' }),
      cronJob({}, { timeZone: undefined, schedule: '*/5 * * * 1-5' }),
      cronJob({}, { timeZone: undefined, schedule: 'CRON_TZ=Europe/Paris 0 3 * * *' }),
    ]), 'cronjob-missing-time-zone');
    expect(f.map(x => [x.severity, x.path])).toEqual([
      [Severity.INFO, 'spec.timeZone'], [Severity.INFO, 'spec.timeZone'], [Severity.INFO, 'spec.timeZone'], [Severity.INFO, 'spec.schedule'],
    ]);
  });

  test('cronjob-missing-time-zone does not fire with timeZone or on time-zone independent schedules', () => {
    const f = ofRule(lint([
      cronJob(),
      cronJob({}, { timeZone: undefined, schedule: '*/5 * * * *' }),
      cronJob({}, { timeZone: undefined, schedule: '15 */2 * * *' }),
      cronJob({}, { timeZone: undefined, schedule: '@hourly' }),
    ]), 'cronjob-missing-time-zone');
    expect(f).toEqual([]);
  });

  test('the cdk8s-plus CronJob defaults have no warning (only the time zone info)', () => {
    const kplusDefaults = cronJob({ containers: [task()] }, { timeZone: undefined, schedule: '0 0 * * *', startingDeadlineSeconds: 10, concurrencyPolicy: 'Forbid' });
    expect(lint([kplusDefaults]).map(x => x.rule)).toEqual(['cronjob-missing-time-zone']);
  });
});
