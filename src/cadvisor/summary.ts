// Per-pod summary metrics, pushed over OTLP next to the container_* families (not served on
// /metrics/cadvisor, which stays exactly the kubelet's):
//
//   pod_cpu_utilization_ratio{namespace,pod}   gauge, 0..1: CPU seconds the pod's cgroup used
//       between two collections, per second of wall time, divided by the node's logical CPUs —
//       the pod's share of the node, on the scale of node_cpu_utilization, so a node's pods add
//       up to at most its busy fraction. Always from the delta of the cumulative cgroup CPU time;
//       a pod's first collection (or a counter that went backwards) has no sample.
//   pod_memory_usage_bytes{namespace,pod}      gauge: the pod cgroup's working set (what the
//       kubelet evicts on and `kubectl top` shows).
//   pod_network_io_bytes{namespace,pod,interface,direction}  counter (cumulative; OTLP monotonic
//       sum): bytes received / transmitted on each interface of the pod's network namespace
//       (direction "receive" | "transmit", as the OpenTelemetry k8s.pod.network.io metric).
//
// Only pods the kubelet's pod list names are summarised (labels need a pod name). State is the
// previous CPU reading per pod uid; pods that are gone are forgotten at the next collection.
import { family, type Family } from '../metricfamily/family.ts';
import type { ContainerLabels, PodInfo } from './pods.ts';
import type { CgroupStats } from './types.ts';

export interface SummaryInput {
  /** Pod-level cgroups (the pod's own cgroup, summing its containers). */
  pods: readonly { pod: PodInfo; stats: CgroupStats }[];
  /** The pods' network counters (read for their sandboxes). */
  networks: readonly { pod: PodInfo; labels: ContainerLabels; stats: CgroupStats }[];
  nowMs: number;
  /** Logical CPUs of the node (> 0). */
  cpus: number;
}

export class PodSummary {
  private prev = new Map<string, { cpuSeconds: number; atMs: number }>();

  compute(input: SummaryInput): Family[] {
    const cpu = family(
      'pod_cpu_utilization_ratio',
      'gauge',
      "Share of the node's CPUs the pod used between the last two collections (0-1).",
    );
    const mem = family('pod_memory_usage_bytes', 'gauge', "Working set of the pod's cgroup in bytes.");
    const net = family(
      'pod_network_io_bytes',
      'counter',
      "Bytes received and transmitted on the interfaces of the pod's network namespace.",
    );
    const next = new Map<string, { cpuSeconds: number; atMs: number }>();
    for (const { pod, stats } of input.pods) {
      const labels = [
        ['namespace', pod.namespace],
        ['pod', pod.name],
      ] as const;
      if (stats.memory) mem.samples.push({ labels, value: stats.memory.workingSet });
      if (!stats.cpu) continue;
      const now = { cpuSeconds: stats.cpu.usageSeconds, atMs: stats.timestampMs };
      next.set(pod.uid, now);
      const before = this.prev.get(pod.uid);
      if (!before || input.cpus <= 0) continue;
      const dt = (now.atMs - before.atMs) / 1000;
      const used = now.cpuSeconds - before.cpuSeconds;
      if (!(dt > 0) || used < 0) continue;
      cpu.samples.push({ labels, value: Math.min(1, used / dt / input.cpus) });
    }
    this.prev = next;
    for (const { pod, stats } of input.networks) {
      for (const n of stats.network ?? []) {
        for (const [direction, value] of [
          ['receive', n.rxBytes],
          ['transmit', n.txBytes],
        ] as const) {
          net.samples.push({
            labels: [
              ['namespace', pod.namespace],
              ['pod', pod.name],
              ['interface', n.name],
              ['direction', direction],
            ],
            value,
          });
        }
      }
    }
    return [cpu, mem, net];
  }
}
