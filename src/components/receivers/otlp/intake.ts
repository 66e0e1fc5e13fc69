// The transport-independent core of the receiver: decode a request body, hand the data to the
// pipeline, and report how it ended. Both servers call receive() and only translate its result.
//
// Contract: receive() never throws and resolves only after the consumer settled, so a server
// that answers on resolution acknowledges exactly what the pipeline accepted.
import { DecodeError, decodeJsonRequest, decodeRequest } from '../../../codecs/otlp/index.ts';
import type { Signal } from '../../../model/common.ts';
import { itemCount, type SignalData } from '../../../model/signal.ts';
import type { ConsumeContext, Consumer, Consumers } from '../../../pipeline/component.ts';
import type { Logger } from '../../../telemetry/logger.ts';
import { consumeRefusal, decodeRefusal, internalRefusal, partialRejection, type Refusal } from './outcome.ts';
import type { ReceiverTelemetry, Transport } from './receiver-telemetry.ts';
import { RecentKeys } from './recent-keys.ts';

export type BodyFormat = 'proto' | 'json';

export type IntakeResult =
  { ok: true; accepted: number; rejected: number; errorMessage: string } | { ok: false; refusal: Refusal };

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class Intake {
  private readonly next: Consumers;
  private readonly telemetry: ReceiverTelemetry;
  private readonly logger: Logger;
  /** Keys of requests accepted recently (recent-keys.ts). */
  private readonly recent = new RecentKeys();

  constructor(next: Consumers, telemetry: ReceiverTelemetry, logger: Logger) {
    this.next = next;
    this.telemetry = telemetry;
    this.logger = logger;
  }

  /** True when some pipeline takes this signal from the receiver. */
  serves(signal: Signal): boolean {
    return this.next[signal] !== undefined;
  }

  /** Records a refusal decided by a server before decoding (auth, size, media type). */
  refuseEarly(signal: Signal, transport: Transport, reason: string): void {
    this.telemetry.refused(signal, transport, reason);
  }

  /**
   * Asks the pipeline whether it would take data now (see Consumer.admit). Servers call it
   * before reading a body, so overload costs neither reading nor decoding; the refusal is
   * counted here.
   */
  admit(signal: Signal, transport: Transport): Refusal | undefined {
    try {
      (this.next[signal] as Consumer<Signal> | undefined)?.admit?.();
      return undefined;
    } catch (err) {
      const r = this.refuse(signal, transport, consumeRefusal(err), undefined, err);
      return r.ok ? undefined : r.refusal;
    }
  }

  async receive(
    signal: Signal,
    transport: Transport,
    body: Uint8Array,
    format: BodyFormat,
    ctx: ConsumeContext,
    key?: string,
  ): Promise<IntakeResult> {
    const consumer = this.next[signal] as Consumer<Signal> | undefined;
    if (!consumer)
      return this.refuse(signal, transport, internalRefusal(new Error(`no pipeline takes ${signal}`)));

    // Refuse before decoding when the pipeline would refuse anyway (memory pressure, full
    // queue): decoding only to throw the result away is what grows memory under overload.
    const refused = this.admit(signal, transport);
    if (refused) return { ok: false, refusal: refused };
    // A request we accepted already, sent again (its sender did not see our answer): accepted.
    if (key !== undefined && this.recent.has(key)) {
      this.telemetry.repeated(signal, transport);
      return { ok: true, accepted: 0, rejected: 0, errorMessage: '' };
    }

    let data: SignalData;
    let n: number;
    try {
      data = decode(signal, body, format);
      n = itemCount(signal, data);
    } catch (err) {
      if (err instanceof DecodeError) return this.refuse(signal, transport, decodeRefusal(err));
      // The codec promises DecodeError only; anything else is a codec bug worth an error log.
      return this.refuse(signal, transport, internalRefusal(err), undefined, err);
    }

    // Nothing to deliver (e.g. an SDK's empty flush): acknowledge without bothering the pipeline.
    if (n === 0) return { ok: true, accepted: 0, rejected: 0, errorMessage: '' };

    try {
      await consumer.consume(data, ctx);
    } catch (err) {
      const rejected = partialRejection(err, n);
      if (rejected !== undefined) {
        this.telemetry.accepted(signal, n - rejected, transport);
        this.telemetry.partiallyRejected(signal, rejected, transport);
        return { ok: true, accepted: n - rejected, rejected, errorMessage: (err as Error).message };
      }
      return this.refuse(signal, transport, consumeRefusal(err), n, err);
    }
    this.telemetry.accepted(signal, n, transport);
    if (key !== undefined) this.recent.add(key);
    return { ok: true, accepted: n, rejected: 0, errorMessage: '' };
  }

  private refuse(
    signal: Signal,
    transport: Transport,
    refusal: Refusal,
    items?: number,
    cause?: unknown,
  ): IntakeResult {
    this.telemetry.refused(signal, transport, refusal.reason, items);
    if (!refusal.expected) {
      this.logger.error({ err: cause, signal, transport }, 'otlp receiver: request failed unexpectedly');
    } else {
      this.logger.debug(
        { signal, transport, reason: refusal.reason, message: refusal.message },
        'request refused',
      );
    }
    return { ok: false, refusal };
  }
}

function decode(signal: Signal, body: Uint8Array, format: BodyFormat): SignalData {
  // Scope groups stay as the received bytes until a processor reads them: forwarding them
  // unchanged costs a copy instead of building and re-encoding every attribute.
  if (format === 'proto') return decodeRequest(signal, body, { keepEncoded: true });
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new DecodeError('request body is not valid UTF-8 JSON');
  }
  return decodeJsonRequest(signal, text);
}
