/**
 * `godiag/metrics`: runtime/metrics snapshots. This entry point currently exports the shared error and
 * input types that its readers will use.
 * @module godiag/metrics
 */

export { ErrorCode, GodiagError, isGodiagError } from '../internal/errors.js';
export type { Source, InputOptions } from '../internal/input.js';
export type { DetectedMetrics } from '../detect.js';
