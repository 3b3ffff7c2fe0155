// The cdk8s-plus adapter (src/_kplus.ts) against every installed cdk8s-plus line. The library is built once, from
// imports of 'cdk8s-plus-28', and published per line by rewriting that module name; so here each line is swapped in
// for 'cdk8s-plus-28' and the adapter, then the constructs, must behave the same. A failure means a cdk8s-plus
// release changed an internal member the adapter relies on: fix src/_kplus.ts, nowhere else.
const LINES = ['cdk8s-plus-28', 'cdk8s-plus-33', 'cdk8s-plus-34'];

/** A class of a line loaded at run time (`any`), typed so that subclasses keep its constructor arguments. */
type AnyClass = new (...args: any[]) => any;

/** Load `modulePath` with `line` standing in for 'cdk8s-plus-28' (and the cdk8s of the same module registry). */
function loadWith<T>(line: string, modulePath: string): { kplus: any; cdk8s: any; mod: T } {
  let out!: { kplus: any; cdk8s: any; mod: T };
  jest.isolateModules(() => {
    const kplus: any = jest.requireActual(line);
    jest.doMock('cdk8s-plus-28', () => kplus);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    out = { kplus, cdk8s: require('cdk8s'), mod: require(modulePath) };
  });
  jest.dontMock('cdk8s-plus-28');
  return out;
}

describe.each(LINES)('%s', (line) => {
  const { kplus, cdk8s, mod: adapter } = loadWith<typeof import('../src/_kplus')>(line, '../src/_kplus');
  const { Testing } = cdk8s;

  test('the members the adapter relies on exist', () => {
    expect(typeof kplus.AbstractPod.prototype.addInitContainer).toBe('function');
    expect(typeof kplus.Job.prototype._toKube).toBe('function');
    expect(typeof kplus.CronJob.prototype._toKube).toBe('function');
    expect(kplus.ContainerRestartPolicy.ALWAYS).toBe('Always');
  });

  test('initContainersOf is the array initContainers reads, in pod order', () => {
    const job = new kplus.Job(Testing.chart(), 'job', { containers: [{ name: 'app', image: 'acme/app:1.0' }] });
    const a = job.addInitContainer({ name: 'a', image: 'acme/a:1.0' });
    const b = job.addInitContainer({ name: 'b', image: 'acme/b:1.0' });
    const arr = adapter.initContainersOf(job);
    expect(arr).toEqual([a, b]);
    arr.reverse();
    expect(job.initContainers.map((c: any) => c.name)).toEqual(['b', 'a']);
  });

  test('addInitContainerUnchecked bypasses a subclass override and appends a native sidecar', () => {
    class Strict extends (kplus.Job as AnyClass) {
      public addInitContainer(): never { throw new Error('override called'); }
    }
    const job: any = new Strict(Testing.chart(), 'job', { containers: [{ name: 'app', image: 'acme/app:1.0' }] });
    const c = adapter.addInitContainerUnchecked(job, {
      name: 'proxy',
      image: 'acme/proxy:1.0',
      restartPolicy: kplus.ContainerRestartPolicy.ALWAYS,
      portNumber: 8080,
      startup: kplus.Probe.fromTcpSocket({ port: 8080 }),
    });
    expect(c.restartPolicy).toBe('Always');
    expect(adapter.initContainersOf(job)).toEqual([c]);
  });

  test('probesOf renders a container\'s probes, with ports as numbers and names', () => {
    const job = new kplus.Job(Testing.chart(), 'job', {
      containers: [{
        name: 'app',
        image: 'acme/app:1.0',
        portNumber: 8080,
        liveness: kplus.Probe.fromHttpGet('/healthz', { port: 'http' as any }),
        readiness: kplus.Probe.fromTcpSocket({ port: 9000 }),
        startup: kplus.Probe.fromCommand(['true']),
      }],
    });
    const probes = new Map(adapter.probesOf(job.containers[0]));
    expect([...probes.keys()].sort()).toEqual(['liveness', 'readiness', 'startup']);
    expect(probes.get('liveness')?.httpGet?.port).toBe('http');
    expect(probes.get('readiness')?.tcpSocket?.port).toBe(9000);
    expect(probes.get('startup')?.exec?.command).toEqual(['true']);
    const plain = new kplus.Job(Testing.chart(), 'plain', { containers: [{ name: 'app', image: 'acme/app:1.0' }] });
    expect(adapter.probesOf(plain.containers[0])).toEqual([]);
  });

  test('patchSpec changes what a Job and a CronJob subclass render', () => {
    class MyJob extends (kplus.Job as AnyClass) {}
    class MyCron extends (kplus.CronJob as AnyClass) {}
    adapter.patchSpec<any, any>(MyJob as any, (spec, self) => ({ ...spec, activeDeadlineSeconds: self === job ? 42 : 0 }));
    adapter.patchSpec<any, any>(MyCron as any, spec => ({ ...spec, suspend: true }));
    const chart = Testing.chart();
    const job = new MyJob(chart, 'job', { containers: [{ name: 'app', image: 'acme/app:1.0' }] });
    new MyCron(chart, 'cron', { schedule: cdk8s.Cron.daily(), containers: [{ name: 'app', image: 'acme/app:1.0' }] });
    new kplus.Job(chart, 'plain', { containers: [{ name: 'app', image: 'acme/app:1.0' }] });
    const [jobOut, cronOut, plainOut] = Testing.synth(chart);
    expect(jobOut.spec.activeDeadlineSeconds).toBe(42);
    expect(jobOut.spec.template.spec.containers[0].name).toBe('app');
    expect(cronOut.spec.suspend).toBe(true);
    expect(cronOut.spec.jobTemplate.spec.template.spec.containers[0].name).toBe('app');
    expect(plainOut.spec.activeDeadlineSeconds).toBeUndefined();
  });

  test('the constructs built on this line render native sidecars in order, with the default deadline', () => {
    const { cdk8s: core, mod: lib } = loadWith<typeof import('../src')>(line, '../src');
    const chart = core.Testing.chart();
    const job = new lib.SidecarJob(chart, 'job', {
      containers: [{ name: 'app', image: 'acme/app:1.0' }],
      initContainersBeforeSidecars: [{ name: 'config', image: 'acme/config:1.0' }],
      sidecars: [
        new lib.Sidecar({ name: 'first', image: 'acme/first:1.0', portNumber: 8080 }),
        new lib.CloudSqlProxySidecar({ instanceConnectionName: 'acme-prod:europe-west1:main-db', port: 5432 }),
      ],
    });
    job.addInitContainer({ name: 'migrate', image: 'acme/migrate:1.0' });
    const [out] = core.Testing.synth(chart);
    const spec = out.spec.template.spec;
    expect(spec.initContainers.map((c: any) => [c.name, c.restartPolicy])).toEqual([
      ['config', undefined], ['first', 'Always'], ['cloud-sql-proxy', 'Always'], ['migrate', undefined],
    ]);
    expect(spec.initContainers[1].startupProbe.tcpSocket.port).toBe(8080);
    expect(out.spec.activeDeadlineSeconds).toBe(3600);
    expect(spec.containers[0].env).toEqual(expect.arrayContaining([{ name: 'DB_HOST', value: '127.0.0.1' }]));
  });
});
