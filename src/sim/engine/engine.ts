// `watchingcat sim`'s workload engine: builds a realistic Kubernetes 1.32 cluster in a SimStore
// and evolves it in simulated time. Everything random comes from one seeded generator and all
// timing from the agenda, so the same seed, clock and step() calls give identical store contents.
//
// Contract: the engine writes only through SimStore. populate() once, then either step(ms)
// (tests, deterministic) or start()/stop() (wall-clock timers that call step with elapsed time).
import type { SimStore, StoreEvent } from '../types.ts';
import type { Ctx, PodRec, PodTemplate, Taint } from './model.ts';
import type { NodeShape } from './nodes.ts';
import { Sim } from './sim.ts';
import { EventRecorder } from './events.ts';
import { PodManager } from './pods.ts';
import { NodeCtl, NODE_SHAPES } from './nodes.ts';
import { R } from './resources.ts';
import { StaticObjects } from './static.ts';
import { ServiceCtl, ServiceIndex } from './services.ts';
import type { ServiceDef } from './services.ts';
import { DeploymentCtl } from './deployment.ts';
import { ReplicaSetCtl } from './replicaset.ts';
import { DaemonSetCtl } from './daemonset.ts';
import { StatefulSetCtl } from './statefulset.ts';
import { CronJobCtl, JobCtl } from './jobs.ts';
import { HpaCtl } from './hpa.ts';
import { PdbCtl } from './pdb.ts';
import { QuotaCtl } from './quota.ts';
import { MirrorPodOwner } from './mirror.ts';
import { Churn } from './churn.ts';
import { APP_NAMESPACES, pickShape, planApps } from './plan.ts';
import {
  CORE_DNS_IMAGE,
  agentTemplate,
  csiNodeTemplate,
  kubeProxyTemplate,
  simpleTemplate,
  staticPodTemplates,
} from './catalog.ts';
import { podRequests } from './podspec.ts';
import type { ContainerSpec } from './podspec.ts';
import { DAY, HOUR, MINUTE } from './time.ts';

export interface ClusterEngineOptions {
  store: SimStore;
  nodes: number;
  pods: number;
  seed?: number;
  /** Random changes per second of simulated time (default 1; 0 disables churn). */
  churn?: number;
  clock?: { now(): number };
  /** Event time-to-live (default 1 h, the API server's default). */
  eventTtlMs?: number;
  /** Hard cap on kept Event objects (default 20,000). */
  maxEvents?: number;
  /** Fraction of long-running pods that crash-loop (default 0.01, at most 50 pods). */
  crashLoopFraction?: number;
  /** Fraction of long-running pods that get OOMKilled now and then (default 0.01). */
  oomFraction?: number;
}

export class ClusterEngine {
  private readonly opts: ClusterEngineOptions;
  private readonly clock: { now(): number };
  readonly sim: Sim;
  readonly events: EventRecorder;
  readonly pods: PodManager;
  private readonly ctx: Ctx;
  private readonly services = new ServiceIndex();
  readonly deployments: DeploymentCtl[] = [];
  /** Node controllers, control plane first. */
  readonly nodes: NodeCtl[] = [];
  private readonly quotas = new Map<string, QuotaCtl>();
  /** Deployments whose replicas an HPA controls. */
  readonly hpaManaged = new Set<DeploymentCtl>();
  private churn?: Churn;
  private populated = false;
  private timer: NodeJS.Timeout | undefined;
  private lastWall = 0;
  /** Changes made through the API (not by the engine), applied at the start of the next step. */
  private readonly external: StoreEvent[] = [];
  /** Every Deployment by namespace/name (system ones included), for API-made changes. */
  private readonly deploymentsByKey = new Map<string, DeploymentCtl>();
  private unsubscribe?: () => void;

