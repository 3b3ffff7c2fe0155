/**
 * Sidecar lifecycle rules: helpers that never exit, native sidecar start-up (startupProbe), restartPolicy and probe
 * validity, declaration order, port conflicts, mesh injection in Jobs. Sources: KEP-753
 * (https://github.com/kubernetes/enhancements/tree/master/keps/sig-node/753-sidecar-containers), the kubelet's
 * start-up order (kubernetes/kubernetes pkg/kubelet/kuberuntime/kuberuntime_container.go, computeInitContainerActions),
 * API validation (pkg/apis/core/validation/validation.go, validateInitContainers / validateContainers), and
 * https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/.
 */
import { COMMON_FLAGS, PROXY_BINARY_DEFAULTS, PROXY_CONSTRUCT_DEFAULTS } from '../_proxy-flavors';
import {
  atLeast, CONTAINER_RESTART_RULES_BETA_MINOR, formatMinorVersion, SIDECAR_ALPHA_MINOR, SIDECAR_BETA_MINOR,
  unsupportedSidecarConsequence,
} from '../_version-facts';
import { PodContext, podRule, Report } from './_context';
import { LINKERD_INJECT_VALUES } from './_heuristic-data';
import { ContainerInfo, loopbackPortsUsed, servingPorts, toPortNumber } from './_heuristics';
import { readProxyConfig } from './_proxy-config';
import { stopMechanismOf } from './_stop-mechanisms';
import { ISTIO, LINKERD } from '../_mesh-facts';
import { Severity } from './types';

const PROBES = ['startupProbe', 'readinessProbe', 'livenessProbe'] as const;

/** `1.29` for minor 29 (every Kubernetes release is 1.x). */
const k8s = (minor: number): string => formatMinorVersion({ major: 1, minor });
/** First release with native sidecars on by default. */
const SIDECARS_ON_BY_DEFAULT = k8s(SIDECAR_BETA_MINOR);
/** The release where native sidecars need the SidecarContainers feature gate. */
const SIDECARS_ALPHA = k8s(SIDECAR_ALPHA_MINOR);

function list(ports: readonly number[]): string {
  return ports.length === 1 ? `port ${ports[0]}` : `ports ${ports.join(', ')}`;
}

/** The probes of a container that connect to one of `ports`, for messages. */
function probesOn(c: ContainerInfo, ports: readonly number[]): string[] {
  return PROBES.filter(probe => {
    const p = c.c[probe];
    if (!p || typeof p !== 'object') return false;
    return ['httpGet', 'tcpSocket', 'grpc'].some(h => {
      const port = p[h]?.port;
      const n = toPortNumber(port) ?? c.ports.find(d => d.name === port)?.port;
      return n !== undefined && ports.includes(n);
    });
  });
}

/**
 * How a container serves, for messages: `declares port 5432`, `runs the Cloud SQL Auth Proxy`,
 * `listens on port 8081 (its readinessProbe connects there)`.
 */
function servingFact(c: ContainerInfo): string {
  const parts: string[] = [];
  if (c.serverReason) parts.push(c.serverReason);
  const declared = c.ports.map(p => p.port);
  if (declared.length > 0) parts.push(`declares ${list(declared)}`);
  const probedOnly = c.probePorts.filter(p => !declared.includes(p));
  if (parts.length === 0 && probedOnly.length > 0) {
    const probes = probesOn(c, probedOnly);
    parts.push(`listens on ${list(probedOnly)} (its ${probes.join(' and ')} connect${probes.length === 1 ? 's' : ''} there)`);
  }
  return parts.join(' and ');
}

function helperFix(c: ContainerInfo): string {
  return `move '${c.name}' from containers to initContainers with restartPolicy: Always and a startupProbe (a native sidecar, Kubernetes >= ${SIDECARS_ON_BY_DEFAULT}): `
    + 'the kubelet stops it after the main containers exit, so the Job completes';
}

function jobHelperNeverExits(ctx: PodContext, report: Report): void {
  for (const { container: c, usedBy } of ctx.jobHelpers) {
    const stop = stopMechanismOf(ctx, c);
    if (stop && stop.broken === undefined) continue; // job-helper-manual-stop
    const dependency = usedBy ? ` ('${usedBy.client.name}' connects to its port ${usedBy.port})` : '';
    const why = stop
      ? `it is meant to be stopped by ${stop.label}, but ${stop.broken}, so the Job never completes when that happens`
      : 'it never exits, so the Job never completes (and the other containers race its start-up)';
    report(c, c.path,
      `container '${c.name}' ${servingFact(c)}${dependency} as a regular container of a ${ctx.kind} pod: ${why}`,
      helperFix(c));
  }
}

