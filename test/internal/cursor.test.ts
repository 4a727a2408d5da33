import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { ByteCursor } from '../../src/internal/cursor.js';
import { ByteWriter } from '../../src/internal/writer.js';
import { ErrorCode, GodiagError } from '../../src/internal/errors.js';
import { U64_MAX, zigzagDecode, zigzagEncode } from '../../src/internal/int64.js';

const u64 = fc.bigInt({ min: 0n, max: U64_MAX });
const i64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });

function expectGodiag(fn: () => unknown, code: string, offset?: number): GodiagError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(GodiagError);
    const g = e as GodiagError;
    expect(g.code).toBe(code);
    if (offset !== undefined) expect(g.offset).toBe(offset);
    return g;
  }
  throw new Error('expected a GodiagError');
}

describe('varints', () => {
  test.prop([u64])('uvarint round-trips over the whole u64 range', (v) => {
    const bytes = new ByteWriter().uvarint(v).finish();
    const c = new ByteCursor(bytes, 'input');
    expect(c.uvarint()).toBe(v);
    expect(c.atEnd).toBe(true);
  });

  test.prop([fc.constantFrom(0n, 1n, 127n, 128n, 2n ** 49n - 1n, 2n ** 49n, 2n ** 53n - 1n, 2n ** 63n, U64_MAX)])(
    'uvarint round-trips at the boundaries',
    (v) => {
      expect(new ByteCursor(new ByteWriter().uvarint(v).finish(), 'input').uvarint()).toBe(v);
    },
  );

  test.prop([i64])('varint (zigzag) round-trips over the whole i64 range', (v) => {
    const c = new ByteCursor(new ByteWriter().varint(v).finish(), 'input');
    expect(c.varint()).toBe(v);
    expect(zigzagDecode(zigzagEncode(v))).toBe(v);
  });

  test.prop([fc.nat({ max: Number.MAX_SAFE_INTEGER })])('uvarintNumber agrees with uvarint for safe values', (v) => {
    const bytes = new ByteWriter().uvarint(v).finish();
    expect(new ByteCursor(bytes, 'input').uvarintNumber()).toBe(v);
    expect(new ByteCursor(new ByteWriter().uvarint(BigInt(v)).finish(), 'input').uvarintNumber()).toBe(v);
  });

  test.prop([fc.bigInt({ min: 2n ** 53n, max: U64_MAX })])('uvarintNumber rejects values above 2^53−1', (v) => {
    expectGodiag(() => new ByteCursor(new ByteWriter().uvarint(v).finish(), 'trace').uvarintNumber(), ErrorCode.LimitExceeded, 0);
  });

  it('rejects varints longer than 64 bits as Go does', () => {
    // Ten bytes whose last is 2: bit 64 set.
    const over = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02]);
    expectGodiag(() => new ByteCursor(over, 'trace').uvarint(), ErrorCode.Corrupt, 0);
    const eleven = new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]);
    expectGodiag(() => new ByteCursor(eleven, 'trace').uvarint(), ErrorCode.Corrupt, 0);
  });

  test.prop([u64, fc.nat({ max: 1000 })])('truncation anywhere in a varint is a truncated error at the end', (v, base) => {
    const bytes = new ByteWriter().uvarint(v).finish();
    for (let cut = 0; cut < bytes.length; cut++) {
      const e = expectGodiag(() => new ByteCursor(bytes.subarray(0, cut), 'pprof', { baseOffset: base }).uvarint(), ErrorCode.Truncated);
      expect(e.offset).toBe(base + cut);
      expect(e.format).toBe('pprof');
    }
  });
});

describe('fixed-width integers', () => {
  test.prop([fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.boolean()])('u16/u32/u64 match DataView in both byte orders', (b, le) => {
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const c = new ByteCursor(b, 'elf', { littleEndian: le });
    expect(c.u16()).toBe(view.getUint16(0, le));
    c.seek(0);
    expect(c.u32()).toBe(view.getUint32(0, le));
    c.seek(0);
    expect(c.u64()).toBe(view.getBigUint64(0, le));
    c.seek(0);
    expect(c.i64()).toBe(view.getBigInt64(0, le));
    c.seek(0);
    expect(c.i32()).toBe(view.getInt32(0, le));
    c.seek(0);
    expect(c.uptr(4)).toBe(BigInt(view.getUint32(0, le)));
    expect(le ? new ByteCursor(b, 'elf').u16le() : new ByteCursor(b, 'elf').u16be()).toBe(view.getUint16(0, le));
    expect(le ? new ByteCursor(b, 'elf').u32le() : new ByteCursor(b, 'elf').u32be()).toBe(view.getUint32(0, le));
    expect(le ? new ByteCursor(b, 'elf').u64le() : new ByteCursor(b, 'elf').u64be()).toBe(view.getBigUint64(0, le));
  });

  test.prop([u64, fc.boolean()])('ByteWriter.u64 and ByteCursor.u64 round-trip', (v, le) => {
    const w = new ByteWriter(16, le).u64(v).u32(0xdeadbeef).u16(0xbeef).u8(7);
    const c = new ByteCursor(w.finish(), 'input', { littleEndian: le });
    expect([c.u64(), c.u32(), c.u16(), c.u8()]).toEqual([v, 0xdeadbeef, 0xbeef, 7]);
  });

  test.prop([fc.uint8Array({ maxLength: 7 }), fc.nat({ max: 1 << 20 })])('short input gives truncated errors at the current offset', (b, base) => {
    const c = new ByteCursor(b, 'core', { baseOffset: base });
    const e = expectGodiag(() => c.u64(), ErrorCode.Truncated);
    expect(e.offset).toBe(base);
    expect(e.message).toMatch(/^core: unexpected end of input: expected a 64-bit integer \(at byte \d+\)$/);
  });
});

