// A small registry of fake components for configuration tests: real schemas, no behaviour.
import { z } from 'zod';
import type { AnyFactory } from '../../pipeline/component.ts';
import { Registry } from '../../pipeline/registry.ts';
import { duration, hostPort, section } from '../schema-helpers.ts';

const noop = { async start() {}, async shutdown() {} };

export function fakeRegistry(): Registry {
  return new Registry([
    {
      kind: 'receiver',
      type: 'otlp',
      signals: ['traces', 'metrics', 'logs'],
      configSchema: section({
        endpoint: z.string().default('0.0.0.0:4318'),
        protocols: section({ http: section({ endpoint: hostPort().default('0.0.0.0:4318') }).optional() }).optional(),
      }),
      create: () => noop,
    },
    {
      kind: 'receiver',
      type: 'tracesonly',
      signals: ['traces'],
      configSchema: section({}),
      create: () => noop,
    },
    {
      kind: 'processor',
      type: 'batch',
      signals: ['traces', 'metrics', 'logs'],
      mutatesData: false,
      configSchema: section({
        timeout: duration().default(200),
        send_batch_size: z.number().int().positive().default(8192),
      }),
      create: () => ({ ...noop, consume: async () => {} }),
    },
    {
      kind: 'exporter',
      type: 'debug',
      signals: ['traces', 'metrics', 'logs'],
      configSchema: section({ verbosity: z.enum(['basic', 'normal', 'detailed']).default('basic') }),
      create: () => ({ ...noop, consumer: () => ({ consume: async () => {} }) }),
    },
  ] as AnyFactory[]);
}
