import { ApiObject, Cron, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { chart, podSpecOf, synthFirst } from './_util';
import { KubernetesVersion, Sidecar, SidecarCronJob, StartupGate } from '../src';

const slowSidecar = () => new Sidecar({
  name: 'slow-sidecar',
  image: 'zwindler/slow-sidecar:1.0',
  portNumber: 8081,
  startupGate: StartupGate.httpGet('/', { port: 8081 }),
});

describe('SidecarCronJob', () => {
  test('the basic demo: sidecar in initContainers with restartPolicy Always and a fast HTTP startup probe', () => {
    const c = chart();
    new SidecarCronJob(c, 'sidecar-cronjob', {
      metadata: { name: 'sidecar-cronjob' },
      schedule: Cron.everyMinute(),
      containers: [{ name: 'sidecar-user', image: 'zwindler/sidecar-user:1.0' }],
      sidecars: [slowSidecar()],
    });
    const obj = synthFirst(c);
    expect(obj.apiVersion).toBe('batch/v1');
    expect(obj.kind).toBe('CronJob');
    expect(obj.metadata.name).toBe('sidecar-cronjob');
    expect(obj.spec.schedule).toBe('* * * * *');
    const spec = obj.spec.jobTemplate.spec.template.spec;
    expect(spec.containers.map((x: any) => x.name)).toEqual(['sidecar-user']);
    expect(spec.initContainers).toHaveLength(1);
    const sidecar = spec.initContainers[0];
    expect(sidecar.name).toBe('slow-sidecar');
    expect(sidecar.restartPolicy).toBe('Always');
    expect(sidecar.startupProbe).toEqual({
      httpGet: { path: '/', port: 8081, scheme: 'HTTP' },
      periodSeconds: 1,
      initialDelaySeconds: 0,
      failureThreshold: 60,
      timeoutSeconds: 1,
    });
    expect(spec.restartPolicy).toBe('Never');
  });

  test('default snapshot', () => {
    const c = chart();
    new SidecarCronJob(c, 'nightly', {
      schedule: Cron.daily(),
      containers: [{ name: 'app', image: 'acme/report:1.2.3' }],
      sidecars: [slowSidecar()],
    });
    expect(Testing.synth(c)).toMatchSnapshot();
  });

  test('everything-set snapshot', () => {
    const c = chart();
    const cron = new SidecarCronJob(c, 'nightly', {
      metadata: { name: 'nightly-report', labels: { team: 'data' } },
      schedule: Cron.schedule({ minute: '30', hour: '2' }),
      timeZone: 'Europe/Paris',
      activeDeadline: Duration.minutes(20),
      backoffLimit: 1,
      kubernetesVersion: KubernetesVersion.V1_33,
      terminationGracePeriod: Duration.seconds(45),
      containers: [{ name: 'app', image: 'acme/report:1.2.3', args: ['--date', 'yesterday'] }],
      initContainers: [{ name: 'migrate', image: 'acme/migrate:1.2.3' }],
      initContainersBeforeSidecars: [{ name: 'render-config', image: 'acme/render:1.0.0' }],
      sidecars: [
        slowSidecar(),
        new Sidecar({
          name: 'metrics',
          image: 'acme/metrics-agent:4.1.0',
          ports: [{ number: 9100, name: 'metrics' }],
          command: ['/agent'],
          args: ['--listen', ':9100'],
          envVariables: { LOG_LEVEL: kplus.EnvValue.fromValue('info') },
          liveness: kplus.Probe.fromHttpGet('/healthz', { port: 9100 }),
          readiness: kplus.Probe.fromHttpGet('/ready', { port: 9100 }),
          startupGate: StartupGate.tcpSocket({ pollInterval: Duration.seconds(2), timeout: Duration.seconds(30) }),
          appEnv: { METRICS_URL: kplus.EnvValue.fromValue('http://127.0.0.1:9100') },
          resources: { cpu: { request: kplus.Cpu.millis(20) }, memory: { request: Size.mebibytes(32), limit: Size.mebibytes(64) } },
        }),
      ],
    });
    expect(cron.sidecars.map(s => s.name)).toEqual(['slow-sidecar', 'metrics']);
    expect(Testing.synth(c)).toMatchSnapshot();
  });

  test('sidecars start before regular init containers, in declaration order; early init containers come first', () => {
    const c = chart();
    const cron = new SidecarCronJob(c, 'job', {
      schedule: Cron.daily(),
      containers: [{ name: 'app', image: 'acme/app:1.0' }],
      initContainers: [{ name: 'migrate', image: 'acme/migrate:1.0' }],
      initContainersBeforeSidecars: [{ name: 'first', image: 'acme/first:1.0' }],
      sidecars: [slowSidecar()],
    });
    cron.addSidecar(new Sidecar({ name: 'second-sidecar', image: 'acme/s:1.0', portNumber: 9000 }));
    cron.addInitContainer({ name: 'late-init', image: 'acme/late:1.0' });
    cron.addInitContainerBeforeSidecars({ name: 'also-first', image: 'acme/first:1.0' });
    const spec = podSpecOf(c);
    expect(spec.initContainers.map((x: any) => [x.name, x.restartPolicy])).toEqual([
      ['first', undefined],
      ['also-first', undefined],
      ['slow-sidecar', 'Always'],
      ['second-sidecar', 'Always'],
      ['migrate', undefined],
      ['late-init', undefined],
    ]);
  });

  test('a Job with sidecars gets activeDeadlineSeconds 3600 by default; an explicit value is kept', () => {
    const c = chart();
    new SidecarCronJob(c, 'a', { schedule: Cron.daily(), containers: [{ image: 'acme/app:1.0' }], sidecars: [slowSidecar()] });
    new SidecarCronJob(c, 'b', { schedule: Cron.daily(), containers: [{ image: 'acme/app:1.0' }], sidecars: [slowSidecar()], activeDeadline: Duration.minutes(5) });
    new SidecarCronJob(c, 'c', { schedule: Cron.daily(), containers: [{ image: 'acme/app:1.0' }] });
    const [a, b, cc] = Testing.synth(c);
    expect(a.spec.jobTemplate.spec.activeDeadlineSeconds).toBe(3600);
    expect(b.spec.jobTemplate.spec.activeDeadlineSeconds).toBe(300);
    expect(cc.spec.jobTemplate.spec.activeDeadlineSeconds).toBeUndefined();
  });

  test('appEnv reaches app containers and the init containers after the sidecar, also when added later', () => {
    const c = chart();
    const cron = new SidecarCronJob(c, 'job', {
      schedule: Cron.daily(),
      containers: [{ name: 'before', image: 'acme/app:1.0' }],
      initContainersBeforeSidecars: [{ name: 'early', image: 'acme/early:1.0' }],
      sidecars: [new Sidecar({ name: 'proxy', image: 'acme/proxy:1.0', portNumber: 5432, appEnv: { DB_HOST: kplus.EnvValue.fromValue('127.0.0.1') } })],
    });
    cron.addContainer({ name: 'after', image: 'acme/app:1.0' });
    cron.addInitContainer({ name: 'migrate', image: 'acme/migrate:1.0' });
    const spec = podSpecOf(c);
    const envOf = (list: any[], name: string) => list.find(x => x.name === name).env;
    expect(envOf(spec.containers, 'before')).toEqual([{ name: 'DB_HOST', value: '127.0.0.1' }]);
    expect(envOf(spec.containers, 'after')).toEqual([{ name: 'DB_HOST', value: '127.0.0.1' }]);
    expect(envOf(spec.initContainers, 'migrate')).toEqual([{ name: 'DB_HOST', value: '127.0.0.1' }]);
    expect(envOf(spec.initContainers, 'early')).toBeUndefined();
    expect(envOf(spec.initContainers, 'proxy')).toBeUndefined();
  });

  test('every container gets PSS restricted security defaults; explicit fields are kept', () => {
    const c = chart();
    new SidecarCronJob(c, 'job', {
      schedule: Cron.daily(),
      containers: [{ name: 'app', image: 'acme/app:1.0', securityContext: { user: 1000, readOnlyRootFilesystem: false } }],
      initContainers: [{ name: 'migrate', image: 'acme/migrate:1.0' }],
      sidecars: [slowSidecar()],
    });
    const spec = podSpecOf(c);
    for (const cont of [...spec.containers, ...spec.initContainers]) {
      expect(cont.securityContext).toMatchObject({
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
    }
    expect(spec.containers[0].securityContext.runAsUser).toBe(1000);
    expect(spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(false);
  });

  test('pinned app images are pulled IfNotPresent, latest/untagged Always, explicit policy kept', () => {
    const c = chart();
    new SidecarCronJob(c, 'job', {
      schedule: Cron.daily(),
      containers: [
        { name: 'pinned', image: 'acme/app:1.0' },
        { name: 'digest', image: 'acme/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' },
        { name: 'untagged', image: 'registry:5000/acme/app' },
        { name: 'latest', image: 'acme/app:latest' },
        { name: 'explicit', image: 'acme/app:1.0', imagePullPolicy: kplus.ImagePullPolicy.ALWAYS },
      ],
    });
    const spec = podSpecOf(c);
    expect(spec.containers.map((x: any) => [x.name, x.imagePullPolicy])).toEqual([
      ['pinned', 'IfNotPresent'], ['digest', 'IfNotPresent'], ['untagged', 'Always'], ['latest', 'Always'], ['explicit', 'Always'],
    ]);
  });

  test('the default child is the CronJob API object', () => {
    const c = chart();
    const cron = new SidecarCronJob(c, 'job', { schedule: Cron.daily(), containers: [{ image: 'acme/app:1.0' }] });
    expect(ApiObject.of(cron).kind).toBe('CronJob');
  });

  test('the target version comes from the chart context', () => {
    const c = chart({ 'cdk8s-sidecars/kubernetes-version': '1.28', 'cdk8s-sidecars/sidecar-containers-feature-gate': true });
    new SidecarCronJob(c, 'job', { schedule: Cron.daily(), containers: [{ image: 'acme/app:1.0' }], sidecars: [slowSidecar()] });
    expect(podSpecOf(c).initContainers[0].restartPolicy).toBe('Always');
  });
});
