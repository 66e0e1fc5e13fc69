// Text renderings of a batch for the `debug` exporter, after the Collector's: a count summary
// (basic), one line per span / data point / log record (normal), or a full dump (detailed).
import type { AnyValue, KeyValue, Signal } from '../../../model/common.ts';
import type { LogsData } from '../../../model/logs.ts';
import type { Metric, MetricsData } from '../../../model/metrics.ts';
import type { SignalData } from '../../../model/signal.ts';
import type { TracesData } from '../../../model/traces.ts';

/** basic: the counts the Collector logs, e.g. {"resource spans": 1, spans: 3}. */
export function summary(signal: Signal, data: SignalData): Record<string, number> {
  switch (signal) {
    case 'traces': {
      const d = data as TracesData;
      let spans = 0;
      for (const r of d.resourceSpans) for (const s of r.scopeSpans) spans += s.spans.length;
      return { 'resource spans': d.resourceSpans.length, spans };
    }
    case 'metrics': {
      const d = data as MetricsData;
      let metrics = 0;
      let points = 0;
      for (const r of d.resourceMetrics)
        for (const s of r.scopeMetrics)
          for (const m of s.metrics) {
            metrics++;
            points += m.data?.dataPoints.length ?? 0;
          }
      return { 'resource metrics': d.resourceMetrics.length, metrics, 'data points': points };
    }
    case 'logs': {
      const d = data as LogsData;
      let records = 0;
      for (const r of d.resourceLogs) for (const s of r.scopeLogs) records += s.logRecords.length;
      return { 'resource logs': d.resourceLogs.length, 'log records': records };
    }
  }
}

/** normal: one line per span, metric data point or log record. */
export function itemLines(signal: Signal, data: SignalData): string[] {
  const out: string[] = [];
  switch (signal) {
    case 'traces':
      for (const r of (data as TracesData).resourceSpans)
        for (const s of r.scopeSpans)
          for (const sp of s.spans)
            out.push(join(sp.name, hex(sp.traceId), hex(sp.spanId), attrs(sp.attributes)));
      return out;
    case 'metrics':
      for (const r of (data as MetricsData).resourceMetrics)
        for (const s of r.scopeMetrics) for (const m of s.metrics) out.push(...metricLines(m));
      return out;
    case 'logs':
      for (const r of (data as LogsData).resourceLogs)
        for (const s of r.scopeLogs)
          for (const l of s.logRecords) out.push(join(plain(l.body), attrs(l.attributes)));
      return out;
  }
}

function metricLines(m: Metric): string[] {
  if (!m.data) return [`${m.name} (no data)`];
  return m.data.dataPoints.map((p) => {
    const a = p.attributes.length ? `{${attrs(p.attributes, ',')}}` : '';
    let value: string;
    if ('quantileValues' in p || 'bucketCounts' in p || 'positive' in p) {
      value = `count=${p.count}${p.sum !== undefined ? ` sum=${p.sum}` : ''}`;
    } else {
      value = String(p.asDouble ?? p.asInt ?? '');
    }
    return `${m.name}${a} ${value}`;
  });
}

