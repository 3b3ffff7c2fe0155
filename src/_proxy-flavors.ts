/**
 * The one place that knows the Cloud SQL Auth Proxy (v2) and AlloyDB Auth Proxy command lines: images, binary paths,
 * flag spellings, defaults and health endpoints. Used by the proxy sidecar constructs (to render) and by the linter
 * (to recognise and check proxies in any manifest). No construct imports.
 *
 * Sources: GoogleCloudPlatform/cloud-sql-proxy `cmd/root.go` (`NewCommand` flag definitions, `parseConfig`),
 * `docs/cmd/cloud-sql-proxy.md`, `Dockerfile`, `CHANGELOG.md`; GoogleCloudPlatform/alloydb-auth-proxy `cmd/root.go`
 * and `CHANGELOG.md`. docs/cloud-sql-proxy.md explains the defaults.
 */

/** Flags whose *names* differ between the two proxies, or exist in only one. */
export interface ProxyFlagNames {
  /** Exit 0 instead of 143 on SIGTERM. Cloud SQL: `--exit-zero-on-sigterm`; AlloyDB: `--exit-zero-sigterm`. */
  readonly exitZeroOnSigterm: string;
  /** Non-default IP type flags, by IP type (`private`, `public`, `psc`, `sql-data`). */
  readonly ipTypeFlags: { readonly [ipType: string]: string };
  /** Query-string keys allowed on an instance (`?port=5432&...`). */
  readonly instanceQueryKeys: readonly string[];
  /** `--quota-project` (Cloud SQL only). */
  readonly quotaProject?: string;
  /** `--auto-ip`, the legacy v1 "first IP" mode that "should not be used" (Cloud SQL only). */
  readonly autoIp?: string;
  /** Per-instance query-string key of each non-default IP type (`private-ip=true`, `public-ip=true`, `psc=true`). */
  readonly ipTypeQueryKeys: { readonly [ipType: string]: string };
  /**
   * Flags that only this proxy knows: the other proxy exits at start-up with "unknown flag" when given one
   * (compare the two proxies' `cmd/root.go` `NewCommand`).
   */
  readonly only: readonly string[];
}

export interface ProxyFlavor {
  /** Human name, for messages. */
  readonly displayName: string;
  /** Default image repository (regional mirrors share the path after the host). */
  readonly imageRepository: string;
  /** Pinned default image tag. */
  readonly defaultVersion: string;
  /** Binary inside the image (distroless: there is no shell). */
  readonly binary: string;
  /** uid/gid the image runs as. */
  readonly uid: number;
  /** Image paths (after the registry host) that identify this proxy in any manifest. */
  readonly imagePathPatterns: readonly RegExp[];
  /** Environment variable prefix (`CSQL_PROXY_`, `ALLOYDB_PROXY_`). */
  readonly envPrefix: string;
  /** Default IP type when none is given. */
  readonly defaultIpType: string;
  /** Default listener port when none is given (0: looked up from the engine with an API call at start-up). */
  readonly defaultPort: number;
  readonly flags: ProxyFlagNames;
  /** The subcommand that asks a running proxy to quit through its admin port (version it appeared in). */
  readonly shutdownSince: string;
  /** Container name our constructs give this proxy's sidecar. */
  readonly containerName: string;
  /** The construct that renders this proxy (for messages pointing users at the right class). */
  readonly constructName: string;
  /** The database product, for messages (`Use AlloyDbProxySidecar for AlloyDB`). */
  readonly productName: string;
  /** Config-file / env key of an instance (`instance-connection-name`, `instance-uri`); env: prefix + upper-snake. */
  readonly instanceConfigKey: string;
  /** The proxy only serves PostgreSQL (AlloyDB), so sockets and default ports are PostgreSQL's. */
  readonly postgresOnly: boolean;
  /** What one instance identifier is called, for messages (`instance connection name`, `instance URI`). */
  readonly instanceNoun: string;
  /** An example identifier, for messages. */
  readonly instanceExample: string;
  /**
   * First proxy version of features our constructs render (image tags drop the leading `v`). A feature missing
   * here is in every version we support.
   */
  readonly featureSince: { readonly [feature: string]: string };
  /** Image tag variants that are no longer published, with the version that dropped them (both proxies' `CHANGELOG.md`). */
  readonly droppedVariants: { readonly [variant: string]: string };
  /** IAM roles the connecting principal needs (cloud-sql-proxy and alloydb-auth-proxy README, "Credentials"). */
  readonly iamRoles: ProxyIamRoles;
  /** Loose shape of this proxy's identifiers, to tell a user who passed one to the other proxy's construct. */
  readonly looksLike: RegExp;
  /** The parsed identifier, or undefined when it is not one of this proxy's identifiers. */
  readonly parseInstance: (id: string) => ParsedProxyInstance | undefined;
  /**
   * The name of the directory (Postgres) or socket file (MySQL) the proxy creates for an instance inside
   * `--unix-socket`. For Postgres the socket itself is `<dir>/<name>/.s.PGSQL.5432`.
   */
  readonly unixSocketName: (id: string) => string;
}

