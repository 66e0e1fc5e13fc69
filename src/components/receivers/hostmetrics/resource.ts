// The resource of the pushed host metrics: which host (host.name), what OS (os.type), which
// Kubernetes node (k8s.node.name) when known.
//
// host.name: with a root_path the host's own name, from its files — this process may run in a
// container whose hostname is the pod's, and /proc/sys/kernel/hostname shows the reader's UTS
// namespace, not the mount's, so <root>/etc/hostname comes first and the procfs file is only a
// fallback. Without a root_path (or when neither file is readable) os.hostname().
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { KeyValue } from '../../../model/common.ts';

const MAX_HOSTNAME_BYTES = 4096;

/** The first non-comment, non-empty line of a hostname file, or undefined. */
export function parseHostnameFile(text: string): string | undefined {
  for (const raw of text.slice(0, MAX_HOSTNAME_BYTES).split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    // hostname(5): a single name; anything after whitespace is not part of it.
    return line.split(/\s/)[0];
  }
  return undefined;
}

function readHostnameFile(path: string): string | undefined {
  try {
    return parseHostnameFile(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The host's name as seen through rootPath. */
export function hostName(rootPath: string, fallback: () => string = hostname): string {
  if (rootPath === '/' || rootPath === '') return fallback();
  return (
    readHostnameFile(join(rootPath, 'etc', 'hostname')) ??
    readHostnameFile(join(rootPath, 'proc', 'sys', 'kernel', 'hostname')) ??
    fallback()
  );
}

export function resourceAttributes(
  host: string,
  nodeName: string | undefined,
  clusterName?: string,
): KeyValue[] {
  const out: KeyValue[] = [
    { key: 'host.name', value: { stringValue: host } },
    { key: 'os.type', value: { stringValue: 'linux' } },
  ];
  if (nodeName) out.push({ key: 'k8s.node.name', value: { stringValue: nodeName } });
  if (clusterName) out.push({ key: 'k8s.cluster.name', value: { stringValue: clusterName } });
  return out;
}
