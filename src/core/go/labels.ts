/**
 * Profiler labels of a goroutine in a core: what `runtime/pprof` attached to it (`pprof.Do`, `SetGoroutineLabels`),
 * found through the `g`'s `labels` pointer ({@link Goroutine.labelsAddress}).
 *
 * That pointer is runtime/pprof's `*labelMap`, whose shape changed:
 * - Go 1.22 and 1.23: `labelMap` is a `map[string]string`, so the pointer leads to a map variable holding the
 *   `*hmap` of the classic hash map (buckets of 8 slots with overflow chains; old buckets while the map grows).
 * - Go 1.24 on: `labelMap` is a struct around a slice of `{key, value string}` kept sorted by key
 *   (`runtime/pprof.label` in 1.24–1.25, `internal/runtime/pprof/label.Label` from 1.26).
 *
 * The layouts come from the executable's DWARF when it has them, else from the fixed layouts of those releases
 * (64-bit). Every count read from memory is bounded and every overflow chain is checked for cycles: a damaged map
 * ends in a `GodiagError` (or the memory layer's `UnavailableMemoryError` where the core lacks the bytes), never in
 * a long walk.
 * @module
 */

import type { Dwarf, StructLayout } from '../dwarf/index.js';
import { ErrorCode, GodiagError } from '../../internal/errors.js';
import { decodeUtf8 } from '../../internal/utf8.js';
import type { Goroutine } from './process.js';
import type { Core } from '../elf-core.js';

/** One label: key and value. */
export type GoroutineLabelPair = [key: string, value: string];

/** What {@link goroutineLabels} reads through: a Go process's memory, version and (optional) DWARF. */
export interface LabelsSource {
  /** The process's memory (a `Core`): reads reject with `UnavailableMemoryError` where the core has no data. */
  readonly core: Pick<Core, 'byteOrder' | 'read'>;
  /** The executable's Go version (`go1.23.12`): chooses the layout when DWARF does not say. */
  readonly goVersion: string | undefined;
  /** The executable's DWARF, when it has one. */
  readonly dwarf?: Dwarf | undefined;
}

/** Options of {@link goroutineLabels}. */
export interface LabelsOptions {
  /** Most labels of one goroutine (default 10000): a larger count is `limit-exceeded`. */
  maxLabels?: number;
  /** Longest key or value in bytes (default 1 MiB): a longer one is `limit-exceeded`. */
  maxStringBytes?: number;
}

/** The label set as a slice of `{key, value string}` (Go 1.24+). */
interface ListLayout {
  kind: 'list';
  /** Offset of the slice header in `labelMap`. */
  list: number;
  /** Size of one label. */
  size: number;
  /** Offsets of key and value in a label. */
  key: number;
  value: number;
}

/** The label set as a `map[string]string` (Go 1.22–1.23): offsets in the runtime's `hmap`. */
interface MapLayout {
  kind: 'map';
  count: number;
  flags: number;
  b: number;
  buckets: number;
  oldbuckets: number;
}

type Layout = ListLayout | MapLayout;

/** The classic map's bucket for string keys and values: 8 tophash bytes, 8 keys, 8 values, the overflow pointer. */
const BUCKET_SLOTS = 8;
const STRING_SIZE = 16;
const KEYS_AT = BUCKET_SLOTS;
const VALUES_AT = KEYS_AT + BUCKET_SLOTS * STRING_SIZE;
const OVERFLOW_AT = VALUES_AT + BUCKET_SLOTS * STRING_SIZE;
const BUCKET_SIZE = OVERFLOW_AT + 8;
/** tophash values below this mark an empty slot (0, 1) or an evacuated one (2–4). */
const MIN_TOP_HASH = 5;
/** `hmap.flags` bit: the map grows to the same size (old buckets as many as new ones). */
const SAME_SIZE_GROW = 8;
/** Largest `B` (log2 of buckets) accepted: 2^20 buckets of 272 bytes is a 285 MB map of labels. */
const MAX_B = 20;

