/**
 * Encoding a {@link Profile} as profile.proto, in the layout google/pprof writes: the same field order,
 * the same string table order, zero-valued scalars omitted, repeated scalars packed when there are more
 * than two. Output parses back (here and in Go) to an equal profile.
 * @module
 */

import { gzipSync } from 'fflate';
import { ByteWriter } from '../internal/writer.js';
import type { Profile, ValueType } from './profile.js';

/** Options for {@link encodeProfile}. */
export interface EncodeProfileOptions {
  /** gzip the output, as Go's `Profile.Write` does (default true). */
  gzip?: boolean;
}

/** Encodes a profile; gzip-compressed unless `gzip: false`. */
export function encodeProfile(p: Profile, options: EncodeProfileOptions = {}): Uint8Array {
  const raw = encodeUncompressed(p);
  return options.gzip === false ? raw : gzipSync(raw);
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
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Writes element i of a 64-bit array (a `BigInt64Array` through its 32-bit view when possible). */
function element(w: ByteWriter, values: ArrayLike<bigint>, words: Uint32Array | undefined, i: number): void {
  if (words) w.uvarintHalves(words[2 * i]!, words[2 * i + 1]!);
  else w.uvarint(BigInt.asUintN(64, values[i]!));
}

/** Repeated int64/uint64: packed when more than two values, like google/pprof. */
function repeated(w: ByteWriter, scratch: ByteWriter, field: number, values: ArrayLike<bigint>): void {
  const words =
    LITTLE_ENDIAN && values instanceof BigInt64Array ? new Uint32Array(values.buffer, values.byteOffset, values.length * 2) : undefined;
  if (values.length > 2) {
    scratch.length = 0;
    for (let i = 0; i < values.length; i++) element(scratch, values, words, i);
    key(w, field, LEN);
    w.uvarint(scratch.length).bytes(scratch.view());
    return;
  }
  for (let i = 0; i < values.length; i++) {
    key(w, field, VARINT);
    element(w, values, words, i);
  }
}
/** A sample's location ids (field 1), packed when more than two, from pre-encoded varints. */
function stack(w: ByteWriter, scratch: ByteWriter, indices: ArrayLike<number>, idBytes: readonly Uint8Array[]): void {
  if (indices.length > 2) {
    scratch.length = 0;
    for (let i = 0; i < indices.length; i++) scratch.bytes(idBytes[indices[i]!]!);
    key(w, 1, LEN);
    w.uvarint(scratch.length).bytes(scratch.view());
    return;
  }
  for (let i = 0; i < indices.length; i++) {
    key(w, 1, VARINT);
    w.bytes(idBytes[indices[i]!]!);
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
  const labels = Array.from(p.sample, (s) =>
    s.label.map((l) =>
      l.kind === 'string'
        ? { key: strings.add(l.key), str: strings.add(l.value), num: 0n, unit: 0 }
        : { key: strings.add(l.key), str: 0, num: l.value, unit: l.unit === '' ? 0 : strings.add(l.unit) },
    ),
  );
  const mappings = p.mapping.map((m) => [strings.add(m.file), strings.add(m.buildId)] as const);
  const functions = p.function.map((f) => [strings.add(f.name), strings.add(f.systemName), strings.add(f.filename)] as const);
  const dropFrames = strings.add(p.dropFrames);
  const keepFrames = strings.add(p.keepFrames);
  const periodType = vt(p.periodType);
  const comments = p.comments.map((c) => BigInt(strings.add(c)));
  const defaultSampleType = strings.add(p.defaultSampleType);
  const docUrl = strings.add(p.docUrl);

  const w = new ByteWriter(1 << 16);
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
  for (let i = 0; i < p.sample.length; i++) {
    const s = p.sample.get(i);
    body.length = 0;
    stack(body, packed, s.stack, idBytes);
    repeated(body, packed, 2, s.value);
    for (const l of labels[i]!) {
      inner.length = 0;
      int64Opt(inner, 1, l.key);
      int64Opt(inner, 2, l.str);
      int64Opt(inner, 3, l.num);
      int64Opt(inner, 4, l.unit);
      message(body, 3, inner);
    }
    message(w, 2, body);
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
  return w.finish();
}
