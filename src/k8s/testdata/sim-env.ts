// Test fixture: the simulator's API server behind a TCP proxy the test controls, so a test can
// cut every connection mid-stream (`cut()`) or make the server unreachable for a while
// (`down()`/`up()`) — network failures the server itself cannot produce on demand.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { ObjectStore } from '../../sim/apiserver/store.ts';
import { startApiServer } from '../../sim/apiserver/server.ts';
import type { ApiServer } from '../../sim/apiserver/server.ts';
import type { KubeObject } from '../types.ts';
import type { KubeConnection } from '../config.ts';

export const PODS = { group: '', resource: 'pods' };
export const CONFIGMAPS = { group: '', resource: 'configmaps' };
export const NAMESPACES = { group: '', resource: 'namespaces' };

export class CuttableProxy {
  url = '';
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private refusing = false;

  private constructor(targetPort: number) {
    this.server = net.createServer((client) => this.accept(client, targetPort));
  }

  static async start(targetPort: number): Promise<CuttableProxy> {
    const p = new CuttableProxy(targetPort);
    await new Promise<void>((r) => p.server.listen(0, '127.0.0.1', r));
    p.url = `http://127.0.0.1:${(p.server.address() as AddressInfo).port}`;
    return p;
  }

  private accept(client: net.Socket, targetPort: number): void {
    if (this.refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  /** Resets every open connection (watches die mid-stream). */
  cut(): void {
    for (const s of this.sockets) s.resetAndDestroy();
  }

  /** Cuts everything and refuses new connections until up(). */
  down(): void {
    this.refusing = true;
    this.cut();
  }

  up(): void {
    this.refusing = false;
  }

  get openSockets(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((r) => this.server.close(r));
  }
}

export interface SimEnv {
  store: ObjectStore;
  server: ApiServer;
  proxy: CuttableProxy;
  close(): Promise<void>;
}

export async function startSim(
  opts: { historyLimit?: number; token?: () => string | undefined; bookmarkIntervalMs?: number } = {},
): Promise<SimEnv> {
  const store = new ObjectStore(opts.historyLimit ? { historyLimit: opts.historyLimit } : {});
  const server = await startApiServer({
    store,
    ...(opts.token && { token: opts.token }),
    ...(opts.bookmarkIntervalMs && { bookmarkIntervalMs: opts.bookmarkIntervalMs }),
  });
  const proxy = await CuttableProxy.start(server.port);
  return {
    store,
    server,
    proxy,
    async close() {
      await proxy.close();
      await server.close();
    },
  };
}

/** A connection with a fixed bearer token (or none). */
export function plainConnection(server: string, token?: string): KubeConnection {
  return {
    source: 'kubeconfig-flag',
    server,
    tls: { rejectUnauthorized: true },
    headers: {},
    namespace: undefined,
    description: 'simulator',
    credentials: async () => (token ? { authorization: `Bearer ${token}` } : {}),
    authorization: async () => (token ? `Bearer ${token}` : undefined),
    invalidate: () => {},
  };
}

export function pod(name: string, ns: string, labels: Record<string, string> = {}, nodeName = 'node-1'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: { nodeName, containers: [{ name: 'app', image: 'nginx:1.27' }] },
    status: { phase: 'Running' },
  };
}

export function seedNamespaces(store: ObjectStore, ...names: string[]): void {
  for (const name of names) store.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

/** "ns/name@uid@rv" of every pod on the server, sorted: compare with an informer's view. */
export function serverPods(store: ObjectStore, filter: (o: KubeObject) => boolean = () => true): string[] {
  return store
    .list(PODS)
    .filter(filter)
    .map((o) => `${o.metadata.namespace}/${o.metadata.name}@${o.metadata.uid}@${o.metadata.resourceVersion}`)
    .sort();
}

export function describePods(objs: Iterable<KubeObject>): string[] {
  return [...objs]
    .map((o) => `${o.metadata.namespace}/${o.metadata.name}@${o.metadata.uid}@${o.metadata.resourceVersion}`)
    .sort();
}

export async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
