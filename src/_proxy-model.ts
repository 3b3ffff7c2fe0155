/**
 * The one implementation behind `CloudSqlProxySidecar` and `AlloyDbProxySidecar`: resolves the typed props into the
 * sidecar's container (args, ports, probes, mounts, app env), validates them with the construct path once the
 * sidecar is attached, and checks them against the whole pod. Everything proxy-specific comes from the flavour
 * table in `_proxy-flavors.ts`; the public classes only translate their own instance props into `ProxyInstanceInput`.
 */
import { isIP } from 'net';
import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { dnsLabelProblem, propError, wholeSeconds } from './_errors';
import {
  ALLOYDB_PROXY, CLOUD_SQL_PROXY, COMMON_FLAGS, CREDENTIAL_FLAGS, GCP_PROJECT_ID, GCP_ROLES, GCP_SERVICE_ACCOUNT_EMAIL, INSTANCE_QUERY_KEYS,
  LEGACY_CLOUD_SQL_PROXY_IMAGE, MAX_UNIX_SOCKET_PATH, parseServiceAccountEmail, POSTGRES_SOCKET_FILE, PROXY_BINARY_DEFAULTS,
  PROXY_CONSTRUCT_DEFAULTS, PROXY_FLAVORS, ProxyFlavor, proxyFlavorOfImage, SHORT_FLAGS, SHUTDOWN_SUBCOMMAND,
} from './_proxy-flavors';
import { sidecarsOf } from './_workload-sidecars';
import type { AuthProxySidecarOptions, GcpRoleGrant, ProxyEndpoint } from './auth-proxy-sidecar';
import type { SidecarProps } from './sidecar';
import { StartupGate } from './startup-gate';

const D = PROXY_CONSTRUCT_DEFAULTS;

/** One instance, as the public class read it from its props. */
export interface ProxyInstanceInput {
  /** Prop path of the identifier, for errors (`instanceConnectionName`, `instances[1].instanceConnectionName`). */
  readonly idProp: string;
  /** Prefix of the instance's other props (`''` for the single-instance props, `instances[1].`). */
  readonly prefix: string;
  readonly id: string;
  readonly port?: number;
  /** The port implied by the engine, when the flavour has engines and one was given. */
  readonly enginePort?: number;
  /** Engine name for messages (`SQL_SERVER`) and its prop. */
  readonly engineLabel?: string;
  readonly engineProp?: string;
  /** True/false when the engine is known to be (not) Postgres; undefined when unknown. */
  readonly postgres?: boolean;
  /** SQL Server: no IAM database authentication, no Unix sockets. */
  readonly sqlServer?: boolean;
  /** Flavour IP type key (`private`, `public`, `psc`), resolved from the instance or the sidecar default. */
  readonly ipType: string;
  /** The prop the IP type came from, and its raw value (to reject non-enum values from JavaScript). */
  readonly ipTypeProp: string;
  readonly ipTypeRaw: unknown;
  readonly autoIamAuthn: boolean;
  readonly autoIamAuthnProp: string;
  readonly hostEnvName?: string;
  readonly portEnvName?: string;
  readonly unixSocketPathEnvName?: string;
}

/** One instance as a public class has it (single-instance props or an `instances` entry). */
export interface InstanceSource {
  readonly id: unknown;
  readonly port?: number;
  readonly ipType?: unknown;
  readonly autoIamAuthn?: boolean;
  readonly hostEnvName?: string;
  readonly portEnvName?: string;
  readonly unixSocketPathEnvName?: string;
  /** Engine facts, when the flavour has engines and one was given. */
  readonly engine?: { readonly label: string; readonly port?: number; readonly postgres?: boolean; readonly sqlServer?: boolean };
}

/**
 * Turn a class's single-instance props or its `instances` entries into `ProxyInstanceInput`s.
 * @param flavor the proxy
 * @param options the class's props (for the sidecar-wide defaults)
 * @param singleProp the single-instance identifier prop (`instanceConnectionName`, `instanceUri`)
 * @param idKey the identifier's key inside an `instances` entry (the same name as `singleProp`)
 * @param single the single-instance props, or undefined
 * @param multi the raw `instances` value
 * @param ipTypeKeyOf the flavour IP type key of a public enum value
 * @param defaultIpType the sidecar-wide `ipType` (raw)
 */
export function collectInstances(flavor: ProxyFlavor, options: AuthProxySidecarOptions, singleProp: string, idKey: string,
  single: InstanceSource | undefined, multi: unknown, ipTypeKeyOf: (raw: unknown) => string,
  defaultIpType: unknown): ProxyInstanceInput[] {
  const unix = options.unixSocketDirectory !== undefined;
  const make = (src: InstanceSource, prefix: string, idProp: string, isSingle: boolean): ProxyInstanceInput => {
    const ipTypeRaw = src.ipType ?? defaultIpType;
    return {
      idProp,
      prefix,
      id: src.id as string,
      port: src.port,
      enginePort: src.engine?.port,
      engineLabel: src.engine?.label,
      engineProp: src.engine ? `${prefix}engine` : undefined,
      postgres: flavor.postgresOnly ? true : src.engine?.postgres,
      sqlServer: src.engine?.sqlServer,
      ipType: ipTypeRaw === undefined ? flavor.defaultIpType : ipTypeKeyOf(ipTypeRaw),
      ipTypeProp: src.ipType !== undefined ? `${prefix}ipType` : 'ipType',
      ipTypeRaw,
      autoIamAuthn: src.autoIamAuthn ?? options.autoIamAuthn ?? false,
      autoIamAuthnProp: src.autoIamAuthn !== undefined ? `${prefix}autoIamAuthn` : 'autoIamAuthn',
      hostEnvName: src.hostEnvName ?? (isSingle && !unix ? PROXY_CONSTRUCT_DEFAULTS.hostEnvName : undefined),
      portEnvName: src.portEnvName ?? (isSingle && !unix ? PROXY_CONSTRUCT_DEFAULTS.portEnvName : undefined),
      unixSocketPathEnvName: src.unixSocketPathEnvName ?? (isSingle && unix ? PROXY_CONSTRUCT_DEFAULTS.unixSocketPathEnvName : undefined),
    };
  };
  if (Array.isArray(multi)) {
    return multi.map((entry: any, k: number) => make({ ...(entry ?? {}), id: entry?.[idKey] }, `instances[${k}].`, `instances[${k}].${idKey}`, false));
  }
  if (single && single.id !== undefined) return [make(single, '', singleProp, true)];
  return [];
}

/** What a public class hands to `planProxy`. */
export interface ProxyInputs {
  /** The proxy; its `constructName` names the public class in messages. */
  readonly flavor: ProxyFlavor;
  readonly options: AuthProxySidecarOptions;
  /** Single-instance identifier prop name and whether it / `instances` were given. */
  readonly singleProp: string;
  readonly singleGiven: boolean;
  readonly instancesGiven: boolean;
  /** Raw `instances` value (to reject non-arrays and empty arrays). */
  readonly instancesRaw: unknown;
  readonly instances: ProxyInstanceInput[];
  /** Every valid IP type key of the flavour → the public enum member, for messages. */
  readonly ipTypeNames: { readonly [key: string]: string };
  /** Single-instance-only props given together with `instances` (`port`, `engine`, ...), to reject. */
  readonly singleOnlyPropsGiven: string[];
  /** Flavour-only flags the class renders from its own props, e.g. `--quota-project`. */
  readonly flavorArgs: string[];
  /** Flags (flavour-only) the class owns through a typed prop, for the `extraArgs` duplicate check. */
  readonly flavorOwnedFlags: { readonly [flag: string]: string };
  /** IAM grants implied by flavour-only props (e.g. the quota project). */
  readonly flavorGrants: GcpRoleGrant[];
  /** Flavour-only checks (thrown with `where`), run after the common instance checks. */
  readonly flavorChecks: (where: string, subject: string) => void;
}

