/**
 * The text report of `go tool pprof -top`: a header describing the profile and the trimming, then one row
 * per function with its flat and cumulative values and percentages.
 * @module
 */

import type { Profile } from '../profile.js';
import { removeUninteresting } from '../ops/prune.js';
import { buildGraph, nodeTable } from './graph.js';
import { padLeft } from './format.js';
import { percentage, scaledLabel } from './measurement.js';
import { EDGE_FRACTION, NODE_FRACTION, abs, outputUnit, profileLabels, reportTotal, sortNodes, truncInt, wrap64 } from './common.js';

/** Options of {@link topTable}. */
export interface TopOptions {
  /**
   * The sample type to report, as `-sample_index`: an index, or a type name (`inuse_` prefix optional,
   * as google/pprof accepts it); default: the profile's default sample type, else the last.
   */
  sampleIndex?: string | number;
  /** Show at most this many functions (`-nodecount`); 0 or absent: all (the `-top` default). */
  nodeCount?: number;
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

/**
 * The text `go tool pprof -top [-nodecount=N] [-sample_index=I]` prints for a profile, byte for byte, with
 * google/pprof's defaults: the profile's drop_frames/keep_frames applied, functions as nodes (inlined calls
 * are nodes of their own, marked `(inline)`), nodes whose cumulative value is under 0.5% of the sum of
 * flat values dropped, at most `nodeCount` nodes by flat value, values scaled to the unit of the smallest one. The
 * `Time:` line is in UTC (Go prints the local zone). Ends with a newline.
 * @throws RangeError if the sample index does not exist
 * @throws GodiagError if the profile's drop_frames or keep_frames regexp does not compile
 */
export function topTable(profile: Profile, options: TopOptions = {}): string {
  const index = reportSampleIndex(profile, options.sampleIndex);
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
  const limit = options.nodeCount ?? 0;
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
  lines.push(`${padLeft('flat', 10)} ${padLeft('flat', 5)}% ${padLeft('sum', 5)}% ${padLeft('cum', 10)} ${padLeft('cum', 5)}%`);

  let running = 0n;
  for (const n of nodes) {
    const flat = g.flat[n]!;
    const cum = g.cum[n]!;
    running = wrap64(running + flat);
    let inline = false;
    let direct = false;
    for (const e of g.in.get(n)?.values() ?? []) {
      if (abs(e.weight) < edgeCutoff) continue;
      if (e.inline) inline = true;
      else direct = true;
    }
    const mark = inline ? (direct ? ' (partial-inline)' : ' (inline)') : '';
    lines.push(
      `${padLeft(format(flat), 10)} ${percentage(flat, total)} ${percentage(running, total)} ${padLeft(format(cum), 10)} ${percentage(cum, total)}  ${table.printable[n]!}${mark}`,
    );
  }
  return lines.join('\n') + '\n';
}
