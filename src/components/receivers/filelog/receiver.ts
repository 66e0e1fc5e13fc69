// The `filelog` receiver: container logs from the kubelet's /var/log/pods (or any files the
// include globs name) into the logs pipelines.
//
// Flow per file: FileTailer (src/logs/tail) hands over complete lines in batches → the file's
// format is detected once (CRI or Docker; neither: each line is a record as written) → lines are
// parsed, partial lines recombined per stream (src/logs/container) → multi-line entries grouped
// per stream (src/logs/multiline: stack traces, continuation lines) → one record per entry, with
// the runtime's timestamp, `log.iostream`, severity read from the message, the pod's resource
// attributes from the path → the pipeline.
//
// Contracts:
// - Lines are acknowledged to the tailer (which checkpoints up to them) only once the pipeline
//   accepted their records (the export queue has them, persistent when configured) and those of
//   every line before them (sends.ts: reading goes on while sends wait for the batch processor).
//   Lines held back — a partial line waiting for its last piece, an entry that may still
//   continue — are not: acknowledgement stops before the first of them until their entry is sent
//   (when a line that does not continue it arrives, or after force_flush_period). So a kill -9
//   loses nothing; lines not yet acknowledged are read again after a restart.
// - Records not yet accepted are bounded (MAX_IN_FLIGHT); past it, reading waits.
// - Refused by the pipeline (back-pressure): the refused records are kept and sent again, in
//   order, before anything newer from that file; while they are refused the file's next batch is
//   refused to the tailer, which stops reading and offers it again later (the files are the
//   buffer) — those lines were not parsed yet, so nothing is fed twice.
// - Lines of one stream interleaved with an entry of the other that is held back are read again
//   after a crash (at-least-once for them; the two streams of one container rarely interleave
//   within force_flush_period).
import { join } from 'node:path';
import type { Consumer, CreateSettings, Host, Lifecycle } from '../../../pipeline/component.ts';
import type { KeyValue } from '../../../model/common.ts';
import type { LogRecord, LogsData } from '../../../model/logs.ts';
import { PermanentError } from '../../../pipeline/errors.ts';
import { VERSION } from '../../../version.ts';
import {
  Recombiner,
  detectFormat,
  parseCriLine,
  parseDockerLine,
  podLogIdentity,
  podLogResource,
  severityOf,
  type Entry,
  type LogFormat,
  type PodLogIdentity,
} from '../../../logs/container/index.ts';
import { Grouper, type MultilineMode } from '../../../logs/multiline/grouper.ts';
import { NodePods, type PodMeta } from '../../../k8s/node-pods.ts';
import { FileTailer, type Batch, type TailedFile } from '../../../logs/tail/tailer.ts';
import type { FileLogConfig } from './config.ts';
import { FileSends, InFlight } from './sends.ts';
import type { SourcePosition } from '../../../queue/positions.ts';

/**
 * Records handed to the pipeline and not yet accepted, over all files (~4 batches of the batch
 * processor's 8,192): enough to fill its batches while earlier ones export, and a bound on memory.
 */
const MAX_IN_FLIGHT = 32_768;
/** How long shutdown waits for sends in flight to be accepted. */
const SHUTDOWN_WAIT_MS = 5000;

interface FileState {
  /** undefined until the first non-empty line; 'raw' when it is neither CRI nor Docker. */
  format: LogFormat | 'raw' | undefined;
  recombiner: Recombiner;
  grouper: Grouper;
  resource: KeyValue[];
  fileAttributes: KeyValue[];
  skip: boolean;
  /** The pod (from the path), its metadata once the node's pod list has it. */
  pod: PodLogIdentity | undefined;
  meta: PodMeta | undefined;
  /** Sends in flight or refused, acknowledged in order. */
  sends: FileSends;
  lastLineAt: number;
  /** End offset of the last batch handed over: where an acknowledgement of everything goes. */
  readTo: number;
  /** The file's key in source positions (inode + first bytes: stable across renames). */
  key: string;
  /** Where the last send's position ended: the next one starts there. Undefined before the first. */
  sentTo: number | undefined;
}

