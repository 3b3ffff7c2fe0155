/** Defaults our constructs give every container they emit. */
import * as kplus from 'cdk8s-plus-28';

/** Kubernetes' own default: `Always` for `:latest` or no tag, `IfNotPresent` otherwise. */
export function defaultPullPolicy(image: string): kplus.ImagePullPolicy {
  if (image.includes('@')) return kplus.ImagePullPolicy.IF_NOT_PRESENT;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : undefined;
  return tag === undefined || tag === 'latest' ? kplus.ImagePullPolicy.ALWAYS : kplus.ImagePullPolicy.IF_NOT_PRESENT;
}

/**
 * Fill the fields the user left unset with Pod Security Standards *restricted* values; keep every field they set.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
// shared (frozen) default objects: thousands of workloads need not carry thousands of identical copies
const DROP_ALL: kplus.ContainerSecutiryContextCapabilities = Object.freeze({ drop: Object.freeze([kplus.Capability.ALL]) as kplus.Capability[] });
const RUNTIME_DEFAULT: kplus.SeccompProfile = Object.freeze({ type: kplus.SeccompProfileType.RUNTIME_DEFAULT });

export function restrictedSecurityContext(given: kplus.ContainerSecurityContextProps = {}): kplus.ContainerSecurityContextProps {
  return {
    ...given,
    ensureNonRoot: given.ensureNonRoot ?? true,
    privileged: given.privileged ?? false,
    allowPrivilegeEscalation: given.allowPrivilegeEscalation ?? false,
    readOnlyRootFilesystem: given.readOnlyRootFilesystem ?? true,
    capabilities: given.capabilities ?? DROP_ALL,
    seccompProfile: given.seccompProfile ?? RUNTIME_DEFAULT,
  };
}

/**
 * App/init container props with our defaults for the fields the user left unset: restricted security context, and
 * Kubernetes' own pull-policy rule instead of cdk8s-plus's `Always` (a pinned image need not be pulled every run).
 */
export function withContainerDefaults(props: kplus.ContainerProps): kplus.ContainerProps {
  return {
    ...props,
    imagePullPolicy: props.imagePullPolicy ?? (typeof props.image === 'string' ? defaultPullPolicy(props.image) : undefined),
    securityContext: restrictedSecurityContext(props.securityContext),
  };
}
