/**
 * The shapes shared by the lint engine and the rule files: what a rule is, what it is given (`PodContext`,
 * `CronJobContext`) and how it reports. The rule files and the engine both depend on this file and never on each
 * other.
 *
 * A rule is a value in the style of kube-linter's checks (https://github.com/stackrox/kube-linter/tree/main/pkg/templates):
 * `{ id, severity, summary, check(ctx, report) }`. Each `_rules-*.ts` exports its list; `_catalog.ts` concatenates
 * them; the engine runs the rules that are not ignored.
 */
import { Manifest, PodTemplateRef } from '../_manifest';
import { MinorVersion } from '../_version-facts';
import { ContainerInfo, HelperEvidence } from './_heuristics';
import { Severity } from './types';

/** Resolved options of a lint run (see `_options.ts`). */
export interface EngineOptions {
  readonly version: MinorVersion;
  readonly featureGate: boolean;
  readonly minSeverity: Severity;
  /** Rule ids never to run. */
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
  /** The Namespace object the workload is in, when the input holds it (its labels can request mesh injection). */
  readonly namespace?: Manifest;
}

/** A CronJob object, for the rules that need no pod template. */
export interface CronJobContext {
  readonly obj: Manifest;
  /** `obj.spec`, or `{}`. */
  readonly spec: Manifest;
}

/**
 * Report one finding of the running rule (its id and severity come from the rule itself, so a rule cannot report
 * under another id). `container` is the container the finding is about (or its name), `path` the dotted path of the
 * offending field.
 */
export type Report = (container: ContainerInfo | string | undefined, path: string, message: string, fix: string) => void;

interface RuleBase<Id extends string> {
  /** Stable kebab-case id (users suppress rules by id: renaming one is a breaking change). */
  readonly id: Id;
  readonly severity: Severity;
  /** One line: what the rule detects. */
  readonly summary: string;
}

/** A rule over one pod template. `jobOnly` rules run on Job and CronJob pod templates only. */
export interface PodRule<Id extends string = string> extends RuleBase<Id> {
  readonly scope: 'pod';
  readonly jobOnly?: boolean;
  check(ctx: PodContext, report: Report): void;
}

/** A rule over a CronJob object (runs even when the CronJob has no pod template). */
export interface CronJobRule<Id extends string = string> extends RuleBase<Id> {
  readonly scope: 'cronjob';
  check(ctx: CronJobContext, report: Report): void;
}

export type Rule<Id extends string = string> = PodRule<Id> | CronJobRule<Id>;

/** Declare a pod rule; keeps its id as a string-literal type (see `RuleId` in `_catalog.ts`). */
export function podRule<const Id extends string>(rule: Omit<PodRule<Id>, 'scope'>): PodRule<Id> {
  return { scope: 'pod', ...rule };
}

/** Declare a CronJob rule; keeps its id as a string-literal type. */
export function cronJobRule<const Id extends string>(rule: Omit<CronJobRule<Id>, 'scope'>): CronJobRule<Id> {
  return { scope: 'cronjob', ...rule };
}
