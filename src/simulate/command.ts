/**
 * `cdk8s-sidecars simulate FILE [--behavior FILE] [--resource KIND/NAME] [--kubernetes-version 1.Y]
 * [--feature-gates G=bool,...] [--until DURATION] [--delete-at DURATION] [--format text|json]`: predicts what
 * `kubectl get pods -w` prints for the first pod template in FILE.
 * Exit 0 when the simulation ran (whatever the pod does), 2 on bad input.
 */
import { CommandIo, featureGatesOption, kubernetesVersionOption, parseArgs, readManifestInputs, UsageError } from '../_cli-io';
import { ManifestError, parseDurationSeconds } from '../_manifest';
import { readInputFile } from '../_safe-yaml';
import { CRASH_LOOP_BACKOFF, MAX_MINOR, SIDECAR_ALPHA_MINOR } from '../_version-facts';
import { KubernetesVersion } from '../kubernetes-version';
import { BEHAVIOR_KEYS, parseBehaviorFile, SimulationInputError } from './_behavior';
import { formatSeconds } from './_print';
import { DEFAULT_SIMULATION_HORIZON, MAX_SIMULATION_HORIZON, Simulator } from './simulator';

export const SIMULATE_USAGE = `Usage: cdk8s-sidecars simulate FILE [options]

Predict what 'kubectl get pods -w' prints for the pod of a Job, CronJob, Pod, Deployment, ... with init containers
and native sidecars. FILE is YAML or JSON ('-' reads standard input); the first object with a pod template is used.

Without --behavior every container is assumed to serve at once (its probes succeed from its start), to run until it
is stopped (it never exits by itself; a Job whose containers all behave so never completes) and to exit 0 at once on
SIGTERM; hooks take their sleep.seconds (else no time) and succeed.

Options:
  --behavior FILE             what each container does (YAML/JSON keyed by container name), e.g.
                                slow-sidecar: { readyAfter: 5s }
                                app: { needs: [slow-sidecar], exitAfter: 1s, exitCode: 0 }
                                flaky: { attempts: [{ exitAfter: 1s, exitCode: 1 }, {}] }   # run 1 crashes, run 2 works
                              keys: ${BEHAVIOR_KEYS.join(', ')}
  --resource KIND/NAME        simulate this workload (e.g. CronJob/sidecar-cronjob)
  --kubernetes-version 1.Y    target release, 1.0 to 1.${MAX_MINOR} (default ${KubernetesVersion.DEFAULT.toString()})
  --feature-gates G=bool,..   feature gates of the target cluster: SidecarContainers (matters on 1.${SIDECAR_ALPHA_MINOR}),
                              ReduceDefaultCrashLoopBackOffDecay (1.${CRASH_LOOP_BACKOFF.reducedDecayAlphaMinor}+: back-off ${CRASH_LOOP_BACKOFF.reducedInitialSeconds}s..${formatSeconds(CRASH_LOOP_BACKOFF.reducedMaxSeconds)} instead of ${CRASH_LOOP_BACKOFF.initialSeconds}s..${formatSeconds(CRASH_LOOP_BACKOFF.maxSeconds)}),
                              KubeletCrashLoopBackOffMax (1.${CRASH_LOOP_BACKOFF.configurableMaxAlphaMinor}+, on by default from 1.${CRASH_LOOP_BACKOFF.configurableMaxBetaMinor}); others are ignored
  --max-container-restart-period DURATION
                              kubelet crashLoopBackOff.maxContainerRestartPeriod (${CRASH_LOOP_BACKOFF.configurableMaxLowestSeconds}s to ${formatSeconds(CRASH_LOOP_BACKOFF.configurableMaxHighestSeconds)}; needs
                              KubeletCrashLoopBackOffMax)
  --sidecar-feature-gate      deprecated: same as --feature-gates SidecarContainers=true
  --until DURATION            horizon (default ${DEFAULT_SIMULATION_HORIZON / 60}m, at most ${MAX_SIMULATION_HORIZON / 3600}h), e.g. 90s, 10m
  --delete-at DURATION        delete the pod at this time (kubectl delete pod)
  --format text|json          output format (default text)

Exit codes: 0 simulated, 2 bad input.
See docs/simulator.md for the model and its limits.
`;

