/**
 * The proxy sidecars' whole-pod checks, run before synthesis once every container was added: SIGTERM delays vs the
 * grace period, ports another container or an earlier proxy also uses, app variables an earlier proxy sets too.
 */
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { propError, SidecarsError } from './_errors';
import { PROXY_CONSTRUCT_DEFAULTS } from './_proxy-flavors';
import { goDuration, isDuration, ProxyPlan, wholeMillis } from './_proxy-plan';

const D = PROXY_CONSTRUCT_DEFAULTS;

/** A sidecar attached before the proxy being checked. */
export interface EarlierSidecar {
  readonly name: string;
  readonly appEnvNames: readonly string[];
  /** Its plan, when it is a proxy sidecar. */
  readonly plan?: ProxyPlan;
}

/**
 * Checks against the pod: SIGTERM delays vs the grace period, ports used by other containers or earlier proxies, app
 * variables set by an earlier sidecar. Each pair is reported once, by the later proxy.
 * @param workload the workload the proxy is in
 * @param container the proxy's container
 * @param plan the proxy's plan
 * @param earlier the sidecars attached before this proxy, in order
 */
export function checkProxyInWorkload(workload: kplus.AbstractPod, container: kplus.Container, plan: ProxyPlan,
  earlier: readonly EarlierSidecar[]): SidecarsError[] {
  const where = workload.node.path;
  const o = plan.inputs.options;
  const subject = `${plan.inputs.flavor.constructName} '${plan.name}'`;
  const errors: SidecarsError[] = [];

  const min = isDuration(o.minSigtermDelay) ? wholeMillis(o.minSigtermDelay) ?? 0 : 0;
  const max = isDuration(o.maxSigtermDelay) ? wholeMillis(o.maxSigtermDelay) ?? 0 : 0;
  if (min + max > 0) {
    const grace = workload.terminationGracePeriod ?? Duration.seconds(D.terminationGracePeriodSeconds);
    if (min + max >= grace.toMilliseconds()) {
      const prop = max > 0 && min > 0 ? 'minSigtermDelay + maxSigtermDelay' : max > 0 ? 'maxSigtermDelay' : 'minSigtermDelay';
      const need = Math.ceil((min + max) / 1000) + 10;
      errors.push(propError(where, subject, prop,
        `must be shorter than the pod's terminationGracePeriod (${grace.toSeconds()}s): the kubelet kills the proxy when the grace period ends, and app containers and sidecars share it`,
        goDuration(Duration.millis(min + max)),
        `Set terminationGracePeriod: Duration.seconds(${need}) on the workload, or shorten the delay`));
    }
  }

  // ports this proxy binds (health: declared; listeners and admin: loopback, undeclared)
  const mine = portsOf(plan);
  const others: Array<{ port: number; owner: string }> = [];
  for (const c of [...workload.initContainers, ...workload.containers]) {
    if (c === container) continue;
    for (const p of c.ports) if ((p.protocol ?? kplus.Protocol.TCP) === kplus.Protocol.TCP) others.push({ port: p.number, owner: `container '${c.name}'` });
  }
  // the undeclared ports of proxies added earlier
  for (const s of earlier) {
    const otherPlan = s.plan;
    if (!otherPlan) continue;
    for (const p of portsOf(otherPlan)) if (p.prop !== 'healthPort') others.push({ port: p.port, owner: `proxy sidecar '${otherPlan.name}' (${p.prop})` });
  }
  for (const p of mine) {
    const hit = others.find(x => x.port === p.port);
    if (hit) {
      errors.push(propError(where, subject, p.prop, `uses port ${p.port}, which ${hit.owner} also uses; all containers of a pod share one network namespace`, p.port,
        `Give '${p.prop}' another port`));
    }
  }

  // app variables an earlier sidecar sets too (two proxies both default to DB_HOST/DB_PORT); each pair is reported
  // once, by the later sidecar. Usually the attach-time wiring fails first; this catches pods wired later.
  const earlierEnv = new Map<string, string>();
  for (const s of earlier) {
    for (const name of s.appEnvNames) earlierEnv.set(name, s.plan ? `proxy sidecar '${s.plan.name}'` : `sidecar '${s.name}'`);
  }
  for (const [name, prop] of envProps(plan)) {
    const owner = earlierEnv.get(name);
    if (!owner) continue;
    const example = prop.endsWith('unixSocketPathEnvName')
      ? "unixSocketPathEnvName: 'ORDERS_DB_SOCKET_PATH'"
      : "hostEnvName: 'ORDERS_DB_HOST', portEnvName: 'ORDERS_DB_PORT'";
    errors.push(propError(where, subject, prop,
      `sets the app variable '${name}', which ${owner} sets too: two proxies in one pod both default to ${D.hostEnvName}/${D.portEnvName} (${D.unixSocketPathEnvName} for sockets)`, name,
      `Give one of the two proxies variables of its own, e.g. ${example}${prop.startsWith('instances[') ? ` (on '${prop.replace(/\.[a-zA-Z]+$/, '')}')` : ''}`));
  }
  return errors;
}

/** Each app variable of the plan and the prop it comes from (`hostEnvName`, `instances[1].portEnvName`). */
function envProps(plan: ProxyPlan): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const unix = plan.unixSocketDirectory !== undefined;
  for (const i of plan.inputs.instances) {
    if (!unix && i.hostEnvName) out.push([i.hostEnvName, `${i.prefix}hostEnvName`]);
    if (!unix && i.portEnvName) out.push([i.portEnvName, `${i.prefix}portEnvName`]);
    if (unix && i.unixSocketPathEnvName) out.push([i.unixSocketPathEnvName, `${i.prefix}unixSocketPathEnvName`]);
  }
  return out;
}

/** The ports a proxy binds and the props they come from. */
function portsOf(plan: ProxyPlan): Array<{ port: number; prop: string }> {
  const out: Array<{ port: number; prop: string }> = [{ port: plan.healthPort, prop: 'healthPort' }];
  if (plan.adminPort !== undefined) out.push({ port: plan.adminPort, prop: 'adminPort' });
  plan.endpoints.forEach((e, k) => {
    if (e.port !== undefined) out.push({ port: e.port, prop: plan.inputs.instancesGiven ? `instances[${k}].port` : 'port' });
  });
  return out;
}

