// `hostmetrics` receiver configuration. Options:
//   collection_interval  how often the families (and the summary) are pushed as OTLP; default
//                        30s. Scrapes of /metrics/node collect at scrape time regardless, as
//                        node_exporter does.
//   initial_delay        the first push waits this long after start (default 1s), as the
//                        Collector's scrapers; the first push has no node_cpu_utilization yet.
//   root_path            where the host's / is mounted (/hostfs in a DaemonSet), like
//                        node_exporter's --path.rootfs; /proc and /sys are read below it. Default
//                        service.host.root_path (--root-path), else "/".
//   collectors           node_exporter collector names to run; default all of them.
//   filesystem           mount_points_exclude, fs_types_exclude (regular expressions, default
//                        node_exporter's), mount_timeout (a statfs slower than this marks the
//                        mount point stuck; default 5s).
//   diskstats            device_exclude (default node_exporter's).
//   netdev               device_include or device_exclude (exclusive; default none).
//   netstat              fields: which Proto_Field counters (default node_exporter's).
//   exposition           serve /metrics/node (and in /metrics); default true.
//   summary              push node_cpu_utilization, node_memory_usage_bytes, node_disk_io_bytes,
//                        node_network_io_bytes, node_filesystem_usage_bytes and node_load_* with
//                        the families; default true.
// Regular expressions are matched anywhere in the name unless anchored, as node_exporter's flags
// (Go's regexp.MatchString); an empty string means "not set", as an empty flag does.
import { z } from 'zod';
import { duration, section } from '../../../config/schema-helpers.ts';
import { HOST_COLLECTORS } from '../../../hostmetrics/collectors/index.ts';

export const COLLECTOR_NAMES: readonly string[] = HOST_COLLECTORS.map((c) => c.name);

/** An optional regular expression; "" is unset. */
const regex = () =>
  z
    .string()
    .transform((s, ctx) => {
      if (s === '') return undefined;
      try {
        return new RegExp(s);
      } catch (e) {
        ctx.addIssue({
          code: 'custom',
          message: `invalid regular expression "${s}": ${(e as Error).message}`,
        });
        return z.NEVER;
      }
    })
    .optional();

export const configSchema = section({
  collection_interval: duration().default(30_000),
  initial_delay: duration().default(1_000),
  root_path: z.string().min(1).optional(),
  collectors: z
    .array(z.enum(COLLECTOR_NAMES as [string, ...string[]]))
    .default([...COLLECTOR_NAMES])
    .refine((l) => new Set(l).size === l.length, { message: 'a collector is listed twice' }),
  filesystem: section({
    mount_points_exclude: regex(),
    fs_types_exclude: regex(),
    mount_timeout: duration().default(5_000),
  }).default({ mount_timeout: 5_000 }),
  diskstats: section({ device_exclude: regex() }).default({}),
  netdev: section({ device_include: regex(), device_exclude: regex() })
    .refine((n) => n.device_include === undefined || n.device_exclude === undefined, {
      message: 'device_include and device_exclude are exclusive: set one of them',
    })
    .default({}),
  netstat: section({ fields: regex() }).default({}),
  exposition: z.boolean().default(true),
  summary: z.boolean().default(true),
}).refine((c) => c.collection_interval >= 1000, {
  message: 'collection_interval must be at least 1s',
  path: ['collection_interval'],
});

export type HostMetricsConfig = z.infer<typeof configSchema>;
