/**
 * metricsFromTrace over the recorded traces: every Metric event of the `trace-events` goldens (golang.org/x/exp/
 * trace's Reader, the oracle) is in the snapshots with the same name, value and time, and nothing else is; the
 * async variant over a streamed trace gives the same snapshots; `accumulate` carries every metric's latest value.
 */

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTrace, readTraceSync } from '../../src/trace/events/index.js';
import { metricsFromTrace, metricsFromTraceSync } from '../../src/metrics/from-trace.js';
import type { Snapshot } from '../../src/metrics/snapshot.js';
import {
  extraGoldens,
  fixtureBytes,
  goldenCommands,
  goldenPath,
  haveFixtures,
  loadManifest,
  readGolden,
  REJECTED,
  ROOT,
  GOLDENS,
} from '../support/fixtures.js';

interface GoldenMetric {
  name: string;
  value: bigint;
  time: number;
}

interface Case {
  id: string;
  bytes: () => Uint8Array;
  golden: string;
}

const eventsCommand = goldenCommands.find((c) => c.name === 'trace-events')!;
const cases: Case[] = [];
if (haveFixtures) {
  for (const f of loadManifest().fixtures) {
    if (f.format !== 'trace' || !eventsCommand.appliesTo(f)) continue;
    const golden = goldenPath(f, eventsCommand);
    if (existsSync(golden)) cases.push({ id: f.path, bytes: () => fixtureBytes(f), golden });
  }
}
for (const g of extraGoldens) {
  if (!g.golden.endsWith('.trace-events.json') || g.prepare === undefined) continue;
  const input = join(ROOT, g.input);
  const golden = join(GOLDENS, g.golden);
  if (existsSync(input) && existsSync(golden)) cases.push({ id: g.golden, bytes: () => g.prepare!(new Uint8Array(readFileSync(input))), golden });
}

/** The Metric events of a golden, in order (value: a JSON number, or a decimal string beyond 2^53 − 1). */
function goldenMetrics(text: string): GoldenMetric[] {
  const out: GoldenMetric[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('"kind":"Metric"')) continue;
    const e = JSON.parse(line) as { kind: string; name: string; value: number | string; time: number | string };
    if (e.kind !== 'Metric') continue;
    expect(typeof e.time).toBe('number'); // times of the recorded traces fit 2^53
    out.push({ name: e.name, value: BigInt(e.value), time: e.time as number });
  }
  return out;
}

/** The (name, value, time) of every value of the snapshots, in order. */
function flatten(snaps: Iterable<Snapshot>): GoldenMetric[] {
  const out: GoldenMetric[] = [];
  for (const s of snaps) {
    expect(s.values.size).toBeGreaterThan(0);
    for (const [name, v] of s.values) {
      expect(v.kind).toBe('Uint64');
      out.push({ name, value: v.kind === 'Uint64' ? v.value : -1n, time: s.traceTime! });
    }
  }
  return out;
}

describe.skipIf(cases.length === 0)('metricsFromTrace on the recorded traces', () => {
  it('has traces with Metric events', () => {
    const withMetrics = cases.filter((c) => goldenMetrics(readGolden(c.golden)).length > 0);
    expect(withMetrics.length).toBeGreaterThanOrEqual(10);
  });

  for (const c of cases) {
    it(`${c.id}: the snapshots hold exactly the Metric events of x/exp/trace, with their name, value and time`, () => {
      const text = readGolden(c.golden);
      if (text === REJECTED) return;
      const want = goldenMetrics(text);
      const snaps = [...metricsFromTraceSync(readTraceSync(c.bytes()))];
      // A metric emitted twice at one timestamp would be one value in a snapshot: the oracle's times are distinct
      // within a run of Metric events, so the flattened snapshots must be the events themselves.
      expect(flatten(snaps)).toEqual(want);
      for (let i = 1; i < snaps.length; i++) expect(snaps[i]!.traceTime!).toBeGreaterThan(snaps[i - 1]!.traceTime!);
    });
  }

  it('the async variant over a streamed trace, and `accumulate`, agree with the events', async () => {
    const c = cases.find((x) => goldenMetrics(readGolden(x.golden)).length > 50)!;
    expect(c).toBeDefined();
    const bytes = c.bytes();
    const sync = [...metricsFromTraceSync(readTraceSync(bytes), { goVersion: 'go1.26.8' })];
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 4093) yield bytes.subarray(i, i + 4093);
    }
    const streamed: Snapshot[] = [];
    for await (const s of metricsFromTrace(readTrace(chunks()), { goVersion: 'go1.26.8' })) streamed.push(s);
    expect(streamed).toEqual(sync);
    expect(sync.every((s) => s.goVersion === 'go1.26.8')).toBe(true);

    // accumulate: after each group, every metric seen so far with its latest value in the golden.
    const want = goldenMetrics(readGolden(c.golden));
    const latest = new Map<string, bigint>();
    let k = 0;
    for (const s of metricsFromTraceSync(readTraceSync(bytes), { accumulate: true })) {
      while (k < want.length && want[k]!.time <= s.traceTime!) {
        latest.set(want[k]!.name, want[k]!.value);
        k++;
      }
      expect(new Map([...s.values].map(([n, v]) => [n, v.kind === 'Uint64' ? v.value : -1n]))).toEqual(latest);
    }
    expect(k).toBe(want.length);
  });
});
