/**
 * Scaling sample values with google/pprof's `Scale` and `ScaleN` semantics.
 * @module
 */

import { floatToInt64 } from '../legacy/go.js';
import type { Profile } from '../profile.js';
import { fromWork, toWork } from './work.js';

/** Go's `math.Round`: half away from zero, exact for every float64. */
export function goRound(x: number): number {
  if (!Number.isFinite(x)) return x;
  const t = Math.trunc(x);
  // x − trunc(x) is exact in float64, so the comparison is too.
  return Math.abs(x - t) >= 0.5 ? t + Math.sign(x) : t;
}

/**
 * Scales every sample value by `ratio`, as google/pprof's `Profile.Scale`. A ratio of exactly 1 returns the
 * profile unchanged (the same object). See {@link scaleN} for the arithmetic and which samples are dropped.
 */
export function scaleProfile(p: Profile, ratio: number): Profile {
  if (ratio === 1) return p;
  return scaleN(p, p.sampleType.map(() => ratio));
}

/**
 * Scales the values of sample type `i` by `ratios[i]`, as google/pprof's `Profile.ScaleN`:
 *
 * - each value becomes `int64(math.Round(float64(v) * ratio))`: the int64 is converted to the nearest
 *   float64 (ties to even), multiplied, rounded half away from zero, and converted as Go on amd64 does
 *   (NaN and out-of-range results become −2^63);
 * - values of types whose ratio is exactly 1 are left alone;
 * - a sample is kept only if one of the values that was scaled is non-zero afterwards — so a sample whose
 *   only non-zero values are of types with ratio 1 is dropped, as in Go;
 * - if every ratio is 1 the profile is returned unchanged (the same object).
 *
 * Returns a new profile; the input is not modified.
 * @throws RangeError if `ratios.length` differs from the number of sample types (google/pprof: an error)
 */
export function scaleN(p: Profile, ratios: readonly number[]): Profile {
  if (ratios.length !== p.sampleType.length) {
    throw new RangeError(`mismatched scale ratios, got ${ratios.length}, want ${p.sampleType.length}`);
  }
  if (ratios.every((r) => r === 1)) return p;
  const w = toWork(p);
  w.samples = w.samples.filter((s) => {
    let keep = false;
    for (let i = 0; i < s.value.length; i++) {
      const r = ratios[i]!;
      if (r === 1) continue;
      const v = floatToInt64(goRound(Number(s.value[i]!) * r));
      s.value[i] = v;
      keep ||= v !== 0n;
    }
    return keep;
  });
  return fromWork(w);
}
