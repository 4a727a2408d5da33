import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSource, nativeGzip, openFile } from '../../src/node/index.js';
import { encodeProfile, encodeUncompressed } from '../../src/pprof/encode.js';
import { parseProfile } from '../../src/pprof/parse.js';
import { dumpProfile } from '../../src/pprof/dump.js';
import { arbitraryProfile } from '../support/profiles.js';
import { readAll } from '../../src/internal/input.js';
import { ErrorCode } from '../../src/internal/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'godiag-node-'));

describe('godiag/node', () => {
  test.prop([fc.uint8Array({ maxLength: 5000 }), fc.integer({ min: 1, max: 700 }), fc.integer({ min: 0, max: 6 })], { numRuns: 30 })(
    'fileSource streams a file in chunks, reading ahead or not, and knows its size',
    async (data, chunkBytes, readAhead) => {
      const path = join(dir, 'stream.bin');
      writeFileSync(path, data);
      const src = await fileSource(path, { chunkBytes, readAhead });
      expect(src.size).toBe(data.length);
      let chunks = 0;
      for await (const c of src) {
        expect(c.length).toBeLessThanOrEqual(chunkBytes);
        chunks++;
      }
      expect(chunks).toBe(Math.ceil(data.length / chunkBytes));
      expect(await readAll(src)).toEqual(data);
    },
  );

  // Counting open descriptors needs Linux's /proc; elsewhere the test is skipped for that reason.
  it.skipIf(!existsSync('/proc/self/fd'))('fileSource closes the file when the consumer stops early, with reads still in flight (counted in /proc/self/fd)', async () => {
    const path = join(dir, 'early.bin');
    writeFileSync(path, new Uint8Array(1 << 20).fill(7));
    // FileHandles are not among Node's active resources, so count descriptors.
    const handles = () => readdirSync('/proc/self/fd').length;
    const before = handles();
    for await (const c of await fileSource(path, { chunkBytes: 4096, readAhead: 8 })) {
      expect(c[0]).toBe(7);
      expect(handles()).toBe(before + 1); // the file is open while the loop runs
      break;
    }
    expect(handles()).toBe(before);
    await expect(fileSource(path, { chunkBytes: 0 })).rejects.toThrow(RangeError);
    await expect(fileSource(path, { readAhead: -1 })).rejects.toThrow(RangeError);
  });

  test.prop([fc.uint8Array({ maxLength: 300_000 }), fc.array(fc.tuple(fc.nat({ max: 300_000 }), fc.nat({ max: 70_000 })), { maxLength: 10 })], { numRuns: 10 })(
    'openFile reads ranges exactly, with or without the page cache',
    async (data, reads) => {
      const path = join(dir, 'random.bin');
      writeFileSync(path, data);
      for (const cache of [true, false]) {
        const f = await openFile(path, { cache });
        try {
          expect(f.size).toBe(data.length);
          for (const [offset, length] of reads) {
            if (offset + length <= data.length) expect(await f.read(offset, length)).toEqual(data.subarray(offset, offset + length));
            else await expect(f.read(offset, length)).rejects.toMatchObject({ code: ErrorCode.Truncated });
          }
        } finally {
          await f.close();
        }
      }
    },
  );
});

describe('nativeGzip', () => {
  test.prop([arbitraryProfile, fc.integer({ min: 1, max: 9 })], { numRuns: 30 })('compresses profiles that parse back equal', async (p, level) => {
    const gz = encodeProfile(p, { compress: nativeGzip({ level }) });
    expect([gz[0], gz[1]]).toEqual([0x1f, 0x8b]);
    expect(dumpProfile(await parseProfile(gz))).toBe(dumpProfile(await parseProfile(encodeUncompressed(p))));
  });

  it('rejects levels outside 1..9', () => {
    expect(() => nativeGzip({ level: 0 })).toThrow(RangeError);
    expect(() => nativeGzip({ level: 10 })).toThrow(RangeError);
  });
});
