// Every parser of user input here is fuzzed: object files, allow-list specs; and every family
// generator gets mutated conformance objects (fields replaced by values of the wrong type,
// removed, nested oddly) and must never throw — a throwing generator would cost its family.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prng, randInt } from '../queue/testdata/prng.ts';
import { AllowListSyntaxError, parseAllowList } from './labels.ts';
import { ObjectFileError, parseObjects } from './objects.ts';
import { renderObjects } from './render.ts';
import { loadCaseFiles } from './testdata/conformance.ts';
import type { KubeResourceObject } from './types.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const ODD_VALUES: unknown[] = [
  null,
  0,
  -1,
  Infinity,
  '',
  'x',
  '250m',
  '2017-08-01T06:30:18Z',
  true,
  [],
  {},
  [{}],
  { a: 1 },
  [null],
];

function mutate(v: unknown, rnd: () => number, depth = 0): unknown {
  if (Array.isArray(v)) {
    if (rnd() < 0.1) return ODD_VALUES[randInt(rnd, ODD_VALUES.length)];
    return v.map((x) => mutate(x, rnd, depth + 1));
  }
  if (v && typeof v === 'object') {
    if (depth > 0 && rnd() < 0.05) return ODD_VALUES[randInt(rnd, ODD_VALUES.length)];
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (depth === 0 && (k === 'kind' || k === 'apiVersion'))
        out[k] = x; // keep it routable
      else if (depth === 1 && k === 'name') out[k] = x;
      else if (rnd() < 0.05) continue;
      else out[k] = mutate(x, rnd, depth + 1);
    }
    return out;
  }
  return rnd() < 0.15 ? ODD_VALUES[randInt(rnd, ODD_VALUES.length)] : v;
}

test(`generators never throw on mutated objects (seed ${SEED})`, () => {
  const rnd = prng(SEED);
  const objects = loadCaseFiles().flatMap((f) => f.cases.map((c) => c.object));
  const errors: string[] = [];
  for (let round = 0; round < 20; round++) {
    const mutated = objects.map((o) => {
      const m = mutate(o, rnd) as KubeResourceObject;
      if (!m.metadata || typeof m.metadata !== 'object') m.metadata = { name: 'x' };
      return m;
    });
    renderObjects(mutated, {
      allowLabels: new Map([['*', ['*']]]),
      allowAnnotations: new Map([['*', ['*']]]),
      onError: (family, _o, err) => errors.push(`${family}: ${(err as Error).stack ?? String(err)}`),
    });
  }
  assert.deepEqual(errors.slice(0, 5), [], `${errors.length} generator failures`);
});

test(`object files: random and mutated text only ever gives ObjectFileError (seed ${SEED})`, () => {
  const rnd = prng(SEED + 1);
  const seeds = [
    '{"apiVersion":"v1","kind":"PodList","items":[{"metadata":{"name":"a"}}]}',
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n---\nkind: Node\nmetadata: {name: b}\n',
  ];
  const alphabet = '{}[]:,"\'-\n #&*!|>%@`abc01\\\t';
  for (let i = 0; i < 3000; i++) {
    let s = seeds[i % seeds.length]!;
    const edits = 1 + randInt(rnd, 6);
    for (let e = 0; e < edits; e++) {
      const at = randInt(rnd, s.length + 1);
      const op = randInt(rnd, 3);
      const ch = alphabet[randInt(rnd, alphabet.length)]!;
      s =
        op === 0
          ? s.slice(0, at) + ch + s.slice(at)
          : op === 1
            ? s.slice(0, at) + s.slice(at + 1)
            : s.slice(0, at) + ch + s.slice(at + 1);
    }
    try {
      parseObjects(s, 'fuzz');
    } catch (e) {
      assert.ok(e instanceof ObjectFileError, `input ${JSON.stringify(s)} threw ${(e as Error).stack}`);
    }
  }
});

test(`allow-list specs: random text only ever gives AllowListSyntaxError (seed ${SEED})`, () => {
  const rnd = prng(SEED + 2);
  const alphabet = 'pods=[],*app. /-';
  for (let i = 0; i < 5000; i++) {
    let s = '';
    const n = randInt(rnd, 30);
    for (let j = 0; j < n; j++) s += alphabet[randInt(rnd, alphabet.length)];
    try {
      const m = parseAllowList(s);
      for (const [k, v] of m) {
        assert.ok(
          k.length > 0 && !/[=[\],]/.test(k),
          `resource name ${JSON.stringify(k)} from ${JSON.stringify(s)}`,
        );
        for (const x of v) assert.ok(x.length > 0, `empty key from ${JSON.stringify(s)}`);
      }
    } catch (e) {
      assert.ok(e instanceof AllowListSyntaxError, `input ${JSON.stringify(s)} threw ${(e as Error).stack}`);
    }
  }
});
