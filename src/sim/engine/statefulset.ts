// StatefulSet controller: pods <name>-<ordinal> created in order (OrderedReady), each with the
// PersistentVolumeClaims of its volumeClaimTemplates, dynamically provisioned PersistentVolumes of
// the CSI storage class, and VolumeAttachments to the node the pod runs on.
import type { OwnerReference } from '../types.ts';
import type { Ctx, NodeRec, PodOwner, PodRec, PodTemplate } from './model.ts';
import { controllerRef } from './model.ts';
import { R } from './resources.ts';
import { contentHash, safeHash } from './rand.ts';
import { selectorOf, templateObject } from './deployment.ts';

export const CSI_DRIVER = 'ebs.csi.aws.com';

export interface StatefulSetDef {
  namespace: string;
  name: string;
  serviceName: string;
  labels: Record<string, string>;
  template: PodTemplate;
  replicas: number;
  createdAt: number;
  claim: { name: string; storage: string; storageClass: string; mountPath: string };
}

interface Ordinal {
  pod?: PodRec;
  pvName: string;
  attachedTo?: NodeRec;
  vaName?: string;
}

export class StatefulSetCtl implements PodOwner {
  readonly kind = 'StatefulSet';
  readonly ctx: Ctx;
  readonly def: StatefulSetDef;
  uid = '';
  private ref!: OwnerReference;
  private readonly revision: string;
  private readonly ordinals: Ordinal[] = [];
  private readonly template: PodTemplate;

