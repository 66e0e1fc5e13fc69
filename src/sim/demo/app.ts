// The demo application of `watchingcat up --demo`: a small shop whose services are the simulated
// cluster's Deployments. It sends traces and logs over OTLP/HTTP (protobuf) to the process's own
// OTLP receiver — the real ingest path — so the UI's services, traces, logs and pod pages fill up.
//
// Each request is one trace: an entry service calls one to three others, leaf services query a
// database; about 3 % fail (status ERROR, HTTP 500, an ERROR log with the exception). Every
// server span writes a log line with its trace and span ids. Resources name the serving pod
// (k8s.pod.uid, name, namespace) so enrichment adds the workload and the UI links pod ↔ traces.
//
// Contracts: sends are sequential (one request in flight), a failed send is counted and dropped
// (a demo must not buffer without bound), and stop() waits for the send in flight.
import { randomBytes } from 'node:crypto';
import { encodeRequest } from '../../codecs/otlp/index.ts';
import type { KeyValue } from '../../model/common.ts';
import type { LogRecord, LogsData, ResourceLogs } from '../../model/logs.ts';
import { SpanKind, StatusCode, type ResourceSpans, type Span, type TracesData } from '../../model/traces.ts';
import type { KubeObject } from '../../k8s/types.ts';
import type { ObjectStore } from '../apiserver/store.ts';
import { Rng } from '../engine/rand.ts';

export interface DemoAppOptions {
  store: ObjectStore;
  /** OTLP/HTTP base URL, e.g. http://127.0.0.1:4318. */
  endpoint: string;
  /** Traces per second (default 10). */
  rate?: number;
  seed?: number;
  /** Bearer token for the receiver, when it needs one. */
  token?: string;
}

export interface DemoStats {
  traces: number;
  spans: number;
  logs: number;
  failedSends: number;
  lastError: string | undefined;
}

interface Service {
  name: string;
  pod: { uid: string; name: string; namespace: string };
  routes: string[];
}

const ROUTES = [
  'GET /api/cart',
  'POST /api/checkout',
  'GET /api/products/{id}',
  'GET /api/search',
  'POST /api/login',
];
const DB_QUERIES = [
  'SELECT * FROM items WHERE id = $1',
  'UPDATE carts SET total = $1 WHERE id = $2',
  'SELECT * FROM users WHERE email = $1',
];
const ERRORS = [
  'upstream timeout after 2000 ms',
  'connection refused: payments:8080',
  'deadlock detected',
  'invalid card number',
];

const str = (key: string, v: string): KeyValue => ({ key, value: { stringValue: v } });
const int = (key: string, v: number): KeyValue => ({ key, value: { intValue: v } });
const ns = (ms: number): bigint => BigInt(Math.round(ms * 1e6));

