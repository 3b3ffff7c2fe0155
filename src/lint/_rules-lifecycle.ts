/**
 * Sidecar lifecycle rules: helpers that never exit, native sidecar start-up (startupProbe), restartPolicy and probe
 * validity, declaration order, port conflicts. Facts: ../shared/reference/sidecar-semantics.md §2 (start-up), §5
 * (API validation), §8 (classic sidecars in Jobs).
 */
import { COMMON_FLAGS, PROXY_BINARY_DEFAULTS, PROXY_CONSTRUCT_DEFAULTS } from '../_proxy-flavors';
import {
  atLeast, CONTAINER_RESTART_RULES_BETA_MINOR, formatMinorVersion, SIDECAR_ALPHA_MINOR, SIDECAR_BETA_MINOR,
  unsupportedSidecarConsequence,
} from '../_version-facts';
import { Emit, PodContext } from './_engine';
import { ContainerInfo, loopbackPortsUsed, servingPorts, toPortNumber } from './_heuristics';
import { readProxyConfig } from './_proxy-config';

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

function jobHelperNeverExits(ctx: PodContext, emit: Emit): void {
  for (const { container: c, usedBy } of ctx.jobHelpers) {
    const dependency = usedBy ? ` ('${usedBy.client.name}' connects to its port ${usedBy.port})` : '';
    emit('job-helper-never-exits', c, c.path,
      `container '${c.name}' ${servingFact(c)}${dependency} as a regular container of a ${ctx.kind} pod: it never exits, so the Job never completes (and the other containers race its start-up)`,
      helperFix(c));
  }
}

