/**
 * `profileToString`: the text google/pprof's `(*Profile).String()` prints, character for character, so
 * profiles can be compared with google/pprof's own golden files and debugging output.
 * @module
 */

import type { Location, Mapping, Profile, Sample } from './profile.js';
import { groupLabels } from './labels.js';
import { compareGoStrings, isGoSpace } from './legacy/go.js';

/**
 * Prints a profile as google/pprof's `(*Profile).String()` does.
 *
 * Labels are grouped by key as google/pprof's decoder groups them: a label with a string value is a
 * string label; one with a number or a unit is numeric; one with neither is dropped (as decoding a
 * profile.proto drops it). The time, when set, is printed in UTC (Go prints it in the local zone of the
 * process, so output matches when that zone is UTC).
 */
export function profileToString(p: Profile): string {
  const ss: string[] = [];
  for (const c of p.comments) ss.push('Comment: ' + c);
  if (p.docUrl !== '') ss.push('Doc: ' + p.docUrl);
  ss.push(`PeriodType: ${p.periodType.type} ${p.periodType.unit}`);
  ss.push(`Period: ${p.period}`);
  if (p.timeNanos !== 0n) ss.push(`Time: ${formatTime(p.timeNanos)}`);
  if (p.durationNanos !== 0n) ss.push(`Duration: ${truncateRunes(formatDuration(p.durationNanos), 4)}`);
  ss.push('Samples:');
  let sh = '';
  for (const t of p.sampleType) sh += `${t.type}/${t.unit}${t.type === p.defaultSampleType ? '[dflt]' : ''} `;
  ss.push(goTrimSpace(sh));
  for (const s of p.sample) ss.push(sampleString(s, p.location));
  ss.push('Locations');
  for (const l of p.location) ss.push(locationString(l));
  ss.push('Mappings');
  for (const m of p.mapping) ss.push(mappingString(m));
  return ss.join('\n') + '\n';
}

function goTrimSpace(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isGoSpace(s.charCodeAt(a))) a++;
  while (b > a && isGoSpace(s.charCodeAt(b - 1))) b--;
  return s.slice(a, b);
}

/** Go's `%#x` of a uint64. */
function hex(v: bigint): string {
  return '0x' + v.toString(16);
}

function mappingString(m: Mapping): string {
  let bits = '';
  if (m.hasFunctions) bits += '[FN]';
  if (m.hasFilenames) bits += '[FL]';
  if (m.hasLineNumbers) bits += '[LN]';
  if (m.hasInlineFrames) bits += '[IN]';
  return `${m.id}: ${hex(m.start)}/${hex(m.limit)}/${hex(m.offset)} ${m.file} ${m.buildId} ${bits}`;
}

function locationString(l: Location): string {
  const ss: string[] = [];
  let locStr = `${String(l.id).padStart(6)}: ${hex(l.address)} `;
  if (l.mapping !== undefined) locStr += `M=${l.mapping.id} `;
  if (l.isFolded) locStr += '[F] ';
  if (l.line.length === 0) ss.push(locStr);
  for (const ln of l.line) {
    let lnStr = '??';
    const fn = ln.function;
    if (fn !== undefined) {
      lnStr = `${fn.name} ${fn.filename}:${ln.line}:${ln.column} s=${fn.startLine}`;
      if (fn.name !== fn.systemName) lnStr += `(${fn.systemName})`;
    }
    ss.push(locStr + lnStr);
    // Only the first line shows the location's id and address.
    locStr = ' '.repeat(13);
  }
  return ss.join('\n');
}

