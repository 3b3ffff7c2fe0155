/**
 * The hand-wired stops of a Job helper in CEL (the linter's `src/lint/_stop-mechanisms.ts`): which regular containers
 * of a Job pod are helpers (`jobHelpers`), and whether one of them is stopped when the task ends, for the mechanisms a
 * policy can read from one object:
 * - a controller named in a pod annotation (`pod.kubernetes.io/sidecars`, ...);
 * - a `/quitquitquit` call from a task to Istio's pilot-agent or to a Cloud SQL / AlloyDB proxy started with
 *   `--quitquitquit` (its admin port from `--admin-port=N`, else the default);
 * - `pkill`/`killall` from a task across `shareProcessNamespace: true`.
 * As in the linter, a call works only when it runs whatever the task's outcome: not after `&&` or `||`, not after
 * another command in a `set -e` script, and not folded onto the task's command line as an argument.
 *
 * The policy does not judge (`stopUnreadable`) when another mechanism may be wired (kubexit, a quit file, linkerd-await),
 * when a task that could call a stop runs a script the CEL cannot read (`_script-cel.ts`), or when a proxy helper's
 * flags cannot be read without the linter's tokenizer (a flag whose value is the next word, a short flag, an admin
 * port from the environment) or are set by a script.
 */
import { CelVariable, getOr, re2, str, strList } from './_cel';
import { HEURISTICS as H } from './_lint-bridge';
import { baseOf, bind, WORD_SEPARATOR as SEP, wordsRe } from './_script-cel';

/** A controller named in a pod annotation stops helper `h` (the linter's `controllerAnnotation`). */
const STOPPED_BY_CONTROLLER = H.stopControllerAnnotations
  .map(k => `(${str(k)} in variables.podAnnotations && type(variables.podAnnotations[${str(k)}]) == string && variables.podAnnotations[${str(k)}].split(',').exists(x, x.trim() == h.name))`)
  .join(' || ');

/** The Job pod's helpers, by the linter's `jobHelpers()` evidence. */
const HELPERS = 'variables.mains.filter(c, c.server'
  + ' || (variables.mains.exists(m, !m.server && !m.serves) && c.serves)'
  + ' || variables.mains.exists(k, k.name != c.name && c.served.exists(p, p in k.uses)))';

/** A command that does not count as work before the stop (the linter's `whyNotReached`). */
const SETUP = (c: string) => `(${c}.argv[0] in ['set', 'trap'])`;

/**
 * The first command of task `t` matching `m` (a CEL predicate over `c`) runs whatever the task's outcome, apart from
 * being folded onto a command line (`joined`, checked by the caller).
 */
function reached(t: string, m: (c: string) => string, extra: (cmd: string) => string = () => 'true'): string {
  return bind(`${t}.cmds.filter(c, ${m('c')})[0]`, 'cmd',
    `${extra('cmd')} && !(cmd.before in ['&&', '||']) && !(${t}.errexit && !${m(`${t}.cmds.filter(c, ${m('c')} || !${SETUP('c')})[0]`)})`);
}

/** Some task runs a command matching `m`; `then(t)` decides with the first such task `t`. */
function firstTask(m: (c: string) => string, none: string, then: (t: string) => string): string {
  return bind(`variables.jobTasks.filter(t, t.cmds.exists(c, ${m('c')}))`, 'ts', `size(ts) == 0 ? ${none} : ${bind('ts[0]', 't', then('t'))}`);
}

/** Word `w` calls the quit endpoint on port `port`. */
const QUIT_CALL = (w: string) => `(${w}.contains(${str(H.quitPath)}) && ${w}.contains(':' + string(port)))`;
const CALLS_QUIT = (c: string) => `${c}.argv.exists(w, ${QUIT_CALL('w')})`;
const TOOL = (w: string) => `(${baseOf(w)} in ${strList(H.httpClients)})`;
/** An HTTP client word between the command's program and its quit call: the call is an argument (a folded line). */
const JOINED = (cmd: string) => `(!${QUIT_CALL(`${cmd}.argv[0]`)} && !${TOOL(`${cmd}.argv[0]`)} && `
  + bind(`${cmd}.argv.filter(w, ${QUIT_CALL('w')})[0]`, 'qw', bind(`${str(SEP)} + ${cmd}.argv.join(${str(SEP)}) + ${str(SEP)}`, 'line',
    `line.substring(size(${cmd}.argv[0]) + 1, line.indexOf(${str(SEP)} + qw + ${str(SEP)}) + 1).matches(${str(`${SEP}([^${SEP}]*/)?${wordsRe(H.httpClients)}${SEP}`)})`)) + ')';

