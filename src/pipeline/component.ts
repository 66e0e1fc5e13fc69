// The component model every receiver, processor, exporter and extension follows,
// after the OpenTelemetry Collector's: a factory (type name + config schema + constructor),
// a config validated up front, consumers between stages, and a start/shutdown lifecycle.
import type { z } from 'zod';
import type { KubeClient } from '../k8s/client.ts';
import type { KubeConnection } from '../k8s/config.ts';
import type { LeaderElection } from '../k8s/leader-election.ts';
import type { Signal } from '../model/common.ts';
import type { SignalData } from '../model/signal.ts';
import type { PositionSet, SourcePosition } from '../queue/positions.ts';
import type { ExpositionRegistry } from '../telemetry/exposition.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { ComponentTelemetry } from '../telemetry/self-metrics.ts';

export type ComponentKind = 'receiver' | 'processor' | 'exporter' | 'extension';

/** `type` or `type/name`, as written in the configuration. */
export interface ComponentId {
  readonly type: string;
  readonly name: string;
  /** The id as written: "otlp" or "otlp/internal". */
  readonly key: string;
}

export function parseComponentId(key: string): ComponentId {
  const slash = key.indexOf('/');
  if (slash < 0) return { type: key, name: '', key };
  return { type: key.slice(0, slash), name: key.slice(slash + 1), key };
}

/** What a receiver knows about where data came from; processors may use it (e.g. k8sattributes). */
export interface ConsumeContext {
  /** The sender's IP address, when the data arrived over the network. */
  clientAddress?: string;
  /** Request metadata (lower-cased header names). */
  metadata?: Readonly<Record<string, string>>;
  /**
   * Where the data's sources are with it (queue/positions.ts), for sources that re-read their
   * input after a crash (filelog). Processors pass them on; one that merges data merges them
   * (onto the part that completes the data); a persistent queue stores them with the data.
   */
  positions?: readonly SourcePosition[];
}

/**
 * Contract: the promise resolves once the data is accepted downstream — in an exporter's
 * queue (persistent when configured) or delivered. Only then may a receiver acknowledge its
 * sender. It rejects with RetryableError when the sender should retry later (memory pressure,
 * full queue) and with PermanentError when the data can never be accepted.
 * A consumer must not mutate data it was given unless its factory declares `mutatesData`.
 */
export interface Consumer<S extends Signal> {
  consume(data: SignalData<S>, ctx: ConsumeContext): Promise<void>;
  /**
   * Admission check, called by receivers before they decode a request: throws the
   * RetryableError that consume() would reject with right now for reasons independent of the
   * data (memory pressure, a full queue). Lets overload be refused cheaply — decoding a request
   * only to refuse it is what makes memory grow under pressure. Consumers that pass data on
   * forward it to `next.admit?.()`.
   */
  admit?(): void;
}

export type Consumers = { [S in Signal]?: Consumer<S> };

export interface Lifecycle {
  /** Called downstream-first: when a receiver starts, everything it feeds has started. */
  start(host: Host): Promise<void>;
  /** Called upstream-first. Must flush what it holds and release ports, files and timers. */
  shutdown(): Promise<void>;
}

/** What the running service offers components at start. */
export interface Host {
  /** The extension with this id (as written in `service.extensions`), if it runs. */
  getExtension(id: string): Extension | undefined;
  /** True once every component has started and until shutdown begins. */
  isReady(): boolean;
  /** Prometheus endpoints on the metrics address (/metrics/kubestate, /metrics/cadvisor, /metrics/node). */
  readonly exposition: ExpositionRegistry;
  /**
   * The Kubernetes API as the process found it (`--kubeconfig`, in-cluster, $KUBECONFIG,
   * ~/.kube/config), resolved once and shared; undefined when there is none (the process then
   * runs without Kubernetes features and has said so once). Rejects when the chosen
   * kubeconfig is broken. Absent on hosts built by tests that need no Kubernetes.
   */
  kubernetes?(): Promise<KubernetesAccess | undefined>;
  /**
   * The source positions stored, with their data, by every exporter downstream of `receiver`
   * (the intersection over them); undefined when any of them keeps no positions (no persistent
   * queue) — a crash then loses or repeats what was in flight anyway. Call after start.
   */
  storedPositions?(receiver: ComponentId): PositionSet | undefined;
}

export interface KubernetesAccess {
  readonly connection: KubeConnection;
  /** One client for every component (connections are pooled). */
  readonly client: KubeClient;
  /** `--cluster-name`: k8s.cluster.name on what the components produce. */
  readonly clusterName: string | undefined;
  /** `--node-name` (agent): the node this process serves. */
  readonly nodeName: string | undefined;
}

