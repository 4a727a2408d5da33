/**
 * Derived values between two snapshots of one process: deltas by kind ({@link delta}) and per-second rates
 * ({@link rates}). Results are plain data, discriminated unions on `type` / `status`: a counter that went down,
 * histograms whose buckets changed, a metric present on one side only, or a missing clock is reported as such,
 * never as a silent negative, zero or NaN.
 *
 * Histogram quantiles and means: src/metrics/derive-histogram.ts; GC CPU fraction: src/metrics/derive-gc.ts.
 * @module
 */

import { describe } from './catalog.js';
import type { Float64HistogramValue, MetricValue, MetricValueKind, Snapshot } from './snapshot.js';

/** Options of {@link delta} and {@link rates}. */
export interface DeltaOptions {
  /**
   * The Go version whose catalogue says which metrics are cumulative, when neither snapshot carries one
   * (`Snapshot.goVersion` wins: the later snapshot's, else the earlier's). Default: the newest recorded release.
   */
  readonly goVersion?: string;
}

/**
 * A scalar the catalogue says is cumulative (a counter: `/gc/heap/allocs:bytes`, `/cpu/classes/user:cpu-seconds`)
 * that did not go down.
 */
export interface CounterDelta {
  /** Discriminant. */
  readonly type: 'counter';
  /** The metric's name. */
  readonly name: string;
  /** `after − before`, ≥ 0: a `bigint` for Uint64 counters, a `number` for Float64 ones. */
  readonly delta: bigint | number;
  /** The earlier value. */
  readonly before: bigint | number;
  /** The later value. */
  readonly after: bigint | number;
  /** The value kind (same on both sides). */
  readonly kind: 'Uint64' | 'Float64';
}

/**
 * A cumulative scalar whose later value is below the earlier one (or NaN on one side): the process restarted, the
 * snapshots are given in the wrong order, or — Go 1.16–1.18 only — `/gc/heap/allocs:bytes` / `:objects`, which those
 * releases count ahead (a span's free slots when a P takes it) and take back when the P's cache is flushed. No
 * delta is given, on purpose.
 */
export interface CounterDecrease {
  /** Discriminant. */
  readonly type: 'counter-decrease';
  /** The metric's name. */
  readonly name: string;
  /** The earlier value. */
  readonly before: bigint | number;
  /** The later value (< before). */
  readonly after: bigint | number;
  /** The value kind. */
  readonly kind: 'Uint64' | 'Float64';
}

/** A non-cumulative scalar (`/gc/heap/goal:bytes`, `/sched/goroutines:goroutines`): its current value and the change. */
export interface GaugeDelta {
  /** Discriminant. */
  readonly type: 'gauge';
  /** The metric's name. */
  readonly name: string;
  /** False when the catalogue of the version does not know the name: treated as a gauge, since nothing says it only grows. */
  readonly described: boolean;
  /** The later value: what a gauge means at the end of the interval. */
  readonly value: bigint | number;
  /** The earlier value. */
  readonly before: bigint | number;
  /** `after − before`, signed (a `bigint` for Uint64 gauges). */
  readonly change: bigint | number;
  /** The value kind. */
  readonly kind: 'Uint64' | 'Float64';
}

/**
 * A histogram whose buckets are the same on both sides and no bucket count went down: the samples taken between
 * the two snapshots. Every runtime/metrics histogram counts samples since the process started (Go 1.20's
 * catalogue marks `/sched/latencies:seconds` as not cumulative, by mistake: its counts only grow too), so all
 * histograms are treated as cumulative.
 */
export interface HistogramDelta {
  /** Discriminant. */
  readonly type: 'histogram';
  /** The metric's name. */
  readonly name: string;
  /** The samples in the interval, as a histogram over the same boundaries. */
  readonly value: Float64HistogramValue;
  /** The number of samples in the interval (sum of the bucket differences). */
  readonly samples: bigint;
}

/**
 * A histogram with the same buckets on both sides where some bucket count went down: a restart, reversed order, or
 * `/gc/heap/allocs-by-size:bytes` of Go 1.16–1.18 (counted ahead, as {@link CounterDecrease} says).
 */
export interface HistogramDecrease {
  /** Discriminant. */
  readonly type: 'histogram-decrease';
  /** The metric's name. */
  readonly name: string;
  /** Indices of the buckets whose count went down. */
  readonly buckets: readonly number[];
}

/** A histogram whose bucket boundaries differ between the two sides: counts cannot be subtracted. */
export interface BucketsMismatch {
  /** Discriminant. */
  readonly type: 'buckets-mismatch';
  /** The metric's name. */
  readonly name: string;
  /** The earlier boundaries. */
  readonly before: readonly number[];
  /** The later boundaries. */
  readonly after: readonly number[];
}

/** The two sides give the metric values of different kinds. */
export interface KindMismatch {
  /** Discriminant. */
  readonly type: 'kind-mismatch';
  /** The metric's name. */
  readonly name: string;
  /** The earlier kind. */
  readonly before: MetricValueKind;
  /** The later kind. */
  readonly after: MetricValueKind;
}

