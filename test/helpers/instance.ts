// Starting a WatchingCat instance on free loopback ports with a generated configuration.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startRole, type Running } from './process.ts';

export interface Instance extends Running {
  grpcPort: number;
  httpPort: number;
  telemetryPort: number;
  healthPort: number;
  dataDir: string;
  configFile: string;
  /** Restart with the same configuration and data directory (after stop or kill -9). */
  restart(): Promise<Instance>;
  ownMetrics(): Promise<string>;
}

export interface InstanceOptions {
  /** YAML for processors:, exporters: and extensions: and the pipeline processor/exporter lists. */
  processors?: string;
  exporters: string;
  extensions?: string;
  pipelineProcessors?: string[];
  pipelineExporters: string[];
  serviceExtensions?: string[];
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
  role?: string;
}

export async function startInstance(o: InstanceOptions): Promise<Instance> {
  const [grpcPort, httpPort, telemetryPort, healthPort, metricsPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'wc-e2e-'));
  const pipeline = `receivers: [otlp]\n      processors: [${(o.pipelineProcessors ?? []).join(', ')}]\n      exporters: [${o.pipelineExporters.join(', ')}]`;
  const yaml = `receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:${grpcPort}
      http:
        endpoint: 127.0.0.1:${httpPort}
processors:
${o.processors ?? '  {}'}
exporters:
${o.exporters}
extensions:
${o.extensions ?? '  {}'}
service:
  extensions: [${(o.serviceExtensions ?? []).join(', ')}]
  telemetry:
    metrics:
      address: 127.0.0.1:${telemetryPort}
  metrics_endpoint:
    address: 127.0.0.1:${metricsPort}
  pipelines:
    traces:
      ${pipeline}
    metrics:
      ${pipeline}
    logs:
      ${pipeline}
`;
  const configFile = join(dataDir, 'config.yaml');
  writeFileSync(configFile, yaml);
  const launch = async (): Promise<Instance> => {
    const r = await startRole([o.role ?? 'agent', '--config', configFile, '--data-dir', dataDir], {
      healthPort,
      env: o.env,
    });
    return {
      ...r,
      grpcPort,
      httpPort,
      telemetryPort,
      healthPort,
      dataDir,
      configFile,
      restart: launch,
      ownMetrics: async () => (await fetch(`http://127.0.0.1:${telemetryPort}/metrics`)).text(),
    };
  };
  return launch();
}

/** Sums a counter family from a Prometheus exposition, optionally filtered by a label matcher. */
export function sumMetric(text: string, name: string, match: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const labels = Object.fromEntries(
      [...(m[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]),
    );
    if (Object.entries(match).every(([k, v]) => labels[k] === v)) total += Number(m[4]);
  }
  return total;
}