describe('bytes and strings', () => {
  test.prop([fc.uint8Array({ maxLength: 64 }), fc.nat({ max: 80 })])('bytesView is zero-copy and bounds-checked', (b, n) => {
    const c = new ByteCursor(b, 'input');
    if (n <= b.length) {
      const v = c.bytesView(n);
      expect(v.buffer).toBe(b.buffer);
      expect([...v]).toEqual([...b.subarray(0, n)]);
    } else {
      expectGodiag(() => c.bytesView(n), ErrorCode.Truncated, 0);
    }
  });

  test.prop([fc.string({ unit: 'grapheme', maxLength: 100 })])('length-prefixed strings round-trip', (s) => {
    const c = new ByteCursor(new ByteWriter().lengthPrefixedString(s).lengthPrefixedString('x').finish(), 'trace');
    expect(c.lengthPrefixedString()).toBe(s);
    expect(c.lengthPrefixedString()).toBe('x');
  });

  it('checks a length read from input against the limit before reading', () => {
    const bytes = new ByteWriter().uvarint(1n << 40n).finish();
    const e = expectGodiag(() => new ByteCursor(bytes, 'trace').lengthPrefixedString('string', 1000), ErrorCode.LimitExceeded, 0);
    expect(e.message).toContain('string length 1099511627776 is outside the allowed range 0..1000');
    expectGodiag(() => new ByteCursor(new Uint8Array(10), 'trace').block(1e12, 'batch'), ErrorCode.LimitExceeded, 0);
  });

  it('reads NUL-terminated strings', () => {
    const c = new ByteCursor(new TextEncoder().encode('.text\0.data\0tail'), 'elf');
    expect(c.cstring()).toBe('.text');
    expect(c.cstring()).toBe('.data');
    expectGodiag(() => c.cstring(), ErrorCode.Truncated, 12);
  });

  it('seek and skip are bounds-checked', () => {
    const c = new ByteCursor(new Uint8Array(4), 'input', { baseOffset: 100 });
    c.seek(4);
    expect(c.atEnd).toBe(true);
    expectGodiag(() => c.seek(5), ErrorCode.Truncated, 105);
    c.seek(1);
    expectGodiag(() => c.skip(4), ErrorCode.Truncated, 101);
    expect(c.remaining).toBe(3);
  });
});

describe('ByteWriter composition', () => {
  const chunk = fc.uint8Array({ maxLength: 200 });
  test.prop([fc.array(chunk, { maxLength: 8 })])('append, lookup and take give the bytes written in order', (parts) => {
    const w = new ByteWriter(16);
    const expected: number[] = [];
    for (const part of parts) {
      const other = new ByteWriter(4).bytes(part);
      w.append(other);
      expected.push(...part);
      // lookup: each byte's value as an index into a reversing table.
      const table = Uint8Array.from({ length: 256 }, (_, i) => 255 - i);
      w.lookup(table, part, 0, part.length);
      expected.push(...Array.from(part, (b) => 255 - b));
    }
    expect([...w.take()]).toEqual(expected);
  });

  test.prop([fc.nat(120), fc.uint8Array({ minLength: 1, maxLength: 120 })])('setU8 patches a byte already written', (at, bytes) => {
    const w = new ByteWriter().bytes(bytes);
    const i = at % bytes.length;
    w.setU8(i, 7);
    const expected = [...bytes];
    expected[i] = 7;
    expect([...w.finish()]).toEqual(expected);
    expect(() => w.setU8(bytes.length, 1)).toThrow(RangeError);
  });

  test.prop([fc.oneof(fc.nat(0xffff_ffff), fc.maxSafeNat())])('uvarint of a number reads back in the fewest bytes', (v) => {
    const bytes = new ByteWriter().uvarint(v).finish();
    const c = new ByteCursor(bytes, 'input');
    expect(c.uvarint()).toBe(BigInt(v));
    expect(c.offset).toBe(bytes.length);
    expect(bytes.length).toBe(Math.max(1, Math.ceil(v.toString(2).length / 7)));
  });
});