  constructor(opts: ClusterEngineOptions) {
    if (!Number.isInteger(opts.nodes) || opts.nodes < 1)
      throw new Error(`ClusterEngine: nodes must be an integer >= 1, got ${opts.nodes}`);
    if (!Number.isInteger(opts.pods) || opts.pods < 0)
      throw new Error(`ClusterEngine: pods must be an integer >= 0, got ${opts.pods}`);
    if (opts.churn !== undefined && !(opts.churn >= 0))
      throw new Error(`ClusterEngine: churn must be >= 0, got ${opts.churn}`);
    this.opts = opts;
    this.clock = opts.clock ?? { now: () => Date.now() };
    this.sim = new Sim(opts.store, opts.seed ?? 1, this.clock.now());
    this.events = new EventRecorder(this.sim, { ttlMs: opts.eventTtlMs, maxEvents: opts.maxEvents });
    this.pods = new PodManager(this.sim, this.events, {
      crashLoopFraction: opts.crashLoopFraction ?? 0.01,
      oomFraction: opts.oomFraction ?? 0.01,
      maxCrashLooping: 50,
    });
    this.ctx = { sim: this.sim, events: this.events, pods: this.pods };
    this.pods.onPodCreated = (pod) => {
      this.services.podCreated(pod);
      this.quotas.get(pod.namespace)?.podCreated(pod);
    };
    this.pods.onPodEnded = (pod) => this.quotas.get(pod.namespace)?.podEnded(pod);
  }

  /** Simulated time (epoch ms). */
  get now(): number {
    return this.sim.now;
  }

  /** Counters for logs and tests. */
  stats(): {
    pods: number;
    unschedulable: number;
    events: number;
    agenda: number;
    churn: Record<string, number>;
  } {
    return {
      pods: this.pods.live.length,
      unschedulable: this.pods.unschedulableCount,
      events: this.events.size,
      agenda: this.sim.timeline.size,
      churn: { ...(this.churn?.counts ?? {}) },
    };
  }

