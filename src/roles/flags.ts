// The flags every role shares (DESIGN §9) and how they override the configuration file.
// Each flag has a config-file equivalent; the flag wins.

export interface RoleFlags {
  config?: string;
  dataDir?: string;
  metricsAddress?: string;
  telemetryAddress?: string;
  healthAddress?: string;
  kubeconfig?: string;
  clusterName?: string;
  region?: string;
  environment?: string;
  nodeName?: string;
  rootPath?: string;
  otlpEndpoint?: string;
  clickhouseUrl?: string;
  apiAddress?: string;
  uiAddress?: string;
}

type Obj = Record<string, unknown>;

/** The mapping under `key`, created (replacing a non-mapping) when absent. */
export function obj(parent: Obj, key: string): Obj {
  const v = parent[key];
  if (v && typeof v === 'object' && !Array.isArray(v)) return v as Obj;
  const created: Obj = {};
  parent[key] = created;
  return created;
}

/** Applies flags to a raw (env-expanded, not yet validated) configuration, in place. */
export function applyFlags(raw: Obj, flags: RoleFlags): Obj {
  const service = obj(raw, 'service');
  if (flags.dataDir) service.data_dir = flags.dataDir;
  if (flags.metricsAddress) obj(service, 'metrics_endpoint').address = flags.metricsAddress;
  if (flags.telemetryAddress) obj(obj(service, 'telemetry'), 'metrics').address = flags.telemetryAddress;
  if (flags.kubeconfig) obj(service, 'kubernetes').kubeconfig = flags.kubeconfig;
  if (flags.clusterName) obj(service, 'kubernetes').cluster_name = flags.clusterName;
  if (flags.region) obj(service, 'kubernetes').region = flags.region;
  if (flags.environment) obj(service, 'kubernetes').environment = flags.environment;
  if (flags.nodeName) obj(service, 'kubernetes').node_name = flags.nodeName;
  if (flags.rootPath) obj(service, 'host').root_path = flags.rootPath;
  if (flags.clickhouseUrl) {
    obj(service, 'backend').clickhouse_url = flags.clickhouseUrl;
    // Every storage exporter writes to that server.
    const exporters = obj(raw, 'exporters');
    for (const [id, e] of Object.entries(exporters)) {
      if (id.split('/')[0] !== 'storage') continue;
      exporters[id] = { ...(e && typeof e === 'object' ? (e as Obj) : {}), endpoint: flags.clickhouseUrl };
    }
  }
  if (flags.apiAddress) obj(obj(service, 'backend'), 'api').address = flags.apiAddress;
  if (flags.uiAddress) obj(obj(service, 'backend'), 'ui').address = flags.uiAddress;
  if (flags.healthAddress) {
    // Override every health_check extension; add one when the file has none.
    const extensions = obj(raw, 'extensions');
    const ids = Object.keys(extensions).filter((k) => k === 'health_check' || k.startsWith('health_check/'));
    if (ids.length === 0) {
      extensions.health_check = { endpoint: flags.healthAddress };
      const list = Array.isArray(service.extensions) ? (service.extensions as unknown[]) : [];
      service.extensions = [...list, 'health_check'];
    }
    for (const id of ids) {
      const e = extensions[id];
      extensions[id] = { ...(e && typeof e === 'object' ? (e as Obj) : {}), endpoint: flags.healthAddress };
    }
  }
  if (flags.otlpEndpoint) {
    // Every OTLP exporter sends to the given endpoint.
    const exporters = obj(raw, 'exporters');
    for (const [id, e] of Object.entries(exporters)) {
      const type = id.split('/')[0];
      if (type !== 'otlp' && type !== 'otlphttp') continue;
      exporters[id] = { ...(e && typeof e === 'object' ? (e as Obj) : {}), endpoint: flags.otlpEndpoint };
    }
  }
  return raw;
}
