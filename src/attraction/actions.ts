// Attribute actions in the Collector's shape (`key`, `action`, `value`, `from_attribute`,
// `from_context`, `pattern`, `converted_type`), shared by the resource and attributes
// processors: insert (only if absent), update (only if present), upsert, delete, hash
// (SHA-256 hex), extract (regex named groups into new attributes), convert (int/double/string).
import { z } from 'zod';
import type { AnyValue, KeyValue } from '../model/common.ts';
import type { ConsumeContext } from '../pipeline/component.ts';
import { crypto } from '../util/lean-require.ts';

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
    action: z.enum(ACTIONS),
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
    if (['insert', 'update', 'upsert'].includes(a.action)) {
      if (!a.key) issue(`action "${a.action}" needs key`);
      if (sources !== 1)
        issue(`action "${a.action}" needs exactly one of value, from_attribute or from_context`);
    }
    if ((a.action === 'delete' || a.action === 'hash') && !a.key && !a.pattern)
      issue(`action "${a.action}" needs key or pattern`);
    if (a.action === 'extract') {
      if (!a.key || !a.pattern)
        issue('action "extract" needs key and pattern (a regular expression with named groups)');
      else if (!/\(\?<[A-Za-z_]\w*>/.test(a.pattern))
        issue('action "extract": pattern needs at least one named group like (?<name>...)');
    }
    if (a.action === 'convert' && (!a.key || !a.converted_type))
      issue('action "convert" needs key and converted_type (int, double or string)');
    if (a.pattern) {
      try {
        new RegExp(a.pattern);
      } catch (e) {
        issue(`pattern is not a valid regular expression: ${(e as Error).message}`);
      }
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

export function anyToString(v: AnyValue): string {
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return String(v.intValue);
  if ('doubleValue' in v) return String(v.doubleValue);
  if ('boolValue' in v) return String(v.boolValue);
  if ('bytesValue' in v) return Buffer.from(v.bytesValue).toString('base64');
  return JSON.stringify(v);
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
      re: cfg.pattern ? new RegExp(cfg.pattern) : undefined,
      value: cfg.value !== undefined ? toAnyValue(cfg.value) : undefined,
    }));
  }

  apply(attrs: KeyValue[], ctx?: ConsumeContext): void {
    for (const a of this.actions) this.applyOne(a, attrs, ctx);
  }

  private source(a: Compiled, attrs: KeyValue[], ctx?: ConsumeContext): AnyValue | undefined {
    if (a.value) return a.value;
    if (a.cfg.from_attribute) return attrs.find((kv) => kv.key === a.cfg.from_attribute)?.value;
    if (a.cfg.from_context) {
      const k = a.cfg.from_context;
      if (k === 'client.address' || k === 'client.ip')
        return ctx?.clientAddress ? { stringValue: ctx.clientAddress } : undefined;
      const m = ctx?.metadata?.[k.replace(/^metadata\./, '').toLowerCase()];
      return m !== undefined ? { stringValue: m } : undefined;
    }
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
          if (matches(a, kv.key))
            attrs[i] = {
              key: kv.key,
              value: {
                stringValue: crypto().createHash('sha256').update(anyToString(kv.value)).digest('hex'),
              },
            };
        }
        return;
      case 'extract': {
        if (idx < 0) return;
        const v = attrs[idx]!.value;
        if (!('stringValue' in v)) return;
        const m = a.re!.exec(v.stringValue);
        if (!m?.groups) return;
        for (const [name, val] of Object.entries(m.groups)) {
          if (val === undefined) continue;
          const j = attrs.findIndex((kv) => kv.key === name);
          const nv = { key: name, value: { stringValue: val } };
          if (j >= 0) attrs[j] = nv;
          else attrs.push(nv);
        }
        return;
      }
      case 'convert': {
        if (idx < 0) return;
        const v = attrs[idx]!.value;
        const s = anyToString(v);
        let out: AnyValue | undefined;
        if (cfg.converted_type === 'string') out = { stringValue: s };
        else if (cfg.converted_type === 'int') {
          const n = 'boolValue' in v ? Number(v.boolValue) : Math.trunc(Number(s));
          if (s.trim() !== '' && Number.isFinite(n)) out = { intValue: n };
        } else {
          const n = 'boolValue' in v ? Number(v.boolValue) : Number(s);
          if (s.trim() !== '' && Number.isFinite(n)) out = { doubleValue: n };
        }
        if (out) attrs[idx] = { key: cfg.key!, value: out };
        return;
      }
    }
  }
}

function matches(a: Compiled, key: string): boolean {
  return (a.cfg.key !== undefined && key === a.cfg.key) || (a.re !== undefined && a.re.test(key));
}
