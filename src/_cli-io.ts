/**
 * Input and output plumbing shared by the CLI commands (`lint`, `simulate`): reading files, directories and stdin
 * into manifests, and the small IO abstraction that lets tests run commands in-process.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ManifestError, NotKubernetesError, parseManifests, SourcedManifest } from './_manifest';
import { decodeInput, MAX_INPUT_BYTES, readInputFile } from './_safe-yaml';
import { parseVersionText } from './_version-facts';
import { KubernetesVersion } from './kubernetes-version';

/** Where a command writes; `process.stdout`/`process.stderr` in the real CLI, buffers in tests. */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Reads all of standard input (only called for the `-` argument). */
  readonly readStdin: () => Promise<string>;
}

/** A bad command line: exit 2 with the message and a hint to `--help`. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Read standard input as UTF-8 text, at most {@link MAX_INPUT_BYTES} (stops reading and rejects with a ManifestError
 * beyond that, so `cat huge | cdk8s-sidecars lint -` cannot exhaust memory).
 */
export function readStdinText(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (c: Buffer | string) => {
      const chunk = Buffer.from(c);
      size += chunk.length;
      if (size > MAX_INPUT_BYTES) {
        stream.pause();
        reject(new ManifestError(`<stdin>: input too large: more than ${MAX_INPUT_BYTES / 1024 / 1024} MiB; split it into several files`));
        return;
      }
      chunks.push(chunk);
    });
    stream.on('end', () => {
      try {
        resolve(decodeInput(Buffer.concat(chunks), '<stdin>'));
      } catch (e) {
        reject(e);
      }
    });
    stream.on('error', (e: any) => reject(new ManifestError(`<stdin>: cannot read: ${e?.message ?? e}`)));
  });
}

/**
 * The version of the installed package, read at run time from the `package.json` next to `lib/` (so each packaged
 * variant reports its own), or `0.0.0` when it cannot be read.
 */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

/** Every `.yaml`/`.yml`/`.json` file below `dir`, sorted, skipping `node_modules` and dot-directories. */
function filesBelow(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      out.push(...filesBelow(full));
    } else if (MANIFEST_EXTENSIONS.includes(path.extname(entry.name).toLowerCase())) {
      out.push(full);
    }
  }
  return out;
}

/** Files a directory scan skips without a note: cdk8s writes `construct-metadata.json` next to its manifests. */
const SKIPPED_SILENTLY = ['construct-metadata.json'];

/**
 * Read manifests from files, directories (recursively) and `-` (stdin), with the safe loader (src/_safe-yaml.ts).
 *
 * Files found by scanning a directory that hold no Kubernetes object (`values.yaml`, `package.json`, `cdk8s.yaml`)
 * are skipped with a note on stderr (cdk8s's `construct-metadata.json` silently); a file named explicitly must hold
 * Kubernetes objects.
 * @param requireObjects throw when an input holds no document at all (an empty file is an error; an empty `List` is not)
 * @param onError when given, an unreadable or malformed input is passed to it and reading goes on with the next
 *   input (the caller reports it and exits 2 at the end); otherwise the first one is thrown
 * @throws ManifestError naming the file (and line) for unreadable or malformed input
 */
export async function readManifestInputs(
  inputs: string[], io: CommandIo, requireObjects = true, onError?: (e: ManifestError) => void,
): Promise<SourcedManifest[]> {
  const out: SourcedManifest[] = [];
  const guard = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      if (!onError || !(e instanceof ManifestError)) throw e;
      onError(e);
    }
  };
  for (const input of inputs) {
    if (input === '-') {
      const text = await io.readStdin();
      guard(() => out.push(...parseOne(text, '<stdin>', requireObjects)));
      continue;
    }
    let stat: fs.Stats | undefined;
    guard(() => {
      try {
        stat = fs.statSync(input);
      } catch (e: any) {
        throw new ManifestError(`${input}: cannot read: ${e.code === 'ENOENT' ? 'no such file or directory' : e.message}`);
      }
    });
    if (!stat) continue;
    if (!stat.isDirectory()) {
      guard(() => out.push(...parseOne(readInputFile(input), input, requireObjects)));
      continue;
    }
    const files = filesBelow(input);
    let found = 0;
    let failed = false;
    for (const file of files) {
      if (SKIPPED_SILENTLY.includes(path.basename(file))) continue;
      guard(() => {
        let text: string | undefined;
        try {
          text = readInputFile(file);
          const manifests = parseManifests(text, file);
          found += manifests.length;
          out.push(...manifests);
        } catch (e) {
          // in a directory scan, skip files that are not manifests (values.yaml, tsconfig.json with comments, ...);
          // a broken file that looks like a manifest is still an error
          if (!(e instanceof ManifestError) || (!(e instanceof NotKubernetesError) && looksLikeKubernetes(text ?? lossyText(file)))) {
            failed = true;
            throw e;
          }
          io.stderr(`cdk8s-sidecars: note: skipped ${e.message}\n`);
        }
      });
    }
    if (requireObjects && found === 0 && !failed) {
      guard(() => {
        throw new ManifestError(`${input}: directory has no Kubernetes objects in its .yaml, .yml or .json files`);
      });
    }
  }
  return out;
}

