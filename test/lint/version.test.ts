// known-kubelet-bug: driven by KNOWN_BUGS / bugStatus() of src/_version-facts.ts.
import { deployment, job, lint, ofRule, sidecar } from './_helpers';
import { KubernetesVersion, Severity } from '../../src';
import { bugStatus, KNOWN_BUGS } from '../../src/_version-facts';

const bug = (id: string) => KNOWN_BUGS.find(b => b.id === id)!;
const idsOf = (findings: { message: string }[]) => findings.map(f => /meets the trigger of (\S+),/.exec(f.message)?.[1]);

describe('known-kubelet-bug', () => {
  test('kubernetes#132826 fires for a startup-probe sidecar in a restartPolicy: Never pod before the fix', () => {
    const f = ofRule(lint([job({ initContainers: [sidecar('proxy')] })], { kubernetesVersion: KubernetesVersion.V1_32 }), 'known-kubelet-bug');
    expect(idsOf(f)).toEqual(['kubernetes#132826']);
    expect(f[0]).toMatchObject({ severity: Severity.INFO, container: 'proxy', path: 'spec.template.spec.initContainers[0]' });
    expect(f[0].message).toContain('which every Kubernetes 1.32 release has');
    expect(bugStatus(bug('kubernetes#132826'), { major: 1, minor: 32 })).toBe('unfixed');
  });

  test('on a minor that got a backport, the finding asks for a recent patch release', () => {
    const f = ofRule(lint([job({ initContainers: [sidecar('proxy')] })], { kubernetesVersion: KubernetesVersion.V1_33 }), 'known-kubelet-bug');
    expect(idsOf(f)).toEqual(['kubernetes#132826']);
    expect(f[0].message).toContain('early patch releases of Kubernetes 1.33');
    expect(f[0].fix).toContain('recent 1.33 patch release');
  });

  test('several sidecars on 1.30 meet kubernetes#125880 (early patches)', () => {
    const f = ofRule(lint([job({ initContainers: [sidecar('a', 1), sidecar('b', 2)] })], { kubernetesVersion: KubernetesVersion.V1_30 }), 'known-kubelet-bug');
    expect(idsOf(f)).toEqual(['kubernetes#132826', 'kubernetes#125880']);
    expect(f[1].container).toBe('b');
  });

  test('kubernetes#137146 fires on 1.35 for a startup-probe sidecar next to restarting app containers', () => {
    const f = ofRule(lint([deployment({ initContainers: [sidecar('proxy')] })], { kubernetesVersion: KubernetesVersion.V1_35 }), 'known-kubelet-bug');
    expect(idsOf(f)).toEqual(['kubernetes#137146']);
  });

  test('does not fire after the fixes, without a startup probe in a Never pod, or where sidecars do not run', () => {
    expect(ofRule(lint([job({ initContainers: [sidecar()] })], { kubernetesVersion: KubernetesVersion.of(36) }), 'known-kubelet-bug')).toEqual([]);
    const noProbe = sidecar('logs', 1, { startupProbe: undefined, ports: undefined });
    expect(ofRule(lint([job({ initContainers: [noProbe] })], { kubernetesVersion: KubernetesVersion.V1_32 }), 'known-kubelet-bug')).toEqual([]);
    expect(ofRule(lint([job({ initContainers: [sidecar()] })], { kubernetesVersion: KubernetesVersion.V1_27 }), 'known-kubelet-bug')).toEqual([]);
  });
});