/** hmap of Go 1.22–1.23 on 64-bit targets: count int; flags, B uint8; noverflow uint16; hash0 uint32; buckets, oldbuckets. */
const MAP_FIXED: MapLayout = { kind: 'map', count: 0, flags: 8, b: 9, buckets: 16, oldbuckets: 24 };
/** labelMap of Go 1.24+: the slice header first; a label is two strings. */
const LIST_FIXED: ListLayout = { kind: 'list', list: 0, size: 32, key: 0, value: 16 };

function corrupt(message: string): GodiagError {
  return new GodiagError(ErrorCode.Corrupt, { format: 'core', offset: 0, message });
}

function minorOf(goVersion: string | undefined): number | undefined {
  const m = /^go1\.(\d+)/.exec(goVersion ?? '');
  return m === null ? undefined : Number(m[1]);
}

const fieldOffset = (l: StructLayout | undefined, ...names: string[]): number | undefined => {
  for (const n of names) {
    const f = l?.fields.get(n);
    if (f !== undefined) return f.offset;
  }
  return undefined;
};

/** The layout of the label set: DWARF's when it describes `runtime/pprof.labelMap`, else the version's. */
function layoutOf(src: LabelsSource): Layout {
  const d = src.dwarf;
  const lm = d?.structLayout('runtime/pprof.labelMap');
  if (d !== undefined && lm !== undefined) {
    // A struct: the embedded set (`LabelSet` 1.24–1.25, `Set` 1.26) holding the slice (`list`, `List`).
    const setAt = fieldOffset(lm, 'LabelSet', 'Set');
    const set = d.structLayout('runtime/pprof.LabelSet');
    const set26 = d.structLayout('internal/runtime/pprof/label.Set');
    const listAt = lm.fields.has('Set') ? fieldOffset(set26, 'List') : fieldOffset(set, 'list');
    const label = lm.fields.has('Set') ? d.structLayout('internal/runtime/pprof/label.Label') : d.structLayout('runtime/pprof.label');
    const key = fieldOffset(label, 'key', 'Key');
    const value = fieldOffset(label, 'value', 'Value');
    if (setAt !== undefined && listAt !== undefined && label !== undefined && label.size > 0 && key !== undefined && value !== undefined) {
      return { kind: 'list', list: setAt + listAt, size: label.size, key, value };
    }
  }
  const minor = minorOf(src.goVersion);
  const hmap = d?.structLayout('runtime.hmap');
  // A map type (no struct of that name) with the classic hmap: Go 1.22–1.23.
  if (hmap !== undefined && lm === undefined && (minor === undefined || minor < 24)) {
    const at = (n: string) => fieldOffset(hmap, n);
    const [count, flags, b, buckets, oldbuckets] = [at('count'), at('flags'), at('B'), at('buckets'), at('oldbuckets')];
    if (count !== undefined && flags !== undefined && b !== undefined && buckets !== undefined && oldbuckets !== undefined) {
      return { kind: 'map', count, flags, b, buckets, oldbuckets };
    }
  }
  if (minor === undefined) {
    throw new GodiagError(ErrorCode.UnsupportedVersion, { format: 'core', offset: 0, message: `goroutine labels: no DWARF layout of runtime/pprof.labelMap and no Go version to choose one` });
  }
  if (minor < 22) throw new GodiagError(ErrorCode.UnsupportedVersion, { format: 'core', offset: 0, message: `goroutine labels: Go 1.${minor} is not supported (1.22 and later)` });
  return minor < 24 ? MAP_FIXED : LIST_FIXED;
}

/** Little helpers over the process's memory. */
class Reader {
  private readonly little: boolean;
  constructor(
    private readonly src: LabelsSource,
    private readonly maxString: number,
  ) {
    this.little = src.core.byteOrder === 'little';
  }

  read(address: bigint, length: number): Promise<Uint8Array> {
    return this.src.core.read(address, length);
  }

  word(b: Uint8Array, off: number): bigint {
    return new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(off, this.little);
  }

