// Runs a role until SIGTERM/SIGINT: start the service, then stop intake, flush and exit 0
// within the shutdown deadline. A second signal exits at once.
import { Service } from '../pipeline/service.ts';
import { createLogger } from '../telemetry/logger.ts';
import { VERSION } from '../version.ts';
import type { Role } from './defaults.ts';
import type { BackendApi } from './backend-api.ts';
import type { DemoCluster } from './demo.ts';
import type { DemoApp } from '../sim/demo/app.ts';
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

export interface RunOptions {
  /** `up --demo`: a simulated cluster and a demo application in this process. */
  demo?: boolean;
}

/** Progress for the user (stderr, plain lines; the JSON log goes to stderr too, at info level). */
const say = (line: string): void => void process.stderr.write(`watchingcat: ${line}\n`);

/** A listen address as a URL the user can open (0.0.0.0 → 127.0.0.1). */
function reachable(address: string): string {
  const i = address.lastIndexOf(':');
  const host = address.slice(0, i);
  return `http://${host === '0.0.0.0' || host === '' || host === '[::]' ? '127.0.0.1' : host}:${address.slice(i + 1)}`;
}

/** Resolves with the process exit code. Config errors throw ConfigError (exit 2 in the CLI). */
export async function runRole(role: Role, flags: RoleFlags, opts: RunOptions = {}): Promise<number> {
  let demo: DemoCluster | undefined;
  let demoApp: DemoApp | undefined;
  const demoMod = opts.demo ? await import('./demo.ts') : undefined;
  if (demoMod) {
    const { defaultDataDir } = await import('../config/service-schema.ts');
    const { join } = await import('node:path');
    const dir = join(flags.dataDir ?? defaultDataDir(), 'demo-cluster');
    say(
      `starting a simulated cluster (${demoMod.DEMO_SIZE.nodes} nodes, ${demoMod.DEMO_SIZE.pods} pods) under ${dir}…`,
    );
    demo = await demoMod.startDemoCluster(dir, say);
    say(`simulated cluster running: API server ${demo.sim.url}, kubeconfig ${demo.sim.kubeconfig}`);
  }
  let rc;
  try {
    rc = await loadRoleConfig(
      role,
      flags,
      process.env,
      demo ? (raw) => demoMod!.addDemoToConfig(raw, demo!) : undefined,
    );
  } catch (err) {
    await demo?.sim.stop();
    throw err;
  }
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

  const service = new Service(rc.resolved, { logger, role });
  let api: BackendApi | undefined;
  // The API goes first (no reads against a storage being closed), then the pipelines flush.
  const stopAll = async (): Promise<void> => {
    await demoApp?.stop();
    await api
      ?.close()
      .catch((e: Error) => logger.warn({ error: e.message }, 'REST API did not close cleanly'));
    await service.shutdown();
    await demo?.sim.stop();
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
    if (role === 'up') say('starting storage, ingest and the pipelines…');
    await service.start();
  } catch (err) {
    logger.fatal((err as Error).message);
    await demo?.sim.stop();
    return 1;
  }
  if (API_ROLES.includes(role) && signals === 0) {
    try {
      const { startBackendApi } = await import('./backend-api.ts');
      api = await startBackendApi(rc.resolved, logger);
    } catch (err) {
      logger.fatal((err as Error).message);
      await service.shutdown();
      await demo?.sim.stop();
      return 1;
    }
  }
  if (demo && signals === 0) {
    const { DemoApp } = await import('../sim/demo/app.ts');
    const endpoint = demoMod!.ownOtlpHttpUrl(rc.raw);
    demoApp = new DemoApp({ store: demo.sim.store, endpoint });
    demoApp.start();
    say(`demo application sending traces and logs to ${endpoint}`);
  }
  if (role === 'up' && signals === 0) {
    const b = rc.resolved.service.backend;
    process.stdout.write(
      `WatchingCat is up${demo ? ' with a simulated cluster' : ''}.\n` +
        `  UI   ${reachable(b.ui.address)}\n` +
        `  API  ${reachable(b.api.address)}\n` +
        `  data ${rc.resolved.service.data_dir}\n` +
        (demo ? `  kubectl --kubeconfig ${demo.sim.kubeconfig} get pods -A\n` : '') +
        'Press Ctrl+C to stop.\n',
    );
  }
  await stopped;
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  return 0;
}
