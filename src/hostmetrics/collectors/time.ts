// node_exporter's `time` collector (stub: being written).
import type { HostCollector } from '../types.ts';

export const timeCollector: HostCollector = {
  name: 'time',
  collect: () => Promise.resolve([]),
};
