import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { prng } from '../queue/testdata/prng.ts';
import type { ExpositionFormat } from '../telemetry/exposition.ts';
import { family, renderFamilies, type Family, type Labels } from './family.ts';
import { renderFamiliesToBuffer } from './render.ts';
import { escapeHelp, escapeLabelValue, formatValue } from './text.ts';

/** The text format written the obvious way, line by line as strings: the renderer's spec. */
function reference(families: Family[], format: ExpositionFormat): string {
  let out = '';
  for (const f of families) {
    if (f.samples.length === 0) continue;
    let name = f.name;
    let type: string = f.type;
    if (format === 'openmetrics') {
      if (type === 'untyped') type = 'unknown';
      else if (type === 'counter') {
        if (name.endsWith('_total')) name = name.slice(0, -6);
        else type = 'unknown';
      }
    }
    out += `# HELP ${name} ${escapeHelp(f.help)}\n# TYPE ${name} ${type}\n`;
    for (const s of f.samples) {
      const labels = s.labels.length
        ? `{${s.labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`
        : '';
      let line = `${f.name}${labels} ${formatValue(s.value)}`;
      if (s.timestampMs !== undefined)
        line += ` ${format === 'openmetrics' ? formatValue(s.timestampMs / 1000) : String(Math.trunc(s.timestampMs))}`;
      out += line + '\n';
    }
  }
  return out;
}

describe('renderFamiliesToBuffer', () => {
  test('a known exposition, byte for byte', () => {
    const shared: Labels = [
      ['container', 'app'],
      ['id', '/kubepods/pod1/abc'],
    ];
    const a = family(
      'container_cpu_usage_seconds_total',
      'counter',
      'Cumulative cpu time consumed in seconds.',
    );
    a.samples.push({ labels: shared, value: 12.5, timestampMs: 1700000000123 });
    const b = family(
      'container_memory_usage_bytes',
      'gauge',
      'Current memory usage in bytes,\nincluding "all".',
    );
    b.samples.push({ labels: shared, value: 104857600 });
    b.samples.push({ labels: [['path', 'C:\\x "y"\nz']], value: 0 });
    const c = family('node_load1', 'untyped', '1m load average.');
    c.samples.push({ labels: [], value: 0.25 });
    const empty = family('never_written', 'gauge', 'no samples');
    const body = renderFamiliesToBuffer([a, b, empty, c]).toString();
    assert.equal(
      body,
      '# HELP container_cpu_usage_seconds_total Cumulative cpu time consumed in seconds.\n' +
        '# TYPE container_cpu_usage_seconds_total counter\n' +
        'container_cpu_usage_seconds_total{container="app",id="/kubepods/pod1/abc"} 12.5 1700000000123\n' +
        '# HELP container_memory_usage_bytes Current memory usage in bytes,\\nincluding "all".\n' +
        '# TYPE container_memory_usage_bytes gauge\n' +
        'container_memory_usage_bytes{container="app",id="/kubepods/pod1/abc"} 1.048576e+08\n' +
        'container_memory_usage_bytes{path="C:\\\\x \\"y\\"\\nz"} 0\n' +
        '# HELP node_load1 1m load average.\n' +
        '# TYPE node_load1 untyped\n' +
        'node_load1 0.25\n',
    );
    assert.equal(renderFamilies([a, b, empty, c]), body);
  });

  test('equals the line-by-line reference on random families (differential)', () => {
    const rnd = prng(Number(process.env.FUZZ_SEED ?? 0xbeef));
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const VALUES = [
      0,
      -0,
      1,
      -1,
      7,
      999999,
      1e6,
      123456789,
      2 ** 53,
      0.5,
      -2.25,
      1e-5,
      3e21,
      NaN,
      Infinity,
      -Infinity,
    ];
    const TEXT = ['a', 'é', '"', '\\', '\n', ' ', '🙂', '\ud800', 'x_y', '/sys/fs'];
    const word = () => Array.from({ length: Math.floor(rnd() * 6) }, () => pick(TEXT)).join('');
    for (let round = 0; round < 300; round++) {
      const pool: Labels[] = Array.from({ length: 3 }, () =>
        Array.from({ length: Math.floor(rnd() * 4) }, (_, i): [string, string] => [`l${i}`, word()]),
      );
      const families: Family[] = [];
      for (let i = 0, n = Math.floor(rnd() * 8); i < n; i++) {
        const f = family(
          `m${i}${rnd() < 0.5 ? '_total' : ''}`,
          pick(['counter', 'gauge', 'untyped'] as const),
          word(),
        );
        for (let j = 0, k = Math.floor(rnd() * 6); j < k; j++) {
          const v = rnd() < 0.6 ? pick(VALUES) : (rnd() - 0.5) * 10 ** Math.floor(rnd() * 30 - 10);
          const labels = rnd() < 0.5 ? pick(pool) : (pool[0]!.slice() as Labels);
          f.samples.push(
            rnd() < 0.2
              ? { labels, value: v, timestampMs: Math.floor(rnd() * 2e12) + 0.5 }
              : { labels, value: v },
          );
        }
        families.push(f);
      }
      for (const format of ['text', 'openmetrics'] as const) {
        const want = Buffer.from(reference(families, format));
        const got = renderFamiliesToBuffer(families, format);
        assert.ok(got.equals(want), `round ${round} ${format}:\n${got.toString()}\n---\n${want.toString()}`);
      }
    }
  });

  test('a body larger than the first guess grows and stays whole', () => {
    const f = family('big', 'gauge', 'h');
    const long = 'v'.repeat(5000);
    for (let i = 0; i < 50; i++)
      f.samples.push({ labels: [['k', `${long}${i % 2 ? 'é🙂' : ''}${i}`]], value: i });
    const want = Buffer.from(reference([f], 'text'));
    assert.ok(renderFamiliesToBuffer([f]).equals(want));
    // With a size hint: a fitting one, then one far too small; the hint learns the body's size.
    const hint = { bytes: 0 };
    assert.ok(renderFamiliesToBuffer([f], 'text', hint).equals(want));
    assert.equal(hint.bytes, want.length);
    hint.bytes = 10;
    assert.ok(renderFamiliesToBuffer([f], 'text', hint).equals(want));
    assert.equal(hint.bytes, want.length);
  });
});
