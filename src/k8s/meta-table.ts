// Names, uids, labels and annotations of cluster-scoped objects (namespaces, nodes) by name, for
// enrichment rules that read them (`from: namespace`, `from: node`, `k8s.node.uid`). An informer
// keeps only these four fields per object. `generation` moves on every change so callers' caches
// built from them can tell they are stale.
import type { KubeClient } from './client.ts';
import { createInformer, type Informer } from './informer.ts';
import type { KubeObject } from './types.ts';

export interface ObjectMeta {
  name: string;
  uid: string;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
}

export function objectMeta(o: KubeObject): ObjectMeta {
  return {
    name: o.metadata.name,
    uid: o.metadata.uid ?? '',
    labels: o.metadata.labels ?? {},
    annotations: o.metadata.annotations ?? {},
  };
}

export class MetaTable {
  private readonly informer: Informer<ObjectMeta>;
  generation = 0;

  constructor(o: {
    client: KubeClient;
    /** `/api/v1/namespaces` or `/api/v1/nodes`. */
    path: string;
    name: string;
    fieldSelector?: string | undefined;
    onError?(err: unknown, where: string): void;
  }) {
    const bump = (): void => {
      this.generation++;
    };
    this.informer = createInformer<ObjectMeta>({
      client: o.client,
      path: o.path,
      name: o.name,
      ...(o.fieldSelector ? { fieldSelector: o.fieldSelector } : {}),
      transform: objectMeta,
      onAdd: bump,
      onUpdate: bump,
      onDelete: bump,
      ...(o.onError ? { onError: o.onError } : {}),
    });
  }

  start(): void {
    this.informer.start();
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }

  get synced(): Promise<void> {
    return this.informer.synced;
  }

  get(name: string): ObjectMeta | undefined {
    return this.informer.store.get(undefined, name);
  }

  get size(): number {
    return this.informer.store.list().length;
  }
}
