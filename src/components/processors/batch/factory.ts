// `batch`: groups data into larger requests by size or time, with end-to-end acknowledgement
// (see batcher.ts), optional per-metadata batches and a max-size split.
import type { Signal } from '../../../model/common.ts';
import type { SignalData } from '../../../model/signal.ts';
import type { ConsumeContext, Consumer, Processor, ProcessorFactory } from '../../../pipeline/component.ts';
import { PermanentError } from '../../../pipeline/errors.ts';
import { Batcher } from './batcher.ts';
import { configSchema, type BatchConfig } from './config.ts';

export const factory: ProcessorFactory<BatchConfig> = {
  kind: 'processor',
  type: 'batch',
  signals: ['traces', 'metrics', 'logs'],
  mutatesData: false,
  configSchema,
  create<S extends Signal>(_settings: unknown, cfg: BatchConfig, signal: S, next: Consumer<S>): Processor<S> {
    const batchers = new Map<string, Batcher<S>>();
    const keys = cfg.metadata_keys.map((k) => k.toLowerCase());
    const batcherFor = (ctx: ConsumeContext): Batcher<S> => {
      const values = keys.map((k) => ctx.metadata?.[k] ?? '');
      const id = JSON.stringify(values);
      let b = batchers.get(id);
      if (!b) {
        if (keys.length && batchers.size >= cfg.metadata_cardinality_limit) {
          throw new PermanentError(
            `batch: more than metadata_cardinality_limit (${cfg.metadata_cardinality_limit}) distinct values of ${cfg.metadata_keys.join(', ')}`,
          );
        }
        const meta = Object.fromEntries(keys.map((k, i) => [k, values[i]!]).filter(([, v]) => v !== ''));
        b = new Batcher(signal, cfg, next, keys.length ? { metadata: meta } : {});
        batchers.set(id, b);
      }
      return b;
    };
    return {
      async start() {},
      async shutdown() {
        await Promise.all([...batchers.values()].map((b) => b.drain()));
      },
      admit: () => next.admit?.(),
      consume(data: SignalData<S>, ctx: ConsumeContext): Promise<void> {
        try {
          return batcherFor(ctx).add(data, ctx.positions);
        } catch (e) {
          return Promise.reject(e);
        }
      },
    };
  },
};
