import { KubernetesVersion } from '../src';
import { bugStatus, KNOWN_BUGS, nativeSidecarsWork, orderedSidecarTermination, sidecarSupport, SidecarSupport } from '../src/_version-facts';

describe('KubernetesVersion', () => {
  test('parses minor, v-prefixed and full releases', () => {
    expect(KubernetesVersion.parse('1.30').toString()).toBe('1.30');
    expect(KubernetesVersion.parse('v1.29').minor).toBe(29);
    expect(KubernetesVersion.parse('v1.31.4-gke.1256000').toString()).toBe('1.31');
    expect(KubernetesVersion.of(33).toString()).toBe('1.33');
    expect(KubernetesVersion.DEFAULT.toString()).toBe('1.29');
  });

  test('compares', () => {
    expect(KubernetesVersion.V1_30.isAtLeast(KubernetesVersion.V1_29)).toBe(true);
    expect(KubernetesVersion.V1_28.isAtLeast(KubernetesVersion.V1_29)).toBe(false);
    expect(KubernetesVersion.V1_29.isAtLeast(KubernetesVersion.V1_29)).toBe(true);
  });
});

describe('version facts (feature gate stages, known bugs)', () => {
  test('SidecarContainers stages: alpha 1.28 (off), beta 1.29-1.32, GA 1.33', () => {
    expect(sidecarSupport(KubernetesVersion.V1_27)).toBe(SidecarSupport.NONE);
    expect(sidecarSupport(KubernetesVersion.V1_28)).toBe(SidecarSupport.ALPHA_GATE_OFF_BY_DEFAULT);
    expect(sidecarSupport(KubernetesVersion.V1_29)).toBe(SidecarSupport.BETA);
    expect(sidecarSupport(KubernetesVersion.V1_32)).toBe(SidecarSupport.BETA);
    expect(sidecarSupport(KubernetesVersion.V1_33)).toBe(SidecarSupport.GA);
    expect(nativeSidecarsWork(KubernetesVersion.V1_28)).toBe(false);
    expect(nativeSidecarsWork(KubernetesVersion.V1_28, true)).toBe(true);
    expect(nativeSidecarsWork(KubernetesVersion.V1_27, true)).toBe(false);
  });

  test('ordered sidecar termination from 1.29 (PR #120620)', () => {
    expect(orderedSidecarTermination(KubernetesVersion.V1_28)).toBe(false);
    expect(orderedSidecarTermination(KubernetesVersion.V1_29)).toBe(true);
  });

  test('kubernetes#132826: unfixed before 1.33, fixed in patches of 1.33/1.34, fixed in 1.35', () => {
    const bug = KNOWN_BUGS.find(b => b.id === 'kubernetes#132826')!;
    expect(bugStatus(bug, KubernetesVersion.V1_29)).toBe('unfixed');
    expect(bugStatus(bug, KubernetesVersion.V1_32)).toBe('unfixed');
    expect(bugStatus(bug, KubernetesVersion.V1_33)).toBe('early-patches');
    expect(bugStatus(bug, KubernetesVersion.V1_34)).toBe('early-patches');
    expect(bugStatus(bug, KubernetesVersion.V1_35)).toBe('not-affected');
  });
});
