// What every route module receives from buildApi.
import type { Storage } from '../storage/connection.ts';
import type { Logger } from '../telemetry/logger.ts';

export interface ApiContext {
  storage: Storage;
  logger: Logger;
  /** The clock, in nanoseconds since the epoch. */
  now: () => bigint;
}
