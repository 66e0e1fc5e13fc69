// A client for the kubelet's read-only HTTP endpoints on a node: GET /pods (v1 PodList of the
// pods bound to the node) and GET /stats/summary (the Summary API, stats/v1alpha1).
//
// It is the API-server client (client.ts) with a KubeConnection built from the OpenTelemetry
// Collector's kubelet settings instead of a kubeconfig, so it shares keep-alive pooling, bounded
// bodies, timeouts and the 401 → re-read credentials → retry-once rule.
//
// Endpoint:
//   - "host:port" or "host" (the Collector's style, `${env:K8S_NODE_NAME}:10250`) means
//     https://host:port, port 10250 (the kubelet's secure port) when none is given;
//   - full URLs keep their scheme: "https://..." or "http://..." (the simulator's kubelet is plain
//     http; its URL is in DIR/nodes/<node>/kubelet.json).
// Authentication (`authType`, as the Collector's `auth_type`):
//   - serviceAccount: "Bearer <token>" from `tokenFile` (default: the pod's projected
//     service-account token), re-read as the kubelet rotates it (TokenFile); the server is
//     verified against `caFile`, else the service account's ca.crt when it exists (clusters that
//     sign kubelet serving certificates with the cluster CA), else the system roots;
//   - tls: client certificate `certFile` + `keyFile`, server verified against `caFile`;
//   - none: no credentials (e.g. the deprecated read-only port 10255, or a plain-http test kubelet).
//   `insecureSkipVerify` turns server verification off (kubelets with self-signed serving
//   certificates, the default for kubeadm clusters).
// Errors: every failure is a KubeletError whose message names the endpoint and path and, for
// 401/403, says what to check (token, RBAC nodes/stats and nodes/proxy). Nothing is logged here;
// callers decide how loudly to report.
import fs from 'node:fs';
import net from 'node:net';
import { KubeApiError, createKubeClient, type KubeClient } from './client.ts';
import {
  DEFAULT_SERVICE_ACCOUNT_ROOT,
  TokenFile,
  type KubeConnection,
  type KubeTlsOptions,
} from './config.ts';

export const KUBELET_SECURE_PORT = 10250;
export const DEFAULT_KUBELET_TOKEN_FILE = `${DEFAULT_SERVICE_ACCOUNT_ROOT}/token`;
export const DEFAULT_KUBELET_CA_FILE = `${DEFAULT_SERVICE_ACCOUNT_ROOT}/ca.crt`;
/** Whole-response deadline for one kubelet request. The kubelet answers /stats/summary from cache. */
export const DEFAULT_KUBELET_TIMEOUT_MS = 10_000;
/** A 110-pod node's summary is ~1-2 MiB; 64 MiB bounds a misbehaving endpoint without cutting real ones. */
export const DEFAULT_KUBELET_MAX_BODY_BYTES = 64 * 1024 * 1024;

export type KubeletAuthType = 'serviceAccount' | 'none' | 'tls';

export interface KubeletClientOptions {
  /** "host[:port]" (→ https, port 10250) or an http(s):// URL. */
  endpoint: string;
  authType: KubeletAuthType;
  /** PEM CA bundle that verifies the kubelet's serving certificate. */
  caFile?: string;
  insecureSkipVerify?: boolean;
  /** serviceAccount: the bearer token file (default DEFAULT_KUBELET_TOKEN_FILE). */
  tokenFile?: string;
  /** tls: client certificate and key (PEM files). */
  certFile?: string;
  keyFile?: string;
  /** Default DEFAULT_KUBELET_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Default DEFAULT_KUBELET_MAX_BODY_BYTES. */
  maxBodyBytes?: number;
  userAgent?: string;
}

export interface KubeletClient {
  /** The normalised base URL, e.g. https://node-1:10250 (for log lines). */
  readonly endpoint: string;
  /** GET /pods: the PodList as JSON, unvalidated. */
  pods(signal?: AbortSignal): Promise<unknown>;
  /** GET /stats/summary: the Summary as JSON, unvalidated. */
  summary(signal?: AbortSignal): Promise<unknown>;
  /** Closes pooled connections. */
  close(): void;
}

/** A failed kubelet request. `status` is the HTTP status, undefined for transport errors. */
export class KubeletError extends Error {
  readonly status: number | undefined;
  constructor(message: string, status: number | undefined, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KubeletError';
    this.status = status;
  }
}

/**
 * Normalises an endpoint to a base URL without trailing slash. Throws on an empty endpoint or an
 * unsupported scheme. "node:10250" is not parsed as a URL with scheme "node:" — only "x://" is.
 */
