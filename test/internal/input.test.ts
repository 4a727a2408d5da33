import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { chunks, concat, isSyncSource, readAll, sourceSize, syncChunks } from '../../src/internal/input.js';
import { StreamReader } from '../../src/internal/stream-reader.js';
import { ByteWriter } from '../../src/internal/writer.js';
import { ErrorCode, GodiagError } from '../../src/internal/errors.js';
import { cut, cutPoints, makeSource, SOURCE_KINDS } from '../support/split.js';

async function collect(it: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of it) parts.push(c);
  return concat(parts);
}

describe('chunks()', () => {
  test.prop([fc.uint8Array({ maxLength: 3000 }), cutPoints(3000), fc.constantFrom(...SOURCE_KINDS)])(
    'yields the same bytes for every input kind and every chunking',
    async (bytes, points, kind) => {
      const got = await collect(chunks(makeSource(kind, cut(bytes, points)), { blobChunkBytes: 97 }));
      expect(got).toEqual(bytes);
    },
  );

  test.prop([fc.uint8Array({ maxLength: 2000 }), cutPoints(2000), fc.constantFrom(...SOURCE_KINDS)])(
    'never yields empty chunks and reports monotonic progress',
    async (bytes, points, kind) => {
      const seen: number[] = [];
      let sizes: (number | undefined)[] = [];
      for await (const c of chunks(makeSource(kind, cut(bytes, points)), {
        onProgress: (n, total) => {
          seen.push(n);
          sizes.push(total);
        },
      })) {
        expect(c.length).toBeGreaterThan(0);
      }
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      expect(seen.at(-1) ?? 0).toBe(bytes.length);
      sizes = [...new Set(sizes)];
      if (['bytes', 'arraybuffer', 'blob'].includes(kind) && bytes.length > 0) expect(sizes).toEqual([bytes.length]);
    },
  );

  it('reports the size of sources that know it', () => {
    expect(sourceSize(new Uint8Array(5))).toBe(5);
    expect(sourceSize(new ArrayBuffer(7))).toBe(7);
    expect(sourceSize(new Blob([new Uint8Array(9)]))).toBe(9);
    expect(sourceSize(new Response('abc', { headers: { 'content-length': '3' } }))).toBe(3);
    expect(sourceSize(new Response('abc', { headers: { 'content-length': '3', 'content-encoding': 'gzip' } }))).toBeUndefined();
    expect(sourceSize(Object.assign([new Uint8Array(2)], { size: 2 }))).toBe(2);
    expect(sourceSize([new Uint8Array(2)])).toBeUndefined();
  });

  it('rejects chunks that are not Uint8Array with a TypeError naming the type', async () => {
    await expect(collect(chunks(['text' as unknown as Uint8Array]))).rejects.toThrow(/must be Uint8Array, got string/);
  });

  it('cancels a web stream when the consumer stops early', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull: (c) => c.enqueue(new Uint8Array(10)),
      cancel: () => {
        cancelled = true;
      },
    });
    for await (const _ of chunks(stream)) break;
    expect(cancelled).toBe(true);
  });

  it('stops when the signal aborts', async () => {
    const ac = new AbortController();
    const it = chunks([new Uint8Array(1), new Uint8Array(1)], { signal: ac.signal });
    await it.next();
    ac.abort(new Error('stop'));
    await expect(it.next()).rejects.toThrow('stop');
  });

  it('reads in-memory sources synchronously', () => {
    expect(isSyncSource(new Uint8Array(1))).toBe(true);
    expect(isSyncSource([new Uint8Array(1)])).toBe(true);
    expect(isSyncSource(new Blob([]))).toBe(false);
    expect([...syncChunks([new Uint8Array([1]), new Uint8Array([2])])].map((c) => c[0])).toEqual([1, 2]);
  });
});

