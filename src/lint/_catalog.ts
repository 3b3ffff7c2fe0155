/**
 * The rule catalog: every rule id with its severity and a one-line summary. Rule ids are stable: renaming one is a
 * breaking change (users suppress them by id). Each id has a `## <id>` section in docs/rules.md (a test checks it).
 */
import { COMMON_FLAGS, PROXY_FLAVORS } from '../_proxy-flavors';
import { Severity } from './types';

/** Where `docs/rules.md` is published; each rule links to its section. */
export const RULES_DOC_URL = 'https://github.com/cdk8s-sidecars/cdk8s-sidecars/blob/main/docs/rules.md';

/** Internal rule definition. */
export interface RuleDef {
  readonly id: string;
  readonly severity: Severity;
  readonly summary: string;
}

const E = Severity.ERROR;
const W = Severity.WARNING;
const I = Severity.INFO;

/** In documentation order. */
export const RULE_DEFS: readonly RuleDef[] = [
  // lifecycle: helpers that never exit, sidecar start-up
  { id: 'job-helper-never-exits', severity: E, summary: 'A Job/CronJob pod runs a long-running helper (proxy, agent, server) as a regular container: the Job never completes.' },
  { id: 'init-container-never-exits', severity: E, summary: 'A regular init container serves (ports, a proxy/server image or command): the pod hangs in Init forever.' },
  { id: 'sidecar-missing-startup-probe', severity: E, summary: 'A native sidecar that serves has no startupProbe: the next container starts before it is ready.' },
  { id: 'native-sidecar-unsupported-version', severity: E, summary: 'Native sidecars (init containers with restartPolicy: Always) on a Kubernetes version that does not run them.' },
  { id: 'invalid-container-restart-policy', severity: E, summary: 'restartPolicy on a regular container, or an init container restartPolicy other than Always, that the API server rejects.' },
  { id: 'probe-on-plain-init-container', severity: E, summary: 'Probes or lifecycle hooks on an init container without restartPolicy: Always (rejected by the API server).' },
  { id: 'sidecar-startup-probe-slow', severity: I, summary: 'A sidecar startupProbe with initialDelaySeconds > 0 or periodSeconds > 1 delays every pod start.' },
  { id: 'sidecar-declared-after-dependent-init', severity: W, summary: 'A sidecar is declared after a regular init container that connects to its port: that init container runs without it.' },
  { id: 'container-port-conflict', severity: E, summary: 'Two containers that run at the same time declare the same port (they share the pod network namespace).' },
  { id: 'probe-named-port-undefined', severity: E, summary: 'A probe uses a named port the container does not declare: the probe can never succeed.' },
  { id: 'probe-port-not-declared', severity: W, summary: 'A probe targets a numeric port the container does not declare.' },
  { id: 'job-mesh-sidecar-injected', severity: W, summary: 'A Job/CronJob pod asks for service-mesh injection without native-sidecar mode: the injected proxy keeps the Job running.' },
  // Job and CronJob
  { id: 'job-pod-restart-policy', severity: E, summary: 'A Job/CronJob pod template restartPolicy is not Never or OnFailure (rejected by the API server).' },
  { id: 'job-sidecar-no-active-deadline', severity: W, summary: 'A Job/CronJob with sidecars has no activeDeadlineSeconds: a sidecar that never starts keeps the pod forever.' },
  { id: 'pod-failure-policy-matches-sidecar-exit', severity: W, summary: 'A podFailurePolicy onExitCodes rule without containerName also matches the 137/143 exit codes of sidecars.' },
  { id: 'cronjob-concurrency-policy', severity: I, summary: 'A CronJob allows concurrent runs (concurrencyPolicy unset or Allow).' },
  { id: 'cronjob-missing-starting-deadline', severity: I, summary: 'A CronJob has no startingDeadlineSeconds.' },
  { id: 'cronjob-starting-deadline-too-short', severity: W, summary: 'A CronJob startingDeadlineSeconds below 10 may never start a run.' },
  { id: 'cronjob-history-limits', severity: I, summary: 'A CronJob keeps no failed Job, or keeps more than 10 finished Jobs.' },
  { id: 'cronjob-missing-time-zone', severity: I, summary: 'A CronJob schedule that depends on the time zone has no spec.timeZone.' },
  // images and security
  { id: 'image-latest-or-untagged', severity: W, summary: 'A container image uses the latest tag or no tag at all.' },
  { id: 'pss-restricted', severity: W, summary: 'A container (sidecars, init and ephemeral containers included) or the pod violates the Pod Security Standards restricted profile.' },
  // Cloud SQL / AlloyDB Auth Proxy
  { id: 'cloud-sql-proxy-v1-image', severity: W, summary: 'The end-of-life Cloud SQL Proxy v1 image (gce-proxy) is used.' },
  { id: 'proxy-no-explicit-port', severity: W, summary: 'A Cloud SQL Auth Proxy instance has no explicit port: the proxy looks it up with an API call at start-up.' },
  { id: 'proxy-health-check-localhost', severity: E, summary: 'A probe targets the proxy health server, which listens on localhost only: kubelet probes never reach it.' },
  { id: 'proxy-health-probe-mismatch', severity: E, summary: `A probe targets the proxy health endpoints, but ${COMMON_FLAGS.healthCheck} is off or the probe port is not ${COMMON_FLAGS.httpPort}.` },
  { id: 'proxy-flag-of-other-flavor', severity: E, summary: 'A proxy is given a flag that only the other proxy (Cloud SQL vs AlloyDB) knows: it exits at start-up.' },
  { id: 'proxy-missing-exit-zero-on-sigterm', severity: W, summary: `A proxy sidecar in a Job exits 143 on SIGTERM (no ${PROXY_FLAVORS.map(f => f.flags.exitZeroOnSigterm).join(' / ')}).` },
  { id: 'proxy-prestop-http-admin-port', severity: W, summary: 'An httpGet preStop hook targets the proxy admin server, which listens on localhost only.' },
  // target version
  { id: 'known-kubelet-bug', severity: I, summary: 'The pod uses a sidecar pattern hit by a known kubelet bug on the target Kubernetes version.' },
];

export const RULES_BY_ID: ReadonlyMap<string, RuleDef> = new Map(RULE_DEFS.map(r => [r.id, r]));

export function docsUrlOf(id: string): string {
  return `${RULES_DOC_URL}#${id}`;
}

/** Numeric rank: higher is worse. */
export function severityRank(s: Severity): number {
  return s === Severity.ERROR ? 3 : s === Severity.WARNING ? 2 : 1;
}

/** Parse `error`/`warning`/`info` (case-insensitive); undefined otherwise. */
export function parseSeverity(text: unknown): Severity | undefined {
  if (typeof text !== 'string') return undefined;
  const t = text.trim().toLowerCase();
  return t === 'error' ? Severity.ERROR : t === 'warning' ? Severity.WARNING : t === 'info' ? Severity.INFO : undefined;
}
