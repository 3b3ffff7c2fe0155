import { cdk8s, javascript } from 'projen';

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
    // the other current cdk8s-plus lines, for the per-line packages and their tests
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
  release: false,
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