/** Running pods of Deployments, one per Deployment (the first by name), as the shop's services. */
export function demoServices(store: ObjectStore, max = 6): Service[] {
  const byDeployment = new Map<string, KubeObject>();
  for (const p of store.list({ group: '', resource: 'pods' })) {
    const md = p.metadata;
    const owner = md.ownerReferences?.find((o) => o.controller);
    const phase = (p.status as { phase?: string } | undefined)?.phase;
    if (owner?.kind !== 'ReplicaSet' || phase !== 'Running' || !md.uid) continue;
    const hash = md.labels?.['pod-template-hash'];
    const deployment =
      hash && owner.name.endsWith(`-${hash}`) ? owner.name.slice(0, -hash.length - 1) : owner.name;
    if (md.namespace === 'kube-system') continue;
    const key = `${md.namespace}/${deployment}`;
    const held = byDeployment.get(key);
    if (!held || held.metadata.name > md.name) byDeployment.set(key, p);
  }
  return [...byDeployment.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .slice(0, max)
    .map(([key, p], i) => ({
      name: p.metadata.labels?.['app.kubernetes.io/name'] ?? key.split('/')[1]!,
      pod: { uid: p.metadata.uid!, name: p.metadata.name, namespace: p.metadata.namespace ?? 'default' },
      routes: ROUTES.slice(i % 2, (i % 2) + 3),
    }));
}

export class DemoApp {
  readonly stats: DemoStats = { traces: 0, spans: 0, logs: 0, failedSends: 0, lastError: undefined };
  private readonly o: Required<Omit<DemoAppOptions, 'token'>> & { token?: string };
  private readonly rng: Rng;
  private services: Service[] = [];
  private servicesAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private stopped = false;

  constructor(o: DemoAppOptions) {
    this.o = { rate: 10, seed: 1, ...o };
    this.rng = new Rng(this.o.seed);
  }

  start(): void {
    const tickMs = 500;
    this.timer = setInterval(() => {
      if (this.sending || this.stopped) return; // one send in flight; a slow receiver slows the demo
      this.sending = this.tick(tickMs).finally(() => (this.sending = undefined));
    }, tickMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.sending;
  }

  /** One tick's traces and logs, generated and sent (exposed for tests). */
  async tick(tickMs: number): Promise<void> {
    const now = Date.now();
    if (now - this.servicesAt > 10_000 || this.services.length === 0) {
      this.services = demoServices(this.o.store);
      this.servicesAt = now;
    }
    if (this.services.length === 0) return;
    const traces = new Map<string, ResourceSpans>();
    const logs = new Map<string, ResourceLogs>();
    const n = Math.max(1, Math.round((this.o.rate * tickMs) / 1000));
    for (let i = 0; i < n; i++) this.trace(now - this.rng.int(0, tickMs), traces, logs);
    await this.send('traces', { resourceSpans: [...traces.values()] });
    await this.send('logs', { resourceLogs: [...logs.values()] });
  }

  private trace(startMs: number, traces: Map<string, ResourceSpans>, logs: Map<string, ResourceLogs>): void {
    const traceId = randomBytes(16);
    const entry = this.services[0]!;
    const fails = this.rng.chance(0.03);
    this.serve(
      entry,
      this.rng.pick(entry.routes),
      traceId,
      new Uint8Array(0),
      startMs,
      0,
      fails,
      traces,
      logs,
    );
    this.stats.traces++;
  }

  /** A server span in `svc`, its downstream calls, and its log line; returns its duration (ms). */
  private serve(
    svc: Service,
    route: string,
    traceId: Uint8Array,
    parent: Uint8Array,
    startMs: number,
    depth: number,
    fails: boolean,
    traces: Map<string, ResourceSpans>,
    logs: Map<string, ResourceLogs>,
  ): number {
    const spanId = randomBytes(8);
    let t = startMs + 0.2 + this.rng.next();
    const downstream = this.services.slice(depth + 1);
    const calls = depth < 2 && downstream.length > 0 ? this.rng.int(1, Math.min(3, downstream.length)) : 0;
    const failingCall = fails && calls > 0 ? this.rng.int(0, calls - 1) : -1;
    for (let c = 0; c < calls; c++) {
      const callee = downstream[(c + this.rng.int(0, downstream.length - 1)) % downstream.length]!;
      const calleeRoute = this.rng.pick(callee.routes);
      const clientId = randomBytes(8);
      const childStart = t + 0.1;
      const took = this.serve(
        callee,
        calleeRoute,
        traceId,
        clientId,
        childStart + 0.3,
        depth + 1,
        c === failingCall,
        traces,
        logs,
      );
      const clientEnd = childStart + took + 0.6;
      this.span(svc, traces, {
        traceId,
        spanId: clientId,
        parentSpanId: spanId,
        name: calleeRoute.split(' ')[0]!,
        kind: SpanKind.CLIENT,
        startMs: childStart,
        endMs: clientEnd,
        attributes: [
          str('server.address', callee.name),
          int('server.port', 8080),
          str('http.request.method', calleeRoute.split(' ')[0]!),
        ],
        error: c === failingCall,
      });
      t = clientEnd;
    }
    if (calls === 0) {
      // A leaf: one database query.
      const q = this.rng.pick(DB_QUERIES);
      const took = Math.exp(this.rng.next() * 2.5) * 0.8;
      this.span(svc, traces, {
        traceId,
        spanId: randomBytes(8),
        parentSpanId: spanId,
        name: q.split(' ')[0]!,
        kind: SpanKind.CLIENT,
        startMs: t,
        endMs: t + took,
        attributes: [str('db.system.name', 'postgresql'), str('db.query.text', q)],
        error: false,
      });
      t += took;
    }
    const own = Math.exp(this.rng.next() * 3) * 0.5 + (fails && failingCall < 0 ? 40 : 0);
    const end = t + own;
    const status = fails ? 500 : 200;
    this.span(svc, traces, {
      traceId,
      spanId,
      parentSpanId: parent,
      name: route,
      kind: SpanKind.SERVER,
      startMs,
      endMs: end,
      attributes: [
        str('http.request.method', route.split(' ')[0]!),
        str('http.route', route.split(' ')[1]!),
        int('http.response.status_code', status),
      ],
      error: fails,
    });
    const message = fails
      ? `${route} failed: ${failingCall < 0 ? this.rng.pick(ERRORS) : 'a downstream call failed'}`
      : `${route} ${status} in ${(end - startMs).toFixed(1)} ms`;
    this.log(svc, logs, { traceId, spanId, atMs: end, error: fails, message });
    return end - startMs;
  }

  private resource(svc: Service): KeyValue[] {
    return [
      str('service.name', svc.name),
      str('k8s.namespace.name', svc.pod.namespace),
      str('k8s.pod.name', svc.pod.name),
      str('k8s.pod.uid', svc.pod.uid),
      str('telemetry.sdk.language', 'nodejs'),
    ];
  }

  private span(
    svc: Service,
    traces: Map<string, ResourceSpans>,
    s: {
      traceId: Uint8Array;
      spanId: Uint8Array;
      parentSpanId: Uint8Array;
      name: string;
      kind: number;
      startMs: number;
      endMs: number;
      attributes: KeyValue[];
      error: boolean;
    },
  ): void {
    let rs = traces.get(svc.pod.uid);
    if (!rs) {
      rs = {
        resource: { attributes: this.resource(svc), droppedAttributesCount: 0 },
        scopeSpans: [
          {
            scope: { name: 'watchingcat-demo', version: '1.0.0', attributes: [], droppedAttributesCount: 0 },
            spans: [],
            schemaUrl: '',
          },
        ],
        schemaUrl: '',
      };
      traces.set(svc.pod.uid, rs);
    }
    const span: Span = {
      traceId: s.traceId,
      spanId: s.spanId,
      traceState: '',
      parentSpanId: s.parentSpanId,
      flags: 1,
      name: s.name,
      kind: s.kind,
      startTimeUnixNano: ns(s.startMs),
      endTimeUnixNano: ns(s.endMs),
      attributes: s.attributes,
      droppedAttributesCount: 0,
      events: s.error
        ? [
            {
              timeUnixNano: ns(s.endMs),
              name: 'exception',
              attributes: [str('exception.type', 'Error'), str('exception.message', 'request failed')],
              droppedAttributesCount: 0,
            },
          ]
        : [],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: s.error
        ? { code: StatusCode.ERROR, message: 'request failed' }
        : { code: StatusCode.UNSET, message: '' },
    };
    rs.scopeSpans[0]!.spans.push(span);
    this.stats.spans++;
  }

  private log(
    svc: Service,
    logs: Map<string, ResourceLogs>,
    l: { traceId: Uint8Array; spanId: Uint8Array; atMs: number; error: boolean; message: string },
  ): void {
    let rl = logs.get(svc.pod.uid);
    if (!rl) {
      rl = {
        resource: { attributes: this.resource(svc), droppedAttributesCount: 0 },
        scopeLogs: [
          {
            scope: { name: 'watchingcat-demo', version: '1.0.0', attributes: [], droppedAttributesCount: 0 },
            logRecords: [],
            schemaUrl: '',
          },
        ],
        schemaUrl: '',
      };
      logs.set(svc.pod.uid, rl);
    }
    const record: LogRecord = {
      timeUnixNano: ns(l.atMs),
      observedTimeUnixNano: ns(Date.now()),
      severityNumber: l.error ? 17 : 9,
      severityText: l.error ? 'ERROR' : 'INFO',
      body: { stringValue: l.message },
      attributes: [str('logger.name', `${svc.name}.http`)],
      droppedAttributesCount: 0,
      flags: 1,
      traceId: l.traceId,
      spanId: l.spanId,
      eventName: '',
    };
    rl.scopeLogs[0]!.logRecords.push(record);
    this.stats.logs++;
  }

  private async send(signal: 'traces' | 'logs', data: TracesData | LogsData): Promise<void> {
    const body =
      signal === 'traces'
        ? encodeRequest('traces', data as TracesData)
        : encodeRequest('logs', data as LogsData);
    try {
      const res = await fetch(`${this.o.endpoint}/v1/${signal}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-protobuf',
          ...(this.o.token ? { authorization: `Bearer ${this.o.token}` } : {}),
        },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
    } catch (err) {
      this.stats.failedSends++;
      this.stats.lastError = (err as Error).message;
    }
  }
}
