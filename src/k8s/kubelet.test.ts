// The kubelet client: endpoint forms, plain http (the simulator's kubelet), TLS with a CA file,
// bearer token from a rotating file, client certificates, and the errors callers log.
// testdata/ (test-only, EC P-256, valid 100 years, CA keys discarded):
//   kubelet-ca.crt                         self-signed CA "watchingcat-test-kubelet-ca"
//   kubelet-server.crt/kubelet-server.key  CN=node-a, SAN IP:127.0.0.1 DNS:node-a
//   ca.crt, client.crt/client.key          see client.tls.test.ts (client certificate, CN watchingcat-agent)
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { startKubeletServer } from '../sim/node/kubelet-server.ts';
import { createKubeletClient, kubeletBaseUrl, KubeletError } from './kubelet.ts';

const td = (f: string): string => fileURLToPath(new URL(`./testdata/${f}`, import.meta.url));

describe('kubeletBaseUrl', () => {
  it('reads host[:port] as https on 10250 and keeps full URLs', () => {
    assert.equal(kubeletBaseUrl('node-1'), 'https://node-1:10250');
    assert.equal(kubeletBaseUrl('node-1:10250'), 'https://node-1:10250');
    assert.equal(kubeletBaseUrl(' 10.0.0.5:10255 '), 'https://10.0.0.5:10255');
    assert.equal(kubeletBaseUrl('fd00::1'), 'https://[fd00::1]:10250');
    assert.equal(kubeletBaseUrl('[fd00::1]:10250'), 'https://[fd00::1]:10250');
    assert.equal(kubeletBaseUrl('http://127.0.0.1:4321/'), 'http://127.0.0.1:4321');
    assert.equal(kubeletBaseUrl('https://node-1:10250'), 'https://node-1:10250');
    // a full URL without a port keeps the scheme default (443): only bare hosts get 10250
    assert.equal(kubeletBaseUrl('https://node-1'), 'https://node-1');
  });

  it('rejects empty endpoints, other schemes and queries', () => {
    assert.throws(() => kubeletBaseUrl(''), /empty/);
    assert.throws(() => kubeletBaseUrl('ftp://x'), /scheme must be https or http/);
    assert.throws(() => kubeletBaseUrl('http://x/?a=b'), /no query/);
    assert.throws(() => kubeletBaseUrl('node 1:10250'), /not a host/);
  });

  it('fails early on configuration errors', () => {
    assert.throws(
      () => createKubeletClient({ endpoint: 'n:10250', authType: 'tls' }),
      /needs cert_file and key_file/,
    );
    assert.throws(
      () => createKubeletClient({ endpoint: 'n:10250', authType: 'none', caFile: '/nonexistent/ca.crt' }),
      /ca_file \/nonexistent\/ca.crt/,
    );
  });
});

describe('kubelet client over http (the simulator kubelet)', () => {
  it('GETs /pods and /stats/summary', async () => {
    const podList = { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [{ metadata: { name: 'p' } }] };
    const summary = { node: { nodeName: 'node-a' }, pods: [] };
    const s = await startKubeletServer({ pods: () => podList, summary: () => summary });
    const c = createKubeletClient({ endpoint: s.url, authType: 'none' });
    try {
      assert.equal(c.endpoint, s.url);
      assert.deepEqual(await c.pods(), podList);
      assert.deepEqual(await c.summary(), summary);
    } finally {
      c.close();
      await s.close();
    }
  });

  it('reports a 500 with the endpoint and path', async () => {
    const s = await startKubeletServer({
      pods: () => ({}),
      summary: () => {
        throw new Error('cadvisor not ready');
      },
    });
    const c = createKubeletClient({ endpoint: s.url, authType: 'none' });
    try {
      await assert.rejects(c.summary(), (err: unknown) => {
        assert.ok(err instanceof KubeletError);
        assert.equal(err.status, 500);
        assert.match(
          err.message,
          new RegExp(`^kubelet ${s.url}/stats/summary: HTTP 500: internal error: cadvisor not ready`),
        );
        return true;
      });
    } finally {
      c.close();
      await s.close();
    }
  });
});

