/**
 * Canonical snapshot JSON: one {@link Snapshot} per line, as the dependency-free Go function in
 * docs/metrics.md writes it from `metrics.Read` (and as godiag writes it back, byte for byte):
 *
 * `{"goVersion":"go1.26.8","metrics":{"/gc/cycles/total:gc-cycles":{"kind":"Uint64","value":"3"},…},"time":"1763784000123456789"}`
 *
 * Unsigned 64-bit values and the time are decimal strings, float64 values JSON numbers in Go's shortest `%g`
 * form with NaN and ±Inf as strings, histograms `{"buckets":[…],"counts":[…],"kind":"Float64Histogram"}`.
 * @module
 */

import { canonicalJson, float } from '../internal/canonical-json.js';
import { ErrorCode, GodiagError } from '../internal/errors.js';
import { chunks, type InputOptions, type Source } from '../internal/input.js';
import { Limits } from '../internal/limits.js';
import type { MetricValue, Snapshot } from './snapshot.js';

/** Options of {@link readSnapshots}. */
export interface SnapshotJsonOptions extends InputOptions {
  /** Longest line accepted, in bytes; default `Limits.maxStringBytes` (64 MiB). */
  maxLineBytes?: number;
}

const NL = 10;
const MAX_U64 = (1n << 64n) - 1n;
const MIN_I64 = -(1n << 63n);
const MAX_I64 = (1n << 63n) - 1n;
const UNSIGNED = /^(?:0|[1-9][0-9]*)$/;
const SIGNED = /^-?(?:0|[1-9][0-9]*)$/;
const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads snapshots from JSON Lines, streaming: each line is yielded as soon as it is complete. Blank lines are
 * skipped; the last line needs no newline. Errors are `GodiagError`s of format `metrics` giving the line
 * number, with the byte offset of the line's start (`truncated` for an unfinished last line).
 */
export async function* readSnapshots(
  source: Source,
  options: SnapshotJsonOptions = {},
): AsyncGenerator<Snapshot, void, undefined> {
  const maxLine = options.maxLineBytes ?? Limits.maxStringBytes;
  let carry: Uint8Array[] = [];
  let carryBytes = 0;
  let lineStart = 0; // byte offset of the line being assembled
  let lineNumber = 0;
  for await (const chunk of chunks(source, options)) {
    let at = 0;
    for (;;) {
      const nl = chunk.indexOf(NL, at);
      const end = nl < 0 ? chunk.length : nl;
      if (carryBytes + end - at > maxLine) {
        throw new GodiagError(ErrorCode.LimitExceeded, {
          format: 'metrics',
          offset: lineStart,
          message: `line ${lineNumber + 1} is longer than ${maxLine} bytes`,
        });
      }
      if (nl < 0) {
        if (at < chunk.length) {
          carry.push(chunk.slice(at));
          carryBytes += chunk.length - at;
        }
        break;
      }
      const line = join(carry, carryBytes, chunk.subarray(at, nl));
      lineNumber++;
      const snapshot = parseLine(line, lineStart, lineNumber, false);
      if (snapshot !== undefined) yield snapshot;
      lineStart += line.length + 1;
      carry = [];
      carryBytes = 0;
      at = nl + 1;
    }
  }
  if (carryBytes > 0) {
    const snapshot = parseLine(join(carry, carryBytes, new Uint8Array(0)), lineStart, lineNumber + 1, true);
    if (snapshot !== undefined) yield snapshot;
  }
}

/**
 * Reads one snapshot from its JSON text (one line; surrounding whitespace is allowed). Throws a `GodiagError`
 * of format `metrics` when the text is not a snapshot.
 */
export function parseSnapshotJson(text: string): Snapshot {
  const snapshot = parseText(text, 0, 1, false);
  if (snapshot === undefined) throw corrupt(0, 1, 'no snapshot: the text is empty');
  return snapshot;
}

/**
 * Writes a snapshot as one line of canonical JSON, without the newline. Metrics are sorted by name, so the
 * output does not depend on the order of `values`. Throws a `RangeError` for a value no reader would accept
 * (an unsigned value outside 0..2^64−1, a histogram whose boundaries are not one more than its counts).
 */
