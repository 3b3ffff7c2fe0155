/**
 * Image pinning and Pod Security Standards (restricted profile, which includes baseline) on every container type:
 * init containers, native sidecars, regular and ephemeral containers. Facts: ../shared/reference/linters.md §4 and
 * §7 rows 12, 28-36 (kubernetes/pod-security-admission policy checks).
 */
import { Manifest } from '../_manifest';
import { Emit, PodContext } from './_engine';
import { ContainerInfo, imagePinProblem } from './_heuristics';

/** Volume types the restricted profile allows. */
const RESTRICTED_VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
/** Sysctls the baseline profile allows. */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
]);

function roleWord(c: ContainerInfo): string {
  return c.role === 'sidecar' ? 'sidecar' : c.role === 'init' ? 'init container' : c.role === 'ephemeral' ? 'ephemeral container' : 'container';
}

function images(ctx: PodContext, emit: Emit): void {
  for (const c of ctx.containers) {
    const image = c.c.image;
    if (typeof image !== 'string') continue;
    const problem = imagePinProblem(image);
    if (!problem) continue;
    emit('image-latest-or-untagged', c, `${c.path}.image`,
      problem === 'latest'
        ? `${roleWord(c)} '${c.name}' uses image '${image}' with the 'latest' tag: what runs changes with every pull`
        : `${roleWord(c)} '${c.name}' uses image '${image}' without a tag, which means 'latest': what runs changes with every pull`,
      `pin '${c.name}' to a version tag or a digest (e.g. '${image.replace(/:latest$/, '')}:<version>' or '...@sha256:<digest>')`);
  }
}

function containerPss(c: ContainerInfo, podSc: Manifest, windows: boolean): { problems: string[]; fixes: string[] } {
  const sc: Manifest = c.c.securityContext && typeof c.c.securityContext === 'object' ? c.c.securityContext : {};
  const problems: string[] = [];
  const fixes: string[] = [];
  if (sc.privileged === true) {
    problems.push('privileged: true');
    fixes.push('privileged: false');
  }
  if (!windows && sc.allowPrivilegeEscalation !== false) {
    problems.push('allowPrivilegeEscalation is not false');
    fixes.push('allowPrivilegeEscalation: false');
  }
  const runAsNonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
  if (runAsNonRoot !== true) {
    problems.push(runAsNonRoot === false ? 'runAsNonRoot: false' : 'runAsNonRoot is not set');
    fixes.push('runAsNonRoot: true');
  }
  if ((sc.runAsUser ?? podSc.runAsUser) === 0) {
    problems.push('runAsUser: 0');
    fixes.push('a non-zero runAsUser');
  }
  if (!windows) {
    const caps = sc.capabilities ?? {};
    const drop: unknown[] = Array.isArray(caps.drop) ? caps.drop : [];
    if (!drop.includes('ALL')) {
      problems.push('capabilities.drop does not include ALL');
      fixes.push('capabilities: {drop: [ALL]}');
    }
    const add: unknown[] = Array.isArray(caps.add) ? caps.add : [];
    const extra = add.filter(a => a !== 'NET_BIND_SERVICE');
    if (extra.length > 0) {
      problems.push(`capabilities.add has ${extra.join(', ')}`);
      fixes.push('no added capability other than NET_BIND_SERVICE');
    }
    const seccomp = sc.seccompProfile?.type ?? podSc.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
      problems.push(seccomp ? `seccompProfile.type is ${seccomp}` : 'seccompProfile.type is not set');
      fixes.push('seccompProfile: {type: RuntimeDefault}');
    }
  }
  if (sc.procMount !== undefined && sc.procMount !== 'Default') {
    problems.push(`procMount: ${sc.procMount}`);
    fixes.push('no procMount (Default)');
  }
  const hostPorts = c.ports.filter(p => p.hostPort).map(p => p.hostPort);
  if (hostPorts.length > 0) {
    problems.push(`hostPort ${hostPorts.join(', ')}`);
    fixes.push('no hostPort');
  }
  return { problems, fixes };
}

function pss(ctx: PodContext, emit: Emit): void {
  const spec = ctx.spec;
  const podSc: Manifest = spec.securityContext && typeof spec.securityContext === 'object' ? spec.securityContext : {};
  const windows = spec.os?.name === 'windows';
  for (const c of ctx.containers) {
    const { problems, fixes } = containerPss(c, podSc, windows);
    if (problems.length === 0) continue;
    emit('pss-restricted', c, `${c.path}.securityContext`,
      `${roleWord(c)} '${c.name}' does not meet the Pod Security Standards restricted profile: ${problems.join('; ')}`,
      `set on '${c.name}' securityContext: ${fixes.join(', ')} (runAsNonRoot and seccompProfile may instead be set once in the pod securityContext)`);
  }
  const podProblems: string[] = [];
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[f] === true) podProblems.push(`${f}: true`);
  for (const v of Array.isArray(spec.volumes) ? spec.volumes : []) {
    const type = Object.keys(v ?? {}).find(k => k !== 'name');
    if (type && !RESTRICTED_VOLUME_TYPES.has(type)) podProblems.push(`volume '${v.name}' is of type ${type}`);
  }
  for (const s of Array.isArray(podSc.sysctls) ? podSc.sysctls : []) {
    if (typeof s?.name === 'string' && !SAFE_SYSCTLS.has(s.name)) podProblems.push(`unsafe sysctl ${s.name}`);
  }
  if (podProblems.length > 0) {
    emit('pss-restricted', undefined, ctx.pod.path,
      `the pod of this ${ctx.kind} does not meet the Pod Security Standards restricted profile: ${podProblems.join('; ')}`,
      'remove host namespaces and unsafe sysctls, and use only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected or secret volumes');
  }
}

export function checkSecurity(ctx: PodContext, emit: Emit): void {
  images(ctx, emit);
  pss(ctx, emit);
}