/** A file's bytes as Latin-1 (never fails), to tell whether an undecodable file looks like a manifest; undefined if unreadable or too large. */
function lossyText(file: string): string | undefined {
  try {
    return fs.statSync(file).size <= MAX_INPUT_BYTES ? fs.readFileSync(file, 'latin1') : undefined;
  } catch {
    return undefined;
  }
}

/** Text that has top-level-looking `apiVersion` and `kind` keys (YAML or JSON); undefined (unreadable) counts as such. */
function looksLikeKubernetes(text: string | undefined): boolean {
  if (text === undefined) return true;
  return /^\s*"?apiVersion"?\s*:/m.test(text) && /^\s*"?kind"?\s*:/m.test(text);
}

function parseOne(text: string, file: string, requireObjects: boolean): SourcedManifest[] {
  const stats = { documents: 0 };
  const manifests = parseManifests(text, file, stats);
  if (requireObjects && stats.documents === 0) {
    throw new ManifestError(`${file}: no Kubernetes objects found (the file is empty or holds only comments)`);
  }
  return manifests;
}

/** Parse `--flag value` / `--flag=value` options and positionals. Unknown flags are a usage error. */
export function parseArgs(
  argv: string[],
  spec: { readonly [flag: string]: 'string' | 'boolean' },
): { options: { [flag: string]: string | boolean }; positionals: string[] } {
  const options: { [flag: string]: string | boolean } = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      const kind = spec[name];
      if (!kind) throw new UsageError(`unknown option '--${name}'`);
      if (kind === 'boolean') {
        if (eq >= 0) throw new UsageError(`option '--${name}' takes no value`);
        options[name] = true;
      } else if (eq >= 0) {
        options[name] = arg.slice(eq + 1);
      } else {
        const value = argv[i + 1];
        if (value === undefined || (value.startsWith('--') && value.length > 2)) {
          throw new UsageError(`option '--${name}' needs a value`);
        }
        options[name] = value;
        i++;
      }
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option '${arg}'`);
    } else {
      positionals.push(arg);
    }
  }
  return { options, positionals };
}

/** `--kubernetes-version X.Y` of every command; a usage error says what it must look like and why. */
export function kubernetesVersionOption(text: string): KubernetesVersion {
  const parsed = parseVersionText(text);
  if ('error' in parsed) throw new UsageError(`option '--kubernetes-version' ${parsed.error}`);
  return KubernetesVersion.of(parsed.version.minor);
}

/**
 * `--feature-gates Name=true|false[,...]` (the kubelet's syntax): names alphanumeric, values true/false in any case,
 * empty items skipped, the last setting of a gate wins.
 * @returns every gate the list names, with its setting
 */
export function featureGatesOption(text: string): Map<string, boolean> {
  const gates = new Map<string, boolean>();
  for (const raw of text.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const m = /^([A-Za-z0-9]+)=(true|false)$/i.exec(item);
    if (!m) throw new UsageError(`option '--feature-gates' expects Name=true|false[,...], got '${item}'`);
    gates.set(m[1], m[2].toLowerCase() === 'true');
  }
  return gates;
}

/**
 * `--feature-gates` as {@link featureGatesOption}; other gates are accepted and ignored.
 * @returns the `SidecarContainers` setting, or undefined when the list does not name it
 */
export function sidecarContainersGateOption(text: string): boolean | undefined {
  return featureGatesOption(text).get('SidecarContainers');
}
