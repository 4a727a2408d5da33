/**
 * Decoding profile.proto into a {@link Profile}, with google/pprof's semantics:
 *
 * 1. wire decoding — unknown fields skipped, a known field with the wrong wire type rejected, repeated
 *    scalars accepted packed or not, `string_table[0]` must be empty, a second non-zero `time_nanos`
 *    means concatenated profiles;
 * 2. linking — string indices resolved (out of range is an error), ids resolved; a location's unknown
 *    mapping id leaves it unmapped, an unknown location id in a sample is an error, and an unknown
 *    function id leaves a hole that validation rejects; samples go into a column-stored {@link SampleTable};
 * 3. validation — {@link checkValid}.
 *
 * Errors are `GodiagError`s with the offset of the message or field at fault, in the uncompressed bytes.
 * @module
 */

import { ErrorCode, GodiagError } from '../internal/errors.js';
import { decodeUtf8 } from '../internal/utf8.js';
import { LabelColumn, SampleTable, stackColumn, type Function, type Label, type Line, type Location, type Mapping, type Profile, type ValueType } from './profile.js';
import { LITTLE_ENDIAN, ProtoReader, keyOf } from '../internal/protowire.js';
import { checkDecoded } from './validate.js';

interface RawValueType {
  type: number;
  unit: number;
  at: number;
}
interface RawLine {
  fn: number | bigint;
  line: number;
  column: number;
}
interface RawLocation {
  loc: Location;
  mapping: number | bigint;
  lines: RawLine[];
}
interface RawFunction {
  fn: Function;
  name: number;
  systemName: number;
  filename: number;
  at: number;
}
interface RawMapping {
  m: Mapping;
  file: number;
  buildId: number;
  at: number;
}

/** What a first walk over the top-level fields found: sizes that let the columns be allocated once. */
interface Sizing {
  /** Number of `sample` fields. */
  samples: number;
  /** Their total bytes: an upper bound on the number of location ids (each takes a byte at least). */
  sampleBytes: number;
  /** Number of `location` fields. */
  locations: number;
  /** Number of `sample_type` fields: the values per sample. */
  sampleTypes: number;
}

/**
 * Counts samples and locations by hopping over the top-level fields (a few thousand hops even on large
 * profiles). Malformed input ends the walk early; the decoder then reports the problem and the columns
 * grow as needed, so the counts are only hints.
 */
function sizeUp(bytes: Uint8Array): Sizing {
  const r = new ProtoReader(bytes);
  const out: Sizing = { samples: 0, sampleBytes: 0, locations: 0, sampleTypes: 0 };
  try {
    while (r.nextField(bytes.length)) {
      const start = r.pos;
      r.skip(bytes.length);
      if (r.field === 2) {
        out.samples++;
        out.sampleBytes += r.pos - start;
      } else if (r.field === 4) out.locations++;
      else if (r.field === 1) out.sampleTypes++;
    }
  } catch {
    // The decoding pass reports it.
  }
  return out;
}

/** Columns of a given element width, for widening the id column. */
type IdColumn = Uint8Array | Uint16Array | Uint32Array;

/**
 * The samples of one decode, by column: one object per sample would be millions of small allocations on
 * large profiles, and garbage collection would dominate decoding. Columns are sized by {@link sizeUp} and
 * grow by doubling only when its hints fall short.
 */
class SampleColumns {
  /**
   * Low 32 bits of each location id; ids of 2^32 and above also have their high half in `highIds`. The
   * column starts as wide as the location count needs (ids are usually 1..n) and widens on the first id
   * that does not fit; it is then turned into the stacks in place.
   */
  ids: IdColumn;
  idCount = 0;
  readonly highIds = new Map<number, number>();
  /** Sample values as 32-bit halves (lo, hi); on little-endian machines also the int64 column's buffer. */
  values: Uint32Array;
  valueCount = 0;
  /**
   * Per sample: where its ids end (at index i + 1, so that the column becomes the table's `stackStart`),
   * where its values end, the offset of its message, and its label set.
   */
  idsEnd: Uint32Array;
  valuesEnd: Uint32Array;
  offsets: Uint32Array | Float64Array;
  labelSet: Uint32Array;
  count = 0;
  readonly labels = new LabelSets();

