// The configured collectors: the enabled ones, in node_exporter's names, each given its options.
// Collectors with options or with state across scrapes (the filesystem collector's per-mount
// statfs guard, the cpu collector's last reported times) are built per receiver; the others are
// the shared instances.
import { createCpuCollector } from '../../../hostmetrics/collectors/cpu.ts';
import { createDiskstatsCollector } from '../../../hostmetrics/collectors/diskstats.ts';
import { createFilesystemCollector } from '../../../hostmetrics/collectors/filesystem.ts';
import { HOST_COLLECTORS } from '../../../hostmetrics/collectors/index.ts';
import { createNetdevCollector } from '../../../hostmetrics/collectors/netdev.ts';
import { createNetstatCollector } from '../../../hostmetrics/collectors/netstat.ts';
import type { HostCollector } from '../../../hostmetrics/types.ts';
import type { HostMetricsConfig } from './config.ts';

/** Keeps only the set fields (the collectors read "absent" as "node_exporter's default"). */
function defined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

/** The enabled collectors, in the order HOST_COLLECTORS lists them. */
export function buildCollectors(c: HostMetricsConfig): HostCollector[] {
  const build: Record<string, () => HostCollector> = {
    cpu: () => createCpuCollector(),
    filesystem: () =>
      createFilesystemCollector(
        defined({
          mountPointsExclude: c.filesystem.mount_points_exclude,
          fsTypesExclude: c.filesystem.fs_types_exclude,
          mountTimeoutMs: c.filesystem.mount_timeout,
        }),
      ),
    diskstats: () => createDiskstatsCollector(defined({ deviceExclude: c.diskstats.device_exclude })),
    netdev: () =>
      createNetdevCollector(
        defined({ deviceInclude: c.netdev.device_include, deviceExclude: c.netdev.device_exclude }),
      ),
    netstat: () => createNetstatCollector(defined({ fields: c.netstat.fields })),
  };
  const enabled = new Set(c.collectors);
  return HOST_COLLECTORS.filter((h) => enabled.has(h.name)).map((h) => build[h.name]?.() ?? h);
}
