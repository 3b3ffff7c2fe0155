// Bad input: every error names the construct path, the prop, the value received and how to fix it.
import { Chart, Cron, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { chart } from './_util';
import { KubernetesVersion, Sidecar, SidecarCronJob, SidecarJob, StartupGate } from '../src';
import { expectError } from './_errors';
import { WorkloadSidecars } from '../src/_workload-sidecars';

const app = { name: 'app', image: 'acme/app:1.0' };
const sidecar = (props: Partial<ConstructorParameters<typeof Sidecar>[0]> = {}) =>
  new Sidecar({ name: 'proxy', image: 'acme/proxy:1.0', portNumber: 8080, ...props });

/** Build a SidecarJob with the given sidecar; returns a thunk for expect().toThrow. */
const jobWith = (s: Sidecar, extra: Partial<ConstructorParameters<typeof SidecarJob>[2]> = {}) => () => {
  const c = chart();
  new SidecarJob(c, 'job', { containers: [app], sidecars: [s], ...extra });
  return Testing.synth(c);
};

describe('sidecar settings', () => {
  test('fails when the sidecar name is not a DNS-1123 label', () => {
    expectError(jobWith(sidecar({ name: 'Cloud_SQL' })), { path: 'test/job', prop: 'name', value: 'Cloud_SQL', problem: /must be a DNS-1123 label: lower-case/, fix: /Use a short lower-case name/ });
  });

  test('fails when the sidecar name is longer than 63 characters', () => {
    expectError(jobWith(sidecar({ name: 'a'.repeat(64) })), { path: 'test/job', prop: 'name', problem: /must be at most 63/ });
  });

  test('fails when the image is empty', () => {
    expectError(jobWith(sidecar({ image: '' })), { path: 'test/job', prop: 'image', value: '', problem: /must be an image reference without/, fix: /Use e\.g\. 'envoyproxy\/envoy:v1\.31\.2'/ });
  });

  test('fails when the image contains a space', () => {
    expectError(jobWith(sidecar({ image: 'acme/proxy 1.0' })), { prop: 'image', problem: /must be an image reference/ });
  });

  test('fails when a port is out of range', () => {
    expectError(jobWith(sidecar({ portNumber: 70000 })), { path: 'test/job', prop: 'ports', value: 70000, problem: /must be whole numbers from 1/, fix: /Fix the port number/ });
  });

  test('fails when the same port is declared twice', () => {
    expectError(jobWith(sidecar({ ports: [{ number: 8080 }] })), { path: 'test/job', prop: 'ports', value: 8080, problem: /declares the same port twice/, fix: /Declare each port once \(note/ });
  });

  test('fails when there is neither a startup gate nor a port', () => {
    expectError(jobWith(sidecar({ portNumber: undefined })), { path: 'test/job', prop: 'startupGate', problem: /is needed because the sidecar/ });
  });

  test('fails when the startup gate probes a port the sidecar does not declare', () => {
    expectError(jobWith(sidecar({ startupGate: StartupGate.httpGet('/ready', { port: 9000 }) })), { path: 'test/job', prop: 'startupGate.port', value: 9000, problem: /is not declared on the sidecar/, fix: /Add the port to the/ });
  });

  test('fails when a TCP gate has a port but the sidecar declares none', () => {
    expect(jobWith(sidecar({ portNumber: undefined, startupGate: StartupGate.tcpSocket({ port: 5432 }) }))).toThrow(
      /'startupGate.port' is not declared on the sidecar \(declared: none\), got 5432/);
  });

  test('fails when the default gate has only a UDP port to check', () => {
    expectError(jobWith(sidecar({ portNumber: undefined, ports: [{ number: 53, protocol: kplus.Protocol.UDP }] })), { path: 'test/job', prop: 'startupGate', problem: /is needed because the sidecar/ });
  });

  test('fails when a TCP gate targets a UDP port', () => {
    const udp = sidecar({
      portNumber: undefined, ports: [{ number: 53, protocol: kplus.Protocol.UDP }], startupGate: StartupGate.tcpSocket({ port: 53 }),
    });
    expectError(jobWith(udp), { path: 'test/job', prop: 'startupGate.port', value: 53, problem: /is not a TCP port of/, fix: /Check a TCP port, or/ });
  });

  test('fails when a TCP gate has no port and the sidecar declares none', () => {
    expectError(jobWith(sidecar({ portNumber: undefined, startupGate: StartupGate.tcpSocket() })), { path: 'test/job', prop: 'startupGate', value: 'TcpSocket', problem: /checks a port but the/ });
  });

  test('fails when the poll interval is not whole seconds', () => {
    expectError(jobWith(sidecar({ startupGate: StartupGate.tcpSocket({ pollInterval: Duration.millis(1500) }) })), { path: 'test/job', prop: 'startupGate.pollInterval', problem: /must be a whole number/ });
  });

  test('fails when the poll interval is zero', () => {
    expect(jobWith(sidecar({ startupGate: StartupGate.tcpSocket({ pollInterval: Duration.seconds(0) }) }))).toThrow(
      /'startupGate.pollInterval' must be at least 1 second, got 0 (milliseconds|seconds)\. Use Duration.seconds\(1\) or more/);
  });

  test('fails when the startup timeout is shorter than the poll interval', () => {
    expectError(jobWith(sidecar({ startupGate: StartupGate.tcpSocket({ pollInterval: Duration.seconds(5), timeout: Duration.seconds(2) }) })), { path: 'test/job', prop: 'startupGate.timeout', problem: /must be at least the/ });
  });

  test('fails when the startup timeout is not whole seconds', () => {
    expect(jobWith(sidecar({ startupGate: StartupGate.tcpSocket({ timeout: Duration.millis(2500) }) }))).toThrow(/'startupGate.timeout' must be a whole number of seconds.*got 2 seconds 500 millis/);
  });

  test('fails when an HTTP gate path is not absolute', () => {
    expectError(jobWith(sidecar({ startupGate: StartupGate.httpGet('healthz') })), { path: 'test/job', prop: 'startupGate.httpGet(path)', value: 'healthz', problem: /must be an absolute URL path/, fix: /Use a path such as/ });
  });

  test('fails when a command gate is empty', () => {
    expect(jobWith(sidecar({ startupGate: StartupGate.command([]) }))).toThrow(
      /\[test\/job\] Sidecar 'proxy': 'startupGate.command\(command\)' must be a non-empty list of non-empty strings, got \[\]/);
  });
});

describe('pod-wide rules', () => {
  test('fails when two sidecars have the same name', () => {
    const c = chart();
    expectError(() => new SidecarJob(c, 'job', { containers: [app], sidecars: [sidecar(), sidecar({ portNumber: 9090 })] }), { path: 'test/job', prop: 'name', value: 'proxy', problem: /is already used by another container/, fix: /Container names must be unique/ });
  });

  test('fails when a sidecar is named like the app container', () => {
    const c = chart();
    expectError(() => new SidecarJob(c, 'job', { containers: [app], sidecars: [sidecar({ name: 'app' })] }), { path: 'test/job', prop: 'name', problem: /is already used by another/ });
  });

  test('fails when an app container added later reuses a sidecar name', () => {
    const c = chart();
    const job = new SidecarJob(c, 'job', { containers: [app], sidecars: [sidecar()] });
    job.addContainer({ name: 'proxy', image: 'acme/x:1.0' });
    expect(() => Testing.synth(c)).toThrow(/\[test\/job\] container 'proxy': the name is used by more than one container of this pod/);
  });

  test('fails when the same sidecar is added twice', () => {
    const c = chart();
    const s = sidecar();
    const job = new SidecarJob(c, 'job', { containers: [app], sidecars: [s] });
    expectError(() => job.addSidecar(s), { path: 'test/job', subject: 'Sidecar \'proxy\'', problem: /was already added to this workload/, fix: /Add each sidecar once/ });
  });

  // the pod-wide port and probe rules are the linter's (container-port-conflict, probe-named-port-undefined)
  test('fails when a sidecar and the app use the same port', () => {
    const c = chart();
    new SidecarJob(c, 'job', { containers: [{ ...app, portNumber: 8080 }], sidecars: [sidecar()] });
    expectError(() => Testing.synth(c), {
      path: 'test/job',
      subject: "container 'app'",
      prop: 'ports',
      value: { containerPort: 8080 },
      problem: /container-port-conflict .*'proxy' and 'app' both declare port 8080\/TCP/,
      fix: /another port/,
    });
  });

  test('fails when two app containers use the same port', () => {
    const c = chart();
    new SidecarJob(c, 'job', { containers: [{ ...app, portNumber: 9000 }, { name: 'other', image: 'acme/o:1.0', portNumber: 9000 }] });
    expectError(() => Testing.synth(c), { path: 'test/job', subject: "container 'other'", prop: 'ports', value: { containerPort: 9000 }, problem: /container-port-conflict/ });
  });

  test('fails when two containers use the same hostPort, as the linter says', () => {
    const c = chart();
    new SidecarJob(c, 'job', {
      containers: [{ ...app, ports: [{ number: 9000, hostPort: 30000 }] }, { name: 'other', image: 'acme/o:1.0', ports: [{ number: 9001, hostPort: 30000 }] }],
    });
    expectError(() => Testing.synth(c), { path: 'test/job', subject: "container 'other'", prop: 'ports', problem: /container-port-conflict .*hostPort 30000/ });
  });

  test('fails when an init container after a sidecar uses the sidecar port', () => {
    const c = chart();
    const job = new SidecarJob(c, 'job', { containers: [app], sidecars: [sidecar()] });
    const init = job.addInitContainer({ name: 'migrate', image: 'acme/m:1.0' });
    init.addPort({ number: 8080 });
    expectError(() => Testing.synth(c), { path: 'test/job', subject: "container 'migrate'", prop: 'ports', problem: /'proxy' and 'migrate' both declare port 8080\/TCP/ });
  });

  test('an app probe on an undeclared numeric port is not an error (the linter does not call it one either)', () => {
    const c = chart();
    new SidecarJob(c, 'job', { containers: [{ ...app, liveness: kplus.Probe.fromHttpGet('/healthz') }] });
    expect(Testing.synth(c)[0].spec.template.spec.containers[0].livenessProbe.httpGet.port).toBe(80);
  });

  test('fails when a probe targets a named port the container does not declare', () => {
    const c = chart();
    new SidecarJob(c, 'job', { containers: [app], sidecars: [sidecar({ liveness: kplus.Probe.fromHttpGet('/healthz', { port: 'metrics' as any }) })] });
    expectError(() => Testing.synth(c), { path: 'test/job', subject: "container 'proxy'", prop: 'liveness', value: 'metrics', problem: /probe-named-port-undefined/ });
  });

  test('fails when appEnv clashes with an env var the app sets', () => {
    const c = chart();
    expectError(() => new SidecarJob(c, 'job', {
      containers: [{ ...app, envVariables: { DB_HOST: kplus.EnvValue.fromValue('db') } }],
      sidecars: [sidecar({ appEnv: { DB_HOST: kplus.EnvValue.fromValue('127.0.0.1') } })],
    }), { path: 'test/job', subject: 'Sidecar \'proxy\'', problem: /sets the environment variable 'DB_HOST' for/, fix: /Remove it from the container,/ });
  });

  test('fails when two sidecars set the same app environment variable, naming both', () => {
    const c = chart();
    expectError(() => new SidecarJob(c, 'job', {
      containers: [app],
      sidecars: [
        sidecar({ name: 'first', appEnv: { DB_HOST: kplus.EnvValue.fromValue('127.0.0.1') } }),
        sidecar({ name: 'second', portNumber: 9090, appEnv: { DB_HOST: kplus.EnvValue.fromValue('127.0.0.1') } }),
      ],
    }), { path: 'test/job', subject: 'Sidecar \'second\'', problem: /sets the environment variable 'DB_HOST' for/, fix: /Give one of the two/ });
  });

  test('fails when a plain workload gets an app container after a sidecar with appEnv', () => {
    const c = chart();
    const d = new kplus.Deployment(c, 'web', { containers: [app] });
    sidecar({ appEnv: { PROXY: kplus.EnvValue.fromValue('x') } }).attachTo(d);
    d.addContainer({ name: 'late', image: 'acme/late:1.0' });
    expectError(() => Testing.synth(c), { path: 'test/web', subject: 'Sidecar \'proxy\'', problem: /container 'late' was added after the/, fix: /Add app containers before calling/ });
  });
});

describe('containers that are not sidecars', () => {
  test('fails when an app container sets restartPolicy', () => {
    const c = chart();
    expectError(() => new SidecarJob(c, 'job', { containers: [{ ...app, restartPolicy: kplus.ContainerRestartPolicy.ALWAYS }] }), { path: 'test/job', prop: 'restartPolicy', value: 'Always', problem: /is only allowed on init containers/, fix: /To run a helper next/ });
  });

  test('fails when an init container is made a sidecar by hand', () => {
    const c = chart();
    expectError(() => new SidecarJob(c, 'job', { containers: [app], initContainers: [{ name: 'proxy', image: 'acme/p:1.0', restartPolicy: kplus.ContainerRestartPolicy.ALWAYS }] }), { path: 'test/job', prop: 'restartPolicy', value: 'Always', problem: /makes it a native sidecar, which/, fix: /Use sidecars: \[new Sidecar\(\{ name,/ });
  });

  test('fails when a plain init container has a startup probe', () => {
    const c = chart();
    expectError(() => new SidecarJob(c, 'job', { containers: [app], initContainers: [{ name: 'wait', image: 'acme/w:1.0', startup: kplus.Probe.fromCommand(['true']) }] }), { path: 'test/job', prop: 'startup', value: 'a startup probe', problem: /may not be set on an/, fix: /Remove it, or if this/ });
  });

  test('fails when a plain init container has a liveness probe', () => {
    const c = chart();
    const job = new SidecarJob(c, 'job', { containers: [app] });
    expect(() => job.addInitContainer({ name: 'wait', image: 'acme/w:1.0', liveness: kplus.Probe.fromCommand(['true']) })).toThrow(/init container 'wait': 'liveness' may not be set on an init container without restartPolicy: Always/);
  });

  test('fails when a plain init container serves a port (it would hang the pod in Init)', () => {
    const c = chart();
    expectError(() => new SidecarCronJob(c, 'cron', { schedule: Cron.daily(), containers: [app], initContainers: [{ name: 'proxy', image: 'acme/p:1.0', portNumber: 5432 }] }), { path: 'test/cron', prop: 'ports', value: [5432], problem: /are declared on a plain init/, fix: /Declare the serving helper as/ });
  });

  test('fails when an init container before the sidecars serves a port', () => {
    const c = chart();
    expectError(() => new SidecarJob(c, 'job', { containers: [app], initContainersBeforeSidecars: [{ name: 'early', image: 'acme/e:1.0', ports: [{ number: 80 }] }] }), { path: 'test/job', prop: 'ports', problem: /are declared on a plain/ });
  });

  test('fails when an app container name is not a DNS-1123 label', () => {
    const c = chart();
    expectError(() => new SidecarJob(c, 'job', { containers: [{ name: 'App', image: 'acme/app:1.0' }] }), { path: 'test/job', prop: 'name', problem: /must be a DNS-1123 label/ });
  });
});

describe('Job settings', () => {
  test('fails when a SidecarJob pod restartPolicy is Always', () => {
    const c = chart();
    expectError(() => new SidecarJob(c, 'job', { containers: [app], restartPolicy: kplus.RestartPolicy.ALWAYS }), { path: 'test/job', prop: 'restartPolicy', value: 'Always', problem: /must be Never or OnFailure for/, fix: /Use RestartPolicy\.NEVER \(default\) or RestartPolicy\.ON_FAILURE/ });
  });

  test('fails when a SidecarCronJob pod restartPolicy is Always', () => {
    const c = chart();
    expectError(() => new SidecarCronJob(c, 'cron', { schedule: Cron.daily(), containers: [app], restartPolicy: kplus.RestartPolicy.ALWAYS }), { path: 'test/cron', prop: 'restartPolicy', problem: /must be Never or OnFailure/ });
  });

  test('fails when activeDeadline is not whole seconds', () => {
    const c = chart();
    expectError(() => new SidecarJob(c, 'job', { containers: [app], activeDeadline: Duration.millis(1500) }), { path: 'test/job', prop: 'activeDeadline', problem: /must be a whole number/ });
  });

  test('fails when a CronJob name is longer than 52 characters', () => {
    const c = chart();
    const name = 'n'.repeat(53);
    new SidecarCronJob(c, 'cron', { metadata: { name }, schedule: Cron.daily(), containers: [app] });
    expect(() => Testing.synth(c)).toThrow(`[test/cron] CronJob: the resource name '${name}' has 53 characters, more than the 52 Kubernetes allows for a CronJob. Set a shorter 'metadata.name' or use shorter construct ids`);
  });

  test('fails when a Job name is longer than 63 characters', () => {
    const c = chart();
    new SidecarJob(c, 'job', { metadata: { name: 'j'.repeat(64) }, containers: [app] });
    expect(() => Testing.synth(c)).toThrow(/\[test\/job\] Job: the resource name 'j{64}' has 64 characters, more than the 63 Kubernetes allows for a Job/);
  });
});

describe('target Kubernetes version', () => {
  test('fails on Kubernetes 1.27: the API server does not know restartPolicy on init containers', () => {
    const c = chart();
    expect(jobWith(sidecar(), { kubernetesVersion: KubernetesVersion.V1_27 })).toThrow(
      /\[test\/job\] Sidecar 'proxy': cannot run as a native sidecar: the target is Kubernetes 1\.27 \(from the 'kubernetesVersion' prop\), and Kubernetes 1\.27 does not know 'restartPolicy' on init containers.*hangs in 'Init' forever\)\. Target Kubernetes 1\.29 or later/);
    void c;
  });

  test('fails on Kubernetes 1.28 unless the feature gate is declared on', () => {
    const e = expectError(jobWith(sidecar(), { kubernetesVersion: KubernetesVersion.V1_28 }), { path: 'test/job', subject: "Sidecar 'proxy'", prop: undefined });
    expect(e.problem).toMatch(/Kubernetes 1\.28 \(from the 'kubernetesVersion' prop\).*alpha behind the 'SidecarContainers' feature gate/);
    expect(jobWith(sidecar(), { kubernetesVersion: KubernetesVersion.V1_28, sidecarContainersFeatureGate: true })).not.toThrow();
  });

  test('fails when the context version is below 1.28, naming the context key', () => {
    const c = chart({ 'cdk8s-sidecars/kubernetes-version': '1.26' });
    expect(() => new SidecarJob(c, 'job', { containers: [app], sidecars: [sidecar()] })).toThrow(
      /the target is Kubernetes 1\.26 \(from the context key 'cdk8s-sidecars\/kubernetes-version'\)/);
  });

  test('fails when the context version is a number', () => {
    const c = chart({ 'cdk8s-sidecars/kubernetes-version': 1.3 });
    expectError(() => new SidecarJob(c, 'job', { containers: [app], sidecars: [sidecar()] }), { path: 'test/job', prop: 'cdk8s-sidecars/kubernetes-version', value: 1.3, problem: /must be a Kubernetes 1\.x version/, fix: /Set it as a string,/ });
  });

  test('fails when the context version is not a version', () => {
    const c = chart({ 'cdk8s-sidecars/kubernetes-version': 'latest' });
    expectError(() => new SidecarJob(c, 'job', { containers: [app], sidecars: [sidecar()] }), { prop: 'cdk8s-sidecars/kubernetes-version', problem: /must be a Kubernetes 1/ });
  });

  test('fails when the context version is not Kubernetes 1.x', () => {
    for (const bad of ['2.0', '0.30', '1.100']) {
      const c = chart({ 'cdk8s-sidecars/kubernetes-version': bad });
      expectError(() => new SidecarJob(c, 'job', { containers: [app], sidecars: [sidecar()] }),
        { path: 'test/job', subject: 'context', prop: 'cdk8s-sidecars/kubernetes-version', value: bad, problem: /Kubernetes 1\.x version string/ });
    }
    expectError(() => KubernetesVersion.parse('2.0'), { prop: 'text', value: '2.0' });
    expectError(() => KubernetesVersion.of(100), { prop: 'minor', value: 100, problem: /from 0 to 99/ });
  });

  test('fails when the feature-gate context is not a boolean', () => {
    const c = chart({ 'cdk8s-sidecars/sidecar-containers-feature-gate': 'yes' });
    expectError(() => new SidecarJob(c, 'job', { containers: [app], sidecars: [sidecar()] }), { path: 'test/job', prop: 'cdk8s-sidecars/sidecar-containers-feature-gate', value: 'yes', problem: /must be true or false/, fix: /Set it with app\.node\.setContext\('cdk8s-sidecars\/sidecar-containers-feature-gate', true\)/ });
  });

  test('fails when KubernetesVersion.parse gets something else', () => {
    expectError(() => KubernetesVersion.parse('one.twenty'), { subject: 'KubernetesVersion.parse()', prop: 'text', value: 'one.twenty', problem: /Kubernetes 1\.x version/ });
  });

  test('fails when KubernetesVersion.of gets a negative or fractional minor', () => {
    expectError(() => KubernetesVersion.of(-1), { subject: 'KubernetesVersion.of()', prop: 'minor', value: -1, problem: /whole number from 0 to 99/ });
    expectError(() => KubernetesVersion.of(29.5), { prop: 'minor', value: 29.5 });
  });
});

describe('props passed on to cdk8s-plus, and cdk8s-plus errors', () => {
  const cron = (extra: Partial<ConstructorParameters<typeof SidecarCronJob>[2]>) => () => {
    const c = chart();
    new SidecarCronJob(c, 'cron', { schedule: Cron.daily(), containers: [app], ...extra });
    return Testing.synth(c);
  };

  test('a schedule field out of range', () => {
    expectError(cron({ schedule: Cron.schedule({ hour: '30' }) }), { path: 'test/cron', prop: 'schedule.hour', value: '30', problem: /from 0 to 23/ });
  });

  test("timeZone 'Local' and unknown zones", () => {
    expectError(cron({ timeZone: 'Local' }), { path: 'test/cron', prop: 'timeZone', value: 'Local', problem: /IANA time zone/ });
    expectError(cron({ timeZone: 'Mars/Olympus' }), { prop: 'timeZone', value: 'Mars/Olympus' });
  });

  test('a starting deadline under 10 s, and ttlAfterFinished with retained Jobs (cdk8s-plus rules, in our shape)', () => {
    expectError(cron({ startingDeadline: Duration.seconds(5) }), { path: 'test/cron', prop: 'startingDeadline', problem: /at least 10 seconds/ });
    expectError(cron({ ttlAfterFinished: Duration.minutes(5), failedJobsRetained: 1 }), { path: 'test/cron', prop: 'ttlAfterFinished', problem: /JobsRetained/ });
  });

  test('counts and durations the API server stores as int32 or whole seconds', () => {
    expectError(jobWith(sidecar(), { backoffLimit: -1 }), { path: 'test/job', prop: 'backoffLimit', value: -1 });
    expectError(jobWith(sidecar(), { ttlAfterFinished: Duration.days(100000) }), { path: 'test/job', prop: 'ttlAfterFinished' });
    expectError(jobWith(sidecar(), { terminationGracePeriod: Duration.millis(1500) }), { path: 'test/job', prop: 'terminationGracePeriod' });
    expectError(jobWith(sidecar({ startupGate: StartupGate.tcpSocket({ timeout: Duration.days(100000) }) })), { path: 'test/job', prop: 'startupGate.timeout', problem: /32-bit/ });
    expectError(jobWith(sidecar({ startupGate: StartupGate.tcpSocket({ pollInterval: Duration.seconds(1.0005) }) })), { prop: 'startupGate.pollInterval', problem: /whole number/ });
  });

  test('a Job without app containers', () => {
    const c = chart();
    new SidecarJob(c, 'job', { sidecars: [sidecar()] });
    expectError(() => Testing.synth(c), { path: 'test/job', prop: 'containers', value: [] });
  });

  test('container fields: env names, port names, mount paths, requests above limits, seccomp Localhost', () => {
    expectError(jobWith(sidecar({ appEnv: { 'HAS SPACE': kplus.EnvValue.fromValue('1') } })), { path: 'test/job', prop: 'envVariables', value: 'HAS SPACE' });
    expectError(jobWith(sidecar({ ports: [{ number: 9000, name: 'a-very-long-port-name' }] })), { path: 'test/job', prop: 'ports.name', value: 'a-very-long-port-name' });
    expectError(jobWith(sidecar({ ports: [{ number: 9000, name: 'http' }, { number: 9001, name: 'http' }] })), { prop: 'ports.name', value: 'http', problem: /two ports/ });
    expectError(jobWith(sidecar({ resources: { memory: { request: Size.gibibytes(2), limit: Size.mebibytes(512) } } })), { prop: 'resources.memory', problem: /above its limit/ });
    expectError(jobWith(sidecar({ securityContext: { seccompProfile: { type: kplus.SeccompProfileType.LOCALHOST } } })), { prop: 'securityContext.seccompProfile' });
    expectError(jobWith(sidecar({ securityContext: { user: 0.5 } })), { prop: 'securityContext.user', value: 0.5 });
    expectError(jobWith(sidecar({ liveness: kplus.Probe.fromHttpGet('/', { port: 8080, successThreshold: 2 }) })), { prop: 'liveness.successThreshold', value: 2 });
  });

  test('a metadata.name the API server rejects', () => {
    expectError(jobWith(sidecar(), { metadata: { name: 'Bad_Name' } }), { path: 'test/job', prop: 'metadata.name', value: 'Bad_Name' });
  });
});

describe('the whole-pod checks run once per synthesis, and again after any change', () => {
  // cdk8s validates the app once per synth and again for each chart it renders (App.synth, App._synthChart)
  const checksRun = () => jest.spyOn(WorkloadSidecars.prototype as any, 'validate');

  test('an app of three charts runs each workload\'s checks once', () => {
    const spy = checksRun();
    try {
      const theApp = Testing.app();
      for (const id of ['a', 'b', 'c']) new SidecarJob(new Chart(theApp, id), 'job', { containers: [app], sidecars: [sidecar()] });
      theApp.synthYaml();
      expect(spy).toHaveBeenCalledTimes(3);
      theApp.synthYaml();
      expect(spy).toHaveBeenCalledTimes(3);
    } finally {
      spy.mockRestore();
    }
  });

  test.each([
    ['a container', (job: SidecarJob) => job.addContainer({ name: 'proxy', image: 'acme/b:1' }), { subject: "container 'proxy'", problem: /used by more than one container/ }],
    ['a port', (job: SidecarJob) => job.containers[0].addPort({ number: 70000 }), { prop: 'ports', value: 70000 }],
    ['a mount', (job: SidecarJob) => job.containers[0].mount('data', kplus.Volume.fromEmptyDir(job, 'v', 'v')), { prop: 'volumeMounts.path', value: 'data' }],
    ['a variable', (job: SidecarJob) => job.containers[0].env.addVariable('HAS SPACE', kplus.EnvValue.fromValue('1')), { prop: 'envVariables', value: 'HAS SPACE' }],
  ])('adding %s after a synth is checked at the next one', (_what, change, expected) => {
    const c = chart();
    const job = new SidecarJob(c, 'job', { containers: [app], sidecars: [sidecar()] });
    Testing.synth(c);
    change(job);
    expectError(() => Testing.synth(c), { path: 'test/job', ...expected });
  });
});
