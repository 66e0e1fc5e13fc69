// Watch streams: newline-delimited JSON events over a chunked HTTP response.
//
// One store subscription feeds every watcher. For each change, each distinct representation
// (version, JSON or Table, event type) is serialized once and the same string is written to all
// watchers that want it. Each watcher's unsent output is bounded: a watcher whose socket backlog
// exceeds `maxBufferBytes` (beyond its initial burst) is disconnected and counted, as
// kube-apiserver drops watchers that cannot keep up.
import type { ServerResponse } from 'node:http';
import type { ResourceType } from '../resources.ts';
import { apiVersionOf, storageKey } from '../resources.ts';
import type { KubeObject, WatchEventType } from '../types.ts';
import type { Matcher } from './selectors.ts';
import type { Change, ObjectStore } from './store.ts';
import { keyIdOf } from './store.ts';
import { forgetJson, objectJson } from './serialize.ts';
import { statusFromError } from './status.ts';
import { tableJson, type TableFormat } from './table.ts';

export interface WatchSpec {
  type: ResourceType;
  version: string;
  namespace?: string;
  matcher?: Matcher;
  table?: TableFormat;
  /** Resume: send changes after this resourceVersion. Unset: synthetic ADDED for the current state first. */
  sinceRv?: number;
  /** sendInitialEvents=true: after the synthetic ADDEDs, a BOOKMARK marking their end. */
  initialEventsEnd: boolean;
  bookmarks: boolean;
  timeoutMs: number;
}

export interface WatchStats {
  /** Open watch streams. */
  active: number;
  /** Watchers disconnected because their unsent output exceeded the buffer bound. */
  slowClosed: number;
  /** Events written, all watchers together. */
  eventsSent: number;
}

export interface WatchHubOptions {
  bookmarkIntervalMs?: number;
  maxBufferBytes?: number;
}

interface Watcher {
  spec: WatchSpec;
  res: ServerResponse;
  /** Backlog bound in bytes; raised by the initial burst until the first 'drain'. */
  limit: number;
  /** For Tables: column definitions go only into the first event. */
  headerSent: boolean;
  timer: NodeJS.Timeout;
  closed: boolean;
}

export class WatchHub {
  private readonly store: ObjectStore;
  private readonly byKey = new Map<string, Set<Watcher>>();
  private readonly maxBuffer: number;
  private readonly bookmarkTimer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private readonly counters = { slowClosed: 0, eventsSent: 0 };
  private active = 0;

  constructor(store: ObjectStore, opts: WatchHubOptions = {}) {
    this.store = store;
    this.maxBuffer = opts.maxBufferBytes ?? 8 * 2 ** 20;
    this.unsubscribe = store.onChange((c) => this.dispatch(c));
    this.bookmarkTimer = setInterval(() => this.bookmarks(), opts.bookmarkIntervalMs ?? 60_000);
    this.bookmarkTimer.unref();
  }

  stats(): WatchStats {
    return { active: this.active, ...this.counters };
  }

  /** Starts streaming to `res`; returns once the initial events are written. */
  serve(res: ServerResponse, spec: WatchSpec): void {
    const key = storageKey(spec.type);
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    const w: Watcher = {
      spec,
      res,
      limit: this.maxBuffer,
      headerSent: false,
      timer: setTimeout(() => this.close(w), spec.timeoutMs),
      closed: false,
    };
    let backlog: KubeObject[] = [];
    let backlogTypes: WatchEventType[] = [];
    try {
      if (spec.sinceRv === undefined) {
        const ns = spec.type.namespaced ? spec.namespace : undefined;
        const opts: { namespace?: string; filter?: Matcher } = {};
        if (ns !== undefined) opts.namespace = ns;
        if (spec.matcher) opts.filter = spec.matcher;
        backlog = this.store.listAt(key, opts).items;
        backlogTypes = backlog.map(() => 'ADDED');
      } else {
        for (const c of this.store.eventsSince(key, spec.sinceRv)) {
          const type = this.eventType(spec, c);
          if (type) {
            backlog.push(c.object);
            backlogTypes.push(type);
          }
        }
      }
    } catch (err) {
      // 410 and friends arrive as an ERROR event on a 200 stream, like kube-apiserver.
      clearTimeout(w.timer);
      const status = statusFromError(err);
      res.end(`{"type":"ERROR","object":${JSON.stringify(status)}}\n`);
      return;
    }
    // Initial events in a few large writes rather than one chunk per object.
    let pending = '';
    for (let i = 0; i < backlog.length; i++) {
      pending += this.line(w, backlogTypes[i]!, backlog[i]!);
      this.counters.eventsSent++;
      if (pending.length >= 256 * 1024) {
        res.write(pending);
        pending = '';
      }
    }
    if (pending) res.write(pending);
    if (spec.initialEventsEnd) {
      res.write(this.bookmarkLine(spec, true));
      this.counters.eventsSent++;
    }
    if (backlog.length === 0 && !spec.initialEventsEnd) res.flushHeaders();
    w.limit = res.writableLength + this.maxBuffer;
    res.on('drain', () => (w.limit = this.maxBuffer));
    res.on('close', () => this.unregister(w));
    let set = this.byKey.get(keyIdOf(key));
    if (!set) this.byKey.set(keyIdOf(key), (set = new Set()));
    set.add(w);
    this.active++;
  }

