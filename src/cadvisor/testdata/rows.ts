// Hand-made rows of one collection, with round values, for the family tests: the node's root
// (cgroup v1 — memory limit from the machine), a Burstable pod, its containerd sandbox (with
// network) and one app container with a CFS quota and disk I/O on vda (253:0) and a partition
// (253:1, which cAdvisor does not name).
import type { ContainerRow } from '../families.ts';

export const NOW_MS = 1_767_268_800_123; // 2026-01-01T12:00:00.123Z
const TS = NOW_MS - 23;
const POD = '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1111_2222.slice';
export const SANDBOX_ID = 'a'.repeat(64);
export const APP_ID = 'b'.repeat(64);

const empty = { container: '', id: '', image: '', name: '', namespace: '', pod: '' };

export function sampleRows(): ContainerRow[] {
  return [
    {
      labels: { ...empty, id: `${POD}/cri-containerd-${APP_ID}.scope`, container: 'app', image: 'docker.io/library/nginx:1.27', name: APP_ID, namespace: 'shop', pod: 'web-0' },
      stats: {
        path: `${POD}/cri-containerd-${APP_ID}.scope`,
        timestampMs: TS,
        cpu: { usageSeconds: 12.5, userSeconds: 10, systemSeconds: 2.5, periods: 100, throttledPeriods: 7, throttledSeconds: 0.25 },
        memory: { usage: 104857600, maxUsage: 209715200, workingSet: 83886080, rss: 52428800, cache: 41943040, swap: 0, mappedFile: 4096, failcnt: 3, oomEvents: 1 },
        io: [
          { device: '253:1', readBytes: 10, writeBytes: 20, reads: 1, writes: 2 },
          { device: '253:0', readBytes: 1048576, writeBytes: 2097152, reads: 64, writes: 128 },
        ],
        spec: { cpuShares: 256, cpuQuotaMicros: 50000, cpuPeriodMicros: 100000, memoryLimit: 268435456, memoryReservation: 0, memorySwapLimit: 0 },
        pids: [4242],
        startTimeSeconds: 1767268000.9,
      },
    },
    {
      labels: { ...empty, id: '/', name: '' },
      stats: {
        path: '/',
        timestampMs: TS,
        cpu: { usageSeconds: 5000.25, userSeconds: 4000, systemSeconds: 1000.25 },
        memory: { usage: 8589934592, workingSet: 4294967296, rss: 2147483648, cache: 4294967296, swap: 0, mappedFile: 1048576, failcnt: 0 },
        network: [
          { name: 'eth0', rxBytes: 1e9, rxPackets: 1e6, rxErrors: 0, rxDropped: 5, txBytes: 5e8, txPackets: 5e5, txErrors: 0, txDropped: 0 },
        ],
        spec: { cpuShares: 1024, cpuPeriodMicros: 100000, memoryLimit: 16777216000, memorySwapLimit: 0 },
        startTimeSeconds: 1767000000,
      },
    },
    {
      labels: { ...empty, id: `${POD}/cri-containerd-${SANDBOX_ID}.scope`, image: 'registry.k8s.io/pause:3.10', name: SANDBOX_ID, namespace: 'shop', pod: 'web-0' },
      stats: {
        path: `${POD}/cri-containerd-${SANDBOX_ID}.scope`,
        timestampMs: TS,
        cpu: { usageSeconds: 0.03, userSeconds: 0.01, systemSeconds: 0.02 },
        memory: { usage: 532480, workingSet: 266240, rss: 40960, cache: 0, swap: 0, mappedFile: 0, failcnt: 0 },
        network: [
          { name: 'eth1', rxBytes: 7, rxPackets: 1, rxErrors: 0, rxDropped: 0, txBytes: 8, txPackets: 1, txErrors: 0, txDropped: 0 },
          { name: 'eth0', rxBytes: 123456, rxPackets: 100, rxErrors: 1, rxDropped: 2, txBytes: 654321, txPackets: 200, txErrors: 3, txDropped: 4 },
        ],
        spec: { cpuShares: 2, cpuPeriodMicros: 100000 },
        pids: [4200],
        startTimeSeconds: 1767268000,
      },
    },
    {
      labels: { ...empty, id: POD, namespace: 'shop', pod: 'web-0' },
      stats: {
        path: POD,
        timestampMs: TS,
        cpu: { usageSeconds: 0, userSeconds: 0, systemSeconds: 0 },
        memory: { usage: 105390080, workingSet: 84152320, rss: 52469760, cache: 41943040, swap: 0, mappedFile: 4096, failcnt: 0 },
        spec: { cpuShares: 307, cpuPeriodMicros: 100000 },
        startTimeSeconds: 1767268000,
      },
    },
  ];
}
