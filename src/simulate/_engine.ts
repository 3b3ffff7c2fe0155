/**
 * The pod lifecycle model: a deterministic discrete-event simulation, in virtual time, of what the kubelet does with
 * one pod (start-up, probes, restarts with back-off, termination) and of what `kubectl get pods -w` prints for it.
 *
 * Shaped like the kubelet's pod sync (kubernetes/kubernetes `pkg/kubelet/kuberuntime/kuberuntime_manager.go`
 * `SyncPod`, commit 000f26050b9be6fb3d79fae95e06b47fc96128cd): every event (a container exits, a probe result, a
 * timer) is applied and produces a status update (a `kubectl get -w` row when READY/STATUS/RESTARTS changed); then the
 * kubelet syncs the pod until nothing is left to do, each sync producing a status update too. One sync is
 * `computePodActions` (`_compute-actions.ts`, pure: a value saying what to do) followed by `applyActions` (here: back
 * off or start containers, or stop the pod). Container actions live in `_runtime.ts`, the stop order of a
 * terminating pod in `_termination-order.ts`, the status in `_pod-status.ts`, the prose in `_explain.ts`.
 */
import { computePodActions, PodAction, PodActions } from './_compute-actions';
import { Ctr, EPSILON, ProbeKind, ProbeSpec, probeSpecOf, Role, round } from './_container';
import {
  buildPlan, deletedPodStoppedNote, deletionCause, finishedPodDeletedNote, initContainerNote, jobRestartPolicyNote, knownBugNotes,
  podDeadlineNote, stuckReason,
} from './_explain';
import { podPhase, podReady } from './_pod-status';
import { formatSeconds } from './_print';
import { EngineInput, PodRuntime } from './_runtime';
import { mayStop } from './_termination-order';
import {
  ContainerTimeline, SimulatedContainerRole, SimulatedContainerState, SimulatedPodPhase, SimulationEvent, SimulationEventKind,
  SimulationFinal, SimulationRow,
} from './types';

export type { EngineInput } from './_runtime';

/** Everything a simulation produced. */
export interface EngineOutput {
  readonly rows: SimulationRow[];
  readonly final: SimulationFinal;
  readonly stuck: boolean;
  readonly containers: Record<string, ContainerTimeline>;
  readonly events: SimulationEvent[];
  readonly plan: string[];
  readonly notes: string[];
  readonly rejected: boolean;
}

/** Run one simulation. */
export function runEngine(input: EngineInput): EngineOutput {
  return new Engine(input).run();
}

class Engine extends PodRuntime {
  /** Needed by the explanations. */
  public readonly isJob: boolean;
  public readonly spec: any;
  public readonly jobSpec?: any;

  constructor(input: EngineInput) {
    super(input);
    this.isJob = input.isJob;
    this.spec = input.spec ?? {};
    this.jobSpec = input.jobSpec;
    const rp = this.spec.restartPolicy;
    if (input.isJob && rp !== 'Never' && rp !== 'OnFailure') {
      this.rejected = true;
      this.notes.push(jobRestartPolicyNote(rp));
    }
    const initSpecs: any[] = Array.isArray(this.spec.initContainers) ? this.spec.initContainers : [];
    const regularSpecs: any[] = Array.isArray(this.spec.containers) ? this.spec.containers : [];
    // kubelet_pods.go convertToAPIContainerStatuses: default waiting reason ContainerCreating, PodInitializing with
    // init containers
    const defaultReason = initSpecs.length > 0 ? 'PodInitializing' : 'ContainerCreating';
    initSpecs.forEach((c, i) => {
      const wantsSidecar = c?.restartPolicy === 'Always';
      const role: Role = wantsSidecar && this.native ? 'sidecar' : 'init';
      const hasExtras = !!(c?.startupProbe || c?.readinessProbe || c?.livenessProbe || c?.lifecycle);
      if (role === 'init') {
        // validateInitContainers rejects probes and lifecycle hooks on a plain init container
        if (hasExtras) this.rejected = true;
        const note = initContainerNote(String(c?.name), wantsSidecar, hasExtras, input.version);
        if (note) this.notes.push(note);
      }
      this.add(c, role, i, defaultReason);
    });
    regularSpecs.forEach((c, i) => this.add(c, 'regular', i, defaultReason));
    this.notes.push(...knownBugNotes(this.spec, input.version, this.native));
  }

