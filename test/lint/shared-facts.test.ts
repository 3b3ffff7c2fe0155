// The linter reads Kubernetes versions from src/_version-facts.ts and proxy flags, ports and defaults from
// src/_proxy-flavors.ts: no literal copy of them may appear in src/lint (comments aside). The TypeScript scanner
// yields every string, template, number and regex literal of the code.
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import {
  COMMON_FLAGS, ENGINE_DEFAULT_PORTS, INSTANCE_QUERY_KEYS, PROXY_BINARY_DEFAULTS, PROXY_CONSTRUCT_DEFAULTS, PROXY_FLAVORS, SHUTDOWN_SUBCOMMAND,
} from '../../src/_proxy-flavors';

const LINT_DIR = path.join(__dirname, '..', '..', 'src', 'lint');

interface Literal { file: string; line: number; text: string }

function literalsOf(file: string): Literal[] {
  const source = fs.readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const out: Literal[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isNumericLiteral(node) || ts.isRegularExpressionLiteral(node)
      || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      out.push({ file: path.basename(file), line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1, text: node.getText() });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

const literals = fs.readdirSync(LINT_DIR).filter(f => f.endsWith('.ts')).flatMap(f => literalsOf(path.join(LINT_DIR, f)));

function offending(re: RegExp, allow: (l: Literal) => boolean = () => false): string[] {
  return literals.filter(l => re.test(l.text) && !allow(l)).map(l => `${l.file}:${l.line}: ${l.text}`);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test('the scanner sees the literals of src/lint', () => {
  expect(literals.length).toBeGreaterThan(300);
  expect(literals.some(l => l.text.includes('job-helper-never-exits'))).toBe(true);
});

test('no Kubernetes version literal (1.28, 1.29, ...): versions come from _version-facts.ts', () => {
  const allowed = (l: Literal) =>
    /Istio >= 1\.\d+/.test(l.text) // Istio's own version
    || /1\.0 to 1\.\$\{/.test(l.text) // the accepted range, from 1.0 to MAX_MINOR
    || (l.file === 'validation-plugin.ts' && /would read as 1\.3|Quote it/.test(l.text)); // the YAML number pitfall, by example
  expect(offending(/(?<![\w.])1\.\d{1,2}(?![\d.])/, allowed)).toEqual([]);
});

test('no proxy flag spelled out: flags come from COMMON_FLAGS and the flavours', () => {
  const flags = new Set<string>([
    ...Object.values(COMMON_FLAGS),
    ...PROXY_FLAVORS.flatMap(f => [f.flags.exitZeroOnSigterm, ...Object.values(f.flags.ipTypeFlags), ...f.flags.only]),
  ]);
  const re = new RegExp(`(?<![\\w-])(${[...flags].map(escape).join('|')})(?![\\w-])`);
  expect(offending(re)).toEqual([]);
});

test('no proxy port, address, endpoint, env or config key spelled out', () => {
  const values = [
    PROXY_CONSTRUCT_DEFAULTS.healthPort, PROXY_CONSTRUCT_DEFAULTS.httpAddress, PROXY_BINARY_DEFAULTS.httpPort, PROXY_BINARY_DEFAULTS.adminPort,
    PROXY_BINARY_DEFAULTS.startupPath, PROXY_BINARY_DEFAULTS.readinessPath, PROXY_BINARY_DEFAULTS.livenessPath,
    ...Object.values(ENGINE_DEFAULT_PORTS),
    ...PROXY_FLAVORS.flatMap(f => [f.envPrefix, f.instanceConfigKey, f.binary]),
  ].map(String);
  const re = new RegExp(`(?<![\\w.-])(${values.map(escape).join('|')})(?![\\w.-])`);
  expect(offending(re)).toEqual([]);
  // query keys and subcommands inside a string (`?port=`, `"shutdown"`)
  expect(offending(new RegExp(`[?&](${Object.values(INSTANCE_QUERY_KEYS).map(escape).join('|')})=`))).toEqual([]);
  expect(offending(new RegExp(`["'\`]${SHUTDOWN_SUBCOMMAND}["'\`]|"${SHUTDOWN_SUBCOMMAND}"`))).toEqual([]);
  expect(offending(/'CSQL|'ALLOYDB/)).toEqual([]);
});

test('every public method, constructor parameter and property of the lint API is documented (API.md shows blanks otherwise)', () => {
  // .jsii is written by the compile step that `npm test` runs first (locally: `npx projen compile`)
  const assembly = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '.jsii'), 'utf8'));
  const missing: string[] = [];
  let checked = 0;
  for (const [fqn, type] of Object.entries<any>(assembly.types)) {
    if (!String(type.locationInModule?.filename ?? '').startsWith('src/lint/')) continue;
    checked++;
    const methods = [...(type.methods ?? []), ...(type.initializer ? [{ name: 'constructor', ...type.initializer }] : [])];
    for (const m of methods) {
      if (m.name !== 'constructor' && !m.docs?.summary) missing.push(`${fqn}.${m.name}()`);
      for (const p of m.parameters ?? []) if (!p.docs?.summary) missing.push(`${fqn}.${m.name}(${p.name})`);
    }
    for (const p of type.properties ?? []) if (!p.docs?.summary) missing.push(`${fqn}.${p.name}`);
  }
  expect(checked).toBeGreaterThanOrEqual(10);
  expect(missing).toEqual([]);
});
