// MeshSidecar: the pod-template metadata that makes Istio / Linkerd inject their proxy as a native sidecar, and the
// linter's verdict on it.
import { Linter, MeshSidecar } from '../src';

function jobWith(labels: Record<string, string>, annotations: Record<string, string>) {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'j' },
    spec: { template: { metadata: { labels, annotations }, spec: { restartPolicy: 'Never', containers: [{ name: 't', image: 'ghcr.io/x/t:1.0.0' }] } } },
  };
}
const meshFindings = (m: MeshSidecar, extraAnnotations: Record<string, string> = {}) =>
  Linter.lintManifests([jobWith(m.podLabels(), { ...m.podAnnotations(), ...extraAnnotations })]).filter(f => f.rule === 'job-mesh-sidecar-injected');

describe('MeshSidecar', () => {
  test('istio(): the nativeSidecar annotation, and the inject label only when asked', () => {
    expect(MeshSidecar.istio().podAnnotations()).toEqual({ 'sidecar.istio.io/nativeSidecar': 'true' });
    expect(MeshSidecar.istio().podLabels()).toEqual({});
    expect(MeshSidecar.istio({ inject: true }).podLabels()).toEqual({ 'sidecar.istio.io/inject': 'true' });
    expect(MeshSidecar.istio()).toMatchObject({ mesh: 'Istio', minimumMeshVersion: '1.24' });
  });

  test('linkerd(): the beta and alpha native-sidecar annotations, and linkerd.io/inject only when asked', () => {
    const a = MeshSidecar.linkerd().podAnnotations();
    expect(a['config.beta.linkerd.io/proxy-enable-native-sidecar']).toBe('true');
    expect(a['config.alpha.linkerd.io/proxy-enable-native-sidecar']).toBe('true');
    expect(a['linkerd.io/inject']).toBeUndefined();
    expect(MeshSidecar.linkerd({ inject: true }).podAnnotations()['linkerd.io/inject']).toBe('enabled');
    expect(MeshSidecar.linkerd()).toMatchObject({ mesh: 'Linkerd', minimumMeshVersion: '2.15' });
  });

  test('returns copies', () => {
    const m = MeshSidecar.istio();
    m.podAnnotations().x = 'y';
    expect(m.podAnnotations()).toEqual({ 'sidecar.istio.io/nativeSidecar': 'true' });
  });

  test('the linter accepts what it writes, and flags injection without it', () => {
    expect(meshFindings(MeshSidecar.istio({ inject: true }))).toEqual([]);
    expect(meshFindings(MeshSidecar.linkerd({ inject: true }))).toEqual([]);
    expect(Linter.lintManifests([jobWith({ 'sidecar.istio.io/inject': 'true' }, {})]).filter(f => f.rule === 'job-mesh-sidecar-injected')).toHaveLength(1);
    expect(Linter.lintManifests([jobWith({}, { 'linkerd.io/inject': 'enabled' })]).filter(f => f.rule === 'job-mesh-sidecar-injected')).toHaveLength(1);
  });
});
