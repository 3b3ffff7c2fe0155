/**
 * A strict unknown-field check for Kubernetes objects, as `kubectl apply --validate=strict` does it: every key must be
 * a field of the object's type. kubernetes-models checks types and required fields but accepts unknown keys, so a
 * misspelled or misplaced field (`initialDelaySecond`, `restartPolicy` one level too deep) would pass it.
 *
 * The field lists come from the Kubernetes API types that a cdk8s-plus line ships (`imports/k8s.js`, generated from
 * the Kubernetes OpenAPI schema): each `toJson_<Type>` function names every JSON field of `<Type>` and the type of
 * each field's value. The default is cdk8s-plus-28 (Kubernetes 1.28, our workloads); cdk8s-plus-33 has types 1.28
 * lacks, such as ValidatingAdmissionPolicy v1.
 */
import * as fs from 'fs';

interface FieldType { readonly type?: string; readonly shape: 'one' | 'array' | 'map' }
type Schema = Map<string, Map<string, FieldType>>;

const cached = new Map<string, Schema>();

function schema(kplusLine: string): Schema {
  const known = cached.get(kplusLine);
  if (known) return known;
  const src = fs.readFileSync(require.resolve(`${kplusLine}/lib/imports/k8s.js`), 'utf8');
  const types: Schema = new Map();
  const fn = /function toJson_(\w+)\(obj\) \{[\s\S]*?const result = \{\n([\s\S]*?)\n {4}\};/g;
  let m: RegExpExecArray | null;
  while ((m = fn.exec(src)) !== null) {
    const fields = new Map<string, FieldType>();
    for (const line of m[2].split('\n')) {
      const f = /^\s*'([^']+)': (.*),$/.exec(line);
      if (!f) continue;
      const child = /toJson_(\w+)\(/.exec(f[2]);
      const shape = f[2].includes('Object.entries') ? 'map' : f[2].includes('.map(') ? 'array' : 'one';
      fields.set(f[1], { type: child?.[1], shape });
    }
    types.set(m[1], fields);
  }
  cached.set(kplusLine, types);
  return types;
}

/**
 * Unknown fields of a manifest, as JSON paths; [] when every key is known. Throws for a kind it does not know.
 * @param kplusLine the cdk8s-plus package whose Kubernetes types to check against
 */
export function unknownFields(manifest: any, kplusLine = 'cdk8s-plus-28'): string[] {
  const root = `Kube${manifest.kind}Props`;
  const s = schema(kplusLine);
  if (!s.has(root)) throw new Error(`no schema for kind ${manifest.kind}`);
  const out: string[] = [];
  const { apiVersion: _a, kind: _k, ...rest } = manifest;
  walk(s, root, rest, manifest.kind, out);
  return out;
}

function walk(s: Schema, type: string, value: any, path: string, out: string[]): void {
  const fields = s.get(type);
  if (!fields || value === null || typeof value !== 'object' || Array.isArray(value)) return;
  for (const [key, v] of Object.entries(value)) {
    const field = fields.get(key);
    if (!field) {
      out.push(`${path}.${key}`);
      continue;
    }
    if (!field.type) continue;
    if (field.shape === 'array' && Array.isArray(v)) v.forEach((item, i) => walk(s, field.type!, item, `${path}.${key}[${i}]`, out));
    else if (field.shape === 'map' && v && typeof v === 'object') for (const [k, item] of Object.entries(v)) walk(s, field.type, item, `${path}.${key}.${k}`, out);
    else walk(s, field.type, v, `${path}.${key}`, out);
  }
}
