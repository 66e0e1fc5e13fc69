// TLS on both protocols with a self-signed certificate made by the `openssl` CLI at test time
// (no keys are checked in). Without openssl the tests are skipped, saying so.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { EXPORT_PATHS } from './grpc-server.ts';
import { httpRequest, postOtlp, RawGrpcClient } from './testing/clients.ts';
import { startReceiver } from './testing/harness.ts';
import { sdkRequest } from './testing/sdk-data.ts';

function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const skip = opensslAvailable() ? false : 'the openssl CLI is not installed: TLS tests skipped';

interface Pem {
  certFile: string;
  keyFile: string;
  cert: Buffer;
  key: Buffer;
}

/** A self-signed P-256 certificate for 127.0.0.1 / localhost, valid for a day. */
function selfSigned(dir: string, name: string): Pem {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return { certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile) };
}

describe('otlp receiver over TLS', { skip }, () => {
  let server: Pem;
  let client: Pem;
  let traces: Uint8Array;

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wc-otlp-tls-'));
    server = selfSigned(dir, 'server');
    client = selfSigned(dir, 'client');
    traces = await sdkRequest('traces', 'proto');
  });

  test('HTTPS and gRPC+TLS accept data; plaintext is refused', async () => {
    const settings = { tls: { cert_file: server.certFile, key_file: server.keyFile } };
    const h = await startReceiver({ protocols: { http: settings, grpc: settings } });
    const grpcClient = new RawGrpcClient(h.grpcTarget, {
      credentials: grpc.credentials.createSsl(server.cert),
    });
    const plainGrpc = new RawGrpcClient(h.grpcTarget);
    try {
      assert.match(h.httpUrl, /^https:/);
      const r = await postOtlp(`${h.httpUrl}/v1/traces`, traces, 'proto', { ca: server.cert });
      assert.equal(r.status, 200, r.body.toString());
      const g = await grpcClient.call(EXPORT_PATHS.traces, traces);
      assert.equal(g.error, undefined, g.error?.message);
      assert.equal(h.recorder.of('traces').length, 2);

      await assert.rejects(postOtlp(h.httpUrl.replace('https:', 'http:') + '/v1/traces', traces, 'proto'));
      assert.equal((await plainGrpc.call(EXPORT_PATHS.traces, traces)).error?.code, grpc.status.UNAVAILABLE);
      assert.equal(h.recorder.of('traces').length, 2, 'nothing arrived in plaintext');
    } finally {
      grpcClient.close();
      plainGrpc.close();
      await h.stop();
    }
  });

  test('client_ca_file requires a client certificate signed by that CA (mutual TLS)', async () => {
    const settings = {
      tls: { cert_file: server.certFile, key_file: server.keyFile, client_ca_file: client.certFile },
    };
    const h = await startReceiver({ protocols: { http: settings, grpc: settings } });
    const withCert = new RawGrpcClient(h.grpcTarget, {
      credentials: grpc.credentials.createSsl(server.cert, client.key, client.cert),
    });
    const noCert = new RawGrpcClient(h.grpcTarget, { credentials: grpc.credentials.createSsl(server.cert) });
    try {
      await assert.rejects(postOtlp(`${h.httpUrl}/v1/traces`, traces, 'proto', { ca: server.cert }));
      const ok = await httpRequest(`${h.httpUrl}/v1/traces`, {
        headers: { 'content-type': 'application/x-protobuf' },
        body: Buffer.from(traces),
        ca: server.cert,
        cert: client.cert,
        key: client.key,
      });
      assert.equal(ok.status, 200);
      assert.notEqual((await noCert.call(EXPORT_PATHS.traces, traces)).error, undefined);
      assert.equal((await withCert.call(EXPORT_PATHS.traces, traces)).error, undefined);
      assert.equal(h.recorder.of('traces').length, 2);
    } finally {
      withCert.close();
      noCert.close();
      await h.stop();
    }
  });

  test('min_version 1.3 refuses TLS 1.2 handshakes on both protocols', async () => {
    const settings = { tls: { cert_file: server.certFile, key_file: server.keyFile, min_version: '1.3' } };
    const h = await startReceiver({ protocols: { http: settings, grpc: settings } });
    const handshake = (port: number, maxVersion: tls.SecureVersion, alpn: string) =>
      new Promise<string>((resolve) => {
        const s = tls.connect({
          host: '127.0.0.1',
          servername: 'localhost',
          port,
          ca: server.cert,
          maxVersion,
          ALPNProtocols: [alpn],
        });
        s.once('secureConnect', () => {
          resolve(String(s.getProtocol()));
          s.destroy();
        });
        s.once('error', () => resolve('refused'));
      });
    try {
      const b = h.receiver.boundAddresses();
      assert.equal(await handshake(b.http!.port, 'TLSv1.2', 'http/1.1'), 'refused');
      assert.equal(await handshake(b.grpc!.port, 'TLSv1.2', 'h2'), 'refused');
      assert.equal(await handshake(b.http!.port, 'TLSv1.3', 'http/1.1'), 'TLSv1.3');
      assert.equal(await handshake(b.grpc!.port, 'TLSv1.3', 'h2'), 'TLSv1.3');
    } finally {
      await h.stop();
    }
  });

  test('an unreadable certificate file fails start naming the option and the file', async () => {
    await assert.rejects(
      startReceiver({
        protocols: { http: { tls: { cert_file: '/nonexistent/cert.pem', key_file: server.keyFile } } },
      }),
      /protocols\.http\.tls\.cert_file: cannot read \/nonexistent\/cert\.pem: ENOENT/,
    );
  });
});
