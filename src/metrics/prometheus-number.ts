/**
 * Numbers of the Prometheus text formats, parsed as Go parses them (strconv.ParseFloat / ParseInt), without
 * JavaScript's looser `Number()` rules (hex, empty strings, surrounding whitespace).
 * @module
 */

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const OM_REAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/**
 * A sample value or bound of the 0.0.4 text format: what Go's strconv.ParseFloat accepts in decimal (hex
 * floats and underscores are refused by expfmt), plus `Inf`/`Infinity` with an optional sign and `NaN`, in
 * any letter case. A finite literal that overflows float64 is refused, as ParseFloat's range error is.
 * Returns undefined for anything else.
 */
export function parseGoFloat(s: string): number | undefined {
  const n = s.length;
  if (n === 0) return undefined;
  const c = s.charCodeAt(0);
  // Fast path: plain digits, the common case of counters and bucket counts.
  if (c >= 0x30 && c <= 0x39 && n < 16) {
    let v = c - 0x30;
    let i = 1;
    for (; i < n; i++) {
      const d = s.charCodeAt(i) - 0x30;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (i === n) return v;
  }
  if (DECIMAL.test(s)) {
    const v = Number(s);
    return Number.isFinite(v) ? v : undefined;
  }
  return special(s);
}

/** `inf`, `infinity` (signed or not) and `nan` (unsigned: Go refuses `+nan`) in any case. */
function special(s: string): number | undefined {
  const l = s.toLowerCase();
  let sign = 1;
  let body = l;
  if (l[0] === '+' || l[0] === '-') {
    if (l[0] === '-') sign = -1;
    body = l.slice(1);
    if (body === 'inf' || body === 'infinity') return sign * Infinity;
    return undefined;
  }
  if (body === 'inf' || body === 'infinity') return Infinity;
  if (body === 'nan') return NaN;
  return undefined;
}

/** An OpenMetrics number: a real number (as the 0.0.4 text), or ±Inf/Infinity, or NaN, any case. */
export function parseOpenMetricsNumber(s: string): number | undefined {
  return parseGoFloat(s);
}

/** An OpenMetrics real number (timestamps): no Inf or NaN. */
export function parseOpenMetricsReal(s: string): number | undefined {
  if (!OM_REAL.test(s)) return undefined;
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
}

/** Result of {@link parseGoInt64}: the value, or why it was refused. */
export type IntResult = number | 'syntax' | 'range' | 'unsafe';

/**
 * A 0.0.4 timestamp: Go's strconv.ParseInt(s, 10, 64). `'range'` outside int64 (Go refuses it too);
 * `'unsafe'` inside int64 but beyond 2^53 − 1, which godiag will not round (a limit, not a syntax error).
 */
export function parseGoInt64(s: string): IntResult {
  if (!INTEGER.test(s)) return 'syntax';
  const v = Number(s);
  if (Number.isSafeInteger(v)) return v;
  const b = BigInt(s);
  if (b > 0x7fffffffffffffffn || b < -0x8000000000000000n) return 'range';
  return 'unsafe';
}

/** Go's math.Round: half away from zero (JavaScript's Math.round rounds half up). */
export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}
