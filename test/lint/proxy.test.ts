// Cloud SQL / AlloyDB Auth Proxy rules.
import { deployment, initTask, job, lint, ofRule, problems, RESTRICTED } from './_helpers';
import { Severity } from '../../src';
import { ALLOYDB_PROXY, CLOUD_SQL_PROXY, COMMON_FLAGS, ONE_SHOT_SUBCOMMANDS, PROXY_BINARY_DEFAULTS, PROXY_CONSTRUCT_DEFAULTS } from '../../src/_proxy-flavors';

const CSP_IMAGE = 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.25.3';
const ADB_IMAGE = 'gcr.io/alloydb-connectors/alloydb-auth-proxy:1.15.2';
const SIDE = 'spec.template.spec.initContainers[0]';

/** The recommended Cloud SQL proxy sidecar (cloud-sql-proxy.md §6). */
function cspSidecar(args?: string[], extra: Record<string, any> = {}): Record<string, any> {
  return {
    name: 'cloud-sql-proxy',
    image: CSP_IMAGE,
    restartPolicy: 'Always',
    args: args ?? ['--structured-logs', '--exit-zero-on-sigterm', '--health-check', '--http-address=0.0.0.0', '--http-port=9801', 'p:us-central1:db?port=5432'],
    ports: [{ containerPort: 9801 }],
    startupProbe: { httpGet: { path: '/startup', port: 9801 }, periodSeconds: 1, failureThreshold: 60, timeoutSeconds: 10 },
    livenessProbe: { httpGet: { path: '/liveness', port: 9801 }, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 10 },
    securityContext: { ...RESTRICTED, runAsUser: 65532 },
    ...extra,
  };
}

function adbSidecar(args: string[], extra: Record<string, any> = {}): Record<string, any> {
  return { ...cspSidecar(args, extra), name: 'alloydb-proxy', image: ADB_IMAGE };
}

const ADB_INSTANCE = 'projects/p/locations/r/clusters/c/instances/i';

test('the recommended Cloud SQL and AlloyDB sidecars have no error or warning', () => {
  const adb = adbSidecar(['--exit-zero-sigterm', '--health-check', '--http-address=0.0.0.0', '--http-port=9801', ADB_INSTANCE]);
  expect(problems(lint([job({ initContainers: [cspSidecar()] }), job({ initContainers: [adb] })]))).toEqual([]);
});

test('flags may come from CSQL_PROXY_* env instead of the command line', () => {
  const env = [
    { name: 'CSQL_PROXY_HEALTH_CHECK', value: 'true' },
    { name: 'CSQL_PROXY_HTTP_ADDRESS', value: '0.0.0.0' },
    { name: 'CSQL_PROXY_HTTP_PORT', value: '9801' },
    { name: 'CSQL_PROXY_EXIT_ZERO_ON_SIGTERM', value: 'true' },
    { name: 'CSQL_PROXY_PORT', value: '5432' },
  ];
  expect(problems(lint([job({ initContainers: [cspSidecar(['p:r:i'], { env })] })]))).toEqual([]);
});

