// Derived values between snapshots: deltas by kind (classified by the recorded catalogue, not by hand-written
// lists), rates, histogram quantiles and means, the GC CPU fraction. Properties with fast-check; the few fixed
// cases state the rule they check.
import { describe as group, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { catalog } from '../../src/metrics/catalog.js';
import { delta, interval, rates, type MetricDelta } from '../../src/metrics/derive.js';
import { histogramMean, histogramQuantile } from '../../src/metrics/derive-histogram.js';
import { gcCpuFraction, GC_CPU, GC_CYCLES, GC_IDLE_CPU, TOTAL_CPU } from '../../src/metrics/derive-gc.js';
import type { Float64HistogramValue, MetricValue, Snapshot } from '../../src/metrics/snapshot.js';

const GO = 'go1.26.8';
const metrics = catalog({ goVersion: GO });
const cumulativeU64 = metrics.filter((m) => m.kind === 'Uint64' && m.cumulative).map((m) => m.name);
const gaugeU64 = metrics.filter((m) => m.kind === 'Uint64' && !m.cumulative).map((m) => m.name);
const cumulativeF64 = metrics.filter((m) => m.kind === 'Float64' && m.cumulative).map((m) => m.name);
const histograms = metrics.filter((m) => m.kind === 'Float64Histogram').map((m) => m.name);

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

/** Strictly increasing boundaries, optionally opened by −Inf and closed by +Inf, as the runtime's histograms are. */
const boundaries = fc
  .tuple(fc.uniqueArray(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }), { minLength: 1, maxLength: 12 }), fc.boolean(), fc.boolean())
  .map(([xs, lo, hi]) => {
    const sorted = [...new Set(xs.map((x) => (x === 0 ? 0 : x)))].sort((a, b) => a - b);
    return [...(lo ? [-Infinity] : []), ...sorted, ...(hi ? [Infinity] : [])];
  })
  .filter((b) => b.length >= 2);

const histogram = (maxCount = 1n << 40n): fc.Arbitrary<Float64HistogramValue> =>
  boundaries.chain((buckets) =>
    fc.array(fc.bigInt({ min: 0n, max: maxCount }), { minLength: buckets.length - 1, maxLength: buckets.length - 1 }).map((counts) => ({
      kind: 'Float64Histogram' as const,
      buckets,
      counts,
    })),
  );

/** A snapshot with a random subset of the catalogue's metrics, each a random value of its kind. */
const snapshot: fc.Arbitrary<Snapshot> = fc
  .tuple(
    fc.subarray(cumulativeU64).chain((ns) => fc.tuple(...ns.map((n) => u64.map((v) => [n, { kind: 'Uint64', value: v }] as const)))),
    fc.subarray(gaugeU64).chain((ns) => fc.tuple(...ns.map((n) => u64.map((v) => [n, { kind: 'Uint64', value: v }] as const)))),
    fc.subarray(cumulativeF64).chain((ns) => fc.tuple(...ns.map((n) => fc.double().map((v) => [n, { kind: 'Float64', value: v }] as const)))),
    fc.subarray(histograms, { maxLength: 3 }).chain((ns) => fc.tuple(...ns.map((n) => histogram().map((v) => [n, v] as const)))),
  )
  .map((parts) => ({ goVersion: GO, values: new Map<string, MetricValue>(parts.flat()) }));

