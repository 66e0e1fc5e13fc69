// node_exporter's `sockstat` collector (stub: being written).
import type { HostCollector } from '../types.ts';

export const sockstatCollector: HostCollector = {
  name: 'sockstat',
  collect: () => Promise.resolve([]),
};
