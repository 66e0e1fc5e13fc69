// Test support: the paths of the test TLS material in ./testdata (see its README).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('./testdata/', import.meta.url));

export const TEST_TLS = {
  caFile: `${dir}ca.crt`,
  certFile: `${dir}server.crt`,
  keyFile: `${dir}server.key`,
  /** The server's certificate and key, for an HTTPS or gRPC TLS sink. */
  server(): { cert: Buffer; key: Buffer } {
    return { cert: readFileSync(`${dir}server.crt`), key: readFileSync(`${dir}server.key`) };
  },
};
