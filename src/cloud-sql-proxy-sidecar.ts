import { propError } from './_errors';
import { CLOUD_SQL_PROXY, ENGINE_DEFAULT_PORTS, GCP_PROJECT_ID, GCP_ROLES } from './_proxy-flavors';
import { collectInstances, InstanceSource, planProxy } from './_proxy-plan';
import { AuthProxySidecarOptions, GcpRoleGrant } from './auth-proxy-options';
import { AuthProxySidecar } from './auth-proxy-sidecar';

/** A Cloud SQL database engine; chooses the default listener port. */
export enum DatabaseEngine {
  /** PostgreSQL: port 5432; Unix sockets are directories holding `.s.PGSQL.5432`. */
  POSTGRESQL = 'POSTGRESQL',
  /** MySQL: port 3306. */
  MYSQL = 'MYSQL',
  /** SQL Server: port 1433; TCP only, no automatic IAM database authentication. */
  SQL_SERVER = 'SQL_SERVER',
}

/**
 * How the Cloud SQL Auth Proxy reaches an instance. The three are mutually exclusive (cloud-sql-proxy
 * cmd/root.go `parseConfig`), so one value per instance.
 */
export enum CloudSqlIpType {
  /** The instance's public IP: the proxy's default. */
  PUBLIC = 'PUBLIC',
  /** The instance's private IP (`private-ip=true`): needs the pod's VPC to reach it, e.g. VPC-native GKE. */
  PRIVATE = 'PRIVATE',
  /** Private Service Connect (`psc=true`), proxy 2.5.0 or later. */
  PSC = 'PSC',
}

/** One Cloud SQL instance of a `CloudSqlProxySidecar` with several instances. */
export interface CloudSqlInstance {
  /**
   * The instance connection name `PROJECT:REGION:INSTANCE` (`gcloud sql instances describe INSTANCE
   * --format='value(connectionName)'`), or a DNS name whose TXT record holds one. No `?query`: use the typed fields.
   * Same name as the single-instance prop.
   */
  readonly instanceConnectionName: string;

  /**
   * Local port of this instance's listener. Always rendered (`?port=`), so the proxy makes no API call at start-up.
   *
   * @default - the engine's port (`engine`); one of the two is required over TCP
   */
  readonly port?: number;

  /**
   * The engine: its default port when `port` is unset; also rejects what the engine cannot do.
   *
   * @default - unknown (then `port` is required over TCP)
   */
  readonly engine?: DatabaseEngine;

  /**
   * How the proxy reaches the instance.
   *
   * @default - the sidecar's `ipType`
   */
  readonly ipType?: CloudSqlIpType;

  /**
   * Automatic IAM database authentication for this instance.
   *
   * @default - the sidecar's `autoIamAuthn`
   */
  readonly autoIamAuthn?: boolean;

  /**
   * App environment variable that gets the host (`127.0.0.1`), e.g. `ORDERS_DB_HOST`.
   *
   * @default - none
   */
  readonly hostEnvName?: string;

  /**
   * App environment variable that gets the port, e.g. `ORDERS_DB_PORT`.
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
 * Properties of a `CloudSqlProxySidecar`: one instance (`instanceConnectionName`) or several (`instances`).
 *
 * With another proxy in the same pod, give one of them its own `port`, `healthPort` and `hostEnvName`/`portEnvName`:
 * both listen on loopback, serve health on 9801 and set `DB_HOST`/`DB_PORT` by default.
 */
export interface CloudSqlProxySidecarProps extends AuthProxySidecarOptions {
  /**
   * The instance connection name `PROJECT:REGION:INSTANCE`, e.g. `acme-prod:europe-west1:main-db` (legacy
   * domain-scoped projects: `example.com:project:region:instance`), or a DNS name whose TXT record holds one.
   *
   * @default - none; then `instances` is required
   */
  readonly instanceConnectionName?: string;

  /**
   * Local port of the instance's listener (single instance). Always rendered (`?port=`): without it the proxy looks up
   * the engine with a SQL Admin API call at start-up, which is slower and fails while the GKE metadata server warms
   * up (csp#2361).
   *
   * @default - the port of `engine`; one of the two is required over TCP
   */
  readonly port?: number;

  /**
   * The engine of the instance (single instance): `port` defaults to its port (PostgreSQL 5432, MySQL 3306, SQL
   * Server 1433).
   *
   * @default - unknown (then `port` is required over TCP)
   */
  readonly engine?: DatabaseEngine;

  /**
   * How the proxy reaches the instance(s); an instance can override it. Public is the proxy's own default; GKE with
   * private-IP Cloud SQL needs `PRIVATE`.
   *
   * @default CloudSqlIpType.PUBLIC
   */
  readonly ipType?: CloudSqlIpType;

  /**
   * Several instances, each with its own port (ports are never auto-assigned: the app must know them). Use instead
   * of `instanceConnectionName`/`port`/`engine`.
   *
   * @default - none; then `instanceConnectionName` is required
   */
  readonly instances?: CloudSqlInstance[];

