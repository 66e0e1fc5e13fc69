// Static pods on the control-plane node: kubelet runs them from manifests and keeps a mirror pod
// in the API owned by the Node; a deleted mirror pod is recreated under the same name.
import type { OwnerReference } from '../types.ts';
import type { Ctx, NodeRec, PodOwner, PodRec, PodTemplate } from './model.ts';
import { contentHash } from './rand.ts';

export class MirrorPodOwner implements PodOwner {
  readonly kind = 'Node';
  private readonly ctx: Ctx;
  private readonly node: NodeRec;
  private readonly podName: string;
  private readonly template: PodTemplate;

  constructor(ctx: Ctx, node: NodeRec, component: string, template: PodTemplate, seenAt: number) {
    this.ctx = ctx;
    this.node = node;
    this.podName = `${component}-${node.name}`;
    const hash = contentHash(`${component}/${JSON.stringify(template.spec)}`, 32);
    this.template = {
      ...template,
      annotations: {
        ...(template.annotations ?? {}),
        'kubernetes.io/config.hash': hash,
        'kubernetes.io/config.mirror': hash,
        'kubernetes.io/config.seen': new Date(seenAt).toISOString().replace('Z', '000000Z'),
        'kubernetes.io/config.source': 'file',
      },
      spec: { ...template.spec, nodeName: node.name },
    };
  }

  ownerRef(): OwnerReference {
    return { apiVersion: 'v1', kind: 'Node', name: this.node.name, uid: this.node.uid, controller: true };
  }

  podTemplate(): PodTemplate {
    return this.template;
  }

  start(createdAt: number): PodRec {
    return this.ctx.pods.create({
      owner: this,
      namespace: 'kube-system',
      name: this.podName,
      pinnedNode: this.node,
      initial: { createdAt, ready: true },
    });
  }

  podChanged(): void {}

  podDeleted(): void {
    this.ctx.sim.markDirty(this, () =>
      this.ctx.pods.create({
        owner: this,
        namespace: 'kube-system',
        name: this.podName,
        pinnedNode: this.node,
      }),
    );
  }
}