  constructor(sizing: Sizing, inputBytes: number) {
    const n = Math.max(16, sizing.samples);
    // Every id takes at least one byte of a sample message; untouched capacity is never paged in.
    const ids = Math.max(16, sizing.sampleBytes);
    this.ids = sizing.locations <= 0x100 ? new Uint8Array(ids) : sizing.locations <= 0x10000 ? new Uint16Array(ids) : new Uint32Array(ids);
    this.values = new Uint32Array(n * Math.max(1, sizing.sampleTypes) * 2);
    this.idsEnd = new Uint32Array(n + 1);
    this.valuesEnd = new Uint32Array(n);
    this.offsets = inputBytes < 2 ** 32 ? new Uint32Array(n) : new Float64Array(n);
    this.labelSet = new Uint32Array(n);
  }

  pushId(lo: number, hi: number): void {
    if (lo > 0xff && this.ids instanceof Uint8Array) this.ids = lo > 0xffff ? Uint32Array.from(this.ids) : Uint16Array.from(this.ids);
    else if (lo > 0xffff && this.ids instanceof Uint16Array) this.ids = Uint32Array.from(this.ids);
    if (this.idCount === this.ids.length) this.ids = grow(this.ids);
    if (hi !== 0) this.highIds.set(this.idCount, hi);
    this.ids[this.idCount++] = lo;
  }

  pushValue(lo: number, hi: number): void {
    if (this.valueCount + 2 > this.values.length) this.values = grow(this.values);
    this.values[this.valueCount++] = lo;
    this.values[this.valueCount++] = hi;
  }

  startSample(offset: number): number {
    if (this.count === this.offsets.length) {
      this.offsets = grow(this.offsets);
      this.idsEnd = grow(this.idsEnd);
      this.valuesEnd = grow(this.valuesEnd);
      this.labelSet = grow(this.labelSet);
    }
    this.offsets[this.count] = offset;
    return this.count;
  }

  endSample(): void {
    this.idsEnd[this.count + 1] = this.idCount;
    this.valuesEnd[this.count] = this.valueCount;
    this.labelSet[this.count] = this.labels.end(this.offsets[this.count]!);
    this.count++;
  }
}

function grow<T extends IdColumn | Float64Array>(a: T): T {
  const next = new (a.constructor as new (n: number) => T)(a.length * 2);
  next.set(a);
  return next;
}

/**
 * The distinct label lists of a decode, before strings are known: each list is its labels' raw numbers,
 * five per label (key, str, num low and high halves, unit). Samples refer to a list by number, so a
 * million samples with the same `bytes` label share one list.
 */
class LabelSets {
  /** The numbers of every distinct list, concatenated; list k is `data[start[k] .. start[k + 1]]`. */
  readonly data: number[] = [];
  readonly start: number[] = [0, 0];
  /** Offset of the first sample that uses each list (where its errors are reported). */
  readonly firstAt: number[] = [0];
  /** The current sample's numbers. */
  readonly pending: number[] = [];
  private readonly byHash = new Map<number, number | number[]>();

  private last = 0;

  /** Ends the current sample's list; returns its number (0 for no labels). */
  end(at: number): number {
    const p = this.pending;
    if (p.length === 0) return 0;
    // Neighbouring samples often have the same labels: try the previous list before hashing.
    if (this.last !== 0 && this.equals(this.last)) {
      p.length = 0;
      return this.last;
    }
    this.last = this.find(at);
    p.length = 0;
    return this.last;
  }

