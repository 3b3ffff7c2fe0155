/**
 * Input and output plumbing shared by the CLI commands (`lint`, `simulate`): reading files, directories and stdin
 * into manifests, and the small IO abstraction that lets tests run commands in-process.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ManifestError, parseManifests, SourcedManifest } from './_manifest';

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

/**
 * Read manifests from files, directories (recursively) and `-` (stdin).
 * @param requireObjects throw when a file holds no Kubernetes object at all (an empty file is an error)
 * @throws ManifestError naming the file (and line) for unreadable or malformed input
 */
export async function readManifestInputs(inputs: string[], io: CommandIo, requireObjects = true): Promise<SourcedManifest[]> {
  const out: SourcedManifest[] = [];
  for (const input of inputs) {
    if (input === '-') {
      const text = await io.readStdin();
      out.push(...parseOne(text, '<stdin>', requireObjects));
      continue;
    }
    let stat: fs.Stats;
    try {
      stat = fs.statSync(input);
    } catch (e: any) {
      throw new ManifestError(`${input}: cannot read: ${e.code === 'ENOENT' ? 'no such file or directory' : e.message}`);
    }
    const files = stat.isDirectory() ? filesBelow(input) : [input];
    if (stat.isDirectory() && files.length === 0) {
      throw new ManifestError(`${input}: directory has no .yaml, .yml or .json files`);
    }
    for (const file of files) {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (e: any) {
        throw new ManifestError(`${file}: cannot read: ${e.message}`);
      }
      out.push(...parseOne(text, file, requireObjects));
    }
  }
  return out;
}

function parseOne(text: string, file: string, requireObjects: boolean): SourcedManifest[] {
  const manifests = parseManifests(text, file);
  if (requireObjects && manifests.length === 0) {
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
