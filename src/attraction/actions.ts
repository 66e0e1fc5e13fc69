// Attribute actions in the Collector's shape (`key`, `action`, `value`, `from_attribute`,
// `from_context`, `pattern`, `converted_type`), shared by the resource and attributes
// processors, with the Collector's semantics (internal/coreinternal/attraction):
//   insert  — set `key` only if absent;  update — only if present;  upsert — either way
//             (the value from `value`, `from_attribute` or `from_context`; a missing source
//             does nothing)
//   delete  — remove `key` and/or every key matching `pattern`
//   hash    — replace `key` and/or every key matching `pattern` with its SHA-256 (hex)
//   extract — named groups of `pattern` matched against the string at `key` become attributes
//             (overwriting existing ones)
//   convert — change `key`'s type to int, double or string when convertible
// `action` is case-insensitive, as in the Collector. Patterns are Go/RE2 syntax (see go-regexp.ts).
import { z } from 'zod';
import type { AnyValue, KeyValue } from '../model/common.ts';
import type { ConsumeContext } from '../pipeline/component.ts';
import { captureGroups, compileGoRegexp } from './go-regexp.ts';
import { convertValue, hashValue } from './values.ts';

export { anyToString } from './values.ts';

const ACTIONS = ['insert', 'update', 'upsert', 'delete', 'hash', 'extract', 'convert'] as const;

const yamlValue: z.ZodType<unknown> = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.lazy(() => yamlValue)),
  z.record(
    z.string(),
    z.lazy(() => yamlValue),
  ),
]);

export const actionSchema = z
  .strictObject({
    key: z.string().min(1).optional(),
    action: z.preprocess((v) => (typeof v === 'string' ? v.toLowerCase() : v), z.enum(ACTIONS)),
    value: yamlValue.optional(),
    from_attribute: z.string().min(1).optional(),
    from_context: z.string().min(1).optional(),
    pattern: z.string().min(1).optional(),
    converted_type: z.enum(['int', 'double', 'string']).optional(),
  })
  .superRefine((a, ctx) => {
    const issue = (message: string) => ctx.addIssue({ code: 'custom', message });
    const sources = [
      a.value !== undefined,
      a.from_attribute !== undefined,
      a.from_context !== undefined,
    ].filter(Boolean).length;
    const act = `action "${a.action}"`;
    let re: RegExp | undefined;
    if (a.pattern) {
      try {
        re = compileGoRegexp(a.pattern);
      } catch (e) {
        issue(`pattern is not a valid regular expression: ${(e as Error).message}`);
      }
    }
    switch (a.action) {
      case 'insert':
      case 'update':
      case 'upsert':
        if (!a.key) issue(`${act} needs key`);
        if (sources !== 1) issue(`${act} needs exactly one of value, from_attribute or from_context`);
        if (a.pattern) issue(`${act} does not use pattern; remove it`);
        if (a.converted_type) issue(`${act} does not use converted_type; remove it`);
        return;
      case 'delete':
      case 'hash':
        if (!a.key && !a.pattern) issue(`${act} needs key or pattern (or both)`);
        if (a.value !== undefined || a.from_attribute)
          issue(`${act} does not use value or from_attribute; remove them`);
        if (a.converted_type) issue(`${act} does not use converted_type; remove it`);
        return;
      case 'extract': {
        if (!a.key || !a.pattern)
          issue('action "extract" needs key and pattern (a regular expression with named groups)');
        if (sources > 0) issue(`${act} does not use value, from_attribute or from_context; remove them`);
        if (a.converted_type) issue(`${act} does not use converted_type; remove it`);
        if (re) {
          const groups = captureGroups(re);
          if (groups.named === 0)
            issue('action "extract": pattern needs at least one named group like (?P<name>...)');
          else if (groups.named < groups.total)
            issue('action "extract": every group of pattern must be named; use (?:...) for the others');
        }
        return;
      }
      case 'convert':
        if (!a.key || !a.converted_type)
          issue('action "convert" needs key and converted_type (int, double or string)');
        if (sources > 0 || a.pattern)
          issue(`${act} does not use value, from_attribute, from_context or pattern; remove them`);
        return;
    }
  });
export type ActionConfig = z.infer<typeof actionSchema>;

