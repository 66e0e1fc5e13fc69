// node_exporter's `netstat` collector (stub: being written).
import type { HostCollector } from '../types.ts';

export const netstatCollector: HostCollector = {
  name: 'netstat',
  collect: () => Promise.resolve([]),
};
