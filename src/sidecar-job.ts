import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  addAppContainer, addRegularInitContainer, addSidecarTo, checkJobProps, childPath,
  DEFAULT_ACTIVE_DEADLINE, settingsFrom, setUpSidecarWorkload, wrapBuildError,
} from './_app-containers';
import { patchSpec } from './_kplus';
import { JOB_NAME_LIMIT, WorkloadSidecars } from './_workload-sidecars';
import { Sidecar } from './sidecar';
import { SidecarWorkloadOptions } from './sidecar-workload-options';

/** Properties of a `SidecarJob`: everything of cdk8s-plus's `JobProps`, plus sidecars. */
export interface SidecarJobProps extends kplus.JobProps, SidecarWorkloadOptions {}

/**
 * A cdk8s-plus `Job` whose helpers run as native sidecars: they start (and pass their startup gate) before the app,
 * and are stopped after the app exits, so the Job completes.
 *
 * Every container it emits gets Pod Security Standards *restricted* defaults for the security fields you leave
 * unset. With sidecars and no `activeDeadline`, the Job gets `activeDeadlineSeconds: 3600`, so a sidecar that never
 * becomes ready cannot keep the pod in `Init` forever.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/#sidecar-containers-and-pod-lifecycle
 */
export class SidecarJob extends kplus.Job {
  private readonly _sidecarState: WorkloadSidecars;

  /**
   * @param scope the parent construct
   * @param id the construct id (the resource name is derived from the construct path unless `metadata.name` is set)
   * @param props cdk8s-plus JobProps plus sidecars
   */
  constructor(scope: Construct, id: string, props: SidecarJobProps = {}) {
    const where = childPath(scope, id);
    checkJobProps(where, 'SidecarJob', props);
    try {
      super(scope, id, props);
    } catch (e) {
      throw wrapBuildError(where, 'SidecarJob', e);
    }
    this._sidecarState = settingsFrom(this, props, JOB_NAME_LIMIT);
    setUpSidecarWorkload(this, props);
  }

  /** The sidecars, in start order. */
  public get sidecars(): Sidecar[] {
    return this._sidecarState.sidecars.filter((s): s is Sidecar => s instanceof Sidecar);
  }

  /**
   * Add a native sidecar. It starts after the sidecars added before it and before the regular init containers.
   * @param sidecar the sidecar (a `Sidecar`, or a typed one such as `CloudSqlProxySidecar`)
   * @returns the cdk8s-plus container, for further tweaks
   */
  public addSidecar(sidecar: Sidecar): kplus.Container {
    return addSidecarTo(this, sidecar);
  }

  /**
   * Add an app container. Fields of `securityContext` you leave unset get restricted defaults, and it gets the
   * `appEnv`/`appVolumeMounts` of every sidecar.
   * @param cont cdk8s-plus container props; `restartPolicy` is not allowed (sidecars go in `addSidecar()`)
   */
  public addContainer(cont: kplus.ContainerProps): kplus.Container {
    return addAppContainer(this, cont, c => super.addContainer(c));
  }

  /**
   * Add a regular init container. It runs after the sidecars have started (so it can use them) and must exit.
   * To run one before the sidecars, use `addInitContainerBeforeSidecars()`.
   * @param cont cdk8s-plus container props of a run-to-completion step: no ports, probes, hooks or `restartPolicy`
   */
  public addInitContainer(cont: kplus.ContainerProps): kplus.Container {
    return addRegularInitContainer(this, cont, c => super.addInitContainer(c), false);
  }

  /**
   * Add a regular init container that runs before any sidecar starts (after earlier such containers), e.g. one that
   * writes a sidecar's configuration file. It does not get the sidecars' `appEnv`.
   * @param cont cdk8s-plus container props of a run-to-completion step: no ports, probes, hooks or `restartPolicy`
   */
  public addInitContainerBeforeSidecars(cont: kplus.ContainerProps): kplus.Container {
    return addRegularInitContainer(this, cont, c => super.addInitContainer(c), true);
  }
}

// the default deadline depends on the sidecars present at synthesis time
patchSpec<SidecarJob, { activeDeadlineSeconds?: number }>(SidecarJob, (spec, self) =>
  spec.activeDeadlineSeconds === undefined && self.sidecars.length > 0
    ? { ...spec, activeDeadlineSeconds: DEFAULT_ACTIVE_DEADLINE.toSeconds() }
    : spec);