/** The resolved proxy. */
export interface ProxyPlan {
  readonly inputs: ProxyInputs;
  readonly name: string;
  readonly image: string;
  readonly healthPort: number;
  readonly adminPort?: number;
  readonly unixSocketDirectory?: string;
  readonly unixSocketVolume?: kplus.Volume;
  readonly credentialsVolume?: kplus.Volume;
  readonly endpoints: ProxyEndpoint[];
  readonly grants: GcpRoleGrant[];
  readonly impersonatedServiceAccount?: string;
  /** `impersonationChain` as given (first entry: the target). */
  readonly impersonationChain: string[];
  readonly sidecarProps: SidecarProps;
}

/** Resources presets (values, so `ProxyResources` and this module agree). */
export const PROXY_RESOURCES_DEFAULT: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(200), limit: kplus.Cpu.millis(1000) },
  memory: { request: Size.mebibytes(256), limit: Size.mebibytes(1024) },
};
export const PROXY_RESOURCES_BATCH: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
  memory: { request: Size.mebibytes(128), limit: Size.mebibytes(512) },
};

/**
 * Render a Duration as a Go duration with a unit (`30s`, `2m`, `1500ms`); the proxy flags need units (op#610).
 * @param d the duration
 */
export function goDuration(d: Duration): string {
  const ms = d.toMilliseconds();
  if (ms === 0) return '0s';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const VERSION = /^(\d+)\.(\d+)\.(\d+)(?:-([a-z0-9]+))?(?:@sha256:[a-f0-9]{64})?$/;

function isDuration(d: unknown): d is Duration {
  return typeof d === 'object' && d !== null && typeof (d as Duration).toMilliseconds === 'function';
}

/**
 * Build the plan. Never throws on bad input (errors are reported with the construct path at attach time).
 * @param inputs what the public class read from its props
 */
export function planProxy(inputs: ProxyInputs): ProxyPlan {
  const o = inputs.options;
  const f = inputs.flavor;
  const name = typeof o.name === 'string' ? o.name : f.containerName;
  const image = `${o.imageRepository ?? f.imageRepository}:${o.version ?? f.defaultVersion}`;
  const healthPort = o.healthPort ?? D.healthPort;
  const unixDir = o.unixSocketDirectory;
  // volumes are values owned by a private root: they are not API objects, the pod adds them through the mounts
  const volumes = new Construct(undefined as any, '');
  const unixSocketVolume = unixDir !== undefined ? kplus.Volume.fromEmptyDir(volumes, 'sockets', `${name}-sockets`) : undefined;
  const secret = o.credentialsSecret;
  const secretKey = o.credentialsSecretKey ?? D.credentialsSecretKey;
  const credentialsDir = `${D.credentialsMountRoot}/${name}`;
  const credentialsVolume = secret
    ? kplus.Volume.fromSecret(volumes, 'credentials', secret, { name: `${name}-credentials`, items: { [secretKey]: { path: secretKey } } })
    : undefined;

  const endpoints: ProxyEndpoint[] = inputs.instances.map(i => endpointOf(inputs, i, unixDir));

  const args: string[] = [];
  const flag = (name_: string, value?: string | number) => args.push(value === undefined ? name_ : `${name_}=${value}`);
  if (o.structuredLogs ?? true) flag(COMMON_FLAGS.structuredLogs);
  if (o.exitZeroOnSigterm ?? true) flag(f.flags.exitZeroOnSigterm);
  flag(COMMON_FLAGS.healthCheck);
  flag(COMMON_FLAGS.httpAddress, D.httpAddress);
  flag(COMMON_FLAGS.httpPort, healthPort);
  if (o.adminPort !== undefined) {
    flag(COMMON_FLAGS.adminPort, o.adminPort);
    flag(COMMON_FLAGS.quitQuitQuit);
  }
  if (unixDir !== undefined) flag(COMMON_FLAGS.unixSocket, unixDir);
  else if (o.listenAddress !== undefined && o.listenAddress !== D.listenAddress) flag(COMMON_FLAGS.address, o.listenAddress);
  if (secret) flag(COMMON_FLAGS.credentialsFile, `${credentialsDir}/${secretKey}`);
  if (o.impersonationChain?.length) flag(COMMON_FLAGS.impersonateServiceAccount, o.impersonationChain.join(','));
  if (o.maxConnections !== undefined) flag(COMMON_FLAGS.maxConnections, o.maxConnections);
  if (isDuration(o.minSigtermDelay)) flag(COMMON_FLAGS.minSigtermDelay, goDuration(o.minSigtermDelay));
  if (isDuration(o.maxSigtermDelay)) flag(COMMON_FLAGS.maxSigtermDelay, goDuration(o.maxSigtermDelay));
  if (o.runConnectionTest) flag(COMMON_FLAGS.runConnectionTest);
  if (o.lazyRefresh) flag(COMMON_FLAGS.lazyRefresh);
  if (o.quiet) flag(COMMON_FLAGS.quiet);
  if (o.debugLogs) flag(COMMON_FLAGS.debugLogs);
  if (o.prometheus) flag(COMMON_FLAGS.prometheus);
  if (o.prometheusNamespace !== undefined) flag(COMMON_FLAGS.prometheusNamespace, o.prometheusNamespace);
  if (o.telemetryProject !== undefined) flag(COMMON_FLAGS.telemetryProject, o.telemetryProject);
  if (o.telemetryPrefix !== undefined) flag(COMMON_FLAGS.telemetryPrefix, o.telemetryPrefix);
  if (o.telemetrySampleRate !== undefined) flag(COMMON_FLAGS.telemetrySampleRate, o.telemetrySampleRate);
  if (o.disableMetrics) flag(COMMON_FLAGS.disableMetrics);
  if (o.disableTraces) flag(COMMON_FLAGS.disableTraces);
  args.push(...inputs.flavorArgs);
  if (Array.isArray(o.extraArgs)) args.push(...o.extraArgs);
  for (const i of inputs.instances) args.push(instanceArg(f, i, unixDir));

  const appEnv: { [name: string]: kplus.EnvValue } = {};
  for (const e of endpoints) {
    if (e.hostEnvName && e.host !== undefined) appEnv[e.hostEnvName] = kplus.EnvValue.fromValue(e.host);
    if (e.portEnvName && e.port !== undefined) appEnv[e.portEnvName] = kplus.EnvValue.fromValue(String(e.port));
    if (e.unixSocketPathEnvName && e.unixSocketPath !== undefined) appEnv[e.unixSocketPathEnvName] = kplus.EnvValue.fromValue(e.unixSocketPath);
  }

  const probeTimeout = Duration.seconds(D.probeTimeoutSeconds);
  const volumeMounts: kplus.VolumeMount[] = [];
  if (unixSocketVolume) volumeMounts.push({ path: unixDir!, volume: unixSocketVolume });
  if (credentialsVolume) volumeMounts.push({ path: credentialsDir, volume: credentialsVolume, readOnly: true });

  const sidecarProps: SidecarProps = {
    name,
    image,
    imagePullPolicy: o.imagePullPolicy ?? kplus.ImagePullPolicy.IF_NOT_PRESENT,
    args,
    ports: [{ number: healthPort }],
    volumeMounts: volumeMounts.length ? volumeMounts : undefined,
    resources: o.resources ?? PROXY_RESOURCES_DEFAULT,
    securityContext: { user: f.uid, group: f.uid, ...(o.securityContext ?? {}) },
    startupGate: StartupGate.httpGet(PROXY_BINARY_DEFAULTS.startupPath, {
      port: healthPort,
      pollInterval: Duration.seconds(D.startupPeriodSeconds),
      timeout: isDuration(o.startupTimeout) ? o.startupTimeout : Duration.seconds(D.startupTimeoutSeconds),
      checkTimeout: probeTimeout,
    }),
    liveness: (o.enableLivenessProbe ?? true)
      ? kplus.Probe.fromHttpGet(PROXY_BINARY_DEFAULTS.livenessPath, {
        port: healthPort,
        periodSeconds: Duration.seconds(D.livenessPeriodSeconds),
        failureThreshold: D.livenessFailureThreshold,
        timeoutSeconds: probeTimeout,
      })
      : undefined,
    readiness: o.enableReadinessProbe
      ? kplus.Probe.fromHttpGet(PROXY_BINARY_DEFAULTS.readinessPath, {
        port: healthPort,
        periodSeconds: Duration.seconds(D.readinessPeriodSeconds),
        failureThreshold: D.readinessFailureThreshold,
        timeoutSeconds: probeTimeout,
      })
      : undefined,
    lifecycle: o.adminPort !== undefined
      ? { preStop: kplus.Handler.fromCommand([f.binary, SHUTDOWN_SUBCOMMAND, COMMON_FLAGS.adminPort, String(o.adminPort)]) }
      : undefined,
    appEnv: Object.keys(appEnv).length ? appEnv : undefined,
    appVolumeMounts: unixSocketVolume ? [{ path: unixDir!, volume: unixSocketVolume }] : undefined,
  };

  const plan: ProxyPlan = {
    inputs,
    name,
    image,
    healthPort,
    adminPort: o.adminPort,
    unixSocketDirectory: unixDir,
    unixSocketVolume,
    credentialsVolume,
    endpoints,
    grants: grantsOf(inputs),
    impersonatedServiceAccount: Array.isArray(o.impersonationChain) ? o.impersonationChain[0] : undefined,
    impersonationChain: Array.isArray(o.impersonationChain) ? [...o.impersonationChain] : [],
    sidecarProps,
  };
  return plan;
}

/**
 * True for 127.0.0.0/8, ::1 and IPv4-mapped loopback (`::ffff:127.0.0.1`).
 * @param address an IP literal
 */
export function isLoopbackAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return address.startsWith('127.');
  if (family !== 6) return false;
  let normal: string;
  try {
    normal = new URL(`http://[${address}]/`).hostname; // normalises `0:0:0:0:0:0:0:1` to `[::1]`
  } catch {
    return false; // e.g. a zone id (`fe80::1%eth0`): not loopback
  }
  return normal === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(normal);
}

