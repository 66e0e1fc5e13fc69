// Which storage failures are the data's fault (never insertable: PermanentError, the sender
// gets 400) and which are the storage's (RetryableError, the sender gets 503 and retries).
import type { SendResult } from '../../../exporterhelper/types.ts';

/** ClickHouse error types (the "(TYPE)" of an exception) that mean the rows themselves are bad. */
const BAD_DATA =
  /^(CANNOT_PARSE_\w+|CANNOT_READ_\w+|INCORRECT_DATA|TYPE_MISMATCH|VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE|TOO_LARGE_STRING_SIZE|SIZES_OF_ARRAYS_DONT_MATCH|INCORRECT_JSON|UNKNOWN_FIELD)$/;

function clickhouseType(e: Error): string | undefined {
  const t = (e as { type?: unknown }).type;
  if (typeof t === 'string') return t;
  // chDB's errors are plain Errors carrying ClickHouse's text: "... (CANNOT_PARSE_INPUT_ASSERTION_FAILED)".
  return /\(([A-Z][A-Z0-9_]{2,})\)/.exec(e.message)?.[1];
}

export function classifyInsertError(err: unknown): Exclude<SendResult, { kind: 'ok' }> {
  const e = err instanceof Error ? err : new Error(String(err));
  // Row building runs before any I/O; it only throws on values of the wrong shape.
  if (e instanceof TypeError || e instanceof RangeError)
    return { kind: 'permanent', message: `malformed data: ${e.message}` };
  const type = clickhouseType(e);
  if (type !== undefined && BAD_DATA.test(type))
    return { kind: 'permanent', message: `storage refused the data: ${e.message}` };
  return { kind: 'retryable', message: `storage failed: ${e.message}` };
}
