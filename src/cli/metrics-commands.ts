/**
 * CLI commands of runtime/metrics (`godiag metrics catalog|dump|diff`), registered in the metrics format group
 * of src/cli/commands.ts.
 * @module
 */

import { detect, DETECT_BYTES } from '../detect.js';
import { canonicalJson, float, type JsonValue } from '../internal/canonical-json.js';
import { decompressSync, detectCompression } from '../internal/compression.js';
import { readAll } from '../internal/input.js';
import { decodeUtf8 } from '../internal/utf8.js';
import { catalog, catalogVersion, type MetricInfo } from '../metrics/catalog.js';
import { fromClientGolang } from '../metrics/client-golang.js';
import { delta, interval, type MetricDelta } from '../metrics/derive.js';
import { gcCpuFraction } from '../metrics/derive-gc.js';
import { histogramQuantile } from '../metrics/derive-histogram.js';
import { fromExpvar } from '../metrics/expvar.js';
import { metricsFromTrace } from '../metrics/from-trace.js';
import { parsePrometheus } from '../metrics/prometheus.js';
import { readSnapshots, snapshotJson } from '../metrics/snapshot-json.js';
import type { MetricValue, Snapshot } from '../metrics/snapshot.js';
import { readTrace } from '../trace/events/reader.js';
import { fileSource } from '../node/index.js';
import { checkFlags, parseArgs, UsageError, type Args } from './args.js';
import type { Command, Io } from './command.js';

/** The help text of the metrics group. */
export const metricsHelp = [
  'godiag metrics dump FILE [--go V] [--accumulate] the runtime/metrics snapshots in FILE as canonical JSON Lines; FILE is',
  '                                                 canonical snapshot JSON, a Prometheus scrape of client_golang, expvar',
  '                                                 /debug/vars JSON, or an execution trace (its Metric events)',
  '                                                 --go: the Go version when FILE does not say it; --accumulate: for a',
  '                                                 trace, each snapshot holds every metric seen so far',
  'godiag metrics diff A [B] [--go VERSION] [--all] [--json]',
  '                                                 what changed from A\'s last snapshot to B\'s last (or from the first to',
  '                                                 the last snapshot of A): counters with rates, gauges, histogram',
  '                                                 samples and quantiles, the GC CPU fraction; --all lists unchanged ones',
  'godiag metrics catalog [--go VERSION] [--json]   every metric of a Go release (default: the newest recorded):',
  '                                                 name, kind, cumulative, added, removed, deprecated',
].join('\n');

function catalogJson(m: MetricInfo): string {
  const o: Record<string, unknown> = { name: m.name, kind: m.kind, unit: m.unit, cumulative: m.cumulative, description: m.description, added: m.added };
  if (m.removed !== undefined) o.removed = m.removed;
  if (m.deprecated !== undefined) o.deprecated = { since: m.deprecated.since, replacements: [...m.deprecated.replacements] };
  return canonicalJson(o) + '\n';
}

const KIND_TEXT: Record<MetricInfo['kind'], string> = { Uint64: 'uint64', Float64: 'float64', Float64Histogram: 'histogram' };

function catalogText(metrics: readonly MetricInfo[], version: string): string {
  const width = Math.max(...metrics.map((m) => m.name.length));
  const lines = [`# runtime/metrics of ${version}: ${metrics.length} metrics (kind, cumulative or gauge, Go minor that added it)`];
  for (const m of metrics) {
    let line = `${m.name.padEnd(width)}  ${KIND_TEXT[m.kind].padEnd(9)}  ${m.cumulative ? 'cumulative' : 'gauge     '}  ${m.added}`;
    if (m.deprecated !== undefined) {
      const instead = m.deprecated.replacements.length > 0 ? `, use ${m.deprecated.replacements.join(' or ')}` : '';
      line += `  deprecated since ${m.deprecated.since}${instead}`;
    }
    if (m.removed !== undefined) line += `  removed in ${m.removed}`;
    lines.push(line);
  }
  return lines.join('\n') + '\n';
}

const catalogCommand: Command = {
  summary: 'list the runtime/metrics of a Go release',
  async run(argv: readonly string[], io: Io): Promise<void> {
    const args = parseArgs(argv, ['go']);
    checkFlags(args, ['go', 'json']);
    if (args.positional.length > 0) throw new UsageError(`godiag metrics catalog takes no FILE (got ${args.positional[0]!})`);
    const go = args.flags.get('go');
    if (go === true) throw new UsageError('option --go needs a Go version (1.22, go1.22.3)');
    let version: string | undefined;
    try {
      version = catalogVersion(go);
    } catch (e) {
      if (e instanceof TypeError) throw new UsageError(`--go ${JSON.stringify(go)} is not a Go version (want 1.22 or go1.22.3)`);
      throw e;
    }
    if (version === undefined) throw new UsageError(`Go ${go ?? '?'} has no runtime/metrics (it appeared in Go 1.16)`);
    const metrics = catalog({ goVersion: version });
    io.stdout.write(args.flags.has('json') ? metrics.map(catalogJson).join('') : catalogText(metrics, version));
  },
};

