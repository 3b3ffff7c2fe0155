import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { INT32_MAX, propError, wholeSeconds } from './_errors';

/**
 * Timing of a startup gate. The gate is polled from the moment the sidecar starts (no initial delay) every
 * `pollInterval`, and gives up after `timeout`.
 */
export interface StartupGateOptions {
  /**
   * How often Kubernetes checks whether the sidecar is ready (`startupProbe.periodSeconds`). The app can start at
   * most this long after the sidecar is ready. Whole seconds, at least 1 second (the kubelet's resolution).
   *
   * @default Duration.seconds(1)
   */
  readonly pollInterval?: Duration;

  /**
   * About how long the sidecar may take to become ready: `startupProbe.failureThreshold` = ceil(timeout /
   * pollInterval), so the last check runs (failureThreshold − 1) × pollInterval after the sidecar starts (59 s for
   * the defaults); if it fails too, the kubelet kills and restarts the sidecar with back-off. Whole seconds, at least
   * `pollInterval`.
   *
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;

  /**
   * How long one check may take before it counts as failed (`startupProbe.timeoutSeconds`). Whole seconds.
   *
   * @default Duration.seconds(1)
   */
  readonly checkTimeout?: Duration;
}

/** Options for `StartupGate.httpGet()`. */
export interface HttpGetStartupGateOptions extends StartupGateOptions {
  /**
   * The port to send the request to. It must be declared on the sidecar (`ports` or `portNumber`).
   *
   * @default - the sidecar's first declared TCP port
   */
  readonly port?: number;

  /**
   * HTTP or HTTPS.
   *
   * @default kplus.ConnectionScheme.HTTP
   */
  readonly scheme?: kplus.ConnectionScheme;
}

/** Options for `StartupGate.tcpSocket()`. */
export interface TcpSocketStartupGateOptions extends StartupGateOptions {
  /**
   * The port to connect to. It must be declared on the sidecar (`ports` or `portNumber`).
   *
   * @default - the sidecar's first declared TCP port
   */
  readonly port?: number;
}

/** How a startup gate checks the sidecar. */
export enum StartupGateKind {
  /** An HTTP GET that must answer 2xx/3xx. */
  HTTP_GET = 'HttpGet',
  /** A TCP connection that must be accepted. */
  TCP_SOCKET = 'TcpSocket',
  /** A command run in the sidecar that must exit 0. */
  COMMAND = 'Command',
  /** No check: the sidecar counts as started as soon as its process runs (racy). */
  PROCESS_STARTED = 'ProcessStarted',
}

const DEFAULT_POLL_INTERVAL = Duration.seconds(1);
const DEFAULT_TIMEOUT = Duration.seconds(60);
const DEFAULT_CHECK_TIMEOUT = Duration.seconds(1);

/**
 * When a sidecar counts as *started*, so that the containers after it may start. Rendered as the sidecar's
 * `startupProbe`, polled every second from the moment the sidecar starts: the app never waits longer than it must.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/
 */
export class StartupGate {
  /**
   * Ready when an HTTP GET on `path` answers with a 2xx or 3xx status.
   * @param path the URL path, e.g. `/` or `/healthz`
   * @param options port, scheme and timing
   */
  public static httpGet(path: string, options: HttpGetStartupGateOptions = {}): StartupGate {
    return new StartupGate(StartupGateKind.HTTP_GET, options, path, options.port, options.scheme);
  }

  /**
   * Ready when the sidecar accepts a TCP connection on the port.
   * @param options port and timing
   */
  public static tcpSocket(options: TcpSocketStartupGateOptions = {}): StartupGate {
    return new StartupGate(StartupGateKind.TCP_SOCKET, options, undefined, options.port);
  }

  /**
   * Ready when `command` (run inside the sidecar, no shell) exits 0.
   * @param command the command and its arguments, e.g. `['/bin/grpc_health_probe', '-addr=:9000']`
   * @param options timing
   */
  public static command(command: string[], options: StartupGateOptions = {}): StartupGate {
    return new StartupGate(StartupGateKind.COMMAND, options, undefined, undefined, undefined, command);
  }

  /**
   * No startup probe: the sidecar counts as started as soon as its process is running.
   *
   * This is racy: the next container starts before the sidecar can serve (the app may fail its first connection and
   * show `1/2 Error`). Use it only for sidecars nobody waits for, e.g. a log shipper.
   */
  public static processStarted(): StartupGate {
    return new StartupGate(StartupGateKind.PROCESS_STARTED, {});
  }

  /** How the gate checks the sidecar. */
  public readonly kind: StartupGateKind;
  /** Poll interval (`periodSeconds`); undefined for `processStarted()`. */
  public readonly pollInterval?: Duration;
  /** Time the sidecar may take to become ready; undefined for `processStarted()`. */
  public readonly timeout?: Duration;
  /** The port checked, when given explicitly. */
  public readonly port?: number;

