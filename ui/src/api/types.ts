// Response shapes of the backend REST API (src/api; /api/v1/openapi.json describes them).

export type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number | string }
  | { bytesValue: string }
  | { arrayValue: { values: AnyValue[] } }
  | { kvlistValue: { values: KeyValue[] } }
  | Record<string, never>;

export interface KeyValue {
  key: string;
  value: AnyValue;
}

export interface Resources {
  cpuCores: number | null;
  memoryBytes: number | null;
}

export interface Overview {
  at: string;
  nodes: { total: number; ready: number; notReady: number };
  pods: {
    total: number;
    Pending: number;
    Running: number;
    Succeeded: number;
    Failed: number;
    Unknown: number;
  };
  workloads: { total: number; healthy: number; degraded: number };
  warningEventsLastHour: number;
  cpu: { usedCores: number | null; allocatableCores: number | null };
  memory: { usedBytes: number | null; allocatableBytes: number | null };
  /** What needs attention; each list is capped (`?limit=`), the counts above are whole. */
  attention: {
    nodes: { name: string; conditions: { type: string; status: string }[] }[];
    pods: Pod[];
    podsInTrouble: number;
    workloads: Workload[];
    warningEvents: K8sEvent[];
  };
  truncated: boolean;
}

export interface Node extends Resources {
  name: string;
  ready: boolean;
  roles: string[];
  kubeletVersion: string;
  allocatable: { cpuCores: number | null; memoryBytes: number | null; pods: number | null };
  conditions: { type: string; status: string }[];
  pods: number;
}

export interface Pod extends Resources {
  namespace: string;
  name: string;
  uid: string;
  node: string;
  phase: string;
  status: string;
  createdBy: { kind: string; name: string } | null;
  containers: { ready: number; total: number };
  restarts: number;
  ageSeconds: number | null;
  requests: Resources;
  limits: Resources;
}

export interface Container extends Resources {
  name: string;
  image: string;
  ready: boolean;
  restarts: number;
  state: 'running' | 'waiting' | 'terminated';
  reason: string;
  requests: Resources;
  limits: Resources;
}

export interface PodDetail extends Pod {
  containerList: Container[];
}

export interface Workload {
  kind: string;
  namespace: string;
  name: string;
  desired: number | null;
  ready: number | null;
  available: number | null;
  healthy: boolean;
}

export interface Namespace {
  name: string;
  phase: string;
  pods: Record<string, number> & { total: number };
}

export interface K8sEvent {
  timeUnixNano: string;
  type: 'Warning' | 'Normal';
  reason: string;
  action: string;
  message: string;
  count: number;
  eventName: string;
  namespace: string;
  objectKind: string;
  objectName: string;
}

export interface Service {
  name: string;
  spans: number;
  requestRate: number;
  errorRate: number;
  latency: { p50Nano: number; p95Nano: number; p99Nano: number };
}

export interface TraceSummary {
  traceId: string;
  startTimeUnixNano: string;
  durationNano: string;
  spanCount: number;
  errorCount: number;
  rootService: string;
  rootName: string;
}

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  durationNano: string;
  attributes: KeyValue[];
  events: { timeUnixNano: string; name: string; attributes: KeyValue[] }[];
  links: { traceId: string; spanId: string; attributes: KeyValue[] }[];
  status: { code: number; message: string };
  service: string;
  resource: { attributes: KeyValue[] };
  scope: { name: string; version: string };
}

export interface LogRecord {
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: AnyValue;
  attributes: KeyValue[];
  traceId: string;
  spanId: string;
  service: string;
  resource: { attributes: KeyValue[] };
  scope: { name: string; version: string };
  cursor: string;
}

export interface Dependencies {
  nodes: { id: string; name: string }[];
  edges: { parent: string; child: string; calls: number; errors: number }[];
}

export interface RangeSeries {
  labels: Record<string, string>;
  points: [number, number | string][];
}
