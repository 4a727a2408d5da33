import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { gzipSync, zlibSync } from 'fflate';
import { decompress, decompressFast, decompressPrefix, decompressSync, detectCompression, maybeDecompress } from '../../src/internal/compression.js';
import { chunks, concat } from '../../src/internal/input.js';
import { ErrorCode, GodiagError } from '../../src/internal/errors.js';
import { cut, cutPoints, makeSource, SOURCE_KINDS } from '../support/split.js';

async function collect(it: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of it) parts.push(c);
  return concat(parts);
}

// Compressible payloads: runs and repeats, as well as noise.
const payload = fc.oneof(
  fc.uint8Array({ maxLength: 4000 }),
  fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 300 })), { maxLength: 40 }).map((runs) =>
    Uint8Array.from(runs.flatMap(([b, n]) => Array<number>(n).fill(b))),
  ),
);

describe('gzip and zlib', () => {
  test.prop([payload, cutPoints(5000), fc.constantFrom(...SOURCE_KINDS), fc.constantFrom('gzip' as const, 'zlib' as const)])(
    'streamed decompression equals the payload for any chunking and input kind',
    async (data, points, kind, compression) => {
      const packed = compression === 'gzip' ? gzipSync(data) : zlibSync(data);
      expect(detectCompression(packed)).toBe(compression);
      const found = await maybeDecompress(chunks(makeSource(kind, cut(packed, points))));
      expect(found.compression).toBe(compression);
      expect(await collect(found.chunks)).toEqual(data);
      expect(decompressSync(packed, compression)).toEqual(data);
    },
  );

  test.prop([payload, cutPoints(5000)])('uncompressed input passes through unchanged', async (data, points) => {
    fc.pre(detectCompression(data) === 'none');
    const found = await maybeDecompress(chunks(cut(data, points)));
    expect(found.compression).toBe('none');
    expect(await collect(found.chunks)).toEqual(data);
  });

  test.prop([payload.filter((d) => d.length > 0), fc.nat(), fc.constantFrom('gzip' as const, 'zlib' as const)])(
    'truncation anywhere gives a godiag error, never another crash',
    async (data, at, compression) => {
      const packed = compression === 'gzip' ? gzipSync(data) : zlibSync(data);
      const short = packed.subarray(0, at % packed.length);
      const err = await collect(decompress(chunks(short), compression)).then(() => undefined, (e: unknown) => e);
      // A cut inside gzip's 8-byte trailer can leave the deflate stream complete: the checksum catches it.
      expect(err).toBeInstanceOf(GodiagError);
      expect([ErrorCode.Truncated, ErrorCode.Corrupt]).toContain((err as GodiagError).code);
      expect(() => decompressSync(short, compression)).toThrow(GodiagError);
    },
  );

  test.prop([payload.filter((d) => d.length > 0), fc.nat(), fc.integer({ min: 1, max: 255 })])(
    'a flipped byte gives a godiag error or (for deflate-neutral bytes) a checksum error, never wrong data',
    async (data, at, flip) => {
      const packed = gzipSync(data).slice();
      const i = 10 + (at % (packed.length - 10)); // past the header, whose fields are advisory
      packed[i]! ^= flip;
      const result = await collect(decompress(chunks(packed), 'gzip')).then(
        (out) => ({ out }),
        (e: unknown) => ({ e }),
      );
      if ('e' in result) expect(result.e).toBeInstanceOf(GodiagError);
      else expect(result.out).toEqual(data); // a flip in an unused bit, which inflate ignores, and CRC agrees
    },
  );

  test.prop([payload, fc.constantFrom('gzip' as const, 'zlib' as const)])('decompressFast (native where available) equals decompressSync', async (data, compression) => {
    const packed = compression === 'gzip' ? gzipSync(data) : zlibSync(data);
    expect(await decompressFast(packed, compression)).toEqual(data);
  });

  test.prop([payload.filter((d) => d.length > 0), fc.nat(), fc.integer({ min: 1, max: 255 })])(
    'decompressFast reports bad input as fflate does, with its offset',
    async (data, at, flip) => {
      const packed = gzipSync(data).slice();
      packed[10 + (at % (packed.length - 10))]! ^= flip;
      const fast = await decompressFast(packed, 'gzip').then((out) => ({ out }), (e: unknown) => ({ e }));
      let slow: { out: Uint8Array } | { e: unknown };
      try {
        slow = { out: decompressSync(packed, 'gzip') };
      } catch (e) {
        slow = { e };
      }
      if ('e' in slow) {
        expect('e' in fast && fast.e).toBeInstanceOf(GodiagError);
        expect((fast as { e: GodiagError }).e.offset).toBe((slow.e as GodiagError).offset);
      } else expect(fast).toEqual(slow);
    },
  );

  it('decompressFast enforces the size limit', async () => {
    await expect(decompressFast(gzipSync(new Uint8Array(1 << 20)), 'gzip', { maxBytes: 1000 })).rejects.toMatchObject({ code: ErrorCode.LimitExceeded });
  });

  it('stops at the size limit instead of inflating a bomb', async () => {
    const bomb = gzipSync(new Uint8Array(1 << 20));
    await expect(collect(decompress(chunks(bomb), 'gzip', { maxBytes: 1000 }))).rejects.toMatchObject({ code: ErrorCode.LimitExceeded });
    expect(() => decompressSync(bomb, 'gzip', { maxBytes: 1000 })).toThrow(/exceeds the limit of 1000 bytes/);
  });

  it('reports a bad checksum with the trailer offset', async () => {
    const packed = gzipSync(new TextEncoder().encode('hello, world')).slice();
    packed[packed.length - 8]! ^= 1;
    await expect(collect(decompress(chunks(packed), 'gzip'))).rejects.toMatchObject({
      code: ErrorCode.Corrupt,
      format: 'gzip',
      offset: packed.length - 8,
    });
  });

  it('reads multi-member gzip (concatenated files) whole', async () => {
    const enc = new TextEncoder();
    const both = concat([gzipSync(enc.encode('abc')), gzipSync(enc.encode('defg'))]);
    expect(new TextDecoder().decode(decompressSync(both, 'gzip'))).toBe('abcdefg');
    expect(new TextDecoder().decode(await collect(decompress(chunks(cut(both, [5, 30])), 'gzip')))).toBe('abcdefg');
  });

  it('decompresses just a prefix', () => {
    const data = Uint8Array.from({ length: 100_000 }, (_, i) => i % 251);
    const prefix = decompressPrefix(gzipSync(data).subarray(0, 2000), 'gzip', 500);
    expect(prefix).toEqual(data.subarray(0, prefix.length));
    expect(prefix.length).toBeLessThanOrEqual(500);
  });

  it('does not take arbitrary text for zlib', () => {
    for (const s of ['go 1.22 trace', '\x7fELF', 'heap profile: ', '{"a":1}', 'x', '']) {
      expect(detectCompression(new TextEncoder().encode(s))).toBe('none');
    }
  });
});
