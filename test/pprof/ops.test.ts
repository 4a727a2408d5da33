import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { dumpProfile } from '../../src/pprof/dump.js';
import { checkValid } from '../../src/pprof/validate.js';
import { GodiagError } from '../../src/internal/errors.js';
import { SampleTable, type Profile } from '../../src/pprof/profile.js';
import {
  compactProfile,
  diffProfiles,
  filterSamplesByName,
  foldedStacks,
  goRound,
  mergeProfiles,
  prune,
  scaleProfile,
  simplifyFunc,
} from '../../src/pprof/ops/index.js';
import { arbitraryProfile } from '../support/profiles.js';

/** Per-type totals, exact (no int64 wrap), of the samples. */
function totals(p: Profile): bigint[] {
  const t = p.sampleType.map(() => 0n);
  for (const s of p.sample) s.value.forEach((v, i) => (t[i] = t[i]! + v));
  return t;
}

const wrap = (vs: bigint[]) => vs.map((v) => BigInt.asIntN(64, v));

/** Profiles with small values, so sums stay far from the int64 range. */
const smallValued = arbitraryProfile.map((p): Profile => {
  const t = p.sample;
  return { ...p, sample: new SampleTable(t.stackStart, t.stacks, t.values.map((v) => v % 1000n), t.valueCount, t.labels) };
});

/** Two profiles with the same sample and period types (the second takes the first's types), for merging. */
const compatiblePair = fc
  .tuple(smallValued, smallValued)
  .filter(([a, b]) => a.sampleType.length === b.sampleType.length)
  .map(([a, b]): [Profile, Profile] => [a, { ...b, sampleType: a.sampleType.map((t) => ({ ...t })), periodType: { ...a.periodType } }]);

describe('merge', () => {
  test.prop([compatiblePair])('is order-independent on per-type totals, which are the sums of the inputs', ([a, b]) => {
    const ab = mergeProfiles([a, b]);
    const ba = mergeProfiles([b, a]);
    expect(totals(ab)).toEqual(totals(ba));
    expect(totals(ab)).toEqual(wrap(totals(a).map((v, i) => v + totals(b)[i]!)));
    checkValid(ab);
  });

  test.prop([smallValued])('diff(x, x) has zero totals and no samples', (p) => {
    const d = diffProfiles(p, p);
    expect(totals(d).every((v) => v === 0n)).toBe(true);
    expect(d.sample.length).toBe(0);
  });

  test.prop([arbitraryProfile])('compact is idempotent and gives a valid profile', (p) => {
    const once = compactProfile(p);
    checkValid(once);
    expect(dumpProfile(compactProfile(once))).toBe(dumpProfile(once));
  });

  test.prop([arbitraryProfile])('merge does not modify its inputs', (p) => {
    const before = dumpProfile(p);
    mergeProfiles([p, p]);
    expect(dumpProfile(p)).toBe(before);
  });

  test.prop([arbitraryProfile])('rejects incompatible profiles with a GodiagError naming the mismatch', (p) => {
    const other = { ...p, sampleType: [...p.sampleType, { type: 'extra', unit: 'count' }], sample: SampleTable.empty(p.sampleType.length + 1) };
    expect(() => mergeProfiles([p, other])).toThrow(GodiagError);
    expect(() => mergeProfiles([p, other])).toThrow(/incompatible sample types/);
    expect(() => mergeProfiles([p, { ...p, periodType: { type: p.periodType.type + 'x', unit: '' } }])).toThrow(/incompatible period types/);
  });
});

describe('scale', () => {
  test.prop([arbitraryProfile])('by 1 is the identity', (p) => {
    expect(scaleProfile(p, 1)).toBe(p);
  });

  test.prop([smallValued])('by -1 negates every kept value; twice gives back the non-zero samples', (p) => {
    const n = scaleProfile(p, -1);
    expect(totals(n)).toEqual(totals(p).map((v) => -v));
    expect(totals(scaleProfile(n, -1))).toEqual(totals(p));
  });

  it('rounds half away from zero, as Go', () => {
    expect([0.5, -0.5, 1.5, 2.5, -2.5, 0.49999999999999994].map(goRound)).toEqual([1, -1, 2, 3, -3, 0]);
  });
});

describe('filters', () => {
  test.prop([arbitraryProfile, fc.constantFrom(/a/, /^b/, /c$/, /./)])('focus keeps a subset of the samples', (p, re) => {
    const r = filterSamplesByName(p, { focus: re });
    expect(r.profile.sample.length).toBeLessThanOrEqual(p.sample.length);
    const kept = new Set(Array.from(r.profile.sample, (s) => Array.from(s.stack).join(',') + '|' + s.value.join(',')));
    const all = new Set(Array.from(p.sample, (s) => Array.from(s.stack).join(',') + '|' + s.value.join(',')));
    for (const k of kept) expect(all.has(k)).toBe(true);
    checkValid(r.profile);
  });

  test.prop([arbitraryProfile, fc.constantFrom(/a/, /^b/, /./)])('prune only removes frames from the leaf side', (p, re) => {
    const q = prune(p, re);
    expect(q.sample.length).toBe(p.sample.length);
    for (let i = 0; i < p.sample.length; i++) {
      const a = Array.from(p.sample.stack(i));
      const b = Array.from(q.sample.stack(i));
      expect(a.slice(a.length - b.length)).toEqual(b);
    }
  });

  it('simplifies C++ names as google/pprof', () => {
    expect(simplifyFunc('.foo(int)')).toBe('foo');
    expect(simplifyFunc('(anonymous namespace)::f(int)')).toBe('(anonymous namespace)::f');
    expect(simplifyFunc('A::operator()(int)')).toBe('A::operator()');
  });
});

describe('foldedStacks', () => {
  test.prop([smallValued.filter((p) => p.sampleType.length > 0)])('lines are sorted, distinct, and add up to the total of non-empty stacks', (p) => {
    const text = foldedStacks(p, 0);
    const lines = text === '' ? [] : text.slice(0, -1).split('\n');
    const stacks = lines.map((l) => l.slice(0, l.lastIndexOf(' ')));
    expect(new Set(stacks).size).toBe(stacks.length);
    let sum = 0n;
    for (const l of lines) sum += BigInt(l.slice(l.lastIndexOf(' ') + 1));
    let want = 0n;
    for (const s of p.sample) if (s.stack.length > 0) want += s.value[0]!;
    expect(sum).toBe(want);
  });
});
