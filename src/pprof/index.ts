/**
 * `godiag/pprof`: pprof profiles (profile.proto, gzip or raw).
 * @module godiag/pprof
 */

export { summarizeProfile, type ProfileSummary } from './summary.js';
export type { Profile, Sample, Label, Mapping, Location, Line, Function, ValueType } from './profile.js';
export { ErrorCode, GodiagError, isGodiagError } from '../internal/errors.js';
export type { Source, InputOptions } from '../internal/input.js';
