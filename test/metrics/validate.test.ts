// validate(): synthetic snapshots built to satisfy the runtime's invariants (the leaves come from the recorded
// catalogue of each release) validate clean, and breaking one value is caught with the metric named. Real
// snapshots of every toolchain: test/node/metrics-validate.test.ts.
import { describe as group, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { RECORDED_VERSIONS } from '../../src/metrics/catalog-data.js';
import { catalog } from '../../src/metrics/catalog.js';
import { memoryClassLeaves, validate, histogramProblem } from '../../src/metrics/validate.js';
import type { MetricValue, Snapshot } from '../../src/metrics/snapshot.js';

const minorOf = (v: string): number => Number(/^go1\.(\d+)/.exec(v)![1]);

const CPU = {
  assist: '/cpu/classes/gc/mark/assist:cpu-seconds',
  dedicated: '/cpu/classes/gc/mark/dedicated:cpu-seconds',
  markIdle: '/cpu/classes/gc/mark/idle:cpu-seconds',
  pause: '/cpu/classes/gc/pause:cpu-seconds',
  gc: '/cpu/classes/gc/total:cpu-seconds',
  scAssist: '/cpu/classes/scavenge/assist:cpu-seconds',
  scBg: '/cpu/classes/scavenge/background:cpu-seconds',
  scavenge: '/cpu/classes/scavenge/total:cpu-seconds',
  idle: '/cpu/classes/idle:cpu-seconds',
  user: '/cpu/classes/user:cpu-seconds',
  total: '/cpu/classes/total:cpu-seconds',
} as const;

/**
 * A consistent snapshot of a release, as the runtime builds one: CPU times as integer nanoseconds whose parts sum
 * exactly, converted to seconds one by one; memory leaves summed into the total; allocs ≥ frees, live = difference.
 */
const consistent = (goVersion: string): fc.Arbitrary<Snapshot> => {
  const leaves = memoryClassLeaves(goVersion);
  const ns = fc.integer({ min: 0, max: 2 ** 40 });
  return fc
    .record({
      leaves: fc.array(fc.bigInt({ min: 0n, max: 1n << 50n }), { minLength: leaves.length, maxLength: leaves.length }),
      cpu: fc.array(ns, { minLength: 7, maxLength: 7 }),
      frees: fc.bigInt({ min: 0n, max: 1n << 60n }),
      liveObjects: fc.bigInt({ min: 0n, max: 1n << 40n }),
      freedObjects: fc.bigInt({ min: 0n, max: 1n << 40n }),
    })
    .map(({ leaves: values, cpu, frees, liveObjects, freedObjects }) => {
      const m = new Map<string, MetricValue>();
      const u = (name: string, value: bigint) => m.set(name, { kind: 'Uint64', value });
      const f = (name: string, n: number) => m.set(name, { kind: 'Float64', value: n / 1e9 });
      leaves.forEach((name, i) => u(name, values[i]!));
      u('/memory/classes/total:bytes', values.reduce((x, y) => x + y, 0n));
      const liveBytes = values[leaves.indexOf('/memory/classes/heap/objects:bytes')]!;
      u('/gc/heap/allocs:bytes', frees + liveBytes);
      u('/gc/heap/frees:bytes', frees);
      u('/gc/heap/allocs:objects', freedObjects + liveObjects);
      u('/gc/heap/frees:objects', freedObjects);
      u('/gc/heap/objects:objects', liveObjects);
      if (minorOf(goVersion) >= 20) {
        const [assist, dedicated, markIdle, pause, scAssist, scBg, rest] = cpu as [number, number, number, number, number, number, number];
        const gc = assist + dedicated + markIdle + pause;
        const idle = Math.floor(rest / 2);
        const user = rest - idle;
        f(CPU.assist, assist);
        f(CPU.dedicated, dedicated);
        f(CPU.markIdle, markIdle);
        f(CPU.pause, pause);
        f(CPU.gc, gc);
        f(CPU.scAssist, scAssist);
        f(CPU.scBg, scBg);
        f(CPU.scavenge, scAssist + scBg);
        f(CPU.idle, idle);
        f(CPU.user, user);
        f(CPU.total, gc + scAssist + scBg + idle + user);
      }
      m.set('/gc/heap/allocs-by-size:bytes', { kind: 'Float64Histogram', buckets: [1, 9, 17, Infinity], counts: [3n, 2n, 1n] });
      return { goVersion, values: m };
    });
};

const versions = fc.constantFrom(...RECORDED_VERSIONS);
const pair = versions.chain((v) => consistent(v));

group('validate', () => {
  it('the /memory/classes leaves of each release are its listed /memory/classes metrics but the total', () => {
    for (const v of RECORDED_VERSIONS) {
      const names = catalog({ goVersion: v }).map((m) => m.name).filter((n) => n.startsWith('/memory/classes/'));
      expect(memoryClassLeaves(v).sort()).toEqual(names.filter((n) => n !== '/memory/classes/total:bytes').sort());
      expect(names).toContain('/memory/classes/total:bytes');
    }
  });

  test.prop([pair])('a snapshot built as the runtime builds one validates clean', (s) => {
    expect(validate(s)).toEqual([]);
  });

  test.prop([pair, fc.nat(), fc.bigInt({ min: 1n, max: 1n << 40n }), fc.boolean()])(
    'changing one /memory/classes leaf breaks the sum, naming the leaf',
    (s, i, by, up) => {
      const leaves = memoryClassLeaves(s.goVersion);
      const name = leaves[i % leaves.length]!;
      const old = (s.values.get(name) as { value: bigint }).value;
      const values = new Map(s.values).set(name, { kind: 'Uint64', value: up || old < by ? old + by : old - by });
      const v = validate({ ...s, values });
      const sum = v.filter((x) => x.rule === 'memory-classes-sum');
      expect(sum).toHaveLength(1);
      expect(sum[0]!.metrics.map((m) => m.name)).toContain(name);
    },
  );

  test.prop([pair.filter((s) => s.values.has(CPU.total)), fc.constantFrom(CPU.assist, CPU.dedicated, CPU.markIdle, CPU.pause, CPU.scAssist, CPU.scBg), fc.double({ min: 1e-6, max: 10, noNaN: true })])(
    'raising one /cpu/classes part breaks its total, naming it',
    (s, name, by) => {
      const old = (s.values.get(name) as { value: number }).value;
      const values = new Map(s.values).set(name, { kind: 'Float64', value: old + by });
      const v = validate({ ...s, values }).filter((x) => x.rule === 'cpu-classes-sum');
      expect(v.length).toBeGreaterThanOrEqual(1);
      expect(v[0]!.metrics.map((m) => m.name)).toContain(name);
    },
  );

  it('the CPU grand total of Go 1.21+ may trail its parts by at most the GC pause time', () => {
    /** `running`: CPU seconds of a running cycle's pause, in gc/pause and gc/total but not yet in total; `extraUser`: damage. */
    const base = (goVersion: string, running: number, extraUser = 0): Snapshot => {
      const m = new Map<string, MetricValue>();
      const f = (name: string, value: number) => m.set(name, { kind: 'Float64', value });
      // Dyadic values, so every sum is exact: gc/total = 0.5 + 0.25 + 0.125 + (0.125 + running).
      f(CPU.assist, 0.5);
      f(CPU.dedicated, 0.25);
      f(CPU.markIdle, 0.125);
      f(CPU.pause, 0.125 + running);
      f(CPU.gc, 1 + running);
      f(CPU.scAssist, 0);
      f(CPU.scBg, 0);
      f(CPU.scavenge, 0);
      f(CPU.idle, 1);
      f(CPU.user, 2 + extraUser);
      f(CPU.total, 4);
      return { goVersion, values: m };
    };
    expect(validate(base('go1.21.13', 0.0625))).toEqual([]);
    expect(validate(base('go1.26.8', 0.0625))).toEqual([]);
    expect(validate(base('go1.26.8', 0, 0.25)).map((x) => x.rule)).toEqual(['cpu-classes-sum']); // more than the pauses
    expect(validate(base('go1.26.8', 0, -0.0625)).map((x) => x.rule)).toEqual(['cpu-classes-sum']); // parts below the total
    expect(validate(base('go1.20.14', 0.0625)).map((x) => x.rule)).toEqual(['cpu-classes-sum']); // Go 1.20: exact
    expect(validate(base('go1.20.14', 0))).toEqual([]);
  });

  test.prop([pair, fc.constantFrom('bytes', 'objects'), fc.bigInt({ min: 1n, max: 1n << 20n })])(
    'more frees than allocs, or live ≠ allocs − frees, is reported',
    (s, unit, by) => {
      const frees = `/gc/heap/frees:${unit}`;
      const allocs = (s.values.get(`/gc/heap/allocs:${unit}`) as { value: bigint }).value;
      const more = validate({ ...s, values: new Map(s.values).set(frees, { kind: 'Uint64', value: allocs + by }) });
      expect(more.map((x) => x.rule)).toEqual(['allocs-ge-frees']);
      expect(more[0]!.metrics.map((m) => m.name)).toEqual([`/gc/heap/allocs:${unit}`, frees]);
      const old = (s.values.get(frees) as { value: bigint }).value;
      if (old >= by) {
        const live = validate({ ...s, values: new Map(s.values).set(frees, { kind: 'Uint64', value: old - by }) });
        expect(live.map((x) => x.rule)).toEqual(['heap-live']);
      }
    },
  );

  it('histogram shapes and kinds', () => {
    expect(histogramProblem([0, 1, 2], 2)).toBeUndefined();
    expect(histogramProblem([-Infinity, 0, Infinity], 2)).toBeUndefined();
    expect(histogramProblem([0, 1], 2)).toMatch(/2 boundaries for 2 counts/);
    expect(histogramProblem([0, 1, 1], 2)).toMatch(/boundary 2/);
    expect(histogramProblem([0, NaN, 2], 2)).toMatch(/NaN/);
    const s: Snapshot = {
      goVersion: 'go1.26.8',
      values: new Map<string, MetricValue>([
        ['/gc/heap/allocs-by-size:bytes', { kind: 'Float64Histogram', buckets: [2, 1], counts: [1n] }],
        ['/gc/heap/goal:bytes', { kind: 'Float64', value: 1 }],
        ['/not/known:bytes', { kind: 'Float64', value: 1 }],
      ]),
    };
    const v = validate(s);
    expect(v.map((x) => [x.rule, x.metrics[0]!.name])).toEqual([
      ['histogram-shape', '/gc/heap/allocs-by-size:bytes'],
      ['kind', '/gc/heap/goal:bytes'],
    ]);
  });

  it('a partial snapshot (a trace, a filtered scrape) is not a violation', () => {
    const s: Snapshot = { values: new Map([['/memory/classes/heap/objects:bytes', { kind: 'Uint64', value: 5n }]]) };
    expect(validate(s)).toEqual([]);
  });
});
