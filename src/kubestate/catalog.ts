// Looking up resource definitions: by name (--resources), by an object's kind and API group,
// and which families are on for a given opt-in list and metric allow/deny lists.
import { RESOURCES } from './resources/index.ts';
import type { FamilyDef, KubeResourceObject, ResourceDef } from './types.ts';

type AnyDef = ResourceDef<KubeResourceObject>;

const byName = new Map<string, AnyDef>(RESOURCES.map((r) => [r.resource, r]));
const byKind = new Map<string, AnyDef>(RESOURCES.map((r) => [`${r.group}/${r.kind}`, r]));

export function allResources(): readonly AnyDef[] {
  return RESOURCES;
}

export function defaultResourceNames(): string[] {
  return RESOURCES.filter((r) => r.enabledByDefault).map((r) => r.resource);
}

export function resourceByName(name: string): AnyDef | undefined {
  return byName.get(name);
}

/** The definition for an object, from its apiVersion's group and its kind (any version). */
export function resourceForObject(obj: { apiVersion?: unknown; kind?: unknown }): AnyDef | undefined {
  if (typeof obj.kind !== 'string') return undefined;
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  return byKind.get(`${group}/${obj.kind}`);
}

export class UnknownResourceError extends Error {}

/** Resolves a --resources list; unknown names are an error listing what exists. */
export function resolveResources(names: readonly string[] | undefined): AnyDef[] {
  if (!names) return RESOURCES.filter((r) => r.enabledByDefault);
  const out: AnyDef[] = [];
  const unknown: string[] = [];
  for (const n of names) {
    const d = byName.get(n);
    if (d) {
      if (!out.includes(d)) out.push(d);
    } else unknown.push(n);
  }
  if (unknown.length > 0) {
    throw new UnknownResourceError(
      `unknown resource${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; available: ${RESOURCES.map((r) => r.resource).join(', ')}`,
    );
  }
  return out.sort((a, b) => RESOURCES.indexOf(a) - RESOURCES.indexOf(b));
}

export interface FamilyFilter {
  /** Opt-in family names to enable; `true` enables every opt-in family. */
  optIn?: readonly string[] | true;
  /**
   * Regular expressions (JavaScript syntax, matched anywhere in the name, as kube-state-metrics'
   * ECMAScript regexes are): when non-empty, only families matching one are kept.
   */
  allow?: readonly RegExp[];
  /** Regular expressions; families matching one are dropped. */
  deny?: readonly RegExp[];
}

/** The families of a resource that a filter keeps, in definition order. */
export function selectFamilies<T extends KubeResourceObject>(
  def: ResourceDef<T>,
  filter: FamilyFilter = {},
): FamilyDef<T>[] {
  return def.families.filter((f) => {
    if (f.optIn && !(filter.optIn === true || filter.optIn?.includes(f.name))) return false;
    if (filter.allow && filter.allow.length > 0 && !filter.allow.some((re) => re.test(f.name))) return false;
    if (filter.deny?.some((re) => re.test(f.name))) return false;
    return true;
  });
}
