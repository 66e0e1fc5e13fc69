// Reads the files named by a receiver protocol's `tls:` settings once, at start, with errors
// that name the option and the file.
import { readFileSync } from 'node:fs';
import type { TlsServerSettings } from '../../../config/schema-helpers.ts';

export interface ServerTlsMaterial {
  cert: Buffer;
  key: Buffer;
  /** CAs that client certificates must chain to; set when client certificates are required. */
  clientCa?: Buffer;
  minVersion: 'TLSv1.2' | 'TLSv1.3';
}

export function readServerTls(protocol: string, tls: TlsServerSettings): ServerTlsMaterial {
  const read = (option: string, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      throw new Error(`protocols.${protocol}.tls.${option}: cannot read ${path}: ${why}`, { cause: e });
    }
  };
  const out: ServerTlsMaterial = {
    cert: read('cert_file', tls.cert_file),
    key: read('key_file', tls.key_file),
    minVersion: tls.min_version === '1.3' ? 'TLSv1.3' : 'TLSv1.2',
  };
  // `client_ca_file` turns on mutual TLS (client certificates required and verified). `ca_file`
  // is accepted for config compatibility but not used: a server verifies nothing else.
  if (tls.client_ca_file !== undefined) out.clientCa = read('client_ca_file', tls.client_ca_file);
  return out;
}
