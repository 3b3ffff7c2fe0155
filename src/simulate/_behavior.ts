/**
 * Behaviour input of the simulator: what each container does. Read from the `--behavior` YAML/JSON file (durations
 * as `5s`, `1.5s`, `2m`, `250ms` or plain numbers of seconds) or from `SimulateOptions.behaviors` (numbers of
 * seconds), validated the same way: unknown containers, unknown keys, bad durations and bad exit codes are errors
 * that name the key and the value. Also the range check of the Kubernetes version, shared by the API and the CLI.
 */
import { parseDurationSeconds } from '../_manifest';
import { loadSingleYaml } from '../_safe-yaml';
import { ContainerBehavior } from './types';

/** Bad simulator input (behaviours, options, a manifest without a pod). The CLI turns it into exit code 2. */
export class SimulationInputError extends Error {
  /** @param message one line that names the bad input */
  constructor(message: string) {
    super(message);
    this.name = 'SimulationInputError';
  }
}

/** A behaviour with every default filled in. */
export interface NormalizedBehavior {
  readonly readyAfter: number;
  readonly failsStartup: boolean;
  readonly needs: string[];
  readonly exitAfter?: number;
  readonly exitCode: number;
  readonly stopAfter: number;
  readonly stopExitCode: number;
  readonly postStartDuration?: number;
  readonly postStartFails: boolean;
  readonly preStopDuration?: number;
  readonly failsLiveness: boolean;
  readonly imagePullFails: boolean;
  /** Per-run overrides, completed: `attempts[i]` is run i + 1 (the first start is run 1); later runs use this one. */
  readonly attempts: NormalizedBehavior[];
}

/** The default: serves at once, runs until stopped, exits 0 at once on SIGTERM. */
export const DEFAULT_BEHAVIOR: NormalizedBehavior = {
  readyAfter: 0,
  failsStartup: false,
  needs: [],
  exitCode: 0,
  stopAfter: 0,
  stopExitCode: 0,
  postStartFails: false,
  failsLiveness: false,
  imagePullFails: false,
  attempts: [],
};

const DURATION_KEYS = ['readyAfter', 'exitAfter', 'stopAfter', 'postStartDuration', 'preStopDuration'] as const;
const EXIT_CODE_KEYS = ['exitCode', 'stopExitCode'] as const;
const BOOLEAN_KEYS = ['failsStartup', 'postStartFails', 'failsLiveness', 'imagePullFails'] as const;
/** Every key a behaviour may have. */
export const BEHAVIOR_KEYS: string[] = [...DURATION_KEYS, ...EXIT_CODE_KEYS, ...BOOLEAN_KEYS, 'needs', 'attempts'];
/** Keys an entry of `attempts` may not have: image pulls happen before a run, and attempts do not nest. */
const NOT_PER_ATTEMPT = ['attempts', 'imagePullFails'];
/** Most entries in `attempts` (a run beyond them behaves like the base behaviour anyway). */
export const MAX_ATTEMPTS = 100;

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  const s = JSON.stringify(value);
  return s === undefined ? String(value) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/**
 * Validate and complete behaviours.
 * @param behaviors keyed by container name (from the API or a parsed behaviour file)
 * @param containerNames every container of the pod (init and regular)
 * @param source where they came from, for messages (`behaviors` or a file name)
 * @throws SimulationInputError naming the container, the key and the value
 */
export function normalizeBehaviors(behaviors: unknown, containerNames: string[], source: string): Map<string, NormalizedBehavior> {
  const out = new Map<string, NormalizedBehavior>();
  for (const name of containerNames) out.set(name, DEFAULT_BEHAVIOR);
  if (behaviors === undefined || behaviors === null) return out;
  if (typeof behaviors !== 'object' || Array.isArray(behaviors)) {
    throw new SimulationInputError(`${source}: expected a mapping of container name to behaviour, got ${show(behaviors)}`);
  }
  const known = containerNames.join(', ');
  for (const [name, raw] of Object.entries(behaviors as Record<string, unknown>)) {
    if (!containerNames.includes(name)) {
      throw new SimulationInputError(`${source}: unknown container '${name}' (the pod's containers: ${known})`);
    }
    if (raw === null || raw === undefined) continue;
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      throw new SimulationInputError(`${source}: container '${name}': expected a mapping of behaviour keys, got ${show(raw)}`);
    }
    const base = completeBehavior(raw as Record<string, unknown>, DEFAULT_BEHAVIOR, `${source}: container '${name}'`, name, containerNames, true);
    out.set(name, base);
  }
  return out;
}

