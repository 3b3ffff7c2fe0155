#!/usr/bin/env node
// Publish every package tarball in dist/js/ (one per cdk8s-plus line, written by `npx projen package:js`) to npm.
// `--dry-run` does everything but the upload (the tests run it for every tarball). Any other argument is passed to
// `npm publish` (e.g. `--tag next`). Credentials come from npm's own configuration (NPM_TOKEN in ~/.npmrc).
//
// Usage: node scripts/publish-npm.js [--dir dist/js] [--dry-run] [npm publish options...]
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const args = process.argv.slice(2);
let dir = path.join(__dirname, '..', 'dist', 'js');
const dirAt = args.indexOf('--dir');
if (dirAt >= 0) {
  dir = path.resolve(args[dirAt + 1]);
  args.splice(dirAt, 2);
}
const tarballs = fs.existsSync(dir) ? fs.readdirSync(dir).filter(f => f.endsWith('.tgz')).sort() : [];
if (tarballs.length === 0) {
  console.error(`publish-npm: no tarballs in ${dir}: run \`npx projen package:js\` first`);
  process.exit(1);
}
let failed = 0;
for (const t of tarballs) {
  const r = spawnSync('npm', ['publish', path.join(dir, t), '--access', 'public', ...args], { encoding: 'utf8' });
  if (r.status === 0) {
    console.log(`✓ npm publish ${args.join(' ')} ${t}`.replace(/ {2,}/g, ' '));
  } else {
    failed++;
    console.error(`✗ npm publish ${t} exited ${r.status}:\n${r.stdout}${r.stderr}`);
  }
}
process.exit(failed ? 1 : 0);
