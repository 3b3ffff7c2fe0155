import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { portNameProblem } from './_container-checks';
import { dnsLabelProblem, propError, SidecarsError } from './_errors';
import { defaultPullPolicy, restrictedSecurityContext } from './_pod-defaults';
import { AttachableSidecar, SidecarContainerSpec } from './_sidecar-spec';
import { WorkloadSidecars } from './_workload-sidecars';
import { StartupGate } from './startup-gate';

/**
 * Properties of a `Sidecar`: the container settings of cdk8s-plus's `ContainerProps` (minus those a native sidecar
 * decides itself: `restartPolicy` and `startup`), plus a startup gate and the wiring it offers the app.
 */
export interface SidecarProps {
  /**
   * Name of the sidecar container: a DNS-1123 label, unique among all containers of the pod.
   */
  readonly name: string;

  /**
   * Container image. Pin a tag or digest: `:latest` or no tag makes every pod pull and may change under you.
   */
  readonly image: string;

  /**
   * When to pull the image.
   *
   * @default - `IfNotPresent` for an image with a tag or digest, `Always` for `:latest` or no tag (Kubernetes' own rule)
   */
  readonly imagePullPolicy?: kplus.ImagePullPolicy;

  /**
   * Entrypoint array. Not executed within a shell.
   *
   * @default - the image's ENTRYPOINT
   */
  readonly command?: string[];

  /**
   * Arguments to the entrypoint.
   *
   * @default - the image's CMD
   */
  readonly args?: string[];

  /**
   * Working directory of the sidecar.
   *
   * @default - the image's WORKDIR
   */
  readonly workingDir?: string;

  /**
   * Environment variables of the sidecar itself.
   *
   * @default - none
   */
  readonly envVariables?: { [name: string]: kplus.EnvValue };

  /**
   * Sources of environment variables of the sidecar itself (ConfigMaps, Secrets).
   *
   * @default - none
   */
  readonly envFrom?: kplus.EnvFrom[];

  /**
   * The port the sidecar serves on (shorthand for one entry in `ports`). With no `startupGate`, the sidecar is
   * started once this port accepts TCP connections.
   *
   * @default - no port (then `ports` or an explicit `startupGate` is needed)
   */
  readonly portNumber?: number;

  /**
   * Ports the sidecar listens on. All containers of a pod share one network namespace: no other container of the
   * pod may use these ports.
   *
   * @default - only `portNumber`, if set
   */
  readonly ports?: kplus.ContainerPort[];

  /**
   * Volumes mounted into the sidecar.
   *
   * @default - none
   */
  readonly volumeMounts?: kplus.VolumeMount[];

  /**
   * Compute resources. Sidecar requests add to the pod's requests for its whole life, so the default is small.
   *
   * @default Sidecar.DEFAULT_RESOURCES (requests 50m CPU / 64Mi memory, limits 500m CPU / 256Mi memory)
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * Security context. Fields you leave unset get the Pod Security Standards *restricted* values: non-root, no
   * privilege escalation, read-only root filesystem, all capabilities dropped, `RuntimeDefault` seccomp profile.
   * The image must run as a numeric non-root user, or set `user`.
   *
   * @default - restricted (see above)
   */
  readonly securityContext?: kplus.ContainerSecurityContextProps;

  /**
   * When the sidecar counts as started, so that the containers after it may start. Rendered as a `startupProbe`
   * polled every second with no initial delay.
   *
   * @default - StartupGate.tcpSocket() on the first declared TCP port; an error when no TCP port is declared
   */
  readonly startupGate?: StartupGate;

  /**
   * Liveness probe: the kubelet restarts the sidecar when it fails.
   *
   * @default - none
   */
  readonly liveness?: kplus.Probe;

  /**
   * Readiness probe. It only changes the pod's READY column and Service endpoints; it does not gate the app (the
   * `startupGate` does). Most sidecars of Jobs do not need one.
   *
   * @default - none
   */
  readonly readiness?: kplus.Probe;

  /**
   * `postStart`/`preStop` hooks. A `postStart` hook delays the containers after the sidecar until it returns.
   *
   * @default - none
   */
  readonly lifecycle?: kplus.ContainerLifecycle;

