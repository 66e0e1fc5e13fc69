// `auth: {authenticator: <id>}` on an exporter: the named extension adds its headers (e.g.
// `authorization: Bearer …`) to every request. Headers are fetched per request so an
// authenticator that rotates its credentials is honoured without a restart.
import { z } from 'zod';
import { section } from '../config/schema-helpers.ts';
import type { Authenticator, Host } from '../pipeline/component.ts';

export const clientAuthSettings = () =>
  section({
    authenticator: z.string().min(1),
  });
export type ClientAuthSettings = z.infer<ReturnType<typeof clientAuthSettings>>;

/** The authenticator named by `auth.authenticator`; throws (failing start) when it is not running. */
export function resolveAuthenticator(
  host: Host,
  auth: ClientAuthSettings | undefined,
): Authenticator | undefined {
  if (!auth) return undefined;
  const ext = host.getExtension(auth.authenticator);
  if (!ext) {
    throw new Error(
      `auth.authenticator: extension "${auth.authenticator}" is not running (add it under extensions and service.extensions)`,
    );
  }
  if (!ext.authenticator) {
    throw new Error(`auth.authenticator: extension "${auth.authenticator}" is not an authenticator`);
  }
  return ext.authenticator;
}