/** IAM roles a proxy's principal needs. */
export interface ProxyIamRoles {
  /** To connect at all (on the instance's project). */
  readonly connect: readonly string[];
  /** In addition, for automatic IAM database authentication. */
  readonly iamAuthn: readonly string[];
  /**
   * In addition, when the proxy impersonates a service account (`--impersonate-service-account`): roles that
   * account needs on its own project (cloud-sql-proxy README, "Impersonation").
   */
  readonly impersonationTarget: readonly string[];
}

/** The parts of an instance identifier. */
export interface ParsedProxyInstance {
  /** Project id (`example.com:project` for legacy domain-scoped projects); undefined for a DNS name. */
  readonly project?: string;
  readonly region?: string;
  /** True when the identifier is a DNS name the proxy resolves (TXT record) at start-up. */
  readonly dnsName: boolean;
}

/** Flags common to both proxies (same spelling). */
export const COMMON_FLAGS = {
  healthCheck: '--health-check',
  httpAddress: '--http-address',
  httpPort: '--http-port',
  adminPort: '--admin-port',
  quitQuitQuit: '--quitquitquit',
  structuredLogs: '--structured-logs',
  quiet: '--quiet',
  debugLogs: '--debug-logs',
  port: '--port',
  address: '--address',
  unixSocket: '--unix-socket',
  autoIamAuthn: '--auto-iam-authn',
  credentialsFile: '--credentials-file',
  jsonCredentials: '--json-credentials',
  token: '--token',
  gcloudAuth: '--gcloud-auth',
  impersonateServiceAccount: '--impersonate-service-account',
  maxConnections: '--max-connections',
  minSigtermDelay: '--min-sigterm-delay',
  maxSigtermDelay: '--max-sigterm-delay',
  prometheus: '--prometheus',
  prometheusNamespace: '--prometheus-namespace',
  telemetryProject: '--telemetry-project',
  telemetryPrefix: '--telemetry-prefix',
  telemetrySampleRate: '--telemetry-sample-rate',
  disableMetrics: '--disable-metrics',
  disableTraces: '--disable-traces',
  lazyRefresh: '--lazy-refresh',
  runConnectionTest: '--run-connection-test',
  loginToken: '--login-token',
  configFile: '--config-file',
  debug: '--debug',
  userAgent: '--user-agent',
  fuse: '--fuse',
  fuseTmpDir: '--fuse-tmp-dir',
} as const;

/** One-letter aliases of common flags (`-p 5432` is `--port 5432`), so an escape-hatch arg cannot hide a duplicate. */
export const SHORT_FLAGS: { readonly [short: string]: string } = {
  '-p': COMMON_FLAGS.port,
  '-a': COMMON_FLAGS.address,
  '-u': COMMON_FLAGS.unixSocket,
  '-i': COMMON_FLAGS.autoIamAuthn,
  '-c': COMMON_FLAGS.credentialsFile,
  '-j': COMMON_FLAGS.jsonCredentials,
  '-t': COMMON_FLAGS.token,
  '-g': COMMON_FLAGS.gcloudAuth,
  '-l': COMMON_FLAGS.structuredLogs,
};

