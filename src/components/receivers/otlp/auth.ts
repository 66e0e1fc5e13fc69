// Server-side `auth: {authenticator: <id>}`: the named extension (e.g. bearertokenauth) judges
// each request's `authorization` header (HTTP) or metadata entry (gRPC), or the header the
// authenticator names (bearertokenauth's `header`).
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

/** The request's credentials: the header the authenticator names (default `authorization`). */
export function credentialsHeader(
  headers: Record<string, string | string[] | undefined>,
  auth: Authenticator | undefined,
): string | undefined {
  const v = headers[auth?.header ?? 'authorization'];
  return Array.isArray(v) ? v[0] : v;
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
