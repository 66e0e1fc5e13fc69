// The receiver's own counters. Items accepted/refused go through ComponentTelemetry (labelled
// by transport and reason). Refusals that happen before the body is decoded (bad auth, too
// large, unsupported media type, malformed body) have no item count, so they are also counted
// per request: watchingcat_receiver_refused_requests_total{receiver,signal,transport,reason}.
import type { Signal } from '../../../model/common.ts';
import type { ComponentTelemetry } from '../../../telemetry/self-metrics.ts';

export type Transport = 'http' | 'grpc';

export class ReceiverTelemetry {
  private readonly t: ComponentTelemetry;
  constructor(t: ComponentTelemetry) {
    this.t = t;
  }

  accepted(signal: Signal, items: number, transport: Transport): void {
    this.t.accepted(signal, items, transport);
  }

  /** Items of an accepted request that a consumer rejected permanently (OTLP partial success). */
  partiallyRejected(signal: Signal, items: number, transport: Transport): void {
    this.t.refused(signal, items, transport, 'partially_rejected');
  }

  /** A request accepted before, sent again with the same Idempotency-Key: answered, not stored again. */
  repeated(signal: Signal, transport: Transport): void {
    const labels = { [this.t.kind]: this.t.id, signal, transport };
    this.t.metrics
      .counter(
        `${this.t.kind}_repeated_requests`,
        'Requests sent again after they were accepted (same Idempotency-Key); not taken twice.',
        Object.keys(labels),
      )
      .inc(labels, 1);
  }

  /** A refused request; `items` when the body was decoded far enough to count them. */
  refused(signal: Signal, transport: Transport, reason: string, items?: number): void {
    if (items !== undefined) this.t.refused(signal, items, transport, reason);
    const labels = { [this.t.kind]: this.t.id, signal, transport, reason };
    this.t.metrics
      .counter(
        `${this.t.kind}_refused_requests`,
        'Requests refused; the sender was told why.',
        Object.keys(labels),
      )
      .inc(labels, 1);
  }
}