  /**
   * Environment variables added to every app container of the workload, and to every regular init container that
   * starts after this sidecar, e.g. `{ PROXY_URL: EnvValue.fromValue('http://127.0.0.1:8080') }`.
   *
   * @default - none
   */
  readonly appEnv?: { [name: string]: kplus.EnvValue };

  /**
   * Volume mounts added to every app container (and regular init container after this sidecar), e.g. a shared
   * `emptyDir` for a Unix socket the sidecar creates.
   *
   * @default - none
   */
  readonly appVolumeMounts?: kplus.VolumeMount[];
}

/**
 * A helper container that runs next to the app as a Kubernetes *native sidecar*: an init container with
 * `restartPolicy: Always`. It starts before the app, the app starts only once its startup gate passes, it keeps
 * running while the app runs, and in a Job it is stopped after the app exits, so the Job completes.
 *
 * `Sidecar` is a value, like cdk8s-plus's `Container` props: add it with `SidecarJob`/`SidecarCronJob`'s `sidecars`
 * or `addSidecar()`, or to any cdk8s-plus workload with `attachTo()`. Its settings are checked when it is added.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/
 */
export class Sidecar {
  /**
   * Default resources of a sidecar: requests 50m CPU / 64Mi memory, limits 500m CPU / 256Mi memory. Small on
   * purpose: a sidecar's requests are added to the pod's for its whole life (cdk8s-plus gives every container
   * 1 CPU / 512Mi).
   */
  public static readonly DEFAULT_RESOURCES: kplus.ContainerResources = {
    cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.millis(500) },
    memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) },
  };

  /** Name of the sidecar container. */
  public readonly name: string;
  /** Container image. */
  public readonly image: string;

  /** @internal */
  protected readonly _props: SidecarProps;

  /**
   * @param props the sidecar's container settings and startup gate; checked when the sidecar is added to a workload
   */
  constructor(props: SidecarProps) {
    if (props === undefined || props === null || typeof props !== 'object') {
      throw new Error(`Sidecar: props are required, got ${props}. Pass at least { name, image }`);
    }
    this._props = props;
    this.name = props.name;
    this.image = props.image;
  }

  /** The startup gate: the one given, or TCP on the first declared TCP port; undefined when neither exists. */
  public get startupGate(): StartupGate | undefined {
    if (this._props.startupGate) return this._props.startupGate;
    return this._tcpPorts().length > 0 ? StartupGate.tcpSocket() : undefined;
  }

  /** Environment variables this sidecar adds to the app containers. */
  public get appEnv(): { [name: string]: kplus.EnvValue } {
    return { ...(this._props.appEnv ?? {}) };
  }

  /** Volume mounts this sidecar adds to the app containers. */
  public get appVolumeMounts(): kplus.VolumeMount[] {
    return [...(this._props.appVolumeMounts ?? [])];
  }

  /**
   * Add this sidecar to any cdk8s-plus workload (Pod, Deployment, StatefulSet, DaemonSet, Job, CronJob): it becomes
   * an init container with `restartPolicy: Always`, placed after earlier sidecars and before the workload's
   * regular init containers. Its `appEnv`/`appVolumeMounts` go to the containers present now; add app containers
   * before sidecars (or use `SidecarJob`/`SidecarCronJob`, which also wire containers added later).
   *
   * @param workload any cdk8s-plus pod-owning construct
   * @returns the cdk8s-plus container, for further tweaks
   */
  public attachTo(workload: kplus.AbstractPod): kplus.Container {
    return WorkloadSidecars.of(workload).attach(this);
  }

  /**
   * Validate and resolve the container. Subclasses (typed proxies) override to add their own checks.
   * @param where construct path of the workload, for errors
   * @internal
   */
  public _toContainerSpec(where: string): SidecarContainerSpec {
    const p = this._props;
    const subject = `Sidecar '${p.name}'`;
    const nameProblem = dnsLabelProblem(p.name);
    if (nameProblem) {
      throw propError(where, 'Sidecar', 'name', nameProblem, p.name, "Use a short lower-case name such as 'cloud-sql-proxy'");
    }
    if (typeof p.image !== 'string' || p.image.trim() === '' || /\s/.test(p.image)) {
      throw propError(where, subject, 'image', 'must be an image reference without spaces', p.image, "Use e.g. 'envoyproxy/envoy:v1.31.2'");
    }
    const ports = this._declaredPorts();
    for (const port of ports) {
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw propError(where, subject, 'ports', 'must be whole numbers from 1 to 65535', port, 'Fix the port number');
      }
    }
    const portNames = this._portList().map(q => q.name).filter((n): n is string => n !== undefined);
    for (const [k, portName] of portNames.entries()) {
      const problem = portNameProblem(portName);
      if (problem) throw propError(where, subject, 'ports.name', `${problem} (an IANA service name)`, portName, "Use a short name such as 'http' or 'metrics'");
      if (portNames.indexOf(portName) !== k) throw propError(where, subject, 'ports.name', 'is used by two ports of the sidecar', portName, 'Give each port its own name');
    }
    const dup = ports.find((n, i) => ports.indexOf(n) !== i);
    if (dup !== undefined) {
      throw propError(where, subject, 'ports', 'declares the same port twice', dup, "Declare each port once (note 'portNumber' is also a port)");
    }
    const gate = this.startupGate;
    if (!gate) {
      throw propError(where, subject, 'startupGate', `is needed because the sidecar declares no TCP port${ports.length ? ` (declared: ${this._portLabels().join(', ')})` : ''}`, undefined,
        'Choose when the sidecar is ready: StartupGate.httpGet(path, { port }), StartupGate.tcpSocket({ port }), '
        + 'StartupGate.command([...]), or StartupGate.processStarted() if nothing waits for it (racy)');
    }
    const startup = gate._toProbe(where, subject, ports, this._tcpPorts());
    const image = p.image;
    // portNumber goes into ports: cdk8s-plus would otherwise add its own TCP startup probe (period 10 s) on it,
    // also for StartupGate.processStarted(), which promises no probe at all
    const allPorts: kplus.ContainerPort[] = [...(p.portNumber !== undefined ? [{ number: p.portNumber }] : []), ...(p.ports ?? [])];
    const containerProps: kplus.ContainerProps = {
      name: p.name,
      image,
      imagePullPolicy: p.imagePullPolicy ?? defaultPullPolicy(image),
      command: p.command,
      args: p.args,
      workingDir: p.workingDir,
      envVariables: p.envVariables,
      envFrom: p.envFrom,
      ports: allPorts.length ? allPorts : undefined,
      volumeMounts: p.volumeMounts,
      resources: p.resources ?? Sidecar.DEFAULT_RESOURCES,
      securityContext: restrictedSecurityContext(p.securityContext),
      startup,
      liveness: p.liveness,
      readiness: p.readiness,
      lifecycle: p.lifecycle,
      restartPolicy: kplus.ContainerRestartPolicy.ALWAYS,
    };
    return { containerProps, portNumbers: ports };
  }

  /**
   * Checks against the whole pod, run before synthesis once every container was added; returns the errors.
   * Subclasses override it (e.g. a proxy checks its SIGTERM delays against `terminationGracePeriodSeconds`).
   * @param _workload the workload the sidecar is in
   * @param _container the sidecar's cdk8s-plus container
   * @param _earlier the sidecars attached before this one, in order
   * @internal
   */
  public _checkWorkload(_workload: kplus.AbstractPod, _container: kplus.Container, _earlier: readonly AttachableSidecar[]): SidecarsError[] {
    return [];
  }

  /** Every declared port number (`portNumber` first). @internal */
  public _declaredPorts(): number[] {
    return this._portList().map(p => p.number);
  }

  /** Declared TCP ports: the only ones a TCP or HTTP startup gate can check. @internal */
  public _tcpPorts(): number[] {
    return this._portList().filter(p => (p.protocol ?? kplus.Protocol.TCP) === kplus.Protocol.TCP).map(p => p.number);
  }

  private _portLabels(): string[] {
    return this._portList().map(p => `${p.number}/${p.protocol ?? kplus.Protocol.TCP}`);
  }

  private _portList(): kplus.ContainerPort[] {
    return [...(this._props.portNumber !== undefined ? [{ number: this._props.portNumber }] : []), ...(this._props.ports ?? [])];
  }
}