describe('kubelet client errors', () => {
  it('unreachable: connection refused says so', async () => {
    // a port that was just free: listen, take the port, close
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const c = createKubeletClient({ endpoint: `http://127.0.0.1:${port}`, authType: 'none' });
    try {
      await assert.rejects(c.summary(), (err: unknown) => {
        assert.ok(err instanceof KubeletError);
        assert.equal(err.status, undefined);
        assert.match(err.message, /\/stats\/summary: unreachable: connect ECONNREFUSED/);
        return true;
      });
    } finally {
      c.close();
    }
  });

  it('timeout: a kubelet that never answers fails after timeoutMs', async () => {
    const hang = http.createServer(() => {
      /* never responds */
    });
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(hang.address() as AddressInfo).port}`;
    const c = createKubeletClient({ endpoint: url, authType: 'none', timeoutMs: 150 });
    const t0 = Date.now();
    try {
      await assert.rejects(c.pods(), /kubelet .*\/pods: GET \/pods: not complete within 150 ms/);
      assert.ok(Date.now() - t0 < 5000);
    } finally {
      c.close();
      hang.closeAllConnections();
      await new Promise((r) => hang.close(r));
    }
  });

  it('401 and 403 carry the status and a hint', async () => {
    let hits = 0;
    const srv = http.createServer((req, res) => {
      hits++;
      res.writeHead(req.url === '/pods' ? 403 : 401, { 'content-type': 'text/plain' });
      res.end(
        req.url === '/pods'
          ? 'Forbidden (user=system:serviceaccount:o:a, verb=get, resource=nodes, subresource=proxy)'
          : 'Unauthorized',
      );
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
    const c = createKubeletClient({ endpoint: url, authType: 'none' });
    try {
      await assert.rejects(c.summary(), (err: unknown) => {
        assert.ok(err instanceof KubeletError);
        assert.equal(err.status, 401);
        assert.match(err.message, /HTTP 401: Unauthorized \(unauthorized: check the credentials/);
        return true;
      });
      assert.equal(hits, 2, 'a 401 is retried once after re-reading credentials');
      await assert.rejects(c.pods(), (err: unknown) => {
        assert.ok(err instanceof KubeletError);
        assert.equal(err.status, 403);
        assert.match(err.message, /subresource=proxy\) \(forbidden: .*nodes\/stats.*nodes\/proxy/);
        return true;
      });
    } finally {
      c.close();
      await new Promise((r) => srv.close(r));
    }
  });
});

describe('kubelet client over TLS', () => {
  let server: https.Server;
  let endpoint = '';
  let dir = '';
  let validToken = 'token-1';
  const seen: { auth: string | null; cn: string | null; authorized: boolean }[] = [];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-kubelet-'));
    server = https.createServer(
      {
        cert: fs.readFileSync(td('kubelet-server.crt')),
        key: fs.readFileSync(td('kubelet-server.key')),
        ca: fs.readFileSync(td('ca.crt')), // verifies client certificates
        requestCert: true,
        rejectUnauthorized: false,
      },
      (req, res) => {
        const sock = req.socket as TLSSocket;
        const peer = sock.getPeerCertificate();
        const auth = req.headers.authorization ?? null;
        seen.push({
          auth,
          cn: (peer?.subject?.CN as string | undefined) ?? null,
          authorized: sock.authorized,
        });
        const ok = auth === `Bearer ${validToken}` || sock.authorized;
        if (!ok) {
          res.writeHead(401, { 'content-type': 'text/plain' });
          res.end('Unauthorized');
          return;
        }
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify(
            req.url === '/stats/summary'
              ? { node: { nodeName: 'node-a' }, pods: [] }
              : { kind: 'PodList', items: [] },
          ),
        );
      },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `127.0.0.1:${(server.address() as AddressInfo).port}`; // Collector style: no scheme → https
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serviceAccount: verifies the kubelet against ca_file and sends the bearer token, re-read on rotation', async () => {
    const tokenFile = path.join(dir, 'token');
    fs.writeFileSync(tokenFile, 'token-1\n');
    const c = createKubeletClient({
      endpoint,
      authType: 'serviceAccount',
      tokenFile,
      caFile: td('kubelet-ca.crt'),
    });
    try {
      assert.equal(c.endpoint, `https://${endpoint}`);
      assert.deepEqual(await c.summary(), { node: { nodeName: 'node-a' }, pods: [] });
      assert.equal(seen.at(-1)?.auth, 'Bearer token-1');
      // rotation: the kubelet now accepts only the new token; the 401 makes the client re-read the file
      fs.writeFileSync(tokenFile, 'token-2\n');
      validToken = 'token-2';
      seen.length = 0;
      assert.deepEqual(await c.pods(), { kind: 'PodList', items: [] });
      assert.deepEqual(
        seen.map((s) => s.auth),
        ['Bearer token-1', 'Bearer token-2'],
      );
    } finally {
      c.close();
    }
  });

  it('serviceAccount: a missing token file is a clear per-request error', async () => {
    const c = createKubeletClient({
      endpoint,
      authType: 'serviceAccount',
      tokenFile: path.join(dir, 'absent'),
      insecureSkipVerify: true,
    });
    try {
      await assert.rejects(
        c.summary(),
        /kubelet https:\/\/127\.0\.0\.1:\d+\/stats\/summary: .*ENOENT.*absent/,
      );
    } finally {
      c.close();
    }
  });

  it('refuses a self-signed kubelet without its CA; insecure_skip_verify connects anyway', async () => {
    const tokenFile = path.join(dir, 'token');
    const strict = createKubeletClient({
      endpoint,
      authType: 'serviceAccount',
      tokenFile,
      caFile: td('ca.crt'),
    });
    const insecure = createKubeletClient({
      endpoint,
      authType: 'serviceAccount',
      tokenFile,
      insecureSkipVerify: true,
    });
    try {
      await assert.rejects(
        strict.summary(),
        /kubelet .*\/stats\/summary: .*(self-signed|unable to (get|verify))/,
      );
      assert.deepEqual(await insecure.summary(), { node: { nodeName: 'node-a' }, pods: [] });
    } finally {
      strict.close();
      insecure.close();
    }
  });

  it('tls: presents the client certificate and sends no bearer token', async () => {
    const c = createKubeletClient({
      endpoint: `https://${endpoint}`,
      authType: 'tls',
      caFile: td('kubelet-ca.crt'),
      certFile: td('client.crt'),
      keyFile: td('client.key'),
    });
    try {
      seen.length = 0;
      await c.summary();
      assert.deepEqual(seen, [{ auth: null, cn: 'watchingcat-agent', authorized: true }]);
    } finally {
      c.close();
    }
  });
});