/** detailed: every field, resource by resource, as the Collector's otlptext marshaler lays it out. */
export function dump(signal: Signal, data: SignalData): string {
  const w = new Writer();
  switch (signal) {
    case 'traces':
      (data as TracesData).resourceSpans.forEach((r, ri) => {
        w.line(`ResourceSpans #${ri}`);
        w.line(`Resource SchemaURL: ${r.schemaUrl}`);
        w.attrs('Resource attributes', r.resource.attributes);
        r.scopeSpans.forEach((s, si) => {
          w.line(`ScopeSpans #${si}`);
          w.line(`ScopeSpans SchemaURL: ${s.schemaUrl}`);
          w.line(`InstrumentationScope ${s.scope.name} ${s.scope.version}`.trimEnd());
          s.spans.forEach((sp, i) => {
            w.line(`Span #${i}`);
            w.field('Trace ID', hex(sp.traceId));
            w.field('Parent ID', hex(sp.parentSpanId));
            w.field('ID', hex(sp.spanId));
            w.field('Name', sp.name);
            w.field('Kind', SPAN_KIND[sp.kind] ?? String(sp.kind));
            w.field('Start time', time(sp.startTimeUnixNano));
            w.field('End time', time(sp.endTimeUnixNano));
            w.field('Status code', STATUS[sp.status.code] ?? String(sp.status.code));
            w.field('Status message', sp.status.message);
            w.attrs('Attributes', sp.attributes);
            sp.events.forEach((e, ei) => {
              w.line(`SpanEvent #${ei}`);
              w.line(`     -> Name: ${e.name}`);
              w.line(`     -> Timestamp: ${time(e.timeUnixNano)}`);
              w.attrs('     -> Attributes', e.attributes);
            });
            sp.links.forEach((l, li) => {
              w.line(`SpanLink #${li}`);
              w.line(`     -> Trace ID: ${hex(l.traceId)}`);
              w.line(`     -> ID: ${hex(l.spanId)}`);
            });
          });
        });
      });
      break;
    case 'metrics':
      (data as MetricsData).resourceMetrics.forEach((r, ri) => {
        w.line(`ResourceMetrics #${ri}`);
        w.line(`Resource SchemaURL: ${r.schemaUrl}`);
        w.attrs('Resource attributes', r.resource.attributes);
        r.scopeMetrics.forEach((s, si) => {
          w.line(`ScopeMetrics #${si}`);
          w.line(`ScopeMetrics SchemaURL: ${s.schemaUrl}`);
          w.line(`InstrumentationScope ${s.scope.name} ${s.scope.version}`.trimEnd());
          s.metrics.forEach((m, mi) => {
            w.line(`Metric #${mi}`);
            w.line('Descriptor:');
            w.line(`     -> Name: ${m.name}`);
            w.line(`     -> Description: ${m.description}`);
            w.line(`     -> Unit: ${m.unit}`);
            w.line(`     -> DataType: ${m.data?.type ?? 'Empty'}`);
            if (m.data && 'aggregationTemporality' in m.data) {
              w.line(`     -> AggregationTemporality: ${TEMPORALITY[m.data.aggregationTemporality] ?? ''}`);
            }
            if (m.data?.type === 'sum') w.line(`     -> IsMonotonic: ${m.data.isMonotonic}`);
            (m.data?.dataPoints ?? []).forEach((p, pi) => {
              w.line(`${pointKind(m)}DataPoints #${pi}`);
              w.attrs('Data point attributes', p.attributes);
              w.line(`StartTimestamp: ${time(p.startTimeUnixNano)}`);
              w.line(`Timestamp: ${time(p.timeUnixNano)}`);
              if ('count' in p) {
                w.line(`Count: ${p.count}`);
                if (p.sum !== undefined) w.line(`Sum: ${p.sum}`);
                if ('bucketCounts' in p) {
                  p.explicitBounds.forEach((b, bi) => w.line(`ExplicitBounds #${bi}: ${b}`));
                  p.bucketCounts.forEach((c, ci) => w.line(`Buckets #${ci}, Count: ${c}`));
                }
                if ('quantileValues' in p) {
                  p.quantileValues.forEach((q, qi) =>
                    w.line(`QuantileValue #${qi}: Quantile ${q.quantile}, Value ${q.value}`),
                  );
                }
              } else {
                w.line(`Value: ${String(p.asDouble ?? p.asInt ?? '')}`);
              }
            });
          });
        });
      });
      break;
    case 'logs':
      (data as LogsData).resourceLogs.forEach((r, ri) => {
        w.line(`ResourceLog #${ri}`);
        w.line(`Resource SchemaURL: ${r.schemaUrl}`);
        w.attrs('Resource attributes', r.resource.attributes);
        r.scopeLogs.forEach((s, si) => {
          w.line(`ScopeLogs #${si}`);
          w.line(`ScopeLogs SchemaURL: ${s.schemaUrl}`);
          w.line(`InstrumentationScope ${s.scope.name} ${s.scope.version}`.trimEnd());
          s.logRecords.forEach((l, li) => {
            w.line(`LogRecord #${li}`);
            w.line(`ObservedTimestamp: ${time(l.observedTimeUnixNano)}`);
            w.line(`Timestamp: ${time(l.timeUnixNano)}`);
            w.line(`SeverityText: ${l.severityText}`);
            w.line(`SeverityNumber: ${l.severityNumber}`);
            w.line(`Body: ${typed(l.body)}`);
            w.attrs('Attributes', l.attributes);
            w.line(`Trace ID: ${hex(l.traceId)}`);
            w.line(`Span ID: ${hex(l.spanId)}`);
            w.line(`Flags: ${l.flags}`);
            if (l.eventName) w.line(`EventName: ${l.eventName}`);
          });
        });
      });
      break;
  }
  return w.text();
}

