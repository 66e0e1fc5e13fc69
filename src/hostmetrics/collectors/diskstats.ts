// node_exporter's `diskstats` collector (v1.9.1, Linux, default flags): node_disk_* from
// /proc/diskstats, node_disk_info from sysfs and udev, and the udev-derived filesystem,
// device-mapper and ATA families.
//
// Semantics kept from node_exporter (collector/diskstats_linux.go, procfs blockdevice):
// - Devices matching the default exclude regex are skipped before anything else is read.
// - Sectors are the kernel's fixed 512-byte units (block/stat.rst), times are milliseconds;
//   values are computed as Go does (float64(x) * 512, float64(x) * 0.001) so they are
//   bit-identical. node_disk_discarded_sectors_total stays in sectors, as upstream has it.
// - A line's counters are emitted only as far as the kernel wrote them (11, 15 or 17), so the
//   discard and flush families exist exactly when the kernel has them.
// - node_disk_info's `rotational` comes from procfs's SysBlockDeviceQueueStats, which reads ~35
//   queue/ attributes and yields zero values if ANY is missing or unparsable: a device without,
//   e.g., queue/io_timeout (virtio-blk has none) reports rotational="0" whatever
//   queue/rotational says. We reproduce that, since dashboards compare against node_exporter.
//   The value is written in base 2 (strconv.FormatUint(v, 2)).
// - udev properties come from <root>/run/udev/data/b<major>:<minor> (node_exporter's
//   --path.udev.data, /run/udev/data; we put it under root_path like the rest of the host).
//   A missing file means empty labels, not an error.
// Deliberate difference: a malformed /proc/diskstats line is skipped; node_exporter fails the
// whole collector on it.
import { join } from 'node:path';
import { family } from '../../metricfamily/family.ts';
import type { Family, FamilyType, Labels } from '../../metricfamily/family.ts';
import { orderLikeGatherer } from '../gather-order.ts';
import {
  parseGoFloat,
  readAttribute,
  readFileResult,
  readIntAttribute,
  readText,
  readUintAttribute,
} from '../read.ts';
import type { CollectContext, HostCollector, HostPaths } from '../types.ts';
import { parseDiskstats, parseUdevData } from './diskstats-parse.ts';
import { statelessRegExp } from './filters.ts';

/** node_exporter's --collector.diskstats.device-exclude default (1.9.1). */
export const DISKSTATS_DEFAULT_DEVICE_EXCLUDE = /^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$/;

const UNIX_SECTOR_SIZE = 512;
const SECONDS_PER_TICK = 1 / 1000;

interface StatDesc {
  name: string;
  help: string;
  type: FamilyType;
  /** Multiplier applied as float64(value) * scale. */
  scale: number;
}

// In /proc/diskstats field order: the i-th counter after the device name feeds STATS[i].
const STATS: readonly StatDesc[] = [
  {
    name: 'reads_completed_total',
    help: 'The total number of reads completed successfully.',
    type: 'counter',
    scale: 1,
  },
  { name: 'reads_merged_total', help: 'The total number of reads merged.', type: 'counter', scale: 1 },
  {
    name: 'read_bytes_total',
    help: 'The total number of bytes read successfully.',
    type: 'counter',
    scale: UNIX_SECTOR_SIZE,
  },
  {
    name: 'read_time_seconds_total',
    help: 'The total number of seconds spent by all reads.',
    type: 'counter',
    scale: SECONDS_PER_TICK,
  },
  {
    name: 'writes_completed_total',
    help: 'The total number of writes completed successfully.',
    type: 'counter',
    scale: 1,
  },
  { name: 'writes_merged_total', help: 'The number of writes merged.', type: 'counter', scale: 1 },
  {
    name: 'written_bytes_total',
    help: 'The total number of bytes written successfully.',
    type: 'counter',
    scale: UNIX_SECTOR_SIZE,
  },
  {
    name: 'write_time_seconds_total',
    help: 'This is the total number of seconds spent by all writes.',
    type: 'counter',
    scale: SECONDS_PER_TICK,
  },
  { name: 'io_now', help: 'The number of I/Os currently in progress.', type: 'gauge', scale: 1 },
  {
    name: 'io_time_seconds_total',
    help: 'Total seconds spent doing I/Os.',
    type: 'counter',
    scale: SECONDS_PER_TICK,
  },
  {
    name: 'io_time_weighted_seconds_total',
    help: 'The weighted # of seconds spent doing I/Os.',
    type: 'counter',
    scale: SECONDS_PER_TICK,
  },
  {
    name: 'discards_completed_total',
    help: 'The total number of discards completed successfully.',
    type: 'counter',
    scale: 1,
  },
  { name: 'discards_merged_total', help: 'The total number of discards merged.', type: 'counter', scale: 1 },
  {
    name: 'discarded_sectors_total',
    help: 'The total number of sectors discarded successfully.',
    type: 'counter',
    scale: 1,
  },
  {
    name: 'discard_time_seconds_total',
    help: 'This is the total number of seconds spent by all discards.',
    type: 'counter',
    scale: SECONDS_PER_TICK,
  },
  // Upstream's help text has no final period.
  {
    name: 'flush_requests_total',
    help: 'The total number of flush requests completed successfully',
    type: 'counter',
    scale: 1,
  },
  {
    name: 'flush_requests_time_seconds_total',
    help: 'This is the total number of seconds spent by all flush requests.',
    type: 'counter',
    scale: SECONDS_PER_TICK,
  },
];

