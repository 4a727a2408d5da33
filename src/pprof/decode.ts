/**
 * Decoding profile.proto into a {@link Profile}, with google/pprof's semantics:
 *
 * 1. wire decoding — unknown fields skipped, a known field with the wrong wire type rejected, repeated
 *    scalars accepted packed or not, `string_table[0]` must be empty, a second non-zero `time_nanos`
 *    means concatenated profiles;
 * 2. linking — string indices resolved (out of range is an error), ids resolved to objects; a location's
 *    unknown mapping id leaves it unmapped, while an unknown function or location id leaves a hole that
 *    validation rejects;
 * 3. validation — {@link checkValid}.
 *
 * Errors are `GodiagError`s with the offset of the message or field at fault, in the uncompressed bytes.
 * @module
 */

import { ErrorCode, GodiagError } from '../internal/errors.js';
import { decodeUtf8 } from '../internal/utf8.js';
import type { Function, Label, Line, Location, Mapping, Profile, Sample, ValueType } from './profile.js';
import { ProtoReader, int64Array, keyOf } from './wire.js';
import { checkValid } from './validate.js';

interface RawValueType {
  type: number;
  unit: number;
  at: number;
}
interface RawLabel {
  key: number;
  str: number;
  num: bigint;
  unit: number;
}
interface RawSample {
  locations: (number | bigint)[];
  values: number[]; // 32-bit halves
  labels: RawLabel[];
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
  const samples: RawSample[] = [];
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

  while (r.nextField(end)) {
    switch (r.field) {
      case 1:
        sampleTypes.push(readValueType(r, end));
        break;
      case 2:
        samples.push(readSample(r, end));
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
  const locationById = new Map<number | bigint, Location>();
  for (const raw of locations) {
    raw.loc.mapping = mappingById.get(raw.mapping);
    // An unknown function leaves a hole that checkValid reports, as google/pprof's nil function.
    raw.loc.line = raw.lines.map(
      (l): Line => ({ function: (l.fn === 0 ? undefined : functionById.get(l.fn)) as Function, line: l.line, column: l.column }),
    );
    locationById.set(keyOf(...halvesOf(raw.loc.id)), raw.loc);
  }
  const valueType = (v: RawValueType, what: string): ValueType => ({ type: str(v.type, v.at, what), unit: str(v.unit, v.at, what) });
  const sampleType = sampleTypes.map((v) => valueType(v, 'a sample type'));

  // A hole (undefined) in a stack is kept for checkValid to report, as google/pprof's nil location.
  const sample: Sample[] = new Array<Sample>(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const raw = samples[i]!;
    // As google/pprof: a label with a string value ignores its unit (it is not even resolved).
    const label: Label[] = raw.labels.map((l) => ({
      key: str(l.key, raw.at, 'a label key'),
      str: l.str === 0 ? '' : str(l.str, raw.at, 'a label value'),
      num: l.num,
      numUnit: l.str !== 0 || l.unit === 0 ? '' : str(l.unit, raw.at, 'a label unit'),
    }));
    sample[i] = {
      location: raw.locations.map((id) => locationById.get(id)) as Location[],
      value: int64Array(raw.values),
      label,
    };
  }

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
  checkValid(profile, { sampleOffsets: samples.map((s) => s.at) });
  return profile;
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

function readSample(r: ProtoReader, end: number): RawSample {
  r.expect(2, 'Profile');
  const at = r.keyAt;
  const stop = r.length(end);
  const out: RawSample = { locations: [], values: [], labels: [], at };
  const ids: number[] = [];
  while (r.nextField(stop)) {
    switch (r.field) {
      case 1:
        ids.length = 0;
        r.repeated(stop, 'Sample', ids);
        for (let i = 0; i < ids.length; i += 2) out.locations.push(keyOf(ids[i]!, ids[i + 1]!));
        break;
      case 2:
        r.repeated(stop, 'Sample', out.values);
        break;
      case 3:
        out.labels.push(readLabel(r, stop));
        break;
      default:
        r.skip(stop);
    }
  }
  return out;
}

function readLabel(r: ProtoReader, end: number): RawLabel {
  r.expect(2, 'Sample');
  const stop = r.length(end);
  const out: RawLabel = { key: 0, str: 0, num: 0n, unit: 0 };
  while (r.nextField(stop)) {
    if (r.field >= 1 && r.field <= 4) {
      r.expect(0, 'Label');
      r.varint();
      if (r.field === 1) out.key = indexOf(r.lo, r.hi);
      else if (r.field === 2) out.str = indexOf(r.lo, r.hi);
      else if (r.field === 3) out.num = r.i64;
      else out.unit = indexOf(r.lo, r.hi);
    } else r.skip(stop);
  }
  return out;
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
