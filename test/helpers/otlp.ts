// Building and sending OTLP/HTTP protobuf requests directly (load and reliability tests).
import { randomBytes } from 'node:crypto';
import { encodeRequest } from '../../src/codecs/otlp/index.ts';
import type { TracesData, Span } from '../../src/model/traces.ts';

export function span(name: string, i = 0): Span {
  const now = BigInt(Date.now()) * 1_000_000n;
  return {
    traceId: randomBytes(16),
    spanId: randomBytes(8),
    traceState: '',
    parentSpanId: new Uint8Array(0),
    flags: 1,
    name,
    kind: 2,
    startTimeUnixNano: now,
    endTimeUnixNano: now + 1_000_000n,
    attributes: [
      { key: 'http.request.method', value: { stringValue: 'GET' } },
      { key: 'http.route', value: { stringValue: '/api/items/{id}' } },
      { key: 'http.response.status_code', value: { intValue: 200 } },
      { key: 'server.address', value: { stringValue: 'checkout.shop.svc' } },
      { key: 'user_agent.original', value: { stringValue: 'load-test/1.0' } },
      { key: 'net.peer.port', value: { intValue: 40000 + (i % 1000) } },
      { key: 'retry', value: { boolValue: false } },
      { key: 'ratio', value: { doubleValue: 0.25 } },
    ],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0, message: '' },
  };
}

export function tracesRequest(names: string[]): Uint8Array {
  const data: TracesData = {
    resourceSpans: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: 'checkout' } },
            { key: 'k8s.pod.name', value: { stringValue: 'checkout-1' } },
          ],
          droppedAttributesCount: 0,
        },
        schemaUrl: '',
        scopeSpans: [
          {
            scope: { name: 'load', version: '1', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            spans: names.map(span),
          },
        ],
      },
    ],
  };
  return encodeRequest('traces', data);
}

/** POSTs a protobuf traces request; returns the HTTP status (0 when the connection failed). */
export async function postTraces(
  port: number,
  body: Uint8Array,
): Promise<{ status: number; retryAfter: string | null }> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body,
    });
    await res.arrayBuffer();
    return { status: res.status, retryAfter: res.headers.get('retry-after') };
  } catch {
    return { status: 0, retryAfter: null };
  }
}
