/**
 * The call graph of a profile at function granularity, as google/pprof's report package builds it for
 * `-top` (granularity `functions`, inlined frames kept): one node per function name (unnamed functions
 * and unsymbolised locations by binary), flat and cumulative values per node, and caller→callee edges
 * whose weights and inline flags decide the `(inline)` marks.
 * @module
 */

import type { Location, Profile } from '../profile.js';

/** What identifies a node: google/pprof's NodeInfo once addresses, lines and file names are aggregated away. */
export interface NodeKey {
  /** Function name ('' when unknown). */
  name: string;
  /** Binary of the location, kept only when the name is empty. */
  objfile: string;
  /** Start line of the function, kept only when the name is empty. */
  startLine: number;
}

/** An edge into a node. */
export interface InEdge {
  /** Sum of the values of the samples that pass through it. */
  weight: bigint;
  /** Every contribution was a call inlined into the caller. */
  inline: boolean;
}

/** The nodes of a profile and, per location, the nodes of its lines (callers last). */
export interface NodeTable {
  keys: NodeKey[];
  /** The name printed for each node. */
  printable: string[];
  /** Go's `fmt.Sprint` of each NodeInfo, the final tie-breaker of google/pprof's sort. */
  sprint: string[];
  /** Node ids of each location (index as in `Profile.location`), one per line, innermost first. */
  byLocation: number[][];
}

/** Go's `filepath.Base` for slash-separated paths. */
export function baseName(path: string): string {
  if (path === '') return '.';
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  const i = trimmed.lastIndexOf('/');
  return i < 0 ? trimmed : trimmed.slice(i + 1);
}

/** The printed name of a node: the function, else `[binary]`, else `<unknown>`. */
function printableName(k: NodeKey): string {
  if (k.name !== '') return k.name;
  if (k.objfile !== '') return `[${baseName(k.objfile)}]`;
  return '<unknown>';
}

/** Builds the node table of a profile at function granularity. */
export function nodeTable(p: Profile): NodeTable {
  const keys: NodeKey[] = [];
  const printable: string[] = [];
  const sprint: string[] = [];
  const ids = new Map<string, number>();
  const node = (k: NodeKey): number => {
    const id = `${k.name}\u0000${k.objfile}\u0000${k.startLine}`;
    let n = ids.get(id);
    if (n === undefined) {
      n = keys.length;
      ids.set(id, n);
      keys.push(k);
      printable.push(printableName(k));
      // Fields in NodeInfo order: Name OrigName Address File StartLine Lineno Columnno Objfile.
      sprint.push(`{${k.name}  0  ${k.startLine} 0 0 ${k.objfile}}`);
    }
    return n;
  };
  const byLocation = p.location.map((l: Location): number[] => {
    const objfile = l.mapping?.file ?? '';
    if (l.line.length === 0) return [node({ name: '', objfile, startLine: 0 })];
    return l.line.map((ln) => {
      const name = ln.function.name;
      return node(name !== '' ? { name, objfile: '', startLine: 0 } : { name, objfile, startLine: ln.function.startLine });
    });
  });
  return { keys, printable, sprint, byLocation };
}

/** A graph: values per node id and the edges into each node. */
export interface Graph {
  /** Node ids with a non-zero flat or cumulative value, in id order. */
  nodes: number[];
  flat: bigint[];
  cum: bigint[];
  /** Edges by destination, then by source. */
  in: Map<number, Map<number, InEdge>>;
}

/**
 * Builds the graph of the samples' values of type `index`, keeping only the nodes in `kept` when given:
 * a sample's value is added once to the cumulative value of every node on its stack and to the flat value
 * of its leaf-most node (unless that node is not kept); an edge joins consecutive kept nodes of a stack,
 * and is inline when the callee is an inlined line of its location. Sums wrap to int64 as in Go; they are
 * kept in doubles while the sum of all |values| is below 2^53 (exact then), in bigints otherwise.
 */
export function buildGraph(p: Profile, table: NodeTable, index: number, kept?: ReadonlySet<number>): Graph {
  const t = p.sample;
  const vc = t.valueCount;
  let magnitude = 0n;
  for (let s = 0; s < t.length; s++) {
    const v = t.values[s * vc + index]!;
    magnitude += v < 0n ? -v : v;
  }
  return magnitude < 2n ** 53n ? accumulate(p, table, index, kept, numberSums) : accumulate(p, table, index, kept, bigintSums);
}

/** Arithmetic on sums: doubles (exact below 2^53) or bigints. */
interface Sums<T> {
  zero: T;
  of(v: bigint): T;
  add(a: T, b: T): T;
  toInt64(a: T): bigint;
}

const numberSums: Sums<number> = { zero: 0, of: Number, add: (a, b) => a + b, toInt64: (a) => BigInt(a) };
const bigintSums: Sums<bigint> = { zero: 0n, of: (v) => v, add: (a, b) => a + b, toInt64: (a) => BigInt.asIntN(64, a) };

function accumulate<T>(p: Profile, table: NodeTable, index: number, kept: ReadonlySet<number> | undefined, sums: Sums<T>): Graph {
  const count = table.keys.length;
  const flat = new Array<T>(count).fill(sums.zero);
  const cum = new Array<T>(count).fill(sums.zero);
  // Edges by `src * count + dst`; `sample` is the last sample that added to it (a sample adds once).
  const edges = new Map<number, { src: number; dst: number; weight: T; inline: boolean; sample: number }>();
  const keep = kept ? Uint8Array.from({ length: count }, (_, n) => (kept.has(n) ? 1 : 0)) : undefined;
  const seenNode = new Int32Array(count).fill(-1);
  const t = p.sample;
  const vc = t.valueCount;
  for (let s = 0; s < t.length; s++) {
    const value = t.values[s * vc + index]!;
    if (value === 0n) continue;
    const w = sums.of(value);
    let parent = -1;
    let residual = false;
    const start = t.stackStart[s]!;
    for (let i = t.stackStart[s + 1]! - 1; i >= start; i--) {
      const locNodes = table.byLocation[t.stacks[i]!]!;
      for (let ni = locNodes.length - 1; ni >= 0; ni--) {
        const n = locNodes[ni]!;
        if (keep && keep[n] === 0) {
          residual = true;
          continue;
        }
        if (seenNode[n] !== s) {
          seenNode[n] = s;
          cum[n] = sums.add(cum[n]!, w);
        }
        if (parent >= 0 && n !== parent) {
          const pair = parent * count + n;
          const inline = ni !== locNodes.length - 1;
          const e = edges.get(pair);
          if (!e) edges.set(pair, { src: parent, dst: n, weight: w, inline, sample: s });
          else if (e.sample !== s) {
            e.sample = s;
            e.weight = sums.add(e.weight, w);
            if (!inline) e.inline = false;
          }
        }
        parent = n;
        residual = false;
      }
    }
    if (parent >= 0 && !residual) flat[parent] = sums.add(flat[parent]!, w);
  }
  const graph: Graph = { nodes: [], flat: flat.map(sums.toInt64), cum: cum.map(sums.toInt64), in: new Map() };
  for (const e of edges.values()) {
    let into = graph.in.get(e.dst);
    if (!into) graph.in.set(e.dst, (into = new Map()));
    into.set(e.src, { weight: sums.toInt64(e.weight), inline: e.inline });
  }
  for (let n = 0; n < count; n++) if (graph.flat[n] !== 0n || graph.cum[n] !== 0n) graph.nodes.push(n);
  return graph;
}
