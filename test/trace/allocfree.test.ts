import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { ByteWriter } from '../../src/internal/writer.js';
import { GodiagError } from '../../src/internal/errors.js';
import { Experiment } from '../../src/trace/spec/index.js';
import { decodeAllocFreeBatch, type AllocFreeBatch } from '../../src/trace/wire/index.js';

const value = fc.oneof(fc.nat(), fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n - 1n }));
const name = fc.string({ minLength: 1, maxLength: 40 });
const batch: fc.Arbitrary<AllocFreeBatch> = fc.oneof(
  fc.record({ kind: fc.constant('info' as const), minPageHeapAddr: value, pageSize: value, minHeapAlign: value, fixedStack: value }),
  fc.record({
    kind: fc.constant('types' as const),
    types: fc.array(fc.record({ id: value, address: value, size: value, ptrBytes: value, name }), { maxLength: 20 }),
  }),
);

/** Writes a batch body as the runtime lays it out (the values as uvarints, names length-prefixed). */
function encode(b: AllocFreeBatch): Uint8Array {
  const w = new ByteWriter();
  if (b.kind === 'info') w.u8(1).uvarint(b.minPageHeapAddr).uvarint(b.pageSize).uvarint(b.minHeapAlign).uvarint(b.fixedStack);
  else {
    w.u8(0);
    for (const t of b.types) w.uvarint(t.id).uvarint(t.address).uvarint(t.size).uvarint(t.ptrBytes).lengthPrefixedString(t.name);
  }
  return w.finish();
}

const asRead = (data: Uint8Array) => ({ experiment: Experiment.AllocFree, m: 1, time: 0, data, dataOffset: 100 });

describe('decodeAllocFreeBatch', () => {
  test.prop([batch])('reads back what was written', (b) => {
    expect(decodeAllocFreeBatch(asRead(encode(b)))).toEqual(b);
  });

  test.prop([batch, fc.nat()])('a batch cut short is a GodiagError, or a shorter type table', (b, at) => {
    const bytes = encode(b);
    const cut = bytes.subarray(0, at % bytes.length);
    try {
      const r = decodeAllocFreeBatch(asRead(cut));
      // Only a types batch cut between two entries still reads: as the entries before the cut.
      expect(r.kind).toBe('types');
      expect(b.kind === 'types' && b.types.slice(0, (r as { types: unknown[] }).types.length)).toEqual((r as { types: unknown[] }).types);
    } catch (e) {
      expect(e).toBeInstanceOf(GodiagError);
      expect((e as GodiagError).offset).toBeGreaterThanOrEqual(100);
    }
  });

  test.prop([fc.uint8Array({ maxLength: 64 })])('arbitrary bytes end in a batch or a GodiagError', (data) => {
    try {
      decodeAllocFreeBatch(asRead(data));
    } catch (e) {
      expect(e).toBeInstanceOf(GodiagError);
    }
  });

  test.prop([batch])('rejects a batch of another experiment', (b) => {
    expect(() => decodeAllocFreeBatch({ ...asRead(encode(b)), experiment: 2 })).toThrow(GodiagError);
  });
});