/** The `/quitquitquit` stop of helper `h` works (the linter's `quitQuitQuit`). */
const QUIT_WORKS = `((h.istio || h.cfg) && ${bind(`h.istio ? ${H.istioAgentPort} : h.adminPort`, 'port',
  firstTask(CALLS_QUIT, '(!h.istio && h.qqqFlag)', t => `((h.istio || h.qqqFlag) && ${reached(t, CALLS_QUIT, cmd => `!${JOINED(cmd)}`)})`))})`;

const KILLS = (c: string) => `(${baseOf(`${c}.argv[0]`)} in ${strList(H.killers)})`;

/** The pod-level variables of the Job rule, in dependency order (after the container passes). */
export const STOP_VARIABLES: readonly CelVariable[] = [
  { name: 'jobHelpers', expression: HELPERS },
  { name: 'jobTasks', expression: 'variables.mains.filter(t, !variables.jobHelpers.exists(h, h.name == t.name))' },
  { name: 'sharePids', expression: `${getOr('variables.podSpec', ['shareProcessNamespace'], 'false')} == true` },
  {
    name: 'stopUnreadable',
    // kubexit and quit files are read from the helper (its env, the files its script polls), linkerd-await from the tasks
    expression: 'variables.mains.exists(m, m.awaitWord)'
      + ' || variables.jobHelpers.exists(h, h.kubexit || h.pollsFile || h.scriptRun || (h.cfg && !h.cfgReadable)'
      + ' || h.envPaths.exists(f, variables.mains.exists(t, t.name != h.name && t.text.contains(f))))'
      + ' || ((variables.sharePids || variables.jobHelpers.exists(h, h.istio || h.cfg)) && variables.jobTasks.exists(t, !t.readable))',
  },
  { name: 'pkillWorks', expression: `variables.sharePids && ${firstTask(KILLS, 'false', t => reached(t, KILLS))}` },
];

/** The helpers of a Job pod that no working mechanism stops (read only when `stopUnreadable` is false). */
export const UNSTOPPED_HELPERS = `variables.jobHelpers.filter(h, !(${STOPPED_BY_CONTROLLER}) && !variables.pkillWorks && !${QUIT_WORKS})`;

/** The per-container facts the stops read, as INFO fields of pass-3 facts `b` (see `_pod-variables.ts`). */
export function stopFacts(): string {
  const flag = H.adminPortFlag;
  const adminWords = `b.i.argv.filter(a, a.startsWith(${str(flag + '=')}))`;
  const lastAdmin = `${adminWords}[size(${adminWords}) - 1].substring(${flag.length + 1})`;
  return [
    `'istio': b.i.name == ${str(H.istio.proxyContainer)} || (b.i.image != '' && b.i.image.matches(${str(re2(H.istioProxyImage))}))`,
    "'cfg': b.proxy",
    // every flag carries its value (`--flag=value`) or takes none: the linter's tokenizer then pairs nothing
    `'cfgReadable': b.i.argv.all(a, !a.startsWith('-') || a == '-' || (a.startsWith('--') && (a.contains('=') || a in ${strList(H.booleanFlags)})))`
    + ` && ${adminWords}.all(a, a.substring(${flag.length + 1}).matches('^[0-9]{1,9}$'))`
    + ` && !b.i.env.exists(e, has(e.name) && e.name in ${strList(H.adminPortEnvNames)})`,
    `'adminPort': size(${adminWords}) > 0 && ${lastAdmin}.matches('^[0-9]{1,9}$') ? int(${lastAdmin}) : ${H.adminPortDefault}`,
    `'qqqFlag': b.i.argv.exists(a, a == ${str(H.quitQuitQuitFlag)} || a.startsWith(${str(H.quitQuitQuitFlag + '=')}))`,
  ].join(',\n  ');
}
