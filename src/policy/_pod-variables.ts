/**
 * The CEL variables (ValidatingAdmissionPolicy `spec.variables`) that find the pod template of any matched kind and
 * classify its containers the way the linter does (`src/lint/_heuristics.ts`: `analyzeContainer`, `jobHelpers`):
 * role, declared and probed ports, "runs a server" (proxy, mesh, agent image or never-returning command) and the
 * loopback ports it connects to.
 *
 * Every list is walked once per pass (three `map` passes per container role); only `job-helper-never-exits` nests
 * loops (containers x containers x ports x strings, and helpers x the tasks' commands), see docs/policy.md for the
 * cost estimate.
 *
 * Kubernetes evaluates variables lazily and at most once per admission request
 * (https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/#variable-composition), so a
 * policy pays only for the variables its expression reaches.
 */
import { anyOf, CelVariable, dynMapLiteral, getOr, guard, re2, reEscape, str, strList } from './_cel';
import { HEURISTICS as H } from './_lint-bridge';
import { baseOf, bind, firstProxyCommand, programOf } from './_script-cel';
import { STOP_VARIABLES, stopFacts } from './_stop-cel';

const PROBES = ['startupProbe', 'readinessProbe', 'livenessProbe'];
const HANDLERS = ['httpGet', 'tcpSocket', 'grpc'];

/** Where each kind keeps its pod template (the linter's `podTemplateOf`). */
export function podPart(part: 'spec' | 'metadata', o = 'variables.obj'): string {
  return `${o}.kind == 'Pod' ? ${getOr(o, [part], '{}')} : (${o}.kind == 'CronJob' ? ${getOr(o, ['spec', 'jobTemplate', 'spec', 'template', part], '{}')} : ${getOr(o, ['spec', 'template', part], '{}')})`;
}

/** The ports one probe handler connects to (`toPortNumber`, named ports resolved through `ports`). */
function probeTerm(probe: string, handler: string): string {
  const h = `c.${probe}.${handler}`;
  const x = `${h}.port`;
  const resolved = `type(${x}) == int ? [${x}] : (type(${x}) == string && ${x}.matches('^[0-9]{1,18}$') ? [int(${x})] : `
    + `(type(${x}) == string && has(c.ports) ? c.ports.filter(d, has(d.name) && d.name == ${x} && has(d.containerPort)).map(d, d.containerPort) : []))`;
  return `(${guard('c', [probe, handler, 'port'])} && (!has(${h}.host) || ${h}.host == '') ? (${resolved}) : [])`;
}

/** Pass 1: the raw facts of container `c`. */
const BASIC = `{
  'name': has(c.name) ? c.name : '',
  'image': has(c.image) ? c.image : '',
  'low': has(c.image) ? c.image.trim().lowerAscii() : '',
  'argv': (has(c.command) ? c.command : []) + (has(c.args) ? c.args : []),
  'argvText': ((has(c.command) ? c.command : []) + (has(c.args) ? c.args : [])).join(' '),
  'nonFlags': ((has(c.command) ? c.command : []) + (has(c.args) ? c.args : [])).filter(a, !a.startsWith('-')),
  'hasCommand': has(c.command) && size(c.command) > 0,
  'cmd0': has(c.command) && size(c.command) > 0 ? c.command[0] : '',
  'ports': has(c.ports) ? c.ports.filter(p, has(p.containerPort)).map(p, p.containerPort) : [],
  'probePorts': (${PROBES.flatMap(p => HANDLERS.map(h => probeTerm(p, h))).join(' + ')}).filter(x, x > 0),
  'env': has(c.env) ? c.env.filter(e, has(e.value)) : [],
  'envNames': has(c.env) ? c.env.filter(e, has(e.name)).map(e, e.name) : [],
  'hasStartupProbe': has(c.startupProbe)
}`;

