/**
 * Image pinning and Pod Security Standards (restricted profile, which includes baseline) on every container type:
 * init containers, native sidecars, regular and ephemeral containers. Source: the Pod Security admission checks
 * (https://github.com/kubernetes/pod-security-admission/tree/master/policy, one `check_*.go` per control) and
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/.
 *
 * Controls are those of the latest profile version: a control added in a later release (the probe/lifecycle `host`
 * check of 1.34, sysctls allowed from 1.32) is applied whatever the target version, so an upgrade cannot start
 * rejecting the pods. Relaxations for user-namespaced pods (`hostUsers: false`, 1.35) are not applied.
 */
import { Manifest } from '../_manifest';
import { PodContext, podRule, Report } from './_context';
import { ContainerInfo, imagePinProblem } from './_heuristics';
import { Severity } from './types';

/** Volume types the restricted profile allows (`image` included: the PSA code accepts `volume.Image`). */
const RESTRICTED_VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret']);
/** Sysctls the baseline profile allows (the list grows by release; this is the latest one, policy/check_sysctls.go). */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes', 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem',
]);
/** Capabilities the baseline profile lets a container add (restricted allows NET_BIND_SERVICE only). */
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID',
  'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);
/** SELinux types the baseline profile allows (`container_engine_t` since 1.31); `user` and `role` must be unset. */
const SELINUX_TYPES = new Set(['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
/** AppArmor profile types the baseline profile allows (field); anything else, i.e. `Unconfined`, is forbidden. */
const APPARMOR_TYPES = new Set(['RuntimeDefault', 'Localhost']);
/** The legacy per-container AppArmor annotation; values `runtime/default` and `localhost/<profile>` are allowed. */
const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
/**
 * The only `host` values the baseline profile allows on probes and lifecycle handlers (1.34, KEP-4940,
 * kubernetes#125271): loopback IPs. Any other host, `localhost` included, is forbidden.
 */
const ALLOWED_HANDLER_HOSTS = new Set(['127.0.0.1', '::1']);
const HOST_HANDLERS = ['httpGet', 'tcpSocket'] as const;

function roleWord(c: ContainerInfo): string {
  return c.role === 'sidecar' ? 'sidecar' : c.role === 'init' ? 'init container' : c.role === 'ephemeral' ? 'ephemeral container' : 'container';
}

function images(ctx: PodContext, report: Report): void {
  for (const c of ctx.containers) {
    const image = c.c.image;
    if (typeof image !== 'string') continue;
    const problem = imagePinProblem(image);
    if (!problem) continue;
    report(c, `${c.path}.image`,
      problem === 'latest'
        ? `${roleWord(c)} '${c.name}' uses image '${image}' with the 'latest' tag: what runs changes with every pull`
        : `${roleWord(c)} '${c.name}' uses image '${image}' without a tag, which means 'latest': what runs changes with every pull`,
      `pin '${c.name}' to a version tag or a digest (e.g. '${image.replace(/:latest$/, '')}:<version>' or '...@sha256:<digest>')`);
  }
}

interface PssResult {
  /** Failed controls, e.g. `privileged: true`. */
  readonly problems: string[];
  /** Values to set in the container securityContext. */
  readonly settings: string[];
  /** Other changes (ports, probes, annotations). */
  readonly actions: string[];
  /** Where the finding points when only non-securityContext controls failed. */
  firstPath?: string;
}

function objectAt(v: unknown): Manifest {
  return v && typeof v === 'object' && !Array.isArray(v) ? v as Manifest : {};
}

/** SELinux options the baseline profile forbids, e.g. `seLinuxOptions.type spc_t`. */
function seLinuxProblems(opts: Manifest): string[] {
  const out: string[] = [];
  if (typeof opts.type === 'string' && opts.type !== '' && !SELINUX_TYPES.has(opts.type)) out.push(`seLinuxOptions.type ${opts.type}`);
  for (const f of ['user', 'role']) if (typeof opts[f] === 'string' && opts[f] !== '') out.push(`seLinuxOptions.${f} ${opts[f]}`);
  return out;
}

/** `liveness.httpGet.host 10.0.0.1`-style problems for probe and lifecycle handlers that target another host. */
function hostHandlerProblems(c: ContainerInfo): { problems: string[]; path?: string } {
  const problems: string[] = [];
  let path: string | undefined;
  const check = (handlerOwner: unknown, where: string) => {
    const o = objectAt(handlerOwner);
    for (const h of HOST_HANDLERS) {
      const host = objectAt(o[h]).host;
      if (typeof host !== 'string' || host === '' || ALLOWED_HANDLER_HOSTS.has(host)) continue;
      problems.push(`${where}.${h}.host ${host}`);
      path ??= `${c.path}.${where}.${h}.host`;
    }
  };
  for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) check(c.c[probe], probe);
  const lifecycle = objectAt(c.c.lifecycle);
  for (const hook of ['postStart', 'preStop']) check(lifecycle[hook], `lifecycle.${hook}`);
  return { problems, path };
}

function containerPss(c: ContainerInfo, podSc: Manifest, windows: boolean, appArmorAnnotation: string | undefined, metadataPath: string): PssResult {
  const sc = objectAt(c.c.securityContext);
  const r: PssResult = { problems: [], settings: [], actions: [] };
  const bad = (problem: string, setting: string) => {
    r.problems.push(problem);
    r.settings.push(setting);
  };
  // baseline
  if (sc.privileged === true) bad('privileged: true', 'privileged: false');
  if (objectAt(sc.windowsOptions).hostProcess === true) bad('windowsOptions.hostProcess: true', 'no windowsOptions.hostProcess');
  const appArmor = objectAt(sc.appArmorProfile).type;
  if (appArmor !== undefined && appArmor !== null && !APPARMOR_TYPES.has(appArmor)) bad(`appArmorProfile.type ${appArmor}`, 'appArmorProfile: {type: RuntimeDefault} (or none)');
  for (const p of seLinuxProblems(objectAt(sc.seLinuxOptions))) bad(p, 'no seLinuxOptions user/role, and type container_t or none');
  if (sc.procMount !== undefined && sc.procMount !== 'Default') bad(`procMount: ${sc.procMount}`, 'no procMount (Default)');
  // restricted (Linux-only controls are skipped on Windows pods, as PSA does from 1.25)
  if (!windows && sc.allowPrivilegeEscalation !== false) bad('allowPrivilegeEscalation is not false', 'allowPrivilegeEscalation: false');
  const runAsNonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
  if (runAsNonRoot !== true) bad(runAsNonRoot === false ? 'runAsNonRoot: false' : 'runAsNonRoot is not set', 'runAsNonRoot: true');
  if ((sc.runAsUser ?? podSc.runAsUser) === 0) bad('runAsUser: 0', 'a non-zero runAsUser');
  const caps = objectAt(sc.capabilities);
  const add: unknown[] = Array.isArray(caps.add) ? caps.add : [];
  if (!windows) {
    const drop: unknown[] = Array.isArray(caps.drop) ? caps.drop : [];
    if (!drop.includes('ALL')) bad('capabilities.drop does not include ALL', 'capabilities: {drop: [ALL]}');
    const extra = add.filter(a => a !== 'NET_BIND_SERVICE');
    if (extra.length > 0) bad(`capabilities.add has ${extra.join(', ')}`, 'no added capability other than NET_BIND_SERVICE');
    const seccomp = objectAt(sc.seccompProfile).type ?? objectAt(podSc.seccompProfile).type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
      bad(seccomp ? `seccompProfile.type is ${seccomp}` : 'seccompProfile.type is not set', 'seccompProfile: {type: RuntimeDefault}');
    }
  } else {
    const extra = add.filter(a => typeof a !== 'string' || !BASELINE_CAPABILITIES.has(a));
    if (extra.length > 0) bad(`capabilities.add has ${extra.join(', ')}`, 'no added capability outside the baseline list');
  }
  // baseline controls outside securityContext
  const hostPorts = c.ports.filter(p => p.hostPort).map(p => p.hostPort);
  if (hostPorts.length > 0) {
    r.problems.push(`hostPort ${hostPorts.join(', ')}`);
    r.actions.push('remove hostPort from its ports');
    r.firstPath ??= `${c.path}.ports[${c.ports.find(p => p.hostPort)!.index}].hostPort`;
  }
  const hosts = hostHandlerProblems(c);
  if (hosts.problems.length > 0) {
    r.problems.push(`${hosts.problems.join(', ')} (probes and lifecycle hooks may only target the host ${[...ALLOWED_HANDLER_HOSTS].join(' or ')})`);
    r.actions.push('remove host from its probes and lifecycle hooks (the kubelet then targets the pod IP)');
    r.firstPath ??= hosts.path;
  }
  if (appArmorAnnotation !== undefined) {
    r.problems.push(`annotation ${APPARMOR_ANNOTATION_PREFIX}${c.name}: ${appArmorAnnotation}`);
    r.actions.push(`remove the annotation ${APPARMOR_ANNOTATION_PREFIX}${c.name} (or set runtime/default)`);
    r.firstPath ??= `${metadataPath}.annotations`;
  }
  return r;
}

