import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { dnsLabelProblem, propError } from './_errors';
import { GCP_ROLES, GKE_GSA_ANNOTATION } from './_proxy-flavors';
import { AuthProxySidecar, GcpRoleGrant } from './auth-proxy-sidecar';

/** Properties of a `GkeWorkloadIdentity`. */
export interface GkeWorkloadIdentityProps {
  /**
   * The Google service account the pods act as: `NAME@PROJECT.iam.gserviceaccount.com`. Use a dedicated one per
   * workload, not the Compute Engine default service account.
   */
  readonly gcpServiceAccount: string;

  /**
   * Name of the Kubernetes ServiceAccount. It is part of the IAM binding (`...[namespace/name]`), so keep it stable;
   * changing it breaks the binding until you grant the new member.
   *
   * @default - created: a name generated from the construct path; `createServiceAccount: false` requires it
   */
  readonly serviceAccountName?: string;

  /**
   * Create the Kubernetes ServiceAccount with the `iam.gke.io/gcp-service-account` annotation. Set to false to use
   * one that exists (named `serviceAccountName`); `gcloudCommands` then includes the `kubectl annotate` command.
   *
   * @default true
   */
  readonly createServiceAccount?: boolean;

  /**
   * Namespace of the ServiceAccount and the pods: part of the IAM member string.
   *
   * @default - the chart's namespace; an error when the chart has none
   */
  readonly namespaceName?: string;

  /**
   * Project of the GKE cluster: its workload identity pool is `<project>.svc.id.goog`, which may differ from the
   * Google service account's project.
   *
   * @default - the Google service account's project
   */
  readonly clusterProject?: string;

  /**
   * The proxy sidecars running under this identity: their IAM roles go into `requiredRoles` and `gcloudCommands`.
   * More can be added with `addProxy()`.
   *
   * @default - none
   */
  readonly proxies?: AuthProxySidecar[];
}

const GSA_EMAIL = /^([a-z][a-z0-9-]{4,28}[a-z0-9])@([a-z][a-z0-9-]{4,28}[a-z0-9])\.iam\.gserviceaccount\.com$/;
const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * GKE Workload Identity for pods that use the Cloud SQL / AlloyDB proxies (or any Google API): a Kubernetes
 * ServiceAccount annotated with `iam.gke.io/gcp-service-account`, to pass as the workload's `serviceAccount`, plus
 * the IAM member string and roles to grant, and the gcloud commands that grant them. The proxy then authenticates with
 * Application Default Credentials from the GKE metadata server: no key file.
 *
 * The pod keeps cdk8s-plus's `automountServiceAccountToken: false`: the GKE metadata server identifies the pod and
 * mints the tokens itself, so the proxy does not need the Kubernetes token (mount it only if the app calls the
 * Kubernetes API).
 *
 * @see https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity
 */
export class GkeWorkloadIdentity extends Construct {
  /** The Kubernetes ServiceAccount: pass it as the workload's `serviceAccount`. */
  public readonly serviceAccount: kplus.IServiceAccount;
  /** Name of the Kubernetes ServiceAccount. */
  public readonly serviceAccountName: string;
  /** Namespace of the ServiceAccount (and of the pods that use it). */
  public readonly namespaceName: string;
  /** The Google service account email. */
  public readonly gcpServiceAccount: string;
  /** Project of the Google service account. */
  public readonly gcpServiceAccountProject: string;
  /** The cluster's workload identity pool, `<cluster project>.svc.id.goog`. */
  public readonly workloadIdentityPool: string;
  /**
   * The IAM member of the Kubernetes ServiceAccount, `serviceAccount:<project>.svc.id.goog[<namespace>/<name>]`: grant
   * it `roles/iam.workloadIdentityUser` on the Google service account.
   */
  public readonly iamMember: string;
  /**
   * The database user name of the Google service account for automatic IAM authentication on PostgreSQL and
   * AlloyDB: its email without `.gserviceaccount.com`.
   */
  public readonly postgresIamUser: string;
  /** The database user name for automatic IAM authentication on MySQL: the email without `@<project>.iam.gserviceaccount.com`. */
  public readonly mysqlIamUser: string;

