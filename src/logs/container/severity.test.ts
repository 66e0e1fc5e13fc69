import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prng, randInt } from '../../queue/testdata/prng.ts';
import { severityOf } from './severity.ts';

test('JSON level fields: words, pino/bunyan numbers, nested ECS log.level', () => {
  const cases: [string, number, string][] = [
    ['{"level":"info","msg":"ok"}', 9, 'info'],
    ['{"ts":1,"level":"WARN","msg":"slow"}', 13, 'WARN'],
    ['{"severity":"ERROR","message":"boom"}', 17, 'ERROR'],
    ['{"level":30,"msg":"pino info"}', 9, '30'],
    ['{"level":50,"msg":"pino error"}', 17, '50'],
    ['{"level":60}', 21, '60'],
    ['{"@l":"Debug","@m":"serilog"}', 5, 'Debug'],
    ['{"log":{"level":"fatal"},"message":"ecs"}', 21, 'fatal'],
    ['{"levelname":"CRITICAL"}', 21, 'CRITICAL'],
    ['{"level" : "warning", "msg":"spaces around the colon"}', 13, 'warning'],
    ['{"level":"error","msg":"cut off by max_log_size', 17, 'error'],
  ];
  for (const [m, number, text] of cases) assert.deepEqual(severityOf(m), { number, text }, m);
  for (const m of [
    '{"msg":"no level"}',
    '{"level":"chatty"}',
    '{"level":',
    '{"level":5}',
    '{"msg":"a key in a value: \\"level\\": \\"error\\""}',
  ])
    assert.deepEqual(severityOf(m), { number: 0, text: '' }, m);
});

test('klog headers and level words near the start', () => {
  const cases: [string, number, string][] = [
    ['I0622 10:27:25.813799       1 main.go:42] started', 9, 'INFO'],
    ['W0622 10:27:25.813799       1 x.go:1] hmm', 13, 'WARNING'],
    ['E0622 10:27:25.813799       1 x.go:1] bad', 17, 'ERROR'],
    ['INFO  server listening on :8080', 9, 'INFO'],
    ['[warn] disk almost full', 13, 'warn'],
    ['time="2024-01-01T00:00:00Z" level=error msg="boom"', 17, 'error'],
    ['2024-01-01 00:00:00,123 ERROR [main] c.f.App - failed', 17, 'ERROR'],
    ['2024-01-01T00:00:00Z | DEBUG | cache miss', 5, 'DEBUG'],
    ['warning: deprecated flag', 13, 'warning'],
  ];
  for (const [m, number, text] of cases) assert.deepEqual(severityOf(m), { number, text }, m);
  for (const m of [
    '',
    'GET /healthz 200 1.2ms',
    'an error occurred in the information desk', // prose, lower case, mid-sentence
    'Interrupted by user',
    'I06 not klog',
    `${'x'.repeat(60)} ERROR too far in`,
  ])
    assert.deepEqual(severityOf(m), { number: 0, text: '' }, m);
});

test('never throws on random and mutated lines', () => {
  const rnd = prng(Number(process.env.FUZZ_SEED ?? 0x5e7));
  const parts = [
    '{',
    '}',
    '"level"',
    ':',
    '"info"',
    '30',
    'ERROR',
    '[',
    ']',
    '=',
    'I0622 ',
    ' ',
    'x',
    '\u0000',
    'é',
    '"log":{',
  ];
  for (let i = 0; i < 20_000; i++) {
    let m = '';
    for (let k = 0, n = randInt(rnd, 12); k < n; k++) m += parts[randInt(rnd, parts.length)];
    const s = severityOf(m);
    assert.ok(Number.isInteger(s.number) && s.number >= 0 && s.number <= 24);
    assert.equal(typeof s.text, 'string');
  }
});
