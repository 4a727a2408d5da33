/**
 * validate() and the derived values over the recorded snapshots of every toolchain (the manifest's
 * `metrics-snapshots` fixtures, testdata/fixtures/<toolchain>/metrics-*.snapshots.json.gz: canonical JSON Lines of
 * metrics.Read, taken before and after each fixture's other captures). Every real snapshot validates clean; one
 * changed /memory/classes leaf or /cpu/classes part is caught; delta and gcCpuFraction between the recorded pairs
 * give what the values say.
 */

import { describe, expect, it } from 'vitest';
import { fc } from '@fast-check/vitest';
import { fixtureBytes, haveFixtures, loadManifest } from '../support/fixtures.js';
import { memoryClassLeaves, validate } from '../../src/metrics/validate.js';
import { delta } from '../../src/metrics/derive.js';
import { gcCpuFraction, GC_CYCLES } from '../../src/metrics/derive-gc.js';
import { parseSnapshotJson } from '../../src/metrics/snapshot-json.js';
import type { Snapshot } from '../../src/metrics/snapshot.js';

// Every recorded snapshot file of the manifest: the metrics-snapshots set (BEFORE and AFTER a scrape) and the
// OpenTelemetry set's four snapshots.
const fixtures = haveFixtures ? loadManifest().fixtures.filter((f) => f.format === 'metrics-snapshots' || f.format === 'metrics-otel-snapshots') : [];
const files = fixtures.map((f) => f.path).sort();
const load = (path: string): Snapshot[] => {
  const f = fixtures.find((x) => x.path === path)!;
  return new TextDecoder()
    .decode(fixtureBytes(f))
    .split('\n')
    .filter((l) => l !== '')
    .map(parseSnapshotJson);
};

const minorOf = (s: Snapshot): number => Number(/^go1\.(\d+)/.exec(s.goVersion ?? '')?.[1]);

describe.skipIf(files.length === 0)('recorded runtime/metrics snapshots', () => {
  it('covers the toolchains from Go 1.16', () => {
    const toolchains = new Set(files.map((f) => f.split('/')[0]));
    expect([...toolchains].some((t) => t!.startsWith('go1.16.'))).toBe(true);
    expect(toolchains.size).toBeGreaterThanOrEqual(8);
  });

  for (const path of files) {
    it(`${path}: every snapshot validates clean and has the metrics the checks need`, () => {
      const snaps = load(path);
      expect(snaps.length).toBeGreaterThanOrEqual(2);
      for (const s of snaps) {
        expect(validate(s)).toEqual([]);
        // The checks ran: the snapshot has the total and every leaf of its release (a complete metrics.Read).
        expect(s.values.has('/memory/classes/total:bytes')).toBe(true);
        for (const leaf of memoryClassLeaves(s.goVersion)) expect(s.values.has(leaf)).toBe(true);
        if (minorOf(s) >= 20) expect(s.values.has('/cpu/classes/total:cpu-seconds')).toBe(true);
      }
    });

    it(`${path}: one changed /memory/classes leaf or /cpu/classes part is caught`, () => {
      const s = load(path)[0]!;
      const leaves = memoryClassLeaves(s.goVersion);
      const cpuParts = [...s.values.keys()].filter((n) => /^\/cpu\/classes\/(gc\/mark|gc\/pause|scavenge\/(assist|background))/.test(n));
      fc.assert(
        fc.property(fc.nat(), fc.bigInt({ min: 1n, max: 1n << 32n }), (i, by) => {
          const name = leaves[i % leaves.length]!;
          const old = (s.values.get(name) as { value: bigint }).value;
          const values = new Map(s.values).set(name, { kind: 'Uint64', value: old >= by ? old - by : old + by });
          const v = validate({ ...s, values });
          expect(v.map((x) => x.rule)).toContain('memory-classes-sum');
          expect(v.find((x) => x.rule === 'memory-classes-sum')!.metrics.map((m) => m.name)).toContain(name);
        }),
        { numRuns: 20 },
      );
      if (cpuParts.length === 0) return;
      fc.assert(
        fc.property(fc.constantFrom(...cpuParts), fc.double({ min: 1e-6, max: 1, noNaN: true }), (name, by) => {
          const old = (s.values.get(name) as { value: number }).value;
          const values = new Map(s.values).set(name, { kind: 'Float64', value: old + by });
          const v = validate({ ...s, values }).filter((x) => x.rule === 'cpu-classes-sum');
          expect(v.map((x) => x.metrics.map((m) => m.name)).flat()).toContain(name);
        }),
        { numRuns: 20 },
      );
    });

    it(`${path}: delta and the GC CPU fraction between consecutive snapshots`, () => {
      const snaps = load(path);
      for (let i = 1; i < snaps.length; i++) {
        const [a, b] = [snaps[i - 1]!, snaps[i]!];
        const d = delta(a, b);
        expect(d.metrics.size).toBe(b.values.size);
        for (const m of d.metrics.values()) {
          expect(['counter', 'gauge', 'histogram', 'counter-decrease', 'histogram-decrease']).toContain(m.type);
          // Go 1.16–1.18 count a span's free slots as allocated when a P takes it and take the unused ones back
          // when its cache is flushed: /gc/heap/allocs-by-size and /gc/heap/allocs:* may go down. Later
          // releases count each allocation once: their counters and histograms never go down.
          if (m.type === 'counter-decrease' || m.type === 'histogram-decrease') {
            expect(minorOf(b)).toBeLessThanOrEqual(18);
            expect(m.name).toMatch(/^\/gc\/heap\/allocs(-by-size)?:/);
          }
        }
        const g = gcCpuFraction(a, b);
        const cycles = (b.values.get(GC_CYCLES) as { value: bigint }).value - (a.values.get(GC_CYCLES) as { value: bigint }).value;
        if (minorOf(b) < 20) expect(g.status).toBe('unavailable');
        else if (cycles === 0n) expect(g).toEqual({ status: 'stale', cycles: 0n });
        else {
          expect(g.status).toBe('ok');
          if (g.status === 'ok') {
            expect(g.fraction).toBeGreaterThan(0);
            expect(g.fraction).toBeLessThanOrEqual(1);
          }
        }
      }
    });
  }
});