describe('proxy recognition and fixes come from the flavour table (src/_proxy-flavors.ts)', () => {
  test('a sidecar-missing-startup-probe fix for a proxy uses COMMON_FLAGS and PROXY_CONSTRUCT_DEFAULTS', () => {
    const proxy = { name: 'proxy', image: CLOUD_SQL_PROXY.imageRepository + ':' + CLOUD_SQL_PROXY.defaultVersion, restartPolicy: 'Always', args: ['--port=5432', 'p:r:i'] };
    const [f] = ofRule(lint([job({ initContainers: [proxy] })]), 'sidecar-missing-startup-probe');
    const d = PROXY_CONSTRUCT_DEFAULTS;
    expect(f.fix).toBe(`add a startupProbe: run the proxy with ${COMMON_FLAGS.healthCheck} ${COMMON_FLAGS.httpAddress}=${d.httpAddress} ${COMMON_FLAGS.httpPort}=${d.healthPort}, `
      + `declare containerPort ${d.healthPort} and probe httpGet ${PROXY_BINARY_DEFAULTS.startupPath} on ${d.healthPort} with periodSeconds: ${d.startupPeriodSeconds}, initialDelaySeconds: 0, failureThreshold: ${d.startupTimeoutSeconds / d.startupPeriodSeconds}`);
  });

  test('every one-shot subcommand or flag (ONE_SHOT_SUBCOMMANDS) makes a proxy image a run-once init container', () => {
    for (const arg of ONE_SHOT_SUBCOMMANDS) {
      const once = initTask('once', { image: CSP_IMAGE, command: undefined, args: arg.startsWith('-') ? ['p:r:i', arg] : [arg] });
      expect({ arg, f: ofRule(lint([job({ initContainers: [once] })]), 'init-container-never-exits') }).toEqual({ arg, f: [] });
    }
    const serving = initTask('server', { image: CSP_IMAGE, command: undefined, args: ['p:r:i?port=5432'] });
    expect(ofRule(lint([job({ initContainers: [serving] })]), 'init-container-never-exits')).toHaveLength(1);
  });

  test('instances given through the env key of each flavour (instanceConfigKey) are read', () => {
    for (const flavor of [CLOUD_SQL_PROXY, ALLOYDB_PROXY]) {
      const envName = flavor.envPrefix + flavor.instanceConfigKey.replace(/-/g, '_').toUpperCase();
      const instance = flavor === CLOUD_SQL_PROXY ? 'p:r:i?port=6000' : `${ADB_INSTANCE}?port=6000`;
      const proxy = { ...cspSidecar([]), image: `${flavor.imageRepository}:${flavor.defaultVersion}`, env: [{ name: envName, value: instance }] };
      const migrate = initTask('migrate', { env: [{ name: 'DB_PORT', value: '6000' }] });
      // the listener port 6000 is known only from the env instance
      expect({ envName, f: ofRule(lint([job({ initContainers: [migrate, proxy] })]), 'sidecar-declared-after-dependent-init').map(x => x.container) })
        .toEqual({ envName, f: ['cloud-sql-proxy'] });
    }
  });
});

describe('cloud-sql-proxy-v1-image', () => {
  test('fires on gce-proxy', () => {
    const v1 = { name: 'proxy', image: 'gcr.io/cloudsql-docker/gce-proxy:1.33.2', command: ['/cloud_sql_proxy', '-instances=p:r:i=tcp:5432'] };
    const f = ofRule(lint([deployment({ containers: [v1] })]), 'cloud-sql-proxy-v1-image');
    expect(f.map(x => [x.severity, x.container, x.path])).toEqual([[Severity.WARNING, 'proxy', 'spec.template.spec.containers[0].image']]);
    expect(f[0].fix).toContain(CSP_IMAGE);
  });

  test('does not fire on the v2 image', () => {
    expect(ofRule(lint([job({ initContainers: [cspSidecar()] })]), 'cloud-sql-proxy-v1-image')).toEqual([]);
  });
});

describe('proxy-no-explicit-port', () => {
  test('fires on a Cloud SQL instance without --port or ?port=', () => {
    const f = ofRule(lint([job({ initContainers: [cspSidecar(['--exit-zero-on-sigterm', '--health-check', '--http-address=0.0.0.0', '--http-port=9801', 'p:r:i'])] })]), 'proxy-no-explicit-port');
    expect(f.map(x => [x.severity, x.container, x.path])).toEqual([[Severity.WARNING, 'cloud-sql-proxy', SIDE]]);
    expect(f[0].message).toContain("instance 'p:r:i' has no ?port=");
  });

  test('finds the instance after an unknown boolean flag', () => {
    const f = ofRule(lint([job({ initContainers: [cspSidecar(['--exit-zero-on-sigterm', '--health-check', '--http-address=0.0.0.0', '--http-port=9801', '--auto-ip', 'my-project:us-central1:db'])] })]), 'proxy-no-explicit-port');
    expect(f.map(x => x.container)).toEqual(['cloud-sql-proxy']);
    expect(f[0].message).toContain("instance 'my-project:us-central1:db'");
  });

  test('does not fire with --port, -p, ?port=, a Unix socket, or on AlloyDB (fixed default 5432)', () => {
    const base = ['--exit-zero-on-sigterm', '--health-check', '--http-address=0.0.0.0', '--http-port=9801'];
    const f = ofRule(lint([
      job({ initContainers: [cspSidecar([...base, '--port', '5432', 'p:r:i'])] }),
      job({ initContainers: [cspSidecar([...base, '-p', '5432', 'p:r:i'])] }),
      job({ initContainers: [cspSidecar([...base, '--unix-socket=/cloudsql', 'p:r:i'])] }),
      job({ initContainers: [adbSidecar(['--exit-zero-sigterm', '--health-check', '--http-address=0.0.0.0', '--http-port=9801', ADB_INSTANCE])] }),
    ]), 'proxy-no-explicit-port');
    expect(f).toEqual([]);
  });
});

