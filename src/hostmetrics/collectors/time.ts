// node_exporter's `time` collector (v1.9.1, Linux), gauges:
//   node_time_seconds                       the collection's wall-clock time, seconds since the epoch
//   node_time_zone_offset_seconds{time_zone}   the local zone's offset east of UTC and its
//                                           abbreviation (timezone.ts: Go's rules; the host's
//                                           /etc/localtime under root_path)
//   node_time_clocksource_available_info{clocksource,device}   1 per available clocksource
//   node_time_clocksource_current_info{clocksource,device}     1 for the current one
// The clocksources come from <sys>/devices/system/clocksource/clocksource[0-9]*, in byte order;
// "device" is the directory's POSITION in that order ("0", "1", ...), as upstream numbers them,
// not the number in its name. available_clocksource is split on whitespace, current_clocksource
// trimmed.
// A clocksource directory whose two files cannot be read fails the collector, as upstream
// (upstream still exposes the families produced before; here the throw drops them).
import { join } from 'node:path';
import { family } from '../../metricfamily/family.ts';
import type { Family } from '../../metricfamily/family.ts';
import { orderLikeGatherer } from '../gather-order.ts';
import { goFields, listDir, readAttribute } from '../read.ts';
import type { CollectContext, HostCollector } from '../types.ts';
import { LocalZone } from './timezone.ts';

const CLOCKSOURCE_RE = /^clocksource[0-9]/;

export interface Clocksource {
  available: string[];
  current: string;
}

/** The clocksources in upstream's order; throws when one's files cannot be read. */
export function readClocksources(sys: string): Clocksource[] {
  const dir = join(sys, 'devices', 'system', 'clocksource');
  const out: Clocksource[] = [];
  for (const name of listDir(dir)
    .filter((n) => CLOCKSOURCE_RE.test(n))
    .sort()) {
    const available = readAttribute(join(dir, name, 'available_clocksource'));
    const current = readAttribute(join(dir, name, 'current_clocksource'));
    if (available === undefined || current === undefined)
      throw new Error(`couldn't get clocksources: cannot read ${join(dir, name)}`);
    out.push({ available: goFields(available), current });
  }
  return out;
}

export function createTimeCollector(env: NodeJS.ProcessEnv = process.env): HostCollector {
  const zone = new LocalZone(env);
  function collect(ctx: CollectContext): Family[] {
    const nowSec = ctx.nowMs / 1000;
    const now = family('node_time_seconds', 'gauge', 'System time in seconds since epoch (1970).');
    now.samples.push({ labels: [], value: nowSec });
    const z = zone.at(ctx.paths.rootfs, Math.floor(nowSec));
    const offset = family('node_time_zone_offset_seconds', 'gauge', 'System time zone offset in seconds.');
    offset.samples.push({ labels: [['time_zone', z.name]], value: z.offset });

    const available = family(
      'node_time_clocksource_available_info',
      'gauge',
      "Available clocksources read from '/sys/devices/system/clocksource'.",
    );
    const current = family(
      'node_time_clocksource_current_info',
      'gauge',
      "Current clocksource read from '/sys/devices/system/clocksource'.",
    );
    readClocksources(ctx.paths.sys).forEach((cs, i) => {
      const device = String(i);
      for (const a of cs.available)
        available.samples.push({
          labels: [
            ['clocksource', a],
            ['device', device],
          ],
          value: 1,
        });
      current.samples.push({
        labels: [
          ['clocksource', cs.current],
          ['device', device],
        ],
        value: 1,
      });
    });
    return orderLikeGatherer([now, offset, available, current].filter((f) => f.samples.length > 0));
  }
  return { name: 'time', collect: async (ctx) => collect(ctx) };
}

export const timeCollector: HostCollector = createTimeCollector();
