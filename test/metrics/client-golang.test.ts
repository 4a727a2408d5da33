// client_golang's naming rule and fromClientGolang on synthetic scrapes. The expected names are client_golang's
// own documented examples (collectors.MetricsGC …: go_gc_cycles_automatic_gc_cycles_total, …); the round trip runs
// over every metric of every recorded release; test/node/metrics-client-golang.test.ts checks the rule against the
// "Sourced from" HELP text of real scrapes.
import { describe as group, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { catalog } from '../../src/metrics/catalog.js';
import { RECORDED_VERSIONS } from '../../src/metrics/catalog-data.js';
import { clientGolangName, fromClientGolang, runtimeMetricName } from '../../src/metrics/client-golang.js';
import { parsePrometheus } from '../../src/metrics/prometheus.js';

const every = RECORDED_VERSIONS.flatMap((goVersion) => catalog({ goVersion }).map((m) => ({ goVersion, m })));

group('clientGolangName', () => {
  it("gives client_golang's documented examples", () => {
    // collectors.MetricsGC, MetricsMemory, MetricsScheduler and MetricsDebug name one metric each in their doc comments.
    expect(clientGolangName({ name: '/gc/cycles/automatic:gc-cycles', kind: 'Uint64', cumulative: true })).toBe('go_gc_cycles_automatic_gc_cycles_total');
    expect(clientGolangName({ name: '/memory/classes/heap/free:bytes', kind: 'Uint64', cumulative: false })).toBe('go_memory_classes_heap_free_bytes');
    expect(clientGolangName({ name: '/sched/goroutines:goroutines', kind: 'Uint64', cumulative: false })).toBe('go_sched_goroutines_goroutines');
    expect(clientGolangName({ name: '/godebug/non-default-behavior/gocachetest:events', kind: 'Uint64', cumulative: true })).toBe(
      'go_godebug_non_default_behavior_gocachetest_events_total',
    );
  });

  test.prop([fc.constantFrom(...every)])('is inverted by runtimeMetricName for every metric of every release', ({ goVersion, m }) => {
    const p = clientGolangName(m);
    expect(p).toBeDefined();
    expect(runtimeMetricName(p!, goVersion)).toBe(m.name);
  });

  it('gives distinct names within each release', () => {
    for (const goVersion of RECORDED_VERSIONS) {
      const names = catalog({ goVersion }).map((m) => clientGolangName(m));
      expect(new Set(names).size, goVersion).toBe(names.length);
    }
  });

  test.prop([fc.stringMatching(/^[a-z]{1,8}\/[a-z0-9]{1,8}(?:[/-][a-z0-9]{1,8}){0,3}$/), fc.stringMatching(/^[a-z]{1,4}(?:[-*/][a-z]{1,4})?$/), fc.boolean(), fc.constantFrom('Uint64', 'Float64', 'Float64Histogram' as const)])(
    'keeps only letters, digits and _, and says _total exactly for cumulative non-histograms',
    (path, unit, cumulative, kind) => {
      const p = clientGolangName({ name: `/${path}:${unit}`, kind, cumulative })!;
      expect(p).toMatch(/^go_[a-zA-Z0-9_]+$/);
      expect(p.endsWith('_total')).toBe(cumulative && kind !== 'Float64Histogram');
      // A "/" of the unit reads "per"; otherwise only separators change.
      const letters = (x: string): string => x.replace(/[^a-z0-9]/g, '');
      expect(letters(p)).toBe(letters(`go${path}${unit.replace('/', 'per')}${p.endsWith('_total') ? 'total' : ''}`));
    },
  );

  it('refuses a name outside the legacy metric name syntax', () => {
    expect(clientGolangName({ name: '/gc/heap/allocs:bytés', kind: 'Uint64', cumulative: true })).toBeUndefined();
    expect(clientGolangName({ name: 'gc/heap:bytes', kind: 'Uint64', cumulative: true })).toBeUndefined();
    // One path element: client_golang's subsystem is path.Dir's ".", which no metric name may contain.
    expect(clientGolangName({ name: '/uptime:seconds', kind: 'Float64', cumulative: false })).toBeUndefined();
  });
});

/** The float64 just below x, as Go's math.Nextafter(x, -Inf) (client_golang writes each boundary so). */
function below(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x);
  const bits = v.getBigUint64(0);
  v.setBigUint64(0, x > 0 ? bits - 1n : bits + 1n);
  return v.getFloat64(0);
}

