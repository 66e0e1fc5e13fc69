// OTLP codec speed: our hand-written protobuf decoder and encoder on realistic trace requests
// (1,000 spans, 10 attributes each), against references measured in the same run:
// - encode: the OpenTelemetry JS SDK's own protobuf serializer (what every JS app runs),
//   serializing the same spans from SDK objects;
// - decode: JSON.parse of the same request as OTLP/JSON (the floor for any JSON pipeline).
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { decodeRequest, encodeRequest } from '../src/codecs/otlp/index.ts';
import { makeSpans } from '../test/helpers/sdk.ts';
import { makeRequest } from './lib/load.ts';

function rate(fn: () => void, itemsPerCall: number, ms = 2000): number {
  for (let i = 0; i < 20; i++) fn(); // warm up the JIT
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    fn();
    calls++;
    now = performance.now();
  }
  return (calls * itemsPerCall) / ((now - start) / 1000);
}

export async function main(): Promise<void> {
  const N = 1000;
  const bytes = makeRequest('traces', N);
  const data = decodeRequest('traces', bytes);
  const sdkSpans = makeSpans('bench', N / 2); // parent + child per iteration: N spans
  const sdkJson = JsonTraceSerializer.serializeRequest(sdkSpans)!;
  const sdkJsonText = Buffer.from(sdkJson).toString('utf8');

  const ourDecode = rate(() => decodeRequest('traces', bytes), N);
  const ourEncode = rate(() => encodeRequest('traces', data), N);
  const sdkEncode = rate(() => ProtobufTraceSerializer.serializeRequest(sdkSpans), sdkSpans.length);
  const jsonParse = rate(() => JSON.parse(sdkJsonText), sdkSpans.length);
  const fmt = (n: number) => Math.round(n).toLocaleString('en');
  console.log(
    `Trace request: ${N} spans, ${bytes.length.toLocaleString('en')} bytes of protobuf (${(bytes.length / N).toFixed(0)} B/span).\n`,
  );
  console.log('| operation | spans/s (one core) | reference in the same run | ratio |');
  console.log('|---|---:|---|---:|');
  console.log(
    `| decode protobuf → model (ours) | ${fmt(ourDecode)} | JSON.parse of the same spans as OTLP/JSON: ${fmt(jsonParse)} | ${(ourDecode / jsonParse).toFixed(1)}× |`,
  );
  console.log(
    `| encode model → protobuf (ours) | ${fmt(ourEncode)} | OpenTelemetry JS SDK ProtobufTraceSerializer: ${fmt(sdkEncode)} | ${(ourEncode / sdkEncode).toFixed(1)}× |`,
  );
  console.log(
    `\nTarget ≥ 1,000,000 spans/s each way: decode ${ourDecode >= 1e6 ? 'met' : 'NOT met'}, encode ${ourEncode >= 1e6 ? 'met' : 'NOT met'}.`,
  );
}

if (import.meta.main) await main();
