// node_exporter's `diskstats` collector (stub: being written).
import type { HostCollector } from '../types.ts';

export const diskstatsCollector: HostCollector = {
  name: 'diskstats',
  collect: () => Promise.resolve([]),
};
