// Shell scripts, stop mechanisms, classification by command/args, placeholders: the behaviour behind
// job-helper-manual-stop and the corpus judgements, one fact per test.
import * as fc from 'fast-check';
import { job, lint, ofRule, RESTRICTED, sidecar, task } from './_helpers';
import { Severity } from '../../src';
import { parseScript, shellScriptOf } from '../../src/lint/_shell';

const PROXY = 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.0';
const proxy = (args: string[], extra: Record<string, any> = {}) => ({ name: 'cloud-sql-proxy', image: PROXY, args, securityContext: { ...RESTRICTED }, ...extra });
const sh = (name: string, script: string, extra: Record<string, any> = {}) => task(name, { command: ['/bin/sh', '-c', script], ...extra });
const istioProxy = () => ({ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.22.0', args: ['proxy', 'sidecar'], securityContext: { ...RESTRICTED } });

/** The severities job-helper-never-exits / job-helper-manual-stop report for a Job with these containers. */
function verdict(containers: any[], spec: Record<string, any> = {}) {
  const f = lint([job({ containers, ...spec })]);
  return {
    neverExits: ofRule(f, 'job-helper-never-exits').map(x => x.severity),
    manualStop: ofRule(f, 'job-helper-manual-stop').map(x => x.severity),
  };
}
const WORKS = { neverExits: [], manualStop: [Severity.WARNING] };
const BROKEN = { neverExits: [Severity.ERROR], manualStop: [] };

describe('shell reader', () => {
  test('finds the script of sh -c / bash -ec / env bash -c, not of a script file', () => {
    expect(shellScriptOf(['/bin/sh', '-c', 'echo hi'])).toBe('echo hi');
    expect(shellScriptOf(['bash', '-ec', 'a; b'])).toBe('a; b');
    expect(shellScriptOf(['/usr/bin/env', 'bash', '-o', 'pipefail', '-c', 'x'])).toBe('x');
    expect(shellScriptOf(['/bin/bash', '/app/run.sh'])).toBeUndefined();
    expect(shellScriptOf(['/app'])).toBeUndefined();
  });

  test('splits commands with their separators, background, trap handlers and loops', () => {
    const cmds = parseScript("trap 'touch /tmp/done' EXIT\n/proxy --x & PID=$!\nwhile [ ! -f /tmp/q ]; do sleep 1; done\n/app && curl -X POST \"localhost:1/quit\" || echo failed | tee log");
    expect(cmds.map(c => [c.argv[0], c.before, c.background, c.inTrap, c.inLoop])).toEqual([
      ['touch', 'start', false, true, false],
      ['trap', 'start', false, false, false],
      ['/proxy', 'start', true, false, false],
      ['[', 'start', false, false, true],
      ['sleep', 'start', false, false, true],
      ['/app', 'start', false, false, false],
      ['curl', '&&', false, false, false],
      ['echo', '||', false, false, false],
      ['tee', '|', false, false, false],
    ]);
    expect(cmds[6].argv).toEqual(['curl', '-X', 'POST', 'localhost:1/quit']);
  });

  test('never throws and never yields an empty command, whatever the text (fast-check, fixed seed)', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('a', ' ', ';', '&', '|', '\n', "'", '"', '\\', '(', ')', '#', '$', 'x', '-'), maxLength: 60 }), text => {
      for (const c of parseScript(text)) expect(c.argv.length).toBeGreaterThan(0);
    }), { seed: 20261202, numRuns: 500 });
  });
});

