/**
 * `godiag/metrics`: runtime/metrics. Today: the catalogue of every metric of Go 1.16–1.26 ({@link catalog},
 * {@link describe}), recorded from `metrics.All()` under each toolchain. Readers of snapshots are next.
 * @module godiag/metrics
 */

export { ErrorCode, GodiagError, isGodiagError } from '../internal/errors.js';
export type { Source, InputOptions } from '../internal/input.js';
export type { DetectedMetrics } from '../detect.js';
export { catalog, catalogVersion, describe, GODEBUG_METRIC_PATTERN } from './catalog.js';
export type { CatalogOptions, MetricDeprecation, MetricInfo, MetricKind } from './catalog.js';