  constructor(ctx: Ctx, def: StatefulSetDef) {
    this.ctx = ctx;
    this.def = def;
    const spec = structuredClone(def.template.spec);
    const containers = spec.containers as Record<string, unknown>[];
    const first = containers[0] as Record<string, unknown>;
    first.volumeMounts = [
      ...((first.volumeMounts as unknown[]) ?? []),
      { name: def.claim.name, mountPath: def.claim.mountPath },
    ];
    const claimTemplate = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: def.claim.name },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: def.claim.storage } },
        storageClassName: def.claim.storageClass,
        volumeMode: 'Filesystem',
      },
      status: { phase: 'Pending' },
    };
    const stored = ctx.sim.create(R.statefulsets, {
      metadata: {
        name: def.name,
        namespace: def.namespace,
        labels: def.labels,
        creationTimestamp: ctx.sim.ts(def.createdAt),
      },
      spec: {
        replicas: def.replicas,
        selector: { matchLabels: selectorOf(def.template) },
        serviceName: def.serviceName,
        template: templateObject({ ...def.template, spec }),
        volumeClaimTemplates: [claimTemplate],
        podManagementPolicy: 'OrderedReady',
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
        revisionHistoryLimit: 10,
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      },
      status: { replicas: 0, availableReplicas: 0 },
    });
    this.uid = stored.metadata.uid as string;
    this.ref = controllerRef(stored);
    this.revision = `${def.name}-${safeHash(`${this.uid}/${JSON.stringify(def.template)}`, 10)}`;
    this.template = { ...def.template, spec };
    ctx.sim.create(R.controllerrevisions, {
      metadata: {
        name: this.revision,
        namespace: def.namespace,
        labels: {
          ...selectorOf(def.template),
          'controller.kubernetes.io/hash': this.revision.slice(def.name.length + 1),
        },
        ownerReferences: [this.ref],
        creationTimestamp: ctx.sim.ts(def.createdAt),
      },
      data: { spec: { template: { ...templateObject(this.template), $patch: 'replace' } } },
      revision: 1,
    });
  }

  ownerRef(): OwnerReference | undefined {
    return this.ref;
  }

  podTemplate(p: { name: string }): PodTemplate {
    const ordinal = p.name.slice(this.def.name.length + 1);
    const labels = {
      ...this.template.labels,
      'apps.kubernetes.io/pod-index': ordinal,
      'controller-revision-hash': this.revision,
      'statefulset.kubernetes.io/pod-name': p.name,
    };
    const claim = `${this.def.claim.name}-${p.name}`;
    const spec = {
      ...this.template.spec,
      hostname: p.name,
      subdomain: this.def.serviceName,
      volumes: [
        ...((this.template.spec.volumes as unknown[]) ?? []),
        { name: this.def.claim.name, persistentVolumeClaim: { claimName: claim } },
      ],
    };
    return { ...this.template, labels, spec };
  }

  populate(): void {
    for (let i = 0; i < this.def.replicas; i++) this.createOrdinal(i, true);
    this.flushStatus();
  }

  private createOrdinal(i: number, initial: boolean): void {
    const sim = this.ctx.sim;
    let ord = this.ordinals[i];
    if (!ord) {
      ord = { pvName: this.provision(i, initial) };
      this.ordinals[i] = ord;
    }
    const name = `${this.def.name}-${i}`;
    const createdAt = initial ? this.def.createdAt + (i + 1) * 30_000 : sim.now;
    ord.pod = this.ctx.pods.create({
      owner: this,
      namespace: this.def.namespace,
      name,
      ...(initial ? { initial: { createdAt, ready: true } } : {}),
    });
    if (!initial) {
      this.ctx.events.normal(
        this.involved(),
        'SuccessfulCreate',
        `create Pod ${name} in StatefulSet ${this.def.name} successful`,
        { component: 'statefulset-controller' },
      );
    }
    if (ord.pod.node) this.attach(ord, ord.pod.node);
  }

  /** PVC + PV (dynamically provisioned and bound). Returns the PV name. */
  private provision(i: number, initial: boolean): string {
    const sim = this.ctx.sim;
    const d = this.def;
    const claimName = `${d.claim.name}-${d.name}-${i}`;
    const at = initial ? d.createdAt + i * 30_000 : sim.now;
    const pvcUid = sim.rng.uuid();
    const pvName = `pvc-${pvcUid}`;
    const pvc = sim.create(R.persistentvolumeclaims, {
      metadata: {
        name: claimName,
        namespace: d.namespace,
        uid: pvcUid,
        labels: selectorOf(d.template),
        annotations: {
          'pv.kubernetes.io/bind-completed': 'yes',
          'pv.kubernetes.io/bound-by-controller': 'yes',
          'volume.beta.kubernetes.io/storage-provisioner': CSI_DRIVER,
          'volume.kubernetes.io/storage-provisioner': CSI_DRIVER,
        },
        finalizers: ['kubernetes.io/pvc-protection'],
        creationTimestamp: sim.ts(at),
      },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: d.claim.storage } },
        storageClassName: d.claim.storageClass,
        volumeMode: 'Filesystem',
        volumeName: pvName,
      },
      status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: d.claim.storage } },
    });
    sim.create(R.persistentvolumes, {
      metadata: {
        name: pvName,
        annotations: {
          'pv.kubernetes.io/provisioned-by': CSI_DRIVER,
          'volume.kubernetes.io/provisioner-deletion-secret-name': '',
          'volume.kubernetes.io/provisioner-deletion-secret-namespace': '',
        },
        finalizers: [
          'external-provisioner.volume.kubernetes.io/finalizer',
          'kubernetes.io/pv-protection',
          'external-attacher/ebs-csi-aws-com',
        ],
        creationTimestamp: sim.ts(at + 2000),
      },
      spec: {
        accessModes: ['ReadWriteOnce'],
        capacity: { storage: d.claim.storage },
        claimRef: {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          name: claimName,
          namespace: d.namespace,
          uid: pvc.metadata.uid,
          resourceVersion: pvc.metadata.resourceVersion,
        },
        csi: {
          driver: CSI_DRIVER,
          fsType: 'ext4',
          volumeAttributes: {
            'storage.kubernetes.io/csiProvisionerIdentity': '1718000000000-8081-ebs.csi.aws.com',
          },
          volumeHandle: `vol-${sim.rng.hex(17)}`,
        },
        persistentVolumeReclaimPolicy: 'Delete',
        storageClassName: d.claim.storageClass,
        volumeMode: 'Filesystem',
      },
      status: { phase: 'Bound', lastPhaseTransitionTime: sim.ts(at + 2000) },
    });
    return pvName;
  }

  /** The attach/detach controller: one VolumeAttachment per (PV, node). */
  private attach(ord: Ordinal, node: NodeRec): void {
    const sim = this.ctx.sim;
    if (ord.attachedTo === node) return;
    if (ord.vaName) sim.remove(R.volumeattachments, undefined, ord.vaName);
    const vaName = `csi-${contentHash(`${ord.pvName}${CSI_DRIVER}${node.name}`, 64)}`;
    sim.create(R.volumeattachments, {
      metadata: {
        name: vaName,
        annotations: { 'csi.alpha.kubernetes.io/node-id': `i-${contentHash(node.name, 17)}` },
        finalizers: ['external-attacher/ebs-csi-aws-com'],
      },
      spec: { attacher: CSI_DRIVER, nodeName: node.name, source: { persistentVolumeName: ord.pvName } },
      status: { attached: true, attachmentMetadata: { devicePath: '/dev/xvdaa' } },
    });
    ord.attachedTo = node;
    ord.vaName = vaName;
  }

  private ordinalOf(pod: PodRec): number {
    return Number(pod.name.slice(this.def.name.length + 1));
  }

  podChanged(pod: PodRec): void {
    const i = this.ordinalOf(pod);
    const ord = this.ordinals[i];
    if (ord?.pod === pod && pod.node) this.attach(ord, pod.node);
    if (pod.phase === 'Failed' && ord?.pod === pod) {
      // The StatefulSet controller deletes failed pods and recreates them under the same name.
      this.ctx.sim.markDirty(pod, () => this.ctx.pods.delete(pod));
    }
    this.ctx.sim.markDirty(this, () => this.reconcile());
  }

  podDeleted(pod: PodRec): void {
    const ord = this.ordinals[this.ordinalOf(pod)];
    if (ord?.pod === pod) ord.pod = undefined;
    this.ctx.sim.markDirty(this, () => this.reconcile());
  }

  /** OrderedReady: (re)create the lowest missing ordinal once all lower ones are ready. */
  private reconcile(): void {
    for (let i = 0; i < this.def.replicas; i++) {
      const pod = this.ordinals[i]?.pod;
      if (!pod) {
        this.createOrdinal(i, false);
        break;
      }
      if (pod.ready?.status !== 'True') break;
    }
    this.flushStatus();
  }

  flushStatus(): void {
    let replicas = 0;
    let ready = 0;
    for (const ord of this.ordinals) {
      const p = ord?.pod;
      if (!p || p.phase === 'Failed' || p.phase === 'Succeeded') continue;
      replicas++;
      if (p.ready?.status === 'True') ready++;
    }
    const status = {
      observedGeneration: 1,
      replicas,
      readyReplicas: ready,
      currentReplicas: replicas,
      updatedReplicas: replicas,
      availableReplicas: ready,
      currentRevision: this.revision,
      updateRevision: this.revision,
      collisionCount: 0,
    };
    this.ctx.sim.mutateIfChanged(
      R.statefulsets,
      this.def.namespace,
      this.def.name,
      JSON.stringify(status),
      (o) => {
        o.status = status;
      },
    );
  }

  involved() {
    return {
      kind: 'StatefulSet',
      apiVersion: 'apps/v1',
      namespace: this.def.namespace,
      name: this.def.name,
      uid: this.uid,
    };
  }
}
