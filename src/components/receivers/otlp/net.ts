// Small network helpers shared by the HTTP and gRPC servers.

const LISTEN_ERRORS: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'address not available on this host',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
};

/** "otlp receiver: cannot listen on 0.0.0.0:4318: address already in use". */
export function listenError(receiver: string, endpoint: string, err: unknown): Error {
  const e = err as NodeJS.ErrnoException;
  let why = (e.code && LISTEN_ERRORS[e.code]) || undefined;
  // grpc-js reports bind failures as text ("No address added out of total 1 resolved: … EADDRINUSE").
  if (!why) {
    const code = Object.keys(LISTEN_ERRORS).find((c) => String(e.message).includes(c));
    why = code ? LISTEN_ERRORS[code] : String(e.message ?? err);
  }
  return new Error(`${receiver} receiver: cannot listen on ${endpoint}: ${why}`, { cause: err });
}

/** An IP address as senders see it: IPv4-mapped IPv6 ("::ffff:10.0.0.1") shown as IPv4. */
export function normalizeIp(ip: string | undefined): string | undefined {
  if (!ip) return undefined;
  return ip.toLowerCase().startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

/** grpc-js `getPeer()` ("10.0.0.1:5123", "::1:5123", "unknown") → the IP address. */
export function peerIp(peer: string): string | undefined {
  if (!peer || peer === 'unknown') return undefined;
  let host = peer;
  const bracket = /^\[(.*)\]:\d+$/.exec(peer);
  if (bracket) host = bracket[1]!;
  else if (/:\d+$/.test(peer) && (peer.includes('.') || peer.split(':').length > 2)) {
    host = peer.slice(0, peer.lastIndexOf(':'));
  }
  return normalizeIp(host);
}
