/**
 * `godiag/pprof`: pprof profiles (profile.proto, gzip or raw).
 * @module godiag/pprof
 */

export { summarizeProfile, type ProfileSummary, type ValueType } from './summary.js';
export { ErrorCode, GodiagError, isGodiagError } from '../internal/errors.js';
export type { Source, InputOptions } from '../internal/input.js';
