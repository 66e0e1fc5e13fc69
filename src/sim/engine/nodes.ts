// Nodes as kubelet registers them, and the node heartbeats: a Lease in kube-node-lease renewed
// every 10 s, and the node status (condition heartbeat times) every 5 minutes.
import type { Ctx, NodeRec, Taint } from './model.ts';
import { R } from './resources.ts';
import { contentHash } from './rand.ts';
import { imageId, imageSize } from './images.ts';
import { formatKi } from './quantity.ts';
import { MINUTE, SECOND, rfc3339Micro } from './time.ts';

const LEASE_RENEW = 10 * SECOND;
const STATUS_REPORT = 5 * MINUTE;
export const KUBELET_VERSION = 'v1.32.4';
const GiB = 1024 ** 3;

export interface NodeShape {
  instanceType: string;
  cpu: number;
  memGiB: number;
  maxPods: number;
}

/** Sizes from a typical cloud catalogue, smallest first. */
export const NODE_SHAPES: NodeShape[] = [
  { instanceType: 'm6i.xlarge', cpu: 4, memGiB: 16, maxPods: 110 },
  { instanceType: 'm6i.2xlarge', cpu: 8, memGiB: 32, maxPods: 110 },
  { instanceType: 'm6i.4xlarge', cpu: 16, memGiB: 64, maxPods: 110 },
  { instanceType: 'm6i.8xlarge', cpu: 32, memGiB: 128, maxPods: 250 },
  { instanceType: 'm6i.16xlarge', cpu: 64, memGiB: 256, maxPods: 250 },
];

const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

export function nodeName(i: number, controlPlane: boolean): string {
  if (controlPlane) return 'control-plane-1';
  return `ip-10-0-${Math.floor(i / 250)}-${10 + (i % 250)}.ec2.internal`;
}

export class NodeCtl {
  readonly ctx: Ctx;
  readonly rec: NodeRec;
  private readonly createdAt: number;
  private readonly leaseUid: string;