/** The metric is in one snapshot only. */
export interface OneSided {
  /** Discriminant: `only-before` (the later snapshot lacks it) or `only-after` (the earlier one does). */
  readonly type: 'only-before' | 'only-after';
  /** The metric's name. */
  readonly name: string;
  /** Its value on the side that has it. */
  readonly value: MetricValue;
}

/** The change of one metric between two snapshots: a discriminated union on `type`. */
export type MetricDelta =
  | CounterDelta
  | CounterDecrease
  | GaugeDelta
  | HistogramDelta
  | HistogramDecrease
  | BucketsMismatch
  | KindMismatch
  | OneSided;

/** The result of {@link delta}. */
export interface SnapshotDelta {
  /** The Go version whose catalogue classified the metrics (as {@link DeltaOptions.goVersion} says). */
  readonly goVersion: string | undefined;
  /**
   * One entry per metric of either side: the later snapshot's metrics in its order, then those only the earlier
   * one has, in its order.
   */
  readonly metrics: ReadonlyMap<string, MetricDelta>;
}

/** The Go version of a pair of snapshots, as {@link DeltaOptions.goVersion} documents. */
export function pairVersion(a: Snapshot, b: Snapshot, options: DeltaOptions = {}): string | undefined {
  return b.goVersion ?? a.goVersion ?? options.goVersion;
}

/** Whether the catalogue of `goVersion` says the metric is cumulative; undefined when it does not know the name. */
function cumulativeOf(name: string, goVersion: string | undefined): boolean | undefined {
  let info;
  try {
    info = describe(name, goVersion === undefined ? {} : { goVersion });
  } catch {
    // Not a Go version string (a custom build label): use the newest catalogue.
    info = describe(name);
  }
  return info?.cumulative;
}

/** Whether two boundary lists are identical (−0 and 0 equal, as Go compares floats). */
export function sameBuckets(x: readonly number[], y: readonly number[]): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** The delta of one metric, given both values and whether it is cumulative (undefined: not in the catalogue). */
export function metricDelta(name: string, before: MetricValue, after: MetricValue, cumulative: boolean | undefined): MetricDelta {
  if (before.kind !== after.kind) return { type: 'kind-mismatch', name, before: before.kind, after: after.kind };
  if (before.kind === 'Float64Histogram' && after.kind === 'Float64Histogram') {
    if (!sameBuckets(before.buckets, after.buckets) || before.counts.length !== after.counts.length)
      return { type: 'buckets-mismatch', name, before: before.buckets, after: after.buckets };
    const counts: bigint[] = [];
    const down: number[] = [];
    let samples = 0n;
    for (let i = 0; i < after.counts.length; i++) {
      const d = after.counts[i]! - before.counts[i]!;
      if (d < 0n) down.push(i);
      counts.push(d);
      samples += d;
    }
    if (down.length > 0) return { type: 'histogram-decrease', name, buckets: down };
    return { type: 'histogram', name, value: { kind: 'Float64Histogram', buckets: after.buckets, counts }, samples };
  }
  // Scalars of one kind (the histogram case returned above).
  const kind = before.kind as 'Uint64' | 'Float64';
  const x = (before as { value: bigint | number }).value;
  const y = (after as { value: bigint | number }).value;
  // The same float64 on both sides (±Inf and NaN included) has not changed: 0, not Inf − Inf = NaN.
  const change =
    kind === 'Uint64' ? (y as bigint) - (x as bigint) : Object.is(x, y) || x === y ? 0 : (y as number) - (x as number);
  if (cumulative === true) {
    // A NaN change (NaN on one side) is no increase: reported as a decrease, the explicit "no delta" case.
    if (change < 0 || (kind === 'Float64' && Number.isNaN(change)))
      return { type: 'counter-decrease', name, before: x, after: y, kind };
    return { type: 'counter', name, delta: change, before: x, after: y, kind };
  }
  return { type: 'gauge', name, described: cumulative !== undefined, value: y, before: x, change, kind };
}

/**
 * The change of every metric from snapshot `a` to the later snapshot `b` of the same process, by kind: cumulative
 * scalars (per the catalogue of the snapshots' Go version) as `after − before` (a `bigint` for Uint64) or an explicit
 * `counter-decrease`; other scalars as gauges (later value and signed change); histograms as per-bucket count
 * differences over identical boundaries (else `buckets-mismatch`, or `histogram-decrease` when a count went down);
 * metrics on one side only as `only-before` / `only-after`.
 */
export function delta(a: Snapshot, b: Snapshot, options: DeltaOptions = {}): SnapshotDelta {
  const goVersion = pairVersion(a, b, options);
  const metrics = new Map<string, MetricDelta>();
  for (const [name, after] of b.values) {
    const before = a.values.get(name);
    if (before === undefined) metrics.set(name, { type: 'only-after', name, value: after });
    else metrics.set(name, metricDelta(name, before, after, cumulativeOf(name, goVersion)));
  }
  for (const [name, before] of a.values) {
    if (!b.values.has(name)) metrics.set(name, { type: 'only-before', name, value: before });
  }
  return { goVersion, metrics };
}

/** Which clock measured the interval of {@link rates}. */
export type IntervalSource = 'time' | 'traceTime';

