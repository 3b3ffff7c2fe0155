/**
 * Checks of every container field that reaches the manifest, for every container of a workload our constructs touch
 * (sidecars, app and init containers, also those a user added to a cdk8s-plus workload directly), run before
 * synthesis. cdk8s-plus passes most of these through unchecked; the rules are the API server's
 * (kubernetes/kubernetes pkg/apis/core/validation: `validateContainers`, `ValidatePorts` / `validateContainerPorts`,
 * `validateEnv` with `IsEnvVarName`, `ValidateVolumeMounts`, `validateProbe`, `ValidateResourceRequirements`,
 * `validateSeccompProfileField`).
 */
import { SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { INT32_MAX, propError, SidecarsError } from './_errors';
import { probesOf, RenderedProbe } from './_kplus';

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** Problem with a port name (IANA_SVC_NAME, k8s.io/apimachinery `IsValidPortName`), or undefined when valid. */
export function portNameProblem(name: string): string | undefined {
  if (typeof name !== 'string' || name.length === 0 || name.length > 15) return 'must be 1 to 15 characters';
  if (!IANA_SVC_NAME.test(name)) return 'must be lower-case letters, digits and \'-\', starting and ending with a letter or digit';
  if (!/[a-z]/.test(name)) return 'must contain at least one letter';
  if (name.includes('--')) return 'must not contain \'--\'';
  return undefined;
}

/** Problem with an environment variable name, or undefined when valid. */
export function envNameProblem(name: string): string | undefined {
  if (typeof name !== 'string' || !ENV_NAME.test(name)) {
    return 'must be an environment variable name: letters, digits, \'_\', \'-\' and \'.\', not starting with a digit';
  }
  return undefined;
}

const NO_ROUNDING = Object.freeze({ rounding: SizeRoundingBehavior.NONE });

/** The numeric fields of a probe, checked as whole numbers. */
const PROBE_NUMBER_FIELDS = ['periodSeconds', 'timeoutSeconds', 'failureThreshold', 'successThreshold', 'initialDelaySeconds'] as const;

function isPort(n: unknown): boolean {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;
}

function millicores(cpu: kplus.Cpu | undefined): number | undefined {
  const m = /^([0-9.]+)(m?)$/.exec(String(cpu?.amount ?? ''));
  return m ? Number(m[1]) * (m[2] ? 1 : 1000) : undefined;
}

/**
 * The problems of one container, as errors naming the workload's path.
 * @param where construct path of the workload
 * @param subject the container, e.g. `Sidecar 'proxy'` or `container 'app'`
 * @param c the cdk8s-plus container
 * @param probes its probes as rendered (`probesOf(c)`), when the caller has them already
 */
export function containerErrors(where: string, subject: string, c: kplus.Container,
  probes: Array<[string, RenderedProbe]> = probesOf(c)): SidecarsError[] {
  const errors: SidecarsError[] = [];
  const err = (prop: string, problem: string, value: unknown, fix: string) => errors.push(propError(where, subject, prop, problem, value, fix));

  if (typeof c.image !== 'string' || c.image.trim() === '' || /\s/.test(c.image)) {
    err('image', 'must be an image reference without spaces', c.image, "Use e.g. 'acme/app:1.2.3'");
  }

  const names = new Set<string>();
  const keys = new Set<string>();
  for (const p of c.ports) {
    if (!isPort(p.number)) err('ports', 'must be whole numbers from 1 to 65535', p.number, 'Fix the port number');
    if (p.hostPort !== undefined && !isPort(p.hostPort)) err('ports.hostPort', 'must be a whole number from 1 to 65535', p.hostPort, 'Fix the host port, or remove it');
    if (p.name !== undefined) {
      const problem = portNameProblem(p.name);
      if (problem) err('ports.name', `${problem} (an IANA service name)`, p.name, "Use a short name such as 'http' or 'metrics'");
      if (names.has(p.name)) err('ports.name', 'is used by two ports of the container', p.name, 'Give each port its own name');
      names.add(p.name);
    }
    const key = `${p.number}/${p.protocol ?? 'TCP'}`;
    if (keys.has(key)) err('ports', 'declares the same port twice', p.number, "Declare each port once (note 'portNumber' is also a port)");
    keys.add(key);
  }

  for (const name of Object.keys(c.env.variables)) {
    const problem = envNameProblem(name);
    if (problem) err('envVariables', problem, name, "Use e.g. 'DB_HOST'");
  }

  const paths = new Set<string>();
  for (const m of c.mounts) {
    if (typeof m.path !== 'string' || !m.path.startsWith('/')) err('volumeMounts.path', 'must be an absolute path', m.path, "Use e.g. '/data'");
    else if (paths.has(m.path)) err('volumeMounts.path', 'is mounted twice in the container', m.path, 'Mount each path once');
    paths.add(m.path);
    if (m.subPath !== undefined && (m.subPath.startsWith('/') || m.subPath.split('/').includes('..'))) {
      err('volumeMounts.subPath', "must be a relative path without '..'", m.subPath, "Use e.g. 'config.yaml'");
    }
  }

  const r = c.resources;
  if (r?.cpu?.request && r.cpu.limit) {
    const cpuReq = millicores(r.cpu.request);
    const cpuLim = millicores(r.cpu.limit);
    if (cpuReq !== undefined && cpuLim !== undefined && cpuReq > cpuLim) {
      err('resources.cpu', 'has a request above its limit (the API server rejects it)', `${r.cpu.request.amount} > ${r.cpu.limit.amount}`, 'Lower the request or raise the limit');
    }
  }
  if (r?.memory?.request && r.memory.limit) {
    const memReq = r.memory.request.toKibibytes(NO_ROUNDING);
    const memLim = r.memory.limit.toKibibytes(NO_ROUNDING);
    if (memReq > memLim) {
      err('resources.memory', 'has a request above its limit (the API server rejects it)', `${memReq / 1024}Mi > ${memLim / 1024}Mi`, 'Lower the request or raise the limit');
    }
  }

  const sc = c.securityContext;
  const checkId = (prop: string, v: number | undefined) => {
    if (v !== undefined && !(Number.isInteger(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER)) err(prop, 'must be a whole number of at least 0 (a uid or gid)', v, 'Use e.g. 65532');
  };
  checkId('securityContext.user', sc.user);
  checkId('securityContext.group', sc.group);
  if (sc.seccompProfile?.type === kplus.SeccompProfileType.LOCALHOST && !sc.seccompProfile.localhostProfile) {
    err('securityContext.seccompProfile', "of type Localhost needs 'localhostProfile' (the profile file on the node)", sc.seccompProfile,
      "Set localhostProfile: 'profiles/my-profile.json', or use SeccompProfileType.RUNTIME_DEFAULT");
  }
  if (sc.seccompProfile && sc.seccompProfile.type !== kplus.SeccompProfileType.LOCALHOST && sc.seccompProfile.localhostProfile !== undefined) {
    err('securityContext.seccompProfile', "has 'localhostProfile' but is not of type Localhost (the API server rejects it)", sc.seccompProfile,
      'Remove localhostProfile, or use SeccompProfileType.LOCALHOST');
  }

  for (const [prop, probe] of probes) {
    for (const f of PROBE_NUMBER_FIELDS) {
      const v = probe[f];
      const min = f === 'initialDelaySeconds' ? 0 : 1;
      if (v !== undefined && !(Number.isInteger(v) && v >= min && v <= INT32_MAX)) {
        err(`${prop}.${f}`, `must be a whole number from ${min} to ${INT32_MAX}`, v, 'Fix the probe options');
      }
    }
    if ((prop === 'liveness' || prop === 'startup') && probe.successThreshold !== undefined && probe.successThreshold !== 1) {
      err(`${prop}.successThreshold`, `must be 1 for a ${prop} probe (the API server rejects anything else)`, probe.successThreshold, 'Remove successThreshold');
    }
    if (probe.exec && (!Array.isArray(probe.exec.command) || probe.exec.command.length === 0)) {
      err(prop, 'runs an empty command', probe.exec.command, "Pass the program and its arguments, e.g. Probe.fromCommand(['/bin/check'])");
    }
    const port = probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;
    if (typeof port === 'number' && !isPort(port)) err(`${prop}.port`, 'must be a whole number from 1 to 65535', port, 'Probe a port the container serves on');
    if (typeof port === 'string') {
      const problem = portNameProblem(port);
      if (problem) err(`${prop}.port`, `${problem} (a port name)`, port, 'Probe a named port the container declares, or a port number');
    }
  }
  return errors;
}
