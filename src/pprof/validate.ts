/**
 * Profile validation with google/pprof's `CheckValid` rules, in its order: sample values match the sample
 * types and stacks have no holes; mapping, function and location ids are non-zero and unique; every
 * reference points into the profile's own tables.
 * @module
 */

import { ErrorCode, GodiagError } from '../internal/errors.js';
import type { Function, Location, Mapping, Profile } from './profile.js';

/** Where the parts of a decoded profile were found, so errors can name a byte offset. */
export interface ValidateOffsets {
  /** Offset of each sample's message, by index. */
  sampleOffsets?: readonly number[];
}

/**
 * Throws a `corrupt` {@link GodiagError} if the profile breaks one of google/pprof's validity rules.
 * For profiles built in memory the offset is 0 and the message names the object.
 */
export function checkValid(p: Profile, offsets: ValidateOffsets = {}): void {
  const fail = (message: string, offset = 0): never => {
    throw new GodiagError(ErrorCode.Corrupt, { format: 'pprof', offset, message: `malformed profile: ${message}` });
  };
  const n = p.sampleType.length;
  if (n === 0 && p.sample.length !== 0) fail('missing sample type information: samples exist but no sample types');
  for (let i = 0; i < p.sample.length; i++) {
    const s = p.sample[i]!;
    const at = offsets.sampleOffsets?.[i] ?? 0;
    if (s.value.length !== n) fail(`sample ${i} has ${s.value.length} values but there are ${n} sample types`, at);
    for (const l of s.location) if (l === undefined) fail(`sample ${i} refers to a location id that is not in the profile`, at);
  }
  const mappings = new Map<bigint, Mapping>();
  for (const m of p.mapping) {
    if (m.id === 0n) fail('found a mapping with the reserved id 0');
    if (mappings.has(m.id)) fail(`multiple mappings with id ${m.id}`);
    mappings.set(m.id, m);
  }
  const functions = new Map<bigint, Function>();
  for (const f of p.function) {
    if (f.id === 0n) fail('found a function with the reserved id 0');
    if (functions.has(f.id)) fail(`multiple functions with id ${f.id}`);
    functions.set(f.id, f);
  }
  const locations = new Map<bigint, Location>();
  for (const l of p.location) {
    if (l.id === 0n) fail('found a location with the reserved id 0');
    if (locations.has(l.id)) fail(`multiple locations with id ${l.id}`);
    locations.set(l.id, l);
    const m = l.mapping;
    if (m !== undefined && (m.id === 0n || mappings.get(m.id) !== m)) fail(`location ${l.id} refers to mapping ${m.id}, which is not the profile's`);
    for (const ln of l.line) {
      const f = ln.function;
      if (f === undefined) fail(`location ${l.id} has a line with no function (function id 0 or unknown)`);
      else if (f.id === 0n || functions.get(f.id) !== f) fail(`location ${l.id} refers to function ${f.id}, which is not the profile's`);
    }
  }
}
