// `k8sattributes` configuration, in the Collector's option names and defaults where we do the
// same job. Differences (all documented in docs/configuration.md):
// - Without `pod_association` rules we associate by k8s.pod.uid, k8s.pod.ip, k8s.pod.name +
//   k8s.namespace.name, container.id and then the connection (the Collector: connection only),
//   so container logs (which carry the pod uid) and SDK data (which carries nothing) both match.
// - Label / annotation tags default to the semantic conventions' `k8s.pod.label.<key>` (and
//   `k8s.namespace.…`, `k8s.node.…`), which the Collector emits behind a feature gate.
// - `from` accepts pod, namespace and node; workload-level labels would need an informer on every
//   workload kind and are refused with a message rather than silently empty.
// - The default metadata adds every workload name, the container's name and image and
//   `service.name` (derived per the semantic conventions) to the Collector's six.
import { z } from 'zod';
import { compileGoRegexp } from '../../../attraction/go-regexp.ts';
import { duration, section } from '../../../config/schema-helpers.ts';

/** Everything `extract.metadata` may name. */
export const METADATA_KEYS = [
  'k8s.namespace.name',
  'k8s.pod.name',
  'k8s.pod.uid',
  'k8s.pod.start_time',
  'k8s.pod.hostname',
  'k8s.pod.ip',
  'k8s.node.name',
  'k8s.node.uid',
  'k8s.replicaset.name',
  'k8s.replicaset.uid',
  'k8s.deployment.name',
  'k8s.statefulset.name',
  'k8s.statefulset.uid',
  'k8s.daemonset.name',
  'k8s.daemonset.uid',
  'k8s.job.name',
  'k8s.job.uid',
  'k8s.cronjob.name',
  'k8s.container.name',
  'container.id',
  'container.image.name',
  'container.image.tag',
  'container.image.repo_digests',
  'service.name',
  'service.namespace',
  'service.version',
  'service.instance.id',
] as const;
export type MetadataKey = (typeof METADATA_KEYS)[number];

/** Named by the Collector but needing objects we do not watch; refused with this reason. */
const UNSUPPORTED: Record<string, string> = {
  'k8s.deployment.uid': "needs a watch on every ReplicaSet; k8s.replicaset.uid identifies the pod's owner",
  'k8s.cronjob.uid': "needs a watch on every Job; k8s.job.uid identifies the pod's owner",
  'k8s.cluster.uid': 'not provided; set k8s.cluster.name with --cluster-name instead',
};

export const DEFAULT_METADATA: MetadataKey[] = [
  'k8s.namespace.name',
  'k8s.pod.name',
  'k8s.pod.uid',
  'k8s.pod.start_time',
  'k8s.node.name',
  'k8s.deployment.name',
  'k8s.statefulset.name',
  'k8s.daemonset.name',
  'k8s.job.name',
  'k8s.cronjob.name',
  'k8s.container.name',
  'container.image.name',
  'container.image.tag',
  'service.name',
];

const metadataKey = z.string().superRefine((v, ctx) => {
  if ((METADATA_KEYS as readonly string[]).includes(v)) return;
  ctx.addIssue({
    code: 'custom',
    message:
      UNSUPPORTED[v] !== undefined
        ? `"${v}" is not supported: ${UNSUPPORTED[v]}`
        : `unknown metadata "${v}"; allowed: ${METADATA_KEYS.join(', ')}`,
  });
});

