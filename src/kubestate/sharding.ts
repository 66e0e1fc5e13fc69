// Sharding as kube-state-metrics does it: an object belongs to shard
// JumpConsistentHash(FNV-1a-64(uid), total). Every object lands in exactly one shard, and growing
// from N to N+1 shards moves only ~1/(N+1) of them. Same hash, same answer as kube-state-metrics,
// so a fleet can mix the two during a migration.

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK64 = 0xffffffffffffffffn;

/** FNV-1a, 64 bits, over the UTF-8 bytes of `s`. */
export function fnv1a64(s: string): bigint {
  let h = FNV_OFFSET;
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= BigInt(b);
    h = (h * FNV_PRIME) & MASK64;
  }
  return h;
}

/** Lamping & Veach's jump consistent hash: the bucket in [0, buckets) for a 64-bit key. */
export function jumpHash(key: bigint, buckets: number): number {
  let b = -1;
  let j = 0;
  let k = key & MASK64;
  while (j < buckets) {
    b = j;
    k = (k * 2862933555777941757n + 1n) & MASK64;
    j = Math.floor((b + 1) * (2 ** 31 / (Number(k >> 33n) + 1)));
  }
  return b;
}

export interface ShardSpec {
  shard: number;
  totalShards: number;
}

/** The shard an object's uid belongs to. */
export function shardOf(uid: string, totalShards: number): number {
  return totalShards <= 1 ? 0 : jumpHash(fnv1a64(uid), totalShards);
}

/** True when this shard owns the object. With one shard everything is owned. */
export function ownsObject(spec: ShardSpec, uid: string): boolean {
  return spec.totalShards <= 1 || shardOf(uid, spec.totalShards) === spec.shard;
}

/**
 * The ordinal of a StatefulSet pod from its name ("kube-state-2" → 2), for automatic sharding;
 * undefined when the name has no numeric suffix.
 */
export function statefulSetOrdinal(podName: string): number | undefined {
  const m = /-(\d+)$/.exec(podName);
  return m ? Number(m[1]) : undefined;
}
