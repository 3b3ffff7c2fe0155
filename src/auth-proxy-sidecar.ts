import * as kplus from 'cdk8s-plus-28';
import { propError, SidecarsError } from './_errors';
import { ProxyPlan } from './_proxy-plan';
import { checkProxyInWorkload } from './_proxy-pod-checks';
import { validateProxy } from './_proxy-validate';
import { AttachableSidecar, SidecarContainerSpec } from './_sidecar-spec';
import { identityErrors, ProxyIdentityLink } from './_workload-identity-link';
import { GcpRoleGrant, ProxyEndpoint } from './auth-proxy-options';
import { Sidecar, SidecarProps } from './sidecar';

/** Brand of proxy sidecars: `Symbol.for`, so that two copies of this library recognise each other's proxies. */
const AUTH_PROXY_SIDECAR_BRAND = Symbol.for('cdk8s-sidecars.AuthProxySidecar');

/**
 * Base of the typed Google Cloud database proxy sidecars (`CloudSqlProxySidecar`, `AlloyDbProxySidecar`): renders
 * the proxy's flags from typed props, a `/startup` gate on the health port, restricted security, and the app's
 * connection environment, and checks it all at synth time. Not meant to be extended outside this library.
 */
export abstract class AuthProxySidecar extends Sidecar {
  /**
   * True when `x` is a `CloudSqlProxySidecar` or `AlloyDbProxySidecar`, also one made by another copy of this
   * library in the same app (a Symbol brand, not `instanceof`).
   *
   * @param x any value
   */
  public static isAuthProxySidecar(x: any): x is AuthProxySidecar {
    return x !== null && typeof x === 'object' && (x as { [AUTH_PROXY_SIDECAR_BRAND]?: boolean })[AUTH_PROXY_SIDECAR_BRAND] === true;
  }

  private _planValue?: ProxyPlan;
  private _identityLink?: ProxyIdentityLink;

  /**
   * @param props the rendered sidecar props, as built by the subclass (which then hands over its plan)
   */
  protected constructor(props: SidecarProps) {
    super(props);
    Object.defineProperty(this, AUTH_PROXY_SIDECAR_BRAND, { value: true, enumerable: false });
  }

  /** Port of the health server, declared on the container and probed. */
  public get healthPort(): number {
    return this._plan.healthPort;
  }

  /**
   * Port of the admin server (localhost only).
   *
   * @default - no admin server
   */
  public get adminPort(): number | undefined {
    return this._plan.adminPort;
  }

  /**
   * Host the app connects to (the first instance's).
   *
   * @default - none in Unix socket mode
   */
  public get host(): string | undefined {
    return this._plan.endpoints[0]?.host;
  }

  /**
   * Port of the first instance.
   *
   * @default - none in Unix socket mode
   */
  public get port(): number | undefined {
    return this._plan.endpoints[0]?.port;
  }

  /**
   * Socket path of the first instance.
   *
   * @default - none over TCP
   */
  public get unixSocketPath(): string | undefined {
    return this._plan.endpoints[0]?.unixSocketPath;
  }

  /**
   * The shared `emptyDir` holding the sockets, for mounting into containers the construct does not wire.
   *
   * @default - none over TCP
   */
  public get unixSocketVolume(): kplus.Volume | undefined {
    return this._plan.unixSocketVolume;
  }

  /**
   * The service account the proxy impersonates (first entry of `impersonationChain`).
   *
   * @default - none: the proxy connects as the pod's principal
   */
  public get impersonatedServiceAccount(): string | undefined {
    return this._plan.impersonatedServiceAccount;
  }

  /**
   * The `impersonationChain` as given: first the target, then the delegates (empty: no impersonation).
   */
  public get impersonationChain(): string[] {
    return [...this._plan.impersonationChain];
  }

  /** Where the app reaches each instance, in declaration order. */
  public get endpoints(): ProxyEndpoint[] {
    return this._plan.endpoints.map(e => ({ ...e }));
  }

  /**
   * The IAM roles the principal the proxy connects as needs: the pod's Google service account, or the impersonated
   * one (then including the roles the proxy's README requires of an impersonated account). `GkeWorkloadIdentity` turns them, and the
   * token-creator grants of an impersonation chain, into gcloud commands.
   */
  public get iamRoleGrants(): GcpRoleGrant[] {
    return this._plan.grants.map(g => ({ ...g }));
  }

  /**
   * The resolved proxy. Set by the subclass right after `super()`.
   * @internal
   */
  protected get _plan(): ProxyPlan {
    if (!this._planValue) {
      throw new Error('AuthProxySidecar: use CloudSqlProxySidecar or AlloyDbProxySidecar; the base class is not meant to be extended');
    }
    return this._planValue;
  }

  /**
   * Called by the subclass constructor right after `super()`.
   * @param plan the proxy's plan, whose `sidecarProps` went to `super()`
   * @internal
   */
  protected _setPlan(plan: ProxyPlan): void {
    this._planValue = plan;
  }

  /**
   * The Workload Identity this proxy runs under, if any.
   * @internal
   */
  public get _identity(): ProxyIdentityLink | undefined {
    return this._identityLink;
  }

  /**
   * Record that this proxy runs under a Workload Identity (called by `GkeWorkloadIdentity.addProxy()`); throws when it
   * already runs under another one.
   * @param where construct path of the identity, for errors
   * @param link the identity
   * @internal
   */
  public _runUnder(where: string, link: ProxyIdentityLink): void {
    const current = this._identityLink;
    if (current && current.owner !== link.owner) {
      throw propError(where, 'GkeWorkloadIdentity', 'proxies',
        `contains proxy sidecar '${this.name}', which was already added to GkeWorkloadIdentity '${current.path}'; a pod runs as one ServiceAccount`,
        this.name, 'Add each proxy to one identity (create one proxy object per workload if the workloads run as different identities)');
    }
    this._identityLink = link;
  }

  /**
   * Validate the typed props, then resolve the container.
   * @param where construct path of the workload, for errors
   * @internal
   */
  public _toContainerSpec(where: string): SidecarContainerSpec {
    validateProxy(where, this._plan);
    return super._toContainerSpec(where);
  }

  /**
   * Whole-pod checks: SIGTERM delays, ports, app variables, the Workload Identity's ServiceAccount.
   * @param workload the workload the proxy is in
   * @param container the proxy's cdk8s-plus container
   * @param earlier the sidecars attached before this one
   * @internal
   */
  public _checkWorkload(workload: kplus.AbstractPod, container: kplus.Container, earlier: readonly AttachableSidecar[]): SidecarsError[] {
    const before = earlier.map(s => ({
      name: s.name,
      appEnvNames: Object.keys(s.appEnv),
      plan: s instanceof AuthProxySidecar ? s._plan : undefined,
    }));
    return [
      ...super._checkWorkload(workload, container, earlier),
      ...(this._identityLink ? identityErrors(workload, this.name, this._identityLink) : []),
      ...checkProxyInWorkload(workload, container, this._plan, before),
    ];
  }
}
