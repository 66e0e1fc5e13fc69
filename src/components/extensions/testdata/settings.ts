// CreateSettings for extension tests: a silent logger and a private telemetry registry.
import type { CreateSettings } from '../../../pipeline/component.ts';
import { silentLogger } from '../../../telemetry/logger.ts';
import { SelfMetrics } from '../../../telemetry/self-metrics.ts';

export function extensionSettings(type: string, dataDir = '/nonexistent'): CreateSettings {
  return {
    id: { type, name: '', key: type },
    kind: 'extension',
    logger: silentLogger(),
    telemetry: new SelfMetrics({ processMetrics: false }).forComponent('extension', type),
    dataDir,
  };
}