  private find(at: number): number {
    const p = this.pending;
    let h = p.length;
    for (const v of p) h = Math.imul(h ^ v, 0x9e3779b1);
    const seen = this.byHash.get(h);
    if (seen !== undefined) {
      for (const k of typeof seen === 'number' ? [seen] : seen) if (this.equals(k)) return k;
    }
    const k = this.firstAt.length;
    for (const v of p) this.data.push(v);
    this.start.push(this.data.length);
    this.firstAt.push(at);
    if (seen === undefined) this.byHash.set(h, k);
    else if (typeof seen === 'number') this.byHash.set(h, [seen, k]);
    else seen.push(k);
    return k;
  }

  private equals(k: number): boolean {
    const p = this.pending;
    const from = this.start[k]!;
    if (this.start[k + 1]! - from !== p.length) return false;
    for (let i = 0; i < p.length; i++) if (this.data[from + i] !== p[i]) return false;
    return true;
  }
}

/** A string index that cannot be valid (keeps out-of-range int64 indices as numbers). */
const BAD_INDEX = -1;

/**
 * Decodes an uncompressed profile.proto message and validates it like google/pprof's `ParseUncompressed`
 * followed by `CheckValid`.
 * @throws GodiagError — `truncated`, `corrupt`, or `not-format` for empty input.
 */
