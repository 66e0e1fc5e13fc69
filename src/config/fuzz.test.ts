// The configuration parser is fuzzed like every other decoder: random and mutated files must
// only ever produce a ConfigError (with a message), never another exception or a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText, resolveConfig } from './load.ts';
import { ConfigError } from './issues.ts';
import { fakeRegistry } from './testdata/fake-registry.ts';

const registry = fakeRegistry();

const SEED = `receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:4318
processors:
  batch:
    timeout: 5s
    send_batch_size: 100
exporters:
  debug:
    verbosity: basic
service:
  extensions: []
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [debug]
`;

// Deterministic PRNG so failures reproduce.
function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

const TOKENS = [
  '\n',
  ' ',
  ':',
  '-',
  '[',
  ']',
  '{',
  '}',
  '&a',
  '*a',
  '!!binary',
  '${env:X}',
  '"',
  "'",
  '#',
  '|',
  '>',
  '~',
  'null',
  '0x1',
  '1e309',
  '\t',
  '\u0000',
  '?',
  '<<: *a',
];

function mutate(text: string, r: () => number): string {
  let s = text;
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const pos = Math.floor(r() * (s.length + 1));
    const op = r();
    if (op < 0.3) s = s.slice(0, pos) + s.slice(pos + 1 + Math.floor(r() * 5));
    else if (op < 0.7) s = s.slice(0, pos) + TOKENS[Math.floor(r() * TOKENS.length)] + s.slice(pos);
    else if (op < 0.85) s = s.slice(0, pos);
    else s = s.slice(0, pos) + String.fromCharCode(Math.floor(r() * 128)) + s.slice(pos);
  }
  return s;
}

function check(text: string): void {
  try {
    const p = parseConfigText(text, 'fuzz.yaml', {});
    resolveConfig(p.raw, registry, p.locate, 'fuzz.yaml');
  } catch (e) {
    if (!(e instanceof ConfigError))
      assert.fail(`non-ConfigError ${String(e)} for input:\n${JSON.stringify(text)}`);
    assert.ok(e.issues.length > 0 && e.message.length > 0);
  }
}

test('mutated configuration files produce ConfigError or a valid config, nothing else', () => {
  const r = rng(42);
  for (let i = 0; i < 3000; i++) check(mutate(SEED, r));
});

test('random text and random YAML values', () => {
  const r = rng(7);
  for (let i = 0; i < 1000; i++) {
    const len = Math.floor(r() * 200);
    let s = '';
    for (let k = 0; k < len; k++)
      s +=
        r() < 0.5 ? TOKENS[Math.floor(r() * TOKENS.length)] : String.fromCharCode(32 + Math.floor(r() * 95));
    check(s);
  }
  for (const v of [
    '',
    '~',
    '[]',
    '42',
    '"x"',
    'service: 1',
    'service: {pipelines: 3}',
    'receivers: [1,2]',
    'a: &a [*a]',
  ])
    check(v);
});

test('an alias bomb is refused quickly', () => {
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 0; i < 12; i++)
    bomb.push(
      `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
        .fill(`*${String.fromCharCode(97 + i)}`)
        .join(',')}]`,
    );
  const started = Date.now();
  check(bomb.join('\n'));
  assert.ok(Date.now() - started < 2000, 'alias expansion is bounded');
});
