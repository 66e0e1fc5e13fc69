// The configuration of a `watchingcat backend` for end-to-end tests: OTLP on the given loopback
// ports into the storage exporter, traces and logs pipelines, and the REST API guarded by the
// token in the environment variable `tokenEnv` (resolved by the process, as users write it).
export function guardedBackendConfig(o: {
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
