import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startKubeletServer } from './kubelet-server.ts';

describe('kubelet server', () => {
  it('serves healthz, pods and summary on 127.0.0.1 and rejects the rest', async () => {
    let calls = 0;
    const s = await startKubeletServer({
      pods: () => ({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [] }),
      summary: () => {
        calls++;
        if (calls > 1) throw new Error('boom');
        return { node: { nodeName: 'n1' }, pods: [] };
      },
    });
    try {
      assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const h = await fetch(`${s.url}/healthz`);
      assert.equal(h.status, 200);
      assert.equal(await h.text(), 'ok');
      const p = await fetch(`${s.url}/pods`);
      assert.equal(p.headers.get('content-type'), 'application/json');
      assert.deepEqual(await p.json(), { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [] });
      assert.deepEqual(await (await fetch(`${s.url}/stats/summary`)).json(), {
        node: { nodeName: 'n1' },
        pods: [],
      });
      const err = await fetch(`${s.url}/stats/summary`);
      assert.equal(err.status, 500);
      assert.match(await err.text(), /boom/);
      assert.equal((await fetch(`${s.url}/metrics/cadvisor`)).status, 404);
      assert.equal((await fetch(`${s.url}/pods`, { method: 'POST' })).status, 405);
    } finally {
      await s.close();
    }
  });
});
