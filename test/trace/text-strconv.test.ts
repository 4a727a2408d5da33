import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { goQuote, goUnquote } from '../../src/trace/text/strconv.js';
import { GOLDENS, ROOT, readGolden } from '../support/fixtures.js';
import { quoteGolden } from '../support/quote-golden.js';

describe('Go string quoting', () => {
  it('prints what Go 1.26 strconv.Quote/Unquote print for the golden cases, and the same rune classes', async () => {
    const input = new Uint8Array(readFileSync(join(ROOT, quoteGolden.input)));
    expect(await quoteGolden.run(input)).toBe(readGolden(join(GOLDENS, quoteGolden.golden)));
  });

  test.prop([fc.uint8Array({ maxLength: 64 })])('Unquote(Quote(b)) gives back any bytes b', (b) => {
    expect(goUnquote(new TextEncoder().encode(goQuote(b)))).toEqual(b);
  });

  test.prop([fc.string({ unit: 'grapheme', maxLength: 32 })])('Unquote(Quote(s)) gives back any text s', (s) => {
    const b = new TextEncoder().encode(s);
    expect(goUnquote(new TextEncoder().encode(goQuote(b)))).toEqual(b);
  });

  test.prop([fc.uint8Array({ maxLength: 32 })])('Quote writes only printable text: no control characters', (b) => {
    // eslint-disable-next-line no-control-regex
    expect(goQuote(b)).not.toMatch(/[\u0000-\u001f\u007f]/);
  });

  test.prop([fc.uint8Array({ maxLength: 24 })])('Unquote of arbitrary bytes ends in bytes or undefined, never a throw', (b) => {
    const out = goUnquote(b);
    expect(out === undefined || out instanceof Uint8Array).toBe(true);
  });
});
