// The insertable columns of each table in schema.ts, in insert order: every insert names its
// columns explicitly (the Native blocks of native/ must match these lists, native.test.ts checks
// it), so a reordered schema cannot shift values into the wrong column. MATERIALIZED columns are
// left out: ClickHouse computes them.

const attrColumns = (name: string): string[] => [name, `${name}_types`];

/** The resource and scope columns every table shares. */
export const GROUP_COLUMNS: readonly string[] = [
  ...attrColumns('resource_attributes'),
  'resource_dropped_attributes',
  'resource_schema_url',
  'scope_name',
  'scope_version',
  ...attrColumns('scope_attributes'),
  'scope_dropped_attributes',
  'scope_schema_url',
];

export const SPAN_COLUMNS: readonly string[] = [
  'timestamp',
  'end_time_unix_nano',
  'duration_ns',
  'trace_id',
  'span_id',
  'parent_span_id',
  'trace_state',
  'flags',
  'name',
  'kind',
  ...GROUP_COLUMNS,
  ...attrColumns('attributes'),
  'dropped_attributes',
  'status_code',
  'status_message',
  'events_time_unix_nano',
  'events_name',
  ...attrColumns('events_attributes'),
  'events_dropped_attributes',
  'dropped_events',
  'links_trace_id',
  'links_span_id',
  'links_trace_state',
  ...attrColumns('links_attributes'),
  'links_dropped_attributes',
  'links_flags',
  'dropped_links',
  'schema_url',
];

export const LOG_COLUMNS: readonly string[] = [
  'timestamp',
  'has_time',
  'observed_time_unix_nano',
  'trace_id',
  'span_id',
  'flags',
  'severity_text',
  'severity_number',
  'event_name',
  'body',
  'body_type',
  ...GROUP_COLUMNS,
  ...attrColumns('attributes'),
  'dropped_attributes',
];

const METRIC_COMMON_COLUMNS = [
  'timestamp',
  'start_time_unix_nano',
  ...GROUP_COLUMNS,
  'metric_name',
  'metric_description',
  'metric_unit',
  ...attrColumns('metric_metadata'),
  'aggregation_temporality',
  ...attrColumns('attributes'),
  'flags',
];

const EXEMPLAR_COLUMNS = [
  'exemplars_time_unix_nano',
  'exemplars_value_double',
  'exemplars_value_int',
  'exemplars_span_id',
  'exemplars_trace_id',
  ...attrColumns('exemplars_attributes'),
];

/** The columns of the four metric tables, by the MetricBlocks part that fills each. */
export const METRIC_COLUMNS = {
  number: [
    ...METRIC_COMMON_COLUMNS,
    'metric_type',
    'is_monotonic',
    'value_double',
    'value_int',
    ...EXEMPLAR_COLUMNS,
  ],
  histogram: [
    ...METRIC_COMMON_COLUMNS,
    'count',
    'sum',
    'min',
    'max',
    'bucket_counts',
    'explicit_bounds',
    ...EXEMPLAR_COLUMNS,
  ],
  expHistogram: [
    ...METRIC_COMMON_COLUMNS,
    'count',
    'sum',
    'min',
    'max',
    'scale',
    'zero_count',
    'zero_threshold',
    'positive_offset',
    'positive_bucket_counts',
    'negative_offset',
    'negative_bucket_counts',
    ...EXEMPLAR_COLUMNS,
  ],
  summary: [...METRIC_COMMON_COLUMNS, 'count', 'sum', 'quantiles', 'quantile_values'],
} as const satisfies Record<string, readonly string[]>;
