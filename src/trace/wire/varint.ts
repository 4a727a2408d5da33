/**
 * Unsigned LEB128 varints as the trace format uses them, decoded straight out of a byte array.
 *
 * The trace readers decode millions of varints, so this avoids a cursor object per read: each call returns
 * the value and leaves the position after it in {@link scan}. A value that does not fit in 2^53 comes back
 * as a `bigint`; everything smaller is a `number`.
 * @module
 */

import { corrupt } from '../../internal/errors.js';

/** A value read from the wire: a `number` when it is below 2^53 (exact), else a `bigint`. */
export type ArgValue = number | bigint;

/** Shared scan state: the position after the last varint read. */
export const scan = { pos: 0 };

/** Returned by {@link uvarintAt} when the bytes end inside the varint. */
export const INCOMPLETE = -1;

/**
 * Reads an unsigned varint (at most 10 bytes, up to 2^64−1, as Go's `binary.Uvarint`) at `pos`, reading no
 * byte at or after `end`. Sets `scan.pos` after it.
 * @param base - absolute offset of `buf[0]`, for errors.
 * @returns the value, or {@link INCOMPLETE} when `end` comes first.
 * @throws GodiagError `corrupt` for a varint longer than 64 bits.
 */
export function uvarintAt(buf: Uint8Array, pos: number, end: number, base: number): ArgValue {
  // Most varints of a trace take one to four bytes (28 bits): small-integer arithmetic for those.
  if (pos + 3 < end) {
    const b0 = buf[pos]!;
    if (b0 < 0x80) {
      scan.pos = pos + 1;
      return b0;
    }
    const b1 = buf[pos + 1]!;
    if (b1 < 0x80) {
      scan.pos = pos + 2;
      return (b0 & 0x7f) | (b1 << 7);
    }
    const b2 = buf[pos + 2]!;
    if (b2 < 0x80) {
      scan.pos = pos + 3;
      return (b0 & 0x7f) | ((b1 & 0x7f) << 7) | (b2 << 14);
    }
    const b3 = buf[pos + 3]!;
    if (b3 < 0x80) {
      scan.pos = pos + 4;
      return (b0 & 0x7f) | ((b1 & 0x7f) << 7) | ((b2 & 0x7f) << 14) | (b3 << 21);
    }
  }
  // Up to 7 bytes (49 bits) accumulate exactly in a number.
  let v = 0;
  let mul = 1;
  let p = pos;
  for (let i = 0; i < 7; i++) {
    if (p >= end) return INCOMPLETE;
    const b = buf[p++]!;
    if (b < 0x80) {
      scan.pos = p;
      return v + b * mul;
    }
    v += (b & 0x7f) * mul;
    mul *= 128;
  }
  return uvarintSlow(buf, pos, end, base);
}

function uvarintSlow(buf: Uint8Array, pos: number, end: number, base: number): ArgValue {
  let v = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    const p = pos + i;
    if (p >= end) return INCOMPLETE;
    const b = buf[p]!;
    if (i === 9 && b > 1) break;
    v |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) {
      scan.pos = p + 1;
      return v <= 0x1f_ffff_ffff_ffffn ? Number(v) : v;
    }
    shift += 7n;
  }
  throw corrupt('trace', base + pos, 'varint overflows 64 bits');
}

export { uvarintSize } from '../../internal/writer.js';

/** Writes `v` as a varint of exactly `width` bytes (padding with continuation bytes) into `out` at `at`. */
export function putPaddedUvarint(out: Uint8Array, at: number, v: ArgValue, width: number): void {
  let big = BigInt(v);
  for (let i = 0; i < width - 1; i++) {
    out[at + i] = Number(big & 0x7fn) | 0x80;
    big >>= 7n;
  }
  out[at + width - 1] = Number(big);
}