  /** Ends every watch and stops the hub. */
  closeAll(): void {
    clearInterval(this.bookmarkTimer);
    this.unsubscribe();
    for (const set of this.byKey.values()) for (const w of set) this.close(w);
  }

  private eventType(spec: WatchSpec, c: Change): WatchEventType | undefined {
    const ns = spec.type.namespaced ? spec.namespace : undefined;
    if (ns !== undefined && c.object.metadata.namespace !== ns) return undefined;
    const m = spec.matcher;
    if (!m) return c.type;
    // An object that starts or stops matching appears as ADDED or DELETED to this watcher.
    const now = c.type !== 'DELETED' && m(c.object);
    const before = c.prev !== undefined && m(c.prev);
    if (c.type === 'DELETED') return before ? 'DELETED' : undefined;
    if (now) return before ? 'MODIFIED' : 'ADDED';
    return before ? 'DELETED' : undefined;
  }

  private line(w: Watcher, type: WatchEventType, obj: KubeObject, cache?: Map<string, string>): string {
    const s = w.spec;
    const cacheKey = s.table
      ? `${type}|${s.type.group}/${s.version}|T${s.table.apiVersion}|${s.table.includeObject}|${w.headerSent ? 1 : 0}`
      : `${type}|${s.type.group}/${s.version}`;
    let l = cache?.get(cacheKey);
    if (l === undefined) {
      const body = s.table
        ? tableJson(
            s.type,
            s.version,
            [obj],
            s.table,
            { resourceVersion: obj.metadata.resourceVersion },
            w.headerSent,
          )
        : objectJson(s.type, s.version, obj);
      l = `{"type":"${type}","object":${body}}\n`;
      cache?.set(cacheKey, l);
    }
    w.headerSent = true;
    return l;
  }

  private dispatch(c: Change): void {
    // Superseded objects are no longer served by lists; their cached JSON can go.
    forgetJson(c.prev);
    const set = this.byKey.get(c.keyId);
    if (!set || set.size === 0) return;
    const cache = new Map<string, string>();
    for (const w of set) {
      const type = this.eventType(w.spec, c);
      if (!type) continue;
      this.write(w, this.line(w, type, c.object, cache));
    }
  }

  private write(w: Watcher, line: string): void {
    if (w.closed) return;
    if (w.res.writableLength > w.limit) {
      this.counters.slowClosed++;
      w.closed = true;
      // Drop the connection (not a graceful end): its queued output is what must be freed.
      w.res.destroy();
      this.unregister(w);
      return;
    }
    w.res.write(line);
    this.counters.eventsSent++;
  }

  private bookmarkLine(spec: WatchSpec, initialEnd: boolean): string {
    const metadata: Record<string, unknown> = {
      resourceVersion: String(this.store.currentResourceVersion()),
    };
    if (initialEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
    const obj = spec.table
      ? { kind: 'Table', apiVersion: spec.table.apiVersion, metadata, columnDefinitions: null, rows: null }
      : { kind: spec.type.kind, apiVersion: apiVersionOf(spec.type.group, spec.version), metadata };
    return `{"type":"BOOKMARK","object":${JSON.stringify(obj)}}\n`;
  }

  private bookmarks(): void {
    for (const set of this.byKey.values()) {
      for (const w of set) if (w.spec.bookmarks) this.write(w, this.bookmarkLine(w.spec, false));
    }
  }

  private close(w: Watcher): void {
    if (w.closed) return;
    w.closed = true;
    w.res.end();
    this.unregister(w);
  }

  private unregister(w: Watcher): void {
    clearTimeout(w.timer);
    w.closed = true;
    const set = this.byKey.get(keyIdOf(storageKey(w.spec.type)));
    if (set?.delete(w)) this.active--;
  }
}
