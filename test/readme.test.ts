// The TypeScript in README.md and docs/*.md is code users paste: every ```ts / ```typescript block is extracted,
// type-checked (strict) against the built package, run, and, if it synthesizes an app, must write manifests.
//
// Opt-out, for a block that is deliberately partial (one statement, a props excerpt): put
//   <!-- fragment: <why it is partial> -->
// on the line right before its opening fence (invisible on GitHub). Use it sparingly: a block users would copy whole
// must be complete, imports included.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { parseAllDocuments } from 'yaml';

const root = path.join(__dirname, '..');

interface Block {
  /** e.g. `README.md:76` (the line of the opening fence) */
  readonly where: string;
  readonly file: string;
  readonly fenceLine: number;
  readonly code: string;
  /** the reason given in a `<!-- fragment: … -->` marker */
  readonly fragment?: string;
  /** the `## ` heading the block is under */
  readonly section: string;
}

const FENCE = /^```(\w*)\s*$/;
const FRAGMENT = /^<!--\s*fragment:(.*?)-->\s*$/;

/** Every TypeScript block of a markdown file (`ts` or `typescript` fences). */
export function extractBlocks(markdown: string, file: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith('## ')) section = lines[i].slice(3).trim();
    const open = FENCE.exec(lines[i]);
    if (!open || !open[1]) continue;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    if (['ts', 'typescript'].includes(open[1])) {
      const marker = i > 0 ? FRAGMENT.exec(lines[i - 1]) : null;
      blocks.push({
        where: `${file}:${i + 1}`,
        file,
        fenceLine: i + 1,
        section,
        code: lines.slice(i + 1, end).join('\n') + '\n',
        fragment: marker ? marker[1].trim() : undefined,
      });
    }
    i = end;
  }
  return blocks;
}

const docs = fs.readdirSync(path.join(root, 'docs')).filter(f => f.endsWith('.md')).sort().map(f => `docs/${f}`);
const blocks = ['README.md', ...docs].flatMap(f => extractBlocks(fs.readFileSync(path.join(root, f), 'utf8'), f));
const runnable = blocks.filter(b => b.fragment === undefined);
const fileName = (b: Block) => `${b.file.replace(/[^A-Za-z0-9]+/g, '_')}_${b.fenceLine}`;

let work: string;
const diagnostics = new Map<string, string[]>();

beforeAll(() => {
  fs.mkdirSync(path.join(root, '.tmp'), { recursive: true }); // gitignored
  work = fs.mkdtempSync(path.join(root, '.tmp', 'readme-'));
  for (const b of runnable) {
    // the package as published: its built lib/ (`npm test` compiles before jest runs), its own types
    const code = b.code.replace(/(from\s+)'cdk8s-sidecars'/g, `$1'${path.join(root, 'lib')}'`);
    fs.writeFileSync(path.join(work, `${fileName(b)}.ts`), `${code}export {};\n`);
  }
  // one program for all blocks (strict, like a user's app), every diagnostic of every block (the tsc CLI would stop
  // at the first syntax error), then emit CommonJS to run
  const files = runnable.map(b => path.join(work, `${fileName(b)}.ts`));
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    lib: ['lib.es2022.d.ts'],
    types: ['node', 'jest'],
    strict: true,
    noImplicitReturns: true,
    esModuleInterop: true,
    skipLibCheck: true,
    outDir: path.join(work, 'out'),
    rootDir: work,
  });
  for (const d of [...ts.getPreEmitDiagnostics(program), ...program.emit().diagnostics]) {
    const b = d.file && runnable.find(x => path.join(work, `${fileName(x)}.ts`) === path.resolve(d.file!.fileName));
    const text = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    if (!b || d.start === undefined) throw new Error(`tsc: ${d.file?.fileName ?? ''} ${text}`);
    const line = d.file!.getLineAndCharacterOfPosition(d.start).line + 1;
    diagnostics.set(b.where, [...(diagnostics.get(b.where) ?? []), `${b.file}:${b.fenceLine + line}: TS${d.code}: ${text}`]);
  }
  fs.writeFileSync(path.join(work, 'test-globals.js'), [
    '// `test`/`expect` for blocks written as jest tests: run the body once, with jest\'s own expect',
    "globalThis.expect = require('expect').expect;",
    'globalThis.test = globalThis.it = (name, fn) => { const r = fn(); if (r && typeof r.then === "function") throw new Error(`async test ${name}: not supported here`); };',
    '',
  ].join('\n'));
}, 120_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** Run a compiled block; returns its outdir. */
function runBlock(b: Block): { dist: string; status: number | null; stderr: string; stdout: string } {
  const dist = path.join(work, `${fileName(b)}.dist`);
  const r = spawnSync(process.execPath, ['-r', path.join(work, 'test-globals.js'), path.join(work, 'out', `${fileName(b)}.js`)], {
    cwd: work, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: dist },
  });
  return { dist, status: r.status, stderr: r.stderr, stdout: r.stdout };
}

test('README and docs have TypeScript blocks, and every fragment marker says why', () => {
  expect(blocks.filter(b => b.file === 'README.md').length).toBeGreaterThanOrEqual(3);
  expect(blocks.filter(b => b.fragment !== undefined && b.fragment.length < 10).map(b => b.where)).toEqual([]);
  // fragments are the exception
  expect(runnable.length).toBeGreaterThan(blocks.length / 2);
});

describe.each(runnable.map(b => [b.where, b] as const))('%s', (_where, b) => {
  test('type-checks (strict) with its imports against the built package', () => {
    expect(diagnostics.get(b.where) ?? []).toEqual([]);
  });

  test('runs, and synthesizes manifests when it synthesizes an app', () => {
    const r = runBlock(b);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    if (/\.synth\(\)/.test(b.code) && /new App\(/.test(b.code)) {
      expect(fs.readdirSync(r.dist).filter(f => f.endsWith('.k8s.yaml')).length).toBeGreaterThan(0);
    }
  }, 60_000);
});

test('the README quick start is short and synthesizes the sidecar it describes', () => {
  const quick = runnable.find(b => b.file === 'README.md' && b.section === 'Quick start')!;
  expect(quick.code.split('\n').filter(l => l.trim() !== '').length).toBeLessThanOrEqual(17);
  const r = runBlock(quick);
  expect(r.status).toBe(0);
  const [cron] = parseAllDocuments(fs.readFileSync(path.join(r.dist, 'reports.k8s.yaml'), 'utf8')).map(d => d.toJS());
  const sidecar = cron.spec.jobTemplate.spec.template.spec.initContainers[0];
  expect(sidecar).toMatchObject({ name: 'api-proxy', restartPolicy: 'Always' });
  expect(sidecar.startupProbe).toEqual({
    httpGet: { path: '/ready', port: 8081, scheme: 'HTTP' }, periodSeconds: 1, initialDelaySeconds: 0, failureThreshold: 60, timeoutSeconds: 1,
  });
  expect(cron.spec.jobTemplate.spec.activeDeadlineSeconds).toBe(3600);
}, 60_000);
