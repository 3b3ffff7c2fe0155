import { Manifest, parseManifests, SourcedManifest } from '../_manifest';
import { docsUrlOf, RULE_DEFS, RULES_BY_ID } from './_catalog';
import { Rule } from './_context';
import { lintSourced } from './_engine';
import { engineOptions } from './_options';
import { Finding, LintOptions, RuleInfo, Severity } from './types';

/**
 * Checks Kubernetes manifests for broken sidecar patterns: helpers that keep Jobs from completing, init containers
 * that never exit, native sidecars without startup probes or on clusters that cannot run them, and more (see
 * `Linter.rules()` and docs/rules.md).
 *
 * Works on plain objects, so it lints anything: Helm output, hand-written YAML, or a cdk8s chart in a unit test:
 *
 * ```ts
 * const findings = Linter.lintManifests(Testing.synth(chart));
 * expect(findings.filter(f => f.severity === Severity.ERROR)).toEqual([]);
 * ```
 *
 * Suppress rules for one object with the annotation `lint.cdk8s-sidecars.io/ignore: rule-a,rule-b` (or `all`) on the
 * object or on its pod template.
 */
export class Linter {
  /**
   * Lint Kubernetes objects, e.g. the output of `Testing.synth(chart)` or of a YAML parser. `List` objects are
   * flattened; objects without a pod template (Service, ConfigMap, ...) are accepted and produce no finding.
   *
   * @param manifests Kubernetes objects (each with `apiVersion` and `kind`)
   * @param options lint options
   * @returns the findings, in input order
   */
  public static lintManifests(manifests: any[], options: LintOptions = {}): Finding[] {
    if (!Array.isArray(manifests)) {
      throw new Error(`Linter.lintManifests(): expected an array of Kubernetes objects, got ${typeof manifests}`);
    }
    const items: SourcedManifest[] = [];
    manifests.forEach((m, i) => flattenInto(m, `item ${i}`, options.file, items));
    return lintSourced(items, engineOptions(options));
  }

  /**
   * Lint a multi-document YAML (or JSON) text.
   *
   * @param text the manifests
   * @param options lint options; `file` names the text in findings and errors
   * @returns the findings, in document order, each with the document's start `line`
   * @throws Error naming the file and line when the text is not valid YAML or holds a non-Kubernetes document
   */
  public static lintYaml(text: string, options: LintOptions = {}): Finding[] {
    const items = parseManifests(text, options.file ?? '<input>');
    const withFile = options.file === undefined ? items.map(i => ({ manifest: i.manifest, line: i.line })) : items;
    return lintSourced(withFile, engineOptions(options));
  }

  /**
   * The rule catalog, in documentation order.
   */
  public static rules(): RuleInfo[] {
    return RULE_DEFS.map(ruleInfo);
  }

  /**
   * One rule of the catalog.
   *
   * @param id the rule id, e.g. `job-helper-never-exits`
   * @returns the rule, or undefined for an unknown id
   */
  public static rule(id: string): RuleInfo | undefined {
    const r = RULES_BY_ID.get(id);
    return r ? ruleInfo(r) : undefined;
  }

  /**
   * Whether any finding has `Severity.ERROR` (what makes the CLI exit 1 and the validation plugin fail).
   *
   * @param findings findings of a lint run
   */
  public static hasErrors(findings: Finding[]): boolean {
    return findings.some(f => f.severity === Severity.ERROR);
  }

  private constructor() {}
}

function ruleInfo(r: Rule): RuleInfo {
  return { id: r.id, severity: r.severity, summary: r.summary, docsUrl: docsUrlOf(r.id) };
}

function flattenInto(m: unknown, where: string, file: string | undefined, out: SourcedManifest[]): void {
  if (m === null || typeof m !== 'object' || Array.isArray(m)) {
    throw new Error(`Linter.lintManifests(): ${where} is not a Kubernetes object (got ${Array.isArray(m) ? 'an array' : m === null ? 'null' : typeof m})`);
  }
  const obj = m as Manifest;
  if (typeof obj.kind !== 'string') {
    throw new Error(`Linter.lintManifests(): ${where} is not a Kubernetes object: it has no 'kind'`);
  }
  if (obj.kind === 'List' || (obj.kind.endsWith('List') && Array.isArray(obj.items))) {
    (Array.isArray(obj.items) ? obj.items : []).forEach((item: unknown, i: number) => flattenInto(item, `${where}.items[${i}]`, file, out));
    return;
  }
  out.push(file === undefined ? { manifest: obj } : { manifest: obj, file });
}