describe('proxy-health-check-localhost', () => {
  test('fires when probes target the health server and --http-address is left at localhost', () => {
    const f = ofRule(lint([job({ initContainers: [cspSidecar(['--exit-zero-on-sigterm', '--health-check', '--http-port=9801', 'p:r:i?port=5432'])] })]), 'proxy-health-check-localhost');
    expect(f.map(x => [x.severity, x.container, x.path])).toEqual([[Severity.ERROR, 'cloud-sql-proxy', `${SIDE}.startupProbe.httpGet`]]);
    expect(f[0].message).toContain('listens on localhost (--http-address default)');
    expect(f[0].fix).toContain('--http-address=0.0.0.0');
  });

  test('does not fire with --http-address=0.0.0.0, nor without health probes', () => {
    const noProbes = cspSidecar(['--exit-zero-on-sigterm', '--port=5432', 'p:r:i'], { startupProbe: { tcpSocket: { port: 5432 }, periodSeconds: 1 }, livenessProbe: undefined, ports: [{ containerPort: 5432 }] });
    expect(ofRule(lint([job({ initContainers: [cspSidecar()] }), job({ initContainers: [noProbes] })]), 'proxy-health-check-localhost')).toEqual([]);
  });
});

describe('proxy-health-probe-mismatch', () => {
  test('fires when --health-check is missing, and when the probe port is not --http-port', () => {
    const f = ofRule(lint([
      job({ initContainers: [cspSidecar(['--exit-zero-on-sigterm', '--http-address=0.0.0.0', '--http-port=9801', 'p:r:i?port=5432'])] }),
      job({ initContainers: [cspSidecar(['--exit-zero-on-sigterm', '--health-check', '--http-address=0.0.0.0', 'p:r:i?port=5432'])] }),
    ]), 'proxy-health-probe-mismatch');
    expect(f.map(x => [x.severity, x.container, x.path])).toEqual([
      [Severity.ERROR, 'cloud-sql-proxy', `${SIDE}.startupProbe.httpGet`],
      [Severity.ERROR, 'cloud-sql-proxy', `${SIDE}.startupProbe.httpGet.port`],
    ]);
    expect(f[0].message).toContain('--health-check is not set');
    expect(f[1].message).toContain('targets port 9801, but the health server listens on 9090 (the --http-port default)');
  });

  test('does not fire on a matching configuration, nor when flags may come from a config file or envFrom', () => {
    const opaque = cspSidecar(['--config-file=/etc/proxy.yaml'], {});
    const envFrom = cspSidecar(['p:r:i?port=5432'], { envFrom: [{ configMapRef: { name: 'proxy' } }] });
    expect(ofRule(lint([job({ initContainers: [cspSidecar()] }), job({ initContainers: [opaque] }), job({ initContainers: [envFrom] })]), 'proxy-health-probe-mismatch')).toEqual([]);
  });
});

