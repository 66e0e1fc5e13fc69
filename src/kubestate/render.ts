// Rendering objects to exposition text without a cluster: what `watchingcat kubestate render`
// prints and what the conformance tests compare. Every family of every resource present gets
// its HELP and TYPE lines (even without series, as kube-state-metrics' own tests expect), then
// the series of each object in input order.
import { allResources, resourceForObject, selectFamilies } from './catalog.ts';
import type { FamilyFilter } from './catalog.ts';
import { familyHeader } from './format.ts';
import type { ExpositionFormat } from './format.ts';
import { allowListFor } from './labels.ts';
import type { AllowList } from './labels.ts';
import { serializeObject } from './serialize.ts';
import type { GenerateErrorHandler } from './serialize.ts';
import type { GenerateContext, KubeResourceObject, ResourceDef } from './types.ts';

export interface RenderOptions {
  allowLabels?: AllowList;
  allowAnnotations?: AllowList;
  /** Only these resources (names as in --resources); objects of others are skipped. */
  resources?: readonly string[];
  /** Which families; default: every family, opt-in ones included. */
  families?: FamilyFilter;
  format?: ExpositionFormat;
  now?: () => number;
  onError?: GenerateErrorHandler;
}

export interface RenderResult {
  text: string;
  /** Objects no resource definition covers (or excluded by `resources`), for a warning. */
  skipped: Array<{ apiVersion: string; kind: string; name: string; reason: string }>;
}

/** The generate context for one resource under the given allow-lists. */
export function contextFor(
  resource: string,
  allowLabels: AllowList | undefined,
  allowAnnotations: AllowList | undefined,
  now: () => number = Date.now,
): GenerateContext {
  return {
    allowLabels: allowListFor(allowLabels, resource),
    allowAnnotations: allowListFor(allowAnnotations, resource),
    now,
  };
}

export function renderObjects(
  objects: readonly KubeResourceObject[],
  opts: RenderOptions = {},
): RenderResult {
  const groups = new Map<ResourceDef, KubeResourceObject[]>();
  const skipped: RenderResult['skipped'] = [];
  for (const obj of objects) {
    const o = obj as KubeResourceObject & { apiVersion?: string; kind?: string };
    const def = resourceForObject(o);
    const id = {
      apiVersion: String(o.apiVersion ?? ''),
      kind: String(o.kind ?? ''),
      name: String(o.metadata?.name ?? ''),
    };
    if (!def) {
      skipped.push({ ...id, reason: 'kube-state-metrics has no metrics for this kind' });
      continue;
    }
    if (opts.resources && !opts.resources.includes(def.resource)) {
      skipped.push({ ...id, reason: `${def.resource} is not in --resources` });
      continue;
    }
    const list = groups.get(def) ?? [];
    list.push(obj);
    groups.set(def, list);
  }
  let text = '';
  const format = opts.format ?? 'text';
  for (const def of allResources()) {
    const objs = groups.get(def);
    if (!objs) continue;
    const families = selectFamilies(def, opts.families ?? { optIn: true });
    const ctx = contextFor(def.resource, opts.allowLabels, opts.allowAnnotations, opts.now);
    const chunks = objs.map((o) => serializeObject(def, families, o, ctx, opts.onError));
    families.forEach((f, i) => {
      text += familyHeader(f, format);
      for (const c of chunks) text += c[i]!;
    });
  }
  if (format === 'openmetrics') text += '# EOF\n';
  return { text, skipped };
}
