import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { propError } from './_errors';
import { KubernetesVersion } from './kubernetes-version';
import { buildPolicyObjects, DEFAULT_ACTIONS, MIN_POLICY_VERSION, PolicyOptionError } from './policy/_build';
import { coveredRuleIds } from './policy/_rules';
import { AdmissionPolicyAction } from './policy/types';

export * from './policy/types';

/** Properties of a `SidecarAdmissionPolicy`. */
export interface SidecarAdmissionPolicyProps {
  /**
   * The Kubernetes release of the cluster. ValidatingAdmissionPolicy is GA from 1.30; older releases are refused.
   *
   * @default KubernetesVersion.V1_30
   */
  readonly kubernetesVersion?: KubernetesVersion;

  /**
   * What the bindings do when a policy rejects an object (`validationActions`). `DENY` blocks the request; `WARN`
   * returns the message to the client; `AUDIT` records it in the audit log. `DENY` and `WARN` cannot be combined.
   *
   * @default [AdmissionPolicyAction.WARN, AdmissionPolicyAction.AUDIT] (report, never block)
   */
  readonly actions?: AdmissionPolicyAction[];

  /**
   * The lint rule ids to enforce, a subset of `SidecarAdmissionPolicy.coveredRules()`.
   *
   * @default - every covered rule
   */
  readonly rules?: string[];
}

/**
 * The linter's rules as Kubernetes admission policies: one `admissionregistration.k8s.io/v1`
 * ValidatingAdmissionPolicy (CEL) and one ValidatingAdmissionPolicyBinding per covered rule, applied by the API
 * server to every Pod, Job, CronJob, Deployment, StatefulSet, DaemonSet, ReplicaSet and ReplicationController that
 * is created or changed, whoever sends it (Helm, operators, `kubectl apply`). The same objects as
 * `cdk8s-sidecars policy`.
 *
 * Bindings default to `Warn` + `Audit`; roll out `Deny` once the warnings are gone. Covered and uncovered rules,
 * rollout steps and cost estimates: docs/policy.md.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/
 */
export class SidecarAdmissionPolicy extends Construct {
  /** The ids of the lint rules that have an admission policy, in catalog order. */
  public static coveredRules(): string[] {
    return coveredRuleIds();
  }

  /** The ValidatingAdmissionPolicy objects, one per rule. */
  public readonly policies: ApiObject[] = [];

  /** The ValidatingAdmissionPolicyBinding objects, one per policy. */
  public readonly bindings: ApiObject[] = [];

  /**
   * @param scope the parent construct
   * @param id the construct id (object names are fixed: `cdk8s-sidecars-<rule id>`)
   * @param props version, actions and rules
   */
  constructor(scope: Construct, id: string, props: SidecarAdmissionPolicyProps = {}) {
    super(scope, id);
    const version = props.kubernetesVersion ?? KubernetesVersion.of(MIN_POLICY_VERSION.minor);
    let objects;
    try {
      objects = buildPolicyObjects({
        kubernetesVersion: version,
        actions: props.actions ?? [...DEFAULT_ACTIONS],
        rules: props.rules,
      });
    } catch (e) {
      if (!(e instanceof PolicyOptionError)) throw e;
      const value = { kubernetesVersion: version.toString(), actions: props.actions, rules: props.rules }[e.option];
      throw propError(this.node.path, 'SidecarAdmissionPolicy', e.option, 'is not valid', value, e.message);
    }
    // the policies are cluster-scoped: a chart namespace must not be stamped on them
    const namespaced = Chart.of(this).namespace !== undefined;
    for (const o of objects) {
      const obj = new ApiObject(this, `${o.kind === 'ValidatingAdmissionPolicy' ? 'policy' : 'binding'}-${o.metadata.name}`, o as any);
      if (namespaced) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
      (o.kind === 'ValidatingAdmissionPolicy' ? this.policies : this.bindings).push(obj);
    }
  }
}