function listenHost(address: string | undefined): string {
  if (address === undefined || address === '0.0.0.0') return D.listenAddress;
  if (address === '::') return '::1';
  return address;
}

function portOf(f: ProxyFlavor, i: ProxyInstanceInput): number | undefined {
  return i.port ?? i.enginePort ?? (f.defaultPort > 0 ? f.defaultPort : undefined);
}

function endpointOf(inputs: ProxyInputs, i: ProxyInstanceInput, unixDir: string | undefined): ProxyEndpoint {
  if (unixDir !== undefined) {
    return {
      instance: i.id,
      unixSocketPath: `${unixDir}/${inputs.flavor.unixSocketName(i.id)}`,
      unixSocketPathEnvName: i.unixSocketPathEnvName,
    };
  }
  return {
    instance: i.id,
    host: listenHost(inputs.options.listenAddress),
    port: portOf(inputs.flavor, i),
    hostEnvName: i.hostEnvName,
    portEnvName: i.portEnvName,
  };
}

function instanceArg(f: ProxyFlavor, i: ProxyInstanceInput, unixDir: string | undefined): string {
  const query: string[] = [];
  const port = portOf(f, i);
  // an explicit port per instance: no SQL Admin API lookup at start-up (reference §6 row 3, csp#2361)
  if (unixDir === undefined && port !== undefined) query.push(`${INSTANCE_QUERY_KEYS.port}=${port}`);
  const ipKey = f.flags.ipTypeQueryKeys[i.ipType];
  if (ipKey && i.ipType !== f.defaultIpType) query.push(`${ipKey}=true`);
  if (i.autoIamAuthn) query.push(`${INSTANCE_QUERY_KEYS.autoIamAuthn}=true`);
  return query.length ? `${i.id}?${query.join('&')}` : i.id;
}

function grantsOf(inputs: ProxyInputs): GcpRoleGrant[] {
  const f = inputs.flavor;
  const o = inputs.options;
  const out: GcpRoleGrant[] = [];
  const add = (role: string, project: string | undefined, reason: string) => {
    if (!out.some(g => g.role === role && g.project === project)) out.push({ role, project, reason });
  };
  for (const i of inputs.instances) {
    const parsed = typeof i.id === 'string' ? f.parseInstance(i.id) : undefined;
    for (const role of f.iamRoles.connect) add(role, parsed?.project, `connect to ${i.id} through the ${f.displayName}`);
    if (i.autoIamAuthn) for (const role of f.iamRoles.iamAuthn) add(role, parsed?.project, `log in to ${i.id} with automatic IAM database authentication`);
  }
  if (o.telemetryProject !== undefined) {
    if (!o.disableMetrics) add(GCP_ROLES.metricWriter, o.telemetryProject, 'write the proxy metrics to Cloud Monitoring');
    if (!o.disableTraces) add(GCP_ROLES.traceAgent, o.telemetryProject, 'write the proxy traces to Cloud Trace');
  }
  for (const g of inputs.flavorGrants) add(g.role, g.project, g.reason);
  const target = Array.isArray(o.impersonationChain) ? o.impersonationChain[0] : undefined;
  const targetProject = parseServiceAccountEmail(target)?.project;
  if (target !== undefined && targetProject !== undefined) {
    for (const role of f.iamRoles.impersonationTarget) {
      add(role, targetProject, `the impersonated service account ${target} must have it ("The impersonated service account must have the Service Usage Consumer and Cloud SQL Client permissions", cloud-sql-proxy README); granted on its own project`);
    }
  }
  return out;
}

/** One `roles/iam.serviceAccountTokenCreator` grant an impersonation chain needs. */
export interface TokenCreatorHop {
  /** The service account that gets the role granted on it. */
  readonly serviceAccount: string;
  /** Who needs the role: a service account of the chain, or undefined for the pod's own principal. */
  readonly member?: string;
}

/**
 * The token-creator grants of `--impersonate-service-account t,d1,...,dn`. Both proxies take the first entry as the
 * target and pass the rest as delegates in reverse order ("With sa1,sa2,sa3, sa3 delegates to sa2, which
 * impersonates the target sa1": `parseImpersonationChain` in cloud-sql-proxy and alloydb-auth-proxy
 * internal/proxy/proxy.go). The IAM Credentials API then needs each account of the delegation chain to hold
 * `roles/iam.serviceAccountTokenCreator` on the next one, and the last on the target. So tokens flow
 * pod principal → dn → ... → d1 → t.
 * @param chain the `impersonationChain` prop (first entry: the target)
 */
export function impersonationHops(chain: readonly string[]): TokenCreatorHop[] {
  if (chain.length === 0) return [];
  const path = [...chain.slice(1).reverse(), chain[0]];
  return path.map((serviceAccount, k) => ({ serviceAccount, member: k === 0 ? undefined : path[k - 1] }));
}

// ---------------------------------------------------------------------------------------------------------------
// validation (attach time, with the construct path)

function versionTuple(v: string): [number, number, number] | undefined {
  const m = VERSION.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function older(a: [number, number, number], b: [number, number, number]): boolean {
  for (let k = 0; k < 3; k++) if (a[k] !== b[k]) return a[k] < b[k];
  return false;
}

function checkPort(where: string, subject: string, prop: string, port: unknown, fix: string): void {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw propError(where, subject, prop, 'must be a whole number from 1 to 65535', port, fix);
  }
}

function checkDuration(where: string, subject: string, prop: string, d: unknown): Duration | undefined {
  if (d === undefined) return undefined;
  if (!isDuration(d)) throw propError(where, subject, prop, 'must be a cdk8s Duration', d, 'Use e.g. Duration.seconds(10)');
  return d;
}

function checkEnvName(where: string, subject: string, prop: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || !ENV_NAME.test(value)) {
    throw propError(where, subject, prop, 'must be an environment variable name (letters, digits and \'_\', not starting with a digit)', value,
      "Use e.g. 'DB_HOST'");
  }
}