export function decodeProfile(bytes: Uint8Array): Profile {
  if (bytes.length === 0) {
    throw new GodiagError(ErrorCode.NotFormat, { format: 'pprof', offset: 0, message: 'empty input: a profile has at least one field' });
  }
  const r = new ProtoReader(bytes);
  const end = bytes.length;
  const sampleTypes: RawValueType[] = [];
  const mappings: RawMapping[] = [];
  const locations: RawLocation[] = [];
  const functions: RawFunction[] = [];
  const strings: string[] = [];
  const comments: { index: number; at: number }[] = [];
  let dropFrames = 0;
  let keepFrames = 0;
  let timeNanos = 0n;
  let durationNanos = 0n;
  let periodType: RawValueType | undefined;
  let period = 0n;
  let defaultSampleType = 0;
  let docUrl = 0;
  const scalarAt = { dropFrames: 0, keepFrames: 0, defaultSampleType: 0, docUrl: 0 };
  const halves: number[] = [];
  const cols = new SampleColumns(sizeUp(bytes), bytes.length);

  while (r.nextField(end)) {
    switch (r.field) {
      case 1:
        sampleTypes.push(readValueType(r, end));
        break;
      case 2:
        readSample(r, end, cols);
        break;
      case 3:
        mappings.push(readMapping(r, end));
        break;
      case 4:
        locations.push(readLocation(r, end));
        break;
      case 5:
        functions.push(readFunction(r, end));
        break;
      case 6: {
        r.expect(2, 'Profile');
        const at = r.keyAt;
        const stop = r.length(end);
        strings.push(decodeUtf8(bytes.subarray(r.pos, stop)));
        r.pos = stop;
        if (strings[0] !== '') throw r.corrupt(`string_table[0] must be the empty string, found ${JSON.stringify(strings[0])}`, at);
        break;
      }
      case 7:
        scalarAt.dropFrames = r.keyAt;
        dropFrames = readIndex(r);
        break;
      case 8:
        scalarAt.keepFrames = r.keyAt;
        keepFrames = readIndex(r);
        break;
      case 9: {
        const at = r.keyAt;
        r.expect(0, 'Profile');
        r.varint();
        if (timeNanos !== 0n) {
          throw r.corrupt('concatenated profiles detected: a second time_nanos field (profiles cannot be concatenated; merge them)', at);
        }
        timeNanos = r.i64;
        break;
      }
      case 10:
        r.expect(0, 'Profile');
        r.varint();
        durationNanos = r.i64;
        break;
      case 11:
        periodType = readValueType(r, end);
        break;
      case 12:
        r.expect(0, 'Profile');
        r.varint();
        period = r.i64;
        break;
      case 13: {
        const at = r.keyAt;
        halves.length = 0;
        r.repeated(end, 'Profile', halves);
        for (let i = 0; i < halves.length; i += 2) comments.push({ index: indexOf(halves[i]!, halves[i + 1]!), at });
        break;
      }
      case 14:
        scalarAt.defaultSampleType = r.keyAt;
        defaultSampleType = readIndex(r);
        break;
      case 15:
        scalarAt.docUrl = r.keyAt;
        docUrl = readIndex(r);
        break;
      default:
        r.skip(end);
    }
  }

  // Linking, in google/pprof's order so that the first error reported is the same one.
  const str = (index: number, at: number, what: string): string => {
    const s = strings[index];
    if (s === undefined) {
      throw new GodiagError(ErrorCode.Corrupt, {
        format: 'pprof',
        offset: at,
        message: `malformed profile: ${what} refers to string ${index === BAD_INDEX ? '(out of range)' : index}, but the string table has ${strings.length} entries`,
      });
    }
    return s;
  };

  const mappingById = new Map<number | bigint, Mapping>();
  for (const raw of mappings) {
    raw.m.file = str(raw.file, raw.at, 'a mapping filename');
    raw.m.buildId = str(raw.buildId, raw.at, 'a mapping build id');
    mappingById.set(keyOf(...halvesOf(raw.m.id)), raw.m);
  }
  const functionById = new Map<number | bigint, Function>();
  for (const raw of functions) {
    raw.fn.name = str(raw.name, raw.at, 'a function name');
    raw.fn.systemName = str(raw.systemName, raw.at, 'a function system name');
    raw.fn.filename = str(raw.filename, raw.at, 'a function filename');
    functionById.set(keyOf(...halvesOf(raw.fn.id)), raw.fn);
  }
  const locationById = new Map<number | bigint, number>();
  for (const [index, raw] of locations.entries()) {
    raw.loc.mapping = mappingById.get(raw.mapping);
    // An unknown function leaves a hole that checkValid reports, as google/pprof's nil function.
    raw.loc.line = raw.lines.map(
      (l): Line => ({ function: (l.fn === 0 ? undefined : functionById.get(l.fn)) as Function, line: l.line, column: l.column }),
    );
    locationById.set(keyOf(...halvesOf(raw.loc.id)), index);
  }
  const valueType = (v: RawValueType, what: string): ValueType => ({ type: str(v.type, v.at, what), unit: str(v.unit, v.at, what) });
  const sampleType = sampleTypes.map((v) => valueType(v, 'a sample type'));

  const sample = buildSamples(cols, locationById, sampleType.length, str);

  const profile: Profile = {
    sampleType,
    defaultSampleType: '',
    sample,
    mapping: mappings.map((m) => m.m),
    location: locations.map((l) => l.loc),
    function: functions.map((f) => f.fn),
    dropFrames: str(dropFrames, scalarAt.dropFrames, 'drop_frames'),
    keepFrames: str(keepFrames, scalarAt.keepFrames, 'keep_frames'),
    timeNanos,
    durationNanos,
    periodType: periodType ? valueType(periodType, 'the period type') : valueType({ type: 0, unit: 0, at: 0 }, 'the period type'),
    period,
    comments: comments.map((c) => str(c.index, c.at, 'a comment')),
    docUrl: '',
  };
  profile.defaultSampleType = str(defaultSampleType, scalarAt.defaultSampleType, 'default_sample_type');
  profile.docUrl = str(docUrl, scalarAt.docUrl, 'doc_url');
  checkDecoded(profile);
  return profile;
}

type Resolve = (index: number, at: number, what: string) => string;

/**
 * Turns the id and value columns into a {@link SampleTable}: ids become location indices. Samples are
 * checked in order, as google/pprof's CheckValid does: the value count must match the sample types, and
 * every location id must exist.
 */