describe('readAll()', () => {
  it('returns a single-chunk source without copying', async () => {
    const b = new Uint8Array([1, 2, 3]);
    expect(await readAll(b)).toBe(b);
  });

  it('enforces maxBytes with a limit-exceeded error', async () => {
    await expect(readAll(new Uint8Array(10), { maxBytes: 5 })).rejects.toMatchObject({ code: ErrorCode.LimitExceeded });
    await expect(readAll([new Uint8Array(4), new Uint8Array(4)], { maxBytes: 5 })).rejects.toBeInstanceOf(GodiagError);
  });
});

describe('StreamReader', () => {
  // A record stream: varint length, then that many bytes; plus a u64 varint each.
  const records = fc.array(fc.tuple(fc.uint8Array({ maxLength: 40 }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })), { maxLength: 30 });

  test.prop([records, cutPoints(2000), fc.constantFrom(...SOURCE_KINDS)])(
    'reads the same records whatever the chunking',
    async (recs, points, kind) => {
      const w = new ByteWriter();
      for (const [b, v] of recs) w.uvarint(b.length).bytes(b).uvarint(v);
      const bytes = w.finish();
      const r = new StreamReader(chunks(makeSource(kind, cut(bytes, points))), 'trace');
      for (const [b, v] of recs) {
        const n = await r.uvarintNumber();
        expect(await r.read(n)).toEqual(b);
        expect(await r.uvarint()).toBe(v);
      }
      expect(await r.atEnd()).toBe(true);
      expect(r.offset).toBe(bytes.length);
    },
  );

  test.prop([fc.uint8Array({ minLength: 1, maxLength: 200 }), cutPoints(200), fc.nat({ max: 199 })])(
    'truncation gives a truncated error at the end of the data',
    async (bytes, points, cutAt) => {
      const short = bytes.subarray(0, cutAt % bytes.length);
      const r = new StreamReader(chunks(makeSource('async-iterable', cut(short, points))), 'pprof');
      const err = await r.read(bytes.length, 'a record').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GodiagError);
      expect(err).toMatchObject({ code: ErrorCode.Truncated, offset: short.length, format: 'pprof' });
    },
  );

  it('checks lengths from the input against limits before reading', async () => {
    const r = new StreamReader(chunks(new Uint8Array(4)), 'trace');
    await expect(r.readBlock(1e10, 'batch')).rejects.toMatchObject({ code: ErrorCode.LimitExceeded, offset: 0 });
  });

  it('peek does not consume and rest() yields everything unread', async () => {
    const r = new StreamReader(chunks([new Uint8Array([1, 2]), new Uint8Array([3, 4, 5])]), 'input');
    expect([...(await r.peek(3))]).toEqual([1, 2, 3]);
    expect([...(await r.read(1))]).toEqual([1]);
    expect([...(await collect(r.rest()))]).toEqual([2, 3, 4, 5]);
    await r.expectEnd('the test data');
  });

  it('expectEnd rejects trailing data', async () => {
    const r = new StreamReader(chunks(new Uint8Array([1])), 'pprof');
    await expect(r.expectEnd('the profile')).rejects.toMatchObject({ code: ErrorCode.Corrupt, offset: 0 });
  });
});

describe('StreamReader window', () => {
  test.prop([fc.uint8Array({ maxLength: 3000 }), cutPoints(3000), fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 40 })])(
    'reading in place through fill, window and consumeTo gives the bytes and offsets of the whole',
    async (bytes, points, steps) => {
      const r = new StreamReader(chunks(cut(bytes, points)), 'input');
      const seen: number[] = [];
      for (let i = 0; ; i++) {
        const want = steps[i % steps.length]!;
        const full = await r.fill(want);
        const take = Math.min(want, r.buffered);
        if (take === 0) break;
        expect(full || r.buffered < want).toBe(true);
        expect(r.windowOffset + r.windowPos).toBe(r.offset);
        expect(r.offset).toBe(seen.length);
        seen.push(...r.window.subarray(r.windowPos, r.windowPos + take));
        r.consumeTo(r.windowPos + take);
      }
      expect(seen).toEqual([...bytes]);
      expect(() => r.consumeTo(r.window.length + 1)).toThrow(RangeError);
    },
  );
});
