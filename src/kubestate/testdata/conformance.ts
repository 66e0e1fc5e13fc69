// Reads kube-state-metrics' conformance cases (testdata/ksm, copied from
// ../shared/conformance/ksm) and compares exposition text the way its README says:
// trim lines, drop empty ones, sort labels inside each series, sort all lines.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeResourceObject } from '../types.ts';

export const KSM_DIR = join(import.meta.dirname, 'ksm');

export interface ConformanceCase {
  name: string;
  object: KubeResourceObject;
  metricNames: string[] | null;
  want: string;
  options?: { allowLabelsList?: string[]; allowAnnotationsList?: string[] };
  notes?: string;
}

export interface CaseFile {
  resource: string;
  file: string;
  cases: ConformanceCase[];
}

export function loadCaseFiles(): CaseFile[] {
  const dir = join(KSM_DIR, 'cases');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const d = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { resource: string; cases: ConformanceCase[] };
      return { resource: d.resource, file: f, cases: d.cases };
    });
}

/** Splits `{a="x",b="y"}` label sets respecting quotes and escapes, and sorts them. */
function sortLabels(line: string): string {
  const open = line.indexOf('{');
  if (open < 0 || line.startsWith('#')) return line;
  let i = open + 1;
  const labels: string[] = [];
  let cur = '';
  let inQuote = false;
  for (; i < line.length; i++) {
    const c = line[i]!;
    if (inQuote) {
      cur += c;
      if (c === '\\') {
        cur += line[++i] ?? '';
      } else if (c === '"') inQuote = false;
      continue;
    }
    if (c === '"') {
      inQuote = true;
      cur += c;
    } else if (c === ',') {
      labels.push(cur);
      cur = '';
    } else if (c === '}') {
      if (cur !== '') labels.push(cur);
      break;
    } else cur += c;
  }
  return `${line.slice(0, open)}{${labels.sort().join(',')}}${line.slice(i + 1)}`;
}

/** The README's normal form: trimmed, non-empty, labels sorted, lines sorted. */
export function normalize(text: string, metricNames: string[] | null): string[] {
  let lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (metricNames) {
    const res = metricNames.map((n) => new RegExp(n));
    lines = lines.filter((l) => res.some((re) => re.test(l)));
  }
  return lines.map(sortLabels).sort();
}
