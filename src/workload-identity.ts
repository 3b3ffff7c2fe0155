import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { dnsLabelProblem, propError } from './_errors';
import {
  GCP_PLAIN_PROJECT_ID, GCP_PROJECT_ID, GCP_ROLES, GKE_GSA_ANNOTATION, IAM_DB_USER_MAX_LENGTH, parseServiceAccountEmail,
} from './_proxy-flavors';
import { impersonationHops } from './_workload-identity-link';
import { GcpRoleGrant } from './auth-proxy-options';
import { AuthProxySidecar } from './auth-proxy-sidecar';

/** Properties of a `GkeWorkloadIdentity`. */
export interface GkeWorkloadIdentityProps {
  /**
   * The Google service account the pods act as: `NAME@PROJECT.iam.gserviceaccount.com` (for a legacy domain-scoped
   * project `example.com:project`: `NAME@project.example.com.iam.gserviceaccount.com`). Use a dedicated one per
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
   * Google service account's project. Not a legacy domain-scoped project: we have no source for their pool names.
   *
   * @default - the Google service account's project
   */
  readonly clusterProject?: string;

  /**
   * The proxy sidecars running under this identity: their IAM roles go into `requiredRoles` and `gcloudCommands`,
   * and every workload they are added to must run as this identity's ServiceAccount (checked at synth time). More
   * can be added with `addProxy()`.
   *
   * @default - none
   */
  readonly proxies?: AuthProxySidecar[];
}

/** An IAM role a principal needs on a Google service account (not on a project). */
export interface ServiceAccountRoleGrant {
  /** The Google service account the role is granted on (the resource). */
  readonly serviceAccount: string;
  /** Who gets the role, as an IAM member string (`serviceAccount:...`). */
  readonly member: string;
  /** The role, e.g. `roles/iam.serviceAccountTokenCreator`. */
  readonly role: string;
  /** Why it is needed. */
  readonly reason: string;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * GKE Workload Identity for pods that use the Cloud SQL / AlloyDB proxies (or any Google API): a Kubernetes
 * ServiceAccount annotated with `iam.gke.io/gcp-service-account`, to pass as the workload's `serviceAccount`, plus
 * the IAM member string and roles to grant, and the gcloud commands that grant them. The proxy then authenticates with
 * Application Default Credentials from the GKE metadata server: no key file.
 *
 * cdk8s-plus takes a workload's `serviceAccount` only as a constructor prop, so this construct cannot set it on the
 * pod for you; instead, a workload that runs one of `proxies` without `serviceAccount: identity.serviceAccount` is a
 * synth-time error.
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
   * AlloyDB: its email without `.gserviceaccount.com`, truncated to 63 characters (cloud-sql-proxy README, "Automatic IAM Database Authentication"). A proxy that
   * impersonates logs in as the impersonated account instead.
   */
  public readonly postgresIamUser: string;
  /**
   * The database user name for automatic IAM authentication on MySQL: the email without
   * `@<project>.iam.gserviceaccount.com`, truncated to 32 characters (same source).
   */
  public readonly mysqlIamUser: string;

  private readonly _proxies: AuthProxySidecar[] = [];
  private readonly created: boolean;

