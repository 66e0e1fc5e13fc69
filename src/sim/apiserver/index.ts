// The simulator's API server part: what the CLI (`watchingcat sim`) and the other parts use.
export {
  ObjectStore,
  type Change,
  type ObjectStoreOptions,
  type ListOptions,
  type ListResult,
} from './store.ts';
export { startApiServer, type ApiServer, type ApiServerOptions } from './server.ts';
export { seedObjects, type SeedOptions } from './seed.ts';
export type { WatchStats } from './watch.ts';
