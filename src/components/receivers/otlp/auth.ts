// Server-side `auth: {authenticator: <id>}`: the named extension (e.g. bearertokenauth) judges
// each request's `authorization` header (HTTP) or metadata entry (gRPC).
import type { Authenticator, Host } from '../../../pipeline/component.ts';

/** The authenticator named in `auth`; throws (failing start) when that extension is not usable. */
export function resolveAuthenticator(
  host: Host,
  protocol: string,
  auth: { authenticator: string } | undefined,
): Authenticator | undefined {
  if (!auth) return undefined;
  const ext = host.getExtension(auth.authenticator);
  if (!ext) {
    throw new Error(
      `protocols.${protocol}.auth.authenticator: extension "${auth.authenticator}" is not running (add it under extensions and service.extensions)`,
    );
  }
  if (!ext.authenticator) {
    throw new Error(
      `protocols.${protocol}.auth.authenticator: extension "${auth.authenticator}" is not an authenticator`,
    );
  }
  return ext.authenticator;
}

/**
 * Runs the authenticator; an authenticator that throws counts as a refusal (fail closed), not
 * as a server error.
 */
export function isAuthorized(auth: Authenticator | undefined, authorization: string | undefined): boolean {
  if (!auth) return true;
  try {
    return auth.authenticate(authorization) === true;
  } catch {
    return false;
  }
}