describe('proxy-flag-of-other-flavor', () => {
  test('fires on the Cloud SQL spelling of exit-zero given to AlloyDB, and on --private-ip given to AlloyDB', () => {
    const adb = adbSidecar(['--exit-zero-on-sigterm', '--private-ip', '--health-check', '--http-address=0.0.0.0', '--http-port=9801', ADB_INSTANCE]);
    const f = ofRule(lint([job({ initContainers: [adb] })]), 'proxy-flag-of-other-flavor');
    expect(f.map(x => [x.severity, x.container, x.path])).toEqual([[Severity.ERROR, 'alloydb-proxy', SIDE], [Severity.ERROR, 'alloydb-proxy', SIDE]]);
    expect(f[0].message).toContain("is given --exit-zero-on-sigterm, a Cloud SQL Auth Proxy flag: it exits at start-up with 'unknown flag'");
    expect(f[0].fix).toBe('use --exit-zero-sigterm instead of --exit-zero-on-sigterm');
    expect(f[1].fix).toContain('uses private IP by default');
  });

  test('fires on any flag only the other flavour knows (flags.only), e.g. --with-backend-check on Cloud SQL', () => {
    const f = ofRule(lint([job({ initContainers: [cspSidecar([...cspSidecar().args.slice(0, -1), '--with-backend-check', 'p:r:i?port=5432'])] })]), 'proxy-flag-of-other-flavor');
    expect(f.map(x => x.container)).toEqual(['cloud-sql-proxy']);
    expect(f[0].fix).toBe('remove --with-backend-check: Cloud SQL Auth Proxy has no such flag');
  });

  test('does not fire on each flavour\'s own flags, nor on shared ones (--psc)', () => {
    const adb = adbSidecar(['--exit-zero-sigterm', '--psc', '--health-check', '--http-address=0.0.0.0', '--http-port=9801', ADB_INSTANCE]);
    expect(ofRule(lint([job({ initContainers: [adb] }), job({ initContainers: [cspSidecar()] })]), 'proxy-flag-of-other-flavor')).toEqual([]);
  });
});

describe('proxy-missing-exit-zero-on-sigterm', () => {
  test('fires on a proxy sidecar in a Job without the flavour\'s exit-zero flag', () => {
    const f = ofRule(lint([
      job({ initContainers: [cspSidecar(['--health-check', '--http-address=0.0.0.0', '--http-port=9801', 'p:r:i?port=5432'])] }),
      job({ initContainers: [adbSidecar(['--health-check', '--http-address=0.0.0.0', '--http-port=9801', ADB_INSTANCE])] }),
    ]), 'proxy-missing-exit-zero-on-sigterm');
    expect(f.map(x => [x.severity, x.container, x.path])).toEqual([[Severity.WARNING, 'cloud-sql-proxy', SIDE], [Severity.WARNING, 'alloydb-proxy', SIDE]]);
    expect(f[0].fix).toBe('add --exit-zero-on-sigterm to the proxy arguments');
    expect(f[1].fix).toBe('add --exit-zero-sigterm to the proxy arguments');
  });

  test('says what 143 really does for a native sidecar: the pod ends Completed, the container status shows it (kubectl#1739)', () => {
    const f = ofRule(lint([job({ initContainers: [cspSidecar(['--health-check', '--http-address=0.0.0.0', '--http-port=9801', 'p:r:i?port=5432'])] })]), 'proxy-missing-exit-zero-on-sigterm');
    expect(f[0].message).toContain('exits 143. The pod still ends Completed');
    expect(f[0].message).toContain("the sidecar's container status shows Error with exit code 143");
    expect(f[0].message).toContain('(csp#1803, op#355)');
    expect(f[0].message).not.toMatch(/pod status/);
  });

  test('does not fire with the flag, or in a Deployment', () => {
    const noFlag = cspSidecar(['--health-check', '--http-address=0.0.0.0', '--http-port=9801', 'p:r:i?port=5432']);
    expect(ofRule(lint([job({ initContainers: [cspSidecar()] }), deployment({ initContainers: [noFlag] })]), 'proxy-missing-exit-zero-on-sigterm')).toEqual([]);
  });
});

describe('proxy-prestop-http-admin-port', () => {
  test('fires on an httpGet preStop against the admin port / quitquitquit', () => {
    const s = cspSidecar(undefined, { lifecycle: { preStop: { httpGet: { path: '/quitquitquit', port: 9091 } } } });
    const f = ofRule(lint([deployment({ initContainers: [s] })]), 'proxy-prestop-http-admin-port');
    expect(f.map(x => [x.severity, x.container, x.path])).toEqual([[Severity.WARNING, 'cloud-sql-proxy', `${SIDE}.lifecycle.preStop.httpGet`]]);
    expect(f[0].fix).toContain('["/cloud-sql-proxy", "shutdown", "--admin-port", "9091"]');
  });

  test('does not fire on the exec shutdown preStop', () => {
    const s = cspSidecar(undefined, { lifecycle: { preStop: { exec: { command: ['/cloud-sql-proxy', 'shutdown', '--admin-port', '9091'] } } } });
    expect(ofRule(lint([deployment({ initContainers: [s] })]), 'proxy-prestop-http-admin-port')).toEqual([]);
  });
});
