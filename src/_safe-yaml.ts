/**
 * The one YAML/JSON loader for everything the CLI reads (manifests, directories, `simulate --behavior` files).
 *
 * Built on the `yaml` package's streaming `Lexer` + `Parser` + `Composer` (https://eemeli.org/yaml/#parsing-yaml) with
 * our own AST → value conversion, so that bad input is one clear line naming file, line and column, in bounded time
 * and memory:
 * - duplicate mapping keys are malformed input: "each of the keys is unique" (YAML 1.2.2, 3.2.1.1 Nodes,
 *   https://yaml.org/spec/1.2.2/#3211-nodes); two files joined without `---` would otherwise silently lose an object.
 *   Checked with one property lookup per key (the `yaml` package's own `uniqueKeys` check compares each key with all
 *   earlier ones: quadratic in the size of a mapping);
 * - aliases are bounded by the number of nodes they expand to (an "alias bomb" / billion laughs is refused before
 *   anything is expanded) and reuse the anchored value instead of copying it;
 * - nesting deeper than {@link MAX_YAML_DEPTH} levels is refused while parsing (never a stack overflow);
 * - binary data (C0 control characters other than tab and line breaks, which YAML's `c-printable`,
 *   https://yaml.org/spec/1.2.2/#51-character-set, and JSON, https://www.rfc-editor.org/rfc/rfc8259#section-7,
 *   exclude), invalid UTF-8 and inputs over {@link MAX_INPUT_BYTES} are refused before parsing;
 * - one document's syntax tree is alive at a time; the values keep, per mapping and sequence, where it starts, so
 *   findings can point at the offending container (`lineOf`).
 */
import * as fs from 'fs';
import { Alias, Composer, isAlias, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, Node, Parser } from 'yaml';

/** Largest input read (a file or standard input); larger inputs would take gigabytes to parse. */
export const MAX_INPUT_BYTES = 32 * 1024 * 1024;

/** Deepest nesting of mappings and sequences accepted (Kubernetes objects nest about 15 levels). */
export const MAX_YAML_DEPTH = 256;

/**
 * Most nodes all aliases of one input together may expand to, unless that is at most {@link MAX_ALIAS_FACTOR} times
 * the nodes written in the input (files that share e.g. a securityContext through anchors grow with their size).
 */
export const MAX_ALIAS_EXPANSION = 100_000;

/** Aliases may always expand to this many times the nodes written in the input. */
export const MAX_ALIAS_FACTOR = 10;

/** Input that cannot be read as YAML/JSON or is not a set of Kubernetes objects; the message names the file and line. */
export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

/** One parsed YAML document. */
export interface LoadedDocument {
  /** The document's value (`null` for an empty document). */
  readonly value: unknown;
  /** 1-based line where the document's content starts. */
  readonly line: number;
}

/** The documents of one input, with line lookup. */
export interface LoadedYaml {
  readonly documents: LoadedDocument[];
  /**
   * Line of the deepest mapping or sequence on `path` below `root` (one of the documents' values, or a value inside
   * one), e.g. `spec.template.spec.initContainers[0].startupProbe`: the line of the `startupProbe:` key. A mapping
   * or sequence under a key is placed on its key's line, a sequence item on its own line.
   * @returns undefined when `root` did not come from this input
   */
  lineOf(root: unknown, path: string): number | undefined;
}

/** What the loader refuses to read: the first line of `what` is used in messages (e.g. `malformed YAML`). */
export interface LoadYamlOptions {
  /** Word for the input in messages: `malformed ${what}: …`. @default 'YAML' */
  readonly what?: string;
}

const SEGMENTS_CACHE = new Map<string, Array<string | number>>();