// udev property → ATA family, each emitted only when the property is present and a valid float.
const ATA: readonly (readonly [prop: string, name: string, help: string])[] = [
  ['ID_ATA_WRITE_CACHE', 'node_disk_ata_write_cache', 'ATA disk has a write cache.'],
  [
    'ID_ATA_WRITE_CACHE_ENABLED',
    'node_disk_ata_write_cache_enabled',
    'ATA disk has its write cache enabled.',
  ],
  [
    'ID_ATA_ROTATION_RATE_RPM',
    'node_disk_ata_rotation_rate_rpm',
    'ATA disk rotation rate in RPMs (0 for SSDs).',
  ],
];

// The queue/ attributes procfs's SysBlockDeviceQueueStats requires (procfs 0.15.x, the version
// node_exporter 1.9.1 pins); `rotational` first, since it is the one we want.
const QUEUE_UINT_FILES = [
  'rotational',
  'add_random',
  'dax',
  'discard_granularity',
  'discard_max_hw_bytes',
  'discard_max_bytes',
  'hw_sector_size',
  'io_poll',
  'io_timeout',
  'iostats',
  'logical_block_size',
  'max_hw_sectors_kb',
  'max_integrity_segments',
  'max_sectors_kb',
  'max_segments',
  'max_segment_size',
  'minimum_io_size',
  'nomerges',
  'nr_requests',
  'optimal_io_size',
  'physical_block_size',
  'read_ahead_kb',
  'rq_affinity',
  'write_same_max_bytes',
  'nr_zones',
  'chunk_sectors',
  'fua',
  'max_discard_segments',
  'write_zeroes_max_bytes',
] as const;
const QUEUE_INT_FILES = ['io_poll_delay', 'wbt_lat_usec'] as const;
const QUEUE_STRING_FILES = ['write_cache', 'zoned', 'scheduler'] as const;

/**
 * queue/rotational as node_exporter reports it: the value when every attribute procfs requires
 * is readable and parses, else 0 (procfs returns a zero BlockQueueStats on any error).
 */
export function queueRotational(sys: string, device: string): number {
  const dir = join(sys, 'block', device, 'queue');
  let rotational = 0;
  for (const file of QUEUE_UINT_FILES) {
    const v = readUintAttribute(join(dir, file));
    if (v === undefined) return 0;
    if (file === 'rotational') rotational = v;
  }
  for (const file of QUEUE_INT_FILES) if (readIntAttribute(join(dir, file)) === undefined) return 0;
  for (const file of QUEUE_STRING_FILES) if (readAttribute(join(dir, file)) === undefined) return 0;
  return rotational;
}