export function kubeletBaseUrl(endpoint: string): string {
  const e = endpoint.trim();
  if (e === '') throw new Error('kubelet endpoint is empty (set endpoint, or K8S_NODE_NAME for the default)');
  let url: URL;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(e)) {
    url = new URL(e);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new Error(`kubelet endpoint ${endpoint}: scheme must be https or http`);
    }
  } else {
    // A bare IPv6 address ("fd00::1") needs brackets before a port can be added.
    const host = net.isIPv6(e) ? `[${e}]` : e;
    try {
      url = new URL(`https://${host}`);
    } catch {
      throw new Error(`kubelet endpoint ${endpoint}: not a host[:port] or URL`);
    }
    if (url.port === '') url.port = String(KUBELET_SECURE_PORT);
  }
  if (url.search !== '' || url.hash !== '')
    throw new Error(`kubelet endpoint ${endpoint}: no query or fragment`);
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

function readPem(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new Error(`kubelet ${what} ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Builds the client. Throws now (not at the first request) for configuration errors: a bad
 * endpoint, tls without certFile/keyFile, an unreadable caFile/certFile/keyFile. A missing
 * service-account token is reported by each request instead: it may appear later.
 */
export function createKubeletClient(opts: KubeletClientOptions): KubeletClient {
  const base = kubeletBaseUrl(opts.endpoint);
  const tls: KubeTlsOptions = { rejectUnauthorized: !opts.insecureSkipVerify };
  if (opts.caFile) tls.ca = readPem(opts.caFile, 'ca_file');
  else if (
    opts.authType === 'serviceAccount' &&
    !opts.insecureSkipVerify &&
    fs.existsSync(DEFAULT_KUBELET_CA_FILE)
  ) {
    tls.ca = readPem(DEFAULT_KUBELET_CA_FILE, 'service account CA');
  }
  let token: TokenFile | undefined;
  const notes: string[] = [];
  switch (opts.authType) {
    case 'serviceAccount':
      token = new TokenFile(opts.tokenFile ?? DEFAULT_KUBELET_TOKEN_FILE);
      notes.push(`token ${token.path}`);
      break;
    case 'tls':
      if (!opts.certFile || !opts.keyFile)
        throw new Error('kubelet auth_type tls needs cert_file and key_file');
      tls.cert = readPem(opts.certFile, 'cert_file');
      tls.key = readPem(opts.keyFile, 'key_file');
      notes.push(`client certificate ${opts.certFile}`);
      break;
    case 'none':
      notes.push('no credentials');
      break;
    default:
      throw new Error(`kubelet auth_type ${String(opts.authType)}: expected serviceAccount, tls or none`);
  }
  if (!tls.rejectUnauthorized) notes.push('TLS verification disabled');

  const authorization = async (): Promise<string | undefined> =>
    token ? `Bearer ${await token.get()}` : undefined;
  const conn: KubeConnection = {
    // ConnectionSource has no kubelet value; nothing in the HTTP client reads `source`.
    source: 'in-cluster',
    server: base,
    tls,
    headers: {},
    namespace: undefined,
    description: `kubelet ${base} (${notes.join(', ')})`,
    authorization,
    credentials: async () => {
      const a = await authorization();
      return a ? { authorization: a } : {};
    },
    invalidate: () => token?.invalidate(),
  };
  const client: KubeClient = createKubeClient(conn, {
    userAgent: opts.userAgent ?? 'watchingcat',
    requestTimeoutMs: opts.timeoutMs ?? DEFAULT_KUBELET_TIMEOUT_MS,
    maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_KUBELET_MAX_BODY_BYTES,
    maxSockets: 2,
  });

  const get = async (path: string, signal?: AbortSignal): Promise<unknown> => {
    try {
      return await client.get<unknown>(path, signal);
    } catch (err) {
      throw describeError(base, path, err);
    }
  };
  return {
    endpoint: base,
    pods: (signal) => get('/pods', signal),
    summary: (signal) => get('/stats/summary', signal),
    close: () => client.close(),
  };
}

function describeError(base: string, path: string, err: unknown): KubeletError {
  const where = `kubelet ${base}${path}`;
  if (err instanceof KubeApiError) {
    let hint = '';
    if (err.code === 401) {
      hint =
        ' (unauthorized: check the credentials — auth_type, the service-account token, or the client certificate)';
    } else if (err.code === 403) {
      hint =
        ' (forbidden: the service account needs RBAC "get" on nodes/stats for /stats/summary and nodes/proxy for /pods)';
    }
    return new KubeletError(`${where}: ${err.message}${hint}`, err.code, { cause: err });
  }
  const e = err instanceof Error ? err : new Error(String(err));
  const code = (e as NodeJS.ErrnoException).code;
  const kind =
    code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENOTFOUND' || code === 'EAI_AGAIN'
      ? 'unreachable: '
      : '';
  return new KubeletError(`${where}: ${kind}${e.message}`, undefined, { cause: err });
}