  /**
   * `controlPlane` labels the node as such; its NoSchedule taint is only applied when `isolate`
   * (a one-node cluster runs everything on its control-plane node, like kind or minikube).
   */
  constructor(
    ctx: Ctx,
    index: number,
    shape: NodeShape,
    controlPlane: boolean,
    createdAt: number,
    extraTaints: Taint[],
    isolate = true,
  ) {
    this.ctx = ctx;
    this.createdAt = createdAt;
    this.readySince = createdAt + 30 * SECOND;
    const sim = ctx.sim;
    const name = nodeName(index, controlPlane);
    const internalIP = `10.0.${Math.floor(index / 250)}.${10 + (index % 250)}`;
    const second = 244 + Math.floor(index / 256);
    const ipPrefix = `10.${second}.${index % 256}.`;
    const taints: Taint[] =
      controlPlane && isolate
        ? [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]
        : extraTaints;
    // System reservations (kube-reserved + system-reserved + eviction threshold), like EKS/kubeadm defaults.
    const cpuMilli = shape.cpu * 1000 - 80 - 10 * shape.cpu;
    const memBytes = shape.memGiB * GiB - (255 + 11 * shape.maxPods) * 1024 ** 2 - 100 * 1024 ** 2;
    const free: number[] = [];
    for (let h = 254; h >= 2; h--) free.push(h);
    const zone = ZONES[index % ZONES.length] as string;
    this.rec = {
      name,
      uid: '',
      index,
      controlPlane,
      internalIP,
      podCIDR: `${ipPrefix}0/24`,
      zone,
      taints,
      cpuMilli,
      memBytes,
      maxPods: Math.min(shape.maxPods, free.length),
      usedCpuMilli: 0,
      usedMemBytes: 0,
      podCount: 0,
      freeIps: free,
      ipPrefix,
      pods: new Set(),
      images: new Set(),
    };
    const labels: Record<string, string> = {
      'beta.kubernetes.io/arch': 'amd64',
      'beta.kubernetes.io/instance-type': shape.instanceType,
      'beta.kubernetes.io/os': 'linux',
      'failure-domain.beta.kubernetes.io/region': 'us-east-1',
      'failure-domain.beta.kubernetes.io/zone': zone,
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/hostname': name,
      'kubernetes.io/os': 'linux',
      'node.kubernetes.io/instance-type': shape.instanceType,
      'topology.kubernetes.io/region': 'us-east-1',
      'topology.kubernetes.io/zone': zone,
    };
    if (controlPlane) {
      labels['node-role.kubernetes.io/control-plane'] = '';
      labels['node.kubernetes.io/exclude-from-external-load-balancers'] = '';
    }
    const machineId = contentHash(`machine/${name}`, 32);
    const stored = sim.create(R.nodes, {
      metadata: {
        name,
        labels,
        annotations: {
          'node.alpha.kubernetes.io/ttl': '0',
          'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
          'csi.volume.kubernetes.io/nodeid': JSON.stringify({
            'ebs.csi.aws.com': `i-${contentHash(name, 17)}`,
          }),
        },
        creationTimestamp: sim.ts(createdAt),
      },
      spec: {
        podCIDR: this.rec.podCIDR,
        podCIDRs: [this.rec.podCIDR],
        providerID: `aws:///${zone}/i-${contentHash(name, 17)}`,
        ...(taints.length > 0 ? { taints: taints.map((t) => ({ ...t })) } : {}),
      },
      status: {
        capacity: {
          cpu: String(shape.cpu),
          'ephemeral-storage': formatKi(100 * GiB),
          'hugepages-1Gi': '0',
          'hugepages-2Mi': '0',
          memory: formatKi(shape.memGiB * GiB),
          pods: String(this.rec.maxPods),
        },
        allocatable: {
          cpu: `${cpuMilli}m`,
          'ephemeral-storage': String(Math.floor(100 * GiB * 0.9)),
          'hugepages-1Gi': '0',
          'hugepages-2Mi': '0',
          memory: formatKi(memBytes),
          pods: String(this.rec.maxPods),
        },
        conditions: this.conditions(sim.now),
        addresses: [
          { type: 'InternalIP', address: internalIP },
          { type: 'InternalDNS', address: name },
          { type: 'Hostname', address: name },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        nodeInfo: {
          machineID: machineId,
          systemUUID: `ec2${contentHash(`uuid/${name}`, 5)}-${contentHash(`u2/${name}`, 4)}-${contentHash(`u3/${name}`, 4)}-${contentHash(`u4/${name}`, 4)}-${contentHash(`u5/${name}`, 12)}`,
          bootID:
            contentHash(`boot/${name}`, 8) +
            '-' +
            contentHash(`b/${name}`, 4) +
            '-' +
            contentHash(`c/${name}`, 4) +
            '-' +
            contentHash(`d/${name}`, 4) +
            '-' +
            contentHash(`e/${name}`, 12),
          kernelVersion: '6.1.134-152.225.amzn2023.x86_64',
          osImage: 'Amazon Linux 2023.7.20250428',
          containerRuntimeVersion: 'containerd://1.7.27',
          kubeletVersion: KUBELET_VERSION,
          kubeProxyVersion: KUBELET_VERSION,
          operatingSystem: 'linux',
          architecture: 'amd64',
        },
        images: [],
      },
    });
    this.rec.uid = stored.metadata.uid as string;
    this.rec.rv = stored.metadata.resourceVersion;
    this.leaseUid = sim.rng.uuid();
    sim.create(R.leases, {
      metadata: {
        name,
        namespace: 'kube-node-lease',
        uid: this.leaseUid,
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: this.rec.uid }],
        creationTimestamp: sim.ts(createdAt),
      },
      spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: rfc3339Micro(sim.now) },
    });
    // Heartbeats start at a seeded offset so nodes do not renew in lock-step.
    sim.after(sim.rng.int(0, LEASE_RENEW), () => this.renewLease());
    sim.after(sim.rng.int(0, STATUS_REPORT), () => this.reportStatus());
  }

  /** While true the kubelet is down: no lease renewals or status reports. */
  private down = false;
  /** When Ready last changed. */
  private readySince: number;

  private conditions(heartbeat: number): Record<string, unknown>[] {
    const ts = this.ctx.sim.ts(heartbeat);
    const since = this.ctx.sim.ts(this.readySince);
    const c = (type: string, status: string, reason: string, message: string) => ({
      type,
      status,
      lastHeartbeatTime: ts,
      lastTransitionTime: since,
      reason,
      message,
    });
    return [
      c('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
      c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
      c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
      c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
    ];
  }

  private renewLease(): void {
    const sim = this.ctx.sim;
    if (this.down) return; // restarted by recover()
    const renewTime = rfc3339Micro(sim.now);
    sim.mutate(R.leases, 'kube-node-lease', this.rec.name, (o) => {
      (o.spec as Record<string, unknown>).renewTime = renewTime;
    });
    sim.after(LEASE_RENEW, () => this.renewLease());
  }

  private reportStatus(): void {
    if (this.down) return; // restarted by recover()
    this.writeStatus();
    this.ctx.sim.after(STATUS_REPORT, () => this.reportStatus());
  }

  /** One node status update: condition heartbeats and images (other fields stay as they are). */
  writeStatus(): void {
    const sim = this.ctx.sim;
    const conditions = this.conditions(sim.now);
    const images = this.images();
    const stored = sim.mutate(R.nodes, undefined, this.rec.name, (o) => {
      const status = o.status as Record<string, unknown>;
      status.images = images;
      // Keep transition times as they are (the node part may have patched other fields).
      const prev = (status.conditions as Record<string, unknown>[] | undefined) ?? [];
      status.conditions = conditions.map((c) => {
        const old = prev.find((p) => p.type === c.type);
        return old && old.status === c.status ? { ...c, lastTransitionTime: old.lastTransitionTime } : c;
      });
    });
    if (stored) this.rec.rv = stored.metadata.resourceVersion;
  }

  /** status.images as kubelet reports it: largest first, at most 50 (nodeStatusMaxImages). */
  private images(): Record<string, unknown>[] {
    return [...this.rec.images]
      .map((image) => ({ names: [imageId(image), image], sizeBytes: imageSize(image) }))
      .sort((a, b) => b.sizeBytes - a.sizeBytes || (a.names[1] as string).localeCompare(b.names[1] as string))
      .slice(0, 50);
  }

  /**
   * The kubelet stops for `downMs` (a restart or a network blip): after the lease expires
   * (40 s grace) the node controller marks the node's conditions Unknown and taints it
   * unreachable; when the kubelet is back it reports Ready again and the taints go.
   */
  flap(downMs: number): void {
    if (this.down) return;
    const sim = this.ctx.sim;
    this.down = true;
    const grace = 40 * SECOND;
    if (downMs > grace) sim.after(grace, () => this.markUnknown());
    sim.after(downMs, () => this.recover());
  }

  get isDown(): boolean {
    return this.down;
  }

  private markUnknown(): void {
    const sim = this.ctx.sim;
    if (!this.down) return;
    const now = sim.ts();
    const unreachable: Taint[] = [
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
    ];
    this.rec.taints = [...this.rec.taints, ...unreachable];
    this.readySince = sim.now;
    sim.mutate(R.nodes, undefined, this.rec.name, (o) => {
      const spec = o.spec as Record<string, unknown>;
      const status = o.status as Record<string, unknown>;
      spec.taints = [
        ...((spec.taints as unknown[]) ?? []),
        ...unreachable.map((t) => (t.effect === 'NoExecute' ? { ...t, timeAdded: now } : { ...t })),
      ];
      status.conditions = ((status.conditions as Record<string, unknown>[]) ?? []).map((c) => ({
        ...c,
        status: 'Unknown',
        reason: 'NodeStatusUnknown',
        message: 'Kubelet stopped posting node status.',
        lastTransitionTime: now,
      }));
    });
    this.ctx.pods.nodeLost(this.rec);
    this.ctx.events.normal(
      this.involved(),
      'NodeNotReady',
      `Node ${this.rec.name} status is now: NodeNotReady`,
      {
        component: 'node-controller',
      },
    );
  }

  private recover(): void {
    const sim = this.ctx.sim;
    if (!this.down) return;
    this.down = false;
    const wasUnknown = this.rec.taints.some((t) => t.key === 'node.kubernetes.io/unreachable');
    this.rec.taints = this.rec.taints.filter((t) => t.key !== 'node.kubernetes.io/unreachable');
    if (wasUnknown) this.readySince = sim.now;
    const taints = this.rec.taints.map((t) => ({ ...t }));
    const conditions = this.conditions(sim.now);
    const images = this.images();
    sim.mutate(R.nodes, undefined, this.rec.name, (o) => {
      const spec = o.spec as Record<string, unknown>;
      if (taints.length > 0) spec.taints = taints;
      else delete spec.taints;
      const status = o.status as Record<string, unknown>;
      status.conditions = conditions;
      status.images = images;
    });
    const host = { component: 'kubelet', host: this.rec.name };
    this.ctx.events.normal(this.involved(), 'Starting', 'Starting kubelet.', host);
    if (wasUnknown) {
      this.ctx.events.normal(
        this.involved(),
        'NodeReady',
        `Node ${this.rec.name} status is now: NodeReady`,
        host,
      );
    }
    if (wasUnknown) this.ctx.pods.nodeBack(this.rec);
    this.renewLease();
    sim.after(STATUS_REPORT, () => this.reportStatus());
    this.ctx.pods.retryUnschedulable(5);
  }

  involved() {
    return {
      kind: 'Node',
      apiVersion: 'v1',
      name: this.rec.name,
      uid: this.rec.uid,
      resourceVersion: this.rec.rv,
    };
  }
}
