// A Deployment with an Envoy proxy as a native sidecar, added with `Sidecar.attachTo()` (works on any cdk8s-plus
// workload). The web container only starts once Envoy's admin endpoint answers /ready, and Envoy keeps running (and
// is restarted if it crashes) for the pod's whole life.
import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Sidecar, StartupGate } from '../../src';

const RESTRICTED: kplus.ContainerSecurityContextProps = {
  user: 10001,
  group: 10001,
  capabilities: { drop: [kplus.Capability.ALL] },
  seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
};

export class WebDeployment extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'web' });
    const envoyConfig = kplus.ConfigMap.fromConfigMapName(this, 'EnvoyConfig', 'envoy-config');

    const web = new kplus.Deployment(this, 'web', {
      metadata: { name: 'web' },
      replicas: 2,
      containers: [{
        name: 'web',
        image: 'ghcr.io/acme/web:2.8.0',
        portNumber: 8080,
        imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
        securityContext: RESTRICTED,
        readiness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
        resources: {
          cpu: { request: kplus.Cpu.millis(200), limit: kplus.Cpu.millis(1000) },
          memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) },
        },
      }],
    });

    new Sidecar({
      name: 'envoy',
      image: 'envoyproxy/envoy:v1.31.2',
      args: ['--config-path', '/etc/envoy/envoy.yaml'],
      ports: [{ number: 10000, name: 'proxy' }, { number: 9901, name: 'admin' }],
      startupGate: StartupGate.httpGet('/ready', { port: 9901 }),
      volumeMounts: [{ path: '/etc/envoy', volume: kplus.Volume.fromConfigMap(this, 'EnvoyConfigVolume', envoyConfig), readOnly: true }],
      securityContext: { user: 101, group: 101 },
      appEnv: { HTTP_PROXY: kplus.EnvValue.fromValue('http://127.0.0.1:10000') },
    }).attachTo(web);
  }
}

const app = new App();
new WebDeployment(app, 'web-deployment');
app.synth();
