/**
 * The 64-bit policy (see docs/architecture.md): values that can exceed 2^53 — addresses, ids, sentinels
 * such as 2^64−1, raw u64 counters — are `bigint`; values that provably fit — lengths, counts, durations
 * in nanoseconds of a real run, times Go itself derives from float64 — are `number`. Conversions between
 * the two go through these helpers, which never round silently.
 * @module
 */

import { ErrorCode, GodiagError, type FormatName } from './errors.js';

/** 2^64 − 1, Go's `^uint64(0)`, used by the runtime as a "none" sentinel. */
export const U64_MAX = 0xffff_ffff_ffff_ffffn;

/** 2^63 − 1. */
export const I64_MAX = 0x7fff_ffff_ffff_ffffn;

/** −2^63. */
export const I64_MIN = -0x8000_0000_0000_0000n;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/**
 * Converts a 64-bit value to `number`, throwing a `limit-exceeded` error if it does not fit exactly.
 * Use where the format guarantees a small value (a length, a count) and a large one means corruption.
 */
export function toSafeNumber(value: bigint, format: FormatName, offset: number, what: string): number {
  if (value > MAX_SAFE || value < MIN_SAFE) {
    throw new GodiagError(ErrorCode.LimitExceeded, {
      format,
      offset,
      message: `${what} ${value} does not fit in a JavaScript number (|value| must be at most 2^53−1)`,
    });
  }
  return Number(value);
}

/** True if the bigint converts to `number` without rounding. */
export function isSafe(value: bigint): boolean {
  return value <= MAX_SAFE && value >= MIN_SAFE;
}

/** Reinterprets an unsigned 64-bit value as signed (Go's `int64(u)`). */
export function asInt64(u: bigint): bigint {
  return BigInt.asIntN(64, u);
}

/** Reinterprets a signed 64-bit value as unsigned (Go's `uint64(i)`). */
export function asUint64(i: bigint): bigint {
  return BigInt.asUintN(64, i);
}

/** Zigzag-decodes an unsigned 64-bit value (protobuf `sint64`, Go's `binary.Varint`). */
export function zigzagDecode(u: bigint): bigint {
  return (u >> 1n) ^ -(u & 1n);
}

/** Zigzag-encodes a signed 64-bit value. */
export function zigzagEncode(i: bigint): bigint {
  return BigInt.asUintN(64, (i << 1n) ^ (i >> 63n));
}
