import * as fs from 'fs';
import * as path from 'path';
import { FIXTURES, fixture } from './helpers';
import { Simulator } from '../../src/simulate';
import { normalizeBehaviors, parseBehaviorFile } from '../../src/simulate/_behavior';

const NAMES = ['slow-sidecar', 'sidecar-user'];

describe('behaviour validation', () => {
  test('durations as strings (5s, 1.5s, 2m, 250ms) or numbers; defaults filled in', () => {
    const b = normalizeBehaviors({
      'slow-sidecar': { readyAfter: '1.5s', stopAfter: '2m', postStartDuration: '250ms' },
      'sidecar-user': { exitAfter: 3, exitCode: 2, needs: ['slow-sidecar'] },
    }, NAMES, 'b.yaml');
    expect(b.get('slow-sidecar')).toMatchObject({ readyAfter: 1.5, stopAfter: 120, postStartDuration: 0.25, exitCode: 0, failsStartup: false, needs: [] });
    expect(b.get('sidecar-user')).toMatchObject({ readyAfter: 0, exitAfter: 3, exitCode: 2, needs: ['slow-sidecar'] });
  });

  test('attempts: per-run overrides over the container\'s own keys, durations as in the file', () => {
    const text = 'sidecar-user:\n  exitAfter: 30s\n  attempts:\n    - { exitAfter: 1s, exitCode: 1 }\n    - { failsStartup: true }\n';
    const b = normalizeBehaviors(parseBehaviorFile(text, 'b.yaml'), NAMES, 'b.yaml').get('sidecar-user')!;
    expect(b).toMatchObject({ exitAfter: 30, exitCode: 0, failsStartup: false });
    expect(b.attempts).toHaveLength(2);
    expect(b.attempts[0]).toMatchObject({ exitAfter: 1, exitCode: 1, failsStartup: false });
    expect(b.attempts[1]).toMatchObject({ exitAfter: 30, exitCode: 0, failsStartup: true });
  });

  test('a container without a behaviour serves at once and runs until stopped', () => {
    const b = normalizeBehaviors(undefined, NAMES, 'behaviors');
    expect(b.get('sidecar-user')).toMatchObject({ readyAfter: 0, stopAfter: 0, needs: [] });
    expect(b.get('sidecar-user')!.exitAfter).toBeUndefined();
  });

  test.each([
    [{ proxy: { readyAfter: '5s' } }, "b.yaml: unknown container 'proxy' (the pod's containers: slow-sidecar, sidecar-user)"],
    [{ 'slow-sidecar': { readyAfer: '5s' } }, "b.yaml: container 'slow-sidecar': unknown key 'readyAfer' (known keys: readyAfter, exitAfter, stopAfter,"],
    [{ 'slow-sidecar': { readyAfter: 'soon' } }, "b.yaml: container 'slow-sidecar': 'readyAfter' must be a duration like 5s, 1.5s, 2m or 250ms (or a number of seconds >= 0), got 'soon'"],
    [{ 'slow-sidecar': { readyAfter: -1 } }, "'readyAfter' must be a duration like 5s, 1.5s, 2m or 250ms (or a number of seconds >= 0), got -1"],
    [{ 'sidecar-user': { exitCode: 1.5 } }, "b.yaml: container 'sidecar-user': 'exitCode' must be a whole number from 0 to 255, got 1.5"],
    [{ 'sidecar-user': { exitCode: '1' } }, "'exitCode' must be a whole number from 0 to 255, got '1'"],
    [{ 'sidecar-user': { stopExitCode: 256 } }, "'stopExitCode' must be a whole number from 0 to 255, got 256"],
    [{ 'sidecar-user': { failsStartup: 'yes' } }, "'failsStartup' must be true or false, got 'yes'"],
    [{ 'sidecar-user': { needs: ['cloud-sql-proxy'] } }, "b.yaml: container 'sidecar-user': 'needs' names 'cloud-sql-proxy', which is not a container of the pod (containers: slow-sidecar, sidecar-user)"],
    [{ 'sidecar-user': { needs: ['sidecar-user'] } }, "'needs' names the container itself ('sidecar-user')"],
    [{ 'sidecar-user': { needs: [1] } }, "'needs' must be a list of container names, got [1]"],
    [{ 'sidecar-user': 'fast' }, "b.yaml: container 'sidecar-user': expected a mapping of behaviour keys, got 'fast'"],
    [['slow-sidecar'], 'b.yaml: expected a mapping of container name to behaviour, got ["slow-sidecar"]'],
  ])('%j is rejected with a message naming the key and value', (behaviors, message) => {
    expect(() => normalizeBehaviors(behaviors, NAMES, 'b.yaml')).toThrow(message);
  });

  test('needs may be a single name', () => {
    expect(normalizeBehaviors({ 'sidecar-user': { needs: 'slow-sidecar' } }, NAMES, 'b').get('sidecar-user')!.needs).toEqual(['slow-sidecar']);
  });

  test('the library API validates behaviours too', () => {
    expect(() => Simulator.simulate(fixture('seed-fixed.yaml'), { behaviors: { app: {} } }))
      .toThrow("behaviors: unknown container 'app' (the pod's containers: slow-sidecar, sidecar-user)");
  });
});

describe('behaviour files', () => {
  test('the seed behaviour file parses', () => {
    const file = path.join(FIXTURES, 'seed-behavior.yaml');
    const raw = parseBehaviorFile(fs.readFileSync(file, 'utf8'), file);
    expect(normalizeBehaviors(raw, NAMES, file).get('slow-sidecar')!.readyAfter).toBe(5);
  });

  test('JSON works too, and an empty file means no behaviours', () => {
    expect(parseBehaviorFile('{"slow-sidecar": {"readyAfter": "5s"}}', 'b.json')).toEqual({ 'slow-sidecar': { readyAfter: '5s' } });
    expect(parseBehaviorFile('# nothing\n', 'b.yaml')).toEqual({});
  });

  test('malformed YAML names the file and line (the CLI\'s one loader, as for manifests)', () => {
    expect(() => parseBehaviorFile('slow-sidecar:\n  readyAfter: [5s\n', 'b.yaml')).toThrow(/^b\.yaml:\d+:\d+: malformed YAML: /);
  });

  test('duplicate keys are an error', () => {
    expect(() => parseBehaviorFile('a: {}\na: {}\n', 'b.yaml')).toThrow(/^b\.yaml:2:\d+: malformed YAML: duplicate key 'a'/);
  });

  test('a list is not a behaviour file', () => {
    expect(() => parseBehaviorFile('- a\n', 'b.yaml')).toThrow("b.yaml: a behaviour file is a mapping of container name to behaviour (e.g. 'proxy: { readyAfter: 5s }'), got [\"a\"]");
  });
});