/** Whether pass-1 facts `i` are a Cloud SQL / AlloyDB Auth Proxy in server mode (the linter's `proxyOf`). */
function proxyExpr(): string {
  const flavors = H.proxies.map(p => {
    const image = `(i.image != '' && i.image.matches(${str(anyOf(p.imagePatterns))}))`;
    const bin = p.binary.slice(p.binary.lastIndexOf('/') + 1);
    const binOk = `(!i.hasCommand || i.cmd0.matches(${str(`(^|/)${reEscape(bin)}$`)}))`;
    return { image, binOk };
  });
  // the first flavour whose image patterns match decides (proxyFlavorOfImage)
  const alternatives = flavors.map((f, k) => [...flavors.slice(0, k).map(e => `!${e.image}`), f.image, f.binOk].join(' && '));
  // the first non-flag argument after the binary: with a command, argv[0] is the binary itself
  const first = "(i.hasCommand ? (size(i.nonFlags) > 1 ? i.nonFlags[1] : '') : (size(i.nonFlags) > 0 ? i.nonFlags[0] : ''))";
  const oneShot = `(${first} in ${strList(H.oneShotSubcommands)} || i.argv.exists(a, a in ${strList(H.oneShotFlags)}))`;
  return `((${alternatives.join(') || (')})) && !${oneShot}`;
}

/** The basename of the program (`/usr/bin/sh` → `sh`). */
const BIN0 = "(size(i.argv) > 0 ? i.argv[0].substring(i.argv[0].lastIndexOf('/') + 1) : '')";
const FLAVOR_IMAGE = `(i.image != '' && i.image.matches(${str(anyOf(H.proxies.flatMap(p => p.imagePatterns)))}))`;
const LEGACY_IMAGE = `(i.image != '' && i.image.matches(${str(re2(H.legacyProxyImage))}))`;
const MAYBE_SHELL = `(i.hasCommand && ${BIN0} in ${strList([...H.shellPrograms, H.envProgram])})`;

/**
 * Pass 2: server evidence from image and command, with `prog` the commands it runs (`_script-cel.ts`) and `run` what
 * its script does with a proxy binary (-1: no script read, 0: none, 1: runs one, 2: starts one in the background).
 * `scriptRun`: its script runs a proxy (the linter's `proxyInScript`). `uncertain`: the linter reads this container
 * with tools CEL does not have (wrapper unwrapping, `$(VAR)` expansion of a literal env value, or a script that may
 * run a proxy and is not flat); the policies do not judge such a container (they admit rather than guess). A container
 * named like a mesh proxy is a server whatever its command says, so it is never uncertain.
 */
const EVIDENCE = `{
  'i': i,
  'noDigest': i.low.indexOf('@') >= 0 ? i.low.substring(0, i.low.indexOf('@')) : i.low,
  'uncertain': !(i.name in ${strList(H.meshProxyNames)}) && (i.env.exists(e, has(e.name) && i.argvText.contains('$(' + e.name + ')'))`
  + ` || ${BIN0} in ${strList(H.wrappers)} || (${MAYBE_SHELL} && (${FLAVOR_IMAGE} || ${LEGACY_IMAGE}`
  + ` || ${H.proxyBinaries.map(b => `i.argvText.contains(${str(b)})`).join(' || ')}) && !(run == 0 || run == 1))),
  'prog': prog,
  'scriptRun': run == 1,
  'proxy': ${proxyExpr()},
  'legacy': !${MAYBE_SHELL} && (${LEGACY_IMAGE} || (i.hasCommand && !${FLAVOR_IMAGE} && ${BIN0} == ${str(H.legacyProxyBinary)})),
  'mesh': i.name in ${strList(H.meshProxyNames)},
  'cmdServer': i.argvText != '' && (i.argvText.matches(${str(anyOf(H.serverCommands))}) || (i.argvText.matches(${str(re2(H.endlessLoop))}) && !i.argvText.matches(${str(re2(H.loopExit))}))),
  'maybeShell': ${MAYBE_SHELL}
}`;

