// The rewrite that turns the cdk8s-plus-28 build into the other lines' packages (scripts/package-lines.js), and the
// release/packaging tasks around it. The packed result is tested end to end in install.test.ts.
import * as fs from 'fs';
import * as path from 'path';
import { lines, packageName, rewriteCompiled, rewriteLineFact, rewriteSpecifier } from '../../scripts/package-lines';

const root = path.join(__dirname, '..', '..');


test('the lines are the peerDependency (source) plus every other cdk8s-plus-NN devDependency', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const { sourceLine, extra } = lines();
  expect(Object.keys(pkg.peerDependencies)).toContain(`cdk8s-plus-${sourceLine}`);
  expect(sourceLine).toBe(28);
  expect(extra).toEqual([33, 34]);
  for (const l of extra) expect(Object.keys(pkg.devDependencies)).toContain(`cdk8s-plus-${l}`);
  expect([28, 33, 34].map(l => packageName(l, sourceLine))).toEqual(['cdk8s-sidecars', 'cdk8s-sidecars-plus-33', 'cdk8s-sidecars-plus-34']);
});

test('the source line number lives in src/_kplus-line.ts and matches the peerDependency', () => {
  const text = fs.readFileSync(path.join(root, 'src', '_kplus-line.ts'), 'utf8');
  expect(/export const KPLUS_LINE = (\d+);/.exec(text)![1]).toBe(String(lines().sourceLine));
});

test('only the module name cdk8s-plus-28 is rewritten, in code, types and inline source maps', () => {
  expect(rewriteSpecifier('require("cdk8s-plus-28"); import * as k from \'cdk8s-plus-28\'; cdk8s-plus-280 cdk8s-plus-2', 28, 33))
    .toBe('require("cdk8s-plus-33"); import * as k from \'cdk8s-plus-33\'; cdk8s-plus-280 cdk8s-plus-2');
  const map = { version: 3, sources: ['../src/x.ts'], mappings: 'AAAA', sourcesContent: ["import * as kplus from 'cdk8s-plus-28';\n"] };
  const js = `const kplus = require("cdk8s-plus-28");\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}`;
  const out: string = rewriteCompiled(js, 28, 34);
  expect(out.split('\n')[0]).toBe('const kplus = require("cdk8s-plus-34");');
  const outMap = JSON.parse(Buffer.from(/base64,(.*)$/m.exec(out)![1], 'base64').toString('utf8'));
  expect(outMap.sourcesContent).toEqual(["import * as kplus from 'cdk8s-plus-34';\n"]);
  expect(outMap.mappings).toBe('AAAA');
});

test('the line fact must be found exactly once with the source value, or packaging stops', () => {
  expect(rewriteLineFact('exports.KPLUS_LINE = 28;\n', 'x.js', 28, 33)).toBe('exports.KPLUS_LINE = 33;\n');
  expect(rewriteLineFact('export declare const KPLUS_LINE = 28;\n', 'x.d.ts', 28, 34)).toBe('export declare const KPLUS_LINE = 34;\n');
  const exit = jest.spyOn(process, 'exit').mockImplementation(((code: number) => { throw new Error(`exit ${code}`); }) as any);
  const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    expect(() => rewriteLineFact('exports.OTHER = 28;\n', 'x.js', 28, 33)).toThrow('exit 1');
    expect(() => rewriteLineFact('exports.KPLUS_LINE = 29;\n', 'x.js', 28, 33)).toThrow('exit 1');
    expect(() => rewriteLineFact('exports.KPLUS_LINE = 28;\nexports.KPLUS_LINE = 28;\n', 'x.js', 28, 33)).toThrow('exit 1');
    expect(error.mock.calls.map(c => c[0])).toEqual(expect.arrayContaining([expect.stringContaining("must contain exactly one 'KPLUS_LINE = 28;'")]));
  } finally {
    exit.mockRestore();
    error.mockRestore();
  }
});

test('package:js packs every line; release bumps from conventional commits, builds, writes CHANGELOG.md and tags', () => {
  const tasks = JSON.parse(fs.readFileSync(path.join(root, '.projen', 'tasks.json'), 'utf8')).tasks;
  const steps = (name: string) => (tasks[name].steps ?? []).map((s: any) => s.exec ?? (s.execArgs ?? []).join(' ') ?? s.spawn ?? s.builtin);
  expect(steps('package:js')).toEqual(['jsii-pacmak -v --target js', 'node scripts/package-lines.js']);
  expect(tasks.release.steps.map((s: any) => s.spawn).filter(Boolean)).toEqual(['bump', 'build', 'unbump', 'publish:git']);
  expect(tasks['publish:git'].env).toMatchObject({ PROJECT_CHANGELOG_FILE: 'CHANGELOG.md' });
  expect(tasks.bump.env).toMatchObject({ RELEASE_TAG_PREFIX: 'v', BUMP_PACKAGE: 'commit-and-tag-version@^12' });
  expect(steps('publish:npm')).toEqual(['node scripts/publish-npm.js']);
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  expect(pkg.scripts.prepare).toBe('node scripts/prepare.js');
  expect(fs.existsSync(path.join(root, 'CHANGELOG.md'))).toBe(true);
});