/** Snapshots read from a CLI FILE argument, and notes on what was left out. */
interface Input {
  snapshots: AsyncIterable<Snapshot>;
  /** Where the values came from, for messages. */
  encoding: string;
  /** Series of the input that are not runtime/metrics values (printed on stderr: nothing is dropped silently). */
  unmapped: readonly string[];
}

/** Removes a storage gzip layer. */
function maybeGunzip(bytes: Uint8Array): Uint8Array {
  return detectCompression(bytes) === 'gzip' ? decompressSync(bytes, 'gzip') : bytes;
}

async function* once(s: Snapshot): AsyncIterable<Snapshot> {
  yield s;
}

/**
 * Opens FILE (or `-`) as snapshots, whatever the encoding: an execution trace streams from the file; the text
 * encodings are read whole (a scrape or /debug/vars is small; a JSON Lines file is read as it streams).
 */
async function openSnapshots(path: string, io: Io, goVersion: string | undefined, accumulate = false): Promise<Input> {
  let head: Uint8Array;
  let whole: Uint8Array | undefined;
  if (path === '-') {
    if (!io.stdin) throw new UsageError('standard input is not available');
    whole = maybeGunzip(await readAll(io.stdin));
    head = whole.subarray(0, DETECT_BYTES);
  } else {
    const chunks = (await fileSource(path, { chunkBytes: DETECT_BYTES, readAhead: 0 }))[Symbol.asyncIterator]();
    const first = await chunks.next();
    await chunks.return?.(); // closes the file
    head = first.done === true ? new Uint8Array(0) : first.value;
    if (detectCompression(head) === 'gzip') {
      whole = maybeGunzip(await readAll(await fileSource(path)));
      head = whole.subarray(0, DETECT_BYTES);
    }
  }
  const found = detect(head, (whole ?? head).length < DETECT_BYTES);
  const source = whole ?? (await fileSource(path));
  const version = goVersion === undefined ? {} : { goVersion };
  if (found.format === 'trace') {
    return { snapshots: metricsFromTrace(readTrace(source), { ...version, accumulate }), encoding: 'execution trace', unmapped: [] };
  }
  if (found.format !== 'metrics') throw new UsageError(`${path}: ${found.format} data holds no runtime/metrics values (want snapshot JSON, a Prometheus scrape, expvar JSON or a trace)`);
  switch (found.encoding) {
    case 'runtime-metrics-json':
      return { snapshots: readSnapshots(source), encoding: 'snapshot JSON', unmapped: [] };
    case 'prometheus-text': {
      const m = fromClientGolang(parsePrometheus(whole ?? (await readAll(source))), version);
      return { snapshots: once(m.snapshot), encoding: 'Prometheus scrape', unmapped: m.unmapped };
    }
    case 'expvar-json': {
      const m = fromExpvar(decodeUtf8(whole ?? (await readAll(source))), version);
      return { snapshots: once(m.snapshot), encoding: 'expvar JSON', unmapped: m.unmapped };
    }
  }
}

function noteUnmapped(io: Io, path: string, input: Input): void {
  if (input.unmapped.length === 0) return;
  const shown = input.unmapped.slice(0, 8).join(', ');
  const more = input.unmapped.length > 8 ? `, … (${input.unmapped.length - 8} more)` : '';
  io.stderr.write(`godiag: ${path}: ${input.unmapped.length} series of the ${input.encoding} are not runtime/metrics values and were left out: ${shown}${more}\n`);
}

function goFlag(args: Args): string | undefined {
  const go = args.flags.get('go');
  if (go === true) throw new UsageError('option --go needs a Go version (1.22, go1.22.3)');
  if (go !== undefined) {
    try {
      catalogVersion(go);
    } catch {
      throw new UsageError(`--go ${JSON.stringify(go)} is not a Go version (want 1.22 or go1.22.3)`);
    }
  }
  return go;
}