function buildSamples(
  cols: SampleColumns,
  locationById: ReadonlyMap<number | bigint, number>,
  nTypes: number,
  str: Resolve,
): SampleTable {
  const n = cols.count;
  if (nTypes === 0 && n > 0) {
    throw new GodiagError(ErrorCode.Corrupt, {
      format: 'pprof',
      offset: cols.offsets[0]!,
      message: 'malformed profile: missing sample type information: samples exist but no sample types',
    });
  }
  // id → index + 1 in a dense array when ids are small (as Go writes them: 1..n), else the map.
  let maxId = 0;
  for (const k of locationById.keys()) maxId = typeof k === 'number' && maxId !== -1 ? Math.max(maxId, k) : -1;
  const dense = maxId >= 0 && maxId <= 4 * locationById.size + 64 ? new Int32Array(maxId + 1) : undefined;
  if (dense) for (const [k, v] of locationById) dense[k as number] = v + 1;
  const hasHigh = cols.highIds.size > 0;
  const fast = dense !== undefined && !hasHigh;

  const ids = cols.ids;
  const narrow = stackColumn(locationById.size, 0);
  // The id column becomes the stacks in place when it is already as narrow as the stacks can be.
  const inPlace = fast && ids.constructor === narrow.constructor;
  const stacks = inPlace ? trimmed(ids, cols.idCount) : stackColumn(locationById.size, cols.idCount);

  const halves = cols.values;
  const stackStart = trimmed(cols.idsEnd, n + 1);
  // On little-endian machines the halves are already the int64 column's bytes (checked sample by sample
  // below: every sample has nTypes values).
  const shared = LITTLE_ENDIAN && cols.valueCount === 2 * n * nTypes;
  const values = shared ? trimmedValues(halves, n * nTypes) : new BigInt64Array(n * nTypes);
  const labelSet = cols.labelSet.subarray(0, n);
  const sets = cols.labels;
  const lists: (readonly Label[] | undefined)[] = [NO_LABELS];
  let id = 0;
  let value = 0;
  for (let i = 0; i < n; i++) {
    const at = cols.offsets[i]!;
    const valuesEnd = cols.valuesEnd[i]!;
    const nValues = (valuesEnd - value) >> 1;
    if (nValues !== nTypes) {
      throw new GodiagError(ErrorCode.Corrupt, {
        format: 'pprof',
        offset: at,
        message: `malformed profile: sample ${i} has ${nValues} values but there are ${nTypes} sample types`,
      });
    }
    if (!shared) {
      for (let w = i * nTypes; value < valuesEnd; value += 2, w++) {
        values[w] = BigInt.asIntN(64, (BigInt(halves[value + 1]!) << 32n) | BigInt(halves[value]!));
      }
    }
    value = valuesEnd;
    const idsEnd = stackStart[i + 1]!;
    if (!fast) {
      for (; id < idsEnd; id++) {
        const lo = ids[id]!;
        const hi = hasHigh ? cols.highIds.get(id) : undefined;
        const key = hi === undefined ? lo : keyOf(lo, hi);
        const index = locationById.get(key) ?? -1;
        if (index < 0) throw unknownLocation(i, at, key);
        stacks[id] = index;
      }
    }
    id = idsEnd;
    const set = labelSet[i]!;
    if (set !== 0 && lists[set] === undefined) lists[set] = resolveLabels(sets, set, at, str);
  }
  if (fast) {
    // The common case, in one tight pass: small ids, a table lookup per frame.
    const bad = remap(inPlace ? stacks : ids, stacks, dense);
    if (bad >= 0) {
      let i = 0;
      while (stackStart[i + 1]! <= bad) i++;
      throw unknownLocation(i, cols.offsets[i]!, ids[bad]!);
    }
  }
  // Lists that resolve to no labels at all (neither a string nor a number) count as none.
  for (let k = 1; k < lists.length; k++) if (lists[k]!.length === 0) lists[k] = undefined;
  let anyEmpty = false;
  for (let k = 1; k < lists.length; k++) anyEmpty ||= lists[k] === undefined;
  if (anyEmpty) for (let i = 0; i < n; i++) if (lists[labelSet[i]!] === undefined) labelSet[i] = 0;
  const labels = new LabelColumn(labelSet.length === cols.labelSet.length ? labelSet : labelSet.slice(), lists as (readonly Label[])[]);
  return new SampleTable(stackStart, stacks, values, nTypes, labels);
}

