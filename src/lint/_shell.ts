/**
 * A small reader of the shell scripts that containers run (`sh -c "..."`, `bash -ec '...'`): enough to find the
 * simple commands of a script, what separates each from the previous one (`;`, `&&`, `||`, `|`, a newline) and
 * whether it runs in the background (`&`). Not a shell: no expansion, no here-documents, no functions; what it cannot
 * read it reads as words, which at worst hides a command (the rules then stay silent) rather than inventing one.
 * Grammar: https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html (Shell Command Language).
 */
import { COMMAND_PREFIXES, ENV_PROGRAM, SHELL_ASSIGNMENT, SHELL_CLOSERS, SHELL_LOOPS, SHELL_OPENERS, SHELLS } from './_heuristic-data';

/** What comes before a simple command. `start`: the script's first command, a newline or `;`, or a keyword. */
export type Separator = 'start' | '&&' | '||' | '|';

export interface ShellCommand {
  /** The words, quotes removed, leading `VAR=value` assignments and `exec`/`nohup`/`command` dropped. */
  readonly argv: readonly string[];
  readonly before: Separator;
  /** Followed by `&`: the script does not wait for it. */
  readonly background: boolean;
  /** Inside a `trap '...' EXIT|TERM|...` handler (runs when the script exits, whatever the outcome). */
  readonly inTrap: boolean;
  /** Inside a loop body or condition (`while`/`until`/`for`). */
  readonly inLoop: boolean;
}

const SHELL_SET = new Set(SHELLS);
/** Words that start a new command without being one. */
const OPENERS = new Set(SHELL_OPENERS);
const CLOSERS = new Set(SHELL_CLOSERS);
const LOOPS = new Set(SHELL_LOOPS);
const PREFIXES = new Set(COMMAND_PREFIXES);

function basename(p: string): string {
  const i = p.lastIndexOf('/');
  return i >= 0 ? p.slice(i + 1) : p;
}

/**
 * The script a container runs through a shell: `["sh", "-c", script]`, `["/bin/bash", "-euo", "pipefail", "-c",
 * script]`, `["/usr/bin/env", "bash", "-c", script]`. Undefined when the argv is not a shell with `-c`.
 */
export function shellScriptOf(argv: readonly string[]): string | undefined {
  let i = 0;
  if (argv.length > 0 && basename(argv[0]) === ENV_PROGRAM) i++;
  if (i >= argv.length || !SHELL_SET.has(basename(argv[i]))) return undefined;
  if (basename(argv[i]) === 'busybox') i++; // busybox sh -c
  for (i++; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-o' || a === '+o') {
      i++;
      continue;
    }
    if (/^[-+][a-zA-Z]+$/.test(a)) {
      if (a.startsWith('-') && a.includes('c')) {
        // the script is the first operand after the options
        for (let j = i + 1; j < argv.length; j++) {
          if (argv[j] === '-o' || argv[j] === '+o') {
            j++;
            continue;
          }
          if (/^[-+][a-zA-Z]+$/.test(argv[j]) || argv[j] === '--') continue;
          return argv[j];
        }
        return undefined;
      }
      continue;
    }
    return undefined; // `sh script.sh`: a file we cannot read
  }
  return undefined;
}

interface Token {
  readonly word?: string;
  readonly op?: string;
}

/** Words and operators; quotes removed; `#` comments and line continuations dropped. */
function tokenize(script: string): Token[] {
  const out: Token[] = [];
  let word: string | undefined;
  const flush = () => {
    if (word !== undefined) out.push({ word });
    word = undefined;
  };
  for (let i = 0; i < script.length; i++) {
    const ch = script[i];
    if (ch === '\\') {
      if (script[i + 1] === '\n') {
        i++;
        continue;
      }
      word = (word ?? '') + (script[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === "'") {
      const end = script.indexOf("'", i + 1);
      const stop = end < 0 ? script.length : end;
      word = (word ?? '') + script.slice(i + 1, stop);
      i = stop;
      continue;
    }
    if (ch === '"') {
      let j = i + 1;
      let text = '';
      while (j < script.length && script[j] !== '"') {
        if (script[j] === '\\' && j + 1 < script.length && '"\\$`\n'.includes(script[j + 1])) j++;
        text += script[j];
        j++;
      }
      word = (word ?? '') + text;
      i = j;
      continue;
    }
    if (ch === '#' && word === undefined) {
      while (i < script.length && script[i] !== '\n') i++;
      i--;
      continue;
    }
    if (ch === '$' && script[i + 1] === '(') {
      // $( ... ) stays inside the word (balanced parentheses)
      let depth = 0;
      let j = i + 1;
      for (; j < script.length; j++) {
        if (script[j] === '(') depth++;
        else if (script[j] === ')' && --depth === 0) break;
      }
      word = (word ?? '') + script.slice(i, j + 1);
      i = j;
      continue;
    }
    if (ch === '\n' || ch === ';') {
      flush();
      out.push({ op: ';' });
      continue;
    }
    if (ch === '&' || ch === '|') {
      flush();
      if (script[i + 1] === ch) {
        out.push({ op: ch + ch });
        i++;
      } else if (ch === '&' && script[i + 1] === '>') {
        word = '&'; // &> redirection: kept as a word
      } else {
        out.push({ op: ch });
      }
      continue;
    }
    if (ch === '(' || ch === ')') {
      flush();
      out.push({ op: ch });
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      flush();
      continue;
    }
    word = (word ?? '') + ch;
  }
  flush();
  return out;
}

/** The simple commands of a script, in order (trap handlers are read as scripts of their own). */
export function parseScript(script: string, inTrap = false): ShellCommand[] {
  const out: ShellCommand[] = [];
  let words: string[] = [];
  let before: Separator = 'start';
  let loopDepth = 0;
  const end = (background: boolean) => {
    let w = words;
    words = [];
    while (w.length > 0 && (OPENERS.has(w[0]) || LOOPS.has(w[0]) || CLOSERS.has(w[0]))) {
      if (LOOPS.has(w[0])) loopDepth++;
      if (w[0] === 'done') loopDepth = Math.max(0, loopDepth - 1);
      w = w.slice(1);
    }
    while (w.length > 0 && SHELL_ASSIGNMENT.test(w[0])) w = w.slice(1);
    while (w.length > 0 && PREFIXES.has(w[0])) w = w.slice(1);
    if (w.length === 0) return;
    const inLoop = loopDepth > 0;
    if (w[0] === 'trap' && w.length >= 2) {
      for (const c of parseScript(w[1], true)) out.push(c);
    }
    out.push({ argv: w, before, background, inTrap, inLoop });
  };
  for (const t of tokenize(script)) {
    if (t.word !== undefined) {
      // a keyword that opens a command list ends nothing: `then cmd`, `do cmd`
      if (words.length === 0 && (OPENERS.has(t.word) || CLOSERS.has(t.word))) {
        if (t.word === 'done') loopDepth = Math.max(0, loopDepth - 1);
        before = 'start';
        continue;
      }
      if (words.length === 0 && LOOPS.has(t.word)) {
        loopDepth++;
        before = 'start';
        continue;
      }
      words.push(t.word);
      continue;
    }
    switch (t.op) {
      case ';':
      case '(':
      case ')':
        end(false);
        before = 'start';
        break;
      case '&':
        end(true);
        before = 'start';
        break;
      case '&&':
      case '||':
      case '|':
        end(false);
        before = t.op;
        break;
    }
  }
  end(false);
  return out;
}

/** The basename of a command's program (`/usr/bin/curl` → `curl`). */
export function programOf(cmd: ShellCommand): string {
  return basename(cmd.argv[0] ?? '');
}
