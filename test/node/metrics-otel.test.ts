// fromOtel and otelRuntimeMetrics on the recorded OpenTelemetry fixture (testdata/fixtures/go1.26.8/metrics-otel.*,
// written by testdata/gen/programs-metrics-otel: go.opentelemetry.io/contrib/instrumentation/runtime read through an
// SDK ManualReader, with runtime/metrics snapshots of the same process around it). The runtime's values are the
// oracle. The snapshots: before the collection, in a callback run just before the instrumentation's (which does
// its metrics.Read), in one run just after it, after the collection (go.schedule.duration, made by the producer,
// falls between the first and the last).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe as group, expect, it } from 'vitest';
import { catalog } from '../../src/metrics/catalog.js';
import { fromOtel, otelRuntimeMetrics, type OtelPoint } from '../../src/metrics/otel.js';
import type { Snapshot } from '../../src/metrics/snapshot.js';
import { parseSnapshotJson } from '../../src/metrics/snapshot-json.js';
import { FIXTURES } from '../support/fixtures.js';

const dir = join(FIXTURES, 'go1.26.8');
type Values = Snapshot & { goVersion: string };
const [outerBefore, before, after, outerAfter] = readFileSync(join(dir, 'metrics-otel.snapshots.json'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => parseSnapshotJson(l)) as [Values, Values, Values, Values];
const points = (JSON.parse(readFileSync(join(dir, 'metrics-otel.points.json'), 'utf8')) as { points: OtelPoint[] }).points;

const u64 = (s: Snapshot, name: string): bigint => {
  const v = s.values.get(name);
  if (v?.kind !== 'Uint64') throw new Error(`${name} is not a Uint64 of the snapshot`);
  return v.value;
};
const between = (x: bigint, a: bigint, b: bigint): boolean => (a <= b ? a <= x && x <= b : b <= x && x <= a);

group('OpenTelemetry Go runtime metrics', () => {
  it('names runtime metrics of the recorded release in every row, with the kinds the rows need', () => {
    const cat = new Map(catalog({ goVersion: before.goVersion }).map((m) => [m.name, m]));
    for (const row of otelRuntimeMetrics) {
      for (const n of [...row.plus, ...row.minus]) expect(cat.has(n), `${row.name}: ${n}`).toBe(true);
      if (row.metric !== undefined) {
        expect(row.plus).toEqual([row.metric]);
        expect(cat.get(row.metric)!.kind).toBe(row.instrument === 'Float64Histogram' ? 'Float64Histogram' : 'Uint64');
        // A counter instrument is cumulative in the runtime, an up-down counter is not.
        if (row.instrument !== 'Float64Histogram') expect(cat.get(row.metric)!.cumulative, row.name).toBe(row.instrument === 'Int64ObservableCounter');
      }
    }
  });

  it('maps every point the instrumentation emitted to its row', () => {
    const r = fromOtel(points, { goVersion: before.goVersion });
    // Every emitted point is a row of the table; only go.memory.used{other} (not one metric) stays unmapped.
    expect(r.unmapped.map((u) => [u.name, u.attributes])).toEqual([['go.memory.used', { 'go.memory.type': 'other' }]]);
    expect(r.mapped.length).toBe(points.length - 1);
    // go.memory.limit is reported only when a limit is set; the recorded process has none (math.MaxInt64).
    expect(points.some((p) => p.name === 'go.memory.limit')).toBe(u64(before, '/gc/gomemlimit:bytes') !== (1n << 63n) - 1n);
  });

  it('gives each value between BEFORE and AFTER, and equal when those are equal', () => {
    const r = fromOtel(points, { goVersion: before.goVersion });
    for (const m of r.mapped) {
      const got = r.snapshot.values.get(m.metric)!;
      const b = before.values.get(m.metric)!;
      const a = after.values.get(m.metric)!;
      expect(got.kind, m.metric).toBe(b.kind);
      if (got.kind === 'Uint64' && b.kind === 'Uint64' && a.kind === 'Uint64') {
        if (b.value === a.value) expect(got.value, m.metric).toBe(b.value);
        else expect(between(got.value, b.value, a.value), `${m.metric} ${got.value} in [${b.value}, ${a.value}]`).toBe(true);
      } else if (got.kind === 'Float64Histogram') {
        const [ob, oa] = [outerBefore.values.get(m.metric)!, outerAfter.values.get(m.metric)!];
        if (ob.kind !== 'Float64Histogram' || oa.kind !== 'Float64Histogram') throw new Error(m.metric);
        // The boundaries are the runtime's own, −Inf and +Inf included: counts compare bucket by bucket.
        expect(got.buckets).toEqual(ob.buckets);
        got.counts.forEach((c, i) => expect(between(c, ob.counts[i]!, oa.counts[i]!), `${m.metric} bucket ${i}`).toBe(true));
      } else throw new Error(`${m.metric}: ${got.kind}`);
    }
  });

  it('has go.memory.used{other} = total − released − stacks, as the table says', () => {
    const other = points.find((p) => p.name === 'go.memory.used' && p.attributes?.['go.memory.type'] === 'other')!;
    const row = otelRuntimeMetrics.find((r) => r.name === 'go.memory.used' && r.attributes['go.memory.type'] === 'other')!;
    const expr = (s: Values): bigint => row.plus.reduce((x, n) => x + u64(s, n), 0n) - row.minus.reduce((x, n) => x + u64(s, n), 0n);
    const [b, a] = [expr(before), expr(after)];
    const got = BigInt(other.value as string);
    if (b === a) expect(got).toBe(b);
    else expect(between(got, b, a), `${got} in [${b}, ${a}]`).toBe(true);
  });
});