function initContainerNeverExits(ctx: PodContext, emit: Emit): void {
  const total = ctx.inits.length + ctx.sidecars.length;
  for (const c of ctx.inits) {
    if (c.ports.length === 0 && c.serverReason === undefined) continue;
    emit('init-container-never-exits', c, c.path,
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

function sidecarMissingStartupProbe(ctx: PodContext, emit: Emit): void {
  for (const c of ctx.sidecars) {
    if (!c.serves || c.c.startupProbe) continue;
    const readiness = c.c.readinessProbe ? ' (its readinessProbe does not delay the next container)' : '';
    emit('sidecar-missing-startup-probe', c, `${c.path}.startupProbe`,
      `sidecar '${c.name}' ${servingFact(c)} but has no startupProbe${readiness}: the kubelet starts the next container as soon as the sidecar process runs, before it accepts connections`,
      startupProbeFix(c));
  }
}

function nativeSidecarUnsupported(ctx: PodContext, emit: Emit): void {
  if (ctx.sidecarsWork) return;
  for (const c of ctx.sidecars) {
    emit('native-sidecar-unsupported-version', c, `${c.path}.restartPolicy`,
      `sidecar '${c.name}' (an init container with restartPolicy: Always) targets Kubernetes ${formatMinorVersion(ctx.version)}: ${unsupportedSidecarConsequence(ctx.version)}`,
      `target Kubernetes >= ${SIDECARS_ON_BY_DEFAULT} (--kubernetes-version), or on ${SIDECARS_ALPHA} enable the SidecarContainers feature gate on every component (--feature-gates SidecarContainers=true); otherwise run the helper as a regular container that the app stops when it is done`);
  }
}

function invalidRestartPolicy(ctx: PodContext, emit: Emit): void {
  const rulesBeta = atLeast(ctx.version, { major: ctx.version.major, minor: CONTAINER_RESTART_RULES_BETA_MINOR });
  const valid = ['Always', 'OnFailure', 'Never'];
  const v = formatMinorVersion(ctx.version);
  for (const c of ctx.mains) {
    const rp = c.c.restartPolicy;
    if (rp === undefined || rp === null) continue;
    if (rulesBeta && valid.includes(rp)) continue;
    emit('invalid-container-restart-policy', c, `${c.path}.restartPolicy`,
      rulesBeta
        ? `container '${c.name}' sets restartPolicy: ${JSON.stringify(rp)}: supported values are "Always", "OnFailure", "Never"`
        : `regular container '${c.name}' sets restartPolicy: ${JSON.stringify(rp)}, which the API server of Kubernetes ${v} rejects ("may not be set for non-init containers"; allowed from ${k8s(CONTAINER_RESTART_RULES_BETA_MINOR)} with ContainerRestartRules)`,
      `remove restartPolicy from '${c.name}'; to run it as a sidecar, move it to initContainers with restartPolicy: Always`);
  }
  for (const c of ctx.inits) {
    const rp = c.c.restartPolicy;
    if (rp === undefined || rp === null) continue;
    if (rulesBeta && valid.includes(rp)) continue;
    emit('invalid-container-restart-policy', c, `${c.path}.restartPolicy`,
      `init container '${c.name}' sets restartPolicy: ${JSON.stringify(rp)}, which the API server of Kubernetes ${v} rejects (supported values: "Always"${rulesBeta ? ', "OnFailure", "Never"' : ''})`,
      `use restartPolicy: Always to make '${c.name}' a native sidecar, or remove the field for a run-once init container`);
  }
}

function probeOnPlainInit(ctx: PodContext, emit: Emit): void {
  for (const c of ctx.inits) {
    const fields = [...PROBES, 'lifecycle'].filter(f => c.c[f] !== undefined && c.c[f] !== null);
    if (fields.length === 0) continue;
    emit('probe-on-plain-init-container', c, `${c.path}.${fields[0]}`,
      `init container '${c.name}' sets ${fields.join(', ')} but has no restartPolicy: Always: the API server rejects the pod ("may not be set for init containers without restartPolicy=Always")`,
      `add restartPolicy: Always if '${c.name}' is a sidecar, otherwise remove ${fields.join(', ')}`);
  }
}

function startupProbeSlow(ctx: PodContext, emit: Emit): void {
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
    emit('sidecar-startup-probe-slow', c, `${c.path}.startupProbe`,
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

function sidecarAfterDependentInit(ctx: PodContext, emit: Emit): void {
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
      emit('sidecar-declared-after-dependent-init', s, s.path,
        `sidecar '${s.name}' is declared after init container '${init.name}', which connects to its port ${port}: '${init.name}' runs to completion before '${s.name}' starts, so it cannot reach it`,
        `move '${s.name}' before '${init.name}' in initContainers (init containers and sidecars start in declaration order)`);
    }
  }
}

function portConflicts(ctx: PodContext, emit: Emit): void {
  const seen = new Map<string, ContainerInfo>();
  const check = (c: ContainerInfo, register: boolean, scope: Map<string, ContainerInfo>) => {
    for (const p of c.ports) {
      const keys = [`${p.port}/${p.protocol}`];
      if (p.hostPort) keys.push(`host ${p.hostPort}/${p.protocol}`);
      for (const key of keys) {
        const other = scope.get(key);
        if (other && other !== c) {
          const what = key.startsWith('host ') ? `hostPort ${key.slice(5)}` : `port ${key}`;
          emit('container-port-conflict', c, `${c.path}.ports[${p.index}]`,
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

function probePorts(ctx: PodContext, emit: Emit): void {
  for (const c of ctx.containers) {
    if (c.role !== 'sidecar' && c.role !== 'main') continue;
    const byPort = new Map<string, { probes: string[]; path: string; named: boolean }>();
    for (const probe of PROBES) {
      const p = c.c[probe];
      if (!p || typeof p !== 'object') continue;
      for (const handler of ['httpGet', 'tcpSocket', 'grpc']) {
        const h = p[handler];
        if (!h || typeof h !== 'object' || h.port === undefined || h.port === null) continue;
        const num = toPortNumber(h.port);
        const named = num === undefined;
        const declared = named ? c.ports.some(d => d.name === h.port) : c.ports.some(d => d.port === num);
        if (declared) continue;
        const key = String(h.port);
        const entry = byPort.get(key) ?? { probes: [], path: `${c.path}.${probe}.${handler}.port`, named };
        entry.probes.push(probe);
        byPort.set(key, entry);
      }
    }
    for (const [port, e] of byPort) {
      const who = c.role === 'sidecar' ? 'sidecar' : 'container';
      if (e.named) {
        emit('probe-named-port-undefined', c, e.path,
          `${who} '${c.name}' ${e.probes.join(', ')} uses the named port '${port}', which '${c.name}' does not declare: the probe can never succeed`,
          `declare ports: [{name: ${port}, containerPort: <port>}] on '${c.name}', or use the port number in the probe`);
      } else {
        emit('probe-port-not-declared', c, e.path,
          `${who} '${c.name}' ${e.probes.join(', ')} targets port ${port}, which '${c.name}' does not declare in ports`,
          `declare containerPort ${port} on '${c.name}' (or probe the port it declares)`);
      }
    }
  }
}

const ISTIO_INJECT = 'sidecar.istio.io/inject';
const LINKERD_INJECT = 'linkerd.io/inject';
const LINKERD_NATIVE = 'config.beta.linkerd.io/proxy-enable-native-sidecar';

function meshInjection(ctx: PodContext, emit: Emit): void {
  if (!ctx.isJob) return;
  if (ctx.containers.some(c => c.name === 'istio-proxy' || c.name === 'linkerd-proxy')) return; // already injected: job-helper-never-exits
  const annotations = ctx.pod.metadata?.annotations ?? {};
  const labels = ctx.pod.metadata?.labels ?? {};
  const istio = String(annotations[ISTIO_INJECT] ?? labels[ISTIO_INJECT] ?? '').toLowerCase() === 'true';
  const linkerd = ['enabled', 'ingress'].includes(String(annotations[LINKERD_INJECT] ?? '').toLowerCase())
    && String(annotations[LINKERD_NATIVE] ?? '').toLowerCase() !== 'true';
  if (istio) {
    emit('job-mesh-sidecar-injected', undefined, `${ctx.metadataPath}.${annotations[ISTIO_INJECT] !== undefined ? 'annotations' : 'labels'}`,
      `the ${ctx.kind} pod template requests Istio injection (${ISTIO_INJECT}: "true"): unless Istio runs in native-sidecar mode, the injected istio-proxy is a regular container that never exits, so the Job never completes`,
      `enable Istio native sidecars (ENABLE_NATIVE_SIDECARS=true on istiod, Istio >= 1.19, Kubernetes >= ${SIDECARS_ON_BY_DEFAULT}) and suppress this rule with lint.cdk8s-sidecars.io/ignore, or set ${ISTIO_INJECT}: "false" on the Job's pods`);
  }
  if (linkerd) {
    emit('job-mesh-sidecar-injected', undefined, `${ctx.metadataPath}.annotations`,
      `the ${ctx.kind} pod template requests Linkerd injection (${LINKERD_INJECT}: ${annotations[LINKERD_INJECT]}) without native-sidecar mode: the injected linkerd-proxy is a regular container that never exits, so the Job never completes`,
      `add the annotation ${LINKERD_NATIVE}: "true" to the pod template (Kubernetes >= ${SIDECARS_ON_BY_DEFAULT}), or disable injection for the Job`);
  }
}

export function checkLifecycle(ctx: PodContext, emit: Emit): void {
  jobHelperNeverExits(ctx, emit);
  initContainerNeverExits(ctx, emit);
  sidecarMissingStartupProbe(ctx, emit);
  nativeSidecarUnsupported(ctx, emit);
  invalidRestartPolicy(ctx, emit);
  probeOnPlainInit(ctx, emit);
  startupProbeSlow(ctx, emit);
  sidecarAfterDependentInit(ctx, emit);
  portConflicts(ctx, emit);
  probePorts(ctx, emit);
  meshInjection(ctx, emit);
}