function sampleString(s: Sample, locations: readonly Location[]): string {
  let sv = '';
  for (const v of s.value) sv += ' ' + String(v).padStart(10);
  sv += ': ';
  for (const k of s.stack) sv += `${locations[k]!.id} `;
  const ss = [sv];
  const { label: strings, numLabel: numbers, numUnit } = groupLabels(s);
  const header = ' '.repeat(16);
  if (strings.size > 0) {
    const ls = [...strings].map(([k, v]) => `${k}:[${v.join(' ')}]`);
    ss.push(header + ls.sort(compareGoStrings).join(' '));
  }
  if (numbers.size > 0) {
    const ls = [...numbers].map(([k, values]) => {
      const units = numUnit.get(k);
      return units === undefined ? `${k}:[${values.join(' ')}]` : `${k}:[${values.map((v, i) => `${v} ${units[i]!}`).join(' ')}]`;
    });
    ss.push(header + ls.sort(compareGoStrings).join(' '));
  }
  return ss.join('\n');
}

/** The first `n` code points of `s` (fmt's precision for strings counts runes). */
function truncateRunes(s: string, n: number): string {
  return Array.from(s).slice(0, n).join('');
}

/** Go's `time.Duration.String()`. */
export function formatDuration(d: bigint): string {
  if (d === 0n) return '0s';
  const neg = d < 0n;
  const u = neg ? -d : d;
  let out: string;
  if (u < 1_000_000_000n) {
    if (u < 1000n) out = `${u}ns`;
    else if (u < 1_000_000n) out = fmtFrac(u, 3) + 'µs';
    else out = fmtFrac(u, 6) + 'ms';
  } else {
    const frac = fmtFrac(u, 9);
    let secs = u / 1_000_000_000n;
    out = frac.slice(frac.indexOf('.') < 0 ? frac.length : frac.indexOf('.'));
    // fmtFrac gave the whole part too; rebuild as h/m/s.
    const s = secs % 60n;
    secs /= 60n;
    out = `${s}${out}s`;
    if (secs > 0n) {
      const m = secs % 60n;
      const h = secs / 60n;
      out = `${m}m${out}`;
      if (h > 0n) out = `${h}h${out}`;
    }
  }
  return neg ? '-' + out : out;
}

/** `v / 10^prec` with the fraction's trailing zeros (and a bare point) removed. */
function fmtFrac(v: bigint, prec: number): string {
  const p = 10n ** BigInt(prec);
  const whole = v / p;
  const frac = (v % p).toString().padStart(prec, '0').replace(/0+$/, '');
  return frac === '' ? `${whole}` : `${whole}.${frac}`;
}

/** Go's `time.Time.String()` of `time.Unix(0, ns)` in UTC. */
export function formatTime(ns: bigint): string {
  const NS = 1_000_000_000n;
  let secs = ns / NS;
  let nanos = ns % NS;
  if (nanos < 0n) {
    nanos += NS;
    secs -= 1n;
  }
  const days = floorDiv(secs, 86400n);
  const rem = Number(secs - days * 86400n);
  const { y, m, d } = civilFromDays(days);
  const hh = Math.floor(rem / 3600);
  const mm = Math.floor((rem % 3600) / 60);
  const sec = rem % 60;
  const p2 = (n: number): string => String(n).padStart(2, '0');
  let year: string;
  if (y < 0n) year = '-' + String(-y).padStart(4, '0');
  else year = String(y).padStart(4, '0');
  let out = `${year}-${p2(m)}-${p2(d)} ${p2(hh)}:${p2(mm)}:${p2(sec)}`;
  if (nanos !== 0n) out += '.' + nanos.toString().padStart(9, '0').replace(/0+$/, '');
  return out + ' +0000 UTC';
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/** Proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm). */
function civilFromDays(z0: bigint): { y: bigint; m: number; d: number } {
  const z = z0 + 719468n;
  const era = floorDiv(z, 146097n);
  const doe = z - era * 146097n;
  const yoe = (doe - doe / 1460n + doe / 36524n - doe / 146096n) / 365n;
  const doy = doe - (365n * yoe + yoe / 4n - yoe / 100n);
  const mp = (5n * doy + 2n) / 153n;
  const d = Number(doy - (153n * mp + 2n) / 5n + 1n);
  const m = Number(mp < 10n ? mp + 3n : mp - 9n);
  const y = yoe + era * 400n + (m <= 2 ? 1n : 0n);
  return { y, m, d };
}
