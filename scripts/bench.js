#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.ts (or only those named on the command line) with ts-node, one after
// another, so each prints its own side-by-side ratios. Not part of `npm test`.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const benchDir = path.join(root, 'bench');
const only = process.argv.slice(2);
const files = fs.readdirSync(benchDir).filter(f => f.endsWith('.bench.ts'))
  .filter(f => only.length === 0 || only.some(o => f.startsWith(o))).sort();
let failed = 0;
for (const f of files) {
  console.log(`\n## ${f}`);
  const r = spawnSync(process.execPath, ['--expose-gc', '-r', 'ts-node/register/transpile-only', path.join(benchDir, f)], {
    cwd: root, stdio: 'inherit', env: { ...process.env, TS_NODE_PROJECT: path.join(benchDir, 'tsconfig.json') },
  });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
