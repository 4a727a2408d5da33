/**
 * Merging profiles with google/pprof's `profile.Merge` semantics (and `Compact`, `Normalize`, and the
 * `-base`/`-diff_base` subtraction of `go tool pprof`).
 * @module
 */

import { ErrorCode, GodiagError } from '../../internal/errors.js';
import { groupLabels } from '../labels.js';
import type { Function, Label, Line, Location, Mapping, Profile, ValueType } from '../profile.js';
import { scaleN, scaleProfile } from './scale.js';
import { copyHeader, fromWork, type WorkProfile, type WorkSample } from './work.js';

const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const i64 = (v: bigint): bigint => BigInt.asIntN(64, v);

/**
 * The error for profiles that cannot be merged, compared or normalised together: a `GodiagError` with code
 * `corrupt`, format `pprof` and offset 0 (the inputs are valid profiles, but inconsistent with each other,
 * which is what `corrupt` means: "present but inconsistent"; there is no byte offset to point at).
 */
function incompatible(message: string): GodiagError {
  return new GodiagError(ErrorCode.Corrupt, { format: 'pprof', offset: 0, message });
}

function valueTypesString(ts: readonly ValueType[]): string {
  return '[' + ts.map((t) => `${t.type}/${t.unit}`).join(' ') + ']';
}

/**
 * Checks that two profiles can be merged or compared, as google/pprof's `compatible`: the same period type
 * and the same sample types (type and unit) in the same order.
 * @throws GodiagError (`corrupt`, format `pprof`, offset 0) naming the mismatch
 */
export function checkCompatible(a: Profile, b: Profile): void {
  if (a.periodType.type !== b.periodType.type || a.periodType.unit !== b.periodType.unit) {
    throw incompatible(`incompatible period types ${a.periodType.type}/${a.periodType.unit} and ${b.periodType.type}/${b.periodType.unit}`);
  }
  const same = a.sampleType.length === b.sampleType.length && a.sampleType.every((t, i) => t.type === b.sampleType[i]!.type && t.unit === b.sampleType[i]!.unit);
  if (!same) throw incompatible(`incompatible sample types ${valueTypesString(a.sampleType)} and ${valueTypesString(b.sampleType)}`);
}

interface MappingInfo {
  m: Mapping | undefined;
  /** Added to addresses of the source mapping's locations (merged start − source start, mod 2^64). */
  offset: bigint;
}

/** The merge state (google/pprof's `profileMerger`). */
class Merger {
  readonly out: WorkProfile;
  private readonly samples = new Map<string, WorkSample>();
  private readonly locations = new Map<string, Location>();
  private readonly functions = new Map<string, Function>();
  private readonly mappings = new Map<string, Mapping>();
  // Per-source memo tables (by object: ids are unique within a valid profile).
  locationsBySrc = new Map<Location, Location>();
  functionsBySrc = new Map<Function, Function>();
  mappingsBySrc = new Map<Mapping, MappingInfo>();

  constructor(header: ReturnType<typeof copyHeader>) {
    this.out = { ...header, mapping: [], location: [], function: [], samples: [] };
  }

  startSource(): void {
    this.locationsBySrc = new Map();
    this.functionsBySrc = new Map();
    this.mappingsBySrc = new Map();
  }

  hasMappings(): boolean {
    return this.mappings.size > 0;
  }

  mapSample(stack: readonly Location[], value: ArrayLike<bigint>, label: readonly Label[]): void {
    const merged = stack.map((l) => this.mapLocation(l));
    const key = merged.map((l) => l.id).join(',') + '|' + labelKey(label);
    const existing = this.samples.get(key);
    if (existing) {
      for (let i = 0; i < value.length; i++) existing.value[i] = i64(existing.value[i]! + value[i]!);
      return;
    }
    const s: WorkSample = { location: merged, value: Array.from(value), label };
    this.samples.set(key, s);
    this.out.samples.push(s);
  }

  mapLocation(src: Location): Location {
    const known = this.locationsBySrc.get(src);
    if (known) return known;
    const mi = this.mapMapping(src.mapping);
    const lines = src.line.map((ln): Line => ({ function: this.mapFunction(ln.function), line: ln.line, column: ln.column }));
    const l: Location = { id: BigInt(this.out.location.length + 1), mapping: mi.m, address: u64(src.address + mi.offset), line: lines, isFolded: src.isFolded };
    const key = locationKey(l);
    const same = this.locations.get(key);
    if (same) {
      this.locationsBySrc.set(src, same);
      return same;
    }
    this.locationsBySrc.set(src, l);
    this.locations.set(key, l);
    this.out.location.push(l);
    return l;
  }