describe('stop mechanisms of a Job helper', () => {
  test('Istio /quitquitquit: works after `;` or in a trap, broken after `&&`, under set -e, or joined by a folded scalar', () => {
    expect(verdict([sh('task', '/task; curl -X POST localhost:15020/quitquitquit'), istioProxy()])).toEqual(WORKS);
    expect(verdict([sh('task', "trap 'curl -X POST localhost:15020/quitquitquit' EXIT\n/task"), istioProxy()])).toEqual(WORKS);
    expect(verdict([sh('task', '/task && curl -X POST localhost:15020/quitquitquit'), istioProxy()])).toEqual(BROKEN);
    expect(verdict([task('task', { command: ['/bin/sh', '-ec', '/task\ncurl -X POST localhost:15020/quitquitquit'] }), istioProxy()])).toEqual(BROKEN);
    expect(verdict([sh('task', '/task --all curl -X POST localhost:15020/quitquitquit'), istioProxy()])).toEqual(BROKEN);
  });

  test('the broken mechanism is named in the error', () => {
    const f = ofRule(lint([job({ containers: [sh('task', '/task && curl -X POST localhost:15020/quitquitquit'), istioProxy()] })]), 'job-helper-never-exits');
    expect(f[0].message).toMatch(/meant to be stopped by Istio's pilot-agent \/quitquitquit .*'&&'/);
  });

  test("the proxy's own /quitquitquit needs --quitquitquit; with the flag, an unseen caller is assumed", () => {
    expect(verdict([sh('task', '/task; curl -X POST localhost:9091/quitquitquit'), proxy(['--port=5432', 'p:r:i'])])).toEqual(BROKEN);
    expect(verdict([sh('task', '/task; curl -X POST localhost:9091/quitquitquit'), proxy(['--quitquitquit', '--port=5432', 'p:r:i'])])).toEqual(WORKS);
    expect(verdict([task('task', { command: ['/app/job.sh'] }), proxy(['--quitquitquit', '--port=5432', 'p:r:i'])])).toEqual(WORKS);
    expect(verdict([task('task', { command: ['/app/job.sh'] }), proxy(['--port=5432', 'p:r:i'])])).toEqual(BROKEN);
  });

  test('kubexit: works when a death dependency runs under kubexit with that name', () => {
    const env = (name: string, deps?: string) => [{ name: 'KUBEXIT_NAME', value: name }, ...(deps ? [{ name: 'KUBEXIT_DEATH_DEPS', value: deps }] : [])];
    const helper = { ...sidecar('tunnel', 5432), restartPolicy: undefined, startupProbe: undefined, command: ['/kubexit/kubexit', '/tunnel'], env: env('tunnel', 'task') };
    expect(verdict([task('task', { command: ['/kubexit/kubexit', '/task'], env: env('task') }), helper])).toEqual(WORKS);
    expect(verdict([task('task', { env: env('task') }), helper])).toEqual(BROKEN);
  });

  test('quit file: written by the task (trap or after `;`), or polled on a volume the task mounts', () => {
    const helper = { ...sh('proxy', '/cloud_sql_proxy -instances=p:r:i=tcp:5432 & while [ ! -f /lifecycle/done ]; do sleep 1; done; kill %1'), image: 'gcr.io/cloudsql-docker/gce-proxy:1.33.2' };
    expect(verdict([sh('task', "trap 'touch /lifecycle/done' EXIT; /task"), helper])).toEqual(WORKS);
    expect(verdict([sh('task', '/task && touch /lifecycle/done'), helper])).toEqual(BROKEN);
    expect(verdict([task('task', { volumeMounts: [{ name: 'l', mountPath: '/lifecycle' }] }), helper])).toEqual(WORKS);
    expect(verdict([task('task'), helper])).toEqual(BROKEN);
  });

  test('pkill needs shareProcessNamespace: true', () => {
    const containers = [sh('task', '/task; pkill -INT cloud-sql-proxy'), proxy(['--port=5432', 'p:r:i'])];
    expect(verdict(containers, { shareProcessNamespace: true })).toEqual(WORKS);
    expect(verdict(containers)).toEqual(BROKEN);
  });

  test('linkerd-await --shutdown stops linkerd-proxy', () => {
    const lp = { name: 'linkerd-proxy', image: 'cr.l5d.io/linkerd/proxy:edge-24.1.1', securityContext: { ...RESTRICTED } };
    expect(verdict([task('task', { command: ['/linkerd-await', '--shutdown', '--', '/task'] }), lp])).toEqual(WORKS);
    expect(verdict([task('task', { command: ['/task'] }), lp])).toEqual(BROKEN);
  });

  test('a sidecar controller annotation naming the helper', () => {
    const obj = job({ containers: [task('task'), proxy(['--port=5432', 'p:r:i'])] });
    obj.spec.template.metadata = { annotations: { 'pod.kubernetes.io/sidecars': 'cloud-sql-proxy' } };
    expect(ofRule(lint([obj]), 'job-helper-manual-stop')).toHaveLength(1);
    expect(ofRule(lint([obj]), 'job-helper-never-exits')).toHaveLength(0);
  });
});

describe('classification by what a container runs', () => {
  test("Istio's proxyv2 as istio-init (istio-iptables) is one-shot; as istio-proxy it serves", () => {
    const init = { name: 'istio-init', image: 'docker.io/istio/proxyv2:1.22.0', args: ['istio-iptables', '-p', '15001'], securityContext: { ...RESTRICTED } };
    expect(ofRule(lint([job({ initContainers: [init] })]), 'init-container-never-exits')).toEqual([]);
    const serving = { ...init, name: 'mesh', args: ['proxy', 'sidecar'] };
    expect(ofRule(lint([job({ initContainers: [serving] })]), 'init-container-never-exits')).toHaveLength(1);
  });

  test('a proxy inside sh -c is found, its flags checked; in the background before the task it is no helper', () => {
    const wrapped = { ...sh('proxy', 'exec /cloud-sql-proxy p:r:i'), image: `${PROXY}-alpine` };
    expect(ofRule(lint([job({ containers: [task(), wrapped] })]), 'proxy-no-explicit-port')).toHaveLength(1);
    expect(ofRule(lint([job({ containers: [task(), wrapped] })]), 'job-helper-never-exits')).toHaveLength(1);
    const background = sh('app', '/cloud-sql-proxy --port=5432 p:r:i & /task; kill %1');
    expect(verdict([task('other'), background])).toEqual({ neverExits: [], manualStop: [] });
  });

  test('$(VAR) references are expanded from literal env values, as the kubelet does', () => {
    const p = proxy(['--port=$(DB_PORT)', 'p:r:i'], { restartPolicy: 'Always', env: [{ name: 'DB_PORT', value: '5432' }] });
    expect(ofRule(lint([job({ initContainers: [p] })]), 'proxy-no-explicit-port')).toEqual([]);
  });

  test('placeholders are unknown values: ports, instances, images, probe port names', () => {
    const p = proxy(['--port=<DB_PORT>', '<INSTANCE_CONNECTION_NAME>'], { restartPolicy: 'Always' });
    expect(ofRule(lint([job({ initContainers: [p] })]), 'proxy-no-explicit-port')).toEqual([]);
    const placeholderInstance = proxy(['${INSTANCE}'], { restartPolicy: 'Always' });
    expect(ofRule(lint([job({ initContainers: [placeholderInstance] })]), 'proxy-no-explicit-port')).toEqual([]);
    for (const image of ['ko://github.com/x/y/cmd/z', '<image>', '${IMAGE}', 'registry/$(NAME)']) {
      expect(ofRule(lint([job({ containers: [task('t', { image })] })]), 'image-latest-or-untagged')).toEqual([]);
    }
    const probed = task('t', { readinessProbe: { httpGet: { path: '/', port: '${PORT}' } } });
    expect(ofRule(lint([job({ containers: [probed] })]), 'probe-named-port-undefined')).toEqual([]);
  });
});

describe('mesh injection of Job pods', () => {
  const ns = (labels: Record<string, string> = {}, annotations: Record<string, string> = {}) =>
    ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'batch', labels, annotations } });
  const inNs = (meta: Record<string, any> = {}) => {
    const j = job();
    j.metadata.namespace = 'batch';
    j.spec.template.metadata = meta;
    return j;
  };
  const rule = (objs: any[]) => ofRule(lint(objs), 'job-mesh-sidecar-injected');

  test('Istio: pod label or namespace label (istio-injection, istio.io/rev); nativeSidecar or inject=false silences it', () => {
    expect(rule([inNs({ labels: { 'sidecar.istio.io/inject': 'true' } })])).toHaveLength(1);
    expect(rule([ns({ 'istio-injection': 'enabled' }), inNs()])).toHaveLength(1);
    expect(rule([ns({ 'istio.io/rev': 'canary' }), inNs()])).toHaveLength(1);
    expect(rule([inNs()])).toHaveLength(0); // the namespace is not in the input
    expect(rule([ns({ 'istio-injection': 'enabled' }), inNs({ labels: { 'sidecar.istio.io/inject': 'false' } })])).toHaveLength(0);
    expect(rule([ns({ 'istio-injection': 'enabled' }), inNs({ annotations: { 'sidecar.istio.io/nativeSidecar': 'true' } })])).toHaveLength(0);
  });

  test('Linkerd: pod or namespace annotation; the alpha, beta and GA native-sidecar keys silence it', () => {
    expect(rule([inNs({ annotations: { 'linkerd.io/inject': 'enabled' } })])).toHaveLength(1);
    expect(rule([ns({}, { 'linkerd.io/inject': 'enabled' }), inNs()])).toHaveLength(1);
    for (const key of ['config.alpha.linkerd.io/proxy-enable-native-sidecar', 'config.beta.linkerd.io/proxy-enable-native-sidecar', 'config.linkerd.io/proxy-enable-native-sidecar']) {
      expect(rule([inNs({ annotations: { 'linkerd.io/inject': 'enabled', [key]: 'true' } })])).toHaveLength(0);
      expect(rule([ns({}, { 'linkerd.io/inject': 'enabled', [key]: 'true' }), inNs()])).toHaveLength(0);
    }
    expect(rule([ns({}, { 'linkerd.io/inject': 'enabled' }), inNs({ annotations: { 'linkerd.io/inject': 'disabled' } })])).toHaveLength(0);
  });
});
