// Evaluates our ValidatingAdmissionPolicy objects the way the API server does, with an independent CEL engine
// (@bufbuild/cel, which runs RE2 through @bufbuild/re2): resource match, matchConditions, variables in order,
// validations. Objects are converted like the API server's unstructured values: integers are CEL ints, nulls are
// absent fields.
import { celEnv, CelInput, isCelError, parse, plan } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';

const RESOURCES: { [kind: string]: [group: string, resource: string] } = {
  Pod: ['', 'pods'],
  ReplicationController: ['', 'replicationcontrollers'],
  Deployment: ['apps', 'deployments'],
  StatefulSet: ['apps', 'statefulsets'],
  DaemonSet: ['apps', 'daemonsets'],
  ReplicaSet: ['apps', 'replicasets'],
  Job: ['batch', 'jobs'],
  CronJob: ['batch', 'cronjobs'],
};

/** A JSON value as a CEL input: maps for objects, bigint for integers, nulls dropped. */
export function toCel(v: any): CelInput {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.filter(x => x !== null && x !== undefined).map(toCel) as any;
  if (typeof v === 'object') {
    const m = new Map<string, CelInput>();
    for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) m.set(k, toCel(x));
    return m as any;
  }
  return v;
}

const env = celEnv({ funcs: strings });
const cache = new Map<string, (ctx: any) => any>();

/** Evaluate one expression; a CEL error throws (the policies must never error on valid objects). */
export function evalCel(expr: string, ctx: { [name: string]: CelInput }): any {
  let p = cache.get(expr);
  if (!p) {
    let parsed;
    try {
      parsed = parse(expr);
    } catch (e: any) {
      throw new Error(`${e.message} in: ${expr}`);
    }
    p = plan(env, parsed) as (ctx: any) => any;
    cache.set(expr, p);
  }
  const r = p(ctx);
  if (isCelError(r)) throw new Error(`CEL error: ${r.message} in: ${expr.slice(0, 300)}`);
  return r;
}

export interface Verdict {
  /** The policy matched the object and its matchConditions held. */
  readonly evaluated: boolean;
  /** Messages of the failed validations (empty: admitted). */
  readonly failures: string[];
  /** The policy's `violations` variable (offending container or mesh names), when it was evaluated. */
  readonly violations: string[];
  /** The policy's `undecided` variable: what it did not judge. */
  readonly undecided: string[];
  /** Values of the audit annotations the API server publishes (not null, not blank). */
  readonly audit: { [key: string]: string };
}

function matchesResource(policy: any, obj: any): boolean {
  const res = RESOURCES[obj.kind];
  if (!res) return false;
  const [group, resource] = res;
  // matchPolicy Equivalent (the default): a request in another version of the group (batch/v1beta1) is converted and matched
  return policy.spec.matchConstraints.resourceRules.some((r: any) =>
    r.apiGroups.includes(group) && r.resources.includes(resource) && r.operations.includes('CREATE'));
}

/** What the API server would do with `obj` (a CREATE request) under `policy`. */
export function evaluatePolicy(policy: any, obj: any, namespaceObject: any = null): Verdict {
  if (!matchesResource(policy, obj)) return { evaluated: false, failures: [], violations: [], undecided: [], audit: {} };
  const base: { [name: string]: CelInput } = {
    object: toCel(obj),
    oldObject: null,
    namespaceObject: toCel(namespaceObject),
    request: toCel({ operation: 'CREATE', kind: { kind: obj.kind } }),
  };
  for (const mc of policy.spec.matchConditions ?? []) {
    if (evalCel(mc.expression, base) !== true) return { evaluated: false, failures: [], violations: [], undecided: [], audit: {} };
  }
  const variables = new Map<string, any>();
  for (const v of policy.spec.variables ?? []) {
    variables.set(v.name, evalCel(v.expression, { ...base, variables: variables as any }));
  }
  const failures: string[] = [];
  const ctx = { ...base, variables: variables as any };
  for (const val of policy.spec.validations) {
    if (evalCel(val.expression, ctx) !== true) failures.push(val.messageExpression ? String(evalCel(val.messageExpression, ctx)) : val.message);
  }
  const list = (name: string) => (variables.has(name) ? Array.from(variables.get(name) as Iterable<string>) : []);
  const audit: { [key: string]: string } = {};
  for (const a of policy.spec.auditAnnotations ?? []) {
    const value = evalCel(a.valueExpression, ctx);
    // the API server publishes a string that is not empty after trimming; null and '' are left out (validator.go)
    if (value !== null && String(value).trim() !== '') audit[a.key] = String(value).trim();
  }
  return { evaluated: true, failures, violations: list('violations'), undecided: list('undecided'), audit };
}

/** The nesting depth of a parsed expression (the parser's recursion grows with it). */
export function astDepth(expr: string): number {
  const depth = (n: any): number => {
    if (n === null || typeof n !== 'object') return 0;
    const kids = Array.isArray(n) ? n : Object.values(n);
    return Math.max(0, ...kids.map(depth)) + (n.exprKind ? 1 : 0);
  };
  return depth(parse(expr).expr);
}

/**
 * Literals the Kubernetes API server rejects: it compiles policy CEL with cel-go's `HomogeneousAggregateLiterals`
 * and, from 1.29, the `ValidateHomogeneousAggregateLiterals` AST validator (k8s.io/apiserver pkg/cel/environment
 * base.go), so every list literal's elements and every map literal's values must have one type, where `dyn` is a type
 * of its own. @bufbuild/cel does not check types; this reads the parsed expression and accepts, conservatively, only
 * literals whose elements are of one type by construction: constants of one kind, all `dyn(...)`, or all indexes of
 * one list. Returns a description of each other literal.
 */
export function mixedLiterals(expr: string): string[] {
  const out: string[] = [];
  const kindOf = (e: any): string => {
    const k = e.exprKind;
    if (k.case === 'constExpr') return `const:${k.value.constantKind.case}`;
    if (k.case === 'callExpr' && k.value.function === 'dyn' && !k.value.target) return 'dyn';
    if (k.case === 'callExpr' && k.value.function === '_[_]') return `index:${JSON.stringify(strip(k.value.args[0]))}`;
    return `expr:${k.case}`;
  };
  const strip = (e: any): any => JSON.parse(JSON.stringify(e, (key, v) => (key === 'id' || key === '$typeName' ? undefined : typeof v === 'bigint' ? String(v) : v)));
  const visit = (node: any): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    const k = node.exprKind;
    if (k?.case === 'listExpr' && k.value.elements.length > 1) {
      const kinds = new Set<string>(k.value.elements.map(kindOf));
      if (kinds.size > 1 || [...kinds][0].startsWith('expr:')) out.push(`list of ${[...kinds].join(', ')}`);
    }
    if (k?.case === 'structExpr' && k.value.entries.length > 1) {
      const kinds = new Set<string>(k.value.entries.map((e: any) => kindOf(e.value)));
      if (kinds.size > 1 || [...kinds][0].startsWith('expr:')) {
        out.push(`map {${k.value.entries.map((e: any) => e.keyKind.value.exprKind.value?.constantKind?.value).join(', ')}} of ${[...kinds].join(', ')}`);
      }
    }
    for (const v of Object.values(node)) visit(v);
  };
  visit(parse(expr).expr);
  return out;
}
