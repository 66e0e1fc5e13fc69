// A whole collection over the simulator's node trees (cgroup v2 and v1, systemd driver, containerd
// scopes, /proc/<pid>/net/dev), labelled with the pods' PodList, checked against the values the
// simulator published into the files.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { renderFamilies, type Family } from '../metricfamily/family.ts';
import type { KubeObject } from '../sim/types.ts';
import { cpuShares, type CgroupVersion } from '../sim/node/cgroup-tree.ts';
import { memoryCurrent, workingSet } from '../sim/node/load-model.ts';
import { DEFAULT_LOG_POLICY } from '../sim/node/pod-logs.ts';
import { podView } from '../sim/node/pod-view.ts';
import { SimNode } from '../sim/node/sim-node.ts';
import { podObject, type ContainerSpec } from '../sim/node/testdata/objects.ts';
import { detectCgroupRoot } from './cgroup/mounts.ts';
import { readCgroup } from './cgroup/reader.ts';
import { CadvisorCollector, type Collection } from './collector.ts';
import { listCgroups } from './discovery.ts';
import { PodCache } from './pod-cache.ts';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const PAUSE = 'registry.k8s.io/pause:3.10';
const WEB: ContainerSpec[] = [
  { name: 'app', requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
  { name: 'sidecar', requests: { cpu: '50m', memory: '32Mi' } },
];
const PODS: KubeObject[] = [
  podObject({
    name: 'web',
    namespace: 'shop',
    uid: '11111111-2222-4333-8444-555555555555',
    nodeName: 'n',
    qos: 'Burstable',
    containers: WEB,
  }),
  podObject({
    name: 'db',
    uid: '33333333-4444-4555-8666-777777777777',
    nodeName: 'n',
    qos: 'Guaranteed',
    containers: [{ name: 'db', requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }],
  }),
  podObject({
    name: 'batch',
    uid: '22222222-3333-4444-8555-666666666666',
    nodeName: 'n',
    qos: 'BestEffort',
    containers: [{ name: 'job' }],
  }),
];

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function simulate(version: CgroupVersion): Promise<{ node: SimNode; root: string }> {
  const root = mkdtempSync(join(tmpdir(), `wc-cadvisor-sim-${version}-`));
  dirs.push(root);
  const node = new SimNode({
    name: 'n',
    root,
    cgroup: version,
    seed: 11,
    logPolicy: DEFAULT_LOG_POLICY,
    logLinesPerSecond: 0,
    refreshIntervalMs: 1000,
    logFlushIntervalMs: 60_000,
    podCleanupDelayMs: 1000,
    capacity: { cpu: 4, memory: 16 * 2 ** 30, pods: 110 },
  });
  node.init(T0);
  for (const p of PODS) node.syncPod(p.metadata.uid!, podView(p));
  await node.tick(30_000, T0 + 30_000, 1_000_000);
  return { node, root };
}

async function collect(root: string, podList: unknown): Promise<Collection> {
  const cg = await detectCgroupRoot(join(root, 'sys/fs/cgroup'));
  const collector = new CadvisorCollector({
    rootPath: root,
    source: { version: cg.version, list: () => listCgroups(cg), read: (p, now) => readCgroup(cg, p, now) },
    pods: new PodCache({
      fetch: async () => podList,
      refreshMs: 5000,
      minRefreshMs: 1000,
      onError: (e) => assert.fail(String(e)),
    }),
    sandboxImage: PAUSE,
    onError: (where, err) => assert.fail(`${where}: ${String(err)}`),
  });
  return collector.collect();
}

function value(families: Family[], name: string, match: Record<string, string>): number | undefined {
  const f = families.find((x) => x.name === name);
  const s = f?.samples.find((x) =>
    Object.entries(match).every(([k, v]) => x.labels.some(([a, b]) => a === k && b === v)),
  );
  return s?.value;
}

const close = (a: number | undefined, b: number, tol: number, what: string): void =>
  assert.ok(a !== undefined && Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

for (const version of ['v2', 'v1'] as const) {
  describe(`a simulated node, cgroup ${version}`, () => {
    it('lists what the kubelet shows, labelled from the pod list, with the simulated values', async () => {
      const { node, root } = await simulate(version);
      const col = await collect(root, { kind: 'PodList', items: PODS });
      const f = col.families;
      const ids = new Set(col.rows.map((r) => r.labels.id));
      assert.ok(ids.has('/'));
      assert.ok(ids.has('/kubepods.slice'));
      assert.ok(ids.has('/kubepods.slice/kubepods-burstable.slice'));
      assert.ok(ids.has('/kubepods.slice/kubepods-besteffort.slice'));
      const recs = [...node.podRecords()];
      assert.equal(recs.length, 3);
      // 3 pod slices + 4 app containers + 3 sandboxes + root + kubepods + 2 QoS slices
      assert.equal(col.rows.length, 3 + 4 + 3 + 4);
      for (const rec of recs) {
        const v = rec.view;
        const podId = `/${rec.slice.path}`;
        const podRow = col.rows.find((r) => r.labels.id === podId)!;
        assert.deepEqual(podRow.labels, {
          container: '',
          id: podId,
          image: '',
          name: '',
          namespace: v.namespace,
          pod: v.name,
        });
        assert.equal(podRow.role, 'pod');
        const pu = rec.slice.published;
        close(
          value(f, 'container_memory_working_set_bytes', { id: podId }),
          workingSet(pu),
          0,
          `${v.name} pod working set`,
        );
        for (const c of rec.containers.values()) {
          const id = `/${c.cgroup.path}`;
          const u = c.cgroup.published;
          const row = col.rows.find((r) => r.labels.id === id)!;
          assert.deepEqual(row.labels, {
            container: c.name,
            id,
            image: `registry.example/${c.name}:1.0`,
            name: c.id,
            namespace: v.namespace,
            pod: v.name,
          });
          const l = { id };
          close(
            value(f, 'container_cpu_usage_seconds_total', l),
            u.cpuUsageUsec / 1e6,
            1e-9,
            `${c.name} cpu`,
          );
          // v1's user/system come from cpuacct.stat in 10 ms ticks
          const tick = version === 'v1' ? 0.01 : 1e-9;
          close(value(f, 'container_cpu_user_seconds_total', l), u.cpuUserUsec / 1e6, tick, `${c.name} user`);
          close(
            value(f, 'container_cpu_system_seconds_total', l),
            u.cpuSystemUsec / 1e6,
            tick,
            `${c.name} system`,
          );
          close(value(f, 'container_memory_usage_bytes', l), memoryCurrent(u), 0, `${c.name} usage`);
          close(value(f, 'container_memory_working_set_bytes', l), workingSet(u), 0, `${c.name} working set`);
          close(value(f, 'container_memory_rss', l), u.anon, 0, `${c.name} rss`);
          close(value(f, 'container_memory_cache', l), u.file, 0, `${c.name} cache`);
          close(value(f, 'container_memory_mapped_file', l), u.fileMapped, 0, `${c.name} mapped`);
          close(
            value(f, 'container_spec_cpu_shares', l),
            cpuShares(c.resources.cpuRequest),
            version === 'v2' ? 30 : 0,
            'shares',
          );
          if (c.resources.cpuLimit !== undefined) {
            close(value(f, 'container_spec_cpu_quota', l), c.resources.cpuLimit * 100_000, 0, 'quota');
            close(value(f, 'container_cpu_cfs_periods_total', l), u.cpuNrPeriods, 0, 'periods');
            close(value(f, 'container_cpu_cfs_throttled_periods_total', l), u.cpuNrThrottled, 0, 'throttled');
          } else {
            assert.equal(value(f, 'container_spec_cpu_quota', l), undefined, 'no quota, no series');
          }
          close(
            value(f, 'container_spec_memory_limit_bytes', l),
            c.resources.memoryLimit ?? 0,
            0,
            'memory limit',
          );
          if (u.ioRbytes + u.ioWbytes > 0) {
            close(
              value(f, 'container_fs_reads_bytes_total', { ...l, device: '' }),
              u.ioRbytes,
              0,
              'read bytes',
            );
            close(value(f, 'container_fs_writes_total', { ...l, device: '' }), u.ioWios, 0, 'writes');
            close(
              value(f, 'container_blkio_device_usage_total', {
                ...l,
                major: '253',
                minor: '0',
                operation: 'Write',
              }),
              u.ioWbytes,
              0,
              'blkio',
            );
          }
          assert.equal(
            value(f, 'container_network_receive_bytes_total', l),
            undefined,
            'app containers have no network rows',
          );
        }
        // the sandbox: pause image, the pod's network from the pause process (lo left out)
        const sandboxId = `/${rec.pause.path}`;
        const sb = col.rows.find((r) => r.labels.id === sandboxId)!;
        assert.equal(sb.role, 'sandbox');
        assert.equal(sb.labels.image, PAUSE);
        assert.equal(sb.labels.container, '');
        assert.equal(sb.labels.pod, v.name);
        const eth0 = { id: sandboxId, interface: 'eth0' };
        close(
          value(f, 'container_network_receive_bytes_total', eth0),
          rec.netPublished.eth0.rxBytes,
          0,
          'rx bytes',
        );
        close(
          value(f, 'container_network_transmit_packets_total', eth0),
          rec.netPublished.eth0.txPackets,
          0,
          'tx packets',
        );
        assert.equal(
          value(f, 'container_network_receive_bytes_total', { id: sandboxId, interface: 'lo' }),
          undefined,
        );
      }
      // the root: the node's own counters, and the host network (pid 1 missing → the tree's proc/net/dev)
      close(
        value(f, 'container_cpu_usage_seconds_total', { id: '/' }),
        node.rootCg.published.cpuUsageUsec / 1e6,
        1e-6,
        'root cpu',
      );
      close(
        value(f, 'container_network_receive_bytes_total', { id: '/', interface: 'eth0' }),
        node.hostNetPublished!.rxBytes,
        0,
        'host rx',
      );
      assert.equal(value(f, 'container_scrape_error', {}), 0);
      assert.equal(value(f, 'machine_scrape_error', {}), 0);
    });

    it('without a pod list the rows carry cgroup ids only, and promtool accepts the output', async (t) => {
      const { root } = await simulate(version);
      const col = await collect(root, undefined);
      for (const r of col.rows) {
        assert.equal(r.labels.pod, '');
        assert.equal(r.labels.namespace, '');
        assert.equal(r.labels.container, '');
      }
      assert.ok(
        col.rows.some((r) => r.labels.name.length === 64),
        'containerd names are the ids',
      );
      const promtool = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).stdout.trim();
      if (!promtool) {
        t.skip('promtool not found (Debian package prometheus): the exposition was not linted');
        return;
      }
      const labelled = await collect(root, { items: PODS });
      for (const c of [col, labelled]) {
        const r = spawnSync(promtool, ['check', 'metrics'], {
          input: renderFamilies(c.families),
          encoding: 'utf8',
        });
        assert.equal(`${r.stdout}${r.stderr}`.trim(), '', 'promtool reports nothing');
      }
    });
  });
}
