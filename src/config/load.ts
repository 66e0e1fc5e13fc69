// Loading a configuration: YAML text → ${env:} expansion → top-level shape → each component's
// own schema → cross-references between pipelines and components. Every problem found is
// reported at once, each with its YAML path, file position, bad value and what is allowed.
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { isSignal, type Signal } from '../model/common.ts';
import {
  parseComponentId,
  type AnyFactory,
  type ComponentId,
  type ComponentKind,
  type ExporterFactory,
  type ExtensionFactory,
  type ProcessorFactory,
  type ReceiverFactory,
} from '../pipeline/component.ts';
import type { Registry } from '../pipeline/registry.ts';
import { expandEnv } from './env.ts';
import { ConfigError, fromZodIssues, type ConfigIssue, type ConfigPath } from './issues.ts';
import { topLevelSchema, type ServiceSettings } from './service-schema.ts';

export interface ComponentConfig<F extends AnyFactory> {
  id: ComponentId;
  factory: F;
  config: unknown;
}

export interface PipelineConfig {
  /** As written: "traces" or "traces/agent". */
  id: string;
  signal: Signal;
  receivers: string[];
  processors: string[];
  exporters: string[];
}

export interface ResolvedConfig {
  receivers: Map<string, ComponentConfig<ReceiverFactory>>;
  processors: Map<string, ComponentConfig<ProcessorFactory>>;
  exporters: Map<string, ComponentConfig<ExporterFactory>>;
  extensions: Map<string, ComponentConfig<ExtensionFactory>>;
  service: ServiceSettings;
  pipelines: PipelineConfig[];
  /**
   * Receivers a role starts without a pipeline: they only serve the metrics address (the agent's
   * built-in /metrics/node, see roles/load.ts). Not part of the file.
   */
  endpointOnly?: ComponentConfig<ReceiverFactory>[];
  /** Warnings that do not stop the process (unset env variables, unused components). */
  warnings: string[];
}

export type Locator = (path: ConfigPath) => string | undefined;

export interface ParsedText {
  raw: unknown;
  locate: Locator;
  warnings: string[];
}

/** Parses YAML text and expands ${env:VAR}; syntax errors become a ConfigError with positions. */
export function parseConfigText(
  text: string,
  source = 'config',
  env: NodeJS.ProcessEnv = process.env,
): ParsedText {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return {
          path: [],
          message: `YAML syntax error: ${e.message.split('\n')[0]}`,
          location: `${source}:${pos.line}:${pos.col}`,
        };
      }),
      source,
    );
  }
  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // Unresolved aliases and alias bombs (`maxAliasCount`) surface here.
    throw new ConfigError(
      [{ path: [], message: `YAML error: ${(e as Error).message}`, location: source }],
      source,
    );
  }
  let expanded: ReturnType<typeof expandEnv>;
  try {
    expanded = expandEnv(js ?? {}, env);
  } catch (e) {
    throw new ConfigError([{ path: [], message: (e as Error).message, location: source }], source);
  }
  const { value, missing } = expanded;
  const locate: Locator = (path) => {
    // Walk up to the nearest existing node so unknown/missing keys point at their parent.
    for (let n = path.length; n >= 0; n--) {
      let node: { range?: [number, number, number] } | undefined;
      try {
        node = doc.getIn(path.slice(0, n) as unknown[], true) as typeof node;
      } catch {
        continue;
      }
      if (node && typeof node === 'object' && node.range) {
        const pos = lineCounter.linePos(node.range[0]);
        return `${source}:${pos.line}:${pos.col}`;
      }
    }
    return undefined;
  };
  const warnings = missing.map((v) => `environment variable ${v} is not set; \${env:${v}} expanded to ""`);
  return { raw: value, locate, warnings };
}

const SECTION: Record<ComponentKind, 'receivers' | 'processors' | 'exporters' | 'extensions'> = {
  receiver: 'receivers',
  processor: 'processors',
  exporter: 'exporters',
  extension: 'extensions',
};