const NO_LABELS: readonly Label[] = Object.freeze([]);

/**
 * Resolves label list `set`. As google/pprof: a label with a string value is a string label (its unit is
 * not even resolved); else one with a number or a unit is numeric; a label with neither is dropped.
 */
function resolveLabels(sets: LabelSets, set: number, at: number, str: Resolve): readonly Label[] {
  const d = sets.data;
  const built: Label[] = [];
  for (let k = sets.start[set]!; k < sets.start[set + 1]!; k += 5) {
    const key = str(d[k]!, at, 'a label key');
    const [s, lo, hi, unit] = [d[k + 1]!, d[k + 2]!, d[k + 3]!, d[k + 4]!];
    if (s !== 0) built.push({ kind: 'string', key, value: str(s, at, 'a label value') });
    else if (lo !== 0 || hi !== 0 || unit !== 0) {
      const value = hi === 0 ? BigInt(lo) : BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
      built.push({ kind: 'number', key, value, unit: unit === 0 ? '' : str(unit, at, 'a label unit') });
    }
  }
  return Object.freeze(built);
}

/** The int64 view of `n` values stored as halves: a view when little capacity is wasted, else a copy. */
function trimmedValues(halves: Uint32Array, n: number): BigInt64Array {
  const view = new BigInt64Array(halves.buffer, halves.byteOffset, halves.length >> 1);
  return view.length <= n + (n >> 2) ? view.subarray(0, n) : view.slice(0, n);
}

/** A column cut to `n` entries: a view when little capacity is wasted, else a copy. */
function trimmed<T extends IdColumn>(a: T, n: number): T {
  return (a.length <= n + (n >> 2) ? a.subarray(0, n) : a.slice(0, n)) as T;
}

/**
 * Maps ids to location indices through `dense` (id → index + 1); returns the first unknown id's position
 * or −1. `out` may be `ids` itself (each entry is read before it is written).
 */
function remap(ids: IdColumn, out: IdColumn, dense: Int32Array): number {
  const limit = dense.length;
  for (let i = 0; i < out.length; i++) {
    const id = ids[i]!;
    const index = id < limit ? dense[id]! - 1 : -1;
    if (index < 0) return i;
    out[i] = index;
  }
  return -1;
}

function unknownLocation(sample: number, offset: number, id: number | bigint): GodiagError {
  return new GodiagError(ErrorCode.Corrupt, {
    format: 'pprof',
    offset,
    message: `malformed profile: sample ${sample} refers to location ${id}, which is not in the profile`,
  });
}

function halvesOf(v: bigint): [number, number] {
  return [Number(v & 0xffff_ffffn), Number(v >> 32n)];
}

/** A string index from 32-bit halves; anything not a small non-negative int becomes {@link BAD_INDEX}. */
function indexOf(lo: number, hi: number): number {
  return hi === 0 && lo < 0x8000_0000 ? lo : BAD_INDEX;
}

function readIndex(r: ProtoReader): number {
  r.expect(0, 'Profile');
  r.varint();
  return indexOf(r.lo, r.hi);
}

function readValueType(r: ProtoReader, end: number): RawValueType {
  r.expect(2, 'Profile');
  const at = r.keyAt;
  const stop = r.length(end);
  const out: RawValueType = { type: 0, unit: 0, at };
  while (r.nextField(stop)) {
    if (r.field === 1 || r.field === 2) {
      r.expect(0, 'ValueType');
      r.varint();
      if (r.field === 1) out.type = indexOf(r.lo, r.hi);
      else out.unit = indexOf(r.lo, r.hi);
    } else r.skip(stop);
  }
  return out;
}

