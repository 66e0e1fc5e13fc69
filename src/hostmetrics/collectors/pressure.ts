// node_exporter's `pressure` collector (stub: being written).
import type { HostCollector } from '../types.ts';

export const pressureCollector: HostCollector = {
  name: 'pressure',
  collect: () => Promise.resolve([]),
};
