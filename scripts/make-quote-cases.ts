/**
 * Writes testdata/quote/cases.json: the inputs (not the expectations) of the Go string quoting golden.
 * The expectation is what the Go oracle prints for them (`oracle quote`): strconv.Quote of each "quote"
 * entry, strconv.Unquote of each "unquote" entry, and the rune classes. Deterministic.
 */

import { mkdirSync, writeFileSync } from 'node:fs';

const enc = new TextEncoder();
const b64 = (b: Uint8Array | number[]) => btoa(String.fromCharCode(...b));
const utf8 = (s: string) => enc.encode(s);
const cp = (r: number) => utf8(String.fromCodePoint(r));

// xorshift32 for a fixed pseudo-random sample.
let seed = 0x2545f491;
const rand = (n: number) => {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed % n;
};

const quote: Uint8Array[] = [];
// Every single byte, every ASCII pair with the escapes, and runes around the classes Quote treats specially.
for (let b = 0; b < 256; b++) quote.push(Uint8Array.of(b));
quote.push(utf8(''), utf8('hello, world'), utf8('"quoted" and \\back\\slashed\''), utf8('tab\there\nnewline\r\v\f\b\x07\x00\x7f'));
for (const r of [0x80, 0x9f, 0xa0, 0xad, 0xff, 0x100, 0x34f, 0x37f, 0x600, 0x61c, 0x180e, 0x200b, 0x200d, 0x2028, 0x2029, 0x2060,
  0x3000, 0xd7ff, 0xe000, 0xf8ff, 0xfeff, 0xfff9, 0xfffd, 0xfffe, 0xffff, 0x10000, 0x1f600, 0x1f9ff, 0x1fbf9, 0x2ebf0, 0x2ee5d,
  0x31350, 0xe0001, 0xe0100, 0xf0000, 0x10fffd, 0x10ffff]) {
  quote.push(cp(r));
}
quote.push(utf8('Grüße, 世界, привет, ☃, 👍🏽, e\u0301, \u{1F1FA}\u{1F1F8}'));
// Ill-formed UTF-8: lone continuation bytes, truncated sequences, overlong forms, surrogates, beyond U+10FFFF.
for (const bad of [[0x80], [0xbf], [0xc0, 0x80], [0xc1, 0xbf], [0xc2], [0xe0, 0x80, 0x80], [0xe0, 0xa0], [0xed, 0xa0, 0x80],
  [0xed, 0xbf, 0xbf], [0xef, 0xbf], [0xf0, 0x80, 0x80, 0x80], [0xf0, 0x90, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80], [0xfe], [0xff], [0x61, 0xff, 0x62, 0xc3], [0xe2, 0x82, 0xac, 0xe2, 0x82]]) {
  quote.push(Uint8Array.from(bad));
}
for (let i = 0; i < 300; i++) {
  const n = 1 + rand(12);
  const b: number[] = [];
  for (let j = 0; j < n; j++) b.push(rand(4) === 0 ? 0x80 + rand(128) : rand(3) === 0 ? rand(32) : 0x20 + rand(96));
  quote.push(Uint8Array.from(b));
}

const unquote: Uint8Array[] = [];
for (const s of [
  '""', '"a"', '"\\""', "'a'", "''", "'ab'", "'\\''", "'\"'", '"\'"', '"\\\'"', "'\\\"'", '`raw`', '`a\rb\r`', '`with "quotes"`', '``', '`',
  '"', "'", 'a', '', '"abc', 'abc"', '"a"b"', '"a" ', ' "a"', '"a\nb"', '"a\\\nb"', '`a\nb`',
  '"\\a\\b\\f\\n\\r\\t\\v\\\\"', '"\\x41\\xff\\x00"', '"\\x4"', '"\\xg0"', '"\\u00e9"', '"\\u00E9"', '"\\ud800"', '"\\udfff"',
  '"\\U0001F600"', '"\\U00110000"', '"\\U0010ffff"', '"\\u12"', '"\\101\\377\\000"', '"\\400"', '"\\18"', '"\\1"', '"\\q"', '"\\"',
  '"\\', "'\\xff'", "'\\u00e9'", "'é'", "'世'", "'\\377'", "'\\400'", '"\\0"', '"\\08"',
]) {
  unquote.push(utf8(s));
}
// Raw bytes inside quotes: valid UTF-8 without escapes, ill-formed without and with escapes, inside single quotes.
for (const body of [[0xc3, 0xa9], [0xff], [0x61, 0xff], [0xed, 0xa0, 0x80], [0xe2, 0x82]]) {
  unquote.push(Uint8Array.from([0x22, ...body, 0x22]));
  unquote.push(Uint8Array.from([0x22, ...body, 0x5c, 0x6e, 0x22]));
  unquote.push(Uint8Array.from([0x27, ...body, 0x27]));
  unquote.push(Uint8Array.from([0x60, ...body, 0x60]));
}
// Random mutations of quoted literals: each is valid or not; the oracle says which and what it means.
const alphabet = ['\\', '"', "'", '`', 'x', 'u', 'U', '0', '7', 'f', 'n', 'a', ' ', '\n', '\r', '\xff', 'é'];
for (let i = 0; i < 300; i++) {
  let s = ['"', "'", '`'][rand(3)]!;
  const n = rand(8);
  for (let j = 0; j < n; j++) s += alphabet[rand(alphabet.length)]!;
  if (rand(5) !== 0) s += s[0]!;
  const bytes: number[] = [];
  for (const ch of s) bytes.push(...(ch === '\xff' ? [0xff] : utf8(ch)));
  unquote.push(Uint8Array.from(bytes));
}

mkdirSync('testdata/quote', { recursive: true });
writeFileSync(
  'testdata/quote/cases.json',
  JSON.stringify({ quote: quote.map(b64), unquote: unquote.map(b64) }, null, 1) + '\n',
);
