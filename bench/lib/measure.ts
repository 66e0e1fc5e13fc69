// Driving an instance with OTLP/HTTP load and measuring it from outside: items/s, items per CPU
// second of the instance's own process (/proc), so the load generator's CPU does not count.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { childEnv } from '../../test/helpers/process.ts';
import { drive } from './load.ts';
import { cpuSeconds, rssSampler } from './proc.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitHealthy(port: number, child: ChildProcess, logs: () => string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`agent exited: ${logs()}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/`)).status === 200) return;
    } catch {
      // starting
    }
    await sleep(50);
  }
  throw new Error(`agent not healthy: ${logs()}`);
}

const BIN = fileURLToPath(new URL('../../bin/watchingcat.js', import.meta.url));

export interface Instance {
  child: ChildProcess;
  /** SIGTERM, wait for the exit, remove `dir`. */
  stop(): Promise<void>;
}

/** `watchingcat ARGS` (warnings only on stderr), ready once its health check on `healthPort` answers. */
export async function startInstance(args: string[], dir: string, healthPort: number): Promise<Instance> {
  let logs = '';
  const child = spawn(BIN, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: childEnv({ WATCHINGCAT_LOG_LEVEL: 'warn' }),
  });
  child.stderr!.on('data', (d: Buffer) => (logs += d));
  await waitHealthy(healthPort, child, () => logs);
  return {
    child,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RunOptions {
  concurrency: number;
  itemsPerRequest: number;
  warmupMs: number;
  measureMs: number;
}

export interface Row {
  name: string;
  itemsPerSec: number;
  perCore: number;
  cpu: number;
  peakRssMiB: number;
  refused: number;
}

export async function measure(
  name: string,
  pid: number,
  port: number,
  path: string,
  body: Uint8Array | (() => Uint8Array),
  opts: RunOptions,
): Promise<Row> {
  let stopping = false;
  const stats = { ok: 0, refused: 0, failed: 0 };
  const run = drive(port, path, body, opts.concurrency, () => stopping, stats);
  await sleep(opts.warmupMs);
  const sampler = rssSampler(pid);
  const [ok0, cpu0, t0] = [stats.ok, cpuSeconds(pid), Date.now()];
  await sleep(opts.measureMs);
  const [ok1, cpu1, t1] = [stats.ok, cpuSeconds(pid), Date.now()];
  stopping = true;
  await run;
  const peak = sampler.stop();
  if (stats.failed) throw new Error(`${name}: ${stats.failed} requests failed`);
  const seconds = (t1 - t0) / 1000;
  const items = (ok1 - ok0) * opts.itemsPerRequest;
  const cpu = cpu1 - cpu0;
  return {
    name,
    itemsPerSec: items / seconds,
    perCore: items / cpu,
    cpu: cpu / seconds,
    peakRssMiB: peak / 2 ** 20,
    refused: stats.refused,
  };
}
