// The running service: extensions, the pipeline graph, and the process's own endpoints.
// Start: extensions → exporters → processors → receivers (downstream first), then the
// telemetry and metrics endpoints; ready. Stop: receivers first (intake stops), processors
// flush, exporters drain or persist their queues, extensions last — within shutdown_timeout.
import { mkdir } from 'node:fs/promises';
import type { ResolvedConfig } from '../config/load.ts';
import { ExpositionRegistry } from '../telemetry/exposition.ts';
import { listen, type RunningServer } from '../telemetry/http-server.ts';
import type { Logger } from '../telemetry/logger.ts';
import { SelfMetrics } from '../telemetry/self-metrics.ts';
import { createKubeClient } from '../k8s/client.ts';
import { resolveKubeConnection } from '../k8s/config.ts';
import { VERSION } from '../version.ts';
import { PositionSet } from '../queue/positions.ts';
import type { ComponentId, Extension, Host, KubernetesAccess } from './component.ts';
import { buildGraph, type Graph, type Node } from './graph.ts';

export interface ServiceOptions {
  logger: Logger;
  metrics?: SelfMetrics;
  /** The role the process runs (agent, cluster, backend, up), for components that report it. */
  role?: string;
}

type State = 'created' | 'starting' | 'running' | 'stopping' | 'stopped';

export class Service {
  readonly config: ResolvedConfig;
  readonly logger: Logger;
  readonly metrics: SelfMetrics;
  readonly exposition = new ExpositionRegistry();
  private graph: Graph | undefined;
  private state: State = 'created';
  private started: Node[] = [];
  private servers: RunningServer[] = [];
  private stopping: Promise<void> | undefined;
  private kube: Promise<KubernetesAccess | undefined> | undefined;

  private readonly role: string | undefined;

  constructor(config: ResolvedConfig, opts: ServiceOptions) {
    this.config = config;
    this.role = opts.role;
    this.logger = opts.logger;
    this.metrics = opts.metrics ?? new SelfMetrics();
  }

  get host(): Host {
    return {
      getExtension: (id: string): Extension | undefined => this.graph?.extensions.get(id),
      isReady: () => this.state === 'running',
      exposition: this.exposition,
      kubernetes: () => this.kubernetes(),
      storedPositions: (receiver: ComponentId) => this.storedPositions(receiver),
    };
  }

  /** See Host.storedPositions. */
  private storedPositions(receiver: ComponentId): PositionSet | undefined {
    const g = this.graph;
    const ids = g?.downstream.get(receiver.key) ?? [];
    if (!g || ids.length === 0) return undefined;
    const sets: PositionSet[] = [];
    for (const id of ids) {
      const set = g.exporters.get(id)?.storedPositions?.();
      if (set === undefined) return undefined;
      sets.push(set);
    }
    return sets.length === 1 ? sets[0] : PositionSet.intersect(sets);
  }

  /** Resolves the Kubernetes connection once, on first use, and says once what it found. */
  private kubernetes(): Promise<KubernetesAccess | undefined> {
    this.kube ??= (async () => {
      const k = this.config.service.kubernetes;
      const { connection, reason } = await resolveKubeConnection(
        k.kubeconfig ? { kubeconfig: k.kubeconfig } : {},
      );
      if (!connection) {
        this.logger.warn({ reason }, 'no Kubernetes API found: running without Kubernetes features');
        return undefined;
      }
      this.logger.info({ server: connection.server, reason }, 'Kubernetes API');
      return {
        connection,
        client: createKubeClient(connection, { userAgent: `watchingcat/${VERSION}` }),
        clusterName: k.cluster_name,
        nodeName: k.node_name,
      };
    })();
    return this.kube;
  }

  /** Addresses the process endpoints actually bound to, by name ("telemetry", "metrics"). */
  readonly boundAddresses = new Map<string, { host: string; port: number }>();

