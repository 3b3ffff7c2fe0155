/**
 * Shell scripts in CEL: the containers that run a script (`sh -c '...'`) read as the linter's shell reader reads them
 * (`src/lint/_shell.ts`: `shellScriptOf`, `parseScript`), for the scripts a few string operations can read exactly.
 *
 * A script is read here when it is *flat*: simple commands separated by newlines, `;`, `&&`, `||`, `|` and `&`,
 * without quotes, backslashes, `#`, parentheses (so no `$(...)` and no subshells), `&>`, compound commands (`if`,
 * `while`, `{ ...; }`, ...) or `trap`, with at most three leading `VAR=value` words and three prefixes (`exec`,
 * `nohup`, ...) per command. The shell must be found in one of the usual forms (`sh -c S`, `bash -ec S`,
 * `/usr/bin/env bash -euo pipefail -c S` is not one: `-o` takes a word), the script within the first five words.
 * For such a script the two readers give the same commands, separators and `set -e`; any other script is
 * `readable: false` and the policies do not judge what depends on it. A container that is not a shell with `-c` is one
 * command, its `command` + `args`, as in the linter.
 *
 * The CEL has no local variables; `[x].map(v, e)[0]` binds `v` to `x` for `e`.
 */
import { celList, celMap, re2, reEscape, str, strList } from './_cel';
import { HEURISTICS as H } from './_lint-bridge';

/** Most option words between the shell and its script, and most assignments or prefixes dropped per command. */
export const MAX_SHELL_OPTIONS = 3;
export const MAX_DROPPED_WORDS = 3;

/** Characters that never occur in a flat script: the separators' stand-ins below. */
const SEP = '\u0001';
const BG = '\u0002';

/** `let v = x in e`. */
export const bind = (x: string, v: string, e: string) => `[${x}].map(${v}, ${e})[0]`;

/** The basename of a string (`/usr/bin/sh` → `sh`); `x` must be a plain reference. */
export const baseOf = (x: string) => `${x}.substring(${x}.lastIndexOf('/') + 1)`;

const FLAG_OR_DASHES = '^([-+][a-zA-Z]+|--)$';
const C_FLAG = (w: string) => `(${w}.matches('^-[a-zA-Z]+$') && ${w}.contains('c'))`;

/**
 * The shell form of argv list `a` (a plain reference): `{kind, script, flags}`, kind 0: not a shell with a script,
 * 1: a shell running `script` (with `flags`, the option letters before it), 2: a shell form this reader does not read.
 */
export function shellForm(a: string, hasCommand: string): string {
  const none = (kind: number) => celMap([['kind', `${kind}`], ['script', "''"], ['flags', "''"]]);
  const at = (k: number) => `${a}[${k}]`;
  const shells = strList(H.shellPrograms);
  const isEnv = `(size(${a}) > 0 && ${baseOf(at(0))} == ${str(H.envProgram)})`;
  const candidates: string[] = [];
  for (const s of [0, 1]) {
    for (const bb of [0, 1]) {
      const b = s + bb;
      for (let n = b + 2; n <= b + 1 + MAX_SHELL_OPTIONS; n++) {
        const options = Array.from({ length: n - b - 1 }, (_, k) => b + 1 + k);
        const cond = [
          s === 1 ? isEnv : `!${isEnv}`,
          `size(${a}) > ${n}`,
          bb === 1 ? `${baseOf(at(s))} == 'busybox'` : `${baseOf(at(s))} != 'busybox'`,
          ...options.map(k => `${at(k)}.matches(${str(FLAG_OR_DASHES)}) && !(${at(k)} in ['-o', '+o'])`),
          `(${options.map(k => C_FLAG(at(k))).join(' || ')})`,
          // `--` only after the `-c` option (before it the linter reads no script)
          ...options.map((k, j) => `(${at(k)} != '--' || ${j === 0 ? 'false' : `(${options.slice(0, j).map(x => C_FLAG(at(x))).join(' || ')})`})`),
          `!${at(n)}.matches(${str(FLAG_OR_DASHES)})`,
          // the linter finds the script with indexOf: it must not equal a word before it
          `!(${at(n)} in ${celList(Array.from({ length: n }, (_, k) => at(k)))})`,
        ];
        const flags = `${celList(Array.from({ length: n }, (_, k) => at(k)))}.filter(f, f.matches('^-[a-zA-Z]+$')).join('')`;
        candidates.push(`(${cond.join(' && ')}) ? ${celMap([['kind', '1'], ['script', at(n)], ['flags', flags]])}`);
      }
    }
  }
  const isShell = `(${isEnv} ? size(${a}) > 1 && ${baseOf(at(1))} in ${shells} : size(${a}) > 0 && ${baseOf(at(0))} in ${shells})`;
  return `(!(${hasCommand}) || !${isShell} ? ${none(0)} : (${candidates.join(' : ')} : ${none(2)}))`;
}

/** What makes a script not flat. */
const NOT_FLAT = `[\\\\'"\`#()${SEP}${BG}]|&>`;

