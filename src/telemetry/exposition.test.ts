import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { ExpositionRegistry, negotiateFormat } from './exposition.ts';

describe('metrics address endpoints', () => {
  const reg = new ExpositionRegistry();
  const server = createServer((req, res) => void reg.handle(req, res));
  let base = '';
  before(async () => {
    reg.register('kubestate', (format) => ['# TYPE a gauge\n', format === 'openmetrics' ? 'a 1\n' : 'a 2\n']);
    reg.register('node', () => 'node_load1 0.5\n');
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('serves one provider or all, in the text format by default', async () => {
    const one = await fetch(`${base}/metrics/kubestate`);
    assert.equal(one.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    assert.equal(await one.text(), '# TYPE a gauge\na 2\n');
    assert.equal(await (await fetch(`${base}/metrics`)).text(), '# TYPE a gauge\na 2\nnode_load1 0.5\n');
  });

  it('negotiates OpenMetrics and ends it with one # EOF', async () => {
    const r = await fetch(`${base}/metrics`, {
      headers: { accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' },
    });
    assert.match(r.headers.get('content-type')!, /^application\/openmetrics-text; version=1.0.0/);
    const body = await r.text();
    assert.ok(body.endsWith('a 1\nnode_load1 0.5\n# EOF\n'), body);
    assert.equal(body.split('# EOF').length, 2);
    assert.equal(negotiateFormat('text/plain'), 'text');
    assert.equal(negotiateFormat(undefined), 'text');
  });

  it('gzips when asked, and the body survives the round trip', async () => {
    const { request } = await import('node:http');
    const raw = await new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
      request(`${base}/metrics/kubestate`, { headers: { 'accept-encoding': 'gzip, deflate' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      })
        .on('error', reject)
        .end();
    });
    assert.equal(raw.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(raw.body).toString(), '# TYPE a gauge\na 2\n');
  });

  it('sends a small body whole, with a content-length, gzipped or not', async () => {
    const plain = await rawGet(`${base}/metrics/node`, {});
    assert.equal(plain.headers['content-length'], String(Buffer.byteLength('node_load1 0.5\n')));
    assert.equal(plain.headers['transfer-encoding'], undefined);
    const zipped = await rawGet(`${base}/metrics/node`, { 'accept-encoding': 'gzip' });
    assert.equal(zipped.headers['content-length'], String(zipped.body.length));
    assert.equal(gunzipSync(zipped.body).toString(), 'node_load1 0.5\n');
  });

  it('says what is missing on unknown and unserved paths', async () => {
    const unknown = await fetch(`${base}/nope`);
    assert.equal(unknown.status, 404);
    assert.match(await unknown.text(), /endpoints: \/metrics, \/metrics\/kubestate/);
    const unserved = await fetch(`${base}/metrics/cadvisor`);
    assert.equal(unserved.status, 404);
    assert.match(await unserved.text(), /nothing serves \/metrics\/cadvisor/);
  });
});

/** A GET with the raw response: headers and the body as sent (not decoded). */
async function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

describe('failing providers', () => {
  it('a provider that fails before the first byte gets a 500 naming the error; mid-body, the connection is cut', async () => {
    const reg = new ExpositionRegistry();
    reg.register('cadvisor', () =>
      (function* () {
        yield 'container_a 1\n';
        throw new Error('cgroup root vanished');
      })(),
    );
    reg.register('kubestate', () =>
      (function* () {
        for (let i = 0; i < 4; i++) yield Buffer.alloc(256 * 1024, 97);
        throw new Error('informer closed');
      })(),
    );
    const server = createServer((req, res) => void reg.handle(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const early = await rawGet(`${base}/metrics/cadvisor`, {});
      assert.equal(early.status, 500);
      assert.match(early.body.toString(), /collecting \/metrics\/cadvisor failed: cgroup root vanished/);
      await assert.rejects(rawGet(`${base}/metrics/kubestate`, {}), 'a partial body is not complete');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('large streamed bodies', () => {
  it('a body beyond the small-body threshold streams, gzipped or not, and arrives whole', async () => {
    const reg = new ExpositionRegistry();
    const parts = () => [
      'x'.repeat(100_000),
      Buffer.alloc(300_000, 98),
      'y'.repeat(1_500_000),
      Buffer.alloc(10, 99),
    ];
    const expected = Buffer.concat(parts().map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
    reg.register('kubestate', () => parts());
    const server = createServer((req, res) => void reg.handle(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics/kubestate`;
    try {
      const plain = await rawGet(url, {});
      assert.equal(plain.headers['transfer-encoding'], 'chunked');
      assert.ok(plain.body.equals(expected));
      const zipped = await rawGet(url, { 'accept-encoding': 'gzip' });
      assert.equal(zipped.headers['content-encoding'], 'gzip');
      assert.ok(gunzipSync(zipped.body).equals(expected));
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('a client that goes away mid-body stops the producer, and the next scrape is whole', async () => {
    const reg = new ExpositionRegistry();
    let produced = 0;
    let closed = 0;
    const CHUNKS = 64;
    reg.register('kubestate', () =>
      (function* () {
        try {
          for (let i = 0; i < CHUNKS; i++) {
            produced++;
            yield Buffer.alloc(1 << 20, 97 + (i % 26));
          }
        } finally {
          closed++;
        }
      })(),
    );
    const server = createServer((req, res) => void reg.handle(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics/kubestate`;
    try {
      const { request } = await import('node:http');
      await new Promise<void>((resolve) => {
        const req = request(url, (res) => {
          res.once('data', () => {
            req.destroy(); // gone after the first bytes
            resolve();
          });
        });
        req.on('error', () => {});
        req.end();
      });
      for (let i = 0; i < 100 && closed === 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(closed, 1, 'the producer was closed');
      assert.ok(produced < CHUNKS, `stopped early (${produced} of ${CHUNKS} chunks produced)`);
      const whole = Buffer.from(await (await fetch(url)).arrayBuffer());
      assert.equal(whole.length, CHUNKS << 20);
      assert.equal(whole[(CHUNKS << 20) - 1], 97 + ((CHUNKS - 1) % 26));
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