group('delta', () => {
  test.prop([snapshot])('delta(a, a) is zero for every kind', (a) => {
    const d = delta(a, a);
    expect(d.metrics.size).toBe(a.values.size);
    for (const [name, m] of d.metrics) {
      const info = metrics.find((x) => x.name === name)!;
      if (info.kind === 'Float64Histogram') {
        expect(m.type).toBe('histogram');
        if (m.type === 'histogram') {
          expect(m.value.counts.every((c) => c === 0n)).toBe(true);
          expect(m.samples).toBe(0n);
        }
      } else if (info.cumulative) {
        expect(m.type).toBe('counter');
        if (m.type === 'counter') expect(m.delta === 0n || m.delta === 0).toBe(true);
      } else {
        expect(m.type).toBe('gauge');
        if (m.type === 'gauge') {
          expect(m.change === 0n || m.change === 0).toBe(true);
          expect(m.value).toBe((a.values.get(name) as { value: unknown }).value);
        }
      }
    }
  });

  /** b = a + non-negative increments for every cumulative Uint64 and histogram metric of a. */
  const grown = (a: Snapshot): fc.Arbitrary<Snapshot> =>
    fc
      .tuple(
        ...[...a.values].map(([name, v]) => {
          if (v.kind === 'Uint64' && cumulativeU64.includes(name))
            return fc.bigInt({ min: 0n, max: (1n << 64n) - 1n - v.value }).map((inc) => [name, { kind: 'Uint64', value: v.value + inc }] as const);
          if (v.kind === 'Float64Histogram')
            return fc
              .tuple(...v.counts.map((c) => fc.bigInt({ min: 0n, max: (1n << 64n) - 1n - c })))
              .map((incs) => [name, { ...v, counts: v.counts.map((c, i) => c + incs[i]!) }] as const);
          return fc.constant([name, v] as const);
        }),
      )
      .map((entries) => ({ goVersion: GO, values: new Map<string, MetricValue>(entries) }));

  const chain3 = snapshot.chain((a) => grown(a).chain((b) => grown(b).map((c) => [a, b, c] as const)));

  test.prop([chain3])('delta(a, b) + delta(b, c) = delta(a, c) for counters and histograms', ([a, b, c]) => {
    const ab = delta(a, b).metrics;
    const bc = delta(b, c).metrics;
    const ac = delta(a, c).metrics;
    for (const [name, x] of ac) {
      const y = ab.get(name)!;
      const z = bc.get(name)!;
      if (x.type === 'counter' && x.kind === 'Uint64') {
        expect(y.type).toBe('counter');
        expect(z.type).toBe('counter');
        if (y.type === 'counter' && z.type === 'counter') expect((y.delta as bigint) + (z.delta as bigint)).toBe(x.delta);
      } else if (x.type === 'histogram') {
        expect(y.type).toBe('histogram');
        expect(z.type).toBe('histogram');
        if (y.type === 'histogram' && z.type === 'histogram') {
          expect(y.value.counts.map((n, i) => n + z.value.counts[i]!)).toEqual(x.value.counts);
          expect(y.samples + z.samples).toBe(x.samples);
        }
      }
    }
  });

  test.prop([chain3])('reversed order: every counter or histogram that grew is reported as a decrease, never a negative delta', ([a, , c]) => {
    for (const [name, m] of delta(c, a).metrics) {
      const forward = delta(a, c).metrics.get(name)!;
      if (forward.type === 'counter' && forward.kind === 'Uint64' && (forward.delta as bigint) > 0n) expect(m.type).toBe('counter-decrease');
      if (forward.type === 'histogram' && forward.samples > 0n) expect(m.type).toBe('histogram-decrease');
      if (m.type === 'counter') expect(m.delta >= 0).toBe(true);
    }
  });

  it('reports metrics on one side, different kinds and different boundaries explicitly', () => {
    const [counter, gauge] = [cumulativeU64[0]!, gaugeU64[0]!];
    const hist = histograms[0]!;
    const a: Snapshot = {
      values: new Map<string, MetricValue>([
        [counter, { kind: 'Uint64', value: 5n }],
        [gauge, { kind: 'Uint64', value: 5n }],
        [hist, { kind: 'Float64Histogram', buckets: [0, 1, 2], counts: [1n, 1n] }],
      ]),
    };
    const b: Snapshot = {
      values: new Map<string, MetricValue>([
        [gauge, { kind: 'Float64', value: 5 }],
        [hist, { kind: 'Float64Histogram', buckets: [0, 1, 3], counts: [1n, 1n] }],
        ['/not/a/metric:bytes', { kind: 'Uint64', value: 1n }],
      ]),
    };
    const d = delta(a, b).metrics;
    expect(d.get(counter)).toEqual({ type: 'only-before', name: counter, value: { kind: 'Uint64', value: 5n } });
    expect(d.get('/not/a/metric:bytes')?.type).toBe('only-after');
    expect(d.get(gauge)).toEqual({ type: 'kind-mismatch', name: gauge, before: 'Uint64', after: 'Float64' });
    expect(d.get(hist)?.type).toBe('buckets-mismatch');
    // Order: the later snapshot's metrics, then the earlier one's others.
    expect([...d.keys()]).toEqual([gauge, hist, '/not/a/metric:bytes', counter]);
  });

  it('a name the catalogue does not know is a gauge marked not described', () => {
    const one = (v: bigint): Snapshot => ({ values: new Map([['/custom/thing:bytes', { kind: 'Uint64', value: v }]]) });
    const m: MetricDelta | undefined = delta(one(7n), one(3n)).metrics.get('/custom/thing:bytes');
    expect(m).toEqual({ type: 'gauge', name: '/custom/thing:bytes', described: false, value: 3n, before: 7n, change: -4n, kind: 'Uint64' });
  });
});

