// Sidecar.attachTo() works on any cdk8s-plus workload.
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { chart } from './_util';
import { KubernetesVersion, Sidecar } from '../src';

const proxy = () => new Sidecar({ name: 'proxy', image: 'acme/proxy:1.0', portNumber: 8080, appEnv: { PROXY_URL: kplus.EnvValue.fromValue('http://127.0.0.1:8080') } });
const app = { name: 'app', image: 'acme/app:1.0' };

const podSpec = (obj: any) => obj.kind === 'Pod' ? obj.spec : obj.spec.template.spec;

describe.each([
  ['Deployment', (c: any) => new kplus.Deployment(c, 'w', { containers: [app] })],
  ['StatefulSet', (c: any) => new kplus.StatefulSet(c, 'w', { containers: [app], service: new kplus.Service(c, 'svc', { ports: [{ port: 80 }] }) })],
  ['DaemonSet', (c: any) => new kplus.DaemonSet(c, 'w', { containers: [app] })],
  ['Pod', (c: any) => new kplus.Pod(c, 'w', { containers: [app] })],
  ['Job', (c: any) => new kplus.Job(c, 'w', { containers: [app] })],
])('attachTo(%s)', (kind, make) => {
  test('adds a native sidecar with a startup probe and wires the app', () => {
    const c = chart();
    const w = make(c);
    const container = proxy().attachTo(w);
    expect(container.name).toBe('proxy');
    const obj = Testing.synth(c).find((o: any) => o.kind === kind);
    const spec = podSpec(obj);
    expect(spec.initContainers[0]).toMatchObject({ name: 'proxy', restartPolicy: 'Always', startupProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 } });
    expect(spec.containers[0].env).toEqual([{ name: 'PROXY_URL', value: 'http://127.0.0.1:8080' }]);
  });
});

test('attachTo puts the sidecar before existing regular init containers and after earlier sidecars', () => {
  const c = chart();
  const d = new kplus.Deployment(c, 'w', { containers: [app], initContainers: [{ name: 'migrate', image: 'acme/m:1.0' }] });
  proxy().attachTo(d);
  new Sidecar({ name: 'second', image: 'acme/s:1.0', portNumber: 9000 }).attachTo(d);
  const spec = Testing.synth(c)[0].spec.template.spec;
  expect(spec.initContainers.map((x: any) => x.name)).toEqual(['proxy', 'second', 'migrate']);
  expect(spec.initContainers[2].env).toEqual([{ name: 'PROXY_URL', value: 'http://127.0.0.1:8080' }]);
});

test('attachTo honours the context target version', () => {
  const c = chart({ 'cdk8s-sidecars/kubernetes-version': KubernetesVersion.V1_27.toString() });
  const d = new kplus.Deployment(c, 'w', { containers: [app] });
  expect(() => proxy().attachTo(d)).toThrow(/\[test\/w\] Sidecar 'proxy': cannot run as a native sidecar: the target is Kubernetes 1\.27/);
});
