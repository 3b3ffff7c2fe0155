/**
 * Known kubelet bugs by target Kubernetes version. The bug table, triggers and fixed versions are in
 * `_version-facts.ts` (KNOWN_BUGS, bugStatus); this file only decides whether a pod meets a bug's trigger.
 */
import { BugTrigger, bugStatus, formatMinorVersion, KNOWN_BUGS, KnownBug } from '../_version-facts';
import { PodContext, podRule, Report } from './_context';
import { ContainerInfo } from './_heuristics';
import { Severity } from './types';

/** The sidecar that makes the pod meet the bug's trigger, if any. */
function triggeredBy(ctx: PodContext, bug: KnownBug): ContainerInfo | undefined {
  const withStartup = ctx.sidecars.find(s => s.c.startupProbe);
  switch (bug.trigger) {
    case BugTrigger.STARTUP_PROBE_SIDECAR_IN_NEVER_POD:
      return ctx.restartPolicy === 'Never' ? withStartup : undefined;
    case BugTrigger.MULTIPLE_SIDECARS:
      return ctx.sidecars.length >= 2 ? ctx.sidecars[1] : undefined;
    case BugTrigger.SIDECAR_IN_NEVER_OR_ONFAILURE_POD:
      return ctx.restartPolicy === 'Never' || ctx.restartPolicy === 'OnFailure' ? ctx.sidecars[0] : undefined;
    case BugTrigger.STARTUP_PROBE_SIDECAR_RESTARTING_APP:
      return ctx.restartPolicy === 'Always' || ctx.restartPolicy === 'OnFailure' ? withStartup : undefined;
    default:
      return undefined;
  }
}

/** `1.35` for minor 35 of the target's major. */
function release(ctx: PodContext, minor: number): string {
  return formatMinorVersion({ major: ctx.version.major, minor });
}

function fixedIn(ctx: PodContext, bug: KnownBug): string {
  const backports = bug.backportedTo.length > 0 ? `, backported to patch releases of ${bug.backportedTo.map(m => release(ctx, m)).join(' and ')}` : '';
  return `fixed in ${release(ctx, bug.fixedMinor)}${backports}`;
}

function checkKnownBugs(ctx: PodContext, report: Report): void {
  if (!ctx.sidecarsWork || ctx.sidecars.length === 0) return;
  const v = formatMinorVersion(ctx.version);
  for (const bug of KNOWN_BUGS) {
    const status = bugStatus(bug, ctx.version);
    if (status === 'not-affected') continue;
    const c = triggeredBy(ctx, bug);
    if (!c) continue;
    const where = status === 'unfixed'
      ? `every Kubernetes ${v} release has`
      : `early patch releases of Kubernetes ${v} have`;
    report(c, c.path,
      `sidecar '${c.name}' (pod restartPolicy: ${ctx.restartPolicy}) meets the trigger of ${bug.id}, which ${where}: ${bug.summary}; ${fixedIn(ctx, bug)}`,
      status === 'unfixed'
        ? `run Kubernetes ${release(ctx, bug.fixedMinor)} or later${bug.backportedTo.length ? ` (or a fixed patch of ${bug.backportedTo.map(m => release(ctx, m)).join(', ')})` : ''} on the nodes; meanwhile set activeDeadlineSeconds so a stuck pod ends (${bug.url})`
        : `make sure the nodes run a recent ${v} patch release (${bug.url})`);
  }
}

/** Target-version rules. */
export const VERSION_RULES = [
  podRule({
    id: 'known-kubelet-bug',
    severity: Severity.INFO,
    check: checkKnownBugs,
    summary: 'The pod uses a sidecar pattern hit by a known kubelet bug on the target Kubernetes version.',
  }),
];
