// TLS through the client: CA verification, tls-server-name, client certificates, insecure mode.
// testdata/ (test-only, EC P-256, valid 100 years, CA key discarded):
//   ca.crt                 self-signed CA "watchingcat-test-ca"
//   server.crt/server.key  SAN DNS:api.internal (not 127.0.0.1: servername must be used)
//   client.crt/client.key  CN=watchingcat-agent, O=system:masters, clientAuth
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { KubeConnection, KubeTlsOptions } from './config.ts';
import { createKubeClient } from './client.ts';

const td = (f: string) => fs.readFileSync(new URL(`./testdata/${f}`, import.meta.url));
let server: https.Server;
let base: string;

before(async () => {
  server = https.createServer(
    {
      cert: td('server.crt'),
      key: td('server.key'),
      ca: td('ca.crt'),
      requestCert: true,
      rejectUnauthorized: false,
    },
    (req, res) => {
      const sock = req.socket as TLSSocket;
      const peer = sock.getPeerCertificate();
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          authorized: sock.authorized,
          cn: peer?.subject?.CN ?? null,
          auth: req.headers.authorization ?? null,
        }),
      );
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function conn(tls: KubeTlsOptions, creds: { cert?: Buffer; key?: Buffer } = {}): KubeConnection {
  return {
    source: 'kubeconfig-flag',
    server: base,
    tls,
    headers: {},
    namespace: undefined,
    description: 'tls test',
    credentials: async () => ({ authorization: 'Bearer x', ...creds }),
    authorization: async () => 'Bearer x',
    invalidate: () => {},
  };
}

interface Who {
  authorized: boolean;
  cn: string | null;
  auth: string | null;
}

describe('KubeClient over TLS', () => {
  it('verifies the server against the CA using tls-server-name, and presents the client certificate', async () => {
    const c = createKubeClient(
      conn({
        ca: td('ca.crt'),
        servername: 'api.internal',
        rejectUnauthorized: true,
        cert: td('client.crt'),
        key: td('client.key'),
      }),
    );
    try {
      const who = await c.get<Who>('/who');
      assert.deepEqual(who, { authorized: true, cn: 'watchingcat-agent', auth: 'Bearer x' });
    } finally {
      c.close();
    }
  });

  it('refuses a server whose name does not match, or without the CA', async () => {
    const wrongName = createKubeClient(conn({ ca: td('ca.crt'), rejectUnauthorized: true }));
    const noCa = createKubeClient(conn({ servername: 'api.internal', rejectUnauthorized: true }));
    try {
      await assert.rejects(wrongName.get('/who'), /altnames|IP: 127\.0\.0\.1/);
      await assert.rejects(noCa.get('/who'), /self-signed|unable to (get|verify)/);
    } finally {
      wrongName.close();
      noCa.close();
    }
  });

  it('insecure-skip-tls-verify connects anyway; a plugin certificate overrides the static one', async () => {
    const c = createKubeClient(
      conn({ rejectUnauthorized: false }, { cert: td('client.crt'), key: td('client.key') }),
    );
    try {
      const who = await c.get<Who>('/who');
      assert.equal(who.cn, 'watchingcat-agent');
      assert.equal(who.authorized, true);
    } finally {
      c.close();
    }
  });
});
