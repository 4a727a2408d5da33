import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { blobRandomAccess, bytesRandomAccess, cachedRandomAccess, toRandomAccess, type RandomAccess } from '../../src/internal/random-access.js';
import { ErrorCode, GodiagError } from '../../src/internal/errors.js';

const reads = (max: number) => fc.array(fc.tuple(fc.nat({ max }), fc.nat({ max: 300 }), fc.boolean()), { maxLength: 30 });

describe('random access', () => {
  test.prop([fc.uint8Array({ maxLength: 3000 }), reads(3000), fc.integer({ min: 0, max: 3 })])(
    'bytes, Blob and page-cached sources return the same bytes, and the same errors past the end, with or without the once hint',
    async (data, rs, which) => {
      let innerReads = 0;
      const counting: RandomAccess = {
        size: data.length,
        read: (o, n) => {
          innerReads++;
          return bytesRandomAccess(data).read(o, n);
        },
      };
      const ra = [
        bytesRandomAccess(data),
        blobRandomAccess(new Blob([data.slice()])),
        cachedRandomAccess(counting, { pageBytes: 64, maxPages: 4 }),
        cachedRandomAccess(blobRandomAccess(new Blob([data.slice()])), { pageBytes: 128, maxPages: 2 }),
      ][which]!;
      expect(ra.size).toBe(data.length);
      for (const [offset, length, once] of rs) {
        const hint = once ? { once } : undefined;
        if (offset + length <= data.length) {
          expect(await ra.read(offset, length, hint)).toEqual(data.subarray(offset, offset + length));
        } else {
          await expect(ra.read(offset, length, hint)).rejects.toMatchObject({ code: ErrorCode.Truncated });
        }
      }
      void innerReads;
    },
  );

  it('the page cache turns repeated small reads into one read per page', async () => {
    const data = Uint8Array.from({ length: 4096 }, (_, i) => i & 0xff);
    let innerReads = 0;
    const inner: RandomAccess = {
      size: data.length,
      read: (o, n) => {
        innerReads++;
        return Promise.resolve(data.slice(o, o + n));
      },
    };
    const ra = cachedRandomAccess(inner, { pageBytes: 1024 });
    for (let i = 0; i < 100; i++) await ra.read(i * 8, 8);
    expect(innerReads).toBe(1);
  });

  it('reads a range hinted once as asked, without filling pages, unless its pages are already cached', async () => {
    const data = Uint8Array.from({ length: 4096 }, (_, i) => i & 0xff);
    const asked: [number, number][] = [];
    const inner: RandomAccess = {
      size: data.length,
      read: (o, n) => {
        asked.push([o, n]);
        return Promise.resolve(data.slice(o, o + n));
      },
    };
    const ra = cachedRandomAccess(inner, { pageBytes: 1024 });
    expect(await ra.read(100, 50, { once: true })).toEqual(data.subarray(100, 150));
    expect(await ra.read(100, 50, { once: true })).toEqual(data.subarray(100, 150));
    expect(asked).toEqual([
      [100, 50],
      [100, 50],
    ]);
    // An ordinary read fills the page; a once read inside it is then served from the cache.
    expect(await ra.read(0, 8)).toEqual(data.subarray(0, 8));
    expect(await ra.read(1000, 20, { once: true })).toEqual(data.subarray(1000, 1020));
    expect(asked.slice(2)).toEqual([[0, 1024]]);
    // Spanning a cached and an uncached page: read as asked.
    expect(await ra.read(1000, 100, { once: true })).toEqual(data.subarray(1000, 1100));
    expect(asked.slice(3)).toEqual([[1000, 100]]);
  });

  it('does not remember failed reads', async () => {
    let fail = true;
    const inner: RandomAccess = {
      size: 10,
      read: (o, n) => (fail ? Promise.reject(new Error('EIO')) : Promise.resolve(new Uint8Array(n).fill(o))),
    };
    const ra = cachedRandomAccess(inner);
    await expect(ra.read(0, 4)).rejects.toThrow('EIO');
    fail = false;
    expect(await ra.read(0, 4)).toEqual(new Uint8Array(4));
  });

  it('rejects negative or non-integer ranges as corrupt', async () => {
    await expect(bytesRandomAccess(new Uint8Array(4)).read(-1, 2)).rejects.toBeInstanceOf(GodiagError);
    await expect(bytesRandomAccess(new Uint8Array(4)).read(0.5, 2)).rejects.toMatchObject({ code: ErrorCode.Corrupt });
  });

  it('toRandomAccess accepts bytes, ArrayBuffer, Blob and RandomAccess', async () => {
    const data = new Uint8Array([1, 2, 3]);
    for (const src of [data, data.buffer, new Blob([data]), bytesRandomAccess(data)]) {
      expect([...(await toRandomAccess(src).read(1, 2))]).toEqual([2, 3]);
    }
    expect(() => toRandomAccess({} as RandomAccess)).toThrow(TypeError);
  });
});