  async start(): Promise<void> {
    if (this.state !== 'created') throw new Error(`service cannot start from state ${this.state}`);
    this.state = 'starting';
    const svc = this.config.service;
    try {
      await mkdir(svc.data_dir, { recursive: true }).catch((e: NodeJS.ErrnoException) => {
        throw new Error(
          `cannot create the data directory ${svc.data_dir}: ${e.code ?? e.message} (set --data-dir to a writable directory)`,
        );
      });
      this.graph = buildGraph(this.config, {
        logger: this.logger,
        metrics: this.metrics,
        dataDir: svc.data_dir,
        hostRootPath: svc.host.root_path,
        identity: {
          clusterName: svc.kubernetes.cluster_name,
          region: svc.kubernetes.region,
          environment: svc.kubernetes.environment,
          nodeName: svc.kubernetes.node_name,
          role: this.role,
        },
      });
      const host = this.host;
      for (const [id, ext] of this.graph.extensions) {
        await this.startNode({ kind: 'extension', label: `extension/${id}`, component: ext }, host);
      }
      for (const node of this.graph.startOrder) await this.startNode(node, host);
      if (svc.telemetry.metrics.level !== 'none') {
        const s = await listen(
          'own metrics endpoint',
          svc.telemetry.metrics.address,
          '--telemetry-address',
          async (req, res) => {
            if ((req.url ?? '/').split('?')[0] !== '/metrics') {
              res.writeHead(404).end('not found; try /metrics\n');
              return;
            }
            const body = await this.metrics.exposition();
            res.writeHead(200, { 'content-type': this.metrics.contentType }).end(body);
          },
        );
        this.servers.push(s);
        this.boundAddresses.set('telemetry', s.address);
      }
      const m = await listen(
        'metrics endpoint',
        svc.metrics_endpoint.address,
        '--metrics-address',
        (req, res) => this.exposition.handle(req, res),
      );
      this.servers.push(m);
      this.boundAddresses.set('metrics', m.address);
    } catch (err) {
      this.logger.error({ err: (err as Error).message }, 'start failed; stopping what had started');
      await this.stopAll(this.config.service.shutdown_timeout);
      this.state = 'stopped';
      throw err;
    }
    this.state = 'running';
    this.logger.info(
      { pipelines: this.config.pipelines.map((p) => p.id), components: this.started.map((n) => n.label) },
      'everything is ready',
    );
  }

  private async startNode(node: Node, host: Host): Promise<void> {
    try {
      await node.component.start(host);
    } catch (err) {
      throw new Error(`${node.label} failed to start: ${(err as Error).message}`, { cause: err });
    }
    this.started.push(node);
  }

  /** Graceful stop within the configured deadline; safe to call more than once. */
  shutdown(): Promise<void> {
    this.stopping ??= (async () => {
      this.state = 'stopping';
      this.logger.info('stopping: intake first, then flushing processors and exporters');
      await this.stopAll(this.config.service.shutdown_timeout);
      this.state = 'stopped';
      this.logger.info('stopped');
    })();
    return this.stopping;
  }

  private async stopAll(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // Reverse start order: receivers, processors (upstream first), exporters, extensions.
    for (const node of [...this.started].reverse()) {
      const left = deadline - Date.now();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((r) => {
        timer = setTimeout(() => r('timeout'), Math.max(0, left));
      });
      try {
        const result = await Promise.race([node.component.shutdown().then(() => 'ok' as const), timedOut]);
        if (result === 'timeout')
          this.logger.error({ component: node.label }, 'did not stop within shutdown_timeout; moving on');
      } catch (err) {
        this.logger.error({ component: node.label, err: (err as Error).message }, 'error while stopping');
      } finally {
        clearTimeout(timer);
      }
    }
    this.started = [];
    await Promise.all(this.servers.map((s) => s.close()));
    this.servers = [];
    const kube = await this.kube?.catch(() => undefined);
    kube?.client.close();
  }
}
