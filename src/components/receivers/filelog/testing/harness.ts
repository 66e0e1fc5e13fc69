// What tests and the benchmark need to run a filelog receiver by hand: its settings under a
// temporary root (as if the host's / were mounted there) and a host without Kubernetes.
import type { CreateSettings, Host } from '../../../../pipeline/component.ts';
import { ExpositionRegistry } from '../../../../telemetry/exposition.ts';
import { createLogger } from '../../../../telemetry/logger.ts';
import { SelfMetrics } from '../../../../telemetry/self-metrics.ts';

export function receiverSettings(root: string, dataDir: string, metrics?: SelfMetrics): CreateSettings {
  return {
    id: { type: 'filelog', name: '', key: 'filelog' },
    kind: 'receiver',
    logger: createLogger({ level: 'silent' }),
    telemetry: (metrics ?? new SelfMetrics({ processMetrics: false })).forComponent('receiver', 'filelog'),
    dataDir,
    hostRootPath: root,
  };
}

export function plainHost(extra: Partial<Host> = {}): Host {
  return {
    getExtension: () => undefined,
    isReady: () => true,
    exposition: new ExpositionRegistry(),
    ...extra,
  };
}
