// List continue tokens: the snapshot resourceVersion and the key of the last item returned,
// base64-encoded JSON like kube-apiserver's ({"v":"meta.k8s.io/v1","rv":N,"start":"key\u0000"}).
import { SimApiError } from '../types.ts';

export interface ContinuePoint {
  rv: number;
  /** The next page starts strictly after this object key. */
  after: string;
}

export function encodeContinue(p: ContinuePoint): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: p.rv, start: `${p.after}\u0000` })).toString(
    'base64url',
  );
}

export function decodeContinue(token: string): ContinuePoint {
  try {
    const j = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      v?: unknown;
      rv?: unknown;
      start?: unknown;
    };
    if (
      j.v !== 'meta.k8s.io/v1' ||
      typeof j.rv !== 'number' ||
      typeof j.start !== 'string' ||
      !j.start.endsWith('\u0000')
    ) {
      throw new Error('malformed');
    }
    return { rv: j.rv, after: j.start.slice(0, -1) };
  } catch {
    throw new SimApiError(400, 'BadRequest', `continue key is not valid: ${JSON.stringify(token)}`);
  }
}
