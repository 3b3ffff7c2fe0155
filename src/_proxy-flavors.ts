/**
 * The one place that knows the Cloud SQL Auth Proxy (v2) and AlloyDB Auth Proxy command lines: images, binary paths,
 * flag spellings, defaults and health endpoints. Used by the proxy sidecar constructs (to render) and by the linter
 * (to recognise and check proxies in any manifest). No construct imports.
 *
 * Sources: ../shared/reference/cloud-sql-proxy.md §1, §2 (cloud-sql-proxy cmd/root.go) and §5 (alloydb-auth-proxy).
 */

/** Flags whose *names* differ between the two proxies, or exist in only one. */
export interface ProxyFlagNames {
  /** Exit 0 instead of 143 on SIGTERM. Cloud SQL: `--exit-zero-on-sigterm`; AlloyDB: `--exit-zero-sigterm`. */
  readonly exitZeroOnSigterm: string;
  /** Non-default IP type flags, by IP type (`private`, `public`, `psc`, `sql-data`). */
  readonly ipTypeFlags: { readonly [ipType: string]: string };
  /** Query-string keys allowed on an instance (`?port=5432&...`). */
  readonly instanceQueryKeys: readonly string[];
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
} as const;

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
  },
  shutdownSince: '2.20.0',
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
  defaultPort: 5432,
  flags: {
    exitZeroOnSigterm: '--exit-zero-sigterm',
    ipTypeFlags: { public: '--public-ip', psc: '--psc' },
    instanceQueryKeys: ['address', 'port', 'unix-socket', 'unix-socket-path', 'auto-iam-authn', 'public-ip', 'psc'],
  },
  shutdownSince: '1.14.0',
};

/** Cloud SQL Proxy v1 (`gce-proxy`, `cloud_sql_proxy -instances=...`): end of life, different flags. */
export const LEGACY_CLOUD_SQL_PROXY_IMAGE = /(^|\/)cloudsql-docker\/gce-proxy(:|@|$)/;

export const PROXY_FLAVORS: readonly ProxyFlavor[] = [CLOUD_SQL_PROXY, ALLOYDB_PROXY];

/** The proxy flavour an image belongs to, or undefined. */
export function proxyFlavorOfImage(image: string | undefined): ProxyFlavor | undefined {
  if (!image) return undefined;
  return PROXY_FLAVORS.find(f => f.imagePathPatterns.some(p => p.test(image)));
}
