/**
 * Go string literals over bytes, exactly as Go's `strconv.Quote` writes them and `strconv.Unquote` reads them.
 * The text trace format stores string data as `data="..."`; Go strings are bytes, so both directions work on
 * `Uint8Array` and keep ill-formed UTF-8 intact.
 * @module
 */

import { isPrint } from './unicode.js';

/** Go's `utf8.RuneError`, U+FFFD. */
const RUNE_ERROR = 0xfffd;

/**
 * Decodes one rune at `at` as Go's `utf8.DecodeRune` does: returns `rune * 8 + width`, where an ill-formed
 * or truncated sequence is U+FFFD of width 1. Packing keeps the hot loops free of allocations.
 */
export function decodeRune(b: Uint8Array, at: number): number {
  const c0 = b[at]!;
  if (c0 < 0x80) return c0 * 8 + 1;
  const bad = RUNE_ERROR * 8 + 1;
  if (c0 < 0xc2 || c0 > 0xf4) return bad;
  const c1 = b[at + 1];
  if (c1 === undefined) return bad;
  // The accepted range of the second byte excludes overlong forms, surrogates and runes past U+10FFFF.
  const lo = c0 === 0xe0 ? 0xa0 : c0 === 0xf0 ? 0x90 : 0x80;
  const hi = c0 === 0xed ? 0x9f : c0 === 0xf4 ? 0x8f : 0xbf;
  if (c1 < lo || c1 > hi) return bad;
  if (c0 < 0xe0) return (((c0 & 0x1f) << 6) | (c1 & 0x3f)) * 8 + 2;
  const c2 = b[at + 2];
  if (c2 === undefined || c2 < 0x80 || c2 > 0xbf) return bad;
  if (c0 < 0xf0) return (((c0 & 0x0f) << 12) | ((c1 & 0x3f) << 6) | (c2 & 0x3f)) * 8 + 3;
  const c3 = b[at + 3];
  if (c3 === undefined || c3 < 0x80 || c3 > 0xbf) return bad;
  return (((c0 & 0x07) << 18) | ((c1 & 0x3f) << 12) | ((c2 & 0x3f) << 6) | (c3 & 0x3f)) * 8 + 4;
}

/** Appends the UTF-8 encoding of a valid rune. */
function pushRune(out: number[], r: number): void {
  if (r < 0x80) out.push(r);
  else if (r < 0x800) out.push(0xc0 | (r >> 6), 0x80 | (r & 0x3f));
  else if (r < 0x10000) out.push(0xe0 | (r >> 12), 0x80 | ((r >> 6) & 0x3f), 0x80 | (r & 0x3f));
  else out.push(0xf0 | (r >> 18), 0x80 | ((r >> 12) & 0x3f), 0x80 | ((r >> 6) & 0x3f), 0x80 | (r & 0x3f));
}

const HEX = '0123456789abcdef';

/** The two-character escapes Quote prefers over hex for these control characters. */
const SHORT_ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };

/**
 * `strconv.Quote` of the bytes `s`: a double-quoted Go literal. Printable runes (Go's `strconv.IsPrint`) stay as
 * they are, `"` and `\` are backslashed, other runes become `\a`…`\v`, `\xHH`, `\uHHHH` or `\UHHHHHHHH`, and each
 * byte that does not start valid UTF-8 becomes `\xHH`.
 */
export function goQuote(s: Uint8Array): string {
  let out = '"';
  let plainFrom = 0;
  let i = 0;
  // Runs of printable ASCII are copied in one slice; everything else is handled rune by rune.
  const flush = (to: number) => {
    if (to > plainFrom) out += String.fromCharCode(...s.subarray(plainFrom, to));
  };
  while (i < s.length) {
    const c = s[i]!;
    if (c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c) {
      i++;
      if (i - plainFrom >= 4096) {
        flush(i);
        plainFrom = i;
      }
      continue;
    }
    flush(i);
    const d = decodeRune(s, i);
    const r = Math.floor(d / 8);
    const width = d % 8;
    if (r === RUNE_ERROR && width === 1) out += '\\x' + HEX[c >> 4]! + HEX[c & 15]!;
    else if (r === 0x22 || r === 0x5c) out += '\\' + String.fromCharCode(r);
    else if (isPrint(r)) out += String.fromCodePoint(r);
    else out += escapeRune(r);
    i += width;
    plainFrom = i;
  }
  flush(i);
  return out + '"';
}

function escapeRune(r: number): string {
  const short = SHORT_ESCAPES[r];
  if (short !== undefined) return short;
  if (r < 0x20 || r === 0x7f) return '\\x' + HEX[r >> 4]! + HEX[r & 15]!;
  if (r < 0x10000) return '\\u' + r.toString(16).padStart(4, '0');
  return '\\U' + r.toString(16).padStart(8, '0');
}

