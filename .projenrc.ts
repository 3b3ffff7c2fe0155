import { cdk8s, javascript, release } from 'projen';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-sidecars',
  description: 'Native Kubernetes sidecars for cdk8s Jobs and CronJobs: typed Cloud SQL / AlloyDB proxy sidecars, a sidecar linter and a pod lifecycle simulator.',
  author: 'cdk8s-sidecars authors',
  authorAddress: 'maintainers@cdk8s-sidecars.dev',
  repositoryUrl: 'https://github.com/cdk8s-sidecars/cdk8s-sidecars.git',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  license: 'Apache-2.0',

  // cdk8s 2.x needs constructs 10.x. peerDeps are also added as devDeps pinned to their minimum: it must exist.
  cdk8sVersion: '2.70.0',
  constructsVersion: '10.3.0',
  peerDeps: ['cdk8s-plus-28@^2.5.6'],

  jsiiVersion: '~6.0.0',
  typescriptVersion: '~6.0.0',
  minNodeVersion: '20.0.0',

  // YAML parsing for the lint/simulate CLI; bundled because it is not a jsii module.
  bundledDeps: ['yaml@^2.9.1'],
  devDeps: [
    '@types/node@^20',
    // independent schema validator for our synthesized manifests (4.x supports Node 20)
    'kubernetes-models@4.5.1',
    'cdk8s-cli@2.207.60',
    'ts-node@^10.9.2',
    // property-based tests (fixed seed) of constructs and CLI
    'fast-check@4.11.0',
    // import-cycle check in CI
    'dpdm@4.3.0',
    // independent CEL engine: parity of the admission policies with the linter
    '@bufbuild/cel@0.6.1',
    // the other current cdk8s-plus lines: every cdk8s-plus-NN devDependency besides the peerDependency is a line we
    // ship as `cdk8s-sidecars-plus-NN` (scripts/package-lines.js reads this list; the installed version is the minimum)
    'cdk8s-plus-33@2.5.57',
    'cdk8s-plus-34@2.0.54',
  ],

  bin: { 'cdk8s-sidecars': 'lib/cli.js' },

  // snapshots must never be silently rewritten in CI
  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testPathIgnorePatterns: ['/node_modules/', '/examples/'],
      // examples and CLI tests spawn the real cdk8s CLI; keep them from starving each other on 2 cores
      maxWorkers: 2,
    },
  },

  github: false,
  // Releases without GitHub workflows (github: false): `npx projen release` on a clean main bumps the version from
  // the conventional commits since the last `v*` tag, builds and packs every line into dist/js/, writes CHANGELOG.md,
  // commits, tags and pushes; `npx projen publish:npm` then uploads dist/js/*.tgz. commit-and-tag-version 12 is the
  // last major that runs on Node 20 (13 needs Node 22); it is fetched with npx at release time instead of being a
  // devDependency (157 packages more in every `npm ci` and every install from git).
  release: true,
  releaseTrigger: release.ReleaseTrigger.manual({ changelog: true, changelogPath: 'CHANGELOG.md' }),
  releaseTagPrefix: 'v',
  bumpPackage: 'commit-and-tag-version@^12',
  depsUpgrade: false,
  vscode: false,
  integrationTestAutoDiscover: false,

  keywords: ['cdk8s', 'kubernetes', 'sidecar', 'cloud-sql', 'alloydb', 'cronjob', 'job', 'native-sidecar', 'lint'],
});

// examples/: linted + synthesized with the real cdk8s CLI, never published
project.npmignore?.exclude('/examples/', '/bench/', '/.ci/');
project.eslint?.addLintPattern('examples');
project.eslint?.addLintPattern('bench');
new javascript.TypescriptConfig(project, {
  fileName: 'examples/tsconfig.json',
  extends: javascript.TypescriptConfigExtends.fromTypescriptConfigs([project.tsconfig!]),
  include: ['**/*.ts'],
  compilerOptions: { noEmit: true, rootDir: '..' },
});
new javascript.TypescriptConfig(project, {
  fileName: 'bench/tsconfig.json',
  extends: javascript.TypescriptConfigExtends.fromTypescriptConfigs([project.tsconfig!]),
  include: ['**/*.ts'],
  compilerOptions: { noEmit: true, rootDir: '..' },
});

// cdk8s-cli's upgrade check does an HTTP GET on every run; silence it
project.tasks.addEnvironment('CDK8S_CHECK_UPGRADE', 'false');
project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');

// every examples/<name>/ is synthesized with the real cdk8s CLI into examples/<name>/dist/
project.addTask('synth:examples', {
  description: 'Synthesize every example with the real cdk8s CLI into examples/<name>/dist/',
  exec: 'node scripts/synth-examples.js',
  receiveArgs: true,
});
project.addGitIgnore('/examples/*/dist/');
project.addGitIgnore('/.tmp/');
project.addPackageIgnore('/.tmp/');
project.addPackageIgnore('/scripts/');

project.deps.removeDependency('commit-and-tag-version');
for (const t of ['bump', 'unbump']) project.tasks.tryFind(t)!.env('npm_config_yes', 'true');

// One package per cdk8s-plus line from the same lib/: jsii-pacmak packs `cdk8s-sidecars` (the source line), then
// scripts/package-lines.js rewrites, type-checks and packs the other lines into dist/js/ too.
project.tasks.tryFind('package:js')!.exec('node scripts/package-lines.js');
project.addTask('publish:npm', {
  description: 'Publish every tarball in dist/js/ (one per cdk8s-plus line) to npm; pass --dry-run to try',
  exec: 'node scripts/publish-npm.js',
  receiveArgs: true,
});
// `npm install git+…` (and `npm ci` here) runs `prepare`: build lib/ when it is missing or stale, so an install from
// git has the library and the CLI.
project.package.setScript('prepare', 'node scripts/prepare.js');

project.addTask('bench', {
  description: 'Run the benchmarks (not part of the tests); prints ratios measured side by side',
  exec: 'node scripts/bench.js',
  receiveArgs: true,
});

project.addTask('fuzz', {
  description: 'Property-based test of the constructs, longer than in CI (FUZZ_RUNS cases, default 20000; FUZZ_SEED)',
  env: { FUZZ_DEFAULT_RUNS: '20000', FUZZ_REPORT: '1' },
  exec: 'jest --coverage=false test/fuzz.test.ts',
});

// `npm test` compiles first: the CLI and the cdk8s validation plugin are tested as built (lib/), and docgen keeps
// the committed API.md in sync (CI fails on any diff it leaves).
// jest (ts-jest with isolatedModules) does not report type errors in tests, examples or benchmarks: tsc does, first
const typecheckTest = project.addTask('typecheck:test', {
  description: 'Type-check the tests, examples and benchmarks (jest does not report their type errors)',
});
for (const tsconfig of ['test/tsconfig.json', 'examples/tsconfig.json', 'bench/tsconfig.json']) {
  typecheckTest.exec(`tsc --noEmit -p ${tsconfig}`);
}
project.testTask.prependSpawn(typecheckTest);
project.testTask.prependSpawn(project.tasks.tryFind('post-compile')!);
project.testTask.prependSpawn(project.compileTask);

project.synth();
