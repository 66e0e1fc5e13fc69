// Prometheus endpoints that components feed (kube-state, cAdvisor, node metrics):
// /metrics/<name> serves one provider, /metrics serves all of them concatenated.
import { gzipSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Returns the exposition text (Prometheus text format 0.0.4) at scrape time. */
export type ExpositionProvider = () => string | Promise<string>;

export const EXPOSITION_NAMES = ['kubestate', 'cadvisor', 'node'] as const;
export type ExpositionName = (typeof EXPOSITION_NAMES)[number];

export class ExpositionRegistry {
  private readonly providers = new Map<ExpositionName, ExpositionProvider>();

  register(name: ExpositionName, provider: ExpositionProvider): void {
    if (this.providers.has(name)) throw new Error(`a /metrics/${name} provider is already registered`);
    this.providers.set(name, provider);
  }

  unregister(name: ExpositionName): void {
    this.providers.delete(name);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    let body: string;
    if (path === '/metrics') {
      const parts = await Promise.all([...this.providers.values()].map((p) => p()));
      body = parts.join('');
    } else if (
      path.startsWith('/metrics/') &&
      (EXPOSITION_NAMES as readonly string[]).includes(path.slice(9))
    ) {
      const p = this.providers.get(path.slice(9) as ExpositionName);
      if (!p) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end(`nothing serves ${path}: enable the component that produces it in the configuration\n`);
        return;
      }
      body = await p();
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`not found; endpoints: /metrics, ${EXPOSITION_NAMES.map((n) => `/metrics/${n}`).join(', ')}\n`);
      return;
    }
    const headers: Record<string, string> = { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' };
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      headers['content-encoding'] = 'gzip';
      res.writeHead(200, headers);
      res.end(gzipSync(body));
      return;
    }
    res.writeHead(200, headers);
    res.end(body);
  }
}