/**
 * One behaviour mapping completed over `over`.
 * @param where0 `file: container 'x'` (or `… attempts[2]`), for messages
 * @param topLevel false inside `attempts`
 */
function completeBehavior(
  raw: Record<string, unknown>, over: NormalizedBehavior, where0: string, name: string, containerNames: string[], topLevel: boolean,
): NormalizedBehavior {
  const known = containerNames.join(', ');
  const b: any = { ...over, attempts: [] };
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const where = `${where0}: '${key}'`;
    if (!topLevel && NOT_PER_ATTEMPT.includes(key)) {
      const allowed = BEHAVIOR_KEYS.filter(k => !NOT_PER_ATTEMPT.includes(k)).join(', ');
      throw new SimulationInputError(`${where} cannot be set per attempt (only at the container's top level); an attempt takes: ${allowed}`);
    }
    if ((DURATION_KEYS as readonly string[]).includes(key)) {
      const seconds = parseDurationSeconds(value);
      if (seconds === undefined) {
        throw new SimulationInputError(`${where} must be a duration like 5s, 1.5s, 2m or 250ms (or a number of seconds >= 0), got ${show(value)}`);
      }
      b[key] = seconds;
    } else if ((EXIT_CODE_KEYS as readonly string[]).includes(key)) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 255) {
        throw new SimulationInputError(`${where} must be a whole number from 0 to 255, got ${show(value)}`);
      }
      b[key] = value;
    } else if ((BOOLEAN_KEYS as readonly string[]).includes(key)) {
      if (typeof value !== 'boolean') {
        throw new SimulationInputError(`${where} must be true or false, got ${show(value)}`);
      }
      b[key] = value;
    } else if (key === 'needs') {
      const list = typeof value === 'string' ? [value] : value;
      if (!Array.isArray(list) || list.some(n => typeof n !== 'string')) {
        throw new SimulationInputError(`${where} must be a list of container names, got ${show(value)}`);
      }
      for (const needed of list as string[]) {
        if (!containerNames.includes(needed)) {
          throw new SimulationInputError(`${where} names '${needed}', which is not a container of the pod (containers: ${known})`);
        }
        if (needed === name) {
          throw new SimulationInputError(`${where} names the container itself ('${name}')`);
        }
      }
      b.needs = [...(list as string[])];
    } else if (key !== 'attempts') {
      throw new SimulationInputError(`${where0}: unknown key '${key}' (known keys: ${BEHAVIOR_KEYS.join(', ')})`);
    }
  }
  const attempts = raw.attempts;
  if (topLevel && attempts !== undefined && attempts !== null) {
    const where = `${where0}: 'attempts'`;
    if (!Array.isArray(attempts)) {
      throw new SimulationInputError(`${where} must be a list with one mapping per run (e.g. [{ failsStartup: true }, {}]), got ${show(attempts)}`);
    }
    if (attempts.length > MAX_ATTEMPTS) {
      throw new SimulationInputError(`${where} has ${attempts.length} entries; at most ${MAX_ATTEMPTS} (runs after the list behave like the container's own keys)`);
    }
    const base: NormalizedBehavior = { ...b, attempts: [] };
    b.attempts = attempts.map((entry, i) => {
      if (entry === null || entry === undefined) return base;
      if (typeof entry !== 'object' || Array.isArray(entry)) {
        throw new SimulationInputError(`${where0}: 'attempts[${i}]' (run ${i + 1}) must be a mapping of behaviour keys, got ${show(entry)}`);
      }
      return completeBehavior(entry as Record<string, unknown>, base, `${where0}: 'attempts[${i}]' (run ${i + 1})`, name, containerNames, false);
    });
  }
  return b as NormalizedBehavior;
}

/**
 * Parse a behaviour file (YAML or JSON). Only the shape is checked here; `normalizeBehaviors` checks the content
 * against the pod's containers.
 * @throws ManifestError with file:line:col for malformed YAML (from the shared loader)
 */
export function parseBehaviorFile(text: string, file: string): Record<string, ContainerBehavior> {
  // the CLI's one loader: malformed YAML, duplicate keys, alias bombs and deep nesting are one-line errors with
  // file:line:col, exactly as for manifests
  const { value } = loadSingleYaml(text, file);
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new SimulationInputError(`${file}: a behaviour file is a mapping of container name to behaviour (e.g. 'proxy: { readyAfter: 5s }'), got ${show(value)}`);
  }
  return value as Record<string, ContainerBehavior>;
}
