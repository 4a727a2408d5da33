/**
 * What the `-top` and `-tree` reports share: google/pprof's default fractions, Go's int64 arithmetic, the
 * report total, node order, header lines and the choice of output unit.
 * @module
 */

import { compareCodePoints } from '../../internal/canonical-json.js';
import { formatTime } from '../string.js';
import type { Profile } from '../profile.js';
import { baseName, type Graph, type NodeTable } from './graph.js';
import { percentage, scaledLabel, scaleValue } from './measurement.js';

/** The fraction of the total below which functions are dropped (`-nodefraction` default). */
export const NODE_FRACTION = 0.005;
/** The fraction of the total below which edges are ignored (`-edgefraction` default). */
export const EDGE_FRACTION = 0.001;

export const wrap64 = (v: bigint): bigint => BigInt.asIntN(64, v);
/** Go's `abs64` of an int64: wraps, so the absolute value of the minimum int64 is itself (negative). */
export const abs = (v: bigint): bigint => (v < 0n ? wrap64(-v) : v);
/** Go's `int64(x)` of a float64 on amd64: truncation toward zero; the minimum int64 when out of range or NaN. */
export const truncInt = (x: number): bigint => {
  const t = Math.trunc(x);
  return t >= -(2 ** 63) && t < 2 ** 63 ? BigInt(t) : -(1n << 63n);
};

/** google/pprof's report total: the sum of |value|, only over `pprof::base` samples when there are any. */
export function reportTotal(p: Profile, index: number): bigint {
  let total = 0n;
  let baseTotal = 0n;
  const t = p.sample;
  for (let s = 0; s < t.length; s++) {
    const v = abs(t.values[s * t.valueCount + index]!);
    total += v;
    const labels = t.labels.get(s);
    const base = labels?.find((l) => l.kind === 'string' && l.key === 'pprof::base');
    if (base && base.kind === 'string' && base.value === 'true') baseTotal += v;
  }
  total = wrap64(total);
  baseTotal = wrap64(baseTotal);
  return baseTotal > 0n ? baseTotal : total;
}

/** Sorts node ids by |flat| descending, then printed name (Go string order), then a fixed tie-breaker. */
export function sortNodes(nodes: number[], g: Graph, table: NodeTable): void {
  nodes.sort((l, r) => {
    const fl = abs(g.flat[l]!);
    const fr = abs(g.flat[r]!);
    if (fl !== fr) return fl > fr ? -1 : 1;
    // Go compares strings by UTF-8 bytes, which is code-point order.
    const byName = compareCodePoints(table.printable[l]!, table.printable[r]!);
    if (byName !== 0) return byName;
    // google/pprof leaves equal printed names unordered (its sort is not stable); order them by NodeInfo.
    const cl = abs(g.cum[l]!);
    const cr = abs(g.cum[r]!);
    if (cl !== cr) return cl > cr ? -1 : 1;
    return compareCodePoints(table.sprint[l]!, table.sprint[r]!);
  });
}

/** The `File:`, `Build ID:`, comment, `Type:`, `Doc:`, `Time:` and `Duration:` lines of a report. */
export function profileLabels(p: Profile, sampleType: string, sampleUnit: string, total: bigint, format: (v: bigint) => string): string[] {
  const out: string[] = [];
  const main = p.mapping[0];
  if (main) {
    // google/pprof clears a file name that is a URL (of a fetched profile) when there is no build id.
    const file = main.buildId === '' && /^[A-Za-z][A-Za-z0-9+.-]*:/.test(main.file) ? '' : main.file;
    if (file !== '') out.push('File: ' + baseName(file));
    if (main.buildId !== '') out.push('Build ID: ' + main.buildId);
  }
  for (const c of p.comments) if (!c.startsWith('#')) out.push(c);
  if (sampleType !== '') out.push('Type: ' + sampleType);
  if (p.docUrl !== '') out.push('Doc: ' + p.docUrl);
  if (p.timeNanos !== 0n) out.push('Time: ' + formatTime(p.timeNanos).replace(/(\.\d+)? \+0000 UTC$/, ' UTC'));
  if (p.durationNanos !== 0n) {
    const duration = scaledLabel(p.durationNanos, 'nanoseconds', 'auto');
    const inNanos = scaleValue(total, sampleUnit, 'nanoseconds');
    const ratio = inNanos.unit === 'ns' && inNanos.value !== 0 ? `(${percentage(truncInt(inNanos.value), p.durationNanos)})` : '';
    out.push(`Duration: ${duration}, Total samples = ${format(total)} ${ratio}`);
  }
  return out;
}

/**
 * The unit google/pprof's `-unit=minimum` picks: the unit of the smallest non-zero node value, or one
 * 100 times larger when the total is over 100 times that value and needs a larger unit; the sample unit
 * when the values have no known unit.
 */
export function outputUnit(g: Graph, nodes: readonly number[], total: bigint, sampleUnit: string): string {
  if (nodes.length === 0) return 'minimum';
  let min = 0n;
  for (const n of nodes) {
    let v = abs(g.flat[n]!);
    if (v === 0n) v = abs(g.cum[n]!);
    if (v > 0n && (min === 0n || v < min)) min = v;
  }
  const max = total;
  if (min === 0n) min = max;
  const minUnit = scaleValue(min, sampleUnit, 'minimum').unit;
  const maxUnit = scaleValue(max, sampleUnit, 'minimum').unit;
  let unit = minUnit;
  if (minUnit !== maxUnit && wrap64(min * 100n) < max) unit = scaleValue(wrap64(100n * min), sampleUnit, 'minimum').unit;
  return unit !== '' ? unit : sampleUnit;
}

