// Reads the files named by an exporter's client `tls:` settings, once at start, with errors that
// name the option.
import { readFileSync } from 'node:fs';
import type { TlsClientSettings } from '../config/schema-helpers.ts';

export interface ClientTlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export function readClientTls(tls: TlsClientSettings): ClientTlsMaterial {
  if ((tls.cert_file === undefined) !== (tls.key_file === undefined)) {
    throw new Error('tls: cert_file and key_file must be set together');
  }
  const read = (option: string, path: string | undefined): Buffer | undefined => {
    if (path === undefined) return undefined;
    try {
      return readFileSync(path);
    } catch (e) {
      throw new Error(
        `tls.${option}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        {
          cause: e,
        },
      );
    }
  };
  const out: ClientTlsMaterial = {};
  const ca = read('ca_file', tls.ca_file);
  const cert = read('cert_file', tls.cert_file);
  const key = read('key_file', tls.key_file);
  if (ca) out.ca = ca;
  if (cert) out.cert = cert;
  if (key) out.key = key;
  return out;
}
