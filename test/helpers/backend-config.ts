// The configuration of a `watchingcat backend` for end-to-end tests: OTLP on the given loopback
// ports into the storage exporter, traces and logs pipelines, and the REST API guarded by the
// token in the environment variable `tokenEnv` (resolved by the process, as users write it).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRole, type Running } from './process.ts';

function guardedBackendConfig(o: {
  grpc: number;
  http: number;
  tokenEnv: string;
  /** service.metrics_endpoint.address, when the test reads the process's own metrics. */
  metricsAddress?: string;
}): string {
  return `receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:${o.grpc}
      http:
        endpoint: 127.0.0.1:${o.http}
processors:
  batch:
    timeout: 20ms
exporters:
  storage:
extensions:
  health_check:
service:
  extensions: [health_check]
  telemetry:
    metrics:
      level: none
${o.metricsAddress ? `  metrics_endpoint:\n    address: ${o.metricsAddress}\n` : ''}  backend:
    api:
      auth:
        token: \${env:${o.tokenEnv}}
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [storage]
    logs:
      receivers: [otlp]
      processors: [batch]
      exporters: [storage]
`;
}

/**
 * Writes `dir/config.yaml` (guardedBackendConfig) and starts `watchingcat backend` on it with its
 * data in `dir/data`; resolves once the REST API (and the UI, when `ui` is given) answers — they
 * start right after the pipelines report healthy.
 */
export async function startGuardedBackend(o: {
  dir: string;
  ports: { grpc: number; http: number; api: number; health: number; ui?: number; metrics?: number };
  token: string;
  tokenEnv: string;
}): Promise<Running> {
  const { ports } = o;
  writeFileSync(
    join(o.dir, 'config.yaml'),
    guardedBackendConfig({
      grpc: ports.grpc,
      http: ports.http,
      tokenEnv: o.tokenEnv,
      ...(ports.metrics !== undefined ? { metricsAddress: `127.0.0.1:${ports.metrics}` } : {}),
    }),
  );
  const r = await startRole(
    [
      'backend',
      ...['--config', join(o.dir, 'config.yaml'), '--data-dir', join(o.dir, 'data')],
      ...['--api-address', `127.0.0.1:${ports.api}`],
      ...(ports.ui !== undefined ? ['--ui-address', `127.0.0.1:${ports.ui}`] : []),
    ],
    { healthPort: ports.health, env: { [o.tokenEnv]: o.token } },
  );
  const urls = [ports.api, ...(ports.ui !== undefined ? [ports.ui] : [])].map(
    (p) => `http://127.0.0.1:${p}/health`,
  );
  const deadline = Date.now() + 10_000;
  for (const url of urls)
    for (;;) {
      try {
        if ((await fetch(url)).status === 200) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await r.kill9();
        throw new Error(`${url} did not come up:\n${r.logs()}`);
      }
      await new Promise((res) => setTimeout(res, 50));
    }
  return r;
}
