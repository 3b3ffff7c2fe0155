import { Chart, Cron, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AlloyDbProxySidecar, CloudSqlProxySidecar, DatabaseEngine, GkeWorkloadIdentity, GkeWorkloadIdentityProps, SidecarCronJob, SidecarJob,
} from '../src';
import { expectError } from './_errors';
import { SidecarsError } from '../src/_errors';

const GSA = 'nightly-report@acme-prod.iam.gserviceaccount.com';
const ICN = 'acme-prod:europe-west1:main-db';

function namespacedChart(namespace?: string): Chart {
  return new Chart(Testing.app(), 'reports', { namespace });
}

/** @param namespace of the chart; null for none */
function errorOf(props: GkeWorkloadIdentityProps, namespace: string | null = 'reports'): SidecarsError {
  try {
    new GkeWorkloadIdentity(namespacedChart(namespace ?? undefined), 'identity', props);
  } catch (e) {
    if (e instanceof SidecarsError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('GkeWorkloadIdentity', () => {
  test('creates an annotated ServiceAccount used by the pod, and exposes the IAM member and roles', () => {
    const chart = namespacedChart('reports');
    const proxy = new CloudSqlProxySidecar({ instanceConnectionName: ICN, engine: DatabaseEngine.POSTGRESQL, autoIamAuthn: true });
    const identity = new GkeWorkloadIdentity(chart, 'identity', { gcpServiceAccount: GSA, serviceAccountName: 'nightly-report', proxies: [proxy] });
    new SidecarCronJob(chart, 'report', {
      schedule: Cron.daily(),
      serviceAccount: identity.serviceAccount,
      sidecars: [proxy],
      containers: [{ name: 'app', image: 'ghcr.io/acme/report:1.4.2' }],
    });
    const manifests = Testing.synth(chart);
    expect(manifests).toMatchSnapshot();
    const sa = manifests.find(m => m.kind === 'ServiceAccount')!;
    expect(sa).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'nightly-report', namespace: 'reports', annotations: { 'iam.gke.io/gcp-service-account': GSA } },
      automountServiceAccountToken: false,
    });
    const pod = manifests.find(m => m.kind === 'CronJob')!.spec.jobTemplate.spec.template.spec;
    expect(pod.serviceAccountName).toEqual('nightly-report');
    // the GKE metadata server does not need the Kubernetes token
    expect(pod.automountServiceAccountToken).toEqual(false);

    expect(identity.iamMember).toEqual('serviceAccount:acme-prod.svc.id.goog[reports/nightly-report]');
    expect(identity.workloadIdentityPool).toEqual('acme-prod.svc.id.goog');
    expect(identity.namespaceName).toEqual('reports');
    expect(identity.serviceAccountName).toEqual('nightly-report');
    expect(identity.gcpServiceAccount).toEqual(GSA);
    expect(identity.gcpServiceAccountProject).toEqual('acme-prod');
    expect(identity.postgresIamUser).toEqual('nightly-report@acme-prod.iam');
    expect(identity.mysqlIamUser).toEqual('nightly-report');
    expect(identity.requiredRoles).toEqual(['roles/iam.workloadIdentityUser', 'roles/cloudsql.client', 'roles/cloudsql.instanceUser']);
    expect(identity.roleGrants.map(g => [g.role, g.project])).toEqual([['roles/cloudsql.client', 'acme-prod'], ['roles/cloudsql.instanceUser', 'acme-prod']]);
    expect(identity.gcloudCommands).toEqual([
      `gcloud iam service-accounts add-iam-policy-binding ${GSA} --project=acme-prod --role=roles/iam.workloadIdentityUser --member="serviceAccount:acme-prod.svc.id.goog[reports/nightly-report]"`,
      `gcloud projects add-iam-policy-binding acme-prod --member="serviceAccount:${GSA}" --role=roles/cloudsql.client`,
      `gcloud projects add-iam-policy-binding acme-prod --member="serviceAccount:${GSA}" --role=roles/cloudsql.instanceUser`,
    ]);
  });

  test('without IAM authn only cloudsql.client is needed', () => {
    const identity = new GkeWorkloadIdentity(namespacedChart('reports'), 'identity', { gcpServiceAccount: GSA });
    identity.addProxy(new CloudSqlProxySidecar({ instanceConnectionName: ICN, port: 5432 }));
    expect(identity.requiredRoles).toEqual(['roles/iam.workloadIdentityUser', 'roles/cloudsql.client']);
    expect(identity.proxies).toHaveLength(1);
  });

  test('AlloyDB roles', () => {
    const identity = new GkeWorkloadIdentity(namespacedChart('etl'), 'identity', {
      gcpServiceAccount: GSA,
      proxies: [new AlloyDbProxySidecar({ instanceUri: 'projects/acme-data/locations/europe-west1/clusters/main/instances/main-primary', autoIamAuthn: true })],
    });
    expect(identity.requiredRoles).toEqual([
      'roles/iam.workloadIdentityUser', 'roles/alloydb.client', 'roles/serviceusage.serviceUsageConsumer', 'roles/alloydb.databaseUser',
    ]);
    expect(identity.roleGrants.every(g => g.project === 'acme-data')).toBe(true);
  });

  test('a generated ServiceAccount name, the chart namespace, a separate cluster project', () => {
    const chart = namespacedChart('reports');
    const identity = new GkeWorkloadIdentity(chart, 'identity', { gcpServiceAccount: GSA, clusterProject: 'acme-gke' });
    expect(identity.serviceAccountName).toMatch(/^reports-identity-/);
    expect(identity.iamMember).toEqual(`serviceAccount:acme-gke.svc.id.goog[reports/${identity.serviceAccountName}]`);
  });

  test('an explicit namespace when the chart has none', () => {
    const chart = namespacedChart(undefined);
    const identity = new GkeWorkloadIdentity(chart, 'identity', { gcpServiceAccount: GSA, serviceAccountName: 'ksa', namespaceName: 'jobs' });
    expect(identity.iamMember).toEqual('serviceAccount:acme-prod.svc.id.goog[jobs/ksa]');
    expect(Testing.synth(chart)[0].metadata.namespace).toEqual('jobs');
  });

  test('an existing ServiceAccount: nothing is created, the kubectl annotate command is listed', () => {
    const chart = namespacedChart('reports');
    const identity = new GkeWorkloadIdentity(chart, 'identity', { gcpServiceAccount: GSA, serviceAccountName: 'existing', createServiceAccount: false });
    expect(Testing.synth(chart)).toEqual([]);
    expect(identity.serviceAccount.name).toEqual('existing');
    expect(identity.gcloudCommands[1]).toEqual(`kubectl annotate serviceaccount existing --namespace=reports iam.gke.io/gcp-service-account=${GSA}`);
  });

  test('a proxy that impersonates: the GSA needs token creator, the target gets the database roles and Service Usage Consumer (cloud-sql-proxy README)', () => {
    const target = 'db-user@acme-data.iam.gserviceaccount.com';
    const identity = new GkeWorkloadIdentity(namespacedChart('reports'), 'identity', {
      gcpServiceAccount: GSA,
      serviceAccountName: 'ksa',
      proxies: [new CloudSqlProxySidecar({ instanceConnectionName: ICN, port: 5432, autoIamAuthn: true, impersonationChain: [target] })],
    });
    expect(identity.requiredRoles).toEqual(['roles/iam.workloadIdentityUser', 'roles/iam.serviceAccountTokenCreator']);
    expect(identity.roleGrants).toEqual([]);
    expect(identity.serviceAccountGrants.map(g => [g.serviceAccount, g.member, g.role])).toEqual([
      [GSA, 'serviceAccount:acme-prod.svc.id.goog[reports/ksa]', 'roles/iam.workloadIdentityUser'],
      [target, `serviceAccount:${GSA}`, 'roles/iam.serviceAccountTokenCreator'],
    ]);
    expect(identity.gcloudCommands.slice(1)).toEqual([
      `gcloud iam service-accounts add-iam-policy-binding ${target} --project=acme-data --role=roles/iam.serviceAccountTokenCreator --member="serviceAccount:${GSA}"`,
      `gcloud projects add-iam-policy-binding acme-prod --member="serviceAccount:${target}" --role=roles/cloudsql.client`,
      `gcloud projects add-iam-policy-binding acme-prod --member="serviceAccount:${target}" --role=roles/cloudsql.instanceUser`,
      `gcloud projects add-iam-policy-binding acme-data --member="serviceAccount:${target}" --role=roles/serviceusage.serviceUsageConsumer`,
    ]);
  });

  test('a delegation chain: token creator from the pod principal along the chain to the target, as the proxy passes delegates', () => {
    // --impersonate-service-account=target,d1,d2: the proxy takes target first and passes delegates [d2, d1]
    // ("With sa1,sa2,sa3, sa3 delegates to sa2, which impersonates the target sa1"), so tokens flow GSA -> d2 -> d1 -> target
    const [target, d1, d2] = ['db-target@acme-data.iam.gserviceaccount.com', 'delegate-one@acme-hub.iam.gserviceaccount.com', 'delegate-two@acme-hub.iam.gserviceaccount.com'];
    const identity = new GkeWorkloadIdentity(namespacedChart('reports'), 'identity', {
      gcpServiceAccount: GSA,
      serviceAccountName: 'ksa',
      proxies: [new CloudSqlProxySidecar({ instanceConnectionName: ICN, port: 5432, impersonationChain: [target, d1, d2] })],
    });
    expect(identity.serviceAccountGrants.slice(1).map(g => [g.member, g.serviceAccount, g.role])).toEqual([
      [`serviceAccount:${GSA}`, d2, 'roles/iam.serviceAccountTokenCreator'],
      [`serviceAccount:${d2}`, d1, 'roles/iam.serviceAccountTokenCreator'],
      [`serviceAccount:${d1}`, target, 'roles/iam.serviceAccountTokenCreator'],
    ]);
    expect(identity.serviceAccountGrants[3].reason).toEqual(`mint tokens for ${target}, which proxy sidecar 'cloud-sql-proxy' impersonates`);
    expect(identity.gcloudCommands.slice(1, 4)).toEqual([
      `gcloud iam service-accounts add-iam-policy-binding ${d2} --project=acme-hub --role=roles/iam.serviceAccountTokenCreator --member="serviceAccount:${GSA}"`,
      `gcloud iam service-accounts add-iam-policy-binding ${d1} --project=acme-hub --role=roles/iam.serviceAccountTokenCreator --member="serviceAccount:${d2}"`,
      `gcloud iam service-accounts add-iam-policy-binding ${target} --project=acme-data --role=roles/iam.serviceAccountTokenCreator --member="serviceAccount:${d1}"`,
    ]);
  });

  test('a Google service account of a legacy domain-scoped project', () => {
    const gsa = 'nightly-report@legacy-proj.example.com.iam.gserviceaccount.com';
    const identity = new GkeWorkloadIdentity(namespacedChart('reports'), 'identity', { gcpServiceAccount: gsa, serviceAccountName: 'ksa', clusterProject: 'acme-gke' });
    expect(identity.gcpServiceAccountProject).toEqual('example.com:legacy-proj');
    expect(identity.iamMember).toEqual('serviceAccount:acme-gke.svc.id.goog[reports/ksa]');
    expect(identity.postgresIamUser).toEqual('nightly-report@legacy-proj.example.com.iam');
    expect(identity.mysqlIamUser).toEqual('nightly-report');
    expect(identity.gcloudCommands[0]).toContain(`add-iam-policy-binding ${gsa} --project=example.com:legacy-proj`);
  });

  test('IAM database user names are truncated as the proxy README says: 63 characters for PostgreSQL, 32 for MySQL', () => {
    const name = `r${'e'.repeat(28)}t`; // 30, the longest account id
    const gsa = `${name}@a${'c'.repeat(28)}e.iam.gserviceaccount.com`;
    const identity = new GkeWorkloadIdentity(namespacedChart('reports'), 'identity', { gcpServiceAccount: gsa });
    expect(gsa.replace('.gserviceaccount.com', '')).toHaveLength(65);
    expect(identity.postgresIamUser).toEqual(gsa.replace('.gserviceaccount.com', '').slice(0, 63));
    expect(identity.postgresIamUser).toHaveLength(63);
    expect(identity.mysqlIamUser).toEqual(name); // account ids have at most 30 characters, under MySQL's 32
  });

  test('a proxy made by another copy of this library is recognised by its brand, not instanceof', () => {
    const identity = new GkeWorkloadIdentity(namespacedChart('reports'), 'identity', { gcpServiceAccount: GSA, serviceAccountName: 'ksa' });
    const foreign: any = {
      [Symbol.for('cdk8s-sidecars.AuthProxySidecar')]: true,
      name: 'cloud-sql-proxy',
      iamRoleGrants: [{ role: 'roles/cloudsql.client', project: 'acme-prod', reason: 'connect' }],
      impersonationChain: [],
    };
    identity.addProxy(foreign);
    expect(identity.requiredRoles).toEqual(['roles/iam.workloadIdentityUser', 'roles/cloudsql.client']);
  });

  describe('the workloads of its proxies must run as its ServiceAccount', () => {
    function cron(chart: Chart, proxy: CloudSqlProxySidecar, serviceAccount?: kplus.IServiceAccount) {
      return new SidecarCronJob(chart, 'report', {
        schedule: Cron.daily(), serviceAccount, sidecars: [proxy], containers: [{ name: 'app', image: 'ghcr.io/acme/report:1.4.2' }],
      });
    }

    test('fails when the workload forgot serviceAccount: identity.serviceAccount', () => {
      const chart = namespacedChart('reports');
      const proxy = new CloudSqlProxySidecar({ instanceConnectionName: ICN, port: 5432 });
      new GkeWorkloadIdentity(chart, 'identity', { gcpServiceAccount: GSA, serviceAccountName: 'nightly-report', proxies: [proxy] });
      cron(chart, proxy);
      expectError(() => Testing.synth(chart), {
        path: 'reports/report',
        subject: 'SidecarCronJob',
        prop: 'serviceAccount',
        value: undefined,
        problem: /must be the ServiceAccount 'nightly-report' of GkeWorkloadIdentity 'reports\/identity', which proxy sidecar 'cloud-sql-proxy' runs under/,
        fix: /serviceAccount: identity\.serviceAccount/,
      });
    });

    test('fails when the workload runs as another ServiceAccount', () => {
      const chart = namespacedChart('reports');
      const proxy = new CloudSqlProxySidecar({ instanceConnectionName: ICN, port: 5432 });
      new GkeWorkloadIdentity(chart, 'identity', { gcpServiceAccount: GSA, serviceAccountName: 'nightly-report', proxies: [proxy] });
      cron(chart, proxy, kplus.ServiceAccount.fromServiceAccountName(chart, 'other', 'reporting'));
      expectError(() => Testing.synth(chart), { prop: 'serviceAccount', value: 'reporting', problem: /must be the ServiceAccount 'nightly-report'/ });
    });

    test('fails when the workload is in another namespace than the ServiceAccount', () => {
      const chart = namespacedChart('reports');
      const proxy = new CloudSqlProxySidecar({ instanceConnectionName: ICN, port: 5432 });
      const identity = new GkeWorkloadIdentity(chart, 'identity', { gcpServiceAccount: GSA, serviceAccountName: 'nightly-report', proxies: [proxy] });
      new SidecarJob(chart, 'job', {
        metadata: { namespace: 'batch' }, serviceAccount: identity.serviceAccount, sidecars: [proxy], containers: [{ name: 'app', image: 'ghcr.io/acme/report:1.4.2' }],
      });
      expectError(() => Testing.synth(chart), { path: 'reports/job', prop: 'metadata.namespace', value: 'batch', problem: /differs from the namespace 'reports' of/ });
    });

    test('also for a proxy attached to a plain cdk8s-plus workload', () => {
      const chart = namespacedChart('reports');
      const proxy = new CloudSqlProxySidecar({ instanceConnectionName: ICN, port: 5432 });
      new GkeWorkloadIdentity(chart, 'identity', { gcpServiceAccount: GSA, serviceAccountName: 'api', proxies: [proxy] });
      const dep = new kplus.Deployment(chart, 'api', { containers: [{ name: 'api', image: 'ghcr.io/acme/api:1.0.0' }] });
      proxy.attachTo(dep);
      expectError(() => Testing.synth(chart), { path: 'reports/api', prop: 'serviceAccount', problem: /must be the ServiceAccount 'api'/ });
    });

    test('passes with the identity\'s ServiceAccount, created or existing', () => {
      for (const createServiceAccount of [true, false]) {
        const chart = namespacedChart('reports');
        const proxy = new CloudSqlProxySidecar({ instanceConnectionName: ICN, port: 5432 });
        const identity = new GkeWorkloadIdentity(chart, 'identity', { gcpServiceAccount: GSA, serviceAccountName: 'nightly-report', createServiceAccount, proxies: [proxy] });
        cron(chart, proxy, identity.serviceAccount);
        const cj = Testing.synth(chart).find(m => m.kind === 'CronJob')!;
        expect(cj.spec.jobTemplate.spec.template.spec.serviceAccountName).toEqual('nightly-report');
      }
    });

    test('fails when one proxy is added to two identities', () => {
      const chart = namespacedChart('reports');
      const proxy = new CloudSqlProxySidecar({ instanceConnectionName: ICN, port: 5432 });
      new GkeWorkloadIdentity(chart, 'a', { gcpServiceAccount: GSA, serviceAccountName: 'a', proxies: [proxy] });
      expectError(() => new GkeWorkloadIdentity(chart, 'b', { gcpServiceAccount: GSA, serviceAccountName: 'b', proxies: [proxy] }), { path: 'reports/b', prop: 'proxies', value: 'cloud-sql-proxy', problem: /contains proxy sidecar 'cloud-sql-proxy', which was/, fix: /Add each proxy to one/ });
    });
  });

  test('an instance given by DNS name: the project is a placeholder', () => {
    const identity = new GkeWorkloadIdentity(namespacedChart('reports'), 'identity', {
      gcpServiceAccount: GSA, serviceAccountName: 'ksa', proxies: [new CloudSqlProxySidecar({ instanceConnectionName: 'db.acme.example', port: 5432 })],
    });
    expect(identity.gcloudCommands[1]).toContain('gcloud projects add-iam-policy-binding <PROJECT_OF_THE_INSTANCE>');
  });

  describe('bad input', () => {

    test('fails when the Google service account is not an email', () => {
      expectError(errorOf({ gcpServiceAccount: 'nightly-report' }), { path: 'reports/identity', prop: 'gcpServiceAccount', value: 'nightly-report', problem: /must be the full email/ });
    });

    test('fails when the Google service account is the Compute Engine default', () => {
      expectError(errorOf({ gcpServiceAccount: '123456789-compute@developer.gserviceaccount.com' }), { prop: 'gcpServiceAccount', problem: /is a default service account/ });
    });

    test('fails when the Google service account email is malformed', () => {
      expectError(errorOf({ gcpServiceAccount: 'report@acme-prod.gserviceaccount.com' }), { path: 'reports/identity', prop: 'gcpServiceAccount', value: 'report@acme-prod.gserviceaccount.com', problem: /must be a Google service/ });
    });

    test('fails when the cluster project would be a domain-scoped project (defaulted from the service account)', () => {
      expectError(errorOf({ gcpServiceAccount: 'nightly-report@legacy-proj.example.com.iam.gserviceaccount.com' }), { path: 'reports/identity', prop: 'clusterProject', value: 'example.com:legacy-proj', problem: /defaults to the project of/ });
    });

    test('fails when the cluster project is domain-scoped', () => {
      expectError(errorOf({ gcpServiceAccount: GSA, clusterProject: 'example.com:legacy-gke' }), { path: 'reports/identity', prop: 'clusterProject', value: 'example.com:legacy-gke', problem: /is a legacy domain-scoped project/ });
    });

    test('fails when neither the prop nor the chart gives a namespace', () => {
      expectError(errorOf({ gcpServiceAccount: GSA }, null), { path: 'reports/identity', prop: 'namespaceName', value: undefined, problem: /is needed for the IAM/ });
    });

    test('fails when the namespace differs from the chart namespace', () => {
      expectError(errorOf({ gcpServiceAccount: GSA, namespaceName: 'other' }), { prop: 'namespaceName', problem: /differs from the chart's namespace/ });
    });

    test('fails when the namespace is not a DNS label', () => {
      expectError(errorOf({ gcpServiceAccount: GSA, namespaceName: 'Reports' }, null), { prop: 'namespaceName', problem: /must be a DNS-1123 label/ });
    });

    test('fails when an existing ServiceAccount has no name', () => {
      expectError(errorOf({ gcpServiceAccount: GSA, createServiceAccount: false }), { prop: 'serviceAccountName', value: undefined, problem: /is required with 'createServiceAccount: false'/ });
    });

    test('fails when the ServiceAccount name is invalid', () => {
      expectError(errorOf({ gcpServiceAccount: GSA, serviceAccountName: 'Nightly_Report' }), { prop: 'serviceAccountName', problem: /must be a DNS-1123 subdomain/ });
    });

    test('fails when the cluster project is invalid', () => {
      expectError(errorOf({ gcpServiceAccount: GSA, clusterProject: 'ACME' }), { prop: 'clusterProject', problem: /must be a Google Cloud/ });
    });

    test('fails when a proxy is not a proxy sidecar', () => {
      expectError(errorOf({ gcpServiceAccount: GSA, proxies: [{} as any] }), { path: 'reports/identity', prop: 'proxies', value: {}, problem: /must be proxy sidecars/ });
    });

    test('fails when proxies is not a list', () => {
      expectError(errorOf({ gcpServiceAccount: GSA, proxies: {} as any }), { path: 'reports/identity', prop: 'proxies', value: {}, problem: /must be a list of/ });
    });
  });
});
