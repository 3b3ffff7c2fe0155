// The blog post's demo, written with cdk8s-sidecars: a CronJob whose app curls a slow sidecar once.
// `slow-sidecar` only listens on 8081 about 5 s after it starts; the startup gate (an HTTP GET on / every second)
// holds `sidecar-user` back until then, so the run ends `Completed` instead of `1/2 Error`.
import { App, Chart, Cron, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Sidecar, SidecarCronJob, StartupGate } from '../../src';

// The demo images publish no version tag, only `latest`. The linter rightly warns about that
// (image-latest-or-untagged); this demo says so explicitly instead of inventing a tag. Pin a digest in real use.
const DEMO_LINT_IGNORE = { 'lint.cdk8s-sidecars.io/ignore': 'image-latest-or-untagged' };
const DEMO_USER = { user: 1000, group: 1000 };

export class SeedDemo extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new SidecarCronJob(this, 'sidecar-cronjob', {
      metadata: { name: 'sidecar-cronjob', annotations: DEMO_LINT_IGNORE },
      schedule: Cron.everyMinute(),
      containers: [{
        name: 'sidecar-user',
        image: 'zwindler/sidecar-user',
        securityContext: DEMO_USER,
        resources: {
          cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.millis(200) },
          memory: { request: Size.mebibytes(32), limit: Size.mebibytes(64) },
        },
      }],
      sidecars: [new Sidecar({
        name: 'slow-sidecar',
        image: 'zwindler/slow-sidecar',
        portNumber: 8081,
        startupGate: StartupGate.httpGet('/', { port: 8081 }),
        securityContext: DEMO_USER,
      })],
    });
  }
}

const app = new App();
new SeedDemo(app, 'seed-demo');
app.synth();
