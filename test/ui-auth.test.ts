// The web UI against a backend whose API needs a token (service.backend.api.auth.token), in
// Debian's Chromium: the UI asks for the token, refuses a wrong one, and once signed in every
// page and the logs' live tail (an EventSource, which cannot carry an Authorization header) work
// through the session cookie; a reload keeps the session, signing out ends it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchChromium, noChromium, type Chromium } from './helpers/chromium.ts';
import { startGuardedBackend } from './helpers/backend-config.ts';
import { freePort, type Running } from './helpers/process.ts';

const TOKEN = 'ui-auth-s3cret';
const dir = mkdtempSync(join(tmpdir(), 'wc-ui-auth-'));
let backend: Running | undefined;
let chromium: Chromium | undefined;
let ui = '';
let otlpHttp = '';

before(async () => {
  if (noChromium) return;
  const [grpc, http, health, api, uiPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  otlpHttp = `http://127.0.0.1:${http}`;
  ui = `http://127.0.0.1:${uiPort}`;
  backend = await startGuardedBackend({
    dir,
    ports: { grpc, http, api, health, ui: uiPort },
    token: TOKEN,
    tokenEnv: 'WC_UI_AUTH_TOKEN',
  });
  chromium = await launchChromium();
});

after(async () => {
  await chromium?.close();
  await backend?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** One log record over OTLP/HTTP JSON (ingest needs no token here: only the API has one). */
async function sendLog(body: string): Promise<void> {
  const ns = String(BigInt(Date.now()) * 1_000_000n);
  const r = await fetch(`${otlpHttp}/v1/logs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'auth-test' } }] },
          scopeLogs: [{ logRecords: [{ timeUnixNano: ns, severityNumber: 9, body: { stringValue: body } }] }],
        },
      ],
    }),
  });
  assert.equal(r.status, 200, await r.text());
}

test('the UI signs in with the API token; pages and the live tail work through the session', async (t) => {
  if (noChromium) return t.skip(noChromium);
  const page = await chromium!.browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));

  // Without a session: the sign-in form, not a page full of 401s.
  await page.goto(`${ui}/logs`);
  const form = page.locator('[data-testid="signin"]');
  await form.waitFor({ timeout: 15_000 });
  assert.equal(await page.locator('nav.sidebar').count(), 0);

  // A wrong token: refused, with what to use instead.
  await form.locator('input[name="token"]').fill('not-it');
  await form.locator('button[type="submit"]').click();
  await form.locator('.error').waitFor();
  assert.match(await form.locator('.error').innerText(), /wrong token.*auth\.token/);
  // The browser reports the refused POST itself; nothing else may fail.
  assert.ok(
    errors.every((e) => /401/.test(e)),
    errors.join('\n'),
  );
  errors.length = 0;

  // The right one: the page the user asked for, with its data.
  await sendLog('before sign-in');
  await form.locator('input[name="token"]').fill(TOKEN);
  await form.locator('button[type="submit"]').click();
  await page.locator('nav.sidebar').waitFor();
  assert.equal(new URL(page.url()).pathname, '/logs');
  await page.getByText('before sign-in').first().waitFor({ timeout: 15_000 });
  // The cookie is HttpOnly: scripts cannot read it, and it is not the token.
  assert.equal(await page.evaluate('document.cookie'), '');
  const cookies = await chromium!.browser.cookies(ui);
  assert.equal(cookies.length, 1);
  assert.equal(cookies[0]!.name, 'wc_session');
  assert.ok(cookies[0]!.httpOnly);
  assert.notEqual(cookies[0]!.value, TOKEN);

  // The live tail is an EventSource: it carries the cookie and shows a record sent now.
  await page.goto(`${ui}/logs?live=1`);
  await page.locator('[data-testid="tail-state"]', { hasText: 'live' }).waitFor({ timeout: 15_000 });
  await sendLog('during the live tail');
  await page.getByText('during the live tail').first().waitFor({ timeout: 15_000 });

  // A reload keeps the session; every API call answers.
  await page.goto(`${ui}/`);
  await page.locator('h1', { hasText: 'Cluster overview' }).waitFor();
  assert.equal(await page.evaluate(async () => (await fetch('/api/v1/services')).status), 200);
  assert.deepEqual(errors, [], 'console errors while signed in');

  // Signing out ends it: the form again, and the API refuses the browser.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await form.waitFor();
  assert.equal(await page.evaluate(async () => (await fetch('/api/v1/services')).status), 401);
  await page.close();
});
