// kube-state-metrics' PersistentVolume families (internal/store/persistentvolume.go).
// `kube_persistentvolume_info` fills the labels of the first volume source set, in KSM's order
// (GCE PD, EBS, Azure disk, FC, iSCSI, NFS, CSI, local, hostPath); the others stay "".
import {
  annotationsFamily,
  arr,
  boolValue,
  createdFamily,
  family,
  labelsFamily,
  metric,
  num,
  rec,
  str,
  stringMap,
  deletionFamily,
} from '../generators.ts';
import { isQuantity, quantityValue } from '../quantity.ts';
import type { KubeResourceObject, ResourceDef } from '../types.ts';

interface PersistentVolume extends KubeResourceObject {
  spec?: unknown;
  status?: unknown;
}

type Rec = Record<string, unknown>;
const EMPTY: Rec = Object.freeze({}) as Rec;

function spec(p: PersistentVolume): Rec {
  return rec(p.spec) ?? EMPTY;
}

const PHASES = ['Pending', 'Available', 'Bound', 'Released', 'Failed'] as const;

const INFO_LABELS = [
  'storageclass',
  'gce_persistent_disk_name',
  'ebs_volume_id',
  'azure_disk_name',
  'fc_wwids',
  'fc_lun',
  'fc_target_wwns',
  'iscsi_target_portal',
  'iscsi_iqn',
  'iscsi_lun',
  'iscsi_initiator_name',
  'nfs_server',
  'nfs_path',
  'csi_driver',
  'csi_volume_handle',
  'local_path',
  'local_fs',
  'host_path',
  'host_path_type',
  'reclaim_policy',
] as const;

type InfoLabel = (typeof INFO_LABELS)[number];

/** An int32 field formatted like strconv.FormatInt; a missing one is Go's 0. */
function intString(v: unknown): string {
  return String(Math.trunc(num(v) ?? 0));
}

/** The source-specific labels of `kube_persistentvolume_info` (only the first source set counts). */
function volumeSourceLabels(s: Rec): Partial<Record<InfoLabel, string>> {
  const gce = rec(s.gcePersistentDisk);
  if (gce) return { gce_persistent_disk_name: str(gce.pdName) };
  const ebs = rec(s.awsElasticBlockStore);
  if (ebs) return { ebs_volume_id: str(ebs.volumeID) };
  const azure = rec(s.azureDisk);
  if (azure) return { azure_disk_name: str(azure.diskName) };
  const fc = rec(s.fc);
  if (fc) {
    return {
      fc_lun: num(fc.lun) === undefined ? '' : intString(fc.lun),
      fc_target_wwns: arr(fc.targetWWNs).map(str).join(','),
      fc_wwids: arr(fc.wwids).map(str).join(','),
    };
  }
  const iscsi = rec(s.iscsi);
  if (iscsi) {
    return {
      iscsi_target_portal: str(iscsi.targetPortal),
      iscsi_iqn: str(iscsi.iqn),
      iscsi_lun: intString(iscsi.lun),
      iscsi_initiator_name: str(iscsi.initiatorName),
    };
  }
  const nfs = rec(s.nfs);
  if (nfs) return { nfs_server: str(nfs.server), nfs_path: str(nfs.path) };
  const csi = rec(s.csi);
  if (csi) return { csi_driver: str(csi.driver), csi_volume_handle: str(csi.volumeHandle) };
  const local = rec(s.local);
  if (local) return { local_path: str(local.path), local_fs: str(local.fsType) };
  const hostPath = rec(s.hostPath);
  if (hostPath) return { host_path: str(hostPath.path), host_path_type: str(hostPath.type) };
  return {};
}

export const resource: ResourceDef<PersistentVolume> = {
  resource: 'persistentvolumes',
  kind: 'PersistentVolume',
  group: '',
  version: 'v1',
  namespaced: false,
  enabledByDefault: true,
  identifyingLabels: ['persistentvolume'],
  identify: (o) => [str(o.metadata.name)],
  families: [
    family(
      'kube_persistentvolume_claim_ref',
      'gauge',
      'stable',
      'Information about the Persistent Volume Claim Reference.',
      (o) => {
        const ref = rec(spec(o).claimRef);
        return ref ? [metric(1, ['name', 'claim_namespace'], [str(ref.name), str(ref.namespace)])] : [];
      },
    ),
    annotationsFamily('kube_persistentvolume_annotations'),
    labelsFamily('kube_persistentvolume_labels'),
    family(
      'kube_persistentvolume_status_phase',
      'gauge',
      'stable',
      'The phase indicates if a volume is available, bound to a claim, or released by a claim.',
      (o) => {
        const phase = str(rec(o.status)?.phase);
        if (phase === '') return [];
        return PHASES.map((p) => metric(boolValue(phase === p), ['phase'], [p]));
      },
    ),
    family('kube_persistentvolume_info', 'gauge', 'stable', 'Information about persistentvolume.', (o) => {
      const s = spec(o);
      const labels: Partial<Record<InfoLabel, string>> = {
        ...volumeSourceLabels(s),
        storageclass: str(s.storageClassName),
        reclaim_policy: str(s.persistentVolumeReclaimPolicy),
      };
      return [
        metric(
          1,
          INFO_LABELS,
          INFO_LABELS.map((l) => labels[l] ?? ''),
        ),
      ];
    }),
    family(
      'kube_persistentvolume_capacity_bytes',
      'gauge',
      'stable',
      'Persistentvolume capacity in bytes.',
      (o) => {
        const q = rec(spec(o).capacity)?.storage;
        return [metric(isQuantity(q) ? quantityValue(q) : 0)];
      },
    ),
    createdFamily('kube_persistentvolume_created', 'experimental'),
    deletionFamily('kube_persistentvolume_deletion_timestamp'),
    family(
      'kube_persistentvolume_csi_attributes',
      'gauge',
      'experimental',
      'CSI attributes of the Persistent Volume.',
      (o) => {
        const csi = rec(spec(o).csi);
        if (!csi) return [];
        const attrs = stringMap(csi.volumeAttributes) ?? {};
        return [metric(1, ['csi_mounter', 'csi_map_options'], [attrs.mounter ?? '', attrs.mapOptions ?? ''])];
      },
      { optIn: true },
    ),
    family(
      'kube_persistentvolume_volume_mode',
      'gauge',
      'experimental',
      'Volume Mode information for the PersistentVolume.',
      (o) => {
        // An unset volumeMode means Filesystem, the API default.
        const mode = spec(o).volumeMode;
        return [metric(1, ['volumemode'], [typeof mode === 'string' ? mode : 'Filesystem'])];
      },
    ),
    family(
      'kube_persistentvolume_access_mode',
      'gauge',
      'experimental',
      'The access mode(s) specified by the persistent volume.',
      (o) => arr(spec(o).accessModes).map((m) => metric(1, ['access_mode'], [str(m)])),
    ),
  ],
};