  /**
   * Bill Cloud SQL Admin API quota to this project (`--quota-project`). The principal needs
   * `roles/serviceusage.serviceUsageConsumer` there.
   *
   * @default - the principal's own project
   */
  readonly quotaProject?: string;
}

const ENGINE_PORTS: { [engine: string]: number } = {
  [DatabaseEngine.POSTGRESQL]: ENGINE_DEFAULT_PORTS.postgres,
  [DatabaseEngine.MYSQL]: ENGINE_DEFAULT_PORTS.mysql,
  [DatabaseEngine.SQL_SERVER]: ENGINE_DEFAULT_PORTS.sqlServer,
};

const IP_TYPE_KEYS: { [ipType: string]: string } = {
  [CloudSqlIpType.PUBLIC]: 'public',
  [CloudSqlIpType.PRIVATE]: 'private',
  [CloudSqlIpType.PSC]: 'psc',
};

function engineFacts(engine: unknown): InstanceSource['engine'] {
  if (engine === undefined) return undefined;
  const label = String(engine);
  return {
    label,
    port: ENGINE_PORTS[label],
    postgres: label === DatabaseEngine.POSTGRESQL,
    sqlServer: label === DatabaseEngine.SQL_SERVER,
  };
}

/**
 * The Cloud SQL Auth Proxy (v2) as a native sidecar, with defaults that beat both the operator and Google's example
 * YAML: an explicit port per instance, a `/startup` gate on a health server the kubelet can reach, exit 0 on SIGTERM,
 * structured logs, restricted security (uid 65532), small resources, and the app's `DB_HOST`/`DB_PORT`.
 *
 * @example
 * new SidecarCronJob(chart, 'report', {
 *   schedule: Cron.daily(),
 *   sidecars: [new CloudSqlProxySidecar({ instanceConnectionName: 'acme-prod:europe-west1:main-db', port: 5432 })],
 *   containers: [{ image: 'ghcr.io/acme/report:1.4.2' }],
 * });
 *
 * @see https://github.com/GoogleCloudPlatform/cloud-sql-proxy
 */
export class CloudSqlProxySidecar extends AuthProxySidecar {
  /**
   * The default port of an engine: PostgreSQL 5432, MySQL 3306, SQL Server 1433.
   *
   * @param engine the database engine
   */
  public static defaultPortFor(engine: DatabaseEngine): number {
    const port = ENGINE_PORTS[engine];
    if (port === undefined) {
      throw propError(undefined, 'CloudSqlProxySidecar.defaultPortFor', 'engine', 'must be a DatabaseEngine', engine, 'Use e.g. DatabaseEngine.POSTGRESQL');
    }
    return port;
  }

  /**
   * @param props the instance(s) and proxy settings; checked when the sidecar is added to a workload
   */
  constructor(props: CloudSqlProxySidecarProps) {
    const p: CloudSqlProxySidecarProps = props && typeof props === 'object' ? props : {};
    const ipTypeNames = Object.fromEntries(Object.entries(IP_TYPE_KEYS).map(([member, key]) => [key, `CloudSqlIpType.${member}`]));
    const single: InstanceSource | undefined = p.instanceConnectionName === undefined ? undefined : {
      id: p.instanceConnectionName,
      port: p.port,
      ipType: p.ipType,
      autoIamAuthn: p.autoIamAuthn,
      hostEnvName: p.hostEnvName,
      portEnvName: p.portEnvName,
      unixSocketPathEnvName: p.unixSocketPathEnvName,
      engine: engineFacts(p.engine),
    };
    const multi = Array.isArray(p.instances)
      ? p.instances.map(i => ({ ...i, engine: engineFacts(i?.engine) }))
      : p.instances;
    const instances = collectInstances(CLOUD_SQL_PROXY, p, 'instanceConnectionName', 'instanceConnectionName', single, multi,
      raw => IP_TYPE_KEYS[String(raw)] ?? `invalid:${String(raw)}`, p.ipType);
    const quotaFlag = CLOUD_SQL_PROXY.flags.quotaProject!;
    const flavorGrants: GcpRoleGrant[] = p.quotaProject !== undefined
      ? [{ role: GCP_ROLES.serviceUsageConsumer, project: p.quotaProject, reason: 'bill SQL Admin API quota to the quota project' }]
      : [];
    const plan = planProxy({
      flavor: CLOUD_SQL_PROXY,
      options: p,
      singleProp: 'instanceConnectionName',
      singleGiven: p.instanceConnectionName !== undefined,
      instancesGiven: p.instances !== undefined,
      instancesRaw: p.instances,
      instances,
      ipTypeNames,
      singleOnlyPropsGiven: (['port', 'engine'] as const).filter(k => p[k] !== undefined),
      flavorArgs: p.quotaProject !== undefined ? [`${quotaFlag}=${p.quotaProject}`] : [],
      flavorOwnedFlags: { [quotaFlag]: 'quotaProject' },
      flavorGrants,
      flavorChecks: (where, subject) => {
        const engines = [
          ...(p.engine !== undefined ? [{ prop: 'engine', value: p.engine as unknown }] : []),
          ...(Array.isArray(p.instances) ? p.instances.map((i, k) => ({ prop: `instances[${k}].engine`, value: i?.engine as unknown })) : []),
        ];
        for (const e of engines) {
          if (e.value !== undefined && ENGINE_PORTS[String(e.value)] === undefined) {
            throw propError(where, subject, e.prop, `must be one of ${Object.keys(ENGINE_PORTS).map(k => `DatabaseEngine.${k}`).join(', ')}`, e.value,
              'Use e.g. DatabaseEngine.POSTGRESQL');
          }
        }
        if (p.quotaProject !== undefined && (typeof p.quotaProject !== 'string' || !GCP_PROJECT_ID.test(p.quotaProject))) {
          throw propError(where, subject, 'quotaProject', 'must be a Google Cloud project id', p.quotaProject, "Use e.g. 'my-project'");
        }
      },
    });
    super(plan.sidecarProps);
    this._setPlan(plan);
  }
}
