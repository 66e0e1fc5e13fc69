// Leader election against the simulator's API server (real Lease objects, 409 on a stale
// resourceVersion): one leader among candidates, takeover after a crash within lease_duration
// (plus the standby's retry), immediate takeover after a graceful release, and a deposed
// leader's writes refused.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createKubeClient } from './client.ts';
import type { KubeClient } from './client.ts';
import { LeaderElector, NotLeaderError, type Lease } from './leader-election.ts';
import { plainConnection, seedNamespaces, startSim, until, type SimEnv } from './testdata/sim-env.ts';

let sim: SimEnv;
let client: KubeClient;
const LEASES = { group: 'coordination.k8s.io', resource: 'leases' };
const timing = { leaseDurationMs: 1000, renewDeadlineMs: 600, retryPeriodMs: 100 };

before(async () => {
  sim = await startSim();
  seedNamespaces(sim.store, 'ops');
  client = createKubeClient(plainConnection(sim.proxy.url));
});
after(async () => {
  client.close();
  await sim.close();
});

function lease(name: string): Lease {
  return sim.store.list(LEASES).find((o) => o.metadata.name === name) as Lease;
}

function elector(
  name: string,
  identity: string,
  extra: Partial<ConstructorParameters<typeof LeaderElector>[0]> = {},
) {
  const log: string[] = [];
  const e = new LeaderElector({
    client,
    namespace: 'ops',
    name,
    identity,
    ...timing,
    onChange: (leader, why) => log.push(`${leader ? 'gained' : 'lost'}: ${why}`),
    ...extra,
  });
  return { e, log };
}

test('two candidates: exactly one leads; a crashed leader is replaced within lease_duration', async () => {
  const a = elector('crash', 'a');
  const b = elector('crash', 'b');
  a.e.start();
  await until(() => a.e.isLeader(), 'a leads', 3000);
  b.e.start();
  // b keeps trying for several lease durations' worth of retries but never gets it while a renews.
  const t0 = Date.now();
  while (Date.now() - t0 < 1500) {
    assert.ok(!(a.e.isLeader() && b.e.isLeader()), 'never two leaders');
    assert.equal(b.e.isLeader(), false);
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(lease('crash').spec?.holderIdentity, 'a');
  assert.equal(lease('crash').spec?.leaseTransitions, 0);
  // Crash: a stops renewing and does not release.
  await a.e.stop({ release: false });
  const crashed = Date.now();
  assert.equal(lease('crash').spec?.holderIdentity, 'a', 'not released');
  await until(() => b.e.isLeader(), 'b takes over', 5000);
  const took = Date.now() - crashed;
  // Expiry is lease_duration after the last renewal, which came at most a retry period before
  // the crash; b notices at its next retry (≤ 1.2 × retry_period).
  assert.ok(took <= timing.leaseDurationMs + 2 * timing.retryPeriodMs + 150, `took ${took} ms`);
  assert.ok(took >= timing.leaseDurationMs - timing.retryPeriodMs - 50, `took only ${took} ms`);
  assert.equal(lease('crash').spec?.holderIdentity, 'b');
  assert.equal(lease('crash').spec?.leaseTransitions, 1);
  assert.deepEqual(b.log, ['gained: acquired']);
  await b.e.stop();
});

test('a graceful stop releases the Lease and the standby takes over at its next retry', async () => {
  const a = elector('graceful', 'a');
  const b = elector('graceful', 'b');
  a.e.start();
  await until(() => a.e.isLeader(), 'a leads', 3000);
  b.e.start();
  await new Promise((r) => setTimeout(r, 300));
  const stopped: string[] = [];
  a.e.subscribe({ onStartedLeading: () => {}, onStoppedLeading: () => void stopped.push('a stopped') });
  await a.e.stop();
  assert.deepEqual(stopped, ['a stopped'], 'followers are told before the release');
  assert.equal(lease('graceful').spec?.holderIdentity, '');
  assert.equal(lease('graceful').spec?.leaseDurationSeconds, 1);
  const released = Date.now();
  await until(() => b.e.isLeader(), 'b takes over', 3000);
  const took = Date.now() - released;
  assert.ok(
    took < 1.2 * timing.retryPeriodMs + 150,
    `took ${took} ms (lease_duration is ${timing.leaseDurationMs})`,
  );
  assert.equal(lease('graceful').spec?.leaseTransitions, 1);
  assert.deepEqual(a.log, ['gained: acquired', 'lost: stopping']);
  await b.e.stop();
});

test('a deposed leader cannot write: its annotation write is refused and it steps down', async () => {
  const a = elector('deposed', 'a');
  // b's clock runs a lease duration ahead: a's live Lease looks expired to it.
  const b = elector('deposed', 'b', { now: () => Date.now() + 5000 });
  a.e.start();
  await until(() => a.e.isLeader(), 'a leads', 3000);
  await a.e.writeAnnotation('example.com/state', 'one');
  assert.equal(lease('deposed').metadata.annotations?.['example.com/state'], 'one');
  const stops: string[] = [];
  a.e.subscribe({ onStartedLeading: () => {}, onStoppedLeading: () => void stops.push('stop') });
  b.e.start();
  await until(() => b.e.isLeader(), 'b takes over', 3000);
  // a may not have noticed yet; its write meets 409 on the stale resourceVersion and is refused.
  const written = a.e.writeAnnotation('example.com/state', 'stale');
  await assert.rejects(
    written,
    (err: unknown) => err instanceof NotLeaderError || /not the leader/.test(String(err)),
  );
  assert.equal(lease('deposed').metadata.annotations?.['example.com/state'], 'one', 'state untouched');
  await until(() => !a.e.isLeader(), 'a steps down', 2000);
  await until(() => stops.length === 1, 'a’s followers told', 2000);
  // b carries the annotation over and may write it.
  assert.equal(b.e.annotation('example.com/state'), 'one');
  await b.e.writeAnnotation('example.com/state', 'two');
  assert.equal(lease('deposed').metadata.annotations?.['example.com/state'], 'two');
  await a.e.stop({ release: false });
  await b.e.stop();
});

test('a leader that cannot reach the API server steps down within renew_deadline', async () => {
  const a = elector('partition', 'a');
  a.e.start();
  await until(() => a.e.isLeader(), 'a leads', 3000);
  sim.proxy.down();
  const cut = Date.now();
  try {
    await until(() => !a.e.isLeader(), 'a steps down', 3000);
    const took = Date.now() - cut;
    assert.ok(took <= timing.renewDeadlineMs + timing.retryPeriodMs + 100, `took ${took} ms`);
    assert.ok(took < timing.leaseDurationMs, 'before anyone else may take over');
  } finally {
    sim.proxy.up();
  }
  // Back online: the Lease still names it and has not expired for others; it leads again.
  await until(() => a.e.isLeader(), 'a leads again', 3000);
  await a.e.stop();
});

test('options are checked like client-go: renew_deadline < lease_duration, retry_period < renew_deadline', () => {
  for (const [renewDeadlineMs, retryPeriodMs] of [
    [1000, 100], // renew deadline not below the lease duration
    [500, 500], // retry period not below the renew deadline
  ] as const)
    assert.throws(
      () =>
        new LeaderElector({
          client,
          namespace: 'x',
          name: 'y',
          leaseDurationMs: 1000,
          renewDeadlineMs,
          retryPeriodMs,
        }),
    );
});
