// Test helpers for bad-input errors: assert the fields of the error (path, prop, value, fix), not whole sentences.
import { SidecarsError } from '../src/_errors';

/** Every construct error message has this shape: `[<path>] <subject>: '<prop>' <problem>, got <value>. <fix>`. */
export const PROP_ERROR_SHAPE = /^(\[[^\]]+\] )?[^:]+: '[^']+' [\s\S]+, got [\s\S]+\. [\s\S]+$/;
/** Cross-object rules: `[<path>] <subject>: <problem>. <fix>`. */
export const CONSTRUCT_ERROR_SHAPE = /^(\[[^\]]+\] )?[^:]+: [\s\S]+\. [\s\S]+$/;

/** The `SidecarsError` `fn` throws; fails the test when it throws nothing or something else. */
export function errorOf(fn: () => unknown): SidecarsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SidecarsError) return e;
    throw new Error(`expected a SidecarsError, got: ${e instanceof Error ? e.stack : String(e)}`);
  }
  throw new Error('expected a SidecarsError, but nothing was thrown');
}

/** What a test expects of an error: exact fields, and patterns for the prose. */
export interface ExpectedError {
  readonly path?: string;
  readonly subject?: string | RegExp;
  readonly prop?: string;
  /** Compared with toEqual (so `undefined` means "no value"). */
  readonly value?: unknown;
  readonly problem?: RegExp;
  readonly fix?: RegExp;
}

/**
 * Assert that `fn` throws a `SidecarsError` (or that this error is one) with these fields, and that its message has
 * the project's shape.
 * @returns the error, for further assertions
 */
export function expectError(fnOrError: (() => unknown) | SidecarsError, expected: ExpectedError): SidecarsError {
  const e = typeof fnOrError === 'function' ? errorOf(fnOrError) : fnOrError;
  if ('path' in expected) expect(e.path).toBe(expected.path);
  if (expected.subject instanceof RegExp) expect(e.subject).toMatch(expected.subject);
  else if (expected.subject !== undefined) expect(e.subject).toBe(expected.subject);
  if ('prop' in expected) expect(e.prop).toBe(expected.prop);
  if ('value' in expected) expect(e.value).toEqual(expected.value);
  if (expected.problem) expect(e.problem).toMatch(expected.problem);
  if (expected.fix) expect(e.fix).toMatch(expected.fix);
  expect(e.message).toMatch(e.prop === undefined ? CONSTRUCT_ERROR_SHAPE : PROP_ERROR_SHAPE);
  return e;
}
