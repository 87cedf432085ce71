/**
 * Strict field validation as `kubectl apply --validate=strict` (the API server's fieldValidation=Strict) does it,
 * against the models of the Kubernetes API kubesim follows (schema/kubernetesApi.ts, generated from v1.34's OpenAPI):
 * every field of a built-in object must be a field of its type, with a value of the field's type. This covers the
 * parts of manifests kubesim does not model (env sources, volume sources, security contexts, RBAC rules…) as the
 * scenario schema covers the modelled ones.
 *
 * The generated models keep a field's type but drop the `resource.Quantity` format (a quantity may be written as a
 * number or a string): the Quantity-typed fields of the API are named below, from the API types.
 */
import { KUBERNETES_API } from './kubernetesApi.js';
import { didYouMean, describeValue } from '../errors.js';

/** Maps of quantities (ResourceList and friends) and single quantities, by field name. */
const QUANTITY_MAPS = new Set(['limits', 'requests', 'capacity', 'allocatable', 'hard', 'used', 'overhead', 'max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio', 'allocatedResources']);
const QUANTITY_FIELDS = new Set(['sizeLimit', 'maximumVolumeSize', 'storage']);

/** A problem at a path inside the checked value. */
export interface ModelProblem {
  path: (string | number)[];
  message: string;
}

const ARRAY = /^Array<(.+)>$/;
const MAP = /^\{ \[key: string\]: (.+); \}$/;

/** The model of a built-in kind's objects, or undefined. */
export function modelOf(apiVersion: string, kind: string): string | undefined {
  return KUBERNETES_API.kinds.find(([v, k]) => v === apiVersion && k === kind)?.[3];
}

/** The first field of `value` that its type does not allow, or undefined. */
export function checkModel(value: unknown, type: string, path: (string | number)[] = [], field?: string): ModelProblem | undefined {
  if (value === null || value === undefined || type === 'any' || type === 'object') return undefined;
  const arr = ARRAY.exec(type);
  if (arr !== null) {
    if (!Array.isArray(value)) return { path, message: `expected a list, found ${describeValue(value)}` };
    for (let i = 0; i < value.length; i++) {
      const p = checkModel(value[i], arr[1]!, [...path, i], field);
      if (p !== undefined) return p;
    }
    return undefined;
  }
  const map = MAP.exec(type);
  if (map !== null) {
    if (typeof value !== 'object' || Array.isArray(value)) return { path, message: `expected a mapping, found ${describeValue(value)}` };
    const inner = map[1] === 'string' && field !== undefined && QUANTITY_MAPS.has(field) ? 'Quantity' : map[1]!;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const p = checkModel(v, inner, [...path, k], field);
      if (p !== undefined) return p;
    }
    return undefined;
  }
  switch (type) {
    case 'string':
      if (typeof value === 'string') return undefined;
      if (field !== undefined && QUANTITY_FIELDS.has(field) && typeof value === 'number') return undefined;
      return { path, message: `expected a string, found ${describeValue(value)}${typeof value === 'number' || typeof value === 'boolean' ? ' (quote it)' : ''}` };
    case 'Quantity':
      return typeof value === 'string' || typeof value === 'number' ? undefined : { path, message: `expected a quantity, found ${describeValue(value)}` };
    case 'number':
      return typeof value === 'number' ? undefined : { path, message: `expected a number, found ${describeValue(value)}` };
    case 'boolean':
      return typeof value === 'boolean' ? undefined : { path, message: `expected true or false, found ${describeValue(value)}` };
    case 'Date':
      return typeof value === 'string' ? undefined : { path, message: `expected a date-time string, found ${describeValue(value)}` };
    case 'IntOrString':
      return typeof value === 'string' || typeof value === 'number' ? undefined : { path, message: `expected an integer or a string, found ${describeValue(value)}` };
  }
  const model = KUBERNETES_API.models[type];
  if (model === undefined) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) return { path, message: `expected a mapping, found ${describeValue(value)}` };
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const t = model[k];
    if (t === undefined) {
      const hint = didYouMean(k, Object.keys(model));
      return { path: [...path, k], message: `unknown field "${k}"${hint !== undefined ? ` (did you mean "${hint}"?)` : ''}` };
    }
    const p = checkModel(v, t, [...path, k], k);
    if (p !== undefined) return p;
  }
  return undefined;
}
