// kubelet_volume_stats_* exactly as the kubelet serves them on /metrics (its volume stats
// collector, pkg/kubelet/metrics/collectors/volume_stats.go), computed from the same data: the
// Summary's pod volume stats.
//
// Semantics (the kubelet's):
//   - only volumes with a pvcRef (PVC-backed, including generic ephemeral volumes) are reported;
//     emptyDir, configMap, secret, projected... volumes are not;
//   - labels `namespace`, `persistentvolumeclaim` (the claim's, not the pod's namespace field);
//   - a claim mounted by several pods is reported once: the first pod in Summary order wins;
//   - kubelet_volume_stats_health_status_abnormal only for volumes whose CSI driver reports health;
//   - HELP carries the component-base stability prefix "[ALPHA] ";
//   - families in name order and samples in label-value order, as client_golang's Gather sorts
//     them.
// Where the kubelet would dereference a missing field (it panics), we leave that one sample out.
import { family, type Family } from '../../../metricfamily/family.ts';
import type { Summary, VolumeStats } from './summary.ts';

interface VolumeFamilySpec {
  name: string;
  help: string;
  value: (v: VolumeStats) => number | undefined;
}

/** In name order (available < capacity < health_status_abnormal < inodes < ... < used). */
const SPECS: readonly VolumeFamilySpec[] = [
  {
    name: 'kubelet_volume_stats_available_bytes',
    help: '[ALPHA] Number of available bytes in the volume',
    value: (v) => v.availableBytes,
  },
  {
    name: 'kubelet_volume_stats_capacity_bytes',
    help: '[ALPHA] Capacity in bytes of the volume',
    value: (v) => v.capacityBytes,
  },
  {
    name: 'kubelet_volume_stats_health_status_abnormal',
    help: '[ALPHA] Abnormal volume health status. The count is either 1 or 0. 1 indicates the volume is unhealthy, 0 indicates volume is healthy',
    value: (v) => (v.abnormal === undefined ? undefined : v.abnormal ? 1 : 0),
  },
  {
    name: 'kubelet_volume_stats_inodes',
    help: '[ALPHA] Maximum number of inodes in the volume',
    value: (v) => v.inodes,
  },
  {
    name: 'kubelet_volume_stats_inodes_free',
    help: '[ALPHA] Number of free inodes in the volume',
    value: (v) => v.inodesFree,
  },
  {
    name: 'kubelet_volume_stats_inodes_used',
    help: '[ALPHA] Number of used inodes in the volume',
    value: (v) => v.inodesUsed,
  },
  {
    name: 'kubelet_volume_stats_used_bytes',
    help: '[ALPHA] Number of used bytes in the volume',
    value: (v) => v.usedBytes,
  },
];

export const VOLUME_FAMILY_NAMES: readonly string[] = SPECS.map((s) => s.name);

function byteCompare(a: string, b: string): number {
  // Go compares strings bytewise; names here are DNS labels (ASCII), where code-unit order is the same.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The PVC-backed volumes, one per claim, sorted by (namespace, claim). */
export function pvcVolumes(summary: Summary): { namespace: string; claim: string; stats: VolumeStats }[] {
  const seen = new Set<string>();
  const out: { namespace: string; claim: string; stats: VolumeStats }[] = [];
  for (const pod of summary.pods) {
    for (const v of pod.volumes) {
      if (!v.pvcRef) continue;
      const key = `${v.pvcRef.namespace}/${v.pvcRef.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ namespace: v.pvcRef.namespace, claim: v.pvcRef.name, stats: v });
    }
  }
  out.sort((a, b) => byteCompare(a.namespace, b.namespace) || byteCompare(a.claim, b.claim));
  return out;
}

/** The seven families (empty ones included; renderFamilies leaves those out as the kubelet does). */
export function volumeFamilies(summary: Summary): Family[] {
  const vols = pvcVolumes(summary);
  return SPECS.map((spec) => {
    const f = family(spec.name, 'gauge', spec.help);
    for (const v of vols) {
      const value = spec.value(v.stats);
      if (value === undefined) continue;
      f.samples.push({
        labels: [
          ['namespace', v.namespace],
          ['persistentvolumeclaim', v.claim],
        ],
        value,
      });
    }
    return f;
  });
}