group('rates', () => {
  test.prop([snapshot, fc.bigInt({ min: 1n, max: 1n << 62n }), fc.bigInt({ min: 1n, max: 10n ** 12n })])(
    'counters and histograms per second over the time between the snapshots; gauges left out',
    (a, t0, dt) => {
      const b: Snapshot = { ...a, time: t0 + dt };
      const r = rates({ ...a, time: t0 }, b);
      expect(r.status).toBe('ok');
      if (r.status !== 'ok') return;
      expect(r.seconds).toBe(Number(dt) / 1e9);
      expect(r.source).toBe('time');
      for (const [name, v] of a.values) {
        const rate = r.rates.get(name);
        if (v.kind === 'Float64Histogram') expect(rate).toMatchObject({ type: 'histogram', perSecond: 0 });
        else if (cumulativeU64.includes(name) || cumulativeF64.includes(name)) expect(rate).toMatchObject({ type: 'counter', perSecond: 0 });
        else expect(rate).toBeUndefined();
      }
    },
  );

  it('no interval: says why instead of giving rates', () => {
    const s: Snapshot = { values: new Map() };
    expect(rates(s, s).status).toBe('missing-time');
    expect(rates({ ...s, time: 5n }, { ...s, traceTime: 9 }).status).toBe('missing-time');
    expect(rates({ ...s, time: 5n }, { ...s, time: 5n })).toEqual({ status: 'non-positive-interval', source: 'time', seconds: 0 });
    expect(interval({ ...s, traceTime: 2e9 }, { ...s, traceTime: 5e9 })).toEqual({ status: 'ok', seconds: 3, source: 'traceTime' });
  });

  it('a counter increase of 3e9 over 1.5 s is 2e9 per second; a decrease has no rate', () => {
    const name = cumulativeU64[0]!;
    const at = (time: bigint, v: bigint): Snapshot => ({ time, values: new Map([[name, { kind: 'Uint64', value: v }]]) });
    const ok = rates(at(10n, 1n), at(10n + 1_500_000_000n, 3_000_000_001n));
    expect(ok.status === 'ok' && ok.rates.get(name)).toEqual({ type: 'counter', name, perSecond: 2e9 });
    const down = rates(at(10n, 9n), at(20n, 3n));
    expect(down.status === 'ok' && down.rates.get(name)?.type).toBe('no-rate');
  });
});

group('histogram quantiles and means', () => {
  const nonEmpty = histogram().filter((h) => h.counts.some((c) => c > 0n));

  test.prop([nonEmpty, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })])(
    'quantiles are monotone in q',
    (h, q1, q2) => {
      const [lo, hi] = q1 <= q2 ? [q1, q2] : [q2, q1];
      const a = histogramQuantile(h, lo)!;
      const b = histogramQuantile(h, hi)!;
      expect(b.bucket).toBeGreaterThanOrEqual(a.bucket);
      if (a.bound !== 'unbounded' && b.bound !== 'unbounded') expect(b.value).toBeGreaterThanOrEqual(a.value);
    },
  );

  test.prop([nonEmpty, fc.double({ min: 0, max: 1, noNaN: true })])('a quantile lies in its bucket, at the finite edge of an infinite bucket', (h, q) => {
    const r = histogramQuantile(h, q)!;
    const lo = h.buckets[r.bucket]!;
    const hi = h.buckets[r.bucket + 1]!;
    expect(h.counts[r.bucket]! > 0n).toBe(true);
    if (r.bound === 'below') expect([lo, r.value]).toEqual([-Infinity, hi]);
    else if (r.bound === 'above') expect([hi, r.value]).toEqual([Infinity, lo]);
    else if (r.bound === 'interpolated') {
      expect(r.value).toBeGreaterThanOrEqual(lo);
      expect(r.value).toBeLessThanOrEqual(hi);
    } else expect([lo, hi]).toEqual([-Infinity, Infinity]);
  });

  test.prop([nonEmpty])('the mean lies within [smallest finite edge, largest finite edge]', (h) => {
    const finite = h.buckets.filter(Number.isFinite);
    const m = histogramMean(h);
    if (finite.length === 0) expect(m).toBeUndefined();
    else {
      expect(m).toBeDefined();
      expect(m!.value).toBeGreaterThanOrEqual(Math.min(...finite));
      expect(m!.value).toBeLessThanOrEqual(Math.max(...finite));
      expect(m!.samples).toBe(h.counts.reduce((x, y) => x + y, 0n));
    }
  });

  it('fixed cases: interpolation, the edge buckets, empty histograms', () => {
    const h: Float64HistogramValue = { kind: 'Float64Histogram', buckets: [-Infinity, 0, 10, Infinity], counts: [1n, 2n, 1n] };
    // 4 samples: rank 2 of q = 0.5 is the first of bucket [0, 10)'s two samples → halfway.
    expect(histogramQuantile(h, 0.5)).toEqual({ value: 5, bucket: 1, bound: 'interpolated' });
    expect(histogramQuantile(h, 0)).toEqual({ value: 0, bucket: 0, bound: 'below' });
    expect(histogramQuantile(h, 1)).toEqual({ value: 10, bucket: 2, bound: 'above' });
    // Midpoints: 0 (−Inf bucket at its finite edge), 5, 5, 10 (+Inf bucket at its finite edge).
    expect(histogramMean(h)).toEqual({ value: 5, samples: 4n, unboundedSamples: 2n });
    const empty: Float64HistogramValue = { ...h, counts: [0n, 0n, 0n] };
    expect(histogramQuantile(empty, 0.5)).toBeUndefined();
    expect(histogramMean(empty)).toBeUndefined();
    expect(() => histogramQuantile(h, 1.5)).toThrow(RangeError);
    expect(() => histogramQuantile({ ...h, counts: [1n] }, 0.5)).toThrow(RangeError);
  });
});

