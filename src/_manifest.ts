/**
 * Plain-object helpers shared by the linter, the simulator and the CLI: reading multi-document YAML/JSON with
 * precise error positions, flattening `List`s, and finding the pod template inside any workload kind.
 *
 * No construct imports here: this works on Helm output and hand-written YAML as well as on our own synth output.
 */
import { loadYaml, ManifestError } from './_safe-yaml';

export { ManifestError } from './_safe-yaml';

/** A Kubernetes object as parsed from YAML/JSON (or produced by `Testing.synth`). */
export type Manifest = { [key: string]: any };

/** A manifest with where it came from. */
export interface SourcedManifest {
  readonly manifest: Manifest;
  /** File name, `<stdin>` or undefined for in-memory objects. */
  readonly file?: string;
  /** 1-based line of the document's first line in `file`. */
  readonly line?: number;
  /**
   * Line in `file` of a dotted path inside the manifest (`spec.template.spec.initContainers[0]`): the line of the
   * deepest mapping or sequence on the path. Only for manifests read from text.
   */
  readonly lineOf?: (path: string) => number | undefined;
}

/** Well-formed YAML/JSON that is not a Kubernetes object (e.g. `values.yaml`, `package.json`, `cdk8s.yaml`). */
export class NotKubernetesError extends ManifestError {
  constructor(message: string) {
    super(message);
    this.name = 'NotKubernetesError';
  }
}

/**
 * Parse a multi-document YAML (or JSON, which is YAML) text into manifests with the safe loader (src/_safe-yaml.ts).
 * `List` kinds are flattened. Empty documents (`---` separators, comments only) are skipped.
 *
 * @throws ManifestError for malformed YAML (duplicate keys, alias bombs, too deep nesting, binary data included), a
 *   Kubernetes object whose `metadata`, `metadata.name`, `metadata.namespace` or `items` has the wrong type
 * @throws NotKubernetesError for a document that is not a mapping, or one without `kind`/`apiVersion`
 */
export function parseManifests(text: string, file: string, stats?: { documents: number }): SourcedManifest[] {
  const loaded = loadYaml(text, file);
  const out: SourcedManifest[] = [];
  for (const doc of loaded.documents) {
    if (doc.value === null || doc.value === undefined) continue;
    if (stats) stats.documents++;
    flattenInto(doc.value, file, doc.line, (obj, line) => {
      out.push({ manifest: obj, file, line, lineOf: path => loaded.lineOf(obj, path) });
    });
  }
  return out;
}

