/**
 * `godiag/pprof`: pprof profiles (profile.proto, gzip or raw), read and written with google/pprof's semantics.
 * @module godiag/pprof
 */

export { SampleTable, LabelColumn, type StackColumn, type Profile, type Sample, type SampleInput, type Label, type StringLabel, type NumberLabel, type Mapping, type Location, type Line, type Function, type ValueType } from './profile.js';
export { parseProfile, parseProfileBytes, type ParseProfileOptions } from './parse.js';
export { decodeProfile } from './decode.js';
export { parseLegacyProfile } from './legacy/index.js';
export { profileToString } from './string.js';
export { encodeProfile, encodeUncompressed, type EncodeProfileOptions } from './encode.js';
export { checkValid } from './validate.js';
export { groupLabels, type GroupedLabels } from './labels.js';
export { dumpProfile, profileToJson } from './dump.js';
export { samples, type Frame, type ResolvedSample } from './samples.js';
export { summarizeProfile, type ProfileSummary } from './summary.js';
export { ErrorCode, GodiagError, isGodiagError } from '../internal/errors.js';
export type { Source, InputOptions } from '../internal/input.js';
export * from './goroutines/index.js';
export * from './ops/index.js';
export * from './report/index.js';
