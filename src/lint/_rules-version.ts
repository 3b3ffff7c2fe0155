/**
 * Known kubelet bugs by target Kubernetes version. The bug table and fixed versions are in `_version-facts.ts`
 * (KNOWN_BUGS, bugStatus), the triggers in `_known-bug-triggers.ts` (shared with the simulator); this file only words
 * the finding.
 */
import { knownBugHits } from '../_known-bug-triggers';
import { formatMinorVersion, KnownBug } from '../_version-facts';
import { PodContext, podRule, Report } from './_context';
import { Severity } from './types';

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
  for (const { bug, status, initContainerIndex } of knownBugHits(ctx.spec, ctx.version, ctx.sidecarsWork)) {
    const c = ctx.sidecars.find(s => s.index === initContainerIndex);
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
