/**
 * client_golang's Go collector (`collectors.NewGoCollector`) mapped back to runtime/metrics.
 *
 * Three kinds of `go_*` series leave a process through client_golang:
 * - series derived from runtime/metrics (client_golang ≥ 1.12 on Go ≥ 1.17: all of them with
 *   `WithGoCollectorRuntimeMetrics(MetricsAll)`, three by default in recent releases). Their names follow one rule
 *   ({@link clientGolangName}); the rule loses `/` versus `-`, so it is inverted through the catalogue, and the
 *   HELP text's "Sourced from /x/y:unit." (client_golang ≥ 1.21) decides when present;
 * - `go_memstats_*`, computed from runtime/metrics (client_golang ≥ 1.12 on Go ≥ 1.17) or from
 *   `runtime.ReadMemStats` (older client_golang, Go 1.16): mapped only where the value is one runtime metric, or
 *   the difference of two such series;
 * - `go_goroutines`, `go_threads`, `go_gc_duration_seconds`, `go_info`, `go_memstats_last_gc_time_seconds`.
 * @module
 */

import { METRIC_RECORDS } from './catalog-data.js';
import { catalog, describe, type MetricInfo, type MetricKind } from './catalog.js';
import type { MetricFamily, Sample } from './prometheus.js';
import type { MetricValue, Snapshot } from './snapshot.js';

/** What {@link clientGolangName} needs of a metric: its name, kind and whether it is cumulative. */
export interface NamedMetric {
  /** The runtime/metrics name, `/gc/heap/allocs:bytes`. */
  readonly name: string;
  /** Its kind. */
  readonly kind: MetricKind;
  /** Whether it is cumulative. */
  readonly cumulative: boolean;
}

/** Prometheus' legacy metric name syntax, which client_golang checks the names it builds against. */
const LEGACY_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * The name client_golang's Go collector gives a runtime/metrics metric, or `undefined` when it refuses it (a
 * name outside the legacy name syntax). The rule, the same in every client_golang from 1.12 to now: `go_`, then
 * the path's directories with `/` and `-` as `_`, then the last element with `-` as `_`, `_`, the unit with `-`
 * and `*` as `_` and `/` as `_per_`, and `_total` for a cumulative metric that is not a histogram.
 */
