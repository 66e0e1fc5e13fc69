// A harness around a real node_exporter binary for side-by-side tests and benchmarks: find it,
// start it on a free loopback port, wait until it serves, scrape it (text and parsed), measure its
// CPU, stop it. Test-only.
//
// Where the binary comes from: $WC_NODE_EXPORTER, else Debian's /usr/bin/prometheus-node-exporter,
// else `node_exporter` on PATH. Callers skip visibly when none is found.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { parseExposition, type ParsedFamily } from './exposition-parse.ts';

export { parseExposition, labelKey, type ParsedFamily, type ParsedSample } from './exposition-parse.ts';

/**
 * node_exporter v1.9.1's default filters (collector/*.go), given to the peer as flags so both
 * sides filter alike: Debian's package patches some defaults (netdev excludes ^lo$; filesystem
 * also excludes /run, /mnt and /media) and 1.5.0's own are older (zram devices excluded by
 * diskstats since 1.8.0, #2898; TcpExt_TCPOFOQueue and TCPRcvQDrop in the netstat fields since
 * 1.9.0, #3021). With these, an older peer reads those series too and they are compared.
 */
export const V191_DEFAULT_FILTERS = {
  'collector.diskstats.device-exclude': '^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$',
  'collector.filesystem.mount-points-exclude':
    '^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)',
  'collector.filesystem.fs-types-exclude':
    '^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$',
  'collector.netdev.device-exclude': '',
  'collector.netstat.fields':
    '^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts|TCPOFOQueue|TCPRcvQDrop)|Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)|Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$',
  'collector.vmstat.fields': '^(oom_kill|pgpg|pswp|pg.*fault).*',
};

/**
 * Flags for a peer that runs exactly `collectors` (node_exporter's names) with v1.9.1's default
 * filters, whatever its version's or its package's defaults.
 */
export function peerArgs(collectors: readonly string[]): string[] {
  return [
    '--collector.disable-defaults',
    ...collectors.map((c) => `--collector.${c}`),
    ...Object.entries(V191_DEFAULT_FILTERS).map(([k, v]) => `--${k}=${v}`),
  ];
}

/** The node_exporter binary to use, or undefined when this machine has none. */
export function findNodeExporter(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.WC_NODE_EXPORTER) return existsSync(env.WC_NODE_EXPORTER) ? env.WC_NODE_EXPORTER : undefined;
  if (existsSync('/usr/bin/prometheus-node-exporter')) return '/usr/bin/prometheus-node-exporter';
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'node_exporter'))) return join(dir, 'node_exporter');
  }
  return undefined;
}

/** "1.5.0" from `node_exporter --version`, or undefined. */
export function nodeExporterVersion(binary: string): string | undefined {
  const r = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  const m = /version (\d+\.\d+\.\d+)/.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`);
  return m?.[1];
}

/** A port that was free on 127.0.0.1 a moment ago. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface NodeExporterOptions {
  binary: string;
  /** Extra flags, e.g. ['--collector.disable-defaults', '--collector.cpu']. */
  args?: readonly string[];
  /** How long to wait for it to serve (default 15 s). */
  timeoutMs?: number;
}

export interface RunningNodeExporter {
  readonly pid: number;
  readonly url: string;
  /** Its stderr so far (its log). */
  logs(): string;
  /** One GET /metrics, text format. */
  scrape(): Promise<string>;
  /** One scrape, parsed. */
  families(): Promise<ParsedFamily[]>;
  /** utime + stime of the process so far, in seconds (Linux /proc). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/**
 * Starts node_exporter on 127.0.0.1:<free port> and resolves once /metrics answers 200. A port
 * taken between choosing and binding is retried with another one.
 */
export async function startNodeExporter(opts: NodeExporterOptions): Promise<RunningNodeExporter> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freeLoopbackPort();
    try {
      return await startOn(opts, port);
    } catch (err) {
      lastError = err;
      if (!/address already in use/i.test(String((err as Error).message))) throw err;
    }
  }
  throw lastError;
}

async function startOn(opts: NodeExporterOptions, port: number): Promise<RunningNodeExporter> {
  const child: ChildProcess = spawn(
    opts.binary,
    [`--web.listen-address=127.0.0.1:${port}`, ...(opts.args ?? [])],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let logs = '';
  child.stderr!.on('data', (d: Buffer) => {
    logs += d;
    if (logs.length > 1 << 20) logs = logs.slice(-(1 << 19)); // bounded: keep the recent half
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}/metrics`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
  };
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`node_exporter exited during start (${child.exitCode ?? child.signalCode}):\n${logs}`);
    }
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`node_exporter did not serve ${url} in time:\n${logs}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const pid = child.pid!;
  const scrape = async (): Promise<string> => {
    const res = await fetch(url, { headers: { accept: 'text/plain' } });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`node_exporter answered ${res.status}: ${text.slice(0, 500)}`);
    return text;
  };
  return {
    pid,
    url,
    logs: () => logs,
    scrape,
    families: async () => parseExposition(await scrape()),
    cpuSeconds: () => processCpuSeconds(pid),
    stop,
  };
}

/** utime + stime of a process in seconds, from /proc/<pid>/stat (USER_HZ = 100 on Linux). */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may itself hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
