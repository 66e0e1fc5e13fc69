// What a kubelet pod log path says about its container:
//   <root>/var/log/pods/<namespace>_<pod>_<uid>/<container>/<restart count>.log
// (rotated copies add ".<YYYYMMDD-hhmmss>", older ones also ".gz").
//
// Contracts: never throws; undefined for a path that is not a pod log. Namespace and pod names
// are DNS labels/subdomains (no "_"), so the directory splits at its first and last "_"; the uid
// is whatever follows the last one.

export interface PodLogIdentity {
  namespace: string;
  pod: string;
  uid: string;
  container: string;
  restartCount: number;
}

const FILE_RE = /^(\d+)\.log(?:\.\d{8}-\d{6})?(?:\.gz)?$/;

export function podLogIdentity(path: string): PodLogIdentity | undefined {
  const parts = path.split('/');
  const n = parts.length;
  if (n < 6 || parts[n - 4] !== 'pods' || parts[n - 5] !== 'log' || parts[n - 6] !== 'var') return undefined;
  const file = FILE_RE.exec(parts[n - 1]!);
  if (!file) return undefined;
  const container = parts[n - 2]!;
  const dir = parts[n - 3]!;
  const first = dir.indexOf('_');
  const last = dir.lastIndexOf('_');
  if (first <= 0 || last <= first + 1 || last === dir.length - 1 || container === '') return undefined;
  return {
    namespace: dir.slice(0, first),
    pod: dir.slice(first + 1, last),
    uid: dir.slice(last + 1),
    container,
    restartCount: Number(file[1]),
  };
}

/** The resource attributes of a pod log's records (OpenTelemetry semantic conventions). */
export function podLogResource(id: PodLogIdentity): [string, string][] {
  return [
    ['k8s.namespace.name', id.namespace],
    ['k8s.pod.name', id.pod],
    ['k8s.pod.uid', id.uid],
    ['k8s.container.name', id.container],
    ['k8s.container.restart_count', String(id.restartCount)],
  ];
}

/** A rotated copy (`0.log.20260101-120000`), which a tailer finishes but never starts on. */
export function isRotatedLog(path: string): boolean {
  return /\.log\.\d{8}-\d{6}$/.test(path);
}

/** A compressed file: never read. */
export function isCompressed(path: string): boolean {
  return path.endsWith('.gz');
}