const regexp = z.string().superRefine((v, ctx) => {
  try {
    compileGoRegexp(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(e as Error).message}` });
  }
});

const fieldExtract = section({
  tag_name: z.string().optional(),
  key: z.string().optional(),
  key_regex: regexp.optional(),
  from: z
    .string()
    .default('pod')
    .superRefine((v, ctx) => {
      if (v === 'pod' || v === 'namespace' || v === 'node') return;
      ctx.addIssue({
        code: 'custom',
        message: ['deployment', 'statefulset', 'daemonset', 'job'].includes(v)
          ? `from: ${v} is not supported (it needs a watch on every ${v}); use pod, namespace or node`
          : `from must be pod, namespace or node, got "${v}"`,
      });
    }),
}).refine((r) => (r.key === undefined) !== (r.key_regex === undefined), {
  message: 'set exactly one of key and key_regex',
});
export type FieldExtract = {
  tag_name?: string;
  key?: string;
  key_regex?: string;
  from: 'pod' | 'namespace' | 'node';
};

const ASSOCIATION_NAMES = [
  'k8s.pod.uid',
  'k8s.pod.ip',
  'k8s.pod.name',
  'k8s.namespace.name',
  'container.id',
  'host.name',
] as const;

const associationSource = section({
  from: z.enum(['resource_attribute', 'connection']),
  name: z.string().optional(),
}).superRefine((s, ctx) => {
  if (s.from === 'connection') {
    if (s.name !== undefined && s.name !== 'ip' && s.name !== 'k8s.pod.ip')
      ctx.addIssue({ code: 'custom', message: 'a connection source takes no name (it is the sender’s IP)' });
    return;
  }
  if (!s.name || !(ASSOCIATION_NAMES as readonly string[]).includes(s.name))
    ctx.addIssue({
      code: 'custom',
      path: ['name'],
      message: `a resource_attribute source needs name: one of ${ASSOCIATION_NAMES.join(', ')}`,
    });
});
export type AssociationSource = { from: 'resource_attribute' | 'connection'; name?: string };

const associationRule = section({
  sources: z
    .array(associationSource)
    .min(1, 'a rule needs at least one source')
    .max(4, 'at most 4 sources per rule'),
}).superRefine((r, ctx) => {
  const names = new Set(r.sources.map((s) => (s.from === 'connection' ? 'connection' : s.name)));
  if (names.has('k8s.pod.name') !== names.has('k8s.namespace.name'))
    ctx.addIssue({
      code: 'custom',
      message: 'k8s.pod.name and k8s.namespace.name identify a pod only together: list both in one rule',
    });
  const identities = ['k8s.pod.uid', 'k8s.pod.ip', 'k8s.pod.name', 'container.id', 'host.name', 'connection'];
  if (identities.filter((n) => names.has(n)).length > 1)
    ctx.addIssue({
      code: 'custom',
      message:
        'each rule identifies a pod one way (uid, ip, name + namespace, container.id or connection); write one rule per way',
    });
});
export type AssociationRule = { sources: AssociationSource[] };

const DEFAULT_ASSOCIATION: AssociationRule[] = [
  { sources: [{ from: 'resource_attribute', name: 'k8s.pod.uid' }] },
  { sources: [{ from: 'resource_attribute', name: 'k8s.pod.ip' }] },
  {
    sources: [
      { from: 'resource_attribute', name: 'k8s.pod.name' },
      { from: 'resource_attribute', name: 'k8s.namespace.name' },
    ],
  },
  { sources: [{ from: 'resource_attribute', name: 'container.id' }] },
  { sources: [{ from: 'connection' }] },
];

const labelFilter = section({
  key: z.string().min(1),
  value: z.string().default(''),
  op: z.enum(['equals', 'not-equals', 'exists', 'does-not-exist']).default('equals'),
});
const fieldFilter = section({
  key: z.string().min(1),
  value: z.string().default(''),
  op: z.enum(['equals', 'not-equals']).default('equals'),
});

export const configSchema = section({
  /** Accepted for Collector configurations; the process's Kubernetes access is what is used. */
  auth_type: z.enum(['serviceAccount', 'kubeConfig', 'none']).default('serviceAccount'),
  /** Only tag k8s.pod.ip from the connection; no API access (an agent in front of a gateway). */
  passthrough: z.boolean().default(false),
  filter: section({
    node: z.string().optional(),
    node_from_env_var: z.string().optional(),
    namespace: z.string().optional(),
    labels: z.array(labelFilter).default([]),
    fields: z.array(fieldFilter).default([]),
  }).default({ labels: [], fields: [] }),
  extract: section({
    metadata: z.array(metadataKey).default(DEFAULT_METADATA),
    labels: z.array(fieldExtract).default([]),
    annotations: z.array(fieldExtract).default([]),
    /** Every `resource.opentelemetry.io/<attribute>` pod annotation becomes that attribute. */
    otel_annotations: z.boolean().default(false),
    /** Accepted for Collector configurations: the Deployment always comes from the ReplicaSet's name. */
    deployment_name_from_replicaset: z.boolean().default(true),
  }).default({
    metadata: DEFAULT_METADATA,
    labels: [],
    annotations: [],
    otel_annotations: false,
    deployment_name_from_replicaset: true,
  }),
  pod_association: z.array(associationRule).default(DEFAULT_ASSOCIATION),
  exclude: section({
    pods: z
      .array(section({ name: regexp }))
      .default([{ name: 'jaeger-agent' }, { name: 'jaeger-collector' }]),
  }).default({ pods: [{ name: 'jaeger-agent' }, { name: 'jaeger-collector' }] }),
  /** Hold start until the pod list is in (fail start after the timeout). */
  wait_for_metadata: z.boolean().default(false),
  wait_for_metadata_timeout: duration().default(10_000),
  /** How long a pod stays findable after it was deleted (its last logs and spans come late). */
  pod_delete_grace_period: duration().default(120_000),
  /** How long a batch waits for a lazy lookup of a pod the table does not know yet. */
  lookup_timeout: duration().default(1_000),
});

export interface K8sAttributesConfig {
  auth_type: 'serviceAccount' | 'kubeConfig' | 'none';
  passthrough: boolean;
  filter: {
    node?: string;
    node_from_env_var?: string;
    namespace?: string;
    labels: Array<{ key: string; value: string; op: 'equals' | 'not-equals' | 'exists' | 'does-not-exist' }>;
    fields: Array<{ key: string; value: string; op: 'equals' | 'not-equals' }>;
  };
  extract: {
    metadata: MetadataKey[];
    labels: FieldExtract[];
    annotations: FieldExtract[];
    otel_annotations: boolean;
    deployment_name_from_replicaset: boolean;
  };
  pod_association: AssociationRule[];
  exclude: { pods: Array<{ name: string }> };
  wait_for_metadata: boolean;
  wait_for_metadata_timeout: number;
  pod_delete_grace_period: number;
  lookup_timeout: number;
}

/** The filter as label and field selector strings (the API server applies them). */
export function selectors(f: K8sAttributesConfig['filter']): {
  labelSelector?: string;
  fieldSelector?: string;
} {
  const labels = f.labels.map((l) => {
    switch (l.op) {
      case 'equals':
        return `${l.key}=${l.value}`;
      case 'not-equals':
        return `${l.key}!=${l.value}`;
      case 'exists':
        return l.key;
      case 'does-not-exist':
        return `!${l.key}`;
    }
  });
  const fields = f.fields.map((x) => `${x.key}${x.op === 'equals' ? '=' : '!='}${x.value}`);
  return {
    ...(labels.length ? { labelSelector: labels.join(',') } : {}),
    ...(fields.length ? { fieldSelector: fields.join(',') } : {}),
  };
}
