import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSource, openFile } from '../../src/node/index.js';
import { readAll } from '../../src/internal/input.js';
import { ErrorCode } from '../../src/internal/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'godiag-node-'));

describe('godiag/node', () => {
  test.prop([fc.uint8Array({ maxLength: 5000 }), fc.integer({ min: 1, max: 700 })], { numRuns: 20 })(
    'fileSource streams a file in chunks and knows its size',
    async (data, chunkBytes) => {
      const path = join(dir, 'stream.bin');
      writeFileSync(path, data);
      const src = await fileSource(path, { chunkBytes });
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
