/**
 * The lint engine: one pass per object. Each workload's pod template is classified once (`analyzePod`), then every
 * rule of the catalog that is not ignored runs over that shared context. Linear in the number of containers (port
 * checks use maps), so linting stays a small fraction of YAML parsing (bench/lint.bench.ts).
 */
import { Manifest, podTemplateOf, PodTemplateRef, SourcedManifest } from '../_manifest';
import { nativeSidecarsWork } from '../_version-facts';
import { CRONJOB_OBJECT_RULES, POD_RULES, RuleDef, severityRank } from './_catalog';
import { EngineOptions, PodContext, Report } from './_context';
import { analyzePod, ContainerInfo, jobHelpers } from './_heuristics';
import { Finding } from './types';


/** Annotation (on the object or its pod template) listing rule ids to suppress, or `all`. */
export const IGNORE_ANNOTATION = 'lint.cdk8s-sidecars.io/ignore';

function ignoredRulesOf(...annotationSets: unknown[]): Set<string> | undefined {
  let out: Set<string> | undefined;
  for (const annotations of annotationSets) {
    const value = (annotations as any)?.[IGNORE_ANNOTATION];
    if (typeof value !== 'string') continue;
    out ??= new Set();
    for (const id of value.split(/[\s,]+/)) if (id) out.add(id.trim());
  }
  return out;
}

function podContext(obj: Manifest, pod: PodTemplateRef, opts: EngineOptions, namespace: Manifest | undefined): PodContext {
  const containers = analyzePod(pod.spec, pod.path);
  const inits: ContainerInfo[] = [];
  const sidecars: ContainerInfo[] = [];
  const mains: ContainerInfo[] = [];
  for (const c of containers) {
    if (c.role === 'init') inits.push(c);
    else if (c.role === 'sidecar') sidecars.push(c);
    else if (c.role === 'main') mains.push(c);
  }
  const metadataPath = pod.path === 'spec' ? 'metadata' : pod.path.replace(/\.spec$/, '.metadata');
  return {
    obj,
    kind: obj.kind,
    pod,
    spec: pod.spec,
    metadataPath,
    jobSpecPath: obj.kind === 'Job' ? 'spec' : obj.kind === 'CronJob' ? 'spec.jobTemplate.spec' : undefined,
    containers,
    inits,
    sidecars,
    mains,
    isJob: pod.isJob,
    jobHelpers: pod.isJob ? jobHelpers(mains) : [],
    restartPolicy: typeof pod.spec.restartPolicy === 'string' ? pod.spec.restartPolicy : 'Always',
    version: opts.version,
    sidecarsWork: nativeSidecarsWork(opts.version, opts.featureGate),
    namespace, // always set (possibly undefined): one object shape for every context
  };
}

/** The rules of `rules` that run under `opts`: not ignored, and not below the minimum severity. */
function activeRules<R extends RuleDef>(rules: readonly R[], opts: EngineOptions): R[] {
  const minRank = severityRank(opts.minSeverity);
  return rules.filter(r => severityRank(r.severity) >= minRank && !opts.ignoreRules.has(r.id));
}

/** Lint objects that were already parsed; findings in input order, then CronJob object rules, then pod rules. */
export function lintSourced(items: readonly SourcedManifest[], opts: EngineOptions): Finding[] {
  const out: Finding[] = [];
  const podRules = activeRules(POD_RULES, opts);
  const cronJobRules = activeRules(CRONJOB_OBJECT_RULES, opts);
  if (podRules.length === 0 && cronJobRules.length === 0) return out;
  const namespaces = new Map<string, Manifest>();
  for (const item of items) {
    const m = item.manifest;
    if (m.kind === 'Namespace' && typeof m.metadata?.name === 'string') namespaces.set(m.metadata.name, m);
  }
  for (const item of items) {
    const obj = item.manifest;
    const pod = podTemplateOf(obj);
    const isCronJob = obj.kind === 'CronJob';
    if (!pod && !isCronJob) continue;

    const meta = obj.metadata ?? {};
    const jobTemplateAnnotations = isCronJob ? obj.spec?.jobTemplate?.metadata?.annotations : undefined;
    const ignored = ignoredRulesOf(meta.annotations, pod?.metadata?.annotations, jobTemplateAnnotations);
    if (ignored?.has('all')) continue;
    const runs = (r: RuleDef) => !ignored?.has(r.id);
    const kind = String(obj.kind);
    const name = typeof meta.name === 'string' ? meta.name : '<unnamed>';
    const namespace = typeof meta.namespace === 'string' ? meta.namespace : undefined;

    let rule: RuleDef;
    const report: Report = (container, path, message, fix) => {
      const containerName = typeof container === 'string' ? container : container?.name;
      // optional fields assigned in place (no spread temporaries): this runs once per finding
      const f = { rule: rule.id, severity: rule.severity, kind, name } as { -readonly [K in keyof Finding]: Finding[K] };
      if (namespace !== undefined) f.namespaceName = namespace;
      if (containerName !== undefined) f.container = containerName;
      f.path = path;
      f.message = message;
      f.fix = fix;
      if (item.file !== undefined) f.file = item.file;
      if (item.line !== undefined) f.line = item.line;
      out.push(f);
    };

    if (isCronJob) {
      const ctx = { obj, spec: obj.spec ?? {} };
      for (const r of cronJobRules) {
        if (!runs(r)) continue;
        rule = r;
        r.check(ctx, report);
      }
    }
    if (!pod) continue;
    const ctx = podContext(obj, pod, opts, namespace !== undefined ? namespaces.get(namespace) : undefined);
    for (const r of podRules) {
      if ((r.jobOnly && !ctx.isJob) || !runs(r)) continue;
      rule = r;
      r.check(ctx, report);
    }
  }
  return out;
}
