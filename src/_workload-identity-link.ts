/**
 * What links a proxy sidecar to the `GkeWorkloadIdentity` it runs under: the link the identity records on the proxy,
 * the synth-time check that the workload runs as the identity's ServiceAccount, and the token-creator grants of an
 * impersonation chain. Kept out of `workload-identity.ts` so that the proxy sidecar can use it without importing the
 * identity construct.
 */
import * as kplus from 'cdk8s-plus-28';
import { propError, SidecarsError } from './_errors';

/** What a proxy sidecar knows about the `GkeWorkloadIdentity` it was added to. */
export interface ProxyIdentityLink {
  /** The identity construct itself (construct paths can repeat across apps). */
  readonly owner: object;
  /** Construct path of the identity, for messages. */
  readonly path: string;
  readonly serviceAccountName: string;
  readonly namespaceName: string;
}

/**
 * The workload must run as the identity's ServiceAccount, in its namespace.
 * @param workload the workload the proxy is in
 * @param proxyName the proxy container's name, for messages
 * @param identity the identity the proxy runs under
 */
export function identityErrors(workload: kplus.AbstractPod, proxyName: string, identity: ProxyIdentityLink): SidecarsError[] {
  const where = workload.node.path;
  const kind = workload.constructor.name;
  const errors: SidecarsError[] = [];
  const sa = workload.serviceAccount?.name;
  if (sa !== identity.serviceAccountName) {
    errors.push(propError(where, kind, 'serviceAccount',
      `must be the ServiceAccount '${identity.serviceAccountName}' of GkeWorkloadIdentity '${identity.path}', which proxy sidecar '${proxyName}' runs under: `
      + `the proxy gets its Google credentials from the pod's ServiceAccount${sa === undefined ? " (without one the pod runs as 'default')" : ''}`,
      sa, "Pass serviceAccount: identity.serviceAccount in the workload's props"));
  }
  const ns = workload.metadata.namespace;
  if (ns !== undefined && ns !== identity.namespaceName) {
    errors.push(propError(where, kind, 'metadata.namespace',
      `differs from the namespace '${identity.namespaceName}' of GkeWorkloadIdentity '${identity.path}' (a pod can only use a ServiceAccount of its own namespace)`, ns,
      'Run the workload in the identity\'s namespace, or create the identity for this namespace'));
  }
  return errors;
}

/** One `roles/iam.serviceAccountTokenCreator` grant an impersonation chain needs. */
export interface TokenCreatorHop {
  /** The service account that gets the role granted on it. */
  readonly serviceAccount: string;
  /** Who needs the role: a service account of the chain, or undefined for the pod's own principal. */
  readonly member?: string;
}

/**
 * The token-creator grants of `--impersonate-service-account t,d1,...,dn`. Both proxies take the first entry as the
 * target and pass the rest as delegates in reverse order ("With sa1,sa2,sa3, sa3 delegates to sa2, which
 * impersonates the target sa1": `parseImpersonationChain` in cloud-sql-proxy and alloydb-auth-proxy
 * internal/proxy/proxy.go). The IAM Credentials API then needs each account of the delegation chain to hold
 * `roles/iam.serviceAccountTokenCreator` on the next one, and the last on the target. So tokens flow
 * pod principal → dn → ... → d1 → t.
 * @param chain the `impersonationChain` prop (first entry: the target)
 */
export function impersonationHops(chain: readonly string[]): TokenCreatorHop[] {
  if (chain.length === 0) return [];
  const path = [...chain.slice(1).reverse(), chain[0]];
  return path.map((serviceAccount, k) => ({ serviceAccount, member: k === 0 ? undefined : path[k - 1] }));
}

