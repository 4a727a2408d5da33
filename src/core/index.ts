/**
 * `godiag/core`: ELF core files of Go programs. This entry point currently exports the shared error and
 * random-access types that its readers will use.
 * @module godiag/core
 */

export { ErrorCode, GodiagError, isGodiagError } from '../internal/errors.js';
export type { RandomAccess, RandomAccessSource } from '../internal/random-access.js';
export type { DetectedElf } from '../detect.js';