function jobHelperStoppedByWorkaround(ctx: PodContext, report: Report): void {
  for (const { container: c } of ctx.jobHelpers) {
    const stop = stopMechanismOf(ctx, c);
    if (!stop || stop.broken !== undefined) continue;
    report(c, c.path,
      `container '${c.name}' ${servingFact(c)} as a regular container of a ${ctx.kind} pod and is stopped by ${stop.label}: the Job completes, but the set-up is fragile (a task that is killed, OOM-killed or fails before the stop leaves the helper running; the task also races the helper's start-up)`,
      helperFix(c));
  }
}

function initContainerNeverExits(ctx: PodContext, report: Report): void {
  const total = ctx.inits.length + ctx.sidecars.length;
  for (const c of ctx.inits) {
    if (c.ports.length === 0 && c.serverReason === undefined) continue;
    report(c, c.path,
      `init container '${c.name}' ${servingFact(c)} but has no restartPolicy: Always: a plain init container must exit before the next container starts, so the pod hangs in 'Init:${c.index}/${total}' forever`,
      `add restartPolicy: Always (and a startupProbe) to make '${c.name}' a native sidecar; if it is meant to run once, remove its ports and make its command exit`);
  }
}

function startupProbeFix(c: ContainerInfo): string {
  if (c.proxy) {
    const d = PROXY_CONSTRUCT_DEFAULTS;
    const port = d.healthPort;
    const failureThreshold = Math.ceil(d.startupTimeoutSeconds / d.startupPeriodSeconds);
    return `add a startupProbe: run the proxy with ${COMMON_FLAGS.healthCheck} ${COMMON_FLAGS.httpAddress}=${d.httpAddress} ${COMMON_FLAGS.httpPort}=${port}, `
      + `declare containerPort ${port} and probe httpGet ${PROXY_BINARY_DEFAULTS.startupPath} on ${port} with periodSeconds: ${d.startupPeriodSeconds}, initialDelaySeconds: 0, failureThreshold: ${failureThreshold}`;
  }
  const port = servingPorts(c)[0];
  return `add a startupProbe that succeeds once '${c.name}' accepts connections${port !== undefined ? ` (e.g. tcpSocket on port ${port})` : ''}, with periodSeconds: 1, initialDelaySeconds: 0 and a failureThreshold covering its start-up time`;
}

function sidecarMissingStartupProbe(ctx: PodContext, report: Report): void {
  for (const c of ctx.sidecars) {
    if (!c.serves || c.c.startupProbe) continue;
    const readiness = c.c.readinessProbe ? ' (its readinessProbe does not delay the next container)' : '';
    report(c, `${c.path}.startupProbe`,
      `sidecar '${c.name}' ${servingFact(c)} but has no startupProbe${readiness}: the kubelet starts the next container as soon as the sidecar process runs, before it accepts connections`,
      startupProbeFix(c));
  }
}

function nativeSidecarUnsupported(ctx: PodContext, report: Report): void {
  if (ctx.sidecarsWork) return;
  for (const c of ctx.sidecars) {
    report(c, `${c.path}.restartPolicy`,
      `sidecar '${c.name}' (an init container with restartPolicy: Always) targets Kubernetes ${formatMinorVersion(ctx.version)}: ${unsupportedSidecarConsequence(ctx.version)}`,
      `target Kubernetes >= ${SIDECARS_ON_BY_DEFAULT} (--kubernetes-version), or on ${SIDECARS_ALPHA} enable the SidecarContainers feature gate on every component (--feature-gates SidecarContainers=true); otherwise run the helper as a regular container that the app stops when it is done`);
  }
}