function flattenInto(value: unknown, file: string, line: number, push: (obj: Manifest, line: number) => void, depth = 0): void {
  const where = `${file}:${line}`;
  if (typeof value !== 'object' || Array.isArray(value) || value === null) {
    const what = Array.isArray(value) ? 'a list' : JSON.stringify(value);
    throw new NotKubernetesError(`${where}: not a Kubernetes object: expected a mapping with 'apiVersion' and 'kind', got ${truncate(what)}`);
  }
  const obj = value as Manifest;
  if (typeof obj.kind !== 'string' || typeof obj.apiVersion !== 'string') {
    if (obj.kind !== undefined && obj.apiVersion !== undefined) {
      const bad = typeof obj.kind !== 'string' ? 'kind' : 'apiVersion';
      throw new ManifestError(`${where}: '${bad}' must be a string, got ${truncate(JSON.stringify(obj[bad]) ?? String(obj[bad]))}`);
    }
    const keys = Object.keys(obj).slice(0, 5).join(', ');
    throw new NotKubernetesError(`${where}: not a Kubernetes object: it has no 'apiVersion' and 'kind' (keys: ${keys || 'none'})`);
  }
  const meta = obj.metadata;
  if (meta !== undefined && meta !== null) {
    const what = `${obj.kind}${typeof meta === 'object' && typeof meta.name === 'string' ? `/${meta.name}` : ''}`;
    if (typeof meta !== 'object' || Array.isArray(meta)) {
      throw new ManifestError(`${where}: ${what}: 'metadata' must be a mapping, got ${truncate(JSON.stringify(meta))}`);
    }
    for (const field of ['name', 'namespace', 'generateName']) {
      const v = meta[field];
      if (v !== undefined && v !== null && typeof v !== 'string') {
        throw new ManifestError(`${where}: ${what}: 'metadata.${field}' must be a string, got ${truncate(JSON.stringify(v) ?? String(v))}`);
      }
    }
  }
  if (obj.kind === 'List' || (obj.kind.endsWith('List') && obj.items !== undefined)) {
    if (obj.items !== undefined && obj.items !== null && !Array.isArray(obj.items)) {
      throw new ManifestError(`${where}: ${obj.kind}: 'items' must be a list, got ${truncate(JSON.stringify(obj.items))}`);
    }
    for (const item of obj.items ?? []) flattenInto(item, file, line, push, depth + 1);
    return;
  }
  push(obj, line);
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Where a pod template sits inside a workload object. */
export interface PodTemplateRef {
  /** The pod spec (`spec` of a Pod, `spec.template.spec` of a Job, ...). */
  readonly spec: Manifest;
  /** Labels/annotations of the pod template (`metadata` of a Pod). */
  readonly metadata: Manifest;
  /** Dotted path of the pod spec inside the object, e.g. `spec.jobTemplate.spec.template.spec`. */
  readonly path: string;
  /** Whether the pod belongs to a Job (Job or CronJob): it is expected to run to completion. */
  readonly isJob: boolean;
  /** The Job spec (for Job/CronJob), e.g. to read `activeDeadlineSeconds` and `podFailurePolicy`. */
  readonly jobSpec?: Manifest;
}

/** The kinds whose pod template we understand. */
export const WORKLOAD_KINDS = ['Pod', 'Job', 'CronJob', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'PodTemplate'];

/** The pod template of a workload object, or undefined for kinds without one (Service, ConfigMap, CRDs, ...). */
export function podTemplateOf(obj: Manifest): PodTemplateRef | undefined {
  const spec = obj?.spec;
  switch (obj?.kind) {
    case 'Pod':
      return spec ? { spec, metadata: obj.metadata ?? {}, path: 'spec', isJob: false } : undefined;
    case 'PodTemplate':
      return obj.template?.spec ? { spec: obj.template.spec, metadata: obj.template.metadata ?? {}, path: 'template.spec', isJob: false } : undefined;
    case 'Job':
      return spec?.template?.spec
        ? { spec: spec.template.spec, metadata: spec.template.metadata ?? {}, path: 'spec.template.spec', isJob: true, jobSpec: spec }
        : undefined;
    case 'CronJob': {
      const jobSpec = spec?.jobTemplate?.spec;
      return jobSpec?.template?.spec
        ? { spec: jobSpec.template.spec, metadata: jobSpec.template.metadata ?? {}, path: 'spec.jobTemplate.spec.template.spec', isJob: true, jobSpec }
        : undefined;
    }
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'ReplicationController':
      return spec?.template?.spec
        ? { spec: spec.template.spec, metadata: spec.template.metadata ?? {}, path: 'spec.template.spec', isJob: false }
        : undefined;
    default:
      return undefined;
  }
}

/** An init container with `restartPolicy: Always`: a native sidecar (KEP-753). */
export function isNativeSidecar(container: Manifest): boolean {
  return container?.restartPolicy === 'Always';
}

/** `kind/name` (with namespace when set), for messages. */
export function describeObject(obj: Manifest): string {
  const text = (v: unknown) => typeof v === 'string' && v !== '' ? v : undefined;
  const ns = text(obj?.metadata?.namespace);
  const name = text(obj?.metadata?.name) ?? '<unnamed>';
  return `${text(obj?.kind) ?? '<no kind>'}/${ns ? `${ns}/` : ''}${name}`;
}

/**
 * Parse a Kubernetes duration-ish value used in our own inputs: `5s`, `1.5s`, `2m`, `1h`, `250ms`, or a bare
 * number of seconds. Returns seconds, or undefined when the text is not a duration.
 */
export function parseDurationSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  let total = 0;
  let consumed = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const n = Number(m[1]);
    total += m[2] === 'ms' ? n / 1000 : m[2] === 's' ? n : m[2] === 'm' ? n * 60 : n * 3600;
    consumed = re.lastIndex;
  }
  return consumed === text.length ? total : undefined;
}
