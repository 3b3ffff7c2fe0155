import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';

/**
 * Settings shared by `CloudSqlProxySidecar` and `AlloyDbProxySidecar` (the Cloud SQL Auth Proxy v2 and the AlloyDB
 * Auth Proxy take the same flags for these). Every default is chosen for a native sidecar on GKE; the reasons and
 * sources are in docs/cloud-sql-proxy.md.
 */
export interface AuthProxySidecarOptions {
  /**
   * Name of the proxy container.
   *
   * @default - 'cloud-sql-proxy' or 'alloydb-auth-proxy'
   */
  readonly name?: string;

  /**
   * Image repository, e.g. a regional mirror (`eu.gcr.io/cloud-sql-connectors/cloud-sql-proxy`) or your own
   * Artifact Registry copy. Without a tag: the tag is `version`.
   *
   * @default - 'gcr.io/cloud-sql-connectors/cloud-sql-proxy' or 'gcr.io/alloydb-connectors/alloydb-auth-proxy'
   */
  readonly imageRepository?: string;

  /**
   * Image tag: a pinned release (`2.25.3`), optionally a variant (`2.25.3-alpine`, which has a shell) and a digest
   * (`2.25.3@sha256:...`, rendered `image:2.25.3@sha256:...`; the digest decides what is pulled). A digest alone is
   * rejected: the release tag is what the construct checks its features against. No leading `v`: image tags drop
   * it. Upstream: "We recommend pinning to a specific version tag" (cloud-sql-proxy README). Features the construct
   * renders are checked against the version (e.g. the `shutdown` preStop needs Cloud SQL proxy 2.20.0 / AlloyDB
   * proxy 1.14.0).
   *
   * @default - '2.25.3' (Cloud SQL Auth Proxy) or '1.15.2' (AlloyDB Auth Proxy), the latest releases when written
   */
  readonly version?: string;

  /**
   * When to pull the image.
   *
   * @default kplus.ImagePullPolicy.IF_NOT_PRESENT
   */
  readonly imagePullPolicy?: kplus.ImagePullPolicy;

  /**
   * Compute resources of the proxy. A sidecar's requests are added to the pod's for its whole life, so upstream's
   * starting point of 1 CPU / 2 GiB (csp#1541, also the operator's default, op#433) is far too much for most Jobs.
   * `ProxyResources.BATCH` is lighter still, for one app connection or a few.
   *
   * @default ProxyResources.DEFAULT
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * Security context. Fields you leave unset get uid/gid 65532 (the image's `nonroot` user) and the Pod Security
   * Standards *restricted* values: non-root, read-only root filesystem, no privilege escalation, all capabilities
   * dropped, `RuntimeDefault` seccomp (a superset of the operator's defaults, which miss the last two, op#694).
   *
   * @default - uid/gid 65532 and restricted (see above)
   */
  readonly securityContext?: kplus.ContainerSecurityContextProps;

  /**
   * IP address the database listeners bind (`--address`). An IP literal: the proxy rejects host names, `localhost`
   * included. Loopback is "the most secure configuration" (cloud-sql-proxy README FAQ): only containers of the pod
   * can connect. A non-loopback address (`0.0.0.0`, `::`, the pod IP) is rejected unless
   * `allowNonLoopbackListenAddress` is set: every pod that can reach this pod's IP could then use the database
   * through the proxy with this workload's IAM identity, and with `autoIamAuthn` log in as its IAM principal
   * without a password.
   *
   * @default '127.0.0.1'
   */
  readonly listenAddress?: string;

  /**
   * Allow a non-loopback `listenAddress`, for proxies other pods must reach (a shared proxy behind a Service).
   * Anyone who can reach the listener connects with this workload's IAM identity (and, with `autoIamAuthn`, logs in
   * as its IAM principal), so restrict the clients with a NetworkPolicy.
   *
   * @default false
   */
  readonly allowNonLoopbackListenAddress?: boolean;

