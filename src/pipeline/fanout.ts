// Fan-out: one producer feeding several consumers (a receiver feeding several pipelines, a
// pipeline feeding several exporters). Data is accepted only when every consumer accepted it,
// so an acknowledgement upstream means every destination has it. Consumers that mutate data
// get their own copy, so one pipeline's processors can't change another pipeline's data.
import type { Signal } from '../model/common.ts';
import { cloneData, type SignalData } from '../model/signal.ts';
import type { ConsumeContext, Consumer } from './component.ts';

export interface FanoutTarget<S extends Signal> {
  consumer: Consumer<S>;
  mutatesData: boolean;
}

export function fanout<S extends Signal>(signal: S, targets: FanoutTarget<S>[]): Consumer<S> {
  if (targets.length === 1) return targets[0]!.consumer;
  const mutating = targets.filter((t) => t.mutatesData);
  const readOnly = targets.filter((t) => !t.mutatesData);
  return {
    admit() {
      for (const t of targets) t.consumer.admit?.();
    },
    async consume(data: SignalData<S>, ctx: ConsumeContext): Promise<void> {
      const calls: Promise<void>[] = [];
      // Read-only consumers share the original; when there are none, the last mutating
      // consumer may take the original too (nobody else reads it afterwards).
      mutating.forEach((t, i) => {
        const own = readOnly.length === 0 && i === mutating.length - 1 ? data : cloneData(signal, data);
        calls.push(t.consumer.consume(own, ctx));
      });
      for (const t of readOnly) calls.push(t.consumer.consume(data, ctx));
      const results = await Promise.allSettled(calls);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}