/** An interval between two snapshots. */
export interface IntervalOk {
  /** Discriminant. */
  readonly status: 'ok';
  /** Seconds from the earlier to the later snapshot (> 0). */
  readonly seconds: number;
  /** `time` (Unix nanoseconds) when both snapshots have it, else `traceTime`. */
  readonly source: IntervalSource;
}

/** No interval: the snapshots share no clock. */
export interface MissingTime {
  /** Discriminant. */
  readonly status: 'missing-time';
  /** Neither clock is present on both snapshots. */
  readonly reason: string;
}

/** No interval: the later snapshot is not after the earlier one. */
export interface NonPositiveInterval {
  /** Discriminant. */
  readonly status: 'non-positive-interval';
  /** The clock that was compared. */
  readonly source: IntervalSource;
  /** `later − earlier` in seconds (≤ 0). */
  readonly seconds: number;
}

/** The interval between two snapshots, or why there is none. */
export type Interval = IntervalOk | MissingTime | NonPositiveInterval;

/** The interval from `a` to `b`: by `time` when both have it, else by `traceTime` when both have it. */
export function interval(a: Snapshot, b: Snapshot): Interval {
  if (a.time !== undefined && b.time !== undefined) {
    const seconds = Number(b.time - a.time) / 1e9;
    return seconds > 0 ? { status: 'ok', seconds, source: 'time' } : { status: 'non-positive-interval', source: 'time', seconds };
  }
  if (a.traceTime !== undefined && b.traceTime !== undefined) {
    const seconds = (b.traceTime - a.traceTime) / 1e9;
    return seconds > 0 ? { status: 'ok', seconds, source: 'traceTime' } : { status: 'non-positive-interval', source: 'traceTime', seconds };
  }
  return { status: 'missing-time', reason: 'the two snapshots do not both have `time`, nor both `traceTime`' };
}

/** The per-second rate of one cumulative metric. */
export type MetricRate =
  | {
      /** Discriminant: a counter's increase per second (a float64, even for Uint64 counters). */
      readonly type: 'counter';
      /** The metric's name. */
      readonly name: string;
      /** Increase per second. */
      readonly perSecond: number;
    }
  | {
      /** Discriminant: a histogram's samples per second, in total and per bucket. */
      readonly type: 'histogram';
      /** The metric's name. */
      readonly name: string;
      /** Samples per second over all buckets. */
      readonly perSecond: number;
      /** The boundaries. */
      readonly buckets: readonly number[];
      /** Samples per second in each bucket. */
      readonly bucketsPerSecond: readonly number[];
    }
  | {
      /** Discriminant: no rate, because the delta is not an increase (see `delta.type`). */
      readonly type: 'no-rate';
      /** The metric's name. */
      readonly name: string;
      /** The delta that has no rate: a decrease, a mismatch, or a metric on one side only. */
      readonly delta: CounterDecrease | HistogramDecrease | BucketsMismatch | KindMismatch | OneSided;
    };

/** The result of {@link rates}: the interval, and when there is one, per-second rates of every cumulative metric. */
export type SnapshotRates = RatesOk | MissingTime | NonPositiveInterval;

/** The rates of {@link rates} when there is an interval. */
export interface RatesOk {
  /** Discriminant. */
  readonly status: 'ok';
  /** Seconds between the snapshots. */
  readonly seconds: number;
  /** Which clock. */
  readonly source: IntervalSource;
  /** Rates of the cumulative metrics (gauges have none; see {@link delta}), in {@link delta}'s order. */
  readonly rates: ReadonlyMap<string, MetricRate>;
}

/**
 * Per-second rates of the cumulative metrics between `a` and the later `b`: counters as increase / seconds,
 * histograms as samples / seconds (total and per bucket). Without a usable interval (no common clock, or `b` not
 * after `a`) the result says so instead of giving rates. Gauges are left out: they have a value, not a rate.
 */
export function rates(a: Snapshot, b: Snapshot, options: DeltaOptions = {}): SnapshotRates {
  const iv = interval(a, b);
  if (iv.status !== 'ok') return iv;
  const { seconds } = iv;
  const out = new Map<string, MetricRate>();
  for (const [name, d] of delta(a, b, options).metrics) {
    switch (d.type) {
      case 'gauge':
        break;
      case 'counter':
        out.set(name, { type: 'counter', name, perSecond: Number(d.delta) / seconds });
        break;
      case 'histogram':
        out.set(name, {
          type: 'histogram',
          name,
          perSecond: Number(d.samples) / seconds,
          buckets: d.value.buckets,
          bucketsPerSecond: d.value.counts.map((c) => Number(c) / seconds),
        });
        break;
      default:
        // A one-sided gauge has no rate either; everything else here concerns a cumulative metric or a histogram.
        if ((d.type === 'only-before' || d.type === 'only-after') && d.value.kind !== 'Float64Histogram') {
          if (cumulativeOf(name, pairVersion(a, b, options)) !== true) break;
        }
        out.set(name, { type: 'no-rate', name, delta: d });
    }
  }
  return { status: 'ok', seconds, source: iv.source, rates: out };
}