function readSample(r: ProtoReader, end: number, cols: SampleColumns): void {
  r.expect(2, 'Profile');
  cols.startSample(r.keyAt);
  const stop = r.length(end);
  const bytes = r.bytes;
  // A sample's fields may repeat and interleave, but all of them are read before the next sample, so its
  // ids and values are contiguous in the columns.
  while (r.nextField(stop)) {
    const f = r.field;
    if (f === 1 || f === 2) {
      if (r.wireType === 2) {
        const packedEnd = r.length(stop);
        if (f === 1) {
          // Ids of one and two bytes (below 16,384) are decoded inline with local state; the rest, and
          // a full or too narrow column, go through pushId.
          let pos = r.pos;
          let ids = cols.ids;
          let n = cols.idCount;
          let max = ids instanceof Uint8Array ? 0xff : 0xffff;
          while (pos < packedEnd) {
            const b = bytes[pos]!;
            if (n < ids.length) {
              if (b < 0x80) {
                ids[n++] = b;
                pos++;
                continue;
              }
              const b2 = pos + 1 < packedEnd ? bytes[pos + 1]! : 0x80;
              const id = (b & 0x7f) | (b2 << 7);
              if (b2 < 0x80 && id <= max) {
                ids[n++] = id;
                pos += 2;
                continue;
              }
            }
            cols.idCount = n;
            r.pos = pos;
            r.varint();
            cols.pushId(r.lo, r.hi);
            pos = r.pos;
            ids = cols.ids;
            max = ids instanceof Uint8Array ? 0xff : 0xffff;
            n = cols.idCount;
          }
          cols.idCount = n;
          r.pos = pos;
        } else {
          while (r.pos < packedEnd) {
            r.varint();
            cols.pushValue(r.lo, r.hi);
          }
        }
        if (r.pos > packedEnd) throw r.corrupt(`packed field ${f} of Sample ends inside a varint`, packedEnd);
      } else {
        r.expect(0, 'Sample');
        r.varint();
        if (f === 1) cols.pushId(r.lo, r.hi);
        else cols.pushValue(r.lo, r.hi);
      }
    } else if (f === 3) {
      readLabel(r, stop, cols.labels.pending);
    } else r.skip(stop);
  }
  cols.endSample();
}

/** Reads a Label message into five numbers: key, str, num (two halves), unit. */
function readLabel(r: ProtoReader, end: number, out: number[]): void {
  r.expect(2, 'Sample');
  const stop = r.length(end);
  let key = 0;
  let str = 0;
  let numLo = 0;
  let numHi = 0;
  let unit = 0;
  while (r.nextField(stop)) {
    if (r.field >= 1 && r.field <= 4) {
      r.expect(0, 'Label');
      r.varint();
      if (r.field === 1) key = indexOf(r.lo, r.hi);
      else if (r.field === 2) str = indexOf(r.lo, r.hi);
      else if (r.field === 3) (numLo = r.lo), (numHi = r.hi);
      else unit = indexOf(r.lo, r.hi);
    } else r.skip(stop);
  }
  out.push(key, str, numLo, numHi, unit);
}

