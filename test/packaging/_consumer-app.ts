// A user's app, as written against one cdk8s-plus line: it mixes its own cdk8s-plus objects (a Deployment, a
// ServiceAccount, a Volume) with our constructs. Used by install.test.ts in fresh apps outside the repository.
import * as fs from 'fs';
import * as path from 'path';

/** `main.ts` of an app that imports our package `pkg` and its own `cdk8s-plus-<line>`. */
export function consumerMain(pkg: string, line: number): string {
  return `import { App, Chart, Cron, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-${line}';
import { Sidecar, SidecarCronJob, StartupGate } from '${pkg}';

const RESTRICTED: kplus.ContainerSecurityContextProps = {
  user: 10001,
  group: 10001,
  capabilities: { drop: [kplus.Capability.ALL] },
  seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
};
const RESOURCES: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
  memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
};

const app = new App();
const chart = new Chart(app, 'consumer', { namespace: 'apps' });

// the app's own cdk8s-plus-${line} objects
const web: kplus.Deployment = new kplus.Deployment(chart, 'web', {
  metadata: { name: 'web' },
  containers: [{
    name: 'web',
    image: 'ghcr.io/acme/web:2.8.0',
    portNumber: 8080,
    imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
    securityContext: RESTRICTED,
    readiness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
    resources: RESOURCES,
  }],
});
const serviceAccount: kplus.ServiceAccount = new kplus.ServiceAccount(chart, 'reports-sa', { metadata: { name: 'reports' } });
const scratch: kplus.Volume = kplus.Volume.fromEmptyDir(chart, 'scratch', 'scratch');

// our constructs, given those objects
const envoy: kplus.Container = new Sidecar({
  name: 'envoy',
  image: 'envoyproxy/envoy:v1.31.2',
  ports: [{ number: 10000, name: 'proxy' }, { number: 9901, name: 'admin' }],
  startupGate: StartupGate.httpGet('/ready', { port: 9901 }),
  securityContext: { user: 101, group: 101 },
  resources: RESOURCES,
}).attachTo(web);
envoy.env.addVariable('ENVOY_LOG_LEVEL', kplus.EnvValue.fromValue('info'));

const reports: kplus.CronJob = new SidecarCronJob(chart, 'reports', {
  metadata: { name: 'reports' },
  schedule: Cron.daily(),
  timeZone: 'Etc/UTC',
  serviceAccount,
  volumes: [scratch],
  containers: [{
    name: 'report',
    image: 'ghcr.io/acme/report:1.4.2',
    securityContext: RESTRICTED,
    resources: RESOURCES,
    volumeMounts: [{ path: '/scratch', volume: scratch }],
  }],
  sidecars: [new Sidecar({
    name: 'api-proxy',
    image: 'ghcr.io/acme/api-proxy:2.0.1',
    portNumber: 8081,
    startupGate: StartupGate.httpGet('/ready'),
    securityContext: { user: 10002, group: 10002 },
    resources: RESOURCES,
    volumeMounts: [{ path: '/scratch', volume: scratch }],
  })],
});
void reports;

app.synth();
`;
}

/** A strict tsconfig for the app (the user's choice, not ours: \`strict\` plus the checks cdk8s init turns on). */
export const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'commonjs',
    lib: ['es2022'],
    strict: true,
    noImplicitReturns: true,
    noUnusedLocals: true,
    esModuleInterop: true,
    skipLibCheck: false,
    types: [],
    outDir: 'out',
  },
  include: ['main.ts'],
};

/** Write a fresh app (package.json, tsconfig.json, main.ts) into `dir`. */
export function writeConsumerApp(dir: string, pkg: string, line: number): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `consumer-${line}`, version: '1.0.0', private: true }, null, 2));
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG, null, 2));
  fs.writeFileSync(path.join(dir, 'main.ts'), consumerMain(pkg, line));
}