  public run(): EngineOutput {
    this.plan.push(...buildPlan(this));
    // t=0: the pod exists, the kubelet has not reported yet (STATUS `Pending`)
    this.emitRow();
    // the kubelet's first status: every container Waiting with its default reason (kubelet_pods.go
    // convertToAPIContainerStatuses)
    this.reported = true;
    this.emitRow();
    this.scheduleDeadlines();
    this.syncLoop();
    let guard = 0;
    while (this.queue.length > 0 && !this.terminalPhase) {
      const ev = this.queue[0];
      if (ev.at > this.input.until + EPSILON) break;
      this.queue.shift();
      if (!ev.alive()) continue;
      this.t = ev.at;
      if (ev.fire()) {
        this.emitRow();
        this.syncLoop();
      }
      if (++guard > 2_000_000) throw new Error('simulation did not converge (more than 2,000,000 events)');
    }
    this.deleteFinishedPod();
    return this.output();
  }


  // ---------------------------------------------------------------------------------------------------------------
  // set-up

  // set-up

  private add(c: any, role: Role, index: number, defaultReason: string): void {
    const name = String(c?.name ?? `${role}-${index}`);
    const beh = this.input.behaviors.get(name)!;
    const extrasAllowed = role !== 'init';
    const probeSpecs: Record<ProbeKind, ProbeSpec | undefined> = {
      startup: extrasAllowed ? probeSpecOf(c?.startupProbe) : undefined,
      readiness: extrasAllowed ? probeSpecOf(c?.readinessProbe) : undefined,
      liveness: extrasAllowed ? probeSpecOf(c?.livenessProbe) : undefined,
    };
    const postStart = extrasAllowed ? c?.lifecycle?.postStart : undefined;
    const preStop = extrasAllowed ? c?.lifecycle?.preStop : undefined;
    const ctr = new Ctr(name, role, index, beh, probeSpecs, postStart, preStop, defaultReason);
    (role === 'regular' ? this.regular : this.init).push(ctr);
    this.all.push(ctr);
    this.byName.set(name, ctr);
  }

  private scheduleDeadlines(): void {
    const spec = this.input.spec ?? {};
    // Pod-level activeDeadlineSeconds (kubelet.go/kubelet_pods.go: the active deadline handler; the deadline includes
    // init containers): the kubelet fails the pod with status.reason DeadlineExceeded and stops its containers.
    const podDeadline = typeof spec.activeDeadlineSeconds === 'number' ? spec.activeDeadlineSeconds : undefined;
    if (podDeadline !== undefined) {
      this.schedule(podDeadline, () => {
        this.statusReason = 'DeadlineExceeded';
        this.failedByKubelet = true;
        this.log(SimulationEventKind.DEADLINE_EXCEEDED, undefined, `pod activeDeadlineSeconds (${formatSeconds(podDeadline)}) exceeded: the kubelet fails the pod (reason DeadlineExceeded) and stops its containers`);
        this.notes.push(podDeadlineNote(this.t, podDeadline, this.input.isJob));
        this.startPodKill(this.tgps);
        return true;
      }, () => !this.terminalPhase && !this.killing, true);
    }
    // Job-level activeDeadlineSeconds: the Job controller marks the Job failed (condition Failed, reason
    // DeadlineExceeded) and deletes its active pods (a graceful deletion, modelled like `kubectl delete pod`: STATUS
    // Terminating (printPod), then the object is gone). Measured from pod creation here.
    const jobDeadline = typeof this.input.jobSpec?.activeDeadlineSeconds === 'number' ? this.input.jobSpec.activeDeadlineSeconds : undefined;
    if (jobDeadline !== undefined) {
      this.schedule(jobDeadline, () => {
        this.jobFailureReason = 'DeadlineExceeded';
        this.log(SimulationEventKind.DEADLINE_EXCEEDED, undefined, `Job activeDeadlineSeconds (${formatSeconds(jobDeadline)}) exceeded: the Job fails with reason DeadlineExceeded and the Job controller deletes the pod`);
        this.startDeletion(this.tgps, 'job-deadline');
        return true;
      }, () => !this.terminalPhase && !this.deleting, true);
    }
    if (this.input.deleteAt !== undefined) {
      const grace = this.input.deletionGracePeriod ?? this.tgps;
      this.schedule(this.input.deleteAt, () => {
        this.startDeletion(grace, 'user');
        return true;
      }, () => !this.terminalPhase && !this.deleting, true);
    }
  }


