// Kubernetes labels and annotations as Prometheus labels, with kube-state-metrics' rules:
// invalid characters become "_", camelCase becomes snake_case, keys are sorted, and names that
// collide after sanitising get "_conflictN" suffixes. Allow-lists use KSM's own syntax:
// `pods=[app,team],*=[*]` ("*" as a resource means every resource; "*" as the first label
// means every label; one partial wildcard per entry, like "app.kubernetes.io/*").

const INVALID_LABEL_CHAR = /[^a-zA-Z0-9_]/gu;
const CAMEL_BOUNDARY = /([a-z0-9])([A-Z])/g;

export function sanitizeLabelName(s: string): string {
  return s.replace(INVALID_LABEL_CHAR, '_');
}

export function toSnakeCase(s: string): string {
  return s.replace(CAMEL_BOUNDARY, '$1_$2').toLowerCase();
}

/** `prefix_` + the sanitised, snake-cased key: ("label", "app.kubernetes.io/name") → "label_app_kubernetes_io_name". */
export function prefixedLabelName(prefix: string, key: string): string {
  return `${prefix}_${toSnakeCase(sanitizeLabelName(key))}`;
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every entry of `map` as a Prometheus label (sorted by key, collisions suffixed). */
export function mapToPrometheusLabels(
  prefix: string,
  map: Readonly<Record<string, string>>,
): { keys: string[]; values: string[] } {
  const sorted = Object.keys(map).sort(byteOrder);
  const keys: string[] = [];
  const values: string[] = [];
  const used = new Map<string, number>(); // emitted name → index in keys
  const conflicts = new Map<string, number>(); // sanitised base name → suffixes handed out
  const nextFree = (base: string, count: number): [string, number] => {
    for (;;) {
      count++;
      const candidate = `${base}_conflict${count}`;
      if (!used.has(candidate)) return [candidate, count];
    }
  };
  for (const k of sorted) {
    const base = prefixedLabelName(prefix, k);
    let name = base;
    const seen = conflicts.get(base);
    if (seen !== undefined) {
      // Collided before: the unsuffixed name is no longer used; take the next suffix.
      const [n, c] = nextFree(base, seen);
      name = n;
      conflicts.set(base, c);
    } else if (used.has(name)) {
      // First collision: rename the entry already emitted to _conflict1, take _conflict2.
      const idx = used.get(name)!;
      const [renamed, c1] = nextFree(base, 0);
      used.delete(name);
      keys[idx] = renamed;
      used.set(renamed, idx);
      const [n, c2] = nextFree(base, c1);
      name = n;
      conflicts.set(base, c2);
    }
    used.set(name, keys.length);
    keys.push(name);
    values.push(map[k]!);
  }
  return { keys, values };
}

/** At most this many "*" in one allow-list entry (kube-state-metrics' MaxPartialWildcardsPerLabel). */
export const MAX_PARTIAL_WILDCARDS = 1;

const patternCache = new Map<string, RegExp>();

function wildcardPattern(entry: string): RegExp {
  let re = patternCache.get(entry);
  if (!re) {
    const quoted = entry.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    re = new RegExp(`^${quoted.join('.*')}$`, 'u');
    patternCache.set(entry, re);
  }
  return re;
}

/**
 * The allowed entries of `map` as Prometheus labels. `allow[0] === "*"` allows everything;
 * a "*" elsewhere is ignored; entries with one "*" are patterns; others are exact keys.
 */
export function allowedLabels(
  prefix: string,
  map: Readonly<Record<string, string>> | undefined,
  allow: readonly string[],
): { keys: string[]; values: string[] } {
  if (!map || allow.length === 0) return { keys: [], values: [] };
  if (allow[0] === '*') return mapToPrometheusLabels(prefix, map);
  const picked: Record<string, string> = {};
  for (const entry of allow) {
    if (entry === '*') continue;
    const stars = entry.split('*').length - 1;
    if (stars === 0) {
      if (Object.hasOwn(map, entry)) picked[entry] = map[entry]!;
      continue;
    }
    if (stars > MAX_PARTIAL_WILDCARDS) continue; // rejected at parse time; fail closed here too
    const re = wildcardPattern(entry);
    for (const k of Object.keys(map)) if (re.test(k)) picked[k] = map[k]!;
  }
  return mapToPrometheusLabels(prefix, picked);
}

/** resource (or "*") → allowed label / annotation keys. */
export type AllowList = ReadonlyMap<string, readonly string[]>;

export class AllowListSyntaxError extends Error {}

/**
 * Parses kube-state-metrics' `--metric-labels-allowlist` syntax: `pods=[app,team],nodes=[*]`.
 * Whitespace around names is ignored; `pods=[]` allows nothing.
 */
export function parseAllowList(spec: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const s = spec.trim();
  if (s === '') return out;
  const entry = /\s*([^=,[\]\s][^=,[\]]*?)\s*=\s*\[([^[\]]*)\]\s*(,|$)/y;
  let pos = 0;
  while (pos < s.length) {
    entry.lastIndex = pos;
    const m = entry.exec(s);
    if (!m) {
      throw new AllowListSyntaxError(
        `invalid allow-list ${JSON.stringify(spec)} at character ${pos + 1}: expected resource=[key,...] entries separated by commas, e.g. pods=[app,team],*=[*]`,
      );
    }
    const resource = m[1]!;
    const items = m[2]!.trim() === '' ? [] : m[2]!.split(',').map((x) => x.trim());
    if (items.some((x) => x === '')) {
      throw new AllowListSyntaxError(
        `invalid allow-list ${JSON.stringify(spec)}: empty key in ${resource}=[${m[2]}]`,
      );
    }
    for (const x of items) {
      if (x.split('*').length - 1 > MAX_PARTIAL_WILDCARDS) {
        throw new AllowListSyntaxError(
          `invalid allow-list entry ${JSON.stringify(x)} for ${resource}: only one wildcard (*) per key is allowed`,
        );
      }
    }
    out.set(resource, [...(out.get(resource) ?? []), ...items]);
    pos = entry.lastIndex;
    if (m[3] === ',' && pos >= s.length) {
      throw new AllowListSyntaxError(`invalid allow-list ${JSON.stringify(spec)}: trailing comma`);
    }
  }
  return out;
}

/**
 * The keys allowed for one resource: the "*" resource entry takes precedence over every
 * resource-specific one (as in kube-state-metrics).
 */
export function allowListFor(list: AllowList | undefined, resource: string): readonly string[] {
  if (!list) return [];
  return list.get('*') ?? list.get(resource) ?? [];
}