export function clientGolangName(m: NamedMetric): string | undefined {
  const colon = m.name.indexOf(':');
  if (colon < 0 || !m.name.startsWith('/')) return undefined;
  const key = m.name.slice(1, colon);
  const slash = key.lastIndexOf('/');
  // path.Dir of a single element is ".", which client_golang keeps as the subsystem.
  const subsystem = (slash < 0 ? '.' : key.slice(0, slash)).replace(/[/-]/g, '_');
  const unit = m.name.slice(colon + 1).replace(/[-*]/g, '_').replace(/\//g, '_per_');
  let name = `${key.slice(slash + 1).replace(/-/g, '_')}_${unit}`;
  if (m.cumulative && m.kind !== 'Float64Histogram') name += '_total';
  const full = `go_${subsystem}_${name}`;
  return LEGACY_NAME.test(full) ? full : undefined;
}

/** How a runtime metric was recovered from a scrape. */
export type MappingSource =
  /** A runtime/metrics-derived series, named by its "Sourced from" HELP text. */
  | 'help'
  /** A runtime/metrics-derived series, named by inverting {@link clientGolangName} through the catalogue. */
  | 'name'
  /** A `go_memstats_*` series equal to one runtime metric. */
  | 'memstats'
  /** The difference of two `go_memstats_*` series (e.g. heap in use − heap allocated = heap unused). */
  | 'memstats-difference'
  /** `go_goroutines` (runtime.NumGoroutine, Go ≤ 1.25) or the `_count` of `go_gc_duration_seconds` (NumGC). */
  | 'base';

/** One runtime metric recovered from a scrape. */
export interface MappedMetric {
  /** The runtime/metrics name. */
  readonly metric: string;
  /** The families it came from (two for a difference). */
  readonly families: readonly string[];
  /** How. */
  readonly source: MappingSource;
  /**
   * Set on a Uint64 metric whose exposed float64 is 2^53 or more: the process's u64 was already rounded to the
   * nearest float64 when client_golang wrote it, so the bigint is that float64's value, not necessarily the
   * runtime's (`/gc/gomemlimit:bytes` = math.MaxInt64 arrives as 2^63). Values of 2^64 are clamped to 2^64 − 1.
   */
  readonly rounded?: true;
}

/** A family left out, and why. */
export interface UnmappedFamily {
  /** The family name. */
  readonly family: string;
  /** Why it is not a runtime metric. */
  readonly reason: string;
}

/** The result of {@link fromClientGolang}. */
export interface ClientGolangMapping {
  /** The recovered values, keyed by runtime/metrics name, sorted by name; `goVersion` from `go_info`. */
  readonly snapshot: Snapshot;
  /** How each recovered metric was found, sorted by metric name. */
  readonly mapped: readonly MappedMetric[];
  /** Names of the families that gave no runtime metric (`process_*`, `go_threads`, …), in input order. */
  readonly unmapped: readonly string[];
  /** The same families with the reason. */
  readonly unmappedReasons: readonly UnmappedFamily[];
}

/** Options of {@link fromClientGolang}. */
export interface ClientGolangOptions {
  /** The process's Go version when the scrape has no `go_info` (which says it otherwise and wins). */
  readonly goVersion?: string;
  /** Unix nanoseconds to put in the snapshot's `time` (a scrape does not say when it was taken). */
  readonly time?: bigint;
}

/** `go_memstats_*` families equal to one runtime metric (client_golang's memStatsFromRM; the runtime's readmemstats). */
const MEMSTATS_EXACT: ReadonlyArray<readonly [family: string, metric: string]> = [
  ['go_memstats_alloc_bytes', '/memory/classes/heap/objects:bytes'],
  ['go_memstats_heap_alloc_bytes', '/memory/classes/heap/objects:bytes'],
  ['go_memstats_alloc_bytes_total', '/gc/heap/allocs:bytes'],
  ['go_memstats_sys_bytes', '/memory/classes/total:bytes'],
  ['go_memstats_heap_released_bytes', '/memory/classes/heap/released:bytes'],
  ['go_memstats_heap_objects', '/gc/heap/objects:objects'],
  ['go_memstats_stack_inuse_bytes', '/memory/classes/heap/stacks:bytes'],
  ['go_memstats_mspan_inuse_bytes', '/memory/classes/metadata/mspan/inuse:bytes'],
  ['go_memstats_mcache_inuse_bytes', '/memory/classes/metadata/mcache/inuse:bytes'],
  ['go_memstats_buck_hash_sys_bytes', '/memory/classes/profiling/buckets:bytes'],
  ['go_memstats_gc_sys_bytes', '/memory/classes/metadata/other:bytes'],
  ['go_memstats_other_sys_bytes', '/memory/classes/other:bytes'],
  ['go_memstats_next_gc_bytes', '/gc/heap/goal:bytes'],
];

/** Runtime metrics that are the difference of two `go_memstats_*` families (minuend − subtrahend). */
const MEMSTATS_DIFFERENCES: ReadonlyArray<readonly [metric: string, minuend: string, subtrahend: string]> = [
  ['/memory/classes/heap/unused:bytes', 'go_memstats_heap_inuse_bytes', 'go_memstats_heap_alloc_bytes'],
  ['/memory/classes/heap/free:bytes', 'go_memstats_heap_idle_bytes', 'go_memstats_heap_released_bytes'],
  ['/memory/classes/os-stacks:bytes', 'go_memstats_stack_sys_bytes', 'go_memstats_stack_inuse_bytes'],
  ['/memory/classes/metadata/mspan/free:bytes', 'go_memstats_mspan_sys_bytes', 'go_memstats_mspan_inuse_bytes'],
  ['/memory/classes/metadata/mcache/free:bytes', 'go_memstats_mcache_sys_bytes', 'go_memstats_mcache_inuse_bytes'],
];

/** Why the other known families are no runtime metric. */
const NOT_RUNTIME_METRICS: ReadonlyMap<string, string> = new Map([
  ['go_goroutines', 'runtime.NumGoroutine: /sched/goroutines:goroutines up to Go 1.25; from Go 1.26 that metric counts system goroutines too (and without a Go version this cannot be told)'],
  ['go_threads', 'OS threads of the process (or threads created, in old client_golang): no runtime metric counts them'],
  ['go_info', 'the Go version: the snapshot goVersion'],
  ['go_memstats_last_gc_time_seconds', 'MemStats.LastGC: no runtime metric holds the time of the last GC'],
  ['go_memstats_gc_cpu_fraction', 'MemStats.GCCPUFraction (0 in client_golang ≥ 1.12 on Go ≥ 1.17): see /cpu/classes'],
  ['go_memstats_lookups_total', 'MemStats.Lookups, always 0: no runtime metric'],
  ['go_memstats_mallocs_total', 'MemStats.Mallocs = /gc/heap/allocs:objects + /gc/heap/tiny/allocs:objects, a sum'],
  ['go_memstats_frees_total', 'MemStats.Frees = /gc/heap/frees:objects + /gc/heap/tiny/allocs:objects, a sum'],
  ['go_memstats_heap_sys_bytes', 'MemStats.HeapSys, a sum of the four /memory/classes/heap metrics'],
  ['go_memstats_heap_inuse_bytes', 'MemStats.HeapInuse, a sum; gives /memory/classes/heap/unused:bytes with go_memstats_heap_alloc_bytes'],
  ['go_memstats_heap_idle_bytes', 'MemStats.HeapIdle, a sum; gives /memory/classes/heap/free:bytes with go_memstats_heap_released_bytes'],
  ['go_memstats_stack_sys_bytes', 'MemStats.StackSys, a sum; gives /memory/classes/os-stacks:bytes with go_memstats_stack_inuse_bytes'],
  ['go_memstats_mspan_sys_bytes', 'MemStats.MSpanSys, a sum; gives /memory/classes/metadata/mspan/free:bytes with go_memstats_mspan_inuse_bytes'],
  ['go_memstats_mcache_sys_bytes', 'MemStats.MCacheSys, a sum; gives /memory/classes/metadata/mcache/free:bytes with go_memstats_mcache_inuse_bytes'],
]);

const SOURCED_FROM = / Sourced from (\/\S+:\S+)\.$/;
const TWO_64 = 1n << 64n;
const TWO_53 = 2 ** 53;

const namesByVersion = new Map<string, Map<string, string>>();
let allNames: Map<string, string[]> | undefined;
/** client_golang name → runtime names, over every state of every recorded metric (for versions not recorded). */
function namesOfAllReleases(): Map<string, string[]> {
  if (allNames === undefined) {
    allNames = new Map();
    for (const rec of METRIC_RECORDS) {
      for (const s of rec.history) {
        if ('listed' in s) continue;
        const p = clientGolangName({ name: rec.name, kind: s.kind, cumulative: s.cumulative });
        if (p === undefined) continue;
        const list = allNames.get(p) ?? [];
        if (!list.includes(rec.name)) list.push(rec.name);
        allNames.set(p, list);
      }
    }
  }
  return allNames;
}

/**
 * The runtime/metrics name behind a client_golang family name for a Go version (the catalogue of that release
 * first, then any recorded release), or `undefined` when no recorded metric has that client_golang name.
 */
export function runtimeMetricName(family: string, goVersion?: string): string | undefined {
  const key = goVersion ?? '';
  let names = namesByVersion.get(key);
  if (names === undefined) {
    names = new Map();
    for (const m of catalog(goVersion === undefined ? {} : { goVersion })) {
      const p = clientGolangName(m);
      if (p !== undefined) names.set(p, m.name);
    }
    namesByVersion.set(key, names);
  }
  const own = names.get(family);
  if (own !== undefined) return own;
  const any = namesOfAllReleases().get(family);
  return any?.length === 1 ? any[0] : undefined;
}

/** The next float64 above `x` (x finite): client_golang writes each runtime boundary as the float64 just below it. */
function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, x > 0 ? bits + 1n : bits - 1n);
  const up = view.getFloat64(0);
  return up === 0 ? 0 : up; // −0 back to 0
}

