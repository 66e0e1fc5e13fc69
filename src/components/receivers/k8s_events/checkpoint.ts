// Where the k8s_events receiver remembers how far it got: the resourceVersion of the last event
// (or bookmark) the pipeline acknowledged, and the newest event time among what it emitted (for
// a relist after 410 Gone when resourceVersions are not comparable).
//
//   FileCheckpoints   <data-dir>/k8s_events/<id>/checkpoint.json, replaced atomically (temporary
//                     file, fsync, rename, fsync of the directory). Records the API server too:
//                     a checkpoint from another cluster is ignored.
//   LeaseCheckpoints  an annotation on the leader election's Lease, written by the leader with
//                     an update guarded by the Lease's resourceVersion — a deposed leader's write
//                     is refused — so the next leader continues where the last one stopped.
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { LeaderElection } from '../../../k8s/leader-election.ts';
import type { ComponentId } from '../../../pipeline/component.ts';

export interface Checkpoint {
  resourceVersion: string;
  /** The newest event time emitted so far (Unix ns). */
  timeUnixNano: bigint;
  /** The API server the resourceVersion belongs to (file checkpoints). */
  server?: string;
}

export interface CheckpointStore {
  readonly where: string;
  load(): Promise<Checkpoint | undefined>;
  save(cp: Checkpoint): Promise<void>;
}

const MAX_TEXT = 4096;

export function encodeCheckpoint(cp: Checkpoint): string {
  return JSON.stringify({
    v: 1,
    resourceVersion: cp.resourceVersion,
    time: cp.timeUnixNano.toString(),
    ...(cp.server !== undefined && { server: cp.server }),
  });
}

/** Parses a stored checkpoint; undefined when it is not one (never throws). */
export function decodeCheckpoint(text: unknown): Checkpoint | undefined {
  if (typeof text !== 'string' || text.length > MAX_TEXT) return undefined;
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) return undefined;
  const r = o as Record<string, unknown>;
  if (r.v !== 1) return undefined;
  const rv = r.resourceVersion;
  const time = r.time;
  if (typeof rv !== 'string' || rv === '' || rv.length > 256) return undefined;
  if (typeof time !== 'string' || !/^\d{1,20}$/.test(time)) return undefined;
  if (r.server !== undefined && typeof r.server !== 'string') return undefined;
  return {
    resourceVersion: rv,
    timeUnixNano: BigInt(time),
    ...(typeof r.server === 'string' && { server: r.server }),
  };
}

export class FileCheckpoints implements CheckpointStore {
  readonly where: string;
  private readonly dir: string;
  private readonly file: string;
  private readonly server: string;
  /** Why the last load found nothing usable (for the start log). */
  problem: string | undefined;

  constructor(dir: string, server: string) {
    this.dir = dir;
    this.file = join(dir, 'checkpoint.json');
    this.where = this.file;
    this.server = server;
  }

  async load(): Promise<Checkpoint | undefined> {
    this.problem = undefined;
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
        this.problem = `cannot read ${this.file}: ${(e as NodeJS.ErrnoException).code}`;
      return undefined;
    }
    const cp = decodeCheckpoint(text);
    if (!cp) {
      this.problem = `${this.file} is not a checkpoint; starting from now`;
      return undefined;
    }
    if (cp.server !== undefined && cp.server !== this.server) {
      this.problem = `${this.file} belongs to API server ${cp.server}, not ${this.server}; starting from now`;
      return undefined;
    }
    return cp;
  }

  async save(cp: Checkpoint): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const tmp = `${this.file}.tmp`;
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(encodeCheckpoint({ ...cp, server: this.server }));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.file);
    const dh = await open(this.dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  }
}

/** The Lease annotation that holds a receiver's checkpoint: `watchingcat.io/k8s-events-checkpoint[.<name>]`. */
export function checkpointAnnotation(id: ComponentId): string {
  let name = 'k8s-events-checkpoint';
  if (id.name) name += `.${id.name.replace(/[^A-Za-z0-9._-]/g, '-')}`;
  name = name.slice(0, 63).replace(/[^A-Za-z0-9]+$/, '');
  return `watchingcat.io/${name}`;
}

export class LeaseCheckpoints implements CheckpointStore {
  readonly where: string;
  private readonly election: LeaderElection;
  private readonly key: string;

  constructor(election: LeaderElection, key: string) {
    this.election = election;
    this.key = key;
    this.where = `lease ${election.leaseKey} annotation ${key}`;
  }

  async load(): Promise<Checkpoint | undefined> {
    return decodeCheckpoint(this.election.annotation(this.key));
  }

  save(cp: Checkpoint): Promise<void> {
    return this.election.writeAnnotation(this.key, encodeCheckpoint(cp));
  }
}
