// A pod log file's format, decided once from its first non-empty line: CRI (containerd, CRI-O)
// or Docker's json-file. Contract: never throws; undefined when the line is neither.
import { parseCriLine } from './cri.ts';
import { parseDockerLine } from './docker.ts';

export type LogFormat = 'cri' | 'docker';

export function detectFormat(firstLine: string): LogFormat | undefined {
  if (firstLine.startsWith('{')) return 'error' in parseDockerLine(firstLine) ? undefined : 'docker';
  return 'error' in parseCriLine(firstLine) ? undefined : 'cri';
}
