// `resourcedetection`: says where data passed through: the cluster, region and environment the
// process was told (`cluster`: --cluster-name, --region, --environment), the node it runs on
// (`k8snode`), the machine (`system`), and OTEL_RESOURCE_ATTRIBUTES (`env`). Detection runs once
// at start; every resource then gets the attributes it does not already have.
//
// The Collector's option names. Two differences, both so that enrichment never corrupts what a
// sender said: `override` defaults to false (the Collector: true — which replaces an SDK's
// host.name with the collector's), and `cluster` is our detector (the Collector reads cluster
// names from cloud metadata endpoints, which a simulated or on-premises cluster does not have).
import { hostname } from 'node:os';
import { z } from 'zod';
import { section, duration } from '../../../config/schema-helpers.ts';
import type { KeyValue, Signal } from '../../../model/common.ts';
import type { SignalData } from '../../../model/signal.ts';
import type {
  ConsumeContext,
  Consumer,
  CreateSettings,
  Host,
  Processor,
  ProcessorFactory,
} from '../../../pipeline/component.ts';
import { resourcesOf } from '../resource/factory.ts';
import { parseResourceAttributes } from './env-attributes.ts';

const DETECTORS = ['env', 'cluster', 'k8snode', 'system'] as const;
type Detector = (typeof DETECTORS)[number];

const configSchema = section({
  /** In order: the first detector to set an attribute wins. */
  detectors: z.array(z.enum(DETECTORS)).default([...DETECTORS]),
  /** Replace attributes the data already has (the Collector's default is true; ours false, see above). */
  override: z.boolean().default(false),
  /** How long detection may take at start (the node's uid is asked of the API server). */
  timeout: duration().default(2_000),
  k8snode: section({ node_from_env_var: z.string().default('K8S_NODE_NAME') }).default({
    node_from_env_var: 'K8S_NODE_NAME',
  }),
  cluster: section({
    /** Default: --cluster-name (service.kubernetes.cluster_name). */
    name: z.string().optional(),
    /** Default: --region (service.kubernetes.region). */
    region: z.string().optional(),
    /** Default: --environment (service.kubernetes.environment). */
    environment: z.string().optional(),
  }).default({}),
});
type Config = z.infer<typeof configSchema>;

/** The attributes each detector finds; pure apart from the node lookup. */
export async function detect(
  cfg: Config,
  settings: Pick<CreateSettings, 'identity' | 'logger'>,
  host: Pick<Host, 'kubernetes'>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<KeyValue[]> {
  const out: KeyValue[] = [];
  const seen = new Set<string>();
  const put = (key: string, value: string | undefined): void => {
    if (!value || seen.has(key)) return;
    seen.add(key);
    out.push({ key, value: { stringValue: value } });
  };
  const id = settings.identity ?? {};
  for (const d of cfg.detectors as Detector[]) {
    switch (d) {
      case 'env': {
        const text = env.OTEL_RESOURCE_ATTRIBUTES;
        if (!text) break;
        const parsed = parseResourceAttributes(text);
        if (!parsed.ok) {
          settings.logger.error(
            { error: parsed.error },
            'OTEL_RESOURCE_ATTRIBUTES is not valid (key=value pairs separated by commas, values percent-encoded): ignored as a whole',
          );
          break;
        }
        for (const [k, v] of parsed.attributes) put(k, v);
        break;
      }
      case 'cluster':
        put('k8s.cluster.name', cfg.cluster.name ?? id.clusterName);
        put('cloud.region', cfg.cluster.region ?? id.region);
        put('deployment.environment.name', cfg.cluster.environment ?? id.environment);
        break;
      case 'k8snode': {
        const node = id.nodeName || env[cfg.k8snode.node_from_env_var] || undefined;
        put('k8s.node.name', node);
        if (node) put('k8s.node.uid', await nodeUid(node, host, cfg.timeout, settings.logger));
        break;
      }
      case 'system':
        put('host.name', hostname());
        put('os.type', process.platform === 'win32' ? 'windows' : process.platform);
        break;
    }
  }
  return out;
}

async function nodeUid(
  node: string,
  host: Pick<Host, 'kubernetes'>,
  timeoutMs: number,
  logger: CreateSettings['logger'],
): Promise<string | undefined> {
  const kube = await host.kubernetes?.();
  if (!kube) return undefined;
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  try {
    const n = await kube.client.get<{ metadata?: { uid?: string } }>(
      `/api/v1/nodes/${encodeURIComponent(node)}`,
      ac.signal,
    );
    return n.metadata?.uid;
  } catch (err) {
    logger.warn(
      { node, err: (err as Error).message },
      'resourcedetection: the node’s uid could not be read (k8s.node.uid left out); RBAC needs get on nodes',
    );
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** Adds `detected` to every resource: attributes already there are kept unless `override`. */
export function applyDetected(attrs: KeyValue[], detected: readonly KeyValue[], override: boolean): void {
  for (const kv of detected) {
    let at = -1;
    for (let i = 0; i < attrs.length; i++)
      if (attrs[i]!.key === kv.key) {
        at = i;
        break;
      }
    if (at < 0) attrs.push({ key: kv.key, value: kv.value });
    else if (override) attrs[at] = { key: kv.key, value: kv.value };
  }
}

// One detection per processor id and configuration, however many pipelines use the processor.
const detections = new Map<string, Promise<KeyValue[]>>();

export const factory: ProcessorFactory<Config> = {
  kind: 'processor',
  type: 'resourcedetection',
  signals: ['traces', 'metrics', 'logs'],
  mutatesData: true,
  configSchema: configSchema as never,
  create<S extends Signal>(
    settings: CreateSettings,
    cfg: Config,
    signal: S,
    next: Consumer<S>,
  ): Processor<S> {
    let detected: KeyValue[] = [];
    return {
      async start(host: Host) {
        const key = `${settings.id.key}\u0000${JSON.stringify(cfg)}`;
        let once = detections.get(key);
        const first = !once;
        if (!once) {
          once = detect(cfg, settings, host);
          detections.set(key, once);
          once.catch(() => detections.delete(key));
        }
        detected = await once;
        if (first)
          settings.logger.info(
            {
              attributes: Object.fromEntries(
                detected.map((kv) => [kv.key, (kv.value as { stringValue: string }).stringValue]),
              ),
            },
            'resource detected',
          );
      },
      async shutdown() {
        detections.delete(`${settings.id.key}\u0000${JSON.stringify(cfg)}`);
      },
      admit: () => next.admit?.(),
      consume(data: SignalData<S>, ctx: ConsumeContext) {
        if (detected.length > 0)
          for (const r of resourcesOf(signal, data))
            applyDetected(r.resource.attributes, detected, cfg.override);
        return next.consume(data, ctx);
      },
    };
  },
};
