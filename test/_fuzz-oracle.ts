/**
 * An independent oracle for synthesized manifests, written for the property-based test from the Kubernetes API's
 * own rules (not shared with src/): the kubernetes-models JSON schema, a strict unknown-field check, and the API
 * server's validation of the fields our constructs emit (kubernetes/kubernetes pkg/apis/core/validation
 * `ValidatePodSpec`, `validateContainers`, `validateInitContainers`, `validateProbe`, `ValidatePorts`,
 * `validateEnv`, `ValidateVolumeMounts`, `ValidateResourceRequirements`; pkg/apis/batch/validation
 * `validateJobSpec`, `validateCronJobSpec`), plus the restricted Pod Security Standard for what we default.
 * Returns human-readable violations; [] when the manifest is valid.
 */
import { podSpecIn, pssRestrictedViolations } from './_pss';
import { unknownFields } from './_strict-schema';

const INT32_MAX = 2_147_483_647;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** kubernetes-models class for an apiVersion/kind. */
function modelFor(apiVersion: string, kind: string): any {
  const group = apiVersion.includes('/') ? apiVersion : 'v1';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(`kubernetes-models/${group === 'v1' ? 'v1' : group}`);
  return mod[kind];
}

const isInt = (v: unknown, min: number, max = INT32_MAX) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

function dnsLabel(v: unknown, max = 63): boolean {
  return typeof v === 'string' && v.length <= max && DNS_LABEL.test(v);
}

function ianaSvcName(v: string): boolean {
  return v.length <= 15 && IANA_SVC_NAME.test(v) && /[a-z]/.test(v) && !v.includes('--');
}

