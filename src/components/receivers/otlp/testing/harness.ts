// Test harness: an otlp receiver on 127.0.0.1 port 0 with recording consumers, a stub host
// (extensions from the test) and its own metrics registry. Not a test file itself.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIGNALS, type Signal } from '../../../../model/common.ts';
import type { SignalData } from '../../../../model/signal.ts';
import {
  parseComponentId,
  type ConsumeContext,
  type Consumers,
  type Extension,
  type Host,
} from '../../../../pipeline/component.ts';
import { ExpositionRegistry } from '../../../../telemetry/exposition.ts';
import { silentLogger, type Logger } from '../../../../telemetry/logger.ts';
import { SelfMetrics } from '../../../../telemetry/self-metrics.ts';
import { factory, type OtlpReceiver } from '../factory.ts';

export interface Delivery {
  signal: Signal;
  data: SignalData;
  ctx: ConsumeContext;
}

/** Decides what consume() does; the default accepts. May throw or return a pending promise. */
export type Behavior = (signal: Signal, data: SignalData, ctx: ConsumeContext) => void | Promise<void>;

export class Recorder {
  /** Payloads whose consume() resolved (i.e. accepted), in order. */
  readonly accepted: Delivery[] = [];
  /** Every consume() call, including refused ones. */
  calls = 0;
  behavior: Behavior | undefined;

  consumers(signals: readonly Signal[] = SIGNALS): Consumers {
    const out: Consumers = {};
    for (const signal of signals) {
      const consumer = {
        consume: async (data: SignalData, ctx: ConsumeContext) => {
          this.calls++;
          await this.behavior?.(signal, data, ctx);
          this.accepted.push({ signal, data, ctx });
        },
      };
      (out as Record<Signal, unknown>)[signal] = consumer;
    }
    return out;
  }

  of<S extends Signal>(signal: S): SignalData<S>[] {
    return this.accepted.filter((d) => d.signal === signal).map((d) => d.data as SignalData<S>);
  }
}

export interface HarnessOptions {
  /** Raw `protocols:` value; endpoints default to 127.0.0.1:0. Omitted: both protocols. */
  protocols?: { grpc?: Record<string, unknown> | null; http?: Record<string, unknown> | null };
  /** Signals that have a pipeline (default: all three). */
  signals?: readonly Signal[];
  extensions?: Record<string, Extension>;
  logger?: Logger;
}

export interface Harness {
  receiver: OtlpReceiver;
  recorder: Recorder;
  metrics: SelfMetrics;
  /** "http://127.0.0.1:PORT" (or https) when HTTP is enabled. */
  httpUrl: string;
  /** "127.0.0.1:PORT" when gRPC is enabled. */
  grpcTarget: string;
  stop(): Promise<void>;
}

export async function startReceiver(o: HarnessOptions = {}): Promise<Harness> {
  const local = (p: Record<string, unknown> | null | undefined) => ({
    endpoint: '127.0.0.1:0',
    ...(p ?? {}),
  });
  const raw = o.protocols ?? { grpc: null, http: null };
  const protocols: Record<string, unknown> = {};
  if ('grpc' in raw) protocols.grpc = local(raw.grpc);
  if ('http' in raw) protocols.http = local(raw.http);
  const config = factory.configSchema.parse({ protocols });

  const metrics = new SelfMetrics({ processMetrics: false });
  const recorder = new Recorder();
  const id = parseComponentId('otlp');
  const receiver = factory.create(
    {
      id,
      kind: 'receiver',
      logger: o.logger ?? silentLogger(),
      telemetry: metrics.forComponent('receiver', id.key),
      dataDir: mkdtempSync(join(tmpdir(), 'wc-otlp-recv-')),
    },
    config,
    recorder.consumers(o.signals),
  );
  const host: Host = {
    getExtension: (name) => o.extensions?.[name],
    isReady: () => true,
    exposition: new ExpositionRegistry(),
  };
  await receiver.start(host);
  const bound = receiver.boundAddresses();
  const scheme = (raw.http as { tls?: unknown } | null | undefined)?.tls ? 'https' : 'http';
  return {
    receiver,
    recorder,
    metrics,
    httpUrl: bound.http ? `${scheme}://127.0.0.1:${bound.http.port}` : '',
    grpcTarget: bound.grpc ? `127.0.0.1:${bound.grpc.port}` : '',
    stop: () => receiver.shutdown(),
  };
}

/** The value of one counter series in the harness's registry (0 when absent). */
export async function counterValue(
  metrics: SelfMetrics,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const text = await metrics.exposition();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const m = /^[^{]+\{(.*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const have = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) total += Number(m[2]);
  }
  return total;
}

/** Waits until `cond` holds (polling), failing with `what` after `ms`. */
export async function waitFor(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