/** Validates a raw (already env-expanded) configuration against the registry's components. */
export function resolveConfig(
  raw: unknown,
  registry: Registry,
  locate?: Locator,
  source?: string,
): ResolvedConfig {
  const issues: ConfigIssue[] = [];
  const warnings: string[] = [];
  // Validate each top-level section on its own so one bad section doesn't hide the others.
  const rawObj = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<
    string,
    unknown
  >;
  const shape = topLevelSchema.shape;
  for (const key of Object.keys(rawObj)) {
    if (!(key in shape)) {
      issues.push({
        path: [key],
        message: `unknown key "${key}" (allowed: ${Object.keys(shape).join(', ')})`,
      });
    }
  }
  const sections = {} as z.infer<typeof topLevelSchema>;
  for (const key of Object.keys(shape) as Array<keyof typeof shape>) {
    const schema = shape[key] as z.ZodType;
    const r = schema.safeParse(rawObj[key], { reportInput: true });
    if (r.success) (sections as Record<string, unknown>)[key] = r.data;
    else for (const i of fromZodIssues(schema, r.error, [key])) issues.push(i);
  }
  const cfg = {
    receivers: sections.receivers ?? {},
    processors: sections.processors ?? {},
    exporters: sections.exporters ?? {},
    extensions: sections.extensions ?? {},
    service: sections.service,
  };

  const resolveSection = <F extends AnyFactory>(kind: ComponentKind): Map<string, ComponentConfig<F>> => {
    const out = new Map<string, ComponentConfig<F>>();
    const sec = SECTION[kind];
    for (const [key, value] of Object.entries(cfg[sec])) {
      const id = parseComponentId(key);
      const factory = registry.get(kind, id.type) as F | undefined;
      if (!factory) {
        issues.push({
          path: [sec, key],
          message: `unknown ${kind} type "${id.type}" (available: ${registry.types(kind).join(', ') || 'none'})`,
        });
        continue;
      }
      if (id.name === '' && key.includes('/')) {
        issues.push({ path: [sec, key], message: 'a component name after "/" must not be empty' });
        continue;
      }
      const parsed = (factory.configSchema as z.ZodType).safeParse(value, { reportInput: true });
      if (!parsed.success) {
        for (const i of fromZodIssues(factory.configSchema as z.ZodType, parsed.error, [sec, key]))
          issues.push(i);
        continue;
      }
      out.set(key, { id, factory, config: parsed.data });
    }
    return out;
  };
  const receivers = resolveSection<ReceiverFactory>('receiver');
  const processors = resolveSection<ProcessorFactory>('processor');
  const exporters = resolveSection<ExporterFactory>('exporter');
  const extensions = resolveSection<ExtensionFactory>('extension');

  if (!cfg.service) throw withLocations(issues, locate, source);

  // service.extensions must name configured extensions.
  cfg.service.extensions.forEach((ext, i) => {
    if (!(ext in cfg.extensions)) {
      issues.push({
        path: ['service', 'extensions', i],
        message: `extension "${ext}" is not configured under extensions:`,
      });
    }
  });

  const pipelines: PipelineConfig[] = [];
  const used = { receivers: new Set<string>(), processors: new Set<string>(), exporters: new Set<string>() };
  if (Object.keys(cfg.service.pipelines).length === 0) {
    issues.push({
      path: ['service', 'pipelines'],
      message: 'at least one pipeline is required (traces, metrics or logs)',
    });
  }
  for (const [pid, p] of Object.entries(cfg.service.pipelines)) {
    const signal = parseComponentId(pid).type;
    if (!isSignal(signal)) {
      issues.push({
        path: ['service', 'pipelines', pid],
        message: `unknown signal "${signal}" (allowed: traces, metrics, logs, optionally with "/name")`,
      });
      continue;
    }
    const check = (
      list: string[],
      kind: 'receiver' | 'processor' | 'exporter',
      resolved: Map<string, ComponentConfig<AnyFactory>>,
    ) => {
      const sec = SECTION[kind] as 'receivers' | 'processors' | 'exporters';
      const seen = new Set<string>();
      list.forEach((ref, i) => {
        const path = ['service', 'pipelines', pid, sec, i];
        if (seen.has(ref)) issues.push({ path, message: `"${ref}" is listed twice` });
        seen.add(ref);
        used[sec].add(ref);
        if (!(ref in cfg[sec])) {
          issues.push({
            path,
            message: `${kind} "${ref}" is not configured under ${sec}: (configured: ${Object.keys(cfg[sec]).join(', ') || 'none'})`,
          });
          return;
        }
        const c = resolved.get(ref);
        if (c && 'signals' in c.factory && !c.factory.signals.includes(signal)) {
          issues.push({
            path,
            message: `${kind} "${ref}" does not support ${signal} (it supports ${c.factory.signals.join(', ')})`,
          });
        }
      });
    };
    check(p.receivers, 'receiver', receivers);
    check(p.processors, 'processor', processors);
    check(p.exporters, 'exporter', exporters);
    pipelines.push({
      id: pid,
      signal,
      receivers: p.receivers,
      processors: p.processors,
      exporters: p.exporters,
    });
  }
  if (issues.length) throw withLocations(issues, locate, source);

  for (const sec of ['receivers', 'processors', 'exporters'] as const) {
    for (const key of Object.keys(cfg[sec])) {
      if (!used[sec].has(key))
        warnings.push(`${sec}.${key} is configured but used by no pipeline; it will not run`);
    }
  }
  for (const key of Object.keys(cfg.extensions)) {
    if (!cfg.service.extensions.includes(key))
      warnings.push(`extensions.${key} is configured but not listed in service.extensions; it will not run`);
  }
  return { receivers, processors, exporters, extensions, service: cfg.service, pipelines, warnings };
}

function withLocations(
  issues: ConfigIssue[],
  locate: Locator | undefined,
  source: string | undefined,
): ConfigError {
  if (locate) for (const i of issues) i.location ??= locate(i.path);
  return new ConfigError(issues, source);
}

/** Reads a file; errors reading it are ConfigErrors that say what to do. */
export function readConfigFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new ConfigError([{ path: [], message: `cannot read configuration file ${file}: ${why}` }]);
  }
}
