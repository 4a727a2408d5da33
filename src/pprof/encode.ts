/**
 * Encoding a {@link Profile} as profile.proto, in the layout google/pprof writes: the same field order,
 * the same string table order, zero-valued scalars omitted, repeated scalars packed when there are more
 * than two. Output parses back (here and in Go) to an equal profile.
 * @module
 */

import { gzipSync } from 'fflate';
import { ByteWriter, uvarintSize } from '../internal/writer.js';
import { LabelColumn, type Label, type Profile, type ValueType } from './profile.js';
import { LITTLE_ENDIAN } from '../internal/protowire.js';

/** Options for {@link encodeProfile}. */
export interface EncodeProfileOptions {
  /** gzip the output, as Go's `Profile.Write` does (default true). */
  gzip?: boolean;
  /**
   * Turns the encoded bytes into a gzip member. Default: fflate at level 6, which runs everywhere. In Node,
   * `nativeGzip()` from `godiag/node` uses the runtime's zlib and is several times faster.
   */
  compress?: (raw: Uint8Array) => Uint8Array;
}

/** Encodes a profile; gzip-compressed unless `gzip: false`. */
export function encodeProfile(p: Profile, options: EncodeProfileOptions = {}): Uint8Array {
  const raw = encodeUncompressed(p);
  if (options.gzip === false) return raw;
  return options.compress ? options.compress(raw) : gzipSync(raw);
}

