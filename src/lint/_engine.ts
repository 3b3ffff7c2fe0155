/**
 * The lint engine: one pass per object. Each workload's pod template is classified once (`analyzePod`), then every
 * rule family runs over that shared context. Linear in the number of containers (port checks use maps), so linting
 * stays a small fraction of YAML parsing (bench/lint.bench.ts).
 */
import { Manifest, podTemplateOf, PodTemplateRef, SourcedManifest } from '../_manifest';
import { MinorVersion, nativeSidecarsWork } from '../_version-facts';
import { RULES_BY_ID, severityRank } from './_catalog';
import { analyzePod, ContainerInfo, HelperEvidence, jobHelpers } from './_heuristics';
import { checkJob, checkCronJob } from './_rules-job';
import { checkLifecycle } from './_rules-lifecycle';
import { checkProxies } from './_rules-proxy';
import { checkSecurity } from './_rules-security';
import { checkKnownBugs } from './_rules-version';
import { Finding, Severity } from './types';

/** Annotation (on the object or its pod template) listing rule ids to suppress, or `all`. */
export const IGNORE_ANNOTATION = 'lint.cdk8s-sidecars.io/ignore';

export interface EngineOptions {
  readonly version: MinorVersion;
  readonly featureGate: boolean;
  readonly minSeverity: Severity;
  readonly ignoreRules: ReadonlySet<string>;
}

/** Everything the pod rules need, computed once per pod template. */
export interface PodContext {
  readonly obj: Manifest;
  readonly kind: string;
  readonly pod: PodTemplateRef;
  readonly spec: Manifest;
  /** Dotted path of the pod template's metadata. */
  readonly metadataPath: string;
  /** Dotted path of the Job spec (`spec` or `spec.jobTemplate.spec`), for Jobs and CronJobs. */
  readonly jobSpecPath?: string;
  readonly containers: readonly ContainerInfo[];
  readonly inits: readonly ContainerInfo[];
  readonly sidecars: readonly ContainerInfo[];
  readonly mains: readonly ContainerInfo[];
  readonly isJob: boolean;
  /** Regular containers of a Job pod that look like long-running helpers (empty outside Jobs; see `jobHelpers`). */
  readonly jobHelpers: readonly HelperEvidence[];
  /** The pod's restartPolicy as written, or the API default (`Always`) when unset. */
  readonly restartPolicy: string;
  readonly version: MinorVersion;
  readonly sidecarsWork: boolean;
}

/** Report a finding of `rule` (severity comes from the catalog). */
export type Emit = (rule: string, container: ContainerInfo | string | undefined, path: string, message: string, fix: string) => void;

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

function podContext(obj: Manifest, pod: PodTemplateRef, opts: EngineOptions): PodContext {
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
  };
}

/** Lint objects that were already parsed; findings in input order, then rule order. */
export function lintSourced(items: readonly SourcedManifest[], opts: EngineOptions): Finding[] {
  const out: Finding[] = [];
  const minRank = severityRank(opts.minSeverity);
  for (const item of items) {
    const obj = item.manifest;
    const pod = podTemplateOf(obj);
    if (!pod && obj.kind !== 'CronJob') continue;

    const meta = obj.metadata ?? {};
    const ignored = ignoredRulesOf(meta.annotations, pod?.metadata?.annotations, obj.kind === 'CronJob' ? obj.spec?.jobTemplate?.metadata?.annotations : undefined);
    const ignoreAll = ignored?.has('all') ?? false;
    if (ignoreAll) continue;
    const kind = String(obj.kind);
    const name = typeof meta.name === 'string' ? meta.name : '<unnamed>';
    const namespace = typeof meta.namespace === 'string' ? meta.namespace : undefined;

    const emit: Emit = (rule, container, path, message, fix) => {
      const def = RULES_BY_ID.get(rule);
      if (!def) throw new Error(`internal error: unknown lint rule '${rule}'`);
      if (severityRank(def.severity) < minRank || opts.ignoreRules.has(rule) || ignored?.has(rule)) return;
      const containerName = typeof container === 'string' ? container : container?.name;
      out.push({
        rule,
        severity: def.severity,
        kind,
        name,
        ...(namespace !== undefined ? { namespaceName: namespace } : {}),
        ...(containerName !== undefined ? { container: containerName } : {}),
        path,
        message,
        fix,
        ...(item.file !== undefined ? { file: item.file } : {}),
        ...(item.line !== undefined ? { line: item.line } : {}),
      });
    };

    if (obj.kind === 'CronJob') checkCronJob(obj, emit);
    if (!pod) continue;
    const ctx = podContext(obj, pod, opts);
    checkLifecycle(ctx, emit);
    if (ctx.isJob) checkJob(ctx, emit);
    checkSecurity(ctx, emit);
    checkProxies(ctx, emit);
    checkKnownBugs(ctx, emit);
  }
  return out;
}
