/**
 * The mutable profile the legacy parsers build, and google/pprof's renumbering passes over it
 * (`remapLocationIDs`, `remapFunctionIDs`, `remapMappingIDs`, `massageMappings`) and its `CheckValid`.
 * The legacy formats carry no ids: google/pprof assigns them in these passes, so ids and orders only match
 * if the passes are reproduced step for step.
 * @module
 */

import { corrupt } from '../../internal/errors.js';
import { SampleTable, type Label, type Location, type Mapping, type Profile } from '../profile.js';
import { trimSpace, u64 } from './go.js';

/**
 * A sample while a legacy profile is built: its stack as objects, edited in place (frames are stripped,
 * values incremented) before the samples are stored in a {@link SampleTable}.
 */
export interface LegacySample {
  /** The stack, leaf first. */
  location: Location[];
  /** One value per sample type. */
  value: BigInt64Array;
  /** Labels in order. */
  label: Label[];
}

/** A profile while it is built: the {@link Profile} fields with the samples still as objects. */
export interface LegacyProfile extends Omit<Profile, 'sample'> {
  /** The samples. */
  sample: LegacySample[];
}

/** The finished profile: the samples stored by column. Every sample location is in `p.location`. */
export function toProfile(p: LegacyProfile): Profile {
  const { sample, ...rest } = p;
  return { ...rest, sample: SampleTable.from(sample, p.location, p.sampleType.length) };
}

/** An empty profile, as `&Profile{}` is before a parser fills it. */
export function emptyProfile(): LegacyProfile {
  return {
    sampleType: [],
    defaultSampleType: '',
    sample: [],
    mapping: [],
    location: [],
    function: [],
    dropFrames: '',
    keepFrames: '',
    timeNanos: 0n,
    durationNanos: 0n,
    periodType: { type: '', unit: '' },
    period: 0n,
    comments: [],
    docUrl: '',
  };
}

/** A location with an address only (id 0 until renumbered). */
export function newLocation(address: bigint): Location {
  return { id: 0n, mapping: undefined, address, line: [], isFolded: false };
}

/** The location of `address`, created and appended to `p.location` the first time it is seen. */
export function locationFor(p: LegacyProfile, locs: Map<bigint, Location>, address: bigint): Location {
  let loc = locs.get(address);
  if (loc === undefined) {
    loc = newLocation(address);
    locs.set(address, loc);
    p.location.push(loc);
  }
  return loc;
}

/** A sample without labels. */
export function newSample(location: Location[], values: readonly bigint[]): LegacySample {
  return { location, value: BigInt64Array.from(values), label: [] };
}

/** Renumbers locations 1.. in order of first use by samples, dropping unused ones. */
export function remapLocationIDs(p: LegacyProfile): void {
  const seen = new Set<Location>();
  const locs: Location[] = [];
  for (const s of p.sample) {
    for (const l of s.location) {
      if (seen.has(l)) continue;
      l.id = BigInt(locs.length + 1);
      locs.push(l);
      seen.add(l);
    }
  }
  p.location = locs;
}

/** Renumbers functions 1.. in order of first use by locations. */
export function remapFunctionIDs(p: LegacyProfile): void {
  const seen = new Set<object>();
  const fns: LegacyProfile['function'] = [];
  for (const l of p.location) {
    for (const ln of l.line) {
      const fn = ln.function;
      if (fn === undefined || seen.has(fn)) continue;
      fn.id = BigInt(fns.length + 1);
      fns.push(fn);
      seen.add(fn);
    }
  }
  p.function = fns;
}

/** The address google/pprof expects the main executable to be mapped at (non-PIE x86-64). */
const EXPECTED_START = 0x400000n;

/**
 * Attaches each location to the mapping containing its address, repairing mappings legacy handlers got
 * wrong, and adding a catch-all mapping for addresses none covers (Go's legacy handlers wrote none).
 */
