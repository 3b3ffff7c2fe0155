import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AlloyDbIpType, AlloyDbProxySidecar, AlloyDbProxySidecarProps, ProxyResources, Sidecar, SidecarCronJobProps, SidecarJob } from '../src';
import { expectError } from './_errors';
import { SidecarsError } from '../src/_errors';

const URI = 'projects/acme-prod/locations/europe-west1/clusters/main/instances/main-primary';
const POOL = 'projects/acme-prod/locations/europe-west1/clusters/main/instances/read-pool';
const APP: kplus.ContainerProps = { name: 'app', image: 'ghcr.io/acme/etl:2.0.1' };

function job(chart: Chart, sidecars: Sidecar[], extra: Partial<SidecarCronJobProps> = {}) {
  return new SidecarJob(chart, 'etl', { sidecars, containers: [APP], ...extra });
}

function podOf(props: AlloyDbProxySidecarProps, extra: Partial<SidecarCronJobProps> = {}): any {
  const chart = Testing.chart();
  job(chart, [new AlloyDbProxySidecar(props)], extra);
  return Testing.synth(chart)[0].spec.template.spec;
}

function errorOf(props: AlloyDbProxySidecarProps, extra: Partial<SidecarCronJobProps> = {}): SidecarsError {
  const chart = Testing.chart();
  try {
    job(chart, [new AlloyDbProxySidecar(props)], extra);
    Testing.synth(chart);
  } catch (e) {
    if (e instanceof SidecarsError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('AlloyDbProxySidecar', () => {
  test('default rendering (snapshot and explicit): AlloyDB image, flag spellings, private IP, port 5432', () => {
    const chart = Testing.chart();
    const proxy = new AlloyDbProxySidecar({ instanceUri: URI });
    job(chart, [proxy]);
    const manifests = Testing.synth(chart);
    expect(manifests).toMatchSnapshot();
    const spec = manifests[0].spec.template.spec;
    const c = spec.initContainers[0];
    expect(c.name).toEqual('alloydb-auth-proxy');
    expect(c.image).toEqual('gcr.io/alloydb-connectors/alloydb-auth-proxy:1.15.2');
    expect(c.imagePullPolicy).toEqual('IfNotPresent');
    expect(c.restartPolicy).toEqual('Always');
    expect(c.args).toEqual([
      '--structured-logs', '--exit-zero-sigterm', '--health-check', '--http-address=0.0.0.0', '--http-port=9801', `${URI}?port=5432`,
    ]);
    expect(c.ports).toEqual([{ containerPort: 9801 }]);
    expect(c.startupProbe).toEqual({
      httpGet: { path: '/startup', port: 9801, scheme: 'HTTP' }, periodSeconds: 1, failureThreshold: 60, timeoutSeconds: 10, initialDelaySeconds: 0,
    });
    expect(c.livenessProbe).toEqual({
      httpGet: { path: '/liveness', port: 9801, scheme: 'HTTP' }, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 10,
    });
    expect(c.securityContext).toMatchObject({ runAsUser: 65532, runAsGroup: 65532, runAsNonRoot: true, readOnlyRootFilesystem: true });
    expect(spec.containers[0].env).toEqual([{ name: 'DB_HOST', value: '127.0.0.1' }, { name: 'DB_PORT', value: '5432' }]);
    expect(proxy.port).toEqual(5432);
    expect(proxy.iamRoleGrants.map(g => g.role)).toEqual(['roles/alloydb.client', 'roles/serviceusage.serviceUsageConsumer']);
    expect(proxy.iamRoleGrants[0].project).toEqual('acme-prod');
  });

  test('everything set (snapshot and explicit)', () => {
    const chart = Testing.chart();
    const secret = kplus.Secret.fromSecretName(chart, 'key', 'alloydb-key');
    const proxy = new AlloyDbProxySidecar({
      name: 'alloydb',
      imageRepository: 'europe-docker.pkg.dev/acme/mirror/alloydb-auth-proxy',
      version: '1.15.2-alpine',
      imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
      resources: ProxyResources.BATCH,
      securityContext: { user: 65532 },
      listenAddress: '127.0.0.1',
      ipType: AlloyDbIpType.PUBLIC,
      autoIamAuthn: true,
      instances: [
        { instanceUri: URI, hostEnvName: 'PRIMARY_HOST', portEnvName: 'PRIMARY_PORT' },
        { instanceUri: POOL, port: 5433, ipType: AlloyDbIpType.PSC, autoIamAuthn: false, portEnvName: 'POOL_PORT' },
      ],
      healthPort: 9900,
      startupTimeout: Duration.seconds(90),
      enableLivenessProbe: false,
      enableReadinessProbe: true,
      structuredLogs: false,
      exitZeroOnSigterm: true,
      quiet: true,
      debugLogs: false,
      minSigtermDelay: Duration.seconds(3),
      maxSigtermDelay: Duration.seconds(10),
      runConnectionTest: true,
      adminPort: 9091,
      impersonationChain: ['etl-db@acme-prod.iam.gserviceaccount.com'],
      credentialsSecret: secret,
      maxConnections: 20,
      prometheus: true,
      prometheusNamespace: 'etl',
      telemetryProject: 'acme-ops',
      telemetryPrefix: 'alloydb',
      telemetrySampleRate: 100,
      disableMetrics: true,
      disableTraces: false,
      lazyRefresh: true,
      extraArgs: ['--with-backend-check'],
    });
    job(chart, [proxy]);
    const manifests = Testing.synth(chart);
    expect(manifests).toMatchSnapshot();
    const spec = manifests[0].spec.template.spec;
    const c = spec.initContainers[0];
    expect(c.image).toEqual('europe-docker.pkg.dev/acme/mirror/alloydb-auth-proxy:1.15.2-alpine');
    expect(c.args).toEqual([
      '--exit-zero-sigterm', '--health-check', '--http-address=0.0.0.0', '--http-port=9900', '--admin-port=9091', '--quitquitquit',
      '--credentials-file=/secrets/alloydb/credentials.json', '--impersonate-service-account=etl-db@acme-prod.iam.gserviceaccount.com',
      '--max-connections=20', '--min-sigterm-delay=3s', '--max-sigterm-delay=10s', '--run-connection-test', '--lazy-refresh', '--quiet',
      '--prometheus', '--prometheus-namespace=etl', '--telemetry-project=acme-ops', '--telemetry-prefix=alloydb',
      '--telemetry-sample-rate=100', '--disable-metrics', '--with-backend-check',
      `${URI}?port=5432&public-ip=true&auto-iam-authn=true`,
      `${POOL}?port=5433&psc=true`,
    ]);
    expect(c.lifecycle).toEqual({ preStop: { exec: { command: ['/alloydb-auth-proxy', 'shutdown', '--admin-port', '9091'] } } });
    expect(c.livenessProbe).toBeUndefined();
    expect(c.readinessProbe).toMatchObject({ httpGet: { path: '/readiness', port: 9900 } });
    expect(c.startupProbe.failureThreshold).toEqual(90);
    expect(c.volumeMounts).toEqual([{ name: 'alloydb-credentials', mountPath: '/secrets/alloydb', readOnly: true }]);
    expect(spec.volumes).toEqual([{ name: 'alloydb-credentials', secret: { secretName: 'alloydb-key', items: [{ key: 'credentials.json', path: 'credentials.json' }] } }]);
    expect(spec.containers[0].env).toEqual([
      { name: 'PRIMARY_HOST', value: '127.0.0.1' }, { name: 'PRIMARY_PORT', value: '5432' }, { name: 'POOL_PORT', value: '5433' },
    ]);
    // the impersonated account needs nothing beyond what every AlloyDB principal needs (Service Usage Consumer is in connect)
    expect(proxy.iamRoleGrants.map(g => g.role)).toEqual([
      'roles/alloydb.client', 'roles/serviceusage.serviceUsageConsumer', 'roles/alloydb.databaseUser', 'roles/cloudtrace.agent',
    ]);
  });

  test('private IP is the default and renders nothing; PUBLIC and PSC render their AlloyDB spelling', () => {
    expect(podOf({ instanceUri: URI, ipType: AlloyDbIpType.PRIVATE }).initContainers[0].args).toContain(`${URI}?port=5432`);
    expect(podOf({ instanceUri: URI, ipType: AlloyDbIpType.PUBLIC }).initContainers[0].args).toContain(`${URI}?port=5432&public-ip=true`);
    expect(podOf({ instanceUri: URI, ipType: AlloyDbIpType.PSC }).initContainers[0].args).toContain(`${URI}?port=5432&psc=true`);
  });

  test('explicit port and a leading slash', () => {
    expect(podOf({ instanceUri: `/${URI}`, port: 6432 }).initContainers[0].args).toContain(`/${URI}?port=6432`);
  });

  test('unix sockets use the shortened project.region.cluster.instance directory', () => {
    const chart = Testing.chart();
    const proxy = new AlloyDbProxySidecar({ instanceUri: URI, unixSocketDirectory: '/alloydb' });
    job(chart, [proxy]);
    const spec = Testing.synth(chart)[0].spec.template.spec;
    expect(spec.initContainers[0].args).toEqual(expect.arrayContaining(['--unix-socket=/alloydb', URI]));
    expect(spec.containers[0].env).toEqual([{ name: 'DB_SOCKET_PATH', value: '/alloydb/acme-prod.europe-west1.main.main-primary' }]);
    expect(spec.containers[0].volumeMounts).toEqual([{ name: 'alloydb-auth-proxy-sockets', mountPath: '/alloydb' }]);
    expect(proxy.unixSocketPath).toEqual('/alloydb/acme-prod.europe-west1.main.main-primary');
  });

  describe('bad input', () => {
    const SUBJECT = "AlloyDbProxySidecar 'alloydb-auth-proxy'";

    test('fails when the instance URI is malformed', () => {
      expectError(errorOf({ instanceUri: 'projects/acme-prod/clusters/main/instances/main-primary' }), { path: 'test/etl', prop: 'instanceUri', value: 'projects/acme-prod/clusters/main/instances/main-primary', problem: /is not projects\/PROJECT\/locations\/REGION\/clusters\/CLUSTER\/instances\/INSTANCE/ });
    });

    test('fails when a Cloud SQL connection name is given', () => {
      expectError(errorOf({ instanceUri: 'acme-prod:europe-west1:main-db' }), { prop: 'instanceUri', value: 'acme-prod:europe-west1:main-db', problem: /looks like a Cloud SQL/ });
    });

    test('fails when no instance is given', () => {
      expectError(errorOf({}), { path: 'test/etl', prop: 'instanceUri', value: undefined, problem: /is required \(or 'instances' for/ });
    });

    test('fails when two instances default to the same port', () => {
      expectError(errorOf({ instances: [{ instanceUri: URI }, { instanceUri: POOL }] }), { prop: 'instances[1].port', value: 5432, problem: /gives port 5432, which 'instances\[0\]\.port'/ });
    });

    test('fails when the Cloud SQL spelling of exit-zero is passed', () => {
      expectError(errorOf({ instanceUri: URI, extraArgs: ['--exit-zero-on-sigterm'] }), {
        path: 'test/etl', prop: 'extraArgs[0]', value: '--exit-zero-on-sigterm', problem: /is a flag of the Cloud SQL Auth Proxy only/, fix: /'--exit-zero-sigterm' is rendered already/,
      });
    });

    test('fails when private-ip (Cloud SQL only) is passed', () => {
      expectError(errorOf({ instanceUri: URI, extraArgs: ['--private-ip'] }), { prop: 'extraArgs[0]', value: '--private-ip', problem: /is a flag of the Cloud SQL Auth Proxy only/ });
    });

    test('fails when public-ip duplicates ipType', () => {
      expectError(errorOf({ instanceUri: URI, extraArgs: ['--public-ip'] }), { prop: 'extraArgs[0]', value: '--public-ip', problem: /duplicates --public-ip/, fix: /'ipType'/ });
    });

    test('fails when the IP type is a CloudSqlIpType-like string', () => {
      expectError(errorOf({ instanceUri: URI, ipType: 'public' as any }), { prop: 'ipType', value: 'public', problem: /must be one of AlloyDbIpType\.PRIVATE/ });
    });

    test('fails when the version is too old for the shutdown preStop', () => {
      expectError(errorOf({ instanceUri: URI, version: '1.13.0', adminPort: 9091 }), { prop: 'version', value: '1.13.0', problem: /is older than 1\.14\.0, the/ });
    });

    test('fails when the bookworm variant is used on 1.15 or later', () => {
      expectError(errorOf({ instanceUri: URI, version: '1.15.2-bookworm' }), { prop: 'version', value: '1.15.2-bookworm', problem: /'-bookworm' variant, which is not published since 1\.15\.0/ });
    });

    test('fails when the Cloud SQL image is given', () => {
      expectError(errorOf({ instanceUri: URI, imageRepository: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy' }), { prop: 'imageRepository', value: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy', problem: /is the Cloud SQL Auth/ });
    });

    test('fails when the health port collides with an app port', () => {
      expectError(errorOf({ instanceUri: URI }, { containers: [{ ...APP, portNumber: 9801 }] }), { path: 'test/etl', prop: 'healthPort', problem: /uses port 9801, which container/ });
    });

    test('fails when SIGTERM delays exceed the grace period', () => {
      expectError(errorOf({ instanceUri: URI, maxSigtermDelay: Duration.minutes(1) }), { prop: 'maxSigtermDelay', problem: /must be shorter than the/ });
    });

    test('fails when the listen address is not an IP', () => {
      expectError(errorOf({ instanceUri: URI, listenAddress: 'db.local' }), { prop: 'listenAddress', problem: /must be an IP address/ });
    });

    test('fails when the listen address is not loopback, naming the IAM login risk', () => {
      expectError(errorOf({ instanceUri: URI, autoIamAuthn: true, listenAddress: '0.0.0.0' }), { path: 'test/etl', prop: 'listenAddress', value: '0.0.0.0', problem: /is not a loopback address/ });
    });

    test('fails when the socket path with the PostgreSQL socket file is too long (AlloyDB is PostgreSQL only)', () => {
      const dir = `/${'d'.repeat(59)}`;
      const e = expectError(errorOf({ instanceUri: URI, unixSocketDirectory: dir }), {
        path: 'test/etl', subject: SUBJECT, prop: 'unixSocketDirectory', value: dir, problem: /115 characters long, more than the 107 Linux allows/,
      });
      expect(e.problem).toContain(`'${dir}/acme-prod.europe-west1.main.main-primary/.s.PGSQL.5432'`);
    });

    test('fails when a digest is given without a release tag', () => {
      const digest = `sha256:${'c'.repeat(64)}`;
      expectError(errorOf({ instanceUri: URI, version: digest }), {
        prop: 'version', value: digest, problem: /must be a pinned release tag/, fix: new RegExp(`release tag before the digest, e\\.g\\. '1\\.15\\.2@${digest}'`),
      });
    });

    test('fails when the instance list gets a single-instance prop', () => {
      expectError(errorOf({ port: 5433, instances: [{ instanceUri: URI }] }), { path: 'test/etl', prop: 'port', value: 5433, problem: /applies to 'instanceUri' only and/ });
    });

    test('fails when unix socket mode is combined with a port', () => {
      expectError(errorOf({ instanceUri: URI, port: 5432, unixSocketDirectory: '/alloydb' }), { prop: 'port', problem: /cannot be combined with 'unixSocketDirectory'/ });
    });

    test('fails when the quota project flag (Cloud SQL only) is passed', () => {
      expectError(errorOf({ instanceUri: URI, extraArgs: ['--quota-project=x'] }), { prop: 'extraArgs[0]', value: '--quota-project=x', problem: /is a flag of the Cloud SQL Auth Proxy only/ });
    });
  });
});

describe('examples/alloydb-job (in-process)', () => {
  test('migration Job: AlloyDB proxy with Workload Identity and IAM authn', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'alloydb-example-'));
    const before = process.env.CDK8S_OUTDIR;
    process.env.CDK8S_OUTDIR = outdir;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { SchemaMigration } = require('../examples/alloydb-job/main');
      const chart = new SchemaMigration(Testing.app(), 'example');
      const manifests = Testing.synth(chart);
      expect(manifests.map((m: any) => m.kind)).toEqual(['ServiceAccount', 'Job']);
      const pod = manifests[1].spec.template.spec;
      expect(pod.serviceAccountName).toEqual('orders-migrate');
      expect(pod.initContainers[0].args).toEqual(expect.arrayContaining([
        '--exit-zero-sigterm', 'projects/acme-prod/locations/europe-west1/clusters/orders/instances/orders-primary?port=5432&auto-iam-authn=true',
      ]));
      expect(chart.identity.requiredRoles).toContain('roles/alloydb.databaseUser');
    } finally {
      if (before === undefined) delete process.env.CDK8S_OUTDIR;
      else process.env.CDK8S_OUTDIR = before;
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
