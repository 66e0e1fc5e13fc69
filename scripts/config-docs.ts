// Generates docs/configuration.md from the components' own config schemas, so the reference
// can't drift from the code. `node scripts/config-docs.ts` rewrites it; a test checks it is current.
import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { loadAllBuiltinFactories } from '../src/components/index.ts';
import { serviceSchema } from '../src/config/service-schema.ts';
import type { AnyFactory } from '../src/pipeline/component.ts';

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  description?: string;
  minimum?: number;
  maximum?: number;
}

function typeOf(s: JsonSchema): string {
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return [...new Set(alts.map(typeOf))].filter((t) => t !== 'null').join(' \\| ');
  if (s.allOf?.length) return typeOf(s.allOf[0]!);
  if (s.enum) return s.enum.map((e) => `\`${String(e)}\``).join(' \\| ');
  if (s.const !== undefined) return `\`${String(s.const)}\``;
  if (s.type === 'array') return `list of ${s.items ? typeOf(s.items) : 'values'}`;
  if (s.type === 'object' && !s.properties) return 'mapping';
  if (Array.isArray(s.type)) return s.type.join(' \\| ');
  return s.type ?? 'any';
}

/** Formats milliseconds as a Go-style duration for the table. */
function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

const isDuration = (s: JsonSchema): boolean =>
  !!s.anyOf &&
  s.anyOf.length === 2 &&
  s.anyOf.some((a) => a.type === 'number') &&
  s.anyOf.some((a) => a.type === 'string');

function lookup(v: unknown, path: string[]): unknown {
  for (const k of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

function rows(s: JsonSchema, prefix: string, out: string[], defaults: unknown, keyPath: string[] = []): void {
  const alts = s.anyOf ?? s.oneOf;
  if (alts) {
    const obj = alts.find((a) => a.properties);
    if (obj) return rows(obj, prefix, out, defaults, keyPath);
  }
  if (s.allOf?.length) return rows(s.allOf[0]!, prefix, out, defaults, keyPath);
  for (const [key, p] of Object.entries(s.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    const kp = [...keyPath, key];
    const value = lookup(defaults, kp);
    const duration = isDuration(p);
    let dflt = '';
    if (duration && typeof value === 'number') dflt = `\`${formatDuration(value)}\``;
    else if (value !== undefined && (typeof value !== 'object' || Array.isArray(value)))
      dflt = `\`${JSON.stringify(value)}\``;
    const nested = p.properties || (p.anyOf ?? p.oneOf)?.some((a) => a.properties);
    const type = duration ? 'duration' : nested ? 'mapping' : typeOf(p);
    out.push(`| \`${path}\` | ${type} | ${nested ? '' : dflt} |`);
    if (nested) rows(p, path, out, defaults, kp);
    else if (p.type === 'array' && p.items?.properties) rows(p.items, `${path}[]`, out, undefined);
    else if (p.type === 'object' && typeof p.additionalProperties === 'object')
      rows(p.additionalProperties, `${path}.<name>`, out, undefined);
  }
}

/** Defaults that depend on the machine the docs are generated on, described instead. */
const DESCRIBED_DEFAULTS: Record<string, string> = {
  'service:data_dir': '`./data`; in a container `/var/lib/watchingcat`',
  'k8s_leader_elector:lease_name': 'required',
  'k8s_leader_elector:lease_namespace':
    '`$POD_NAMESPACE`, else the in-cluster service account’s, else `default`',
};

/** Components with required options: parsed with these to show the other defaults. */
const REQUIRED_INPUT: Record<string, unknown> = {
  k8s_leader_elector: { lease_name: 'required' },
};

function section(title: string, schema: z.ZodType, emptyInput: unknown = undefined): string {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  // Defaults as the code fills them (parsing an empty entry), so durations show their real value.
  const parsed = schema.safeParse(emptyInput);
  const out = [`### ${title}`, '', '| option | type | default |', '|---|---|---|'];
  rows(json, '', out, parsed.success ? parsed.data : undefined);
  for (let i = 0; i < out.length; i++) {
    const m = /^\| `([^`]+)` \| ([^|]+) \|/.exec(out[i]!);
    const described = m && DESCRIBED_DEFAULTS[`${title}:${m[1]}`];
    if (described) out[i] = `| \`${m[1]}\` | ${m[2]!.trim()} | ${described} |`;
  }
  if (out.length === 4) out.push('| (no options) | | |');
  return out.join('\n');
}

export async function render(): Promise<string> {
  const builtinFactories = await loadAllBuiltinFactories();
  const parts = [
    '# Configuration reference',
    '',
    'Generated from the code by `node scripts/config-docs.ts`; do not edit by hand. Durations are',
    'Go-style strings (`200ms`, `5s`, `1m30s`) or numbers of milliseconds. Every option may use',
    '`${env:VAR}` or `${env:VAR:-default}`. Unknown keys are errors.',
    '',
    '## service',
    '',
    section('service', serviceSchema as z.ZodType, { pipelines: {} }),
  ];
  const kinds: Array<[AnyFactory['kind'], string]> = [
    ['receiver', 'Receivers'],
    ['processor', 'Processors'],
    ['exporter', 'Exporters'],
    ['extension', 'Extensions'],
  ];
  for (const [kind, title] of kinds) {
    parts.push('', `## ${title}`, '');
    for (const f of builtinFactories
      .filter((x) => x.kind === kind)
      .sort((a, b) => a.type.localeCompare(b.type))) {
      const signals = 'signals' in f ? ` (${f.signals.join(', ')})` : '';
      parts.push(section(`${f.type}${signals}`, f.configSchema as z.ZodType, REQUIRED_INPUT[f.type]), '');
    }
  }
  return parts.join('\n').trimEnd() + '\n';
}

if (import.meta.main) {
  writeFileSync(new URL('../docs/configuration.md', import.meta.url), await render());
  console.log('docs/configuration.md written');
}
