// A one-off Job whose app reaches PostgreSQL through a PgBouncer sidecar. PgBouncer starts first; the app starts
// once PgBouncer accepts TCP connections on 6432 (the default startup gate for a sidecar with a port); when the
// export finishes, Kubernetes stops PgBouncer and the Job completes.
import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Sidecar, SidecarJob } from '../../src';

export class BatchJob extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'reports' });
    const pgbouncerConfig = kplus.Secret.fromSecretName(this, 'PgBouncerConfig', 'pgbouncer-config');

    new SidecarJob(this, 'export', {
      metadata: { name: 'orders-export' },
      backoffLimit: 2,
      ttlAfterFinished: Duration.hours(6),
      activeDeadline: Duration.minutes(30),
      containers: [{
        name: 'export',
        image: 'ghcr.io/acme/orders-export:1.4.2',
        args: ['--since', '24h'],
        envVariables: { PGHOST: kplus.EnvValue.fromValue('127.0.0.1'), PGPORT: kplus.EnvValue.fromValue('6432') },
        securityContext: { user: 10001, group: 10001 },
        resources: {
          cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.millis(1000) },
          memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) },
        },
      }],
      sidecars: [new Sidecar({
        name: 'pgbouncer',
        image: 'bitnami/pgbouncer:1.23.1',
        portNumber: 6432,
        envFrom: [kplus.Env.fromSecret(pgbouncerConfig)],
        securityContext: { user: 1001, group: 1001 },
      })],
    });
  }
}

const app = new App();
new BatchJob(app, 'batch-job');
app.synth();
