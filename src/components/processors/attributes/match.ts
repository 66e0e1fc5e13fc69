// `include` / `exclude` for the attributes processor, as the Collector documents them: every
// property given must match (AND); within a property any listed value may match (OR).
import { z } from 'zod';
import { anyToString } from '../../../attraction/actions.ts';
import type { InstrumentationScope, KeyValue } from '../../../model/common.ts';

const kv = z.strictObject({
  key: z.string().min(1),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
});

export const matchSchema = z
  .strictObject({
    match_type: z.enum(['strict', 'regexp']),
    services: z.array(z.string()).optional(),
    span_names: z.array(z.string()).optional(),
    span_kinds: z.array(z.string()).optional(),
    log_severity_texts: z.array(z.string()).optional(),
    log_bodies: z.array(z.string()).optional(),
    metric_names: z.array(z.string()).optional(),
    attributes: z.array(kv).optional(),
    resources: z.array(kv).optional(),
    libraries: z.array(z.strictObject({ name: z.string(), version: z.string().optional() })).optional(),
  })
  .superRefine((m, ctx) => {
    if (m.match_type !== 'regexp') return;
    const all = [
      ...(m.services ?? []),
      ...(m.span_names ?? []),
      ...(m.log_bodies ?? []),
      ...(m.metric_names ?? []),
      ...(m.log_severity_texts ?? []),
    ];
    for (const p of all) {
      try {
        new RegExp(p);
      } catch (e) {
        ctx.addIssue({
          code: 'custom',
          message: `"${p}" is not a valid regular expression: ${(e as Error).message}`,
        });
      }
    }
  });
export type MatchConfig = z.infer<typeof matchSchema>;

/** What an item offers to match against. */
export interface Subject {
  resource: KeyValue[];
  scope: InstrumentationScope;
  attributes: KeyValue[];
  spanName?: string;
  spanKind?: number;
  severityText?: string;
  body?: string;
  metricName?: string;
}

const KIND_NAMES = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];

export class Matcher {
  private readonly cfg: MatchConfig;
  private readonly test: (pattern: string, value: string) => boolean;
  constructor(cfg: MatchConfig) {
    this.cfg = cfg;
    const cache = new Map<string, RegExp>();
    this.test =
      cfg.match_type === 'strict'
        ? (p, v) => p === v
        : (p, v) => {
            let re = cache.get(p);
            if (!re) cache.set(p, (re = new RegExp(p)));
            return re.test(v);
          };
  }

  private any(patterns: string[] | undefined, value: string | undefined): boolean {
    if (!patterns) return true;
    return value !== undefined && patterns.some((p) => this.test(p, value));
  }

  private kvs(wanted: MatchConfig['attributes'], have: KeyValue[]): boolean {
    if (!wanted) return true;
    return wanted.every((w) => {
      const found = have.find((h) => h.key === w.key);
      if (!found) return false;
      return w.value === undefined || this.test(String(w.value), anyToString(found.value));
    });
  }

  matches(s: Subject): boolean {
    const c = this.cfg;
    const service = s.resource.find((kv) => kv.key === 'service.name');
    if (!this.any(c.services, service ? anyToString(service.value) : undefined)) return false;
    if (!this.any(c.span_names, s.spanName)) return false;
    if (
      c.span_kinds &&
      (s.spanKind === undefined ||
        !c.span_kinds.some(
          (k) =>
            k === KIND_NAMES[s.spanKind!] ||
            k.toLowerCase() === KIND_NAMES[s.spanKind!]!.slice(10).toLowerCase(),
        ))
    )
      return false;
    if (!this.any(c.log_severity_texts, s.severityText)) return false;
    if (!this.any(c.log_bodies, s.body)) return false;
    if (!this.any(c.metric_names, s.metricName)) return false;
    if (!this.kvs(c.attributes, s.attributes)) return false;
    if (!this.kvs(c.resources, s.resource)) return false;
    if (
      c.libraries &&
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
