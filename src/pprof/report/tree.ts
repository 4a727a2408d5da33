/**
 * The text report of `go tool pprof -tree`: the header of `-top`, then one block per function (in `-top`
 * order) listing its callers with the weight of each call, the function's own row, and its callees.
 * @module
 */

import { compareCodePoints } from '../../internal/canonical-json.js';
import type { Profile } from '../profile.js';
import type { Graph, InEdge, NodeTable } from './graph.js';
import { padLeft } from './format.js';
import { percentage } from './measurement.js';
import { abs, prepareReport, wrap64 } from './common.js';

/** Options of {@link callTree}. */
export interface TreeOptions {
  /**
   * The sample type to report, as `-sample_index`: an index, or a type name (`inuse_` prefix optional);
   * default: the profile's default sample type, else the last.
   */
  sampleIndex?: string | number;
  /** Show at most this many functions (`-nodecount`); default 80 as for `-tree`; 0: all. */
  nodeCount?: number;
}

/** `-nodecount` of `go tool pprof -tree` when none is given. */
const DEFAULT_NODE_COUNT = 80;

const SEPARATOR = '----------------------------------------------------------+-------------';
// The legend ends in tab, space, tab, space, as google/pprof prints it.
const LEGEND = '      flat  flat%   sum%        cum   cum%   calls calls% + context \t \t ';

/** An edge of the printed graph, seen from one of its ends. */
interface Edge extends InEdge {
  src: number;
  dst: number;
}

/**
 * The edges of a graph by source and by destination, without those under `cutoff` that end at a node of
 * the graph (google/pprof trims edges through the destinations' incoming lists only).
 */
function edgeLists(g: Graph, cutoff: bigint): { into: Map<number, Edge[]>; from: Map<number, Edge[]> } {
  const shown = new Set(g.nodes);
  const into = new Map<number, Edge[]>();
  const from = new Map<number, Edge[]>();
  for (const [dst, sources] of g.in) {
    for (const [src, e] of sources) {
      if (shown.has(dst) && abs(e.weight) < cutoff) continue;
      const edge: Edge = { src, dst, weight: e.weight, inline: e.inline };
      let i = into.get(dst);
      if (!i) into.set(dst, (i = []));
      i.push(edge);
      let o = from.get(src);
      if (!o) from.set(src, (o = []));
      o.push(edge);
    }
  }
  return { into, from };
}

/**
 * Sorts edges as google/pprof's `EdgeMap.Sort`: a larger |weight| first; equal weights by the caller's then
 * the callee's printed name. (Go treats different weights of equal magnitude as equal and leaves their
 * order, like that of equal names, to its unstable sort; here they fall back on the names, then NodeInfo.)
 */
function sortEdges(edges: Edge[], table: NodeTable): Edge[] {
  return edges.sort((a, b) => {
    const wa = abs(a.weight);
    const wb = abs(b.weight);
    if (wa !== wb) return wa > wb ? -1 : 1;
    return (
      compareCodePoints(table.printable[a.src]!, table.printable[b.src]!) ||
      compareCodePoints(table.printable[a.dst]!, table.printable[b.dst]!) ||
      compareCodePoints(table.sprint[a.src]!, table.sprint[b.src]!) ||
      compareCodePoints(table.sprint[a.dst]!, table.sprint[b.dst]!)
    );
  });
}

/**
 * The text `go tool pprof -tree [-nodecount=N] [-sample_index=I]` prints for a profile, byte for byte, with
 * google/pprof's defaults: the nodes of {@link topTable} (functions; drop_frames/keep_frames applied; nodes
 * under 0.5% of the total dropped; at most `nodeCount` by flat value, default 80), each in a block between
 * separator lines with its callers above its own row and its callees below, every caller and callee with
 * the weight of its edge and that weight's share of the node's cumulative value, edges under 0.1% of the
 * total left out and calls that were inlined marked `(inline)`. The `Time:` line is in UTC. Ends with a
 * newline.
 * @throws RangeError if the sample index does not exist
 * @throws GodiagError if the profile's drop_frames or keep_frames regexp does not compile
 */
export function callTree(profile: Profile, options: TreeOptions = {}): string {
  const { g, nodes, edgeCutoff, format, lines, total, table } = prepareReport(profile, options.sampleIndex, options.nodeCount ?? DEFAULT_NODE_COUNT);
  const { into, from } = edgeLists(g, edgeCutoff);
  lines.push(SEPARATOR, LEGEND);

  const edgeLine = (e: Edge, other: number, cum: bigint): string =>
    `${padLeft(format(e.weight), 50)} ${percentage(e.weight, cum)} |   ${table.printable[other]!}${e.inline ? ' (inline)' : ''}`;
  let running = 0n;
  for (const n of nodes) {
    const flat = g.flat[n]!;
    const cum = g.cum[n]!;
    lines.push(SEPARATOR);
    for (const e of sortEdges(into.get(n) ?? [], table)) lines.push(edgeLine(e, e.src, cum));
    running = wrap64(running + flat);
    lines.push(
      `${padLeft(format(flat), 10)} ${percentage(flat, total)} ${percentage(running, total)} ${padLeft(format(cum), 10)} ${percentage(cum, total)}                | ${table.printable[n]!}`,
    );
    for (const e of sortEdges(from.get(n) ?? [], table)) lines.push(edgeLine(e, e.dst, cum));
  }
  if (nodes.length > 0) lines.push(SEPARATOR);
  return lines.join('\n') + '\n';
}
