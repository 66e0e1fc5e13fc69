// The Prometheus text exposition as kube-state-metrics writes it: Go's shortest `%g` for
// values, its escaping for label values and help text, `[STABLE] ` and deprecation prefixes.
import type { FamilyDef, Metric } from './types.ts';
import { escapeHelp, escapeLabelValue, formatValue } from '../metricfamily/text.ts';

export { escapeHelp, escapeLabelValue, formatValue } from '../metricfamily/text.ts';

/** The help line's text: "[STABLE] " for stable families, then "(Deprecated since vX) ". */
export function helpText(f: Pick<FamilyDef<never>, 'help' | 'stability' | 'deprecatedVersion'>): string {
  let h = f.help;
  if (f.deprecatedVersion) h = `(Deprecated since ${f.deprecatedVersion}) ${h}`;
  if (f.stability === 'stable') h = `[STABLE] ${h}`;
  return h;
}

export type ExpositionFormat = 'text' | 'openmetrics';

/**
 * `# HELP` and `# TYPE` lines of a family. In the text format info and stateset families are
 * gauges (as kube-state-metrics rewrites them); in OpenMetrics a counter's family name drops
 * the `_total` its samples carry, and a counter without it is `unknown`.
 */
export function familyHeader(f: FamilyDef<never>, format: ExpositionFormat = 'text'): string {
  let name = f.name;
  let type: string = f.type;
  if (format === 'text') {
    if (type === 'info' || type === 'stateset') type = 'gauge';
  } else if (type === 'counter') {
    if (name.endsWith('_total')) name = name.slice(0, -6);
    else type = 'unknown';
  }
  return `# HELP ${name} ${escapeHelp(helpText(f))}\n# TYPE ${name} ${type}\n`;
}

/** Series lines of one family for one object: identifying labels first, then the metric's own. */
export function seriesLines(
  name: string,
  idKeys: readonly string[],
  idValues: readonly string[],
  metrics: readonly Metric[],
): string {
  let prefix = name;
  if (idKeys.length > 0) {
    prefix += '{';
    for (let i = 0; i < idKeys.length; i++) {
      if (i > 0) prefix += ',';
      prefix += `${idKeys[i]}="${escapeLabelValue(idValues[i] ?? '')}"`;
    }
  }
  let out = '';
  for (const m of metrics) {
    let line = prefix;
    if (m.keys.length > 0) {
      line += idKeys.length > 0 ? ',' : '{';
      for (let i = 0; i < m.keys.length; i++) {
        if (i > 0) line += ',';
        line += `${m.keys[i]}="${escapeLabelValue(m.values[i] ?? '')}"`;
      }
      line += '}';
    } else if (idKeys.length > 0) {
      line += '}';
    }
    out += `${line} ${formatValue(m.value)}\n`;
  }
  return out;
}
