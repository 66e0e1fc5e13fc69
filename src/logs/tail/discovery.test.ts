import assert from 'node:assert/strict';
import { globSync, mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { GlobCache } from './discovery.ts';

const root = mkdtempSync(join(tmpdir(), 'wc-discovery-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A pod-log tree; every directory's mtime set `ageS` seconds back. */
function tree(name: string, files: string[]) {
  const base = join(root, name);
  for (const f of files) {
    mkdirSync(join(base, f, '..'), { recursive: true });
    writeFileSync(join(base, f), 'x\n');
  }
  return base;
}

function age(dirs: string[], seconds: number): void {
  const t = Date.now() / 1000 - seconds;
  for (const d of dirs) utimesSync(d, t, t);
}

test('finds what globSync finds: *, ?, [...], literal segments; no dotfiles for *; no directories', () => {
  const base = tree('same', [
    'pods/ns_a_1/app/0.log',
    'pods/ns_a_1/app/1.log',
    'pods/ns_a_1/app/0.log.20260101-000000',
    'pods/ns_b_2/side/0.log',
    'pods/ns_b_2/side/.hidden.log',
    'pods/ns_c_3/x9/0.log',
    'pods/other.log',
  ]);
  mkdirSync(join(base, 'pods/ns_a_1/app/dir.log'));
  for (const pattern of [
    'pods/*/*/*.log',
    'pods/ns_?_?/*/[01].log',
    'pods/*/x[0-9]/*.log',
    'pods/*/*/*.log.*',
    'pods/ns_a_1/app/0.log',
    'pods/*/[!a]*/*.log',
  ]) {
    const full = join(base, pattern);
    const expected = globSync(full)
      .filter((p) => !p.split('/').some((s) => s.startsWith('.')))
      .filter((p) => !p.endsWith('dir.log'))
      .sort();
    assert.deepEqual(new GlobCache([full]).find().paths, expected, pattern);
  }
  assert.deepEqual(new GlobCache([join(base, 'pods/*/*/.*.log')]).find().paths, [
    join(base, 'pods/ns_b_2/side/.hidden.log'),
  ]);
});

test('unchanged old directories are not listed again; a new file lists just its directory', () => {
  const base = tree('cache', ['pods/a/c/0.log', 'pods/b/c/0.log']);
  const dirs = ['pods', 'pods/a', 'pods/a/c', 'pods/b', 'pods/b/c'].map((d) => join(base, d));
  age(dirs, 60);
  const g = new GlobCache([join(base, 'pods/*/*/*.log')]);
  const first = g.find();
  assert.equal(first.paths.length, 2);
  assert.equal(g.listed, 5);
  assert.equal(first.changed.size, 5);
  const second = g.find();
  assert.equal(g.listed, 5, 'nothing listed again');
  assert.equal(second.changed.size, 0);
  assert.deepEqual(second.paths, first.paths);
  // The kubelet's rotation: rename, then a new 0.log — one directory changes.
  renameSync(join(base, 'pods/a/c/0.log'), join(base, 'pods/a/c/0.log.1'));
  writeFileSync(join(base, 'pods/a/c/0.log'), 'y\n');
  const third = g.find();
  assert.equal(g.listed, 6);
  assert.deepEqual([...third.changed], [join(base, 'pods/a/c')]);
  // A new pod: the top directory and the new ones are listed.
  age([join(base, 'pods/a/c')], 60);
  mkdirSync(join(base, 'pods/n/c'), { recursive: true });
  writeFileSync(join(base, 'pods/n/c/0.log'), 'z\n');
  const fourth = g.find();
  assert.ok(fourth.paths.includes(join(base, 'pods/n/c/0.log')));
  assert.ok(fourth.changed.has(join(base, 'pods')));
});

test('a directory changed within 2 s of its listing is listed again (a same-tick change cannot hide)', () => {
  const base = tree('racy', ['pods/a/c/0.log']);
  const g = new GlobCache([join(base, 'pods/*/*/*.log')]);
  g.find();
  const n = g.listed;
  g.find();
  assert.equal(g.listed, n * 2, 'recent directories are not trusted');
});

test('missing bases match nothing; ** patterns go to globSync', () => {
  assert.deepEqual(new GlobCache([join(root, 'nope/*/*.log')]).find().paths, []);
  const base = tree('deep', ['a/b/c/d.log']);
  assert.deepEqual(new GlobCache([join(base, '**/*.log')]).find().paths, [join(base, 'a/b/c/d.log')]);
});