  private readonly _proxies: AuthProxySidecar[] = [];
  private readonly created: boolean;

  constructor(scope: Construct, id: string, props: GkeWorkloadIdentityProps) {
    super(scope, id);
    const where = this.node.path;
    const subject = 'GkeWorkloadIdentity';
    const p: GkeWorkloadIdentityProps = props && typeof props === 'object' ? props : ({} as GkeWorkloadIdentityProps);

    const gsa = p.gcpServiceAccount;
    const m = typeof gsa === 'string' ? GSA_EMAIL.exec(gsa) : null;
    if (!m) {
      let problem = 'must be a Google service account email NAME@PROJECT.iam.gserviceaccount.com';
      let fix = 'Create one with: gcloud iam service-accounts create NAME --project=PROJECT, and pass NAME@PROJECT.iam.gserviceaccount.com';
      if (typeof gsa === 'string' && /@developer\.gserviceaccount\.com$|@appspot\.gserviceaccount\.com$/.test(gsa)) {
        problem = 'is a default service account (Compute Engine or App Engine), which has broad roles';
        fix = 'Create a dedicated one with only the roles the proxy needs: gcloud iam service-accounts create NAME --project=PROJECT';
      } else if (typeof gsa === 'string' && !gsa.includes('@')) {
        problem = 'must be the full email, not just the account name';
        fix = `Use '${gsa}@PROJECT.iam.gserviceaccount.com'`;
      }
      throw propError(where, subject, 'gcpServiceAccount', problem, gsa, fix);
    }
    this.gcpServiceAccount = gsa;
    this.gcpServiceAccountProject = m[2];

    const clusterProject = p.clusterProject ?? m[2];
    if (typeof clusterProject !== 'string' || !PROJECT_ID.test(clusterProject)) {
      throw propError(where, subject, 'clusterProject', 'must be a Google Cloud project id (6-30 lower-case letters, digits or \'-\')', clusterProject,
        "Use the id of the GKE cluster's project, e.g. 'acme-prod'");
    }
    this.workloadIdentityPool = `${clusterProject}.svc.id.goog`;

    const chartNamespace = Chart.of(this).namespace;
    const namespace = p.namespaceName ?? chartNamespace;
    if (namespace === undefined) {
      throw propError(where, subject, 'namespaceName', 'is needed for the IAM member string, and the chart has no namespace', undefined,
        "Set 'namespaceName' here or 'namespace' on the chart (new Chart(app, 'x', { namespace: 'reports' }))");
    }
    const nsProblem = dnsLabelProblem(namespace);
    if (nsProblem) throw propError(where, subject, 'namespaceName', nsProblem, namespace, "Use the pods' namespace, e.g. 'reports'");
    if (p.namespaceName !== undefined && chartNamespace !== undefined && p.namespaceName !== chartNamespace) {
      throw propError(where, subject, 'namespaceName', `differs from the chart's namespace '${chartNamespace}', where the pods of this chart run (a pod can only use a ServiceAccount of its own namespace)`, p.namespaceName,
        "Remove 'namespaceName', or create the identity in the chart of the pods that use it");
    }
    this.namespaceName = namespace;

    this.created = p.createServiceAccount ?? true;
    if (p.serviceAccountName !== undefined && (typeof p.serviceAccountName !== 'string' || p.serviceAccountName.length > 253 || !DNS_SUBDOMAIN.test(p.serviceAccountName))) {
      throw propError(where, subject, 'serviceAccountName', 'must be a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\')', p.serviceAccountName,
        "Use e.g. 'nightly-report'");
    }
    if (this.created) {
      const sa = new kplus.ServiceAccount(this, 'Resource', {
        metadata: { name: p.serviceAccountName, namespace: p.namespaceName, annotations: { [GKE_GSA_ANNOTATION]: gsa } },
        automountToken: false,
      });
      this.serviceAccount = sa;
      this.serviceAccountName = sa.name;
    } else {
      if (p.serviceAccountName === undefined) {
        throw propError(where, subject, 'serviceAccountName', "is required with 'createServiceAccount: false' (the existing ServiceAccount's name)", undefined,
          "Set 'serviceAccountName', or let the construct create the ServiceAccount");
      }
      this.serviceAccount = kplus.ServiceAccount.fromServiceAccountName(this, 'Resource', p.serviceAccountName, { namespaceName: namespace });
      this.serviceAccountName = p.serviceAccountName;
    }
    this.iamMember = `serviceAccount:${this.workloadIdentityPool}[${namespace}/${this.serviceAccountName}]`;
    this.postgresIamUser = gsa.replace(/\.gserviceaccount\.com$/, '');
    this.mysqlIamUser = m[1];
    for (const proxy of p.proxies ?? []) this.addProxy(proxy);
  }