  // ---------------------------------------------------------------------------------------------------------------
  // the kubelet's sync: computePodActions, then apply

  private syncLoop(): void {
    for (let i = 0; i < 10_000; i++) {
      if (!this.syncOnce()) return;
      this.emitRow();
    }
    throw new Error('simulation did not converge (a sync loop did not settle)');
  }

  private syncOnce(): boolean {
    if (this.terminalPhase) return false;
    if (this.killing) return this.progressKill();
    if (this.blockedBy) return false;
    return this.applyActions(computePodActions(this));
  }

  /** SyncPod: stop the pod, or start in order with doBackOff; a postStart hook blocks the rest. */
  private applyActions(actions: PodActions): boolean {
    if (actions.action === PodAction.KILL_POD_INIT_FAILED) {
      this.initFailed = true;
      this.log(SimulationEventKind.POD_KILLING, undefined, 'an init container failed and restartPolicy is Never: the pod fails (KillPod)');
      this.startPodKill(this.tgps);
      return true;
    }
    if (actions.action === PodAction.KILL_POD_ALL_EXITED) {
      this.log(SimulationEventKind.POD_KILLING, undefined, 'every regular container has exited and none is restarted: the kubelet stops the pod (KillPod)');
      this.startPodKill(this.tgps);
      return true;
    }
    let acted = false;
    for (const c of actions.containersToStart) {
      if (c.backoffUntil !== undefined && this.t + EPSILON < c.backoffUntil) continue; // still in back-off
      c.backoffUntil = undefined;
      if (c.state === 'waiting' && c.waitingReason === 'ErrImagePull') {
        this.enterPullBackoff(c);
        acted = true;
        continue;
      }
      if (!this.doBackOff(c)) {
        acted = true;
        continue;
      }
      if (c.role === 'regular' && !this.initializedOnce) {
        this.initializedOnce = true;
        this.log(SimulationEventKind.POD_INITIALIZED, undefined, 'all init containers are done or started: the regular containers start');
      }
      this.startContainer(c);
      acted = true;
      if (this.blockedBy) break;
    }
    return acted;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // stopping the pod (KillPod: every running container is stopped in parallel with one shared grace period)

  private startDeletion(grace: number, by: 'user' | 'job-deadline'): void {
    this.deleting = true;
    this.deletion = { at: this.t, grace, by };
    this.log(SimulationEventKind.POD_DELETED, undefined, by === 'job-deadline'
      ? `the Job controller deletes the pod (grace period ${formatSeconds(grace)})`
      : `pod deleted (grace period ${formatSeconds(grace)})`);
    this.startPodKill(grace);
  }

  /** `deleteAt` after the pod already finished: nothing to stop, the object is removed at once. */
  private deleteFinishedPod(): void {
    const at = this.input.deleteAt;
    if (!this.terminalPhase || this.deleting || at === undefined || at > this.input.until + EPSILON) return;
    this.t = Math.max(this.t, at);
    this.deleting = true;
    this.deletion = { at: this.t, grace: 0, by: 'user' };
    this.log(SimulationEventKind.POD_DELETED, undefined, `pod deleted after it finished (phase ${this.terminalPhase})`);
    this.notes.push(finishedPodDeletedNote(this.t, this.terminalPhase, this.input.finalizers));
    if (this.input.finalizers.length > 0) return;
    this.removedAt = this.t;
    this.log(SimulationEventKind.POD_REMOVED, undefined, 'nothing left to stop: the pod object is removed');
  }

  /**
   * KillPod (kuberuntime_manager.go killPodWithSyncResult): every running container is stopped in parallel with one
   * shared grace period; sidecars wait their turn (`_termination-order.ts`); no container is (re)started.
   */
  private startPodKill(grace: number): void {
    if (this.killing) return;
    const graceEnd = round(this.t + grace);
    this.killing = { start: this.t, graceEnd, expired: grace <= 0 };
    this.blockedBy = undefined;
    this.schedule(graceEnd, () => {
      if (!this.killing) return false;
      this.killing.expired = true;
      return true;
    }, () => !this.terminalPhase);
    for (const c of this.all) {
      if (!c.proc) {
        c.backoffUntil = undefined; // "InitContainersToStart = nil": no more (re)starts
        continue;
      }
      if (c.kill) {
        c.kill.restart = false;
        continue;
      }
      c.kill = { phase: 'preStop', restart: false, cause: 'pod', graceEnd, podKill: true };
      this.log(SimulationEventKind.KILLING, c, 'stopping container (pod termination)');
      this.beginStop(c);
    }
  }

  private progressKill(): boolean {
    for (const c of this.all) {
      if (c.proc && c.kill?.podKill && c.kill.phase === 'turn' && mayStop(c, this, this.killing!.expired)) {
        this.sigterm(c);
        return true;
      }
    }
    if (this.all.every(c => !c.proc)) {
      this.finishPod();
      return true;
    }
    return false;
  }

  private finishPod(): void {
    // KillPod returned: the next status carries the containers' real (terminated) states
    for (const c of this.all) c.shown = undefined;
    // getPhase on a terminal pod: Succeeded iff every regular container exited 0 (sidecars ignored)
    let phase: 'Succeeded' | 'Failed';
    if (this.failedByKubelet || this.initFailed) phase = 'Failed';
    else phase = this.regular.length > 0 && this.regular.every(c => c.state === 'terminated' && c.term!.exitCode === 0) ? 'Succeeded' : 'Failed';
    this.terminalPhase = phase;
    this.log(SimulationEventKind.POD_TERMINAL, undefined, `pod ${phase}`);
    if (!this.deletion) return;
    // A deleted pod whose containers have all stopped: the kubelet records the terminal phase ("Since Kubernetes 1.27,
    // the kubelet transitions deleted Pods to a terminal phase", pod-lifecycle docs) and the object is removed, unless
    // finalizers keep it (then printPod shows the terminal pod's own STATUS).
    this.notes.push(deletedPodStoppedNote(this.deletion, this.t, phase, this.failedByKubelet, this.input.finalizers));
    if (this.input.finalizers.length > 0) return;
    this.removedAt = this.t;
    this.log(SimulationEventKind.POD_REMOVED, undefined, `every container has stopped: the pod object is removed (last phase ${phase})`);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // output

  private output(): EngineOutput {
    const last = this.rows[this.rows.length - 1];
    const phase = podPhase(this);
    const terminal = phase === 'Succeeded' || phase === 'Failed';
    const expectedToComplete = this.input.isJob || this.restartPolicy !== 'Always';
    const nothingLeft = !this.queue.some(ev => ev.progress && ev.alive());
    const stuck = !terminal && nothingLeft && (expectedToComplete || !podReady(this));
    if (this.deletion && this.removedAt === undefined) {
      this.notes.push(`${deletionCause(this.deletion)}; its containers were still stopping at the horizon (${formatSeconds(this.input.until)}), so it still exists, Terminating`);
    }
    if (stuck) this.notes.push(`stuck: ${stuckReason(this)}`);
    else if (!terminal && expectedToComplete) this.notes.push(`still not terminal at the horizon (${formatSeconds(this.input.until)})`);
    const containers: Record<string, ContainerTimeline> = {};
    for (const c of this.all) {
      const lastExit = [...c.runs].reverse().find(r => r.exitedAt !== undefined);
      containers[c.name] = {
        name: c.name,
        role: c.role === 'sidecar' ? SimulatedContainerRole.SIDECAR : c.role === 'init' ? SimulatedContainerRole.INIT : SimulatedContainerRole.REGULAR,
        startedAt: c.firstStartedAt,
        readyAt: c.readyAt,
        servingAt: c.servingAt,
        exitedAt: lastExit?.exitedAt,
        exitCode: lastExit?.exitCode,
        restarts: c.restartCount,
        runs: c.runs.map(r => ({ ...r })),
        state: c.state === 'running' ? SimulatedContainerState.RUNNING : c.state === 'terminated' ? SimulatedContainerState.TERMINATED : SimulatedContainerState.WAITING,
        stateReason: c.state === 'terminated' ? c.term!.reason : c.state === 'waiting' ? c.waitingReason : undefined,
      };
    }
    const final: SimulationFinal = {
      at: this.removedAt ?? last.at,
      phase: phase as SimulatedPodPhase,
      ready: last.ready,
      status: last.status,
      restarts: last.restarts,
      terminal,
      deleted: this.removedAt !== undefined,
      reason: this.statusReason,
      jobFailureReason: this.jobFailureReason,
    };
    return { rows: this.rows, final, stuck, containers, events: this.events, plan: this.plan, notes: this.notes, rejected: this.rejected };
  }
}