function invalidRestartPolicy(ctx: PodContext, report: Report): void {
  const rulesBeta = atLeast(ctx.version, { major: ctx.version.major, minor: CONTAINER_RESTART_RULES_BETA_MINOR });
  const valid = ['Always', 'OnFailure', 'Never'];
  const v = formatMinorVersion(ctx.version);
  for (const c of ctx.mains) {
    const rp = c.c.restartPolicy;
    if (rp === undefined || rp === null) continue;
    if (rulesBeta && valid.includes(rp)) continue;
    report(c, `${c.path}.restartPolicy`,
      rulesBeta
        ? `container '${c.name}' sets restartPolicy: ${JSON.stringify(rp)}: supported values are "Always", "OnFailure", "Never"`
        : `regular container '${c.name}' sets restartPolicy: ${JSON.stringify(rp)}, which the API server of Kubernetes ${v} rejects ("may not be set for non-init containers"; allowed from ${k8s(CONTAINER_RESTART_RULES_BETA_MINOR)} with ContainerRestartRules)`,
      `remove restartPolicy from '${c.name}'; to run it as a sidecar, move it to initContainers with restartPolicy: Always`);
  }
  for (const c of ctx.inits) {
    const rp = c.c.restartPolicy;
    if (rp === undefined || rp === null) continue;
    if (rulesBeta && valid.includes(rp)) continue;
    report(c, `${c.path}.restartPolicy`,
      `init container '${c.name}' sets restartPolicy: ${JSON.stringify(rp)}, which the API server of Kubernetes ${v} rejects (supported values: "Always"${rulesBeta ? ', "OnFailure", "Never"' : ''})`,
      `use restartPolicy: Always to make '${c.name}' a native sidecar, or remove the field for a run-once init container`);
  }
}

function probeOnPlainInit(ctx: PodContext, report: Report): void {
  for (const c of ctx.inits) {
    const fields = [...PROBES, 'lifecycle'].filter(f => c.c[f] !== undefined && c.c[f] !== null);
    if (fields.length === 0) continue;
    report(c, `${c.path}.${fields[0]}`,
      `init container '${c.name}' sets ${fields.join(', ')} but has no restartPolicy: Always: the API server rejects the pod ("may not be set for init containers without restartPolicy=Always")`,
      `add restartPolicy: Always if '${c.name}' is a sidecar, otherwise remove ${fields.join(', ')}`);
  }
}

function startupProbeSlow(ctx: PodContext, report: Report): void {
  for (const c of ctx.sidecars) {
    const p = c.c.startupProbe;
    if (!p || typeof p !== 'object') continue;
    const delay = typeof p.initialDelaySeconds === 'number' ? p.initialDelaySeconds : 0;
    const periodSet = typeof p.periodSeconds === 'number';
    const period = periodSet ? p.periodSeconds : 10;
    if (delay <= 0 && period <= 1) continue;
    const parts: string[] = [];
    if (delay > 0) parts.push(`waits initialDelaySeconds: ${delay}`);
    if (period > 1) parts.push(`polls every ${period}s${periodSet ? '' : ' (the periodSeconds default)'}`);
    report(c, `${c.path}.startupProbe`,
      `sidecar '${c.name}' startupProbe ${parts.join(' and ')}: every pod start can wait up to ${delay + period}s longer than the sidecar needs`,
      'set periodSeconds: 1 and initialDelaySeconds: 0, and size failureThreshold to the start-up budget (e.g. 60 for 60 s)');
  }
}

/** TCP/UDP ports a sidecar listens on: declared and probed ports, plus a proxy's database listeners. */
function listeningPorts(c: ContainerInfo): Set<number> {
  const out = new Set(servingPorts(c));
  const cfg = readProxyConfig(c);
  for (const p of cfg?.listenerPorts ?? []) out.add(p);
  return out;
}

function sidecarAfterDependentInit(ctx: PodContext, report: Report): void {
  if (ctx.sidecars.length === 0 || ctx.inits.length === 0) return;
  const reported = new Set<ContainerInfo>();
  for (const init of ctx.inits) {
    const later = ctx.sidecars.filter(s => s.index > init.index && !reported.has(s));
    if (later.length === 0) continue;
    const used = loopbackPortsUsed(init);
    if (used.size === 0) continue;
    for (const s of later) {
      const port = [...listeningPorts(s)].find(p => used.has(p));
      if (port === undefined) continue;
      reported.add(s);
      report(s, s.path,
        `sidecar '${s.name}' is declared after init container '${init.name}', which connects to its port ${port}: '${init.name}' runs to completion before '${s.name}' starts, so it cannot reach it`,
        `move '${s.name}' before '${init.name}' in initContainers (init containers and sidecars start in declaration order)`);
    }
  }
}

