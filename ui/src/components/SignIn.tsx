// The sign-in screen, shown when the API needs a token and the browser has no session.
import { useState, type FormEvent } from 'react';
import { signIn } from '../api/session.ts';

export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [token, setToken] = useState('');
  const [remember, setRemember] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    signIn(token, remember).then(
      () => {
        setBusy(false);
        onSignedIn();
      },
      (err: Error) => {
        setBusy(false);
        setError(err.message);
      },
    );
  };
  return (
    <div className="signin">
      <form className="card" onSubmit={submit} data-testid="signin">
        <h1>WatchingCat</h1>
        <p className="muted">
          This backend's API needs a token: the value of <code>service.backend.api.auth.token</code> in its
          configuration.
        </p>
        <label>
          API token
          <input
            type="password"
            autoComplete="current-password"
            autoFocus
            value={token}
            onChange={(e) => setToken(e.target.value)}
            name="token"
          />
        </label>
        <label className="check">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} /> Keep me
          signed in on this browser for 30 days
        </label>
        {error ? <div className="error">{error}</div> : null}
        <button type="submit" disabled={busy || token === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
