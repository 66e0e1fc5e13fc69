// Prometheus endpoints that components feed (kube-state, cAdvisor, node metrics):
// /metrics/<name> serves one provider, /metrics serves all of them concatenated.
//
// Contracts:
//   - A provider returns its exposition as parts (concatenated in order) for the negotiated
//     format. OpenMetrics output from a provider never carries `# EOF`; the registry ends the
//     body with it once.
//   - OpenMetrics is served when the Accept header asks for application/openmetrics-text
//     (what Prometheus sends first); otherwise the text format 0.0.4.
//   - gzip when Accept-Encoding allows it, compressed off the event loop (zlib's thread pool) and
//     streamed, so a 40 MB kube-state scrape neither blocks other requests nor doubles memory.
import { createGzip, constants as zlib } from 'node:zlib';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';

export type ExpositionFormat = 'text' | 'openmetrics';

/** Returns the exposition at scrape time, as one string or as parts to concatenate. */
export type ExpositionProvider = (format: ExpositionFormat) => string | string[] | Promise<string | string[]>;

export const EXPOSITION_NAMES = ['kubestate', 'cadvisor', 'node'] as const;
export type ExpositionName = (typeof EXPOSITION_NAMES)[number];

const CONTENT_TYPE: Record<ExpositionFormat, string> = {
  text: 'text/plain; version=0.0.4; charset=utf-8',
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
};

/** The format an Accept header negotiates (OpenMetrics only when asked for). */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  return accept && /application\/openmetrics-text/i.test(accept) ? 'openmetrics' : 'text';
}

export class ExpositionRegistry {
  private readonly providers = new Map<ExpositionName, ExpositionProvider>();

  register(name: ExpositionName, provider: ExpositionProvider): void {
    if (this.providers.has(name)) throw new Error(`a /metrics/${name} provider is already registered`);
    this.providers.set(name, provider);
  }

  unregister(name: ExpositionName): void {
    this.providers.delete(name);
  }

  /** The body parts for a path and format; undefined when nothing serves the path. */
  async collect(path: string, format: ExpositionFormat): Promise<string[] | undefined> {
    let chosen: ExpositionProvider[];
    if (path === '/metrics') chosen = [...this.providers.values()];
    else {
      const p = this.providers.get(path.slice(9) as ExpositionName);
      if (!p) return undefined;
      chosen = [p];
    }
    const parts: string[] = [];
    for (const r of await Promise.all(chosen.map((p) => p(format)))) {
      if (typeof r === 'string') parts.push(r);
      else for (const s of r) parts.push(s);
    }
    if (format === 'openmetrics') parts.push('# EOF\n');
    return parts;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const known =
      path === '/metrics' ||
      (path.startsWith('/metrics/') && (EXPOSITION_NAMES as readonly string[]).includes(path.slice(9)));
    if (!known) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`not found; endpoints: /metrics, ${EXPOSITION_NAMES.map((n) => `/metrics/${n}`).join(', ')}\n`);
      return;
    }
    const format = negotiateFormat(req.headers.accept);
    const parts = await this.collect(path, format);
    if (!parts) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`nothing serves ${path}: enable the component that produces it in the configuration\n`);
      return;
    }
    const headers: Record<string, string> = { 'content-type': CONTENT_TYPE[format] };
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      headers['content-encoding'] = 'gzip';
      res.writeHead(200, headers);
      // Level 1: a scrape is compressed every time it is served; speed matters more than the
      // last few percent (this text compresses ~10x even so).
      await pipeline(Readable.from(parts), createGzip({ level: 1, flush: zlib.Z_NO_FLUSH }), res).catch(
        () => {
          res.destroy(); // the client went away mid-body
        },
      );
      return;
    }
    let length = 0;
    for (const p of parts) length += Buffer.byteLength(p);
    headers['content-length'] = String(length);
    res.writeHead(200, headers);
    for (const p of parts) res.write(p);
    res.end();
  }
}
