import { propError } from './_errors';
import {
  DEFAULT_KUBERNETES_VERSION,
  formatMinorVersion,
  MAX_MINOR,
  parseMinorVersion,
  atLeast,
} from './_version-facts';

/**
 * A Kubernetes release (`major.minor`) that the manifests are meant for.
 *
 * Native sidecars need 1.29 or later (beta, on by default); on 1.28 they are alpha behind the `SidecarContainers`
 * feature gate; below 1.28 they do not exist. Set it per chart with the context key
 * `cdk8s-sidecars/kubernetes-version` or per construct with the `kubernetesVersion` prop.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/
 */
export class KubernetesVersion {
  /** Kubernetes 1.27 (no native sidecars). */
  public static readonly V1_27 = new KubernetesVersion(1, 27);
  /** Kubernetes 1.28 (native sidecars alpha, behind the `SidecarContainers` feature gate). */
  public static readonly V1_28 = new KubernetesVersion(1, 28);
  /** Kubernetes 1.29 (native sidecars beta, on by default). */
  public static readonly V1_29 = new KubernetesVersion(1, 29);
  /** Kubernetes 1.30. */
  public static readonly V1_30 = new KubernetesVersion(1, 30);
  /** Kubernetes 1.31. */
  public static readonly V1_31 = new KubernetesVersion(1, 31);
  /** Kubernetes 1.32. */
  public static readonly V1_32 = new KubernetesVersion(1, 32);
  /** Kubernetes 1.33 (native sidecars GA). */
  public static readonly V1_33 = new KubernetesVersion(1, 33);
  /** Kubernetes 1.34. */
  public static readonly V1_34 = new KubernetesVersion(1, 34);
  /** Kubernetes 1.35. */
  public static readonly V1_35 = new KubernetesVersion(1, 35);

  /**
   * The default target: the Kubernetes minor of the cdk8s-plus line this package is built for, at least 1.29 (the
   * first release with native sidecars on by default). `cdk8s-sidecars` (cdk8s-plus-28): 1.29;
   * `cdk8s-sidecars-plus-33`: 1.33; `cdk8s-sidecars-plus-34`: 1.34.
   */
  public static readonly DEFAULT = new KubernetesVersion(DEFAULT_KUBERNETES_VERSION.major, DEFAULT_KUBERNETES_VERSION.minor);

  /**
   * Any 1.x release.
   * @param minor the minor version, e.g. `30` for Kubernetes 1.30
   */
  public static of(minor: number): KubernetesVersion {
    if (!Number.isInteger(minor) || minor < 0 || minor > MAX_MINOR) {
      throw propError(undefined, 'KubernetesVersion.of()', 'minor', `must be a whole number from 0 to ${MAX_MINOR}`, minor, 'Use e.g. KubernetesVersion.of(30) for Kubernetes 1.30');
    }
    return new KubernetesVersion(1, minor);
  }

  /**
   * Parse `1.29`, `v1.29` or a full release such as `v1.29.3-gke.100` (the patch part is ignored).
   * @param text the version text
   */
  public static parse(text: string): KubernetesVersion {
    const v = parseMinorVersion(String(text));
    if (!v) {
      throw propError(undefined, 'KubernetesVersion.parse()', 'text', "must be a Kubernetes 1.x version like '1.29' or 'v1.29.3'", text, "Use e.g. KubernetesVersion.parse('1.30')");
    }
    return new KubernetesVersion(v.major, v.minor);
  }

  private constructor(
    /** The major version (always 1 today). */
    public readonly major: number,
    /** The minor version. */
    public readonly minor: number,
  ) {}

  /** `major.minor`, e.g. `1.29`. */
  public toString(): string {
    return formatMinorVersion(this);
  }

  /**
   * Whether this release is `other` or later.
   * @param other the release to compare with
   */
  public isAtLeast(other: KubernetesVersion): boolean {
    return atLeast(this, other);
  }
}
