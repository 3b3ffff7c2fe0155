// A one-off database migration on AlloyDB. The Job's migration container reaches the primary instance through the
// AlloyDB Auth Proxy, a native sidecar: the proxy starts first, the migration starts once the proxy's /startup
// endpoint answers, and Kubernetes stops the proxy (exit 0, `--exit-zero-sigterm`) when the migration exits.
//
// AlloyDB differs from Cloud SQL in a few places the construct handles: its own image, private IP by default
// (`public-ip` is the opt-in), the `--exit-zero-sigterm` spelling, and the roles (alloydb.client,
// serviceusage.serviceUsageConsumer, alloydb.databaseUser for IAM login).
import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AlloyDbProxySidecar, GkeWorkloadIdentity, ProxyResources, SidecarJob } from '../../src';

export class SchemaMigration extends Chart {
  /** The Workload Identity wiring, for the IAM setup. */
  public readonly identity: GkeWorkloadIdentity;

  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'orders' });

    const proxy = new AlloyDbProxySidecar({
      instanceUri: 'projects/acme-prod/locations/europe-west1/clusters/orders/instances/orders-primary',
      port: 5432, // rendered as ?port=5432
      autoIamAuthn: true,
      hostEnvName: 'PGHOST',
      portEnvName: 'PGPORT',
      resources: ProxyResources.BATCH,
    });

    this.identity = new GkeWorkloadIdentity(this, 'identity', {
      gcpServiceAccount: 'orders-migrate@acme-prod.iam.gserviceaccount.com',
      serviceAccountName: 'orders-migrate',
      proxies: [proxy],
    });

    new SidecarJob(this, 'migrate', {
      metadata: { name: 'orders-migrate-v42' },
      backoffLimit: 1,
      activeDeadline: Duration.minutes(20),
      ttlAfterFinished: Duration.hours(12),
      serviceAccount: this.identity.serviceAccount,
      sidecars: [proxy],
      containers: [{
        name: 'migrate',
        image: 'ghcr.io/acme/orders-migrations:42.0.0',
        args: ['up'],
        envVariables: {
          PGUSER: kplus.EnvValue.fromValue(this.identity.postgresIamUser),
          PGDATABASE: kplus.EnvValue.fromValue('orders'),
          PGSSLMODE: kplus.EnvValue.fromValue('disable'),
        },
        securityContext: { user: 10001, group: 10001 },
        resources: {
          cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
          memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
        },
      }],
    });
  }
}

const app = new App();
const chart = new SchemaMigration(app, 'alloydb-job');
app.synth();

if (process.env.PRINT_IAM) {
  console.log([`# IAM member: ${chart.identity.iamMember}`, ...chart.identity.gcloudCommands].join('\n'));
}
