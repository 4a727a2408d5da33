/**
 * `godiag/metrics`: runtime/metrics, whatever way the values left the process. The catalogue of every metric
 * of Go 1.16–1.26 ({@link catalog}, {@link describe}); one {@link Snapshot} model read from canonical JSON
 * ({@link readSnapshots}), client_golang's Prometheus series ({@link readPrometheus} + {@link fromClientGolang}),
 * expvar ({@link fromExpvar}), OpenTelemetry ({@link fromOtel}) and trace Metric events ({@link metricsFromTrace});
 * and what people compute from them: {@link delta}, {@link rates}, {@link histogramQuantile},
 * {@link gcCpuFraction}, {@link validate}.
 * @module godiag/metrics
 */

export { ErrorCode, GodiagError, isGodiagError } from '../internal/errors.js';
export type { Source, InputOptions } from '../internal/input.js';
export type { DetectedMetrics } from '../detect.js';
export { catalog, catalogVersion, describe, GODEBUG_METRIC_PATTERN } from './catalog.js';
export type { CatalogOptions, MetricDeprecation, MetricInfo, MetricKind } from './catalog.js';
export { readPrometheus, parsePrometheus, PrometheusParser } from './prometheus.js';
export type { MetricFamily, Sample, Exemplar, LabelPair, MetricType, ExpositionFormat, PrometheusOptions } from './prometheus.js';
export { writePrometheusText } from './prometheus-writer.js';
export type { Snapshot, MetricValue, MetricValueKind, Uint64Value, Float64Value, Float64HistogramValue } from './snapshot.js';
export { clientGolangName, fromClientGolang, runtimeMetricName } from './client-golang.js';
export type { ClientGolangMapping, ClientGolangOptions, MappedMetric, MappingSource, NamedMetric, UnmappedFamily } from './client-golang.js';
export { fromOtel, otelRuntimeMetrics } from './otel.js';
export type { OtelInstrument, OtelMapped, OtelMapping, OtelOptions, OtelPoint, OtelRuntimeMetric, OtelUnmapped } from './otel.js';
export { delta, rates, interval, metricDelta, sameBuckets } from './derive.js';
export type {
  DeltaOptions,
  SnapshotDelta,
  MetricDelta,
  CounterDelta,
  CounterDecrease,
  GaugeDelta,
  HistogramDelta,
  HistogramDecrease,
  BucketsMismatch,
  KindMismatch,
  OneSided,
  Interval,
  IntervalOk,
  MissingTime,
  NonPositiveInterval,
  RatesOk,
  IntervalSource,
  SnapshotRates,
  MetricRate,
} from './derive.js';
export { histogramQuantile, histogramMean } from './derive-histogram.js';
export type { QuantileEstimate, QuantileBound, MeanEstimate } from './derive-histogram.js';
export { gcCpuFraction } from './derive-gc.js';
export type { GcCpuFraction } from './derive-gc.js';
export { validate, memoryClassLeaves, histogramProblem, CPU_RELATIVE_TOLERANCE } from './validate.js';
export type { Violation, ViolationMetric, InvariantRule, ValidateOptions } from './validate.js';
export { metricsFromTrace, metricsFromTraceSync } from './from-trace.js';
export type { MetricsFromTraceOptions } from './from-trace.js';
export { readSnapshots, parseSnapshotJson, snapshotJson } from './snapshot-json.js';
export type { SnapshotJsonOptions } from './snapshot-json.js';
export { fromExpvar, parseExpvarJson, EXPVAR_MAPPINGS } from './expvar.js';
export type { ExpvarJson, ExpvarMapping, ExpvarOptions, ExpvarSnapshot } from './expvar.js';
