import { KubernetesVersion } from '../kubernetes-version';

/**
 * How bad a lint finding is.
 *
 * Only `ERROR` findings make `cdk8s-sidecars lint` exit 1 and the cdk8s validation plugin fail `cdk8s synth`.
 */
export enum Severity {
  /** The workload is broken: it is rejected by the API server, or it hangs, never completes or never starts. */
  ERROR = 'error',
  /** Likely wrong or risky; works in some setups but deserves a look. */
  WARNING = 'warning',
  /** Hygiene suggestion or a known issue of the target Kubernetes version worth knowing about. */
  INFO = 'info',
}

/**
 * One problem found in one Kubernetes object.
 */
export interface Finding {
  /** Stable kebab-case rule id, e.g. `job-helper-never-exits`. */
  readonly rule: string;

  /** Severity of the rule. */
  readonly severity: Severity;

  /** `kind` of the object, e.g. `CronJob`. */
  readonly kind: string;

  /** `metadata.name` of the object (`<unnamed>` when it has none). */
  readonly name: string;

  /**
   * `metadata.namespace` of the object. Named `namespaceName` (like `GkeWorkloadIdentityProps.namespaceName`) because
   * `namespace` is a reserved word in C#; the JSON and SARIF output of the CLI still call it `namespace`.
   *
   * @default - the object sets no namespace
   */
  readonly namespaceName?: string;

  /**
   * Name of the container the finding is about.
   *
   * @default - the finding is about the object or the pod as a whole
   */
  readonly container?: string;

  /**
   * Path of the offending field inside the object, dotted with array indexes, e.g.
   * `spec.jobTemplate.spec.template.spec.initContainers[0].startupProbe`.
   */
  readonly path: string;

  /** One-line description naming the container and the fact. */
  readonly message: string;

  /** A concrete fix. */
  readonly fix: string;

  /**
   * File the object was read from (`<stdin>` for standard input).
   *
   * @default - the object was linted from memory
   */
  readonly file?: string;

  /**
   * 1-based line of the start of the YAML document holding the object in `file`.
   *
   * @default - unknown
   */
  readonly line?: number;
}

/**
 * Options for a lint run.
 */
export interface LintOptions {
  /**
   * The Kubernetes release the manifests will be applied to. Drives `native-sidecar-unsupported-version`,
   * `invalid-container-restart-policy` and `known-kubelet-bug`.
   *
   * @default KubernetesVersion.DEFAULT (the cdk8s-plus line's release, at least 1.29)
   */
  readonly kubernetesVersion?: KubernetesVersion;

  /**
   * Whether the `SidecarContainers` feature gate is enabled on the cluster. Only matters on Kubernetes 1.28, where it
   * is off by default.
   *
   * @default false
   */
  readonly sidecarContainersFeatureGate?: boolean;

  /**
   * Drop findings below this severity.
   *
   * @default Severity.INFO (report everything)
   */
  readonly minSeverity?: Severity;

  /**
   * Rule ids never to report, for every object (per-object suppression uses the annotation
   * `lint.cdk8s-sidecars.io/ignore`).
   *
   * @default - no rule is ignored
   */
  readonly ignoreRules?: string[];

  /**
   * File name to put in the findings.
   *
   * @default - findings have no file
   */
  readonly file?: string;
}

/**
 * A lint rule of the catalog.
 */
export interface RuleInfo {
  /** Stable kebab-case rule id. */
  readonly id: string;

  /** Severity of every finding of this rule. */
  readonly severity: Severity;

  /** One-line summary of what the rule detects. */
  readonly summary: string;

  /** Link to the rule's section in `docs/rules.md`. */
  readonly docsUrl: string;
}