/** The samples of a family that are not `_created` (OpenMetrics) — the series' own lines. */
function ownSamples(f: MetricFamily): Sample[] {
  return f.samples.filter((s) => !s.name.endsWith('_created'));
}

const labelKey = (s: Sample, skip: string): string =>
  s.labels
    .filter(([n]) => n !== skip)
    .map(([n, v]) => `${n}=${v}`)
    .join(',');

/** The single scalar of a counter/gauge/untyped family, or a reason it has none. */
function scalarOf(f: MetricFamily): number | string {
  const s = ownSamples(f);
  if (s.length !== 1) return `${s.length} series: one process's scrape has one`;
  return s[0]!.value;
}

/** A float64 from the scrape as the u64 it was converted from; `rounded` when the float64 was 2^53 or more. */
function toUint64(x: number): { value: bigint; rounded: boolean } | string {
  if (!Number.isFinite(x) || x < 0 || !Number.isInteger(x)) return `${x} is not a u64`;
  let value = BigInt(x);
  if (value >= TWO_64) value = TWO_64 - 1n; // float64(2^64−1) rounds up to 2^64
  return { value, rounded: x >= TWO_53 };
}

/** A re-bucketed runtime/metrics histogram back as a Float64Histogram of the exposed boundaries. */
function histogramOf(f: MetricFamily): MetricValue | string {
  const buckets: { le: number; count: number }[] = [];
  let count: number | undefined;
  let key: string | undefined;
  for (const s of ownSamples(f)) {
    const k = labelKey(s, 'le');
    if (key === undefined) key = k;
    else if (k !== key) return 'several series: one process\'s scrape has one';
    if (s.name.endsWith('_bucket')) {
      const le = s.labels.find(([n]) => n === 'le')?.[1];
      if (le === undefined) return 'a bucket without le';
      buckets.push({ le: Number(le === '+Inf' ? Infinity : le), count: s.value });
    } else if (s.name.endsWith('_count')) count = s.value;
  }
  buckets.sort((a, b) => a.le - b.le);
  const last = buckets[buckets.length - 1];
  if (last === undefined || last.le !== Infinity) {
    if (count === undefined) return 'no +Inf bucket and no _count';
    buckets.push({ le: Infinity, count });
  }
  const bounds: number[] = [-Infinity];
  const counts: bigint[] = [];
  let prev = 0;
  for (const b of buckets) {
    if (!Number.isInteger(b.count) || b.count < prev) return 'bucket counts are not cumulative integers';
    bounds.push(b.le === Infinity ? Infinity : nextUp(b.le));
    counts.push(BigInt(b.count) - BigInt(prev));
    prev = b.count;
  }
  return { kind: 'Float64Histogram', buckets: bounds, counts };
}