export function snapshotJson(s: Snapshot): string {
  const metrics: [string, object][] = [];
  for (const [name, v] of s.values) {
    if (v.kind === 'Uint64') {
      metrics.push([name, { kind: v.kind, value: checkU64(v.value, name) }]);
    } else if (v.kind === 'Float64') {
      metrics.push([name, { kind: v.kind, value: float(v.value) }]);
    } else {
      if (v.buckets.length !== v.counts.length + 1) {
        throw new RangeError(`snapshotJson: ${name}: ${v.buckets.length} boundaries for ${v.counts.length} counts`);
      }
      metrics.push([
        name,
        { buckets: v.buckets.map(float), counts: v.counts.map((c) => checkU64(c, name)), kind: v.kind },
      ]);
    }
  }
  if (s.time !== undefined && (s.time < MIN_I64 || s.time > MAX_I64)) {
    throw new RangeError(`snapshotJson: time ${s.time} is not a 64-bit signed integer`);
  }
  if (s.traceTime !== undefined && !Number.isSafeInteger(s.traceTime)) {
    throw new RangeError(`snapshotJson: traceTime ${s.traceTime} is not a safe integer`);
  }
  // fromEntries defines own properties, so even a metric named "__proto__" is written as a key.
  return canonicalJson({
    goVersion: s.goVersion,
    metrics: Object.fromEntries(metrics),
    time: s.time,
    traceTime: s.traceTime,
  });
}

function checkU64(v: bigint, name: string): bigint {
  if (v < 0n || v > MAX_U64) throw new RangeError(`snapshotJson: ${name}: ${v} is not an unsigned 64-bit value`);
  return v;
}

