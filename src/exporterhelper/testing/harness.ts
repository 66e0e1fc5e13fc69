// Test support: create settings, a host with stub extensions, a storage provider on a temp
// directory, and reading the exporter's own counters.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseComponentId } from '../../pipeline/component.ts';
import type {
  Authenticator,
  ComponentId,
  ComponentKind,
  CreateSettings,
  Extension,
  Host,
  StorageProvider,
} from '../../pipeline/component.ts';
import { ExpositionRegistry } from '../../telemetry/exposition.ts';
import { silentLogger } from '../../telemetry/logger.ts';
import { SelfMetrics } from '../../telemetry/self-metrics.ts';

export interface Harness {
  settings: CreateSettings;
  metrics: SelfMetrics;
  /** Sum of an exporter counter (without prefix/suffix, e.g. "sent_items") over matching labels. */
  counter(name: string, labels?: Record<string, string>): Promise<number>;
  /** The value of an exporter gauge (e.g. "queue_capacity") at scrape time. */
  gauge(name: string): Promise<number | undefined>;
}

export function harness(id = 'otlphttp', dataDir = '/nonexistent'): Harness {
  const metrics = new SelfMetrics({ processMetrics: false });
  const settings: CreateSettings = {
    id: parseComponentId(id),
    kind: 'exporter',
    logger: silentLogger(),
    telemetry: metrics.forComponent('exporter', id),
    dataDir,
  };
  return {
    settings,
    metrics,
    async counter(name, labels = {}) {
      const m = metrics.registry.getSingleMetric(`watchingcat_exporter_${name}_total`);
      if (!m) return 0;
      const { values } = await m.get();
      return values
        .filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))
        .reduce((a, v) => a + v.value, 0);
    },
    async gauge(name) {
      await metrics.exposition(); // runs the refreshers
      const m = metrics.registry.getSingleMetric(`watchingcat_exporter_${name}`);
      if (!m) return undefined;
      const { values } = await m.get();
      return values[0]?.value;
    },
  };
}

export function host(extensions: Record<string, Extension> = {}): Host {
  return {
    getExtension: (id) => extensions[id],
    isReady: () => true,
    exposition: new ExpositionRegistry(),
  };
}

/** A storage extension whose directories live under `root`. */
export function storageExtension(root: string, fsync = false): Extension {
  const storage: StorageProvider = {
    fsync,
    async directoryFor(kind: ComponentKind, id: ComponentId, signal?: string) {
      const dir = join(root, [kind, id.type, id.name, signal].filter(Boolean).join('_'));
      await mkdir(dir, { recursive: true });
      return dir;
    },
  };
  return { storage, async start() {}, async shutdown() {} };
}

/** An authenticator extension that adds `authorization: Bearer <token>`. */
export function bearerExtension(token: string): Extension {
  const authenticator: Authenticator = {
    authenticate: (v) => v === `Bearer ${token}`,
    clientHeaders: () => ({ authorization: `Bearer ${token}` }),
  };
  return { authenticator, async start() {}, async shutdown() {} };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function waitFor(
  what: string,
  cond: () => boolean | Promise<boolean>,
  ms = 5000,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