/** The number of leading words of word list `w` to drop (assignments, then prefixes), or -1 for too many. */
function droppedWords(w: string): string {
  const isA = (k: number) => `(size(${w}) > ${k} && ${w}[${k}].matches(${str(re2(H.shellAssignment))}))`;
  const isP = (k: number) => `(size(${w}) > ${k} && ${w}[${k}] in ${strList(H.commandPrefixes)})`;
  // the index of the first word from `from` on that fails `test`, or -1 past MAX_DROPPED_WORDS words
  const count = (test: (k: number) => string, from: number) => {
    const last = from + MAX_DROPPED_WORDS;
    let e = `(${test(last)} ? -1 : ${last})`;
    for (let k = last - 1; k >= from; k--) e = `(${test(k)} ? ${e} : ${k})`;
    return e;
  };
  const prefixesAfter = Array.from({ length: MAX_DROPPED_WORDS + 1 }, (_, a) => a)
    .reduceRight((rest, a) => `(x == ${a} ? ${count(isP, a)} : ${rest})`, '-1');
  return bind(count(isA, 0), 'x', `x < 0 ? -1 : ${prefixesAfter}`);
}

/** Word list `w` without its first `d` words (words have no spaces, so join and split give them back). */
function dropWords(w: string, d: string): string {
  const max = MAX_DROPPED_WORDS * 2;
  let e = '[]';
  for (let k = max; k >= 1; k--) {
    const offset = Array.from({ length: k }, (_, j) => `size(${w}[${j}])`).join(' + ') + ` + ${k}`;
    e = `${d} == ${k} ? (size(${w}) <= ${k} ? [] : ${w}.join(' ').substring(${offset}).split(' ')) : ${e}`;
  }
  return `(${d} == 0 ? ${w} : (${d} < 0 ? [] : (${e})))`;
}

/** The pieces of flat script `s` between separators: `{before, bg, argv, bad}` (`bad`: a form not read here). */
function pieces(s: string): string {
  const marked = `${str(SEP + 'S')} + ${s}.replace('&&', ${str(SEP + 'A')}).replace('||', ${str(SEP + 'O')}).replace('|', ${str(SEP + 'P')})`
    + `.replace('&', ${str(BG + SEP + 'S')}).replace(';', ${str(SEP + 'S')}).replace('\\n', ${str(SEP + 'S')}).replace('\\t', ' ').replace('\\r', ' ')`;
  const raw = `(${marked}).split(${str(SEP)}).filter(p, p != '').map(p, ${celMap([
    ['code', 'p.substring(0, 1)'], ['bg', `p.contains(${str(BG)})`], ['w', `p.substring(1).replace(${str(BG)}, '').split(' ').filter(x, x != '')`],
  ])})`;
  const before = "(p.code == 'A' ? '&&' : (p.code == 'O' ? '||' : (p.code == 'P' ? '|' : 'start')))";
  const read = `${raw}.map(p, ${bind(droppedWords('p.w'), 'd', celMap([
    ['before', before], ['bg', 'p.bg'], ['argv', dropWords('p.w', 'd')], ['bad', `d < 0 || (size(p.w) > 0 && p.w[0] in ${strList(H.shellKeywords)})`],
  ]))})`;
  return `${read}.map(p, ${celMap([['before', 'p.before'], ['bg', 'p.bg'], ['argv', 'p.argv'], ['bad', "p.bad || (size(p.argv) >= 2 && p.argv[0] == 'trap')"]])})`;
}

/**
 * The program of a container whose pass-1 facts are `i` (`argv`, `hasCommand`): `{readable, kind, cmds, errexit}`,
 * `cmds` the simple commands `{argv, before, bg}` in order (`before`: `start`, `&&`, `||` or `|`), `errexit` when the
 * script stops at the first failing command (`sh -e`, `set -e`, `set -o errexit`).
 */
export function programOf(i: string): string {
  const command = (argv: string) => celMap([['argv', argv], ['before', "'start'"], ['bg', 'false']]);
  const one = celMap([
    ['readable', `!${i}.argv.exists(w, w.contains(${str(SEP)}))`], ['kind', '0'],
    ['cmds', `size(${i}.argv) > 0 ? [${command(`${i}.argv`)}] : []`], ['errexit', 'false'],
  ]);
  const unread = celMap([['readable', 'false'], ['kind', '2'], ['cmds', '[]'], ['errexit', 'false']]);
  const setE = "p.argv.exists(a, a.matches('^-[a-zA-Z]*e') || a == 'errexit')";
  const script = bind(pieces('f.script'), 'ps', celMap([
    ['readable', '!ps.exists(p, p.bad)'], ['kind', '1'],
    ['cmds', `ps.filter(p, size(p.argv) > 0).map(p, ${celMap([['argv', 'p.argv'], ['before', 'p.before'], ['bg', 'p.bg']])})`],
    ['errexit', `f.flags.contains('e') || ps.exists(p, size(p.argv) > 0 && p.argv[0] == 'set' && ${setE})`],
  ]));
  return bind(shellForm(`${i}.argv`, `${i}.hasCommand`), 'f',
    `f.kind == 0 ? ${one} : (f.kind == 2 || f.script.matches(${str(NOT_FLAT)}) ? ${unread} : ${script})`);
}

/**
 * The first command of program `prog` that runs a proxy binary in server mode (the linter's `proxyInScript`), as a
 * one-element list, or `[]`.
 */
export function firstProxyCommand(prog: string): string {
  const nonFlags = "c.argv.filter(a, !a.startsWith('-'))";
  const oneShot = `((size(${nonFlags}) > 1 && ${nonFlags}[1] in ${strList(H.oneShotSubcommands)}) || c.argv.exists(a, a in ${strList(H.oneShotFlags)}))`;
  return `${prog}.cmds.filter(c, ${baseOf('c.argv[0]')} in ${strList(H.proxyBinaries)} && !${oneShot})`;
}

/** `reEscape` for building RE2 alternatives of plain words. */
export const wordsRe = (words: readonly string[]) => `(${words.map(reEscape).join('|')})`;
export { SEP as WORD_SEPARATOR };
