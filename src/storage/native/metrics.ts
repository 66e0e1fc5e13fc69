// Metric points as Native columns of the four metric tables. The values are those of the JSON rows
// (json-rows.ts); native.test.ts checks that JSON and Native inserts store the same rows. The fields of a metric (name, description, unit, metadata) are encoded once per metric
// with more than a few points and copied onto each of them.
import type { KeyValue } from '../../model/common.ts';
import type {
  Exemplar,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  Metric,
  MetricsData,
  NumberDataPoint,
  SummaryDataPoint,
} from '../../model/metrics.ts';
import type { EncodedAttributes } from './attributes.ts';
import { AttributeArrayColumns, AttributeColumns, encodeAttributes } from './attributes.ts';
import type { NamedColumns } from './block.ts';
import { ColumnBlock } from './block.ts';
import { ByteSink } from './byte-sink.ts';
import {
  ArrayColumn,
  DateTime64Column,
  Float64Column,
  Int32Column,
  Int64Column,
  NullableColumn,
  StringColumn,
  UInt32Column,
  UInt64Column,
  UInt8Column,
} from './columns.ts';
import type { Column } from './columns.ts';
import type { EncodedGroup } from './group.ts';
import { GroupColumns, encodeGroup } from './group.ts';

/**
 * The per-metric fields of every point row. With enough points, name, description, unit and
 * metadata are encoded once (as column bytes) and copied onto each row; a metric of a few points
 * (common: one point per metric and series) is written directly, since encoding it would cost
 * more allocations than it saves.
 */
export interface MetricFields {
  metric: Metric;
  encoded: EncodedMetric | undefined;
  temporality: number;
}

interface EncodedMetric {
  name: Buffer;
  description: Buffer;
  unit: Buffer;
  metadata: EncodedAttributes;
}

/** Points from which a metric's fields are encoded once (see MetricFields). */
const ENCODE_ONCE_MIN_POINTS = 4;

function encodeString(s: string): Buffer {
  const sink = new ByteSink(s.length + 8);
  sink.str(s);
  return sink.copy();
}

export function metricFields(m: Metric, points: number): MetricFields {
  const d = m.data;
  return {
    metric: m,
    encoded:
      points < ENCODE_ONCE_MIN_POINTS
        ? undefined
        : {
            name: encodeString(m.name),
            description: encodeString(m.description),
            unit: encodeString(m.unit),
            metadata: encodeAttributes(m.metadata),
          },
    temporality: d !== null && 'aggregationTemporality' in d ? d.aggregationTemporality : 0,
  };
}

/** What every metric point has. */
interface PointCommon {
  attributes: readonly KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  flags: number;
}

/** The leading columns of every metric table. */
class CommonColumns {
  private readonly timestamp = new DateTime64Column();
  private readonly startTime = new UInt64Column();
  private readonly group = new GroupColumns();
  private readonly name = new StringColumn();
  private readonly description = new StringColumn();
  private readonly unit = new StringColumn();
  private readonly metadata = new AttributeColumns();
  private readonly temporality = new UInt8Column();
  private readonly attributes = new AttributeColumns();
  private readonly flags = new UInt32Column();

  add(p: PointCommon, group: EncodedGroup, m: MetricFields): void {
    this.timestamp.add(p.timeUnixNano);
    this.startTime.add(p.startTimeUnixNano);
    this.group.add(group);
    const e = m.encoded;
    if (e !== undefined) {
      this.name.addEncoded(e.name);
      this.description.addEncoded(e.description);
      this.unit.addEncoded(e.unit);
      this.metadata.addEncoded(e.metadata);
    } else {
      const metric = m.metric;
      this.name.add(metric.name);
      this.description.add(metric.description);
      this.unit.add(metric.unit);
      this.metadata.add(metric.metadata);
    }
    this.temporality.add(m.temporality);
    this.attributes.add(p.attributes);
    this.flags.add(p.flags);
  }

  named(): [string, Column][] {
    return [
      ['timestamp', this.timestamp],
      ['start_time_unix_nano', this.startTime],
      ...this.group.named(),
      ['metric_name', this.name],
      ['metric_description', this.description],
      ['metric_unit', this.unit],
      ...this.metadata.named('metric_metadata'),
      ['aggregation_temporality', this.temporality],
      ...this.attributes.named('attributes'),
      ['flags', this.flags],
    ];
  }
}

class ExemplarColumns {
  private readonly time = new ArrayColumn(new UInt64Column());
  private readonly valueDouble = new ArrayColumn(new NullableColumn(new Float64Column(), 0));
  private readonly valueInt = new ArrayColumn(new NullableColumn<number | bigint>(new Int64Column(), 0));
  private readonly spanId = new ArrayColumn(new StringColumn());
  private readonly traceId = new ArrayColumn(new StringColumn());
  private readonly attributes = new AttributeArrayColumns();