/** Interns strings in order of first use; index 0 is always "". */
class StringTable {
  readonly list: string[] = [''];
  private readonly index = new Map<string, number>([['', 0]]);
  add(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}

const VARINT = 0;
const LEN = 2;

function key(w: ByteWriter, field: number, wireType: number): void {
  w.uvarint(field * 8 + wireType);
}
function int64Opt(w: ByteWriter, field: number, v: number | bigint): void {
  if (v === 0 || v === 0n) return;
  key(w, field, VARINT);
  w.uvarint(typeof v === 'bigint' ? BigInt.asUintN(64, v) : v >= 0 ? v : BigInt.asUintN(64, BigInt(v)));
}
function boolOpt(w: ByteWriter, field: number, v: boolean): void {
  if (v) key(w, field, VARINT), w.u8(1);
}
/** Writes element i of a 64-bit array (a `BigInt64Array` through its 32-bit view when possible). */
function int64Element(w: ByteWriter, values: ArrayLike<bigint>, words: Uint32Array | undefined, i: number): void {
  if (words) w.uvarintHalves(words[2 * i]!, words[2 * i + 1]!);
  else w.uvarint(BigInt.asUintN(64, values[i]!));
}

/** Repeated int64/uint64: packed when more than two values, like google/pprof. */
function repeated(w: ByteWriter, scratch: ByteWriter, field: number, values: ArrayLike<bigint>): void {
  const words =
    LITTLE_ENDIAN && values instanceof BigInt64Array ? new Uint32Array(values.buffer, values.byteOffset, values.length * 2) : undefined;
  if (values.length > 2) {
    scratch.length = 0;
    for (let i = 0; i < values.length; i++) int64Element(scratch, values, words, i);
    key(w, field, LEN);
    w.uvarint(scratch.length).bytes(scratch.view());
    return;
  }
  for (let i = 0; i < values.length; i++) {
    key(w, field, VARINT);
    int64Element(w, values, words, i);
  }
}
function message(w: ByteWriter, field: number, body: ByteWriter): void {
  key(w, field, LEN);
  w.uvarint(body.length).bytes(body.view());
}

/** Encodes without compression (google/pprof's `WriteUncompressed`). */
export function encodeUncompressed(p: Profile): Uint8Array {
  const strings = new StringTable();
  // String indices in google/pprof's preEncode order, so the table matches what Go writes.
  const vt = (v: ValueType) => [strings.add(v.type), strings.add(v.unit)] as const;
  const sampleTypes = p.sampleType.map(vt);
  // Label lists are often shared between samples (the decoder interns them): encode each list once.
  const labels = p.sample.labels;
  const labelBytes = new Map<readonly Label[], ByteWriter>();
  const encodeLabels = (list: readonly Label[]) => {
    const lw = new ByteWriter(32);
    const inner = new ByteWriter(16);
    for (const l of list) {
      inner.length = 0;
      int64Opt(inner, 1, strings.add(l.key));
      if (l.kind === 'string') int64Opt(inner, 2, strings.add(l.value));
      else {
        int64Opt(inner, 3, l.value);
        int64Opt(inner, 4, l.unit === '' ? 0 : strings.add(l.unit));
      }
      message(lw, 3, inner);
    }
    labelBytes.set(list, lw);
  };
  // A LabelColumn numbers its distinct lists: visit each once, in order of first use (the string table's
  // order depends on it), through the per-sample column rather than a map entry per sample.
  let setBytes: (ByteWriter | undefined)[] | undefined;
  if (labels instanceof LabelColumn) {
    setBytes = [];
    for (const set of labels.setOfSample) {
      if (set === 0 || setBytes[set] !== undefined) continue;
      const list = labels.sets[set]!;
      if (!labelBytes.has(list)) encodeLabels(list);
      setBytes[set] = labelBytes.get(list)!;
    }
  } else {
    for (const list of labels.values()) if (!labelBytes.has(list)) encodeLabels(list);
  }
  const mappings = p.mapping.map((m) => [strings.add(m.file), strings.add(m.buildId)] as const);
  const functions = p.function.map((f) => [strings.add(f.name), strings.add(f.systemName), strings.add(f.filename)] as const);
  const dropFrames = strings.add(p.dropFrames);
  const keepFrames = strings.add(p.keepFrames);
  const periodType = vt(p.periodType);
  const comments = p.comments.map((c) => BigInt(strings.add(c)));
  const defaultSampleType = strings.add(p.defaultSampleType);
  const docUrl = strings.add(p.docUrl);

  // Stacks dominate: a byte or more per frame, plus a few per sample. Sizing up front avoids regrowing.
  const w = new ByteWriter(p.sample.stacks.length + 24 * p.sample.length + (1 << 16));
  const body = new ByteWriter(256);
  const inner = new ByteWriter(64);
  const packed = new ByteWriter(256);
  const valueType = (field: number, [type, unit]: readonly [number, number]) => {
    body.length = 0;
    int64Opt(body, 1, type);
    int64Opt(body, 2, unit);
    message(w, field, body);
  };

  for (const t of sampleTypes) valueType(1, t);
  // Stacks are most of a large profile: encode each location id's varint once, then copy bytes.
  const idBytes = p.location.map((l) => new ByteWriter(10).uvarint(l.id).finish());
  // Samples straight from the table's columns into the output: no per-sample views, and each sample's
  // length is computed up front so its stack is copied once, from the pre-encoded ids.
  const table = p.sample;
  const { stackStart, stacks, valueCount } = table;
  const values = table.values;
  const words = LITTLE_ENDIAN ? new Uint32Array(values.buffer, values.byteOffset, values.length * 2) : undefined;
  const idOffset = new Uint32Array(idBytes.length + 1);
  idBytes.forEach((b, k) => (idOffset[k + 1] = idOffset[k]! + b.length));
  const idFlat = new Uint8Array(idOffset[idBytes.length]!);
  const idLength = Uint8Array.from(idBytes, (b) => b.length);
  idBytes.forEach((b, k) => idFlat.set(b, idOffset[k]!));
  // Every location id a single byte (ids below 128): a stack is copied by table lookup, its length known.
  const oneByte = idLength.every((n) => n === 1);
  const setOfSample = setBytes !== undefined ? (labels as LabelColumn).setOfSample : undefined;
  for (let i = 0; i < table.length; i++) {
    body.length = 0; // the values and labels part
    if (valueCount > 2 && valueCount <= 12) {
      // Packed, and at most 120 bytes: the length is one byte, filled in once the values are written.
      key(body, 2, LEN);
      body.u8(0);
      for (let v = i * valueCount; v < (i + 1) * valueCount; v++) int64Element(body, values, words, v);
      body.setU8(1, body.length - 2);
    } else if (valueCount > 2) {
      packed.length = 0;
      for (let v = i * valueCount; v < (i + 1) * valueCount; v++) int64Element(packed, values, words, v);
      key(body, 2, LEN);
      body.uvarint(packed.length).append(packed);
    } else {
      for (let v = i * valueCount; v < (i + 1) * valueCount; v++) {
        key(body, 2, VARINT);
        int64Element(body, values, words, v);
      }
    }
    if (setOfSample !== undefined) {
      const set = setOfSample[i]!;
      if (set !== 0) body.append(setBytes![set]!);
    } else {
      const list = labels.get(i);
      if (list !== undefined) body.append(labelBytes.get(list)!);
    }

    const from = stackStart[i]!;
    const to = stackStart[i + 1]!;
    const frames = to - from;
    let n = frames;
    if (!oneByte) {
      n = 0;
      for (let k = from; k < to; k++) n += idLength[stacks[k]!]!;
    }
    // Field 1's keys are one byte: one key and a length when packed, one key per id otherwise.
    const stackPart = frames > 2 ? 1 + uvarintSize(n) + n : frames + n;
    key(w, 2, LEN);
    w.uvarint(stackPart + body.length);
    if (frames > 2) {
      key(w, 1, LEN);
      w.uvarint(n);
      if (oneByte) w.lookup(idFlat, stacks, from, to);
      else w.slices(idFlat, idOffset, stacks, from, to, n);
    } else {
      for (let k = from; k < to; k++) {
        key(w, 1, VARINT);
        w.bytes(idBytes[stacks[k]!]!);
      }
    }
    w.append(body);
  }
  p.mapping.forEach((m, i) => {
    const [file, buildId] = mappings[i]!;
    body.length = 0;
    int64Opt(body, 1, m.id);
    int64Opt(body, 2, m.start);
    int64Opt(body, 3, m.limit);
    int64Opt(body, 4, m.offset);
    int64Opt(body, 5, file);
    int64Opt(body, 6, buildId);
    boolOpt(body, 7, m.hasFunctions);
    boolOpt(body, 8, m.hasFilenames);
    boolOpt(body, 9, m.hasLineNumbers);
    boolOpt(body, 10, m.hasInlineFrames);
    message(w, 3, body);
  });
  for (const l of p.location) {
    body.length = 0;
    int64Opt(body, 1, l.id);
    int64Opt(body, 2, l.mapping?.id ?? 0n);
    int64Opt(body, 3, l.address);
    for (const ln of l.line) {
      inner.length = 0;
      int64Opt(inner, 1, ln.function?.id ?? 0n);
      int64Opt(inner, 2, ln.line);
      int64Opt(inner, 3, ln.column);
      message(body, 4, inner);
    }
    boolOpt(body, 5, l.isFolded);
    message(w, 4, body);
  }
  p.function.forEach((f, i) => {
    const [name, systemName, filename] = functions[i]!;
    body.length = 0;
    int64Opt(body, 1, f.id);
    int64Opt(body, 2, name);
    int64Opt(body, 3, systemName);
    int64Opt(body, 4, filename);
    int64Opt(body, 5, f.startLine);
    message(w, 5, body);
  });
  for (const s of strings.list) {
    key(w, 6, LEN);
    w.lengthPrefixedString(s);
  }
  int64Opt(w, 7, dropFrames);
  int64Opt(w, 8, keepFrames);
  int64Opt(w, 9, p.timeNanos);
  int64Opt(w, 10, p.durationNanos);
  if (periodType[0] !== 0 || periodType[1] !== 0) valueType(11, periodType);
  int64Opt(w, 12, p.period);
  repeated(w, packed, 13, comments);
  // google/pprof always writes default_sample_type, even when 0.
  key(w, 14, VARINT);
  w.uvarint(defaultSampleType);
  int64Opt(w, 15, docUrl);
  return w.take();
}