function join(parts: readonly Uint8Array[], bytes: number, last: Uint8Array): Uint8Array {
  if (parts.length === 0) return last;
  const out = new Uint8Array(bytes + last.length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  out.set(last, at);
  return out;
}

function parseLine(bytes: Uint8Array, offset: number, line: number, last: boolean): Snapshot | undefined {
  let text: string;
  try {
    text = fatalDecoder.decode(bytes);
  } catch {
    // An unfinished last line may end inside a character.
    if (last) throw truncated(offset, line, 'not valid UTF-8');
    throw corrupt(offset, line, 'the line is not valid UTF-8');
  }
  return parseText(text, offset, line, last);
}

/** Parses one line; `undefined` for a blank one. `last`: the input ended inside this line (no newline). */
function parseText(text: string, offset: number, line: number, last: boolean): Snapshot | undefined {
  if (text.trim() === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    if (last) throw truncated(offset, line, why);
    throw corrupt(offset, line, `invalid JSON: ${why}`);
  }
  return toSnapshot(json, offset, line);
}

function truncated(offset: number, line: number, why: string): GodiagError {
  return new GodiagError(ErrorCode.Truncated, {
    format: 'metrics',
    offset,
    message: `line ${line}: the input ends inside a snapshot (${why})`,
  });
}

function corrupt(offset: number, line: number, message: string): GodiagError {
  return new GodiagError(ErrorCode.Corrupt, { format: 'metrics', offset, message: `line ${line}: ${message}` });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function toSnapshot(json: unknown, offset: number, line: number): Snapshot {
  const bad = (message: string) => corrupt(offset, line, message);
  if (!isObject(json)) throw bad('a snapshot is a JSON object');
  let goVersion: string | undefined;
  let time: bigint | undefined;
  let traceTime: number | undefined;
  let values: Map<string, MetricValue> | undefined;
  for (const key of Object.keys(json)) {
    const v = json[key];
    if (key === 'goVersion') {
      if (typeof v !== 'string') throw bad('"goVersion" must be a string');
      goVersion = v;
    } else if (key === 'time') {
      if (typeof v !== 'string' || v.length > 20 || !SIGNED.test(v)) {
        throw bad('"time" must be a decimal string (Unix nanoseconds)');
      }
      time = BigInt(v);
      if (time < MIN_I64 || time > MAX_I64) throw bad(`"time" ${v} is not a 64-bit signed integer`);
    } else if (key === 'traceTime') {
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw bad('"traceTime" must be an integer');
      traceTime = v;
    } else if (key === 'metrics') {
      if (!isObject(v)) throw bad('"metrics" must be an object');
      values = new Map();
      for (const name of Object.keys(v)) values.set(name, toValue(v[name], name, bad));
    } else {
      throw bad(`unknown member ${JSON.stringify(key)} (want goVersion, metrics, time, traceTime)`);
    }
  }
  if (values === undefined) throw bad('no "metrics" member');
  return {
    ...(time !== undefined && { time }),
    ...(traceTime !== undefined && { traceTime }),
    ...(goVersion !== undefined && { goVersion }),
    values,
  };
}

function toValue(v: unknown, name: string, bad: (message: string) => GodiagError): MetricValue {
  const what = `metric ${JSON.stringify(name)}`;
  if (!isObject(v)) throw bad(`${what}: a value is a JSON object`);
  const kind = v['kind'];
  const expect = (keys: readonly string[]) => {
    for (const k of Object.keys(v)) {
      if (!keys.includes(k)) throw bad(`${what}: unknown member ${JSON.stringify(k)} of a ${String(kind)} value`);
    }
  };
  if (kind === 'Uint64') {
    expect(['kind', 'value']);
    return { kind, value: toU64(v['value'], `${what}: value`, bad) };
  }
  if (kind === 'Float64') {
    expect(['kind', 'value']);
    return { kind, value: toFloat(v['value'], `${what}: value`, bad) };
  }
  if (kind === 'Float64Histogram') {
    expect(['buckets', 'counts', 'kind']);
    const b = v['buckets'];
    const c = v['counts'];
    if (!Array.isArray(b) || !Array.isArray(c)) throw bad(`${what}: "buckets" and "counts" must be arrays`);
    if (b.length > Limits.maxItems || c.length > Limits.maxItems) {
      throw bad(`${what}: more than ${Limits.maxItems} buckets`);
    }
    if (b.length !== c.length + 1) {
      throw bad(`${what}: ${b.length} bucket boundaries for ${c.length} counts (want one more boundary than counts)`);
    }
    const buckets = b.map((x: unknown, i) => toFloat(x, `${what}: boundary ${i}`, bad));
    for (let i = 0; i < buckets.length; i++) {
      if (Number.isNaN(buckets[i]) || (i > 0 && !(buckets[i]! > buckets[i - 1]!))) {
        throw bad(`${what}: boundary ${i} (${String(buckets[i])}) does not increase`);
      }
    }
    const counts = c.map((x: unknown, i) => toU64(x, `${what}: count ${i}`, bad));
    return { kind, buckets, counts };
  }
  if (typeof kind !== 'string') throw bad(`${what}: no "kind" (Uint64, Float64 or Float64Histogram)`);
  throw bad(`${what}: unknown kind ${JSON.stringify(kind)} (want Uint64, Float64 or Float64Histogram)`);
}

function toU64(v: unknown, what: string, bad: (message: string) => GodiagError): bigint {
  // 20 digits hold 2^64−1; the length test keeps BigInt from converting a huge string.
  if (typeof v !== 'string' || v.length > 20 || !UNSIGNED.test(v)) {
    throw bad(`${what} must be an unsigned decimal string of at most 20 digits`);
  }
  const n = BigInt(v);
  if (n > MAX_U64) throw bad(`${what} ${v} exceeds 2^64−1`);
  return n;
}

function toFloat(v: unknown, what: string, bad: (message: string) => GodiagError): number {
  if (typeof v === 'number') {
    // JSON.parse turns an out-of-range literal such as 1e999 into Infinity; Go would have written "+Inf".
    if (!Number.isFinite(v)) throw bad(`${what} is out of the float64 range`);
    return v;
  }
  if (v === 'NaN') return NaN;
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  throw bad(`${what} must be a number, "NaN", "+Inf" or "-Inf"`);
}