  private constructor(
    kind: StartupGateKind,
    private readonly options: StartupGateOptions,
    private readonly path?: string,
    port?: number,
    private readonly scheme?: kplus.ConnectionScheme,
    private readonly commandLine?: string[],
  ) {
    this.kind = kind;
    this.port = port;
    if (kind !== StartupGateKind.PROCESS_STARTED) {
      this.pollInterval = options.pollInterval ?? DEFAULT_POLL_INTERVAL;
      this.timeout = options.timeout ?? DEFAULT_TIMEOUT;
    }
  }

  /**
   * Validate against the sidecar and build the kplus probe (undefined for `processStarted()`).
   * @param where construct path of the workload
   * @param subject e.g. `Sidecar 'proxy'`
   * @param declaredPorts the container ports of the sidecar
   * @param tcpPorts the declared ports that speak TCP (a TCP or HTTP check cannot reach a UDP/SCTP port)
   * @internal
   */
  public _toProbe(where: string | undefined, subject: string, declaredPorts: number[], tcpPorts: number[]): kplus.Probe | undefined {
    if (this.kind === StartupGateKind.PROCESS_STARTED) return undefined;
    const pollInterval = this.pollInterval!;
    const timeout = this.timeout!;
    const checkTimeout = this.options.checkTimeout ?? DEFAULT_CHECK_TIMEOUT;
    wholeSeconds(where, subject, 'startupGate.pollInterval', pollInterval, 1);
    wholeSeconds(where, subject, 'startupGate.timeout', timeout, 1);
    wholeSeconds(where, subject, 'startupGate.checkTimeout', checkTimeout, 1);
    if (timeout.toSeconds() < pollInterval.toSeconds()) {
      throw propError(where, subject, 'startupGate.timeout', `must be at least the poll interval (${pollInterval.toHumanString()})`, timeout,
        'Raise the timeout or shorten the poll interval');
    }
    const failureThreshold = Math.ceil(timeout.toSeconds() / pollInterval.toSeconds());
    // the API server stores probe fields as int32 (k8s.io/api/core/v1 Probe)
    for (const [prop, value, seconds] of [
      ['startupGate.pollInterval', pollInterval, pollInterval.toSeconds()],
      ['startupGate.checkTimeout', checkTimeout, checkTimeout.toSeconds()],
      ['startupGate.timeout', timeout, failureThreshold],
    ] as const) {
      if (seconds > INT32_MAX) {
        throw propError(where, subject, prop, `is too long: Kubernetes stores ${prop === 'startupGate.timeout' ? 'the failure threshold (timeout / poll interval)' : 'it in seconds'} as a 32-bit integer (at most ${INT32_MAX})`,
          value, 'Use a duration of hours or days, not years');
      }
    }
    const probeOptions = {
      periodSeconds: pollInterval,
      initialDelaySeconds: Duration.seconds(0),
      failureThreshold,
      timeoutSeconds: checkTimeout,
    };
    switch (this.kind) {
      case StartupGateKind.HTTP_GET:
        if (typeof this.path !== 'string' || !this.path.startsWith('/')) {
          throw propError(where, subject, 'startupGate.httpGet(path)', 'must be an absolute URL path', this.path, "Use a path such as '/' or '/healthz'");
        }
        return kplus.Probe.fromHttpGet(this.path, {
          ...probeOptions,
          port: this.resolvePort(where, subject, declaredPorts, tcpPorts),
          scheme: this.scheme,
        });
      case StartupGateKind.TCP_SOCKET:
        return kplus.Probe.fromTcpSocket({ ...probeOptions, port: this.resolvePort(where, subject, declaredPorts, tcpPorts) });
      case StartupGateKind.COMMAND:
        if (!Array.isArray(this.commandLine) || this.commandLine.length === 0 || this.commandLine.some(c => typeof c !== 'string' || c === '')) {
          throw propError(where, subject, 'startupGate.command(command)', 'must be a non-empty list of non-empty strings', this.commandLine,
            "Pass the program and its arguments, e.g. ['/bin/check', '--ready']");
        }
        return kplus.Probe.fromCommand([...this.commandLine], probeOptions);
      default:
        throw new Error(`unknown startup gate kind ${this.kind}`);
    }
  }

  private resolvePort(where: string | undefined, subject: string, declaredPorts: number[], tcpPorts: number[]): number {
    const port = this.port ?? tcpPorts[0];
    if (port === undefined) {
      throw propError(where, subject, 'startupGate', 'checks a port but the sidecar declares none', this.kind,
        "Declare the port with 'portNumber' or 'ports', or pass it to the gate, e.g. StartupGate.tcpSocket({ port: 8080 }) with portNumber: 8080");
    }
    if (!declaredPorts.includes(port)) {
      throw propError(where, subject, 'startupGate.port', `is not declared on the sidecar (declared: ${declaredPorts.length ? declaredPorts.join(', ') : 'none'})`, port,
        "Add the port to the sidecar's 'ports' (probes must target a port the container declares)");
    }
    if (!tcpPorts.includes(port)) {
      throw propError(where, subject, 'startupGate.port', 'is not a TCP port of the sidecar, so a TCP or HTTP check can never reach it', port,
        'Check a TCP port, or use StartupGate.command([...]) for a UDP/SCTP service');
    }
    return port;
  }
}
