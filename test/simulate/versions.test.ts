/**
 * Version-dependent behaviour (KEP-753 feature stages; the versions come from src/_version-facts.ts).
 */
import { ctr, eventOrder, eventTimes, fixture, pod, sidecar } from './helpers';
import { KubernetesVersion } from '../../src/kubernetes-version';
import { Linter } from '../../src/lint';
import { SimulatedContainerRole, SimulatedPodPhase, SimulationEventKind, Simulator } from '../../src/simulate';

const SEED_BEHAVIORS = {
  'slow-sidecar': { readyAfter: 5 },
  'sidecar-user': { needs: ['slow-sidecar'], exitAfter: 1 },
};

describe('Kubernetes 1.27 (no native sidecars)', () => {
  test('a restartPolicy: Always init container without probes runs as a plain init container: 0/1 Init:0/1 forever', () => {
    const result = Simulator.simulate(fixture('seed-no-probe.yaml'), { behaviors: SEED_BEHAVIORS, kubernetesVersion: KubernetesVersion.V1_27 });
    expect(result.statusSequence()).toEqual(['0/1 Pending', '0/1 Init:0/1']);
    expect(result.stuck).toBe(true);
    expect(result.rejectedByApiServer).toBe(false);
    expect(result.container('slow-sidecar').role).toBe(SimulatedContainerRole.INIT);
    expect(result.notes.some(n => n.includes("does not know 'restartPolicy' on init containers"))).toBe(true);
  });

  test('with a startupProbe the API server would reject the pod: reported, not silently simulated', () => {
    const result = Simulator.simulate(fixture('seed-fixed.yaml'), { behaviors: SEED_BEHAVIORS, kubernetesVersion: KubernetesVersion.V1_27 });
    expect(result.rejectedByApiServer).toBe(true);
    expect(result.notes[0]).toMatch(/API server rejects this pod .* on Kubernetes 1\.27/);
    expect(result.toText()).toContain('API server rejects this pod');
  });

  test('a helper that exits 0 merely runs once before the app', () => {
    const result = Simulator.simulate(fixture('seed-no-probe.yaml'), {
      behaviors: { 'slow-sidecar': { exitAfter: 2 }, 'sidecar-user': { exitAfter: 1 } },
      kubernetesVersion: KubernetesVersion.V1_27,
    });
    expect(result.container('sidecar-user').startedAt).toBe(2);
    expect(result.finalState).toMatchObject({ phase: SimulatedPodPhase.SUCCEEDED, ready: '0/1', status: 'Completed' });
  });
});

describe('Kubernetes 1.28 (alpha, feature gate SidecarContainers)', () => {
  test('without the gate (the default) the field is dropped: 0/1 Init:0/1 forever, like 1.27', () => {
    const result = Simulator.simulate(fixture('seed-no-probe.yaml'), { behaviors: SEED_BEHAVIORS, kubernetesVersion: KubernetesVersion.V1_28 });
    expect(result.statusSequence()).toEqual(['0/1 Pending', '0/1 Init:0/1']);
    expect(result.stuck).toBe(true);
    expect(result.notes.some(n => n.includes("'SidecarContainers' feature gate"))).toBe(true);
  });

  test('without the gate, a sidecar with a startupProbe is rejected', () => {
    const result = Simulator.simulate(fixture('seed-fixed.yaml'), { behaviors: SEED_BEHAVIORS, kubernetesVersion: KubernetesVersion.V1_28 });
    expect(result.rejectedByApiServer).toBe(true);
  });

  test('with the gate, the seed fix works and the Job completes', () => {
    const result = Simulator.simulate(fixture('seed-fixed.yaml'), {
      behaviors: SEED_BEHAVIORS, kubernetesVersion: KubernetesVersion.V1_28, sidecarContainersFeatureGate: true,
    });
    expect(result.rejectedByApiServer).toBe(false);
    expect(result.finalState).toMatchObject({ phase: SimulatedPodPhase.SUCCEEDED, status: 'Completed' });
    expect(result.startedAfterServing('sidecar-user', 'slow-sidecar')).toBe(true);
  });

  test('with the gate, sidecars are stopped all at once, not in reverse order', () => {
    const result = Simulator.simulate(pod({
      initContainers: [sidecar('s1'), sidecar('s2'), sidecar('s3')],
      containers: [ctr('app')],
    }), {
      behaviors: { s1: { stopAfter: 5 }, s2: { stopAfter: 5 }, s3: { stopAfter: 5 }, app: { exitAfter: 5 } },
      kubernetesVersion: KubernetesVersion.V1_28,
      sidecarContainersFeatureGate: true,
    });
    expect(eventTimes(result, SimulationEventKind.SIGTERM)).toEqual([5, 5, 5]);
    expect(eventTimes(result, SimulationEventKind.EXITED)).toEqual([5, 10, 10, 10]);
    expect(result.plan.some(p => p.includes('all at once'))).toBe(true);
  });
});

