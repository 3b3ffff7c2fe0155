/**
 * Unit tests of the printPod port (kubernetes/kubernetes pkg/printers/internalversion/printers.go) and kubectl's AGE formatting.
 */
import { ContainerStatusView, formatSeconds, formatTable, humanDuration, PodView, printPod } from '../../src/simulate/_print';

const waiting = (name: string, reason = 'PodInitializing', restartable = false): ContainerStatusView =>
  ({ name, restartable, restartCount: 0, state: 'waiting', waitingReason: reason, started: false, ready: false });
const running = (name: string, opts: Partial<ContainerStatusView> = {}): ContainerStatusView =>
  ({ name, restartable: false, restartCount: 0, state: 'running', started: true, ready: true, ...opts });
const terminated = (name: string, exitCode: number, opts: Partial<ContainerStatusView> = {}): ContainerStatusView =>
  ({ name, restartable: false, restartCount: 0, state: 'terminated', terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', at: 1 }, started: false, ready: false, ...opts });

function view(over: Partial<PodView>): PodView {
  return {
    phase: 'Pending',
    initContainerCount: 0,
    restartableInitContainerCount: 0,
    containerCount: 1,
    initContainerStatuses: [],
    containerStatuses: [],
    initialized: false,
    podReady: false,
    deleting: false,
    ...over,
  };
}

describe('printPod (printers.go)', () => {
  test('no statuses yet: the phase', () => {
    expect(printPod(view({ containerCount: 2 }))).toEqual({ ready: '0/2', status: 'Pending', restarts: 0, lastRestartAt: undefined });
  });

  test('KEP-753 kubectl example: 1 init + 2 sidecars + 1 main counts sidecars in READY and N in Init:i/N', () => {
    const base = { initContainerCount: 3, restartableInitContainerCount: 2, containerCount: 1 };
    const sc = (name: string, started: boolean) => running(name, { restartable: true, started, ready: started });
    expect(printPod(view({ ...base, initContainerStatuses: [running('init'), waiting('s1', 'PodInitializing', true), waiting('s2', 'PodInitializing', true)], containerStatuses: [waiting('main')] })).status).toBe('Init:0/3');
    expect(printPod(view({ ...base, initContainerStatuses: [terminated('init', 0), sc('s1', false), waiting('s2', 'PodInitializing', true)], containerStatuses: [waiting('main')] }))).toMatchObject({ ready: '0/3', status: 'Init:1/3' });
    // printPod counts a started+ready sidecar as soon as the walk passes it (the KEP's illustrative rows show 0/3)
    expect(printPod(view({ ...base, initContainerStatuses: [terminated('init', 0), sc('s1', true), sc('s2', false)], containerStatuses: [waiting('main')] }))).toMatchObject({ ready: '1/3', status: 'Init:2/3' });
    expect(printPod(view({ ...base, phase: 'Running', initialized: true, podReady: true, initContainerStatuses: [terminated('init', 0), sc('s1', true), sc('s2', true)], containerStatuses: [running('main')] }))).toMatchObject({ ready: '3/3', status: 'Running' });
  });

  test('Init:<reason> for a terminated or waiting init container', () => {
    const base = { initContainerCount: 1 };
    expect(printPod(view({ ...base, initContainerStatuses: [terminated('i', 1)], containerStatuses: [waiting('m')] })).status).toBe('Init:Error');
    expect(printPod(view({ ...base, initContainerStatuses: [waiting('i', 'CrashLoopBackOff')], containerStatuses: [waiting('m')] })).status).toBe('Init:CrashLoopBackOff');
    const noReason = { ...terminated('i', 3), terminated: { exitCode: 3, reason: '', at: 1 } };
    expect(printPod(view({ ...base, initContainerStatuses: [noReason], containerStatuses: [waiting('m')] })).status).toBe('Init:ExitCode:3');
    const signal = { ...terminated('i', 137), terminated: { exitCode: 137, reason: '', signal: 9, at: 1 } };
    expect(printPod(view({ ...base, initContainerStatuses: [signal], containerStatuses: [waiting('m')] })).status).toBe('Init:Signal:9');
  });

  test('regular containers are walked from last to first: the first one in the spec wins', () => {
    const r = printPod(view({ phase: 'Running', containerCount: 2, initialized: true, containerStatuses: [terminated('a', 1), terminated('b', 0)] }));
    expect(r.status).toBe('Error');
    const r2 = printPod(view({ phase: 'Running', containerCount: 2, initialized: true, containerStatuses: [terminated('a', 0), terminated('b', 1)] }));
    expect(r2.status).toBe('Completed');
  });

  test('Completed + a running container → Running if PodReady, else NotReady', () => {
    const statuses = [terminated('a', 0), running('b')];
    expect(printPod(view({ phase: 'Running', containerCount: 2, initialized: true, podReady: true, containerStatuses: statuses })).status).toBe('Running');
    expect(printPod(view({ phase: 'Running', containerCount: 2, initialized: true, podReady: false, containerStatuses: statuses })).status).toBe('NotReady');
  });

  test('RESTARTS: init-container restarts are dropped once initialized, sidecar restarts kept (step 3)', () => {
    const init = { ...terminated('i', 0), restartCount: 2, lastTerminationAt: 3 };
    const sc = running('s', { restartable: true, restartCount: 1, lastTerminationAt: 8 });
    const r = printPod(view({
      phase: 'Running',
      initContainerCount: 2,
      restartableInitContainerCount: 1,
      initialized: true,
      podReady: true,
      initContainerStatuses: [init, sc],
      containerStatuses: [running('m', { restartCount: 4, lastTerminationAt: 5 })],
    }));
    expect(r).toEqual({ ready: '2/2', status: 'Running', restarts: 5, lastRestartAt: 8 });
  });

  test('Terminating while deleted and not terminal; status.reason (DeadlineExceeded) on a failed pod', () => {
    expect(printPod(view({ phase: 'Running', deleting: true, containerStatuses: [running('m')] })).status).toBe('Terminating');
    expect(printPod(view({ phase: 'Succeeded', deleting: true, containerStatuses: [terminated('m', 0)] })).status).toBe('Completed');
    // a terminated container's reason replaces status.reason (printers.go printPod, commit 51652d1)
    expect(printPod(view({ phase: 'Failed', reason: 'DeadlineExceeded', containerStatuses: [terminated('m', 137)] })).status).toBe('Error');
    expect(printPod(view({ phase: 'Failed', reason: 'DeadlineExceeded', containerStatuses: [running('m')] })).status).toBe('DeadlineExceeded');
    expect(printPod(view({ phase: 'Pending', deleting: true, initContainerCount: 1, restartableInitContainerCount: 1, initContainerStatuses: [waiting('s', 'CrashLoopBackOff', true)], containerStatuses: [waiting('m')] })).status).toBe('Terminating');
  });

  test('step 4: a deleted pod whose status.reason is NodeLost shows Unknown, whatever its phase; not deleted: the reason (step 1)', () => {
    expect(printPod(view({ phase: 'Running', reason: 'NodeLost', deleting: true, containerStatuses: [running('m')] })).status).toBe('Unknown');
    expect(printPod(view({ phase: 'Failed', reason: 'NodeLost', deleting: true, containerStatuses: [terminated('m', 137)] })).status).toBe('Unknown');
    expect(printPod(view({ phase: 'Running', reason: 'NodeLost', containerStatuses: [running('m')] })).status).toBe('NodeLost');
    expect(printPod(view({ phase: 'Pending', reason: 'NodeLost' })).status).toBe('NodeLost');
  });
});

describe('formatting', () => {
  test.each([[0, '0s'], [0.5, '0s'], [5, '5s'], [119, '119s'], [123, '2m3s'], [180, '3m'], [600, '10m'], [3700, '61m'], [4 * 3600 + 60, '4h1m'], [30 * 3600, '30h'], [50 * 3600, '2d2h'], [10 * 86400, '10d']])(
    'humanDuration(%s) = %s', (seconds, text) => {
      expect(humanDuration(seconds)).toBe(text);
    });

  test.each([[0.25, '250ms'], [1.5, '1.5s'], [5, '5s'], [120, '2m'], [150, '2m30s'], [Infinity, 'never']])('formatSeconds(%s) = %s', (seconds, text) => {
    expect(formatSeconds(seconds)).toBe(text);
  });

  test('formatTable aligns columns with three spaces', () => {
    expect(formatTable([['NAME', 'READY'], ['p', '0/1']])).toBe('NAME   READY\np      0/1\n');
  });
});
