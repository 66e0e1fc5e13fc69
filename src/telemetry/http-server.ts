// A small HTTP server for the process's own endpoints (own metrics, health, Prometheus
// exposition). Bind failures become errors that name the address and the option to change.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { splitHostPort } from '../config/schema-helpers.ts';
import { http } from '../util/lean-require.ts';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface RunningServer {
  server: Server;
  /** The address actually bound (useful with port 0). */
  address: { host: string; port: number };
  close(): Promise<void>;
}

export async function listen(
  what: string,
  address: string,
  option: string,
  handler: Handler,
): Promise<RunningServer> {
  const { host, port } = splitHostPort(address);
  const server = http.createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`internal error: ${(err as Error).message}\n`);
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'EADDRINUSE'
          ? 'address already in use'
          : err.code === 'EACCES'
            ? 'permission denied'
            : err.message;
      reject(new Error(`${what}: cannot listen on ${address}: ${why} (set ${option} to another address)`));
    });
    server.listen(port, host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  return {
    server,
    address: { host: a.address, port: a.port },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
