/**
 * The Go string quoting golden: `oracle quote testdata/quote/cases.json` prints strconv.Quote and
 * strconv.Unquote of the cases and the rune classes (strconv.IsPrint, unicode.IsSpace) as inclusive ranges;
 * this prints the same from src/trace/text.
 */

import { canonicalJson } from '../../src/internal/canonical-json.js';
import { goQuote, goUnquote } from '../../src/trace/text/strconv.js';
import { isPrint, isSpace } from '../../src/trace/text/unicode.js';
import type { ExtraGolden } from './fixtures.js';

const fromBase64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const toBase64 = (b: Uint8Array) => {
  let s = '';
  for (const c of b) s += String.fromCharCode(c);
  return btoa(s);
};

/** Maximal runs of runes 0..U+10FFFF in the class, as [first, last] pairs. */
export function runeRanges(inClass: (r: number) => boolean): [number, number][] {
  const out: [number, number][] = [];
  let start = -1;
  for (let r = 0; r <= 0x110000; r++) {
    const yes = r <= 0x10ffff && inClass(r);
    if (yes && start < 0) start = r;
    else if (!yes && start >= 0) {
      out.push([start, r - 1]);
      start = -1;
    }
  }
  return out;
}

export const quoteGolden: ExtraGolden = {
  input: 'testdata/quote/cases.json',
  golden: 'quote/cases.quote.json',
  oracleArgs: ['quote'],
  run: async (bytes) => {
    const cases = JSON.parse(new TextDecoder().decode(bytes)) as { quote: string[]; unquote: string[] };
    const quoted = cases.quote.map((b) => goQuote(fromBase64(b)));
    const unquoted = cases.unquote.map((b) => {
      const u = goUnquote(fromBase64(b));
      return u === undefined ? null : toBase64(u);
    });
    return canonicalJson({ quoted, unquoted, printRanges: runeRanges(isPrint), spaceRanges: runeRanges(isSpace) }) + '\n';
  },
};
