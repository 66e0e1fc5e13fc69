import { z } from 'zod';
import { duration, section } from '../../../config/schema-helpers.ts';

export const configSchema = section({
  /** How often memory is measured. The Collector requires it; we default to 1s so the seed configs are valid. */
  check_interval: duration().default(1000),
  limit_mib: z.number().int().positive().optional(),
  spike_limit_mib: z.number().int().nonnegative().optional(),
  limit_percentage: z.number().int().min(1).max(100).optional(),
  spike_limit_percentage: z.number().int().min(0).max(100).optional(),
})
  .refine((c) => c.check_interval > 0, {
    message: 'check_interval must be greater than 0',
    path: ['check_interval'],
  })
  .refine((c) => c.limit_mib !== undefined || c.limit_percentage !== undefined, {
    message: 'set limit_mib (MiB) or limit_percentage (of the container or machine memory)',
    path: ['limit_mib'],
  })
  .refine((c) => !(c.limit_mib !== undefined && c.limit_percentage !== undefined), {
    message: 'set either limit_mib or limit_percentage, not both',
    path: ['limit_percentage'],
  })
  .refine(
    (c) => c.spike_limit_mib === undefined || c.limit_mib === undefined || c.spike_limit_mib < c.limit_mib,
    {
      message: 'spike_limit_mib must be smaller than limit_mib',
      path: ['spike_limit_mib'],
    },
  )
  .refine(
    (c) =>
      c.spike_limit_percentage === undefined ||
      c.limit_percentage === undefined ||
      c.spike_limit_percentage < c.limit_percentage,
    {
      message: 'spike_limit_percentage must be smaller than limit_percentage',
      path: ['spike_limit_percentage'],
    },
  );
export type MemoryLimiterConfig = z.infer<typeof configSchema>;
