// `cdk8s-sidecars policy`: in-process through main() with a fake CommandIo, plus the built binary (lib/cli.js,
// compiled by `npm test` before jest runs; locally run `npx projen compile` first).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { main } from '../../src/cli';
import { coveredRuleIds } from '../../src/policy/_rules';

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: t => { stdout += t; }, stderr: t => { stderr += t; }, readStdin: async () => '' });
  return { code, stdout, stderr };
}

const docs = (yaml: string) => parseAllDocuments(yaml).map(d => d.toJS());

test('prints a policy and a binding per covered rule as YAML, bindings Warn + Audit by default', async () => {
  const r = await run(['policy']);
  expect(r).toMatchObject({ code: 0, stderr: '' });
  const objs = docs(r.stdout);
  expect(objs.map(o => o.kind)).toEqual(coveredRuleIds().flatMap(() => ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']));
  expect(objs.every(o => o.apiVersion === 'admissionregistration.k8s.io/v1')).toBe(true);
  expect(objs.filter(o => o.kind === 'ValidatingAdmissionPolicyBinding').map(o => o.spec.validationActions)).toEqual(coveredRuleIds().map(() => ['Warn', 'Audit']));
  // CEL is never folded over lines (lineWidth 0): the YAML round-trips to the exact expressions
  expect(r.stdout).toMatch(/^# cdk8s-sidecars policy --kubernetes-version 1\.30: 4 ValidatingAdmissionPolicies, each with its binding/);
});

test('--action Deny, --rules and --kubernetes-version', async () => {
  const r = await run(['policy', '--action', 'Deny', '--rules', 'init-container-never-exits', '--kubernetes-version', 'v1.31.2']);
  expect(r.code).toBe(0);
  const objs = docs(r.stdout);
  expect(objs.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
    'ValidatingAdmissionPolicy/cdk8s-sidecars-init-container-never-exits', 'ValidatingAdmissionPolicyBinding/cdk8s-sidecars-init-container-never-exits',
  ]);
  expect(objs[1].spec.validationActions).toEqual(['Deny']);
});

test.each([
  [['--kubernetes-version', '1.29'], /option '--kubernetes-version': Kubernetes 1\.29 is too old: ValidatingAdmissionPolicy .* GA from 1\.30/],
  [['--kubernetes-version', '2.0'], /option '--kubernetes-version'/],
  [['--action', 'Block'], /option '--action': unknown action 'Block'/],
  [['--action', 'Deny,Warn'], /option '--action': Deny and Warn cannot be combined/],
  [['--rules', 'pss-restricted'], /option '--rules': rule 'pss-restricted' has no admission policy: .*Pod Security Admission.* \(see --list-rules\)/],
  [['--rules', 'nope'], /option '--rules': unknown rule 'nope'/],
  [['--rules', ''], /option '--rules': no rule given/],
  [['--bogus'], /unknown option '--bogus'/],
  [['manifest.yaml'], /unexpected argument 'manifest.yaml'/],
])('bad options %j: exit 2, one line naming the problem', async (args, message) => {
  const r = await run(['policy', ...args]);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.split('\n')[0]).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
});

test('--list-rules: covered rules and every other rule with its reason', async () => {
  const r = await run(['policy', '--list-rules']);
  expect(r.code).toBe(0);
  const lines = r.stdout.trim().split('\n');
  expect(lines.filter(l => /^\S+\s+covered /.test(l)).map(l => l.split(/\s+/)[0])).toEqual(coveredRuleIds());
  expect(lines.find(l => l.startsWith('known-kubelet-bug'))).toMatch(/not covered .*kubelet version/);
});

test('--help and the command list', async () => {
  const help = await run(['policy', '--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/--action A\[,A\]/);
  expect((await run(['--help'])).stdout).toMatch(/^ {2}policy /m);
});

test('the built binary prints the same YAML (lib/cli.js)', () => {
  const cli = path.join(__dirname, '..', '..', 'lib', 'cli.js');
  if (!fs.existsSync(cli)) throw new Error('lib/cli.js is missing: run `npx projen compile` first');
  const r = spawnSync(process.execPath, [cli, 'policy', '--rules', 'job-mesh-sidecar-injected'], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  expect(docs(r.stdout).map(o => o.kind)).toEqual(['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']);
});
