#!/usr/bin/env node
// One npm package per cdk8s-plus line, all from the same compiled lib/ (run after `jsii`, as part of
// `npx projen package:js`).
//
// The source is written against one line: the `cdk8s-plus-NN` peerDependency in package.json (today 28), packaged by
// jsii-pacmak as `cdk8s-sidecars`. Every other line we support is a `cdk8s-plus-NN` devDependency (the only list of
// lines; see .projenrc.ts); for each, this script
//   1. copies lib/*.js and lib/*.d.ts into dist/lines/<name>/, replacing the module specifier `cdk8s-plus-<source>`
//      by `cdk8s-plus-<line>` (also inside the inline source maps) and the line number in lib/_kplus-line.*
//      (the single per-line fact: it selects the default target Kubernetes version);
//   2. writes its package.json: name `<name>-plus-<line>`, the same version/bin/engines, peerDependency on that line
//      (`^` the installed devDependency), no jsii metadata (see README "Install": these packages are for
//      TypeScript/JavaScript apps; a rewritten .jsii assembly would claim a jsii compilation that never happened);
//   3. type-checks the source, with the same rewrite, against that line's installed types (strict, like jsii does
//      for the source line), so an API difference between lines fails here, not in a user's app;
//   4. packs it into dist/js/<name>-plus-<line>-<version>.tgz next to pacmak's tarball.
//
// Usage: node scripts/package-lines.js [--out dist/js] [--line 33 ...]
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const LINE_PKG = /^cdk8s-plus-(\d+)$/;

function fail(message) {
  console.error(`package-lines: ${message}`);
  process.exit(1);
}

/** Every supported line: the source line (peerDependency) first, then the devDependency lines. */
function lines() {
  const source = Object.keys(pkg.peerDependencies ?? {}).map(n => LINE_PKG.exec(n)).filter(Boolean);
  if (source.length !== 1) fail(`expected exactly one cdk8s-plus-NN peerDependency in package.json, found ${source.length}`);
  const sourceLine = Number(source[0][1]);
  const extra = Object.keys(pkg.devDependencies ?? {}).map(n => LINE_PKG.exec(n)).filter(Boolean)
    .map(m => Number(m[1])).filter(n => n !== sourceLine).sort((a, b) => a - b);
  return { sourceLine, extra };
}

/** The package name for a line: the plain name for the source line, `<name>-plus-<line>` for the others. */
function packageName(line, sourceLine) {
  return line === sourceLine ? pkg.name : `${pkg.name}-plus-${line}`;
}

function walk(dir, base = dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p, base) : [path.relative(base, p)];
  });
}

/** Replace every `cdk8s-plus-<from>` module name by `cdk8s-plus-<to>` (not e.g. `cdk8s-plus-280`). */
function rewriteSpecifier(text, from, to) {
  return text.replace(new RegExp(`\\bcdk8s-plus-${from}(?!\\d)`, 'g'), `cdk8s-plus-${to}`);
}

const SOURCE_MAP = /(\/\/# sourceMappingURL=data:application\/json;base64,)([A-Za-z0-9+/=]+)\s*$/;

/** Rewrite a compiled file; inline source maps too (same-length replacement, so the mappings stay valid). */
function rewriteCompiled(text, from, to) {
  const m = SOURCE_MAP.exec(text);
  let body = rewriteSpecifier(m ? text.slice(0, m.index) : text, from, to);
  if (m) {
    const map = JSON.parse(Buffer.from(m[2], 'base64').toString('utf8'));
    map.sourcesContent = (map.sourcesContent ?? []).map(s => (s == null ? s : rewriteSpecifier(s, from, to)));
    body += m[1] + Buffer.from(JSON.stringify(map), 'utf8').toString('base64') + '\n';
  }
  return body;
}

const LINE_FACT = /(KPLUS_LINE = )(\d+);/g;

/** Set the line number in lib/_kplus-line.{js,d.ts}; exactly one literal each, equal to the source line. */
function rewriteLineFact(text, file, from, to) {
  const code = SOURCE_MAP.exec(text) ? text.slice(0, SOURCE_MAP.exec(text).index) : text;
  const found = [...code.matchAll(LINE_FACT)];
  if (found.length !== 1 || Number(found[0][2]) !== from) {
    fail(`lib/${file} must contain exactly one 'KPLUS_LINE = ${from};' (found ${found.map(f => f[0]).join(', ') || 'none'}); see src/_kplus-line.ts`);
  }
  return text.replace(LINE_FACT, (_all, head) => `${head}${to};`);
}

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.status !== 0) fail(`${[cmd, ...args].join(' ')} failed (exit ${r.status}):\n${r.stdout ?? ''}${r.stderr ?? ''}${r.error ?? ''}`);
  return r.stdout;
}

