// The receiver against a simulated node's kubelet (src/sim/node: cgroup files plus a kubelet
// serving /stats/summary computed from them): /metrics/kubelet and the OTLP push carry exactly
// the Summary's numbers; cpu_memory follows whether the pod cgroups are readable; a failing
// kubelet is logged and never crashes anything.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { builtinRegistryFor } from '../../index.ts';
import type { KeyValue } from '../../../model/common.ts';
import type { MetricsData, NumberDataPoint } from '../../../model/metrics.ts';
import type { CreateSettings, Host } from '../../../pipeline/component.ts';
import { ObjectStore } from '../../../sim/apiserver/store.ts';
import { startSimNodes, type SimNodes } from '../../../sim/node/nodes.ts';
import { NODES, nodeObject, PODS, podObject } from '../../../sim/node/testdata/objects.ts';
import { bodyText, ExpositionRegistry } from '../../../telemetry/exposition.ts';
import type { Logger } from '../../../telemetry/logger.ts';
import { SelfMetrics } from '../../../telemetry/self-metrics.ts';
import { configSchema } from './config.ts';
import { KubeletStatsReceiver } from './receiver.ts';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const PROMTOOL = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((p) => existsSync(p));

interface LogLine {
  level: number;
  msg: string;
  err?: string;
}

function settings(logger: Logger = pino({ level: 'silent' })): CreateSettings {
  return {
    id: { type: 'kubeletstats', name: '', key: 'kubeletstats' },
    kind: 'receiver',
    logger,
    telemetry: new SelfMetrics({ processMetrics: false }).forComponent('receiver', 'kubeletstats'),
    dataDir: '/nonexistent',
  };
}

function capture(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) });
  return { logger, lines };
}

function host(): Host & { exposition: ExpositionRegistry } {
  return { getExtension: () => undefined, isReady: () => true, exposition: new ExpositionRegistry() };
}

const attrs = (kv: KeyValue[]): Record<string, string> =>
  Object.fromEntries(kv.map((a) => [a.key, (a.value as { stringValue: string }).stringValue]));

/** metric name → resource pod name (or "" for none) → the points. */
function index(data: MetricsData): Map<string, Map<string, NumberDataPoint[]>> {
  const out = new Map<string, Map<string, NumberDataPoint[]>>();
  for (const rm of data.resourceMetrics) {
    const r = attrs(rm.resource.attributes);
    const who = [r['k8s.pod.name'], r['k8s.container.name']].filter(Boolean).join('/');
    for (const m of rm.scopeMetrics[0]!.metrics) {
      if (!out.has(m.name)) out.set(m.name, new Map());
      out.get(m.name)!.set(who, m.data!.dataPoints as NumberDataPoint[]);
    }
  }
  return out;
}

interface SimSummary {
  pods: {
    podRef: { name: string; namespace: string };
    cpu: { time: string; usageCoreNanoSeconds: number };
    memory: { workingSetBytes: number };
    'ephemeral-storage': { usedBytes: number; availableBytes: number; capacityBytes: number };
    volume: { name: string; capacityBytes: number; pvcRef?: { name: string; namespace: string } }[];
    containers: { name: string; rootfs: { usedBytes: number } }[];
  }[];
}

