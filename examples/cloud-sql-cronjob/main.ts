// A nightly report on Cloud SQL for PostgreSQL. The CronJob's app reaches the database through the Cloud SQL Auth
// Proxy v2, which runs as a native sidecar: it starts first, the app starts as soon as the proxy's /startup endpoint
// answers, and when the report is done Kubernetes stops the proxy (exit 0) and the Job completes.
//
// No password and no key file: the pod runs as a Kubernetes ServiceAccount mapped to a Google service account by GKE
// Workload Identity, and the proxy logs in to PostgreSQL as that account (automatic IAM database authentication).
// Run `PRINT_IAM=1 npx ts-node -P ../tsconfig.json main.ts` to print the gcloud commands that grant the roles.
import { App, Chart, Cron, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { CloudSqlIpType, CloudSqlProxySidecar, DatabaseEngine, GkeWorkloadIdentity, ProxyResources, SidecarCronJob } from '../../src';

export class NightlyReport extends Chart {
  /** The Workload Identity wiring, for the IAM setup. */
  public readonly identity: GkeWorkloadIdentity;

  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'reports' });

    const proxy = new CloudSqlProxySidecar({
      instanceConnectionName: 'acme-prod:europe-west1:main-db',
      engine: DatabaseEngine.POSTGRESQL, // port 5432, always rendered: no API lookup at start-up
      ipType: CloudSqlIpType.PRIVATE, // VPC-native GKE cluster, instance with a private IP
      autoIamAuthn: true,
      // libpq reads these directly
      hostEnvName: 'PGHOST',
      portEnvName: 'PGPORT',
      resources: ProxyResources.BATCH,
    });

    this.identity = new GkeWorkloadIdentity(this, 'identity', {
      gcpServiceAccount: 'nightly-report@acme-prod.iam.gserviceaccount.com',
      serviceAccountName: 'nightly-report',
      proxies: [proxy],
    });

    new SidecarCronJob(this, 'report', {
      metadata: { name: 'nightly-report' },
      schedule: Cron.schedule({ minute: '30', hour: '2' }),
      timeZone: 'Europe/Paris',
      startingDeadline: Duration.minutes(30),
      successfulJobsRetained: 3,
      failedJobsRetained: 3,
      backoffLimit: 2,
      activeDeadline: Duration.minutes(45),
      serviceAccount: this.identity.serviceAccount,
      sidecars: [proxy],
      containers: [{
        name: 'report',
        image: 'ghcr.io/acme/nightly-report:3.2.0',
        args: ['--date', 'yesterday'],
        envVariables: {
          // the IAM database user of the Google service account (PostgreSQL: the email without .gserviceaccount.com)
          PGUSER: kplus.EnvValue.fromValue(this.identity.postgresIamUser),
          PGDATABASE: kplus.EnvValue.fromValue('reports'),
          // the proxy already encrypts to the instance; the hop to 127.0.0.1 stays inside the pod
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
const chart = new NightlyReport(app, 'cloud-sql-cronjob');
app.synth();

if (process.env.PRINT_IAM) {
  console.log([`# IAM member: ${chart.identity.iamMember}`, ...chart.identity.gcloudCommands].join('\n'));
}
