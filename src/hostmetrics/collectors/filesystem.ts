// node_exporter's `filesystem` collector (stub: being written).
import type { HostCollector } from '../types.ts';

export const filesystemCollector: HostCollector = {
  name: 'filesystem',
  collect: () => Promise.resolve([]),
};
