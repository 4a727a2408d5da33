/**
 * The runtime's own invariants over one snapshot (the relations Go's runtime tests check of `metrics.Read`), so a
 * snapshot that went through an exporter, a conversion or a hand edit can be checked for damage.
 * @module
 */

import { catalog, describe } from './catalog.js';
import type { MetricValue, Snapshot } from './snapshot.js';

/** Which invariant a {@link Violation} breaks. */
export type InvariantRule =
  /** The /memory/classes leaves do not sum exactly to /memory/classes/total:bytes. */
  | 'memory-classes-sum'
  /** A /cpu/classes total is not the sum of its parts (within {@link CPU_RELATIVE_TOLERANCE}). */
  | 'cpu-classes-sum'
  /** Fewer bytes or objects allocated than freed (/gc/heap/allocs vs /gc/heap/frees). */
  | 'allocs-ge-frees'
  /** Live heap objects or bytes are not exactly allocs − frees. */
  | 'heap-live'
  /** A histogram without counts + 1 strictly increasing (non-NaN) boundaries. */
  | 'histogram-shape'
  /** A value whose kind is not the one the catalogue of the snapshot's Go version gives the metric. */
  | 'kind';

/** One broken invariant: which, the metrics involved with their values, and a sentence. */
export interface Violation {
  /** The invariant. */
  readonly rule: InvariantRule;
  /** The metrics involved, with their values in the snapshot. */
  readonly metrics: readonly ViolationMetric[];
  /** What is wrong, with the numbers. */
  readonly message: string;
}

/** A metric involved in a {@link Violation}. */
export interface ViolationMetric {
  /** Its name. */
  readonly name: string;
  /** Its value in the snapshot. */
  readonly value: MetricValue;
}

/** Options of {@link validate}. */
export interface ValidateOptions {
  /** The Go version whose catalogue gives the kinds and the leaves, when the snapshot has no `goVersion`. Default: the newest. */
  readonly goVersion?: string;
}

/**
 * Tolerance of the /cpu/classes sums, relative to the largest value of the relation. The runtime keeps these as
 * integer nanoseconds whose parts sum exactly, and converts each to seconds (ns / 1e9) separately; only that
 * float64 rounding (a few units in the last place per term) separates a total from the sum of its parts.
 */
export const CPU_RELATIVE_TOLERANCE = 1e-12;

const CPU_TOTAL = '/cpu/classes/total:cpu-seconds';
const CPU_PAUSE = '/cpu/classes/gc/pause:cpu-seconds';

/**
 * Whether the grand CPU total of this Go version may trail its parts (Go 1.21+, or an unknown version). From Go
 * 1.21 the runtime adds a cycle's sweep-termination pause to /cpu/classes/gc/pause and gc/total when the pause ends,
 * but recomputes total, idle and user only at mark termination: while a cycle runs, gc/total + scavenge/total +
 * idle + user exceeds total by the pause CPU since the last mark termination — at most /cpu/classes/gc/pause.
 * Go 1.20 adds every pause at mark termination: exact there.
 */
function pauseSlack(goVersion: string | undefined): boolean {
  const m = goVersion === undefined ? null : /(?:^|\s|go)1\.(\d+)/.exec(goVersion);
  return m === null || Number(m[1]) >= 21;
}

const MEMORY_TOTAL = '/memory/classes/total:bytes';
const MEMORY_PREFIX = '/memory/classes/';

/** The /cpu/classes relations (Go 1.20+): each total and its parts, as the runtime's descriptions say. */
const CPU_SUMS: readonly (readonly [string, readonly string[]])[] = [
  [
    '/cpu/classes/gc/total:cpu-seconds',
    [
      '/cpu/classes/gc/mark/assist:cpu-seconds',
      '/cpu/classes/gc/mark/dedicated:cpu-seconds',
      '/cpu/classes/gc/mark/idle:cpu-seconds',
      '/cpu/classes/gc/pause:cpu-seconds',
    ],
  ],
  ['/cpu/classes/scavenge/total:cpu-seconds', ['/cpu/classes/scavenge/assist:cpu-seconds', '/cpu/classes/scavenge/background:cpu-seconds']],
  [
    '/cpu/classes/total:cpu-seconds',
    ['/cpu/classes/gc/total:cpu-seconds', '/cpu/classes/scavenge/total:cpu-seconds', '/cpu/classes/idle:cpu-seconds', '/cpu/classes/user:cpu-seconds'],
  ],
];

function versionOptions(goVersion: string | undefined): { goVersion?: string } {
  if (goVersion === undefined) return {};
  try {
    describe(MEMORY_TOTAL, { goVersion });
    return { goVersion };
  } catch {
    return {}; // not a Go version string (a custom build label): the newest catalogue
  }
}

/**
 * The /memory/classes leaves of a Go version: every listed /memory/classes metric but the total (the tree has no
 * inner nodes in any release, Go 1.16–1.26).
 */
export function memoryClassLeaves(goVersion?: string): string[] {
  return catalog(versionOptions(goVersion))
    .map((m) => m.name)
    .filter((n) => n.startsWith(MEMORY_PREFIX) && n !== MEMORY_TOTAL);
}

