// PATCH bodies: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and Kubernetes strategic
// merge patch. Strategic merge knows the merge keys of the built-in list fields by field name
// (containers by name, container ports by containerPort, service ports by port, ...), which
// covers what kubectl sends; lists without a known merge key are replaced, as in Kubernetes.
// All functions return new values and leave their inputs untouched. Errors are SimApiError.
import { SimApiError } from '../types.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

function bad(msg: string, code = 400, reason = 'BadRequest'): SimApiError {
  return new SimApiError(code, reason, msg);
}

export function mergePatch(target: unknown, patch: unknown): Json {
  if (!isObject(patch)) return structuredClone(patch) as Json;
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

// ---- JSON patch ----

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw bad(`invalid JSON pointer "${path}"`, 422, 'Invalid');
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, parts: string[], op: string): { parent: JsonObject | Json[]; last: string } {
  let cur: Json = doc;
  for (const p of parts.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(p)] as Json;
    else if (isObject(cur)) cur = cur[p] as Json;
    else cur = undefined as unknown as Json;
    if (cur === undefined || cur === null || typeof cur !== 'object') {
      throw bad(
        `the server rejected our request due to an error in our request: ${op}: path "/${parts.join('/')}" does not exist`,
        422,
        'Invalid',
      );
    }
  }
  return { parent: cur as JsonObject | Json[], last: parts[parts.length - 1]! };
}

function getAt(doc: Json, path: string): Json {
  let cur: Json = doc;
  for (const p of pointer(path)) {
    const next: Json | undefined = Array.isArray(cur) ? cur[Number(p)] : isObject(cur) ? cur[p] : undefined;
    if (next === undefined) throw bad(`path "${path}" does not exist`, 422, 'Invalid');
    cur = next;
  }
  return cur;
}

function arrayIndex(arr: Json[], s: string, forAdd: boolean): number {
  if (forAdd && s === '-') return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(s)) throw bad(`invalid array index "${s}"`, 422, 'Invalid');
  const i = Number(s);
  if (i > arr.length || (!forAdd && i === arr.length))
    throw bad(`array index ${i} out of bounds`, 422, 'Invalid');
  return i;
}

function removeAt(doc: Json, path: string): Json {
  const parts = pointer(path);
  if (parts.length === 0) throw bad('cannot remove the whole document', 422, 'Invalid');
  const { parent, last } = parentOf(doc, parts, 'remove');
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, last, false), 1)[0]!;
  if (!(last in parent)) throw bad(`remove: path "${path}" does not exist`, 422, 'Invalid');
  const v = parent[last]!;
  delete parent[last];
  return v;
}

function addAt(doc: Json, path: string, value: Json): Json {
  const parts = pointer(path);
  if (parts.length === 0) return value;
  const { parent, last } = parentOf(doc, parts, 'add');
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, true), 0, value);
  else parent[last] = value;
  return doc;
}

function deepEqual(a: Json, b: Json): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function jsonPatch(target: unknown, ops: unknown): Json {
  if (!Array.isArray(ops)) throw bad('json patch must be an array of operations');
  let doc = structuredClone(target) as Json;
  for (const raw of ops) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw bad('json patch operation must have "op" and "path"');
    }
    const path = raw.path;
    switch (raw.op) {
      case 'add':
        doc = addAt(doc, path, structuredClone(raw.value as Json));
        break;
      case 'remove':
        removeAt(doc, path);
        break;
      case 'replace': {
        const parts = pointer(path);
        if (parts.length === 0) {
          doc = structuredClone(raw.value as Json);
          break;
        }
        getAt(doc, path);
        removeAt(doc, path);
        doc = addAt(doc, path, structuredClone(raw.value as Json));
        break;
      }
      case 'move':
      case 'copy': {
        if (typeof raw.from !== 'string') throw bad(`json patch ${raw.op} needs "from"`);
        const v = raw.op === 'move' ? removeAt(doc, raw.from) : structuredClone(getAt(doc, raw.from));
        doc = addAt(doc, path, v);
        break;
      }
      case 'test':
        if (!deepEqual(getAt(doc, path), raw.value as Json)) {
          throw bad(`testing value ${path} failed`, 422, 'Invalid');
        }
        break;
      default:
        throw bad(`unexpected json patch operation "${raw.op}"`);
    }
  }
  return doc;
}