function portConflicts(ctx: PodContext, report: Report): void {
  const seen = new Map<string, ContainerInfo>();
  const check = (c: ContainerInfo, register: boolean, scope: Map<string, ContainerInfo>) => {
    for (const p of c.ports) {
      const keys = [`${p.port}/${p.protocol}`];
      if (p.hostPort) keys.push(`host ${p.hostPort}/${p.protocol}`);
      for (const key of keys) {
        const other = scope.get(key);
        if (other && other !== c) {
          const what = key.startsWith('host ') ? `hostPort ${key.slice(5)}` : `port ${key}`;
          report(c, `${c.path}.ports[${p.index}]`,
            `containers '${other.name}' and '${c.name}' both declare ${what} and run at the same time in one network namespace: the second one cannot bind it`,
            `give '${c.name}' or '${other.name}' another port${c.proxy || other.proxy ? ` (for a proxy: its ${COMMON_FLAGS.port} / ${COMMON_FLAGS.httpPort} / ${COMMON_FLAGS.adminPort} flag)` : ''}`);
        } else if (register && !other) {
          scope.set(key, c);
        }
      }
    }
  };
  // sidecars run alongside every container declared after them; regular containers all run together
  for (const c of ctx.containers) {
    if (c.role === 'sidecar') check(c, true, seen);
    else if (c.role === 'init') check(c, false, seen);
  }
  for (const c of ctx.mains) check(c, true, seen);
}

interface UndeclaredProbePort {
  readonly c: ContainerInfo;
  /** The port as written in the probe. */
  readonly port: string;
  readonly named: boolean;
  readonly probes: string[];
  readonly path: string;
}

const undeclaredCache = new WeakMap<PodContext, UndeclaredProbePort[]>();

/** Probe ports (named or numeric) that the probed sidecar or regular container does not declare (memoized per pod). */
function undeclaredProbePorts(ctx: PodContext): UndeclaredProbePort[] {
  let out = undeclaredCache.get(ctx);
  if (!out) {
    out = findUndeclaredProbePorts(ctx);
    undeclaredCache.set(ctx, out);
  }
  return out;
}

function findUndeclaredProbePorts(ctx: PodContext): UndeclaredProbePort[] {
  const out: UndeclaredProbePort[] = [];
  for (const c of ctx.containers) {
    if (c.role !== 'sidecar' && c.role !== 'main') continue;
    const byPort = new Map<string, UndeclaredProbePort>();
    for (const probe of PROBES) {
      const p = c.c[probe];
      if (!p || typeof p !== 'object') continue;
      for (const handler of ['httpGet', 'tcpSocket', 'grpc']) {
        const h = p[handler];
        if (!h || typeof h !== 'object' || h.port === undefined || h.port === null) continue;
        const num = toPortNumber(h.port);
        const named = num === undefined;
        if (named && !isPortName(h.port)) continue; // a template value (`${PORT}`, `<port>`): unknown
        const declared = named ? c.ports.some(d => d.name === h.port) : c.ports.some(d => d.port === num);
        if (declared) continue;
        const key = String(h.port);
        let entry = byPort.get(key);
        if (!entry) {
          entry = { c, port: key, named, probes: [], path: `${c.path}.${probe}.${handler}.port` };
          byPort.set(key, entry);
          out.push(entry);
        }
        entry.probes.push(probe);
      }
    }
  }
  return out;
}

/**
 * A valid named port (IANA_SVC_NAME: 1-15 lower-case letters, digits and inner hyphens, at least one letter, no
 * `--`; kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go IsValidPortName).
 */
function isPortName(v: unknown): boolean {
  return typeof v === 'string' && v.length <= 15 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(v) && /[a-z]/.test(v) && !v.includes('--');
}

function whoOf(c: ContainerInfo): string {
  return c.role === 'sidecar' ? 'sidecar' : 'container';
}

function probeNamedPortUndefined(ctx: PodContext, report: Report): void {
  for (const e of undeclaredProbePorts(ctx)) {
    if (!e.named) continue;
    const c = e.c;
    report(c, e.path,
      `${whoOf(c)} '${c.name}' ${e.probes.join(', ')} uses the named port '${e.port}', which '${c.name}' does not declare: the probe can never succeed`,
      `declare ports: [{name: ${e.port}, containerPort: <port>}] on '${c.name}', or use the port number in the probe`);
  }
}

