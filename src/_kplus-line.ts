/**
 * The cdk8s-plus line (Kubernetes minor) this build of cdk8s-sidecars is compiled against: the one fact that differs
 * between the per-line packages (`cdk8s-sidecars` for cdk8s-plus-28, `cdk8s-sidecars-plus-<N>` for the others).
 *
 * The source says 28; `scripts/package-lines.js` rewrites this number (and the `cdk8s-plus-28` module specifier)
 * in the compiled `lib/` of every other line. Keep it a plain numeric literal on one line: the packaging step checks
 * that it rewrote exactly one.
 *
 * This file imports nothing: `src/_version-facts.ts` (used by the linter and simulator on plain manifests) reads it.
 */
export const KPLUS_LINE = 28;