// ---- strategic merge patch ----

/** Merge keys of Kubernetes list fields (by field name; `ports` depends on the item shape). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  conditions: 'type',
  hostAliases: 'ip',
  ownerReferences: 'uid',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
  containerStatuses: 'name',
  initContainerStatuses: 'name',
  addresses: 'type',
  taints: 'key',
  secrets: 'name',
};
/** Primitive lists whose patch strategy is merge (set union). */
const MERGE_PRIMITIVE = new Set(['finalizers']);

function mergeKeyFor(field: string, items: Json[]): string | undefined {
  if (field === 'ports') {
    return items.some((i) => isObject(i) && 'containerPort' in i) ? 'containerPort' : 'port';
  }
  return MERGE_KEYS[field];
}

function smpList(field: string, target: Json | undefined, patch: Json[]): Json[] {
  const base = Array.isArray(target) ? target : [];
  const key = mergeKeyFor(field, [...patch, ...base]);
  if (MERGE_PRIMITIVE.has(field)) {
    const out = [...base];
    for (const v of patch) if (!out.some((x) => deepEqual(x, v))) out.push(v);
    return out;
  }
  if (!key) return patch.filter((p) => !(isObject(p) && '$patch' in p)).map((p) => strip(p));
  if (patch.some((p) => isObject(p) && p.$patch === 'replace')) {
    return patch.filter((p) => !(isObject(p) && p.$patch === 'replace')).map((p) => strip(p));
  }
  const out = [...base];
  for (const item of patch) {
    if (!isObject(item)) throw bad(`strategic merge patch: list "${field}" items must be objects`);
    const id = item[key];
    const i = out.findIndex((x) => isObject(x) && deepEqual(x[key] as Json, id as Json));
    if (item.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0) out[i] = strategicMergePatch(out[i], item);
    else out.push(strip(item));
  }
  return out;
}

/** Removes patch directives from a value that is inserted as is. */
function strip(v: Json): Json {
  if (Array.isArray(v)) return v.map(strip);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) out[k] = strip(x);
  return out;
}

export function strategicMergePatch(target: unknown, patch: unknown): Json {
  if (!isObject(patch)) return structuredClone(patch) as Json;
  if (patch.$patch === 'replace') return strip(patch);
  if (patch.$patch === 'delete') return {};
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$setElementOrder/') || k === '$retainKeys' || k === '$patch') continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const cur = out[field];
      if (Array.isArray(cur) && Array.isArray(v))
        out[field] = cur.filter((x) => !v.some((d) => deepEqual(d, x)));
      continue;
    }
    if (v === null) delete out[k];
    else if (Array.isArray(v)) out[k] = smpList(k, out[k], v);
    else if (isObject(v)) out[k] = strategicMergePatch(out[k], v);
    else out[k] = v;
  }
  return out;
}

export type PatchType = 'merge' | 'json' | 'strategic';

/** The patch type of a Content-Type, or a 415 error for anything else (including apply). */
export function patchTypeOf(contentType: string | undefined): PatchType {
  const ct = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (ct === 'application/merge-patch+json') return 'merge';
  if (ct === 'application/json-patch+json') return 'json';
  if (ct === 'application/strategic-merge-patch+json') return 'strategic';
  if (ct === 'application/apply-patch+yaml' || ct === 'application/apply-patch+cbor') {
    throw new SimApiError(
      415,
      'UnsupportedMediaType',
      'server-side apply is not supported by the simulator; use client-side apply (kubectl apply without --server-side) or a merge/strategic/json patch',
    );
  }
  throw new SimApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`,
  );
}

export function applyPatch(type: PatchType, target: unknown, patch: unknown): Json {
  if (type === 'json') return jsonPatch(target, patch);
  if (!isObject(patch)) throw bad('patch body must be a JSON object');
  return type === 'merge' ? mergePatch(target, patch) : strategicMergePatch(target, patch);
}