  /**
   * Serve Unix sockets in this directory instead of TCP ports (`--unix-socket`). The directory is a shared `emptyDir`
   * (the root filesystem is read-only) mounted in the proxy and in every app container; apps connect to
   * `<dir>/<instance>` (the env `DB_SOCKET_PATH` for one instance). Note: the proxy then looks up each instance's
   * engine with an API call at start-up, and MySQL 8.4 is not supported over Unix sockets (csp#2317).
   *
   * @default - TCP ports, no Unix sockets
   */
  readonly unixSocketDirectory?: string;

  /**
   * Automatic IAM database authentication for every instance (`auto-iam-authn=true`): the proxy logs in as the pod's
   * IAM principal, so the app needs no database password. Needs `roles/cloudsql.instanceUser` (Cloud SQL) or
   * `roles/alloydb.databaseUser` (AlloyDB) and a database user for the principal. An instance can override it.
   *
   * @default false
   */
  readonly autoIamAuthn?: boolean;

  /**
   * Port of the proxy's health server (`--http-port`), declared on the container and probed by number. The health
   * server listens on 0.0.0.0 because kubelet probes go to the pod IP (csp#1555). 9801 matches the operator and the
   * upstream example and stays clear of the 9090 many apps use for metrics.
   *
   * @default 9801
   */
  readonly healthPort?: number;

  /**
   * How long the proxy may take to bind its listeners before the kubelet restarts it. Rendered as the
   * `startupProbe` on `/startup`, polled every second (failure threshold = seconds), timeout 10 s per check, as the
   * operator and the upstream example do. The app starts as soon as the proxy is ready.
   *
   * @default Duration.seconds(60)
   */
  readonly startupTimeout?: Duration;

  /**
   * Render a `livenessProbe` on `/liveness` (every 10 s, failure threshold 3, timeout 10 s, as the operator and the
   * upstream example), so the kubelet restarts a hung proxy.
   *
   * @default true
   */
  readonly enableLivenessProbe?: boolean;

  /**
   * Render a `readinessProbe` on `/readiness` (every 10 s, failure threshold 6, timeout 10 s). Off by default: "For
   * most common usage, adding a readiness healthcheck to the proxy sidecar container is unnecessary" (cloud-sql-proxy
   * k8s-health-check README), and in a Job it changes nothing.
   *
   * @default false
   */
  readonly enableReadinessProbe?: boolean;

  /**
   * JSON logs in the Cloud Logging LogEntry format (`--structured-logs`), which GKE parses into severity and fields.
   * The operator always sets it.
   *
   * @default true
   */
  readonly structuredLogs?: boolean;

  /**
   * Exit 0 instead of 143 on SIGTERM (`--exit-zero-on-sigterm`; AlloyDB: `--exit-zero-sigterm`). Kubernetes ignores a
   * native sidecar's exit code for the pod phase, but 143 still shows in the container status and makes tools
   * report failures (csp#1803, op#355, csp#2372). The operator always sets it.
   *
   * @default true
   */
  readonly exitZeroOnSigterm?: boolean;

  /**
   * Log only errors (`--quiet`).
   *
   * @default false
   */
  readonly quiet?: boolean;

  /**
   * Debug logs (`--debug-logs`).
   *
   * @default false
   */
  readonly debugLogs?: boolean;

  /**
   * After SIGTERM, keep accepting new connections for this long (`--min-sigterm-delay`, rendered with a unit, e.g.
   * `10s`). Not needed in Jobs: a native sidecar gets SIGTERM only after the app has exited. Together with
   * `maxSigtermDelay` it must be shorter than the pod's `terminationGracePeriod` (checked at synth time).
   *
   * @default - none (the proxy stops accepting at once)
   */
  readonly minSigtermDelay?: Duration;

  /**
   * After SIGTERM, wait up to this long for open connections to close (`--max-sigterm-delay`). Connections still
   * open when it runs out make the proxy exit 1, even with `exitZeroOnSigterm` (cmd/root.go). Not needed in Jobs.
   * Checked against the pod's `terminationGracePeriod` at synth time.
   *
   * @default - none (connections are closed at once)
   */
  readonly maxSigtermDelay?: Duration;