/** Flags that carry credentials: at most one may be given (cloud-sql-proxy cmd/root.go:846-864). */
export const CREDENTIAL_FLAGS: readonly string[] = [
  COMMON_FLAGS.credentialsFile, COMMON_FLAGS.jsonCredentials, COMMON_FLAGS.token, COMMON_FLAGS.loginToken, COMMON_FLAGS.gcloudAuth,
];

/** Per-instance query-string keys common to both proxies (`ICN?port=5432&auto-iam-authn=true`). */
export const INSTANCE_QUERY_KEYS = {
  port: 'port',
  address: 'address',
  unixSocket: 'unix-socket',
  unixSocketPath: 'unix-socket-path',
  autoIamAuthn: 'auto-iam-authn',
} as const;

/** The subcommand that makes a running proxy quit through its localhost-only admin server (exec preStop). */
export const SHUTDOWN_SUBCOMMAND = 'shutdown';

/** Subcommands and flags that make the proxy binary do one thing and exit (not serve): both proxies share them. */
export const ONE_SHOT_SUBCOMMANDS: readonly string[] = ['wait', SHUTDOWN_SUBCOMMAND, 'completion', 'help', '--help', '-h', '--version', '-v'];

/**
 * Default ports of the database engines: the Cloud SQL proxy gives a listener without `--port`/`?port=` its engine's
 * port (after an API lookup), the AlloyDB proxy defaults to PostgreSQL's (both proxies' `docs/cmd/*.md`, `--port`). The only copy.
 */
export const ENGINE_DEFAULT_PORTS = {
  postgres: 5432,
  mysql: 3306,
  sqlServer: 1433,
} as const;

/** Name of the Postgres socket file inside the per-instance socket directory. */
export const POSTGRES_SOCKET_FILE = `.s.PGSQL.${ENGINE_DEFAULT_PORTS.postgres}`;

/** Linux `sun_path` holds 108 bytes including the terminating NUL: longer socket paths cannot be bound. */
export const MAX_UNIX_SOCKET_PATH = 107;

/** Roles outside the per-proxy ones (cloud-sql-proxy README, "Credentials" and "Impersonation"). */
export const GCP_ROLES = {
  /** Lets a Kubernetes service account act as the Google service account (Workload Identity binding). */
  workloadIdentityUser: 'roles/iam.workloadIdentityUser',
  /** Lets a principal mint tokens for a service account it impersonates (`--impersonate-service-account`). */
  tokenCreator: 'roles/iam.serviceAccountTokenCreator',
  /** `--quota-project` needs `serviceusage.services.use` on that project. */
  serviceUsageConsumer: 'roles/serviceusage.serviceUsageConsumer',
  /** `--telemetry-project`: metrics (the proxy's own error hint, cmd/root.go `formatStackdriverError`). */
  metricWriter: 'roles/monitoring.metricWriter',
  /** `--telemetry-project`: traces. */
  traceAgent: 'roles/cloudtrace.agent',
} as const;

/** The Kubernetes ServiceAccount annotation that maps it to a Google service account (GKE Workload Identity). */
export const GKE_GSA_ANNOTATION = 'iam.gke.io/gcp-service-account';

/**
 * Automatic IAM database authentication: the database user of a service account is truncated to this many
 * characters (PostgreSQL: the email without `.gserviceaccount.com`; MySQL: the part before `@`). cloud-sql-proxy README, "Automatic IAM Database Authentication".
 */
export const IAM_DB_USER_MAX_LENGTH = { postgres: 63, mysql: 32 } as const;

/**
 * Our constructs' defaults (not the binaries'). Each has its reason; docs/cloud-sql-proxy.md ("Defaults and why")
 * has the full table with sources.
 */
