/**
 * One shape for every error the constructs throw (no cdk8s imports here: lint and simulate reach this file too):
 *   `[<construct path>] <subject>: '<prop>' <problem>, got <value>. <how to fix>`
 * so a user reading `cdk8s synth` output knows where, what, what they passed and what to do.
 */

/** Render a user value for an error message: strings quoted, objects as compact JSON, long values cut. */
export function formatValue(value: unknown): string {
  const text = rawText(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function rawText(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === undefined) return 'nothing';
  if (typeof value === 'object' && value !== null && typeof (value as any).toHumanString === 'function') {
    try {
      return (value as any).toHumanString();
    } catch {
      // a fractional cdk8s Duration cannot always be printed: fall through to JSON
    }
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** What a `SidecarsError` says, field by field. */
export interface SidecarsErrorFields {
  /** Construct path (`chart/job`), or undefined when there is none yet (e.g. a static factory). */
  readonly path?: string;
  /** What is wrong, e.g. `Sidecar 'proxy'` or `SidecarCronJob`. */
  readonly subject: string;
  /** The prop, as the user wrote it (`startupGate.timeout`, `instances[1].port`); undefined for cross-object rules. */
  readonly prop?: string;
  /** What is wrong with it (`must be a whole number from 1 to 65535`). */
  readonly problem: string;
  /** The value received (undefined for cross-object rules, or when the prop was missing). */
  readonly value?: unknown;
  /** How to fix it. */
  readonly fix: string;
}

/**
 * The error every construct throws on bad input. Its message has one shape,
 * `[<path>] <subject>: '<prop>' <problem>, got <value>. <fix>` (cross-object rules: `[<path>] <subject>: <problem>. <fix>`),
 * and the parts are fields, so programs (and tests) need not parse the sentence. Internal: jsii cannot export a class
 * that extends `Error`; README's "Bad input" section documents the fields.
 */
export class SidecarsError extends Error implements SidecarsErrorFields {
  public readonly path?: string;
  public readonly subject: string;
  public readonly prop?: string;
  public readonly problem: string;
  public readonly value?: unknown;
  public readonly fix: string;

  constructor(fields: SidecarsErrorFields) {
    super(messageOf(fields));
    this.name = 'SidecarsError';
    this.path = fields.path;
    this.subject = fields.subject;
    this.prop = fields.prop;
    this.problem = fields.problem;
    this.value = fields.value;
    this.fix = fields.fix;
  }

  /** The message without the `[<path>] ` prefix (cdk8s adds the path to validation messages itself). */
  public get messageWithoutPath(): string {
    return messageOf({ ...this, path: undefined });
  }
}

function messageOf(f: SidecarsErrorFields): string {
  const where = f.path ? `[${f.path}] ` : '';
  return f.prop === undefined
    ? `${where}${f.subject}: ${f.problem}. ${f.fix}`
    : `${where}${f.subject}: '${f.prop}' ${f.problem}, got ${formatValue(f.value)}. ${f.fix}`;
}

/**
 * @param path construct path (`chart/job`) or undefined when there is none yet
 * @param subject what is wrong, e.g. `Sidecar 'proxy'` or `SidecarCronJob`
 */
export function propError(path: string | undefined, subject: string, prop: string, problem: string, value: unknown, fix: string): SidecarsError {
  return new SidecarsError({ path, subject, prop, problem, value, fix });
}

/** Same shape for problems that are not about a single prop value (cross-object rules). */
export function constructError(path: string | undefined, subject: string, problem: string, fix: string): SidecarsError {
  return new SidecarsError({ path, subject, problem, fix });
}

/**
 * Throw the errors a whole-pod validation found: the first one, its message listing the others too, so that one
 * run shows every problem (cdk8s would print them all as well).
 * @param errors what the validation found
 */
export function throwAll(errors: SidecarsError[]): void {
  if (errors.length === 0) return;
  if (errors.length === 1) throw errors[0];
  const first = errors[0];
  const all = new SidecarsError(first);
  all.message = errors.map(e => e.message).join('\n');
  throw all;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Problem with a DNS-1123 label (container names, ...), or undefined when valid. */
export function dnsLabelProblem(name: string, maxLength = 63): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'must be a non-empty DNS-1123 label';
  if (name.length > maxLength) return `must be at most ${maxLength} characters (it has ${name.length})`;
  if (!DNS_LABEL.test(name)) return 'must be a DNS-1123 label: lower-case letters, digits and \'-\', starting and ending with a letter or digit';
  return undefined;
}

/** A cdk8s `Duration`, structurally (this file stays free of cdk8s imports: lint and simulate use it too). */
export interface DurationLike {
  toMilliseconds(): number;
  toHumanString(): string;
}

/** The largest value of the API server's int32 fields (counts, seconds, ports are smaller still). */
export const INT32_MAX = 2_147_483_647;

/** Throws unless `d` is a whole number of seconds, at least `min`. */
export function wholeSeconds(where: string | undefined, subject: string, prop: string, d: DurationLike, min: number): number {
  if (d === null || typeof d !== 'object' || typeof d.toMilliseconds !== 'function') {
    throw propError(where, subject, prop, 'must be a cdk8s Duration', d, `Use e.g. Duration.seconds(${Math.max(min, 1)})`);
  }
  let ms: number;
  try {
    ms = d.toMilliseconds();
  } catch {
    // cdk8s: "'... seconds' cannot be converted into a whole number of milliseconds"
    throw propError(where, subject, prop, 'must be a whole number of seconds (it is not even a whole number of milliseconds)', d,
      `Use Duration.seconds(N) with a whole N, at least ${min}`);
  }
  if (ms % 1000 !== 0) {
    throw propError(where, subject, prop, 'must be a whole number of seconds (Kubernetes counts probe and deadline times in seconds)', d,
      `Use Duration.seconds(${Math.max(min, Math.round(ms / 1000))})`);
  }
  if (ms / 1000 < min) {
    throw propError(where, subject, prop, `must be at least ${min} second${min === 1 ? '' : 's'}`, d, `Use Duration.seconds(${min}) or more`);
  }
  return ms / 1000;
}