/**
 * Throws the first problem, with the construct path.
 * @param where construct path of the workload
 * @param plan the proxy's plan
 */
export function validateProxy(where: string, plan: ProxyPlan): void {
  const inputs = plan.inputs;
  const o = inputs.options;
  const f = inputs.flavor;
  const subject = `${f.constructName} '${plan.name}'`;
  const ipTypeList = Object.values(inputs.ipTypeNames).join(', ');

  // container name: volume names derive from it
  const suffix = o.credentialsSecret ? '-credentials' : o.unixSocketDirectory !== undefined ? '-sockets' : '';
  const nameProblem = dnsLabelProblem(plan.name, 63 - suffix.length);
  if (nameProblem) {
    throw propError(where, subject, 'name', suffix ? `${nameProblem}, so that the volume '${plan.name}${suffix}' is a valid name too` : nameProblem,
      plan.name, `Use a short lower-case name such as '${f.containerName}'`);
  }

  // image
  if (o.imageRepository !== undefined) {
    const repo = o.imageRepository;
    if (typeof repo !== 'string' || repo === '' || /\s/.test(repo) || repo.includes('@') || /:[^/]*$/.test(repo)) {
      throw propError(where, subject, 'imageRepository', 'must be an image repository without a tag or digest', repo,
        `Put the tag in 'version', e.g. imageRepository: 'eu.gcr.io/${f.imageRepository.split('/').slice(1).join('/')}', version: '${f.defaultVersion}'`);
    }
    if (LEGACY_CLOUD_SQL_PROXY_IMAGE.test(`${repo}:x`)) {
      throw propError(where, subject, 'imageRepository', 'is the end-of-life Cloud SQL Proxy v1 image, whose flags differ', repo,
        `Use the v2 image '${f.imageRepository}' (the default)`);
    }
    const other = proxyFlavorOfImage(`${repo}:x`);
    if (other && other !== f) {
      throw propError(where, subject, 'imageRepository', `is the ${other.displayName} image, not the ${f.displayName}`, repo,
        `Use '${f.imageRepository}' or a mirror of it, or ${other.constructName} for ${other.productName}`);
    }
  }
  const version = o.version ?? f.defaultVersion;
  if (typeof version !== 'string' || !VERSION.test(version)) {
    const fix = typeof version === 'string' && /^v\d/.test(version)
      ? `Image tags drop the leading 'v': use '${version.slice(1)}'`
      : typeof version === 'string' && (version === 'latest' || version === '')
        ? `Pin a release, e.g. '${f.defaultVersion}' (upstream: "We recommend pinning to a specific version tag")`
        : typeof version === 'string' && /^@?sha256:/.test(version)
          ? `Put the release tag before the digest, e.g. '${f.defaultVersion}@${version.replace(/^@/, '')}': the digest pins the image, the tag lets the construct check the features it renders against the version`
          : `Use a release tag such as '${f.defaultVersion}' or '${f.defaultVersion}-alpine', optionally with '@sha256:<digest>'`;
    throw propError(where, subject, 'version', 'must be a pinned release tag MAJOR.MINOR.PATCH[-variant][@sha256:digest]', version, fix);
  }
  const tuple = versionTuple(version)!;
  const variant = VERSION.exec(version)![4];
  if (variant && f.droppedVariants[variant] && !older(tuple, versionTuple(f.droppedVariants[variant])!)) {
    throw propError(where, subject, 'version', `uses the '-${variant}' variant, which is not published since ${f.droppedVariants[variant]}`, version,
      `Use '${version.replace(`-${variant}`, '')}' (distroless, the default) or '${version.replace(`-${variant}`, '-alpine')}'`);
  }
  const used: Array<[string, string, string]> = [];
  if (o.exitZeroOnSigterm ?? true) used.push(['exitZeroOnSigterm', f.flags.exitZeroOnSigterm, "set 'exitZeroOnSigterm: false'"]);
  if (o.minSigtermDelay !== undefined) used.push(['minSigtermDelay', COMMON_FLAGS.minSigtermDelay, "remove 'minSigtermDelay'"]);
  if (o.adminPort !== undefined) used.push(['shutdown', `the '${SHUTDOWN_SUBCOMMAND}' subcommand (adminPort's preStop)`, "remove 'adminPort'"]);
  if (o.lazyRefresh) used.push(['lazyRefresh', COMMON_FLAGS.lazyRefresh, "remove 'lazyRefresh'"]);
  if (o.runConnectionTest) used.push(['runConnectionTest', COMMON_FLAGS.runConnectionTest, "remove 'runConnectionTest'"]);
  if (inputs.instances.some(i => i.ipType === 'psc')) used.push(['psc', 'Private Service Connect', 'use another IP type']);
  for (const [feature, what, alt] of used) {
    const since = f.featureSince[feature];
    if (since && older(tuple, versionTuple(since)!)) {
      throw propError(where, subject, 'version', `is older than ${since}, the first ${f.displayName} release with ${what}`, version,
        `Use version ${since} or later (default ${f.defaultVersion}), or ${alt}`);
    }
  }

  // instances
  if (inputs.singleGiven && inputs.instancesGiven) {
    throw propError(where, subject, 'instances', `cannot be combined with '${inputs.singleProp}'`, inputs.instancesRaw,
      `Give one instance with '${inputs.singleProp}' or several with 'instances', not both`);
  }
  if (!inputs.singleGiven && !inputs.instancesGiven) {
    throw propError(where, subject, inputs.singleProp, 'is required (or \'instances\' for several)', undefined,
      `Pass the ${f.instanceNoun}, e.g. ${inputs.singleProp}: '${f.instanceExample}'`);
  }
  if (inputs.instancesGiven && (!Array.isArray(inputs.instancesRaw) || inputs.instancesRaw.length === 0)) {
    throw propError(where, subject, 'instances', 'must be a non-empty list', inputs.instancesRaw,
      `List at least one instance, or use '${inputs.singleProp}' for one`);
  }
  if (inputs.instancesGiven && inputs.singleOnlyPropsGiven.length > 0) {
    const p = inputs.singleOnlyPropsGiven[0];
    throw propError(where, subject, p, `applies to '${inputs.singleProp}' only and cannot be combined with 'instances'`, (o as any)[p],
      `Set '${p}' on each entry of 'instances' instead`);
  }
  inputs.flavorChecks(where, subject);
  const unixDir = o.unixSocketDirectory;
  const unix = unixDir !== undefined;
  const seenIds = new Map<string, string>();
  const seenPorts = new Map<number, string>();
  const seenEnv = new Map<string, string>();
  for (const i of inputs.instances) {
    const id = i.id as unknown;
    if (typeof id !== 'string' || id.trim() === '') {
      throw propError(where, subject, i.idProp, `must be a non-empty ${f.instanceNoun}`, id, `Use e.g. '${f.instanceExample}'`);
    }
    instanceIdCheck(where, subject, f, i.idProp, id);
    const dup = seenIds.get(id);
    if (dup) {
      throw propError(where, subject, i.idProp, `names the same instance as '${dup}'`, id,
        'List each instance once (one listener per instance is enough; several apps can share it)');
    }
    seenIds.set(id, i.idProp);
    if (!Object.keys(inputs.ipTypeNames).includes(i.ipType)) {
      throw propError(where, subject, i.ipTypeProp, `must be one of ${ipTypeList}`, i.ipTypeRaw, `Use e.g. ${Object.values(inputs.ipTypeNames)[0]}`);
    }
    if (i.autoIamAuthn !== undefined && typeof i.autoIamAuthn !== 'boolean') {
      throw propError(where, subject, i.autoIamAuthnProp, 'must be true or false', i.autoIamAuthn, 'Use true to log in with the IAM principal');
    }
    if (i.autoIamAuthn && i.sqlServer) {
      throw propError(where, subject, i.autoIamAuthnProp, 'is not supported for SQL Server (automatic IAM database authentication is PostgreSQL and MySQL only)', true,
        `Remove it, or check '${i.engineProp}'`);
    }
    for (const [prop, value] of [['hostEnvName', i.hostEnvName], ['portEnvName', i.portEnvName], ['unixSocketPathEnvName', i.unixSocketPathEnvName]] as const) {
      checkEnvName(where, subject, `${i.prefix}${prop}`, value);
      if (value === undefined) continue;
      const other = seenEnv.get(value);
      if (other) throw propError(where, subject, `${i.prefix}${prop}`, `uses the same variable as '${other}'`, value, 'Give each variable its own name');
      seenEnv.set(value, `${i.prefix}${prop}`);
    }
    if (unix) {
      if (i.port !== undefined) {
        throw propError(where, subject, `${i.prefix}port`, "cannot be combined with 'unixSocketDirectory': the proxy serves either a Unix socket or a TCP port", i.port,
          "Remove 'unixSocketDirectory' to connect over TCP, or remove the port to connect through the socket");
      }
      for (const [prop, value] of [['hostEnvName', i.hostEnvName], ['portEnvName', i.portEnvName]] as const) {
        if (value !== undefined) {
          throw propError(where, subject, `${i.prefix}${prop}`, "has no value in Unix socket mode ('unixSocketDirectory' is set)", value,
            `Use '${i.prefix}unixSocketPathEnvName' for the socket path, or remove 'unixSocketDirectory' for TCP`);
        }
      }
      if (i.sqlServer) {
        throw propError(where, subject, i.engineProp ?? i.idProp, "is SQL Server, whose drivers connect over TCP only, but 'unixSocketDirectory' is set", i.engineLabel,
          "Remove 'unixSocketDirectory' and give a port");
      }
      const name = f.unixSocketName(id);
      const socketFile = `${unixDir}/${name}${i.postgres === false ? '' : `/${POSTGRES_SOCKET_FILE}`}`;
      if (socketFile.length > MAX_UNIX_SOCKET_PATH) {
        throw propError(where, subject, 'unixSocketDirectory', `makes the socket path '${socketFile}' ${socketFile.length} characters long, more than the ${MAX_UNIX_SOCKET_PATH} Linux allows`, unixDir,
          "Use a shorter directory such as '/cloudsql', or TCP");
      }
    } else {
      if (i.unixSocketPathEnvName !== undefined) {
        throw propError(where, subject, `${i.prefix}unixSocketPathEnvName`, "needs Unix socket mode, but 'unixSocketDirectory' is not set", i.unixSocketPathEnvName,
          `Set unixSocketDirectory: '${D.unixSocketDirectory}', or use '${i.prefix}hostEnvName'/'${i.prefix}portEnvName' for TCP`);
      }
      const port = portOf(f, i);
      if (port === undefined) {
        throw propError(where, subject, `${i.prefix}port`, 'is needed: without an explicit port the proxy looks up the engine with a SQL Admin API call at start-up (slower, and it fails while the GKE metadata server warms up, csp#2361)', undefined,
          `Set '${i.prefix}port' (e.g. 5432), or '${i.prefix}engine' (e.g. DatabaseEngine.POSTGRESQL) for its default port`);
      }
      const portProp = i.port !== undefined ? `${i.prefix}port` : i.enginePort !== undefined ? (i.engineProp ?? `${i.prefix}engine`) : `${i.prefix}port`;
      checkPort(where, subject, portProp, port, 'Use the port the app connects to, e.g. 5432');
      const other = seenPorts.get(port);
      if (other) {
        throw propError(where, subject, portProp, `gives port ${port}, which '${other}' already uses`, port,
          `Give each instance its own port, e.g. ${i.prefix}port: ${port + 1}`);
      }
      seenPorts.set(port, portProp);
    }
  }

  // listener address / unix socket directory
  if (o.listenAddress !== undefined) {
    if (typeof o.listenAddress !== 'string' || isIP(o.listenAddress) === 0) {
      throw propError(where, subject, 'listenAddress', "must be an IP address: the proxy rejects host names, 'localhost' included (cmd/root.go)", o.listenAddress,
        `Use '${D.listenAddress}' (the default) or another IP literal`);
    }
    if (unix) {
      throw propError(where, subject, 'listenAddress', "cannot be combined with 'unixSocketDirectory': the proxy serves either a Unix socket or TCP", o.listenAddress,
        'Remove one of them');
    }
    if (!isLoopbackAddress(o.listenAddress) && o.allowNonLoopbackListenAddress !== true) {
      const iam = inputs.instances.some(i => i.autoIamAuthn)
        ? ", and with 'autoIamAuthn' each of them would be logged in to the database as this workload's IAM principal, without a password"
        : ' (the proxy authorises the connection to the instance with the workload\'s IAM identity, not the client\'s)';
      throw propError(where, subject, 'listenAddress',
        `is not a loopback address: the database listeners would accept connections from every pod that can reach this pod's IP${iam}`,
        o.listenAddress,
        `Keep the default '${D.listenAddress}' (every container of the pod can connect), or, if other pods must connect, set 'allowNonLoopbackListenAddress: true' and restrict them with a NetworkPolicy`);
    }
  }
  if (o.allowNonLoopbackListenAddress !== undefined) {
    if (typeof o.allowNonLoopbackListenAddress !== 'boolean') {
      throw propError(where, subject, 'allowNonLoopbackListenAddress', 'must be true or false', o.allowNonLoopbackListenAddress, 'Use true to allow a non-loopback listenAddress');
    }
    if (o.allowNonLoopbackListenAddress && (typeof o.listenAddress !== 'string' || isLoopbackAddress(o.listenAddress))) {
      throw propError(where, subject, 'allowNonLoopbackListenAddress', "has no effect without a non-loopback 'listenAddress'", o.allowNonLoopbackListenAddress,
        'Remove it (the listeners stay on loopback)');
    }
  }
  if (unix) {
    if (typeof unixDir !== 'string' || !unixDir.startsWith('/') || unixDir === '/' || unixDir.endsWith('/') || /\/\.\.?(\/|$)|\/\//.test(unixDir) || /\s/.test(unixDir)) {
      throw propError(where, subject, 'unixSocketDirectory', 'must be a normalised absolute directory other than /', unixDir, `Use e.g. '${D.unixSocketDirectory}'`);
    }
    const creds = `${D.credentialsMountRoot}/${plan.name}`;
    if (o.credentialsSecret && (creds === unixDir || creds.startsWith(`${unixDir}/`) || unixDir.startsWith(`${creds}/`))) {
      throw propError(where, subject, 'unixSocketDirectory', `overlaps the credentials mount '${creds}'`, unixDir, `Use e.g. '${D.unixSocketDirectory}'`);
    }
  }
  for (const [prop, value] of [['hostEnvName', o.hostEnvName], ['portEnvName', o.portEnvName], ['unixSocketPathEnvName', o.unixSocketPathEnvName]] as const) {
    if (value !== undefined && inputs.instancesGiven) {
      throw propError(where, subject, prop, "applies to a single instance and cannot be combined with 'instances'", value, `Set 'instances[N].${prop}' on each instance`);
    }
  }

  // health and admin ports
  checkPort(where, subject, 'healthPort', plan.healthPort, `Use the default ${D.healthPort} or another free port`);
  if (o.adminPort !== undefined) {
    checkPort(where, subject, 'adminPort', o.adminPort, `Use ${PROXY_BINARY_DEFAULTS.adminPort} (the proxy's default) or another free port`);
    if (o.adminPort === plan.healthPort) {
      throw propError(where, subject, 'adminPort', "is the same as 'healthPort': the health and admin servers are two listeners", o.adminPort,
        `Use another port, e.g. ${PROXY_BINARY_DEFAULTS.adminPort}`);
    }
  }
  for (const [port, prop] of seenPorts) {
    if (port === plan.healthPort) {
      throw propError(where, subject, prop, `gives port ${port}, which is also the 'healthPort'`, port, 'Use another port for the instance, or set \'healthPort\'');
    }
    if (port === o.adminPort) {
      throw propError(where, subject, prop, `gives port ${port}, which is also the 'adminPort'`, port, 'Use another port for the instance, or set \'adminPort\'');
    }
  }

  // durations
  const startupTimeout = checkDuration(where, subject, 'startupTimeout', o.startupTimeout);
  if (startupTimeout) wholeSeconds(where, subject, 'startupTimeout', startupTimeout, 1);
  for (const prop of ['minSigtermDelay', 'maxSigtermDelay'] as const) {
    const d = checkDuration(where, subject, prop, o[prop]);
    if (d && d.toMilliseconds() <= 0) {
      throw propError(where, subject, prop, 'must be longer than zero (zero is the proxy\'s default: leave it unset)', d, 'Remove it, or use e.g. Duration.seconds(10)');
    }
  }

  // credentials and identity
  if (o.impersonationChain !== undefined) {
    const chain = o.impersonationChain as unknown;
    if (!Array.isArray(chain) || chain.length === 0) {
      throw propError(where, subject, 'impersonationChain', 'must be a non-empty list of service account emails', chain,
        "Pass ['target@project.iam.gserviceaccount.com'], or remove it to use the pod's own identity");
    }
    chain.forEach((sa: unknown, k: number) => {
      if (typeof sa !== 'string' || !GCP_SERVICE_ACCOUNT_EMAIL.test(sa)) {
        throw propError(where, subject, `impersonationChain[${k}]`,
          'must be a service account email NAME@PROJECT.iam.gserviceaccount.com (domain-scoped project example.com:project: NAME@project.example.com.iam.gserviceaccount.com)', sa,
          'Use the email shown by `gcloud iam service-accounts list`');
      }
      if (chain.indexOf(sa) !== k) throw propError(where, subject, `impersonationChain[${k}]`, 'repeats an earlier entry', sa, 'List each service account once');
    });
  }
  if (o.credentialsSecretKey !== undefined) {
    if (!o.credentialsSecret) {
      throw propError(where, subject, 'credentialsSecretKey', "has no effect without 'credentialsSecret'", o.credentialsSecretKey, "Set 'credentialsSecret' too, or remove it");
    }
    if (typeof o.credentialsSecretKey !== 'string' || !SECRET_KEY.test(o.credentialsSecretKey)) {
      throw propError(where, subject, 'credentialsSecretKey', 'must be a Secret data key (letters, digits, \'-\', \'_\', \'.\')', o.credentialsSecretKey, `Use e.g. '${D.credentialsSecretKey}'`);
    }
  }
  if (o.credentialsSecret !== undefined && (typeof o.credentialsSecret !== 'object' || typeof (o.credentialsSecret as any).name !== 'string')) {
    throw propError(where, subject, 'credentialsSecret', 'must be a cdk8s-plus Secret', o.credentialsSecret,
      "Use kplus.Secret.fromSecretName(this, 'proxy-key', 'cloud-sql-proxy-key') or a kplus.Secret you create");
  }

  // numbers and telemetry
  if (o.maxConnections !== undefined && (!Number.isInteger(o.maxConnections) || o.maxConnections < 1)) {
    throw propError(where, subject, 'maxConnections', 'must be a whole number of at least 1 (the proxy\'s 0 means unlimited: leave it unset)', o.maxConnections, 'Use e.g. 50');
  }
  if (o.telemetrySampleRate !== undefined && (!Number.isInteger(o.telemetrySampleRate) || o.telemetrySampleRate < 1)) {
    throw propError(where, subject, 'telemetrySampleRate', 'must be a whole number of at least 1 (1 in N requests is traced)', o.telemetrySampleRate, 'Use e.g. 10000 (the proxy\'s default)');
  }
  if (o.telemetryProject !== undefined && (typeof o.telemetryProject !== 'string' || !GCP_PROJECT_ID.test(o.telemetryProject))) {
    throw propError(where, subject, 'telemetryProject', 'must be a Google Cloud project id', o.telemetryProject, "Use e.g. 'my-project'");
  }
  if (o.telemetryProject === undefined) {
    for (const prop of ['telemetryPrefix', 'telemetrySampleRate', 'disableMetrics', 'disableTraces'] as const) {
      if (o[prop] !== undefined) {
        throw propError(where, subject, prop, "has no effect without 'telemetryProject' (the proxy sends telemetry only to that project)", o[prop],
          "Set 'telemetryProject' too, or remove it");
      }
    }
  }
  if (o.prometheusNamespace !== undefined && !o.prometheus) {
    throw propError(where, subject, 'prometheusNamespace', "has no effect without 'prometheus: true'", o.prometheusNamespace, "Set 'prometheus: true' too, or remove it");
  }

  checkExtraArgs(where, subject, plan);
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

/** Why an identifier is not valid, with the most useful hint. */
function instanceIdCheck(where: string, subject: string, f: ProxyFlavor, prop: string, id: string): void {
  if (f.parseInstance(id)) return;
  let problem = `is not a valid ${f.instanceNoun}`;
  let fix = `Use the form '${f.instanceExample}'`;
  const other = PROXY_FLAVORS.find(x => x !== f && x.looksLike.test(id.split('?')[0]));
  if (id.includes('?')) {
    problem = 'must not carry a query string: the construct renders the port, IP type and IAM options itself';
    fix = 'Remove everything from \'?\' and use the typed props (port, ipType, autoIamAuthn)';
  } else if (other) {
    problem = `looks like ${article(other.displayName)} ${other.displayName} ${other.instanceNoun}, not ${article(f.displayName)} ${f.displayName} ${f.instanceNoun}`;
    fix = `Use ${other.constructName} for ${other.productName}`;
  } else if (id !== id.toLowerCase()) {
    problem = `must be lower-case (${f.instanceNoun}s are)`;
    fix = `Use '${id.toLowerCase()}' if that is the instance`;
  } else if (f === CLOUD_SQL_PROXY) {
    const parts = id.split(':');
    if (parts.length === 2) {
      problem = 'has two parts; a connection name is PROJECT:REGION:INSTANCE';
      fix = "Get it with: gcloud sql instances describe INSTANCE --format='value(connectionName)'";
    } else if (parts.length >= 3 && /^[a-z]+-[a-z]+[0-9]+-[a-z]$/.test(parts[parts.length - 2])) {
      problem = `names the zone '${parts[parts.length - 2]}' where the region belongs`;
      fix = `Use the region, e.g. '${parts.slice(0, -2).join(':')}:${parts[parts.length - 2].replace(/-[a-z]$/, '')}:${parts[parts.length - 1]}'`;
    } else {
      problem = 'is not PROJECT:REGION:INSTANCE (project ids: 6-30 lower-case letters, digits or \'-\'; a legacy domain-scoped project is \'example.com:project\') nor a DNS name';
      fix = "Get it with: gcloud sql instances describe INSTANCE --format='value(connectionName)'";
    }
  } else if (f === ALLOYDB_PROXY) {
    problem = 'is not projects/PROJECT/locations/REGION/clusters/CLUSTER/instances/INSTANCE';
    fix = 'Get it with: gcloud alloydb instances describe INSTANCE --cluster=CLUSTER --region=REGION --format=\'value(name)\'';
  }
  throw propError(where, subject, prop, problem, id, fix);
}

/** The typed prop that owns each flag, for the `extraArgs` duplicate check. */
function ownedFlags(plan: ProxyPlan): Map<string, string> {
  const f = plan.inputs.flavor;
  const owned = new Map<string, string>([
    [COMMON_FLAGS.structuredLogs, 'structuredLogs'],
    [f.flags.exitZeroOnSigterm, 'exitZeroOnSigterm'],
    [COMMON_FLAGS.healthCheck, 'healthPort (the health check is always on)'],
    [COMMON_FLAGS.httpAddress, 'healthPort (the health server always listens on 0.0.0.0 so kubelet probes reach it)'],
    [COMMON_FLAGS.httpPort, 'healthPort'],
    [COMMON_FLAGS.adminPort, 'adminPort'],
    [COMMON_FLAGS.quitQuitQuit, 'adminPort'],
    [COMMON_FLAGS.port, `${plan.inputs.singleProp}/instances port`],
    [COMMON_FLAGS.address, 'listenAddress'],
    [COMMON_FLAGS.unixSocket, 'unixSocketDirectory'],
    [COMMON_FLAGS.autoIamAuthn, 'autoIamAuthn'],
    [COMMON_FLAGS.impersonateServiceAccount, 'impersonationChain'],
    [COMMON_FLAGS.maxConnections, 'maxConnections'],
    [COMMON_FLAGS.minSigtermDelay, 'minSigtermDelay'],
    [COMMON_FLAGS.maxSigtermDelay, 'maxSigtermDelay'],
    [COMMON_FLAGS.runConnectionTest, 'runConnectionTest'],
    [COMMON_FLAGS.lazyRefresh, 'lazyRefresh'],
    [COMMON_FLAGS.quiet, 'quiet'],
    [COMMON_FLAGS.debugLogs, 'debugLogs'],
    [COMMON_FLAGS.prometheus, 'prometheus'],
    [COMMON_FLAGS.prometheusNamespace, 'prometheusNamespace'],
    [COMMON_FLAGS.telemetryProject, 'telemetryProject'],
    [COMMON_FLAGS.telemetryPrefix, 'telemetryPrefix'],
    [COMMON_FLAGS.telemetrySampleRate, 'telemetrySampleRate'],
    [COMMON_FLAGS.disableMetrics, 'disableMetrics'],
    [COMMON_FLAGS.disableTraces, 'disableTraces'],
  ]);
  for (const flag of Object.values(f.flags.ipTypeFlags)) owned.set(flag, 'ipType');
  for (const [flag, prop] of Object.entries(plan.inputs.flavorOwnedFlags)) owned.set(flag, prop);
  return owned;
}

function checkExtraArgs(where: string, subject: string, plan: ProxyPlan): void {
  const o = plan.inputs.options;
  const f = plan.inputs.flavor;
  if (o.extraArgs === undefined) return;
  if (!Array.isArray(o.extraArgs)) throw propError(where, subject, 'extraArgs', 'must be a list of strings', o.extraArgs, "Use e.g. ['--debug']");
  const owned = ownedFlags(plan);
  const other = PROXY_FLAVORS.find(x => x !== f)!;
  o.extraArgs.forEach((arg: unknown, k: number) => {
    const prop = `extraArgs[${k}]`;
    if (typeof arg !== 'string' || arg.trim() === '') throw propError(where, subject, prop, 'must be a non-empty string', arg, 'Remove it');
    const prev = k > 0 ? o.extraArgs![k - 1] : undefined;
    const isValueOfPrev = !arg.startsWith('-') && typeof prev === 'string' && /^--[a-z-]+$/.test(prev) && !BOOLEAN_FLAGS.has(prev);
    if (!arg.startsWith('-')) {
      if (isValueOfPrev) return;
      throw propError(where, subject, prop, `looks like an instance; instances are rendered from '${plan.inputs.singleProp}'/'instances'`, arg,
        `Pass the instance through '${plan.inputs.singleProp}' or 'instances'; 'extraArgs' is for flags only`);
    }
    const flagName = arg.startsWith('--') ? arg.split('=')[0] : SHORT_FLAGS[arg.slice(0, 2)] ?? arg.split('=')[0];
    if (CREDENTIAL_FLAGS.includes(flagName)) {
      if (o.credentialsSecret) {
        throw propError(where, subject, prop, "gives credentials a second way: 'credentialsSecret' is set", arg,
          "Give credentials once: keep 'credentialsSecret' (a key file mounted from a Secret) and remove this flag");
      }
      throw propError(where, subject, prop, flagName === COMMON_FLAGS.credentialsFile
        ? 'points at a key file the construct does not mount'
        : 'would put credentials (or a host-only login) into the manifest', arg,
      "Use Workload Identity (GkeWorkloadIdentity, no key at all) or 'credentialsSecret' (a key file mounted from a Kubernetes Secret)");
    }
    if (other.flags.only.includes(flagName) && !f.flags.only.includes(flagName)) {
      throw propError(where, subject, prop, `is a flag of the ${other.displayName} only; the ${f.displayName} exits at start-up on an unknown flag`, arg,
        flagName === other.flags.exitZeroOnSigterm ? `Remove it: '${f.flags.exitZeroOnSigterm}' is rendered already ('exitZeroOnSigterm')` : 'Remove it');
    }
    const owner = owned.get(flagName);
    if (owner) {
      throw propError(where, subject, prop, `duplicates ${flagName}, which the construct renders from a typed prop`, arg, `Use '${owner}' instead`);
    }
    if (f.flags.autoIp !== undefined && flagName === f.flags.autoIp) {
      throw propError(where, subject, prop, "conflicts with 'ipType' (the legacy first-IP mode \"should not be used\")", arg, "Remove it and choose the IP type with 'ipType'");
    }
  });
}

/** Boolean flags (no separate value token), so a following positional is not taken for their value. */
const BOOLEAN_FLAGS = new Set<string>([
  COMMON_FLAGS.debug, COMMON_FLAGS.structuredLogs, COMMON_FLAGS.quiet, COMMON_FLAGS.debugLogs, COMMON_FLAGS.healthCheck,
  COMMON_FLAGS.quitQuitQuit, COMMON_FLAGS.prometheus, COMMON_FLAGS.lazyRefresh, COMMON_FLAGS.runConnectionTest,
  COMMON_FLAGS.disableMetrics, COMMON_FLAGS.disableTraces, COMMON_FLAGS.gcloudAuth, COMMON_FLAGS.autoIamAuthn,
  ...PROXY_FLAVORS.flatMap(x => [x.flags.exitZeroOnSigterm, ...Object.values(x.flags.ipTypeFlags)]),
]);

// ---------------------------------------------------------------------------------------------------------------
// whole-pod checks (synth time)

/**
 * Checks against the pod: SIGTERM delays vs the grace period, ports used by other containers, app variables set by
 * another sidecar, and the ServiceAccount of the Workload Identity the proxy runs under.
 * @param workload the workload the proxy is in
 * @param container the proxy's container
 * @param plan the proxy's plan
 * @param identity the `GkeWorkloadIdentity` the proxy was added to, if any
 */
export function checkProxyInWorkload(workload: kplus.AbstractPod, container: kplus.Container, plan: ProxyPlan,
  identity?: ProxyIdentityLink): string[] {
  const where = workload.node.path;
  const o = plan.inputs.options;
  const subject = `${plan.inputs.flavor.constructName} '${plan.name}'`;
  const errors: string[] = [];

  if (identity) errors.push(...identityErrors(workload, plan, identity));

  const min = isDuration(o.minSigtermDelay) ? o.minSigtermDelay.toMilliseconds() : 0;
  const max = isDuration(o.maxSigtermDelay) ? o.maxSigtermDelay.toMilliseconds() : 0;
  if (min + max > 0) {
    const grace = workload.terminationGracePeriod ?? Duration.seconds(D.terminationGracePeriodSeconds);
    if (min + max >= grace.toMilliseconds()) {
      const prop = max > 0 && min > 0 ? 'minSigtermDelay + maxSigtermDelay' : max > 0 ? 'maxSigtermDelay' : 'minSigtermDelay';
      const need = Math.ceil((min + max) / 1000) + 10;
      errors.push(propError(where, subject, prop,
        `must be shorter than the pod's terminationGracePeriod (${grace.toSeconds()}s): the kubelet kills the proxy when the grace period ends, and app containers and sidecars share it`,
        goDuration(Duration.millis(min + max)),
        `Set terminationGracePeriod: Duration.seconds(${need}) on the workload, or shorten the delay`).message);
    }
  }

  // ports this proxy binds (health: declared; listeners and admin: loopback, undeclared)
  const mine = portsOf(plan);
  const others: Array<{ port: number; owner: string }> = [];
  for (const c of [...workload.initContainers, ...workload.containers]) {
    if (c === container) continue;
    for (const p of c.ports) if ((p.protocol ?? kplus.Protocol.TCP) === kplus.Protocol.TCP) others.push({ port: p.number, owner: `container '${c.name}'` });
  }
  // the undeclared ports of proxies added earlier (each pair is reported once, by the later proxy)
  const sidecars = sidecarsOf(workload);
  const self = sidecars.findIndex(x => planOf(x) === plan);
  for (const s of sidecars.slice(0, Math.max(self, 0))) {
    const otherPlan = planOf(s);
    if (!otherPlan) continue;
    for (const p of portsOf(otherPlan)) if (p.prop !== 'healthPort') others.push({ port: p.port, owner: `proxy sidecar '${otherPlan.name}' (${p.prop})` });
  }
  for (const p of mine) {
    const hit = others.find(x => x.port === p.port);
    if (hit) {
      errors.push(propError(where, subject, p.prop, `uses port ${p.port}, which ${hit.owner} also uses; all containers of a pod share one network namespace`, p.port,
        `Give '${p.prop}' another port`).message);
    }
  }

  // app variables an earlier sidecar sets too (two proxies both default to DB_HOST/DB_PORT); each pair is reported
  // once, by the later sidecar. Usually the attach-time wiring fails first; this catches pods wired later.
  const earlierEnv = new Map<string, string>();
  for (const s of sidecars.slice(0, Math.max(self, 0))) {
    const otherPlan = planOf(s);
    for (const name of Object.keys(s.appEnv)) earlierEnv.set(name, otherPlan ? `proxy sidecar '${otherPlan.name}'` : `sidecar '${s.name}'`);
  }
  for (const [name, prop] of envProps(plan)) {
    const owner = earlierEnv.get(name);
    if (!owner) continue;
    const example = prop.endsWith('unixSocketPathEnvName')
      ? "unixSocketPathEnvName: 'ORDERS_DB_SOCKET_PATH'"
      : "hostEnvName: 'ORDERS_DB_HOST', portEnvName: 'ORDERS_DB_PORT'";
    errors.push(propError(where, subject, prop,
      `sets the app variable '${name}', which ${owner} sets too: two proxies in one pod both default to ${D.hostEnvName}/${D.portEnvName} (${D.unixSocketPathEnvName} for sockets)`, name,
      `Give one of the two proxies variables of its own, e.g. ${example}${prop.startsWith('instances[') ? ` (on '${prop.replace(/\.[a-zA-Z]+$/, '')}')` : ''}`).message);
  }
  return errors;
}

/** Each app variable of the plan and the prop it comes from (`hostEnvName`, `instances[1].portEnvName`). */
function envProps(plan: ProxyPlan): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const unix = plan.unixSocketDirectory !== undefined;
  for (const i of plan.inputs.instances) {
    if (!unix && i.hostEnvName) out.push([i.hostEnvName, `${i.prefix}hostEnvName`]);
    if (!unix && i.portEnvName) out.push([i.portEnvName, `${i.prefix}portEnvName`]);
    if (unix && i.unixSocketPathEnvName) out.push([i.unixSocketPathEnvName, `${i.prefix}unixSocketPathEnvName`]);
  }
  return out;
}

