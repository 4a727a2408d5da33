/** A minimal protobuf encoder for building test profiles. */
import { ByteWriter } from '../../src/internal/writer.js';

/** Field values: a number/bigint is a varint, bytes are length-delimited, a nested array is a message. */
export type ProtoField = [field: number, value: number | bigint | Uint8Array | ProtoField[]];

/** Encodes fields in the given order. */
export function encodeMessage(fields: readonly ProtoField[]): Uint8Array {
  const w = new ByteWriter();
  for (const [field, value] of fields) {
    if (typeof value === 'number' || typeof value === 'bigint') {
      w.uvarint(field * 8).uvarint(typeof value === 'bigint' ? BigInt.asUintN(64, value) : value);
    } else {
      const body = value instanceof Uint8Array ? value : encodeMessage(value);
      w.uvarint(field * 8 + 2).uvarint(body.length).bytes(body);
    }
  }
  return w.finish();
}

/** A profile.proto message with the given sample types and number of samples (strings interned). */
export function makeProfile(sampleTypes: readonly { type: string; unit: string }[], samples: number): Uint8Array {
  const strings = [''];
  const index = (s: string) => {
    let i = strings.indexOf(s);
    if (i < 0) i = strings.push(s) - 1;
    return i;
  };
  const fields: ProtoField[] = [];
  for (const t of sampleTypes) fields.push([1, [[1, index(t.type)], [2, index(t.unit)]]]);
  for (let i = 0; i < samples; i++) fields.push([2, [[1, i + 1], [2, BigInt(-i)]]]);
  fields.push([9, 1_700_000_000_000_000_000n]);
  for (const s of strings) fields.push([6, new TextEncoder().encode(s)]);
  return encodeMessage(fields);
}
