/**
 * Writes testdata/canon/cases.json: the inputs (not the expectations) of the canonical-JSON golden.
 * The expectation is what the Go oracle prints for them (`oracle canon`). Deterministic.
 */

import { writeFileSync } from 'node:fs';

const floats: number[] = [0, -0, 1, -1, 0.5, 0.1, 1 / 3, 2 / 3, 100, 123456, 1234567, 1e6, 1e20, 1e21, 1e22, 1e-4, 1e-5, 1e-7,
  123.456e-10, Number.MAX_VALUE, Number.MIN_VALUE, 2.2250738585072014e-308, Number.MAX_SAFE_INTEGER, 2 ** 53, 2 ** 64,
  NaN, Infinity, -Infinity, 5e-324, 1.7976931348623157e308, 299792458, 6.02214076e23, 0.000123, 0.0001234, 99999.9, 999999.9];
for (let e = -30; e <= 30; e++) floats.push(10 ** e, 1.5 * 10 ** e, -7.25 * 10 ** e);
// A fixed pseudo-random sample of bit patterns (xorshift64*), covering every exponent range.
let s = 0x9e3779b97f4a7c15n;
const bitsOut: string[] = [];
const view = new DataView(new ArrayBuffer(8));
const hex = (x: number) => {
  view.setFloat64(0, x);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
};
for (const f of floats) bitsOut.push(hex(f));
for (let i = 0; i < 400; i++) {
  s ^= s >> 12n;
  s ^= (s << 25n) & 0xffff_ffff_ffff_ffffn;
  s ^= s >> 27n;
  const r = (s * 0x2545f4914f6cdd1dn) & 0xffff_ffff_ffff_ffffn;
  bitsOut.push(r.toString(16).padStart(16, '0'));
}

const strings: number[][] = [
  [],
  [...'hello, world'].map((c) => c.charCodeAt(0)),
  Array.from({ length: 32 }, (_, i) => i),
  [0x22, 0x5c, 0x2f, 0x3c, 0x3e, 0x26, 0x7f],
  [0xe2, 0x80, 0xa8, 0xe2, 0x80, 0xa9], // U+2028, U+2029
  [0xf0, 0x9f, 0x98, 0x80, 0xe6, 0x97, 0xa5, 0xc3, 0xa9], // 😀 日 é
  [0xe2, 0x82, 0x41], // truncated 3-byte sequence
  [0x80, 0xbf, 0x41], // lone continuation bytes
  [0xc0, 0x80], // overlong NUL
  [0xed, 0xa0, 0x80], // encoded surrogate
  [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
  [0xf0, 0x9f, 0x98], // truncated 4-byte sequence at the end
  [0xff, 0xfe, 0x41, 0xc3],
  [0xef, 0xbf, 0xbd, 0xef, 0xbb, 0xbf], // U+FFFD, BOM
];
const b64 = (b: number[]) => btoa(String.fromCharCode(...b));
writeFileSync(new URL('../testdata/canon/cases.json', import.meta.url), JSON.stringify({ floats: bitsOut, strings: strings.map(b64) }, null, 1) + '\n');
