/**
 * `godiag/gosym`: Go symbol tables in executables. This entry point currently exports the shared error
 * and random-access types that its readers will use.
 * @module godiag/gosym
 */

export { ErrorCode, GodiagError, isGodiagError } from '../internal/errors.js';
export type { RandomAccess, RandomAccessSource } from '../internal/random-access.js';
export type { DetectedElf, DetectedMachO, DetectedMachOUniversal, DetectedPe } from '../detect.js';
