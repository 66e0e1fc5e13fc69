// Resolves what a role will run: the file (or the role's defaults), flags on top, validated.
import { stringify } from 'yaml';
import { builtinRegistryFor } from '../components/index.ts';
import {
  parseConfigText,
  readConfigFile,
  resolveConfig,
  type ComponentConfig,
  type ResolvedConfig,
} from '../config/load.ts';
import { parseComponentId, type ReceiverFactory } from '../pipeline/component.ts';
import { defaultConfig, type Role } from './defaults.ts';
import { applyFlags, type RoleFlags } from './flags.ts';

export interface RoleConfig {
  resolved: ResolvedConfig;
  /** The configuration as the process sees it (defaults or file, env expanded, flags applied). */
  raw: Record<string, unknown>;
  /** Things to tell the user once at start (defaults chosen, warnings). */
  notes: string[];
  source: string;
}

export async function loadRoleConfig(
  role: Role,
  flags: RoleFlags,
  env: NodeJS.ProcessEnv = process.env,
  /** Changes the raw configuration after flags, before validation (`up --demo` adds its cluster). */
  amend?: (raw: Record<string, unknown>) => void,
): Promise<RoleConfig> {
  let raw: Record<string, unknown>;
  let notes: string[];
  let locate;
  let source: string;
  if (flags.config) {
    source = flags.config;
    const parsed = parseConfigText(readConfigFile(flags.config), flags.config, env);
    raw = (parsed.raw && typeof parsed.raw === 'object' ? parsed.raw : {}) as Record<string, unknown>;
    locate = parsed.locate;
    notes = parsed.warnings;
  } else {
    source = `the built-in ${role} configuration`;
    const d = defaultConfig(role, flags, env);
    raw = d.config;
    notes = d.notes;
  }
  applyFlags(raw, flags);
  amend?.(raw);
  const resolved = resolveConfig(raw, await builtinRegistryFor(raw), locate, source);
  const endpoint = await implicitNodeEndpoint(role, raw);
  if (endpoint) {
    resolved.endpointOnly = [endpoint];
    notes.push(
      'no hostmetrics receiver configured: /metrics/node serves the host metrics anyway (collected when scraped; add hostmetrics to a metrics pipeline to push them too)',
    );
  }
  return { resolved, raw, notes: [...notes, ...resolved.warnings], source };
}

/**
 * The agent stands in for node_exporter: on Linux it serves the host's node_* families at
 * /metrics/node (DESIGN's metrics address) even when its configuration names no hostmetrics
 * receiver — an endpoint-only receiver with the defaults, which reads the host only when scraped.
 * A hostmetrics receiver in the file, in a pipeline or not, is the user's choice and is left as
 * written (`exposition: false` turns the endpoint off).
 */
async function implicitNodeEndpoint(
  role: Role,
  raw: Record<string, unknown>,
): Promise<ComponentConfig<ReceiverFactory> | undefined> {
  if ((role !== 'agent' && role !== 'up') || process.platform !== 'linux') return undefined;
  const receivers = raw.receivers && typeof raw.receivers === 'object' ? raw.receivers : {};
  if (Object.keys(receivers).some((key) => key.split('/')[0] === 'hostmetrics')) return undefined;
  const factory = (await builtinRegistryFor({ receivers: { hostmetrics: {} } })).get(
    'receiver',
    'hostmetrics',
  );
  if (!factory) return undefined;
  return { id: parseComponentId('hostmetrics'), factory, config: factory.configSchema.parse({}) };
}

export function toYaml(raw: unknown): string {
  return stringify(raw, { lineWidth: 0, aliasDuplicateObjects: false });
}