const str = (key: string, v: string): KeyValue => ({ key, value: { stringValue: v } });
const STDOUT = str('log.iostream', 'stdout');
const STDERR = str('log.iostream', 'stderr');
/** No trace context (zero-length: nothing can be written into it, so one serves every record). */
const NO_ID = new Uint8Array(0);

/** Pod annotations: `<key>` for every container, `<key>.<container>` for one. */
const ANNOTATION_LOGS = 'watchingcat.io/logs';
const ANNOTATION_MULTILINE = 'watchingcat.io/multiline';

const WORKLOAD_ATTRIBUTES: Record<string, string> = {
  Deployment: 'k8s.deployment.name',
  ReplicaSet: 'k8s.replicaset.name',
  StatefulSet: 'k8s.statefulset.name',
  DaemonSet: 'k8s.daemonset.name',
  Job: 'k8s.job.name',
  CronJob: 'k8s.cronjob.name',
};

/** `auto`, `off`, `start:<regex>` or `end:<regex>`; undefined when it is none of them. */
export function multilineAnnotation(v: string): MultilineMode | undefined {
  const t = v.trim();
  if (/^auto$/i.test(t)) return 'auto';
  if (/^(off|none|false|disabled)$/i.test(t)) return 'off';
  const m = /^(start|end):(.+)$/s.exec(t);
  if (!m) return undefined;
  try {
    const re = new RegExp(m[2]!);
    return m[1] === 'start' ? { lineStart: re } : { lineEnd: re };
  } catch {
    return undefined;
  }
}

/**
 * A file's key in source positions: the receiver, the inode and the first 64 bytes (a CRI line's
 * nanosecond timestamp and more) — stable across renames, and an inode reused by another file
 * does not match.
 */
function positionKey(receiver: string, file: TailedFile): string {
  return `${receiver}:${file.ino}:${file.fingerprint.subarray(0, 64).toString('hex')}`;
}

/** A glob under the host's root (the host's / mounted at /hostfs in a container). */
function underRoot(root: string, glob: string): string {
  return root === '/' ? glob : join(root, glob);
}

