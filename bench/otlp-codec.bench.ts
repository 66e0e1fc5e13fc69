// OTLP codec speed: our hand-written protobuf decoder and encoder against OpenTelemetry JS
// measured in the same run, on a realistic trace request (1,000 server spans, 10 HTTP
// attributes and one event each). Contenders are measured in alternating 100 ms windows and
// the median window is reported, so machine noise hits all of them alike.
//
// What each side does:
// - decode, ours: protobuf bytes → our model (all fields, ids as views, strings, bigints);
// - decode, reference: protobufjs 7 (reflection-compiled from src/codecs/otlp/testdata/otlp.proto,
//   the protobuf library the JS ecosystem uses) bytes → its message objects; OpenTelemetry JS
//   0.2xx no longer ships a protobufjs root or any request decoder;
// - encode, ours: our model → protobuf bytes (a fresh Buffer);
// - encode, reference: the SDK's ProtobufTraceSerializer.serializeRequest on the same number of
//   SDK ReadableSpans with the same attributes and events (it also converts hrtime and hex ids).
//
// Standalone: `node bench/otlp-codec.bench.ts`; `main()` is exported for runners.
import { cpus } from 'node:os';
import { SpanKind, type Attributes } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import {
  decodeJsonRequest,
  decodeRequest,
  encodeJsonRequest,
  encodeRequest,
} from '../src/codecs/otlp/index.ts';
import { realisticLogs, realisticMetrics, realisticTraces } from '../src/codecs/otlp/testdata/fixtures.ts';
import { requestType } from '../src/codecs/otlp/testdata/pbjs.ts';

const N = 1000;
const TARGET = 1_000_000;

/** Median items/s of each contender, measured in alternating windows for about `totalMs`. */
function race(
  contenders: Record<string, () => unknown>,
  items: number,
  totalMs: number,
): Record<string, number> {
  const names = Object.keys(contenders);
  for (const name of names) for (let i = 0; i < 30; i++) contenders[name]!(); // JIT warm-up
  const rates: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const end = performance.now() + totalMs;
  while (performance.now() < end) {
    for (const name of names) {
      const fn = contenders[name]!;
      const start = performance.now();
      let calls = 0;
      let now = start;
      while (now - start < 100) {
        fn();
        calls++;
        now = performance.now();
      }
      rates[name]!.push((calls * items) / ((now - start) / 1000));
    }
  }
  return Object.fromEntries(
    names.map((n) => {
      const r = rates[n]!.sort((a, b) => a - b);
      return [n, r[r.length >> 1]!];
    }),
  );
}

/** The same spans as realisticTraces(n), recorded by the OpenTelemetry JS SDK. */
function sdkSpans(n: number): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'checkout',
      'k8s.namespace.name': 'shop',
      'k8s.pod.name': 'checkout-7d9f8-abc',
      'host.name': 'node-1',
    }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('io.opentelemetry.http', '1.0.0');
  for (let i = 0; i < n; i++) {
    const attributes: Attributes = {
      'http.request.method': 'GET',
      'http.route': '/api/items/{id}',
      'http.response.status_code': 200,
      'url.path': `/api/items/${i}`,
      'server.address': 'checkout.shop.svc.cluster.local',
      'server.port': 8080,
      'network.protocol.version': '1.1',
      'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64)',
      'client.address': `10.0.${i % 256}.${(i * 7) % 256}`,
      'http.request.body.size': 512 + i,
    };
    const span = tracer.startSpan('GET /api/items/{id}', { kind: SpanKind.SERVER, attributes });
    span.addEvent('cache.miss', { 'cache.key': `item:${i}` });
    span.end();
  }
  return exporter.getFinishedSpans();
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');

export async function main(): Promise<void> {
  const traces = realisticTraces(N);
  const bytes = encodeRequest('traces', traces);
  const decoded = decodeRequest('traces', bytes);
  const spans = sdkSpans(N);
  const pbType = requestType('traces');
  const sdkBytes = ProtobufTraceSerializer.serializeRequest(spans)!;

  const dec = race(
    { ours: () => decodeRequest('traces', bytes), protobufjs: () => pbType.decode(bytes) },
    N,
    6000,
  );
  const enc = race(
    {
      ours: () => encodeRequest('traces', decoded),
      sdk: () => ProtobufTraceSerializer.serializeRequest(spans),
    },
    N,
    6000,
  );

  const logs = encodeRequest('logs', realisticLogs(N));
  const logsData = decodeRequest('logs', logs);
  const metrics = encodeRequest('metrics', realisticMetrics(N));
  const metricsData = decodeRequest('metrics', metrics);
  const json = encodeJsonRequest('traces', decoded);
  const others = race(
    {
      'decode logs': () => decodeRequest('logs', logs),
      'encode logs': () => encodeRequest('logs', logsData),
      'decode metrics': () => decodeRequest('metrics', metrics),
      'encode metrics': () => encodeRequest('metrics', metricsData),
      'decode traces JSON': () => decodeJsonRequest('traces', json),
      'encode traces JSON': () => encodeJsonRequest('traces', decoded),
    },
    N,
    9000,
  );

  console.log(
    `Trace request: ${N.toLocaleString('en')} spans × (10 attributes, 1 event), ` +
      `${bytes.length.toLocaleString('en')} bytes of protobuf (${Math.round(bytes.length / N)} B/span; ` +
      `the SDK's encoding of its spans: ${sdkBytes.length.toLocaleString('en')} bytes). ` +
      `${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}.\n`,
  );
  console.log('| operation | ours (spans/s, one core) | OpenTelemetry JS reference (spans/s) | ratio |');
  console.log('|---|---:|---|---:|');
  console.log(
    `| decode protobuf → model | ${fmt(dec.ours!)} | protobufjs 7 decode to message objects: ${fmt(dec.protobufjs!)} | ${(dec.ours! / dec.protobufjs!).toFixed(1)}× |`,
  );
  console.log(
    `| encode model → protobuf | ${fmt(enc.ours!)} | SDK ProtobufTraceSerializer on ReadableSpans: ${fmt(enc.sdk!)} | ${(enc.ours! / enc.sdk!).toFixed(1)}× |`,
  );
  console.log('\n| other operations (ours, 1,000-item requests) | items/s |');
  console.log('|---|---:|');
  for (const [name, rate] of Object.entries(others)) console.log(`| ${name} | ${fmt(rate)} |`);
  const met = (r: number) => (r >= TARGET ? 'met' : 'NOT met');
  console.log(
    `\nTarget ≥ ${fmt(TARGET)} spans/s: decode ${met(dec.ours!)}, encode ${met(enc.ours!)} (medians of alternating 100 ms windows).`,
  );
}

if (import.meta.main) await main();
