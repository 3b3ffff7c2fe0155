// The one loader of every CLI input (src/_safe-yaml.ts): malformed input is one line naming file, line and column;
// alias bombs, deep nesting, binary data and huge input are refused in bounded time and memory.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { decodeInput, loadSingleYaml, loadYaml, ManifestError, MAX_ALIAS_EXPANSION, MAX_INPUT_BYTES, MAX_YAML_DEPTH, pathSegments, readInputFile } from '../src/_safe-yaml';

function error(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ManifestError);
    const message = (e as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a ManifestError');
}

/** A billion-laughs document: `levels` anchors, each a list of `width` aliases of the previous one. */
function aliasBomb(levels: number, width = 9): string {
  let text = 'l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  for (let i = 1; i <= levels; i++) text += `l${i}: &l${i} [${Array(width).fill(`*l${i - 1}`).join(', ')}]\n`;
  return text;
}

describe('loadYaml', () => {
  test('multi-document YAML and JSON: values and the line each document starts on', () => {
    const loaded = loadYaml('a: 1\n---\n# comment\n---\n{"b": [1, "x", null, true]}\n', 'f.yaml');
    expect(loaded.documents.map(d => [d.value, d.line])).toEqual([[{ a: 1 }, 1], [null, 2], [{ b: [1, 'x', null, true] }, 5]]);
  });

  test('duplicate mapping keys are malformed input, naming the key, both lines and the column', () => {
    // two objects joined without `---`: the second apiVersion is the duplicate
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\napiVersion: batch/v1\nkind: CronJob\n';
    expect(error(() => loadYaml(text, 'joined.yaml'))).toBe("joined.yaml:5:1: malformed YAML: duplicate key 'apiVersion' (first at line 1); two objects joined without '---'?");
    expect(error(() => loadYaml('{"a": 1, "b": 2, "a": 3}', 'x.json'))).toMatch(/^x\.json:1:18: malformed YAML: duplicate key 'a' \(first at line 1\)/);
    // keys are compared as the strings they become: 1 and "1" collide
    expect(error(() => loadYaml('1: a\n"1": b\n', 'k.yaml'))).toMatch(/^k\.yaml:2:1: malformed YAML: duplicate key '1'/);
  });

  test('a 20,000-key mapping loads (our duplicate check is a property lookup, not the yaml package\'s quadratic uniqueKeys)', () => {
    const text = Array.from({ length: 20_000 }, (_, i) => `k${i}: ${i}`).join('\n');
    const value = loadYaml(text, 'wide.yaml').documents[0].value as Record<string, number>;
    expect(Object.keys(value)).toHaveLength(20_000);
    expect(value.k19999).toBe(19_999);
  });

  test('syntax errors name line and column; only the first line of the parser message is kept', () => {
    expect(error(() => loadYaml('a: 1\nb: [unclosed\n', 'bad.yaml'))).toMatch(/^bad\.yaml:3:1: malformed YAML: /);
    expect(error(() => loadYaml('{"a": 1,,}', 'bad.json'))).toMatch(/^bad\.json:1:\d+: malformed YAML: /);
  });

  test('aliases resolve to the anchored value; unresolved ones are malformed input', () => {
    const v = loadYaml('base: &b {image: x}\nc: *b\n', 'a.yaml').documents[0].value as any;
    expect(v.c).toEqual({ image: 'x' });
    expect(error(() => loadYaml('a: *nope\n', 'a.yaml'))).toBe('a.yaml:1:4: malformed YAML: unresolved alias *nope (the anchor must be set before the alias)');
    // anchors do not leak from one document into the next
    expect(error(() => loadYaml('a: &x 1\n---\nb: *x\n', 'a.yaml'))).toMatch(/^a\.yaml:3:4: malformed YAML: unresolved alias \*x/);
  });

  test('an alias bomb is refused before anything is expanded, in bounded time', () => {
    const t0 = Date.now();
    expect(error(() => loadYaml(aliasBomb(9), 'bomb.yaml'))).toMatch(
      new RegExp(`^bomb\\.yaml:\\d+:\\d+: malformed YAML: aliases expand to more than ${MAX_ALIAS_EXPANSION} nodes and 10 times the input \\(an "alias bomb"\\?\\)$`));
    expect(Date.now() - t0).toBeLessThan(5_000);
    // a few levels are fine (9^3 nodes)
    expect(() => loadYaml(aliasBomb(2), 'small.yaml')).not.toThrow();
    // many aliases in a large file are fine: each expands to a little, together less than 10 times the input
    // (10,000 aliases of a 12-node mapping: 120,000 nodes, 4 times the 30,000 written)
    const shared = 'x: &sc {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9, j: 10, k: 11}\n';
    const big = Array.from({ length: 10_000 }, (_, i) => `- {name: c${i}, image: i, securityContext: *sc}`).join('\n');
    expect(() => loadYaml(`${shared}y:\n${big.replace(/^/gm, '  ')}\n`, 'shared.yaml')).not.toThrow();
  });

  test.each([
    ['flow sequences', '['.repeat(1_000_000)],
    ['flow mappings', '{a: '.repeat(200_000)],
    ['compact block sequences', '- '.repeat(200_000) + 'x'],
    ['block mappings', Array.from({ length: 2_000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1'],
  ])('nesting deeper than the limit (%s) is refused without a stack overflow', (_name, text) => {
    expect(error(() => loadYaml(text, 'deep.yaml'))).toMatch(new RegExp(`^deep\\.yaml:\\d+:\\d+: malformed YAML: nested too deeply \\(more than ${MAX_YAML_DEPTH} levels\\)$`));
  });

  test('nesting within the limit loads', () => {
    const depth = MAX_YAML_DEPTH - 10;
    let v: any = loadYaml(`${'['.repeat(depth)}1${']'.repeat(depth)}`, 'ok.yaml').documents[0].value;
    for (let i = 1; i < depth; i++) v = v[0];
    expect(v).toEqual([1]);
  });

  test('control characters (binary data) are refused with their position', () => {
    expect(error(() => loadYaml('a: 1\nb: "x\u0000y"\n', 'bin.yaml'))).toBe('bin.yaml:2:6: malformed YAML: control character U+0000 (binary data?)');
    expect(error(() => loadYaml('\u001b[31m', 'esc.yaml'))).toMatch(/^esc\.yaml:1:1: malformed YAML: control character U\+001B/);
  });

  test('a mapping or sequence used as a key is refused; __proto__ is a plain key', () => {
    expect(error(() => loadYaml('? [a, b]\n: c\n', 'k.yaml'))).toMatch(/^k\.yaml:1:3: malformed YAML: a mapping key must be a plain value/);
    const v = loadYaml('__proto__: {polluted: true}\n', 'p.yaml').documents[0].value as any;
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect(({} as any).polluted).toBeUndefined();
  });

  test('lineOf: the deepest mapping or sequence on a path; under a key, the key\'s line', () => {
    const text = [
      'kind: Job', //                      1
      'spec:', //                          2
      '  template:', //                    3
      '    spec:', //                      4
      '      initContainers:', //          5
      '      - name: a', //                6
      '        image: a:1', //             7
      '      - name: b', //                8
      '        startupProbe:', //          9
      '          exec: {command: [x]}', // 10
    ].join('\n');
    const loaded = loadYaml(text, 'job.yaml');
    const root = loaded.documents[0].value;
    const at = (p: string) => loaded.lineOf(root, p);
    expect(at('')).toBe(1);
    expect(at('spec.template.spec.initContainers')).toBe(5);
    expect(at('spec.template.spec.initContainers[0]')).toBe(6);
    expect(at('spec.template.spec.initContainers[1]')).toBe(8);
    expect(at('spec.template.spec.initContainers[1].startupProbe')).toBe(9);
    expect(at('spec.template.spec.initContainers[1].startupProbe.exec.command')).toBe(10);
    // a scalar or a missing field: the deepest container on the way
    expect(at('spec.template.spec.initContainers[0].image')).toBe(6);
    expect(at('spec.template.spec.initContainers[1].livenessProbe')).toBe(8);
    expect(loaded.lineOf({}, 'spec')).toBeUndefined();
  });

  test('pathSegments splits dots and indexes', () => {
    expect(pathSegments('spec.jobTemplate.spec.template.spec.containers[1].ports[0]')).toEqual(['spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers', 1, 'ports', 0]);
    expect(pathSegments('')).toEqual([]);
  });
});

describe('loadSingleYaml', () => {
  test('one document, or null when empty; more than one is malformed', () => {
    expect(loadSingleYaml('app: {exitAfter: 5s}\n', 'b.yaml', { what: 'behaviour file' }).value).toEqual({ app: { exitAfter: '5s' } });
    expect(loadSingleYaml('# nothing\n', 'b.yaml').value).toBeNull();
    expect(error(() => loadSingleYaml('a: 1\n---\nb: 2\n', 'b.yaml', { what: 'behaviour file' }))).toBe('b.yaml:3: malformed behaviour file: expected one document, found 2');
    expect(error(() => loadSingleYaml('a: 1\na: 2\n', 'b.yaml', { what: 'behaviour file' }))).toMatch(/^b\.yaml:2:1: malformed behaviour file: duplicate key 'a'/);
  });
});

describe('decodeInput and readInputFile', () => {
  let dir: string;
  beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safe-yaml-')); });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('UTF-8 only, a byte order mark is dropped', () => {
    expect(decodeInput(Buffer.from('\ufeffa: ü\n', 'utf8'), 'f')).toBe('a: ü\n');
    expect(error(() => decodeInput(Buffer.from([0x61, 0x3a, 0x20, 0xff, 0xfe, 0x0a]), 'latin.yaml'))).toBe('latin.yaml: not UTF-8 text (binary data?); YAML and JSON manifests must be UTF-8');
  });

  test('input over the size limit is refused before it is parsed (and, for files, before it is read)', () => {
    expect(error(() => decodeInput(Buffer.alloc(MAX_INPUT_BYTES + 1, 0x20), 'big.yaml'))).toMatch(/^big\.yaml: input too large: 32\.0 MiB \(the limit is 32\.0 MiB\); split it into several files$/);
    const big = path.join(dir, 'sparse.yaml');
    const fd = fs.openSync(big, 'w');
    fs.ftruncateSync(fd, MAX_INPUT_BYTES + 1024); // sparse: no disk used
    fs.closeSync(fd);
    expect(error(() => readInputFile(big))).toMatch(/sparse\.yaml: input too large/);
  });

  test('unreadable files: missing, a directory', () => {
    expect(error(() => readInputFile(path.join(dir, 'nope.yaml')))).toMatch(/nope\.yaml: cannot read: no such file or directory$/);
    expect(error(() => readInputFile(dir))).toMatch(/: cannot read: is a directory$/);
  });
});
