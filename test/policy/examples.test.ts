// The examples' synthesized output (cdk8s synth of every examples/<name>/, into a temporary directory so it never
// races test/examples.test.ts over examples/<name>/dist): each policy agrees with the linter, and every object is
// admitted by every policy.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { evaluatePolicy } from './_cel-eval';
import { compare } from './_parity';
import { parseManifests } from '../../src/_manifest';
import { buildPolicyObjects } from '../../src/policy/_build';

const root = path.join(__dirname, '..', '..');
const examplesDir = path.join(root, 'examples');
const examples = fs.readdirSync(examplesDir).filter(n => fs.existsSync(path.join(examplesDir, n, 'cdk8s.yaml'))).sort();
const outputs: { [example: string]: any[] } = {};

beforeAll(() => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-examples-'));
  try {
    for (const name of examples) {
      const out = path.join(tmp, name);
      const r = spawnSync(path.join(root, 'node_modules', '.bin', 'cdk8s'), ['synth', '--output', out, '--no-check-upgrade'], {
        cwd: path.join(examplesDir, name), encoding: 'utf8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
      });
      if (r.status !== 0) throw new Error(`cdk8s synth of examples/${name} failed:\n${r.stdout}\n${r.stderr}`);
      outputs[name] = fs.readdirSync(out).filter(f => f.endsWith('.yaml'))
        .flatMap(f => parseManifests(fs.readFileSync(path.join(out, f), 'utf8'), f).map(m => m.manifest));
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}, 300_000);

const policies = buildPolicyObjects({ kubernetesVersion: { major: 1, minor: 30 }, actions: ['Deny'] }).filter(o => o.kind === 'ValidatingAdmissionPolicy');

test('there are examples', () => {
  expect(examples.length).toBeGreaterThanOrEqual(3);
});

describe.each(examples)('examples/%s', name => {
  test('every object is admitted by every policy, and the policies that apply do evaluate it', () => {
    const workloads = outputs[name].filter(o => ['Pod', 'Job', 'CronJob', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].includes(o.kind));
    expect(workloads.length).toBeGreaterThan(0);
    for (const obj of outputs[name]) {
      for (const p of policies) {
        const v = evaluatePolicy(p, obj);
        expect({ object: `${obj.kind}/${obj.metadata.name}`, policy: p.metadata.name, failures: v.failures })
          .toEqual({ object: `${obj.kind}/${obj.metadata.name}`, policy: p.metadata.name, failures: [] });
      }
    }
    // not vacuous: the pod-level policies run on each workload
    const podPolicy = policies.find(p => p.metadata.name === 'cdk8s-sidecars-sidecar-missing-startup-probe')!;
    for (const w of workloads) expect(evaluatePolicy(podPolicy, w).evaluated).toBe(true);
  });

  test('each policy agrees with the linter', () => {
    for (const obj of outputs[name]) {
      for (const r of compare(obj)) expect({ object: `${obj.kind}/${obj.metadata.name}`, ...r }).toEqual({ object: `${obj.kind}/${obj.metadata.name}`, ...r, policy: r.lint });
    }
  });
});
