// Builds the running graph from a resolved configuration:
//   receiver (one per id) → fan-out → [processor chain per pipeline] → fan-out → exporter (one per id)
// Construction goes downstream-first so each component is created with its next consumer.
import type { ComponentConfig, ResolvedConfig } from '../config/load.ts';
import type { Signal } from '../model/common.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { SelfMetrics } from '../telemetry/self-metrics.ts';
import type {
  AnyFactory,
  ComponentKind,
  Consumer,
  Consumers,
  CreateSettings,
  Exporter,
  Extension,
  Lifecycle,
  Processor,
  ProcessIdentity,
} from './component.ts';
import { fanout, type FanoutTarget } from './fanout.ts';

export interface Node {
  kind: ComponentKind;
  /** "receiver/otlp", "processor/batch@traces/agent", … for logs and errors. */
  label: string;
  component: Lifecycle;
}

export interface Graph {
  extensions: Map<string, Extension>;
  exporters: Map<string, Exporter>;
  /** Receiver id → the exporters its data can reach (over every pipeline naming it). */
  downstream: Map<string, string[]>;
  /** In start order: exporters, then processors (last of each pipeline first), then receivers. */
  startOrder: Node[];
}

export interface BuildOptions {
  logger: Logger;
  metrics: SelfMetrics;
  dataDir: string;
  /** service.host.root_path */
  hostRootPath?: string;
  identity?: ProcessIdentity;
}

export function buildGraph(cfg: ResolvedConfig, opts: BuildOptions): Graph {
  const settings = (
    kind: ComponentKind,
    c: ComponentConfig<AnyFactory>,
    pipeline?: string,
  ): CreateSettings => ({
    id: c.id,
    kind,
    logger: opts.logger.child({ kind, component: c.id.key, ...(pipeline ? { pipeline } : {}) }),
    telemetry: opts.metrics.forComponent(kind, c.id.key),
    dataDir: opts.dataDir,
    ...(opts.hostRootPath !== undefined ? { hostRootPath: opts.hostRootPath } : {}),
    ...(opts.identity ? { identity: opts.identity } : {}),
  });

  const extensions = new Map<string, Extension>();
  for (const id of cfg.service.extensions) {
    const c = cfg.extensions.get(id)!;
    extensions.set(id, c.factory.create(settings('extension', c), c.config));
  }

  const startOrder: Node[] = [];
  const exporters = new Map<string, Exporter>();
  for (const p of cfg.pipelines) {
    for (const id of p.exporters) {
      if (exporters.has(id)) continue;
      const c = cfg.exporters.get(id)!;
      const e = c.factory.create(settings('exporter', c), c.config);
      exporters.set(id, e);
      startOrder.push({ kind: 'exporter', label: `exporter/${id}`, component: e });
    }
  }

  // Per pipeline: the head consumer and whether anything in the chain mutates data.
  const heads = new Map<string, { signal: Signal; target: FanoutTarget<Signal> }>();
  for (const p of cfg.pipelines) {
    const signal = p.signal;
    let next: Consumer<Signal> = fanout(
      signal,
      p.exporters.map((id) => ({ consumer: exporters.get(id)!.consumer(signal), mutatesData: false })),
    );
    let mutates = false;
    for (let i = p.processors.length - 1; i >= 0; i--) {
      const id = p.processors[i]!;
      const c = cfg.processors.get(id)!;
      const proc: Processor<Signal> = c.factory.create(
        settings('processor', c, p.id),
        c.config,
        signal,
        next,
      );
      mutates ||= c.factory.mutatesData;
      startOrder.push({ kind: 'processor', label: `processor/${id} in pipeline ${p.id}`, component: proc });
      next = proc;
    }
    heads.set(p.id, { signal, target: { consumer: next, mutatesData: mutates } });
  }

  const downstream = new Map<string, string[]>();
  for (const [id, c] of cfg.receivers) {
    const perSignal = new Map<Signal, FanoutTarget<Signal>[]>();
    for (const p of cfg.pipelines) {
      if (!p.receivers.includes(id)) continue;
      const reach = downstream.get(id) ?? [];
      for (const e of p.exporters) if (!reach.includes(e)) reach.push(e);
      downstream.set(id, reach);
      const h = heads.get(p.id)!;
      const list = perSignal.get(h.signal) ?? [];
      list.push(h.target);
      perSignal.set(h.signal, list);
    }
    if (perSignal.size === 0) continue; // configured but unused: not started (warned at load)
    const next: Consumers = {};
    for (const [signal, targets] of perSignal)
      (next as Record<Signal, Consumer<Signal>>)[signal] = fanout(signal, targets);
    const r = c.factory.create(settings('receiver', c), c.config, next);
    startOrder.push({ kind: 'receiver', label: `receiver/${id}`, component: r });
  }
  for (const c of cfg.endpointOnly ?? []) {
    // No consumers: the receiver only serves what it exposes on the metrics address.
    const r = c.factory.create(settings('receiver', c), c.config, {});
    startOrder.push({
      kind: 'receiver',
      label: `receiver/${c.id.key} (metrics endpoint only)`,
      component: r,
    });
  }
  return { extensions, exporters, downstream, startOrder };
}
