/**
 * The byte cursor: the one place godiag turns bytes into numbers and strings.
 *
 * A cursor reads forward through a `Uint8Array` (zero-copy) and checks every read against the end of the
 * buffer, throwing a {@link GodiagError} that names the format and the absolute offset of the problem.
 * @module
 */

import { ErrorCode, GodiagError, truncated, type FormatName } from './errors.js';
import { Limits, checkLimit } from './limits.js';
import { decodeUtf8 } from './utf8.js';
import { zigzagDecode } from './int64.js';

/** Options for {@link ByteCursor}. */
export interface ByteCursorOptions {
  /** Byte order of `u16()`, `u32()`, `u64()` and friends; default little-endian. */
  littleEndian?: boolean;
  /** Offset of `bytes[0]` in the whole input, so error offsets are absolute. Default 0. */
  baseOffset?: number;
}

/** A bounds-checked forward reader over a byte array. */
export class ByteCursor {
  /** The bytes being read. */
  readonly bytes: Uint8Array;
  /** The format named in errors. */
  readonly format: FormatName;
  /** Byte order used by the order-neutral methods. */
  littleEndian: boolean;
  /** Absolute offset of `bytes[0]`. */
  readonly baseOffset: number;
  /** Position of the next read, relative to `bytes`. */
  pos = 0;
  private readonly view: DataView;

