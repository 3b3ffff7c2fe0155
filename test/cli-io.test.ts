// The shared input plumbing of the CLI (src/_manifest.ts, src/_cli-io.ts): every bad input is one line naming the
// file (and line), and directory scans skip files that are not manifests.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Readable } from 'stream';
import { CommandIo, parseArgs, readManifestInputs, readStdinText, UsageError } from '../src/_cli-io';
import { ManifestError, parseManifests, parseDurationSeconds } from '../src/_manifest';
import { MAX_INPUT_BYTES } from '../src/_safe-yaml';

function io(stdin = ''): CommandIo & { err: string[] } {
  const err: string[] = [];
  return { stdout: () => undefined, stderr: t => err.push(t), readStdin: async () => stdin, err };
}

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-io-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const f = path.join(dir, name);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, text);
  return f;
};

describe('parseManifests', () => {
  test('reads multi-document YAML and JSON, flattens Lists, records each document line', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\n# only a comment\n---\n{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"b"}}]}\n';
    const out = parseManifests(text, 'f.yaml');
    expect(out.map(m => [m.manifest.metadata.name, m.line])).toEqual([['a', 1], ['b', 7]]);
  });

  test('malformed YAML names file, line and column', () => {
    expect(() => parseManifests('apiVersion: v1\nkind: Pod\nmetadata: {name: x\n', 'bad.yaml')).toThrow(/^bad\.yaml:4:1: malformed YAML: /);
  });

  test('an unresolved alias is a malformed-YAML error with the document line, not an internal error', () => {
    expect(() => parseManifests('apiVersion: v1\nkind: Pod\nmetadata:\n  name: *nope\n', 'alias.yaml')).toThrow(
      'alias.yaml:4:9: malformed YAML: unresolved alias *nope (the anchor must be set before the alias)');
  });

  test('a document that is not a Kubernetes object names its keys', () => {
    expect(() => parseManifests('replicas: 3\nimage: x\n', 'values.yaml')).toThrow("values.yaml:1: not a Kubernetes object: it has no 'apiVersion' and 'kind' (keys: replicas, image)");
    expect(() => parseManifests('- a\n- b\n', 'list.yaml')).toThrow("list.yaml:1: not a Kubernetes object: expected a mapping with 'apiVersion' and 'kind', got a list");
  });

  test('durations: 5s, 1.5s, 2m, 250ms, 1m30s, bare seconds; nonsense is undefined', () => {
    expect(['5s', '1.5s', '2m', '250ms', '1m30s', '7', 3].map(parseDurationSeconds)).toEqual([5, 1.5, 120, 0.25, 90, 7, 3]);
    expect(['', 'soon', '5x', '-1s', -1].map(parseDurationSeconds)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('readManifestInputs', () => {
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: a:1}]}\n';

  test('an empty file named explicitly is an error; an empty List is not', async () => {
    const empty = write('empty.yaml', '# nothing here\n');
    await expect(readManifestInputs([empty], io())).rejects.toThrow(`${empty}: no Kubernetes objects found (the file is empty or holds only comments)`);
    const list = write('list.yaml', 'apiVersion: v1\nkind: List\nitems: []\n');
    await expect(readManifestInputs([list], io())).resolves.toEqual([]);
  });

  test('a missing file is one line', async () => {
    await expect(readManifestInputs([path.join(dir, 'nope.yaml')], io())).rejects.toThrow(new ManifestError(`${path.join(dir, 'nope.yaml')}: cannot read: no such file or directory`));
  });

  test('a file named explicitly must hold Kubernetes objects', async () => {
    const values = write('values.yaml', 'replicas: 3\n');
    await expect(readManifestInputs([values], io())).rejects.toThrow(/values\.yaml:1: not a Kubernetes object/);
  });

  test('directory scans are recursive and skip non-manifests (with a note) but not broken manifests', async () => {
    write('a/pod.yaml', pod);
    write('a/b/pod.json', JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'q' } }));
    write('Chart.yaml', 'apiVersion: v2\nname: chart\n');
    write('tsconfig.json', '// generated\n{ "compilerOptions": {} }\n');
    write('node_modules/x/pod.yaml', pod);
    write('README.md', '# not yaml');
    const out = io();
    const manifests = await readManifestInputs([dir], out);
    expect(manifests.map(m => m.manifest.metadata.name).sort()).toEqual(['p', 'q']);
    expect(out.err.join('')).toMatch(/note: skipped .*Chart\.yaml:1: not a Kubernetes object/);
    expect(out.err.join('')).toMatch(/note: skipped .*tsconfig\.json/);
    write('c/broken.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: x\n');
    await expect(readManifestInputs([dir], io())).rejects.toThrow(/broken\.yaml:4:1: malformed YAML/);
  });

  test('a directory without manifests is an error', async () => {
    write('values.yaml', 'a: 1\n');
    await expect(readManifestInputs([dir], io())).rejects.toThrow(`${dir}: directory has no Kubernetes objects in its .yaml, .yml or .json files`);
  });

  test('- reads standard input', async () => {
    const manifests = await readManifestInputs(['-'], io(pod));
    expect(manifests.map(m => [m.file, m.manifest.kind])).toEqual([['<stdin>', 'Pod']]);
  });
});

