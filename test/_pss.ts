/**
 * An independent check of the Pod Security Standards *restricted* profile (Kubernetes docs, "Pod Security
 * Standards", v1.29+), written for the tests from the standard's table, not shared with src/lint.
 * Returns human-readable violations; [] when the pod spec passes.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
const ALLOWED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

export function pssRestrictedViolations(podSpec: any): string[] {
  const v: string[] = [];
  const podSc = podSpec.securityContext ?? {};
  if (podSpec.hostNetwork || podSpec.hostPID || podSpec.hostIPC) v.push('host namespaces');
  for (const vol of podSpec.volumes ?? []) {
    const types = Object.keys(vol).filter(k => k !== 'name');
    if (!types.every(t => ALLOWED_VOLUME_TYPES.includes(t))) v.push(`volume ${vol.name} type ${types}`);
  }
  const all = [
    ...(podSpec.initContainers ?? []),
    ...(podSpec.containers ?? []),
    ...(podSpec.ephemeralContainers ?? []),
  ];
  for (const c of all) {
    const sc = c.securityContext ?? {};
    const where = `container ${c.name}`;
    if (sc.privileged) v.push(`${where}: privileged`);
    if (sc.allowPrivilegeEscalation !== false) v.push(`${where}: allowPrivilegeEscalation must be false`);
    const runAsNonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
    if (runAsNonRoot !== true) v.push(`${where}: runAsNonRoot must be true`);
    if ((sc.runAsUser ?? podSc.runAsUser) === 0) v.push(`${where}: runAsUser 0`);
    const seccomp = sc.seccompProfile?.type ?? podSc.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') v.push(`${where}: seccompProfile must be RuntimeDefault or Localhost`);
    const drop: string[] = sc.capabilities?.drop ?? [];
    if (!drop.includes('ALL')) v.push(`${where}: capabilities must drop ALL`);
    const add: string[] = sc.capabilities?.add ?? [];
    if (add.some(a => a !== 'NET_BIND_SERVICE')) v.push(`${where}: capabilities may only add NET_BIND_SERVICE`);
    for (const p of c.ports ?? []) if (p.hostPort) v.push(`${where}: hostPort`);
    if (sc.procMount && sc.procMount !== 'Default') v.push(`${where}: procMount`);
    if (sc.seLinuxOptions?.type && !['container_t', 'container_init_t', 'container_kvm_t'].includes(sc.seLinuxOptions.type)) v.push(`${where}: seLinux type`);
  }
  return v;
}

/** The pod spec inside any workload object, or undefined. */
export function podSpecIn(obj: any): any {
  switch (obj?.kind) {
    case 'Pod': return obj.spec;
    case 'CronJob': return obj.spec?.jobTemplate?.spec?.template?.spec;
    case 'Job': case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet': return obj.spec?.template?.spec;
    default: return undefined;
  }
}