/** CPU in millicores or memory in bytes, from a Kubernetes quantity. */
function quantity(q: unknown): number | undefined {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string') return undefined;
  const m = /^([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(q);
  if (!m) return undefined;
  const mult: { [u: string]: number } = { '': 1, 'm': 0.001, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'Ki': 1024, 'Mi': 1024 ** 2, 'Gi': 1024 ** 3, 'Ti': 1024 ** 4 };
  return Number(m[1]) * mult[m[2] ?? ''];
}

function probe(where: string, p: any, kind: string, ports: any[], out: string[]): void {
  if (!p) return;
  for (const f of ['periodSeconds', 'timeoutSeconds', 'failureThreshold', 'successThreshold']) {
    if (p[f] !== undefined && !isInt(p[f], 1)) out.push(`${where}.${f} ${p[f]} not in 1..int32`);
  }
  if (p.initialDelaySeconds !== undefined && !isInt(p.initialDelaySeconds, 0)) out.push(`${where}.initialDelaySeconds ${p.initialDelaySeconds}`);
  if ((kind === 'liveness' || kind === 'startup') && p.successThreshold !== undefined && p.successThreshold !== 1) out.push(`${where}.successThreshold must be 1`);
  const handlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'].filter(h => p[h] !== undefined);
  if (handlers.length !== 1) out.push(`${where}: exactly one handler, got ${handlers}`);
  if (p.exec && (!Array.isArray(p.exec.command) || p.exec.command.length === 0)) out.push(`${where}.exec.command empty`);
  for (const h of ['httpGet', 'tcpSocket']) {
    const port = p[h]?.port;
    if (port === undefined) continue;
    if (typeof port === 'number' ? !isInt(port, 1, 65535) : !(typeof port === 'string' && ianaSvcName(port))) out.push(`${where}.${h}.port ${port}`);
    if (typeof port === 'string' && !ports.some(x => x.name === port)) out.push(`${where}.${h}.port '${port}' is not a named port of the container`);
  }
  if (p.grpc && !isInt(p.grpc.port, 1, 65535)) out.push(`${where}.grpc.port`);
}

function handler(where: string, h: any, out: string[]): void {
  if (!h) return;
  if (h.exec && (!Array.isArray(h.exec.command) || h.exec.command.length === 0)) out.push(`${where}.exec.command empty`);
  const port = h.httpGet?.port ?? h.tcpSocket?.port;
  if (port !== undefined && (typeof port === 'number' ? !isInt(port, 1, 65535) : !ianaSvcName(String(port)))) out.push(`${where} port ${port}`);
}

function container(where: string, c: any, init: boolean, volumes: Set<string>, out: string[]): void {
  if (!dnsLabel(c.name)) out.push(`${where}.name '${c.name}'`);
  if (typeof c.image !== 'string' || c.image.trim() === '' || c.image !== c.image.trim()) out.push(`${where}.image '${c.image}'`);
  const ports: any[] = c.ports ?? [];
  const portNames = new Set<string>();
  const portKeys = new Set<string>();
  for (const p of ports) {
    if (!isInt(p.containerPort, 1, 65535)) out.push(`${where}.ports containerPort ${p.containerPort}`);
    if (p.hostPort !== undefined && !isInt(p.hostPort, 1, 65535)) out.push(`${where}.ports hostPort ${p.hostPort}`);
    if (p.name !== undefined) {
      if (!ianaSvcName(p.name)) out.push(`${where}.ports name '${p.name}'`);
      if (portNames.has(p.name)) out.push(`${where}.ports name '${p.name}' twice`);
      portNames.add(p.name);
    }
    const key = `${p.containerPort}/${p.protocol ?? 'TCP'}`;
    if (portKeys.has(key)) out.push(`${where}.ports ${key} twice`);
    portKeys.add(key);
  }
  for (const e of c.env ?? []) {
    if (typeof e.name !== 'string' || !ENV_NAME.test(e.name)) out.push(`${where}.env name '${e.name}'`);
  }
  const mountPaths = new Set<string>();
  for (const m of c.volumeMounts ?? []) {
    if (!volumes.has(m.name)) out.push(`${where}.volumeMounts '${m.name}' has no volume`);
    if (typeof m.mountPath !== 'string' || m.mountPath === '') out.push(`${where}.volumeMounts mountPath empty`);
    if (mountPaths.has(m.mountPath)) out.push(`${where}.volumeMounts mountPath '${m.mountPath}' twice`);
    mountPaths.add(m.mountPath);
    if (m.subPath !== undefined && (m.subPath.startsWith('/') || m.subPath.split('/').includes('..'))) out.push(`${where}.volumeMounts subPath '${m.subPath}'`);
  }
  const sidecar = c.restartPolicy === 'Always';
  if (c.restartPolicy !== undefined && (!init || c.restartPolicy !== 'Always')) out.push(`${where}.restartPolicy ${c.restartPolicy}`);
  if (init && !sidecar) {
    for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) if (c[f] !== undefined) out.push(`${where}.${f} on a plain init container`);
  }
  probe(`${where}.livenessProbe`, c.livenessProbe, 'liveness', ports, out);
  probe(`${where}.readinessProbe`, c.readinessProbe, 'readiness', ports, out);
  probe(`${where}.startupProbe`, c.startupProbe, 'startup', ports, out);
  handler(`${where}.lifecycle.postStart`, c.lifecycle?.postStart, out);
  handler(`${where}.lifecycle.preStop`, c.lifecycle?.preStop, out);
  for (const r of ['cpu', 'memory']) {
    const req = quantity(c.resources?.requests?.[r]);
    const lim = quantity(c.resources?.limits?.[r]);
    if (c.resources?.requests?.[r] !== undefined && req === undefined) out.push(`${where}.resources.requests.${r} '${c.resources.requests[r]}'`);
    if (req !== undefined && lim !== undefined && req > lim) out.push(`${where}.resources ${r} request above limit`);
    if (req !== undefined && req < 0) out.push(`${where}.resources ${r} negative`);
  }
  const sc = c.securityContext ?? {};
  for (const f of ['runAsUser', 'runAsGroup']) if (sc[f] !== undefined && !isInt(sc[f], 0, Number.MAX_SAFE_INTEGER)) out.push(`${where}.securityContext.${f} ${sc[f]}`);
  if (sc.seccompProfile?.type === 'Localhost' && !sc.seccompProfile.localhostProfile) out.push(`${where}.securityContext.seccompProfile Localhost without localhostProfile`);
  if (sc.seccompProfile?.type !== 'Localhost' && sc.seccompProfile?.localhostProfile !== undefined) out.push(`${where}.securityContext.seccompProfile localhostProfile without Localhost`);
}

const CRON_FIELD = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];

function cronScheduleValid(schedule: unknown): boolean {
  if (typeof schedule !== 'string') return false;
  if (/^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/.test(schedule)) return true;
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5) return false;
  return fields.every((f, i) => f.split(',').every(part => {
    const [range, step] = part.split('/');
    if (step !== undefined && !/^\d+$/.test(step)) return false;
    if (range === '*' || range === '?') return true;
    const [lo, hi] = range.split('-');
    const [min, max] = CRON_FIELD[i];
    const ok = (x: string | undefined) => x !== undefined && /^\d+$/.test(x) && Number(x) >= min && Number(x) <= max;
    return ok(lo) && (hi === undefined || ok(hi));
  }));
}

