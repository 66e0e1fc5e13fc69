// ResourceQuota per application namespace, with status.used kept current from pod counters
// (pods in a terminal phase no longer count, as in the quota controller).
import type { Ctx, PodRec } from './model.ts';
import { R } from './resources.ts';
import { formatMilli } from './quantity.ts';

export class QuotaCtl {
  private readonly ctx: Ctx;
  readonly namespace: string;
  private readonly hard: Record<string, string>;
  private readonly pods = new Set<PodRec>();
  private cpu = 0;
  private mem = 0;

  constructor(
    ctx: Ctx,
    namespace: string,
    hardPods: number,
    hardCpuCores: number,
    hardMemGi: number,
    createdAt: number,
  ) {
    this.ctx = ctx;
    this.namespace = namespace;
    this.hard = {
      pods: String(hardPods),
      'requests.cpu': String(hardCpuCores),
      'requests.memory': `${hardMemGi}Gi`,
    };
    ctx.sim.create(R.resourcequotas, {
      metadata: { name: 'compute-quota', namespace, creationTimestamp: ctx.sim.ts(createdAt) },
      spec: { hard: { ...this.hard } },
      status: { hard: { ...this.hard }, used: { pods: '0', 'requests.cpu': '0', 'requests.memory': '0' } },
    });
  }

  podCreated(pod: PodRec): void {
    if (pod.phase === 'Succeeded' || pod.phase === 'Failed') return; // created finished (populate history)
    this.pods.add(pod);
    this.cpu += pod.cpuMilli;
    this.mem += pod.memBytes;
    this.markDirty();
  }

  podEnded(pod: PodRec): void {
    if (!this.pods.delete(pod)) return;
    this.cpu -= pod.cpuMilli;
    this.mem -= pod.memBytes;
    this.markDirty();
  }

  private markDirty(): void {
    this.ctx.sim.markDirty(this, () => this.flush());
  }

  flush(): void {
    const used = {
      pods: String(this.pods.size),
      'requests.cpu': formatMilli(this.cpu),
      'requests.memory': memQuantity(this.mem),
    };
    const hard = this.hard;
    this.ctx.sim.mutateIfChanged(
      R.resourcequotas,
      this.namespace,
      'compute-quota',
      JSON.stringify(used),
      (o) => {
        o.status = { hard: { ...hard }, used };
      },
    );
  }
}

function memQuantity(b: number): string {
  if (b === 0) return '0';
  if (b % 1024 ** 3 === 0) return `${b / 1024 ** 3}Gi`;
  if (b % 1024 ** 2 === 0) return `${b / 1024 ** 2}Mi`;
  return String(b);
}
