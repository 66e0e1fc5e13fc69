import assert from 'node:assert/strict';
import { test } from 'node:test';
import { family, renderFamilies } from '../../metricfamily/family.ts';
import { ExpositionParseError, labelKey, parseExposition } from './exposition-parse.ts';

test('what renderFamilies writes parses back to the same families', () => {
  const a = family('node_a_total', 'counter', 'Help with \\ backslash\nand newline.');
  a.samples.push(
    { labels: [['device', 'sda']], value: 1.5e-7 },
    { labels: [['device', 'q"uo\\te\nnl']], value: 123456789 },
  );
  const b = family('node_b', 'gauge', 'B.');
  b.samples.push(
    { labels: [], value: NaN },
    { labels: [['x', '']], value: -Infinity, timestampMs: 1700000000123 },
  );
  const c = family('node_c', 'untyped', 'C.');
  c.samples.push({ labels: [['k', 'v']], value: Infinity });
  const parsed = parseExposition(renderFamilies([a, b, c]));
  assert.deepEqual(
    parsed.map((f) => [f.name, f.type, f.help, f.samples.length]),
    [
      ['node_a_total', 'counter', 'Help with \\ backslash\nand newline.', 2],
      ['node_b', 'gauge', 'B.', 2],
      ['node_c', 'untyped', 'C.', 1],
    ],
  );
  assert.deepEqual(parsed[0]!.samples[1]!.labels, [['device', 'q"uo\\te\nnl']]);
  assert.equal(parsed[0]!.samples[0]!.value, 1.5e-7);
  assert.ok(Number.isNaN(parsed[1]!.samples[0]!.value));
  assert.equal(parsed[1]!.samples[1]!.value, -Infinity);
  assert.equal(parsed[1]!.samples[1]!.timestampMs, 1700000000123);
  assert.equal(parsed[2]!.samples[0]!.value, Infinity);
});

test('summaries and histograms keep their suffixed samples; stray samples are untyped families', () => {
  const text = [
    '# HELP go_gc_duration_seconds A summary of the pause duration of garbage collection cycles.',
    '# TYPE go_gc_duration_seconds summary',
    'go_gc_duration_seconds{quantile="0"} 2.1e-05',
    'go_gc_duration_seconds_sum 0.01',
    'go_gc_duration_seconds_count 7',
    'stray_metric{a="1"} 3',
    '# a plain comment',
    '',
    '# TYPE h histogram',
    'h_bucket{le="+Inf"} 1',
    'h_sum 2',
    'h_count 1',
  ].join('\n');
  const f = parseExposition(text);
  assert.deepEqual(
    f.map((x) => [x.name, x.type, x.samples.map((s) => s.name)]),
    [
      [
        'go_gc_duration_seconds',
        'summary',
        ['go_gc_duration_seconds', 'go_gc_duration_seconds_sum', 'go_gc_duration_seconds_count'],
      ],
      ['stray_metric', 'untyped', ['stray_metric']],
      ['h', 'histogram', ['h_bucket', 'h_sum', 'h_count']],
    ],
  );
});

test('malformed lines are errors with their line number', () => {
  const cases = [
    'x{a="1"',
    'x{a=1} 2',
    'x{a="\\q"} 2',
    'x{a="1",a="2"} 3',
    'x 1 2 3',
    'x abc',
    'x{a="1"}1',
    '# TYPE x sometype',
    '9x 1',
    'x 1 1.5',
  ];
  for (const c of cases) {
    assert.throws(
      () => parseExposition(`ok 1\n${c}\n`),
      (e: unknown) => e instanceof ExpositionParseError && e.line === 2,
      c,
    );
  }
});

test('labelKey distinguishes values that contain separators', () => {
  assert.notEqual(
    labelKey([['a', 'x,b=y']]),
    labelKey([
      ['a', 'x'],
      ['b', 'y'],
    ]),
  );
});

test('fuzz: mutated expositions parse or fail with ExpositionParseError, nothing else', () => {
  const base = renderFamilies(
    (() => {
      const f = family('node_x_total', 'counter', 'X.');
      f.samples.push({ labels: [['device', 'a"b']], value: 1 }, { labels: [], value: 2.5 });
      return [f];
    })(),
  );
  let seed = 7;
  const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  const alphabet = '{}",=\\\n #abcXYZ019.+-eEInfNa_\t';
  for (let i = 0; i < 3000; i++) {
    const chars = [...base];
    const edits = 1 + rnd(6);
    for (let j = 0; j < edits; j++) {
      const at = rnd(chars.length + 1);
      const op = rnd(3);
      if (op === 0) chars.splice(at, 1);
      else if (op === 1) chars.splice(at, 0, alphabet[rnd(alphabet.length)]!);
      else chars[at] = alphabet[rnd(alphabet.length)]!;
    }
    try {
      parseExposition(chars.join(''));
    } catch (e) {
      assert.ok(
        e instanceof ExpositionParseError,
        `unexpected ${String(e)} for ${JSON.stringify(chars.join(''))}`,
      );
    }
  }
});
