// One file's sends to the pipeline, in flight together and acknowledged in order.
//
// Why: the pipeline resolves a consume only once the data is accepted downstream, and the batch
// processor holds data up to its timeout (200 ms) to fill a batch. Awaiting each send before
// reading on capped a file at one 256-line batch per timeout (~1,300 lines/s). So the receiver
// keeps reading while earlier sends wait, and the file is acknowledged (checkpointed) only up to
// the last send that was accepted with every send before it.
//
// Contracts:
// - start() never rejects. A send the pipeline refuses (retryable) keeps its records; they go
//   again, in order, through retryFailed() — nothing is lost, and nothing after it is
//   acknowledged until it is accepted. A permanent refusal is counted by the caller's
//   `permanent` and dropped (acknowledged), or the file would be stuck for ever.
// - onAck(offset) is called with non-decreasing offsets, each once every send up to it is done.
// - `records` counts records not yet accepted (the caller bounds it).
import type { LogRecord } from '../../../model/logs.ts';
import type { SourcePosition } from '../../../queue/positions.ts';

interface Send {
  records: LogRecord[];
  positions: SourcePosition[] | undefined;
  /** File offset everything before which is passed on once this send is accepted. */
  ack: number;
  state: 'pending' | 'done' | 'failed';
  settled: Promise<void>;
}

export interface SendsOptions {
  send: (records: LogRecord[], positions: SourcePosition[] | undefined) => Promise<void>;
  /** True when the error is permanent (counted there); false: retry later. */
  permanent: (err: unknown, records: number) => boolean;
  onAck: (offset: number) => void;
  /** Shared by every file's sends: records not yet accepted, and the sends still pending. */
  inFlight?: InFlight;
}

/** What all files have in flight together (the receiver bounds it). */
export class InFlight {
  records = 0;
  readonly pending = new Set<Promise<void>>();
}

export class FileSends {
  records = 0;
  private readonly entries: Send[] = [];
  private readonly o: SendsOptions;

  constructor(o: SendsOptions) {
    this.o = o;
  }

  /** Sends `records` (none: only an acknowledgement, in its turn); resolves when settled. */
  start(records: LogRecord[], ack: number, positions?: SourcePosition[]): Promise<void> {
    if (records.length === 0 && this.entries.length === 0) {
      this.o.onAck(ack);
      return Promise.resolve();
    }
    const e: Send = { records, positions, ack, state: 'pending', settled: Promise.resolve() };
    this.entries.push(e);
    this.records += records.length;
    if (this.o.inFlight) this.o.inFlight.records += records.length;
    e.settled = this.track(this.attempt(e));
    return e.settled;
  }

  private async attempt(e: Send): Promise<void> {
    if (e.records.length === 0) e.state = 'done';
    else {
      try {
        await this.o.send(e.records, e.positions);
        e.state = 'done';
      } catch (err) {
        e.state = this.o.permanent(err, e.records.length) ? 'done' : 'failed';
      }
    }
    if (e.state === 'done') {
      this.records -= e.records.length;
      if (this.o.inFlight) this.o.inFlight.records -= e.records.length;
    }
    this.settle();
  }

  private track(p: Promise<void>): Promise<void> {
    const set = this.o.inFlight?.pending;
    if (!set) return p;
    set.add(p);
    void p.then(() => set.delete(p));
    return p;
  }

  private settle(): void {
    let ack: number | undefined;
    while (this.entries.length > 0 && this.entries[0]!.state === 'done') ack = this.entries.shift()!.ack;
    if (ack !== undefined) this.o.onAck(ack);
  }

  /** Sends refused earlier go again, oldest first; true when none is left refused. */
  async retryFailed(): Promise<boolean> {
    for (const e of this.entries) {
      if (e.state !== 'failed') continue;
      e.state = 'pending';
      e.settled = this.track(this.attempt(e));
      await e.settled;
      if ((e.state as Send['state']) === 'failed') return false;
    }
    return true;
  }

  get hasFailed(): boolean {
    return this.entries.some((e) => e.state === 'failed');
  }

  /** Settles when every send in flight now has settled. */
  async idle(): Promise<void> {
    await Promise.all(this.entries.map((e) => e.settled));
  }
}
