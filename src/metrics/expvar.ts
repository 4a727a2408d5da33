/**
 * expvar's `/debug/vars` as a runtime/metrics snapshot.
 *
 * expvar publishes `runtime.MemStats` (`memstats`) and the command line (`cmdline`). Since Go 1.16 the runtime
 * computes MemStats and runtime/metrics from the same counters, and many MemStats fields are exactly a
 * runtime/metrics value, or the difference of two fields is (`StackSys − StackInuse` is
 * `/memory/classes/os-stacks:bytes`). Only those exact identities are mapped (see {@link EXPVAR_MAPPINGS});
 * the rest (`Mallocs` counts tiny objects that `/gc/heap/allocs:objects` leaves out, `PauseNs` is a ring of the
 * last 256 pauses, not a histogram, …) is reported as unmapped.
 * @module
 */

import { ErrorCode, GodiagError } from '../internal/errors.js';
import { encodeUtf8 } from '../internal/utf8.js';
import { describe } from './catalog.js';
import type { MetricValue, Snapshot } from './snapshot.js';

/** A JSON value as {@link fromExpvar} reads it: integers beyond 2^53 as `bigint`, so that none is rounded. */
export type ExpvarJson = null | boolean | number | bigint | string | ExpvarJson[] | { [key: string]: ExpvarJson };

/** One runtime/metrics value derived from MemStats fields: `plus[0] − minus[0]` (no `minus`: just the field). */
export interface ExpvarMapping {
  /** The runtime/metrics name. */
  readonly metric: string;
  /** The MemStats field that equals the metric (or the minuend). */
  readonly field: string;
  /** The MemStats field subtracted, if any. */
  readonly minus?: string;
}

/**
 * The exact identities between `runtime.MemStats` and runtime/metrics of Go 1.16 and newer (both are computed
 * from the runtime's consistent heap statistics; see docs/metrics.md for the reasoning of each line).
 */
export const EXPVAR_MAPPINGS: readonly ExpvarMapping[] = [
  { metric: '/gc/cycles/automatic:gc-cycles', field: 'NumGC', minus: 'NumForcedGC' },
  { metric: '/gc/cycles/forced:gc-cycles', field: 'NumForcedGC' },
  { metric: '/gc/cycles/total:gc-cycles', field: 'NumGC' },
  { metric: '/gc/heap/allocs:bytes', field: 'TotalAlloc' },
  { metric: '/gc/heap/frees:bytes', field: 'TotalAlloc', minus: 'HeapAlloc' },
  { metric: '/gc/heap/goal:bytes', field: 'NextGC' },
  { metric: '/gc/heap/objects:objects', field: 'HeapObjects' },
  { metric: '/memory/classes/heap/free:bytes', field: 'HeapIdle', minus: 'HeapReleased' },
  { metric: '/memory/classes/heap/objects:bytes', field: 'HeapAlloc' },
  { metric: '/memory/classes/heap/released:bytes', field: 'HeapReleased' },
  { metric: '/memory/classes/heap/stacks:bytes', field: 'StackInuse' },
  { metric: '/memory/classes/heap/unused:bytes', field: 'HeapInuse', minus: 'HeapAlloc' },
  { metric: '/memory/classes/metadata/mcache/free:bytes', field: 'MCacheSys', minus: 'MCacheInuse' },
  { metric: '/memory/classes/metadata/mcache/inuse:bytes', field: 'MCacheInuse' },
  { metric: '/memory/classes/metadata/mspan/free:bytes', field: 'MSpanSys', minus: 'MSpanInuse' },
  { metric: '/memory/classes/metadata/mspan/inuse:bytes', field: 'MSpanInuse' },
  { metric: '/memory/classes/metadata/other:bytes', field: 'GCSys' },
  { metric: '/memory/classes/os-stacks:bytes', field: 'StackSys', minus: 'StackInuse' },
  { metric: '/memory/classes/other:bytes', field: 'OtherSys' },
  { metric: '/memory/classes/profiling/buckets:bytes', field: 'BuckHashSys' },
  { metric: '/memory/classes/total:bytes', field: 'Sys' },
];

/**
 * MemStats fields whose information the mapped metrics carry although no metric is the field itself: `Alloc`
 * is `HeapAlloc`, and `HeapSys` is `HeapInuse + HeapIdle` (the four `/memory/classes/heap/` metrics but
 * stacks).
 */
const REDUNDANT_FIELDS: ReadonlySet<string> = new Set(['Alloc', 'HeapSys']);

/** Options of {@link fromExpvar}. */
export interface ExpvarOptions {
  /**
   * `runtime.Version()` of the process, when known (expvar does not say): the snapshot then has only the
   * metrics that release lists (`/gc/heap/allocs:bytes` and `/gc/heap/frees:bytes` are Go 1.17+), and says
   * its version.
   */
  goVersion?: string;
}

/** What {@link fromExpvar} makes of `/debug/vars`. */
export interface ExpvarSnapshot {
  /** The mapped values, in name order; no `time` (expvar gives none). */
  snapshot: Snapshot;
  /**
   * What was not mapped: MemStats fields as `memstats.<Field>` (in input order), then the other published
   * variables by name, `cmdline` excepted.
   */
  unmapped: string[];
  /** expvar's `cmdline` (`os.Args`), when present. */
  cmdline?: string[];
}

/**
 * Maps expvar's `/debug/vars` (its JSON text, or the parsed value) to a runtime/metrics snapshot. Throws a
 * `GodiagError` of format `metrics` when the text is not JSON, the value is not an object, or a mapped MemStats
 * field is missing or not an unsigned integer (or a difference would be negative). Without `memstats` the
 * snapshot is empty.
 */
