// `debug`: writes what it receives to the log, for trying pipelines out. `verbosity: basic`
// logs one line per batch with counts, `normal` also one line per item, `detailed` a full
// dump. Batches are sampled per second (`sampling_initial`, `sampling_thereafter`). No queue:
// consume() resolves once written. With `use_internal_logger: false` the text goes to stdout
// instead of the component's log on stderr, as in the Collector.
import { z } from 'zod';
import { section } from '../../../config/schema-helpers.ts';
import { SIGNALS, type Signal } from '../../../model/common.ts';
import { itemCount, type SignalData } from '../../../model/signal.ts';
import type { ExporterFactory } from '../../../pipeline/component.ts';
import { dump, itemLines, summary } from './format.ts';
import { Sampler } from './sampler.ts';

const configSchema = section({
  verbosity: z.enum(['basic', 'normal', 'detailed']).default('basic'),
  sampling_initial: z.number().int().min(1).default(2),
  sampling_thereafter: z.number().int().min(1).default(1),
  use_internal_logger: z.boolean().default(true),
});
export type DebugExporterConfig = z.infer<typeof configSchema>;

const TITLE: Record<Signal, string> = { traces: 'Traces', metrics: 'Metrics', logs: 'Logs' };

export const factory: ExporterFactory<DebugExporterConfig> = {
  kind: 'exporter',
  type: 'debug',
  signals: SIGNALS,
  configSchema,
  create(settings, config) {
    const sampler = new Sampler(config.sampling_initial, config.sampling_thereafter);
    const logger = settings.logger;
    const write = (signal: Signal, data: SignalData): void => {
      const counts = summary(signal, data);
      if (!config.use_internal_logger) {
        const parts = [`${TITLE[signal]} ${JSON.stringify(counts)}`];
        if (config.verbosity === 'normal') parts.push(...itemLines(signal, data));
        if (config.verbosity === 'detailed') parts.push(dump(signal, data));
        process.stdout.write(`${parts.join('\n')}\n`);
        return;
      }
      logger.info({ signal, ...counts }, TITLE[signal]);
      if (config.verbosity === 'normal') {
        for (const line of itemLines(signal, data)) logger.info({ signal }, line);
      } else if (config.verbosity === 'detailed') {
        logger.info({ signal }, dump(signal, data));
      }
    };
    return {
      consumer<S extends Signal>(signal: S) {
        return {
          async consume(data: SignalData<S>) {
            if (sampler.sample()) write(signal, data);
            // Counted as sent whether or not sampling showed it: the exporter accepted it.
            settings.telemetry.sent(signal, itemCount(signal, data));
          },
        };
      },
      async start() {
        settings.logger.debug({ verbosity: config.verbosity }, 'debug exporter started');
      },
      async shutdown() {},
    };
  },
};
