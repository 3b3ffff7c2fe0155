import * as path from 'path';
import { ManifestError, parseManifests, SourcedManifest } from '../_manifest';
import { readInputFile } from '../_safe-yaml';
import { KubernetesVersion } from '../kubernetes-version';
import { parseSeverity, severityRank } from './_catalog';
import { EngineOptions } from './_context';
import { lintSourced } from './_engine';
import { engineOptions, parseTargetVersion } from './_options';
import { Finding, Severity } from './types';

/**
 * Options of the cdk8s validation plugin, given as `properties:` in `cdk8s.yaml`.
 *
 * An invalid property does not throw: the plugin reports it as a failed validation (rule
 * `invalid-plugin-properties`), so `cdk8s synth` shows it in its report and exits 2 instead of printing a stack trace.
 */
export interface SidecarLintValidationProps {
  /**
   * The Kubernetes release the manifests target, as a string, e.g. `"1.29"` or `"v1.30.2"`: quote it in
   * `cdk8s.yaml`. An unquoted `1.30` is the YAML number 1.3, so numbers are rejected rather than guessed.
   *
   * @default - the default target of this package's cdk8s-plus line (`KubernetesVersion.DEFAULT`: 1.29 for cdk8s-plus-28)
   */
  readonly kubernetesVersion?: string;

  /**
   * Whether the `SidecarContainers` feature gate is on (only matters on Kubernetes 1.28). `true`/`false`, or the
   * strings `"true"`/`"false"`.
   *
   * @default false
   */
  readonly sidecarContainersFeatureGate?: boolean;

  /**
   * Report only findings at or above this severity (`error`, `warning` or `info`). The cdk8s CLI prints every
   * reported finding under "Violations", so the plugin leaves `info` findings (advice, not problems) out unless this
   * is `info`. Synthesis fails only on `error` findings whatever this is. The `lint` command reports `info` findings
   * by default.
   *
   * @default Severity.WARNING
   */
  readonly minSeverity?: Severity;

  /**
   * Rule ids never to report (a list, or one comma-separated string), like `LintOptions.ignoreRules`.
   *
   * @default - no rule is ignored
   */
  readonly ignoreRules?: string[];

  /**
   * Rule ids never to report.
   *
   * @default - no rule is ignored
   * @deprecated use `ignoreRules`. Still accepted (merged with `ignoreRules`) so existing `cdk8s.yaml` files keep
   * working; the plugin logs a deprecation notice.
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

/** Property names the plugin knows (others are reported, to catch typos such as `ignoreRule`). */
const KNOWN_PROPERTIES = ['kubernetesVersion', 'sidecarContainersFeatureGate', 'minSeverity', 'ignoreRules', 'ignore'];

/** Rule name of the violation that reports invalid plugin properties. */
const INVALID_PROPERTIES_RULE = 'invalid-plugin-properties';

/**
 * A cdk8s validation plugin that runs the sidecar linter on the synthesized manifests during `cdk8s synth`.
 *
 * Every `error` and `warning` finding becomes a violation (rule id, `[severity] message`, fix, resource name, field
 * path, manifest); `info` findings only with `minSeverity: info`. Synthesis fails (exit code 2) when any finding has
 * `error` severity, when a manifest cannot be read, or when a property is invalid (reported as the violation
 * `invalid-plugin-properties` with the message as its location, without linting). Add to `cdk8s.yaml`:
 *
 * ```yaml
 * validations:
 *   - package: ./node_modules/cdk8s-sidecars
 *     version: 0.0.0          # any exact version: local packages are not installed
 *     class: SidecarLintValidation
 *     properties:
 *       kubernetesVersion: "1.29"   # quoted: an unquoted 1.30 would be the number 1.3
 * ```
 */
export class SidecarLintValidation {
  private readonly options?: EngineOptions;
  private readonly versionText: string;
  private readonly propertyErrors: string[] = [];
  private readonly notices: string[] = [];