/** What a proxy knows about the `GkeWorkloadIdentity` it was added to. */
export interface ProxyIdentityLink {
  /** The identity construct itself (construct paths can repeat across apps). */
  readonly owner: object;
  /** Construct path of the identity, for messages. */
  readonly path: string;
  readonly serviceAccountName: string;
  readonly namespaceName: string;
}

// Symbol.for: the link survives two copies of this package in one app (style.md §5)
const IDENTITY_LINK = Symbol.for('cdk8s-sidecars.AuthProxySidecar.identity');

/**
 * Record that `proxy` runs under a Workload Identity; throws when it already runs under another one.
 * @param where construct path of the identity, for errors
 * @param proxy the proxy sidecar
 * @param link the identity
 */
export function linkIdentity(where: string, proxy: object, link: ProxyIdentityLink): void {
  const current = identityOf(proxy);
  if (current && current.owner !== link.owner) {
    throw propError(where, 'GkeWorkloadIdentity', 'proxies',
      `contains proxy sidecar '${(proxy as { name?: string }).name}', which was already added to GkeWorkloadIdentity '${current.path}'; a pod runs as one ServiceAccount`,
      (proxy as { name?: string }).name, 'Add each proxy to one identity (create one proxy object per workload if the workloads run as different identities)');
  }
  Object.defineProperty(proxy, IDENTITY_LINK, { value: link, configurable: true, enumerable: false });
}

