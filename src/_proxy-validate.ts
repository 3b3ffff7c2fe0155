/**
 * The proxy sidecars' model, check step: every typed prop of a proxy sidecar, checked when the sidecar is attached so
 * that errors carry the workload's construct path. Throws the first problem (`SidecarsError`).
 */
import { isIP } from 'net';
import { Duration } from 'cdk8s';
import { dnsLabelProblem, propError, wholeSeconds } from './_errors';
import { isLoopbackAddress } from './_proxy-args';
import { checkExtraArgs } from './_proxy-extra-args';
import {
  ALLOYDB_PROXY, CLOUD_SQL_PROXY, COMMON_FLAGS, GCP_PROJECT_ID, GCP_SERVICE_ACCOUNT_EMAIL, LEGACY_CLOUD_SQL_PROXY_IMAGE, MAX_UNIX_SOCKET_PATH,
  POSTGRES_SOCKET_FILE, PROXY_BINARY_DEFAULTS, PROXY_CONSTRUCT_DEFAULTS, PROXY_FLAVORS, ProxyFlavor, proxyFlavorOfImage, SHUTDOWN_SUBCOMMAND,
} from './_proxy-flavors';
import { isDuration, portOf, ProxyPlan, wholeMillis } from './_proxy-plan';

const D = PROXY_CONSTRUCT_DEFAULTS;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const VERSION = /^(\d+)\.(\d+)\.(\d+)(?:-([a-z0-9]+))?(?:@sha256:[a-f0-9]{64})?$/;

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
    if (d && wholeMillis(d) === undefined) {
      throw propError(where, subject, prop, 'must be a whole number of milliseconds', d, 'Use e.g. Duration.seconds(10)');
    }
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
