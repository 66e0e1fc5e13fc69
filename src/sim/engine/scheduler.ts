// Placement the way default-scheduler would decide it for the simulator's purposes: a pod goes to
// the least-loaded node that tolerates its taints and still has room for its requests and one
// more pod; pods that fit nowhere stay Pending. Cost is O(nodes) per pod, never O(pods).
import type { NodeRec, PodRec } from './model.ts';

export class Scheduler {
  readonly nodes: NodeRec[] = [];

  /** The node for `pod`, or undefined with the reasons nodes were rejected (for the FailedScheduling message). */
  pick(pod: PodRec): { node?: NodeRec; reasons: Map<string, number> } {
    const reasons = new Map<string, number>();
    const candidates = pod.pinnedNode ? [pod.pinnedNode] : this.nodes;
    let best: NodeRec | undefined;
    let bestScore = Infinity;
    for (const node of candidates) {
      const why = unfit(node, pod);
      if (why) {
        reasons.set(why, (reasons.get(why) ?? 0) + 1);
        continue;
      }
      const score = Math.max(
        (node.usedCpuMilli + pod.cpuMilli) / node.cpuMilli,
        (node.usedMemBytes + pod.memBytes) / node.memBytes,
        (node.podCount + 1) / node.maxPods,
      );
      if (score < bestScore) {
        bestScore = score;
        best = node;
      }
    }
    return best ? { node: best, reasons } : { reasons };
  }

  /** Accounts the pod on the node and allocates its IP (host IP for hostNetwork pods). */
  bind(pod: PodRec, node: NodeRec): void {
    pod.node = node;
    node.usedCpuMilli += pod.cpuMilli;
    node.usedMemBytes += pod.memBytes;
    node.podCount++;
    node.pods.add(pod);
  }

  assignIp(pod: PodRec): void {
    const node = pod.node;
    if (!node || pod.ip) return;
    if (pod.hostNetwork) {
      pod.ip = node.internalIP;
      return;
    }
    const host = node.freeIps.pop();
    if (host === undefined) throw new Error(`node ${node.name}: pod CIDR ${node.podCIDR} exhausted`);
    pod.ip = node.ipPrefix + host;
  }

  /**
   * Gives back the pod's resources: terminal pods (Succeeded/Failed) stop counting against the node
   * and release their IP, like the scheduler cache and the CNI plugin do. The pod's status keeps
   * its last podIP, as in a real cluster.
   */
  release(pod: PodRec): void {
    const node = pod.node;
    if (!node || !node.pods.has(pod)) return;
    node.pods.delete(pod);
    node.usedCpuMilli -= pod.cpuMilli;
    node.usedMemBytes -= pod.memBytes;
    node.podCount--;
    if (pod.ip && !pod.hostNetwork && pod.ip.startsWith(node.ipPrefix)) {
      node.freeIps.push(Number(pod.ip.slice(node.ipPrefix.length)));
    }
  }

  /** Human message in the scheduler's format: "0/3 nodes are available: 1 Insufficient cpu, ...". */
  static message(total: number, reasons: Map<string, number>): string {
    const parts = [...reasons.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([r, n]) => `${n} ${r}`);
    return `0/${total} nodes are available: ${parts.join(', ')}. preemption: 0/${total} nodes are available: ${total} No preemption victims found for incoming pod.`;
  }
}

function unfit(node: NodeRec, pod: PodRec): string | undefined {
  // Static pods are started by the kubelet from manifests: taints do not apply to them.
  const taints = pod.owner.kind === 'Node' ? [] : node.taints;
  for (const taint of taints) {
    if (taint.effect === 'PreferNoSchedule') continue;
    const tolerated = pod.tolerations.some(
      (t) =>
        (t.effect === undefined || t.effect === taint.effect) &&
        ((t.operator === 'Exists' && (t.key === undefined || t.key === taint.key)) ||
          (t.key === taint.key && (t.value ?? '') === (taint.value ?? ''))),
    );
    if (!tolerated) return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
  }
  if (node.podCount + 1 > node.maxPods) return 'Too many pods';
  if (node.usedCpuMilli + pod.cpuMilli > node.cpuMilli) return 'Insufficient cpu';
  if (node.usedMemBytes + pod.memBytes > node.memBytes) return 'Insufficient memory';
  return undefined;
}
