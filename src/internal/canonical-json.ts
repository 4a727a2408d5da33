/**
 * Canonical JSON: the text both godiag and the Go oracle print, so that goldens compare byte for byte.
 *
 * Rules (docs/oracle.md): compact; object keys sorted by code point (UTF-8 byte order, as Go sorts map
 * keys); `bigint` as a decimal string; integers that are `number` as JSON integers; floats — wrapped in
 * {@link JsonFloat} because only the producer knows a value is a float64 — formatted exactly as Go's
 * `strconv.FormatFloat(x, 'g', -1, 64)`, with NaN and ±Inf as the strings "NaN", "+Inf", "-Inf";
 * strings escaped as Go's encoding/json does with HTML escaping off, and U+FFFD always as `\ufffd`.
 * @module
 */

/** Marks a number as a float64 so it is printed with Go's `%g` shortest formatting. */
export class JsonFloat {
  constructor(
    /** The float64 value. */
    readonly value: number,
  ) {}
}

/** Shorthand for `new JsonFloat(x)`. */
export function float(x: number): JsonFloat {
  return new JsonFloat(x);
}

/**
 * A value that {@link canonicalJson} can print: null, booleans, safe-integer numbers, bigints, strings,
 * {@link JsonFloat}s, arrays and plain objects of these (`undefined` members of objects are omitted).
 * Plain objects are typed as `object` so that interfaces are accepted; other values throw at run time.
 */
export type JsonValue = null | boolean | number | bigint | string | JsonFloat | readonly JsonValue[] | object;

/** Prints a value as canonical JSON (no trailing newline). */
export function canonicalJson(value: JsonValue): string {
  const out: string[] = [];
  write(value, out);
  return out.join('');
}

function write(v: JsonValue, out: string[]): void {
  if (v === null) out.push('null');
  else if (typeof v === 'boolean') out.push(v ? 'true' : 'false');
  else if (typeof v === 'string') out.push(quote(v));
  else if (typeof v === 'bigint') out.push(`"${v}"`);
  else if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) {
      throw new TypeError(`canonical JSON: ${v} is not a safe integer; wrap floats in float() and use bigint for 64-bit values`);
    }
    out.push(Object.is(v, -0) ? '0' : String(v));
  } else if (v instanceof JsonFloat) {
    const s = formatGoFloat(v.value);
    out.push(Number.isFinite(v.value) ? s : `"${s}"`);
  } else if (Array.isArray(v)) {
    out.push('[');
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.push(',');
      write(v[i] as JsonValue, out);
    }
    out.push(']');
  } else if (typeof v === 'object') {
    const obj = v as { readonly [key: string]: JsonValue | undefined };
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort(compareCodePoints);
    out.push('{');
    keys.forEach((k, i) => {
      if (i > 0) out.push(',');
      out.push(quote(k), ':');
      write(obj[k]!, out);
    });
    out.push('}');
  } else {
    throw new TypeError(`canonical JSON: cannot print a value of type ${typeof v}`);
  }
}

const ESCAPE_AFTER_STRINGIFY = /[\u2028\u2029\ufffd]/g;

function quote(s: string): string {
  // U+FFFD is escaped because Go's encoder writes ill-formed bytes that way, and after decoding we cannot
  // tell those from a real U+FFFD; U+2028/2029 because Go escapes them for JavaScript's sake.
  return JSON.stringify(s).replace(ESCAPE_AFTER_STRINGIFY, (c) => '\\u' + c.charCodeAt(0).toString(16));
}

/** Orders strings by Unicode code point, which is UTF-8 byte order (UTF-16 order differs above U+FFFF). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (U+D800–DFFF in UTF-16) belongs to a code point above U+FFFF, after every BMP unit.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** Formats a float64 exactly as Go's `strconv.FormatFloat(x, 'g', -1, 64)`. */
export function formatGoFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const neg = x < 0;
  // toExponential() gives the shortest digits that round-trip, as Go's shortest formatting does.
  const [mant, expText] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '');
  const exp = Number(expText);
  const nd = digits.length;
  let s: string;
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp);
    s = digits[0]! + (nd > 1 ? '.' + digits.slice(1) : '') + 'e' + (exp < 0 ? '-' : '+') + (e < 10 ? '0' : '') + e;
  } else {
    const dp = exp + 1; // digits before the decimal point
    if (dp <= 0) s = '0.' + '0'.repeat(-dp) + digits;
    else if (dp >= nd) s = digits + '0'.repeat(dp - nd);
    else s = digits.slice(0, dp) + '.' + digits.slice(dp);
  }
  return neg ? '-' + s : s;
}
