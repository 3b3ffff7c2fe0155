import { Chart, Cron, Testing } from 'cdk8s';
import {
  AlloyDbProxySidecar, CloudSqlProxySidecar, DatabaseEngine, GkeWorkloadIdentity, GkeWorkloadIdentityProps, SidecarCronJob,
} from '../src';

const GSA = 'nightly-report@acme-prod.iam.gserviceaccount.com';
const ICN = 'acme-prod:europe-west1:main-db';

function namespacedChart(namespace?: string): Chart {
  return new Chart(Testing.app(), 'reports', { namespace });
}

/** @param namespace of the chart; null for none */
function errorOf(props: GkeWorkloadIdentityProps, namespace: string | null = 'reports'): string {
  try {
    new GkeWorkloadIdentity(namespacedChart(namespace ?? undefined), 'identity', props);
  } catch (e) {
    return (e as Error).message;
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

  test('a proxy that impersonates: the GSA needs token creator, the target gets the database roles', () => {
    const identity = new GkeWorkloadIdentity(namespacedChart('reports'), 'identity', {
      gcpServiceAccount: GSA,
      serviceAccountName: 'ksa',
      proxies: [new CloudSqlProxySidecar({ instanceConnectionName: ICN, port: 5432, impersonationChain: ['db@acme-prod.iam.gserviceaccount.com'] })],
    });
    expect(identity.requiredRoles).toEqual(['roles/iam.workloadIdentityUser', 'roles/iam.serviceAccountTokenCreator']);
    expect(identity.roleGrants).toEqual([]);
    expect(identity.gcloudCommands.slice(1)).toEqual([
      `gcloud iam service-accounts add-iam-policy-binding db@acme-prod.iam.gserviceaccount.com --role=roles/iam.serviceAccountTokenCreator --member="serviceAccount:${GSA}"`,
      'gcloud projects add-iam-policy-binding acme-prod --member="serviceAccount:db@acme-prod.iam.gserviceaccount.com" --role=roles/cloudsql.client',
    ]);
  });

  test('an instance given by DNS name: the project is a placeholder', () => {
    const identity = new GkeWorkloadIdentity(namespacedChart('reports'), 'identity', {
      gcpServiceAccount: GSA, serviceAccountName: 'ksa', proxies: [new CloudSqlProxySidecar({ instanceConnectionName: 'db.acme.example', port: 5432 })],
    });
    expect(identity.gcloudCommands[1]).toContain('gcloud projects add-iam-policy-binding <PROJECT_OF_THE_INSTANCE>');
  });

  describe('bad input', () => {
    const P = '[reports/identity] GkeWorkloadIdentity';

    test('fails when the Google service account is not an email', () => {
      expect(errorOf({ gcpServiceAccount: 'nightly-report' }))
        .toContain(`${P}: 'gcpServiceAccount' must be the full email, not just the account name, got 'nightly-report'. Use 'nightly-report@PROJECT.iam.gserviceaccount.com'`);
    });

    test('fails when the Google service account is the Compute Engine default', () => {
      expect(errorOf({ gcpServiceAccount: '123456789-compute@developer.gserviceaccount.com' }))
        .toContain("'gcpServiceAccount' is a default service account (Compute Engine or App Engine), which has broad roles");
    });

    test('fails when the Google service account email is malformed', () => {
      expect(errorOf({ gcpServiceAccount: 'report@acme-prod.gserviceaccount.com' }))
        .toContain("'gcpServiceAccount' must be a Google service account email NAME@PROJECT.iam.gserviceaccount.com, got 'report@acme-prod.gserviceaccount.com'.");
    });

    test('fails when neither the prop nor the chart gives a namespace', () => {
      expect(errorOf({ gcpServiceAccount: GSA }, null))
        .toContain(`${P}: 'namespaceName' is needed for the IAM member string, and the chart has no namespace, got nothing. Set 'namespaceName' here or 'namespace' on the chart`);
    });

    test('fails when the namespace differs from the chart namespace', () => {
      expect(errorOf({ gcpServiceAccount: GSA, namespaceName: 'other' }))
        .toContain("'namespaceName' differs from the chart's namespace 'reports', where the pods of this chart run");
    });

    test('fails when the namespace is not a DNS label', () => {
      expect(errorOf({ gcpServiceAccount: GSA, namespaceName: 'Reports' }, null)).toContain("'namespaceName' must be a DNS-1123 label");
    });

    test('fails when an existing ServiceAccount has no name', () => {
      expect(errorOf({ gcpServiceAccount: GSA, createServiceAccount: false }))
        .toContain("'serviceAccountName' is required with 'createServiceAccount: false' (the existing ServiceAccount's name), got nothing.");
    });

    test('fails when the ServiceAccount name is invalid', () => {
      expect(errorOf({ gcpServiceAccount: GSA, serviceAccountName: 'Nightly_Report' })).toContain("'serviceAccountName' must be a DNS-1123 subdomain");
    });

    test('fails when the cluster project is invalid', () => {
      expect(errorOf({ gcpServiceAccount: GSA, clusterProject: 'ACME' })).toContain("'clusterProject' must be a Google Cloud project id");
    });

    test('fails when a proxy is not a proxy sidecar', () => {
      expect(errorOf({ gcpServiceAccount: GSA, proxies: [{} as any] })).toContain("'proxies' must be proxy sidecars, got {}.");
    });
  });
});
