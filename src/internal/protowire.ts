/**
 * Protocol Buffers wire format: a fast reader of field keys and varints. Varints are decoded into two 32-bit
 * halves, so int64 and uint64 values never pass through `bigint` unless the caller asks for one; message
 * semantics (profile.proto) live with their format.
 * @module
 */

import { ErrorCode, GodiagError, truncated, type FormatName } from './errors.js';

const TWO_32 = 2 ** 32;

/** Typed arrays use the platform's byte order; the 32-bit-halves fast path assumes little-endian. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Protobuf wire-type names for messages. */
const WIRE_NAMES = ['varint', 'fixed64', 'length-delimited', 'start-group', 'end-group', 'fixed32', '6', '7'];

/** Options for {@link ProtoReader}. */
export interface ProtoReaderOptions {
  /** The format named in errors; default `pprof`. */
  format?: FormatName;
  /** Offset of `bytes[0]` in the whole input, so error offsets are absolute; default 0. */
  baseOffset?: number;
}

/** Reads protobuf fields from one buffer; nested messages are read in place (offsets stay absolute). */
export class ProtoReader {
  /** Position of the next byte. */
  pos = 0;
  /** Low 32 bits of the last varint. */
  lo = 0;
  /** High 32 bits of the last varint. */
  hi = 0;
  /** Field number of the last key. */
  field = 0;
  /** Wire type of the last key. */
  wireType = 0;
  /** Offset of the last key. */
  keyAt = 0;

  private readonly format: FormatName;
  private readonly baseOffset: number;

  constructor(
    readonly bytes: Uint8Array,
    options: ProtoReaderOptions = {},
  ) {
    this.format = options.format ?? 'pprof';
    this.baseOffset = options.baseOffset ?? 0;
  }

  /** Reads a varint into `lo`/`hi` (Go accepts up to 10 bytes; bits past 64 are dropped, as Go does). */
  varint(): void {
    const b = this.bytes;
    let pos = this.pos;
    const start = pos;
    let byte = b[pos++];
    if (byte === undefined) throw this.truncated(start, 'a varint');
    if (byte < 0x80) {
      this.lo = byte;
      this.hi = 0;
      this.pos = pos;
      return;
    }
    let lo = byte & 0x7f;
    let hi = 0;
    // Bytes 2–4 fill bits 7–27 of lo.
    for (let shift = 7; shift < 28; shift += 7) {
      byte = b[pos++];
      if (byte === undefined) throw this.truncated(pos - 1, 'a varint');
      lo |= (byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.lo = lo >>> 0;
        this.hi = 0;
        this.pos = pos;
        return;
      }
    }
    // Byte 5 straddles: 4 bits to lo, 3 bits to hi.
    byte = b[pos++];
    if (byte === undefined) throw this.truncated(pos - 1, 'a varint');
    lo |= (byte & 0x0f) << 28;
    hi = (byte & 0x7f) >> 4;
    if (byte >= 0x80) {
      for (let shift = 3; ; shift += 7) {
        if (pos - start >= 10) throw new GodiagError(ErrorCode.Corrupt, { format: 'pprof', offset: start, message: 'bad varint: more than 10 bytes' });
        byte = b[pos++];
        if (byte === undefined) throw this.truncated(pos - 1, 'a varint');
        if (shift < 32) hi |= (byte & 0x7f) << shift;
        if (byte < 0x80) break;
      }
    }
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
    this.pos = pos;
  }

  /** The last varint as an unsigned number if exact, else as a `bigint` (a lookup key for ids). */
  get u64Key(): number | bigint {
    return keyOf(this.lo, this.hi);
  }