/**
 * The invariants a snapshot breaks; empty when it is consistent. Checked, each only when the snapshot has every
 * metric the relation involves (snapshots built from traces or exporters are often partial: an absent metric is not
 * a violation):
 * - `memory-classes-sum`: the /memory/classes leaves of the catalogue (of the snapshot's Go version) sum exactly to
 *   /memory/classes/total:bytes (the runtime computes both from one consistent set of statistics);
 * - `cpu-classes-sum`: /cpu/classes/gc/total = assist + dedicated + idle + pause; scavenge/total = assist +
 *   background (within {@link CPU_RELATIVE_TOLERANCE}); total = gc/total + scavenge/total + idle + user, exactly so
 *   (within the tolerance) in Go 1.20; from Go 1.21 the parts may exceed the total by at most
 *   /cpu/classes/gc/pause, since the pauses of a running cycle are counted before the total is recomputed;
 * - `allocs-ge-frees`: /gc/heap/allocs ≥ /gc/heap/frees, in bytes and in objects;
 * - `heap-live`: /gc/heap/objects:objects = allocs:objects − frees:objects, and /memory/classes/heap/objects:bytes
 *   = allocs:bytes − frees:bytes;
 * - `histogram-shape`: counts + 1 boundaries, strictly increasing, none NaN;
 * - `kind`: each value has the kind the catalogue gives the name (names it does not know are not checked).
 */
export function validate(snapshot: Snapshot, options: ValidateOptions = {}): Violation[] {
  const goVersion = snapshot.goVersion ?? options.goVersion;
  const vopts = versionOptions(goVersion);
  const values = snapshot.values;
  const out: Violation[] = [];
  const involved = (names: readonly string[]) => names.map((name) => ({ name, value: values.get(name)! }));

  // Kinds and histogram shapes first: the sums below read values by the kind they expect.
  for (const [name, value] of values) {
    const info = describe(name, vopts);
    if (info !== undefined && info.kind !== value.kind)
      out.push({ rule: 'kind', metrics: [{ name, value }], message: `${name} is ${value.kind}; the catalogue of ${info.goVersion} says ${info.kind}` });
    if (value.kind === 'Float64Histogram') {
      const problem = histogramProblem(value.buckets, value.counts.length);
      if (problem !== undefined) out.push({ rule: 'histogram-shape', metrics: [{ name, value }], message: `${name}: ${problem}` });
    }
  }

  const u = (name: string): bigint | undefined => {
    const v = values.get(name);
    return v?.kind === 'Uint64' ? v.value : undefined;
  };
  const f = (name: string): number | undefined => {
    const v = values.get(name);
    return v?.kind === 'Float64' ? v.value : undefined;
  };

  // Memory classes: exact, in u64 arithmetic (a wrapped sum would be a violation too; bigint cannot wrap).
  const leaves = memoryClassLeaves(goVersion);
  const total = u(MEMORY_TOTAL);
  if (total !== undefined && leaves.length > 0 && leaves.every((n) => u(n) !== undefined)) {
    let sum = 0n;
    for (const n of leaves) sum += u(n)!;
    if (sum !== total)
      out.push({
        rule: 'memory-classes-sum',
        metrics: involved([MEMORY_TOTAL, ...leaves]),
        message: `the ${leaves.length} /memory/classes leaves sum to ${sum}, ${MEMORY_TOTAL} is ${total}`,
      });
  }

  for (const [totalName, parts] of CPU_SUMS) {
    const t = f(totalName);
    const xs = parts.map(f);
    if (t === undefined || xs.some((x) => x === undefined)) continue;
    let sum = 0;
    let scale = Math.abs(t);
    for (const x of xs as number[]) {
      sum += x;
      scale = Math.max(scale, Math.abs(x));
    }
    const tol = CPU_RELATIVE_TOLERANCE * scale;
    // The grand total of Go 1.21+ may trail its parts by the pauses of a cycle still running (see pauseSlack).
    const slack = totalName === CPU_TOTAL && pauseSlack(goVersion) ? f(CPU_PAUSE) : 0;
    if (slack === undefined) continue;
    const excess = sum - t;
    // Written so that NaN anywhere is a violation.
    if (!(excess >= -tol && excess <= slack + tol))
      out.push({
        rule: 'cpu-classes-sum',
        metrics: involved(slack > 0 ? [totalName, ...parts, CPU_PAUSE] : [totalName, ...parts]),
        message:
          `${parts.join(' + ')} = ${sum}, ${totalName} is ${t}` +
          (slack > 0 ? ` (the parts may exceed it by at most ${CPU_PAUSE} = ${slack})` : ''),
      });
  }

  for (const unit of ['bytes', 'objects']) {
    const allocs = `/gc/heap/allocs:${unit}`;
    const frees = `/gc/heap/frees:${unit}`;
    const a = u(allocs);
    const fr = u(frees);
    if (a === undefined || fr === undefined) continue;
    if (a < fr) {
      out.push({ rule: 'allocs-ge-frees', metrics: involved([allocs, frees]), message: `${allocs} = ${a} < ${frees} = ${fr}` });
      continue;
    }
    const liveName = unit === 'objects' ? '/gc/heap/objects:objects' : '/memory/classes/heap/objects:bytes';
    const live = u(liveName);
    if (live !== undefined && live !== a - fr)
      out.push({ rule: 'heap-live', metrics: involved([liveName, allocs, frees]), message: `${liveName} = ${live}, ${allocs} − ${frees} = ${a - fr}` });
  }
  return out;
}

/** Why boundaries are not a valid histogram over `counts` buckets, or undefined. */
export function histogramProblem(buckets: readonly number[], counts: number): string | undefined {
  if (buckets.length !== counts + 1) return `${buckets.length} boundaries for ${counts} counts (want counts + 1)`;
  for (let i = 0; i < buckets.length; i++) {
    const b = buckets[i]!;
    if (Number.isNaN(b)) return `boundary ${i} is NaN`;
    if (i > 0 && !(b > buckets[i - 1]!)) return `boundary ${i} (${b}) is not above boundary ${i - 1} (${buckets[i - 1]})`;
  }
  return undefined;
}
