// The sign-in when the API needs a token (src/api/session.ts on the server): the token is traded
// once for an HttpOnly cookie, so every request — fetches, the live tail's EventSource, links in a
// new tab — carries it without the UI ever storing the token.
import { ApiError, getJson } from './client.ts';

export interface SessionState {
  authRequired: boolean;
  signedIn: boolean;
}

export const sessionState = (): Promise<SessionState> => getJson<SessionState>('/api/v1/session');

export async function signIn(token: string, remember: boolean): Promise<void> {
  const res = await fetch('/api/v1/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ token, remember }),
  });
  if (res.ok) return;
  let message = `${res.status} ${res.statusText}`;
  let code = 'error';
  try {
    const e = ((await res.json()) as { error?: { code?: string; message?: string } }).error;
    message = e?.message ?? message;
    code = e?.code ?? code;
  } catch {
    // not JSON: keep the status line
  }
  throw new ApiError(res.status, code, message);
}

export async function signOut(): Promise<void> {
  await fetch('/api/v1/session', { method: 'DELETE' });
}
