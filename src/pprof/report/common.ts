/**
 * What the `-top` and `-tree` reports share: google/pprof's default fractions, Go's int64 arithmetic, the
 * report total, node order, header lines and the choice of output unit.
 * @module
 */

import { compareCodePoints } from '../../internal/canonical-json.js';
import { formatTime } from '../string.js';
import type { Profile } from '../profile.js';
import { baseName, buildGraph, nodeTable, type Graph, type NodeTable } from './graph.js';
import { removeUninteresting } from '../ops/prune.js';
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


/**
 * Resolves a sample index as google/pprof's `SampleIndexByName` does.
 * @throws RangeError when there is no such sample type or the profile has none
 */
export function reportSampleIndex(p: Profile, index?: string | number): number {
  const n = p.sampleType.length;
  if (n === 0) throw new RangeError('profile has no samples');
  if (index === undefined || index === '') {
    if (p.defaultSampleType !== '') {
      const d = p.sampleType.findIndex((t) => t.type === p.defaultSampleType);
      if (d >= 0) return d;
    }
    return n - 1;
  }
  if (typeof index === 'number' || /^[+-]?\d+$/.test(index)) {
    const i = Number(index);
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new RangeError(`sample_index ${index} is outside the range [0..${n - 1}]`);
    return i;
  }
  const bare = index.startsWith('inuse_') ? index.slice('inuse_'.length) : index;
  const i = p.sampleType.findIndex((t) => t.type === index || t.type === bare);
  if (i < 0) throw new RangeError(`sample_index ${JSON.stringify(index)} must be one of: [${p.sampleType.map((t) => t.type).join(' ')}]`);
  return i;
}

/** What both reports print from: the trimmed graph, its nodes in report order, and the header lines. */
export interface PreparedReport {
  /** The profile after drop_frames/keep_frames. */
  p: Profile;
  /** The sample type reported. */
  index: number;
  /** Function-level node table. */
  table: NodeTable;
  /** The graph of the selected nodes. */
  g: Graph;
  /** Selected nodes in report order. */
  nodes: number[];
  /** Edges below this weight are not shown (`-edgefraction`). */
  edgeCutoff: bigint;
  /** Formats a value in the report's unit. */
  format: (v: bigint) => string;
  /** The header lines, through "Showing top N nodes out of M". */
  lines: string[];
  /** The report total. */
  total: bigint;
}

/**
 * Builds the function graph, trims it as google/pprof does (`-nodefraction`, then `-nodecount`), orders
 * the nodes and writes the header. `nodeCount` 0 means all nodes.
 */
export function prepareReport(profile: Profile, sampleIndex: string | number | undefined, nodeCount: number): PreparedReport {
  const index = reportSampleIndex(profile, sampleIndex);
  const p = removeUninteresting(profile);
  const { type: sampleType, unit: sampleUnit } = p.sampleType[index]!;
  const total = reportTotal(p, index);
  const table = nodeTable(p);

  let g = buildGraph(p, table, index);
  let flatTotal = 0n;
  for (const n of g.nodes) flatTotal += g.flat[n]!;
  flatTotal = wrap64(flatTotal);
  const nodeCutoff = abs(truncInt(Number(flatTotal) * NODE_FRACTION));
  const edgeCutoff = abs(truncInt(Number(flatTotal) * EDGE_FRACTION));

  let dropped = 0;
  if (nodeCutoff > 0n) {
    const kept = g.nodes.filter((n) => abs(g.cum[n]!) >= nodeCutoff);
    if (kept.length !== g.nodes.length) {
      dropped = g.nodes.length - kept.length;
      g = buildGraph(p, table, index, new Set(kept));
    }
  }
  const originalCount = g.nodes.length;
  let nodes = [...g.nodes];
  sortNodes(nodes, g, table);
  const limit = nodeCount;
  // The top nodes pass the same cumulative test with a cutoff of 0, which only a node whose cum is the
  // minimum int64 fails (its abs64 is negative).
  const top = limit > 0 ? nodes.slice(0, limit).filter((n) => abs(g.cum[n]!) >= 0n) : nodes;
  if (top.length !== nodes.length) {
    g = buildGraph(p, table, index, new Set(top));
    nodes = [...g.nodes];
    sortNodes(nodes, g, table);
  }

  const unit = outputUnit(g, nodes, total, sampleUnit);
  const format = (v: bigint): string => scaledLabel(v, sampleUnit, unit);

  let shown = 0n;
  for (const n of nodes) shown += g.flat[n]!;
  shown = wrap64(shown);
  const lines = profileLabels(p, sampleType, sampleUnit, total, format);
  lines.push(`Showing nodes accounting for ${format(shown)}, ${percentage(shown, total).trim()} of ${format(total)} total`);
  if (total !== 0n) {
    if (dropped > 0) lines.push(`Dropped ${dropped} node${dropped > 1 ? 's' : ''} (cum <= ${format(abs(truncInt(Number(total) * NODE_FRACTION)))})`);
    if (nodes.length > 0 && nodes.length < originalCount) lines.push(`Showing top ${nodes.length} nodes out of ${originalCount}`);
  }
  return { p, index, table, g, nodes, edgeCutoff, format, lines, total };
}
