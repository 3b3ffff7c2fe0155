/**
 * Small helpers to write CEL text from TypeScript: string literals, RE2 patterns from JavaScript regular expressions,
 * and `has()` guards. The CEL stays within the standard library plus the Kubernetes strings extension
 * (https://kubernetes.io/docs/reference/using-api/cel/#kubernetes-strings-library: `lowerAscii`, `trim`, `indexOf`,
 * `lastIndexOf`, `substring`, `join`) and `matches` (RE2), which @bufbuild/cel also implements.
 */

/** One `spec.variables` entry of a ValidatingAdmissionPolicy. */
export interface CelVariable {
  readonly name: string;
  readonly expression: string;
}

/**
 * A CEL map literal whose values are all of type `dyn`. The API server compiles policy CEL with cel-go's
 * `HomogeneousAggregateLiterals` and (1.29+) `ValidateHomogeneousAggregateLiterals` (k8s.io/apiserver
 * pkg/cel/environment/base.go): a literal whose values have different types (an int and a string, or `dyn` and a
 * bool) does not compile, so every map we build goes through here.
 */
export function celMap(entries: ReadonlyArray<readonly [string, string]>): string {
  return `{${entries.map(([k, v]) => `${str(k)}: dyn(${v})`).join(', ')}}`;
}

/** A CEL list literal of expressions, as `dyn` (see `celMap`); one element needs no wrapping. */
export function celList(items: readonly string[]): string {
  return items.length === 1 ? `[${items[0]}]` : `[${items.map(x => `dyn(${x})`).join(', ')}]`;
}

/**
 * `celMap` of a map literal written one entry per line (`{\n  'key': value,\n  'key2': value2\n}`), the form the
 * container passes use for readability; a value may span lines only if no line of it starts with `'`.
 */
export function dynMapLiteral(literal: string): string {
  const body = literal.trim().replace(/^\{\s*/, '').replace(/\s*\}$/, '');
  const entries = body.split(/,\n\s*(?=')/).map(e => {
    const m = /^'([A-Za-z_][A-Za-z0-9_]*)':\s*([\s\S]+)$/.exec(e.trim());
    if (!m) throw new Error(`internal error: not a map entry: ${e.slice(0, 80)}`);
    return [m[1], m[2]] as const;
  });
  return celMap(entries);
}

/** A CEL string literal (JSON's escapes are CEL's: `\"`, `\\`, `\n`, `\uXXXX`). */
export function str(text: string): string {
  return JSON.stringify(text);
}

/** A CEL list literal of strings. */
export function strList(items: readonly string[]): string {
  return `[${items.map(str).join(', ')}]`;
}

/**
 * The RE2 source of a JavaScript regular expression. Only the constructs both engines read the same way are
 * accepted: no flags but `i`, no lookaround, no backreferences, no named groups.
 */
export function re2(re: RegExp): string {
  if (re.flags.replace('i', '') !== '') throw new Error(`internal error: regex ${re} has flags RE2 cannot express`);
  if (/\(\?[=!<]|\\[1-9]|\\k</.test(re.source)) throw new Error(`internal error: regex ${re} is not RE2`);
  return (re.flags.includes('i') ? '(?i)' : '') + re.source;
}

/** One RE2 pattern matching any of `res`. */
export function anyOf(res: readonly RegExp[]): string {
  return res.map(r => `(${re2(r)})`).join('|');
}

/** `s` with RE2 metacharacters escaped. */
export function reEscape(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/**
 * `has()` of every step of a field path, e.g. `guard('o', ['spec', 'template'])` →
 * `has(o.spec) && has(o.spec.template)`.
 */
export function guard(root: string, path: readonly string[]): string {
  const out: string[] = [];
  let cur = root;
  for (const p of path) {
    cur = `${cur}.${p}`;
    out.push(`has(${cur})`);
  }
  return out.join(' && ');
}

/** `root.a.b` when every step is set, else `fallback`. */
export function getOr(root: string, path: readonly string[], fallback: string): string {
  return `(${guard(root, path)} ? ${root}.${path.join('.')} : ${fallback})`;
}
