// kube-state-metrics' VolumeAttachment families (internal/store/volumeattachment.go).
// STUB: not implemented yet.
import type { KubeResourceObject, ResourceDef } from '../types.ts';

export const resource: ResourceDef<KubeResourceObject> = {
  resource: 'volumeattachments',
  kind: 'VolumeAttachment',
  group: 'storage.k8s.io',
  version: 'v1',
  namespaced: false,
  enabledByDefault: true,
  identifyingLabels: ['volumeattachment'],
  identify: (o) => [o.metadata.name],
  families: [],
};