  add(ex: readonly Exemplar[]): void {
    for (const e of ex) {
      this.time.items.add(e.timeUnixNano);
      this.valueDouble.items.add(e.asDouble);
      this.valueInt.items.add(e.asInt);
      this.spanId.items.addHex(e.spanId);
      this.traceId.items.addHex(e.traceId);
      this.attributes.addItem(e.filteredAttributes);
    }
    const n = ex.length;
    this.time.endRow(n);
    this.valueDouble.endRow(n);
    this.valueInt.endRow(n);
    this.spanId.endRow(n);
    this.traceId.endRow(n);
    this.attributes.endRow(n);
  }

  named(): [string, Column][] {
    return [
      ['exemplars_time_unix_nano', this.time],
      ['exemplars_value_double', this.valueDouble],
      ['exemplars_value_int', this.valueInt],
      ['exemplars_span_id', this.spanId],
      ['exemplars_trace_id', this.traceId],
      ...this.attributes.named('exemplars_attributes'),
    ];
  }
}

/** The shared part of the four blocks: the common columns first. */
abstract class MetricBlock extends ColumnBlock {
  protected readonly common = new CommonColumns();

  /** The columns after the common ones, in insert order. */
  protected abstract own(): [string, Column][];

  protected namedColumns(): NamedColumns {
    return [...this.common.named(), ...this.own()];
  }
}

export class NumberBlock extends MetricBlock {
  private readonly metricType = new StringColumn();
  private readonly isMonotonic = new UInt8Column('Bool');
  private readonly valueDouble = new NullableColumn(new Float64Column(), 0);
  private readonly valueInt = new NullableColumn<number | bigint>(new Int64Column(), 0);
  private readonly exemplars = new ExemplarColumns();

  protected own(): [string, Column][] {
    return [
      ['metric_type', this.metricType],
      ['is_monotonic', this.isMonotonic],
      ['value_double', this.valueDouble],
      ['value_int', this.valueInt],
      ...this.exemplars.named(),
    ];
  }

  add(
    p: NumberDataPoint,
    group: EncodedGroup,
    m: MetricFields,
    type: 'gauge' | 'sum',
    monotonic: boolean,
  ): void {
    this.common.add(p, group, m);
    this.metricType.add(type);
    this.isMonotonic.add(monotonic ? 1 : 0);
    this.valueDouble.add(p.asDouble);
    this.valueInt.add(p.asInt);
    this.exemplars.add(p.exemplars);
    this.rows++;
  }
}

/** count, sum, min, max: the leading columns of both histogram tables. */
class HistogramStats {
  private readonly count = new UInt64Column();
  private readonly sum = new NullableColumn(new Float64Column(), 0);
  private readonly min = new NullableColumn(new Float64Column(), 0);
  private readonly max = new NullableColumn(new Float64Column(), 0);

  named(): [string, Column][] {
    return [
      ['count', this.count],
      ['sum', this.sum],
      ['min', this.min],
      ['max', this.max],
    ];
  }

  add(p: HistogramDataPoint | ExponentialHistogramDataPoint): void {
    this.count.add(p.count);
    this.sum.add(p.sum);
    this.min.add(p.min);
    this.max.add(p.max);
  }
}

/** metrics_histogram (METRIC_COLUMNS.histogram). */
export class HistogramBlock extends MetricBlock {
  private readonly stats = new HistogramStats();
  private readonly bucketCounts = new ArrayColumn(new UInt64Column());
  private readonly explicitBounds = new ArrayColumn(new Float64Column());
  private readonly exemplars = new ExemplarColumns();

  protected own(): [string, Column][] {
    return [
      ...this.stats.named(),
      ['bucket_counts', this.bucketCounts],
      ['explicit_bounds', this.explicitBounds],
      ...this.exemplars.named(),
    ];
  }

  add(p: HistogramDataPoint, group: EncodedGroup, m: MetricFields): void {
    this.common.add(p, group, m);
    this.stats.add(p);
    addArray(this.bucketCounts, p.bucketCounts);
    addArray(this.explicitBounds, p.explicitBounds);
    this.exemplars.add(p.exemplars);
    this.rows++;
  }
}

/** metrics_exp_histogram (METRIC_COLUMNS.expHistogram). */
export class ExpHistogramBlock extends MetricBlock {
  private readonly stats = new HistogramStats();
  private readonly scale = new Int32Column();
  private readonly zeroCount = new UInt64Column();
  private readonly zeroThreshold = new Float64Column();
  private readonly positiveOffset = new Int32Column();
  private readonly positiveCounts = new ArrayColumn(new UInt64Column());
  private readonly negativeOffset = new Int32Column();
  private readonly negativeCounts = new ArrayColumn(new UInt64Column());
  private readonly exemplars = new ExemplarColumns();

  protected own(): [string, Column][] {
    return [
      ...this.stats.named(),
      ['scale', this.scale],
      ['zero_count', this.zeroCount],
      ['zero_threshold', this.zeroThreshold],
      ['positive_offset', this.positiveOffset],
      ['positive_bucket_counts', this.positiveCounts],
      ['negative_offset', this.negativeOffset],
      ['negative_bucket_counts', this.negativeCounts],
      ...this.exemplars.named(),
    ];
  }

