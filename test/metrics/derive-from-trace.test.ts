// metricsFromTrace's grouping rules on synthetic event sequences (the recorded traces against x/exp/trace:
// test/node/metrics-from-trace.test.ts).
import { describe as group, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { metricsFromTrace, metricsFromTraceSync } from '../../src/metrics/from-trace.js';
import { NO_STACK, type Event, type MetricEvent } from '../../src/trace/events/event.js';
import { isGodiagError } from '../../src/internal/errors.js';
import type { Snapshot } from '../../src/metrics/snapshot.js';

const NAMES = ['/sched/gomaxprocs:threads', '/memory/classes/heap/objects:bytes', '/gc/heap/goal:bytes'];

const metric = (time: number, name: string, value: number | bigint): MetricEvent => ({
  kind: 'Metric',
  time,
  goroutine: 1,
  proc: 0,
  thread: 7,
  stack: NO_STACK,
  name,
  value,
});
const other = (time: number): Event => ({ kind: 'StackSample', time, goroutine: 1, proc: 0, thread: 7, stack: NO_STACK });

/** A sequence of events: Metric events (often several at one time) and others, times non-decreasing. */
const events = fc
  .array(
    fc.tuple(
      fc.nat({ max: 2 }), // time step: 0 keeps the timestamp
      fc.oneof(
        fc.record({ name: fc.constantFrom(...NAMES), value: fc.oneof(fc.nat(), fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n - 1n })) }),
        fc.constant(null),
      ),
    ),
    { maxLength: 40 },
  )
  .map((steps) => {
    let t = 100;
    return steps.map(([dt, m]) => {
      t += dt;
      return m === null ? other(t) : metric(t, m.name, m.value);
    });
  });

/** The reference grouping, written independently: split at every non-Metric event and every change of time. */
function reference(evs: Event[]): { time: number; values: [string, bigint][] }[] {
  const out: { time: number; values: [string, bigint][] }[] = [];
  let prev: Event | undefined;
  for (const e of evs) {
    if (e.kind === 'Metric') {
      const v = BigInt(e.value);
      const last = out[out.length - 1];
      if (prev?.kind === 'Metric' && prev.time === e.time && last !== undefined) {
        const i = last.values.findIndex(([n]) => n === e.name);
        if (i >= 0) last.values[i] = [e.name, v];
        else last.values.push([e.name, v]);
      } else out.push({ time: e.time, values: [[e.name, v]] });
    }
    prev = e;
  }
  return out;
}

const plain = (s: Snapshot) => ({ time: s.traceTime!, values: [...s.values].map(([n, v]) => [n, v.kind === 'Uint64' ? v.value : -1n] as [string, bigint]) });

group('metricsFromTrace', () => {
  test.prop([events])('one snapshot per run of Metric events at one time; other events end a run', (evs) => {
    const got = [...metricsFromTraceSync(evs)];
    expect(got.map(plain)).toEqual(reference(evs));
    for (const s of got) expect(s.goVersion).toBeUndefined();
  });

  test.prop([events])('the async variant gives the same snapshots, from sync and async iterables', async (evs) => {
    const sync = [...metricsFromTraceSync(evs, { goVersion: 'go1.23.4' })];
    async function* gen() {
      yield* evs;
    }
    for (const source of [evs, gen()]) {
      const got: Snapshot[] = [];
      for await (const s of metricsFromTrace(source, { goVersion: 'go1.23.4' })) got.push(s);
      expect(got).toEqual(sync);
    }
  });

  test.prop([events])('accumulate: every metric seen so far, with its latest value', (evs) => {
    const latest = new Map<string, bigint>();
    const want: { time: number; values: [string, bigint][] }[] = [];
    for (const g of reference(evs)) {
      for (const [n, v] of g.values) latest.set(n, v);
      want.push({ time: g.time, values: [...latest] });
    }
    expect([...metricsFromTraceSync(evs, { accumulate: true })].map(plain)).toEqual(want);
  });

  it('a metric the catalogue gives a non-integer kind is an error, not a guess', () => {
    const evs = [metric(5, '/cpu/classes/user:cpu-seconds', 4607182418800017408n)];
    let error: unknown;
    try {
      [...metricsFromTraceSync(evs)];
    } catch (e) {
      error = e;
    }
    expect(isGodiagError(error, 'corrupt')).toBe(true);
    // Unknown names are unsigned integers, as the trace carries them.
    expect([...metricsFromTraceSync([metric(5, '/future/metric:things', 3)])].map(plain)).toEqual([{ time: 5, values: [['/future/metric:things', 3n]] }]);
  });
});