export const PROXY_CONSTRUCT_DEFAULTS = {
  /** `--http-address`: kubelet probes target the pod IP, so the health server must not bind localhost (csp#1555). */
  httpAddress: '0.0.0.0',
  /** `--http-port`: 9801 like the operator and the upstream example, away from the 9090 many apps use for metrics. */
  healthPort: 9801,
  /** Database listeners stay on loopback: "the most secure configuration" (cloud-sql-proxy README, FAQ). */
  listenAddress: '127.0.0.1',
  /** startupProbe: period 1 s, failure threshold 60, timeout 10 s, as the operator and the upstream yaml (cloud-sql-proxy `examples/k8s-health-check`). */
  startupPeriodSeconds: 1,
  startupTimeoutSeconds: 60,
  probeTimeoutSeconds: 10,
  /** livenessProbe: period 10 s, failure threshold 3, timeout 10 s (operator and upstream yaml). */
  livenessPeriodSeconds: 10,
  livenessFailureThreshold: 3,
  /** readinessProbe (opt-in): period 10 s, failure threshold 6, timeout 10 s (cloud-sql-proxy `examples/k8s-health-check`). */
  readinessPeriodSeconds: 10,
  readinessFailureThreshold: 6,
  /** Unix socket directory when none is given: Google's convention in its samples. */
  unixSocketDirectory: '/cloudsql',
  /** Where a credentials Secret is mounted in the proxy (a directory per sidecar container name). */
  credentialsMountRoot: '/secrets',
  /** Key of the credentials Secret when none is given. */
  credentialsSecretKey: 'credentials.json',
  /** App env for a single instance. */
  hostEnvName: 'DB_HOST',
  portEnvName: 'DB_PORT',
  unixSocketPathEnvName: 'DB_SOCKET_PATH',
  /** Kubernetes' default `terminationGracePeriodSeconds`, used when the pod sets none. */
  terminationGracePeriodSeconds: 30,
} as const;

const PROJECT_ID = '[a-z][a-z0-9-]{4,28}[a-z0-9]';
const DOMAIN_PROJECT = `(?:[a-z][a-z0-9.-]*[a-z0-9]:)?${PROJECT_ID}`;

/** A Google Cloud project id (6-30 characters), optionally legacy domain-scoped (`example.com:project`). */
export const GCP_PROJECT_ID = new RegExp(`^${DOMAIN_PROJECT}$`);

/** A Google Cloud project id that is not domain-scoped. */
export const GCP_PLAIN_PROJECT_ID = new RegExp(`^${PROJECT_ID}$`);

const SA_ACCOUNT_ID = '[a-z][a-z0-9-]{4,28}[a-z0-9]';
const DNS_DOMAIN = '[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+';

/**
 * A user-managed Google service account email: `NAME@PROJECT.iam.gserviceaccount.com` (account ids have 6-30
 * characters), or for a legacy domain-scoped project `example.com:project`, `NAME@project.example.com.iam.gserviceaccount.com`:
 * the domain follows the project. Google's docs do not spell out the domain-scoped form; it is the form of
 * real accounts such as `status@skia-buildbots.google.com.iam.gserviceaccount.com` (project
 * `google.com:skia-buildbots`). An email never contains `:`. Groups: account id, project, domain.
 */
export const GCP_SERVICE_ACCOUNT_EMAIL = new RegExp(`^(${SA_ACCOUNT_ID})@(${PROJECT_ID})(?:\\.(${DNS_DOMAIN}))?\\.iam\\.gserviceaccount\\.com$`);

/** The parts of a service account email. */
export interface ParsedServiceAccountEmail {
  /** The account id, before `@`. */
  readonly accountId: string;
  /** The project id, `example.com:project` for a domain-scoped project. */
  readonly project: string;
}

/**
 * The account id and project of a service account email, or undefined when `email` is not one.
 * @param email any value
 */
export function parseServiceAccountEmail(email: unknown): ParsedServiceAccountEmail | undefined {
  if (typeof email !== 'string') return undefined;
  const m = GCP_SERVICE_ACCOUNT_EMAIL.exec(email);
  if (!m) return undefined;
  return { accountId: m[1], project: m[3] ? `${m[3]}:${m[2]}` : m[2] };
}

const REGION = '[a-z]+-[a-z]+[0-9]+';
const RESOURCE_NAME = '[a-z](?:[a-z0-9-]*[a-z0-9])?';

/**
 * `PROJECT:REGION:INSTANCE`, optionally with a legacy domain-scoped project (`example.com:project:region:instance`).
 * The proxy's own regex `([^:]+(:[^:]+)?):([^:]+):([^:]+)` is unanchored and lenient; this is the anchored form
 * of the same shape (cloud-sql-proxy `internal/proxy/proxy.go`).
 */