function durationOption(flag: string, value: string | boolean | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = parseDurationSeconds(value);
  if (seconds === undefined) throw new UsageError(`option '--${flag}' must be a duration like 90s, 1.5s or 10m, got '${value}'`);
  return seconds;
}

/**
 * Run `cdk8s-sidecars simulate` with the arguments after `simulate`.
 * @param argv the arguments after `simulate`
 * @param io where to read stdin and write the result and warnings
 * @returns the exit code: 0 when the simulation ran
 * @throws UsageError / ManifestError for bad input (exit 2, printed as one line by src/cli.ts)
 */
export async function runSimulateCommand(argv: string[], io: CommandIo): Promise<number> {
  const { options, positionals } = parseArgs(argv, {
    'behavior': 'string',
    'resource': 'string',
    'kubernetes-version': 'string',
    'feature-gates': 'string',
    'sidecar-feature-gate': 'boolean',
    'max-container-restart-period': 'string',
    'until': 'string',
    'delete-at': 'string',
    'format': 'string',
  });
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'missing FILE (a manifest, or - for standard input)' : `expected one FILE, got ${positionals.length}: ${positionals.join(' ')}`);
  }
  const format = (options.format as string | undefined) ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`option '--format' must be text or json, got '${format}'`);
  const kubernetesVersion = options['kubernetes-version'] === undefined ? undefined : kubernetesVersionOption(String(options['kubernetes-version']));
  const gates = options['feature-gates'] === undefined ? new Map<string, boolean>() : featureGatesOption(String(options['feature-gates']));
  let featureGate = gates.get('SidecarContainers');
  if (options['sidecar-feature-gate'] === true) {
    if (featureGate === false) {
      throw new UsageError("option '--sidecar-feature-gate' contradicts '--feature-gates SidecarContainers=false'");
    }
    featureGate = true;
    io.stderr("cdk8s-sidecars: warning: '--sidecar-feature-gate' is deprecated, use '--feature-gates SidecarContainers=true'\n");
  }
  const until = durationOption('until', options.until);
  if (until === 0) throw new UsageError("option '--until' must be longer than 0s");
  if (until !== undefined && until > MAX_SIMULATION_HORIZON) {
    throw new UsageError(`option '--until' must be at most ${MAX_SIMULATION_HORIZON / 3600}h, got '${options.until}': a pod that keeps restarting prints rows for as long as it is simulated; simulate a shorter window`);
  }
  const maxRestart = durationOption('max-container-restart-period', options['max-container-restart-period']);
  const deleteAt = durationOption('delete-at', options['delete-at']);

  const manifests = await readManifestInputs(positionals, io);
  let behaviors: any;
  const behaviorFile = options.behavior as string | undefined;
  if (behaviorFile !== undefined) {
    // the CLI's one loader (src/_safe-yaml.ts): unreadable, oversized, binary or malformed input (alias bombs,
    // duplicate keys, deep nesting) is a one-line ManifestError, as for manifests
    try {
      behaviors = parseBehaviorFile(readInputFile(behaviorFile), behaviorFile);
    } catch (e) {
      if (e instanceof SimulationInputError) throw new ManifestError(e.message);
      throw e;
    }
  }

  let result;
  try {
    result = Simulator.simulateManifests(manifests.map(m => m.manifest), {
      behaviors,
      kubernetesVersion,
      sidecarContainersFeatureGate: featureGate ?? false,
      reduceDefaultCrashLoopBackOffDecay: gates.get('ReduceDefaultCrashLoopBackOffDecay'),
      kubeletCrashLoopBackOffMax: gates.get('KubeletCrashLoopBackOffMax'),
      maxContainerRestartPeriod: maxRestart,
      until,
      deleteAt,
      resource: options.resource as string | undefined,
    });
  } catch (e: any) {
    if (e instanceof SimulationInputError) {
      // messages about behaviours say `behaviors: …`; name the file instead
      throw new ManifestError(behaviorFile ? e.message.replace(/^behaviors:/, `${behaviorFile}:`) : e.message);
    }
    throw e;
  }
  io.stdout(format === 'json' ? `${JSON.stringify(result.toJson())}\n` : result.toText());
  return 0;
}
