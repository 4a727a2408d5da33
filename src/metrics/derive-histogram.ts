/**
 * Estimates from a runtime/metrics histogram (`Float64HistogramValue`): quantiles and the mean. A histogram keeps
 * counts per bucket, not samples, so both are estimates; how the open-ended buckets (−Inf or +Inf edge) are
 * treated is part of each result rather than hidden.
 * @module
 */

import type { Float64HistogramValue } from './snapshot.js';

/** Where a quantile estimate came from. */
export type QuantileBound =
  /** Interpolated linearly inside a bucket with two finite edges. */
  | 'interpolated'
  /** The quantile falls in the first bucket, whose lower edge is −Inf: the value is that bucket's finite upper edge (an upper bound). */
  | 'below'
  /** The quantile falls in the last bucket, whose upper edge is +Inf: the value is that bucket's finite lower edge (a lower bound). */
  | 'above'
  /** The quantile falls in a bucket from −Inf to +Inf: no finite value; `value` is NaN. */
  | 'unbounded';

/** A quantile estimate (see {@link histogramQuantile}). */
export interface QuantileEstimate {
  /** The estimate. */
  readonly value: number;
  /** The bucket (index into `counts`) the quantile falls in. */
  readonly bucket: number;
  /** How `value` relates to the bucket. */
  readonly bound: QuantileBound;
}

/**
 * The q-quantile (0 ≤ q ≤ 1) of the samples of a histogram, or `undefined` when it has no samples. The rank
 * `q × total` is located in the first non-empty bucket whose cumulative count reaches it, and the value is
 * interpolated linearly between that bucket's edges, as Prometheus' `histogram_quantile` does (samples assumed
 * spread evenly in the bucket; q = 0 gives the lower edge of the first non-empty bucket). In a bucket with an
 * infinite edge the finite edge is returned, flagged `below` or `above`. Monotone in q. Counts are summed as
 * float64 (exact below 2^53 samples).
 * @throws RangeError when q is not in [0, 1] or the histogram is malformed (`buckets.length ≠ counts.length + 1`).
 */
export function histogramQuantile(h: Float64HistogramValue, q: number): QuantileEstimate | undefined {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile ${q} is not in [0, 1]`);
  checkShape(h);
  let total = 0;
  for (const c of h.counts) total += Number(c);
  if (total === 0) return undefined;
  const rank = q * total;
  let cum = 0;
  const last = lastNonEmpty(h);
  for (let i = 0; i < h.counts.length; i++) {
    const c = Number(h.counts[i]!);
    if (c === 0) continue;
    // The last non-empty bucket always qualifies: cum then equals total (same additions), and rank ≤ total.
    if (cum + c >= rank || i === last) {
      const lo = h.buckets[i]!;
      const hi = h.buckets[i + 1]!;
      const loInf = lo === -Infinity;
      const hiInf = hi === Infinity;
      if (loInf && hiInf) return { value: NaN, bucket: i, bound: 'unbounded' };
      if (loInf) return { value: hi, bucket: i, bound: 'below' };
      if (hiInf) return { value: lo, bucket: i, bound: 'above' };
      const f = Math.min(1, Math.max(0, (rank - cum) / c));
      return { value: lo + (hi - lo) * f, bucket: i, bound: 'interpolated' };
    }
    cum += c;
  }
  return undefined; // unreachable: total > 0 means some bucket is non-empty
}

function lastNonEmpty(h: Float64HistogramValue): number {
  for (let i = h.counts.length - 1; i >= 0; i--) if (h.counts[i]! > 0n) return i;
  return -1;
}

function checkShape(h: Float64HistogramValue): void {
  if (h.buckets.length !== h.counts.length + 1)
    throw new RangeError(`histogram has ${h.buckets.length} boundaries for ${h.counts.length} counts (want counts + 1)`);
}

/** A mean estimate (see {@link histogramMean}). */
export interface MeanEstimate {
  /** The estimated mean. */
  readonly value: number;
  /** The number of samples. */
  readonly samples: bigint;
  /**
   * Samples in buckets with an infinite edge, counted at the bucket's finite edge: when not zero, the mean is
   * biased (towards the middle) by an unknown amount.
   */
  readonly unboundedSamples: bigint;
}

/**
 * The mean of the samples of a histogram, estimated from bucket midpoints (each sample counted at the middle of
 * its bucket: an estimate, not the true mean, which the histogram does not keep). A bucket with one infinite edge
 * counts its samples at its finite edge (reported in `unboundedSamples`). `undefined` when there are no samples or
 * a sample lies in a bucket from −Inf to +Inf. The result lies between the smallest and largest finite edge.
 * @throws RangeError when the histogram is malformed (`buckets.length ≠ counts.length + 1`).
 */
export function histogramMean(h: Float64HistogramValue): MeanEstimate | undefined {
  checkShape(h);
  let samples = 0n;
  let unbounded = 0n;
  let mean = 0;
  let weight = 0;
  let minMid = Infinity;
  let maxMid = -Infinity;
  for (let i = 0; i < h.counts.length; i++) {
    const c = h.counts[i]!;
    if (c === 0n) continue;
    const lo = h.buckets[i]!;
    const hi = h.buckets[i + 1]!;
    let mid: number;
    if (lo === -Infinity && hi === Infinity) return undefined;
    if (lo === -Infinity) {
      mid = hi;
      unbounded += c;
    } else if (hi === Infinity) {
      mid = lo;
      unbounded += c;
    } else mid = lo + (hi - lo) / 2; // not (lo+hi)/2: that overflows for edges near ±MaxFloat64
    samples += c;
    const n = Number(c);
    // A running weighted mean: no sum of count × edge that could overflow for edges near ±MaxFloat64.
    weight += n;
    mean += (mid - mean) * (n / weight);
    if (mid < minMid) minMid = mid;
    if (mid > maxMid) maxMid = mid;
  }
  if (samples === 0n) return undefined;
  // Rounding can step just outside [min, max] of the midpoints; clamp to keep that guarantee.
  const value = Math.min(maxMid, Math.max(minMid, mean));
  return { value, samples, unboundedSamples: unbounded };
}