  /**
   * @param scope the chart (its namespace is the ServiceAccount's, unless `namespaceName` is set)
   * @param id construct id
   * @param props the Google service account, the Kubernetes ServiceAccount and the proxies that run under it
   */
  constructor(scope: Construct, id: string, props: GkeWorkloadIdentityProps) {
    super(scope, id);
    const where = this.node.path;
    const subject = 'GkeWorkloadIdentity';
    const p: GkeWorkloadIdentityProps = props && typeof props === 'object' ? props : ({} as GkeWorkloadIdentityProps);

    const gsa = p.gcpServiceAccount;
    const parsed = parseServiceAccountEmail(gsa);
    if (!parsed) {
      let problem = 'must be a Google service account email NAME@PROJECT.iam.gserviceaccount.com (domain-scoped project example.com:project: NAME@project.example.com.iam.gserviceaccount.com)';
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
    this.gcpServiceAccountProject = parsed.project;

    const clusterProject = p.clusterProject ?? parsed.project;
    if (typeof clusterProject !== 'string' || !GCP_PROJECT_ID.test(clusterProject)) {
      throw propError(where, subject, 'clusterProject', 'must be a Google Cloud project id (6-30 lower-case letters, digits or \'-\')', clusterProject,
        "Use the id of the GKE cluster's project, e.g. 'acme-prod'");
    }
    if (!GCP_PLAIN_PROJECT_ID.test(clusterProject)) {
      throw propError(where, subject, 'clusterProject',
        `${p.clusterProject === undefined ? "defaults to the project of 'gcpServiceAccount', which " : ''}is a legacy domain-scoped project, whose workload identity pool name this construct cannot derive (its sources give only '<project>.svc.id.goog')`,
        clusterProject, p.clusterProject === undefined
          ? "Set 'clusterProject' to the id of the GKE cluster's project"
          : "Use the GKE cluster's project; if that is domain-scoped, grant roles/iam.workloadIdentityUser to the member of the pool shown by gcloud container clusters describe CLUSTER --format='value(workloadIdentityConfig.workloadPool)' yourself");
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
        // no `name: undefined` key: cdk8s would emit a ServiceAccount without a name while the pods refer to the
        // generated one
        metadata: {
          ...(p.serviceAccountName !== undefined ? { name: p.serviceAccountName } : {}),
          ...(p.namespaceName !== undefined ? { namespace: p.namespaceName } : {}),
          annotations: { [GKE_GSA_ANNOTATION]: gsa },
        },
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
    this.postgresIamUser = gsa.replace(/\.gserviceaccount\.com$/, '').slice(0, IAM_DB_USER_MAX_LENGTH.postgres);
    this.mysqlIamUser = parsed.accountId.slice(0, IAM_DB_USER_MAX_LENGTH.mysql);
    if (p.proxies !== undefined && !Array.isArray(p.proxies)) {
      throw propError(where, subject, 'proxies', 'must be a list of proxy sidecars', p.proxies, 'Pass e.g. [proxy]');
    }
    for (const proxy of p.proxies ?? []) this.addProxy(proxy);
  }

  /**
   * Add a proxy sidecar that runs under this identity: its IAM roles join `requiredRoles` and `gcloudCommands`, and
   * every workload it is added to must run as this identity's ServiceAccount (checked at synth time).
   *
   * @param proxy a `CloudSqlProxySidecar` or `AlloyDbProxySidecar` (of any copy of this library)
   */
  public addProxy(proxy: AuthProxySidecar): void {
    if (!AuthProxySidecar.isAuthProxySidecar(proxy)) {
      throw propError(this.node.path, 'GkeWorkloadIdentity', 'proxies', 'must be proxy sidecars', proxy, 'Pass CloudSqlProxySidecar or AlloyDbProxySidecar objects');
    }
    if (this._proxies.includes(proxy)) return;
    const link = { owner: this, path: this.node.path, serviceAccountName: this.serviceAccountName, namespaceName: this.namespaceName };
    // a proxy of another copy of this library is not `instanceof` ours; it records the link with its own copy's code
    const runUnder = proxy instanceof AuthProxySidecar ? proxy._runUnder : (proxy as Partial<AuthProxySidecar>)._runUnder;
    runUnder?.call(proxy, this.node.path, link);
    this._proxies.push(proxy);
  }

  /** The proxy sidecars running under this identity. */
  public get proxies(): AuthProxySidecar[] {
    return [...this._proxies];
  }

  /**
   * The roles of this identity: `roles/iam.workloadIdentityUser` (granted to `iamMember` on the Google service
   * account), and what the Google service account needs for its proxies (e.g. `roles/cloudsql.client`, plus
   * `roles/cloudsql.instanceUser` with IAM database authentication), or `roles/iam.serviceAccountTokenCreator` when
   * a proxy impersonates. The impersonated accounts' roles are in the proxy's `iamRoleGrants`; `gcloudCommands`
   * grants everything.
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

  /**
   * The grants on Google service accounts: `roles/iam.workloadIdentityUser` to `iamMember` on the Google service
   * account, and for each proxy that impersonates, `roles/iam.serviceAccountTokenCreator` along its chain (this
   * account on the last entry, each entry on the one before it, the second on the target).
   */
  public get serviceAccountGrants(): ServiceAccountRoleGrant[] {
    const out: ServiceAccountRoleGrant[] = [{
      serviceAccount: this.gcpServiceAccount,
      member: this.iamMember,
      role: GCP_ROLES.workloadIdentityUser,
      reason: 'let the Kubernetes ServiceAccount act as the Google service account (GKE Workload Identity)',
    }];
    for (const proxy of this._proxies) {
      for (const g of this.tokenCreatorGrants(proxy)) {
        if (!out.some(x => x.serviceAccount === g.serviceAccount && x.member === g.member && x.role === g.role)) out.push(g);
      }
    }
    return out;
  }

  /** The commands that set it all up (run them once, e.g. in your infrastructure pipeline). */
  public get gcloudCommands(): string[] {
    const gsa = this.gcpServiceAccount;
    const saGrant = (g: ServiceAccountRoleGrant) =>
      `gcloud iam service-accounts add-iam-policy-binding ${g.serviceAccount} --project=${parseServiceAccountEmail(g.serviceAccount)?.project} --role=${g.role} --member="${g.member}"`;
    const projectGrant = (member: string, g: GcpRoleGrant) =>
      `gcloud projects add-iam-policy-binding ${g.project ?? '<PROJECT_OF_THE_INSTANCE>'} --member="serviceAccount:${member}" --role=${g.role}`;
    const cmds = [saGrant(this.serviceAccountGrants[0])];
    if (!this.created) {
      cmds.push(`kubectl annotate serviceaccount ${this.serviceAccountName} --namespace=${this.namespaceName} ${GKE_GSA_ANNOTATION}=${gsa}`);
    }
    for (const g of this.roleGrants) cmds.push(projectGrant(gsa, g));
    for (const proxy of this._proxies) {
      const target = proxy.impersonatedServiceAccount;
      if (!target) continue;
      for (const g of this.tokenCreatorGrants(proxy)) cmds.push(saGrant(g));
      for (const g of proxy.iamRoleGrants) cmds.push(projectGrant(target, g));
    }
    return [...new Set(cmds)];
  }

  private tokenCreatorGrants(proxy: AuthProxySidecar): ServiceAccountRoleGrant[] {
    // a proxy of an older copy of this library may lack impersonationChain
    const chain = proxy.impersonationChain ?? (proxy.impersonatedServiceAccount ? [proxy.impersonatedServiceAccount] : []);
    const target = chain[0];
    return impersonationHops(chain).map(hop => ({
      serviceAccount: hop.serviceAccount,
      member: `serviceAccount:${hop.member ?? this.gcpServiceAccount}`,
      role: GCP_ROLES.tokenCreator,
      reason: hop.serviceAccount === target
        ? `mint tokens for ${target}, which proxy sidecar '${proxy.name}' impersonates`
        : `mint tokens for ${hop.serviceAccount}, a delegate in the impersonation chain of proxy sidecar '${proxy.name}'`,
    }));
  }
}