/** Type-check src/ (specifier rewritten) against the line's installed cdk8s-plus, with the project's strict tsconfig. */
function typecheck(line, sourceLine) {
  const dir = path.join(root, '.tmp', 'lines-typecheck', String(line));
  fs.rmSync(dir, { recursive: true, force: true });
  for (const rel of walk(path.join(root, 'src')).filter(f => f.endsWith('.ts'))) {
    const dest = path.join(dir, 'src', rel);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    let text = rewriteSpecifier(fs.readFileSync(path.join(root, 'src', rel), 'utf8'), sourceLine, line);
    if (rel === '_kplus-line.ts') text = rewriteLineFact(text, rel, sourceLine, line);
    fs.writeFileSync(dest, text);
  }
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    extends: path.relative(dir, path.join(root, 'tsconfig.json')),
    compilerOptions: { rootDir: 'src', noEmit: true, types: ['node'] },
    include: ['src/**/*.ts'],
  }, null, 2));
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  run(process.execPath, [tsc, '-p', path.join(dir, 'tsconfig.json')], { cwd: root });
  fs.rmSync(dir, { recursive: true, force: true });
}

function stage(line, sourceLine) {
  const name = packageName(line, sourceLine);
  const kplus = `cdk8s-plus-${line}`;
  const installed = pkg.devDependencies[kplus];
  if (!installed) fail(`${kplus} is not a devDependency`);
  if (!fs.existsSync(path.join(root, 'node_modules', kplus, 'package.json'))) fail(`${kplus} is not installed: run npm ci`);
  const kplusVersion = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', kplus, 'package.json'), 'utf8')).version;

  const dir = path.join(root, 'dist', 'lines', name);
  fs.rmSync(dir, { recursive: true, force: true });

  // 1. lib/
  const lib = path.join(root, 'lib');
  let lineFacts = 0;
  for (const rel of walk(lib).filter(f => f.endsWith('.js') || f.endsWith('.d.ts'))) {
    let text = rewriteCompiled(fs.readFileSync(path.join(lib, rel), 'utf8'), sourceLine, line);
    if (/^_kplus-line\.(js|d\.ts)$/.test(rel)) {
      text = rewriteLineFact(text, rel, sourceLine, line);
      lineFacts++;
    }
    const dest = path.join(dir, 'lib', rel);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, text);
    if (rel === pkg.bin?.['cdk8s-sidecars']?.replace(/^lib\//, '')) fs.chmodSync(dest, 0o755);
  }
  if (lineFacts !== 2) fail('lib/_kplus-line.js and lib/_kplus-line.d.ts not found: run `npx projen compile` first');

  // 2. package.json, docs, bundled dependencies
  const peerDependencies = {};
  for (const [dep, range] of Object.entries(pkg.peerDependencies)) {
    if (LINE_PKG.test(dep)) peerDependencies[kplus] = `^${kplusVersion}`;
    else peerDependencies[dep] = range;
  }
  const manifest = {
    name,
    description: `${pkg.description} Built for ${kplus} (Kubernetes 1.${line}).`,
    version: pkg.version,
    repository: pkg.repository,
    bin: pkg.bin,
    author: pkg.author,
    license: pkg.license,
    keywords: [...(pkg.keywords ?? []), kplus],
    engines: pkg.engines,
    main: pkg.main,
    types: pkg.types,
    files: ['lib/**/*.js', 'lib/**/*.d.ts', 'docs/', 'API.md'],
    peerDependencies,
    dependencies: pkg.dependencies,
    bundledDependencies: pkg.bundledDependencies,
    publishConfig: pkg.publishConfig,
  };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  for (const f of ['README.md', 'LICENSE', 'API.md']) fs.copyFileSync(path.join(root, f), path.join(dir, f));
  fs.cpSync(path.join(root, 'docs'), path.join(dir, 'docs'), { recursive: true });
  for (const dep of pkg.bundledDependencies ?? []) {
    fs.cpSync(path.join(root, 'node_modules', dep), path.join(dir, 'node_modules', dep), { recursive: true, dereference: true });
  }
  return { name, dir };
}

function main() {
  const args = process.argv.slice(2);
  let out = path.join(root, 'dist', 'js');
  const only = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--out') out = path.resolve(args[++i]);
    else if (args[i] === '--line') only.push(Number(args[++i]));
    else fail(`unknown argument '${args[i]}' (usage: package-lines.js [--out dir] [--line N ...])`);
  }
  const { sourceLine, extra } = lines();
  const todo = only.length ? extra.filter(l => only.includes(l)) : extra;
  if (only.some(l => !extra.includes(l))) fail(`--line must be one of ${extra.join(', ')} (the source line ${sourceLine} is packed by jsii-pacmak)`);
  fs.mkdirSync(out, { recursive: true });
  for (const line of todo) {
    const started = Date.now();
    typecheck(line, sourceLine);
    const { name, dir } = stage(line, sourceLine);
    for (const old of fs.readdirSync(out).filter(f => f.startsWith(`${name}-`) && f.endsWith('.tgz'))) fs.rmSync(path.join(out, old));
    const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', out], { cwd: dir }));
    console.log(`✓ ${name}: ${path.relative(process.cwd(), path.join(out, packed.filename))} for cdk8s-plus-${line} (${packed.entryCount} files, ${Date.now() - started} ms)`);
  }
}

if (require.main === module) main();
module.exports = { lines, packageName, rewriteSpecifier, rewriteCompiled, rewriteLineFact };
