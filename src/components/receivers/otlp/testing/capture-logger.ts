// A pino logger that keeps its JSON lines in memory, so tests can assert what was logged.
import { pino } from 'pino';
import type { Logger } from '../../../../telemetry/logger.ts';

export function captureLogger(): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const raw: string[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void raw.push(s) });
  return { logger, lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>) };
}