export function fromExpvar(input: unknown, options: ExpvarOptions = {}): ExpvarSnapshot {
  const vars = typeof input === 'string' ? parseExpvarJson(input) : input;
  if (!isObject(vars)) throw corrupt('/debug/vars is a JSON object');
  const unmapped: string[] = [];
  let cmdline: string[] | undefined;
  const values = new Map<string, MetricValue>();
  for (const key of Object.keys(vars)) {
    const v = vars[key];
    if (key === 'cmdline') {
      if (!Array.isArray(v) || !v.every((a): a is string => typeof a === 'string')) {
        throw corrupt('"cmdline" is an array of strings');
      }
      cmdline = v;
    } else if (key === 'memstats') {
      if (!isObject(v)) throw corrupt('"memstats" is an object');
      mapMemStats(v, options.goVersion, values);
      const used = new Set(EXPVAR_MAPPINGS.flatMap((m) => (m.minus === undefined ? [m.field] : [m.field, m.minus])));
      for (const field of Object.keys(v)) {
        if (!used.has(field) && !REDUNDANT_FIELDS.has(field)) unmapped.push(`memstats.${field}`);
      }
    }
  }
  for (const key of Object.keys(vars)) if (key !== 'cmdline' && key !== 'memstats') unmapped.push(key);
  const sorted = new Map([...values].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
  const snapshot: Snapshot = options.goVersion === undefined ? { values: sorted } : { goVersion: options.goVersion, values: sorted };
  return cmdline === undefined ? { snapshot, unmapped } : { snapshot, unmapped, cmdline };
}

function mapMemStats(m: Record<string, unknown>, goVersion: string | undefined, out: Map<string, MetricValue>): void {
  const field = (name: string): bigint => {
    const v = m[name];
    if (typeof v === 'bigint' && v >= 0n) return v;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
    if (v === undefined) throw corrupt(`memstats has no ${name}`);
    throw corrupt(`memstats.${name} is not an unsigned integer`);
  };
  for (const { metric, field: f, minus } of EXPVAR_MAPPINGS) {
    if (goVersion !== undefined && describe(metric, { goVersion })?.listed !== true) continue;
    let value = field(f);
    if (minus !== undefined) {
      value -= field(minus);
      if (value < 0n) throw corrupt(`memstats.${f} is less than memstats.${minus}`);
    }
    out.set(metric, { kind: 'Uint64', value });
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function corrupt(message: string, offset = 0): GodiagError {
  return new GodiagError(ErrorCode.Corrupt, { format: 'metrics', offset, message: `expvar: ${message}` });
}

/** Deepest nesting accepted; /debug/vars is two levels deep (BySize is three). */
const MAX_DEPTH = 64;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const SPACE = /[ \t\n\r]*/y;
/** What can start a value, key or string and be cut by the end of the text. */
const PREFIX = /(?:"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*(?:\\u?[0-9a-fA-F]{0,3})?|t(?:r(?:ue?)?)?|f(?:a(?:l(?:se?)?)?)?|n(?:u(?:ll?)?)?|-)?$/y;

/**
 * Parses JSON as `JSON.parse` does, but keeps integers beyond 2^53 exact as `bigint` (MemStats fields are
 * uint64; `LastGC` is Unix nanoseconds). Errors are `GodiagError`s with the byte offset.
 */
export function parseExpvarJson(text: string): ExpvarJson {
  let pos = 0;
  const fail = (what: string): never => {
    const offset = encodeUtf8(text.slice(0, pos)).length;
    // Truncated: the text ends where the value could still go on (inside a string or a literal, or before it).
    PREFIX.lastIndex = pos;
    const code = PREFIX.test(text) ? ErrorCode.Truncated : ErrorCode.Corrupt;
    throw new GodiagError(code, { format: 'metrics', offset, message: `expvar: invalid JSON: ${what}` });
  };
  const space = (): void => {
    SPACE.lastIndex = pos;
    SPACE.test(text);
    pos = SPACE.lastIndex;
  };
  const token = (re: RegExp): string | undefined => {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (m === null) return undefined;
    pos = re.lastIndex;
    return m[0];
  };
  const value = (depth: number): ExpvarJson => {
    if (depth > MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH} levels`);
    space();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const obj: { [key: string]: ExpvarJson } = {};
      space();
      if (text[pos] === '}') {
        pos++;
        return obj;
      }
      for (;;) {
        space();
        const k = token(STRING);
        if (k === undefined) return fail('expected a string key');
        space();
        if (text[pos] !== ':') return fail('expected ":"');
        pos++;
        // defineProperty: a key "__proto__" is data, not the prototype.
        Object.defineProperty(obj, JSON.parse(k) as string, { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
        space();
        if (text[pos] === ',') pos++;
        else if (text[pos] === '}') {
          pos++;
          return obj;
        } else return fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      pos++;
      const arr: ExpvarJson[] = [];
      space();
      if (text[pos] === ']') {
        pos++;
        return arr;
      }
      for (;;) {
        arr.push(value(depth + 1));
        space();
        if (text[pos] === ',') pos++;
        else if (text[pos] === ']') {
          pos++;
          return arr;
        } else return fail('expected "," or "]"');
      }
    }
    if (c === '"') {
      const s = token(STRING);
      return s === undefined ? fail('bad string') : (JSON.parse(s) as string);
    }
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return v;
      }
    }
    const n = token(NUMBER);
    if (n === undefined) return fail('expected a value');
    const x = Number(n);
    if (/^-?[0-9]+$/.test(n) && !Number.isSafeInteger(x)) return BigInt(n);
    return x;
  };
  const v = value(0);
  space();
  if (pos < text.length) fail('text after the value');
  return v;
}
