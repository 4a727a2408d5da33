/**
 * Go library semantics the legacy parsers depend on, reproduced exactly: `strconv.ParseInt`/`ParseUint`
 * (base prefixes, octal, underscores, range errors), `strings.TrimSpace`, the float-to-int64 conversion of
 * amd64, and the `\s`/`\S` classes of Go's regexp package (ASCII only, unlike JavaScript's).
 * google/pprof's legacy readers are defined by these functions, so approximating any of them would change
 * which inputs are accepted and what values come out.
 * @module
 */

const U64_MAX = 0xffff_ffff_ffff_ffffn;
const I64_MIN = -0x8000_0000_0000_0000n;

/** Go's `strconv.ParseUint(s, base, 64)`; undefined where Go returns an error. Base 0 reads prefixes. */
export function parseUint(s: string, base: 0 | 10 | 16): bigint | undefined {
  if (s === '') return undefined;
  const base0 = base === 0;
  let digits = s;
  let b: number = base;
  if (base0) {
    b = 10;
    if (s[0] === '0') {
      const p = s.length >= 3 ? s[1]!.toLowerCase() : '';
      if (p === 'b' || p === 'o' || p === 'x') {
        b = p === 'b' ? 2 : p === 'o' ? 8 : 16;
        digits = s.slice(2);
      } else {
        // A leading 0 without a letter means octal in Go's base-0 syntax ("010" is 8, "09" an error).
        b = 8;
        digits = s.slice(1);
      }
    }
  }
  const bb = BigInt(b);
  let underscores = false;
  let n = 0n;
  for (let i = 0; i < digits.length; i++) {
    const c = digits.charCodeAt(i);
    let d: number;
    if (c === 0x5f && base0) {
      underscores = true;
      continue;
    } else if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) d = (c | 0x20) - 0x61 + 10;
    else return undefined;
    if (d >= b) return undefined;
    n = n * bb + BigInt(d);
    if (n > U64_MAX) return undefined;
  }
  if (underscores && !underscoreOK(s)) return undefined;
  return n;
}

/** Go's `strconv.ParseInt(s, base, 64)`; undefined where Go returns an error (syntax or range). */
export function parseInt64(s: string, base: 0 | 10): bigint | undefined {
  if (s === '') return undefined;
  let neg = false;
  let rest = s;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    rest = s.slice(1);
  }
  const un = parseUint(rest, base);
  if (un === undefined) return undefined;
  if (!neg && un >= 1n << 63n) return undefined;
  if (neg && un > 1n << 63n) return undefined;
  return neg ? -un : un;
}

function underscoreOK(str: string): boolean {
  let s = str;
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0') {
    const p = s[1]!.toLowerCase();
    if (p === 'b' || p === 'o' || p === 'x') {
      i = 2;
      saw = '0';
      hex = p === 'x';
    }
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= '0' && c <= '9') || (hex && c.toLowerCase() >= 'a' && c.toLowerCase() <= 'f')) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** Go's `unicode.IsSpace` (which, unlike JavaScript's `trim`, includes U+0085 and excludes U+FEFF). */
export function isGoSpace(c: number): boolean {
  switch (c) {
    case 0x09: case 0x0a: case 0x0b: case 0x0c: case 0x0d: case 0x20: case 0x85: case 0xa0:
    case 0x1680: case 0x2028: case 0x2029: case 0x202f: case 0x205f: case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200a;
  }
}

/** Go's `strings.TrimSpace`. */
export function trimSpace(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isGoSpace(s.charCodeAt(a))) a++;
  while (b > a && isGoSpace(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/**
 * Go's `int64(f)` as amd64 computes it: truncation toward zero, and the "integer indefinite" value
 * −2^63 for NaN and for values out of range (the Go spec leaves those implementation-defined).
 */
export function floatToInt64(f: number): bigint {
  if (!(f >= -9223372036854775808 && f < 9223372036854775808)) return I64_MIN;
  return BigInt(Math.trunc(f));
}

/** Wraps to int64, as Go's int64 arithmetic does on overflow. */
export function i64(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}

/** Wraps to uint64, as Go's uint64 arithmetic does on overflow. */
export function u64(v: bigint): bigint {
  return BigInt.asUintN(64, v);
}

/** Go regexp's `\s` (ASCII: tab, newline, form feed, carriage return, space; not vertical tab). */
export const RE_S = '[\\t\\n\\f\\r ]';
/** Go regexp's `\S`. */
export const RE_NS = '[^\\t\\n\\f\\r ]';
/** Go regexp's `.` without the `s` flag: anything but a newline (JavaScript's also excludes \r, U+2028/9). */
export const RE_DOT = '[^\\n]';

/** Byte-order (code point order) comparison of strings, as Go's `sort.Strings` orders them. */
export { compareCodePoints as compareGoStrings } from '../../internal/canonical-json.js';
