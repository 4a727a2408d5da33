import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { goQuote, goUnquote } from '../../src/trace/text/strconv.js';

describe('Go string quoting', () => {
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