describe('readManifestInputs with onError', () => {
  test('every bad input is passed on and the good ones are read', async () => {
    const good = write('good.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n');
    const bad = write('d/bad.yaml', 'apiVersion: v1\nkind: Pod\nkind: Pod\n');
    write('d/ok.json', '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "q"}}');
    write('d/construct-metadata.json', '{"version": "1.0.0", "resources": {}}');
    // not UTF-8: a Latin-1 values file is skipped with a note, a Latin-1 manifest is an error
    fs.writeFileSync(path.join(dir, 'd', 'latin1-values.yaml'), Buffer.from('name: caf\xe9\n', 'latin1'));
    const latin1Pod = path.join(dir, 'd', 'latin1-pod.yaml');
    fs.writeFileSync(latin1Pod, Buffer.from('apiVersion: v1\nkind: Pod\nmetadata: {name: caf\xe9}\n', 'latin1'));
    const errors: string[] = [];
    const out = io();
    const manifests = await readManifestInputs([good, path.join(dir, 'nope.yaml'), path.join(dir, 'd')], out, true, e => errors.push(e.message));
    expect(manifests.map(m => m.manifest.metadata.name)).toEqual(['p', 'q']);
    expect(errors).toEqual([
      `${path.join(dir, 'nope.yaml')}: cannot read: no such file or directory`,
      `${bad}:3:1: malformed YAML: duplicate key 'kind' (first at line 2); two objects joined without '---'?`,
      `${latin1Pod}: not UTF-8 text (binary data?); YAML and JSON manifests must be UTF-8`,
    ]);
    expect(out.err).toEqual([expect.stringMatching(/^cdk8s-sidecars: note: skipped .*latin1-values\.yaml: not UTF-8 text/)]);
  });
});

describe('readStdinText', () => {
  test('reads UTF-8; refuses binary and more than the size limit without buffering it all', async () => {
    await expect(readStdinText(Readable.from([Buffer.from('a: 1\n')]))).resolves.toBe('a: 1\n');
    await expect(readStdinText(Readable.from([Buffer.from([0xc3, 0x28])]))).rejects.toThrow('<stdin>: not UTF-8 text (binary data?); YAML and JSON manifests must be UTF-8');
    const mib = Buffer.alloc(1024 * 1024, 0x20);
    const chunks = function* () { for (let i = 0; i <= MAX_INPUT_BYTES / mib.length; i++) yield mib; };
    await expect(readStdinText(Readable.from(chunks()))).rejects.toThrow(/^<stdin>: input too large: more than 32 MiB; split it into several files$/);
  });
});

describe('parseArgs', () => {
  test('--flag value, --flag=value, booleans, positionals and --', () => {
    expect(parseArgs(['a', '--format', 'json', '--until=5m', '--quiet', '--', '--not-a-flag'], { format: 'string', until: 'string', quiet: 'boolean' })).toEqual({
      options: { format: 'json', until: '5m', quiet: true }, positionals: ['a', '--not-a-flag'],
    });
  });

  test('unknown options, missing values and values on booleans are usage errors', () => {
    expect(() => parseArgs(['--nope'], {})).toThrow(new UsageError("unknown option '--nope'"));
    expect(() => parseArgs(['-x'], {})).toThrow(new UsageError("unknown option '-x'"));
    expect(() => parseArgs(['--format'], { format: 'string' })).toThrow(new UsageError("option '--format' needs a value"));
    expect(() => parseArgs(['--quiet=1'], { quiet: 'boolean' })).toThrow(new UsageError("option '--quiet' takes no value"));
  });
});
