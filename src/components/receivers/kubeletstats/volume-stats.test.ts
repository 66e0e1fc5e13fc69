// kubelet_volume_stats_* from a Summary, against the text the kubelet's /metrics would serve for
// it (families in name order, samples in label order, "[ALPHA] " help, PVC-backed volumes only,
// one row per claim, health only where reported).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderFamilies } from '../../../metricfamily/family.ts';
import { parseSummary } from './summary.ts';
import { pvcVolumes, volumeFamilies } from './volume-stats.ts';

const fixture = (): unknown =>
  JSON.parse(readFileSync(new URL('./testdata/summary.json', import.meta.url), 'utf8')) as unknown;

const EXPECTED = `# HELP kubelet_volume_stats_available_bytes [ALPHA] Number of available bytes in the volume
# TYPE kubelet_volume_stats_available_bytes gauge
kubelet_volume_stats_available_bytes{namespace="apps",persistentvolumeclaim="web-cache"} 1.073741824e+09
kubelet_volume_stats_available_bytes{namespace="db",persistentvolumeclaim="backups"} 5e+10
kubelet_volume_stats_available_bytes{namespace="db",persistentvolumeclaim="data-postgres-0"} 9.663676416e+09
# HELP kubelet_volume_stats_capacity_bytes [ALPHA] Capacity in bytes of the volume
# TYPE kubelet_volume_stats_capacity_bytes gauge
kubelet_volume_stats_capacity_bytes{namespace="apps",persistentvolumeclaim="web-cache"} 1.073741824e+09
kubelet_volume_stats_capacity_bytes{namespace="db",persistentvolumeclaim="backups"} 5.36870912e+10
kubelet_volume_stats_capacity_bytes{namespace="db",persistentvolumeclaim="data-postgres-0"} 1.0501771264e+10
# HELP kubelet_volume_stats_health_status_abnormal [ALPHA] Abnormal volume health status. The count is either 1 or 0. 1 indicates the volume is unhealthy, 0 indicates volume is healthy
# TYPE kubelet_volume_stats_health_status_abnormal gauge
kubelet_volume_stats_health_status_abnormal{namespace="db",persistentvolumeclaim="backups"} 1
kubelet_volume_stats_health_status_abnormal{namespace="db",persistentvolumeclaim="data-postgres-0"} 0
# HELP kubelet_volume_stats_inodes [ALPHA] Maximum number of inodes in the volume
# TYPE kubelet_volume_stats_inodes gauge
kubelet_volume_stats_inodes{namespace="apps",persistentvolumeclaim="web-cache"} 262144
kubelet_volume_stats_inodes{namespace="db",persistentvolumeclaim="backups"} 3.2768e+06
kubelet_volume_stats_inodes{namespace="db",persistentvolumeclaim="data-postgres-0"} 655360
# HELP kubelet_volume_stats_inodes_free [ALPHA] Number of free inodes in the volume
# TYPE kubelet_volume_stats_inodes_free gauge
kubelet_volume_stats_inodes_free{namespace="apps",persistentvolumeclaim="web-cache"} 262144
kubelet_volume_stats_inodes_free{namespace="db",persistentvolumeclaim="backups"} 3.2e+06
kubelet_volume_stats_inodes_free{namespace="db",persistentvolumeclaim="data-postgres-0"} 655000
# HELP kubelet_volume_stats_inodes_used [ALPHA] Number of used inodes in the volume
# TYPE kubelet_volume_stats_inodes_used gauge
kubelet_volume_stats_inodes_used{namespace="apps",persistentvolumeclaim="web-cache"} 0
kubelet_volume_stats_inodes_used{namespace="db",persistentvolumeclaim="backups"} 76800
kubelet_volume_stats_inodes_used{namespace="db",persistentvolumeclaim="data-postgres-0"} 360
# HELP kubelet_volume_stats_used_bytes [ALPHA] Number of used bytes in the volume
# TYPE kubelet_volume_stats_used_bytes gauge
kubelet_volume_stats_used_bytes{namespace="apps",persistentvolumeclaim="web-cache"} 0
kubelet_volume_stats_used_bytes{namespace="db",persistentvolumeclaim="backups"} 3.6870912e+09
kubelet_volume_stats_used_bytes{namespace="db",persistentvolumeclaim="data-postgres-0"} 8.38094848e+08
`;

test('renders what the kubelet serves for the fixture Summary', () => {
  const summary = parseSummary(fixture());
  assert.ok(summary);
  assert.equal(renderFamilies(volumeFamilies(summary), 'text'), EXPECTED);
});

test('one row per claim: the first pod in Summary order wins; non-PVC volumes are left out', () => {
  const summary = parseSummary(fixture())!;
  const vols = pvcVolumes(summary);
  assert.deepEqual(
    vols.map((v) => `${v.namespace}/${v.claim}<-${v.stats.name}`),
    ['apps/web-cache<-cache', 'db/backups<-target', 'db/data-postgres-0<-data'],
  );
});

test('OpenMetrics keeps gauge names; a missing field drops only that sample; no PVCs, no families', () => {
  const raw = fixture() as { pods: { volume: Record<string, unknown>[] }[] };
  delete raw.pods[2]!.volume[0]!.usedBytes; // apps/web-cache
  const text = renderFamilies(volumeFamilies(parseSummary(raw)!), 'openmetrics');
  assert.match(text, /^# TYPE kubelet_volume_stats_used_bytes gauge$/m);
  assert.doesNotMatch(text, /kubelet_volume_stats_used_bytes\{namespace="apps"/);
  assert.match(
    text,
    /kubelet_volume_stats_capacity_bytes\{namespace="apps",persistentvolumeclaim="web-cache"\}/,
  );
  const none = parseSummary({
    node: { nodeName: 'n' },
    pods: [{ podRef: { name: 'p', namespace: 'n' }, volume: [{ name: 'tmp', usedBytes: 1 }] }],
  })!;
  assert.equal(renderFamilies(volumeFamilies(none), 'text'), '');
});

test('label values are escaped as the kubelet (client_golang) escapes them', () => {
  const s = parseSummary({
    node: {},
    pods: [
      {
        podRef: { name: 'p', namespace: 'n' },
        volume: [{ name: 'v', capacityBytes: 1, pvcRef: { name: 'odd"\\\nname', namespace: 'n' } }],
      },
    ],
  })!;
  assert.equal(
    renderFamilies(volumeFamilies(s), 'text').split('\n')[2],
    'kubelet_volume_stats_capacity_bytes{namespace="n",persistentvolumeclaim="odd\\"\\\\\\nname"} 1',
  );
});