export function remapMappingIDs(p: LegacyProfile): void {
  const first = p.mapping[0];
  if (first !== undefined && first.file.startsWith('/anon_hugepage')) {
    const second = p.mapping[1];
    if (second !== undefined && first.limit === second.start) p.mapping = p.mapping.slice(1);
  }
  const main = p.mapping[0];
  if (main !== undefined && u64(main.start - main.offset) === EXPECTED_START) {
    main.start = EXPECTED_START;
    main.offset = 0n;
  }
  let fake: Mapping | undefined;
  next: for (const l of p.location) {
    const a = l.address;
    if (l.mapping !== undefined || a === 0n) continue;
    for (const m of p.mapping) {
      if (m.start <= a && a < m.limit) {
        l.mapping = m;
        continue next;
      }
    }
    // The first part of a mapping split into adjacent ranges may be missing: extend back over it.
    for (const m of p.mapping) {
      if (m.offset !== 0n && u64(m.start - m.offset) <= a && a < m.start) {
        m.start = u64(m.start - m.offset);
        m.offset = 0n;
        l.mapping = m;
        continue next;
      }
    }
    if (fake === undefined) {
      fake = newMapping(0n, 0xffff_ffff_ffff_ffffn, 0n, '', '');
      p.mapping.push(fake);
    }
    l.mapping = fake;
  }
  p.mapping.forEach((m, i) => {
    m.id = BigInt(i + 1);
  });
}

/** A mapping with no symbolization flags. */
export function newMapping(start: bigint, limit: bigint, offset: bigint, file: string, buildId: string): Mapping {
  return {
    id: 0n,
    start,
    limit,
    offset,
    file,
    buildId,
    hasFunctions: false,
    hasFilenames: false,
    hasLineNumbers: false,
    hasInlineFrames: false,
  };
}

const LIB_RE = /([.]so$|[.]so[._][0-9]+)/;

/** Merges mappings split into adjacent pieces and moves the likely main executable to the front. */
export function massageMappings(p: LegacyProfile): void {
  if (p.mapping.length > 1) {
    const out: Mapping[] = [p.mapping[0]!];
    for (const m of p.mapping.slice(1)) {
      const lm = out[out.length - 1]!;
      if (adjacent(lm, m)) {
        lm.limit = m.limit;
        if (m.file !== '') lm.file = m.file;
        if (m.buildId !== '') lm.buildId = m.buildId;
        for (const l of p.location) if (l.mapping === m) l.mapping = lm;
        continue;
      }
      out.push(m);
    }
    p.mapping = out;
  }
  for (let i = 0; i < p.mapping.length; i++) {
    const m = p.mapping[i]!;
    const file = trimSpace(m.file.replaceAll('(deleted)', ''));
    if (file.length === 0 || LIB_RE.test(file) || file[0] === '[') continue;
    p.mapping[i] = p.mapping[0]!;
    p.mapping[0] = m;
    break;
  }
  p.mapping.forEach((m, i) => {
    m.id = BigInt(i + 1);
  });
}

function adjacent(m1: Mapping, m2: Mapping): boolean {
  if (m1.file !== '' && m2.file !== '' && m1.file !== m2.file) return false;
  if (m1.buildId !== '' && m2.buildId !== '' && m1.buildId !== m2.buildId) return false;
  if (m1.limit !== m2.start) return false;
  if (m1.offset !== 0n && m2.offset !== 0n) {
    if (u64(m1.offset + (m1.limit - m1.start)) !== m2.offset) return false;
  }
  return true;
}

/**
 * google/pprof's `CheckValid` as it can fail for a legacy profile: every sample must have one value per
 * sample type (a Java profile without a `resolution` attribute has samples but no types).
 */
export function checkValid(p: LegacyProfile, offset: number): void {
  const n = p.sampleType.length;
  if (n === 0 && p.sample.length !== 0) {
    throw corrupt('pprof', offset, 'malformed profile: expected sample type information, found samples without any');
  }
  for (const s of p.sample) {
    if (s.value.length !== n) {
      throw corrupt('pprof', offset, `malformed profile: a sample has ${s.value.length} values but there are ${n} sample types`);
    }
  }
}
