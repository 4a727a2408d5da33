import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GOLDENS, ROOT, readGolden } from '../support/fixtures.js';
import { quoteGolden } from '../support/quote-golden.js';

describe('Go string quoting', () => {
  it('prints what Go 1.26 strconv.Quote/Unquote print for the golden cases, and the same rune classes', async () => {
    const input = new Uint8Array(readFileSync(join(ROOT, quoteGolden.input)));
    expect(await quoteGolden.run(input)).toBe(readGolden(join(GOLDENS, quoteGolden.golden)));
  });
});
