/**
 * A one-pass summary of a profile.proto profile: its sample types and sample count. It streams the
 * (decompressed) message field by field, holding one field at a time, so it is cheap on huge profiles.
 * @module
 */

import { ErrorCode, GodiagError } from '../internal/errors.js';
import { chunks, type InputOptions, type Source } from '../internal/input.js';
import { maybeDecompress } from '../internal/compression.js';
import { StreamReader } from '../internal/stream-reader.js';
import { ProtoReader } from '../internal/protowire.js';
import { decodeUtf8 } from '../internal/utf8.js';
import type { ValueType } from './profile.js';


/** What {@link summarizeProfile} reports. */
export interface ProfileSummary {
  /** Whether the profile was gzip-compressed. */
  compression: 'gzip' | 'none';
  /** What each sample value measures, in order. */
  sampleTypes: ValueType[];
  /** Number of samples. */
  samples: number;
}

// profile.proto field numbers used here.
const PROFILE_SAMPLE_TYPE = 1;
const PROFILE_SAMPLE = 2;
const PROFILE_STRING_TABLE = 6;
const VALUE_TYPE_TYPE = 1;
const VALUE_TYPE_UNIT = 2;

/** Reads a profile (gzip or raw) and returns its sample types and sample count. */
export async function summarizeProfile(source: Source, options: InputOptions = {}): Promise<ProfileSummary> {
  const { compression, chunks: body } = await maybeDecompress(chunks(source, options));
  if (compression === 'zlib') {
    throw new GodiagError(ErrorCode.NotFormat, { format: 'pprof', offset: 0, message: 'zlib-compressed data; profiles are gzip or raw protobuf' });
  }
  const r = new StreamReader(body, 'pprof');
  const typeRefs: { type: number; unit: number; offset: number }[] = [];
  const strings: string[] = [];
  let samples = 0;
  while (!(await r.atEnd())) {
    // A key and a varint take at most 20 bytes (10 each, padded): read them through a ProtoReader over a window.
    const at = r.offset;
    const head = new ProtoReader(await r.peek(20), { baseOffset: at });
    head.nextField(Infinity);
    const { field, wireType } = head;
    if (wireType !== LEN) {
      head.skip(Infinity);
      await r.read(head.pos);
      continue;
    }
    head.varint();
    const length = head.hi === 0 ? head.lo : Infinity;
    await r.read(head.pos);
    const message = await r.readBlock(length, `field ${field}`);
    if (field === PROFILE_SAMPLE) samples++;
    else if (field === PROFILE_STRING_TABLE) strings.push(decodeUtf8(message));
    else if (field === PROFILE_SAMPLE_TYPE) typeRefs.push({ ...readValueType(message, at), offset: at });
  }
  const str = (i: number, offset: number): string => {
    const s = strings[i];
    if (s === undefined) {
      throw new GodiagError(ErrorCode.Corrupt, {
        format: 'pprof',
        offset,
        message: `string index ${i} is out of range: the string table has ${strings.length} entries`,
      });
    }
    return s;
  };
  return {
    compression,
    sampleTypes: typeRefs.map((t) => ({ type: str(t.type, t.offset), unit: str(t.unit, t.offset) })),
    samples,
  };
}

const LEN = 2;

/** The string indices of a ValueType message; an index that is not a small non-negative int becomes −1. */
function readValueType(body: Uint8Array, baseOffset: number): { type: number; unit: number } {
  const r = new ProtoReader(body, { baseOffset });
  const out = { type: 0, unit: 0 };
  while (r.nextField(body.length)) {
    if (r.field !== VALUE_TYPE_TYPE && r.field !== VALUE_TYPE_UNIT) {
      r.skip(body.length);
      continue;
    }
    r.expect(0, 'ValueType');
    r.varint();
    const index = r.hi === 0 && r.lo < 0x8000_0000 ? r.lo : -1;
    if (r.field === VALUE_TYPE_TYPE) out.type = index;
    else out.unit = index;
  }
  return out;
}