export interface CreateSettings {
  id: ComponentId;
  kind: ComponentKind;
  logger: Logger;
  telemetry: ComponentTelemetry;
  /** The process's data directory (`--data-dir`); components keep their files below it. */
  dataDir: string;
  /**
   * `service.host.root_path` (`--root-path`): where the host's / is mounted (/hostfs in a
   * container). Host readers (hostmetrics, cadvisor, filelog) prefix /proc, /sys and /var/log
   * with it. Undefined means "/".
   */
  hostRootPath?: string;
  /**
   * Who this process is (`service.kubernetes`: --cluster-name, --region, --environment,
   * --node-name), for components that label what passes through (resourcedetection). Absent
   * in tests that need none.
   */
  identity?: ProcessIdentity;
}

export interface ProcessIdentity {
  clusterName?: string | undefined;
  region?: string | undefined;
  environment?: string | undefined;
  nodeName?: string | undefined;
  /** agent, cluster, backend or up. */
  role?: string | undefined;
}

interface FactoryBase<C> {
  /** The type name used in configuration, e.g. "otlp", "batch". */
  readonly type: string;
  /** Parses the raw YAML value (undefined/null for an empty entry) into a config with defaults. */
  readonly configSchema: z.ZodType<C, unknown>;
}

export interface ReceiverFactory<C = unknown> extends FactoryBase<C> {
  readonly kind: 'receiver';
  readonly signals: readonly Signal[];
  /** One instance serves every pipeline that names it; `next` holds a consumer per signal used. */
  create(settings: CreateSettings, config: C, next: Consumers): Lifecycle;
}

export interface Processor<S extends Signal> extends Lifecycle, Consumer<S> {}

export interface ProcessorFactory<C = unknown> extends FactoryBase<C> {
  readonly kind: 'processor';
  readonly signals: readonly Signal[];
  /** True when consume() changes the data in place (the engine then clones on fan-out). */
  readonly mutatesData: boolean;
  /** One instance per pipeline. */
  create<S extends Signal>(settings: CreateSettings, config: C, signal: S, next: Consumer<S>): Processor<S>;
}

export interface Exporter extends Lifecycle {
  /** The consumer for one signal; called once per signal the exporter serves. */
  consumer<S extends Signal>(signal: S): Consumer<S>;
  /** Source positions of the data it has stored (persistent queue); absent or undefined: none kept. */
  storedPositions?(): PositionSet | undefined;
}

export interface ExporterFactory<C = unknown> extends FactoryBase<C> {
  readonly kind: 'exporter';
  readonly signals: readonly Signal[];
  /** One instance per exporter id, shared by every pipeline (and signal) that names it. */
  create(settings: CreateSettings, config: C): Exporter;
}

export interface Extension extends Lifecycle {
  /** Present on storage extensions (file_storage). */
  readonly storage?: StorageProvider;
  /** Present on auth extensions (bearertokenauth), named by `auth: {authenticator: <id>}`. */
  readonly authenticator?: Authenticator;
  /** Present on `k8s_leader_elector`, named by a receiver's `k8s_leader_elector: <id>`. */
  readonly leaderElection?: LeaderElection;
}

/** Server side: checks a request's credentials; client side: the headers to send. */
export interface Authenticator {
  /** The HTTP header / gRPC metadata key a server reads the credentials from (lower case); default `authorization`. */
  readonly header?: string;
  /** True when that header's value is accepted. */
  authenticate(authorization: string | undefined): boolean;
  /** Headers an exporter adds to every request (e.g. {authorization: "Bearer …"}). */
  clientHeaders(): Record<string, string>;
}

export interface ExtensionFactory<C = unknown> extends FactoryBase<C> {
  readonly kind: 'extension';
  create(settings: CreateSettings, config: C): Extension;
}

/** A storage extension hands each component a private directory of its own. */
export interface StorageProvider {
  /** Creates (if needed) and returns the directory for one component, e.g. an exporter's queue. */
  directoryFor(kind: ComponentKind, id: ComponentId, signal?: string): Promise<string>;
  /** Whether writes should be fsync'd (survive power loss, not only process crashes). */
  readonly fsync: boolean;
}

export type AnyFactory = ReceiverFactory | ProcessorFactory | ExporterFactory | ExtensionFactory;

/**
 * The leader election a receiver's `k8s_leader_elector: <id>` names (the Collector's
 * convention). Throws, naming the option, when no such extension runs or it elects nothing.
 */
export function leaderElectionOf(host: Host, id: string, receiver: ComponentId): LeaderElection {
  const ext = host.getExtension(id);
  if (!ext) {
    throw new Error(
      `receivers.${receiver.key}.k8s_leader_elector: extension "${id}" is not running; add it under extensions: and service.extensions`,
    );
  }
  if (!ext.leaderElection) {
    throw new Error(
      `receivers.${receiver.key}.k8s_leader_elector: extension "${id}" is not a k8s_leader_elector`,
    );
  }
  return ext.leaderElection;
}
