// Kubernetes versions live in src/_version-facts.ts and proxy flags, ports and defaults in src/_proxy-flavors.ts: no
// literal copy of them may appear anywhere else in src/ (comments aside). The TypeScript scanner yields every string,
// template, number and regex literal of the code.
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import {
  COMMON_FLAGS, ENGINE_DEFAULT_PORTS, INSTANCE_QUERY_KEYS, PROXY_BINARY_DEFAULTS, PROXY_CONSTRUCT_DEFAULTS, PROXY_FLAVORS, SHUTDOWN_SUBCOMMAND,
} from '../../src/_proxy-flavors';

const SRC_DIR = path.join(__dirname, '..', '..', 'src');
/** The two files that own the facts. */
const FACT_FILES = new Set(['_version-facts.ts', '_proxy-flavors.ts']);

interface Literal { file: string; line: number; text: string }

/** Every .ts file below src/, as a path relative to src/ (`lint/_engine.ts`). */
function sourceFiles(dir: string = SRC_DIR): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !FACT_FILES.has(path.relative(SRC_DIR, full)) ? [path.relative(SRC_DIR, full)] : [];
  });
}

function literalsOf(file: string): Literal[] {
  const source = fs.readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const out: Literal[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isNumericLiteral(node) || ts.isRegularExpressionLiteral(node)
      || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      out.push({ file: path.relative(SRC_DIR, file), line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1, text: node.getText() });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

const literals = sourceFiles().flatMap(f => literalsOf(path.join(SRC_DIR, f)));

function offending(re: RegExp, allow: (l: Literal) => boolean = () => false): string[] {
  return literals.filter(l => re.test(l.text) && !allow(l)).map(l => `${l.file}:${l.line}: ${l.text}`);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test('the scanner sees the literals of every directory of src/', () => {
  expect(literals.length).toBeGreaterThan(1000);
  for (const dir of ['lint/', 'simulate/', '']) expect(literals.some(l => l.file.startsWith(dir) && !l.file.slice(dir.length).includes('/'))).toBe(true);
  expect(literals.some(l => l.text.includes('job-helper-never-exits'))).toBe(true);
});

/**
 * Literals outside src/lint that repeat a fact, found when this guard was extended from src/lint to all of src/. They
 * belong to other parts (constructs, simulate) and are listed here, by file prefix and text, until those parts read
 * the fact from its owner; a new copy anywhere still fails.
 */
const KNOWN_COPIES: ReadonlyArray<{ file: RegExp; text: RegExp; why: string }> = [
  // constructs: the proxy model (files may be renamed when it is split, hence the directory-wide match)
  { file: /^_proxy-[a-z-]+\.ts$|^[a-z-]+-proxy[a-z-]*\.ts$/, text: /^'0\.0\.0\.0'$|listens on 0\.0\.0\.0/, why: 'PROXY_CONSTRUCT_DEFAULTS.httpAddress spelled out' },
  { file: /^_proxy-[a-z-]+\.ts$|^[a-z-]+-proxy[a-z-]*\.ts$/, text: /e\.g\. 5432/, why: 'ENGINE_DEFAULT_PORTS.postgres as an example' },
  { file: /^_proxy-[a-z-]+\.ts$|^[a-z-]+-proxy[a-z-]*\.ts$/, text: /Use e\.g\. \['--debug'\]/, why: 'COMMON_FLAGS.debug as an example' },
  { file: /^_proxy-[a-z-]+\.ts$|^[a-z-]+-proxy[a-z-]*\.ts$/, text: /^'shutdown'$/, why: 'an option label equal to SHUTDOWN_SUBCOMMAND' },
];

const knownCopy = (l: Literal) => KNOWN_COPIES.some(k => k.file.test(l.file) && k.text.test(l.text));

test('no Kubernetes version literal (1.28, 1.29, ...): versions come from _version-facts.ts', () => {
  const allowed = (l: Literal) =>
    /Istio >= 1\.\d+/.test(l.text) // Istio's own version
    || l.file === '_mesh-facts.ts' // Istio's and Linkerd's own release numbers
    || /1\.0 to 1\.\$\{/.test(l.text) // the accepted range, from 1.0 to MAX_MINOR
    // the syntax of a version, by example (not a fact about a release)
    || /like \\?'1\.\d+|such as 1\.30 would read as 1\.3|kubernetesVersion: "1\.30"|KubernetesVersion\.of\(30\) for Kubernetes 1\.30|KubernetesVersion\.parse\('1\.\d+'\)/.test(l.text)
    || knownCopy(l);
  // `1.5s` is a duration, not a version
  expect(offending(/(?<![\w.])1\.\d{1,2}(?![\w.])/, allowed)).toEqual([]);
});

test('no proxy flag spelled out: flags come from COMMON_FLAGS and the flavours', () => {
  const flags = new Set<string>([
    ...Object.values(COMMON_FLAGS),
    ...PROXY_FLAVORS.flatMap(f => [f.flags.exitZeroOnSigterm, ...Object.values(f.flags.ipTypeFlags), ...f.flags.only]),
  ]);
  const re = new RegExp(`(?<![\\w-])(${[...flags].map(escape).join('|')})(?![\\w-])`);
  expect(offending(re, knownCopy)).toEqual([]);
});

test('no proxy port, address, endpoint, env or config key spelled out', () => {
  const values = [
    PROXY_CONSTRUCT_DEFAULTS.healthPort, PROXY_CONSTRUCT_DEFAULTS.httpAddress, PROXY_BINARY_DEFAULTS.httpPort, PROXY_BINARY_DEFAULTS.adminPort,
    PROXY_BINARY_DEFAULTS.startupPath, PROXY_BINARY_DEFAULTS.readinessPath, PROXY_BINARY_DEFAULTS.livenessPath,
    ...Object.values(ENGINE_DEFAULT_PORTS),
    ...PROXY_FLAVORS.flatMap(f => [f.envPrefix, f.instanceConfigKey, f.binary]),
  ].map(String);
  const re = new RegExp(`(?<![\\w.-])(${values.map(escape).join('|')})(?![\\w.-])`);
  expect(offending(re, knownCopy)).toEqual([]);
  // query keys and subcommands inside a string (`?port=`, `"shutdown"`)
  expect(offending(new RegExp(`[?&](${Object.values(INSTANCE_QUERY_KEYS).map(escape).join('|')})=`))).toEqual([]);
  expect(offending(new RegExp(`["'\`]${SHUTDOWN_SUBCOMMAND}["'\`]|"${SHUTDOWN_SUBCOMMAND}"`), knownCopy)).toEqual([]);
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
