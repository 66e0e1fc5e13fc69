// Reading log records back: the exact decoding of a `logs` row into the model, every-record
// listing (tests, tools) and the log search with a live-tail cursor.
import type { LogRecord } from '../model/logs.ts';
import { decodeValue, fromHex } from './attributes.ts';
import type { Storage } from './connection.ts';
import {
  GROUP_COLS,
  QueryError,
  attrCols,
  attrs,
  checkBoundedRange,
  checkLimit,
  checkString,
  group,
  n,
  rows,
  s,
} from './read-common.ts';
import type { Row, StoredGroup } from './read-common.ts';
import { TABLES } from './schema.ts';

export interface StoredLog extends StoredGroup {
  log: LogRecord;
  /** Position of the record in the newest-first order; pass it as `cursor` to tail after it. */
  cursor: string;
}

// `pos_hash` breaks ties between records of the same nanosecond so a cursor names one record.
const POS_HASH =
  'cityHash64(body, attributes, resource_attributes, trace_id, span_id, observed_time_unix_nano)';

const LOG_COLS = [
  'toString(toUnixTimestamp64Nano(timestamp)) AS t_ns',
  'has_time',
  'toString(observed_time_unix_nano) AS observed_ns',
  'trace_id, span_id, flags, severity_text, severity_number, event_name, body, body_type',
  GROUP_COLS,
  attrCols('attributes'),
  'dropped_attributes',
  `${POS_HASH} AS pos_hash_n, toString(pos_hash_n) AS pos_hash`,
].join(', ');

function logFromRow(r: Row): StoredLog {
  return {
    ...group(r),
    log: {
      // A record stored without its own time was filed under its observed time (see writer.ts).
      timeUnixNano: n(r, 'has_time') === 1 ? BigInt(s(r, 't_ns')) : 0n,
      observedTimeUnixNano: BigInt(s(r, 'observed_ns')),
      severityNumber: n(r, 'severity_number'),
      severityText: s(r, 'severity_text'),
      body: decodeValue(s(r, 'body'), s(r, 'body_type')),
      attributes: attrs(r, 'attributes'),
      droppedAttributesCount: n(r, 'dropped_attributes'),
      flags: n(r, 'flags'),
      traceId: fromHex(s(r, 'trace_id')),
      spanId: fromHex(s(r, 'span_id')),
      eventName: s(r, 'event_name'),
    },
    cursor: `${s(r, 't_ns')}-${s(r, 'pos_hash')}`,
  };
}

/** Every stored log record, oldest first (tests and tools; keep the table small). */
export async function allLogs(storage: Storage, limit = 1000): Promise<StoredLog[]> {
  const l = checkLimit(limit, 1000);
  const sql = `SELECT ${LOG_COLS} FROM ${storage.database}.${TABLES.logs}
    ORDER BY timestamp, pos_hash_n LIMIT {limit:UInt32}`;
  return (await rows<Row>(storage, sql, { limit: l })).map(logFromRow);
}

export interface LogSearch {
  /** Words that must all occur in the body as whole tokens, case-insensitively. */
  text?: string;
  /** Minimum OTLP severity number (1..24). */
  severityMin?: number;
  /** Resource attribute equality filters (values as stored, see attributes.ts). */
  resource?: Record<string, string>;
  service?: string;
  /** Nanoseconds since the epoch; the range is inclusive and at most MAX_RANGE_NS wide. */
  start: bigint;
  end: bigint;
  limit?: number;
  /**
   * A `cursor` from an earlier result: only records after it (newer, or the same nanosecond and
   * later in the tie order). With a cursor the result is the *oldest* `limit` records after it
   * (still returned newest first), so a tail that polls with the newest cursor it has seen misses
   * nothing that was stored in time order.
   */
  cursor?: string;
}

export interface LogSearchResult {
  logs: StoredLog[];
  /** The newest returned record's cursor, or the request's cursor (or '') when none matched. */
  cursor: string;
}

const MAX_TOKENS = 16;
const MAX_FILTERS = 32;
const CURSOR = /^(\d{1,19})-(\d{1,20})$/;

/** The body's words: what the tokenbf index on lower(body) splits it into (non-alphanumerics separate). */
export function textTokens(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}_]+|_/u)
    .filter((w) => w !== '');
}

export async function searchLogs(storage: Storage, q: LogSearch): Promise<LogSearchResult> {
  checkBoundedRange(q.start, q.end);
  const limit = checkLimit(q.limit, 100);
  const where = [
    'timestamp >= fromUnixTimestamp64Nano({start:Int64})',
    'timestamp <= fromUnixTimestamp64Nano({end:Int64})',
  ];
  const params: Record<string, unknown> = { start: String(q.start), end: String(q.end), limit };
  if (q.text !== undefined) {
    const tokens = textTokens(checkString(q.text, 'text'));
    if (tokens.length === 0) throw new QueryError('invalid text: it contains no words to search for');
    if (tokens.length > MAX_TOKENS) throw new QueryError(`invalid text: more than ${MAX_TOKENS} words`);
    // hasToken on the indexed expression lets the tokenbf_v1 index skip granules.
    tokens.forEach((w, i) => {
      where.push(`hasToken(lower(body), {tok${i}:String})`);
      params[`tok${i}`] = w;
    });
  }
  if (q.severityMin !== undefined) {
    if (!Number.isInteger(q.severityMin) || q.severityMin < 0 || q.severityMin > 24)
      throw new QueryError(`invalid severityMin ${q.severityMin}: expected an integer in 0..24`);
    where.push('severity_number >= {sev:UInt8}');
    params['sev'] = q.severityMin;
  }
  if (q.service !== undefined) {
    where.push('service_name = {service:String}');
    params['service'] = checkString(q.service, 'service');
  }
  const res = Object.entries(q.resource ?? {});
  if (res.length > MAX_FILTERS) throw new QueryError(`invalid resource: more than ${MAX_FILTERS} filters`);
  res.forEach(([k, v], i) => {
    where.push(`resource_attributes[{rk${i}:String}] = {rv${i}:String}`);
    params[`rk${i}`] = checkString(k, 'resource key');
    params[`rv${i}`] = checkString(v, `resource[${JSON.stringify(k)}]`);
  });
  let order = 'DESC';
  if (q.cursor !== undefined && q.cursor !== '') {
    const m = CURSOR.exec(q.cursor);
    if (m === null || BigInt(m[1]!) >= 2n ** 63n || BigInt(m[2]!) >= 2n ** 64n)
      throw new QueryError(`invalid cursor ${JSON.stringify(q.cursor)}: expected one returned by searchLogs`);
    where.push(`(toUnixTimestamp64Nano(timestamp), ${POS_HASH}) > ({ct:Int64}, {ch:UInt64})`);
    params['ct'] = m[1];
    params['ch'] = m[2];
    order = 'ASC';
  }
  const sql = `SELECT ${LOG_COLS} FROM ${storage.database}.${TABLES.logs}
    WHERE ${where.join(' AND ')}
    ORDER BY timestamp ${order}, pos_hash_n ${order} LIMIT {limit:UInt32}`;
  const logs = (await rows<Row>(storage, sql, params)).map(logFromRow);
  if (order === 'ASC') logs.reverse();
  return { logs, cursor: logs[0]?.cursor ?? q.cursor ?? '' };
}
