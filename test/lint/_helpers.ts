// Builders for lint tests: small, valid manifests that lint clean, to be broken one field at a time.
import { Finding, Linter, LintOptions } from '../../src/lint';
import { RuleId } from '../../src/lint/_catalog';

/** PSS restricted container securityContext. */
export const RESTRICTED = Object.freeze({
  allowPrivilegeEscalation: false,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
});

/** A batch container that runs once. */
export function task(name = 'task', extra: Record<string, any> = {}): Record<string, any> {
  return { name, image: 'ghcr.io/example/task:1.2.3', command: ['/task'], securityContext: { ...RESTRICTED }, ...extra };
}

/** A correct native sidecar serving `port`, with a fast startup probe. */
export function sidecar(name = 'helper', port = 5432, extra: Record<string, any> = {}): Record<string, any> {
  return {
    name,
    image: 'ghcr.io/example/helper:2.0.0',
    restartPolicy: 'Always',
    ports: [{ containerPort: port }],
    startupProbe: { tcpSocket: { port }, periodSeconds: 1, initialDelaySeconds: 0, failureThreshold: 60 },
    securityContext: { ...RESTRICTED },
    ...extra,
  };
}

/** A regular init container that runs once. */
export function initTask(name = 'prepare', extra: Record<string, any> = {}): Record<string, any> {
  return { name, image: 'ghcr.io/example/prepare:1.0.0', command: ['/prepare'], securityContext: { ...RESTRICTED }, ...extra };
}

export function podSpec(spec: Record<string, any> = {}): Record<string, any> {
  return { restartPolicy: 'Never', containers: [task()], ...spec };
}

export function job(spec: Record<string, any> = {}, jobSpec: Record<string, any> = {}, metadata: Record<string, any> = {}): Record<string, any> {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'job', ...metadata },
    spec: { activeDeadlineSeconds: 600, template: { spec: podSpec(spec) }, ...jobSpec },
  };
}

export function cronJob(spec: Record<string, any> = {}, cronSpec: Record<string, any> = {}, jobSpec: Record<string, any> = {}): Record<string, any> {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'cron' },
    spec: {
      schedule: '0 3 * * *',
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: { spec: { activeDeadlineSeconds: 600, template: { spec: podSpec(spec) }, ...jobSpec } },
      ...cronSpec,
    },
  };
}

export function deployment(spec: Record<string, any> = {}, kind = 'Deployment'): Record<string, any> {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name: kind.toLowerCase() },
    spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [task('web')], ...spec } } },
  };
}

export function pod(spec: Record<string, any> = {}): Record<string, any> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod' }, spec: { containers: [task()], ...spec } };
}

export function lint(objs: any[], options: LintOptions = {}): Finding[] {
  return Linter.lintManifests(objs, options);
}

/** The findings of one rule (a misspelt id is a compile error). */
export function ofRule(findings: Finding[], rule: RuleId): Finding[] {
  return findings.filter(f => f.rule === rule);
}

/** Findings at warning level or above: what a correct manifest must not have. */
export function problems(findings: Finding[]): Finding[] {
  return findings.filter(f => f.severity !== 'info');
}
