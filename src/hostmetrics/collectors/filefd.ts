// node_exporter's `filefd` collector (stub: being written).
import type { HostCollector } from '../types.ts';

export const filefdCollector: HostCollector = {
  name: 'filefd',
  collect: () => Promise.resolve([]),
};
