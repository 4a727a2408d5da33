/**
 * `godiag/metrics`: runtime/metrics. Today: the catalogue of every metric of Go 1.16–1.26 ({@link catalog},
 * {@link describe}), recorded from `metrics.All()` under each toolchain, and a streaming parser of the
 * Prometheus text exposition 0.0.4 and OpenMetrics 1.0 ({@link readPrometheus}). The snapshot model and the
 * mapping of exporters' series back to runtime/metrics names are next.
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
