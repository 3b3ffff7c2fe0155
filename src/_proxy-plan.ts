/**
 * The proxy sidecars' model, render step: turns what `CloudSqlProxySidecar` / `AlloyDbProxySidecar` read from their
 * props into a `ProxyPlan` (the container's args, ports, probes, mounts, app env, and the IAM grants). Never throws:
 * bad input is reported with the construct path when the sidecar is attached (`_proxy-validate.ts`), and checked
 * against the whole pod before synthesis (`_proxy-pod-checks.ts`). Everything proxy-specific comes from the flavour
 * table in `_proxy-flavors.ts`.
 */
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  COMMON_FLAGS, GCP_ROLES, INSTANCE_QUERY_KEYS, parseServiceAccountEmail, PROXY_BINARY_DEFAULTS, PROXY_CONSTRUCT_DEFAULTS, ProxyFlavor,
  SHUTDOWN_SUBCOMMAND,
} from './_proxy-flavors';
import { AuthProxySidecarOptions, GcpRoleGrant, ProxyEndpoint, ProxyResources } from './auth-proxy-options';
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
/**
 * Render a Duration as a Go duration with a unit (`30s`, `2m`, `1500ms`); the proxy flags need units (op#610).
 * @param d the duration
 */
export function goDuration(d: Duration): string {
  const ms = wholeMillis(d);
  if (ms === undefined) return d.toHumanString(); // rejected by the checks before it is used
  if (ms === 0) return '0s';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/**
 * The milliseconds of `d`, or undefined when it is not a whole number of them (cdk8s throws then).
 * @param d the duration
 */
export function wholeMillis(d: Duration): number | undefined {
  try {
    return d.toMilliseconds();
  } catch {
    return undefined;
  }
}

export function isDuration(d: unknown): d is Duration {
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
    resources: o.resources ?? ProxyResources.DEFAULT,
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

function listenHost(address: string | undefined): string {
  if (address === undefined || address === '0.0.0.0') return D.listenAddress;
  if (address === '::') return '::1';
  return address;
}

export function portOf(f: ProxyFlavor, i: ProxyInstanceInput): number | undefined {
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
  // an explicit port per instance: no SQL Admin API lookup at start-up (csp#2361)
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