  /** The last varint as uint64. */
  get u64(): bigint {
    return this.hi === 0 ? BigInt(this.lo) : (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  /** The last varint as int64 (two's complement). */
  get i64(): bigint {
    return this.hi === 0 ? BigInt(this.lo) : BigInt.asIntN(64, (BigInt(this.hi) << 32n) | BigInt(this.lo));
  }

  /**
   * The last varint as int64 in a `number`, or `undefined` if it does not fit exactly. Used for string
   * indices (any value outside the table is an error anyway) and line numbers.
   */
  get i64Number(): number | undefined {
    if (this.hi < 0x200000) return this.hi * TWO_32 + this.lo;
    if (this.hi >= 0xffe00000) return (this.hi - TWO_32) * TWO_32 + this.lo; // ≥ −2^53
    return undefined;
  }

  /** Reads a field key; returns false at `end`. Rejects the group wire types and field 0. */
  nextField(end: number): boolean {
    if (this.pos >= end) return false;
    this.keyAt = this.pos;
    this.varint();
    if (this.hi !== 0 || this.lo >>> 3 === 0) {
      throw this.corrupt(`invalid field key 0x${this.u64.toString(16)}`, this.keyAt);
    }
    this.field = this.lo >>> 3;
    this.wireType = this.lo & 7;
    return true;
  }

  /** Reads a length prefix and returns the end offset of the value; checks it lies within `end`. */
  length(end: number): number {
    const at = this.pos;
    this.varint();
    const n = this.hi === 0 ? this.lo : Infinity;
    if (n > end - this.pos) {
      if (end === this.bytes.length) {
        throw this.truncated(at, `${this.hi === 0 ? n : this.u64} bytes of field ${this.field}, but only ${end - this.pos} remain`);
      }
      throw this.corrupt(`field ${this.field} claims ${this.hi === 0 ? n : this.u64} bytes, more than its enclosing message's remaining ${end - this.pos}`, at);
    }
    return this.pos + n;
  }

  /** Skips the value of the current field (unknown fields are ignored, as google/pprof does). */
  skip(end: number): void {
    switch (this.wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        this.advance(8, end, 'a fixed64 value');
        return;
      case 2:
        this.pos = this.length(end);
        return;
      case 5:
        this.advance(4, end, 'a fixed32 value');
        return;
      default:
        throw this.corrupt(`unknown wire type ${this.wireType} for field ${this.field}`, this.keyAt);
    }
  }

  private advance(n: number, end: number, what: string): void {
    if (this.pos + n > end) throw this.truncated(this.pos, what);
    this.pos += n;
  }

  /** Throws unless the current field has the wire type the schema gives it. */
  expect(wireType: number, message: string): void {
    if (this.wireType !== wireType) {
      throw this.corrupt(
        `type mismatch: field ${this.field} of ${message} must be ${WIRE_NAMES[wireType]}, found ${WIRE_NAMES[this.wireType]}`,
        this.keyAt,
      );
    }
  }

  /** Reads a repeated varint field (packed or not) and returns the decoded values' 32-bit halves. */
  repeated(end: number, message: string, out: number[]): void {
    if (this.wireType === 2) {
      const stop = this.length(end);
      while (this.pos < stop) {
        this.varint();
        out.push(this.lo, this.hi);
      }
      if (this.pos > stop) throw this.corrupt(`packed field ${this.field} of ${message} ends inside a varint`, stop);
      return;
    }
    this.expect(0, message);
    this.varint();
    out.push(this.lo, this.hi);
  }

  /** A `corrupt` error at `offset` (a position in `bytes`). */
  corrupt(message: string, offset = this.pos): GodiagError {
    return new GodiagError(ErrorCode.Corrupt, { format: this.format, offset: this.baseOffset + offset, message });
  }

  private truncated(offset: number, expected: string): GodiagError {
    return truncated(this.format, this.baseOffset + offset, expected);
  }
}

/** The lookup key of a uint64 given as halves: a number when exact, else a bigint (never mixed for one value). */
export function keyOf(lo: number, hi: number): number | bigint {
  return hi < 0x200000 ? hi * TWO_32 + lo : (BigInt(hi) << 32n) | BigInt(lo);
}
