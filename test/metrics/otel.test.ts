// fromOtel on synthetic points: the input shape's edge cases. The table itself is checked against the contrib
// instrumentation's recorded output and the catalogue in test/node/metrics-otel.test.ts.
import { describe as group, expect, it } from 'vitest';
import { fromOtel, otelRuntimeMetrics } from '../../src/metrics/otel.js';

group('fromOtel', () => {
  it('reads int64 points exactly as u64, flagging math.MaxInt64 as clamped', () => {
    const r = fromOtel([
      { name: 'go.memory.allocated', value: '9223372036854775807' },
      { name: 'go.goroutine.count', value: 12 },
      { name: 'go.memory.gc.goal', value: 4194304n },
    ]);
    expect(r.snapshot.values.get('/gc/heap/allocs:bytes')).toEqual({ kind: 'Uint64', value: (1n << 63n) - 1n });
    expect(r.snapshot.values.get('/sched/goroutines:goroutines')).toEqual({ kind: 'Uint64', value: 12n });
    expect(r.snapshot.values.get('/gc/heap/goal:bytes')).toEqual({ kind: 'Uint64', value: 4194304n });
    expect(r.mapped.map((m) => [m.metric, m.clamped])).toEqual([
      ['/gc/heap/allocs:bytes', true],
      ['/gc/heap/goal:bytes', undefined],
      ['/sched/goroutines:goroutines', undefined],
    ]);
  });

  it('selects rows by attributes and leaves the rest unmapped with a reason', () => {
    const r = fromOtel([
      { name: 'go.memory.used', attributes: { 'go.memory.type': 'stack' }, value: 8192 },
      { name: 'go.memory.used', attributes: { 'go.memory.type': 'other' }, value: 100 },
      { name: 'go.memory.used', value: 100 },
      { name: 'process.runtime.go.goroutines', value: 3 },
      { name: 'go.config.gogc', value: -1 },
      { name: 'go.processor.limit', value: 1.5 },
    ]);
    expect([...r.snapshot.values]).toEqual([['/memory/classes/heap/stacks:bytes', { kind: 'Uint64', value: 8192n }]]);
    expect(r.unmapped.map((u) => u.name)).toEqual(['go.memory.used', 'go.memory.used', 'process.runtime.go.goroutines', 'go.config.gogc', 'go.processor.limit']);
  });

  it('turns an explicit-bucket histogram into the runtime histogram with ±Inf ends', () => {
    const r = fromOtel([{ name: 'go.schedule.duration', histogram: { bounds: [0, 1e-6, 1e-3], bucketCounts: [0, 5, '7', 1n] } }]);
    expect(r.snapshot.values.get('/sched/latencies:seconds')).toEqual({
      kind: 'Float64Histogram',
      buckets: [-Infinity, 0, 1e-6, 1e-3, Infinity],
      counts: [0n, 5n, 7n, 1n],
    });
    const bad = fromOtel([{ name: 'go.schedule.duration', histogram: { bounds: [0, 1], bucketCounts: [1, 2] } }]);
    expect(bad.snapshot.values.size).toBe(0);
    expect(bad.unmapped).toHaveLength(1);
  });

  it('drops metrics the given Go version does not have', () => {
    // /gc/gogc:percent appeared in Go 1.21.
    const r = fromOtel([{ name: 'go.config.gogc', value: 100 }], { goVersion: 'go1.20.14' });
    expect(r.snapshot.values.size).toBe(0);
    expect(r.snapshot.goVersion).toBe('go1.20.14');
    expect(fromOtel([{ name: 'go.config.gogc', value: 100 }], { goVersion: 'go1.21.13' }).snapshot.values.size).toBe(1);
  });

  it('has one row per name and attribute set', () => {
    const keys = otelRuntimeMetrics.map((r) => `${r.name} ${JSON.stringify(r.attributes)}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
