// Small parsers for the files the simulator writes, used by tests to read them back.

import { readFile } from 'node:fs/promises';

/** "key value" lines (cpu.stat, memory.stat, memory.events, cpuacct.stat) → record. */
export function parseFlatKeyed(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line) continue;
    const parts = line.split(' ');
    if (parts.length !== 2 || !/^\d+$/.test(parts[1] ?? '')) throw new Error(`malformed line ${JSON.stringify(line)}`);
    out[parts[0] as string] = Number(parts[1]);
  }
  return out;
}

/** io.stat: "<maj>:<min> key=value ..." → device → record. */
export function parseIoStat(text: string): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const line of text.split('\n')) {
    if (!line) continue;
    const [dev, ...kvs] = line.split(' ');
    if (!dev || !/^\d+:\d+$/.test(dev)) throw new Error(`malformed io.stat line ${JSON.stringify(line)}`);
    const rec: Record<string, number> = {};
    for (const kv of kvs) {
      const m = /^(\w+)=(\d+)$/.exec(kv);
      if (!m) throw new Error(`malformed io.stat field ${kv}`);
      rec[m[1] as string] = Number(m[2]);
    }
    out[dev] = rec;
  }
  return out;
}

/** PSI files: "some avg10=.. avg60=.. avg300=.. total=N" → { some: {...}, full: {...} }. */
export function parsePressure(text: string): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const line of text.split('\n')) {
    if (!line) continue;
    const m = /^(some|full) avg10=(\d+\.\d\d) avg60=(\d+\.\d\d) avg300=(\d+\.\d\d) total=(\d+)$/.exec(line);
    if (!m) throw new Error(`malformed pressure line ${JSON.stringify(line)}`);
    out[m[1] as string] = { avg10: Number(m[2]), avg60: Number(m[3]), avg300: Number(m[4]), total: Number(m[5]) };
  }
  return out;
}

/** blkio.throttle.*: "<maj>:<min> Op N" lines plus "Total N" → "<dev> <Op>" → N. */
export function parseBlkio(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line) continue;
    const parts = line.split(' ');
    if (parts.length === 2 && parts[0] === 'Total') out.Total = Number(parts[1]);
    else if (parts.length === 3 && /^\d+:\d+$/.test(parts[0] ?? '')) out[`${parts[0]} ${parts[1]}`] = Number(parts[2]);
    else throw new Error(`malformed blkio line ${JSON.stringify(line)}`);
  }
  return out;
}

/** A file holding one number ("max" → Infinity). */
export function parseSingle(text: string): number {
  const t = text.trim();
  if (t === 'max') return Infinity;
  if (!/^-?\d+$/.test(t)) throw new Error(`not a number: ${JSON.stringify(text)}`);
  return Number(t);
}

/** /proc/net/dev → iface → fields. */
export function parseNetDev(text: string): Record<string, { rxBytes: number; rxPackets: number; txBytes: number; txPackets: number; rxErrors: number; txErrors: number }> {
  const lines = text.split('\n');
  if (!lines[0]?.startsWith('Inter-|') || !lines[1]?.startsWith(' face |')) throw new Error('missing /proc/net/dev header');
  const out: ReturnType<typeof parseNetDev> = {};
  for (const line of lines.slice(2)) {
    if (!line) continue;
    const m = /^\s*([\w.-]+):\s*(.*)$/.exec(line);
    if (!m) throw new Error(`malformed net/dev line ${JSON.stringify(line)}`);
    const f = (m[2] as string).trim().split(/\s+/).map(Number);
    if (f.length !== 16 || f.some((n) => !Number.isInteger(n))) throw new Error(`bad field count in ${line}`);
    out[m[1] as string] = { rxBytes: f[0]!, rxPackets: f[1]!, rxErrors: f[2]!, txBytes: f[8]!, txPackets: f[9]!, txErrors: f[10]! };
  }
  return out;
}

export async function readText(path: string): Promise<string> {
  return readFile(path, 'utf8');
}

/** CRI log line → parts; throws if the line does not match the format. */
export function parseCriLine(line: string): { time: string; stream: string; tag: string; message: string } {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z) (stdout|stderr) ([PF]) (.*)$/s.exec(line);
  if (!m) throw new Error(`not a CRI log line: ${JSON.stringify(line.slice(0, 200))}`);
  return { time: m[1] as string, stream: m[2] as string, tag: m[3] as string, message: m[4] as string };
}
