// The OpenAPI 3 description of the endpoints that exist (served at /api/v1/openapi.json).
import { MAX_PODS_PAGE, PHASES } from './k8s.ts';
import { MAX_POINTS } from './metric-params.ts';
import { DEFAULT_LIMIT, MAX_LIMIT } from './params.ts';
import { DEFAULT_TAIL_OPTIONS } from './tail.ts';
import { MAX_TRACE_DEPTH } from './traces.ts';

const error = {
  description: 'Error',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: { code: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
  },
};

const time = (name: string, what: string) => ({
  name,
  in: 'query',
  description: `${what}: RFC 3339 (2024-05-01T12:00:00.123456789Z) or Unix nanoseconds`,
  schema: { type: 'string' },
});
const range = [time('start', 'Range start (default: end − 1 h)'), time('end', 'Range end (default: now)')];
const ok = (description: string, schema: object) => ({
  description,
  content: { 'application/json': { schema } },
});
const common = { '400': error, '401': error, '503': error };
const q = (name: string, description: string, schema: object = { type: 'string' }) => ({
  name,
  in: 'query',
  description,
  schema,
});
const path = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});
const logFilters = [
  q('q', 'Full text: every word must occur in the body as a whole word, case-insensitively'),
  q('severity', 'Minimum severity: a number 1..24 or TRACE, DEBUG, INFO, WARN, ERROR, FATAL (e.g. WARN2)'),
  q('service', 'service.name equals'),
  q('resource.<key>', 'Resource attribute equality, e.g. resource.k8s.namespace.name=shop'),
];
const matchers = {
  name: 'match[]',
  in: 'query',
  description:
    'Label matcher, repeatable (all must hold): label="v", label!="v", label=~"re", label!~"re" (RE2, anchored)',
  schema: { type: 'array', items: { type: 'string' } },
  style: 'form',
  explode: true,
};
const metricName = path('name', 'Metric name');
const asOf = [
  time('at', 'The time the view describes (default: now)'),
  q('window', 'How old the newest point of a series may be to count at `at`: 1s..1h (default 5m)'),
];
const k8s = (summary: string, parameters: object[] = []) => ({
  get: {
    summary,
    parameters: [...asOf, ...parameters],
    responses: { '200': ok(summary, { type: 'object' }), ...common },
  },
});

