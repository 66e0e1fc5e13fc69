// Running the real `watchingcat` command in end-to-end tests.
import { readFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';

export const BIN = fileURLToPath(new URL('../../bin/watchingcat.js', import.meta.url));

/** The environment for spawned commands: the test's own Node first on PATH, so the command's
 * shebang runs it directly (no re-exec wrapper whose pid would hide the real process). */
export function childEnv(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...process.env, ...extra, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` };
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the command to completion. */
export function runCli(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, { env: childEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`watchingcat ${args.join(' ')} did not finish in time; stderr:\n${stderr}`));
    }, opts.timeoutMs ?? 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface Running {
  child: ChildProcess;
  /** Everything written to stderr so far (JSON log lines). */
  logs(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** SIGTERM and wait; returns the exit code. */
  stop(): Promise<number | null>;
  kill9(): Promise<void>;
}

/** Starts a long-running role and waits until its health check answers 200. */
export async function startRole(
  args: string[],
  opts: { healthPort: number; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<Running> {
  // Every process gets its own own-metrics port: the default (8888) would be shared by the test
  // files that run at the same time, and the second process would fail to start.
  // A test that sets the address (flag or `service.telemetry` in its file) keeps it.
  const configAt = args.indexOf('--config');
  const configured =
    args.includes('--telemetry-address') ||
    (configAt >= 0 && /^\s*telemetry:/m.test(readFileSync(args[configAt + 1]!, 'utf8')));
  const telemetry = configured ? [] : ['--telemetry-address', `127.0.0.1:${await freePort()}`];
  // Run the command as a user does (its shebang applies the runtime flags).
  const child = spawn(BIN, [...args, ...telemetry, '--health-address', `127.0.0.1:${opts.healthPort}`], {
    env: childEnv(opts.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logs = '';
  child.stderr!.on('data', (d: Buffer) => (logs += d));
  child.stdout!.on('data', (d: Buffer) => (logs += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const running: Running = {
    child,
    logs: () => logs,
    exited,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
  };
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  let exitCode: number | null | undefined;
  void exited.then((c) => (exitCode = c));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`watchingcat exited with ${exitCode} during start:\n${logs}`);
    try {
      const res = await fetch(`http://127.0.0.1:${opts.healthPort}/`);
      if (res.status === 200) return running;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`watchingcat did not become healthy in time:\n${logs}`);
}

/** Resident set size of a process in bytes, from /proc (Linux). */
export function rssOf(pid: number, readFile: (p: string) => string): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFile(`/proc/${pid}/status`));
  return m ? Number(m[1]) * 1024 : 0;
}

/** Polls `ok` every 50 ms until it holds; throws naming `what` after `ms`. */
export async function until(what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `watchingcat agent --config FILE --data-dir DIR` on free loopback ports, once healthy. */
export async function startAgent(config: string, dataDir: string): Promise<Running> {
  return startRole(
    [
      'agent',
      '--config',
      config,
      '--data-dir',
      dataDir,
      '--metrics-address',
      `127.0.0.1:${await freePort()}`,
    ],
    { healthPort: await freePort() },
  );
}
