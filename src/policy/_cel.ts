/**
 * Small helpers to write CEL text from TypeScript: string literals, RE2 patterns from JavaScript regular expressions,
 * and `has()` guards. The CEL stays within the standard library plus the Kubernetes strings extension
 * (https://kubernetes.io/docs/reference/using-api/cel/#kubernetes-strings-library: `lowerAscii`, `trim`, `indexOf`,
 * `lastIndexOf`, `substring`, `join`) and `matches` (RE2), which @bufbuild/cel also implements.
 */

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
