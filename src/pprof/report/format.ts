/**
 * Number formatting as Go's `fmt` does it for `%.Nf` and `%.Ng`, rounding the exact binary value of the
 * float half to even (JavaScript's `toFixed` / `toPrecision` round exact ties up, so they differ from Go on
 * values such as 0.125).
 * @module
 */

const view = new DataView(new ArrayBuffer(8));

/** The exact value of a finite, non-negative double as `mantissa · 2^exponent`. */
function decompose(x: number): { mantissa: bigint; exponent: number } {
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xfffffffffffffn;
  if (biased === 0) return { mantissa: fraction, exponent: -1074 };
  return { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** Rounds `num / den` (both positive) to an integer, halves to even. */
function roundHalfEven(num: bigint, den: bigint): bigint {
  const q = num / den;
  const twice = (num % den) * 2n;
  if (twice > den || (twice === den && (q & 1n) === 1n)) return q + 1n;
  return q;
}

/** `x · 10^digits` rounded to an integer, halves to even; `digits` may be negative. x is finite and ≥ 0. */
function scaledRound(x: number, digits: number): bigint {
  const { mantissa, exponent } = decompose(x);
  let num = mantissa;
  let den = 1n;
  if (exponent >= 0) num <<= BigInt(exponent);
  else den <<= BigInt(-exponent);
  if (digits >= 0) num *= pow10(digits);
  else den *= pow10(-digits);
  return roundHalfEven(num, den);
}

/** Go's spelling of a non-finite float, or undefined for a finite one. */
function nonFinite(x: number): string | undefined {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  return undefined;
}

/** Go's `fmt.Sprintf("%.<prec>f", x)`: e.g. `formatFixed(12.125, 2)` is `12.12`, and `-0` keeps its sign. */
export function formatFixed(x: number, prec: number): string {
  const special = nonFinite(x);
  if (special !== undefined) return special;
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const digits = scaledRound(Math.abs(x), prec).toString().padStart(prec + 1, '0');
  if (prec === 0) return sign + digits;
  return `${sign}${digits.slice(0, -prec)}.${digits.slice(-prec)}`;
}

/**
 * Go's `fmt.Sprintf("%.<prec>g", x)` (prec ≥ 1): `prec` significant digits, trailing zeros removed, and
 * the exponent form (`1.2e-05`) when the decimal exponent is below −4 or at least `prec`.
 */
export function formatGeneral(x: number, prec: number): string {
  const special = nonFinite(x);
  if (special !== undefined) return special;
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const a = Math.abs(x);
  let digits = '';
  let point = 0; // the value is 0.<digits> · 10^point
  if (a !== 0) {
    let e = Math.floor(Math.log10(a));
    // log10 may be off by one near powers of ten: settle e so that 10^e ≤ a < 10^(e+1), exactly.
    while (compareToPow10(a, e) < 0) e--;
    while (compareToPow10(a, e + 1) >= 0) e++;
    let q = scaledRound(a, prec - 1 - e);
    if (q >= pow10(prec)) {
      q /= 10n;
      e++;
    }
    digits = q.toString().replace(/0+$/, '');
    point = e + 1;
  }
  const nd = digits.length;
  let eprec = prec;
  if (eprec > nd && nd >= point) eprec = nd;
  const exp = point - 1;
  if (exp < -4 || exp >= eprec) {
    const shown = Math.min(prec, nd);
    const head = nd === 0 ? '0' : digits[0]!;
    let mant = head;
    if (shown > 1) mant += '.' + digits.slice(1, shown).padEnd(shown - 1, '0');
    const ex = nd === 0 ? 0 : exp;
    const abs = Math.abs(ex);
    return `${sign}${mant}e${ex < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  const p = prec > point ? nd : prec;
  const decimals = Math.max(p - point, 0);
  return sign + fixedFromDigits(digits, point, decimals);
}

/** Compares a (finite, > 0) with 10^e exactly. */
function compareToPow10(a: number, e: number): number {
  const { mantissa, exponent } = decompose(a);
  let left = mantissa;
  let right = 1n;
  if (exponent >= 0) left <<= BigInt(exponent);
  else right <<= BigInt(-exponent);
  if (e >= 0) right *= pow10(e);
  else left *= pow10(-e);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Writes 0.<digits> · 10^point with exactly `decimals` digits after the point (digits beyond are zeros). */
function fixedFromDigits(digits: string, point: number, decimals: number): string {
  let int = '';
  if (point <= 0) int = '0';
  else for (let i = 0; i < point; i++) int += i < digits.length ? digits[i]! : '0';
  if (decimals === 0) return int;
  let frac = '';
  for (let i = 0; i < decimals; i++) {
    const j = point + i;
    frac += j >= 0 && j < digits.length ? digits[j]! : '0';
  }
  return `${int}.${frac}`;
}

/** Left-pads `s` with spaces to `width` code points, as Go's `%<width>s` does. */
export function padLeft(s: string, width: number): string {
  const n = [...s].length;
  return n >= width ? s : ' '.repeat(width - n) + s;
}
