import { ALLOYDB_PROXY } from './_proxy-flavors';
import { collectInstances, InstanceSource, planProxy } from './_proxy-plan';
import { AuthProxySidecarOptions } from './auth-proxy-options';
import { AuthProxySidecar } from './auth-proxy-sidecar';

/**
 * How the AlloyDB Auth Proxy reaches an instance. Mutually exclusive, so one value per instance. Note the default is
 * the opposite of Cloud SQL's: private IP.
 */
export enum AlloyDbIpType {
  /** The instance's private IP: the AlloyDB proxy's default. Needs the pod's VPC to reach it. */
  PRIVATE = 'PRIVATE',
  /** The instance's public IP (`public-ip=true`), which must be enabled on the instance. */
  PUBLIC = 'PUBLIC',
  /** Private Service Connect (`psc=true`). */
  PSC = 'PSC',
}

/** One AlloyDB instance of an `AlloyDbProxySidecar` with several instances. */
export interface AlloyDbInstance {
  /**
   * The instance URI `projects/PROJECT/locations/REGION/clusters/CLUSTER/instances/INSTANCE`. No `?query`: use the
   * typed fields.
   */
  readonly instanceUri: string;

  /**
   * Local port of this instance's listener. Always rendered (`?port=`); ports must differ between instances.
   *
   * @default 5432
   */
  readonly port?: number;

  /**
   * How the proxy reaches the instance.
   *
   * @default - the sidecar's `ipType`
   */
  readonly ipType?: AlloyDbIpType;

  /**
   * Automatic IAM database authentication for this instance.
   *
   * @default - the sidecar's `autoIamAuthn`
   */
  readonly autoIamAuthn?: boolean;

  /**
   * App environment variable that gets the host (`127.0.0.1`).
   *
   * @default - none
   */
  readonly hostEnvName?: string;

  /**
   * App environment variable that gets the port.
   *
   * @default - none
   */
  readonly portEnvName?: string;

  /**
   * App environment variable that gets the socket path (Unix socket mode).
   *
   * @default - none
   */
  readonly unixSocketPathEnvName?: string;
}

/**
 * Properties of an `AlloyDbProxySidecar`: one instance (`instanceUri`) or several (`instances`).
 *
 * With another proxy in the same pod, give one of them its own `port`, `healthPort` and `hostEnvName`/`portEnvName`:
 * both listen on loopback, serve health on 9801 and set `DB_HOST`/`DB_PORT` by default.
 */
export interface AlloyDbProxySidecarProps extends AuthProxySidecarOptions {
  /**
   * The instance URI `projects/PROJECT/locations/REGION/clusters/CLUSTER/instances/INSTANCE` (`gcloud alloydb
   * instances describe INSTANCE --cluster=CLUSTER --region=REGION --format='value(name)'`).
   *
   * @default - none; then `instances` is required
   */
  readonly instanceUri?: string;

  /**
   * Local port of the instance's listener (single instance). Always rendered (`?port=`).
   *
   * @default 5432
   */
  readonly port?: number;

  /**
   * How the proxy reaches the instance(s); an instance can override it.
   *
   * @default AlloyDbIpType.PRIVATE
   */
  readonly ipType?: AlloyDbIpType;

  /**
   * Several instances (e.g. a primary and a read pool), each with its own port. Use instead of `instanceUri`/`port`.
   *
   * @default - none; then `instanceUri` is required
   */
  readonly instances?: AlloyDbInstance[];
}

const IP_TYPE_KEYS: { [ipType: string]: string } = {
  [AlloyDbIpType.PRIVATE]: 'private',
  [AlloyDbIpType.PUBLIC]: 'public',
  [AlloyDbIpType.PSC]: 'psc',
};

/**
 * The AlloyDB Auth Proxy as a native sidecar, with the same defaults and checks as `CloudSqlProxySidecar` (shared
 * base) and AlloyDB's own flag spellings (`--exit-zero-sigterm`, `public-ip`), image
 * `gcr.io/alloydb-connectors/alloydb-auth-proxy` and private IP by default.
 *
 * @example
 * new AlloyDbProxySidecar({ instanceUri: 'projects/acme-prod/locations/europe-west1/clusters/main/instances/main-primary' });
 *
 * @see https://github.com/GoogleCloudPlatform/alloydb-auth-proxy
 */
export class AlloyDbProxySidecar extends AuthProxySidecar {
  /**
   * @param props the instance(s) and proxy settings; checked when the sidecar is added to a workload
   */
  constructor(props: AlloyDbProxySidecarProps) {
    const p: AlloyDbProxySidecarProps = props && typeof props === 'object' ? props : {};
    const ipTypeNames = Object.fromEntries(Object.entries(IP_TYPE_KEYS).map(([member, key]) => [key, `AlloyDbIpType.${member}`]));
    const single: InstanceSource | undefined = p.instanceUri === undefined ? undefined : {
      id: p.instanceUri,
      port: p.port,
      ipType: p.ipType,
      autoIamAuthn: p.autoIamAuthn,
      hostEnvName: p.hostEnvName,
      portEnvName: p.portEnvName,
      unixSocketPathEnvName: p.unixSocketPathEnvName,
    };
    const instances = collectInstances(ALLOYDB_PROXY, p, 'instanceUri', 'instanceUri', single, p.instances,
      raw => IP_TYPE_KEYS[String(raw)] ?? `invalid:${String(raw)}`, p.ipType);
    const plan = planProxy({
      flavor: ALLOYDB_PROXY,
      options: p,
      singleProp: 'instanceUri',
      singleGiven: p.instanceUri !== undefined,
      instancesGiven: p.instances !== undefined,
      instancesRaw: p.instances,
      instances,
      ipTypeNames,
      singleOnlyPropsGiven: (['port'] as const).filter(k => p[k] !== undefined),
      flavorArgs: [],
      flavorOwnedFlags: {},
      flavorGrants: [],
      flavorChecks: () => undefined,
    });
    super(plan.sidecarProps);
    this._setPlan(plan);
  }
}