function probePortNotDeclared(ctx: PodContext, report: Report): void {
  for (const e of undeclaredProbePorts(ctx)) {
    if (e.named) continue;
    const c = e.c;
    report(c, e.path,
      `${whoOf(c)} '${c.name}' ${e.probes.join(', ')} targets port ${e.port}, which '${c.name}' does not declare in ports`,
      `declare containerPort ${e.port} on '${c.name}' (or probe the port it declares)`);
  }
}

const lower = (v: unknown): string => (typeof v === 'string' ? v.trim().toLowerCase() : '');

/** Where a mesh is asked to inject its proxy, e.g. `pod label sidecar.istio.io/inject: "true"`; undefined: not asked. */
interface MeshRequest {
  readonly mesh: 'Istio' | 'Linkerd';
  readonly where: string;
  readonly path: string;
}

function istioRequest(ctx: PodContext): MeshRequest | undefined {
  const meta = ctx.pod.metadata ?? {};
  const podValue = lower(meta.labels?.[ISTIO.injectKey] ?? meta.annotations?.[ISTIO.injectKey]);
  if (podValue === 'false') return undefined;
  if (lower(meta.annotations?.[ISTIO.nativeSidecarAnnotation]) === 'true') return undefined;
  if (podValue === 'true') {
    const field = meta.labels?.[ISTIO.injectKey] !== undefined ? 'labels' : 'annotations';
    return { mesh: 'Istio', where: `${ISTIO.injectKey}: "true" on the pod template`, path: `${ctx.metadataPath}.${field}` };
  }
  const nsLabels = ctx.namespace?.metadata?.labels ?? {};
  const nsName = ctx.namespace?.metadata?.name;
  if (lower(nsLabels[ISTIO.namespaceInjectionLabel]) === 'enabled') {
    return { mesh: 'Istio', where: `the label ${ISTIO.namespaceInjectionLabel}=enabled of Namespace '${nsName}'`, path: `${ctx.metadataPath}.labels` };
  }
  if (nsLabels[ISTIO.namespaceInjectionLabel] === undefined && typeof nsLabels[ISTIO.revisionLabel] === 'string') {
    return { mesh: 'Istio', where: `the label ${ISTIO.revisionLabel}=${nsLabels[ISTIO.revisionLabel]} of Namespace '${nsName}'`, path: `${ctx.metadataPath}.labels` };
  }
  return undefined;
}

function linkerdNative(annotations: any): string | undefined {
  for (const key of LINKERD.nativeSidecarAnnotations) {
    const v = lower(annotations?.[key]);
    if (v !== '') return v;
  }
  return undefined;
}

function linkerdRequest(ctx: PodContext): MeshRequest | undefined {
  const podAnnotations = ctx.pod.metadata?.annotations ?? {};
  const nsAnnotations = ctx.namespace?.metadata?.annotations ?? {};
  const podValue = lower(podAnnotations[LINKERD.injectAnnotation]);
  const nsValue = lower(nsAnnotations[LINKERD.injectAnnotation]);
  const injected = LINKERD_INJECT_VALUES.includes(podValue) || (podValue === '' && LINKERD_INJECT_VALUES.includes(nsValue));
  if (!injected) return undefined;
  if ((linkerdNative(podAnnotations) ?? linkerdNative(nsAnnotations)) === 'true') return undefined;
  return podValue !== ''
    ? { mesh: 'Linkerd', where: `${LINKERD.injectAnnotation}: ${podValue} on the pod template`, path: `${ctx.metadataPath}.annotations` }
    : { mesh: 'Linkerd', where: `the annotation ${LINKERD.injectAnnotation}: ${nsValue} of Namespace '${ctx.namespace?.metadata?.name}'`, path: `${ctx.metadataPath}.annotations` };
}

