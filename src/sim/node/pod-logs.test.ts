import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { LogGenerator } from './log-content.ts';
import {
  ContainerLogWriter,
  DEFAULT_LOG_POLICY,
  formatCriLines,
  rfc3339Nano,
  rotationSuffix,
} from './pod-logs.ts';
import { parseCriLine } from './testdata/cgroup-parse.ts';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

describe('CRI log lines', () => {
  it('formats timestamps like Go RFC3339Nano (trailing zeros trimmed)', () => {
    assert.equal(rfc3339Nano(T0, 123456), '2026-01-02T03:04:05.678123456Z');
    assert.equal(rfc3339Nano(T0, 0), '2026-01-02T03:04:05.678Z');
    assert.equal(rfc3339Nano(Date.UTC(2026, 0, 2, 3, 4, 5), 0), '2026-01-02T03:04:05Z');
    assert.equal(rfc3339Nano(T0, 100), '2026-01-02T03:04:05.6780001Z');
  });

  it('writes short messages as one F line', () => {
    const t = rfc3339Nano(T0, 1);
    assert.equal(formatCriLines(t, { stream: 'stdout', message: 'hello' }, 16384), `${t} stdout F hello\n`);
  });

  it('splits long messages into P lines and a final F line that rejoin to the message', () => {
    const t = rfc3339Nano(T0, 1);
    const msg = 'x'.repeat(40) + 'é'.repeat(10);
    const text = formatCriLines(t, { stream: 'stderr', message: msg }, 16);
    const lines = text.split('\n').slice(0, -1).map(parseCriLine);
    assert.ok(lines.length >= 4);
    assert.deepEqual(
      lines.map((l) => l.tag),
      [...Array(lines.length - 1).fill('P'), 'F'],
    );
    for (const l of lines) {
      assert.equal(l.stream, 'stderr');
      assert.ok(Buffer.byteLength(l.message) <= 16);
    }
    assert.equal(lines.map((l) => l.message).join(''), msg);
  });

  it('produces realistic content: JSON, stderr errors, stack traces, partial lines', () => {
    const g = new LogGenerator(11, 'shop', 'json');
    const entries = Array.from({ length: 3000 }, (_, i) => g.next(T0 + i)).flat();
    assert.ok(entries.some((e) => e.stream === 'stderr'));
    assert.ok(entries.some((e) => e.message.startsWith('\tat ') || e.message.startsWith('  File ')));
    assert.ok(entries.some((e) => e.message.length > 16384));
    const json = entries.filter((e) => e.stream === 'stdout' && e.message.startsWith('{'));
    assert.ok(json.length > 2500);
    for (const e of json.slice(0, 50)) assert.equal(typeof JSON.parse(e.message).msg, 'string');
    const access = new LogGenerator(3, 'web', 'access').next(T0)[0];
    if (access?.stream === 'stdout')
      assert.match(
        access.message,
        /^10\.\d+\.\d+\.\d+ - - \[\d\d\/\w{3}\/2026:03:04:05 \+0000\] "\w+ \S+ HTTP\/1\.1" \d{3} \d+/,
      );
  });
});

describe('ContainerLogWriter rotation', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wc-logs-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('rotates like the kubelet: timestamped rename, gzip of older files, at most maxFiles', async () => {
    const policy = { ...DEFAULT_LOG_POLICY, maxFileBytes: 2000, maxFiles: 4, monitorIntervalMs: 10_000 };
    const w = new ContainerLogWriter(dir, 3, policy, new LogGenerator(1, 'app', 'logfmt'), T0);
    w.open();
    const written: string[] = [];
    let now = T0;
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 30; i++) {
        const line = `${rfc3339Nano(now, i + 1)} stdout F round=${round} line=${i} ${'.'.repeat(40)}\n`;
        written.push(line);
        w.push(line);
      }
      now += 10_000;
      w.flush(now);
    }
    const names = (await readdir(dir)).sort();
    // current + 1 plain rotated + (maxFiles - 2) gzipped
    assert.equal(names.length, 4, names.join(','));
    assert.ok(names.includes('3.log'));
    const rotated = names.filter((n) => n !== '3.log');
    for (const n of rotated) assert.match(n, /^3\.log\.\d{8}-\d{6}(\.gz)?$/);
    const plain = rotated.filter((n) => !n.endsWith('.gz'));
    const gz = rotated.filter((n) => n.endsWith('.gz'));
    assert.equal(plain.length, 1);
    assert.equal(gz.length, 2);
    assert.equal(plain[0], `3.log.${rotationSuffix(now)}`, 'the newest rotation is left uncompressed');
    assert.ok(
      gz.every((g) => g < (plain[0] as string)),
      'compressed files are the older ones',
    );
    // the surviving files are, oldest first, a contiguous tail of what was written
    let text = '';
    for (const n of [...gz, ...plain, '3.log']) {
      const buf = await readFile(join(dir, n));
      text += n.endsWith('.gz') ? gunzipSync(buf).toString('utf8') : buf.toString('utf8');
    }
    const all = written.join('');
    assert.ok(text.length > 0 && all.endsWith(text), 'rotated files reassemble to the end of the stream');
    for (const l of text.split('\n').slice(0, -1)) parseCriLine(l);
    assert.equal(w.fileCount(), 4);
  });

  it('only checks rotation once per monitor interval', async () => {
    const sub = join(dir, 'b');
    await rm(sub, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(sub));
    const policy = { ...DEFAULT_LOG_POLICY, maxFileBytes: 100, maxFiles: 5, monitorIntervalMs: 10_000 };
    const w = new ContainerLogWriter(sub, 0, policy, new LogGenerator(1, 'app'), T0);
    w.open();
    w.push(`${rfc3339Nano(T0)} stdout F ${'y'.repeat(200)}\n`);
    w.flush(T0 + 5000);
    assert.deepEqual(await readdir(sub), ['0.log']);
    w.flush(T0 + 10_000);
    assert.deepEqual((await readdir(sub)).sort(), ['0.log', `0.log.${rotationSuffix(T0 + 10_000)}`]);
  });

  it('keeps its buffer bounded without losing lines', async () => {
    const sub = join(dir, 'c');
    await import('node:fs/promises').then((fs) => fs.mkdir(sub));
    const policy = { ...DEFAULT_LOG_POLICY, maxBufferBytes: 1000, maxFileBytes: 2 ** 30 };
    const w = new ContainerLogWriter(sub, 9, policy, new LogGenerator(1, 'app', 'logfmt'), T0);
    w.open();
    w.produceUntil(T0 + 60_000, 100);
    assert.ok(w.pendingBytes <= 1000);
    assert.ok(w.appends > 10, 'the buffer was appended early');
    w.flush(T0 + 60_000);
    const lines = (await readFile(join(sub, '9.log'), 'utf8')).split('\n').slice(0, -1).map(parseCriLine);
    const full = lines.filter((l) => l.tag === 'F').length;
    assert.ok(full >= 5999, `${full} F lines: want one per event at 100 lines/s for 60 s`);
    assert.equal(lines.length, w.linesWritten);
  });
});
