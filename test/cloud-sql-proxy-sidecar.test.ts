import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Cron, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AlloyDbProxySidecar, CloudSqlIpType, CloudSqlProxySidecar, CloudSqlProxySidecarProps, DatabaseEngine, ProxyResources, Sidecar, SidecarCronJob,
  SidecarJob,
} from '../src';
import { expectError } from './_errors';
import { SidecarsError } from '../src/_errors';

const ICN = 'acme-prod:europe-west1:main-db';
const APP: kplus.ContainerProps = { name: 'app', image: 'ghcr.io/acme/report:1.4.2' };

function cronJob(chart: Chart, sidecars: Sidecar[], extra: Partial<import('../src').SidecarCronJobProps> = {}) {
  return new SidecarCronJob(chart, 'report', { schedule: Cron.daily(), sidecars, containers: [APP], ...extra });
}

/** Synthesize a CronJob with the proxy and return its pod spec. */
function podOf(props: CloudSqlProxySidecarProps, extra: Partial<import('../src').SidecarCronJobProps> = {}): any {
  const chart = Testing.chart();
  cronJob(chart, [new CloudSqlProxySidecar(props)], extra);
  const cj = Testing.synth(chart).find(o => o.kind === 'CronJob')!;
  return cj.spec.jobTemplate.spec.template.spec;
}

function proxyOf(props: CloudSqlProxySidecarProps, extra: Partial<import('../src').SidecarCronJobProps> = {}): any {
  return podOf(props, extra).initContainers.find((c: any) => c.name === (props.name ?? 'cloud-sql-proxy'));
}