describe('kubeletstats receiver on a simulated node', () => {
  let dir = '';
  let nodeRoot = '';
  let emptyRoot = '';
  let sim: SimNodes;
  let url = '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wc-kubeletstats-'));
    emptyRoot = await mkdtemp(join(tmpdir(), 'wc-kubeletstats-nocg-'));
    const store = new ObjectStore();
    store.create(NODES, nodeObject('node-a'));
    sim = await startSimNodes({
      store,
      dir,
      seed: 11,
      startTimeMs: T0,
      refreshIntervalMs: 1000,
      logLinesPerSecond: 5,
      onError: (err) => {
        throw err;
      },
    });
    const withClaims = (o: ReturnType<typeof podObject>, claims: Record<string, string>) => {
      const spec = o.spec as { volumes: unknown[] };
      for (const [name, claimName] of Object.entries(claims)) {
        spec.volumes.push({ name, persistentVolumeClaim: { claimName } });
      }
      return o;
    };
    const pod = (name: string, uid: string, namespace: string, qos: 'Burstable' | 'BestEffort') =>
      podObject({
        name,
        uid,
        namespace,
        nodeName: 'node-a',
        qos,
        containers: [
          qos === 'Burstable'
            ? { name: 'main', requests: { cpu: '250m', memory: '128Mi' }, limits: { memory: '256Mi' } }
            : { name: 'main' },
        ],
      });
    store.create(
      PODS,
      withClaims(pod('pg-0', '11111111-0000-4000-8000-000000000001', 'db', 'Burstable'), {
        data: 'data-pg-0',
      }),
    );
    // a second pod mounting the same claim (RWX): the claim is reported once
    store.create(
      PODS,
      withClaims(pod('pg-backup', '11111111-0000-4000-8000-000000000002', 'db', 'BestEffort'), {
        src: 'data-pg-0',
        dst: 'backups',
      }),
    );
    store.create(PODS, pod('web', '11111111-0000-4000-8000-000000000003', 'default', 'Burstable'));
    await sim.tick(0);
    await sim.tick(1000);
    nodeRoot = join(dir, 'nodes', 'node-a');
    url = (JSON.parse(await readFile(join(nodeRoot, 'kubelet.json'), 'utf8')) as { url: string }).url;
  });

  after(async () => {
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
    await rm(emptyRoot, { recursive: true, force: true });
  });

  const summaryNow = async (): Promise<SimSummary> =>
    (await (await fetch(`${url}/stats/summary`)).json()) as SimSummary;

  it('serves kubelet_volume_stats_* for the PVC-backed volumes, with the Summary values', async () => {
    const s = await summaryNow();
    // the simulator's kubelet reports pvcRef for claim-backed volumes only
    const claimed = s.pods.flatMap((p) => p.volume.filter((v) => v.pvcRef).map((v) => v.pvcRef!.name));
    assert.deepEqual(claimed.sort(), ['backups', 'data-pg-0', 'data-pg-0']);
    assert.ok(s.pods.every((p) => p.volume.every((v) => v.capacityBytes === 88046829568)));

    const r = new KubeletStatsReceiver(
      settings(),
      configSchema.parse({ endpoint: url, auth_type: 'none', root_path: nodeRoot }),
      undefined,
    );
    const h = host();
    await r.start(h);
    try {
      const text = await bodyText((await h.exposition.collect('/metrics/kubelet', 'text'))!);
      const rows = (name: string, v: string) =>
        `kubelet_volume_stats_${name}{namespace="db",persistentvolumeclaim="backups"} ${v}\n` +
        `kubelet_volume_stats_${name}{namespace="db",persistentvolumeclaim="data-pg-0"} ${v}\n`;
      const fam = (name: string, help: string, v: string) =>
        `# HELP kubelet_volume_stats_${name} [ALPHA] ${help}\n# TYPE kubelet_volume_stats_${name} gauge\n${rows(name, v)}`;
      assert.equal(
        text,
        fam('available_bytes', 'Number of available bytes in the volume', '8.8046825472e+10') +
          fam('capacity_bytes', 'Capacity in bytes of the volume', '8.8046829568e+10') +
          fam('inodes', 'Maximum number of inodes in the volume', '6.5536e+06') +
          fam('inodes_free', 'Number of free inodes in the volume', '6.553597e+06') +
          fam('inodes_used', 'Number of used inodes in the volume', '3') +
          fam('used_bytes', 'Number of used bytes in the volume', '4096'),
      );
      // and in /metrics with the other endpoints
      assert.equal(await bodyText((await h.exposition.collect('/metrics', 'text'))!), text);
    } finally {
      await r.shutdown();
    }
    assert.equal(await h.exposition.collect('/metrics/kubelet', 'text'), undefined, 'unregistered');
  });

  it('promtool check metrics reports nothing for /metrics/kubelet', async (t) => {
    if (!PROMTOOL) {
      t.skip('promtool not found (Debian package prometheus): the exposition was not linted');
      return;
    }
    const r = new KubeletStatsReceiver(
      settings(),
      configSchema.parse({ endpoint: url, auth_type: 'none', root_path: nodeRoot }),
      undefined,
    );
    const h = host();
    await r.start(h);
    try {
      for (const format of ['text', 'openmetrics'] as const) {
        const body = await bodyText((await h.exposition.collect('/metrics/kubelet', format))!);
        assert.ok(body.includes('kubelet_volume_stats_used_bytes'));
        const run: SpawnSyncReturns<string> = spawnSync(PROMTOOL, ['check', 'metrics'], {
          input: body,
          encoding: 'utf8',
        });
        assert.equal(`${run.stdout}${run.stderr}`.trim(), '', `promtool (${format}) reports nothing`);
        assert.equal(run.status, 0);
      }
    } finally {
      await r.shutdown();
    }
  });

  it('pushes volume stats and ephemeral storage; CPU/memory are left to cadvisor when cgroups are readable', async () => {
    const pushed: MetricsData[] = [];
    const log = capture();
    const r = new KubeletStatsReceiver(
      settings(log.logger),
      configSchema.parse({
        endpoint: url,
        auth_type: 'none',
        root_path: nodeRoot,
        collection_interval: '1h',
      }),
      { consume: async (d) => void pushed.push(d) },
    );
    await r.start(host());
    try {
      const s = await summaryNow();
      await r.collect(0);
      const data = pushed.at(-1)!;
      const m = index(data);
      assert.equal(m.get('k8s.pod.cpu.time'), undefined);
      assert.equal(m.get('container.memory.working_set'), undefined);
      for (const p of s.pods) {
        const name = p.podRef.name;
        const es = p['ephemeral-storage'];
        assert.equal(m.get('k8s.pod.filesystem.usage')!.get(name)![0]!.asInt, es.usedBytes, name);
        assert.equal(m.get('k8s.pod.filesystem.available')!.get(name)![0]!.asInt, es.availableBytes);
        assert.equal(m.get('k8s.pod.filesystem.capacity')!.get(name)![0]!.asInt, es.capacityBytes);
        for (const c of p.containers) {
          assert.equal(
            m.get('container.filesystem.usage')!.get(`${name}/${c.name}`)![0]!.asInt,
            c.rootfs.usedBytes,
          );
        }
      }
      // the volume families, as points on a node resource
      const volRm = data.resourceMetrics.find((rm) =>
        rm.scopeMetrics[0]!.metrics.some((x) => x.name === 'kubelet_volume_stats_used_bytes'),
      )!;
      assert.deepEqual(attrs(volRm.resource.attributes), { 'k8s.node.name': 'node-a' });
      const used = volRm.scopeMetrics[0]!.metrics.find((x) => x.name === 'kubelet_volume_stats_used_bytes')!;
      assert.deepEqual(
        (used.data!.dataPoints as NumberDataPoint[]).map((p) => [attrs(p.attributes), p.asDouble]),
        [
          [{ namespace: 'db', persistentvolumeclaim: 'backups' }, 4096],
          [{ namespace: 'db', persistentvolumeclaim: 'data-pg-0' }, 4096],
        ],
      );
      assert.ok(log.lines.some((l) => /pod cgroups are readable/.test(l.msg)));
    } finally {
      await r.shutdown();
    }
  });

  it('falls back to the kubelet for CPU and memory when no cgroup tree is readable', async () => {
    const pushed: MetricsData[] = [];
    const log = capture();
    const r = new KubeletStatsReceiver(
      settings(log.logger),
      configSchema.parse({
        endpoint: url,
        auth_type: 'none',
        root_path: emptyRoot,
        metric_groups: ['pod', 'container'],
        collection_interval: '1h',
      }),
      { consume: async (d) => void pushed.push(d) },
    );
    await r.start(host());
    try {
      const s1 = await summaryNow();
      await r.collect(0);
      await sim.tick(1000);
      const s2 = await summaryNow();
      await r.collect(0);
      assert.ok(log.lines.some((l) => /not readable; taking pod and container CPU and memory/.test(l.msg)));
      const m1 = index(pushed.at(-2)!);
      const m2 = index(pushed.at(-1)!);
      assert.equal(m1.get('kubelet_volume_stats_used_bytes'), undefined, 'volume group off');
      for (const [i, p] of s2.pods.entries()) {
        const name = p.podRef.name;
        const p1 = s1.pods.find((x) => x.podRef.name === name)!;
        assert.equal(m2.get('k8s.pod.cpu.time')!.get(name)![0]!.asDouble, p.cpu.usageCoreNanoSeconds / 1e9);
        assert.equal(m2.get('k8s.pod.memory.working_set')!.get(name)![0]!.asInt, p.memory.workingSetBytes);
        assert.equal(m1.get('k8s.pod.cpu.usage')?.get(name), undefined, 'no usage after one collection');
        const expected =
          (p.cpu.usageCoreNanoSeconds - p1.cpu.usageCoreNanoSeconds) /
          ((Date.parse(p.cpu.time) - Date.parse(p1.cpu.time)) * 1e6);
        const got = m2.get('k8s.pod.cpu.usage')!.get(name)![0]!.asDouble!;
        assert.ok(expected > 0, `pod ${i} used CPU`);
        assert.ok(Math.abs(got - expected) <= 1e-9 * expected, `${name}: ${got} vs ${expected}`);
      }
    } finally {
      await r.shutdown();
    }
  });
});

