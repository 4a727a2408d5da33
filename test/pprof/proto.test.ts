import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { gzipSync } from 'fflate';
import { decodeProfile } from '../../src/pprof/decode.js';
import { encodeProfile, encodeUncompressed } from '../../src/pprof/encode.js';
import { dumpProfile } from '../../src/pprof/dump.js';
import { parseProfile, parseProfileBytes } from '../../src/pprof/parse.js';
import { checkValid } from '../../src/pprof/validate.js';
import { samples } from '../../src/pprof/samples.js';
import { SampleTable } from '../../src/pprof/profile.js';
import { ErrorCode, GodiagError } from '../../src/internal/errors.js';
import { arbitraryProfile } from '../support/profiles.js';
import { encodeMessage, type ProtoField } from '../support/proto.js';
import { cut, cutPoints, makeSource, SOURCE_KINDS } from '../support/split.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('profile.proto', () => {
  test.prop([arbitraryProfile])('decode(encode(p)) equals p, labels and ids included', (p) => {
    const back = decodeProfile(encodeUncompressed(p));
    expect(dumpProfile(back)).toBe(dumpProfile(p));
    expect(Array.from(back.sample, (s) => s.label)).toEqual(Array.from(p.sample, (s) => s.label));
    // Encoding is deterministic, so a second round trip gives the same bytes.
    expect(encodeUncompressed(back)).toEqual(encodeUncompressed(p));
  });

  test.prop([arbitraryProfile, cutPoints(4000), fc.constantFrom(...SOURCE_KINDS)])(
    'gzip input gives the same profile whatever the chunking and input kind',
    async (p, points, kind) => {
      const gz = encodeProfile(p);
      const parsed = await parseProfile(makeSource(kind, cut(gz, points)));
      expect(dumpProfile(parsed)).toBe(dumpProfile(p));
      expect(dumpProfile(parseProfileBytes(gz))).toBe(dumpProfile(p));
    },
  );

  test.prop([arbitraryProfile.filter((p) => p.sample.length > 0), fc.nat()])(
    'truncation gives a godiag error, or a shorter profile that is still valid',
    (p, at) => {
      const bytes = encodeUncompressed(p);
      const short = bytes.subarray(0, at % bytes.length);
      try {
        const q = decodeProfile(short);
        // A cut between top-level fields leaves a well-formed prefix: protobuf has no end marker.
        checkValid(q);
      } catch (e) {
        expect(e).toBeInstanceOf(GodiagError);
      }
    },
  );

  test.prop([arbitraryProfile, fc.nat(), fc.integer({ min: 1, max: 255 })])('a flipped byte never crashes the decoder', (p, at, x) => {
    const bytes = encodeUncompressed(p).slice();
    if (bytes.length === 0) return;
    bytes[at % bytes.length]! ^= x;
    try {
      decodeProfile(bytes);
    } catch (e) {
      expect(e).toBeInstanceOf(GodiagError);
    }
  });

  test.prop([arbitraryProfile.filter((p) => p.sample.length > 0), fc.nat()])('a truncated gzip stream is an error, never a partial profile', async (p, at) => {
    const gz = encodeProfile(p);
    const short = gz.subarray(0, at % gz.length);
    await expect(parseProfile(short)).rejects.toBeInstanceOf(GodiagError);
  });
});

