// The reader against the running kernel: create a cgroup, move a CPU-burning child process into
// it, and compare what readCgroup reports with the child's own CPU time from the scheduler
// (/proc/<pid>/task/*/schedstat, the same sum_exec_runtime cpuacct and cpu.stat account; tick-based
// /proc/<pid>/stat as a fallback). Needs root and a writable cgroupfs; skips visibly otherwise.
// Cleans up (kills the child, removes the cgroups) even when an assertion fails.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { test, type TestContext } from 'node:test';
import { detectCgroupRoot } from './cgroup/mounts.ts';
import { cgroupReadCache, closeCgroupReader, readCgroup } from './cgroup/reader.ts';
import type { CgroupRoot, CgroupStats } from './types.ts';

const BURN_SECONDS = 1;
const TOLERANCE = 0.02;

// Waits for one line on stdin, then faults in 16 MiB (charged to the new cgroup) and burns
// BURN_SECONDS of CPU; reports "done" and waits to be killed so the cgroup can be read with the
// process still in it.
const CHILD = `
process.stdin.once('data', () => {
  const keep = Buffer.alloc(16 * 1024 * 1024, 1);
  const t0 = process.cpuUsage();
  let x = 0;
  for (;;) {
    for (let i = 0; i < 1e6; i++) x += i;
    const d = process.cpuUsage(t0);
    if (d.user + d.system >= ${BURN_SECONDS * 1e6}) break;
  }
  process.stdout.write('done ' + keep[0] + ' ' + (x > 0) + '\\n');
});
process.stdout.write('ready\\n');
`;

/** The child's CPU time in seconds, all threads: schedstat (ns) when available, else stat ticks. */
function cpuSecondsOf(pid: number): number {
  let ns = 0;
  let found = false;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'latin1');
      const v = Number(text.split(' ')[0]);
      if (Number.isFinite(v)) {
        ns += v;
        found = true;
      }
    }
  } catch {
    found = false;
  }
  if (found) return ns / 1e9;
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, USER_HZ
}

function waitForLine(child: ChildProcess, want: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(
      () => reject(new Error(`child did not print "${want}" in ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer): void => {
      buf += chunk.toString();
      if (buf.includes(want)) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child exited (${code}) before "${want}"`));
    });
  });
}

interface BurnResult {
  /** read after the burn */
  stats: CgroupStats;
  /** read before it (opens the kept descriptors) */
  early: CgroupStats;
  /** the child's CPU seconds during the burn */
  childCpu: number;
  pid: number;
  createdAtS: number;
  keptFiles: number;
}

/** The second read went through kept descriptors and still saw the new counter values. */
function assertKeptReread(r: BurnResult): void {
  assert.ok(r.keptFiles > 0, 'counter files kept open');
  const delta = (r.stats.cpu?.usageSeconds ?? 0) - (r.early.cpu?.usageSeconds ?? 0);
  assert.ok(
    Math.abs(delta - r.childCpu) <= TOLERANCE * r.childCpu,
    `re-read delta ${delta} s vs process ${r.childCpu} s`,
  );
}

async function removeDir(dir: string): Promise<void> {
  // the kernel frees the cgroup shortly after its last task exits: retry EBUSY for a moment
  for (let i = 0; i < 50; i++) {
    try {
      rmdirSync(dir);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY') throw err;
      await sleep(20);
    }
  }
  rmdirSync(dir);
}

/**
 * Creates the cgroup `name` in every dir of `mounts`, runs the burner in it and returns what
 * readCgroup saw plus the child's CPU time; skips the test (with the reason) when not permitted.
 */
async function burnIn(
  t: TestContext,
  root: CgroupRoot,
  mounts: string[],
  name: string,
): Promise<BurnResult | undefined> {
  const created: string[] = [];
  let child: ChildProcess | undefined;
  try {
    for (const m of mounts) {
      const dir = `${m}/${name}`;
      try {
        mkdirSync(dir);
      } catch (err) {
        t.skip(`cannot create a cgroup in ${m}: ${(err as NodeJS.ErrnoException).code}`);
        return undefined;
      }
      created.push(dir);
    }
    const createdAtS = Date.now() / 1000;
    child = spawn(process.execPath, ['-e', CHILD], { stdio: ['pipe', 'pipe', 'inherit'] });
    await waitForLine(child, 'ready', 10_000);
    const pid = child.pid;
    assert.ok(pid !== undefined);
    for (const dir of created) {
      try {
        writeFileSync(`${dir}/cgroup.procs`, `${pid}\n`);
      } catch (err) {
        t.skip(`cannot move a process into ${dir}: ${(err as NodeJS.ErrnoException).code}`);
        return undefined;
      }
    }
    const before = cpuSecondsOf(pid);
    // a first read opens (and keeps) the counter files; the second re-reads them from offset 0
    const early = await readCgroup(root, `/${name}`, Date.now());
    const done = waitForLine(child, 'done', 60_000);
    child.stdin?.write('go\n');
    await done;
    const childCpu = cpuSecondsOf(pid) - before;
    const stats = await readCgroup(root, `/${name}`, Date.now() + 1);
    return { stats, early, childCpu, pid, createdAtS, keptFiles: cgroupReadCache(root).keptFiles };
  } finally {
    closeCgroupReader(root);
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    for (const dir of created.reverse()) await removeDir(dir);
  }
}