  /**
   * Dial every instance before `/startup` succeeds (`--run-connection-test`): the app then starts only once IAM,
   * network and instance are known good. Off by default because a failed test exits the proxy, which restarts, and
   * because the GKE metadata server needs a few seconds on new pods (csp#2361). A restarted sidecar whose startup
   * probe failed can leave a `restartPolicy: Never` pod stuck Initializing on Kubernetes 1.28 to 1.32 and on the
   * 1.33 and 1.34 patch releases before the backported fix (kubernetes#132826: fixed in 1.35, backported to 1.34 in
   * kubernetes#134800 and to 1.33 in kubernetes#134801; the library's table of known bugs, `KNOWN_BUGS` in
   * src/_version-facts.ts).
   *
   * @default false
   */
  readonly runConnectionTest?: boolean;

  /**
   * Turn on the admin server on this port with `/quitquitquit`, and a `preStop` hook that runs the proxy's
   * `shutdown` subcommand (exec, never httpGet: the admin server listens on localhost only, so an httpGet hook, which
   * the kubelet sends to the pod IP, fails; csp#2269, csp#2511, op#797). Only useful for long-running workloads that
   * want a clean drain; Jobs do not need it (csp PR #2371).
   *
   * @default - no admin server, no preStop hook
   */
  readonly adminPort?: number;

  /**
   * Impersonate a service account (`--impersonate-service-account`): the first entry is the target, later entries
   * are delegates (the proxy's code takes the first as target, although its one-line help says the last). The proxy
   * passes the delegates in reverse order ("With sa1,sa2,sa3, sa3 delegates to sa2, which impersonates the target
   * sa1"), so `roles/iam.serviceAccountTokenCreator` is needed by the pod's principal on the last entry, by each
   * entry on the one before it, and by the second entry on the target. The target needs the database roles, plus
   * Service Usage Consumer for Cloud SQL (`iamRoleGrants`); `GkeWorkloadIdentity` lists every grant.
   *
   * @default - connect as the pod's own principal
   */
  readonly impersonationChain?: string[];

  /**
   * A Kubernetes Secret holding a service account key, mounted read-only as a file into the proxy only
   * (`--credentials-file`); never an environment variable. Prefer Workload Identity (`GkeWorkloadIdentity`): no key
   * to leak or rotate.
   *
   * @default - Application Default Credentials (Workload Identity on GKE)
   */
  readonly credentialsSecret?: kplus.ISecret;

  /**
   * The key of `credentialsSecret` that holds the JSON key.
   *
   * @default 'credentials.json'
   */
  readonly credentialsSecretKey?: string;

  /**
   * Refuse new connections beyond this many (`--max-connections`).
   *
   * @default - unlimited
   */
  readonly maxConnections?: number;

  /**
   * Serve Prometheus metrics on `/metrics` of the health port (`--prometheus`).
   *
   * @default false
   */
  readonly prometheus?: boolean;

  /**
   * Namespace of the Prometheus metrics (`--prometheus-namespace`). Needs `prometheus`.
   *
   * @default - none
   */
  readonly prometheusNamespace?: string;

  /**
   * Send metrics and traces to Cloud Monitoring / Cloud Trace in this project (`--telemetry-project`). Needs
   * `roles/monitoring.metricWriter` and `roles/cloudtrace.agent` there.
   *
   * @default - no Cloud Monitoring / Trace export
   */
  readonly telemetryProject?: string;

  /**
   * Prefix of the Cloud Monitoring metrics (`--telemetry-prefix`). Needs `telemetryProject`.
   *
   * @default - none
   */
  readonly telemetryPrefix?: string;

  /**
   * Trace 1 in this many requests (`--telemetry-sample-rate`). Needs `telemetryProject`.
   *
   * @default - the proxy's default, 10000
   */
  readonly telemetrySampleRate?: number;

  /**
   * Do not export metrics to Cloud Monitoring (`--disable-metrics`). Needs `telemetryProject`.
   *
   * @default false
   */
  readonly disableMetrics?: boolean;

  /**
   * Do not export traces to Cloud Trace (`--disable-traces`). Needs `telemetryProject`.
   *
   * @default false
   */
  readonly disableTraces?: boolean;