  /** Add a proxy sidecar that runs under this identity: its IAM roles join `requiredRoles` and `gcloudCommands`. */
  public addProxy(proxy: AuthProxySidecar): void {
    if (!(proxy instanceof AuthProxySidecar)) {
      throw propError(this.node.path, 'GkeWorkloadIdentity', 'proxies', 'must be proxy sidecars', proxy, 'Pass CloudSqlProxySidecar or AlloyDbProxySidecar objects');
    }
    if (!this._proxies.includes(proxy)) this._proxies.push(proxy);
  }

  /** The proxy sidecars running under this identity. */
  public get proxies(): AuthProxySidecar[] {
    return [...this._proxies];
  }

  /**
   * The roles to grant: `roles/iam.workloadIdentityUser` to `iamMember` on the Google service account, and to the
   * Google service account what its proxies need (e.g. `roles/cloudsql.client`, plus `roles/cloudsql.instanceUser`
   * with IAM database authentication), or `roles/iam.serviceAccountTokenCreator` when a proxy impersonates.
   */
  public get requiredRoles(): string[] {
    const roles = new Set<string>([GCP_ROLES.workloadIdentityUser]);
    for (const proxy of this._proxies) {
      if (proxy.impersonatedServiceAccount) roles.add(GCP_ROLES.tokenCreator);
      else for (const g of proxy.iamRoleGrants) roles.add(g.role);
    }
    return [...roles];
  }

  /** The project-level grants of the Google service account (those of proxies that do not impersonate). */
  public get roleGrants(): GcpRoleGrant[] {
    const out: GcpRoleGrant[] = [];
    for (const proxy of this._proxies) {
      if (proxy.impersonatedServiceAccount) continue;
      for (const g of proxy.iamRoleGrants) if (!out.some(x => x.role === g.role && x.project === g.project)) out.push(g);
    }
    return out;
  }

  /** The commands that set it all up (run them once, e.g. in your infrastructure pipeline). */
  public get gcloudCommands(): string[] {
    const gsa = this.gcpServiceAccount;
    const cmds = [
      `gcloud iam service-accounts add-iam-policy-binding ${gsa} --project=${this.gcpServiceAccountProject} --role=${GCP_ROLES.workloadIdentityUser} --member="${this.iamMember}"`,
    ];
    if (!this.created) {
      cmds.push(`kubectl annotate serviceaccount ${this.serviceAccountName} --namespace=${this.namespaceName} ${GKE_GSA_ANNOTATION}=${gsa}`);
    }
    const grant = (member: string, g: GcpRoleGrant) =>
      `gcloud projects add-iam-policy-binding ${g.project ?? '<PROJECT_OF_THE_INSTANCE>'} --member="serviceAccount:${member}" --role=${g.role}`;
    for (const g of this.roleGrants) cmds.push(grant(gsa, g));
    for (const proxy of this._proxies) {
      const target = proxy.impersonatedServiceAccount;
      if (!target) continue;
      cmds.push(`gcloud iam service-accounts add-iam-policy-binding ${target} --role=${GCP_ROLES.tokenCreator} --member="serviceAccount:${gsa}"`);
      for (const g of proxy.iamRoleGrants) cmds.push(grant(target, g));
    }
    return [...new Set(cmds)];
  }
}