  mapMapping(src: Mapping | undefined): MappingInfo {
    if (!src) return { m: undefined, offset: 0n };
    const known = this.mappingsBySrc.get(src);
    if (known) return known;
    const key = mappingKey(src);
    const same = this.mappings.get(key);
    if (same) {
      const mi = { m: same, offset: same.start - src.start };
      this.mappingsBySrc.set(src, mi);
      return mi;
    }
    const m: Mapping = { ...src, id: BigInt(this.out.mapping.length + 1) };
    this.out.mapping.push(m);
    this.mappings.set(key, m);
    const mi = { m, offset: 0n };
    this.mappingsBySrc.set(src, mi);
    return mi;
  }

  mapFunction(src: Function): Function {
    const known = this.functionsBySrc.get(src);
    if (known) return known;
    const key = JSON.stringify([src.startLine, src.name, src.systemName, src.filename]);
    const same = this.functions.get(key);
    if (same) {
      this.functionsBySrc.set(src, same);
      return same;
    }
    const f: Function = { ...src, id: BigInt(this.out.function.length + 1) };
    this.functions.set(key, f);
    this.functionsBySrc.set(src, f);
    this.out.function.push(f);
    return f;
  }
}

/** Sample identity beyond the stack: labels grouped by key, keys sorted (as google/pprof's sample key). */
function labelKey(label: readonly Label[]): string {
  if (label.length === 0) return '';
  const g = groupLabels({ label });
  const sorted = <V>(m: Map<string, V>) => [...m.keys()].sort().map((k) => [k, m.get(k)!] as const);
  return JSON.stringify([
    sorted(g.label),
    sorted(g.numLabel).map(([k, vs]) => [k, vs.map((v) => v.toString()), g.numUnit.get(k) ?? []]),
  ]);
}

/** Location identity: address relative to its mapping's start, mapping id, lines, folding. */
function locationKey(l: Location): string {
  let addr = l.address;
  let mappingId = 0n;
  if (l.mapping) {
    addr = u64(addr - l.mapping.start);
    mappingId = l.mapping.id;
  }
  const lines = l.line.map((ln) => `${ln.function.id.toString(16)}|${ln.line.toString(16)}|${ln.column.toString(16)}`).join('|');
  return `${addr}:${mappingId}:${l.isFolded ? 1 : 0}:${lines}`;
}

/** Mapping identity: size rounded up to 4 KiB, file offset, build id (or else file name). */
function mappingKey(m: Mapping): string {
  let size = u64(m.limit - m.start);
  size = u64(size + 0xfffn);
  size -= size % 0x1000n;
  return `${size}:${m.offset}:${m.buildId !== '' ? m.buildId : m.file}`;
}

function isZero(value: ArrayLike<bigint>): boolean {
  for (let i = 0; i < value.length; i++) if (value[i] !== 0n) return false;
  return true;
}

/** google/pprof's `combineHeaders`, after the compatibility check. */
function combineHeaders(srcs: readonly Profile[]): ReturnType<typeof copyHeader> {
  for (const s of srcs.slice(1)) checkCompatible(srcs[0]!, s);
  let timeNanos = 0n;
  let durationNanos = 0n;
  let period = 0n;
  const comments: string[] = [];
  const seen = new Set<string>();
  let docUrl = '';
  let defaultSampleType = '';
  for (const s of srcs) {
    // As Go: a zero time met after a non-zero one resets the minimum (it is "earliest non-zero" only when
    // zero times come first).
    if (timeNanos === 0n || s.timeNanos < timeNanos) timeNanos = s.timeNanos;
    durationNanos = i64(durationNanos + s.durationNanos);
    if (period === 0n || period < s.period) period = s.period;
    for (const c of s.comments) {
      if (!seen.has(c)) {
        comments.push(c);
        seen.add(c);
      }
    }
    if (defaultSampleType === '') defaultSampleType = s.defaultSampleType;
    if (docUrl === '') docUrl = s.docUrl;
  }
  const first = copyHeader(srcs[0]!);
  return { ...first, timeNanos, durationNanos, period, comments, defaultSampleType, docUrl };
}

/**
 * Merges profiles into a new one, as google/pprof's `profile.Merge`:
 *
 * - All profiles must have the same period type and sample types ({@link checkCompatible}).
 * - Header: sample types, period type, `dropFrames` and `keepFrames` from the first profile; `period` the
 *   maximum; `timeNanos` the earliest non-zero one (Go's loop: a zero time after a non-zero one resets it);
 *   `durationNanos` the sum; comments concatenated without duplicates; `defaultSampleType` and `docUrl`
 *   the first non-empty ones.
 * - Samples whose values are all zero are dropped. Samples with the same stack (after merging locations)
 *   and the same labels are one sample: values are added (int64, wrapping); the first one's labels stay.
 * - Mappings are the same when their size rounded up to 4 KiB, file offset and build id (or, without one,
 *   file name) agree; addresses of a merged mapping's locations are shifted by the difference of starts.
 *   The first mapping of the first profile that has mappings is always kept (it is the main binary).
 * - Locations are the same when their address relative to the mapping start, mapping, lines (function,
 *   line, column) and `isFolded` agree; functions when name, system name, file name and start line agree.
 * - New ids are 1, 2, 3… in order of first use; unreferenced locations and functions disappear.
 * - If merged samples sum to zero, the result is merged once more to drop them (renumbering the ids).
 *
 * Objects are identified within each source by reference (google/pprof: by id; the same for valid
 * profiles). Inputs are not modified.
 *
 * @throws GodiagError (`corrupt`, format `pprof`, offset 0) if the profiles are not compatible
 * @throws RangeError for an empty list
 */
