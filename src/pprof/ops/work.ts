/**
 * A mutable working copy of a profile for the operations of `src/pprof/ops`: samples as objects (stack as
 * `Location` references, values as `bigint[]`), every mapping, function and location copied, so operations
 * can edit them the way google/pprof edits its profile in place without touching the caller's profile.
 * @module
 */

import { SampleTable, type Function, type Label, type Location, type Mapping, type Profile } from '../profile.js';

/** One sample of a {@link WorkProfile}. */
export interface WorkSample {
  /** The stack, leaf first; every element is in the work profile's `location` table. */
  location: Location[];
  /** One value per sample type (int64, wrapped by whoever writes them). */
  value: bigint[];
  /** Labels in file order. */
  label: readonly Label[];
}

/** A profile whose samples are objects; everything else as in {@link Profile}. */
export interface WorkProfile extends Omit<Profile, 'sample'> {
  /** The samples. */
  samples: WorkSample[];
}

/** Copies the header fields of a profile (arrays copied, value types cloned). */
export function copyHeader(p: Omit<Profile, 'sample' | 'mapping' | 'location' | 'function'>): Omit<Profile, 'sample' | 'mapping' | 'location' | 'function'> {
  return {
    sampleType: p.sampleType.map((t) => ({ type: t.type, unit: t.unit })),
    defaultSampleType: p.defaultSampleType,
    dropFrames: p.dropFrames,
    keepFrames: p.keepFrames,
    timeNanos: p.timeNanos,
    durationNanos: p.durationNanos,
    periodType: { type: p.periodType.type, unit: p.periodType.unit },
    period: p.period,
    comments: [...p.comments],
    docUrl: p.docUrl,
  };
}

/** A deep working copy of `p`: the caller's profile is never modified by edits to the copy. */
export function toWork(p: Profile): WorkProfile {
  const mappings = new Map<Mapping, Mapping>();
  const functions = new Map<Function, Function>();
  const mapping = p.mapping.map((m) => {
    const c = { ...m };
    mappings.set(m, c);
    return c;
  });
  const fn = p.function.map((f) => {
    const c = { ...f };
    functions.set(f, c);
    return c;
  });
  const location = p.location.map(
    (l): Location => ({
      id: l.id,
      mapping: l.mapping && (mappings.get(l.mapping) ?? { ...l.mapping }),
      address: l.address,
      line: l.line.map((ln) => ({ function: functions.get(ln.function) ?? { ...ln.function }, line: ln.line, column: ln.column })),
      isFolded: l.isFolded,
    }),
  );
  const samples: WorkSample[] = [];
  const t = p.sample;
  for (let i = 0; i < t.length; i++) {
    samples.push({ location: Array.from(t.stack(i), (k) => location[k]!), value: Array.from(t.value(i)), label: t.labels.get(i) ?? [] });
  }
  return { ...copyHeader(p), mapping, function: fn, location, samples };
}

/** Builds a profile from a working copy (values wrapped to int64). */
export function fromWork(w: WorkProfile): Profile {
  const { samples, ...rest } = w;
  const sample = SampleTable.from(
    samples.map((s) => ({ location: s.location, value: s.value.map((v) => BigInt.asIntN(64, v)), label: s.label })),
    w.location,
    w.sampleType.length,
  );
  return { ...rest, sample };
}

/** Tests a string against a regexp without depending on (or disturbing) a global regexp's `lastIndex`. */
export function matches(re: RegExp, s: string): boolean {
  re.lastIndex = 0;
  const r = re.test(s);
  re.lastIndex = 0;
  return r;
}
