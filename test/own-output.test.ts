// Our own output is clean and behaves: every construct's default output has zero error or
// warning lint findings, and simulates with realistic behaviours to what the construct promises —
// the app starts only after every sidecar is ready, and Job pods end `Completed`. The examples get the same checks in examples.test.ts.
import { Cron, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { expectGoodLifecycle, notInfo } from './_lifecycle';
import { chart } from './_util';
import {
  AlloyDbProxySidecar, CloudSqlProxySidecar, DatabaseEngine, KubernetesVersion, Linter, Sidecar, SidecarCronJob,
  SidecarJob, StartupGate,
} from '../src';

describe('constructs with their defaults', () => {
  const sidecar = () => new Sidecar({ name: 'proxy', image: 'acme/proxy:2.0.1', portNumber: 8081, startupGate: StartupGate.httpGet('/ready') });
  const cases: Array<[string, (c: any) => void]> = [
    ['SidecarCronJob', c => new SidecarCronJob(c, 'cron', { schedule: Cron.daily(), containers: [{ name: 'app', image: 'acme/app:1.0.0' }], sidecars: [sidecar()] })],
    ['SidecarJob', c => new SidecarJob(c, 'job', { containers: [{ name: 'app', image: 'acme/app:1.0.0' }], sidecars: [sidecar()] })],
    ['SidecarJob with a migration init container', c => new SidecarJob(c, 'job', {
      containers: [{ name: 'app', image: 'acme/app:1.0.0' }],
      initContainers: [{ name: 'migrate', image: 'acme/migrate:1.0.0' }],
      sidecars: [sidecar(), new Sidecar({ name: 'second', image: 'acme/second:1.0.0', portNumber: 9000 })],
    })],
    ['SidecarCronJob with CloudSqlProxySidecar', c => new SidecarCronJob(c, 'orders', {
      schedule: Cron.daily(),
      containers: [{ name: 'app', image: 'acme/app:1.0.0' }],
      sidecars: [new CloudSqlProxySidecar({ instanceConnectionName: 'acme-prod:europe-west1:main-db', engine: DatabaseEngine.POSTGRESQL })],
    })],
    ['SidecarJob with AlloyDbProxySidecar and an admin port', c => new SidecarJob(c, 'analytics', {
      containers: [{ name: 'app', image: 'acme/app:1.0.0' }],
      sidecars: [new AlloyDbProxySidecar({ instanceUri: 'projects/acme-prod/locations/europe-west1/clusters/main/instances/primary', adminPort: 9091 })],
    })],
    ['Deployment with attachTo', c => {
      const d = new kplus.Deployment(c, 'web', {
        containers: [{
          name: 'web',
          image: 'acme/web:1.0.0',
          portNumber: 8080,
          imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
          securityContext: { capabilities: { drop: [kplus.Capability.ALL] }, seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT } },
        }],
      });
      sidecar().attachTo(d);
    }],
  ];
  test.each(cases)('%s: no error or warning lint findings', (_name, build) => {
    const c = chart();
    build(c);
    const manifests = Testing.synth(c);
    expect(notInfo(Linter.lintManifests(manifests))).toEqual([]);
    expect(notInfo(Linter.lintManifests(manifests, { kubernetesVersion: KubernetesVersion.V1_33 }))).toEqual([]);
  });
  test('the default SidecarCronJob gets no lint finding at all, info included (timeZone defaults to Etc/UTC)', () => {
    const c = chart();
    new SidecarCronJob(c, 'cron', { schedule: Cron.daily(), containers: [{ name: 'app', image: 'acme/app:1.0.0' }], sidecars: [sidecar()] });
    const manifests = Testing.synth(c);
    expect(manifests[0].spec.timeZone).toBe('Etc/UTC');
    // on a release without known sidecar bugs nothing at all; on the default target only the cluster's known kubelet
    // bugs (about the Kubernetes release, not about the manifest)
    expect(Linter.lintManifests(manifests, { kubernetesVersion: KubernetesVersion.V1_35 }).map(f => `${f.rule}: ${f.message}`)).toEqual([]);
    expect(Linter.lintManifests(manifests).filter(f => f.rule !== 'known-kubelet-bug').map(f => f.rule)).toEqual([]);
  });
  test.each(cases)('%s: the app starts after the sidecars are ready, and a Job completes', (_name, build) => {
    const c = chart();
    build(c);
    expectGoodLifecycle(Testing.synth(c)[0]);
  });
});
