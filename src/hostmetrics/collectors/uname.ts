// node_exporter's `uname` collector (stub: being written).
import type { HostCollector } from '../types.ts';

export const unameCollector: HostCollector = {
  name: 'uname',
  collect: () => Promise.resolve([]),
};