describe('large tables', () => {
  it('uses 32-bit stacks beyond 65,536 locations and round-trips them', () => {
    const fn = { id: 1n, name: 'f', systemName: 'f', filename: 'f.go', startLine: 1 };
    const location = Array.from({ length: 70_000 }, (_, i) => ({ id: BigInt(i + 1), mapping: undefined, address: BigInt(i), line: [{ function: fn, line: i, column: 0 }], isFolded: false }));
    const base = decodeProfile(encodeUncompressed({ ...decodeProfile(encodeMessage([[6, enc('')]])), function: [fn], location, sampleType: [{ type: 't', unit: 'u' }] }));
    const l = base.location;
    const sample = SampleTable.from([{ location: [l[69_999]!, l[0]!, l[65_536]!], value: [7n] }], l, 1);
    const p = { ...base, sample };
    const back = decodeProfile(encodeUncompressed(p));
    expect(back.sample.stacks).toBeInstanceOf(Uint32Array);
    expect([...back.sample.stack(0)]).toEqual([69_999, 0, 65_536]);
    expect(dumpProfile(back)).toBe(dumpProfile(p));
  });

  // The decoder sizes its id column by the location count and widens it when an id does not fit.
  const withLocations = (ids: bigint[]) => {
    const fn = { id: 1n, name: 'f', systemName: 'f', filename: 'f.go', startLine: 1 };
    const location = ids.map((id, i) => ({ id, mapping: undefined, address: BigInt(i), line: [{ function: fn, line: i, column: 0 }], isFolded: false }));
    return decodeProfile(encodeUncompressed({ ...decodeProfile(encodeMessage([[6, enc('')]])), function: [fn], location, sampleType: [{ type: 't', unit: 'u' }] }));
  };

  it.each([
    ['8-bit stacks for small ids', [1n, 2n, 200n], Uint8Array],
    ['8-bit stacks for ids of two bytes (widened while reading)', [1n, 300n, 16_000n], Uint8Array],
    ['8-bit stacks for ids of three bytes and above 2^32', [5n, 70_000n, 2n ** 40n + 1n, 2n ** 63n], Uint8Array],
    ['16-bit stacks beyond 256 locations', Array.from({ length: 300 }, (_, i) => BigInt(i + 1)), Uint16Array],
    ['16-bit stacks beyond 256 locations with large ids', Array.from({ length: 300 }, (_, i) => BigInt(i * 1_000 + 1)), Uint16Array],
  ])('uses %s', (_, ids, type) => {
    const base = withLocations(ids);
    const l = base.location;
    const stacks = [[l.length - 1, 0, 1], [1, l.length - 1], [0]];
    const sample = SampleTable.from(stacks.map((s, i) => ({ location: s.map((k) => l[k]!), value: [BigInt(i)] })), l, 1);
    const p = { ...base, sample };
    const back = decodeProfile(encodeUncompressed(p));
    expect(back.sample.stacks).toBeInstanceOf(type);
    expect(stacks.map((_, i) => [...back.sample.stack(i)])).toEqual(stacks);
    expect(dumpProfile(back)).toBe(dumpProfile(p));
  });
});

describe('sample labels', () => {
  test.prop([arbitraryProfile])('the decoded label column behaves as a map from sample index to labels', (p) => {
    const labels = decodeProfile(encodeUncompressed(p)).sample.labels;
    const expected = new Map<number, unknown>();
    for (let i = 0; i < p.sample.length; i++) {
      const l = p.sample.get(i).label;
      if (l.length > 0) expected.set(i, l);
    }
    expect(new Map(labels)).toEqual(expected);
    expect(labels.size).toBe(expected.size);
    expect([...labels.keys()]).toEqual([...expected.keys()]);
    expect([...labels.values()]).toEqual([...expected.values()]);
    for (let i = 0; i <= p.sample.length; i++) {
      expect(labels.has(i)).toBe(expected.has(i));
      expect(labels.get(i)).toEqual(expected.get(i));
    }
    const seen: number[] = [];
    labels.forEach((_, k) => seen.push(k));
    expect(seen).toEqual([...expected.keys()]);
  });
});

describe('samples()', () => {
  test.prop([arbitraryProfile])('expands each location into one frame per line, innermost first', (p) => {
    let i = 0;
    for (const { sample, frames } of samples(p)) {
      expect(sample.stack).toEqual(p.sample.stack(i++));
      const expected = Array.from(sample.stack, (k) => p.location[k]!).flatMap((l) =>
        l.line.length === 0 ? [''] : l.line.map((ln) => ln.function.name),
      );
      expect(frames.map((f) => f.function)).toEqual(expected);
      expect(frames.filter((f) => !f.inlined)).toHaveLength(sample.stack.length);
    }
    expect(i).toBe(p.sample.length);
  });
});

