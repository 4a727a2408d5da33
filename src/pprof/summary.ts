/**
 * A one-pass summary of a profile.proto profile: its sample types and sample count. It streams the
 * (decompressed) message field by field, holding one field at a time, so it is cheap on huge profiles.
 * @module
 */

import { ByteCursor } from '../internal/cursor.js';
import { ErrorCode, GodiagError } from '../internal/errors.js';
import { chunks, type InputOptions, type Source } from '../internal/input.js';
import { maybeDecompress } from '../internal/compression.js';
import { StreamReader } from '../internal/stream-reader.js';
import { readKey, skipValue, WireType } from '../internal/protowire.js';
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
    // A key is at most 5 bytes for the field numbers profile.proto uses; read it through a small cursor.
    const head = await r.peek(5);
    const kc = new ByteCursor(head, 'pprof', { baseOffset: r.offset });
    const key = readKey(kc);
    await r.read(kc.pos);
    if (key.wireType !== WireType.Len) {
      const vc = new ByteCursor(await r.peek(10), 'pprof', { baseOffset: r.offset });
      skipValue(vc, key.wireType);
      await r.read(vc.pos);
      continue;
    }
    const at = r.offset;
    const body = await r.readBlock(await r.uvarintNumber('field length'), `field ${key.field}`);
    if (key.field === PROFILE_SAMPLE) samples++;
    else if (key.field === PROFILE_STRING_TABLE) strings.push(decodeUtf8(body));
    else if (key.field === PROFILE_SAMPLE_TYPE) typeRefs.push({ ...readValueType(body, at), offset: at });
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

function readValueType(body: Uint8Array, baseOffset: number): { type: number; unit: number } {
  const c = new ByteCursor(body, 'pprof', { baseOffset });
  const out = { type: 0, unit: 0 };
  while (!c.atEnd) {
    const key = readKey(c);
    if (key.wireType === WireType.Varint && (key.field === VALUE_TYPE_TYPE || key.field === VALUE_TYPE_UNIT)) {
      const v = c.uvarintNumber('string index');
      if (key.field === VALUE_TYPE_TYPE) out.type = v;
      else out.unit = v;
    } else {
      skipValue(c, key.wireType);
    }
  }
  return out;
}