describe('Kubernetes 1.29+ (beta/GA)', () => {
  test.each([KubernetesVersion.V1_29, KubernetesVersion.V1_33])('%s stops sidecars in reverse order, each after the previous one exited', (version) => {
    const result = Simulator.simulate(pod({
      initContainers: [sidecar('s1'), sidecar('s2'), sidecar('s3')],
      containers: [ctr('app')],
    }), {
      behaviors: { s1: { stopAfter: 5 }, s2: { stopAfter: 5 }, s3: { stopAfter: 5 }, app: { exitAfter: 5 } },
      kubernetesVersion: version,
    });
    expect(eventOrder(result, SimulationEventKind.SIGTERM)).toEqual(['s3', 's2', 's1']);
    expect(eventTimes(result, SimulationEventKind.SIGTERM)).toEqual([5, 10, 15]);
    expect(result.plan.some(p => p.includes("reverse order ('s3' → 's2' → 's1')"))).toBe(true);
    expect(result.kubernetesVersion).toBe(version.toString());
  });

  test('the default version is 1.29', () => {
    const result = Simulator.simulate(fixture('seed-fixed.yaml'), { behaviors: SEED_BEHAVIORS });
    expect(result.kubernetesVersion).toBe('1.29');
  });

  test('known bugs of the release are noted (kubernetes#125880 with several sidecars on 1.30; none on 1.35 for it)', () => {
    const manifest = pod({ initContainers: [sidecar('s1'), sidecar('s2')], containers: [ctr('app')] });
    const on130 = Simulator.simulate(manifest, { kubernetesVersion: KubernetesVersion.V1_30, behaviors: { app: { exitAfter: 1 } } });
    expect(on130.notes.some(n => n.includes('kubernetes#125880') && n.includes('early patch releases of 1.30'))).toBe(true);
    const on135 = Simulator.simulate(manifest, { kubernetesVersion: KubernetesVersion.V1_35, behaviors: { app: { exitAfter: 1 } } });
    expect(on135.notes.some(n => n.includes('kubernetes#125880'))).toBe(false);
  });
});

// The linter (known-kubelet-bug) and the simulator (its notes) read one trigger table (src/_known-bug-triggers.ts), so
// they name the same bugs, and only where the target release is affected.
describe('known bugs: the simulator and the linter agree, release by release', () => {
  const pods = {
    'two sidecars, Never': pod({ initContainers: [sidecar('s1'), sidecar('s2')], containers: [ctr('app')] }),
    'startup-probe sidecar, Never': pod({ initContainers: [sidecar('s', { startupProbe: { exec: { command: ['true'] } } })], containers: [ctr('app')] }),
    'startup-probe sidecar, Always': pod({ restartPolicy: 'Always', initContainers: [sidecar('s', { startupProbe: { exec: { command: ['true'] } } })], containers: [ctr('app')] }),
    'no sidecar': pod({ containers: [ctr('app')] }),
  };
  const ids = (texts: string[]) => [...new Set(texts.flatMap(t => t.match(/kubernetes#\d+/g) ?? []))].sort();
  test.each(Object.keys(pods).flatMap(name => [27, 28, 29, 30, 31, 33, 34, 35, 36].map(minor => [name, minor] as const)))('%s on 1.%s', (name, minor) => {
    const manifest = (pods as any)[name];
    const v = KubernetesVersion.of(minor);
    const result = Simulator.simulate(manifest, { kubernetesVersion: v, sidecarContainersFeatureGate: true, behaviors: { app: { exitAfter: 1 } } });
    const simulated = ids(result.notes);
    const findings = Linter.lintManifests([manifest], { kubernetesVersion: v, sidecarContainersFeatureGate: true });
    const linted = ids(findings.filter(f => f.rule === 'known-kubelet-bug').map(f => f.message));
    expect(simulated).toEqual(linted);
    if (minor >= 36 || minor < 28) expect(simulated).toEqual([]);
  });
});

describe('out-of-range versions are rejected', () => {
  // KubernetesVersion itself refuses them; a plain object (JavaScript callers) is checked by the simulator
  test.each([
    [2, 0, 'Kubernetes 2.0 does not exist (every release is 1.x)'],
    [0, 5, 'Kubernetes 0.5 does not exist (every release is 1.x)'],
    [1, 100, '1.100 is not a plausible Kubernetes minor (expected 1.0 to 1.99)'],
    [1, 1.5, '1.1.5 is not a release'],
  ])('{ major: %s, minor: %s } → an error naming the range and the reason', (major, minor, why) => {
    expect(() => Simulator.simulate(pod({ containers: [ctr('a')] }), { kubernetesVersion: { major, minor } as any }))
      .toThrow(`'kubernetesVersion' must be a Kubernetes 1.x release like '1.29' or 'v1.29.3' (1.0 to 1.99), got ${major}.${minor}: ${why}`);
  });

  test('1.0 and 1.99 are accepted', () => {
    expect(Simulator.simulate(pod({ containers: [ctr('a')] }), { kubernetesVersion: KubernetesVersion.of(0) }).kubernetesVersion).toBe('1.0');
    expect(Simulator.simulate(pod({ containers: [ctr('a')] }), { kubernetesVersion: KubernetesVersion.of(99) }).kubernetesVersion).toBe('1.99');
  });
});
