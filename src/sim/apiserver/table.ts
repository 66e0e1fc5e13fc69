// Server-side printing: meta.k8s.io/v1 Table with the columns kube-apiserver's printers give
// kubectl (priority 0 = default output, 1 = `-o wide`). Types without a printer here get
// NAME/AGE.
import type { ResourceType } from '../resources.ts';
import type { KubeObject } from '../types.ts';
import { objectJson } from './serialize.ts';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableFormat {
  includeObject: IncludeObject;
  /** meta.k8s.io/v1 or meta.k8s.io/v1beta1, as the client asked. */
  apiVersion: string;
}

interface Column {
  name: string;
  type: 'string' | 'integer' | 'date';
  format?: 'name';
  priority?: number;
  description: string;
}

type Cell = string | number;
type Obj = Record<string, unknown>;

const col = (name: string, type: Column['type'] = 'string', priority = 0, format?: 'name'): Column => {
  const c: Column = { name, type, description: `${name} of the object`, priority };
  if (format) c.format = format;
  return c;
};
const NAME = col('Name', 'string', 0, 'name');
const AGE = col('Age');

/** The -o wide columns of a workload with a pod template: its containers, images and selector. */
const TEMPLATE_WIDE = [
  col('Containers', 'string', 1),
  col('Images', 'string', 1),
  col('Selector', 'string', 1),
];
function templateWide(o: KubeObject): string[] {
  const c = containers(o, 'spec', 'template', 'spec');
  return [c.names, c.images, selectorString(get(o, 'spec', 'selector'))];
}

