// Test helpers shared by the construct tests.
import { App, Chart, Testing } from 'cdk8s';

/** A chart without resource-name hashes, in an app with the given context. */
export function chart(context: { [key: string]: any } = {}): Chart {
  const app = Testing.app();
  for (const [k, v] of Object.entries(context)) app.node.setContext(k, v);
  return new Chart(app, 'test');
}

/** Synthesize and return the pod spec of the first workload in the chart. */
export function podSpecOf(c: Chart): any {
  const [obj] = Testing.synth(c);
  switch (obj.kind) {
    case 'CronJob': return obj.spec.jobTemplate.spec.template.spec;
    case 'Pod': return obj.spec;
    default: return obj.spec.template.spec;
  }
}

export function synthFirst(c: Chart): any {
  return Testing.synth(c)[0];
}

export { App };
