// Reads an HTTP request body with a size limit, without a framework. Stops collecting as soon as
// the limit is passed, so an oversized body never sits in memory.
import type { IncomingMessage } from 'node:http';

export type BodyRead = { kind: 'ok'; body: Buffer } | { kind: 'too_large' } | { kind: 'aborted' };

export function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (r: BodyRead) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      resolve(r);
    };
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        chunks.length = 0;
        // Keep the stream flowing into nothing until the response closes the connection.
        req.resume();
        settle({ kind: 'too_large' });
        return;
      }
      chunks.push(c);
    };
    const onEnd = () =>
      settle({ kind: 'ok', body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) });
    // 'close' before 'end': the client went away mid-body.
    const onClose = () => settle({ kind: 'aborted' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
    // A reset connection surfaces as 'error' (ECONNRESET); 'close' follows and settles.
    req.on('error', () => {});
  });
}