/** Go's duration.HumanDuration, which kubectl's AGE column uses. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${hours / 24}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 365 * 2) return `${days}d`;
  if (hours < 24 * 365 * 8)
    return days % 365 === 0 ? `${days / 365}y` : `${Math.floor(days / 365)}y${days % 365}d`;
  return `${Math.floor(days / 365)}y`;
}

function since(ts: unknown, now: number): string {
  if (typeof ts !== 'string' || ts === '') return '<unknown>';
  const t = Date.parse(ts);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now - t);
}

const get = (o: unknown, ...path: string[]): unknown => {
  let cur = o;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Obj)[k];
  }
  return cur;
};
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const str = (v: unknown, dflt = '<none>'): string => (typeof v === 'string' && v !== '' ? v : dflt);
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

function containers(o: KubeObject, ...specPath: string[]): { names: string; images: string } {
  const cs = arr(get(o, ...specPath, 'containers'));
  return {
    names: cs.map((c) => c.name).join(',') || '<none>',
    images: cs.map((c) => c.image).join(',') || '<none>',
  };
}

function selectorString(sel: unknown): string {
  const s = sel as { matchLabels?: Record<string, string>; matchExpressions?: Obj[] } | undefined;
  if (!s) return '<none>';
  const parts = Object.entries(s.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of s.matchExpressions ?? []) {
    const vals = arr(e.values).join(',');
    const op = String(e.operator);
    if (op === 'In') parts.push(`${e.key} in (${vals})`);
    else if (op === 'NotIn') parts.push(`${e.key} notin (${vals})`);
    else if (op === 'Exists') parts.push(String(e.key));
    else if (op === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',') || '<none>';
}

function podStatus(o: KubeObject): { reason: string; ready: number; total: number; restarts: string } {
  const status = (o.status ?? {}) as Obj;
  let reason = str(status.reason, '') || str(status.phase, 'Pending');
  const specContainers = arr(get(o, 'spec', 'containers'));
  const statuses = arr(status.containerStatuses);
  let ready = 0;
  let restarts = 0;
  let lastRestart = 0;
  let init = false;
  const inits = arr(status.initContainerStatuses);
  const initTotal = arr(get(o, 'spec', 'initContainers')).length;
  inits.forEach((c, i) => {
    const term = get(c, 'state', 'terminated') as Obj | undefined;
    const waiting = get(c, 'state', 'waiting') as Obj | undefined;
    restarts += num(c.restartCount);
    if (term && term.exitCode === 0) return;
    if (init) return;
    init = true;
    if (term) reason = term.reason ? `Init:${term.reason}` : `Init:ExitCode:${term.exitCode}`;
    else if (waiting?.reason && waiting.reason !== 'PodInitializing') reason = `Init:${waiting.reason}`;
    else reason = `Init:${i}/${initTotal}`;
  });
  let hasRunning = false;
  if (!init) {
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i]!;
      restarts += num(c.restartCount);
      const lt = get(c, 'lastState', 'terminated', 'finishedAt');
      if (typeof lt === 'string') lastRestart = Math.max(lastRestart, Date.parse(lt) || 0);
      const waiting = get(c, 'state', 'waiting') as Obj | undefined;
      const term = get(c, 'state', 'terminated') as Obj | undefined;
      if (waiting?.reason) reason = String(waiting.reason);
      else if (term?.reason) reason = String(term.reason);
      else if (term) reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode}`;
      else if (get(c, 'state', 'running') && c.ready) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const cond = arr(status.conditions).find((c) => c.type === 'Ready');
      reason = cond?.status === 'True' ? 'Running' : 'NotReady';
    }
  }
  if (o.metadata.deletionTimestamp) reason = status.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  const r = lastRestart ? `${restarts} (${humanDuration(Date.now() - lastRestart)} ago)` : String(restarts);
  return { reason, ready, total: specContainers.length, restarts: r };
}

function servicePorts(o: KubeObject): string {
  const ports = arr(get(o, 'spec', 'ports')).map((p) => {
    const proto = str(p.protocol, 'TCP');
    return p.nodePort ? `${p.port}:${p.nodePort}/${proto}` : `${p.port}/${proto}`;
  });
  return ports.join(',') || '<none>';
}

function externalIp(o: KubeObject): string {
  const type = str(get(o, 'spec', 'type'), 'ClusterIP');
  const explicit = (get(o, 'spec', 'externalIPs') as string[] | undefined) ?? [];
  if (type === 'ExternalName') return str(get(o, 'spec', 'externalName'));
  if (type === 'LoadBalancer') {
    const ing = arr(get(o, 'status', 'loadBalancer', 'ingress')).map((i) => (i.ip ?? i.hostname) as string);
    const all = [...ing, ...explicit];
    return all.length ? all.join(',') : '<pending>';
  }
  return explicit.length ? explicit.join(',') : '<none>';
}

function eventCells(o: KubeObject, now: number): Cell[] {
  const io = (o.involvedObject ?? {}) as Obj;
  const first = o.firstTimestamp ?? o.eventTime;
  const last = o.lastTimestamp ?? get(o, 'series', 'lastObservedTime') ?? o.eventTime;
  const count = num(o.count) || num(get(o, 'series', 'count')) || 1;
  let lastSeen = since(last, now);
  if (count > 1) lastSeen = `${lastSeen} (x${count} over ${since(first, now)})`;
  const src = (o.source ?? {}) as Obj;
  const source = [src.component || o.reportingComponent, src.host].filter(Boolean).join(', ') || '<none>';
  const object = `${String(io.kind ?? '').toLowerCase()}/${io.name ?? ''}`;
  return [
    lastSeen,
    str(o.type, ''),
    str(o.reason, ''),
    object,
    str(io.fieldPath, ''),
    source,
    str(o.message, ''),
    since(first, now),
    count,
    o.metadata.name,
  ];
}

interface Printer {
  columns: Column[];
  cells(o: KubeObject, now: number): Cell[];
}

const PRINTERS: Record<string, Printer> = {
  '/pods': {
    columns: [
      NAME,
      col('Ready'),
      col('Status'),
      col('Restarts'),
      AGE,
      col('IP', 'string', 1),
      col('Node', 'string', 1),
      col('Nominated Node', 'string', 1),
      col('Readiness Gates', 'string', 1),
    ],
    cells(o, now) {
      const s = podStatus(o);
      const gates = arr(get(o, 'spec', 'readinessGates'));
      const conds = arr(get(o, 'status', 'conditions'));
      const gatesOk = gates.filter((g) =>
        conds.some((c) => c.type === g.conditionType && c.status === 'True'),
      ).length;
      return [
        o.metadata.name,
        `${s.ready}/${s.total}`,
        s.reason,
        s.restarts,
        since(o.metadata.creationTimestamp, now),
        str(get(o, 'status', 'podIP')),
        str(get(o, 'spec', 'nodeName')),
        str(get(o, 'status', 'nominatedNodeName')),
        gates.length ? `${gatesOk}/${gates.length}` : '<none>',
      ];
    },
  },
  '/nodes': {
    columns: [
      NAME,
      col('Status'),
      col('Roles'),
      AGE,
      col('Version'),
      col('Internal-IP', 'string', 1),
      col('External-IP', 'string', 1),
      col('OS-Image', 'string', 1),
      col('Kernel-Version', 'string', 1),
      col('Container-Runtime', 'string', 1),
    ],
    cells(o, now) {
      const ready = arr(get(o, 'status', 'conditions')).find((c) => c.type === 'Ready');
      let status = ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown';
      if (get(o, 'spec', 'unschedulable')) status += ',SchedulingDisabled';
      const roles = Object.keys(o.metadata.labels ?? {})
        .filter((k) => k.startsWith('node-role.kubernetes.io/'))
        .map((k) => k.slice('node-role.kubernetes.io/'.length))
        .filter(Boolean);
      const role = o.metadata.labels?.['kubernetes.io/role'];
      if (role) roles.push(role);
      const addr = (type: string) =>
        str(arr(get(o, 'status', 'addresses')).find((a) => a.type === type)?.address);
      const info = (k: string) => str(get(o, 'status', 'nodeInfo', k), '<unknown>');
      return [
        o.metadata.name,
        status,
        roles.sort().join(',') || '<none>',
        since(o.metadata.creationTimestamp, now),
        info('kubeletVersion'),
        addr('InternalIP'),
        addr('ExternalIP'),
        info('osImage'),
        info('kernelVersion'),
        info('containerRuntimeVersion'),
      ];
    },
  },
  'apps/deployments': {
    columns: [
      NAME,
      col('Ready'),
      col('Up-to-date', 'integer'),
      col('Available', 'integer'),
      AGE,
      ...TEMPLATE_WIDE,
    ],
    cells(o, now) {
      return [
        o.metadata.name,
        `${num(get(o, 'status', 'readyReplicas'))}/${num(get(o, 'spec', 'replicas'))}`,
        num(get(o, 'status', 'updatedReplicas')),
        num(get(o, 'status', 'availableReplicas')),
        since(o.metadata.creationTimestamp, now),
        ...templateWide(o),
      ];
    },
  },
  'apps/replicasets': {
    columns: [
      NAME,
      col('Desired', 'integer'),
      col('Current', 'integer'),
      col('Ready', 'integer'),
      AGE,
      ...TEMPLATE_WIDE,
    ],
    cells(o, now) {
      return [
        o.metadata.name,
        num(get(o, 'spec', 'replicas')),
        num(get(o, 'status', 'replicas')),
        num(get(o, 'status', 'readyReplicas')),
        since(o.metadata.creationTimestamp, now),
        ...templateWide(o),
      ];
    },
  },
  'apps/statefulsets': {
    columns: [NAME, col('Ready'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1)],
    cells(o, now) {
      const c = containers(o, 'spec', 'template', 'spec');
      return [
        o.metadata.name,
        `${num(get(o, 'status', 'readyReplicas'))}/${num(get(o, 'spec', 'replicas'))}`,
        since(o.metadata.creationTimestamp, now),
        c.names,
        c.images,
      ];
    },
  },
  'apps/daemonsets': {
    columns: [
      NAME,
      col('Desired', 'integer'),
      col('Current', 'integer'),
      col('Ready', 'integer'),
      col('Up-to-date', 'integer'),
      col('Available', 'integer'),
      col('Node Selector'),
      AGE,
      ...TEMPLATE_WIDE,
    ],
    cells(o, now) {
      const s = (k: string) => num(get(o, 'status', k));
      const ns =
        Object.entries((get(o, 'spec', 'template', 'spec', 'nodeSelector') ?? {}) as Record<string, string>)
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || '<none>';
      return [
        o.metadata.name,
        s('desiredNumberScheduled'),
        s('currentNumberScheduled'),
        s('numberReady'),
        s('updatedNumberScheduled'),
        s('numberAvailable'),
        ns,
        since(o.metadata.creationTimestamp, now),
        ...templateWide(o),
      ];
    },
  },
  'batch/jobs': {
    columns: [NAME, col('Status'), col('Completions'), col('Duration'), AGE, ...TEMPLATE_WIDE],
    cells(o, now) {
      const conds = arr(get(o, 'status', 'conditions'));
      const has = (t: string) => conds.some((x) => x.type === t && x.status === 'True');
      const status = has('Complete')
        ? 'Complete'
        : has('Failed')
          ? 'Failed'
          : has('FailureTarget')
            ? 'FailureTarget'
            : has('Suspended')
              ? 'Suspended'
              : 'Running';
      const completions = get(o, 'spec', 'completions');
      const succeeded = num(get(o, 'status', 'succeeded'));
      const comp =
        completions === undefined
          ? `${succeeded}/1 of ${num(get(o, 'spec', 'parallelism')) || 1}`
          : `${succeeded}/${num(completions)}`;
      const start = get(o, 'status', 'startTime');
      const end = get(o, 'status', 'completionTime');
      const duration =
        typeof start === 'string'
          ? humanDuration((typeof end === 'string' ? Date.parse(end) : now) - Date.parse(start))
          : '';
      return [
        o.metadata.name,
        status,
        comp,
        duration,
        since(o.metadata.creationTimestamp, now),
        ...templateWide(o),
      ];
    },
  },
  'batch/cronjobs': {
    columns: [
      NAME,
      col('Schedule'),
      col('Timezone'),
      col('Suspend'),
      col('Active', 'integer'),
      col('Last Schedule'),
      AGE,
      ...TEMPLATE_WIDE,
    ],
    cells(o, now) {
      const c = containers(o, 'spec', 'jobTemplate', 'spec', 'template', 'spec');
      const last = get(o, 'status', 'lastScheduleTime');
      return [
        o.metadata.name,
        String(get(o, 'spec', 'schedule') ?? ''),
        str(get(o, 'spec', 'timeZone')),
        String(Boolean(get(o, 'spec', 'suspend'))),
        arr(get(o, 'status', 'active')).length,
        typeof last === 'string' ? since(last, now) : '<none>',
        since(o.metadata.creationTimestamp, now),
        c.names,
        c.images,
        selectorString(get(o, 'spec', 'jobTemplate', 'spec', 'selector')),
      ];
    },
  },
  '/services': {
    columns: [
      NAME,
      col('Type'),
      col('Cluster-IP'),
      col('External-IP'),
      col('Port(s)'),
      AGE,
      col('Selector', 'string', 1),
    ],
    cells(o, now) {
      const sel =
        Object.entries((get(o, 'spec', 'selector') ?? {}) as Record<string, string>)
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || '<none>';
      return [
        o.metadata.name,
        str(get(o, 'spec', 'type'), 'ClusterIP'),
        str(get(o, 'spec', 'clusterIP')),
        externalIp(o),
        servicePorts(o),
        since(o.metadata.creationTimestamp, now),
        sel,
      ];
    },
  },
  '/namespaces': {
    columns: [NAME, col('Status'), AGE],
    cells: (o, now) => [
      o.metadata.name,
      str(get(o, 'status', 'phase'), 'Active'),
      since(o.metadata.creationTimestamp, now),
    ],
  },
  '/events': {
    columns: [
      col('Last Seen'),
      col('Type'),
      col('Reason'),
      col('Object'),
      col('Subobject', 'string', 1),
      col('Source', 'string', 1),
      col('Message'),
      col('First Seen', 'string', 1),
      col('Count', 'integer', 1),
      col('Name', 'string', 1),
    ],
    cells: eventCells,
  },
  '/configmaps': {
    columns: [NAME, col('Data', 'integer'), AGE],
    cells: (o, now) => [
      o.metadata.name,
      Object.keys((o.data ?? {}) as Obj).length + Object.keys((o.binaryData ?? {}) as Obj).length,
      since(o.metadata.creationTimestamp, now),
    ],
  },
  '/secrets': {
    columns: [NAME, col('Type'), col('Data', 'integer'), AGE],
    cells: (o, now) => [
      o.metadata.name,
      str(o.type, 'Opaque'),
      Object.keys((o.data ?? {}) as Obj).length,
      since(o.metadata.creationTimestamp, now),
    ],
  },
  'coordination.k8s.io/leases': {
    columns: [NAME, col('Holder'), AGE],
    cells: (o, now) => [
      o.metadata.name,
      str(get(o, 'spec', 'holderIdentity'), ''),
      since(o.metadata.creationTimestamp, now),
    ],
  },
  '/serviceaccounts': {
    columns: [NAME, col('Secrets', 'integer'), AGE],
    cells: (o, now) => [o.metadata.name, arr(o.secrets).length, since(o.metadata.creationTimestamp, now)],
  },
};

const DEFAULT: Printer = {
  columns: [NAME, AGE],
  cells: (o, now) => [o.metadata.name, since(o.metadata.creationTimestamp, now)],
};

function printerFor(t: ResourceType): Printer {
  // events.k8s.io events are core events in storage and print alike, as in kube-apiserver.
  const key = t.storage ? `${t.storage.group}/${t.storage.resource}` : `${t.group}/${t.resource}`;
  return PRINTERS[key] ?? DEFAULT;
}

function rowObject(
  t: ResourceType,
  version: string,
  o: KubeObject,
  include: IncludeObject,
): string | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return objectJson(t, version, o);
  return JSON.stringify({
    kind: 'PartialObjectMetadata',
    apiVersion: 'meta.k8s.io/v1',
    metadata: o.metadata,
  });
}

/** One row, as JSON. */
export function tableRowJson(
  t: ResourceType,
  version: string,
  o: KubeObject,
  fmt: TableFormat,
  now: number,
): string {
  const cells = JSON.stringify(printerFor(t).cells(o, now));
  const obj = rowObject(t, version, o, fmt.includeObject);
  return obj === undefined ? `{"cells":${cells}}` : `{"cells":${cells},"object":${obj}}`;
}

/**
 * A Table as JSON. `listMeta` goes into metadata (resourceVersion, continue, remainingItemCount);
 * `noHeaders` omits columnDefinitions (watch events after the first).
 */
export function tableJson(
  t: ResourceType,
  version: string,
  objs: KubeObject[],
  fmt: TableFormat,
  listMeta: Record<string, unknown>,
  noHeaders = false,
): string {
  const now = Date.now();
  const cols = noHeaders ? 'null' : JSON.stringify(printerFor(t).columns);
  const rows = objs.map((o) => tableRowJson(t, version, o, fmt, now)).join(',');
  return `{"kind":"Table","apiVersion":${JSON.stringify(fmt.apiVersion)},"metadata":${JSON.stringify(listMeta)},"columnDefinitions":${cols},"rows":[${rows}]}`;
}