/** Attach the proxy to a CronJob; return the error message (attach-time or synth-time). */
function errorOf(props: CloudSqlProxySidecarProps, extra: Partial<import('../src').SidecarCronJobProps> = {}): SidecarsError {
  const chart = Testing.chart();
  try {
    cronJob(chart, [new CloudSqlProxySidecar(props)], extra);
    Testing.synth(chart);
  } catch (e) {
    if (e instanceof SidecarsError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('CloudSqlProxySidecar', () => {
  test('done when: a SidecarCronJob with one instance renders the proxy as a native sidecar and wires the app', () => {
    const chart = Testing.chart();
    new SidecarCronJob(chart, 'report', {
      schedule: Cron.daily(),
      sidecars: [new CloudSqlProxySidecar({ instanceConnectionName: ICN, port: 5432 })],
      containers: [APP],
    });
    const [cj] = Testing.synth(chart);
    const spec = cj.spec.jobTemplate.spec.template.spec;
    const proxy = spec.initContainers[0];
    expect(proxy.name).toEqual('cloud-sql-proxy');
    expect(proxy.restartPolicy).toEqual('Always');
    expect(proxy.args).toEqual(expect.arrayContaining([
      '--health-check', '--http-address=0.0.0.0', '--structured-logs', '--exit-zero-on-sigterm', `${ICN}?port=5432`,
    ]));
    expect(proxy.ports).toEqual([{ containerPort: 9801 }]);
    expect(proxy.startupProbe).toEqual({
      httpGet: { path: '/startup', port: 9801, scheme: 'HTTP' },
      periodSeconds: 1,
      failureThreshold: 60,
      timeoutSeconds: 10,
      initialDelaySeconds: 0,
    });
    expect(proxy.securityContext.runAsUser).toEqual(65532);
    expect(spec.containers[0].env).toEqual([{ name: 'DB_HOST', value: '127.0.0.1' }, { name: 'DB_PORT', value: '5432' }]);
  });

  test('default rendering (snapshot and explicit)', () => {
    const chart = Testing.chart();
    cronJob(chart, [new CloudSqlProxySidecar({ instanceConnectionName: ICN, port: 5432 })]);
    const manifests = Testing.synth(chart);
    expect(manifests).toMatchSnapshot();
    const proxy = manifests[0].spec.jobTemplate.spec.template.spec.initContainers[0];
    expect(proxy.image).toEqual('gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.25.3');
    expect(proxy.imagePullPolicy).toEqual('IfNotPresent');
    expect(proxy.args).toEqual([
      '--structured-logs', '--exit-zero-on-sigterm', '--health-check', '--http-address=0.0.0.0', '--http-port=9801', `${ICN}?port=5432`,
    ]);
    expect(proxy.livenessProbe).toEqual({
      httpGet: { path: '/liveness', port: 9801, scheme: 'HTTP' }, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 10,
    });
    expect(proxy.readinessProbe).toBeUndefined();
    expect(proxy.lifecycle).toBeUndefined();
    expect(proxy.volumeMounts).toBeUndefined();
    expect(proxy.resources).toEqual({ requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '1000m', memory: '1024Mi' } });
    expect(proxy.securityContext).toEqual({
      runAsUser: 65532,
      runAsGroup: 65532,
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('everything set (snapshot and explicit)', () => {
    const chart = Testing.chart();
    const secret = kplus.Secret.fromSecretName(chart, 'key', 'proxy-key');
    const proxy = new CloudSqlProxySidecar({
      name: 'db-proxy',
      imageRepository: 'eu.gcr.io/cloud-sql-connectors/cloud-sql-proxy',
      version: '2.25.3-alpine',
      imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
      resources: ProxyResources.BATCH,
      securityContext: { readOnlyRootFilesystem: true },
      listenAddress: '127.0.0.2',
      ipType: CloudSqlIpType.PRIVATE,
      autoIamAuthn: true,
      instances: [
        { instanceConnectionName: ICN, engine: DatabaseEngine.POSTGRESQL, hostEnvName: 'MAIN_DB_HOST', portEnvName: 'MAIN_DB_PORT' },
        { instanceConnectionName: 'acme-prod:europe-west1:audit-db', port: 5433, ipType: CloudSqlIpType.PSC, autoIamAuthn: false, portEnvName: 'AUDIT_DB_PORT' },
        { instanceConnectionName: 'example.com:legacy-proj:us-central1:orders', engine: DatabaseEngine.MYSQL },
      ],
      healthPort: 9802,
      startupTimeout: Duration.seconds(30),
      enableLivenessProbe: true,
      enableReadinessProbe: true,
      structuredLogs: true,
      exitZeroOnSigterm: true,
      quiet: true,
      debugLogs: true,
      minSigtermDelay: Duration.seconds(5),
      maxSigtermDelay: Duration.seconds(20),
      runConnectionTest: true,
      adminPort: 9091,
      impersonationChain: ['db-target@acme-prod.iam.gserviceaccount.com', 'delegate@acme-prod.iam.gserviceaccount.com'],
      credentialsSecret: secret,
      credentialsSecretKey: 'key.json',
      maxConnections: 50,
      prometheus: true,
      prometheusNamespace: 'reports',
      telemetryProject: 'acme-ops',
      telemetryPrefix: 'cloudsql',
      telemetrySampleRate: 1000,
      disableMetrics: false,
      disableTraces: true,
      lazyRefresh: true,
      quotaProject: 'acme-billing',
      extraArgs: ['--debug', '--user-agent', 'reports/1.0'],
    });
    cronJob(chart, [proxy], { terminationGracePeriod: Duration.seconds(60) });
    const manifests = Testing.synth(chart);
    expect(manifests).toMatchSnapshot();
    const spec = manifests[0].spec.jobTemplate.spec.template.spec;
    const c = spec.initContainers[0];
    expect(c.name).toEqual('db-proxy');
    expect(c.image).toEqual('eu.gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.25.3-alpine');
    expect(c.imagePullPolicy).toEqual('Always');
    expect(c.args).toEqual([
      '--structured-logs', '--exit-zero-on-sigterm', '--health-check', '--http-address=0.0.0.0', '--http-port=9802',
      '--admin-port=9091', '--quitquitquit', '--address=127.0.0.2', '--credentials-file=/secrets/db-proxy/key.json',
      '--impersonate-service-account=db-target@acme-prod.iam.gserviceaccount.com,delegate@acme-prod.iam.gserviceaccount.com',
      '--max-connections=50', '--min-sigterm-delay=5s', '--max-sigterm-delay=20s', '--run-connection-test', '--lazy-refresh',
      '--quiet', '--debug-logs', '--prometheus', '--prometheus-namespace=reports', '--telemetry-project=acme-ops',
      '--telemetry-prefix=cloudsql', '--telemetry-sample-rate=1000', '--disable-traces', '--quota-project=acme-billing',
      '--debug', '--user-agent', 'reports/1.0',
      `${ICN}?port=5432&private-ip=true&auto-iam-authn=true`,
      'acme-prod:europe-west1:audit-db?port=5433&psc=true',
      'example.com:legacy-proj:us-central1:orders?port=3306&private-ip=true&auto-iam-authn=true',
    ]);
    expect(c.ports).toEqual([{ containerPort: 9802 }]);
    expect(c.startupProbe).toMatchObject({ httpGet: { path: '/startup', port: 9802 }, periodSeconds: 1, failureThreshold: 30, timeoutSeconds: 10 });
    expect(c.readinessProbe).toEqual({
      httpGet: { path: '/readiness', port: 9802, scheme: 'HTTP' }, periodSeconds: 10, failureThreshold: 6, timeoutSeconds: 10,
    });
    expect(c.lifecycle).toEqual({ preStop: { exec: { command: ['/cloud-sql-proxy', 'shutdown', '--admin-port', '9091'] } } });
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } });
    expect(c.volumeMounts).toEqual([{ name: 'db-proxy-credentials', mountPath: '/secrets/db-proxy', readOnly: true }]);
    expect(spec.volumes).toEqual([{ name: 'db-proxy-credentials', secret: { secretName: 'proxy-key', items: [{ key: 'key.json', path: 'key.json' }] } }]);
    // credentials never reach the app
    expect(spec.containers[0].volumeMounts).toBeUndefined();
    expect(spec.containers[0].env).toEqual([
      { name: 'MAIN_DB_HOST', value: '127.0.0.2' }, { name: 'MAIN_DB_PORT', value: '5432' }, { name: 'AUDIT_DB_PORT', value: '5433' },
    ]);
    expect(proxy.endpoints).toEqual([
      { instance: ICN, host: '127.0.0.2', port: 5432, hostEnvName: 'MAIN_DB_HOST', portEnvName: 'MAIN_DB_PORT' },
      { instance: 'acme-prod:europe-west1:audit-db', host: '127.0.0.2', port: 5433, portEnvName: 'AUDIT_DB_PORT' },
      { instance: 'example.com:legacy-proj:us-central1:orders', host: '127.0.0.2', port: 3306 },
    ]);
    expect(proxy.impersonatedServiceAccount).toEqual('db-target@acme-prod.iam.gserviceaccount.com');
    expect(proxy.adminPort).toEqual(9091);
    expect(proxy.healthPort).toEqual(9802);
  });

  describe('instances and ports', () => {
    test('engine chooses the port', () => {
      expect(proxyOf({ instanceConnectionName: ICN, engine: DatabaseEngine.MYSQL }).args).toContain(`${ICN}?port=3306`);
      expect(proxyOf({ instanceConnectionName: ICN, engine: DatabaseEngine.SQL_SERVER }).args).toContain(`${ICN}?port=1433`);
      expect(CloudSqlProxySidecar.defaultPortFor(DatabaseEngine.POSTGRESQL)).toEqual(5432);
      expect(CloudSqlProxySidecar.defaultPortFor(DatabaseEngine.MYSQL)).toEqual(3306);
      expect(CloudSqlProxySidecar.defaultPortFor(DatabaseEngine.SQL_SERVER)).toEqual(1433);
    });

    test('an explicit port wins over the engine', () => {
      expect(proxyOf({ instanceConnectionName: ICN, engine: DatabaseEngine.POSTGRESQL, port: 6432 }).args).toContain(`${ICN}?port=6432`);
    });

    test('a DNS name is accepted as the instance', () => {
      expect(proxyOf({ instanceConnectionName: 'main-db.acme.example', port: 5432 }).args).toContain('main-db.acme.example?port=5432');
    });

    test('legacy domain-scoped projects are accepted', () => {
      expect(proxyOf({ instanceConnectionName: 'google.com:my-project:us-central1:db', port: 5432 }).args)
        .toContain('google.com:my-project:us-central1:db?port=5432');
    });

    test('outputs for one instance', () => {
      const p = new CloudSqlProxySidecar({ instanceConnectionName: ICN, port: 5432 });
      expect(p.name).toEqual('cloud-sql-proxy');
      expect(p.image).toEqual('gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.25.3');
      expect(p.host).toEqual('127.0.0.1');
      expect(p.port).toEqual(5432);
      expect(p.unixSocketPath).toBeUndefined();
      expect(p.unixSocketVolume).toBeUndefined();
      expect(p.healthPort).toEqual(9801);
      expect(p.adminPort).toBeUndefined();
      expect(p.appEnv.DB_HOST.value).toEqual('127.0.0.1');
      expect(p.appEnv.DB_PORT.value).toEqual('5432');
    });

    test('env names can be renamed for one instance', () => {
      const env = podOf({ instanceConnectionName: ICN, port: 5432, hostEnvName: 'PGHOST', portEnvName: 'PGPORT' }).containers[0].env;
      expect(env).toEqual([{ name: 'PGHOST', value: '127.0.0.1' }, { name: 'PGPORT', value: '5432' }]);
    });

    test('0.0.0.0 listener with the explicit opt-in: the app still connects to loopback', () => {
      const pod = podOf({ instanceConnectionName: ICN, port: 5432, listenAddress: '0.0.0.0', allowNonLoopbackListenAddress: true });
      expect(pod.initContainers[0].args).toContain('--address=0.0.0.0');
      expect(pod.containers[0].env[0]).toEqual({ name: 'DB_HOST', value: '127.0.0.1' });
    });

    test('IPv6 loopback listener needs no opt-in', () => {
      const pod = podOf({ instanceConnectionName: ICN, port: 5432, listenAddress: '::1' });
      expect(pod.initContainers[0].args).toContain('--address=::1');
      expect(pod.containers[0].env[0]).toEqual({ name: 'DB_HOST', value: '::1' });
    });

    test('any 127.0.0.0/8 address and IPv4-mapped loopback need no opt-in', () => {
      expect(proxyOf({ instanceConnectionName: ICN, port: 5432, listenAddress: '127.0.0.2' }).args).toContain('--address=127.0.0.2');
      expect(proxyOf({ instanceConnectionName: ICN, port: 5432, listenAddress: '::ffff:127.0.0.1' }).args).toContain('--address=::ffff:127.0.0.1');
      expect(proxyOf({ instanceConnectionName: ICN, port: 5432, listenAddress: '0:0:0:0:0:0:0:1' }).args).toContain('--address=0:0:0:0:0:0:0:1');
    });

    test('the default listen address is not rendered (it is the proxy default)', () => {
      expect(proxyOf({ instanceConnectionName: ICN, port: 5432, listenAddress: '127.0.0.1' }).args.some((a: string) => a.startsWith('--address'))).toBe(false);
    });

    test('IP types render per instance; public is the default and renders nothing', () => {
      expect(proxyOf({ instanceConnectionName: ICN, port: 5432, ipType: CloudSqlIpType.PUBLIC }).args).toContain(`${ICN}?port=5432`);
      expect(proxyOf({ instanceConnectionName: ICN, port: 5432, ipType: CloudSqlIpType.PRIVATE }).args).toContain(`${ICN}?port=5432&private-ip=true`);
      expect(proxyOf({ instanceConnectionName: ICN, port: 5432, ipType: CloudSqlIpType.PSC }).args).toContain(`${ICN}?port=5432&psc=true`);
    });

    test('IAM authn per instance', () => {
      expect(proxyOf({ instanceConnectionName: ICN, port: 5432, autoIamAuthn: true }).args).toContain(`${ICN}?port=5432&auto-iam-authn=true`);
    });
  });

  describe('unix sockets', () => {
    test('a shared emptyDir is mounted in the proxy and the app; the app gets the socket path', () => {
      const chart = Testing.chart();
      const proxy = new CloudSqlProxySidecar({ instanceConnectionName: ICN, engine: DatabaseEngine.POSTGRESQL, unixSocketDirectory: '/cloudsql' });
      cronJob(chart, [proxy]);
      const spec = Testing.synth(chart)[0].spec.jobTemplate.spec.template.spec;
      const c = spec.initContainers[0];
      expect(c.args).toContain('--unix-socket=/cloudsql');
      expect(c.args).toContain(ICN);
      expect(c.args.some((a: string) => a.includes('port=5432'))).toBe(false);
      expect(c.volumeMounts).toEqual([{ name: 'cloud-sql-proxy-sockets', mountPath: '/cloudsql' }]);
      expect(spec.containers[0].volumeMounts).toEqual([{ name: 'cloud-sql-proxy-sockets', mountPath: '/cloudsql' }]);
      expect(spec.volumes).toEqual([{ name: 'cloud-sql-proxy-sockets', emptyDir: {} }]);
      expect(spec.containers[0].env).toEqual([{ name: 'DB_SOCKET_PATH', value: `/cloudsql/${ICN}` }]);
      expect(proxy.unixSocketPath).toEqual(`/cloudsql/${ICN}`);
      expect(proxy.host).toBeUndefined();
      expect(proxy.port).toBeUndefined();
      expect(proxy.unixSocketVolume).toBeDefined();
    });

    test('several instances with socket env names', () => {
      const pod = podOf({
        unixSocketDirectory: '/sockets',
        instances: [
          { instanceConnectionName: ICN, engine: DatabaseEngine.POSTGRESQL, unixSocketPathEnvName: 'MAIN_SOCKET' },
          { instanceConnectionName: 'acme-prod:europe-west1:other', engine: DatabaseEngine.MYSQL, unixSocketPathEnvName: 'OTHER_SOCKET' },
        ],
      });
      expect(pod.containers[0].env).toEqual([
        { name: 'MAIN_SOCKET', value: `/sockets/${ICN}` }, { name: 'OTHER_SOCKET', value: '/sockets/acme-prod:europe-west1:other' },
      ]);
    });
  });

  describe('probes, lifecycle, resources, security', () => {
    test('liveness can be turned off', () => {
      expect(proxyOf({ instanceConnectionName: ICN, port: 5432, enableLivenessProbe: false }).livenessProbe).toBeUndefined();
    });

    test('readiness can be turned on', () => {
      expect(proxyOf({ instanceConnectionName: ICN, port: 5432, enableReadinessProbe: true }).readinessProbe)
        .toEqual({ httpGet: { path: '/readiness', port: 9801, scheme: 'HTTP' }, periodSeconds: 10, failureThreshold: 6, timeoutSeconds: 10 });
    });

    test('startup timeout sets the failure threshold', () => {
      expect(proxyOf({ instanceConnectionName: ICN, port: 5432, startupTimeout: Duration.minutes(2) }).startupProbe.failureThreshold).toEqual(120);
    });

    test('admin port: exec preStop with the shutdown subcommand, never httpGet', () => {
      const c = proxyOf({ instanceConnectionName: ICN, port: 5432, adminPort: 9092 });
      expect(c.args).toEqual(expect.arrayContaining(['--admin-port=9092', '--quitquitquit']));
      expect(c.lifecycle.preStop).toEqual({ exec: { command: ['/cloud-sql-proxy', 'shutdown', '--admin-port', '9092'] } });
      expect(c.lifecycle.preStop.httpGet).toBeUndefined();
      // the admin server is localhost-only: not declared as a container port
      expect(c.ports).toEqual([{ containerPort: 9801 }]);
    });

    test('SIGTERM delays are rendered with units', () => {
      const c = proxyOf({ instanceConnectionName: ICN, port: 5432, maxSigtermDelay: Duration.millis(1500), minSigtermDelay: Duration.minutes(1) },
        { terminationGracePeriod: Duration.seconds(120) });
      expect(c.args).toEqual(expect.arrayContaining(['--max-sigterm-delay=1500ms', '--min-sigterm-delay=1m']));
    });

    test('structured logs and exit-zero can be turned off', () => {
      const c = proxyOf({ instanceConnectionName: ICN, port: 5432, structuredLogs: false, exitZeroOnSigterm: false });
      expect(c.args).not.toContain('--structured-logs');
      expect(c.args).not.toContain('--exit-zero-on-sigterm');
    });

    test('custom resources', () => {
      const resources = { cpu: { request: kplus.Cpu.millis(50) }, memory: { request: Size.mebibytes(64) } };
      const c = proxyOf({ instanceConnectionName: ICN, port: 5432, resources });
      expect(c.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' } });
    });

    test('security context fields given win; the rest stay restricted with uid 65532', () => {
      const c = proxyOf({ instanceConnectionName: ICN, port: 5432, securityContext: { user: 1000, group: 3000 } });
      expect(c.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 3000, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    });

    test('version and mirror; a digest goes after the release tag', () => {
      expect(proxyOf({ instanceConnectionName: ICN, port: 5432, version: '2.20.0' }).image).toEqual('gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.20.0');
      const digest = `2.25.3@sha256:${'a'.repeat(64)}`;
      expect(proxyOf({ instanceConnectionName: ICN, port: 5432, version: digest }).image).toEqual(`gcr.io/cloud-sql-connectors/cloud-sql-proxy:${digest}`);
      expect(proxyOf({ instanceConnectionName: ICN, port: 5432, version: `2.25.3-alpine@sha256:${'b'.repeat(64)}` }).image)
        .toEqual(`gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.25.3-alpine@sha256:${'b'.repeat(64)}`);
    });

    test('extra args that the construct does not own pass through', () => {
      expect(proxyOf({ instanceConnectionName: ICN, port: 5432, extraArgs: ['--config-file=/etc/proxy.yaml'] }).args).toContain('--config-file=/etc/proxy.yaml');
    });
  });

  describe('IAM roles', () => {
    test('client role on each instance project, instanceUser with IAM authn, extras for quota and telemetry', () => {
      const p = new CloudSqlProxySidecar({
        instances: [
          { instanceConnectionName: ICN, port: 5432, autoIamAuthn: true },
          { instanceConnectionName: 'other-proj:us-east4:db', port: 5433 },
          { instanceConnectionName: 'db.acme.example', port: 5434 },
        ],
        quotaProject: 'acme-billing',
        telemetryProject: 'acme-ops',
        disableTraces: true,
      });
      expect(p.iamRoleGrants.map(g => [g.role, g.project])).toEqual([
        ['roles/cloudsql.client', 'acme-prod'],
        ['roles/cloudsql.instanceUser', 'acme-prod'],
        ['roles/cloudsql.client', 'other-proj'],
        ['roles/cloudsql.client', undefined],
        ['roles/monitoring.metricWriter', 'acme-ops'],
        ['roles/serviceusage.serviceUsageConsumer', 'acme-billing'],
      ]);
    });

    test('an impersonated account also needs Service Usage Consumer, on its own project (cloud-sql-proxy README, Impersonation)', () => {
      const p = new CloudSqlProxySidecar({
        instanceConnectionName: ICN,
        port: 5432,
        autoIamAuthn: true,
        impersonationChain: ['db-user@acme-data.iam.gserviceaccount.com', 'delegate@acme-prod.iam.gserviceaccount.com'],
      });
      expect(p.iamRoleGrants.map(g => [g.role, g.project])).toEqual([
        ['roles/cloudsql.client', 'acme-prod'],
        ['roles/cloudsql.instanceUser', 'acme-prod'],
        ['roles/serviceusage.serviceUsageConsumer', 'acme-data'],
      ]);
      expect(p.impersonatedServiceAccount).toEqual('db-user@acme-data.iam.gserviceaccount.com');
      expect(p.impersonationChain).toEqual(['db-user@acme-data.iam.gserviceaccount.com', 'delegate@acme-prod.iam.gserviceaccount.com']);
    });

    test('impersonation of an account of a domain-scoped project', () => {
      const p = new CloudSqlProxySidecar({ instanceConnectionName: ICN, port: 5432, impersonationChain: ['db-target@legacy.example.com.iam.gserviceaccount.com'] });
      expect(proxyOf({ instanceConnectionName: ICN, port: 5432, impersonationChain: ['db-target@legacy.example.com.iam.gserviceaccount.com'] }).args)
        .toContain('--impersonate-service-account=db-target@legacy.example.com.iam.gserviceaccount.com');
      expect(p.iamRoleGrants.map(g => [g.role, g.project])).toContainEqual(['roles/serviceusage.serviceUsageConsumer', 'example.com:legacy']);
    });

    test('no impersonation: an empty chain', () => {
      expect(new CloudSqlProxySidecar({ instanceConnectionName: ICN, port: 5432 }).impersonationChain).toEqual([]);
    });
  });

  describe('brand', () => {
    test('isAuthProxySidecar recognises proxies by a Symbol brand, not instanceof', () => {
      const proxy = new CloudSqlProxySidecar({ instanceConnectionName: ICN, port: 5432 });
      expect(CloudSqlProxySidecar.isAuthProxySidecar(proxy)).toBe(true);
      expect(CloudSqlProxySidecar.isAuthProxySidecar(new Sidecar({ name: 's', image: 'acme/s:1.0.0', portNumber: 1 }))).toBe(false);
      expect(CloudSqlProxySidecar.isAuthProxySidecar(undefined)).toBe(false);
      // what another copy of this library makes: same Symbol.for key, different class
      const foreign = { [Symbol.for('cdk8s-sidecars.AuthProxySidecar')]: true };
      expect(CloudSqlProxySidecar.isAuthProxySidecar(foreign)).toBe(true);
    });
  });

  describe('other workloads', () => {
    test('attachTo a Deployment: ports and SIGTERM are checked there too', () => {
      const chart = Testing.chart();
      const dep = new kplus.Deployment(chart, 'api', { containers: [{ name: 'api', image: 'ghcr.io/acme/api:1.0.0', portNumber: 8080 }] });
      new CloudSqlProxySidecar({ instanceConnectionName: ICN, port: 5432, adminPort: 9091, maxSigtermDelay: Duration.seconds(20) }).attachTo(dep);
      const spec = Testing.synth(chart)[0].spec.template.spec;
      expect(spec.initContainers[0].args).toContain('--max-sigterm-delay=20s');
      expect(spec.containers[0].env).toEqual([{ name: 'DB_HOST', value: '127.0.0.1' }, { name: 'DB_PORT', value: '5432' }]);
    });

    test('two proxies in one pod: the second gets its own env names, port and health port', () => {
      const chart = Testing.chart();
      new SidecarJob(chart, 'job', {
        containers: [APP],
        sidecars: [
          new CloudSqlProxySidecar({ instanceConnectionName: ICN, engine: DatabaseEngine.POSTGRESQL }),
          new AlloyDbProxySidecar({
            instanceUri: 'projects/acme-prod/locations/europe-west1/clusters/main/instances/main-primary',
            port: 5433,
            healthPort: 9802,
            hostEnvName: 'ADB_HOST',
            portEnvName: 'ADB_PORT',
          }),
        ],
      });
      const spec = Testing.synth(chart)[0].spec.template.spec;
      expect(spec.containers[0].env).toEqual([
        { name: 'DB_HOST', value: '127.0.0.1' }, { name: 'DB_PORT', value: '5432' },
        { name: 'ADB_HOST', value: '127.0.0.1' }, { name: 'ADB_PORT', value: '5433' },
      ]);
    });

    test('a SidecarJob with two proxies on different ports', () => {
      const chart = Testing.chart();
      new SidecarJob(chart, 'job', {
        containers: [APP],
        sidecars: [
          new CloudSqlProxySidecar({ name: 'proxy-a', instanceConnectionName: ICN, port: 5432, hostEnvName: 'A_HOST', portEnvName: 'A_PORT' }),
          new CloudSqlProxySidecar({ name: 'proxy-b', instanceConnectionName: 'acme-prod:europe-west1:b', port: 5433, healthPort: 9802, hostEnvName: 'B_HOST', portEnvName: 'B_PORT' }),
        ],
      });
      const spec = Testing.synth(chart)[0].spec.template.spec;
      expect(spec.initContainers.map((c: any) => c.name)).toEqual(['proxy-a', 'proxy-b']);
    });
  });

  describe('bad input', () => {
    const SUBJECT = "CloudSqlProxySidecar 'cloud-sql-proxy'";

    test('fails when no instance is given', () => {
      expectError(errorOf({ port: 5432 }), { path: 'test/report', prop: 'instanceConnectionName', value: undefined, problem: /is required \(or 'instances' for/ });
    });

    test('fails when the connection name has two parts', () => {
      expectError(errorOf({ instanceConnectionName: 'acme-prod:main-db', port: 5432 }), { path: 'test/report', prop: 'instanceConnectionName', value: 'acme-prod:main-db', problem: /has two parts; a connection/ });
    });

    test('fails when the connection name has a zone instead of a region', () => {
      expectError(errorOf({ instanceConnectionName: 'acme-prod:europe-west1-b:main-db', port: 5432 }), { prop: 'instanceConnectionName', value: 'acme-prod:europe-west1-b:main-db', problem: /names the zone 'europe-west1-b' where/ });
    });

    test('fails when the connection name carries a query string', () => {
      expectError(errorOf({ instanceConnectionName: `${ICN}?private-ip=true`, port: 5432 }), { prop: 'instanceConnectionName', value: 'acme-prod:europe-west1:main-db?private-ip=true', problem: /must not carry a query/ });
    });

    test('fails when the connection name is upper-case', () => {
      expectError(errorOf({ instanceConnectionName: 'Acme-Prod:europe-west1:main-db', port: 5432 }), { prop: 'instanceConnectionName', value: 'Acme-Prod:europe-west1:main-db', problem: /must be lower-case \(instance connection/ });
    });

    test('fails when an AlloyDB URI is given', () => {
      expectError(errorOf({ instanceConnectionName: 'projects/acme/locations/europe-west1/clusters/c/instances/i', port: 5432 }), {
        path: 'test/report',
        prop: 'instanceConnectionName',
        value: 'projects/acme/locations/europe-west1/clusters/c/instances/i',
        problem: /looks like an AlloyDB Auth Proxy instance URI/,
        fix: /AlloyDbProxySidecar/,
      });
    });

    test('fails when neither port nor engine is given', () => {
      expectError(errorOf({ instanceConnectionName: ICN }), {
        path: 'test/report', prop: 'port', value: undefined, problem: /is needed: without an explicit/, fix: /'port'.*'engine' \(e\.g\. DatabaseEngine\.POSTGRESQL\)/,
      });
    });

    test('fails when the port is out of range', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 70000 }), { path: 'test/report', prop: 'port', value: 70000, problem: /must be a whole number/ });
    });

    test('fails when both instanceConnectionName and instances are given', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, instances: [{ instanceConnectionName: ICN, port: 5432 }] }), { prop: 'instances', problem: /cannot be combined with 'instanceConnectionName'/ });
    });

    test('fails when instances is empty', () => {
      expectError(errorOf({ instances: [] }), { prop: 'instances', value: [], problem: /must be a non-empty list/ });
    });

    test('fails when port is given next to instances', () => {
      expectError(errorOf({ port: 5432, instances: [{ instanceConnectionName: ICN, port: 5432 }] }), { prop: 'port', value: 5432, problem: /applies to 'instanceConnectionName' only and/ });
    });

    test('fails when the same instance is listed twice', () => {
      expectError(errorOf({ instances: [{ instanceConnectionName: ICN, port: 5432 }, { instanceConnectionName: ICN, port: 5433 }] }), { prop: 'instances[1].instanceConnectionName', value: 'acme-prod:europe-west1:main-db', problem: /names the same instance as/ });
    });

    test('fails when two instances get the same port', () => {
      expectError(errorOf({ instances: [{ instanceConnectionName: ICN, engine: DatabaseEngine.POSTGRESQL }, { instanceConnectionName: 'acme-prod:europe-west1:b', engine: DatabaseEngine.POSTGRESQL }] }), { prop: 'instances[1].engine', value: 5432, problem: /gives port 5432, which 'instances\[0\]\.engine'/ });
    });

    test('fails when an instance port is the health port', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 9801 }), { prop: 'port', value: 9801, problem: /gives port 9801, which is/ });
    });

    test('fails when an instance port is the admin port', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 9091, adminPort: 9091 }), { prop: 'port', value: 9091, problem: /gives port 9091, which is/ });
    });

    test('fails when the admin port is the health port', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, adminPort: 9801 }), { prop: 'adminPort', value: 9801, problem: /is the same as 'healthPort'/ });
    });

    test('fails when the health port collides with an app container port', () => {
      // a whole-pod aggregation: the construct's error first, the message also lists the lint finding on the same port
      const e = expectError(errorOf({ instanceConnectionName: ICN, port: 5432 }, { containers: [{ ...APP, portNumber: 9801 }] }), {
        path: 'test/report',
        subject: SUBJECT,
        prop: 'healthPort',
        value: 9801,
        problem: /uses port 9801, which container 'app' also uses/,
        fix: /another port/,
      });
      expect(e.message).toMatch(/container-port-conflict/);
    });

    test('fails when an instance port collides with an app container port', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 8080 }, { containers: [{ ...APP, portNumber: 8080 }] }), { prop: 'port', problem: /uses port 8080, which container/ });
    });

    test('fails when the admin port collides with an app container port', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, adminPort: 8080 }, { containers: [{ ...APP, portNumber: 8080 }] }), { prop: 'adminPort', problem: /uses port 8080, which container/ });
    });

    test('fails when two proxies listen on the same port', () => {
      const chart = Testing.chart();
      cronJob(chart, [
        new CloudSqlProxySidecar({ name: 'a', instanceConnectionName: ICN, port: 5432, hostEnvName: 'A_HOST', portEnvName: 'A_PORT' }),
        new CloudSqlProxySidecar({ name: 'b', instanceConnectionName: 'acme-prod:europe-west1:b', port: 5432, healthPort: 9802, hostEnvName: 'B_HOST', portEnvName: 'B_PORT' }),
      ]);
      expectError(() => Testing.synth(chart), { path: 'test/report', prop: 'port', problem: /uses port 5432, which proxy/ });
    });

    test('fails when the IP type conflicts with an extra arg', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, ipType: CloudSqlIpType.PRIVATE, extraArgs: ['--psc'] }), { prop: 'extraArgs[0]', value: '--psc', problem: /duplicates --psc, which the construct/ });
    });

    test('fails when the IP type is not a CloudSqlIpType', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, ipType: 'private' as any }), { prop: 'ipType', value: 'private', problem: /must be one of CloudSqlIpType\.PUBLIC/ });
    });

    test('fails when the legacy auto-ip flag is passed', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, extraArgs: ['--auto-ip'] }), { prop: 'extraArgs[0]', problem: /conflicts with 'ipType'/ });
    });

    test('fails when unix socket mode is combined with a port', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, unixSocketDirectory: '/cloudsql' }), { prop: 'port', value: 5432, problem: /cannot be combined with 'unixSocketDirectory'/ });
    });

    test('fails when unix socket mode is combined with a listen address', () => {
      expectError(errorOf({ instanceConnectionName: ICN, engine: DatabaseEngine.POSTGRESQL, unixSocketDirectory: '/cloudsql', listenAddress: '127.0.0.1' }), { prop: 'listenAddress', problem: /cannot be combined with 'unixSocketDirectory'/ });
    });

    test('fails when unix socket mode is given a host env name', () => {
      expectError(errorOf({ instanceConnectionName: ICN, unixSocketDirectory: '/cloudsql', hostEnvName: 'PGHOST' }), { prop: 'hostEnvName', value: 'PGHOST', problem: /has no value in Unix/ });
    });

    test('fails when a socket env name is given over TCP', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, unixSocketPathEnvName: 'SOCK' }), { prop: 'unixSocketPathEnvName', value: 'SOCK', problem: /needs Unix socket mode, but/ });
    });

    test('fails when SQL Server is used with unix sockets', () => {
      expectError(errorOf({ instanceConnectionName: ICN, engine: DatabaseEngine.SQL_SERVER, unixSocketDirectory: '/cloudsql' }), { prop: 'engine', value: 'SQL_SERVER', problem: /is SQL Server, whose drivers/ });
    });

    test('fails when the unix socket directory is relative', () => {
      expectError(errorOf({ instanceConnectionName: ICN, unixSocketDirectory: 'cloudsql' }), { prop: 'unixSocketDirectory', value: 'cloudsql', problem: /must be a normalised absolute/ });
    });

    test('fails when the socket path is too long for Linux', () => {
      expectError(errorOf({ instanceConnectionName: ICN, unixSocketDirectory: `/${'d'.repeat(80)}` }), {
        prop: 'unixSocketDirectory', value: `/${'d'.repeat(80)}`, problem: /126 characters long, more than the 107 Linux allows/,
      });
    });

    test('fails when SQL Server is used with IAM authn', () => {
      expectError(errorOf({ instanceConnectionName: ICN, engine: DatabaseEngine.SQL_SERVER, autoIamAuthn: true }), { prop: 'autoIamAuthn', value: true, problem: /is not supported for SQL/ });
    });

    test('fails when the listen address is a host name', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, listenAddress: 'localhost' }), { prop: 'listenAddress', value: 'localhost', problem: /must be an IP address/ });
    });

    test('fails when the SIGTERM delays exceed the grace period', () => {
      const delays = { maxSigtermDelay: Duration.seconds(25), minSigtermDelay: Duration.seconds(10) };
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, ...delays }), {
        path: 'test/report',
        prop: 'minSigtermDelay + maxSigtermDelay',
        value: '35s',
        problem: /must be shorter than the/,
        fix: /terminationGracePeriod: Duration\.seconds\(45\)/,
      });
    });

    test('fails when the max SIGTERM delay equals an explicit grace period', () => {
      const props = { instanceConnectionName: ICN, port: 5432, maxSigtermDelay: Duration.seconds(10) };
      expectError(errorOf(props, { terminationGracePeriod: Duration.seconds(10) }), { prop: 'maxSigtermDelay', problem: /must be shorter than the/ });
    });

    test('fails when a SIGTERM delay is zero', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, maxSigtermDelay: Duration.seconds(0) }), { prop: 'maxSigtermDelay', problem: /must be longer than zero/ });
    });

    test('fails when credentials are given two ways', () => {
      const chart = Testing.chart();
      const secret = kplus.Secret.fromSecretName(chart, 'key', 'proxy-key');
      expectError(() => cronJob(chart, [new CloudSqlProxySidecar({ instanceConnectionName: ICN, port: 5432, credentialsSecret: secret, extraArgs: ['--json-credentials={}'] })]), { prop: 'extraArgs[0]', value: '--json-credentials={}', problem: /gives credentials a second way/ });
    });

    test('fails when a token is passed as an extra arg', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, extraArgs: ['-t', 'ya29.secret'] }), { prop: 'extraArgs[0]', value: '-t', problem: /would put credentials \(or a/ });
    });

    test('fails when a credentials file is passed as an extra arg', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, extraArgs: ['--credentials-file=/k.json'] }), { prop: 'extraArgs[0]', problem: /points at a key file/ });
    });

    test('fails when an extra arg duplicates a typed prop', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, extraArgs: ['--http-port=9090'] }), { prop: 'extraArgs[0]', value: '--http-port=9090', problem: /duplicates --http-port, which the construct/ });
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, extraArgs: ['-p', '5433'] }), { prop: 'extraArgs[0]', value: '-p', problem: /duplicates --port/ });
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, extraArgs: ['--quota-project=x'] }), { prop: 'extraArgs[0]', value: '--quota-project=x', problem: /duplicates --quota-project/, fix: /'quotaProject'/ });
    });

    test('fails when an extra arg is an AlloyDB-only flag', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, extraArgs: ['--exit-zero-sigterm'] }), { prop: 'extraArgs[0]', value: '--exit-zero-sigterm', problem: /is a flag of the/ });
    });

    test('fails when an extra arg is an instance', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, extraArgs: ['acme-prod:europe-west1:other'] }), { prop: 'extraArgs[0]', problem: /looks like an instance; instances/ });
    });

    test('fails when the version has a leading v', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, version: 'v2.25.3' }), { prop: 'version', value: 'v2.25.3', problem: /must be a pinned release/ });
    });

    test('fails when the version is latest', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, version: 'latest' }), { prop: 'version', value: 'latest', problem: /must be a pinned release/, fix: /Pin a release, e\.g\. '2\.25\.3'/ });
    });

    test('fails when the bookworm variant is used on 2.24 or later', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, version: '2.24.0-bookworm' }), { prop: 'version', value: '2.24.0-bookworm', problem: /uses the '-bookworm' variant, which/ });
    });

    test('fails when the version is too old for a rendered feature', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, version: '2.5.0' }), { prop: 'version', value: '2.5.0', problem: /is older than 2\.6\.0, the/ });
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, version: '2.19.0', adminPort: 9091 }), { prop: 'version', problem: /is older than 2\.20\.0, the/ });
    });

    test('fails when the image repository carries a tag', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, imageRepository: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.25.3' }), { prop: 'imageRepository', problem: /must be an image repository/ });
    });

    test('fails when the image repository is the v1 proxy', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, imageRepository: 'gcr.io/cloudsql-docker/gce-proxy' }), { prop: 'imageRepository', problem: /is the end-of-life Cloud SQL/ });
    });

    test('fails when the image repository is the AlloyDB proxy', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, imageRepository: 'gcr.io/alloydb-connectors/alloydb-auth-proxy' }), { prop: 'imageRepository', problem: /is the AlloyDB Auth Proxy/ });
    });

    test('fails when an env name is invalid or used twice', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, portEnvName: 'DB-PORT' }), { prop: 'portEnvName', value: 'DB-PORT', problem: /must be an environment variable/ });
      expectError(errorOf({ instances: [{ instanceConnectionName: ICN, port: 5432, hostEnvName: 'H' }, { instanceConnectionName: 'acme-prod:europe-west1:b', port: 5433, hostEnvName: 'H' }] }), { prop: 'instances[1].hostEnvName', value: 'H', problem: /uses the same variable as/ });
    });

    test('fails when the app already has the env variable', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432 }, { containers: [{ ...APP, envVariables: { DB_HOST: kplus.EnvValue.fromValue('db') } }] }), {
        path: 'test/report', subject: "Sidecar 'cloud-sql-proxy'", prop: undefined, problem: /'DB_HOST'.*container 'app' already has 'DB_HOST'/,
      });
    });

    test('fails when the impersonation chain has a bad email', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, impersonationChain: ['db-target'] }), { path: 'test/report', prop: 'impersonationChain[0]', value: 'db-target', problem: /must be a service account/ });
    });

    test('fails when a service account email carries a project id with a colon (emails never do)', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, impersonationChain: ['db-target@example.com:legacy.iam.gserviceaccount.com'] }), { prop: 'impersonationChain[0]', problem: /must be a service account/ });
    });

    test('fails when the listen address is 0.0.0.0 without the opt-in', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, listenAddress: '0.0.0.0' }), { path: 'test/report', prop: 'listenAddress', value: '0.0.0.0', problem: /is not a loopback address/ });
    });

    test('fails when the listen address is a pod IP, and says what IAM authn adds', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, autoIamAuthn: true, listenAddress: '10.8.0.12' }), { path: 'test/report', prop: 'listenAddress', value: '10.8.0.12', problem: /is not a loopback address/ });
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, listenAddress: '::' }), { prop: 'listenAddress', problem: /is not a loopback address/ });
    });

    test('a pod IP listener with the opt-in', () => {
      const pod = podOf({ instanceConnectionName: ICN, port: 5432, listenAddress: '10.8.0.12', allowNonLoopbackListenAddress: true });
      expect(pod.initContainers[0].args).toContain('--address=10.8.0.12');
      expect(pod.containers[0].env[0]).toEqual({ name: 'DB_HOST', value: '10.8.0.12' });
    });

    test('fails when the opt-in is given without a non-loopback listen address', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, allowNonLoopbackListenAddress: true }), { path: 'test/report', prop: 'allowNonLoopbackListenAddress', value: true, problem: /has no effect without a/ });
    });

    test('fails when the version is a digest without a release tag', () => {
      const digest = `sha256:${'a'.repeat(64)}`;
      const fix = new RegExp(`release tag before the digest, e\\.g\\. '2\\.25\\.3@${digest}'`);
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, version: digest }), { path: 'test/report', subject: SUBJECT, prop: 'version', value: digest, problem: /must be a pinned release tag/, fix });
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, version: `@${digest}` }), { prop: 'version', value: `@${digest}`, problem: /must be a pinned release tag/, fix });
    });

    test('fails when two proxies in one pod both set DB_HOST/DB_PORT (the wiring names both sidecars and the props)', () => {
      const chart = Testing.chart();
      expectError(() => cronJob(chart, [
        new CloudSqlProxySidecar({ instanceConnectionName: ICN, engine: DatabaseEngine.POSTGRESQL }),
        new AlloyDbProxySidecar({ instanceUri: 'projects/acme-prod/locations/europe-west1/clusters/main/instances/main-primary', port: 5433, healthPort: 9802 }),
      ]), { path: 'test/report', subject: 'Sidecar \'alloydb-auth-proxy\'', problem: /sets the environment variable 'DB_HOST' for/, fix: /Give one of the two/ });
    });

    test('fails when two proxies set the same app variables in a pod whose containers were added later', () => {
      const chart = Testing.chart();
      const dep = new kplus.Deployment(chart, 'api');
      new CloudSqlProxySidecar({ instanceConnectionName: ICN, engine: DatabaseEngine.POSTGRESQL }).attachTo(dep);
      new CloudSqlProxySidecar({
        name: 'audit-proxy',
        healthPort: 9802,
        instances: [{ instanceConnectionName: 'acme-prod:europe-west1:audit', port: 5433, hostEnvName: 'DB_HOST', portEnvName: 'AUDIT_DB_PORT' }],
      }).attachTo(dep);
      dep.addContainer({ name: 'api', image: 'ghcr.io/acme/api:1.0.0' });
      expectError(() => Testing.synth(chart), { path: 'test/api', prop: 'instances[0].hostEnvName', value: 'DB_HOST', problem: /sets the app variable 'DB_HOST', which/, fix: /Give one of the two/ });
    });

    test('fails when telemetry options are given without a telemetry project', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, telemetryPrefix: 'x' }), { prop: 'telemetryPrefix', value: 'x', problem: /has no effect without 'telemetryProject'/ });
    });

    test('fails when prometheusNamespace is given without prometheus', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, prometheusNamespace: 'x' }), { prop: 'prometheusNamespace', problem: /has no effect without 'prometheus/ });
    });

    test('fails when max connections is not a positive integer', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, maxConnections: 0 }), { prop: 'maxConnections', problem: /must be a whole number/ });
    });

    test('fails when the startup timeout is not whole seconds', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, startupTimeout: Duration.millis(1500) }), { prop: 'startupTimeout', problem: /must be a whole number/ });
    });

    test('fails when the container name is too long for the volume names', () => {
      expectError(errorOf({ name: 'p'.repeat(56), instanceConnectionName: ICN, unixSocketDirectory: '/cloudsql' }),
        { prop: 'name', value: 'p'.repeat(56), problem: /at most 55 characters .*so that the volume '.*-sockets' is a valid name/ });
    });

    test('fails when the credentials key is given without a secret', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, credentialsSecretKey: 'key.json' }), { prop: 'credentialsSecretKey', problem: /has no effect without 'credentialsSecret'/ });
    });

    test('fails when the quota project is not a project id', () => {
      expectError(errorOf({ instanceConnectionName: ICN, port: 5432, quotaProject: 'Acme Billing' }), { prop: 'quotaProject', value: 'Acme Billing', problem: /must be a Google Cloud/ });
    });

    test('fails when the engine is not a DatabaseEngine', () => {
      expectError(errorOf({ instanceConnectionName: ICN, engine: 'postgres' as any }), { prop: 'engine', value: 'postgres', problem: /must be one of DatabaseEngine\.POSTGRESQL/ });
    });
  });
});

