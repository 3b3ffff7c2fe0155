// Strict unknown-field check (`kubectl apply --validate=strict`) for the admission objects, against the Kubernetes
// 1.33 API types that cdk8s-plus-33 ships (its `imports/k8s.js` names every JSON field of each type in `toJson_<Type>`;
// test/_strict-schema.ts does the same for the 1.28 workload types, which have no ValidatingAdmissionPolicy v1).
import * as fs from 'fs';

type Schema = Map<string, Map<string, { type?: string; shape: 'one' | 'array' | 'map' }>>;
let cached: Schema | undefined;

function schema(): Schema {
  if (cached) return cached;
  const src = fs.readFileSync(require.resolve('cdk8s-plus-33/lib/imports/k8s.js'), 'utf8');
  const types: Schema = new Map();
  const fn = /function toJson_(\w+)\(obj\) \{[\s\S]*?const result = \{\n([\s\S]*?)\n {4}\};/g;
  let m: RegExpExecArray | null;
  while ((m = fn.exec(src)) !== null) {
    const fields = new Map();
    for (const line of m[2].split('\n')) {
      const f = /^\s*'([^']+)': (.*),$/.exec(line);
      if (!f) continue;
      const shape = f[2].includes('Object.entries') ? 'map' : f[2].includes('.map(') ? 'array' : 'one';
      fields.set(f[1], { type: /toJson_(\w+)\(/.exec(f[2])?.[1], shape });
    }
    types.set(m[1], fields);
  }
  return (cached = types);
}

/** Unknown fields of an object, as paths; throws for a kind without schema. */
export function unknownFieldsV133(manifest: any): string[] {
  const s = schema();
  const root = `Kube${manifest.kind}Props`;
  if (!s.has(root)) throw new Error(`no schema for kind ${manifest.kind}`);
  const out: string[] = [];
  const walk = (type: string, value: any, path: string) => {
    const fields = s.get(type);
    if (!fields || value === null || typeof value !== 'object' || Array.isArray(value)) return;
    for (const [key, v] of Object.entries(value)) {
      const field = fields.get(key);
      if (!field) { out.push(`${path}.${key}`); continue; }
      if (!field.type) continue;
      if (field.shape === 'array' && Array.isArray(v)) v.forEach((item, i) => walk(field.type!, item, `${path}.${key}[${i}]`));
      else if (field.shape === 'map' && v && typeof v === 'object') for (const [k, item] of Object.entries(v)) walk(field.type, item, `${path}.${key}.${k}`);
      else walk(field.type, v, `${path}.${key}`);
    }
  };
  const { apiVersion: _a, kind: _k, ...rest } = manifest;
  walk(root, rest, manifest.kind);
  return out;
}
