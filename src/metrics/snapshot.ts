/**
 * The snapshot model: what one `metrics.Read` of every metric gives, whatever way the values left the process
 * (canonical JSON, a Prometheus scrape of client_golang, expvar, OpenTelemetry, Metric events of a trace).
 * Plain data; the readers build it and the derived values (deltas, rates, quantiles) work on it.
 * @module
 */

/**
 * A `KindUint64` value. A `bigint` because runtime/metrics counters are unsigned 64-bit and some (byte counts of
 * long-running processes, `/gc/heap/goal:bytes` limits such as `math.MaxInt64`) do not fit 2^53.
 */
export interface Uint64Value {
  /** Discriminant, as the catalogue's `MetricKind` names it. */
  readonly kind: 'Uint64';
  /** The value, 0 ≤ value < 2^64. */
  readonly value: bigint;
}

/** A `KindFloat64` value: any float64, NaN and ±Inf included. */
export interface Float64Value {
  /** Discriminant. */
  readonly kind: 'Float64';
  /** The value. */
  readonly value: number;
}

/**
 * A `KindFloat64Histogram` value, shaped like Go's `metrics.Float64Histogram`: `counts[i]` samples fell in
 * `[buckets[i], buckets[i+1])`, so there is one more boundary than there are counts. The first boundary may be
 * −Inf and the last +Inf, as the runtime reports them.
 */
export interface Float64HistogramValue {
  /** Discriminant. */
  readonly kind: 'Float64Histogram';
  /** Bucket boundaries, strictly increasing; `counts.length + 1` of them. */
  readonly buckets: readonly number[];
  /** Sample counts per bucket, unsigned 64-bit (hence `bigint`). */
  readonly counts: readonly bigint[];
}

/** One metric's value: a discriminated union on `kind`. */
export type MetricValue = Uint64Value | Float64Value | Float64HistogramValue;

/** The kind of a {@link MetricValue}. Same strings as the catalogue's `MetricKind`. */
export type MetricValueKind = MetricValue['kind'];

/**
 * Every metric read at one instant by one process.
 *
 * `values` maps a runtime/metrics name (`/gc/heap/allocs:bytes`) to its value, in the order the source gave
 * them (Go's `metrics.All()` order, sorted by name, for canonical JSON).
 */
export interface Snapshot {
  /**
   * When the values were read, in nanoseconds since the Unix epoch, when the source says (a `bigint`: Unix
   * nanoseconds passed 2^53 in 1970 + 104 days). For a trace's Metric events: absent; see `traceTime`.
   */
  readonly time?: bigint;
  /**
   * For snapshots built from an execution trace: the trace timestamp of the Metric events, in nanoseconds as the
   * trace reader reports them (fits 2^53).
   */
  readonly traceTime?: number;
  /** `runtime.Version()` of the process (`"go1.22.3"`), when the source says. */
  readonly goVersion?: string;
  /** The values by runtime/metrics name. */
  readonly values: ReadonlyMap<string, MetricValue>;
}
