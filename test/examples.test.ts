// Every example is synthesized with the real cdk8s CLI (scripts/synth-examples.js, the same as
// `npm run synth:examples`), then its YAML is checked: valid against the Kubernetes schema (kubernetes-models, an
// independent validator), Pod Security Standards restricted, lint-clean, simulated to a good lifecycle, and what
// each example promises.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { expectGoodLifecycle, notInfo } from './_lifecycle';
import { podSpecIn, pssRestrictedViolations } from './_pss';
import { unknownFields } from './_strict-schema';
import { Linter } from '../src';
import { podTemplateOf } from '../src/_manifest';

const root = path.join(__dirname, '..');
const examplesDir = path.join(root, 'examples');
const examples = fs.readdirSync(examplesDir).filter(n => fs.existsSync(path.join(examplesDir, n, 'cdk8s.yaml'))).sort();

/** kubernetes-models class for an apiVersion/kind. */
function modelFor(apiVersion: string, kind: string): any {
  const group = apiVersion.includes('/') ? apiVersion : 'v1';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(`kubernetes-models/${group === 'v1' ? 'v1' : group}`);
  return mod[kind];
}

const outputs: { [example: string]: any[] } = {};

beforeAll(() => {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'synth-examples.js')], {
    cwd: root, encoding: 'utf8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
  });
  if (r.status !== 0) throw new Error(`synth:examples failed:\n${r.stdout}\n${r.stderr}`);
  for (const name of examples) {
    const dist = path.join(examplesDir, name, 'dist');
    const files = fs.readdirSync(dist).filter(f => f.endsWith('.k8s.yaml'));
    outputs[name] = files.flatMap(f => parseAllDocuments(fs.readFileSync(path.join(dist, f), 'utf8')).map(d => d.toJS()).filter(Boolean));
  }
}, 180_000);

test('the examples type-check (cdk8s.yaml runs them with ts-node --transpile-only, which does not)', () => {
  const r = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', path.join(examplesDir, 'tsconfig.json')], { cwd: root, encoding: 'utf8' });
  expect(r.stdout + r.stderr).toBe('');
  expect(r.status).toBe(0);
}, 120_000);

test('there are examples, each a cdk8s.yaml + main.ts', () => {
  expect(examples.length).toBeGreaterThanOrEqual(3);
  for (const name of examples) expect(fs.existsSync(path.join(examplesDir, name, 'main.ts'))).toBe(true);
});

describe.each(examples)('examples/%s', (name) => {
  test('synthesizes at least one workload with a native sidecar', () => {
    const docs = outputs[name];
    expect(docs.length).toBeGreaterThan(0);
    const sidecars = docs.map(podSpecIn).filter(Boolean).flatMap((s: any) => (s.initContainers ?? []).filter((c: any) => c.restartPolicy === 'Always'));
    expect(sidecars.length).toBeGreaterThan(0);
    for (const s of sidecars) {
      expect(s.startupProbe).toBeDefined();
      expect(s.startupProbe.initialDelaySeconds ?? 0).toBe(0);
      expect(s.startupProbe.periodSeconds).toBeLessThanOrEqual(1);
    }
  });

  test('is valid against the Kubernetes schema (kubernetes-models)', () => {
    for (const doc of outputs[name]) {
      const Model = modelFor(doc.apiVersion, doc.kind);
      expect(Model).toBeDefined();
      expect(() => new Model(doc).validate()).not.toThrow();
    }
  });

  test('has no unknown or misplaced fields (strict validation against the Kubernetes 1.28 API types)', () => {
    for (const doc of outputs[name]) expect({ resource: `${doc.kind}/${doc.metadata.name}`, unknown: unknownFields(doc) }).toEqual({ resource: `${doc.kind}/${doc.metadata.name}`, unknown: [] });
  });

  test('has no error or warning lint findings', () => {
    expect(notInfo(Linter.lintManifests(outputs[name]))).toEqual([]);
  });

  test('every workload simulates to a good lifecycle: app after sidecars serve, Jobs Completed', () => {
    const workloads = outputs[name].filter(d => podTemplateOf(d));
    expect(workloads.length).toBeGreaterThan(0);
    for (const w of workloads) expectGoodLifecycle(w);
  });

  test('passes Pod Security Standards restricted', () => {
    for (const doc of outputs[name]) {
      const spec = podSpecIn(doc);
      if (spec) expect({ resource: `${doc.kind}/${doc.metadata.name}`, violations: pssRestrictedViolations(spec) }).toEqual({ resource: `${doc.kind}/${doc.metadata.name}`, violations: [] });
    }
  });
});

test('seed-demo: batch/v1 CronJob sidecar-cronjob, slow-sidecar gated on GET / :8081 every second, sidecar-user as the app', () => {
  const [cron] = outputs['seed-demo'];
  expect(cron).toMatchObject({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'sidecar-cronjob' }, spec: { schedule: '* * * * *' } });
  const spec = cron.spec.jobTemplate.spec.template.spec;
  expect(spec.containers.map((c: any) => c.name)).toEqual(['sidecar-user']);
  expect(spec.containers[0].image).toBe('zwindler/sidecar-user');
  const [sidecar] = spec.initContainers;
  expect(sidecar).toMatchObject({ name: 'slow-sidecar', image: 'zwindler/slow-sidecar', restartPolicy: 'Always' });
  expect(sidecar.startupProbe.httpGet).toEqual({ path: '/', port: 8081, scheme: 'HTTP' });
  expect(sidecar.startupProbe.periodSeconds).toBeLessThanOrEqual(1);
  expect(sidecar.startupProbe.initialDelaySeconds ?? 0).toBe(0);
});

test('schema validation catches a bad manifest (the validator is not a no-op)', () => {
  const Model = modelFor('batch/v1', 'CronJob');
  expect(() => new Model({ metadata: { name: 'x' }, spec: { jobTemplate: {} } }).validate()).toThrow(/schedule/);
});

test('the strict field check catches misspelled and misplaced fields (it is not a no-op)', () => {
  const cron = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'x', labels: { a: 'b' } },
    spec: {
      schedule: '* * * * *',
      jobTemplate: {
        spec: {
          template: {
            spec: {
              restartPolicy: 'Never',
              containers: [{ name: 'app', image: 'a:1', startupProbe: { initialDelaySecond: 0, httpGet: { path: '/', port: 80 } } }],
              initContainers: [{ name: 'proxy', image: 'p:1', restartPolicy: 'Always' }],
              startupProbe: {},
            },
          },
        },
      },
    },
  };
  expect(unknownFields(cron)).toEqual([
    'CronJob.spec.jobTemplate.spec.template.spec.containers[0].startupProbe.initialDelaySecond',
    'CronJob.spec.jobTemplate.spec.template.spec.startupProbe',
  ]);
});

test('the PSS check catches a non-restricted container (the check is not a no-op)', () => {
  expect(pssRestrictedViolations({ containers: [{ name: 'a', securityContext: { privileged: true } }] })).toEqual(expect.arrayContaining([
    'container a: privileged', 'container a: allowPrivilegeEscalation must be false', 'container a: capabilities must drop ALL',
  ]));
});
