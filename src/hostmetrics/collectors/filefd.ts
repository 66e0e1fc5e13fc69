// node_exporter's `filefd` collector (v1.9.1, Linux), from /proc/sys/fs/file-nr ("allocated
// \t unused \t maximum"):
//   node_filefd_allocated  gauge  "File descriptor statistics: allocated."
//   node_filefd_maximum    gauge  "File descriptor statistics: maximum."
// The line is trimmed (bytes.TrimSpace) and split on tabs, as upstream does; the middle value
// (always 0 since Linux 2.6) is skipped.
// A missing file fails the collector. Deliberate difference: upstream fails on fewer than three
// values or a value that is not a float; here the malformed value is left out.
import { join } from 'node:path';
import { family } from '../../metricfamily/family.ts';
import type { Family } from '../../metricfamily/family.ts';
import { goTrimSpace, parseGoFloat, readFileResult } from '../read.ts';
import type { CollectContext, HostCollector } from '../types.ts';

/** {allocated, maximum} from file-nr's text; a member is undefined when missing or malformed. */
export function parseFileNr(text: string): { allocated?: number; maximum?: number } {
  const parts = goTrimSpace(text).split('\t');
  if (parts.length < 3) return {};
  return { allocated: parseGoFloat(parts[0]!), maximum: parseGoFloat(parts[2]!) };
}

function collect(ctx: CollectContext): Family[] {
  const path = join(ctx.paths.proc, 'sys', 'fs', 'file-nr');
  const r = readFileResult(path, 64 * 1024);
  if (!r.ok) throw new Error(`couldn't get file-nr: ${r.code} reading ${path}`);
  const stats = parseFileNr(r.text);
  const out: Family[] = [];
  for (const name of ['allocated', 'maximum'] as const) {
    const v = stats[name];
    if (v === undefined) continue;
    const f = family(`node_filefd_${name}`, 'gauge', `File descriptor statistics: ${name}.`);
    f.samples.push({ labels: [], value: v });
    out.push(f);
  }
  return out;
}

export const filefdCollector: HostCollector = { name: 'filefd', collect: async (ctx) => collect(ctx) };