const dumpCommand: Command = {
  summary: 'print the runtime/metrics snapshots of a file as canonical JSON Lines',
  async run(argv: readonly string[], io: Io): Promise<void> {
    const args = parseArgs(argv, ['go']);
    checkFlags(args, ['go', 'accumulate']);
    const [path, extra] = args.positional;
    if (path === undefined || extra !== undefined) throw new UsageError('usage: godiag metrics dump FILE [--go VERSION] [--accumulate]');
    const input = await openSnapshots(path, io, goFlag(args), args.flags.has('accumulate'));
    noteUnmapped(io, path, input);
    let out = '';
    for await (const s of input.snapshots) {
      out += snapshotJson(s) + '\n';
      if (out.length >= 1 << 16) {
        io.stdout.write(out);
        out = '';
      }
    }
    io.stdout.write(out);
  },
};

/** The first and the last snapshot of an input (the same one when it holds one). */
async function firstAndLast(path: string, io: Io, goVersion: string | undefined): Promise<[Snapshot, Snapshot]> {
  const input = await openSnapshots(path, io, goVersion);
  noteUnmapped(io, path, input);
  let first: Snapshot | undefined;
  let last: Snapshot | undefined;
  for await (const s of input.snapshots) {
    first ??= s;
    last = s;
  }
  if (first === undefined || last === undefined) throw new UsageError(`${path}: no runtime/metrics snapshot in this ${input.encoding}`);
  return [first, last];
}

function valueJson(v: bigint | number): JsonValue {
  return typeof v === 'bigint' ? v : float(v);
}

function metricValueJson(v: MetricValue): JsonValue {
  switch (v.kind) {
    case 'Uint64':
      return { kind: v.kind, value: v.value };
    case 'Float64':
      return { kind: v.kind, value: float(v.value) };
    case 'Float64Histogram':
      return { kind: v.kind, buckets: v.buckets.map(float), counts: [...v.counts] };
  }
}

/** One metric's change as canonical JSON. */
function deltaJson(d: MetricDelta, seconds: number | undefined): JsonValue {
  switch (d.type) {
    case 'counter':
      return { type: d.type, name: d.name, kind: d.kind, before: valueJson(d.before), after: valueJson(d.after), delta: valueJson(d.delta), ...(seconds !== undefined ? { perSecond: float(Number(d.delta) / seconds) } : {}) };
    case 'counter-decrease':
      return { type: d.type, name: d.name, kind: d.kind, before: valueJson(d.before), after: valueJson(d.after) };
    case 'gauge':
      return { type: d.type, name: d.name, kind: d.kind, described: d.described, before: valueJson(d.before), value: valueJson(d.value), change: valueJson(d.change) };
    case 'histogram':
      return { type: d.type, name: d.name, samples: d.samples, ...(seconds !== undefined ? { perSecond: float(Number(d.samples) / seconds) } : {}), value: metricValueJson(d.value) };
    case 'histogram-decrease':
      return { type: d.type, name: d.name, buckets: [...d.buckets] };
    case 'buckets-mismatch':
      return { type: d.type, name: d.name, before: d.before.map(float), after: d.after.map(float) };
    case 'kind-mismatch':
      return { type: d.type, name: d.name, before: d.before, after: d.after };
    case 'only-before':
    case 'only-after':
      return { type: d.type, name: d.name, value: metricValueJson(d.value) };
  }
}

const num = (v: bigint | number): string => (typeof v === 'bigint' ? v.toString() : String(v));
const signed = (v: bigint | number): string => (v > 0 ? `+${num(v)}` : num(v));
const rate = (v: number): string => (Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : String(Math.round(v * 1000) / 1000));

/** One metric's change as a line for people; undefined when it did not change (and `--all` is off). */
function deltaText(d: MetricDelta, seconds: number | undefined, all: boolean): string | undefined {
  switch (d.type) {
    case 'counter':
      if (d.delta === 0n || d.delta === 0) return all ? 'counter    unchanged' : undefined;
      return `counter    ${signed(d.delta)}${seconds !== undefined ? `  (${rate(Number(d.delta) / seconds)}/s)` : ''}`;
    case 'counter-decrease':
      return `counter    DECREASED ${num(d.before)} → ${num(d.after)} (a restart, or the snapshots in the wrong order)`;
    case 'gauge':
      if (d.change === 0n || d.change === 0) return all ? `gauge      ${num(d.value)}` : undefined;
      return `gauge      ${num(d.value)}  (${signed(d.change)})`;
    case 'histogram': {
      if (d.samples === 0n) return all ? 'histogram  no samples' : undefined;
      const q = (p: number): string => {
        const e = histogramQuantile(d.value, p);
        if (e === undefined) return '?';
        const mark = e.bound === 'below' ? '≤' : e.bound === 'above' ? '≥' : '≈';
        return `${mark}${rate(e.value)}`;
      };
      return `histogram  +${d.samples} samples${seconds !== undefined ? ` (${rate(Number(d.samples) / seconds)}/s)` : ''}, p50 ${q(0.5)}, p99 ${q(0.99)}, max ${q(1)}`;
    }
    case 'histogram-decrease':
      return `histogram  DECREASED in buckets ${d.buckets.join(', ')} (a restart, or the snapshots in the wrong order)`;
    case 'buckets-mismatch':
      return 'histogram  bucket boundaries differ: counts cannot be subtracted';
    case 'kind-mismatch':
      return `kind changed from ${d.before} to ${d.after}`;
    case 'only-before':
      return 'only in the earlier snapshot';
    case 'only-after':
      return 'only in the later snapshot';
  }
}