class Writer {
  private readonly lines: string[] = [];
  line(s: string): void {
    this.lines.push(s);
  }
  field(name: string, value: string): void {
    this.lines.push(`    ${name.padEnd(15)}: ${value}`);
  }
  attrs(title: string, kvs: KeyValue[]): void {
    if (kvs.length === 0) return;
    this.lines.push(`${title}:`);
    for (const kv of kvs) this.lines.push(`     -> ${kv.key}: ${typed(kv.value)}`);
  }
  text(): string {
    return this.lines.join('\n');
  }
}

const SPAN_KIND = ['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer'];
const STATUS = ['Unset', 'Ok', 'Error'];
const TEMPORALITY = ['Unspecified', 'Delta', 'Cumulative'];

function pointKind(m: Metric): string {
  switch (m.data?.type) {
    case 'histogram':
      return 'Histogram';
    case 'exponentialHistogram':
      return 'ExponentialHistogram';
    case 'summary':
      return 'Summary';
    default:
      return 'Number';
  }
}

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

function time(ns: bigint): string {
  if (ns === 0n) return '1970-01-01 00:00:00 +0000 UTC';
  const ms = Number(ns / 1_000_000n);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}.${frac} +0000 UTC`;
}

function join(...parts: string[]): string {
  return parts.filter((p) => p !== '').join(' ');
}

function attrs(kvs: KeyValue[], sep = ' '): string {
  return kvs.map((kv) => `${kv.key}=${plain(kv.value)}`).join(sep);
}

/** A value as bare text (normal verbosity). */
function plain(v: AnyValue): string {
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return String(v.boolValue);
  if ('intValue' in v) return String(v.intValue);
  if ('doubleValue' in v) return String(v.doubleValue);
  if ('bytesValue' in v) return Buffer.from(v.bytesValue).toString('base64');
  if ('arrayValue' in v) return `[${v.arrayValue.values.map(plain).join(',')}]`;
  if ('kvlistValue' in v)
    return `{${v.kvlistValue.values.map((kv) => `${kv.key}=${plain(kv.value)}`).join(',')}}`;
  return '';
}

/** A value with its type, as otlptext prints it: Str(x), Int(1), Map({...}). */
function typed(v: AnyValue): string {
  if ('stringValue' in v) return `Str(${v.stringValue})`;
  if ('boolValue' in v) return `Bool(${v.boolValue})`;
  if ('intValue' in v) return `Int(${v.intValue})`;
  if ('doubleValue' in v) return `Double(${v.doubleValue})`;
  if ('bytesValue' in v) return `Bytes(${Buffer.from(v.bytesValue).toString('base64')})`;
  if ('arrayValue' in v) return `Slice([${v.arrayValue.values.map(typed).join(', ')}])`;
  if ('kvlistValue' in v)
    return `Map({${v.kvlistValue.values.map((kv) => `${kv.key}: ${typed(kv.value)}`).join(', ')}})`;
  return 'Empty()';
}
