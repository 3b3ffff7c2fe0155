// SidecarAdmissionPolicy: the same objects as `cdk8s-sidecars policy`, in a chart; cluster-scoped (no chart
// namespace); bad props fail with the construct path, the prop, the value and the fix.
import { Chart, Testing } from 'cdk8s';
import { ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1';
import { AdmissionPolicyAction, KubernetesVersion, SidecarAdmissionPolicy } from '../src';
import { buildPolicyObjects } from '../src/policy/_build';

function synth(props: any = {}, chartProps: any = {}): { manifests: any[]; policy: SidecarAdmissionPolicy } {
  const chart = new Chart(Testing.app(), 'chart', chartProps);
  const policy = new SidecarAdmissionPolicy(chart, 'policy', props);
  return { manifests: Testing.synth(chart), policy };
}

test('defaults: every covered rule, Warn + Audit, the same objects as the CLI', () => {
  const { manifests, policy } = synth();
  expect(manifests).toEqual(buildPolicyObjects({ kubernetesVersion: { major: 1, minor: 30 }, actions: ['Warn', 'Audit'] }));
  expect(policy.policies).toHaveLength(SidecarAdmissionPolicy.coveredRules().length);
  expect(policy.bindings.map(b => b.name)).toEqual(SidecarAdmissionPolicy.coveredRules().map(id => `cdk8s-sidecars-${id}`));
  for (const m of manifests) {
    const Model = m.kind === 'ValidatingAdmissionPolicy' ? ValidatingAdmissionPolicy : ValidatingAdmissionPolicyBinding;
    expect(() => new Model(m).validate()).not.toThrow();
  }
  expect(manifests.filter(m => m.kind === 'ValidatingAdmissionPolicyBinding').map(m => m.spec.validationActions)).toEqual(policy.bindings.map(() => ['Warn', 'Audit']));
});

test('actions and rules', () => {
  const { manifests } = synth({ actions: [AdmissionPolicyAction.DENY], rules: ['sidecar-missing-startup-probe'], kubernetesVersion: KubernetesVersion.V1_33 });
  expect(manifests.map(m => `${m.kind}/${m.metadata.name}`)).toEqual([
    'ValidatingAdmissionPolicy/cdk8s-sidecars-sidecar-missing-startup-probe', 'ValidatingAdmissionPolicyBinding/cdk8s-sidecars-sidecar-missing-startup-probe',
  ]);
  expect(manifests[1].spec.validationActions).toEqual(['Deny']);
});

test('cluster-scoped: a chart namespace is not stamped on the objects', () => {
  const { manifests } = synth({}, { namespace: 'apps' });
  expect(manifests.map(m => m.metadata.namespace)).toEqual(manifests.map(() => undefined));
});

test('bad props: construct path, prop, value and fix', () => {
  expect(() => synth({ kubernetesVersion: KubernetesVersion.V1_29 })).toThrow(
    /^\[chart\/policy\] SidecarAdmissionPolicy: 'kubernetesVersion' is not valid, got '1\.29'\. Kubernetes 1\.29 is too old: .* target 1\.30 or later/);
  expect(() => synth({ actions: [AdmissionPolicyAction.DENY, AdmissionPolicyAction.WARN] })).toThrow(
    /^\[chart\/policy\] SidecarAdmissionPolicy: 'actions' is not valid, got \["Deny","Warn"\]\. Deny and Warn cannot be combined/);
  expect(() => synth({ rules: ['known-kubelet-bug'] })).toThrow(/'rules' is not valid, got \["known-kubelet-bug"\]\. rule 'known-kubelet-bug' has no admission policy/);
});

test('snapshot of one policy (safety net)', () => {
  const { manifests } = synth({ rules: ['init-container-never-exits'] });
  expect(manifests).toMatchSnapshot();
});
