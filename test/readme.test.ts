// The README's quick start is code users paste: it must type-check and synthesize as printed.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

const root = path.join(__dirname, '..');

test('the README quick start type-checks and synthesizes the sidecar it describes', () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Quick start'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)![1];
  expect(code.split('\n').filter(l => l.trim() !== '').length).toBeLessThanOrEqual(17);
  fs.mkdirSync(path.join(root, '.tmp'), { recursive: true }); // gitignored
  const dir = fs.mkdtempSync(path.join(root, '.tmp', 'readme-'));
  try {
    const file = path.join(dir, 'quick-start.ts');
    fs.writeFileSync(file, code.replace("from 'cdk8s-sidecars'", "from '../../src'"));
    const r = spawnSync(process.execPath, ['-r', 'ts-node/register', file], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, TS_NODE_PROJECT: path.join(root, 'test', 'tsconfig.json'), CDK8S_OUTDIR: path.join(dir, 'dist') },
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const [cron] = parseAllDocuments(fs.readFileSync(path.join(dir, 'dist', 'reports.k8s.yaml'), 'utf8')).map(d => d.toJS());
    const sidecar = cron.spec.jobTemplate.spec.template.spec.initContainers[0];
    expect(sidecar).toMatchObject({ name: 'api-proxy', restartPolicy: 'Always' });
    expect(sidecar.startupProbe).toEqual({
      httpGet: { path: '/ready', port: 8081, scheme: 'HTTP' }, periodSeconds: 1, initialDelaySeconds: 0, failureThreshold: 60, timeoutSeconds: 1,
    });
    expect(cron.spec.jobTemplate.spec.activeDeadlineSeconds).toBe(3600);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
