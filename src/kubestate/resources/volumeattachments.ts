// kube-state-metrics' VolumeAttachment families (internal/store/volumeattachment.go).
// Unlike other resources, KSM gives VolumeAttachments no allow-lists: `_labels` always carries
// every label, and `_status_attachment_metadata` every metadata entry as `metadata_*`.
import { boolValue, createdFamily, family, metric, rec, str, stringMap } from '../generators.ts';
import { mapToPrometheusLabels } from '../labels.ts';
import type { KubeResourceObject, ResourceDef } from '../types.ts';

interface VolumeAttachment extends KubeResourceObject {
  spec?: unknown;
  status?: unknown;
}

type Rec = Record<string, unknown>;
const EMPTY: Rec = Object.freeze({}) as Rec;

function spec(va: VolumeAttachment): Rec {
  return rec(va.spec) ?? EMPTY;
}
function status(va: VolumeAttachment): Rec {
  return rec(va.status) ?? EMPTY;
}

export const resource: ResourceDef<VolumeAttachment> = {
  resource: 'volumeattachments',
  kind: 'VolumeAttachment',
  group: 'storage.k8s.io',
  version: 'v1',
  namespaced: false,
  enabledByDefault: true,
  identifyingLabels: ['volumeattachment'],
  identify: (o) => [str(o.metadata.name)],
  families: [
    family(
      'kube_volumeattachment_labels',
      'gauge',
      'experimental',
      'Kubernetes labels converted to Prometheus labels.',
      (o) => {
        const l = mapToPrometheusLabels('label', stringMap(o.metadata.labels) ?? {});
        return [metric(1, l.keys, l.values)];
      },
    ),
    family(
      'kube_volumeattachment_info',
      'gauge',
      'experimental',
      'Information about volumeattachment.',
      (o) => [metric(1, ['attacher', 'node'], [str(spec(o).attacher), str(spec(o).nodeName)])],
    ),
    createdFamily('kube_volumeattachment_created', 'experimental'),
    family(
      'kube_volumeattachment_spec_source_persistentvolume',
      'gauge',
      'experimental',
      'PersistentVolume source reference.',
      (o) => {
        const pv = rec(spec(o).source)?.persistentVolumeName;
        return typeof pv === 'string' ? [metric(1, ['volumename'], [pv])] : [];
      },
    ),
    family(
      'kube_volumeattachment_status_attached',
      'gauge',
      'experimental',
      'Information about volumeattachment.',
      (o) => [metric(boolValue(status(o).attached === true))],
    ),
    family(
      'kube_volumeattachment_status_attachment_metadata',
      'gauge',
      'experimental',
      'volumeattachment metadata.',
      (o) => {
        const m = mapToPrometheusLabels('metadata', stringMap(status(o).attachmentMetadata) ?? {});
        return [metric(1, m.keys, m.values)];
      },
    ),
  ],
};