describe('examples/cloud-sql-cronjob (in-process)', () => {
  test('nightly report: Workload Identity, IAM authn, private IP, PG env for libpq', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'csql-example-'));
    const before = process.env.CDK8S_OUTDIR;
    process.env.CDK8S_OUTDIR = outdir;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { NightlyReport } = require('../examples/cloud-sql-cronjob/main');
      const chart = new NightlyReport(Testing.app(), 'example');
      const manifests = Testing.synth(chart);
      expect(manifests.map((m: any) => m.kind)).toEqual(['ServiceAccount', 'CronJob']);
      const pod = manifests[1].spec.jobTemplate.spec.template.spec;
      expect(pod.serviceAccountName).toEqual('nightly-report');
      expect(pod.initContainers[0].args).toContain('acme-prod:europe-west1:main-db?port=5432&private-ip=true&auto-iam-authn=true');
      expect(pod.containers[0].env).toEqual(expect.arrayContaining([
        { name: 'PGHOST', value: '127.0.0.1' }, { name: 'PGPORT', value: '5432' }, { name: 'PGUSER', value: 'nightly-report@acme-prod.iam' },
      ]));
      expect(chart.identity.requiredRoles).toEqual(['roles/iam.workloadIdentityUser', 'roles/cloudsql.client', 'roles/cloudsql.instanceUser']);
    } finally {
      if (before === undefined) delete process.env.CDK8S_OUTDIR;
      else process.env.CDK8S_OUTDIR = before;
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