/** The runtime metric's kind for a Go version (the newest recorded text when that release does not list it). */
function infoOf(name: string, goVersion: string | undefined): MetricInfo | undefined {
  return describe(name, goVersion === undefined ? {} : { goVersion }) ?? describe(name);
}

/** A family's value as the runtime metric `info` describes, or a reason it cannot be. */
function valueOf(f: MetricFamily, kind: MetricKind): { value: MetricValue; rounded: boolean } | string {
  if (kind === 'Float64Histogram') {
    if (f.type !== 'histogram') return `a ${f.type}, the runtime metric is a histogram`;
    const h = histogramOf(f);
    return typeof h === 'string' ? h : { value: h, rounded: false };
  }
  const x = scalarOf(f);
  if (typeof x === 'string') return x;
  if (kind === 'Float64') return { value: { kind: 'Float64', value: x }, rounded: false };
  const u = toUint64(x);
  return typeof u === 'string' ? u : { value: { kind: 'Uint64', value: u.value }, rounded: u.rounded };
}

/**
 * Maps the families of a client_golang scrape (from {@link readPrometheus} or {@link parsePrometheus}, 0.0.4
 * or OpenMetrics) back to runtime/metrics values.
 *
 * - runtime/metrics-derived series: the metric is the one the HELP text names ("Sourced from …"), else the
 *   catalogue metric whose {@link clientGolangName} is the family name (for the process's Go version, then any
 *   recorded release). Uint64 metrics become exact `bigint`s: client_golang converted the u64 to float64, which
 *   is exact below 2^53 ({@link MappedMetric.rounded} otherwise). Cumulative Float64 metrics are exposed through a
 *   counter that client_golang advances by differences, so after several scrapes of one process the value may
 *   differ from the runtime's in the last bits; a first scrape is exact.
 * - histograms: client_golang merges the runtime's buckets (bytes: boundaries a factor 2 apart at least;
 *   seconds: a factor 10, everything above 1 s in +Inf) and writes each boundary as the float64 just below it.
 *   The result is a `Float64Histogram` with the exposed boundaries — not the runtime's — each moved back up to
 *   the runtime boundary it stands for, the first boundary −Inf (Prometheus' lowest bucket has no lower bound;
 *   the runtime's own first boundary is lost), the last +Inf, and per-bucket counts (Prometheus' are cumulative).
 * - `go_memstats_*`: only those equal to one runtime metric, and differences of two that equal one; the others
 *   are listed in `unmapped` with the reason. `go_goroutines` gives `/sched/goroutines:goroutines` up to Go 1.25
 *   (from 1.26 the metric counts system goroutines too), and
 *   `go_gc_duration_seconds_count` gives `/gc/cycles/total:gc-cycles` (NumGC); the pause quantiles are over the
 *   last 256 pauses only and match no runtime metric. A runtime/metrics-derived series wins over these.
 *
 * Only metrics the catalogue lists for the process's Go version are produced (a Go 1.16 process has no
 * `/gc/heap/allocs:bytes` even though MemStats.TotalAlloc is exposed). Families of other metrics (`process_*`,
 * the application's own) are `unmapped`.
 */
