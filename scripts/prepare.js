#!/usr/bin/env node
// npm's `prepare` lifecycle script: build lib/ when it is missing or older than src/.
//
// npm runs `prepare` after `npm install`/`npm ci` in this repository, and in the temporary clone it makes when an app
// installs us from git (`npm install git+https://…` or `git+file://…`): that clone has no lib/ (it is gitignored),
// so without this the installed package has neither `require('cdk8s-sidecars')` nor the `cdk8s-sidecars` CLI.
// npm also runs it before `npm pack`/`npm publish` of this directory (jsii-pacmak packs with npm): there lib/ is
// already fresh and nothing is rebuilt. Tarballs from the registry or `npm pack` already contain lib/ and never run it.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');

function newestMtime(dir) {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

const built = path.join(root, 'lib', 'index.js');
if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= newestMtime(path.join(root, 'src'))) {
  console.log('prepare: lib/ is up to date');
  process.exit(0);
}
console.log('prepare: building lib/ (npx projen compile)');
const projen = path.join(root, 'node_modules', '.bin', 'projen');
if (!fs.existsSync(projen)) {
  console.error('prepare: cannot build lib/: the devDependencies are not installed (run `npm install` here first)');
  process.exit(1);
}
const r = spawnSync(projen, ['compile'], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