  /** The bytes of the Go string header at `off` of `b`. */
  async string(b: Uint8Array, off: number, what: string): Promise<Uint8Array> {
    const ptr = this.word(b, off);
    const len = this.word(b, off + 8);
    if (len > BigInt(this.maxString)) {
      throw new GodiagError(ErrorCode.LimitExceeded, { format: 'core', offset: 0, message: `goroutine labels: ${what} of ${len} bytes, more than ${this.maxString}` });
    }
    if (len === 0n) return new Uint8Array(0);
    if (ptr === 0n) throw corrupt(`goroutine labels: ${what} of ${len} bytes at address 0`);
    return this.read(ptr, Number(len));
  }
}

/** Byte-wise order, as Go compares strings. */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

async function readList(r: Reader, at: bigint, l: ListLayout, maxLabels: number): Promise<GoroutineLabelPair[]> {
  const hdr = await r.read(at + BigInt(l.list), 24);
  const ptr = r.word(hdr, 0);
  const len = r.word(hdr, 8);
  const cap = r.word(hdr, 16);
  if (len > cap) throw corrupt(`goroutine labels: a label slice of length ${len} beyond its capacity ${cap}`);
  if (len > BigInt(maxLabels)) {
    throw new GodiagError(ErrorCode.LimitExceeded, { format: 'core', offset: 0, message: `goroutine labels: ${len} labels, more than ${maxLabels}` });
  }
  const n = Number(len);
  if (n === 0) return [];
  if (ptr === 0n) throw corrupt(`goroutine labels: ${n} labels at address 0`);
  const items = await r.read(ptr, n * l.size);
  const out: GoroutineLabelPair[] = [];
  for (let i = 0; i < n; i++) {
    const base = i * l.size;
    const key = await r.string(items, base + l.key, `the key of label ${i}`);
    const value = await r.string(items, base + l.value, `the value of label ${i}`);
    out.push([decodeUtf8(key), decodeUtf8(value)]);
  }
  return out;
}

async function readMap(r: Reader, hmapAt: bigint, l: MapLayout, maxLabels: number): Promise<GoroutineLabelPair[]> {
  const size = Math.max(l.count, l.buckets, l.oldbuckets) + 8;
  const h = await r.read(hmapAt, size);
  const count = r.word(h, l.count);
  const flags = h[l.flags]!;
  const b = h[l.b]!;
  if (BigInt.asIntN(64, count) < 0n) throw corrupt(`goroutine labels: a map count of ${BigInt.asIntN(64, count)}`);
  if (count > BigInt(maxLabels)) {
    throw new GodiagError(ErrorCode.LimitExceeded, { format: 'core', offset: 0, message: `goroutine labels: a map of ${count} labels, more than ${maxLabels}` });
  }
  if (b > MAX_B) throw corrupt(`goroutine labels: a map of 2^${b} buckets`);
  const n = Number(count);
  const buckets = r.word(h, l.buckets);
  const old = r.word(h, l.oldbuckets);
  const nb = 1 << b;
  const nold = old === 0n ? 0 : (flags & SAME_SIZE_GROW) !== 0 ? nb : b === 0 ? 0 : nb >> 1;
  if (old !== 0n && nold === 0) throw corrupt('goroutine labels: a map with old buckets and B = 0');
  if (buckets === 0n) {
    // A map made without buckets (make with no hint) has none until its first insertion.
    if (n !== 0 || old !== 0n) throw corrupt(`goroutine labels: a map of ${n} labels without buckets`);
    return [];
  }
  // Every live entry sits in a bucket of the arrays or of an overflow chain; no chain can hold more buckets than
  // the entries that filled them, so the budget below bounds a walk through a damaged (or cyclic) chain.
  let budget = nb + nold + n + 1;
  const seen = new Set<bigint>();
  const entries: { key: Uint8Array; value: Uint8Array }[] = [];
  const walk = async (first: bigint, what: string, skipEvacuated: boolean): Promise<void> => {
    let at = first;
    for (let depth = 0; at !== 0n; depth++) {
      if (seen.has(at)) throw corrupt(`goroutine labels: the overflow chain of ${what} comes back to 0x${at.toString(16)}`);
      if (--budget < 0) throw corrupt(`goroutine labels: more buckets than a map of ${n} labels can have (${what})`);
      seen.add(at);
      const bk = await r.read(at, BUCKET_SIZE);
      // An old bucket moved to the new array keeps only evacuation marks (2–4) in its first tophash.
      if (skipEvacuated && depth === 0 && bk[0]! > 1 && bk[0]! < MIN_TOP_HASH) return;
      for (let i = 0; i < BUCKET_SLOTS; i++) {
        if (bk[i]! < MIN_TOP_HASH) continue;
        if (entries.length >= n) throw corrupt(`goroutine labels: a map whose buckets hold more than its count of ${n} labels`);
        const key = await r.string(bk, KEYS_AT + i * STRING_SIZE, `a label key (${what}, slot ${i})`);
        const value = await r.string(bk, VALUES_AT + i * STRING_SIZE, `a label value (${what}, slot ${i})`);
        entries.push({ key, value });
      }
      at = r.word(bk, OVERFLOW_AT);
    }
  };
  for (let i = 0; i < nb; i++) await walk(buckets + BigInt(i * BUCKET_SIZE), `bucket ${i}`, false);
  for (let i = 0; i < nold; i++) await walk(old + BigInt(i * BUCKET_SIZE), `old bucket ${i}`, true);
  if (entries.length !== n) throw corrupt(`goroutine labels: a map whose count is ${n} holding ${entries.length} labels`);
  entries.sort((x, y) => compareBytes(x.key, y.key));
  for (let i = 1; i < entries.length; i++) {
    if (compareBytes(entries[i - 1]!.key, entries[i]!.key) === 0) throw corrupt(`goroutine labels: the key ${JSON.stringify(decodeUtf8(entries[i]!.key))} twice in one map`);
  }
  return entries.map((e) => [decodeUtf8(e.key), decodeUtf8(e.value)]);
}

