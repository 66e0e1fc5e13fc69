// Planning the initial cluster before anything is created: how many application Deployments of
// which size make up about the requested pod count, and which node size fits their requests.
import type { Rng } from './rand.ts';
import type { PodTemplate } from './model.ts';
import type { NodeShape } from './nodes.ts';
import type { AppShape } from './catalog.ts';
import type { ContainerSpec } from './podspec.ts';
import { NODE_SHAPES } from './nodes.ts';
import { appShape, appTemplate } from './catalog.ts';
import { podRequests } from './podspec.ts';

/** Pods the fixed part of the cluster has besides the apps: daemons per node, control plane,
 *  system deployments, statefulsets, the replication controller and job history (approximate). */
function fixedPods(nodes: number): number {
  return 3 * nodes + 4 + 6 + 6 + 2 + 12;
}

export const APP_NAMESPACES = ['shop', 'payments', 'data'];
const APP_NAMES: Record<string, string[]> = {
  shop: [
    'frontend',
    'cart',
    'checkout',
    'catalog',
    'search',
    'recommendation',
    'reviews',
    'ads',
    'shipping',
    'currency',
  ],
  payments: ['payment-api', 'fraud-detector', 'ledger', 'billing-worker', 'invoice', 'refunds'],
  data: ['ingest', 'etl-worker', 'analytics-api', 'report-generator', 'feature-store', 'scheduler'],
};

/** What populate() plans before creating anything: needed to size the nodes. */
export interface AppPlan {
  namespace: string;
  name: string;
  replicas: number;
  shape: AppShape;
  template: PodTemplate;
}

/** Plans application deployments so that the whole cluster has about `pods` pods. */
export function planApps(rng: Rng, nodes: number, pods: number): AppPlan[] {
  const n = nodes;
  const fixed = fixedPods(n);
  const budget = Math.max(3, pods - fixed);
  const avg = Math.min(60, Math.max(2, budget / 12));
  const count = Math.max(3, Math.round(budget / avg));
  const weights = Array.from({ length: count }, () => rng.range(0.3, 1.7));
  const total = weights.reduce((s, w) => s + w, 0);
  const replicas = weights.map((w) => Math.max(1, Math.floor((budget * w) / total)));
  let left = budget - replicas.reduce((s, r) => s + r, 0);
  for (let i = 0; left > 0; i = (i + 1) % count, left--) replicas[i] = (replicas[i] as number) + 1;
  const used = new Map<string, number>();
  return replicas.map((r, i) => {
    const namespace = APP_NAMESPACES[i % APP_NAMESPACES.length] as string;
    const names = APP_NAMES[namespace] as string[];
    const base = names[Math.floor(i / APP_NAMESPACES.length) % names.length] as string;
    const k = (used.get(`${namespace}/${base}`) ?? 0) + 1;
    used.set(`${namespace}/${base}`, k);
    const name = k === 1 ? base : `${base}-${k}`;
    const shape = appShape(rng, base);
    return { namespace, name, replicas: r, shape, template: appTemplate(name, namespace, shape) };
  });
}

/** The smallest catalogue shape whose allocatable fits the planned load at ~75 % utilisation. */
export function pickShape(apps: AppPlan[], workers: number): NodeShape {
  let cpu = 0;
  let mem = 0;
  let pods = 0;
  for (const a of apps) {
    const r = podRequests(a.template.spec.containers as ContainerSpec[]);
    cpu += r.cpuMilli * a.replicas;
    mem += r.memBytes * a.replicas;
    pods += a.replicas;
  }
  // System workloads and daemons per node (rough, generous).
  cpu += 4000 + workers * 210;
  mem += 6 * 1024 ** 3 + workers * 400 * 1024 ** 2;
  pods += 30 + workers * 3;
  const perCpu = cpu / workers;
  const perMem = mem / workers;
  const perPods = pods / workers;
  for (const s of NODE_SHAPES) {
    if (perCpu <= s.cpu * 1000 * 0.75 && perMem <= s.memGiB * 1024 ** 3 * 0.75 && perPods <= s.maxPods * 0.9)
      return s;
  }
  const big = NODE_SHAPES[NODE_SHAPES.length - 1] as NodeShape;
  return { ...big, maxPods: Math.min(253, Math.ceil(perPods / 0.9)) };
}