export function fromClientGolang(families: Iterable<MetricFamily>, options: ClientGolangOptions = {}): ClientGolangMapping {
  // A 0.0.4 family may come back later in the input: merge runs by name first.
  const byName = new Map<string, MetricFamily>();
  for (const f of families) {
    // OpenMetrics names a counter family without `_total` (go_memstats_alloc_bytes_total would meet the gauge
    // go_memstats_alloc_bytes): key counters by their samples' name, as 0.0.4 writes it.
    const name = f.type === 'counter' && f.samples.some((s) => s.name === `${f.name}_total`) ? `${f.name}_total` : f.name;
    const had = byName.get(name);
    if (had === undefined) byName.set(name, { ...f, name, samples: [...f.samples] });
    else had.samples.push(...f.samples);
  }

  let goVersion = options.goVersion;
  const info = byName.get('go_info');
  const v = info?.samples[0]?.labels.find(([n]) => n === 'version')?.[1];
  if (v !== undefined) goVersion = v;
  let listed: Set<string> | undefined;
  try {
    const cat = catalog(goVersion === undefined ? {} : { goVersion });
    listed = goVersion === undefined ? undefined : new Set(cat.map((m) => m.name));
  } catch {
    listed = undefined; // not a Go version we can read: take every metric
  }
  const version = listed === undefined ? undefined : goVersion;

  const values = new Map<string, MetricValue>();
  const mapped = new Map<string, MappedMetric>();
  const unmapped: UnmappedFamily[] = [];
  const used = new Set<string>();
  const put = (metric: string, value: MetricValue, m: MappedMetric): void => {
    values.set(metric, value);
    mapped.set(metric, m);
  };

  // 1. runtime/metrics-derived series.
  for (const f of byName.values()) {
    if (!f.name.startsWith('go_') || MEMSTATS_NAMES.has(f.name) || BASE_NAMES.has(f.name)) continue;
    const help = f.help === undefined ? undefined : SOURCED_FROM.exec(f.help)?.[1];
    // An OpenMetrics counter's family is named without `_total`.
    const name = help ?? runtimeMetricName(f.name, version);
    if (name === undefined) {
      unmapped.push({ family: f.name, reason: 'no runtime/metrics name gives this client_golang name, and no "Sourced from" HELP' });
      continue;
    }
    const d = infoOf(name, version);
    if (d === undefined) {
      unmapped.push({ family: f.name, reason: `${name} is in no recorded catalogue: its kind is unknown` });
      continue;
    }
    if (listed !== undefined && !listed.has(name) && d.family !== 'godebug') {
      unmapped.push({ family: f.name, reason: `${name} is not a metric of ${goVersion}` });
      continue;
    }
    const got = valueOf(f, d.kind);
    if (typeof got === 'string') {
      unmapped.push({ family: f.name, reason: got });
      continue;
    }
    used.add(f.name);
    put(name, got.value, { metric: name, families: [f.name], source: help !== undefined ? 'help' : 'name', ...(got.rounded ? { rounded: true as const } : {}) });
  }

  // 2. go_memstats_* and the base collector, where no runtime/metrics series gave the metric already.
  const scalarFamily = (family: string): { value: bigint; rounded: boolean } | undefined => {
    const f = byName.get(family);
    if (f === undefined) return undefined;
    const x = scalarOf(f);
    if (typeof x === 'string') return undefined;
    const u = toUint64(x);
    return typeof u === 'string' ? undefined : u;
  };
  const fallback = (metric: string, families: string[], source: MappingSource, u: { value: bigint; rounded: boolean }): void => {
    for (const f of families) used.add(f);
    if (mapped.has(metric) || (listed !== undefined && !listed.has(metric))) return;
    put(metric, { kind: 'Uint64', value: u.value }, { metric, families, source, ...(u.rounded ? { rounded: true as const } : {}) });
  };
  for (const [family, metric] of MEMSTATS_EXACT) {
    const u = scalarFamily(family);
    if (u !== undefined) fallback(metric, [family], 'memstats', u);
  }
  for (const [metric, a, b] of MEMSTATS_DIFFERENCES) {
    const x = scalarFamily(a);
    const y = scalarFamily(b);
    if (x === undefined || y === undefined || x.value < y.value) continue;
    fallback(metric, [a, b], 'memstats-difference', { value: x.value - y.value, rounded: x.rounded || y.rounded });
  }
  // runtime.NumGoroutine counts user goroutines; /sched/goroutines:goroutines did too until Go 1.26, which
  // counts system goroutines in it as well.
  const minor = goVersion === undefined ? undefined : /^(?:devel )?go1\.(\d+)/.exec(goVersion)?.[1];
  const goroutines = scalarFamily('go_goroutines');
  if (goroutines !== undefined && minor !== undefined && Number(minor) <= 25) fallback('/sched/goroutines:goroutines', ['go_goroutines'], 'base', goroutines);
  const gc = byName.get('go_gc_duration_seconds');
  const gcCount = gc?.samples.find((s) => s.name === 'go_gc_duration_seconds_count')?.value;
  if (gcCount !== undefined) {
    const u = toUint64(gcCount);
    if (typeof u !== 'string') fallback('/gc/cycles/total:gc-cycles', ['go_gc_duration_seconds'], 'base', u);
  }

  for (const f of byName.values()) {
    if (used.has(f.name) || unmapped.some((u) => u.family === f.name)) continue;
    const reason =
      f.name === 'go_gc_duration_seconds'
        ? 'pause quantiles over the last 256 GCs (debug.ReadGCStats), no runtime metric'
        : NOT_RUNTIME_METRICS.get(f.name) ?? (f.name.startsWith('go_') ? 'not a series of the Go collector' : 'not a series of the Go collector');
    unmapped.push({ family: f.name, reason });
  }

  const names = [...values.keys()].sort();
  const snapshot: Snapshot = {
    ...(options.time !== undefined ? { time: options.time } : {}),
    ...(goVersion !== undefined ? { goVersion } : {}),
    values: new Map(names.map((n) => [n, values.get(n)!])),
  };
  const order = new Map([...byName.keys()].map((n, i) => [n, i]));
  unmapped.sort((a, b) => order.get(a.family)! - order.get(b.family)!);
  return {
    snapshot,
    mapped: names.map((n) => mapped.get(n)!),
    unmapped: unmapped.map((u) => u.family),
    unmappedReasons: unmapped,
  };
}

const MEMSTATS_NAMES = new Set([...MEMSTATS_EXACT.map(([f]) => f), ...NOT_RUNTIME_METRICS.keys()].filter((n) => n.startsWith('go_memstats_')));
const BASE_NAMES = new Set(['go_goroutines', 'go_threads', 'go_info', 'go_gc_duration_seconds']);
