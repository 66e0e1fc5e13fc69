// node_exporter's `netdev` collector (stub: being written).
import type { HostCollector } from '../types.ts';

export const netdevCollector: HostCollector = {
  name: 'netdev',
  collect: () => Promise.resolve([]),
};