/** Whether a legacy AppArmor annotation value is allowed (`runtime/default`, `localhost/<profile>`, empty). */
function appArmorAnnotationAllowed(value: unknown): boolean {
  return value === undefined || value === null || value === '' || value === 'runtime/default' || (typeof value === 'string' && value.startsWith('localhost/'));
}

function pss(ctx: PodContext, report: Report): void {
  const spec = ctx.spec;
  const podSc = objectAt(spec.securityContext);
  const windows = objectAt(spec.os).name === 'windows';
  const annotations = objectAt(objectAt(ctx.pod.metadata).annotations);
  const badAppArmor = new Map<string, string>();
  for (const [key, value] of Object.entries(annotations)) {
    if (key.startsWith(APPARMOR_ANNOTATION_PREFIX) && !appArmorAnnotationAllowed(value)) {
      badAppArmor.set(key.slice(APPARMOR_ANNOTATION_PREFIX.length), String(value));
    }
  }
  for (const c of ctx.containers) {
    const r = containerPss(c, podSc, windows, badAppArmor.get(c.name), ctx.metadataPath);
    badAppArmor.delete(c.name);
    if (r.problems.length === 0) continue;
    const fixes: string[] = [];
    if (r.settings.length > 0) {
      fixes.push(`set on '${c.name}' securityContext: ${[...new Set(r.settings)].join(', ')} (runAsNonRoot and seccompProfile may instead be set once in the pod securityContext)`);
    }
    fixes.push(...r.actions.map(a => (r.settings.length > 0 ? a : `on '${c.name}': ${a}`)));
    report(c, r.settings.length > 0 || !r.firstPath ? `${c.path}.securityContext` : r.firstPath,
      `${roleWord(c)} '${c.name}' does not meet the Pod Security Standards restricted profile: ${r.problems.join('; ')}`,
      fixes.join('; '));
  }

  const podProblems: string[] = [];
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[f] === true) podProblems.push(`${f}: true`);
  if (objectAt(podSc.windowsOptions).hostProcess === true) podProblems.push('securityContext.windowsOptions.hostProcess: true');
  const podAppArmor = objectAt(podSc.appArmorProfile).type;
  if (podAppArmor !== undefined && podAppArmor !== null && !APPARMOR_TYPES.has(podAppArmor)) podProblems.push(`securityContext.appArmorProfile.type ${podAppArmor}`);
  if (objectAt(podSc.seccompProfile).type === 'Unconfined') podProblems.push('securityContext.seccompProfile.type Unconfined');
  for (const p of seLinuxProblems(objectAt(podSc.seLinuxOptions))) podProblems.push(`securityContext.${p}`);
  for (const [name, value] of badAppArmor) podProblems.push(`annotation ${APPARMOR_ANNOTATION_PREFIX}${name}: ${value}`);
  for (const v of Array.isArray(spec.volumes) ? spec.volumes : []) {
    const type = Object.keys(v ?? {}).find(k => k !== 'name');
    if (type && !RESTRICTED_VOLUME_TYPES.has(type)) podProblems.push(`volume '${v.name}' is of type ${type}`);
  }
  for (const s of Array.isArray(podSc.sysctls) ? podSc.sysctls : []) {
    if (typeof s?.name === 'string' && !SAFE_SYSCTLS.has(s.name)) podProblems.push(`unsafe sysctl ${s.name}`);
  }
  if (podProblems.length > 0) {
    report(undefined, ctx.pod.path,
      `the pod of this ${ctx.kind} does not meet the Pod Security Standards restricted profile: ${podProblems.join('; ')}`,
      'remove host namespaces, unsafe sysctls, hostProcess, Unconfined seccomp/AppArmor profiles (field or annotation) and SELinux user/role/custom types, and use only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret volumes');
  }
}

/** Image and Pod Security rules, in documentation order. */
export const SECURITY_RULES = [
  podRule({
    id: 'image-latest-or-untagged',
    severity: Severity.WARNING,
    check: images,
    summary: 'A container image uses the latest tag or no tag at all.',
  }),
  podRule({
    id: 'pss-restricted',
    severity: Severity.WARNING,
    check: pss,
    summary: 'A container (sidecars, init and ephemeral containers included) or the pod violates the Pod Security Standards restricted profile.',
  }),
];
