import assert from 'node:assert/strict';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CheckpointStore } from './checkpoints.ts';
import { FileTailer, type Batch, type TailOptions } from './tailer.ts';

const root = mkdtempSync(join(tmpdir(), 'wc-tailer-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A pod-log-like tree, a tailer over it and every line it delivered. */
function setup(opts: Partial<TailOptions> = {}, state?: string, ackOf?: (b: Batch) => number | undefined) {
  const dir = join(root, `t${n++}`);
  const logs = join(dir, 'pods', 'ns_pod_uid', 'app');
  mkdirSync(logs, { recursive: true });
  const checkpointDir = state ?? join(dir, 'state');
  const got: string[] = [];
  const batches: Batch[] = [];
  let refuse = 0;
  const make = () =>
    new FileTailer(
      { include: [join(dir, 'pods', '*', '*', '*.log')], checkpointDir, startAt: 'beginning', ...opts },
      async (b) => {
        if (refuse > 0) {
          refuse--;
          throw new Error('queue full');
        }
        batches.push(b);
        got.push(...b.lines);
        return ackOf?.(b);
      },
    );
  return {
    dir,
    logs,
    checkpointDir,
    got,
    batches,
    make,
    refuseNext: (k: number) => (refuse = k),
  };
}

const lines = (prefix: string, k: number) => Array.from({ length: k }, (_, i) => `${prefix}${i}`);
const text = (xs: string[]) => xs.map((x) => `${x}\n`).join('');

describe('FileTailer', () => {
  test('start_at decides for files that existed at a first start; later files are read whole', async () => {
    for (const startAt of ['end', 'beginning'] as const) {
      const s = setup({ startAt });
      writeFileSync(join(s.logs, '0.log'), text(['old']));
      const t = s.make();
      assert.equal(t.start(), undefined);
      await t.poll();
      appendFileSync(join(s.logs, '0.log'), text(['new']));
      writeFileSync(join(s.logs, '1.log'), text(['other']));
      await t.poll();
      await t.stop();
      assert.deepEqual(s.got, startAt === 'end' ? ['new', 'other'] : ['old', 'new', 'other']);
    }
  });

  test('appends across polls; a partial line waits for its newline; CRLF and invalid UTF-8', async () => {
    const s = setup();
    const f = join(s.logs, '0.log');
    writeFileSync(f, 'a\nb\r\npart');
    const t = s.make();
    t.start();
    await t.poll();
    assert.deepEqual(s.got, ['a', 'b\r']);
    appendFileSync(f, 'ial\n');
    appendFileSync(f, Buffer.from([0x78, 0xff, 0x79, 0x0a]));
    appendFileSync(f, '\n');
    await t.poll();
    await t.stop();
    assert.deepEqual(s.got, ['a', 'b\r', 'partial', 'x\ufffdy', '']);
    assert.deepEqual(s.batches.at(-1)!.lineEnds.length, s.batches.at(-1)!.lines.length);
  });

  test('kubelet rotation: the renamed file is read to its end, then the new one, each line once', async () => {
    const s = setup();
    const f = join(s.logs, '0.log');
    writeFileSync(f, text(lines('a', 3)));
    const t = s.make();
    t.start();
    await t.poll();
    appendFileSync(f, text(lines('b', 3))); // written before the rename, not yet read
    renameSync(f, `${f}.20260101-120000`);
    appendFileSync(`${f}.20260101-120000`, text(['c0'])); // the runtime's last write to its old fd
    writeFileSync(f, text(lines('d', 2)));
    await t.poll();
    await t.poll();
    await t.stop();
    assert.deepEqual(s.got, [...lines('a', 3), ...lines('b', 3), 'c0', ...lines('d', 2)]);
    assert.equal(t.stats.filesOpen, 0);
  });

  test('copytruncate: content written after a truncation is read from its start', async () => {
    const s = setup();
    const f = join(s.logs, '0.log');
    writeFileSync(f, text(lines('long-line-before-truncation-', 5)));
    const t = s.make();
    t.start();
    await t.poll();
    truncateSync(f, 0);
    appendFileSync(f, text(['after']));
    await t.poll();
    await t.stop();
    assert.deepEqual(s.got, [...lines('long-line-before-truncation-', 5), 'after']);
  });

  test('a restart resumes at the acknowledged offset: nothing repeated, nothing skipped', async () => {
    const s = setup();
    const f = join(s.logs, '0.log');
    writeFileSync(f, text(lines('a', 3)));
    const t1 = s.make();
    t1.start();
    await t1.poll();
    await t1.stop();
    appendFileSync(f, text(lines('b', 2)));
    const t2 = s.make();
    t2.start();
    await t2.poll();
    await t2.stop();
    assert.deepEqual(s.got, [...lines('a', 3), ...lines('b', 2)]);
  });

  test('partial acknowledgement: the checkpoint stops at the held line until acknowledge() moves it; a rotated file stays open until acknowledged', async () => {
    // The consumer holds back each batch's last line (an entry that may continue).
    const held = (b: Batch) => (b.lines.length > 1 ? b.lineEnds[b.lines.length - 2] : b.startOffset);
    const s = setup({}, undefined, held);
    const f = join(s.logs, '0.log');
    writeFileSync(f, text(lines('a', 3)));
    const t1 = s.make();
    t1.start();
    await t1.poll();
    await t1.stop();
    const cp = () => new CheckpointStore(s.checkpointDir).load().checkpoints.map((c) => c.offset);
    assert.deepEqual(cp(), [text(lines('a', 2)).length], 'checkpoint at the start of the held line');
    // A restart re-reads the held line (it was never passed on), nothing before it.
    const t2 = s.make();
    t2.start();
    await t2.poll();
    assert.deepEqual(s.got, [...lines('a', 3), 'a2']);
    // Rotated out while its last line is held: open until acknowledged, then let go.
    const closed: string[] = [];
    t2.onClose = (file) => closed.push(file.path);
    renameSync(f, `${f}.1`);
    writeFileSync(f, text(['n0']));
    await t2.poll();
    await t2.poll();
    assert.equal(t2.stats.filesOpen, 2, 'the rotated file waits for its acknowledgement');
    const last = s.batches.find((b) => b.lines.includes('a2') && b !== s.batches[0])!;
    t2.acknowledge(last.file, last.endOffset);
    await t2.poll();
    assert.equal(t2.stats.filesOpen, 1);
    assert.deepEqual(closed, [f]);
    await t2.stop();
  });

  test('rotated twice between two looks: the copy in between is read whole, in order', async () => {
    const s = setup();
    const f = join(s.logs, '0.log');
    writeFileSync(f, text(lines('a', 2)));
    const t = s.make();
    t.start();
    await t.poll();
    appendFileSync(f, text(['a2']));
    renameSync(f, `${f}.20260101-000001`);
    writeFileSync(f, text(lines('b', 2)));
    renameSync(f, `${f}.20260101-000002`);
    writeFileSync(f, text(lines('c', 2)));
    await t.poll();
    await t.poll();
    await t.stop();
    assert.deepEqual(s.got, [...lines('a', 3), ...lines('b', 2), ...lines('c', 2)]);
  });

  test('stopped while finishing rotated copies, then rotated again: all finished after the restart', async () => {
    // The consumer holds back the last line of b and c batches (an entry that may continue), so
    // those files are still being finished at stop; a's are acknowledged whole.
    const held = (b: Batch) =>
      b.lines.at(-1)!.startsWith('a')
        ? b.endOffset
        : b.lines.length > 1
          ? b.lineEnds[b.lines.length - 2]!
          : b.startOffset;
    const s = setup({}, undefined, held);
    const f = join(s.logs, '0.log');
    writeFileSync(f, text(lines('a', 2)));
    const t1 = s.make();
    t1.start();
    await t1.poll();
    // Rotated twice before the next look: b is found as a rotated copy (its checkpoint names it).
    renameSync(f, `${f}.20260101-000001`);
    writeFileSync(f, text(lines('b', 2)));
    renameSync(f, `${f}.20260101-000002`);
    writeFileSync(f, text(lines('c', 2)));
    await t1.poll();
    await t1.poll();
    await t1.stop();
    renameSync(f, `${f}.20260101-000003`); // and c rotated while stopped
    writeFileSync(f, text(lines('d', 2)));
    s.got.length = 0;
    const t2 = s.make();
    t2.start();
    await t2.poll();
    await t2.stop();
    assert.deepEqual([...s.got].sort(), ['b1', 'c1', 'd0', 'd1']);
  });

  test('rotation while stopped: the rotated file is finished from its checkpoint, then the new one', async () => {
    const s = setup({ startAt: 'end' });
    const f = join(s.logs, '0.log');
    writeFileSync(f, text(lines('seen', 2)));
    const t1 = s.make();
    t1.start();
    await t1.poll();
    appendFileSync(f, text(['x']));
    await t1.poll();
    await t1.stop();
    appendFileSync(f, text(lines('missed', 2)));
    renameSync(f, `${f}.20260101-120000`);
    writeFileSync(f, text(lines('fresh', 2)));
    const t2 = s.make();
    t2.start();
    await t2.poll();
    await t2.poll();
    await t2.stop();
    assert.deepEqual(s.got, ['x', ...lines('missed', 2), ...lines('fresh', 2)]);
  });

  test('back-pressure: a refused batch is offered again; the checkpoint never passes it', async () => {
    const s = setup();
    const f = join(s.logs, '0.log');
    writeFileSync(f, text(lines('a', 4)));
    const t = s.make();
    t.start();
    s.refuseNext(2);
    await t.poll();
    await t.poll();
    assert.deepEqual(s.got, []);
    await t.stop();
    const saved = new CheckpointStore(s.checkpointDir).load().checkpoints;
    assert.equal(saved[0]!.offset, 0, 'nothing acknowledged, nothing checkpointed');
    const t2 = s.make();
    t2.start();
    await t2.poll();
    await t2.stop();
    assert.deepEqual(s.got, lines('a', 4));
  });

  test('an over-long line is cut and counted, the rest skipped, the next line whole — also across polls', async () => {
    const s = setup({ maxLineBytes: 100 });
    const f = join(s.logs, '0.log');
    writeFileSync(f, `${'x'.repeat(1000)}\nnext\n${'y'.repeat(150)}`);
    const t = s.make();
    t.start();
    await t.poll();
    appendFileSync(f, `${'y'.repeat(300)}\nlast\n`);
    await t.poll();
    await t.stop();
    assert.deepEqual(s.got, ['x'.repeat(100), 'next', 'y'.repeat(100), 'last']);
    assert.equal(t.stats.linesTruncated, 2);
  });

  test('batches are bounded; .gz files and excluded paths are never read', async () => {
    const s = setup({ maxBatchLines: 10 });
    writeFileSync(join(s.logs, '0.log'), text(lines('l', 35)));
    writeFileSync(join(s.logs, '1.log.gz'), 'not text\n');
    mkdirSync(join(s.dir, 'pods', 'skip_me_uid', 'c'), { recursive: true });
    writeFileSync(join(s.dir, 'pods', 'skip_me_uid', 'c', '0.log'), text(['secret']));
    const t = new FileTailer(
      {
        include: [join(s.dir, 'pods', '*', '*', '*.log*')],
        exclude: [join(s.dir, 'pods', 'skip_*', '**')],
        checkpointDir: s.checkpointDir,
        startAt: 'beginning',
        maxBatchLines: 10,
      },
      async (b) => {
        s.batches.push(b);
        s.got.push(...b.lines);
      },
    );
    t.start();
    await t.poll();
    await t.stop();
    assert.deepEqual(s.got, lines('l', 35));
    assert.ok(s.batches.every((b) => b.lines.length <= 10));
    assert.equal(s.batches.length, 4);
  });

  test('checkpoints of files gone while stopped are dropped, not carried from restart to restart', async () => {
    const s = setup();
    writeFileSync(join(s.logs, '0.log'), text(['a']));
    writeFileSync(join(s.logs, '1.log'), text(['b']));
    const t1 = s.make();
    t1.start();
    await t1.poll();
    await t1.stop();
    assert.equal(new CheckpointStore(s.checkpointDir).load().checkpoints.length, 2);
    rmSync(join(s.logs, '1.log'));
    const t2 = s.make();
    t2.start();
    await t2.poll();
    await t2.stop();
    assert.deepEqual(
      new CheckpointStore(s.checkpointDir).load().checkpoints.map((c) => c.path),
      [join(s.logs, '0.log')],
    );
    assert.deepEqual(s.got, ['a', 'b']);
  });

  test('a garbled checkpoint file is reported and treated as a first start', async () => {
    const s = setup({ startAt: 'beginning' });
    mkdirSync(s.checkpointDir, { recursive: true });
    writeFileSync(join(s.checkpointDir, 'filelog-checkpoints.json'), '{"version":1,"files":[{"fp"');
    writeFileSync(join(s.logs, '0.log'), text(['a']));
    const t = s.make();
    assert.match(t.start() ?? '', /not JSON/);
    await t.poll();
    await t.stop();
    assert.deepEqual(s.got, ['a']);
  });
});