  add(p: ExponentialHistogramDataPoint, group: EncodedGroup, m: MetricFields): void {
    this.common.add(p, group, m);
    this.stats.add(p);
    this.scale.add(p.scale);
    this.zeroCount.add(p.zeroCount);
    this.zeroThreshold.add(p.zeroThreshold);
    this.positiveOffset.add(p.positive.offset);
    addArray(this.positiveCounts, p.positive.bucketCounts);
    this.negativeOffset.add(p.negative.offset);
    addArray(this.negativeCounts, p.negative.bucketCounts);
    this.exemplars.add(p.exemplars);
    this.rows++;
  }
}

/** metrics_summary (METRIC_COLUMNS.summary). */
export class SummaryBlock extends MetricBlock {
  private readonly count = new UInt64Column();
  private readonly sum = new Float64Column();
  private readonly quantiles = new ArrayColumn(new Float64Column());
  private readonly values = new ArrayColumn(new Float64Column());

  protected own(): [string, Column][] {
    return [
      ['count', this.count],
      ['sum', this.sum],
      ['quantiles', this.quantiles],
      ['quantile_values', this.values],
    ];
  }

  add(p: SummaryDataPoint, group: EncodedGroup, m: MetricFields): void {
    this.common.add(p, group, m);
    this.count.add(p.count);
    this.sum.add(p.sum);
    const qv = p.quantileValues;
    for (const q of qv) {
      this.quantiles.items.add(q.quantile);
      this.values.items.add(q.value);
    }
    this.quantiles.endRow(qv.length);
    this.values.endRow(qv.length);
    this.rows++;
  }
}

/** One row of an array column: every element of `xs`. */
function addArray<V>(col: ArrayColumn<Column & { add(v: V): void }>, xs: readonly V[]): void {
  for (const x of xs) col.items.add(x);
  col.endRow(xs.length);
}

/** One block per metric table. */
export class MetricBlocks {
  readonly number = new NumberBlock();
  readonly histogram = new HistogramBlock();
  readonly expHistogram = new ExpHistogramBlock();
  readonly summary = new SummaryBlock();

  get rows(): number {
    return this.number.rows + this.histogram.rows + this.expHistogram.rows + this.summary.rows;
  }

  byteLength(): number {
    return (
      this.number.byteLength() +
      this.histogram.byteLength() +
      this.expHistogram.byteLength() +
      this.summary.byteLength()
    );
  }

  reset(): void {
    this.number.reset();
    this.histogram.reset();
    this.expHistogram.reset();
    this.summary.reset();
  }
}

/**
 * A resumable writer of every point of `data` into the block of its table (see RowWriter in
 * appender.ts): stops when the blocks are full and continues from the same point with the next
 * blocks. Metrics without data or without points store nothing (as in json-rows.ts).
 */
export function metricWriter(data: MetricsData): (blocks: MetricBlocks, full: () => boolean) => boolean {
  let r = 0;
  let s = 0;
  let mi = 0;
  let pi = 0;
  let group: EncodedGroup | undefined;
  let fields: MetricFields | undefined;
  return (blocks, full) => {
    for (; r < data.resourceMetrics.length; r++, s = 0) {
      const rm = data.resourceMetrics[r]!;
      for (; s < rm.scopeMetrics.length; s++, mi = 0, group = undefined) {
        const sm = rm.scopeMetrics[s]!;
        for (; mi < sm.metrics.length; mi++, pi = 0, fields = undefined) {
          const m = sm.metrics[mi]!;
          const d = m.data;
          if (d === null || pi >= d.dataPoints.length) continue;
          group ??= encodeGroup(rm.resource, rm.schemaUrl, sm.scope, sm.schemaUrl);
          fields ??= metricFields(m, d.dataPoints.length - pi);
          while (pi < d.dataPoints.length) {
            if (full()) return false;
            switch (d.type) {
              case 'gauge':
                blocks.number.add(d.dataPoints[pi++]!, group, fields, 'gauge', false);
                break;
              case 'sum':
                blocks.number.add(d.dataPoints[pi++]!, group, fields, 'sum', d.isMonotonic);
                break;
              case 'histogram':
                blocks.histogram.add(d.dataPoints[pi++]!, group, fields);
                break;
              case 'exponentialHistogram':
                blocks.expHistogram.add(d.dataPoints[pi++]!, group, fields);
                break;
              case 'summary':
                blocks.summary.add(d.dataPoints[pi++]!, group, fields);
                break;
            }
          }
        }
      }
    }
    return true;
  };
}

/** Appends every point of `data` to the block of its table; returns the point count. */
export function appendMetrics(data: MetricsData, blocks: MetricBlocks): number {
  const before = blocks.rows;
  metricWriter(data)(blocks, () => false);
  return blocks.rows - before;
}