function unhex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

function isValidUtf8(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; ) {
    if (b[i]! < 0x80) {
      i++;
      continue;
    }
    const d = decodeRune(b, i);
    const width = d % 8;
    // A sequence running past `to` would borrow the closing quote; the quote byte is ASCII, so it cannot.
    if (width === 1) return false;
    i += width;
  }
  return true;
}

/**
 * `strconv.Unquote` of the bytes `lit`: the bytes a double-quoted, single-quoted (one character) or back-quoted
 * Go literal stands for, or `undefined` when Go rejects it. In line with Go, a double-quoted literal without
 * escapes keeps its bytes as they are, while one with escapes turns each ill-formed UTF-8 byte into U+FFFD, and
 * a back-quoted literal drops carriage returns.
 */
export function goUnquote(lit: Uint8Array): Uint8Array | undefined {
  const n = lit.length;
  if (n < 2) return undefined;
  const q = lit[0]!;
  const close = lit.indexOf(q, 1);
  if (close < 0) return undefined;
  const end = close + 1;
  if (q === 0x60) {
    if (end !== n) return undefined;
    const body = lit.subarray(1, close);
    return body.includes(0x0d) ? body.filter((c) => c !== 0x0d) : body.slice();
  }
  if (q !== 0x22 && q !== 0x27) return undefined;
  // Without backslashes or newlines up to the first closing quote, the literal may be taken verbatim.
  const head = lit.subarray(0, end);
  if (!head.includes(0x5c) && !head.includes(0x0a)) {
    let verbatim = false;
    if (q === 0x22) verbatim = isValidUtf8(lit, 1, close);
    else if (close > 1) {
      const d = decodeRune(lit, 1);
      verbatim = 1 + (d % 8) + 1 === end && d !== RUNE_ERROR * 8 + 1;
    }
    if (verbatim) return end === n ? lit.slice(1, close) : undefined;
  }
  const out: number[] = [];
  let i = 1;
  while (i < n && lit[i] !== q) {
    if (lit[i] === 0x0a) return undefined;
    const next = unquoteChar(lit, i, q, out);
    if (next < 0) return undefined;
    i = next;
    if (q === 0x27) break;
  }
  if (i >= n || lit[i] !== q || i + 1 !== n) return undefined;
  return Uint8Array.from(out);
}

/**
 * Decodes one character or escape of a quoted literal at `at` (Go's `strconv.UnquoteChar`), appends its bytes to
 * `out`, and returns the index after it, or -1 for a syntax error.
 */
function unquoteChar(s: Uint8Array, at: number, q: number, out: number[]): number {
  const c = s[at]!;
  if (c === q) return -1;
  if (c >= 0x80) {
    const d = decodeRune(s, at);
    pushRune(out, Math.floor(d / 8));
    return at + (d % 8);
  }
  if (c !== 0x5c) {
    out.push(c);
    return at + 1;
  }
  const e = s[at + 1];
  if (e === undefined) return -1;
  let i = at + 2;
  switch (e) {
    case 0x61: out.push(7); return i; // \a
    case 0x62: out.push(8); return i; // \b
    case 0x66: out.push(12); return i; // \f
    case 0x6e: out.push(10); return i; // \n
    case 0x72: out.push(13); return i; // \r
    case 0x74: out.push(9); return i; // \t
    case 0x76: out.push(11); return i; // \v
    case 0x5c: out.push(0x5c); return i;
    case 0x22:
    case 0x27:
      if (e !== q) return -1;
      out.push(e);
      return i;
    case 0x78: // \xHH: one byte, not necessarily UTF-8
    case 0x75: // \uHHHH
    case 0x55: { // \UHHHHHHHH
      const digits = e === 0x78 ? 2 : e === 0x75 ? 4 : 8;
      if (i + digits > s.length) return -1;
      let v = 0;
      for (let j = 0; j < digits; j++) {
        const h = unhex(s[i + j]!);
        if (h < 0) return -1;
        v = v * 16 + h;
      }
      i += digits;
      if (e === 0x78) {
        out.push(v);
        return i;
      }
      if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return -1;
      pushRune(out, v);
      return i;
    }
    default: {
      if (e < 0x30 || e > 0x37) return -1;
      // \ooo: exactly three octal digits, at most 255.
      if (i + 2 > s.length) return -1;
      let v = e - 0x30;
      for (let j = 0; j < 2; j++) {
        const x = s[i + j]! - 0x30;
        if (x < 0 || x > 7) return -1;
        v = v * 8 + x;
      }
      if (v > 255) return -1;
      out.push(v);
      return i + 2;
    }
  }
}
