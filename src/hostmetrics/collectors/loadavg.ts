// node_exporter's `loadavg` collector (stub: being written).
import type { HostCollector } from '../types.ts';

export const loadavgCollector: HostCollector = {
  name: 'loadavg',
  collect: () => Promise.resolve([]),
};
