// Configuration errors that name the YAML path, where it is in the file, the bad value and
// what is allowed. All problems of a file are collected and reported together.
import type { z } from 'zod';

export type ConfigPath = ReadonlyArray<string | number>;

export interface ConfigIssue {
  path: ConfigPath;
  message: string;
  /** "file:line:col", when the location is known. */
  location?: string;
}

export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[], source?: string) {
    super(formatIssues(issues, source));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export function formatPath(path: ConfigPath): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${p}` : p;
  }
  return out || '(top level)';
}

export function formatIssues(issues: ConfigIssue[], source?: string): string {
  const head = `invalid configuration${source ? ` in ${source}` : ''} (${issues.length} problem${issues.length === 1 ? '' : 's'}):`;
  const lines = issues.map(
    (i) => `  - ${i.location ? `${i.location}: ` : ''}${formatPath(i.path)}: ${i.message}`,
  );
  return [head, ...lines].join('\n');
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'an empty value';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return v.length === 0 ? 'an empty list' : `a list of ${v.length}`;
  return 'a mapping';
}

/** Turns zod issues into config issues under `prefix`, with the bad value and allowed keys. */
export function fromZodIssues(schema: z.ZodType, error: z.ZodError, prefix: ConfigPath): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...(issue.path as Array<string | number>)];
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeysAt(schema, issue.path as Array<string | number>);
      for (const key of issue.keys) {
        const hint = allowed.length ? suggest(key, allowed) : '';
        out.push({
          path: [...path, key],
          message: `unknown key "${key}"${hint}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`,
        });
      }
      continue;
    }
    const input = (issue as { input?: unknown }).input;
    const text = issue.message.replace(/^Invalid (input|option): /, '').replace(/, received \w+$/, '');
    let message: string;
    if (issue.code === 'invalid_type' && input === undefined) message = `is required (${text})`;
    else if (text.includes('got ')) message = text;
    else message = `${text}, got ${describeValue(input)}`;
    out.push({ path, message });
  }
  return out;
}

function suggest(key: string, allowed: string[]): string {
  let best = '';
  let bestD = Infinity;
  for (const a of allowed) {
    const d = editDistance(key, a);
    if (d < bestD) {
      bestD = d;
      best = a;
    }
  }
  return bestD <= Math.max(2, Math.floor(key.length / 3)) ? ` — did you mean "${best}"?` : '';
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return dp[b.length]!;
}

// Walks a zod v4 schema along a value path to list the keys an object there accepts.
interface Def {
  type: string;
  shape?: Record<string, unknown>;
  innerType?: unknown;
  out?: unknown;
  in?: unknown;
  element?: unknown;
  valueType?: unknown;
  options?: unknown[];
}
function defOf(s: unknown): Def | undefined {
  return (s as { _zod?: { def?: Def } })?._zod?.def;
}
function unwrap(s: unknown): unknown {
  for (let i = 0; i < 20; i++) {
    const d = defOf(s);
    if (!d) return s;
    if (d.type === 'default' || d.type === 'optional' || d.type === 'nullable' || d.type === 'prefault')
      s = d.innerType;
    else if (d.type === 'pipe')
      s = defOf(d.in)?.type === 'transform' || defOf(d.in)?.type === 'unknown' ? d.out : d.in;
    else return s;
  }
  return s;
}
export function allowedKeysAt(schema: unknown, path: ReadonlyArray<string | number>): string[] {
  let s = unwrap(schema);
  for (const p of path) {
    const d = defOf(s);
    if (!d) return [];
    if (d.type === 'object' && typeof p === 'string') s = unwrap(d.shape?.[p]);
    else if (d.type === 'array') s = unwrap(d.element);
    else if (d.type === 'record') s = unwrap(d.valueType);
    else return [];
  }
  const d = defOf(s);
  return d?.type === 'object' && d.shape ? Object.keys(d.shape) : [];
}
