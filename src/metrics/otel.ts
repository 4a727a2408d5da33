/**
 * OpenTelemetry's Go runtime metrics (semantic conventions `go.*`, as go.opentelemetry.io/contrib/
 * instrumentation/runtime emits them) mapped back to runtime/metrics where the value is exact.
 * @module
 */

import { describe } from './catalog.js';
import type { MetricValue, Snapshot } from './snapshot.js';

/** How OpenTelemetry records an instrument of {@link otelRuntimeMetrics}. */
export type OtelInstrument = 'Int64ObservableCounter' | 'Int64ObservableUpDownCounter' | 'Float64Histogram';

/** One OpenTelemetry Go runtime metric (one attribute set of it) and the runtime/metrics expression it reports. */
export interface OtelRuntimeMetric {
  /** The OpenTelemetry name, `go.memory.used`. */
  readonly name: string;
  /** The attributes that select this row (`{ 'go.memory.type': 'stack' }`); empty for none. */
  readonly attributes: Readonly<Record<string, string>>;
  /** The OpenTelemetry unit (`By`, `{goroutine}`, `%`, `s`, …). */
  readonly unit: string;
  /** The instrument the contrib instrumentation registers. */
  readonly instrument: OtelInstrument;
  /** The value is the sum of these runtime metrics … */
  readonly plus: readonly string[];
  /** … minus the sum of these. */
  readonly minus: readonly string[];
  /** The runtime metric the value is, when the expression is one metric (so {@link fromOtel} recovers it). */
  readonly metric?: string;
  /** What the contrib instrumentation does beyond the expression. */
  readonly note?: string;
}

const one = (
  name: string,
  unit: string,
  instrument: OtelInstrument,
  metric: string,
  note?: string,
  attributes: Record<string, string> = {},
): OtelRuntimeMetric => ({ name, attributes, unit, instrument, plus: [metric], minus: [], metric, ...(note !== undefined ? { note } : {}) });

const INT64 = 'an int64: a u64 above math.MaxInt64 is reported as math.MaxInt64';

/**
 * The OpenTelemetry Go runtime metrics of the current semantic conventions and what they are in runtime/metrics,
 * as go.opentelemetry.io/contrib/instrumentation/runtime (v0.72.0, semconv v1.43.0) computes them from one
 * `metrics.Read` per collection: `runtime.Start` registers the `go.memory.*`, `go.goroutine.count`,
 * `go.processor.limit` and `go.config.gogc` instruments, `runtime.NewProducer` produces `go.schedule.duration`.
 * The older `process.runtime.go.*` names (the instrumentation's deprecated MemStats-based set) are not mapped.
 */
export const otelRuntimeMetrics: readonly OtelRuntimeMetric[] = [
  one('go.memory.used', 'By', 'Int64ObservableUpDownCounter', '/memory/classes/heap/stacks:bytes', INT64, { 'go.memory.type': 'stack' }),
  {
    name: 'go.memory.used',
    attributes: { 'go.memory.type': 'other' },
    unit: 'By',
    instrument: 'Int64ObservableUpDownCounter',
    plus: ['/memory/classes/total:bytes'],
    minus: ['/memory/classes/heap/released:bytes', '/memory/classes/heap/stacks:bytes'],
    note: 'memory mapped and not released, less stacks: no single runtime metric; with the stack row it gives total − released',
  },
  one('go.memory.limit', 'By', 'Int64ObservableUpDownCounter', '/gc/gomemlimit:bytes', 'not reported at all while the limit is math.MaxInt64 (no limit)'),
  one('go.memory.allocated', 'By', 'Int64ObservableCounter', '/gc/heap/allocs:bytes', INT64),
  one('go.memory.allocations', '{allocation}', 'Int64ObservableCounter', '/gc/heap/allocs:objects', INT64),
  one('go.memory.gc.goal', 'By', 'Int64ObservableUpDownCounter', '/gc/heap/goal:bytes', INT64),
  one('go.goroutine.count', '{goroutine}', 'Int64ObservableUpDownCounter', '/sched/goroutines:goroutines', INT64),
  one('go.processor.limit', '{thread}', 'Int64ObservableUpDownCounter', '/sched/gomaxprocs:threads', INT64),
  one('go.config.gogc', '%', 'Int64ObservableUpDownCounter', '/gc/gogc:percent', INT64),
  one(
    'go.schedule.duration',
    's',
    'Float64Histogram',
    '/sched/latencies:seconds',
    'explicit bounds = the runtime boundaries without the first (−Inf) and the last (+Inf); bucket counts are the runtime counts, unmerged',
  ),
  // In the semantic conventions (goconv) with the runtime's own descriptions, but not emitted by contrib v0.72.0.
  one('go.memory.gc.cycles', '{gc_cycle}', 'Int64ObservableCounter', '/gc/cycles/total:gc-cycles', 'in the semantic conventions; not emitted by contrib v0.72.0'),
  one(
    'go.memory.gc.pause.duration',
    's',
    'Float64Histogram',
    '/sched/pauses/total/gc:seconds',
    'in the semantic conventions; not emitted by contrib v0.72.0 (read like go.schedule.duration)',
  ),
];

/**
 * One data point as {@link fromOtel} reads it: a metric name, its attributes, and either an integer value (a sum
 * or gauge point) or an explicit-bucket histogram. This is the shape of the OpenTelemetry data model with the
 * parts that matter here (and what the fixture program testdata/gen/programs-metrics-otel writes as JSON).
 */
