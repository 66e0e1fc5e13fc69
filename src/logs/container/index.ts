// Kubernetes container log lines: CRI and Docker parsing, format detection, partial-line
// recombination, severity from the message, and what a pod log path says about its container.
export { parseCriLine, parseRfc3339Nano, type CriLine, type ParseError, type Stream } from './cri.ts';
export { parseDockerLine, type DockerLine } from './docker.ts';
export { detectFormat, type LogFormat } from './detect.ts';
export { Recombiner, DEFAULT_MAX_ENTRY_BYTES, type Entry } from './recombine.ts';
export { podLogIdentity, podLogResource, isRotatedLog, isCompressed, type PodLogIdentity } from './path.ts';
export { severityOf, UNSPECIFIED, type Severity } from './severity.ts';
