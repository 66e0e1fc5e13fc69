// `filelog` receiver configuration, in the OpenTelemetry Collector filelog receiver's option names
// where they mean the same. Differences from the Collector, and why:
//   - include defaults to the kubelet's pod logs (/var/log/pods/*/*/*.log, under root_path): the
//     agent's job on a node; the Collector requires it.
//   - The container parser is built in (CRI and Docker detected per file, partial lines
//     recombined, Kubernetes resource attributes from the path), as the Collector's `container`
//     operator does; there is no operator pipeline.
//   - namespaces / pods / containers: include/exclude shorthands (globs with * and ?) instead of
//     spelling out path globs.
//   - exclude_self (default true): the agent's own pods are not tailed — shipping our own logs
//     through ourselves amplifies every problem we log about.
//   - multiline: automatic stack-trace grouping is on by default (`auto`); the Collector has no
//     automatic mode and groups nothing unless given a pattern.
//   - Checkpoints live in the data directory (--data-dir) unless `storage` names a file_storage
//     extension; the Collector keeps them in memory without one, which loses or repeats lines on
//     every restart.
import { z } from 'zod';
import { byteSize } from '../../../config/byte-size.ts';
import { duration, section } from '../../../config/schema-helpers.ts';

export const DEFAULT_INCLUDE = ['/var/log/pods/*/*/*.log'];

/** A regular expression, checked when the configuration is read. */
const pattern = () =>
  z
    .string()
    .min(1)
    .refine(
      (p) => {
        try {
          new RegExp(p);
          return true;
        } catch {
          return false;
        }
      },
      { message: 'not a valid regular expression (JavaScript syntax)' },
    );

const nameFilter = () =>
  section({
    include: z.array(z.string().min(1)).default([]),
    exclude: z.array(z.string().min(1)).default([]),
  });

export const configSchema = section({
  include: z.array(z.string().min(1)).min(1).default(DEFAULT_INCLUDE),
  exclude: z.array(z.string().min(1)).default([]),
  /** Where files that already existed at the first start (no checkpoints yet) are read from. */
  start_at: z.enum(['end', 'beginning']).default('end'),
  poll_interval: duration().default(200),
  /** Bytes from the start of a file that identify it across renames and restarts. */
  fingerprint_size: byteSize().default(1000),
  /** A longer line or recombined entry is cut at this size (the cut is counted). */
  max_log_size: byteSize().default(1024 * 1024),
  max_concurrent_files: z.number().int().min(1).default(1024),
  /** How long a partial or multi-line entry may wait for its continuation before it is sent. */
  force_flush_period: duration().default(500),
  include_file_name: z.boolean().default(true),
  include_file_path: z.boolean().default(false),
  /** A file_storage extension whose directory keeps the checkpoints (default: the data dir). */
  storage: z.string().min(1).optional(),
  /** Where the host's / is mounted. Default: service.host.root_path, else "/". */
  root_path: z.string().min(1).optional(),
  /**
   * Multi-line entries. auto: stack traces (Java, Python, Go, Node.js, .NET) and indented
   * continuation lines are one record; line_start_pattern / line_end_pattern: the Collector's
   * explicit grouping (instead of auto); auto: false and no pattern: one record per line.
   */
  multiline: section({
    auto: z.boolean().default(true),
    line_start_pattern: pattern().optional(),
    line_end_pattern: pattern().optional(),
    /** An entry with more lines is handed out and the rest starts the next one. */
    max_lines: z.number().int().min(1).default(1000),
  }).refine((m) => !(m.line_start_pattern && m.line_end_pattern), {
    message: 'give line_start_pattern or line_end_pattern, not both',
  }),
  /**
   * This node's pods from the API server (a watch of spec.nodeName=<node>): the annotations
   * watchingcat.io/logs[.<container>]: "false" (opt-out) and watchingcat.io/multiline[.<container>]:
   * auto | off | start:<regex> | end:<regex>, and the node and workload names as resource
   * attributes. Needs the node's name: node_name, else the variable node_from_env_var names
   * (the downward API's spec.nodeName). The agent's defaults set node_name from --node-name.
   */
  pod_metadata: section({
    enabled: z.boolean().default(true),
    node_name: z.string().min(1).optional(),
    node_from_env_var: z.string().min(1).default('K8S_NODE_NAME'),
  }),
  namespaces: nameFilter(),
  pods: nameFilter(),
  containers: nameFilter(),
  exclude_self: z.boolean().default(true),
})
  .refine((c) => c.poll_interval >= 10, {
    message: 'poll_interval must be at least 10ms',
    path: ['poll_interval'],
  })
  .refine((c) => c.fingerprint_size >= 16, {
    message: 'fingerprint_size must be at least 16 bytes',
    path: ['fingerprint_size'],
  })
  .refine((c) => c.max_log_size >= 1024, {
    message: 'max_log_size must be at least 1KiB',
    path: ['max_log_size'],
  });

export type FileLogConfig = z.infer<typeof configSchema>;
