#!/usr/bin/env node
// Synthesize every examples/<name>/ (a cdk8s.yaml + main.ts) with the real cdk8s CLI into examples/<name>/dist/.
// Used by `npm run synth:examples` and by test/examples.test.ts. Offline: no `cdk8s import`, no upgrade check.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const examplesDir = path.join(root, 'examples');
const only = process.argv.slice(2);
const names = fs.readdirSync(examplesDir)
  .filter(n => fs.existsSync(path.join(examplesDir, n, 'cdk8s.yaml')))
  .filter(n => only.length === 0 || only.includes(n))
  .sort();
if (names.length === 0) {
  console.error('synth-examples: no examples found under examples/*/cdk8s.yaml');
  process.exit(1);
}
const cli = path.join(root, 'node_modules', '.bin', 'cdk8s');
let failed = 0;
for (const name of names) {
  const cwd = path.join(examplesDir, name);
  const started = Date.now();
  const r = spawnSync(cli, ['synth', '--output', 'dist', '--no-check-upgrade'], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
  });
  const files = fs.existsSync(path.join(cwd, 'dist')) ? fs.readdirSync(path.join(cwd, 'dist')).filter(f => f.endsWith('.yaml')) : [];
  if (r.status !== 0) {
    failed++;
    console.error(`✗ ${name}: cdk8s synth exited ${r.status}\n${r.stdout}${r.stderr}`);
  } else {
    console.log(`✓ ${name}: examples/${name}/dist/${files.join(', ')} (${Date.now() - started} ms)`);
  }
}
process.exit(failed ? 1 : 0);
