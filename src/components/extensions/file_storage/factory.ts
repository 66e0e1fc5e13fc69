// `file_storage`: gives components (persistent exporter queues, later log checkpoints) a
// private directory each, under `directory` (default `<data-dir>/file_storage`). The Collector
// stores bbolt files here; our components keep their own files, so the bbolt-specific
// `compaction` options are accepted for compatibility and have no effect.
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { duration, section } from '../../../config/schema-helpers.ts';
import type {
  ComponentId,
  ComponentKind,
  ExtensionFactory,
  StorageProvider,
} from '../../../pipeline/component.ts';

const configSchema = section({
  directory: z.string().min(1).optional(),
  /** Ours defaults to true: a fresh node should not fail because a directory is missing. */
  create_directory: z.boolean().default(true),
  fsync: z.boolean().default(false),
  timeout: duration().default(1000),
  compaction: section({
    on_start: z.boolean().default(false),
    on_rebound: z.boolean().default(false),
    directory: z.string().optional(),
    max_transaction_size: z.number().int().default(65536),
    rebound_needed_threshold_mib: z.number().int().default(100),
    rebound_trigger_threshold_mib: z.number().int().default(10),
    check_interval: duration().default(5000),
    cleanup_on_start: z.boolean().default(false),
  }).optional(),
});
export type FileStorageConfig = z.infer<typeof configSchema>;

/** File-name-safe form of a component id, as the Collector escapes it (`~XXXX` for other bytes). */
export function safeName(s: string): string {
  return s.replace(
    /[^A-Za-z0-9._-]/g,
    (c) => `~${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`,
  );
}

export const factory: ExtensionFactory<FileStorageConfig> = {
  kind: 'extension',
  type: 'file_storage',
  configSchema,
  create(settings, config) {
    const root = config.directory ?? join(settings.dataDir, 'file_storage');
    const storage: StorageProvider = {
      fsync: config.fsync,
      async directoryFor(kind: ComponentKind, id: ComponentId, signal?: string) {
        const name = [kind, id.type, id.name, signal]
          .filter(Boolean)
          .map((p) => safeName(p!))
          .join('_');
        const dir = join(root, name);
        await mkdir(dir, { recursive: true });
        return dir;
      },
    };
    return {
      storage,
      async start() {
        try {
          if (config.create_directory) await mkdir(root, { recursive: true });
          else if (!(await stat(root)).isDirectory())
            throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
        } catch (e) {
          const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
          throw new Error(
            `cannot use storage directory ${root}: ${why} (create it, or set create_directory: true)`,
            { cause: e },
          );
        }
        settings.logger.debug({ directory: root }, 'file storage ready');
      },
      async shutdown() {},
    };
  },
};
