// Automatic sharding for a kubestate StatefulSet: this pod's ordinal is its shard, the
// StatefulSet's replica count the total (kube-state-metrics' --pod/--pod-namespace mode).
import type { KubeClient } from '../../../k8s/client.ts';
import type { KubeObject } from '../../../k8s/types.ts';
import { statefulSetOrdinal } from '../../../kubestate/sharding.ts';
import type { ShardSpec } from '../../../kubestate/sharding.ts';

export class AutoShardingError extends Error {}

/** Reads this pod and its owning StatefulSet; throws AutoShardingError with what to fix. */
export async function discoverShard(
  client: KubeClient,
  podNamespace: string,
  podName: string,
): Promise<ShardSpec> {
  const ns = encodeURIComponent(podNamespace);
  const pod = await client.get<KubeObject>(`/api/v1/namespaces/${ns}/pods/${encodeURIComponent(podName)}`);
  const owner = pod.metadata.ownerReferences?.find((r) => r.kind === 'StatefulSet' && r.controller !== false);
  if (!owner) {
    throw new AutoShardingError(
      `auto_sharding: pod ${podNamespace}/${podName} is not owned by a StatefulSet; run the cluster role as a StatefulSet or set shard/total_shards`,
    );
  }
  const ordinal = statefulSetOrdinal(podName);
  if (ordinal === undefined) {
    throw new AutoShardingError(`auto_sharding: pod name ${podName} has no StatefulSet ordinal suffix (-N)`);
  }
  const sts = await client.get<KubeObject & { spec?: { replicas?: number } }>(
    `/apis/apps/v1/namespaces/${ns}/statefulsets/${encodeURIComponent(owner.name)}`,
  );
  const total = typeof sts.spec?.replicas === 'number' ? sts.spec.replicas : 1;
  if (ordinal >= total) {
    throw new AutoShardingError(
      `auto_sharding: ordinal ${ordinal} of ${podName} is not below the StatefulSet's ${total} replicas (scaling down?)`,
    );
  }
  return { shard: ordinal, totalShards: total };
}
