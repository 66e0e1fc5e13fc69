// `selfmetrics`: the process's own metrics (`watchingcat_*`: accepted, refused, dropped, sent,
// queue sizes…) pushed down the metrics pipeline every `collection_interval`, with a resource
// that names the process — so the backend sees every agent's and gateway's heartbeat and health
// (the UI's pipeline health page, /api/v1/pipeline). Our own component: the Collector exports its
// telemetry through `service.telemetry` readers instead, outside the pipelines.
//
// Resource: service.name `watchingcat`, service.instance.id (host/pid/start, unique per process),
// watchingcat.role, host.name, and k8s.node.name / k8s.pod.name / k8s.cluster.name when known.
import { hostname } from 'node:os';
import type { z } from 'zod';
import { duration, section } from '../../../config/schema-helpers.ts';
import type { KeyValue } from '../../../model/common.ts';
import type { Consumer, CreateSettings, Lifecycle, ReceiverFactory } from '../../../pipeline/component.ts';
import { selfMetricsToOtlp, type PromJsonMetric } from '../../../telemetry/self-otlp.ts';

const configSchema = section({
  /** How often the own metrics are pushed (a process is shown as silent after three missed). */
  collection_interval: duration().default(15_000),
});
type Config = z.infer<typeof configSchema>;

export function processResource(settings: Pick<CreateSettings, 'identity'>, env = process.env): KeyValue[] {
  const id = settings.identity ?? {};
  const host = hostname();
  const out: KeyValue[] = [];
  const put = (key: string, v: string | undefined) => {
    if (v) out.push({ key, value: { stringValue: v } });
  };
  put('service.name', 'watchingcat');
  put(
    'service.instance.id',
    `${env.POD_NAME || host}/${process.pid}/${Math.round(Date.now() / 1000 - process.uptime())}`,
  );
  put('watchingcat.role', id.role);
  put('host.name', host);
  put('k8s.node.name', id.nodeName || env.K8S_NODE_NAME || env.NODE_NAME);
  put('k8s.pod.name', env.POD_NAME);
  put('k8s.cluster.name', id.clusterName);
  return out;
}

class SelfMetricsReceiver implements Lifecycle {
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private readonly started = BigInt(Date.now()) * 1_000_000n;
  private readonly settings: CreateSettings;
  private readonly cfg: Config;
  private readonly next: Consumer<'metrics'>;

  constructor(settings: CreateSettings, cfg: Config, next: Consumer<'metrics'>) {
    this.settings = settings;
    this.cfg = cfg;
    this.next = next;
  }

  async start(): Promise<void> {
    const resource = processResource(this.settings);
    this.timer = setInterval(() => {
      if (this.sending) return; // one push at a time: a slow pipeline is not queued up behind
      this.sending = this.push(resource).finally(() => (this.sending = undefined));
    }, this.cfg.collection_interval);
    this.timer.unref();
    // The first heartbeat at once: a process that starts shows up without waiting an interval.
    this.sending = this.push(resource).finally(() => (this.sending = undefined));
  }

  /** Exposed for tests. */
  async push(resource: KeyValue[]): Promise<void> {
    const families = (await this.settings.telemetry.metrics.snapshot()) as PromJsonMetric[];
    const data = selfMetricsToOtlp(families, resource, this.started, BigInt(Date.now()) * 1_000_000n);
    if (data.resourceMetrics.length === 0) return;
    try {
      await this.next.consume(data, {});
    } catch (err) {
      // The next push carries the same (cumulative) values: nothing is lost by dropping this one.
      this.settings.logger.debug(
        { err: (err as Error).message },
        'selfmetrics: push refused; the next one catches up',
      );
    }
  }

  async shutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sending;
  }
}

export const factory: ReceiverFactory<Config> = {
  kind: 'receiver',
  type: 'selfmetrics',
  signals: ['metrics'],
  configSchema: configSchema as never,
  create(settings, config, next) {
    return new SelfMetricsReceiver(settings, config, next.metrics!);
  },
};
