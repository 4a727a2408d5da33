/**
 * Protocol Buffers wire format: field keys, wire types, and skipping. Message semantics (profile.proto)
 * live with their format; this layer only walks bytes.
 * @module
 */

import { ErrorCode } from './errors.js';
import type { ByteCursor } from './cursor.js';

/** Protobuf wire types. */
export const WireType = {
  Varint: 0,
  Fixed64: 1,
  Len: 2,
  StartGroup: 3,
  EndGroup: 4,
  Fixed32: 5,
} as const;

/** One of the values of {@link WireType}. */
export type WireType = (typeof WireType)[keyof typeof WireType];

/** A decoded field key. */
export interface FieldKey {
  /** Field number (1..2^29−1). */
  field: number;
  /** Wire type of the value that follows. */
  wireType: WireType;
  /** Absolute offset of the key. */
  offset: number;
}

/** Reads a field key, rejecting field number 0, numbers over 2^29−1 and the deprecated group types. */
export function readKey(c: ByteCursor): FieldKey {
  const offset = c.offset;
  const key = c.uvarintNumber('protobuf field key');
  const wireType = key % 8;
  const field = Math.floor(key / 8);
  if (field === 0 || field > 0x1fff_ffff) {
    throw c.error(ErrorCode.Corrupt, `invalid protobuf field number ${field}`, offset);
  }
  if (wireType !== 0 && wireType !== 1 && wireType !== 2 && wireType !== 5) {
    throw c.error(ErrorCode.Corrupt, `unsupported protobuf wire type ${wireType} for field ${field}`, offset);
  }
  return { field, wireType: wireType as WireType, offset };
}

/** Skips the value of a field whose key has just been read. */
export function skipValue(c: ByteCursor, wireType: WireType): void {
  switch (wireType) {
    case WireType.Varint:
      c.uvarint();
      return;
    case WireType.Fixed64:
      c.skip(8, 'a fixed64 value');
      return;
    case WireType.Len:
      c.block(c.uvarintNumber('length'), 'length-delimited field');
      return;
    case WireType.Fixed32:
      c.skip(4, 'a fixed32 value');
      return;
    default:
      throw c.error(ErrorCode.Corrupt, `unsupported protobuf wire type ${wireType}`);
  }
}
