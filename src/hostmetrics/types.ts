// The contract between the host-metrics collectors and the `hostmetrics` receiver.
//
// Each collector mirrors one of node_exporter's default Linux collectors (same name) and reads
// the host through the paths below, as node_exporter's --path.procfs / --path.sysfs /
// --path.rootfs do: in a container the host's / is mounted at /hostfs and root_path points there.
import type { Family } from '../metricfamily/family.ts';

export interface HostPaths {
  /** The host's procfs, `<root_path>/proc` by default. */
  proc: string;
  /** The host's sysfs, `<root_path>/sys` by default. */
  sys: string;
  /** The host's root filesystem (mount points in mountinfo are relative to it). */
  rootfs: string;
}

export interface CollectContext {
  paths: HostPaths;
  /** Wall-clock time of this collection, milliseconds since the epoch. */
  nowMs: number;
}

export interface HostCollector {
  /** node_exporter's collector name: cpu, meminfo, diskstats, ... */
  readonly name: string;
  /**
   * Reads the host and returns this collector's families (empty ones are not rendered).
   * Contract: a missing or unreadable source file makes the collector return what it could read
   * and throw only for a fault worth reporting (node_exporter's node_scrape_collector_success=0);
   * it never leaves the process in a bad state, and malformed file content is skipped line by line.
   */
  collect(ctx: CollectContext): Promise<Family[]>;
}