export function mergeProfiles(srcs: readonly Profile[]): Profile {
  if (srcs.length === 0) throw new RangeError('mergeProfiles: no profiles to merge');
  const pm = new Merger(combineHeaders(srcs));
  for (const src of srcs) {
    pm.startSource();
    if (!pm.hasMappings() && src.mapping.length > 0) pm.mapMapping(src.mapping[0]);
    const t = src.sample;
    for (let i = 0; i < t.length; i++) {
      const value = t.value(i);
      if (isZero(value)) continue;
      pm.mapSample(Array.from(t.stack(i), (k) => src.location[k]!), value, t.labels.get(i) ?? []);
    }
  }
  const out = fromWork(pm.out);
  if (pm.out.samples.some((s) => isZero(s.value))) return mergeProfiles([out]);
  return out;
}

/**
 * google/pprof's `Compact`: the merge of the profile alone — unreferenced locations, functions and mappings
 * (but the first mapping) removed, equal objects and samples combined, zero samples dropped, ids renumbered.
 */
export function compactProfile(p: Profile): Profile {
  return mergeProfiles([p]);
}

/** Options of {@link diffProfiles}. */
export interface DiffOptions {
  /**
   * As `go tool pprof -diff_base`: label every sample of the base with `pprof::base` = `true` before
   * subtracting, so base samples stay separate (visible as negative samples). Default false, as `-base`:
   * equal samples cancel and disappear.
   */
  diffBase?: boolean;
  /** As `-normalize`: scale `p` so that its totals per sample type equal the base's first. */
  normalize?: boolean;
}

/**
 * `p − base`, as `go tool pprof -base BASE P` computes it: the base scaled by −1 ({@link scaleProfile}),
 * then `mergeProfiles([p, base])`. Samples that cancel out are removed by the merge.
 * (`go tool pprof` also reconciles sample types and units across profiles first; this function requires
 * compatible profiles instead.)
 * @throws GodiagError (`corrupt`, format `pprof`, offset 0) if the profiles are not compatible
 */
export function diffProfiles(base: Profile, p: Profile, options: DiffOptions = {}): Profile {
  let b = base;
  if (options.diffBase) b = withLabel(b, { kind: 'string', key: 'pprof::base', value: 'true' });
  const q = options.normalize ? normalizeProfile(p, b) : p;
  return mergeProfiles([q, scaleProfile(b, -1)]);
}

/** google/pprof's `SetLabel(key, [value])` on every sample: replaces the key's values by this one. */
function withLabel(p: Profile, l: Label & { kind: 'string' }): Profile {
  const inputs = Array.from({ length: p.sample.length }, (_, i) => ({
    location: Array.from(p.sample.stack(i), (k) => p.location[k]!),
    value: p.sample.value(i),
    label: [...(p.sample.labels.get(i) ?? []).filter((x) => !(x.kind === 'string' && x.key === l.key)), l],
  }));
  return { ...p, sample: fromWorkSamples(p, inputs) };
}

function fromWorkSamples(p: Profile, samples: { location: Location[]; value: ArrayLike<bigint>; label: readonly Label[] }[]): Profile['sample'] {
  return fromWork({ ...copyHeader(p), mapping: p.mapping, location: p.location, function: p.function, samples: samples.map((s) => ({ ...s, value: Array.from(s.value) })) }).sample;
}

/**
 * google/pprof's `Normalize`: scales `p` by type so that the total of each sample type equals the base's
 * (ratio = base total / p total as float64; 0 where p's total is 0; totals are int64 sums, wrapping).
 * @throws GodiagError (`corrupt`, format `pprof`, offset 0) if the profiles are not compatible
 */
export function normalizeProfile(p: Profile, base: Profile): Profile {
  checkCompatible(p, base);
  const n = p.sampleType.length;
  const totals = (q: Profile): bigint[] => {
    const t = new Array<bigint>(n).fill(0n);
    for (let i = 0; i < q.sample.length; i++) {
      const v = q.sample.value(i);
      for (let j = 0; j < n && j < v.length; j++) t[j] = i64(t[j]! + v[j]!);
    }
    return t;
  };
  const b = totals(base);
  const s = totals(p);
  return scaleN(p, b.map((bv, i) => (s[i] === 0n ? 0 : Number(bv) / Number(s[i]!))));
}