function readMapping(r: ProtoReader, end: number): RawMapping {
  r.expect(2, 'Profile');
  const at = r.keyAt;
  const stop = r.length(end);
  const m: Mapping = {
    id: 0n, start: 0n, limit: 0n, offset: 0n, file: '', buildId: '',
    hasFunctions: false, hasFilenames: false, hasLineNumbers: false, hasInlineFrames: false,
  };
  const out: RawMapping = { m, file: 0, buildId: 0, at };
  while (r.nextField(stop)) {
    const f = r.field;
    if (f < 1 || f > 10) {
      r.skip(stop);
      continue;
    }
    r.expect(0, 'Mapping');
    r.varint();
    switch (f) {
      case 1: m.id = r.u64; break;
      case 2: m.start = r.u64; break;
      case 3: m.limit = r.u64; break;
      case 4: m.offset = r.u64; break;
      case 5: out.file = indexOf(r.lo, r.hi); break;
      case 6: out.buildId = indexOf(r.lo, r.hi); break;
      // google/pprof reads a bool as "the int64 is non-zero".
      case 7: m.hasFunctions = r.lo !== 0 || r.hi !== 0; break;
      case 8: m.hasFilenames = r.lo !== 0 || r.hi !== 0; break;
      case 9: m.hasLineNumbers = r.lo !== 0 || r.hi !== 0; break;
      case 10: m.hasInlineFrames = r.lo !== 0 || r.hi !== 0; break;
    }
  }
  return out;
}

function readLocation(r: ProtoReader, end: number): RawLocation {
  r.expect(2, 'Profile');
  const stop = r.length(end);
  const loc: Location = { id: 0n, mapping: undefined, address: 0n, line: [], isFolded: false };
  const out: RawLocation = { loc, mapping: 0, lines: [] };
  while (r.nextField(stop)) {
    switch (r.field) {
      case 1:
        r.expect(0, 'Location');
        r.varint();
        loc.id = r.u64;
        break;
      case 2:
        r.expect(0, 'Location');
        r.varint();
        out.mapping = r.u64Key;
        break;
      case 3:
        r.expect(0, 'Location');
        r.varint();
        loc.address = r.u64;
        break;
      case 4:
        out.lines.push(readLine(r, stop));
        break;
      case 5:
        r.expect(0, 'Location');
        r.varint();
        loc.isFolded = r.lo !== 0 || r.hi !== 0;
        break;
      default:
        r.skip(stop);
    }
  }
  return out;
}

function readLine(r: ProtoReader, end: number): RawLine {
  r.expect(2, 'Location');
  const stop = r.length(end);
  const out: RawLine = { fn: 0, line: 0, column: 0 };
  while (r.nextField(stop)) {
    if (r.field >= 1 && r.field <= 3) {
      r.expect(0, 'Line');
      const at = r.keyAt;
      r.varint();
      if (r.field === 1) out.fn = r.u64Key;
      else {
        const v = r.i64Number;
        if (v === undefined) {
          throw new GodiagError(ErrorCode.LimitExceeded, {
            format: 'pprof',
            offset: at,
            message: `${r.field === 2 ? 'line' : 'column'} number ${r.i64} does not fit in a JavaScript number (must be within ±2^53−1)`,
          });
        }
        if (r.field === 2) out.line = v;
        else out.column = v;
      }
    } else r.skip(stop);
  }
  return out;
}

function readFunction(r: ProtoReader, end: number): RawFunction {
  r.expect(2, 'Profile');
  const at = r.keyAt;
  const stop = r.length(end);
  const fn: Function = { id: 0n, name: '', systemName: '', filename: '', startLine: 0 };
  const out: RawFunction = { fn, name: 0, systemName: 0, filename: 0, at };
  while (r.nextField(stop)) {
    const f = r.field;
    if (f < 1 || f > 5) {
      r.skip(stop);
      continue;
    }
    r.expect(0, 'Function');
    const keyAt = r.keyAt;
    r.varint();
    switch (f) {
      case 1: fn.id = r.u64; break;
      case 2: out.name = indexOf(r.lo, r.hi); break;
      case 3: out.systemName = indexOf(r.lo, r.hi); break;
      case 4: out.filename = indexOf(r.lo, r.hi); break;
      case 5: {
        const v = r.i64Number;
        if (v === undefined) {
          throw new GodiagError(ErrorCode.LimitExceeded, {
            format: 'pprof',
            offset: keyAt,
            message: `start line ${r.i64} does not fit in a JavaScript number (must be within ±2^53−1)`,
          });
        }
        fn.startLine = v;
      }
    }
  }
  return out;
}
