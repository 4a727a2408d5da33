/**
 * Profile validation with google/pprof's `CheckValid` rules, in its order: sample values match the sample
 * types and stacks have no holes; mapping, function and location ids are non-zero and unique; every
 * reference points into the profile's own tables.
 * @module
 */

import { ErrorCode, GodiagError } from '../internal/errors.js';
import type { Function, Location, Mapping, Profile } from './profile.js';

/**
 * Throws a `corrupt` {@link GodiagError} if the profile breaks one of google/pprof's validity rules.
 * The decoder checks samples as it builds the sample table (with byte offsets); for a profile built in
 * memory the offset is 0 and the message names the object.
 */
export function checkValid(p: Profile): void {
  checkSampleTable(p);
  const nLocations = p.location.length;
  const stacks = p.sample.stacks;
  for (let i = 0; i < stacks.length; i++) {
    if (stacks[i]! >= nLocations) fail(`a sample refers to location index ${stacks[i]}, beyond the ${nLocations} locations`);
  }
  checkTables(p);
}

function fail(message: string, offset = 0): never {
  throw new GodiagError(ErrorCode.Corrupt, { format: 'pprof', offset, message: `malformed profile: ${message}` });
}

function checkSampleTable(p: Profile): void {
  const n = p.sampleType.length;
  if (n === 0 && p.sample.length !== 0) fail('missing sample type information: samples exist but no sample types');
  const t = p.sample;
  if (t.valueCount !== n) fail(`samples have ${t.valueCount} values but there are ${n} sample types`);
  if (t.values.length !== t.length * n) fail(`the sample table holds ${t.values.length} values for ${t.length} samples of ${n} types`);
}

/**
 * {@link checkValid} for a profile the decoder has just built, whose stacks hold only indices it produced
 * from the location table: everything but the scan over every frame.
 * @internal
 */
export function checkDecoded(p: Profile): void {
  checkSampleTable(p);
  checkTables(p);
}

/** The mapping, function and location rules. */
function checkTables(p: Profile): void {
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