function meshInjection(ctx: PodContext, report: Report): void {
  // already injected: the proxy is a container of the manifest, judged by job-helper-never-exits
  if (ctx.containers.some(c => c.name === ISTIO.proxyContainer || c.name === LINKERD.proxyContainer)) return;
  const istio = istioRequest(ctx);
  if (istio) {
    report(undefined, istio.path,
      `the ${ctx.kind} pod is injected by Istio (${istio.where}) without ${ISTIO.nativeSidecarAnnotation}: "true": unless istiod injects native sidecars (the default from Istio ${ISTIO.nativeByDefaultSince}), istio-proxy is a regular container that never exits, so the Job never completes`,
      `add the pod annotation ${ISTIO.nativeSidecarAnnotation}: "true" (Istio >= ${ISTIO.nativeAnnotationSince}, Kubernetes >= ${SIDECARS_ON_BY_DEFAULT}; MeshSidecar.istio() on SidecarJob/SidecarCronJob), or set ${ISTIO.injectKey}: "false" on the Job's pods`);
  }
  const linkerd = linkerdRequest(ctx);
  if (linkerd) {
    report(undefined, linkerd.path,
      `the ${ctx.kind} pod is injected by Linkerd (${linkerd.where}) without native-sidecar mode: unless the control plane injects native sidecars (the default from Linkerd ${LINKERD.nativeByDefaultSince}), linkerd-proxy is a regular container that never exits, so the Job never completes`,
      `add the pod annotation ${LINKERD.nativeSidecarAnnotations[1]}: "true" (Linkerd >= ${LINKERD.nativeSince}, where it is ${LINKERD.nativeSidecarAnnotations[2]}; Kubernetes >= ${SIDECARS_ON_BY_DEFAULT}; MeshSidecar.linkerd() on SidecarJob/SidecarCronJob), or disable injection for the Job`);
  }
}

const E = Severity.ERROR;
const W = Severity.WARNING;
const I = Severity.INFO;

/** Lifecycle rules, in documentation order. */
export const LIFECYCLE_RULES = [
  podRule({
    id: 'job-helper-never-exits',
    severity: E,
    jobOnly: true,
    check: jobHelperNeverExits,
    summary: 'A Job/CronJob pod runs a long-running helper (proxy, agent, server) as a regular container: the Job never completes.',
  }),
  podRule({
    id: 'job-helper-manual-stop',
    severity: W,
    jobOnly: true,
    check: jobHelperStoppedByWorkaround,
    summary: 'A Job/CronJob helper runs as a regular container and is stopped by a hand-wired mechanism (kubexit, a quit file, /quitquitquit, pkill, linkerd-await): fragile, use a native sidecar.',
  }),
  podRule({
    id: 'init-container-never-exits',
    severity: E,
    check: initContainerNeverExits,
    summary: 'A regular init container serves (ports, a proxy/server image or command): the pod hangs in Init forever.',
  }),
  podRule({
    id: 'sidecar-missing-startup-probe',
    severity: E,
    check: sidecarMissingStartupProbe,
    summary: 'A native sidecar that serves has no startupProbe: the next container starts before it is ready.',
  }),
  podRule({
    id: 'native-sidecar-unsupported-version',
    severity: E,
    check: nativeSidecarUnsupported,
    summary: 'Native sidecars (init containers with restartPolicy: Always) on a Kubernetes version that does not run them.',
  }),
  podRule({
    id: 'invalid-container-restart-policy',
    severity: E,
    check: invalidRestartPolicy,
    summary: 'restartPolicy on a regular container, or an init container restartPolicy other than Always, that the API server rejects.',
  }),
  podRule({
    id: 'probe-on-plain-init-container',
    severity: E,
    check: probeOnPlainInit,
    summary: 'Probes or lifecycle hooks on an init container without restartPolicy: Always (rejected by the API server).',
  }),
  podRule({
    id: 'sidecar-startup-probe-slow',
    severity: I,
    check: startupProbeSlow,
    summary: 'A sidecar startupProbe with initialDelaySeconds > 0 or periodSeconds > 1 delays every pod start.',
  }),
  podRule({
    id: 'sidecar-declared-after-dependent-init',
    severity: W,
    check: sidecarAfterDependentInit,
    summary: 'A sidecar is declared after a regular init container that connects to its port: that init container runs without it.',
  }),
  podRule({
    id: 'container-port-conflict',
    severity: E,
    check: portConflicts,
    summary: 'Two containers that run at the same time declare the same port (they share the pod network namespace).',
  }),
  podRule({
    id: 'probe-named-port-undefined',
    severity: E,
    check: probeNamedPortUndefined,
    summary: 'A probe uses a named port the container does not declare: the probe can never succeed.',
  }),
  podRule({
    id: 'probe-port-not-declared',
    severity: I,
    check: probePortNotDeclared,
    summary: 'A probe targets a numeric port the container does not declare (the kubelet probes it anyway: info).',
  }),
  podRule({
    id: 'job-mesh-sidecar-injected',
    severity: W,
    jobOnly: true,
    check: meshInjection,
    summary: 'A Job/CronJob pod asks for service-mesh injection without native-sidecar mode: the injected proxy keeps the Job running.',
  }),
];
