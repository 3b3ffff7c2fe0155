import * as fs from 'fs';
import { ManifestError, parseManifests, SourcedManifest } from '../_manifest';
import { KubernetesVersion } from '../kubernetes-version';
import { parseSeverity, severityRank } from './_catalog';
import { EngineOptions, lintSourced } from './_engine';
import { engineOptions } from './_options';
import { Finding, Severity } from './types';

/**
 * Options of the cdk8s validation plugin, given as `properties:` in `cdk8s.yaml`.
 */
export interface SidecarLintValidationProps {
  /**
   * The Kubernetes release the manifests target, e.g. `1.29` or `v1.30.2`.
   *
   * @default "1.29"
   */
  readonly kubernetesVersion?: string;

  /**
   * Whether the `SidecarContainers` feature gate is on (only matters on Kubernetes 1.28).
   *
   * @default false
   */
  readonly sidecarContainersFeatureGate?: boolean;

  /**
   * Report only findings at or above this severity (`error`, `warning` or `info`). Synthesis fails only on `error`
   * findings whatever this is.
   *
   * @default Severity.INFO
   */
  readonly minSeverity?: Severity;

  /**
   * Rule ids never to report.
   *
   * @default - none
   */
  readonly ignore?: string[];
}

/**
 * A resource that violates a rule, as the cdk8s CLI expects it.
 */
export interface LintViolatingResource {
  /** `metadata.name` of the resource (the cdk8s CLI maps it to the construct path). */
  readonly resourceName: string;

  /** Paths of the offending fields, slash-separated, e.g. `spec/template/spec/initContainers/0/startupProbe`. */
  readonly locations: string[];

  /** The manifest file holding the resource. */
  readonly manifestPath: string;
}

/**
 * A violation in the shape of the cdk8s CLI's `ValidationViolation`.
 */
export interface LintViolation {
  /** The lint rule id. */
  readonly ruleName: string;

  /** `[severity] message` of the finding. */
  readonly recommendation: string;

  /** How to fix it. */
  readonly fix: string;

  /** The offending resources. */
  readonly violatingResources: LintViolatingResource[];
}

/**
 * The part of the cdk8s CLI's `ValidationReport` this plugin uses.
 */
export interface IValidationReport {
  /**
   * Add a violation to the report.
   *
   * @param violation the violation
   */
  addViolation(violation: LintViolation): void;

  /**
   * Submit the report.
   *
   * @param status `success` or `failure`
   * @param metadata extra key/values shown in the report
   */
  submit(status: string, metadata?: Record<string, string>): void;
}

/**
 * The part of the cdk8s CLI's `ValidationLogger` this plugin uses.
 */
export interface IValidationLogger {
  /**
   * Log a message.
   *
   * @param message the message
   */
  log(message: string): void;
}

/**
 * The part of the cdk8s CLI's `ValidationContext` this plugin uses; the CLI passes its own `ValidationContext`,
 * which has these members.
 */
export interface IValidationContext {
  /** Paths of the synthesized manifest files. */
  readonly manifests: string[];

  /** The report to fill and submit. */
  readonly report: IValidationReport;

  /**
   * Logger of the validation.
   *
   * @default - messages are not logged
   */
  readonly logger?: IValidationLogger;
}

/**
 * A cdk8s validation plugin that runs the sidecar linter on the synthesized manifests during `cdk8s synth`.
 *
 * Every finding becomes a violation (rule id, `[severity] message`, fix, resource name, field path, manifest);
 * synthesis fails (exit code 2) when any finding has `error` severity. Add to `cdk8s.yaml`:
 *
 * ```yaml
 * validations:
 *   - package: ./node_modules/cdk8s-sidecars
 *     version: 0.0.0          # any exact version: local packages are not installed
 *     class: SidecarLintValidation
 *     properties:
 *       kubernetesVersion: "1.29"
 * ```
 */
export class SidecarLintValidation {
  private readonly options: EngineOptions;
  private readonly versionText: string;

  /**
   * @param props plugin options (`properties:` in cdk8s.yaml)
   * @throws Error for an invalid version, severity or rule id
   */
  constructor(props: SidecarLintValidationProps = {}) {
    let version = KubernetesVersion.DEFAULT;
    if (props.kubernetesVersion !== undefined) {
      version = KubernetesVersion.parse(String(props.kubernetesVersion));
    }
    let minSeverity = Severity.INFO;
    if (props.minSeverity !== undefined) {
      const s = parseSeverity(props.minSeverity);
      if (!s) throw new Error(`SidecarLintValidation: minSeverity must be error, warning or info, got '${props.minSeverity}'`);
      minSeverity = s;
    }
    const ignore = props.ignore === undefined ? [] : Array.isArray(props.ignore) ? props.ignore.map(String) : String(props.ignore).split(/[\s,]+/).filter(Boolean);
    try {
      this.options = engineOptions({
        kubernetesVersion: version,
        minSeverity,
        ignoreRules: ignore,
        sidecarContainersFeatureGate: props.sidecarContainersFeatureGate === true || String(props.sidecarContainersFeatureGate) === 'true',
      });
    } catch (e: any) {
      throw new Error(`SidecarLintValidation: ${e.message}`);
    }
    this.versionText = version.toString();
  }

  /**
   * Lint the manifests of `context` and submit the report: `failure` when there is an error finding.
   *
   * @param context the cdk8s CLI validation context
   */
  public async validate(context: IValidationContext): Promise<void> {
    const items: SourcedManifest[] = [];
    const unreadable: string[] = [];
    for (const file of context.manifests) {
      try {
        items.push(...parseManifests(fs.readFileSync(file, 'utf8'), file));
      } catch (e: any) {
        unreadable.push(e instanceof ManifestError ? e.message : `${file}: cannot read: ${e.message}`);
      }
    }
    const findings = lintSourced(items, this.options);
    for (const f of findings) context.report.addViolation(toViolation(f));
    for (const message of unreadable) {
      context.report.addViolation({ ruleName: 'unreadable-manifest', recommendation: `[error] ${message}`, fix: 'fix the manifest', violatingResources: [] });
    }
    const counts = { error: 0, warning: 0, info: 0 };
    for (const f of findings) counts[f.severity]++;
    context.logger?.log(`cdk8s-sidecars lint: ${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} info finding(s)`);
    const failed = unreadable.length > 0 || findings.some(f => severityRank(f.severity) >= severityRank(Severity.ERROR));
    context.report.submit(failed ? 'failure' : 'success', {
      kubernetesVersion: this.versionText,
      errors: String(counts.error),
      warnings: String(counts.warning),
      infos: String(counts.info),
    });
  }
}

/** `spec.template.spec.initContainers[0].startupProbe` → `spec/template/spec/initContainers/0/startupProbe`. */
function slashPath(path: string): string {
  return path.replace(/\[(\d+)\]/g, '.$1').split('.').filter(Boolean).join('/');
}

function toViolation(f: Finding): LintViolation {
  return {
    ruleName: f.rule,
    recommendation: `[${f.severity}] ${f.message}`,
    fix: f.fix,
    violatingResources: [{
      resourceName: f.name,
      locations: [slashPath(f.path)],
      manifestPath: f.file ?? '',
    }],
  };
}