group('gcCpuFraction', () => {
  const at = (cycles: bigint, gc: number, idle: number, total: number): Snapshot => ({
    values: new Map<string, MetricValue>([
      [GC_CYCLES, { kind: 'Uint64', value: cycles }],
      [GC_CPU, { kind: 'Float64', value: gc }],
      [GC_IDLE_CPU, { kind: 'Float64', value: idle }],
      [TOTAL_CPU, { kind: 'Float64', value: total }],
    ]),
  });

  it('a GC cycle in between: the ratio of the increases', () => {
    expect(gcCpuFraction(at(3n, 1, 0.25, 10), at(5n, 2, 0.5, 14))).toEqual({
      status: 'ok',
      fraction: 0.25,
      compulsoryFraction: 0.1875,
      gcSeconds: 1,
      totalSeconds: 4,
      cycles: 2n,
    });
  });

  test.prop([fc.bigInt({ min: 0n, max: 1n << 40n }), fc.double({ min: 0, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 1e6, noNaN: true })])(
    'no GC cycle in between: stale, whatever the /cpu/classes values say',
    (cycles, gc, total) => {
      expect(gcCpuFraction(at(cycles, gc, 0, total), at(cycles, gc * 2, 0, total + 1))).toEqual({ status: 'stale', cycles: 0n });
    },
  );

  it('GC time of a cycle still running at a snapshot (Go 1.21+: a pause counted before the total) is left out', () => {
    // As of each snapshot's last mark termination the GC time is total − scavenge − idle − user: 1 at a, 2 at b.
    // b also has 0.5 s of a running cycle's sweep-termination pause in gc/total that its total does not cover yet.
    const full = (cycles: bigint, gc: number, total: number, user: number): Snapshot => {
      const s = at(cycles, gc, 0, total);
      const values = new Map(s.values);
      values.set('/cpu/classes/scavenge/total:cpu-seconds', { kind: 'Float64', value: 1 });
      values.set('/cpu/classes/idle:cpu-seconds', { kind: 'Float64', value: 2 });
      values.set('/cpu/classes/user:cpu-seconds', { kind: 'Float64', value: user });
      return { values };
    };
    const g = gcCpuFraction(full(3n, 1, 10, 6), full(4n, 2.5, 12, 7));
    expect(g).toMatchObject({ status: 'ok', gcSeconds: 1, totalSeconds: 2, fraction: 0.5 });
  });

  it('missing metrics, decreases and a total that did not move are explicit', () => {
    expect(gcCpuFraction({ values: new Map() }, at(1n, 1, 0, 1))).toEqual({ status: 'unavailable', missing: [GC_CYCLES, GC_CPU, TOTAL_CPU] });
    expect(gcCpuFraction(at(5n, 1, 0, 10), at(3n, 2, 0, 12)).status).toBe('inconsistent');
    expect(gcCpuFraction(at(3n, 1, 0, 10), at(5n, 2, 0, 10)).status).toBe('inconsistent');
    expect(gcCpuFraction(at(3n, 2, 0, 10), at(5n, 1, 0, 12)).status).toBe('inconsistent');
  });
});