/** The udev properties of block device major:minor; empty when udev has no record. */
function udevProperties(paths: HostPaths, major: number, minor: number): Map<string, string> {
  const text = readText(join(paths.rootfs, 'run', 'udev', 'data', `b${major}:${minor}`), 1 << 20);
  return text === undefined ? new Map() : parseUdevData(text);
}

export interface DiskstatsOptions {
  /** Devices to skip (node_exporter's --collector.diskstats.device-exclude). */
  deviceExclude?: RegExp;
}

export function createDiskstatsCollector(opts: DiskstatsOptions = {}): HostCollector {
  const exclude = statelessRegExp(opts.deviceExclude ?? DISKSTATS_DEFAULT_DEVICE_EXCLUDE);
  return {
    name: 'diskstats',
    // async: a throw becomes a rejection, never a synchronous exception.
    collect: async (ctx: CollectContext) => collectDiskstats(ctx.paths, exclude),
  };
}

function collectDiskstats(paths: HostPaths, exclude: RegExp): Family[] {
  const read = readFileResult(join(paths.proc, 'diskstats'));
  if (!read.ok)
    throw new Error(`couldn't get diskstats: ${read.code} reading ${join(paths.proc, 'diskstats')}`);
  const statFamilies = STATS.map((d) => family(`node_disk_${d.name}`, d.type, d.help));
  const info = family('node_disk_info', 'gauge', 'Info of /sys/block/<block_device>.');
  const fsInfo = family('node_disk_filesystem_info', 'gauge', 'Info about disk filesystem.');
  const dmInfo = family('node_disk_device_mapper_info', 'gauge', 'Info about disk device mapper.');
  const ata = ATA.map(([, name, help]) => family(name, 'gauge', help));

  for (const row of parseDiskstats(read.text)) {
    const dev = row.device;
    if (exclude.test(dev)) continue;
    const udev = udevProperties(paths, row.major, row.minor);
    const prop = (k: string): string => udev.get(k) ?? '';
    // SCSI_IDENT_SERIAL is usually the serial printed on the disk label; ID_SERIAL_SHORT otherwise.
    const serial = prop('SCSI_IDENT_SERIAL') || prop('ID_SERIAL_SHORT');
    const device: Labels = [['device', dev]];
    info.samples.push({
      labels: [
        ['device', dev],
        ['major', String(row.major)],
        ['minor', String(row.minor)],
        ['model', prop('ID_MODEL')],
        ['path', prop('ID_PATH')],
        ['revision', prop('ID_REVISION')],
        ['rotational', queueRotational(paths.sys, dev).toString(2)],
        ['serial', serial],
        ['wwn', prop('ID_WWN')],
      ],
      value: 1,
    });
    for (let i = 0; i < row.stats.length; i++) {
      statFamilies[i]!.samples.push({ labels: device, value: row.stats[i]! * STATS[i]!.scale });
    }
    const fsType = prop('ID_FS_TYPE');
    if (fsType !== '') {
      fsInfo.samples.push({
        labels: [
          ['device', dev],
          ['type', fsType],
          ['usage', prop('ID_FS_USAGE')],
          ['uuid', prop('ID_FS_UUID')],
          ['version', prop('ID_FS_VERSION')],
        ],
        value: 1,
      });
    }
    const dmName = prop('DM_NAME');
    if (dmName !== '') {
      dmInfo.samples.push({
        labels: [
          ['device', dev],
          ['lv_layer', prop('DM_LV_LAYER')],
          ['lv_name', prop('DM_LV_NAME')],
          ['name', dmName],
          ['uuid', prop('DM_UUID')],
          ['vg_name', prop('DM_VG_NAME')],
        ],
        value: 1,
      });
    }
    if (prop('ID_ATA') !== '') {
      for (let i = 0; i < ATA.length; i++) {
        const raw = udev.get(ATA[i]![0]);
        const v = raw === undefined ? undefined : parseGoFloat(raw);
        if (v !== undefined) ata[i]!.samples.push({ labels: device, value: v });
      }
    }
  }
  return orderLikeGatherer(
    [...statFamilies, info, fsInfo, dmInfo, ...ata].filter((f) => f.samples.length > 0),
  );
}

export const diskstatsCollector: HostCollector = createDiskstatsCollector();
