/**
 * Service-mesh injection keys, in one place for the linter (src/lint) and the mesh options of the constructs
 * (src/mesh.ts). Plain data, no construct imports.
 *
 * Istio:
 * - injection: pod label (or the older pod annotation) `sidecar.istio.io/inject: "true"|"false"`; namespace label
 *   `istio-injection=enabled|disabled` or `istio.io/rev=<revision>`
 *   (https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/);
 * - native sidecar: pod annotation `sidecar.istio.io/nativeSidecar: "true"|"false"`, which takes precedence over
 *   istiod's `ENABLE_NATIVE_SIDECARS` (https://istio.io/latest/docs/reference/config/annotations/, added in Istio 1.24, istio/istio#53452);
 *   istiod injects native sidecars by default for eligible pods since Istio 1.27
 *   (https://istio.io/latest/news/releases/1.27.x/announcing-1.27/upgrade-notes/).
 *
 * Linkerd:
 * - injection: annotation `linkerd.io/inject: enabled|ingress|disabled` on the pod template or the namespace
 *   (https://linkerd.io/2/features/proxy-injection/);
 * - native sidecar: annotation `config.alpha.linkerd.io/proxy-enable-native-sidecar: "true"` (Linkerd 2.15 /
 *   edge-23.11.4, linkerd/linkerd2#11465), renamed `config.beta.linkerd.io/proxy-enable-native-sidecar`
 *   (linkerd/linkerd2#14587), then `config.linkerd.io/proxy-enable-native-sidecar` when native sidecars became the
 *   default in Linkerd 2.20 (linkerd/linkerd2#15267); on the pod template or the namespace
 *   (https://linkerd.io/2/reference/proxy-configuration/).
 */

/** Istio's keys and names. */
export const ISTIO = {
  /** Pod label (recommended) or annotation: `"true"` injects, `"false"` opts out. */
  injectKey: 'sidecar.istio.io/inject',
  /** Pod annotation: `"true"` injects istio-proxy as a native sidecar, `"false"` as a regular container. */
  nativeSidecarAnnotation: 'sidecar.istio.io/nativeSidecar',
  /** Namespace label: `enabled` / `disabled`. */
  namespaceInjectionLabel: 'istio-injection',
  /** Namespace (or pod) label naming a control-plane revision: injection on. */
  revisionLabel: 'istio.io/rev',
  /** Name of the injected proxy container. */
  proxyContainer: 'istio-proxy',
  /** First Istio release with the per-pod native-sidecar annotation. */
  nativeAnnotationSince: '1.24',
  /** First Istio release that injects native sidecars by default. */
  nativeByDefaultSince: '1.27',
} as const;

/** Linkerd's keys and names. */
export const LINKERD = {
  /** Annotation on the pod template or the namespace: `enabled` / `ingress` inject, `disabled` opts out. */
  injectAnnotation: 'linkerd.io/inject',
  /** Native-sidecar annotations, newest first (GA, beta, alpha); `"true"` / `"false"`. */
  nativeSidecarAnnotations: [
    'config.linkerd.io/proxy-enable-native-sidecar',
    'config.beta.linkerd.io/proxy-enable-native-sidecar',
    'config.alpha.linkerd.io/proxy-enable-native-sidecar',
  ],
  /** The keys the constructs write (beta and alpha): together understood from Linkerd 2.15 on. */
  constructNativeSidecarAnnotations: [
    'config.beta.linkerd.io/proxy-enable-native-sidecar',
    'config.alpha.linkerd.io/proxy-enable-native-sidecar',
  ],
  /** Name of the injected proxy container. */
  proxyContainer: 'linkerd-proxy',
  /** First Linkerd release with native sidecars (the alpha annotation). */
  nativeSince: '2.15',
  /** First Linkerd release that injects native sidecars by default. */
  nativeByDefaultSince: '2.20',
} as const;
