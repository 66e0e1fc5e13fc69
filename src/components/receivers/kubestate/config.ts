// `kubestate` receiver configuration: kube-state-metrics' options under snake_case names
// (--resources → resources, --metric-labels-allowlist → metric_labels_allowlist, ...).
import { z } from 'zod';
import { duration, section } from '../../../config/schema-helpers.ts';
import { allResources, defaultResourceNames } from '../../../kubestate/catalog.ts';
import { AllowListSyntaxError, MAX_PARTIAL_WILDCARDS, parseAllowList } from '../../../kubestate/labels.ts';

const RESOURCE_NAMES = allResources().map((r) => r.resource);

/** A label/annotation allow-list: KSM's string syntax (`pods=[app,team],*=[*]`) or a mapping. */
const allowList = () =>
  z.union([z.string(), z.record(z.string(), z.array(z.string()))]).transform((v, ctx) => {
    let m: Map<string, string[]>;
    try {
      m = typeof v === 'string' ? parseAllowList(v) : new Map(Object.entries(v));
    } catch (e) {
      if (!(e instanceof AllowListSyntaxError)) throw e;
      ctx.addIssue({ code: 'custom', message: e.message });
      return z.NEVER;
    }
    for (const [resource, keys] of m) {
      if (resource !== '*' && !RESOURCE_NAMES.includes(resource)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown resource "${resource}"; use "*" or one of: ${RESOURCE_NAMES.join(', ')}`,
        });
      }
      for (const k of keys) {
        if (k.split('*').length - 1 > MAX_PARTIAL_WILDCARDS) {
          ctx.addIssue({ code: 'custom', message: `"${k}": only one wildcard (*) per key is allowed` });
        }
      }
    }
    return m;
  });

const regexList = () =>
  z.array(z.string()).transform((list, ctx) => {
    const out: RegExp[] = [];
    for (const s of list) {
      try {
        out.push(new RegExp(s));
      } catch (e) {
        ctx.addIssue({
          code: 'custom',
          message: `invalid regular expression "${s}": ${(e as Error).message}`,
        });
      }
    }
    return out;
  });

export const configSchema = section({
  /** Resources to watch (kube-state-metrics' --resources); default: its default set. */
  resources: z.array(z.enum(RESOURCE_NAMES as [string, ...string[]])).default(defaultResourceNames()),
  /** Watch only these namespaces; empty: all. */
  namespaces: z.array(z.string().min(1)).default([]),
  /** Leave these namespaces out. */
  namespaces_exclude: z.array(z.string().min(1)).default([]),
  /** Keep only families matching one of these regular expressions (matched anywhere in the name). */
  metric_allowlist: regexList().default([]),
  /** Drop families matching one of these. Exclusive with metric_allowlist. */
  metric_denylist: regexList().default([]),
  /** Opt-in families to enable (e.g. kube_pod_nodeselectors). */
  metric_opt_in_list: z.array(z.string().min(1)).default([]),
  /** Kubernetes labels to expose as label_* per resource: "pods=[app,team],*=[*]" or {pods: [app]}. */
  metric_labels_allowlist: allowList().optional(),
  /** Annotations to expose as annotation_*, same syntax. */
  metric_annotations_allowlist: allowList().optional(),
  /** This instance's shard (0-based) of total_shards; objects are assigned by their uid's hash. */
  shard: z.number().int().nonnegative().default(0),
  total_shards: z.number().int().positive().default(1),
  /** Shard by StatefulSet ordinal: shard = this pod's ordinal, total_shards = the StatefulSet's replicas. */
  auto_sharding: section({
    enabled: z.boolean().default(false),
    /** This pod's name and namespace (the downward API's metadata.name / metadata.namespace). */
    pod_name: z.string().default(process.env.POD_NAME ?? ''),
    pod_namespace: z.string().default(process.env.POD_NAMESPACE ?? ''),
    /** How often the StatefulSet's replica count is checked; a change reshards. */
    check_interval: duration().default(30_000),
  }).default({
    enabled: false,
    pod_name: process.env.POD_NAME ?? '',
    pod_namespace: process.env.POD_NAMESPACE ?? '',
    check_interval: 30_000,
  }),
  /**
   * A k8s_leader_elector extension's id: watch and serve only while this process holds its Lease
   * (one active replica of several). Only unsharded (total_shards 1, auto_sharding off).
   */
  k8s_leader_elector: z.string().min(1).optional(),
  /** Serve the metrics on the metrics address at /metrics/kubestate (and in /metrics). */
  exposition: z.boolean().default(true),
  /** Push the same metrics into the pipeline as OTLP (the seed's "streaming" mode). */
  streaming: section({
    enabled: z.boolean().default(true),
    interval: duration().default(30_000),
  }).default({ enabled: true, interval: 30_000 }),
  /** Resource attributes describing the signal on pushed metrics (watchingcat.signal.* etc.). */
  signal_metadata: section({
    enabled: z.boolean().default(true),
    category: z.boolean().default(true),
    subcategory: z.boolean().default(true),
    source_module: z.boolean().default(true),
    collector_type: z.boolean().default(true),
    description: z.boolean().default(true),
  }).default({
    enabled: true,
    category: true,
    subcategory: true,
    source_module: true,
    collector_type: true,
    description: true,
  }),
})
  .refine((c) => c.metric_allowlist.length === 0 || c.metric_denylist.length === 0, {
    message: 'metric_allowlist and metric_denylist are exclusive: set one of them',
    path: ['metric_denylist'],
  })
  .refine((c) => c.shard < c.total_shards, {
    message: 'shard must be less than total_shards (shards are numbered from 0)',
    path: ['shard'],
  })
  .refine(
    (c) =>
      !c.auto_sharding.enabled || (c.auto_sharding.pod_name !== '' && c.auto_sharding.pod_namespace !== ''),
    {
      message:
        'auto_sharding needs pod_name and pod_namespace (set POD_NAME and POD_NAMESPACE from the downward API)',
      path: ['auto_sharding'],
    },
  )
  .refine((c) => !c.k8s_leader_elector || (c.total_shards === 1 && !c.auto_sharding.enabled), {
    message:
      'k8s_leader_elector elects one active replica; it does not combine with sharding (total_shards > 1 or auto_sharding), where every replica serves its shard',
    path: ['k8s_leader_elector'],
  })
  .refine((c) => c.streaming.interval >= 1000, {
    message: 'streaming.interval must be at least 1s',
    path: ['streaming', 'interval'],
  });

export type KubeStateConfig = z.infer<typeof configSchema>;
