// metav1.Status bodies for errors and successes, as kube-apiserver writes them.
import { SimApiError } from '../types.ts';

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: Array<{ reason?: string; message?: string; field?: string }>;
  retryAfterSeconds?: number;
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { continue?: string };
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export function failure(code: number, reason: string, message: string, details?: StatusDetails): StatusBody {
  const s: StatusBody = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
  if (details) s.details = details;
  return s;
}

export function success(details?: StatusDetails): StatusBody {
  const s: StatusBody = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 };
  if (details) s.details = details;
  return s;
}

/** Any thrown value as a Status: SimApiError keeps its code/reason, anything else is a 500. */
export function statusFromError(err: unknown, details?: StatusDetails): StatusBody {
  if (err instanceof SimApiError) return failure(err.code, err.reason, err.message, details);
  const msg = err instanceof Error ? err.message : String(err);
  return failure(500, 'InternalError', `Internal error occurred: ${msg}`);
}

export function badRequest(message: string): SimApiError {
  return new SimApiError(400, 'BadRequest', message);
}