  /**
   * Invalid properties are not thrown: `validate()` reports them as a failed validation.
   *
   * @param props plugin options (`properties:` in cdk8s.yaml)
   */
  constructor(props: SidecarLintValidationProps = {}) {
    const raw: Record<string, unknown> = props && typeof props === 'object' ? { ...props } : {};
    const error = (message: string) => this.propertyErrors.push(`SidecarLintValidation: ${message}`);

    const unknownKeys = Object.keys(raw).filter(k => !KNOWN_PROPERTIES.includes(k));
    for (const k of unknownKeys) error(`unknown property '${k}' (known: ${KNOWN_PROPERTIES.filter(p => p !== 'ignore').join(', ')})`);

    let version = KubernetesVersion.DEFAULT;
    const v = raw.kubernetesVersion;
    if (typeof v === 'number') {
      error(`properties.kubernetesVersion must be a version string like '1.30' (a number such as 1.30 would read as 1.3); got the number ${v}. Quote it in cdk8s.yaml: kubernetesVersion: "1.30"`);
    } else if (v !== undefined && v !== null) {
      const parsed = parseTargetVersion(String(v));
      if ('error' in parsed) error(`properties.kubernetesVersion ${parsed.error}`);
      else version = parsed.version;
    }

    let minSeverity = Severity.WARNING;
    if (raw.minSeverity !== undefined && raw.minSeverity !== null) {
      const s = parseSeverity(raw.minSeverity);
      if (s) minSeverity = s;
      else error(`properties.minSeverity must be error, warning or info, got ${JSON.stringify(raw.minSeverity)}`);
    }

    let featureGate = false;
    const gate = raw.sidecarContainersFeatureGate;
    if (gate === true || gate === 'true') {
      featureGate = true;
    } else if (gate !== undefined && gate !== null && gate !== false && gate !== 'false') {
      error(`properties.sidecarContainersFeatureGate must be true or false, got ${JSON.stringify(gate)}`);
    }

    if (raw.ignore !== undefined) {
      this.notices.push("SidecarLintValidation: properties.ignore is deprecated, use 'ignoreRules' (same values)");
    }
    const ignoreRules = [...ruleList(raw.ignoreRules), ...ruleList(raw.ignore)];

    if (this.propertyErrors.length === 0) {
      try {
        this.options = engineOptions({ kubernetesVersion: version, minSeverity, ignoreRules, sidecarContainersFeatureGate: featureGate });
      } catch (e: any) {
        error(`properties: ${e.message}`);
      }
    }
    this.versionText = version.toString();
  }

  /**
   * Lint the manifests of `context` and submit the report: `failure` when there is an error finding, an unreadable
   * manifest or an invalid property.
   *
   * @param context the cdk8s CLI validation context
   */
  public async validate(context: IValidationContext): Promise<void> {
    for (const n of this.notices) context.logger?.log(n);
    if (!this.options) {
      for (const message of this.propertyErrors) {
        // the cdk8s CLI titles a violation with its number of locations and lists them: one location, the message
        context.report.addViolation({
          ruleName: INVALID_PROPERTIES_RULE,
          recommendation: `[error] ${message}`,
          fix: 'fix the properties of SidecarLintValidation under validations: in cdk8s.yaml',
          violatingResources: [{ resourceName: 'SidecarLintValidation', locations: [message.replace(/^SidecarLintValidation: /, '')], manifestPath: 'cdk8s.yaml' }],
        });
      }
      context.logger?.log(`cdk8s-sidecars lint: not run, ${this.propertyErrors.length} invalid propert${this.propertyErrors.length === 1 ? 'y' : 'ies'}`);
      context.report.submit('failure', { invalidProperties: String(this.propertyErrors.length) });
      return;
    }
    const items: SourcedManifest[] = [];
    const unreadable: Array<{ file: string; message: string }> = [];
    for (const file of context.manifests) {
      try {
        items.push(...parseManifests(readInputFile(file), file));
      } catch (e: any) {
        if (!(e instanceof ManifestError)) throw e;
        unreadable.push({ file, message: e.message });
      }
    }
    const findings = lintSourced(items, this.options);
    for (const f of findings) context.report.addViolation(toViolation(f));
    for (const { file, message } of unreadable) {
      context.report.addViolation({
        ruleName: 'unreadable-manifest',
        recommendation: `[error] ${message}`,
        fix: 'fix the manifest',
        violatingResources: [{ resourceName: path.basename(file), locations: [message], manifestPath: file }],
      });
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

/** Rule ids from a YAML list or a comma/space-separated string. */
function ruleList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map(v => String(v).trim()).filter(Boolean);
  return String(value).split(/[\s,]+/).filter(Boolean);
}

/** `spec.template.spec.initContainers[0].startupProbe` → `spec/template/spec/initContainers/0/startupProbe`. */
function slashPath(dotted: string): string {
  return dotted.replace(/\[(\d+)\]/g, '.$1').split('.').filter(Boolean).join('/');
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