/**
 * The Workload Identity `proxy` runs under, if any.
 * @param proxy the proxy sidecar
 */
export function identityOf(proxy: object): ProxyIdentityLink | undefined {
  return (proxy as { [IDENTITY_LINK]?: ProxyIdentityLink })[IDENTITY_LINK];
}

function identityErrors(workload: kplus.AbstractPod, plan: ProxyPlan, identity: ProxyIdentityLink): string[] {
  const where = workload.node.path;
  const kind = workload.constructor.name;
  const errors: string[] = [];
  const sa = workload.serviceAccount?.name;
  if (sa !== identity.serviceAccountName) {
    errors.push(propError(where, kind, 'serviceAccount',
      `must be the ServiceAccount '${identity.serviceAccountName}' of GkeWorkloadIdentity '${identity.path}', which proxy sidecar '${plan.name}' runs under: `
      + `the proxy gets its Google credentials from the pod's ServiceAccount${sa === undefined ? " (without one the pod runs as 'default')" : ''}`,
      sa, "Pass serviceAccount: identity.serviceAccount in the workload's props").message);
  }
  const ns = workload.metadata.namespace;
  if (ns !== undefined && ns !== identity.namespaceName) {
    errors.push(propError(where, kind, 'metadata.namespace',
      `differs from the namespace '${identity.namespaceName}' of GkeWorkloadIdentity '${identity.path}' (a pod can only use a ServiceAccount of its own namespace)`, ns,
      'Run the workload in the identity\'s namespace, or create the identity for this namespace').message);
  }
  return errors;
}