describe('google/pprof rules', () => {
  const strings = (...s: string[]) => s.map((x): ProtoField => [6, enc(x)]);

  it('rejects a string table that does not start with ""', () => {
    expect(() => decodeProfile(encodeMessage(strings('x')))).toThrow(/string_table\[0\] must be the empty string/);
  });

  it('rejects concatenated profiles (a second non-zero time_nanos)', () => {
    const one = encodeMessage([[9, 5], ...strings('')]);
    expect(() => decodeProfile(new Uint8Array([...one, ...one]))).toThrow(/concatenated profiles detected/);
  });

  it('rejects a known field with the wrong wire type, with its offset', () => {
    const bytes = encodeMessage([...strings(''), [12, enc('x')]]); // period as bytes
    expect(() => decodeProfile(bytes)).toThrow(expect.objectContaining({ code: ErrorCode.Corrupt, offset: 2 }));
  });

  it('skips unknown fields', () => {
    const p = decodeProfile(encodeMessage([[99, 7], [98, enc('ignored')], ...strings('')]));
    expect(p.sample.length).toBe(0);
  });

  it('rejects string indices outside the table', () => {
    const bytes = encodeMessage([[1, [[1, 3]]], ...strings('')]);
    expect(() => decodeProfile(bytes)).toThrow(/refers to string 3, but the string table has 1 entries/);
    expect(() => decodeProfile(encodeMessage([[12, 1]]))).toThrow(/the string table has 0 entries/);
  });

  it('rejects samples whose value count differs from the sample types, naming the sample offset', () => {
    const bytes = encodeMessage([...strings('', 'a'), [1, [[1, 1]]], [2, [[2, 1], [2, 2]]]]);
    expect(() => decodeProfile(bytes)).toThrow(expect.objectContaining({ code: ErrorCode.Corrupt, offset: 9 })); // 2 + 3 bytes of strings, 4 of sample type
  });

  it('rejects dangling location and function ids, accepts an unknown mapping id as unmapped', () => {
    const base: ProtoField[] = [...strings(''), [1, [[1, 0]]]];
    expect(() => decodeProfile(encodeMessage([...base, [2, [[1, 7], [2, 1]]]]))).toThrow(/sample 0 refers to location 7, which is not in the profile/);
    expect(() => decodeProfile(encodeMessage([...base, [4, [[1, 1], [4, [[1, 9]]]]]]))).toThrow(/location 1 has a line with no function/);
    const p = decodeProfile(encodeMessage([...base, [4, [[1, 1], [2, 5]]]]));
    expect(p.location[0]!.mapping).toBeUndefined();
  });

  it('rejects duplicate and zero ids', () => {
    const base: ProtoField[] = strings('');
    expect(() => decodeProfile(encodeMessage([...base, [5, [[1, 1]]], [5, [[1, 1]]]]))).toThrow(/multiple functions with id 1/);
    expect(() => decodeProfile(encodeMessage([...base, [3, [[2, 1]]]]))).toThrow(/reserved id 0/);
  });

  it('accepts repeated scalars packed and unpacked', () => {
    const packed = encodeMessage([...strings('', 't'), [1, [[1, 1]]], [2, [[2, enc('\x05')]]]]);
    const unpacked = encodeMessage([...strings('', 't'), [1, [[1, 1]]], [2, [[2, 5]]]]);
    expect(dumpProfile(decodeProfile(packed))).toBe(dumpProfile(decodeProfile(unpacked)));
  });

  it('keeps negative values and u64 ids exactly', () => {
    const bytes = encodeMessage([...strings('', 't'), [1, [[1, 1]]], [2, [[1, 2n ** 64n - 1n], [2, -3n]]], [4, [[1, 2n ** 64n - 1n], [3, 2n ** 63n + 5n]]]]);
    const p = decodeProfile(bytes);
    expect(p.sample.get(0).value[0]).toBe(-3n);
    expect(p.location[p.sample.get(0).stack[0]!]!.id).toBe(2n ** 64n - 1n);
    expect(p.location[0]!.address).toBe(2n ** 63n + 5n);
  });

  it('rejects empty input as not a profile and zlib as the wrong wrapper', async () => {
    expect(() => decodeProfile(new Uint8Array(0))).toThrow(expect.objectContaining({ code: ErrorCode.NotFormat }));
    await expect(parseProfile(new Uint8Array([0x78, 0x9c, 3, 0, 0, 0, 0, 1]))).rejects.toMatchObject({ code: ErrorCode.NotFormat });
    expect(dumpProfile(parseProfileBytes(gzipSync(encodeMessage(strings('')))))).toContain('"sample":[]');
  });
});