function uniqueName(): string {
  return `watchingcat-live-${process.pid}-${Date.now().toString(36)}`;
}

test(
  'live cgroup v1: cpuacct usage matches the process CPU time, memory is charged',
  { timeout: 120_000 },
  async (t) => {
    if (process.getuid?.() !== 0) return t.skip('needs root to create cgroups');
    const root = await detectCgroupRoot('/sys/fs/cgroup', '/proc/self/mountinfo');
    if (root.version !== 'v1') return t.skip(`this host is cgroup ${root.version}, not v1`);
    const { cpu, cpuacct, memory } = root.v1;
    if (!cpu || !cpuacct || !memory) return t.skip('cpu, cpuacct or memory hierarchy not mounted');
    // read through a root that holds only the hierarchies the test populates
    const testRoot: CgroupRoot = { version: 'v1', v1: { cpu, cpuacct, memory }, proc: '/proc' };
    const r = await burnIn(t, testRoot, [...new Set([cpu, cpuacct, memory])], uniqueName());
    if (!r) return;
    const usage = r.stats.cpu?.usageSeconds;
    assert.ok(usage !== undefined, 'cpu stats read');
    t.diagnostic(
      `cgroup v1 cpu ${usage.toFixed(6)} s, process ${r.childCpu.toFixed(6)} s, memory ${r.stats.memory?.usage} B`,
    );
    assert.ok(r.childCpu >= BURN_SECONDS * 0.95, `child burned ${r.childCpu} s`);
    assert.ok(
      Math.abs(usage - r.childCpu) <= TOLERANCE * r.childCpu,
      `cgroup ${usage} s vs process ${r.childCpu} s (tolerance ${TOLERANCE * 100}%)`,
    );
    assertKeptReread(r);
    // cpuacct.stat is tick-based: user+system within a few ticks of the total
    const us = (r.stats.cpu?.userSeconds ?? 0) + (r.stats.cpu?.systemSeconds ?? 0);
    assert.ok(Math.abs(us - usage) <= 0.05 * usage + 0.05, `user+system ${us} vs usage ${usage}`);
    assert.ok((r.stats.memory?.usage ?? 0) > 0, 'memory charged to the cgroup');
    assert.ok((r.stats.memory?.rss ?? 0) > 0, 'anonymous memory (the 16 MiB buffer) counted');
    assert.ok((r.stats.memory?.workingSet ?? 0) > 0);
    assert.equal(r.stats.spec.cpuShares, 1024);
    assert.equal(r.stats.spec.cpuQuotaMicros, undefined);
    assert.equal(r.stats.spec.memoryLimit, undefined, 'unlimited');
    assert.ok(r.stats.spec.memoryReservation === undefined);
    assert.deepEqual(r.stats.pids, [r.pid]);
    const start = r.stats.startTimeSeconds ?? 0;
    assert.ok(Math.abs(start - r.createdAtS) <= 5, `start time ${start} vs created ${r.createdAtS}`);
  },
);

test('live cgroup v2: cpu.stat usage matches the process CPU time', { timeout: 120_000 }, async (t) => {
  if (process.getuid?.() !== 0) return t.skip('needs root to create cgroups');
  const host = await detectCgroupRoot('/sys/fs/cgroup', '/proc/self/mountinfo');
  const unified = host.v2;
  if (!unified || !existsSync(`${unified}/cgroup.procs`)) return t.skip('no cgroup2 hierarchy mounted');
  // on a hybrid host the unified hierarchy has no controllers; cpu.stat's usage is still kept
  const root: CgroupRoot = { version: 'v2', v2: unified, v1: {}, proc: '/proc' };
  const r = await burnIn(t, root, [unified], uniqueName());
  if (!r) return;
  const usage = r.stats.cpu?.usageSeconds;
  assert.ok(usage !== undefined, 'cpu.stat read');
  t.diagnostic(`cgroup v2 cpu ${usage.toFixed(6)} s, process ${r.childCpu.toFixed(6)} s`);
  assert.ok(r.childCpu >= BURN_SECONDS * 0.95, `child burned ${r.childCpu} s`);
  assert.ok(
    Math.abs(usage - r.childCpu) <= TOLERANCE * r.childCpu,
    `cgroup ${usage} s vs process ${r.childCpu} s (tolerance ${TOLERANCE * 100}%)`,
  );
  assertKeptReread(r);
  const us = (r.stats.cpu?.userSeconds ?? 0) + (r.stats.cpu?.systemSeconds ?? 0);
  assert.ok(Math.abs(us - usage) <= 0.02 * usage + 0.01, `user+system ${us} vs usage ${usage}`);
  assert.deepEqual(r.stats.pids, [r.pid]);
  if (
    existsSync(`${unified}/cgroup.subtree_control`) &&
    readFileSync(`${unified}/cgroup.subtree_control`, 'latin1').includes('memory')
  ) {
    assert.ok((r.stats.memory?.usage ?? 0) > 0, 'memory charged to the cgroup');
  } else {
    assert.equal(r.stats.memory, undefined, 'no memory controller on this unified hierarchy');
    t.diagnostic('memory controller not enabled on the unified hierarchy (hybrid host): memory not checked');
  }
});
