import * as kplus from 'cdk8s-plus-28';
import { constructError } from './_errors';
import { ISTIO, LINKERD } from './_mesh-facts';
import { nativeSidecarsWork, SIDECAR_BETA_MINOR, unsupportedSidecarConsequence } from './_version-facts';
import { KubernetesVersion } from './kubernetes-version';

/**
 * Options of `MeshSidecar.istio()` and `MeshSidecar.linkerd()`.
 */
export interface MeshSidecarOptions {
  /**
   * Also ask the mesh to inject its proxy into the pod (Istio: the pod label `sidecar.istio.io/inject: "true"`;
   * Linkerd: the pod annotation `linkerd.io/inject: enabled`). Leave it off when the namespace already turns injection
   * on (Istio's `istio-injection=enabled` / `istio.io/rev` label, Linkerd's `linkerd.io/inject` annotation).
   *
   * @default false
   */
  readonly inject?: boolean;
}

/**
 * Makes the proxy that a service mesh injects into a Job's pod a native sidecar (an init container with
 * `restartPolicy: Always`), so that it starts before the app and is stopped after it: the Job completes. Without it
 * an injected proxy is a regular container that never exits and the Job never completes (istio/istio#11659,
 * linkerd/linkerd2#1869), unless the mesh release injects native sidecars by default (Istio 1.27+, Linkerd 2.20+).
 *
 * Set it as `meshSidecar` of `SidecarJob` / `SidecarCronJob`. It writes pod-template metadata only; the mesh's
 * injector does the rest. Needs Kubernetes 1.29+ (native sidecars on by default) and:
 * - Istio 1.24+ (`MeshSidecar.istio()`, the pod annotation `sidecar.istio.io/nativeSidecar: "true"`,
 *   https://istio.io/latest/docs/reference/config/annotations/);
 * - Linkerd 2.15+ (`MeshSidecar.linkerd()`, the pod annotations `config.beta.linkerd.io/proxy-enable-native-sidecar`
 *   and, for releases before the beta key, `config.alpha.linkerd.io/proxy-enable-native-sidecar`, both `"true"`,
 *   https://linkerd.io/2/reference/proxy-configuration/).
 *
 * The linter's `job-mesh-sidecar-injected` rule checks the same keys (docs/rules.md).
 */
export class MeshSidecar {
  /**
   * Istio: inject `istio-proxy` as a native sidecar (Istio 1.24+).
   * @param options whether to also request injection on the pod
   */
  public static istio(options: MeshSidecarOptions = {}): MeshSidecar {
    return new MeshSidecar('Istio', ISTIO.nativeAnnotationSince,
      options.inject ? { [ISTIO.injectKey]: 'true' } : {},
      { [ISTIO.nativeSidecarAnnotation]: 'true' });
  }

  /**
   * Linkerd: inject `linkerd-proxy` as a native sidecar (Linkerd 2.15+).
   * @param options whether to also request injection on the pod
   */
  public static linkerd(options: MeshSidecarOptions = {}): MeshSidecar {
    const native: { [key: string]: string } = {};
    for (const key of LINKERD.constructNativeSidecarAnnotations) native[key] = 'true';
    return new MeshSidecar('Linkerd', LINKERD.nativeSince, {},
      options.inject ? { [LINKERD.injectAnnotation]: 'enabled', ...native } : native);
  }

  /** The mesh, `Istio` or `Linkerd`. */
  public readonly mesh: string;

  /** The first release of the mesh that honours the keys written here, e.g. `1.24` for Istio. */
  public readonly minimumMeshVersion: string;

  private readonly labels: { [key: string]: string };
  private readonly annotations: { [key: string]: string };

  private constructor(mesh: string, minimumMeshVersion: string, labels: { [key: string]: string }, annotations: { [key: string]: string }) {
    this.mesh = mesh;
    this.minimumMeshVersion = minimumMeshVersion;
    this.labels = labels;
    this.annotations = annotations;
  }

  /** The labels to put on the pod template (a copy). */
  public podLabels(): { [key: string]: string } {
    return { ...this.labels };
  }

  /** The annotations to put on the pod template (a copy). */
  public podAnnotations(): { [key: string]: string } {
    return { ...this.annotations };
  }

  /**
   * Write the pod-template metadata of `workload` (SidecarJob / SidecarCronJob), after checking that the target
   * Kubernetes version runs native sidecars.
   * @internal
   */
  public _applyTo(workload: kplus.Workload, where: string,
    target: { readonly version: KubernetesVersion; readonly featureGate: boolean; readonly source: string }): void {
    if (!nativeSidecarsWork(target.version, target.featureGate)) {
      throw constructError(where, `meshSidecar (${this.mesh})`,
        `asks for the mesh proxy as a native sidecar, but the target is Kubernetes ${target.version.toString()} (from ${target.source}), and ${unsupportedSidecarConsequence(target.version)}`,
        `Target Kubernetes 1.${SIDECAR_BETA_MINOR} or later, or remove meshSidecar and keep the mesh out of this Job (${this.mesh === 'Istio' ? `${ISTIO.injectKey}: "false"` : `${LINKERD.injectAnnotation}: disabled`})`);
    }
    for (const [k, v] of Object.entries(this.labels)) workload.podMetadata.addLabel(k, v);
    for (const [k, v] of Object.entries(this.annotations)) workload.podMetadata.addAnnotation(k, v);
  }
}
