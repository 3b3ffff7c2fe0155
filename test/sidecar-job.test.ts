import { ApiObject, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { chart, synthFirst } from './_util';
import { Sidecar, SidecarJob } from '../src';

describe('SidecarJob', () => {
  test('renders a batch/v1 Job with the sidecar first in initContainers and a default deadline', () => {
    const c = chart();
    const job = new SidecarJob(c, 'export', {
      containers: [{ name: 'export', image: 'acme/export:1.0' }],
      sidecars: [new Sidecar({ name: 'pgbouncer', image: 'bitnami/pgbouncer:1.23.1', portNumber: 6432 })],
    });
    const obj = synthFirst(c);
    expect(obj.apiVersion).toBe('batch/v1');
    expect(obj.kind).toBe('Job');
    expect(obj.spec.activeDeadlineSeconds).toBe(3600);
    expect(obj.spec.template.spec.restartPolicy).toBe('Never');
    expect(obj.spec.template.spec.initContainers.map((x: any) => [x.name, x.restartPolicy])).toEqual([['pgbouncer', 'Always']]);
    expect(job.sidecars.map(s => s.name)).toEqual(['pgbouncer']);
    expect(ApiObject.of(job).kind).toBe('Job');
  });

  test('keeps every JobProps field and OnFailure pods', () => {
    const c = chart();
    new SidecarJob(c, 'export', {
      containers: [{ name: 'export', image: 'acme/export:1.0' }],
      restartPolicy: kplus.RestartPolicy.ON_FAILURE,
      backoffLimit: 2,
      ttlAfterFinished: Duration.hours(1),
      activeDeadline: Duration.minutes(10),
      sidecars: [new Sidecar({ name: 'proxy', image: 'acme/proxy:1.0', portNumber: 8080 })],
    });
    const obj = synthFirst(c);
    expect(obj.spec).toMatchObject({ backoffLimit: 2, ttlSecondsAfterFinished: 3600, activeDeadlineSeconds: 600 });
    expect(obj.spec.template.spec.restartPolicy).toBe('OnFailure');
  });

  test('default snapshot', () => {
    const c = chart();
    new SidecarJob(c, 'export', {
      containers: [{ name: 'export', image: 'acme/export:1.0' }],
      sidecars: [new Sidecar({ name: 'pgbouncer', image: 'bitnami/pgbouncer:1.23.1', portNumber: 6432 })],
    });
    expect(Testing.synth(c)).toMatchSnapshot();
  });
});
