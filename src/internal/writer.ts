/**
 * The byte writer: the counterpart of {@link ByteCursor} for encoders (profile.proto, trace batches) and
 * for property tests that build inputs. It grows its buffer geometrically and never copies on `finish`
 * beyond the one final trim.
 * @module
 */

import { encodeUtf8 } from './utf8.js';
import { zigzagEncode } from './int64.js';

/** Bytes in the shortest varint encoding of `v` (0..2^64−1). */
export function uvarintSize(v: number | bigint): number {
  if (typeof v === 'number') {
    let n = 1;
    while (v >= 128) {
      v = Math.floor(v / 128);
      n++;
    }
    return n;
  }
  let n = 1;
  while (v >= 128n) {
    v >>= 7n;
    n++;
  }
  return n;
}

/** A growable little- or big-endian byte writer. */
export class ByteWriter {
  private buf: Uint8Array;
  private dv: DataView;
  /** Bytes written so far. */
  length = 0;
  /** Byte order of `u16()`, `u32()`, `u64()`. */
  littleEndian: boolean;

  constructor(initialCapacity = 256, littleEndian = true) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
    this.dv = new DataView(this.buf.buffer);
    this.littleEndian = littleEndian;
  }

  private reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.dv = new DataView(next.buffer);
  }

  /** Appends one byte. */
  u8(v: number): this {
    this.reserve(1);
    this.buf[this.length++] = v;
    return this;
  }
  /** Appends a 16-bit integer in the writer's byte order. */
  u16(v: number): this {
    this.reserve(2);
    this.dv.setUint16(this.length, v, this.littleEndian);
    this.length += 2;
    return this;
  }
  /** Appends a 32-bit integer in the writer's byte order. */
  u32(v: number): this {
    this.reserve(4);
    this.dv.setUint32(this.length, v, this.littleEndian);
    this.length += 4;
    return this;
  }
  /** Appends a 64-bit integer in the writer's byte order (negative values as two's complement). */
  u64(v: bigint): this {
    this.reserve(8);
    this.dv.setBigUint64(this.length, BigInt.asUintN(64, v), this.littleEndian);
    this.length += 8;
    return this;
  }

  /** Appends an unsigned LEB128 varint; `v` must be in 0..2^64−1. */
  uvarint(v: number | bigint): this {
    if (typeof v === 'number') {
      if (v >= 0 && v <= 0xffff_ffff && v === v >>> 0) {
        // 32-bit values (lengths, indices, most ids) with bit operations.
        this.reserve(5);
        const buf = this.buf;
        let at = this.length;
        while (v > 0x7f) {
          buf[at++] = (v & 0x7f) | 0x80;
          v >>>= 7;
        }
        buf[at++] = v;
        this.length = at;
        return this;
      }
      if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`uvarint: ${v} is not a safe unsigned integer`);
      this.reserve(8);
      while (v >= 0x80) {
        this.buf[this.length++] = (v % 128) | 0x80;
        v = Math.floor(v / 128);
      }
      this.buf[this.length++] = v;
      return this;
    }
    if (v < 0n || v > 0xffff_ffff_ffff_ffffn) throw new RangeError(`uvarint: ${v} is outside 0..2^64−1`);
    if (v <= 0x1f_ffff_ffff_ffffn) return this.uvarint(Number(v)); // the common case avoids bigint arithmetic
    this.reserve(10);
    while (v >= 0x80n) {
      this.buf[this.length++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.length++] = Number(v);
    return this;
  }

  /** Appends a zigzag-encoded signed varint (Go's `binary.PutVarint`). */
  varint(v: bigint): this {
    return this.uvarint(zigzagEncode(v));
  }

  /** Appends raw bytes. */
  bytes(b: Uint8Array): this {
    const n = b.length;
    this.reserve(n);
    // Short runs (varints, keys) are cheaper to copy by hand than through set().
    if (n <= 16) for (let i = 0; i < n; i++) this.buf[this.length + i] = b[i]!;
    else this.buf.set(b, this.length);
    this.length += n;
    return this;
  }

  /**
   * Appends, for each index `indices[k]` with `from <= k < to`, the bytes `src[offsets[i] .. offsets[i+1]]`:
   * a run of pre-encoded items (varints) chosen by index. `total` is the number of bytes that adds.
   */
  slices(src: Uint8Array, offsets: Uint32Array, indices: ArrayLike<number>, from: number, to: number, total: number): this {
    this.reserve(total);
    const buf = this.buf;
    let at = this.length;
    for (let k = from; k < to; k++) {
      const i = indices[k]!;
      for (let j = offsets[i]!, end = offsets[i + 1]!; j < end; j++) buf[at++] = src[j]!;
    }
    this.length = at;
    return this;
  }

  /** Appends `table[indices[k]]` for each `from <= k < to`: a run of one-byte items chosen by index. */
  lookup(table: Uint8Array, indices: ArrayLike<number>, from: number, to: number): this {
    this.reserve(to - from);
    const buf = this.buf;
    let at = this.length;
    for (let k = from; k < to; k++) buf[at++] = table[indices[k]!]!;
    this.length = at;
    return this;
  }

  /** Appends what another writer has written (without creating a view of it). */
  append(other: ByteWriter): this {
    const n = other.length;
    this.reserve(n);
    if (n <= 64) {
      const src = other.buf;
      const buf = this.buf;
      const at = this.length;
      for (let i = 0; i < n; i++) buf[at + i] = src[i]!;
    } else this.buf.set(other.buf.subarray(0, n), this.length);
    this.length += n;
    return this;
  }

  /** Overwrites the byte at `at` (already written), e.g. a length reserved before its value was known. */
  setU8(at: number, v: number): this {
    if (at >= this.length) throw new RangeError(`setU8: offset ${at} is not written yet`);
    this.buf[at] = v;
    return this;
  }

  /** Appends a string as UTF-8 (no length prefix). */
  string(s: string): this {
    return this.bytes(encodeUtf8(s));
  }

  /** Appends a varint length and the string's UTF-8 bytes. */
  lengthPrefixedString(s: string): this {
    const b = encodeUtf8(s);
    return this.uvarint(b.length).bytes(b);
  }

  /**
   * Appends an unsigned varint given as two 32-bit halves (from a `BigInt64Array`'s 32-bit view), so
   * 64-bit values are written without creating bigints.
   */
  uvarintHalves(lo: number, hi: number): this {
    if (hi === 0) return this.uvarint(lo);
    this.reserve(10);
    // Emit 7 bits at a time from the 64-bit value hi:lo.
    while (hi !== 0 || lo >= 0x80) {
      this.buf[this.length++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    this.buf[this.length++] = lo;
    return this;
  }

  /** The written bytes without copying; valid until the next write. */
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  /**
   * Ends the writer and returns its bytes: the buffer itself when at most a fifth of it is unused, else a
   * trimmed copy. The writer must not be used afterwards.
   */
  take(): Uint8Array {
    const out = this.length >= this.buf.length * 0.8 ? this.buf.subarray(0, this.length) : this.buf.slice(0, this.length);
    this.buf = new Uint8Array(16);
    this.dv = new DataView(this.buf.buffer);
    this.length = 0;
    return out;
  }

  /** Returns the written bytes (a copy trimmed to length; the writer can keep going). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
