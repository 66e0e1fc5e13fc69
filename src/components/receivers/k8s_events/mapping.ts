// events.k8s.io/v1 Event → OTLP log record, with the Collector's k8seventsreceiver mapping:
//
//   resource   k8s.object.{kind,name,uid,fieldpath,api_version,resource_version} from `regarding`,
//              k8s.node.name from the reporting host (deprecatedSource.host, else the
//              reportingInstance of a kubelet), k8s.namespace.name (regarding's, else the
//              event's), k8s.cluster.name when the process has one. Empty values are left out.
//   record     k8s.event.{reason,action,start_time,name,uid,count}; body = note;
//              severity Normal → INFO (9), Warning → WARN (13), severity_text = the type;
//              timestamp = the latest of series.lastObservedTime, deprecatedLastTimestamp and
//              eventTime (the last occurrence), else deprecatedFirstTimestamp, else creation.
import type { KeyValue } from '../../../model/common.ts';
import type { LogRecord } from '../../../model/logs.ts';

export interface ObjectRef {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

/** An events.k8s.io/v1 Event as served (fields we read; any may be missing or malformed). */
export interface EventV1 {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
  };
  eventTime?: string | null;
  series?: { count?: number; lastObservedTime?: string } | null;
  reportingController?: string;
  reportingInstance?: string;
  action?: string;
  reason?: string;
  regarding?: ObjectRef;
  note?: string;
  type?: string;
  deprecatedSource?: { component?: string; host?: string };
  deprecatedFirstTimestamp?: string | null;
  deprecatedLastTimestamp?: string | null;
  deprecatedCount?: number;
}

export const SEVERITY: Readonly<Record<string, number>> = { Normal: 9, Warning: 13 };

const DIGITS = /^\d+$/;

/**
 * Parses a Kubernetes Time/MicroTime (RFC 3339: `2026-03-01T10:00:00Z`,
 * `2026-03-01T10:00:00.123456Z`, `…+02:00`) into Unix nanoseconds; undefined when it is not one.
 * Never throws.
 */
export function parseKubeTime(s: unknown): bigint | undefined {
  if (typeof s !== 'string' || s.length > 64) return undefined;
  const m =
    /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac, zone] = m as unknown as string[];
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(sec);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return undefined;
  const ms = Date.UTC(Number(y), month - 1, day, hour, minute, Math.min(second, 59));
  if (!Number.isFinite(ms) || new Date(ms).getUTCDate() !== day) return undefined; // Feb 30 and the like
  let offsetMin = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const oh = Number(zone!.slice(1, 3));
    const om = Number(zone!.slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    offsetMin = (zone![0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const nanos = frac ? BigInt(frac.padEnd(9, '0')) : 0n;
  return (BigInt(ms) - BigInt(offsetMin) * 60_000n) * 1_000_000n + nanos;
}

/** The time of the event's last occurrence (see the file comment); 0n when it has none. */
export function eventTimestamp(e: EventV1): bigint {
  let latest: bigint | undefined;
  for (const t of [e.series?.lastObservedTime, e.deprecatedLastTimestamp, e.eventTime]) {
    const n = parseKubeTime(t);
    if (n !== undefined && (latest === undefined || n > latest)) latest = n;
  }
  return (
    latest ?? parseKubeTime(e.deprecatedFirstTimestamp) ?? parseKubeTime(e.metadata.creationTimestamp) ?? 0n
  );
}

/** The node an event was reported from, when it says. */
export function eventNode(e: EventV1): string | undefined {
  const host = e.deprecatedSource?.host;
  if (typeof host === 'string' && host !== '') return host;
  if (
    e.reportingController === 'kubelet' &&
    typeof e.reportingInstance === 'string' &&
    e.reportingInstance !== ''
  )
    return e.reportingInstance;
  return undefined;
}

const str = (key: string, v: unknown, out: KeyValue[]): void => {
  if (typeof v === 'string' && v !== '') out.push({ key, value: { stringValue: v } });
};

export function resourceAttributes(e: EventV1, clusterName: string | undefined): KeyValue[] {
  const r = e.regarding ?? {};
  const out: KeyValue[] = [];
  str('k8s.object.kind', r.kind, out);
  str('k8s.object.name', r.name, out);
  str('k8s.object.uid', r.uid, out);
  str('k8s.object.fieldpath', r.fieldPath, out);
  str('k8s.object.api_version', r.apiVersion, out);
  str('k8s.object.resource_version', r.resourceVersion, out);
  str('k8s.node.name', eventNode(e), out);
  str('k8s.namespace.name', r.namespace || e.metadata.namespace, out);
  str('k8s.cluster.name', clusterName, out);
  return out;
}

export function eventCount(e: EventV1): number | undefined {
  const c = e.series?.count ?? e.deprecatedCount;
  return typeof c === 'number' && Number.isSafeInteger(c) && c > 0 ? c : undefined;
}

export function toLogRecord(e: EventV1, observedTimeUnixNano: bigint): LogRecord {
  const attributes: KeyValue[] = [];
  str('k8s.event.reason', e.reason, attributes);
  str('k8s.event.action', e.action, attributes);
  str('k8s.event.start_time', e.metadata.creationTimestamp, attributes);
  str('k8s.event.name', e.metadata.name, attributes);
  str('k8s.event.uid', e.metadata.uid, attributes);
  const count = eventCount(e);
  if (count !== undefined) attributes.push({ key: 'k8s.event.count', value: { intValue: count } });
  const type = typeof e.type === 'string' ? e.type : '';
  const severity = SEVERITY[type];
  return {
    timeUnixNano: eventTimestamp(e),
    observedTimeUnixNano,
    severityNumber: severity ?? 0,
    severityText: severity !== undefined ? type : '',
    body: typeof e.note === 'string' ? { stringValue: e.note } : {},
    attributes,
    droppedAttributesCount: 0,
    flags: 0,
    traceId: new Uint8Array(0),
    spanId: new Uint8Array(0),
    eventName: '',
  };
}

/** Compares two resourceVersions when both are decimal integers (etcd revisions); undefined otherwise. */
export function compareResourceVersions(a: string | undefined, b: string | undefined): number | undefined {
  if (!a || !b || !DIGITS.test(a) || !DIGITS.test(b)) return undefined;
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
