// `include` / `exclude` for the attributes processor, with the Collector's semantics
// (internal/filter/filterconfig, filterspan, filterlog, filtermatcher): every property given
// must match (AND); within a property any listed value may match (OR). `strict` compares
// strings exactly; `regexp` uses Go-syntax patterns, unanchored (add ^…$ for a full match).
// `attributes` / `resources` with a value compare typed under strict (200 ≠ "200"); under
// regexp the value must be a string and matches the string form of string, bool, int and
// double attributes only.
import { z } from 'zod';
import { anyToString, toAnyValue } from '../../../attraction/actions.ts';
import { compileGoRegexp } from '../../../attraction/go-regexp.ts';
import { valuesEqual } from '../../../attraction/values.ts';
import type { AnyValue, InstrumentationScope, KeyValue, Signal } from '../../../model/common.ts';

const kv = z.strictObject({
  key: z.string().min(1),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
});

/** SeverityNumber names as plog spells them (TRACE=1 … FATAL4=24). */
const SEVERITY_NAMES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((n) => [
  n,
  `${n}2`,
  `${n}3`,
  `${n}4`,
]);

const severityNumber = z.union([z.number().int().min(0).max(24), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  const i = SEVERITY_NAMES.indexOf(v.toUpperCase());
  if (i < 0) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a severity (TRACE … FATAL4, or 1 … 24)` });
    return z.NEVER;
  }
  return i + 1;
});

export const SPAN_KIND_NAMES = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];

export const matchSchema = z
  .strictObject({
    match_type: z.enum(['strict', 'regexp']),
    services: z.array(z.string()).optional(),
    span_names: z.array(z.string()).optional(),
    span_kinds: z.array(z.string()).optional(),
    log_severity_texts: z.array(z.string()).optional(),
    log_severity_number: z
      .strictObject({ min: severityNumber, match_undefined: z.boolean().default(false) })
      .optional(),
    log_bodies: z.array(z.string()).optional(),
    metric_names: z.array(z.string()).optional(),
    attributes: z.array(kv).optional(),
    resources: z.array(kv).optional(),
    libraries: z.array(z.strictObject({ name: z.string(), version: z.string().optional() })).optional(),
  })
  .superRefine((m, ctx) => {
    if (m.match_type === 'strict') {
      for (const k of m.span_kinds ?? [])
        if (!SPAN_KIND_NAMES.slice(1).includes(k))
          ctx.addIssue({
            code: 'custom',
            path: ['span_kinds'],
            message: `"${k}" is not a span kind; with match_type strict use one of ${SPAN_KIND_NAMES.slice(1).join(', ')}`,
          });
      return;
    }
    for (const list of ['attributes', 'resources'] as const)
      for (const a of m[list] ?? [])
        if (a.value !== undefined && typeof a.value !== 'string')
          ctx.addIssue({
            code: 'custom',
            path: [list],
            message: `match_type regexp needs string values; ${a.key} has ${JSON.stringify(a.value)}`,
          });
    const patterns = [
      ...(m.services ?? []),
      ...(m.span_names ?? []),
      ...(m.span_kinds ?? []),
      ...(m.log_bodies ?? []),
      ...(m.metric_names ?? []),
      ...(m.log_severity_texts ?? []),
      ...[...(m.attributes ?? []), ...(m.resources ?? [])].flatMap((a) =>
        typeof a.value === 'string' ? [a.value] : [],
      ),
      ...(m.libraries ?? []).flatMap((l) => [l.name, ...(l.version !== undefined ? [l.version] : [])]),
    ];
    for (const p of patterns) {
      try {
        compileGoRegexp(p);
      } catch (e) {
        ctx.addIssue({
          code: 'custom',
          message: `"${p}" is not a valid regular expression: ${(e as Error).message}`,
        });
      }
    }
  });
export type MatchConfig = z.infer<typeof matchSchema>;

/** Which properties apply to which signal, and which of them make a match definition non-empty. */
const SIGNAL_FIELDS: Record<Signal, { allowed: string[]; required: string[] }> = {
  traces: {
    allowed: ['services', 'span_names', 'span_kinds', 'attributes', 'resources', 'libraries'],
    required: ['services', 'span_names', 'span_kinds', 'attributes', 'resources', 'libraries'],
  },
  logs: {
    allowed: [
      'log_bodies',
      'log_severity_texts',
      'log_severity_number',
      'attributes',
      'resources',
      'libraries',
    ],
    required: [
      'log_bodies',
      'log_severity_texts',
      'log_severity_number',
      'attributes',
      'resources',
      'libraries',
    ],
  },
  metrics: {
    allowed: ['metric_names', 'attributes', 'resources', 'libraries'],
    required: ['metric_names', 'attributes', 'resources', 'libraries'],
  },
};

/**
 * Checks that a match definition fits the pipeline's signal, as the Collector does when it
 * builds the processor; throws an Error naming the offending properties.
 */
export function validateForSignal(cfg: MatchConfig, signal: Signal, where: string): void {
  const { allowed, required } = SIGNAL_FIELDS[signal];
  const given = Object.keys(cfg).filter(
    (k) => k !== 'match_type' && cfg[k as keyof MatchConfig] !== undefined,
  );
  const wrong = given.filter((k) => !allowed.includes(k));
  if (wrong.length) throw new Error(`${where}: ${wrong.join(', ')} cannot be used in a ${signal} pipeline`);
  const nonEmpty = (k: string) => {
    const v = cfg[k as keyof MatchConfig];
    return Array.isArray(v) ? v.length > 0 : v !== undefined;
  };
  if (!required.some(nonEmpty))
    throw new Error(`${where}: set at least one of ${required.join(', ')} for a ${signal} pipeline`);
}

/** What an item offers to match against. */
export interface Subject {
  resource: KeyValue[];
  scope: InstrumentationScope;
  attributes: KeyValue[];
  spanName?: string;
  spanKind?: number;
  severityText?: string;
  severityNumber?: number;
  body?: AnyValue;
  metricName?: string;
}

interface AttributeRule {
  key: string;
  /** strict: the typed value to equal. */
  value?: AnyValue;
  /** regexp: the pattern for the value's string form. */
  pattern?: string;
}

/** The string form a regexp attribute match sees; undefined for kinds it never matches. */
function scalarString(v: AnyValue): string | undefined {
  if ('stringValue' in v || 'boolValue' in v || 'intValue' in v || 'doubleValue' in v) return anyToString(v);
  return undefined;
}

export class Matcher {
  private readonly cfg: MatchConfig;
  private readonly test: (pattern: string, value: string) => boolean;
  private readonly attributes?: AttributeRule[];
  private readonly resources?: AttributeRule[];

  constructor(cfg: MatchConfig) {
    this.cfg = cfg;
    const cache = new Map<string, RegExp>();
    const strict = cfg.match_type === 'strict';
    this.test = strict
      ? (p, v) => p === v
      : (p, v) => {
          let re = cache.get(p);
          if (!re) cache.set(p, (re = compileGoRegexp(p)));
          return re.test(v);
        };
    const rules = (list: MatchConfig['attributes']): AttributeRule[] | undefined =>
      list?.map((a) =>
        a.value === undefined
          ? { key: a.key }
          : strict
            ? { key: a.key, value: toAnyValue(a.value) }
            : { key: a.key, pattern: String(a.value) },
      );
    this.attributes = rules(cfg.attributes);
    this.resources = rules(cfg.resources);
  }

  private any(patterns: string[] | undefined, value: string | undefined): boolean {
    if (!patterns?.length) return true;
    return value !== undefined && patterns.some((p) => this.test(p, value));
  }

  private kvs(rules: AttributeRule[] | undefined, have: KeyValue[]): boolean {
    if (!rules?.length) return true;
    return rules.every((r) => {
      const found = have.find((h) => h.key === r.key);
      if (!found) return false;
      if (r.value !== undefined) return valuesEqual(r.value, found.value);
      if (r.pattern !== undefined) {
        const s = scalarString(found.value);
        return s !== undefined && this.test(r.pattern, s);
      }
      return true;
    });
  }

  matches(s: Subject): boolean {
    const c = this.cfg;
    if (c.services?.length) {
      const service = s.resource.find((kv) => kv.key === 'service.name');
      // The Collector matches a missing service.name as this placeholder.
      if (!this.any(c.services, service ? anyToString(service.value) : '<nil-service-name>')) return false;
    }
    if (!this.any(c.span_names, s.spanName)) return false;
    if (
      c.span_kinds?.length &&
      !this.any(c.span_kinds, s.spanKind === undefined ? undefined : (SPAN_KIND_NAMES[s.spanKind] ?? ''))
    )
      return false;
    if (!this.any(c.log_severity_texts, s.severityText)) return false;
    if (c.log_severity_number) {
      const n = s.severityNumber ?? 0;
      if (n === 0 ? !c.log_severity_number.match_undefined : n < c.log_severity_number.min) return false;
    }
    if (!this.any(c.log_bodies, s.body === undefined ? undefined : anyToString(s.body))) return false;
    if (!this.any(c.metric_names, s.metricName)) return false;
    if (!this.kvs(this.attributes, s.attributes)) return false;
    if (!this.kvs(this.resources, s.resource)) return false;
    if (
      c.libraries?.length &&
      !c.libraries.some(
        (l) =>
          this.test(l.name, s.scope.name) &&
          (l.version === undefined || this.test(l.version, s.scope.version)),
      )
    )
      return false;
    return true;
  }
}
