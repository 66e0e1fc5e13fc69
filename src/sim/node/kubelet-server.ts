// A node's kubelet read endpoints over plain HTTP on 127.0.0.1 (ephemeral port):
//   GET /healthz        → "ok"
//   GET /pods           → v1 PodList of the pods bound to this node
//   GET /stats/summary  → the Summary API (stats/v1alpha1)
// The real kubelet serves these over TLS on 10250; the simulator keeps transport simple and
// publishes the URL in DIR/nodes/<node>/kubelet.json.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface KubeletHandlers {
  pods(): unknown;
  summary(): unknown;
}

export interface KubeletServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

function send(res: ServerResponse, code: number, contentType: string, body: string): void {
  res.writeHead(code, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function handle(h: KubeletHandlers, req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    return;
  }
  try {
    switch (path) {
      case '/healthz':
        send(res, 200, 'text/plain; charset=utf-8', 'ok');
        return;
      case '/pods':
      case '/pods/':
        send(res, 200, 'application/json', JSON.stringify(h.pods()));
        return;
      case '/stats/summary':
      case '/stats/summary/':
        send(res, 200, 'application/json', JSON.stringify(h.summary()));
        return;
      default:
        send(res, 404, 'text/plain; charset=utf-8', '404 page not found\n');
    }
  } catch (err) {
    send(res, 500, 'text/plain; charset=utf-8', `internal error: ${(err as Error).message}\n`);
  }
}

export async function startKubeletServer(h: KubeletHandlers): Promise<KubeletServer> {
  const server: Server = createServer((req, res) => handle(h, req, res));
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
