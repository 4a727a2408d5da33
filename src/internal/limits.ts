/**
 * Named limits on lengths and counts read from input.
 *
 * A length field in a file is a promise made by whoever wrote it; a corrupt or hostile file can promise
 * gigabytes. Readers compare every such length against one of these limits *before* allocating, so bad
 * input costs an error, not memory. The values are generous for real Go output (see docs/architecture.md).
 * @module
 */

import { ErrorCode, GodiagError, type FormatName } from './errors.js';

/** Documented upper bounds applied while reading. Callers may pass lower ones through reader options. */
export const Limits = {
  /** Longest single string (function name, file name, label, log message): 64 MiB. */
  maxStringBytes: 64 << 20,
  /** Largest single length-delimited block (a trace batch, a protobuf message, an ELF note): 1 GiB. */
  maxBlockBytes: 1 << 30,
  /** Largest whole input buffered in memory by `readAll`, and largest decompressed output: 4 GiB − 1. */
  maxInputBytes: 2 ** 32 - 1,
  /** Largest count of items announced by a header before they are read (table entries, sections): 2^26. */
  maxItems: 1 << 26,
} as const;

/** The names of {@link Limits}. */
export type LimitName = keyof typeof Limits;

/**
 * Throws a `limit-exceeded` {@link GodiagError} unless `0 <= value <= limit`.
 * @param what - the noun for the message, e.g. "string length".
 */
export function checkLimit(
  value: number | bigint,
  limit: number,
  format: FormatName,
  offset: number,
  what: string,
): number {
  if (typeof value === 'bigint') {
    if (value < 0n || value > BigInt(limit)) throw overLimit(value, limit, format, offset, what);
    return Number(value);
  }
  if (!(value >= 0 && value <= limit)) throw overLimit(value, limit, format, offset, what);
  return value;
}

function overLimit(value: number | bigint, limit: number, format: FormatName, offset: number, what: string) {
  return new GodiagError(ErrorCode.LimitExceeded, {
    format,
    offset,
    message: `${what} ${value} is outside the allowed range 0..${limit}`,
  });
}
