// node_exporter's `stat` collector (stub: being written).
import type { HostCollector } from '../types.ts';

export const statCollector: HostCollector = {
  name: 'stat',
  collect: () => Promise.resolve([]),
};
