// The order node_exporter's exposition has, so our /metrics/node diffs cleanly against it.
//
// node_exporter hands its metrics to client_golang's registry, whose Gather():
// - sorts label pairs by label name inside each metric (collectors here build labels already in
//   that order, so this file does not re-sort them);
// - sorts the metrics of a family by their label values, compared pairwise in label order;
// - drops a metric whose name and label values were already collected (reported as a gather
//   error, the scrape still serves the rest), so the first one wins;
// - sorts families by name.
// Strings compare by UTF-16 code units here and by UTF-8 bytes in Go: the orders differ only
// between a supplementary-plane character and one in U+E000..U+FFFF.
import type { Family, Sample } from '../metricfamily/family.ts';

function compareSamples(a: Sample, b: Sample): number {
  const n = Math.min(a.labels.length, b.labels.length);
  for (let i = 0; i < n; i++) {
    const va = a.labels[i]![1];
    const vb = b.labels[i]![1];
    if (va !== vb) return va < vb ? -1 : 1;
  }
  return a.labels.length - b.labels.length;
}

function sameLabels(a: Sample, b: Sample): boolean {
  if (a.labels.length !== b.labels.length) return false;
  for (let i = 0; i < a.labels.length; i++) {
    const la = a.labels[i]!;
    const lb = b.labels[i]!;
    if (la[0] !== lb[0] || la[1] !== lb[1]) return false;
  }
  return true;
}

/**
 * Puts families and their samples in the registry's order, in place, and drops duplicate series
 * (the first collected stays: the sort is stable). Families with the same name are not merged:
 * a collector never emits a name twice. Returns the same array.
 */
export function orderLikeGatherer(families: Family[]): Family[] {
  for (const f of families) {
    if (f.samples.length < 2) continue;
    // Collectors mostly build samples in order already; Array#sort copies the array even then.
    if (!isSorted(f.samples, compareSamples)) f.samples.sort(compareSamples);
    let w = 1;
    for (let r = 1; r < f.samples.length; r++) {
      const s = f.samples[r]!;
      if (sameLabels(s, f.samples[w - 1]!)) continue;
      f.samples[w++] = s;
    }
    f.samples.length = w;
  }
  if (!isSorted(families, compareNames)) families.sort(compareNames);
  return families;
}

function compareNames(a: Family, b: Family): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Whether `xs` is already in `cmp`'s order (a stable sort would leave it as it is). */
function isSorted<T>(xs: readonly T[], cmp: (a: T, b: T) => number): boolean {
  for (let i = 1; i < xs.length; i++) if (cmp(xs[i - 1]!, xs[i]!) > 0) return false;
  return true;
}