function portsOf(plan: ProxyPlan): Array<{ port: number; prop: string }> {
  const out: Array<{ port: number; prop: string }> = [{ port: plan.healthPort, prop: 'healthPort' }];
  if (plan.adminPort !== undefined) out.push({ port: plan.adminPort, prop: 'adminPort' });
  plan.endpoints.forEach((e, k) => {
    if (e.port !== undefined) out.push({ port: e.port, prop: plan.inputs.instancesGiven ? `instances[${k}].port` : 'port' });
  });
  return out;
}

const PLANS = new WeakMap<object, ProxyPlan>();

/**
 * Remember the plan behind a sidecar's props (the base class reads it back in its constructor).
 * @param plan the proxy's plan
 */
export function registerPlan(plan: ProxyPlan): SidecarProps {
  PLANS.set(plan.sidecarProps, plan);
  return plan.sidecarProps;
}

/**
 * The plan registered for `props`, if any.
 * @param props sidecar props made by `registerPlan`
 */
export function planForProps(props: SidecarProps): ProxyPlan | undefined {
  return PLANS.get(props);
}

const PLAN_OF_SIDECAR = new WeakMap<object, ProxyPlan>();

/**
 * Link a sidecar object to its plan (for whole-pod checks between proxies).
 * @param sidecar the proxy sidecar
 * @param plan its plan
 */
export function linkPlan(sidecar: object, plan: ProxyPlan): void {
  PLAN_OF_SIDECAR.set(sidecar, plan);
}

function planOf(sidecar: object): ProxyPlan | undefined {
  return PLAN_OF_SIDECAR.get(sidecar);
}