function timeZoneValid(tz: unknown): boolean {
  if (tz === undefined) return true;
  if (typeof tz !== 'string' || tz === '' || tz.toLowerCase() === 'local') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Violations of one manifest.
 * @param m a synthesized Kubernetes object
 * @param restricted also check the restricted Pod Security Standard (when the generator left the security fields
 *   to the constructs' defaults)
 */
export function oracle(m: any, restricted: boolean): string[] {
  const out: string[] = [];
  const where = `${m.kind}/${m.metadata?.name}`;
  const Model = modelFor(m.apiVersion, m.kind);
  if (Model) {
    try {
      new Model(m).validate();
    } catch (e) {
      out.push(`${where}: schema: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  try {
    out.push(...unknownFields(m).map(f => `${where}: unknown field ${f}`));
  } catch {
    // kinds the strict schema does not know (none we emit)
  }
  const name = m.metadata?.name;
  if (typeof name !== 'string' || name.length > 253 || !DNS_SUBDOMAIN.test(name)) out.push(`${where}: metadata.name`);
  if (m.kind === 'Job' && !dnsLabel(name)) out.push(`${where}: a Job name must be a DNS-1123 label (pod label value)`);
  if (m.kind === 'CronJob' && !dnsLabel(name, 52)) out.push(`${where}: a CronJob name must be a DNS-1123 label of at most 52`);
  const jobSpec = m.kind === 'Job' ? m.spec : m.kind === 'CronJob' ? m.spec?.jobTemplate?.spec : undefined;
  if (jobSpec) {
    for (const f of ['backoffLimit', 'ttlSecondsAfterFinished', 'completions', 'parallelism']) if (jobSpec[f] !== undefined && !isInt(jobSpec[f], 0)) out.push(`${where}: ${f} ${jobSpec[f]}`);
    if (jobSpec.activeDeadlineSeconds !== undefined && !isInt(jobSpec.activeDeadlineSeconds, 1, Number.MAX_SAFE_INTEGER)) out.push(`${where}: activeDeadlineSeconds`);
  }
  if (m.kind === 'CronJob') {
    if (!cronScheduleValid(m.spec?.schedule)) out.push(`${where}: schedule '${m.spec?.schedule}'`);
    if (!timeZoneValid(m.spec?.timeZone)) out.push(`${where}: timeZone '${m.spec?.timeZone}'`);
    for (const f of ['successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) if (m.spec?.[f] !== undefined && !isInt(m.spec[f], 0)) out.push(`${where}: ${f}`);
    if (m.spec?.startingDeadlineSeconds !== undefined && !isInt(m.spec.startingDeadlineSeconds, 0, Number.MAX_SAFE_INTEGER)) out.push(`${where}: startingDeadlineSeconds`);
  }
  if (m.kind === 'ServiceAccount' && typeof name !== 'string') out.push(`${where}: ServiceAccount without a name`);
  const spec = podSpecIn(m);
  if (spec) {
    const volumes = new Set<string>();
    for (const v of spec.volumes ?? []) {
      if (!dnsLabel(v.name)) out.push(`${where}: volume name '${v.name}'`);
      if (volumes.has(v.name)) out.push(`${where}: volume '${v.name}' twice`);
      volumes.add(v.name);
    }
    const names = new Set<string>();
    const inits: any[] = spec.initContainers ?? [];
    const mains: any[] = spec.containers ?? [];
    if (mains.length === 0) out.push(`${where}: no containers`);
    for (const [c, init] of [...inits.map(x => [x, true] as const), ...mains.map(x => [x, false] as const)]) {
      if (names.has(c.name)) out.push(`${where}: container name '${c.name}' twice`);
      names.add(c.name);
      container(`${where} ${init ? 'initContainer' : 'container'} '${c.name}'`, c, init, volumes, out);
    }
    if (spec.terminationGracePeriodSeconds !== undefined && !isInt(spec.terminationGracePeriodSeconds, 0, Number.MAX_SAFE_INTEGER)) out.push(`${where}: terminationGracePeriodSeconds`);
    if (spec.serviceAccountName !== undefined && !(typeof spec.serviceAccountName === 'string' && DNS_SUBDOMAIN.test(spec.serviceAccountName))) out.push(`${where}: serviceAccountName`);
    const sc = spec.securityContext ?? {};
    for (const f of ['runAsUser', 'runAsGroup', 'fsGroup']) if (sc[f] !== undefined && !isInt(sc[f], 0, Number.MAX_SAFE_INTEGER)) out.push(`${where}: pod securityContext.${f} ${sc[f]}`);
    if (restricted) out.push(...pssRestrictedViolations(spec).map(v => `${where}: PSS restricted: ${v}`));
  }
  return out;
}