const diffCommand: Command = {
  summary: 'what changed between two runtime/metrics snapshots',
  async run(argv: readonly string[], io: Io): Promise<void> {
    const args = parseArgs(argv, ['go']);
    checkFlags(args, ['go', 'all', 'json']);
    const [pathA, pathB, extra] = args.positional;
    if (pathA === undefined || extra !== undefined) throw new UsageError('usage: godiag metrics diff A [B] [--go VERSION] [--all] [--json]');
    const go = goFlag(args);
    const [firstA, lastA] = await firstAndLast(pathA, io, go);
    let a = firstA;
    let b = lastA;
    if (pathB !== undefined) {
      a = lastA;
      b = (await firstAndLast(pathB, io, go))[1];
    } else if (firstA === lastA) {
      throw new UsageError(`${pathA} holds one snapshot: give a second FILE to compare it with`);
    }
    const d = delta(a, b, go === undefined ? {} : { goVersion: go });
    const iv = interval(a, b);
    const seconds = iv.status === 'ok' ? iv.seconds : undefined;
    const gc = gcCpuFraction(a, b);
    if (args.flags.has('json')) {
      const head: Record<string, JsonValue> = { interval: iv.status === 'ok' ? { status: iv.status, seconds: float(iv.seconds), source: iv.source } : { status: iv.status } };
      if (d.goVersion !== undefined) head.goVersion = d.goVersion;
      head.gcCpuFraction =
        gc.status === 'ok'
          ? { status: gc.status, fraction: float(gc.fraction), cycles: gc.cycles, ...(gc.compulsoryFraction !== undefined ? { compulsoryFraction: float(gc.compulsoryFraction) } : {}) }
          : gc.status === 'unavailable'
            ? { status: gc.status, missing: [...gc.missing] }
            : gc.status === 'stale'
              ? { status: gc.status }
              : { status: gc.status, reason: gc.reason };
      let out = canonicalJson(head) + '\n';
      for (const m of d.metrics.values()) out += canonicalJson(deltaJson(m, seconds)) + '\n';
      io.stdout.write(out);
      return;
    }
    const lines: string[] = [];
    const when = iv.status === 'ok' ? `over ${rate(iv.seconds)} s (${iv.source === 'time' ? 'wall clock' : 'trace clock'})` : iv.status === 'missing-time' ? 'no interval: the snapshots carry no common time' : `no interval: the later snapshot is not after the earlier (${iv.seconds} s)`;
    lines.push(`# ${d.goVersion ?? 'unknown Go version'}, ${when}`);
    if (gc.status === 'ok') lines.push(`# GC CPU fraction ${(gc.fraction * 100).toFixed(2)} % over ${gc.cycles} GC cycles${gc.compulsoryFraction !== undefined ? ` (${(gc.compulsoryFraction * 100).toFixed(2)} % without idle marking)` : ''}`);
    else if (gc.status === 'stale') lines.push('# GC CPU fraction: not known — no GC cycle completed between the snapshots, and /cpu/classes only move at a GC');
    else if (gc.status === 'inconsistent') lines.push(`# GC CPU fraction: inconsistent snapshots (${gc.reason})`);
    const rows: [string, string][] = [];
    for (const m of d.metrics.values()) {
      const t = deltaText(m, seconds, args.flags.has('all'));
      if (t !== undefined) rows.push([m.name, t]);
    }
    const width = Math.max(0, ...rows.map(([n]) => n.length));
    for (const [n, t] of rows) lines.push(`${n.padEnd(width)}  ${t}`);
    if (rows.length === 0) lines.push('nothing changed');
    io.stdout.write(lines.join('\n') + '\n');
  },
};

/** The metrics commands, by name. */
export const metricsCommands: Record<string, Command> = {
  dump: dumpCommand,
  diff: diffCommand,
  catalog: catalogCommand,
};
