/**
 * godiag: read the Go runtime's diagnostic formats in any JavaScript runtime.
 *
 * This root entry holds what every format shares — the error class, limits, input handling, the byte
 * layer, format detection. Readers live in the subpaths `godiag/trace`, `godiag/pprof`,
 * `godiag/metrics`, `godiag/gosym`, `godiag/core`; Node-only helpers in `godiag/node`.
 * @module godiag
 */

export { ErrorCode, GodiagError, isGodiagError, type FormatName, type GodiagErrorOptions } from './internal/errors.js';
export { Limits, checkLimit, type LimitName } from './internal/limits.js';
export { U64_MAX, I64_MAX, I64_MIN, toSafeNumber, isSafe, asInt64, asUint64, zigzagDecode, zigzagEncode } from './internal/int64.js';
export { ByteCursor, type ByteCursorOptions } from './internal/cursor.js';
export { ByteWriter } from './internal/writer.js';
export { decodeUtf8, encodeUtf8 } from './internal/utf8.js';
export { StreamReader } from './internal/stream-reader.js';
export {
  chunks,
  syncChunks,
  readAll,
  concat,
  sourceSize,
  isSyncSource,
  type Source,
  type SyncSource,
  type InputOptions,
  type ReadAllOptions,
  type ProgressCallback,
} from './internal/input.js';
export {
  bytesRandomAccess,
  blobRandomAccess,
  cachedRandomAccess,
  toRandomAccess,
  checkRange,
  type RandomAccess,
  type RandomAccessSource,
  type PageCacheOptions,
  type ReadHint,
} from './internal/random-access.js';
export {
  detectCompression,
  maybeDecompress,
  decompress,
  decompressSync,
  decompressPrefix,
  type Compression,
  type DecompressOptions,
  type Decompressed,
} from './internal/compression.js';
export { canonicalJson, float, JsonFloat, formatGoFloat, compareCodePoints, type JsonValue } from './internal/canonical-json.js';
export * from './detect.js';
export { inspect, type Inspected, type InspectedPprof } from './inspect.js';