export interface OtelPoint {
  /** The metric name, `go.memory.used`. */
  readonly name: string;
  /** The point's attributes (string values; others are compared as their string form). */
  readonly attributes?: Readonly<Record<string, string | number | boolean>>;
  /** A sum or gauge value. Int64 points should be given as `bigint` or a decimal string to stay exact. */
  readonly value?: number | bigint | string;
  /** An explicit-bucket histogram: `bounds.length + 1` bucket counts, bucket i below `bounds[i]`. */
  readonly histogram?: {
    /** The explicit bucket boundaries, increasing. */
    readonly bounds: readonly number[];
    /** Counts per bucket (not cumulative); int64 as a bigint or a decimal string stays exact. */
    readonly bucketCounts: readonly (number | bigint | string)[];
  };
}

/** One point that gave a runtime metric. */
export interface OtelMapped {
  /** The runtime/metrics name. */
  readonly metric: string;
  /** The OpenTelemetry name. */
  readonly name: string;
  /** The attributes of the row of {@link otelRuntimeMetrics}. */
  readonly attributes: Readonly<Record<string, string>>;
  /** Set when the point was math.MaxInt64: the contrib instrumentation clamps larger u64 values to it. */
  readonly clamped?: true;
}

/** A point left out, and why. */
export interface OtelUnmapped {
  /** Its name. */
  readonly name: string;
  /** Its attributes. */
  readonly attributes: Readonly<Record<string, string>>;
  /** Why no runtime metric was recovered from it. */
  readonly reason: string;
}

/** The result of {@link fromOtel}. */
export interface OtelMapping {
  /** The recovered values, sorted by name. */
  readonly snapshot: Snapshot;
  /** Which point gave which metric, sorted by metric. */
  readonly mapped: readonly OtelMapped[];
  /** The points that gave none, in input order. */
  readonly unmapped: readonly OtelUnmapped[];
}

/** Options of {@link fromOtel}. */
export interface OtelOptions {
  /** The process's Go version, for the snapshot and to drop metrics that release does not have. */
  readonly goVersion?: string;
  /** Unix nanoseconds of the collection, for the snapshot. */
  readonly time?: bigint;
}

const MAX_INT64 = (1n << 63n) - 1n;

function stringAttributes(a: OtelPoint['attributes']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(a ?? {}).sort()) out[k] = String(a![k]);
  return out;
}

function sameAttributes(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k] === a[k]);
}

function toBigInt(x: number | bigint | string): bigint | undefined {
  if (typeof x === 'bigint') return x;
  if (typeof x === 'number') return Number.isSafeInteger(x) ? BigInt(x) : undefined;
  return /^-?\d+$/.test(x) ? BigInt(x) : undefined;
}

/**
 * Maps OpenTelemetry Go runtime points back to runtime/metrics values, for the rows of {@link otelRuntimeMetrics}
 * whose expression is one metric. Int64 points become `Uint64` values (a negative one is refused; math.MaxInt64
 * is flagged `clamped`, as the instrumentation clamps above it). `go.schedule.duration` becomes
 * `/sched/latencies:seconds` with the boundaries −Inf, the point's bounds, +Inf: exactly the runtime histogram,
 * whose first boundary is −Inf and last +Inf. `go.memory.used{go.memory.type=other}` is not one metric and stays
 * unmapped, as do names outside the table.
 */
export function fromOtel(points: Iterable<OtelPoint>, options: OtelOptions = {}): OtelMapping {
  const values = new Map<string, MetricValue>();
  const mapped = new Map<string, OtelMapped>();
  const unmapped: OtelUnmapped[] = [];
  for (const p of points) {
    const attributes = stringAttributes(p.attributes);
    const skip = (reason: string): void => void unmapped.push({ name: p.name, attributes, reason });
    const row = otelRuntimeMetrics.find((r) => r.name === p.name && sameAttributes(r.attributes, attributes));
    if (row === undefined) {
      skip('not an OpenTelemetry Go runtime metric of the table (name and attributes)');
      continue;
    }
    if (row.metric === undefined) {
      skip(`${row.plus.join(' + ')} − ${row.minus.join(' − ')}: no single runtime metric`);
      continue;
    }
    if (options.goVersion !== undefined && describe(row.metric, { goVersion: options.goVersion }) === undefined) {
      skip(`${row.metric} is not a metric of ${options.goVersion}`);
      continue;
    }
    if (mapped.has(row.metric)) {
      skip(`a second point for ${row.metric}`);
      continue;
    }
    let clamped = false;
    if (row.instrument === 'Float64Histogram') {
      const h = p.histogram;
      if (h === undefined || h.bucketCounts.length !== h.bounds.length + 1) {
        skip('not an explicit-bucket histogram with bounds.length + 1 counts');
        continue;
      }
      const counts = h.bucketCounts.map(toBigInt);
      if (counts.some((c) => c === undefined || c < 0n)) {
        skip('bucket counts are not u64');
        continue;
      }
      values.set(row.metric, { kind: 'Float64Histogram', buckets: [-Infinity, ...h.bounds, Infinity], counts: counts as bigint[] });
    } else {
      const v = p.value === undefined ? undefined : toBigInt(p.value);
      if (v === undefined || v < 0n) {
        skip(`value ${String(p.value)} is not a non-negative integer`);
        continue;
      }
      clamped = v === MAX_INT64;
      values.set(row.metric, { kind: 'Uint64', value: v });
    }
    mapped.set(row.metric, { metric: row.metric, name: row.name, attributes: row.attributes, ...(clamped ? { clamped: true as const } : {}) });
  }
  const names = [...values.keys()].sort();
  return {
    snapshot: {
      ...(options.time !== undefined ? { time: options.time } : {}),
      ...(options.goVersion !== undefined ? { goVersion: options.goVersion } : {}),
      values: new Map(names.map((n) => [n, values.get(n)!])),
    },
    mapped: names.map((n) => mapped.get(n)!),
    unmapped,
  };
}