/** The image repository (`imageRepository`): no digest, no tag. */
const REPO = "(b.noDigest.lastIndexOf(':') > b.noDigest.lastIndexOf('/') ? b.noDigest.substring(0, b.noDigest.lastIndexOf(':')) : b.noDigest)";
const knownImage = (network?: boolean) => {
  const images = H.knownServerImages.filter(k => network === undefined || k.network === network);
  const plain = images.filter(k => !k.serverArgs).map(k => k.re);
  // an image that also runs one-shot tools serves only when its first argument says so
  const withArgs = images.flatMap(k => (k.serverArgs ? [
    `(${REPO}.matches(${str(re2(k.re))}) && (size(b.i.nonFlags) == 0 || b.i.nonFlags[0].matches(${str(re2(k.serverArgs))})))`,
  ] : []));
  return `(!b.i.hasCommand && b.i.image != '' && (${[`${REPO}.matches(${str(anyOf(plain))})`, ...withArgs].join(' || ')}))`;
};

/**
 * The loopback ports a container connects to (the linter's `loopbackPortsUsed`), without a regex `find`: the argv and
 * env values are joined by spaces (a non-word character, like the ends of each string for `\b`) between a leading and
 * a trailing space, then split at each loopback address. A piece that starts with 1-5 digits followed by a non-word
 * character names a port; a piece that ends right after its digits is followed by the next loopback address, whose
 * first character decides the word boundary (`l` and `1` are word characters, `[` is not). Linear in the text
 * length, so the Job rule's pairwise check compares short int lists only.
 */
function usedPortsExpr(): string {
  const d = H.loopbackPortDigits;
  const text = "(' ' + (b.i.argv + b.i.env.map(e, e.value)).join(' ') + ' ')";
  const head = `(size(q) > ${d + 1} ? q.substring(0, ${d + 1}) : q)`;
  const runLength = Array.from({ length: d - 1 }, (_, k) => d - k)
    .reduceRight((rest, n) => `(h.matches('^[0-9]{${n}}') ? ${n} : ${rest})`, '1');
  const perHost = H.loopbackHosts.map(host => {
    const boundary = /^\w/.test(host) ? '[^0-9A-Za-z_]' : '([^0-9A-Za-z_]|$)';
    return `${text}.split(${str(host)}).map(q, ${head}).filter(h, h.matches(${str(`^[0-9]{1,${d}}${boundary}`)})).map(h, int(h.substring(0, ${runLength})))`;
  });
  const envPorts = `b.i.env.filter(e, has(e.name) && e.name.matches(${str(re2(H.portEnvName))}) && e.value.matches('^[0-9]{1,${d}}$')).map(e, int(e.value))`;
  return [...perHost, envPorts].join(' + ');
}

/** Pass 3: what the rules read (the linter's `ContainerInfo`). */
const INFO = `{
  'name': b.i.name,
  'ports': b.i.ports,
  'served': b.i.ports + b.i.probePorts,
  'server': b.proxy || b.legacy || b.scriptRun || b.mesh || b.cmdServer || ${knownImage()},
  'serves': size(b.i.ports) > 0 || size(b.i.probePorts) > 0 || b.proxy || b.legacy || b.scriptRun || b.mesh || (!b.cmdServer && ${knownImage(true)}),
  'uncertain': b.uncertain,
  'uses': ${usedPortsExpr()},
  'hasStartupProbe': b.i.hasStartupProbe,
  'text': b.i.argvText,
  'kubexit': ${str(H.kubexitEnv)} in b.i.env.filter(e, has(e.name)).map(e, e.name),
  'awaitWord': ([b.i.argvText.lowerAscii()] + b.i.envNames.map(n, n.lowerAscii()) + b.i.env.map(e, e.value.lowerAscii())).exists(t, t.contains(${str(H.linkerdAwait)})),
  'pollsFile': b.maybeShell && (b.prog.kind == 1 && b.prog.readable`
  + ` ? b.prog.cmds.exists(c, ${baseOf('c.argv[0]')} in ['[', '[[', 'test'] && c.argv.exists(a, a in ['-f', '-e']))`
  + ` : b.i.argvText.matches('(^|\\\\s)-[fe](\\\\s|$)')),
  'envPaths': b.i.env.map(e, e.value).filter(v, v.matches(${str(re2(H.quitFileEnvValue))}) && !v.endsWith('/')),
  'readable': b.prog.readable,
  'cmds': b.prog.cmds,
  'errexit': b.prog.errexit,
  'scriptRun': b.scriptRun,
  ${stopFacts()}
}`;