  constructor(bytes: Uint8Array, format: FormatName, options: ByteCursorOptions = {}) {
    this.bytes = bytes;
    this.format = format;
    this.littleEndian = options.littleEndian ?? true;
    this.baseOffset = options.baseOffset ?? 0;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Absolute offset of the next read in the whole input. */
  get offset(): number {
    return this.baseOffset + this.pos;
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  /** True when every byte has been read. */
  get atEnd(): boolean {
    return this.pos >= this.bytes.length;
  }

  /** Moves to a position relative to the start of `bytes` (may equal the length). */
  seek(pos: number): void {
    if (!(pos >= 0 && pos <= this.bytes.length)) {
      throw truncated(this.format, this.baseOffset + pos, `position ${pos} within ${this.bytes.length} bytes`);
    }
    this.pos = pos;
  }

  /** Skips `n` bytes. */
  skip(n: number, what = `${n} bytes`): void {
    this.need(n, what);
    this.pos += n;
  }

  /** Throws `truncated` unless `n` more bytes are available. */
  need(n: number, what: string): void {
    if (n > this.bytes.length - this.pos) throw truncated(this.format, this.offset, what);
  }

  /** A new error of the given code at the current offset (or at `offset`, absolute). */
  error(code: ErrorCode, message: string, offset = this.offset): GodiagError {
    return new GodiagError(code, { format: this.format, offset, message });
  }

  /** Reads an unsigned byte. */
  u8(): number {
    if (this.pos >= this.bytes.length) throw truncated(this.format, this.offset, 'a byte');
    return this.bytes[this.pos++]!;
  }

  /** Reads an unsigned 16-bit integer in the cursor's byte order. */
  u16(): number {
    return this.littleEndian ? this.u16le() : this.u16be();
  }
  /** Reads an unsigned 16-bit little-endian integer. */
  u16le(): number {
    this.need(2, 'a 16-bit integer');
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  /** Reads an unsigned 16-bit big-endian integer. */
  u16be(): number {
    this.need(2, 'a 16-bit integer');
    const v = this.view.getUint16(this.pos, false);
    this.pos += 2;
    return v;
  }

  /** Reads an unsigned 32-bit integer in the cursor's byte order. */
  u32(): number {
    return this.littleEndian ? this.u32le() : this.u32be();
  }
  /** Reads an unsigned 32-bit little-endian integer. */
  u32le(): number {
    this.need(4, 'a 32-bit integer');
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  /** Reads an unsigned 32-bit big-endian integer. */
  u32be(): number {
    this.need(4, 'a 32-bit integer');
    const v = this.view.getUint32(this.pos, false);
    this.pos += 4;
    return v;
  }
  /** Reads a signed 32-bit integer in the cursor's byte order. */
  i32(): number {
    this.need(4, 'a 32-bit integer');
    const v = this.view.getInt32(this.pos, this.littleEndian);
    this.pos += 4;
    return v;
  }

  /** Reads an unsigned 64-bit integer in the cursor's byte order, as `bigint`. */
  u64(): bigint {
    return this.littleEndian ? this.u64le() : this.u64be();
  }
  /** Reads an unsigned 64-bit little-endian integer. */
  u64le(): bigint {
    this.need(8, 'a 64-bit integer');
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }
  /** Reads an unsigned 64-bit big-endian integer. */
  u64be(): bigint {
    this.need(8, 'a 64-bit integer');
    const v = this.view.getBigUint64(this.pos, false);
    this.pos += 8;
    return v;
  }
  /** Reads a signed 64-bit integer in the cursor's byte order. */
  i64(): bigint {
    this.need(8, 'a 64-bit integer');
    const v = this.view.getBigInt64(this.pos, this.littleEndian);
    this.pos += 8;
    return v;
  }

  /**
   * Reads a pointer-sized unsigned integer (4 or 8 bytes) in the cursor's byte order, as `bigint`
   * because it is an address.
   */
  uptr(size: 4 | 8): bigint {
    return size === 8 ? this.u64() : BigInt(this.u32());
  }

  /**
   * Reads an unsigned LEB128 varint of up to 64 bits, as Go's `binary.Uvarint` accepts it
   * (at most 10 bytes; the 10th byte may only be 0 or 1).
   */
  uvarint(): bigint {
    const start = this.pos;
    // Fast path: up to 7 bytes (49 bits) fit in a number exactly.
    let lo = 0;
    let mul = 1;
    for (let i = 0; i < 7; i++) {
      if (this.pos >= this.bytes.length) throw truncated(this.format, this.offset, 'a varint');
      const b = this.bytes[this.pos++]!;
      lo += (b & 0x7f) * mul;
      if (b < 0x80) return BigInt(lo);
      mul *= 128;
    }
    let v = BigInt(lo);
    let shift = 49n;
    for (let i = 7; i < 10; i++) {
      if (this.pos >= this.bytes.length) throw truncated(this.format, this.offset, 'a varint');
      const b = this.bytes[this.pos++]!;
      if (i === 9 && b > 1) break;
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return v;
      shift += 7n;
    }
    throw this.error(ErrorCode.Corrupt, 'varint overflows 64 bits', this.baseOffset + start);
  }

  /**
   * Reads an unsigned varint that must fit in a `number` (≤ 2^53−1): lengths, counts, ids the format
   * bounds. Faster than {@link ByteCursor.uvarint}; larger values are a `limit-exceeded` error.
   */
  uvarintNumber(what = 'varint'): number {
    const start = this.pos;
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      if (this.pos >= this.bytes.length) throw truncated(this.format, this.offset, 'a varint');
      const b = this.bytes[this.pos++]!;
      v += (b & 0x7f) * mul;
      if (b < 0x80) {
        if (v > Number.MAX_SAFE_INTEGER) break;
        return v;
      }
      mul *= 128;
    }
    // Too large for a number (or malformed): decode fully to report which.
    this.pos = start;
    const big = this.uvarint();
    throw this.error(
      ErrorCode.LimitExceeded,
      `${what} ${big} does not fit in a JavaScript number (must be at most 2^53−1)`,
      this.baseOffset + start,
    );
  }

  /** Reads a zigzag-encoded signed varint (Go's `binary.Varint`, protobuf `sint64`). */
  varint(): bigint {
    return zigzagDecode(this.uvarint());
  }

  /** Returns the next `n` bytes without copying (a view into the same buffer). */
  bytesView(n: number, what = `${n} bytes`): Uint8Array {
    if (!(n >= 0)) throw this.error(ErrorCode.Corrupt, `negative length ${n} for ${what}`);
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /**
   * Reads a length of `n` bytes whose length came from the input: checks it against
   * `Limits.maxBlockBytes` (or `limit`) first, then returns a zero-copy view.
   */
  block(n: number | bigint, what: string, limit: number = Limits.maxBlockBytes): Uint8Array {
    const len = checkLimit(n, limit, this.format, this.offset, `${what} length`);
    return this.bytesView(len, what);
  }

  /** Reads `n` bytes of UTF-8 as a string (ill-formed bytes become U+FFFD, as in Go). */
  string(n: number | bigint, what = 'string', limit: number = Limits.maxStringBytes): string {
    return decodeUtf8(this.block(n, what, limit));
  }

  /** Reads a varint length followed by that many bytes of UTF-8. */
  lengthPrefixedString(what = 'string', limit: number = Limits.maxStringBytes): string {
    const at = this.offset;
    const n = this.uvarint();
    if (n > BigInt(limit)) {
      throw this.error(ErrorCode.LimitExceeded, `${what} length ${n} is outside the allowed range 0..${limit}`, at);
    }
    return this.string(Number(n), what, limit);
  }

  /** Reads a NUL-terminated string (the NUL is consumed, not returned), at most `max` bytes long. */
  cstring(max: number = Limits.maxStringBytes): string {
    const end = this.bytes.indexOf(0, this.pos);
    if (end < 0) throw truncated(this.format, this.offset, 'a NUL-terminated string');
    if (end - this.pos > max) {
      throw this.error(ErrorCode.LimitExceeded, `string of ${end - this.pos} bytes exceeds ${max}`);
    }
    const s = decodeUtf8(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }
}
