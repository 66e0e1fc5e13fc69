// Resolves what a role will run: the file (or the role's defaults), flags on top, validated.
import { stringify } from 'yaml';
import { builtinRegistryFor } from '../components/index.ts';
import { parseConfigText, readConfigFile, resolveConfig, type ResolvedConfig } from '../config/load.ts';
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
  const resolved = resolveConfig(raw, await builtinRegistryFor(raw), locate, source);
  return { resolved, raw, notes: [...notes, ...resolved.warnings], source };
}

export function toYaml(raw: unknown): string {
  return stringify(raw, { lineWidth: 0, aliasDuplicateObjects: false });
}