const oneLine = (s: string) => s.replace(/\n\s*/g, ' ');

/** What a readable script of `prog` does with a proxy binary: -1 no script read, 0 none, 1 runs one, 2 starts one in the background. */
const RUN = `prog.kind == 1 && prog.readable ? ${bind(firstProxyCommand('prog'), 'fp', 'size(fp) == 0 ? 0 : (fp[0].bg ? 2 : 1)')} : -1`;

function classify(role: string, list: string): CelVariable[] {
  return [
    { name: `${role}Raw`, expression: `${list}.map(c, ${oneLine(dynMapLiteral(BASIC))})` },
    { name: `${role}Evidence`, expression: `variables.${role}Raw.map(i, ${bind(programOf('i'), 'prog', bind(RUN, 'run', oneLine(dynMapLiteral(EVIDENCE))))})` },
    { name: role, expression: `variables.${role}Evidence.map(b, ${oneLine(dynMapLiteral(INFO))})` },
  ];
}

const INIT_LIST = getOr('variables.podSpec', ['initContainers'], '[]');

/** Every variable any rule may use, in dependency order. */
export const POD_VARIABLES: readonly CelVariable[] = [
  { name: 'obj', expression: 'dyn(object)' },
  { name: 'podSpec', expression: podPart('spec') },
  { name: 'podMeta', expression: podPart('metadata') },
  { name: 'isJob', expression: "variables.obj.kind == 'Job' || variables.obj.kind == 'CronJob'" },
  { name: 'podLabels', expression: getOr('variables.podMeta', ['labels'], '{}') },
  { name: 'podAnnotations', expression: getOr('variables.podMeta', ['annotations'], '{}') },
  // the Namespace of a namespaced object (https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/#validation-expression)
  { name: 'nsMeta', expression: 'dyn(namespaceObject) != null && has(dyn(namespaceObject).metadata) ? dyn(namespaceObject).metadata : {}' },
  { name: 'nsLabels', expression: getOr('variables.nsMeta', ['labels'], '{}') },
  { name: 'nsAnnotations', expression: getOr('variables.nsMeta', ['annotations'], '{}') },
  {
    name: 'containerNames',
    expression: `(${INIT_LIST} + ${getOr('variables.podSpec', ['containers'], '[]')} + ${getOr('variables.podSpec', ['ephemeralContainers'], '[]')}).map(c, has(c.name) ? c.name : '')`,
  },
  ...classify('inits', `${INIT_LIST}.filter(c, !has(c.restartPolicy) || c.restartPolicy != 'Always')`),
  ...classify('sidecars', `${INIT_LIST}.filter(c, has(c.restartPolicy) && c.restartPolicy == 'Always')`),
  ...classify('mains', getOr('variables.podSpec', ['containers'], '[]')),
  ...STOP_VARIABLES,
];

/** `variables.x` names an expression reads. */
export function referencedVariables(expression: string): string[] {
  return [...new Set([...expression.matchAll(/\bvariables\.([A-Za-z_][A-Za-z0-9_]*)/g)].map(m => m[1]))];
}

/** The variables `expressions` need (transitively), in dependency order. */
export function variablesFor(expressions: readonly string[], own: readonly CelVariable[] = []): CelVariable[] {
  const all = [...POD_VARIABLES, ...own];
  const byName = new Map(all.map(v => [v.name, v]));
  const needed = new Set<string>();
  const visit = (expr: string) => {
    for (const name of referencedVariables(expr)) {
      if (needed.has(name)) continue;
      const v = byName.get(name);
      if (!v) throw new Error(`internal error: CEL references unknown variable '${name}'`);
      needed.add(name);
      visit(v.expression);
    }
  };
  expressions.forEach(visit);
  return all.filter(v => needed.has(v.name));
}
