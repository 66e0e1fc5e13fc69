// Side-by-side comparison of our exposition with node_exporter's (test-only).
//
// Method: node_exporter is scraped before and after ours (`before`, `ours`, `after`, one after
// the other, never overlapping). A counter is then bracketed exactly: before ≤ ours ≤ after,
// whatever its rate; a value that does not move (MemTotal, uname, boot time, sizes) must be equal.
// Gauges that move both ways while the three scrapes run (free memory, socket counts, process
// counts) get a stated tolerance around the bracket. Series sets are compared the same way: ours
// must contain every series both node_exporter scrapes have and nothing neither has, in the same
// order.
import { labelKey, type ParsedFamily, type ParsedSample } from './exposition-parse.ts';

export interface Tolerance {
  /** Slack in the family's unit, added to each side of [min(before, after), max(before, after)]. */
  abs?: number;
  /** Slack as a fraction of the larger bracket end's magnitude. */
  rel?: number;
  /** Values are not compared at all (e.g. each process's own timings). */
  ignoreValue?: boolean;
}

export interface ToleranceRule {
  /** Matched against the family name. */
  family: RegExp;
  tolerance: Tolerance;
  /** Why this family needs slack (documentation; shown in failures). */
  why: string;
}

export type DifferenceKind = 'only-theirs' | 'only-ours' | 'type' | 'help' | 'series' | 'order' | 'value';

/** One difference: a family, a series ("missing name{labels}" / "extra name{labels}"), a value. */
export interface Difference {
  family: string;
  kind: DifferenceKind;
  detail: string;
}

export interface Comparison {
  /** Families both expose (whose series and values were compared). */
  compared: string[];
  differences: Difference[];
}

/** Float rounding between two renderings of the same reading. */
const EXACT: Tolerance = { rel: 1e-12 };

function toleranceFor(name: string, rules: readonly ToleranceRule[]): Tolerance {
  return rules.find((r) => r.family.test(name))?.tolerance ?? EXACT;
}

function bySeries(f: ParsedFamily | undefined): Map<string, ParsedSample> {
  const m = new Map<string, ParsedSample>();
  for (const s of f?.samples ?? []) m.set(`${s.name}{${labelKey(sortedLabels(s))}}`, s);
  return m;
}

/** Label order is not part of the comparison (both sides sort names; this only guards a parser). */
function sortedLabels(s: ParsedSample): [string, string][] {
  return [...s.labels].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function sameValue(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/** Whether `v` lies within [min(a, b), max(a, b)] widened by the tolerance. */
export function withinBracket(v: number, a: number, b: number, t: Tolerance): boolean {
  if (t.ignoreValue) return true;
  if (sameValue(v, a) || sameValue(v, b)) return true;
  if (!Number.isFinite(v) || !Number.isFinite(a) || !Number.isFinite(b)) return false;
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  const slack = Math.max(t.abs ?? 0, (t.rel ?? 0) * Math.max(Math.abs(lo), Math.abs(hi)));
  return v >= lo - slack && v <= hi + slack;
}

/**
 * Compares the families `include` selects (default: all) of two node_exporter scrapes and ours.
 * A family is "theirs" when either node_exporter scrape has it.
 */
export function compareSideBySide(
  before: readonly ParsedFamily[],
  ours: readonly ParsedFamily[],
  after: readonly ParsedFamily[],
  opts: { rules: readonly ToleranceRule[]; include?: (name: string) => boolean },
): Comparison {
  const include = opts.include ?? (() => true);
  const index = (l: readonly ParsedFamily[]) =>
    new Map(l.filter((f) => include(f.name)).map((f) => [f.name, f]));
  const b = index(before);
  const a = index(after);
  const o = index(ours);
  const differences: Difference[] = [];
  const compared: string[] = [];
  const theirs = new Set([...b.keys(), ...a.keys()]);
  for (const name of [...theirs].sort()) {
    if (!o.has(name))
      differences.push({ family: name, kind: 'only-theirs', detail: 'node_exporter has it, we do not' });
  }
  for (const name of [...o.keys()].sort()) {
    if (!theirs.has(name)) {
      differences.push({ family: name, kind: 'only-ours', detail: 'we have it, node_exporter does not' });
      continue;
    }
    compared.push(name);
    const of = o.get(name)!;
    const ref = b.get(name) ?? a.get(name)!;
    if (of.type !== ref.type)
      differences.push({ family: name, kind: 'type', detail: `ours ${of.type}, theirs ${ref.type}` });
    if (of.help !== ref.help) {
      differences.push({
        family: name,
        kind: 'help',
        detail: `ours ${JSON.stringify(of.help)}, theirs ${JSON.stringify(ref.help)}`,
      });
    }
    const sb = bySeries(b.get(name));
    const sa = bySeries(a.get(name));
    const so = bySeries(of);
    // Needed: the series both node_exporter scrapes have. A family one scrape lacks entirely (its
    // collector failed once) only bounds what we may have.
    const needed = b.has(name) && a.has(name) ? [...sb.keys()].filter((k) => sa.has(k)) : [];
    const allowed = new Set([...sb.keys(), ...sa.keys()]);
    for (const k of needed)
      if (!so.has(k)) differences.push({ family: name, kind: 'series', detail: `missing ${k}` });
    for (const k of so.keys())
      if (!allowed.has(k)) differences.push({ family: name, kind: 'series', detail: `extra ${k}` });
    // Sample order: the series both have, in the order each side wrote them (the registry's order).
    const theirOrder = [...(b.has(name) ? sb : sa).keys()].filter((k) => so.has(k));
    const ourOrder = [...so.keys()].filter((k) => (b.has(name) ? sb : sa).has(k));
    const at = ourOrder.findIndex((k, i) => k !== theirOrder[i]);
    if (at >= 0) {
      differences.push({
        family: name,
        kind: 'order',
        detail: `ours has ${ourOrder[at]} where theirs has ${theirOrder[at]}`,
      });
    }
    const t = toleranceFor(name, opts.rules);
    for (const [k, s] of so) {
      const x = sb.get(k) ?? sa.get(k);
      const y = sa.get(k) ?? sb.get(k);
      if (!x || !y) continue;
      if (!withinBracket(s.value, x.value, y.value, t)) {
        differences.push({
          family: name,
          kind: 'value',
          detail: `${k}: ours ${s.value}, theirs ${x.value} → ${y.value}`,
        });
      }
    }
  }
  return { compared, differences };
}
