// node_exporter's `vmstat` collector (stub: being written).
import type { HostCollector } from '../types.ts';

export const vmstatCollector: HostCollector = {
  name: 'vmstat',
  collect: () => Promise.resolve([]),
};
