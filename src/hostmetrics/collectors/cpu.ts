// node_exporter's `cpu` collector (stub: being written).
import type { HostCollector } from '../types.ts';

export const cpuCollector: HostCollector = {
  name: 'cpu',
  collect: () => Promise.resolve([]),
};