export const CLOUD_SQL_CONNECTION_NAME = new RegExp(`^(${DOMAIN_PROJECT}):(${REGION}):(${RESOURCE_NAME})$`);

/** A DNS name the Cloud SQL proxy resolves to a connection name through a TXT record (cloud-sql-go-connector, DNS name resolution). */
export const CLOUD_SQL_DNS_NAME = /^(?:[_a-z0-9](?:[_a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?)?$/;

/** `projects/P/locations/R/clusters/C/instances/I` (alloydb-auth-proxy `internal/proxy/proxy.go`). */
export const ALLOYDB_INSTANCE_URI = new RegExp(`^/?projects/(${DOMAIN_PROJECT})/locations/(${REGION})/clusters/(${RESOURCE_NAME})/instances/(${RESOURCE_NAME})$`);

/** Defaults of the proxy binaries themselves (not our construct defaults). */
export const PROXY_BINARY_DEFAULTS = {
  /** `--http-address` default: localhost, which kubelet probes (sent to the pod IP) cannot reach (csp#1555). */
  httpAddress: 'localhost',
  httpPort: 9090,
  /** The admin server always binds localhost, whatever `--http-address` says. */
  adminPort: 9091,
  /** Health endpoints served with `--health-check`. */
  startupPath: '/startup',
  readinessPath: '/readiness',
  livenessPath: '/liveness',
} as const;

export const CLOUD_SQL_PROXY: ProxyFlavor = {
  displayName: 'Cloud SQL Auth Proxy',
  imageRepository: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy',
  defaultVersion: '2.25.3',
  binary: '/cloud-sql-proxy',
  uid: 65532,
  imagePathPatterns: [/(^|\/)cloud-sql-connectors\/cloud-sql-proxy(:|@|$)/, /(^|\/)cloud-sql-proxy(:|@|$)/],
  envPrefix: 'CSQL_PROXY_',
  defaultIpType: 'public',
  defaultPort: 0,
  flags: {
    exitZeroOnSigterm: '--exit-zero-on-sigterm',
    ipTypeFlags: { 'private': '--private-ip', 'psc': '--psc', 'sql-data': '--sql-data' },
    instanceQueryKeys: ['address', 'port', 'unix-socket', 'unix-socket-path', 'auto-iam-authn', 'private-ip', 'psc', 'sql-data'],
    ipTypeQueryKeys: { private: 'private-ip', psc: 'psc' },
    quotaProject: '--quota-project',
    autoIp: '--auto-ip',
    only: [
      '--exit-zero-on-sigterm', '--private-ip', '--sql-data', '--sqldata-api-endpoint', '--auto-ip', '--universe-domain',
      '--sqladmin-api-endpoint', '--quota-project', '--skip-failed-instance-config', '--resource-exhausted-cooldown-delay',
    ],
  },
  shutdownSince: '2.20.0',
  containerName: 'cloud-sql-proxy',
  constructName: 'CloudSqlProxySidecar',
  productName: 'Cloud SQL',
  instanceConfigKey: 'instance-connection-name',
  postgresOnly: false,
  instanceNoun: 'instance connection name',
  instanceExample: 'my-project:europe-west1:my-instance',
  featureSince: {
    // first versions in cloud-sql-proxy CHANGELOG.md
    runConnectionTest: '2.4.0',
    psc: '2.5.0',
    exitZeroOnSigterm: '2.6.0',
    lazyRefresh: '2.11.0',
    minSigtermDelay: '2.12.0',
    shutdown: '2.20.0',
  },
  droppedVariants: { bullseye: '2.22.0', bookworm: '2.24.0' },
  iamRoles: {
    connect: ['roles/cloudsql.client'],
    iamAuthn: ['roles/cloudsql.instanceUser'],
    // "The impersonated service account must have the Service Usage Consumer and Cloud SQL Client permissions" (cloud-sql-proxy README)
    impersonationTarget: [GCP_ROLES.serviceUsageConsumer],
  },
  looksLike: /^[^/:?]+(:[^/:?]+)?:[^/:?]+:[^/:?]+$/,
  parseInstance: (id: string) => {
    const m = CLOUD_SQL_CONNECTION_NAME.exec(id);
    if (m) return { project: m[1], region: m[2], dnsName: false };
    // a DNS name has a dot and no colon; an IP address is not a DNS name
    if (!id.includes(':') && id.includes('.') && !/^[0-9.]+$/.test(id) && CLOUD_SQL_DNS_NAME.test(id)) return { dnsName: true };
    return undefined;
  },
  unixSocketName: (id: string) => id,
};

export const ALLOYDB_PROXY: ProxyFlavor = {
  displayName: 'AlloyDB Auth Proxy',
  imageRepository: 'gcr.io/alloydb-connectors/alloydb-auth-proxy',
  defaultVersion: '1.15.2',
  binary: '/alloydb-auth-proxy',
  uid: 65532,
  imagePathPatterns: [/(^|\/)alloydb-connectors\/alloydb-auth-proxy(:|@|$)/, /(^|\/)alloydb-auth-proxy(:|@|$)/],
  envPrefix: 'ALLOYDB_PROXY_',
  defaultIpType: 'private',
  defaultPort: ENGINE_DEFAULT_PORTS.postgres,
  flags: {
    exitZeroOnSigterm: '--exit-zero-sigterm',
    ipTypeFlags: { public: '--public-ip', psc: '--psc' },
    instanceQueryKeys: ['address', 'port', 'unix-socket', 'unix-socket-path', 'auto-iam-authn', 'public-ip', 'psc'],
    ipTypeQueryKeys: { public: 'public-ip', psc: 'psc' },
    only: [
      '--exit-zero-sigterm', '--public-ip', '--alloydbadmin-api-endpoint', '--static-connection-info',
      '--disable-built-in-telemetry', '--with-backend-check',
    ],
  },
  shutdownSince: '1.14.0',
  containerName: 'alloydb-auth-proxy',
  constructName: 'AlloyDbProxySidecar',
  productName: 'AlloyDB',
  instanceConfigKey: 'instance-uri',
  postgresOnly: true,
  instanceNoun: 'instance URI',
  instanceExample: 'projects/my-project/locations/europe-west1/clusters/my-cluster/instances/my-primary',
  featureSince: { shutdown: '1.14.0' },
  droppedVariants: { bullseye: '1.14.0', bookworm: '1.15.0' },
  iamRoles: {
    connect: ['roles/alloydb.client', GCP_ROLES.serviceUsageConsumer],
    iamAuthn: ['roles/alloydb.databaseUser'],
    // every AlloyDB principal needs Service Usage Consumer already (connect)
    impersonationTarget: [],
  },
  looksLike: /^\/?projects\/[^/]+\/locations\/[^/]+\/clusters\//,
  parseInstance: (id: string) => {
    const m = ALLOYDB_INSTANCE_URI.exec(id);
    return m ? { project: m[1], region: m[2], dnsName: false } : undefined;
  },
  // alloydb-auth-proxy `UnixSocketDir`: `project.region.cluster.instance`, to stay within the socket path limit
  unixSocketName: (id: string) => {
    const m = ALLOYDB_INSTANCE_URI.exec(id);
    return m ? [m[1], m[2], m[3], m[4]].join('.') : id;
  },
};

/** Cloud SQL Proxy v1 (`gce-proxy`, `cloud_sql_proxy -instances=...`): end of life, different flags. */
export const LEGACY_CLOUD_SQL_PROXY_IMAGE = /(^|\/)cloudsql-docker\/gce-proxy(:|@|$)/;

export const PROXY_FLAVORS: readonly ProxyFlavor[] = [CLOUD_SQL_PROXY, ALLOYDB_PROXY];

/**
 * The proxy flavour an image belongs to, or undefined.
 * @param image an image reference
 */
export function proxyFlavorOfImage(image: string | undefined): ProxyFlavor | undefined {
  if (!image) return undefined;
  return PROXY_FLAVORS.find(f => f.imagePathPatterns.some(p => p.test(image)));
}