/** `*` and `?` globs over names (namespaces, pods, containers). */
function nameMatcher(patterns: string[]): (name: string) => boolean {
  const res = patterns.map(
    (p) =>
      new RegExp(
        `^${p
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
      ),
  );
  return (name) => res.some((r) => r.test(name));
}

export class FileLogReceiver implements Lifecycle {
  private readonly settings: CreateSettings;
  private readonly config: FileLogConfig;
  private readonly next: Consumer<'logs'> | undefined;
  private tailer: FileTailer | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly files = new Map<TailedFile, FileState>();
  private readonly inFlight = new InFlight();
  /** This node's pods (annotations, workloads); undefined without Kubernetes or a node name. */
  private pods: NodePods | undefined;
  private readonly multiline: MultilineMode;
  private root = '/';
  private parseErrors = 0;
  private stopped = false;

  constructor(settings: CreateSettings, config: FileLogConfig, next: Consumer<'logs'> | undefined) {
    this.settings = settings;
    this.config = config;
    this.next = next;
    const m = config.multiline;
    this.multiline = m.line_start_pattern
      ? { lineStart: new RegExp(m.line_start_pattern) }
      : m.line_end_pattern
        ? { lineEnd: new RegExp(m.line_end_pattern) }
        : m.auto
          ? 'auto'
          : 'off';
  }

  async start(host: Host): Promise<void> {
    const c = this.config;
    this.root = c.root_path ?? this.settings.hostRootPath ?? '/';
    let checkpointDir = join(
      this.settings.dataDir,
      'filelog',
      this.settings.id.key.replace(/[^A-Za-z0-9._-]/g, '_'),
    );
    if (c.storage !== undefined) {
      const ext = host.getExtension(c.storage);
      if (!ext?.storage)
        throw new Error(
          `storage: extension "${c.storage}" is not a running storage extension (add it under extensions and service.extensions)`,
        );
      checkpointDir = await ext.storage.directoryFor('receiver', this.settings.id);
    }
    await this.startPodMetadata(host);
    const id = this.settings.id.key;
    const stored = host.storedPositions?.(this.settings.id);
    this.tailer = new FileTailer(
      {
        include: c.include.map((g) => underRoot(this.root, g)),
        exclude: c.exclude.map((g) => underRoot(this.root, g)),
        startAt: c.start_at,
        fingerprintSize: c.fingerprint_size,
        maxLineBytes: c.max_log_size,
        maxFiles: c.max_concurrent_files,
        // Small batches: a batch's lines and records must die young. With the agent's 1 MiB
        // young generation, 1,000-line batches were promoted and collected as old objects:
        // twice the CPU per byte and +80 MiB RSS (bench/filelog.bench.ts).
        maxBatchLines: 256,
        maxBatchBytes: 64 * 1024,
        // New and rotated files are looked for once a second, open files read every poll: on a
        // node with 1,000 container logs each look is ~2,000 directory stats (bench/RESULTS.md).
        discoverEveryMs: Math.max(c.poll_interval, 1000),
        // After a crash, lines the export queue already holds are not read again: the queue
        // stored where each file was with the data (exactly once with a persistent queue).
        ...(stored
          ? { resume: (file: TailedFile, offset: number) => stored.reach(positionKey(id, file), offset) }
          : {}),
        checkpointDir,
      },
      (b) => this.onBatch(b),
    );
    this.tailer.onClose = (file) => this.files.delete(file);
    const problem = this.tailer.start();
    if (problem)
      this.settings.logger.warn({ problem }, 'filelog: checkpoints unusable; starting as on a first start');
    const t = this.settings.telemetry;
    const stats = this.tailer.stats;
    t.observe('filelog_files_open', 'Files the filelog receiver holds open.', () => stats.filesOpen);
    t.observeCounter('filelog_read_bytes', 'Bytes read from log files.', () => stats.bytesRead);
    t.observeCounter('filelog_read_lines', 'Lines read from log files.', () => stats.linesRead);
    t.observeCounter('filelog_truncated_lines', 'Lines cut at max_log_size.', () => stats.linesTruncated);
    t.observeCounter(
      'filelog_parse_errors',
      'Lines that were not CRI or Docker in a file that was.',
      () => this.parseErrors,
    );
    t.observeCounter(
      'filelog_resumed_bytes',
      'Bytes not read again after a restart because the export queue held their lines.',
      () => stats.resumedBytes,
    );
    t.observeEach(
      'filelog_lag_bytes',
      'Bytes written to an open log file and not yet read, per file.',
      'file',
      () => stats.lagBytes,
    );
    this.settings.logger.info(
      { include: c.include, root_path: this.root, checkpoints: checkpointDir },
      'filelog: tailing',
    );
    this.timer = setInterval(() => void this.tick(), c.poll_interval);
    this.timer.unref();
  }

  /** Watches this node's pods when there is a Kubernetes API and a node name (pod_metadata). */
  private async startPodMetadata(host: Host): Promise<void> {
    const pm = this.config.pod_metadata;
    if (!pm.enabled) return;
    const node = pm.node_name ?? (process.env[pm.node_from_env_var] || undefined);
    const log = this.settings.logger;
    if (!node) {
      log.info(
        { env: pm.node_from_env_var },
        'filelog: no node name, so pod annotations (opt-out, multi-line) and workload names are not used; set it from the downward API (spec.nodeName)',
      );
      return;
    }
    let access;
    try {
      access = await host.kubernetes?.();
    } catch (err) {
      log.warn(
        { err: (err as Error).message },
        'filelog: no Kubernetes API; pod annotations and workload names are not used',
      );
      return;
    }
    if (!access) return;
    const pods = new NodePods({
      client: access.client,
      nodeName: node,
      onError: (err, where) =>
        log.warn({ err: (err as Error).message, where }, 'filelog: watching this node’s pods'),
    });
    this.pods = pods;
    pods.start();
    // Files are read once the pods are known (or 5 s passed): their annotations decide.
    let timer: NodeJS.Timeout | undefined;
    const ok = await Promise.race([
      pods.synced.then(
        () => true,
        () => false,
      ),
      new Promise<false>((r) => (timer = setTimeout(() => r(false), 5000))),
    ]);
    clearTimeout(timer);
    log.info(
      { node, pods: pods.size, synced: ok },
      'filelog: watching this node’s pods for annotations and workload names',
    );
  }

  private ticking: Promise<void> | undefined;

  private firstPollDone = false;

  private tick(): Promise<void> {
    this.ticking ??= (async () => {
      try {
        await this.tailer?.poll();
        if (!this.firstPollDone && this.tailer) {
          this.firstPollDone = true;
          const st = this.tailer.stats;
          if (st.resumedBytes > 0)
            this.settings.logger.info(
              { files: st.filesOpen, skippedBytes: st.resumedBytes },
              'filelog: resumed; lines the export queue already holds were not read again',
            );
        }
        await this.flushWaiting(false);
      } catch (err) {
        this.settings.logger.warn({ err: (err as Error).message }, 'filelog: poll failed');
      }
    })().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  /** One poll now (tests and shutdown). */
  async pollOnce(): Promise<void> {
    await this.tick();
  }

  private state(file: TailedFile): FileState {
    const known = this.files.get(file);
    if (known) return known;
    const path = file.path;
    const rel = this.root === '/' ? path : path.slice(this.root.replace(/\/$/, '').length);
    const id = podLogIdentity(rel);
    const fileAttributes: KeyValue[] = [];
    if (this.config.include_file_name)
      fileAttributes.push(str('log.file.name', rel.slice(rel.lastIndexOf('/') + 1)));
    if (this.config.include_file_path) fileAttributes.push(str('log.file.path', rel));
    const s: FileState = {
      format: undefined,
      recombiner: new Recombiner(this.config.max_log_size),
      grouper: new Grouper({
        mode: this.multiline,
        maxBytes: this.config.max_log_size,
        maxLines: this.config.multiline.max_lines,
      }),
      resource: id ? podLogResource(id).map(([k, v]) => str(k, v)) : [],
      fileAttributes,
      skip: id !== undefined && this.excluded(id),
      pod: id,
      meta: undefined,
      sends: new FileSends({
        send: (records, positions) => this.send(s, records, positions),
        permanent: (err, n) => this.permanent(err, n),
        onAck: (offset) => this.tailer?.acknowledge(file, offset),
        inFlight: this.inFlight,
      }),
      lastLineAt: Date.now(),
      readTo: 0,
      key: positionKey(this.settings.id.key, file),
      sentTo: undefined,
    };
    this.files.set(file, s);
    this.resolvePod(s);
    return s;
  }

  /**
   * Applies the pod's metadata once the node's pod list has it: its opt-out annotation, its
   * multi-line override (only while nothing is pending), and the node and workload names.
   */
  private resolvePod(s: FileState): void {
    if (s.meta || !s.pod || !this.pods) return;
    const meta = this.pods.byUid(s.pod.uid);
    if (!meta) return;
    s.meta = meta;
    const a = meta.annotations;
    const c = s.pod.container;
    const logs = a[`${ANNOTATION_LOGS}.${c}`] ?? a[ANNOTATION_LOGS];
    if (logs !== undefined && /^(false|off|no|disabled)$/i.test(logs.trim())) s.skip = true;
    const ml = a[`${ANNOTATION_MULTILINE}.${c}`] ?? a[ANNOTATION_MULTILINE];
    if (ml !== undefined && s.grouper.pendingBytes === 0) {
      const mode = multilineAnnotation(ml);
      if (mode === undefined)
        this.settings.logger.warn(
          { pod: `${meta.namespace}/${meta.name}`, container: c, value: ml },
          `filelog: ${ANNOTATION_MULTILINE} must be auto, off, start:<regex> or end:<regex>; using the receiver's setting`,
        );
      else
        s.grouper = new Grouper({
          mode,
          maxBytes: this.config.max_log_size,
          maxLines: this.config.multiline.max_lines,
        });
    }
    const extra: KeyValue[] = [];
    if (meta.nodeName) extra.push(str('k8s.node.name', meta.nodeName));
    for (const w of meta.workloads) {
      const key = WORKLOAD_ATTRIBUTES[w.kind];
      if (key) extra.push(str(key, w.name));
    }
    s.resource = [...s.resource, ...extra];
  }

  private excluded(id: PodLogIdentity): boolean {
    const c = this.config;
    const test = (f: { include: string[]; exclude: string[] }, name: string) =>
      (f.include.length > 0 && !nameMatcher(f.include)(name)) || nameMatcher(f.exclude)(name);
    if (test(c.namespaces, id.namespace) || test(c.pods, id.pod) || test(c.containers, id.container))
      return true;
    if (c.exclude_self) {
      const self = process.env.K8S_POD_NAME || process.env.POD_NAME;
      if (self && id.pod === self) return true;
      if (id.pod.startsWith('watchingcat-')) return true;
    }
    return false;
  }

  private record(
    s: FileState,
    e: Entry | { timeUnixNano: bigint; message: string; stream?: string },
    now: bigint,
  ): LogRecord {
    const sev = severityOf(e.message);
    // Each record gets its own array (a processor may change it); the KeyValues are shared —
    // processors replace them, never change them in place.
    const fa = s.fileAttributes;
    let attributes: KeyValue[];
    if (e.stream === undefined) attributes = fa.slice();
    else {
      const kv = e.stream === 'stderr' ? STDERR : STDOUT;
      attributes = fa.length === 1 ? [kv, fa[0]!] : [kv, ...fa];
    }
    return {
      timeUnixNano: e.timeUnixNano,
      observedTimeUnixNano: now,
      severityNumber: sev.number,
      severityText: sev.text,
      body: { stringValue: e.message },
      attributes,
      droppedAttributesCount: 0,
      flags: 0,
      traceId: NO_ID,
      spanId: NO_ID,
      eventName: '',
    };
  }

  /** A grouped entry's record; lines of a file that is neither CRI nor Docker have no stream. */
  private entryRecord(s: FileState, e: Entry, now: bigint): LogRecord {
    return this.record(s, s.format === 'raw' ? { timeUnixNano: e.timeUnixNano, message: e.message } : e, now);
  }

  /** Records for the batch's lines: parsed, recombined, grouped. */
  private records(s: FileState, b: Batch): LogRecord[] {
    const now = BigInt(Date.now()) * 1_000_000n;
    const out: LogRecord[] = [];
    const entries: Entry[] = [];
    const { lines, lineEnds } = b;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const offset = i === 0 ? b.startOffset : lineEnds[i - 1]!;
      if (s.format === undefined) {
        if (line.trim() === '') continue;
        s.format = detectFormat(line) ?? 'raw';
      }
      if (s.format === 'raw') {
        s.grouper.push({ timeUnixNano: 0n, stream: 'stdout', message: line, offset }, entries);
      } else {
        const p = s.format === 'cri' ? parseCriLine(line) : parseDockerLine(line);
        if ('error' in p) {
          if (line === '') continue;
          this.parseErrors++;
          out.push(this.record(s, { timeUnixNano: 0n, message: line }, now)); // as written
        } else {
          const e = s.recombiner.push(p, offset);
          if (e) s.grouper.push(e, entries);
        }
      }
      if (entries.length > 0) {
        for (const e of entries) out.push(this.entryRecord(s, e, now));
        entries.length = 0;
      }
    }
    return out;
  }

  /** Where this file may be acknowledged to: before the first line still held back. */
  private ackOffset(s: FileState): number {
    const a = s.recombiner.pendingOffset;
    const b = s.grouper.pendingOffset;
    const held = a === undefined ? b : b === undefined ? a : Math.min(a, b);
    return held ?? s.readTo;
  }

  private async onBatch(b: Batch): Promise<number | void> {
    const s = this.state(b.file);
    s.lastLineAt = Date.now();
    if (!s.meta) this.resolvePod(s); // a pod younger than our last look at the node's pods
    if (s.skip || !this.next) return; // all of it
    // Refused records of this file go first; still refused: so is this batch (offered again).
    if (s.sends.hasFailed && !(await s.sends.retryFailed()))
      throw new Error('filelog: the pipeline refuses this file’s earlier records; retrying');
    s.sentTo ??= b.startOffset;
    const records = this.records(s, b);
    s.readTo = b.endOffset;
    this.startSend(s, records);
    await this.room();
    return 0; // nothing new now: the sends acknowledge (tailer.acknowledge) as they are accepted
  }

  /**
   * Starts a send of `records`; its position says the lines from the previous send's end to the
   * first line still held back are passed on with it (an empty send moves nothing: the next
   * send's position covers its lines too).
   */
  private startSend(s: FileState, records: LogRecord[]): void {
    const ack = this.ackOffset(s);
    let positions: SourcePosition[] | undefined;
    if (records.length > 0 && s.sentTo !== undefined && ack > s.sentTo) {
      positions = [{ key: s.key, from: s.sentTo, to: ack }];
      s.sentTo = ack;
    }
    void s.sends.start(records, ack, positions);
  }

  /** Waits while too many records are in flight (over all files). */
  private async room(): Promise<void> {
    while (this.inFlight.records > MAX_IN_FLIGHT && this.inFlight.pending.size > 0)
      await Promise.race(this.inFlight.pending);
  }

  /** Counts a refusal; true when it is permanent (retrying cannot help). */
  private permanent(err: unknown, n: number): boolean {
    const permanent = err instanceof PermanentError;
    this.settings.telemetry.refused('logs', n, 'file', permanent ? 'permanent' : 'retry');
    if (permanent)
      this.settings.logger.warn(
        { err: (err as Error).message, records: n },
        'filelog: the pipeline can never accept these records; dropped',
      );
    return permanent;
  }

  private async send(s: FileState, logRecords: LogRecord[], positions?: SourcePosition[]): Promise<void> {
    const data: LogsData = {
      resourceLogs: [
        {
          resource: { attributes: s.resource, droppedAttributesCount: 0 },
          scopeLogs: [
            {
              scope: {
                name: 'watchingcat/filelog',
                version: VERSION,
                attributes: [],
                droppedAttributesCount: 0,
              },
              logRecords,
              schemaUrl: '',
            },
          ],
          schemaUrl: '',
        },
      ],
    };
    await this.next!.consume(data, positions ? { positions } : {});
    this.settings.telemetry.accepted('logs', logRecords.length, 'file');
  }

  /**
   * Sends entries that waited force_flush_period for a continuation (all of them when `all`)
   * and records refused earlier.
   */
  private async flushWaiting(all: boolean): Promise<void> {
    const now = Date.now();
    for (const s of this.files.values()) {
      if (s.skip || !this.next) continue;
      if (s.sends.hasFailed && !(await s.sends.retryFailed())) continue; // still refused: next tick
      const waiting = s.recombiner.pendingBytes > 0 || s.grouper.pendingBytes > 0;
      if (!waiting || (!all && now - s.lastLineAt < this.config.force_flush_period)) continue;
      const t = BigInt(now) * 1_000_000n;
      const entries: Entry[] = [];
      for (const e of s.recombiner.flush()) s.grouper.push(e, entries);
      s.grouper.flush(entries);
      this.startSend(
        s,
        entries.map((e) => this.entryRecord(s, e, t)),
      );
    }
  }

  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
    await this.flushWaiting(true).catch(() => undefined);
    // Sends in flight are acknowledged as they are accepted (the batch processor flushes within
    // its timeout); what is not accepted by then is not checkpointed and is read again next start.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.files.values()].map((f) => f.sends.idle())),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_WAIT_MS))),
    ]);
    clearTimeout(timer);
    await this.tailer?.stop();
    await this.pods?.stop();
  }
}
