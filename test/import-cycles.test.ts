// src/ has no import cycles, type-only imports included: dpdm (without --transform, so type-only imports count) over
// every file of src/, so that a cycle between files no entry point reaches yet fails too. Same check as
// `npx dpdm --no-warning --no-tree --exit-code circular:1 src/index.ts src/cli.ts`.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..');

test('src/ has no import cycles, type-only imports included', () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dpdm-')), 'graph.json');
  const r = spawnSync(process.execPath, [require.resolve('dpdm/lib/bin/dpdm.js'), '--no-tree', '--no-warning', '--no-circular', '--no-progress',
    '-o', out, 'src/**/*.ts'], { cwd: root, encoding: 'utf8' });
  expect(r.status).toBe(0);
  const graph = JSON.parse(fs.readFileSync(out, 'utf8'));
  expect(Object.keys(graph.tree).filter(f => f.startsWith('src/')).length).toBeGreaterThan(20);
  const cycles: string[] = (graph.circulars as string[][]).map(c => c.join(' -> '));
  expect(cycles).toEqual([]);
}, 60_000);
