// The HTTP client against a fake server written here: conditions the simulator cannot produce on
// demand (a connection cut mid-line, chunking at arbitrary bytes, odd error bodies, TLS).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeConnection } from './config.ts';
import { createKubeClient, isGone, KubeApiError, KubeProtocolError } from './client.ts';
import type { WatchEvent } from './client.ts';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
let handler: Handler = (_req, res) => res.end();
let server: http.Server;
let base: string;

before(async () => {
  server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function connection(
  serverUrl: string,
  tokens: string[] = ['t1'],
): KubeConnection & { invalidations: number } {
  let i = 0;
  const c = {
    source: 'kubeconfig-flag' as const,
    server: serverUrl,
    tls: { rejectUnauthorized: true },
    headers: { 'Impersonate-User': 'bob' },
    namespace: undefined,
    description: 'test',
    invalidations: 0,
    credentials: async () => ({ authorization: `Bearer ${tokens[Math.min(i, tokens.length - 1)]}` }),
    authorization: async () => `Bearer ${tokens[Math.min(i, tokens.length - 1)]}`,
    invalidate: () => {
      c.invalidations++;
      i++;
    },
  };
  return c;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('KubeClient', () => {
  it('list: query parameters, headers, path prefix, parsed body', async () => {
    let seen: http.IncomingMessage | undefined;
    handler = (req, res) => {
      seen = req;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          kind: 'PodList',
          metadata: { resourceVersion: '42', continue: 'c2' },
          items: [{ a: 1 }],
        }),
      );
    };
    const client = createKubeClient(connection(`${base}/k8s/clusters/c-1/`));
    try {
      const r = await client.list('/api/v1/pods', {
        limit: 2,
        continue: 'c1',
        labelSelector: 'app=web,tier in (a,b)',
        fieldSelector: 'spec.nodeName=n1',
        resourceVersion: '0',
        resourceVersionMatch: 'NotOlderThan',
      });
      assert.deepEqual(r.items, [{ a: 1 }]);
      assert.equal(r.metadata.continue, 'c2');
      const url = new URL(seen!.url!, base);
      assert.equal(url.pathname, '/k8s/clusters/c-1/api/v1/pods');
      assert.equal(url.searchParams.get('labelSelector'), 'app=web,tier in (a,b)');
      assert.equal(url.searchParams.get('fieldSelector'), 'spec.nodeName=n1');
      assert.equal(url.searchParams.get('limit'), '2');
      assert.equal(url.searchParams.get('continue'), 'c1');
      assert.equal(url.searchParams.get('resourceVersion'), '0');
      assert.equal(url.searchParams.get('resourceVersionMatch'), 'NotOlderThan');
      assert.equal(seen!.headers.authorization, 'Bearer t1');
      assert.equal(seen!.headers['impersonate-user'], 'bob');
    } finally {
      client.close();
    }
  });

  it('errors: metav1.Status bodies and plain bodies become KubeApiError', async () => {
    handler = (req, res) => {
      if (req.url!.startsWith('/status')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            kind: 'Status',
            status: 'Failure',
            code: 404,
            reason: 'NotFound',
            message: 'pods "x" not found',
          }),
        );
      } else {
        res.writeHead(503, { 'retry-after': '7' });
        res.end('upstream connect error');
      }
    };
    const client = createKubeClient(connection(base));
    try {
      await assert.rejects(client.get('/status'), (e: unknown) => {
        assert.ok(e instanceof KubeApiError);
        assert.deepEqual([e.code, e.reason, e.message], [404, 'NotFound', 'pods "x" not found']);
        return true;
      });
      await assert.rejects(client.get('/plain'), (e: unknown) => {
        assert.ok(e instanceof KubeApiError);
        assert.deepEqual([e.code, e.reason, e.retryAfterSeconds], [503, '', 7]);
        assert.match(e.message, /upstream connect error/);
        return true;
      });
    } finally {
      client.close();
    }
  });

  it('401 invalidates credentials and retries exactly once', async () => {
    const auths: string[] = [];
    handler = (req, res) => {
      auths.push(req.headers.authorization ?? '');
      const ok = req.headers.authorization === 'Bearer good';
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(
        ok
          ? '{"ok":true}'
          : JSON.stringify({ kind: 'Status', code: 401, reason: 'Unauthorized', message: 'Unauthorized' }),
      );
    };
    const conn = connection(base, ['stale', 'good']);
    const client = createKubeClient(conn);
    try {
      assert.deepEqual(await client.get('/x'), { ok: true });
      assert.deepEqual(auths, ['Bearer stale', 'Bearer good']);
      assert.equal(conn.invalidations, 1);

      auths.length = 0;
      const bad = connection(base, ['bad1', 'bad2', 'bad3']);
      const c2 = createKubeClient(bad);
      await assert.rejects(c2.get('/x'), (e: unknown) => e instanceof KubeApiError && e.code === 401);
      assert.deepEqual(auths, ['Bearer bad1', 'Bearer bad2'], 'one retry, not more');
      c2.close();
    } finally {
      client.close();
    }
  });

  it('watch: events split at arbitrary bytes, bookmarks, clean end resolves', async () => {
    const lines = [
      { type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '5' } } },
      { type: 'BOOKMARK', object: { metadata: { resourceVersion: '9' } } },
      { type: 'DELETED', object: { metadata: { name: 'a', resourceVersion: '11', labels: { ü: '😺' } } } },
    ];
    let query: URLSearchParams | undefined;
    handler = async (req, res) => {
      query = new URL(req.url!, base).searchParams;
      res.writeHead(200, { 'content-type': 'application/json' });
      const bytes = Buffer.from(lines.map((l) => JSON.stringify(l) + '\n').join(''));
      for (let i = 0; i < bytes.length; i += 7) {
        res.write(bytes.subarray(i, i + 7));
        if (i % 35 === 0) await sleep(1);
      }
      res.end();
    };
    const client = createKubeClient(connection(base));
    try {
      const got: WatchEvent<unknown>[] = [];
      await client.watch(
        '/api/v1/pods',
        { resourceVersion: '4', allowWatchBookmarks: true, timeoutSeconds: 30, labelSelector: 'a=b' },
        (e) => got.push(e),
      );
      assert.deepEqual(got, lines);
      assert.equal(query!.get('watch'), 'true');
      assert.equal(query!.get('resourceVersion'), '4');
      assert.equal(query!.get('allowWatchBookmarks'), 'true');
      assert.equal(query!.get('timeoutSeconds'), '30');
      assert.equal(query!.get('labelSelector'), 'a=b');
    } finally {
      client.close();
    }
  });

  it('watch: an ERROR event with 410 rejects with a Gone KubeApiError', async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      res.write(
        JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '5' } } }) + '\n',
      );
      res.end(
        JSON.stringify({
          type: 'ERROR',
          object: {
            kind: 'Status',
            code: 410,
            reason: 'Expired',
            message: 'too old resource version: 1 (5)',
          },
        }) + '\n',
      );
    };
    const client = createKubeClient(connection(base));
    try {
      let n = 0;
      await assert.rejects(
        client.watch('/w', {}, () => n++),
        (e: unknown) => isGone(e) && (e as KubeApiError).reason === 'Expired',
      );
      assert.equal(n, 1);
    } finally {
      client.close();
    }
  });

  it('watch: a connection dropped mid-line rejects (it does not look like a clean end)', async () => {
    handler = (req, res) => {
      res.writeHead(200);
      res.write(JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a' } } }) + '\n{"type":"MODI');
      setTimeout(() => req.socket.destroy(), 20);
    };
    const client = createKubeClient(connection(base));
    try {
      let n = 0;
      await assert.rejects(client.watch('/w', {}, () => n++));
      assert.equal(n, 1);
    } finally {
      client.close();
    }
  });

  it('watch: a clean end in the middle of an event is a protocol error', async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      res.end('{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n{"type":"MODI');
    };
    const client = createKubeClient(connection(base));
    try {
      await assert.rejects(
        client.watch('/w', {}, () => {}),
        (e: unknown) => e instanceof KubeProtocolError && /mid-event/.test(e.message),
      );
    } finally {
      client.close();
    }
  });

  it('watch: a line over maxLineBytes is an error, not unbounded buffering', async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      const big = 'x'.repeat(64 * 1024);
      let sent = 0;
      const pump = () => {
        // A stream without newlines: would grow forever without the cap.
        while (sent < 50 && res.write(big)) sent++;
        if (sent < 50 && !res.destroyed) res.once('drain', pump);
        else res.end();
      };
      res.write('{"type":"ADDED","object":{"pad":"');
      pump();
    };
    const client = createKubeClient(connection(base), { maxLineBytes: 256 * 1024 });
    try {
      await assert.rejects(
        client.watch('/w', {}, () => {}),
        (e: unknown) => e instanceof KubeProtocolError && /exceeds 262144 bytes/.test(e.message),
      );
    } finally {
      client.close();
    }
  });

  it('watch: HTTP 410 before the stream and abort() during it', async () => {
    handler = (req, res) => {
      if (req.url!.includes('resourceVersion=1')) {
        res.writeHead(410, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', code: 410, reason: 'Expired', message: 'too old' }));
        return;
      }
      res.writeHead(200);
      res.write('\n'); // keep open
    };
    const client = createKubeClient(connection(base));
    try {
      await assert.rejects(
        client.watch('/w', { resourceVersion: '1' }, () => {}),
        (e: unknown) => isGone(e),
      );
      const ac = new AbortController();
      const p = client.watch('/w', {}, () => {}, ac.signal);
      setTimeout(() => ac.abort(new Error('stop now')), 30);
      const t0 = Date.now();
      await assert.rejects(p, /stop now/);
      assert.ok(Date.now() - t0 < 1000);
    } finally {
      client.close();
    }
  });

  it('open watches do not use up the connections lists need (maxSockets)', async () => {
    handler = (req, res) => {
      if (req.url!.includes('watch=true')) {
        res.writeHead(200);
        res.write('\n'); // held open, like a quiet watch
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ kind: 'List', metadata: { resourceVersion: '1' }, items: [] }));
    };
    const client = createKubeClient(connection(base), { maxSockets: 2 });
    const ac = new AbortController();
    try {
      const watches = [1, 2, 3, 4].map((i) =>
        client.watch(`/w${i}`, {}, () => {}, ac.signal).catch(() => {}),
      );
      await sleep(50);
      const listed = await Promise.race([
        client.list('/l', {}).then(() => 'listed'),
        sleep(2000).then(() => 'starved'),
      ]);
      assert.equal(listed, 'listed', 'a list completes while more watches than maxSockets are open');
      ac.abort(new Error('done'));
      await Promise.all(watches);
    } finally {
      client.close();
    }
  });

  it('list: a body over maxBodyBytes is refused', async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      res.end(JSON.stringify({ metadata: {}, items: [{ pad: 'y'.repeat(10_000) }] }));
    };
    const client = createKubeClient(connection(base), { maxBodyBytes: 1000 });
    try {
      await assert.rejects(client.list('/l'), /exceeds 1000 bytes/);
    } finally {
      client.close();
    }
  });
});