  /**
   * Refresh certificates on demand instead of in the background (`--lazy-refresh`), for CPU-throttled containers
   * (e.g. a low CPU limit).
   *
   * @default false
   */
  readonly lazyRefresh?: boolean;

  /**
   * Extra proxy flags, rendered before the instances. Flags the construct renders from a typed prop, credential
   * flags and flags of the other proxy are rejected with a pointer to the right prop.
   *
   * @default - none
   */
  readonly extraArgs?: string[];

  /**
   * Name of the app environment variable with the proxy's host, for a single instance over TCP. With two proxies in
   * one pod, set `hostEnvName`/`portEnvName` on at least one: both default to `DB_HOST`/`DB_PORT` (give it its own
   * `port` and `healthPort` too).
   *
   * @default 'DB_HOST'
   */
  readonly hostEnvName?: string;

  /**
   * Name of the app environment variable with the instance's port, for a single instance over TCP. With two proxies
   * in one pod, set `hostEnvName`/`portEnvName` on at least one: both default to `DB_HOST`/`DB_PORT`.
   *
   * @default 'DB_PORT'
   */
  readonly portEnvName?: string;

  /**
   * Name of the app environment variable with the instance's socket path, for a single instance in Unix socket mode.
   * With two proxies in one pod, set it on at least one: both default to `DB_SOCKET_PATH`.
   *
   * @default 'DB_SOCKET_PATH'
   */
  readonly unixSocketPathEnvName?: string;
}

/** Where the app reaches one instance through the proxy. */
export interface ProxyEndpoint {
  /** The instance (connection name or URI). */
  readonly instance: string;
  /**
   * Host to connect to over TCP.
   *
   * @default - none in Unix socket mode
   */
  readonly host?: string;
  /**
   * Port to connect to over TCP.
   *
   * @default - none in Unix socket mode
   */
  readonly port?: number;
  /**
   * Unix socket path to connect to: for PostgreSQL the directory that holds `.s.PGSQL.5432` (libpq's `host`), for
   * MySQL the socket file.
   *
   * @default - none over TCP
   */
  readonly unixSocketPath?: string;
  /**
   * App environment variable that holds `host`.
   *
   * @default - none
   */
  readonly hostEnvName?: string;
  /**
   * App environment variable that holds `port`.
   *
   * @default - none
   */
  readonly portEnvName?: string;
  /**
   * App environment variable that holds `unixSocketPath`.
   *
   * @default - none
   */
  readonly unixSocketPathEnvName?: string;
}

/** An IAM role a principal needs on a project. */
export interface GcpRoleGrant {
  /** The role, e.g. `roles/cloudsql.client`. */
  readonly role: string;
  /**
   * The project to grant it on.
   *
   * @default - unknown: the instance is given by DNS name; use the project of the instance it resolves to
   */
  readonly project?: string;
  /** Why it is needed. */
  readonly reason: string;
}

/**
 * Resource presets for the proxy sidecars. Upstream's starting point is 1 CPU / 2 GiB requests ("You'll need to
 * adjust both based on your IO and connection count", csp#1541); memory grows with open connections and CPU with IO.
 * These lighter presets are our own assumption for typical Jobs and small services, not an upstream figure: watch the
 * proxy's usage and adjust.
 */
export class ProxyResources {
  /**
   * Requests 200m CPU / 256Mi memory, limits 1 CPU / 1Gi: a service with a connection pool. The memory limit protects
   * the node from a leak; raise it with many connections.
   */
  public static readonly DEFAULT: kplus.ContainerResources = {
    cpu: { request: kplus.Cpu.millis(200), limit: kplus.Cpu.millis(1000) },
    memory: { request: Size.mebibytes(256), limit: Size.mebibytes(1024) },
  };

  /** Requests 100m CPU / 128Mi memory, limits 500m CPU / 512Mi: a batch Job or CronJob with one or a few connections. */
  public static readonly BATCH: kplus.ContainerResources = {
    cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
    memory: { request: Size.mebibytes(128), limit: Size.mebibytes(512) },
  };

  private constructor() {}
}