/** `spec.containers[0].env` → `['spec', 'containers', 0, 'env']` (cached: findings repeat a few paths). */
export function pathSegments(path: string): Array<string | number> {
  let cached = SEGMENTS_CACHE.get(path);
  if (cached === undefined) {
    if (SEGMENTS_CACHE.size > 10_000) SEGMENTS_CACHE.clear();
    cached = splitPath(path);
    SEGMENTS_CACHE.set(path, cached);
  }
  return cached;
}

function splitPath(path: string): Array<string | number> {
  if (path === '') return [];
  const out: Array<string | number> = [];
  for (const part of path.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1] !== '') out.push(m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

const CONTROL_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

/**
 * Decode bytes read from a file or stdin: UTF-8 only (a leading byte order mark is dropped), at most
 * {@link MAX_INPUT_BYTES}.
 * @throws ManifestError naming `file` for too large, binary or non-UTF-8 input
 */
export function decodeInput(bytes: Uint8Array, file: string): string {
  if (bytes.length > MAX_INPUT_BYTES) {
    throw new ManifestError(`${file}: input too large: ${mib(bytes.length)} (the limit is ${mib(MAX_INPUT_BYTES)}); split it into several files`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ManifestError(`${file}: not UTF-8 text (binary data?); YAML and JSON manifests must be UTF-8`);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function mib(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * Parse a multi-document YAML (or JSON) text.
 * @param text the input (see {@link decodeInput} for bytes)
 * @param file the name used in messages
 * @throws ManifestError `file:line:col: malformed YAML: …` for syntax errors, duplicate keys, unresolved aliases,
 *   alias bombs, too deep nesting, control characters and too large input
 */
export function loadYaml(text: string, file: string, options: LoadYamlOptions = {}): LoadedYaml {
  const what = options.what ?? 'YAML';
  const lineCounter = new LineCounter();
  const fail = (offset: number, message: string): never => {
    const pos = lineCounter.linePos(Math.max(0, Math.min(offset, text.length)));
    throw new ManifestError(`${file}:${pos.line}:${pos.col}: malformed ${what}: ${message}`);
  };
  if (text.length > MAX_INPUT_BYTES) {
    throw new ManifestError(`${file}: input too large: ${mib(text.length)} (the limit is ${mib(MAX_INPUT_BYTES)}); split it into several files`);
  }
  const control = CONTROL_CHAR.exec(text);
  if (control) {
    // count lines up to the bad character so the position is right even though nothing was parsed yet
    lineCounter.addNewLine(0);
    for (let i = text.indexOf('\n'); i >= 0 && i < control.index; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
    fail(control.index, `control character U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} (binary data?)`);
  }

  const offsets = new Map<object, number>();
  const documents: LoadedDocument[] = [];
  const state: ConvertState = { offsets, lineCounter, fail, anchors: new Map(), expanded: 0, written: 0, size: 0 };
  const composer = new Composer({ uniqueKeys: false, prettyErrors: false });
  try {
    for (const doc of composer.compose(boundedTokens(text, lineCounter, fail))) {
      const err = doc.errors[0];
      if (err) {
        // the composer reports its own stack overflow on deeply nested input as an error of the document
        const tooDeep = /Maximum call stack size exceeded/.test(err.message);
        fail(err.pos[0], tooDeep ? `nested too deeply (more than ${MAX_YAML_DEPTH} levels)` : err.message.split('\n')[0]);
      }
      const contents = doc.contents as Node | null;
      state.anchors = new Map();
      const value = contents ? convert(contents, state, 0, undefined) : null;
      const line = contents?.range ? lineCounter.linePos(contents.range[0]).line : 1;
      documents.push({ value, line });
    }
  } catch (e) {
    if (e instanceof ManifestError) throw e;
    if (e instanceof RangeError) fail(0, `nested too deeply (more than ${MAX_YAML_DEPTH} levels)`);
    throw e;
  }

  return {
    documents,
    lineOf(root: unknown, path: string): number | undefined {
      let node: unknown = root;
      let offset = typeof node === 'object' && node !== null ? offsets.get(node) : undefined;
      if (offset === undefined) return undefined;
      for (const seg of pathSegments(path)) {
        if (typeof node !== 'object' || node === null) break;
        node = (node as any)[seg];
        const o = typeof node === 'object' && node !== null ? offsets.get(node) : undefined;
        if (o === undefined) break;
        offset = o;
      }
      return lineCounter.linePos(offset).line;
    },
  };
}

/**
 * The parser's tokens, stopping at too deep nesting while parsing: the `yaml` parser keeps one stack entry per open
 * collection, and five million `[` take it gigabytes of memory before the composer could complain.
 */
function* boundedTokens(text: string, lineCounter: LineCounter, fail: (offset: number, message: string) => never) {
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0);
  // two stack entries per level (a collection and the value token inside it) and a few for the document
  const maxStack = 2 * MAX_YAML_DEPTH + 8;
  for (const lexeme of new Lexer().lex(text)) {
    yield* parser.next(lexeme);
    if (parser.stack.length > maxStack) fail(parser.offset, `nested too deeply (more than ${MAX_YAML_DEPTH} levels)`);
  }
  yield* parser.end();
}

interface ConvertState {
  /** Where each mapping and sequence starts (its key for one under a key), as an offset into the text. */
  readonly offsets: Map<object, number>;
  readonly lineCounter: LineCounter;
  readonly fail: (offset: number, message: string) => never;
  anchors: Map<string, { value: unknown; size: number }>;
  expanded: number;
  /** Nodes written in the input so far (not counting what aliases expand to). */
  written: number;
  /** Node count of the value `convert` returned last (aliases count as what they expand to). */
  size: number;
}

function convert(node: Node, s: ConvertState, depth: number, keyOffset: number | undefined): unknown {
  if (depth > MAX_YAML_DEPTH) s.fail(node.range?.[0] ?? 0, `nested too deeply (more than ${MAX_YAML_DEPTH} levels)`);
  let value: unknown;
  let size = 1;
  if (!isAlias(node)) s.written++;
  if (isScalar(node)) {
    value = typeof node.value === 'bigint' ? Number(node.value) : node.value;
  } else if (isAlias(node)) {
    const target = s.anchors.get((node as Alias).source);
    if (!target) s.fail(node.range?.[0] ?? 0, `unresolved alias *${(node as Alias).source} (the anchor must be set before the alias)`);
    s.expanded += target!.size;
    s.size = target!.size;
    if (s.expanded > MAX_ALIAS_EXPANSION && s.expanded > MAX_ALIAS_FACTOR * s.written) {
      s.fail(node.range?.[0] ?? 0, `aliases expand to more than ${MAX_ALIAS_EXPANSION} nodes and ${MAX_ALIAS_FACTOR} times the input (an "alias bomb"?)`);
    }
    return target!.value;
  } else if (isMap(node)) {
    const obj: Record<string, unknown> = {};
    s.offsets.set(obj, keyOffset ?? node.range?.[0] ?? 0);
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      let key: string;
      if (keyNode === null || keyNode === undefined) key = '';
      else if (isScalar(keyNode)) key = keyNode.value === null || keyNode.value === undefined ? '' : String(keyNode.value);
      else if (isAlias(keyNode)) key = aliasKey(keyNode as Alias, s);
      else s.fail(keyNode.range?.[0] ?? 0, 'a mapping key must be a plain value, not a mapping or a sequence');
      const keyAt = keyNode?.range?.[0] ?? node.range?.[0] ?? 0;
      if (Object.prototype.hasOwnProperty.call(obj, key!)) {
        const first = node.items.find(p => isPair(p) && keyText(p.key) === key!);
        const firstLine = first && (first.key as Node | null)?.range ? s.lineCounter.linePos((first.key as Node).range![0]).line : undefined;
        s.fail(keyAt, `duplicate key '${key!}'${firstLine ? ` (first at line ${firstLine})` : ''}; two objects joined without '---'?`);
      }
      const valueNode = pair.value as Node | null;
      const v = valueNode ? convert(valueNode, s, depth + 1, keyAt) : null;
      size += valueNode ? s.size : 1;
      if (key! === '__proto__') Object.defineProperty(obj, key!, { value: v, writable: true, enumerable: true, configurable: true });
      else obj[key!] = v;
    }
    value = obj;
  } else if (isSeq(node)) {
    const arr: unknown[] = [];
    s.offsets.set(arr, keyOffset ?? node.range?.[0] ?? 0);
    for (const item of node.items) {
      const v = item === null || item === undefined ? null : convert(item as Node, s, depth + 1, undefined);
      size += item === null || item === undefined ? 1 : s.size;
      arr.push(v);
    }
    value = arr;
  } else {
    s.fail((node as any)?.range?.[0] ?? 0, 'unsupported YAML node');
  }
  s.size = size;
  const anchor = (node as any).anchor as string | undefined;
  if (anchor) s.anchors.set(anchor, { value, size });
  return value;
}

function aliasKey(node: Alias, s: ConvertState): string {
  const target = s.anchors.get(node.source);
  if (!target) s.fail(node.range?.[0] ?? 0, `unresolved alias *${node.source} (the anchor must be set before the alias)`);
  if (typeof target!.value === 'object' && target!.value !== null) {
    s.fail(node.range?.[0] ?? 0, 'a mapping key must be a plain value, not a mapping or a sequence');
  }
  return target!.value === null ? '' : String(target!.value);
}

function keyText(key: unknown): string | undefined {
  if (key === null || key === undefined) return '';
  if (isScalar(key)) return key.value === null || key.value === undefined ? '' : String(key.value);
  return undefined;
}

/** A file of one document: its value and the line lookup below it. */
export interface LoadedSingleYaml {
  /** The document's value (`null` for an empty file). */
  readonly value: unknown;
  /** Line of a dotted path inside `value` (see {@link LoadedYaml.lineOf}). */
  readonly lineOf: (path: string) => number | undefined;
}

/**
 * Parse a file that holds exactly one YAML/JSON document (e.g. a behaviour file).
 * @returns the document's value (`null` when empty) and the line lookup
 * @throws ManifestError as {@link loadYaml}, and for more than one document
 */
export function loadSingleYaml(text: string, file: string, options: LoadYamlOptions = {}): LoadedSingleYaml {
  const loaded = loadYaml(text, file, options);
  if (loaded.documents.length > 1) {
    throw new ManifestError(`${file}:${loaded.documents[1].line}: malformed ${options.what ?? 'YAML'}: expected one document, found ${loaded.documents.length}`);
  }
  const value = loaded.documents[0]?.value ?? null;
  return { value, lineOf: path => loaded.lineOf(value, path) };
}

/**
 * Read a file as UTF-8 text for {@link loadYaml}, refusing directories, files over {@link MAX_INPUT_BYTES} (before
 * reading them), binary data and invalid UTF-8.
 * @throws ManifestError `file: cannot read: …` or as {@link decodeInput}
 */
export function readInputFile(file: string): string {
  let bytes: Buffer;
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_INPUT_BYTES) {
      throw new ManifestError(`${file}: input too large: ${mib(size)} (the limit is ${mib(MAX_INPUT_BYTES)}); split it into several files`);
    }
    bytes = fs.readFileSync(file);
  } catch (e: any) {
    if (e instanceof ManifestError) throw e;
    const reason = e?.code === 'ENOENT' ? 'no such file or directory' : e?.code === 'EISDIR' ? 'is a directory' : e?.code === 'EACCES' ? 'permission denied' : String(e?.message ?? e).split('\n')[0];
    throw new ManifestError(`${file}: cannot read: ${reason}`);
  }
  return decodeInput(bytes, file);
}
