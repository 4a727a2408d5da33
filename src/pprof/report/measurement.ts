/**
 * Units of sample values as google/pprof's reports print them: bytes (B, kB … PB, powers of 1024), time
 * (ns, us, ms, s, hrs) and Google compute units (n*GCU … P*GCU), scaled to a readable unit, and
 * percentages with at least two significant digits.
 * @module
 */

import { formatFixed, formatGeneral, padLeft } from './format.js';

/** One unit: the name printed, the names (lower case, singular) that select it, and its size in base units. */
interface Unit {
  name: string;
  aliases: readonly string[];
  factor: number;
}

/** A family of convertible units and the unit used when a target unit is not in the family. */
interface UnitFamily {
  units: readonly Unit[];
  fallback: Unit;
}

const BYTE: Unit = { name: 'B', aliases: ['b', 'byte'], factor: 1 };
const SECOND: Unit = { name: 's', aliases: ['s', 'sec', 'second'], factor: 1e9 };
const GCU: Unit = { name: 'GCU', aliases: ['gcu'], factor: 1 };

const FAMILIES: readonly UnitFamily[] = [
  {
    units: [
      BYTE,
      { name: 'kB', aliases: ['kb', 'kbyte', 'kilobyte'], factor: 2 ** 10 },
      { name: 'MB', aliases: ['mb', 'mbyte', 'megabyte'], factor: 2 ** 20 },
      { name: 'GB', aliases: ['gb', 'gbyte', 'gigabyte'], factor: 2 ** 30 },
      { name: 'TB', aliases: ['tb', 'tbyte', 'terabyte'], factor: 2 ** 40 },
      { name: 'PB', aliases: ['pb', 'pbyte', 'petabyte'], factor: 2 ** 50 },
    ],
    fallback: BYTE,
  },
  {
    units: [
      { name: 'ns', aliases: ['ns', 'nanosecond'], factor: 1 },
      { name: 'us', aliases: ['μs', 'us', 'microsecond'], factor: 1e3 },
      { name: 'ms', aliases: ['ms', 'millisecond'], factor: 1e6 },
      SECOND,
      { name: 'hrs', aliases: ['hour', 'hr'], factor: 3.6e12 },
    ],
    fallback: { ...SECOND, aliases: [] },
  },
  {
    units: [
      { name: 'n*GCU', aliases: ['nanogcu'], factor: 1e-9 },
      { name: 'u*GCU', aliases: ['microgcu'], factor: 1e-6 },
      { name: 'm*GCU', aliases: ['milligcu'], factor: 1e-3 },
      GCU,
      { name: 'k*GCU', aliases: ['kilogcu'], factor: 1e3 },
      { name: 'M*GCU', aliases: ['megagcu'], factor: 1e6 },
      { name: 'G*GCU', aliases: ['gigagcu'], factor: 1e9 },
      { name: 'T*GCU', aliases: ['teragcu'], factor: 1e12 },
      { name: 'P*GCU', aliases: ['petagcu'], factor: 1e15 },
    ],
    fallback: { ...GCU, aliases: [] },
  },
];

const utf8Length = (s: string): number => new TextEncoder().encode(s).length;

/** The unit of a family a unit name selects: lower-cased, a plural `s` dropped from names of 3+ bytes. */
function sniff(family: UnitFamily, unit: string): Unit | undefined {
  let u = unit.toLowerCase();
  if (utf8Length(u) > 2 && u.endsWith('s')) u = u.slice(0, -1);
  return family.units.find((x) => x.aliases.includes(u));
}

/** Units that are not worth printing after a number. */
const SILENT = new Set(['count', 'sample', 'unit', 'minimum', 'auto']);

const INT64_MIN = -(1n << 63n);

/** A value converted to a display unit by {@link scaleValue}. */
export interface ScaledValue {
  /** The value in `unit` (float64). */
  value: number;
  /** The unit to print after it; empty for counts and other unit-less values. */
  unit: string;
}

/**
 * google/pprof's `measurement.Scale`: `value` in `fromUnit` converted to `toUnit`, where `minimum` and
 * `auto` pick the largest unit of the family in which the value is at least 1. Returns the number and the
 * unit to print after it (`''` for counts and other uninteresting units; `toUnit` itself when `fromUnit` is
 * not a known unit). Arithmetic is float64, as in Go.
 */
export function scaleValue(value: bigint, fromUnit: string, toUnit: string): ScaledValue {
  if (value < 0n && value !== INT64_MIN) {
    const r = scaleValue(-value, fromUnit, toUnit);
    return { value: -r.value, unit: r.unit };
  }
  for (const family of FAMILIES) {
    const from = sniff(family, fromUnit);
    if (!from) continue;
    const v = Number(value) * from.factor;
    if (toUnit === 'minimum' || toUnit === 'auto') {
      let f = 0;
      let name = '';
      for (const u of family.units) {
        if (u.factor >= f && v / u.factor >= 1) {
          f = u.factor;
          name = u.name;
        }
      }
      if (f !== 0) return { value: v / f, unit: name };
      return { value: v / family.fallback.factor, unit: family.fallback.name };
    }
    const to = sniff(family, toUnit) ?? family.fallback;
    return { value: v / to.factor, unit: to.name };
  }
  return { value: Number(value), unit: SILENT.has(toUnit) ? '' : toUnit };
}

/**
 * google/pprof's `measurement.ScaledLabel`: the scaled value with two decimals (`.00` dropped) and its
 * unit, e.g. `scaledLabel(1536n, 'bytes', 'auto')` is `1.50kB`; a value that rounds to zero is `0`.
 */
export function scaledLabel(value: bigint, fromUnit: string, toUnit: string): string {
  const { value: v, unit } = scaleValue(value, fromUnit, toUnit);
  let s = formatFixed(v, 2);
  if (s.endsWith('.00')) s = s.slice(0, -3);
  if (s === '0' || s === '-0') return '0';
  return s + unit;
}

/**
 * google/pprof's `measurement.Percentage`: |value / total| as a percentage, six characters wide:
 * `  100%` within 0.05 of 100, two decimals from 1% up (`54.17%`), two significant digits below
 * (` 0.62%`, `0.0031%`); `0%` (padded) when total is zero.
 */
export function percentage(value: bigint, total: bigint): string {
  const ratio = total !== 0n ? Math.abs(Number(value) / Number(total)) * 100 : 0;
  if (ratio >= 99.95 && ratio <= 100.05) return '  100%';
  if (ratio >= 1) return padLeft(formatFixed(ratio, 2), 5) + '%';
  return padLeft(formatGeneral(ratio, 2), 5) + '%';
}
