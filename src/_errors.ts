import { Duration } from 'cdk8s';

/**
 * One shape for every error the constructs throw:
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
  if (typeof value === 'object' && value !== null && typeof (value as any).toHumanString === 'function') return (value as any).toHumanString();
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * @param path construct path (`chart/job`) or undefined when there is none yet
 * @param subject what is wrong, e.g. `Sidecar 'proxy'` or `SidecarCronJob`
 */
export function propError(path: string | undefined, subject: string, prop: string, problem: string, value: unknown, fix: string): Error {
  const where = path ? `[${path}] ` : '';
  return new Error(`${where}${subject}: '${prop}' ${problem}, got ${formatValue(value)}. ${fix}`);
}

/** Same shape for problems that are not about a single prop value (cross-object rules). */
export function constructError(path: string | undefined, subject: string, problem: string, fix: string): Error {
  const where = path ? `[${path}] ` : '';
  return new Error(`${where}${subject}: ${problem}. ${fix}`);
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Problem with a DNS-1123 label (container names, ...), or undefined when valid. */
export function dnsLabelProblem(name: string, maxLength = 63): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'must be a non-empty DNS-1123 label';
  if (name.length > maxLength) return `must be at most ${maxLength} characters (it has ${name.length})`;
  if (!DNS_LABEL.test(name)) return 'must be a DNS-1123 label: lower-case letters, digits and \'-\', starting and ending with a letter or digit';
  return undefined;
}

/** Throws unless `d` is a whole number of seconds, at least `min`. */
export function wholeSeconds(where: string | undefined, subject: string, prop: string, d: Duration, min: number): number {
  const ms = d.toMilliseconds();
  if (ms % 1000 !== 0) {
    throw propError(where, subject, prop, 'must be a whole number of seconds (Kubernetes counts probe and deadline times in seconds)', d,
      `Use Duration.seconds(${Math.max(min, Math.round(ms / 1000))})`);
  }
  if (ms / 1000 < min) {
    throw propError(where, subject, prop, `must be at least ${min} second${min === 1 ? '' : 's'}`, d, `Use Duration.seconds(${min}) or more`);
  }
  return ms / 1000;
}
