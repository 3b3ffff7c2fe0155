import * as fs from 'fs';
import * as path from 'path';
import { parseManifests } from '../../src/_manifest';
import { SimulationEventKind, SimulationResult } from '../../src/simulate';

export const FIXTURES = path.join(__dirname, 'fixtures');

/** The first object of a fixture file. */
export function fixture(name: string): any {
  const file = path.join(FIXTURES, name);
  return parseManifests(fs.readFileSync(file, 'utf8'), file)[0].manifest;
}

/** Every object of a fixture file. */
export function fixtureAll(name: string): any[] {
  const file = path.join(FIXTURES, name);
  return parseManifests(fs.readFileSync(file, 'utf8'), file).map(m => m.manifest);
}

/** A bare Pod manifest. */
export function pod(spec: { [key: string]: any }): any {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { restartPolicy: 'Never', ...spec } };
}

/** A Job manifest. */
export function job(spec: { [key: string]: any }, jobSpec: { [key: string]: any } = {}): any {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'j' },
    spec: { ...jobSpec, template: { spec: { restartPolicy: 'Never', ...spec } } },
  };
}

/** A container. */
export function ctr(name: string, extra: { [key: string]: any } = {}): any {
  return { name, image: 'busybox', ...extra };
}

/** A native sidecar (init container with restartPolicy: Always). */
export function sidecar(name: string, extra: { [key: string]: any } = {}): any {
  return { name, image: 'busybox', restartPolicy: 'Always', ...extra };
}

/** An exec probe (the simulator treats every handler the same: it succeeds while the container serves). */
export function probe(extra: { [key: string]: any } = {}): any {
  return { exec: { command: ['test', '-f', '/started'] }, ...extra };
}

/** Times at which `kind` happened to `container`. */
export function eventTimes(result: SimulationResult, kind: SimulationEventKind, container?: string): number[] {
  return result.events.filter(e => e.kind === kind && (container === undefined || e.container === container)).map(e => e.at);
}

/** Names of the containers that got `kind`, in order. */
export function eventOrder(result: SimulationResult, kind: SimulationEventKind): string[] {
  return result.events.filter(e => e.kind === kind).map(e => e.container!);
}

/** `at READY STATUS RESTARTS` lines. */
export function timeline(result: SimulationResult): string[] {
  return result.rows.map(r => `${r.at} ${r.ready} ${r.status} ${r.restarts}`);
}