  /** Creates the initial cluster synchronously. Call once. */
  populate(): void {
    if (this.populated) throw new Error('ClusterEngine.populate: already populated');
    this.populated = true;
    const sim = this.sim;
    const rng = sim.rng;
    const now = sim.now;
    const born = now - 45 * DAY;
    const st = new StaticObjects(this.ctx, born);

    // Namespaces and cluster-wide configuration.
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) st.namespace(ns);
    st.namespace('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' });
    st.namespace('watchingcat', { 'app.kubernetes.io/name': 'watchingcat' });
    for (const ns of APP_NAMESPACES)
      st.namespace(ns, { team: ns, 'watchingcat.io/team-defaults': 'enabled' });
    st.storageClasses();
    st.rbac(APP_NAMESPACES);
    st.admission();
    for (const [ns, sa] of [
      ['kube-system', 'coredns'],
      ['kube-system', 'kube-proxy'],
      ['kube-system', 'metrics-server'],
      ['kube-system', 'ebs-csi-node-sa'],
      ['kube-system', 'ebs-csi-controller-sa'],
      ['ingress-nginx', 'ingress-nginx'],
      ['watchingcat', 'watchingcat-agent'],
    ] as const) {
      st.serviceAccount(ns, sa);
    }
    const msSa = sim.store.get(R.serviceaccounts.key, 'kube-system', 'metrics-server');
    st.tokenSecret('kube-system', 'metrics-server', msSa?.metadata.uid);
    st.configMap('kube-system', 'coredns', {
      Corefile:
        '.:53 {\n    errors\n    health\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf\n    cache 30\n    loop\n    reload\n    loadbalance\n}\n',
    });
    st.configMap('kube-system', 'kube-proxy', {
      'config.conf':
        'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: iptables\nclusterCIDR: 10.244.0.0/16\n',
    });
    st.configMap('watchingcat', 'watchingcat-agent', {
      'agent.yaml': 'receivers:\n  kubeletstats: {}\n  filelog: {}\nexporters:\n  otlp: {}\n',
    });

    // Plan the workloads first: their requests decide the node size.
    const apps = planApps(rng, this.opts.nodes, this.opts.pods);
    const workers = this.opts.nodes > 1 ? this.opts.nodes - 1 : 1;
    const shape = pickShape(apps, workers);

    // Nodes (index 0 is the control plane).
    const nodeCtls: NodeCtl[] = [];
    for (let i = 0; i < this.opts.nodes; i++) {
      const cp = i === 0;
      const created = cp ? born : born + rng.int(1, 40 * 24) * HOUR;
      // Every tenth worker prefers batch work (a soft taint: it does not reduce capacity).
      const taints: Taint[] =
        !cp && i % 10 === 3 ? [{ key: 'workload-class', value: 'batch', effect: 'PreferNoSchedule' }] : [];
      const cpShape = this.opts.nodes > 1 ? (NODE_SHAPES[1] as NodeShape) : shape;
      const ctl = new NodeCtl(this.ctx, i, cp ? cpShape : shape, cp, created, taints, this.opts.nodes > 1);
      nodeCtls.push(ctl);
      this.nodes.push(ctl);
      this.pods.scheduler.nodes.push(ctl.rec);
    }
    const cp = (nodeCtls[0] as NodeCtl).rec;
    st.csr(
      nodeCtls[nodeCtls.length - 1]?.rec.name ?? cp.name,
      nodeCtls[nodeCtls.length - 1]?.rec.internalIP ?? cp.internalIP,
    );

    // Services first, so new pods get linked to them as they are created.
    const ips = new Set<string>(['10.96.0.1', '10.96.0.10']);
    const clusterIP = () => {
      for (;;) {
        const ip = `10.${96 + rng.int(0, 15)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
        if (!ips.has(ip)) {
          ips.add(ip);
          return ip;
        }
      }
    };
    const svc = (def: ServiceDef) => {
      const s = new ServiceCtl(this.ctx, def);
      this.services.add(s);
      return s;
    };
    svc({
      namespace: 'default',
      name: 'kubernetes',
      labels: { component: 'apiserver', provider: 'kubernetes' },
      ports: [{ name: 'https', port: 443, targetPort: 6443, protocol: 'TCP' }],
      type: 'ClusterIP',
      clusterIP: '10.96.0.1',
      createdAt: born,
    });
    sim.create(R.endpointslices, {
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: { 'kubernetes.io/service-name': 'kubernetes' },
        creationTimestamp: sim.ts(born),
      },
      addressType: 'IPv4',
      endpoints: [{ addresses: [cp.internalIP], conditions: { ready: true } }],
      ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
    });
    svc({
      namespace: 'kube-system',
      name: 'kube-dns',
      labels: {
        'k8s-app': 'kube-dns',
        'kubernetes.io/cluster-service': 'true',
        'kubernetes.io/name': 'CoreDNS',
      },
      selector: { 'k8s-app': 'kube-dns' },
      ports: [
        { name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53, targetPort: 53, protocol: 'TCP' },
        { name: 'metrics', port: 9153, targetPort: 9153, protocol: 'TCP' },
      ],
      type: 'ClusterIP',
      clusterIP: '10.96.0.10',
      createdAt: born,
      annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
    });
    svc({
      namespace: 'kube-system',
      name: 'metrics-server',
      labels: { 'k8s-app': 'metrics-server' },
      selector: { 'k8s-app': 'metrics-server' },
      ports: [{ name: 'https', port: 443, targetPort: 10250, protocol: 'TCP' }],
      type: 'ClusterIP',
      clusterIP: clusterIP(),
      createdAt: born + HOUR,
    });
    svc({
      namespace: 'ingress-nginx',
      name: 'ingress-nginx-controller',
      labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
      selector: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
      ports: [
        { name: 'http', port: 80, targetPort: 80, protocol: 'TCP', nodePort: 30000 + rng.int(0, 2767) },
        { name: 'https', port: 443, targetPort: 443, protocol: 'TCP', nodePort: 30000 + rng.int(0, 2767) },
      ],
      type: 'LoadBalancer',
      clusterIP: clusterIP(),
      createdAt: born + HOUR,
      loadBalancerIP: `203.0.113.${rng.int(10, 250)}`,
    });
    for (const [i, app] of apps.entries()) {
      const nodePort = i === 0;
      svc({
        namespace: app.namespace,
        name: app.name,
        labels: { 'app.kubernetes.io/name': app.name, 'app.kubernetes.io/part-of': app.namespace },
        selector: { 'app.kubernetes.io/name': app.name },
        ports: [
          {
            name: 'http',
            port: 80,
            targetPort: app.shape.port,
            protocol: 'TCP',
            ...(nodePort ? { nodePort: 30080 } : {}),
          },
        ],
        type: nodePort ? 'NodePort' : 'ClusterIP',
        clusterIP: clusterIP(),
        createdAt: born + DAY,
      });
    }
    for (const [ns, name] of [
      ['data', 'postgres'],
      ['shop', 'redis'],
    ] as const) {
      svc({
        namespace: ns,
        name,
        labels: { 'app.kubernetes.io/name': name },
        selector: { 'app.kubernetes.io/name': name },
        ports: [
          {
            name: name === 'postgres' ? 'postgres' : 'redis',
            port: name === 'postgres' ? 5432 : 6379,
            targetPort: name === 'postgres' ? 5432 : 6379,
            protocol: 'TCP',
          },
        ],
        type: 'ClusterIP',
        clusterIP: 'None',
        headless: true,
        createdAt: born + DAY,
      });
    }

    // Quotas before the pods they count.
    for (const ns of APP_NAMESPACES) {
      const nsPods = apps.filter((a) => a.namespace === ns).reduce((s, a) => s + a.replicas, 0);
      this.quotas.set(
        ns,
        new QuotaCtl(
          this.ctx,
          ns,
          Math.max(50, nsPods * 2 + 20),
          Math.max(20, Math.ceil(nsPods * 0.5)),
          Math.max(40, Math.ceil(nsPods)),
          born + DAY,
        ),
      );
      st.policies(ns);
      st.dockerConfigSecret(ns, 'regcred', 'ghcr.io');
    }

    // Control plane: static (mirror) pods.
    for (const { name, template } of staticPodTemplates()) {
      new MirrorPodOwner(this.ctx, cp, name, template, born).start(born + MINUTE);
    }

    // DaemonSets: one pod per node.
    const daemonsets = [
      new DaemonSetCtl(this.ctx, {
        namespace: 'kube-system',
        name: 'kube-proxy',
        labels: { 'k8s-app': 'kube-proxy' },
        template: kubeProxyTemplate(),
        createdAt: born,
      }),
      new DaemonSetCtl(this.ctx, {
        namespace: 'kube-system',
        name: 'ebs-csi-node',
        labels: { 'app.kubernetes.io/name': 'aws-ebs-csi-driver' },
        template: csiNodeTemplate(),
        createdAt: born + HOUR,
      }),
      new DaemonSetCtl(this.ctx, {
        namespace: 'watchingcat',
        name: 'watchingcat-agent',
        labels: { 'app.kubernetes.io/name': 'watchingcat-agent' },
        template: agentTemplate(),
        createdAt: born + 2 * DAY,
      }),
    ];
    for (const ds of daemonsets) {
      for (const n of nodeCtls) ds.addNode(n.rec, now - rng.int(2, 40) * DAY);
      ds.flushStatus();
    }

    // System deployments.
    const sys = (
      namespace: string,
      name: string,
      labels: Record<string, string>,
      template: PodTemplate,
      replicas: number,
    ) => {
      const d = new DeploymentCtl(this.ctx, {
        namespace,
        name,
        labels,
        template,
        replicas,
        createdAt: born + HOUR,
      });
      d.populate(born + HOUR, 1);
      this.deploymentsByKey.set(`${namespace}/${name}`, d);
      return d;
    };
    sys(
      'kube-system',
      'coredns',
      { 'k8s-app': 'kube-dns' },
      simpleTemplate(
        { 'k8s-app': 'kube-dns' },
        'coredns',
        CORE_DNS_IMAGE,
        'Burstable',
        100,
        70,
        {
          serviceAccountName: 'coredns',
          priorityClassName: 'system-cluster-critical',
          priority: 2000000000,
          tolerations: [
            { key: 'CriticalAddonsOnly', operator: 'Exists' },
            { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
          ],
        },
        53,
      ),
      2,
    );
    sys(
      'kube-system',
      'metrics-server',
      { 'k8s-app': 'metrics-server' },
      simpleTemplate(
        { 'k8s-app': 'metrics-server' },
        'metrics-server',
        'registry.k8s.io/metrics-server/metrics-server:v0.7.2',
        'Burstable',
        100,
        200,
        {
          serviceAccountName: 'metrics-server',
          priorityClassName: 'system-cluster-critical',
          priority: 2000000000,
        },
        10250,
      ),
      1,
    );
    sys(
      'kube-system',
      'ebs-csi-controller',
      { app: 'ebs-csi-controller' },
      simpleTemplate(
        { app: 'ebs-csi-controller', 'app.kubernetes.io/name': 'aws-ebs-csi-driver' },
        'ebs-plugin',
        'public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.38.1',
        'Burstable',
        10,
        40,
        {
          serviceAccountName: 'ebs-csi-controller-sa',
          priorityClassName: 'system-cluster-critical',
          priority: 2000000000,
        },
      ),
      2,
    );
    sys(
      'ingress-nginx',
      'ingress-nginx-controller',
      { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
      simpleTemplate(
        { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
        'controller',
        'registry.k8s.io/ingress-nginx/controller:v1.12.1',
        'Burstable',
        100,
        90,
        { serviceAccountName: 'ingress-nginx' },
        80,
      ),
      1,
    );

    // Application deployments, with their config, HPAs and PDBs.
    for (const app of apps) {
      const createdAt = born + DAY + rng.int(0, 40 * 24) * HOUR;
      const labels = { 'app.kubernetes.io/name': app.name, 'app.kubernetes.io/part-of': app.namespace };
      st.serviceAccount(app.namespace, app.name, labels);
      st.configMap(
        app.namespace,
        `${app.name}-config`,
        { 'app.yaml': `name: ${app.name}\nport: ${app.shape.port}\n` },
        labels,
      );
      st.opaqueSecret(app.namespace, `${app.name}-secrets`, { password: rng.hex(24) }, labels);
      const d = new DeploymentCtl(this.ctx, {
        namespace: app.namespace,
        name: app.name,
        labels,
        template: app.template,
        replicas: app.replicas,
        createdAt,
      });
      d.populate(createdAt, 1);
      this.deployments.push(d);
      this.deploymentsByKey.set(`${app.namespace}/${app.name}`, d);
    }
    const scalable = this.deployments.filter((d) => d.replicas >= 2);
    for (const d of scalable.slice(0, 3)) {
      const req = podRequests(d.template.spec.containers as ContainerSpec[]).cpuMilli || 100;
      new HpaCtl(this.ctx, d, Math.max(1, d.replicas - 1), d.replicas * 2, 70, req, now - 10 * DAY);
      this.hpaManaged.add(d);
    }
    for (const d of scalable.slice(0, 3)) new PdbCtl(this.ctx, d, d.replicas - 1, now - 10 * DAY).flush();
    const front = apps[0];
    if (front)
      st.ingress(
        front.namespace,
        front.name,
        `${front.name}.example.com`,
        front.name,
        80,
        `a${rng.hex(31)}-${rng.int(100000000, 999999999)}.us-east-1.elb.amazonaws.com`,
      );

    // StatefulSets with storage.
    new StatefulSetCtl(this.ctx, {
      namespace: 'data',
      name: 'postgres',
      serviceName: 'postgres',
      labels: { 'app.kubernetes.io/name': 'postgres' },
      template: simpleTemplate(
        { 'app.kubernetes.io/name': 'postgres' },
        'postgres',
        'docker.io/library/postgres:16.6',
        'Guaranteed',
        500,
        1024,
        { serviceAccountName: 'default' },
        5432,
      ),
      replicas: 3,
      createdAt: born + 2 * DAY,
      claim: { name: 'data', storage: '20Gi', storageClass: 'gp3', mountPath: '/var/lib/postgresql/data' },
    }).populate();
    new StatefulSetCtl(this.ctx, {
      namespace: 'shop',
      name: 'redis',
      serviceName: 'redis',
      labels: { 'app.kubernetes.io/name': 'redis' },
      template: simpleTemplate(
        { 'app.kubernetes.io/name': 'redis' },
        'redis',
        'docker.io/library/redis:7.4.1',
        'Burstable',
        100,
        256,
        {},
        6379,
      ),
      replicas: 3,
      createdAt: born + 2 * DAY,
      claim: { name: 'redis-data', storage: '5Gi', storageClass: 'gp3', mountPath: '/data' },
    }).populate();

    // A legacy ReplicationController.
    const rc = new ReplicaSetCtl(this.ctx, R.replicationcontrollers, {
      namespace: 'data',
      name: 'memcached',
      labels: { app: 'memcached' },
      template: simpleTemplate(
        { app: 'memcached' },
        'memcached',
        'docker.io/library/memcached:1.6.32',
        'Guaranteed',
        100,
        128,
        {},
        11211,
      ),
      replicas: 2,
      createdAt: born + 3 * DAY,
    });
    rc.populate(born + 3 * DAY, 1);

    // Jobs: scheduled ones with history, and one-off jobs (one done, one failed).
    const jobTemplate = (name: string, image: string) =>
      simpleTemplate({ 'app.kubernetes.io/name': name }, name, image, 'Burstable', 100, 128, {});
    for (const [ns, name, schedule, failRate, runMs] of [
      ['data', 'nightly-report', '0 2 * * *', 0.1, [60_000, 300_000]],
      ['data', 'etl-sync', '*/5 * * * *', 0.1, [20_000, 90_000]],
      ['shop', 'cache-warmer', '*/2 * * * *', 0.05, [5_000, 30_000]],
      ['payments', 'reconcile', '0 * * * *', 0.3, [30_000, 180_000]],
    ] as const) {
      new CronJobCtl(this.ctx, {
        namespace: ns,
        name,
        schedule,
        labels: { 'app.kubernetes.io/name': name },
        template: jobTemplate(name, `ghcr.io/acme/${name}:2.1.0`),
        failRate,
        runMs: [runMs[0], runMs[1]],
        createdAt: born + 5 * DAY,
      }).populate();
    }
    for (const [name, failRate] of [
      ['db-migrate-42', 0],
      ['backfill-orders', 1],
    ] as const) {
      new JobCtl(this.ctx, {
        namespace: 'payments',
        name,
        labels: { 'app.kubernetes.io/name': name },
        template: jobTemplate(name.replace(/-\d+$/, ''), `ghcr.io/acme/${name.replace(/-\d+$/, '')}:1.0.0`),
        backoffLimit: 2,
        failRate,
        runMs: [30_000, 120_000],
        initialAt: now - rng.int(2, 20) * HOUR,
      });
    }

    sim.flush();
    // Kubelets report the images their pods brought.
    for (const n of nodeCtls) n.writeStatus();
    this.churn = new Churn({
      ctx: this.ctx,
      deployments: this.deployments,
      hpaManaged: this.hpaManaged,
      nodes: nodeCtls.filter((n) => !n.rec.controlPlane || this.opts.nodes === 1),
    });
    this.churn.start(this.opts.churn ?? 1);
    this.unsubscribe = sim.store.subscribe((e) => {
      // Through the API: pod deletions (the owner replaces the pod) and Deployment spec changes
      // (kubectl scale / rollout restart / set image). Applied at the next step, not re-entrantly.
      if (sim.ownWrites > 0) return;
      const pod = e.type === 'DELETED' && e.key.group === '' && e.key.resource === 'pods';
      const dep = e.type === 'MODIFIED' && e.key.group === 'apps' && e.key.resource === 'deployments';
      if (pod || dep) this.external.push(e);
    });
  }

  /** Advances simulated time by `ms`, running everything that falls due, in order. */
  step(ms: number): void {
    if (!this.populated) throw new Error('ClusterEngine.step: call populate() first');
    if (!(ms >= 0)) throw new Error(`ClusterEngine.step: ms must be >= 0, got ${ms}`);
    const sim = this.sim;
    this.applyExternal();
    const target = sim.now + ms;
    for (;;) {
      const entry = sim.timeline.popDue(target);
      if (!entry) break;
      sim.now = Math.max(sim.now, entry.at);
      entry.run();
      sim.flush();
      this.events.expire();
    }
    sim.now = target;
    sim.flush();
    this.events.expire();
  }

  private applyExternal(): void {
    while (this.external.length > 0) {
      const e = this.external.shift() as StoreEvent;
      const meta = e.object.metadata;
      const id = `${meta.namespace}/${meta.name}`;
      if (e.key.resource === 'pods') {
        const pod: PodRec | undefined = this.pods.byKey.get(id);
        if (pod && pod.uid === meta.uid) this.pods.forget(pod);
      } else {
        const d = this.deploymentsByKey.get(id);
        if (d && d.uid === meta.uid) d.observe(e.object);
      }
    }
    this.sim.flush();
  }

  /** Runs the simulation against the wall clock (the injected clock) until stop(). */
  start(intervalMs = 1000): void {
    if (!this.populated) this.populate();
    if (this.timer) return;
    this.lastWall = this.clock.now();
    this.timer = setInterval(() => {
      const t = this.clock.now();
      const elapsed = Math.max(0, t - this.lastWall);
      this.lastWall = t;
      this.step(elapsed);
    }, intervalMs);
    this.timer.unref?.();
  }

  /** Stops the timers; step() and start() keep working afterwards. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Stops and detaches from the store (API changes are no longer observed). */
  dispose(): void {
    this.stop();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}