/** YAML value → AnyValue: integers stay integers, other numbers are doubles. */
export function toAnyValue(v: unknown): AnyValue {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: v } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(toAnyValue) } };
  if (v && typeof v === 'object')
    return { kvlistValue: { values: Object.entries(v).map(([key, x]) => ({ key, value: toAnyValue(x) })) } };
  return {};
}

/**
 * A value from the request context, as the Collector's `from_context`: `client.address`, the
 * request metadata under `metadata.<name>` (or a bare name, for backwards compatibility), and
 * `auth.<name>` (we carry no authentication attributes, so those are never found).
 */
export function contextValue(key: string, ctx: ConsumeContext | undefined): AnyValue | undefined {
  if (key === 'client.address' || key === 'client.ip')
    return ctx?.clientAddress ? { stringValue: ctx.clientAddress } : undefined;
  if (key.startsWith('auth.')) return undefined;
  const m = ctx?.metadata?.[key.replace(/^metadata\./, '').toLowerCase()];
  return m !== undefined ? { stringValue: m } : undefined;
}

interface Compiled {
  cfg: ActionConfig;
  re?: RegExp;
  value?: AnyValue;
}

/** Applies a list of actions, in order, to one attribute list (mutating it). */
export class AttributeActions {
  private readonly actions: Compiled[];
  constructor(actions: ActionConfig[]) {
    this.actions = actions.map((cfg) => ({
      cfg,
      re: cfg.pattern ? compileGoRegexp(cfg.pattern) : undefined,
      value: cfg.value !== undefined ? toAnyValue(cfg.value) : undefined,
    }));
  }

  apply(attrs: KeyValue[], ctx?: ConsumeContext): void {
    for (const a of this.actions) this.applyOne(a, attrs, ctx);
  }

  private source(a: Compiled, attrs: KeyValue[], ctx?: ConsumeContext): AnyValue | undefined {
    if (a.value) return a.value;
    if (a.cfg.from_attribute) return attrs.find((kv) => kv.key === a.cfg.from_attribute)?.value;
    if (a.cfg.from_context) return contextValue(a.cfg.from_context, ctx);
    return undefined;
  }

  private applyOne(a: Compiled, attrs: KeyValue[], ctx?: ConsumeContext): void {
    const { cfg } = a;
    const idx = cfg.key ? attrs.findIndex((kv) => kv.key === cfg.key) : -1;
    switch (cfg.action) {
      case 'insert':
      case 'update':
      case 'upsert': {
        if (cfg.action === 'insert' && idx >= 0) return;
        if (cfg.action === 'update' && idx < 0) return;
        const v = this.source(a, attrs, ctx);
        if (v === undefined) return;
        if (idx >= 0) attrs[idx] = { key: cfg.key!, value: v };
        else attrs.push({ key: cfg.key!, value: v });
        return;
      }
      case 'delete':
        for (let i = attrs.length - 1; i >= 0; i--) if (matches(a, attrs[i]!.key)) attrs.splice(i, 1);
        return;
      case 'hash':
        for (let i = 0; i < attrs.length; i++) {
          const kv = attrs[i]!;
          if (matches(a, kv.key)) attrs[i] = { key: kv.key, value: { stringValue: hashValue(kv.value) } };
        }
        return;
      case 'extract': {
        if (idx < 0) return;
        const v = attrs[idx]!.value;
        if (!('stringValue' in v)) return;
        const m = a.re!.exec(v.stringValue);
        if (!m?.groups) return;
        // A group that took no part in the match yields "" (Go's FindStringSubmatch does).
        for (const [name, val] of Object.entries(m.groups)) {
          const j = attrs.findIndex((kv) => kv.key === name);
          const nv = { key: name, value: { stringValue: val ?? '' } };
          if (j >= 0) attrs[j] = nv;
          else attrs.push(nv);
        }
        return;
      }
      case 'convert': {
        if (idx < 0) return;
        const out = convertValue(attrs[idx]!.value, cfg.converted_type!);
        if (out) attrs[idx] = { key: cfg.key!, value: out };
        return;
      }
    }
  }
}

function matches(a: Compiled, key: string): boolean {
  return (a.cfg.key !== undefined && key === a.cfg.key) || (a.re !== undefined && a.re.test(key));
}
