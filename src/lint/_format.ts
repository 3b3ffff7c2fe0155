/**
 * Output formats of `cdk8s-sidecars lint`: text (one line per finding + fix), JSON and SARIF 2.1.0 (GitHub code
 * scanning).
 */
import * as path from 'path';
import { pathToFileURL } from 'url';
import { docsUrlOf, RULE_DEFS, RULES_BY_ID } from './_catalog';
import { Finding, Severity } from './types';

export interface LintSummary {
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
  readonly objects: number;
  readonly files: number;
  readonly kubernetesVersion: string;
}

export function summarize(findings: readonly Finding[], objects: number, files: number, kubernetesVersion: string): LintSummary {
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const f of findings) {
    if (f.severity === Severity.ERROR) errors++;
    else if (f.severity === Severity.WARNING) warnings++;
    else infos++;
  }
  return { errors, warnings, infos, objects, files, kubernetesVersion };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * One line per finding and its fix, then a summary line.
 * @param inputErrors how many inputs could not be read (reported on stderr), mentioned in the summary
 */
export function formatText(findings: readonly Finding[], summary: LintSummary, inputErrors = 0): string {
  const lines: string[] = [];
  for (const f of findings) {
    const where = f.file ? `${f.file}${f.line ? `:${f.line}` : ''}: ` : '';
    const ns = f.namespaceName ? `${f.namespaceName}/` : '';
    const container = f.container ? ` container '${f.container}'` : '';
    lines.push(`${where}${f.kind}/${ns}${f.name}${container}: [${f.severity}] ${f.rule}: ${f.message}`);
    lines.push(`    fix: ${f.fix}`);
  }
  const total = summary.errors + summary.warnings + summary.infos;
  const counts = `${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}, ${summary.infos} info`;
  const unreadable = inputErrors > 0 ? `; ${plural(inputErrors, 'input')} not linted (malformed or unreadable, see above)` : '';
  lines.push(`${total === 0 ? 'no findings' : `${plural(total, 'finding')} (${counts})`} in ${plural(summary.objects, 'object')} from ${plural(summary.files, 'input')} (Kubernetes ${summary.kubernetesVersion})${unreadable}`);
  return `${lines.join('\n')}\n`;
}

/**
 * `{ findings, summary }`, plus `inputErrors` (one message per malformed or unreadable input) when there are any.
 */
export function formatJson(findings: readonly Finding[], summary: LintSummary, inputErrors: readonly string[] = []): string {
  const out = {
    findings: findings.map(f => ({
      rule: f.rule,
      severity: f.severity,
      kind: f.kind,
      name: f.name,
      namespace: f.namespaceName ?? null,
      container: f.container ?? null,
      path: f.path,
      message: f.message,
      fix: f.fix,
      file: f.file ?? null,
      line: f.line ?? null,
    })),
    summary,
    ...(inputErrors.length > 0 ? { inputErrors } : {}),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

const SARIF_LEVEL: Record<Severity, string> = {
  [Severity.ERROR]: 'error',
  [Severity.WARNING]: 'warning',
  [Severity.INFO]: 'note',
};

/** The `uriBaseId` of paths below the directory the linter ran in (GitHub code scanning resolves it to the checkout). */
export const SARIF_SRCROOT = '%SRCROOT%';

/** A SARIF `artifactLocation`. */
export interface SarifArtifactLocation {
  readonly uri: string;
  readonly uriBaseId?: string;
}

/**
 * Where a finding's file is, for SARIF: a relative, forward-slash, percent-encoded URI with `uriBaseId: %SRCROOT%`
 * when the file is below `cwd`; an absolute `file://` URI (no `uriBaseId`) when it is not; `stdin` for standard input.
 */
export function sarifArtifactLocation(file: string | undefined, cwd: string): SarifArtifactLocation {
  if (file === undefined || file === '<stdin>') return { uri: file === undefined ? 'manifest.yaml' : 'stdin' };
  const absolute = path.resolve(cwd, file);
  const relative = path.relative(path.resolve(cwd), absolute);
  const outside = relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
  if (outside) return { uri: pathToFileURL(absolute).href };
  return { uri: relative.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: SARIF_SRCROOT };
}

/**
 * `file:///work/repo/` for `/work/repo`: an absolute directory URI ends with a slash (SARIF 2.1.0, section 3.14.14,
 * https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html).
 */
function directoryUri(dir: string): string {
  const href = pathToFileURL(path.resolve(dir)).href;
  return href.endsWith('/') ? href : `${href}/`;
}

/**
 * SARIF 2.1.0: one run, every rule of the catalog, one result per finding located at its line (the offending
 * container or field's mapping, see `withContainerLines` in command.ts); inputs that could not be read are error
 * notifications of a failed invocation. Paths are relative to `cwd` (uriBaseId `%SRCROOT%`, declared in `originalUriBaseIds`) when below it.
 */
export function formatSarif(
  findings: readonly Finding[], toolVersion: string, cwd: string = process.cwd(), inputErrors: readonly string[] = [],
): string {
  const locations = findings.map(f => sarifArtifactLocation(f.file, cwd));
  const usesSrcRoot = locations.some(l => l.uriBaseId === SARIF_SRCROOT);
  const ruleIndex = new Map(RULE_DEFS.map((r, i) => [r.id, i]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'cdk8s-sidecars',
          informationUri: 'https://github.com/cdk8s-sidecars/cdk8s-sidecars',
          version: toolVersion,
          rules: RULE_DEFS.map(r => ({
            id: r.id,
            name: r.id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
            shortDescription: { text: r.summary },
            helpUri: docsUrlOf(r.id),
            help: { text: `${r.summary} See ${docsUrlOf(r.id)}` },
            defaultConfiguration: { level: SARIF_LEVEL[r.severity] },
          })),
        },
      },
      ...(usesSrcRoot ? { originalUriBaseIds: { [SARIF_SRCROOT]: { uri: directoryUri(cwd) } } } : {}),
      // inputs that could not be read: a failed invocation with one error notification each (SARIF 2.1.0 `invocation` and
      // `notification` objects, https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html)
      ...(inputErrors.length > 0 ? {
        invocations: [{
          executionSuccessful: false,
          toolExecutionNotifications: inputErrors.map(text => ({ level: 'error', message: { text } })),
        }],
      } : {}),
      results: findings.map((f, i) => {
        const result: any = {
          ruleId: f.rule,
          ruleIndex: ruleIndex.get(f.rule),
          level: SARIF_LEVEL[RULES_BY_ID.get(f.rule)?.severity ?? f.severity],
          message: { text: `${f.kind}/${f.namespaceName ? `${f.namespaceName}/` : ''}${f.name}${f.container ? ` container '${f.container}'` : ''}: ${f.message}. Fix: ${f.fix}` },
          locations: [{
            physicalLocation: {
              artifactLocation: locations[i],
              region: { startLine: f.line ?? 1 },
            },
            logicalLocations: [{ fullyQualifiedName: `${f.kind}/${f.name}/${f.path}`, kind: 'resource' }],
          }],
          partialFingerprints: { 'cdk8sSidecarsFinding/v1': `${f.rule}:${f.kind}/${f.namespaceName ?? ''}/${f.name}:${f.path}` },
        };
        return result;
      }),
    }],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
