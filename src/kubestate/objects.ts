// Kubernetes objects from files as users have them: a single object, a `List` (or `PodList`,
// ...), a JSON array, or multi-document YAML — what `kubectl get -o yaml|json` prints.
import { parseAllDocuments } from 'yaml';
import type { KubeResourceObject } from './types.ts';

export class ObjectFileError extends Error {}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Flattens Lists and arrays; items of a typed list (PodList) get its kind and apiVersion. */
function flatten(
  v: unknown,
  where: string,
  out: KubeResourceObject[],
  parent?: { apiVersion?: unknown; kind: string },
): void {
  if (v === null || v === undefined) return; // an empty YAML document
  if (Array.isArray(v)) {
    v.forEach((x, i) => flatten(x, `${where}[${i}]`, out, parent));
    return;
  }
  if (!isRecord(v)) throw new ObjectFileError(`${where}: expected a Kubernetes object, got ${typeof v}`);
  const kind = typeof v.kind === 'string' ? v.kind : undefined;
  if (kind && kind.endsWith('List') && Array.isArray(v.items)) {
    const itemKind = kind === 'List' ? undefined : kind.slice(0, -4);
    v.items.forEach((x, i) =>
      flatten(
        x,
        `${where}.items[${i}]`,
        out,
        itemKind ? { apiVersion: v.apiVersion, kind: itemKind } : undefined,
      ),
    );
    return;
  }
  const obj: Record<string, unknown> = { ...v };
  if (parent) {
    obj.apiVersion ??= parent.apiVersion;
    obj.kind ??= parent.kind;
  }
  if (typeof obj.kind !== 'string') throw new ObjectFileError(`${where}: the object has no kind`);
  // A missing metadata or name reads as Go's zero value (kube-state-metrics renders such an
  // object with name ""); present but of the wrong type is an error.
  if (obj.metadata === undefined) obj.metadata = {};
  if (!isRecord(obj.metadata))
    throw new ObjectFileError(`${where}: the ${obj.kind}'s metadata is not a mapping`);
  const meta = obj.metadata;
  if (meta.name === undefined) obj.metadata = { ...meta, name: '' };
  else if (typeof meta.name !== 'string')
    throw new ObjectFileError(`${where}: the ${obj.kind}'s metadata.name is not a string`);
  out.push(obj as unknown as KubeResourceObject);
}

/** Parses one file's text (JSON or YAML); `name` is used in error messages. */
export function parseObjects(text: string, name: string): KubeResourceObject[] {
  const out: KubeResourceObject[] = [];
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw new ObjectFileError(`${name}: invalid JSON: ${(e as Error).message}`);
    }
    flatten(v, name, out);
    return out;
  }
  const docs = parseAllDocuments(text, { uniqueKeys: false });
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((d, i) => {
    if (d.errors.length > 0) {
      throw new ObjectFileError(`${name}: invalid YAML in document ${i + 1}: ${d.errors[0]!.message}`);
    }
    let value: unknown;
    try {
      value = d.toJS({ maxAliasCount: 100 });
    } catch (e) {
      throw new ObjectFileError(`${name}: invalid YAML in document ${i + 1}: ${(e as Error).message}`);
    }
    flatten(value, list.length > 1 ? `${name} (document ${i + 1})` : name, out);
  });
  return out;
}
