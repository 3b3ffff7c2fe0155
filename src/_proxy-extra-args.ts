/**
 * The `extraArgs` escape hatch of the proxy sidecars: flags only, none the construct renders from a typed prop, no
 * credentials, none of the other proxy. Reads the arguments with the same tokeniser as the linter (`_proxy-args.ts`).
 */
import { propError } from './_errors';
import { tokenizeProxyArgs } from './_proxy-args';
import { COMMON_FLAGS, CREDENTIAL_FLAGS, PROXY_FLAVORS } from './_proxy-flavors';
import { ProxyPlan } from './_proxy-plan';

function ownedFlags(plan: ProxyPlan): Map<string, string> {
  const f = plan.inputs.flavor;
  const owned = new Map<string, string>([
    [COMMON_FLAGS.structuredLogs, 'structuredLogs'],
    [f.flags.exitZeroOnSigterm, 'exitZeroOnSigterm'],
    [COMMON_FLAGS.healthCheck, 'healthPort (the health check is always on)'],
    [COMMON_FLAGS.httpAddress, 'healthPort (the health server always listens on 0.0.0.0 so kubelet probes reach it)'],
    [COMMON_FLAGS.httpPort, 'healthPort'],
    [COMMON_FLAGS.adminPort, 'adminPort'],
    [COMMON_FLAGS.quitQuitQuit, 'adminPort'],
    [COMMON_FLAGS.port, `${plan.inputs.singleProp}/instances port`],
    [COMMON_FLAGS.address, 'listenAddress'],
    [COMMON_FLAGS.unixSocket, 'unixSocketDirectory'],
    [COMMON_FLAGS.autoIamAuthn, 'autoIamAuthn'],
    [COMMON_FLAGS.impersonateServiceAccount, 'impersonationChain'],
    [COMMON_FLAGS.maxConnections, 'maxConnections'],
    [COMMON_FLAGS.minSigtermDelay, 'minSigtermDelay'],
    [COMMON_FLAGS.maxSigtermDelay, 'maxSigtermDelay'],
    [COMMON_FLAGS.runConnectionTest, 'runConnectionTest'],
    [COMMON_FLAGS.lazyRefresh, 'lazyRefresh'],
    [COMMON_FLAGS.quiet, 'quiet'],
    [COMMON_FLAGS.debugLogs, 'debugLogs'],
    [COMMON_FLAGS.prometheus, 'prometheus'],
    [COMMON_FLAGS.prometheusNamespace, 'prometheusNamespace'],
    [COMMON_FLAGS.telemetryProject, 'telemetryProject'],
    [COMMON_FLAGS.telemetryPrefix, 'telemetryPrefix'],
    [COMMON_FLAGS.telemetrySampleRate, 'telemetrySampleRate'],
    [COMMON_FLAGS.disableMetrics, 'disableMetrics'],
    [COMMON_FLAGS.disableTraces, 'disableTraces'],
  ]);
  for (const flag of Object.values(f.flags.ipTypeFlags)) owned.set(flag, 'ipType');
  for (const [flag, prop] of Object.entries(plan.inputs.flavorOwnedFlags)) owned.set(flag, prop);
  return owned;
}

/**
 * Throws the first problem of `extraArgs`.
 * @param where construct path of the workload
 * @param subject the proxy, for messages
 * @param plan the proxy's plan
 */
export function checkExtraArgs(where: string, subject: string, plan: ProxyPlan): void {
  const o = plan.inputs.options;
  const f = plan.inputs.flavor;
  if (o.extraArgs === undefined) return;
  if (!Array.isArray(o.extraArgs)) throw propError(where, subject, 'extraArgs', 'must be a list of strings', o.extraArgs, "Use e.g. ['--debug']");
  o.extraArgs.forEach((arg: unknown, k: number) => {
    if (typeof arg !== 'string' || arg.trim() === '') throw propError(where, subject, `extraArgs[${k}]`, 'must be a non-empty string', arg, 'Remove it');
  });
  const owned = ownedFlags(plan);
  const other = PROXY_FLAVORS.find(x => x !== f)!;
  for (const t of tokenizeProxyArgs(o.extraArgs)) {
    const prop = `extraArgs[${t.index}]`;
    const arg = t.raw;
    const flagName = t.flag;
    if (flagName === undefined) {
      throw propError(where, subject, prop, `looks like an instance; instances are rendered from '${plan.inputs.singleProp}'/'instances'`, arg,
        `Pass the instance through '${plan.inputs.singleProp}' or 'instances'; 'extraArgs' is for flags only`);
    }
    if (CREDENTIAL_FLAGS.includes(flagName)) {
      if (o.credentialsSecret) {
        throw propError(where, subject, prop, "gives credentials a second way: 'credentialsSecret' is set", arg,
          "Give credentials once: keep 'credentialsSecret' (a key file mounted from a Secret) and remove this flag");
      }
      throw propError(where, subject, prop, flagName === COMMON_FLAGS.credentialsFile
        ? 'points at a key file the construct does not mount'
        : 'would put credentials (or a host-only login) into the manifest', arg,
      "Use Workload Identity (GkeWorkloadIdentity, no key at all) or 'credentialsSecret' (a key file mounted from a Kubernetes Secret)");
    }
    if (other.flags.only.includes(flagName) && !f.flags.only.includes(flagName)) {
      throw propError(where, subject, prop, `is a flag of the ${other.displayName} only; the ${f.displayName} exits at start-up on an unknown flag`, arg,
        flagName === other.flags.exitZeroOnSigterm ? `Remove it: '${f.flags.exitZeroOnSigterm}' is rendered already ('exitZeroOnSigterm')` : 'Remove it');
    }
    const owner = owned.get(flagName);
    if (owner) {
      throw propError(where, subject, prop, `duplicates ${flagName}, which the construct renders from a typed prop`, arg, `Use '${owner}' instead`);
    }
    if (f.flags.autoIp !== undefined && flagName === f.flags.autoIp) {
      throw propError(where, subject, prop, "conflicts with 'ipType' (the legacy first-IP mode \"should not be used\")", arg, "Remove it and choose the IP type with 'ipType'");
    }
  }
}
