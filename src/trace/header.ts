/**
 * The header every execution trace starts with: `go 1.N trace`, NUL-padded to 16 bytes.
 * @module
 */

import { ErrorCode, GodiagError } from '../internal/errors.js';

/** Length of the trace header in bytes. */
export const TRACE_HEADER_BYTES = 16;

/** Trace format versions of the Go 1.22+ wire format (Go 1.24 writes 1.23). */
export const WIRE_FORMAT_VERSIONS = ['1.22', '1.23', '1.25', '1.26'] as const;

/** A parsed trace header. */
export interface TraceHeader {
  /** The format version, e.g. "1.23". */
  version: string;
  /** The minor number of the version (23 for "1.23"). */
  minor: number;
  /** True for the Go 1.22+ generation-based wire format; false for the 1.5–1.21 format. */
  generational: boolean;
}

/**
 * Parses the 16-byte trace header.
 * @throws GodiagError `truncated` for fewer than 16 bytes, `not-format` for anything but a trace header.
 */
export function parseTraceHeader(bytes: Uint8Array): TraceHeader {
  if (bytes.length < TRACE_HEADER_BYTES) {
    throw new GodiagError(ErrorCode.Truncated, {
      format: 'trace',
      offset: bytes.length,
      message: `unexpected end of input: expected the ${TRACE_HEADER_BYTES}-byte header "go 1.N trace"`,
    });
  }
  let end = bytes.subarray(0, TRACE_HEADER_BYTES).indexOf(0);
  if (end < 0) end = TRACE_HEADER_BYTES;
  const text = String.fromCharCode(...bytes.subarray(0, end));
  const m = /^go 1\.(\d{1,3}) trace$/.exec(text);
  if (!m || bytes.subarray(end, TRACE_HEADER_BYTES).some((b) => b !== 0)) {
    throw new GodiagError(ErrorCode.NotFormat, {
      format: 'trace',
      offset: 0,
      message: `not an execution trace: expected a header "go 1.N trace", found ${JSON.stringify(text.slice(0, 16))}`,
    });
  }
  const minor = Number(m[1]);
  return { version: `1.${minor}`, minor, generational: minor >= 22 };
}