export function openApiDocument(version: string): object {
  const rangeParams = [
    matchers,
    ...range,
    q(
      'step',
      `Bucket width: a duration (15s, 1m) or integer nanoseconds; whole milliseconds, 1ms..31d, at most ${MAX_POINTS} points over the range (default: about 250 points, whole seconds)`,
    ),
    q(
      'fn',
      "raw: every point; rate: per-second increase of counters; sum/avg/max/min: over the series' last value per step",
      {
        type: 'string',
        enum: ['raw', 'rate', 'sum', 'avg', 'max', 'min'],
        default: 'raw',
      },
    ),
    q('by', 'Comma-separated labels to group rate/sum/avg/max/min by'),
  ];
  return {
    openapi: '3.0.3',
    info: {
      title: 'WatchingCat backend API',
      version,
      description:
        'Every /api route needs "Authorization: Bearer <token>" when service.backend.api.auth.token is set. Time ranges accept RFC 3339 or Unix nanoseconds and span at most 31 days. Nanosecond values and int64 attributes are decimal strings; spans use the OTLP/JSON shape (hex ids).',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
    security: [{ bearer: [] }, {}],
    paths: {
      '/health': {
        get: {
          summary: 'Liveness and readiness, with the storage status (never needs a token)',
          security: [],
          responses: { '200': ok('Ready', { type: 'object' }), '503': error },
        },
      },
      '/api/v1/services': {
        get: {
          summary: 'Services seen in server/consumer spans: request rate, error rate, latency percentiles',
          parameters: range,
          responses: { '200': ok('Services', { type: 'object' }), ...common },
        },
      },
      '/api/v1/traces': {
        get: {
          summary: 'Traces with at least one span matching every filter, newest first',
          parameters: [
            { name: 'service', in: 'query', schema: { type: 'string' } },
            { name: 'operation', in: 'query', schema: { type: 'string' } },
            {
              name: 'attr.<key>',
              in: 'query',
              description: 'Span attribute equality filter, e.g. attr.http.method=GET (repeatable keys)',
              schema: { type: 'string' },
            },
            {
              name: 'resource.<key>',
              in: 'query',
              description:
                'Resource attribute equality filter, e.g. resource.k8s.pod.name=web-1 (repeatable keys)',
              schema: { type: 'string' },
            },
            {
              name: 'tags',
              in: 'query',
              description: 'Attribute filters as a JSON object, e.g. {"http.method":"GET"}',
              schema: { type: 'string' },
            },
            {
              name: 'minDuration',
              in: 'query',
              description: 'e.g. 250ms, 1.5s, or nanoseconds',
              schema: { type: 'string' },
            },
            { name: 'maxDuration', in: 'query', schema: { type: 'string' } },
            ...range,
            {
              name: 'limit',
              in: 'query',
              schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
            },
            q(
              'cursor',
              `A \`next\` from an earlier page (it pins the range end; omit end). Pages follow the traces' newest matching span; at most ${MAX_TRACE_DEPTH} traces can be paged through, and traces whose newest matching spans share a timestamp at a page boundary may repeat or be skipped`,
            ),
          ],
          responses: {
            '200': ok('Trace summaries and next (null on the last page)', { type: 'object' }),
            ...common,
          },
        },
      },
      '/api/v1/traces/{traceId}': {
        get: {
          summary: 'Every span of one trace, oldest first',
          parameters: [
            {
              name: 'traceId',
              in: 'path',
              required: true,
              schema: { type: 'string', pattern: '^[0-9a-fA-F]{32}$' },
            },
          ],
          responses: { '200': ok('The trace', { type: 'object' }), '404': error, ...common },
        },
      },
      '/api/v1/logs': {
        get: {
          summary:
            'Log records matching every filter, newest first. `next` pages back in time (null on the last page); `after` returns only records newer than a cursor, and `latest` is the cursor to poll with next',
          parameters: [
            ...logFilters,
            ...range,
            q('limit', 'Records per page', { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: 100 }),
            q('cursor', 'A `next` from an earlier page: the records strictly older than it'),
            q('after', 'A record cursor: the oldest `limit` records newer than it (excludes cursor)'),
          ],
          responses: {
            '200': ok('Log records (OTLP/JSON shape) with next and latest', { type: 'object' }),
            ...common,
          },
        },
      },
      '/api/v1/logs/tail': {
        get: {
          summary: `Live tail as Server-Sent Events: each record is an \`event: log\` (id = its cursor, data as in /api/v1/logs), oldest first; storage is polled every ${DEFAULT_TAIL_OPTIONS.pollMs} ms; \`: heartbeat\` comments every ${DEFAULT_TAIL_OPTIONS.heartbeatMs / 1000} s; Last-Event-ID resumes. At most ${DEFAULT_TAIL_OPTIONS.maxTails} tails at once (503 too_many_tails); a client that stops reading is disconnected`,
          parameters: [
            ...logFilters,
            q('backfill', 'First replay up to this many of the newest matching records of the last hour', {
              type: 'integer',
              minimum: 0,
              maximum: 1000,
              default: 0,
            }),
            q('after', 'Resume after this record cursor (as the Last-Event-ID header does)'),
            { name: 'Last-Event-ID', in: 'header', schema: { type: 'string' } },
          ],
          responses: {
            '200': {
              description: 'The event stream',
              content: { 'text/event-stream': { schema: { type: 'string' } } },
            },
            ...common,
          },
        },
      },
      '/api/v1/metrics': {
        get: {
          summary: 'Names of metrics with points in the range, sorted; `truncated` when `limit` cut the list',
          parameters: [
            q('match', 'Case-insensitive substring of the name'),
            ...range,
            q('limit', 'Most names returned', { type: 'integer', minimum: 1, maximum: 9999, default: 1000 }),
          ],
          responses: { '200': ok('Metric names', { type: 'object' }), ...common },
        },
      },
      '/api/v1/metrics/{name}/labels': {
        get: {
          summary: "Label names of the metric's series (resource and point attributes)",
          parameters: [metricName, ...range],
          responses: { '200': ok('Label names', { type: 'object' }), ...common },
        },
      },
      '/api/v1/metrics/{name}/labels/{label}/values': {
        get: {
          summary: 'Values of one label across the metric series',
          parameters: [metricName, path('label', 'Label name'), ...range],
          responses: { '200': ok('Label values', { type: 'object' }), ...common },
        },
      },
      '/api/v1/metrics/{name}/series': {
        get: {
          summary: 'The series (label sets) of a metric matching every matcher',
          parameters: [metricName, matchers, ...range],
          responses: { '200': ok('Series', { type: 'object' }), ...common },
        },
      },
      '/api/v1/metrics/{name}/query_range': {
        get: {
          summary: `Values of gauge and sum series over time: points are [ms since the epoch, value] (NaN/±Infinity as strings); at most ${MAX_POINTS} steps per series`,
          parameters: [metricName, ...rangeParams],
          responses: { '200': ok('Series with points', { type: 'object' }), ...common },
        },
      },
      '/api/v1/metrics/query_range': {
        get: {
          summary: `Several metrics' range queries in one (the same matchers, fn and by for each): the answer of /api/v1/metrics/{name}/query_range for each, its series carrying \`metric\`; 1..8 metrics`,
          parameters: [
            q('metric', 'A metric name; repeat for each metric (metric=a&metric=b)', {
              type: 'array',
              items: { type: 'string' },
            }),
            ...rangeParams,
          ],
          responses: { '200': ok('Series with points, each with its metric', { type: 'object' }), ...common },
        },
      },
      '/api/v1/pipeline': {
        get: {
          summary:
            'Pipeline health: every WatchingCat process reporting its own metrics (selfmetrics receiver) with its last heartbeat (`status` silent after `silentAfterSeconds`), items accepted, refused, dropped and sent, queue depth; and the last data received per source (service.name) and signal',
          parameters: [...range],
          responses: { '200': ok('Processes and sources', { type: 'object' }), ...common },
        },
      },
      '/api/v1/k8s/overview': k8s(
        'Cluster overview: nodes ready/not ready, pods by phase, workloads healthy/degraded, Warning events in the hour before `at`, CPU cores and memory bytes used vs allocatable; and `attention`: nodes not ready (name, conditions), pods in trouble (rows as in /k8s/pods?problems=true; `podsInTrouble` counts them all), degraded workloads (as in /k8s/workloads) and the 8 latest Warning events of that hour (as in /k8s/events)',
        [
          q('limit', 'Items per attention list (nodes, pods, workloads)', {
            type: 'integer',
            minimum: 1,
            maximum: 200,
            default: 20,
          }),
        ],
      ),
      '/api/v1/k8s/nodes': k8s(
        'Nodes: ready, conditions (type and the status that holds), roles, kubelet version, allocatable cpu/memory/pods, non-terminated pods, CPU cores and memory working set used (null without container metrics)',
      ),
      '/api/v1/k8s/pods': k8s(
        'Pods sorted by namespace and name: uid, node, phase, status as `kubectl get pods` shows it, owner, ready/total containers, restarts, age, CPU cores, memory bytes, summed container requests/limits (cpuCores, memoryBytes; null when no container sets one); `next` pages on (null on the last page)',
        [
          q('namespace', 'Namespace equals'),
          q('node', 'Node equals'),
          q('phase', 'Phase equals', { type: 'string', enum: [...PHASES] }),
          q(
            'problems',
            'true: only pods that need attention (status other than Running/Succeeded/Completed, running with containers not ready, or restarted)',
            { type: 'boolean' },
          ),
          q('limit', 'Pods per page', {
            type: 'integer',
            minimum: 1,
            maximum: MAX_PODS_PAGE,
            default: 100,
          }),
          q('cursor', 'A `next` from an earlier page'),
        ],
      ),
      '/api/v1/k8s/pods/{namespace}/{name}': k8s(
        'One pod as in /k8s/pods, plus `containerList`: per container its image, ready, restarts, state (running/waiting/terminated) and reason, requests, limits, CPU cores and memory bytes used; 404 when the pod has no series at `at`',
        [
          { name: 'namespace', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'name', in: 'path', required: true, schema: { type: 'string' } },
        ],
      ),
      '/api/v1/k8s/workloads': k8s(
        'Deployments, DaemonSets and StatefulSets with desired/ready/available; healthy when ready and available reach desired',
        [q('namespace', 'Namespace equals')],
      ),
      '/api/v1/k8s/namespaces': k8s('Namespaces with their phase and pod counts by phase'),
      '/api/v1/k8s/events': {
        get: {
          summary:
            'Kubernetes events (from the k8s_events receiver) in the range, newest first; `truncated` when `limit` cut the list',
          parameters: [
            q('namespace', 'Namespace equals'),
            q('kind', 'Involved object kind equals (k8s.object.kind)'),
            q('name', 'Involved object name equals (k8s.object.name)'),
            q('reason', 'Event reason equals (k8s.event.reason)'),
            q('type', 'Event type', { type: 'string', enum: ['Warning', 'Normal'] }),
            ...range,
            q('limit', 'Most events returned', {
              type: 'integer',
              minimum: 1,
              maximum: MAX_LIMIT,
              default: 100,
            }),
          ],
          responses: { '200': ok('Events', { type: 'object' }), ...common },
        },
      },
      '/api/v1/dependencies': {
        get: {
          summary: 'The service graph from spans: nodes, and edges parent → child with call and error counts',
          parameters: range,
          responses: { '200': ok('Nodes and edges', { type: 'object' }), ...common },
        },
      },
      '/api/v1/session': {
        get: {
          summary:
            'Whether this API needs a token (`authRequired`) and whether the request carries it (`signedIn`); never needs a token',
          security: [],
          responses: {
            '200': ok('Session state', {
              type: 'object',
              properties: { authRequired: { type: 'boolean' }, signedIn: { type: 'boolean' } },
            }),
          },
        },
        post: {
          summary:
            "The web UI's sign-in: the API token in exchange for an HttpOnly, SameSite=Strict session cookie that opens every endpoint (also for EventSource and links); `remember` keeps it for 30 days, else it ends with the browser session. 10 wrong tokens in a minute from one address → 429 for the rest of the minute",
          security: [],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['token'],
                  properties: { token: { type: 'string' }, remember: { type: 'boolean', default: false } },
                },
              },
            },
          },
          responses: {
            '204': { description: 'Signed in (Set-Cookie)' },
            '400': error,
            '401': error,
            '429': error,
          },
        },
        delete: {
          summary: 'Sign out: clears the session cookie',
          security: [],
          responses: { '204': { description: 'Signed out' } },
        },
      },
      '/api/v1/openapi.json': {
        get: { summary: 'This document', responses: { '200': ok('OpenAPI 3', { type: 'object' }) } },
      },
    },
  };
}