group('fromClientGolang on synthetic scrapes', () => {
  // A runtime histogram (lower-inclusive boundaries, −Inf first, +Inf last), some of its boundaries kept as
  // client_golang keeps them (a subset; the rest merged into the bucket below), exposed as Prometheus writes it
  // (cumulative counts, each kept boundary as the float64 below it): the mapping gives the kept boundaries and the
  // merged per-bucket counts.
  const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 });
  test.prop([fc.uniqueArray(finite, { minLength: 1, maxLength: 12, comparator: (a, b) => a === b || (a === 0 && b === 0) }), fc.array(fc.nat(1000), { minLength: 13, maxLength: 13 }), fc.array(fc.boolean(), { minLength: 13, maxLength: 13 })])(
    'a re-bucketed histogram comes back with the kept boundaries and the merged counts',
    (inner, counts, keep) => {
      const bounds = [-Infinity, ...inner.map((x) => (Object.is(x, -0) ? 0 : x)).sort((a, b) => a - b), Infinity];
      const runtimeCounts = counts.slice(0, bounds.length - 1);
      const kept = [-Infinity, ...bounds.slice(1, -1).filter((_, i) => keep[i]), Infinity];
      const merged = kept.slice(1).map(() => 0);
      runtimeCounts.forEach((c, i) => {
        const j = kept.findIndex((k, n) => n < kept.length - 1 && k <= bounds[i]! && bounds[i + 1]! <= kept[n + 1]!);
        merged[j]! += c;
      });
      let cum = 0;
      const lines = ['# TYPE go_sched_latencies_seconds histogram'];
      kept.slice(1).forEach((k, j) => {
        cum += merged[j]!;
        lines.push(`go_sched_latencies_seconds_bucket{le="${k === Infinity ? '+Inf' : String(below(k))}"} ${cum}`);
      });
      lines.push(`go_sched_latencies_seconds_count ${cum}`, '');
      const got = fromClientGolang(parsePrometheus(lines.join('\n')), { goVersion: 'go1.26.8' }).snapshot.values.get('/sched/latencies:seconds');
      expect(got).toEqual({ kind: 'Float64Histogram', buckets: kept, counts: merged.map(BigInt) });
    },
  );

  it('reads u64 values exactly below 2^53 and flags the rounded ones above', () => {
    const text = [
      '# TYPE go_gc_gomemlimit_bytes gauge',
      'go_gc_gomemlimit_bytes 9.223372036854776e+18',
      '# TYPE go_gc_heap_allocs_bytes_total counter',
      'go_gc_heap_allocs_bytes_total 9.007199254740991e+15',
      '# TYPE go_info gauge',
      'go_info{version="go1.26.8"} 1',
      '# TYPE process_open_fds gauge',
      'process_open_fds 9',
      '',
    ].join('\n');
    const r = fromClientGolang(parsePrometheus(text));
    expect(r.snapshot.goVersion).toBe('go1.26.8');
    expect(r.snapshot.values.get('/gc/gomemlimit:bytes')).toEqual({ kind: 'Uint64', value: 2n ** 63n });
    expect(r.snapshot.values.get('/gc/heap/allocs:bytes')).toEqual({ kind: 'Uint64', value: 2n ** 53n - 1n });
    expect(r.mapped.find((m) => m.metric === '/gc/gomemlimit:bytes')?.rounded).toBe(true);
    expect(r.mapped.find((m) => m.metric === '/gc/heap/allocs:bytes')?.rounded).toBeUndefined();
    expect(r.unmapped).toEqual(['go_info', 'process_open_fds']);
  });

  it('takes the metric the HELP text names over the naming rule', () => {
    const text = [
      '# HELP go_sched_latencies_seconds Whatever. Sourced from /sched/latencies:seconds.',
      '# TYPE go_sched_latencies_seconds histogram',
      'go_sched_latencies_seconds_bucket{le="6.399999999999999e-08"} 3',
      'go_sched_latencies_seconds_bucket{le="0.0009175039999999999"} 5',
      'go_sched_latencies_seconds_bucket{le="+Inf"} 6',
      'go_sched_latencies_seconds_sum 0.1',
      'go_sched_latencies_seconds_count 6',
      '',
    ].join('\n');
    const r = fromClientGolang(parsePrometheus(text), { goVersion: 'go1.26.8' });
    expect(r.mapped).toEqual([{ metric: '/sched/latencies:seconds', families: ['go_sched_latencies_seconds'], source: 'help' }]);
    // Each `le` is the float64 just below a runtime boundary; counts become per bucket.
    expect(r.snapshot.values.get('/sched/latencies:seconds')).toEqual({
      kind: 'Float64Histogram',
      buckets: [-Infinity, 6.4e-8, 0.000917504, Infinity],
      counts: [3n, 2n, 1n],
    });
  });

  it('recovers memory classes as differences of go_memstats_* series, and leaves sums unmapped', () => {
    const text = [
      'go_memstats_heap_alloc_bytes 1000',
      'go_memstats_heap_inuse_bytes 1500',
      'go_memstats_mallocs_total 10',
      'go_goroutines 7',
      'go_threads 5',
      '',
    ].join('\n');
    const r = fromClientGolang(parsePrometheus(text), { goVersion: 'go1.22.12' });
    expect(r.snapshot.values.get('/memory/classes/heap/objects:bytes')).toEqual({ kind: 'Uint64', value: 1000n });
    expect(r.snapshot.values.get('/memory/classes/heap/unused:bytes')).toEqual({ kind: 'Uint64', value: 500n });
    expect(r.snapshot.values.get('/sched/goroutines:goroutines')).toEqual({ kind: 'Uint64', value: 7n });
    expect(r.unmapped).toEqual(['go_memstats_mallocs_total', 'go_threads']);
    // From Go 1.26 /sched/goroutines:goroutines counts system goroutines, runtime.NumGoroutine does not.
    const now = fromClientGolang(parsePrometheus('go_goroutines 7\n'), { goVersion: 'go1.26.8' });
    expect(now.snapshot.values.size).toBe(0);
    expect(now.unmapped).toEqual(['go_goroutines']);
    // A Go 1.16 process has no /gc/heap/allocs:bytes although MemStats.TotalAlloc is exposed.
    const old = fromClientGolang(parsePrometheus('go_memstats_alloc_bytes_total 5\n'), { goVersion: 'go1.16.15' });
    expect(old.snapshot.values.size).toBe(0);
  });

  it('reads an OpenMetrics scrape, whose counter families are named without _total', () => {
    const text = [
      '# TYPE go_gc_cycles_total_gc_cycles counter',
      'go_gc_cycles_total_gc_cycles_total 12',
      'go_gc_cycles_total_gc_cycles_created 1.7e9',
      '# TYPE go_memstats_alloc_bytes counter',
      'go_memstats_alloc_bytes_total 77',
      '# EOF',
      '',
    ].join('\n');
    const r = fromClientGolang(parsePrometheus(text, { format: 'openmetrics' }), { goVersion: 'go1.26.8' });
    expect(r.snapshot.values.get('/gc/cycles/total:gc-cycles')).toEqual({ kind: 'Uint64', value: 12n });
    expect(r.snapshot.values.get('/gc/heap/allocs:bytes')).toEqual({ kind: 'Uint64', value: 77n });
  });

  it('leaves a family of several series unmapped', () => {
    const r = fromClientGolang(parsePrometheus('go_sched_gomaxprocs_threads{pod="a"} 2\ngo_sched_gomaxprocs_threads{pod="b"} 4\n'), { goVersion: 'go1.26.8' });
    expect(r.snapshot.values.size).toBe(0);
    expect(r.unmapped).toEqual(['go_sched_gomaxprocs_threads']);
  });
});
