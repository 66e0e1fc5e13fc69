// Runs a role until SIGTERM/SIGINT: start the service, then stop intake, flush and exit 0
// within the shutdown deadline. A second signal exits at once.
import { Service } from '../pipeline/service.ts';
import { createLogger } from '../telemetry/logger.ts';
import { VERSION } from '../version.ts';
import type { Role } from './defaults.ts';
import type { BackendApi } from './backend-api.ts';
import type { RoleFlags } from './flags.ts';
import { loadRoleConfig } from './load.ts';

/** Roles that serve the REST API over their storage. */
const API_ROLES: readonly Role[] = ['backend', 'up'];

export const ROLE_SUMMARY: Record<Role, string> = {
  agent: 'per-node collector: OTLP in, enrich, durable export',
  cluster: 'cluster collector and OTLP gateway for the agents',
  backend: 'OTLP ingest, storage, query API and UI',
  up: 'backend and agent in one process for one machine',
};

/** Resolves with the process exit code. Config errors throw ConfigError (exit 2 in the CLI). */
export async function runRole(role: Role, flags: RoleFlags): Promise<number> {
  const rc = await loadRoleConfig(role, flags);
  const logger = createLogger({ level: rc.resolved.service.telemetry.logs.level });
  logger.info(
    { version: VERSION, role, config: rc.source, data_dir: rc.resolved.service.data_dir },
    `watchingcat ${role} starting (${ROLE_SUMMARY[role]})`,
  );
  for (const note of rc.notes) logger.warn(note);
  for (const p of rc.resolved.pipelines) {
    logger.info(
      `pipeline ${p.id}: ${p.receivers.join(', ')} → ${p.processors.join(' → ') || '(no processors)'} → ${p.exporters.join(', ')}`,
    );
  }

  const service = new Service(rc.resolved, { logger });
  let api: BackendApi | undefined;
  // The API goes first (no reads against a storage being closed), then the pipelines flush.
  const stopAll = async (): Promise<void> => {
    await api
      ?.close()
      .catch((e: Error) => logger.warn({ error: e.message }, 'REST API did not close cleanly'));
    await service.shutdown();
  };
  let signals = 0;
  let resolveStop!: () => void;
  const stopped = new Promise<void>((r) => (resolveStop = r));
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      logger.warn(`${sig} again: exiting without waiting for the flush`);
      process.exit(130);
    }
    logger.info(`${sig} received: stopping gracefully (send it again to exit at once)`);
    stopAll().then(resolveStop, resolveStop);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    // A failed start stops what had started by itself.
    await service.start();
  } catch (err) {
    logger.fatal((err as Error).message);
    return 1;
  }
  if (API_ROLES.includes(role) && signals === 0) {
    try {
      const { startBackendApi } = await import('./backend-api.ts');
      api = await startBackendApi(rc.resolved, logger);
    } catch (err) {
      logger.fatal((err as Error).message);
      await service.shutdown();
      return 1;
    }
  }
  await stopped;
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  return 0;
}
