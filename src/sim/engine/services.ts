// Services and the EndpointSlice controller: each Service with a selector keeps slices
// (at most 100 endpoints each, like the controller's default) listing its pods that have an IP,
// with ready/serving/terminating conditions. Changes are coalesced per agenda instant.
import type { KubeObject } from '../types.ts';
import type { Ctx, PodRec, ServiceLink } from './model.ts';
import { controllerRef } from './model.ts';
import { R } from './resources.ts';

export interface ServicePort {
  name: string;
  port: number;
  targetPort: number;
  protocol: 'TCP' | 'UDP';
  nodePort?: number;
}

export interface ServiceDef {
  namespace: string;
  name: string;
  labels?: Record<string, string>;
  selector?: Record<string, string>;
  ports: ServicePort[];
  type: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  clusterIP: string;
  headless?: boolean;
  createdAt: number;
  loadBalancerIP?: string;
  annotations?: Record<string, string>;
}

const MAX_ENDPOINTS_PER_SLICE = 100;

export class ServiceCtl implements ServiceLink {
  readonly ctx: Ctx;
  readonly def: ServiceDef;
  uid = '';
  private obj!: KubeObject;
  readonly pods = new Set<PodRec>();
  private sliceNames: string[] = [];
  /** Slices made by the first sync (populate) are dated like their Service. */
  private synced = false;

  constructor(ctx: Ctx, def: ServiceDef) {
    this.ctx = ctx;
    this.def = def;
    const spec: Record<string, unknown> = {
      type: def.type,
      clusterIP: def.headless ? 'None' : def.clusterIP,
      clusterIPs: [def.headless ? 'None' : def.clusterIP],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
      sessionAffinity: 'None',
      ports: def.ports.map((p) => {
        const port: Record<string, unknown> = {
          name: p.name,
          port: p.port,
          protocol: p.protocol,
          targetPort: p.targetPort,
        };
        if (p.nodePort !== undefined) port.nodePort = p.nodePort;
        return port;
      }),
    };
    if (def.selector) spec.selector = def.selector;
    if (def.type !== 'ClusterIP') spec.externalTrafficPolicy = 'Cluster';
    if (def.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts = true;
    const metadata: KubeObject['metadata'] = {
      name: def.name,
      namespace: def.namespace,
      creationTimestamp: ctx.sim.ts(def.createdAt),
    };
    if (def.labels) metadata.labels = def.labels;
    if (def.annotations) metadata.annotations = def.annotations;
    this.obj = ctx.sim.create(R.services, {
      metadata,
      spec,
      status: {
        loadBalancer: def.loadBalancerIP ? { ingress: [{ ip: def.loadBalancerIP, ipMode: 'VIP' }] } : {},
      },
    });
    this.uid = this.obj.metadata.uid as string;
  }

  matches(pod: PodRec): boolean {
    const sel = this.def.selector;
    if (!sel || pod.namespace !== this.def.namespace) return false;
    for (const [k, v] of Object.entries(sel)) if (pod.labels[k] !== v) return false;
    return true;
  }

  link(pod: PodRec): void {
    this.pods.add(pod);
    pod.services.push(this);
    this.markDirty();
  }

  podChanged(): void {
    this.markDirty();
  }

  podGone(pod: PodRec): void {
    this.pods.delete(pod);
    this.markDirty();
  }

  private markDirty(): void {
    this.ctx.sim.markDirty(this, () => this.sync());
  }

  /** Rewrites the service's slices from its current pods (ordered by name for stable output). */
  sync(): void {
    const sim = this.ctx.sim;
    const eps = [...this.pods]
      .filter((p) => p.ip && (p.phase === 'Running' || p.phase === 'Pending'))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((p) => {
        const ready = p.ready?.status === 'True';
        const ep: Record<string, unknown> = {
          addresses: [p.ip],
          conditions: { ready, serving: ready, terminating: false },
          nodeName: p.node?.name,
          targetRef: { kind: 'Pod', namespace: p.namespace, name: p.name, uid: p.uid },
          zone: p.node?.zone,
        };
        if (this.def.headless) ep.hostname = p.name;
        return ep;
      });
    const chunks: Record<string, unknown>[][] = [];
    for (let i = 0; i < eps.length; i += MAX_ENDPOINTS_PER_SLICE)
      chunks.push(eps.slice(i, i + MAX_ENDPOINTS_PER_SLICE));
    if (chunks.length === 0) chunks.push([]);
    // Fresh objects per write: the store takes ownership of (and freezes) what a mutation assigns.
    const ports = () =>
      this.def.ports.map((p) => ({ name: p.name, port: p.targetPort, protocol: p.protocol }));
    chunks.forEach((endpoints, i) => {
      const name = this.sliceNames[i];
      if (name) {
        sim.mutateIfChanged(R.endpointslices, this.def.namespace, name, JSON.stringify(endpoints), (o) => {
          o.endpoints = endpoints;
          o.ports = ports();
          (o.metadata.annotations ??= {})['endpoints.kubernetes.io/last-change-trigger-time'] = sim.ts();
        });
      } else {
        const newName = `${this.def.name}-${sim.rng.suffix()}`;
        sim.create(R.endpointslices, {
          metadata: {
            name: newName,
            generateName: `${this.def.name}-`,
            namespace: this.def.namespace,
            labels: {
              ...(this.def.labels ?? {}),
              'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
              'kubernetes.io/service-name': this.def.name,
              ...(this.def.headless ? { 'service.kubernetes.io/headless': '' } : {}),
            },
            annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': sim.ts() },
            ownerReferences: [controllerRef(this.obj)],
            ...(this.synced ? {} : { creationTimestamp: sim.ts(this.def.createdAt) }),
          },
          addressType: 'IPv4',
          endpoints,
          ports: ports(),
        });
        this.sliceNames.push(newName);
      }
    });
    this.synced = true;
    while (this.sliceNames.length > chunks.length) {
      sim.remove(R.endpointslices, this.def.namespace, this.sliceNames.pop() as string);
    }
  }
}

/** Per-namespace index so a new pod is matched against only its namespace's services. */
export class ServiceIndex {
  private readonly byNamespace = new Map<string, ServiceCtl[]>();

  add(svc: ServiceCtl): void {
    const list = this.byNamespace.get(svc.def.namespace) ?? [];
    list.push(svc);
    this.byNamespace.set(svc.def.namespace, list);
  }

  all(): ServiceCtl[] {
    return [...this.byNamespace.values()].flat();
  }

  /** Links a new pod to every service that selects it. */
  podCreated(pod: PodRec): void {
    for (const svc of this.byNamespace.get(pod.namespace) ?? []) if (svc.matches(pod)) svc.link(pod);
  }
}