describe('kubeletstats receiver with a failing kubelet', () => {
  let server: http.Server;
  let mode: 'ok' | '401' | 'hang' | 'garbage' = 'ok';
  let base = '';

  before(async () => {
    server = http.createServer((req, res) => {
      if (mode === 'hang') return; // never answers
      if (mode === '401') {
        res.writeHead(401, { 'content-type': 'text/plain' });
        res.end('Unauthorized');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(mode === 'garbage' ? '[1,2,3]' : JSON.stringify({ node: { nodeName: 'n' }, pods: [] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('401, timeout, a non-Summary and an unreachable kubelet: logged once each, empty scrape, no push, recovery logged', async () => {
    const log = capture();
    const pushed: MetricsData[] = [];
    const r = new KubeletStatsReceiver(
      settings(log.logger),
      configSchema.parse({ endpoint: base, auth_type: 'none', timeout: '200ms', collection_interval: '1h' }),
      { consume: async (d) => void pushed.push(d) },
    );
    const h = host();
    await r.start(h);
    const errors = () => log.lines.filter((l) => l.level === 50);
    try {
      mode = '401';
      await r.collect(0);
      await r.collect(0);
      assert.equal(errors().length, 1, 'the same failure is logged once');
      assert.match(
        errors()[0]!.err!,
        /^kubelet http:\/\/127\.0\.0\.1:\d+\/stats\/summary: HTTP 401: Unauthorized \(unauthorized/,
      );
      assert.equal(errors()[0]!.msg, 'kubeletstats: cannot read the kubelet Summary');
      assert.equal(await bodyText((await h.exposition.collect('/metrics/kubelet', 'text'))!), '');

      mode = 'hang';
      await r.collect(0);
      assert.match(errors().at(-1)!.err!, /not complete within 200 ms/);

      mode = 'garbage';
      await r.collect(0);
      assert.match(errors().at(-1)!.err!, /the answer is not a Summary/);
      assert.equal(pushed.length, 0);

      mode = 'ok';
      await r.collect(0);
      assert.ok(log.lines.some((l) => l.level === 30 && /readable again/.test(l.msg)));
      assert.equal(pushed.length, 0, 'an empty Summary pushes nothing');
    } finally {
      await r.shutdown();
    }

    // unreachable: a port nothing listens on
    const probe = http.createServer();
    await new Promise<void>((res) => probe.listen(0, '127.0.0.1', res));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((res) => probe.close(res));
    const log2 = capture();
    const r2 = new KubeletStatsReceiver(
      settings(log2.logger),
      configSchema.parse({ endpoint: `http://127.0.0.1:${port}`, auth_type: 'none' }),
      { consume: async () => {} },
    );
    const h2 = host();
    await r2.start(h2);
    try {
      await r2.collect(0);
      assert.equal(await bodyText((await h2.exposition.collect('/metrics', 'text'))!), '');
      const e = log2.lines.filter((l) => l.level === 50);
      assert.ok(e.length >= 1);
      assert.match(e[0]!.err!, /unreachable: connect ECONNREFUSED/);
    } finally {
      await r2.shutdown();
    }
  });

  it('configuration errors fail start(), and the factory is registered', async () => {
    const r = new KubeletStatsReceiver(
      settings(),
      configSchema.parse({ endpoint: 'ftp://x', auth_type: 'none' }),
      undefined,
    );
    await assert.rejects(r.start(host()), /scheme must be https or http/);
    const bad = new KubeletStatsReceiver(
      settings(),
      configSchema.parse({ endpoint: 'n:10250', ca_file: '/nonexistent/ca.crt' }),
      undefined,
    );
    await assert.rejects(bad.start(host()), /ca_file \/nonexistent\/ca\.crt/);
    const reg = await builtinRegistryFor({ receivers: { kubeletstats: null } });
    assert.equal(reg.get('receiver', 'kubeletstats')?.type, 'kubeletstats');
  });
});
