/**
 * `godiag/trace`: Go execution traces (runtime/trace, `go test -trace`, the flight recorder).
 * @module godiag/trace
 */

export { parseTraceHeader, TRACE_HEADER_BYTES, WIRE_FORMAT_VERSIONS, type TraceHeader } from './header.js';
export { ErrorCode, GodiagError, isGodiagError } from '../internal/errors.js';
export type { Source, InputOptions } from '../internal/input.js';
export * from './spec/index.js';
export * from './wire/index.js';
export * from './text/index.js';
export { footprintText, formatFootprint, formatTraceStats, traceStats, traceStatsSync, type EventTypeStats, type StackTableStats, type StringTableStats, type TraceStats } from './stats.js';
export { encodeTrace, type EncodeTraceOptions } from './encode.js';
export { cutTrace, cutTraceSync, type CutOptions } from './cut.js';
export * from './events/index.js';
