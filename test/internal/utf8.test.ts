// Go's replacement rule for ill-formed bytes is proven against Go by the `canon` golden; these are properties.
import { expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { decodeUtf8, encodeUtf8 } from '../../src/internal/utf8.js';

test.prop([fc.string({ unit: 'grapheme', maxLength: 200 })])('valid UTF-8 round-trips', (s) => {
  expect(decodeUtf8(encodeUtf8(s))).toBe(s);
});

test.prop([fc.uint8Array({ maxLength: 300 })])('any bytes decode to well-formed text', (b) => {
  const s = decodeUtf8(b);
  expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s)).toBe(false); // no lone surrogates
  // Valid input decodes as TextDecoder does.
  let valid = true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    valid = false;
  }
  if (valid) expect(s).toBe(new TextDecoder('utf-8', { ignoreBOM: true }).decode(b));
});
