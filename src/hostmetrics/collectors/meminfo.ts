// node_exporter's `meminfo` collector (stub: being written).
import type { HostCollector } from '../types.ts';

export const meminfoCollector: HostCollector = {
  name: 'meminfo',
  collect: () => Promise.resolve([]),
};
