import { z } from 'zod';
import { duration, section } from '../../../config/schema-helpers.ts';

export const configSchema = section({
  /** Send when this many items are buffered (a trigger, not a cap). */
  send_batch_size: z.number().int().nonnegative().default(8192),
  /** Send at the latest this long after the first item arrived; 0 sends every request at once. */
  timeout: duration().default(200),
  /** Split batches larger than this (0 = no cap); must be ≥ send_batch_size. */
  send_batch_max_size: z.number().int().nonnegative().default(0),
  /** One batch per distinct combination of these request metadata values (e.g. tenant). */
  metadata_keys: z.array(z.string().min(1)).default([]),
  metadata_cardinality_limit: z.number().int().positive().default(1000),
}).refine((c) => c.send_batch_max_size === 0 || c.send_batch_max_size >= c.send_batch_size, {
  message: 'send_batch_max_size must be 0 or at least send_batch_size',
  path: ['send_batch_max_size'],
});
export type BatchConfig = z.infer<typeof configSchema>;