/**
 * The profiler labels of a goroutine, as `[key, value]` pairs sorted by key (the order in which Go 1.26 prints
 * them in a goroutine dump under `GODEBUG=tracebacklabels=1`, and runtime/pprof's); `undefined` when the goroutine
 * has no label set, `[]` when its set is empty (`pprof.Do` with no labels).
 * @throws GodiagError `corrupt` for an inconsistent label set (counts, cyclic overflow chains, duplicate keys),
 *   `limit-exceeded` beyond {@link LabelsOptions}, `unsupported-version` when neither DWARF nor the Go version gives
 *   the layout; the memory layer's `UnavailableMemoryError` where the core lacks the bytes.
 */
export async function goroutineLabels(src: LabelsSource, g: Pick<Goroutine, 'labelsAddress'>, options: LabelsOptions = {}): Promise<GoroutineLabelPair[] | undefined> {
  if (g.labelsAddress === 0n) return undefined;
  const maxLabels = options.maxLabels ?? 10000;
  const r = new Reader(src, options.maxStringBytes ?? 1 << 20);
  const layout = layoutOf(src);
  if (layout.kind === 'list') return readList(r, g.labelsAddress, layout, maxLabels);
  // g.labels points at the map variable, which holds the *hmap (nil for a nil map).
  const hmapAt = r.word(await r.read(g.labelsAddress, 8), 0);
  if (hmapAt === 0n) return [];
  return readMap(r, hmapAt, layout, maxLabels);
}

/**
 * The labels as Go 1.26 prints them in a goroutine header: ` labels:{"k": "v", …}` (with the leading space), or ''
 * when there are none. Quoted as the runtime's `printquoted`: printable ASCII as is but `"` and `\` escaped, `\n`,
 * `\r`, `\t`, other controls as `\xHH`, everything else as `\uHHHH` or `\UHHHHHHHH` (an ill-formed byte, decoded as
 * U+FFFD, as `\ufffd`).
 */
export function labelsHeaderText(labels: readonly GoroutineLabelPair[] | undefined): string {
  if (labels === undefined || labels.length === 0) return '';
  return ` labels:{${labels.map(([k, v]) => `${quoteLabel(k)}: ${quoteLabel(v)}`).join(', ')}}`;
}

function quoteLabel(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0d) out += '\\r';
    else if (c < 0x20) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c < 0x10000) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += `\\U${c.toString(16).padStart(8, '0')}`;
  }
  return out + '"';
}
