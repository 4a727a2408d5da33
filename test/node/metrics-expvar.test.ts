// expvar → runtime/metrics against Go: in each metrics-snapshots fixture run, the program took a runtime/metrics
// snapshot (BEFORE), served expvar's /debug/vars (a runtime.ReadMemStats inside) and took another snapshot
// (AFTER). Every value fromExpvar maps must be what runtime/metrics said at some instant in between.
//
// How each metric is checked. Between BEFORE and AFTER only the scrape and expvar handlers run, and no GC
// cycle starts (asserted: the cycle counts are equal), so nothing is swept or freed in that window. Then:
// - cumulative metrics (allocated and freed bytes, GC cycles) and the gauges that only a sweep or a new cycle
//   can lower (MONOTONE: live objects and their bytes, span structures in use, profiling buckets, the heap
//   goal) satisfy BEFORE ≤ mapped ≤ AFTER;
// - the other gauges move both ways even in that window — unused heap bytes jump by a span when one is taken
//   and shrink as it fills, the background scavenger releases free pages that an allocation then takes back,
//   GC work buffers and other off-heap metadata come and go — so a value read in between may lie outside
//   [BEFORE, AFTER]. Each is checked exactly when BEFORE = AFTER, and always through sums that are monotone
//   in the window (SUMS): the heap's spans in use, the heap's arenas with the pages they lend to stacks and
//   GC work buffers, and the total of every memory class.
//   The mapped memory classes must also add up to the mapped total exactly, as runtime/metrics' own do.
// A metric with BEFORE = AFTER must be mapped to exactly that value: that makes a mapping off by a constant (a
// MemStats field counting something more) fail.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describe as describeMetric } from '../../src/metrics/catalog.js';
import { EXPVAR_MAPPINGS, fromExpvar } from '../../src/metrics/expvar.js';
import { parseSnapshotJson } from '../../src/metrics/snapshot-json.js';
import type { Snapshot } from '../../src/metrics/snapshot.js';
import { FIXTURES, fixtureBytes, loadManifest, type Fixture } from '../support/fixtures.js';

const manifest = loadManifest();
const expvars = manifest.fixtures.filter((f) => (f.format as string) === 'expvar');

/** The BEFORE and AFTER snapshots of the run that wrote an expvar fixture. */
function around(f: Fixture): [Snapshot, Snapshot] {
  const path = f.path.replace(/\.expvar\.json$/, '.snapshots.json.gz');
  const entry = manifest.fixtures.find((g) => g.path === path);
  if (entry === undefined) throw new Error(`no ${path}`);
  const lines = new TextDecoder().decode(fixtureBytes(entry)).trimEnd().split('\n');
  expect(lines).toHaveLength(2);
  return [parseSnapshotJson(lines[0]!), parseSnapshotJson(lines[1]!)];
}

/** Gauges that only a sweep or a new GC cycle lowers. */
const MONOTONE = new Set([
  '/gc/heap/goal:bytes',
  '/gc/heap/objects:objects',
  '/memory/classes/heap/objects:bytes',
  '/memory/classes/metadata/mspan/inuse:bytes',
  '/memory/classes/profiling/buckets:bytes',
]);
const TOTAL = '/memory/classes/total:bytes';
const HEAP_IN_USE = ['/memory/classes/heap/objects:bytes', '/memory/classes/heap/unused:bytes'];
/**
 * Sums of gauges that do not decrease while nothing is swept: the heap's spans in use (HeapInuse); the heap's
 * arenas, which only grow — their pages are in use, free, released, or lent to goroutine stacks and GC work
 * buffers, the latter counted with other GC metadata (HeapSys + StackInuse + GCSys); and Sys.
 */
const SUMS = [
  HEAP_IN_USE,
  [
    ...HEAP_IN_USE,
    '/memory/classes/heap/free:bytes',
    '/memory/classes/heap/released:bytes',
    '/memory/classes/heap/stacks:bytes',
    '/memory/classes/metadata/other:bytes',
  ],
  [TOTAL],
];

const u64 = (s: Snapshot, name: string): bigint => {
  const v = s.values.get(name);
  if (v?.kind !== 'Uint64') throw new Error(`${name}: not a Uint64 in the snapshot`);
  return v.value;
};

describe('expvar memstats mapped to runtime/metrics lie between the snapshots around them', () => {
  it('covers every toolchain of the set', () => {
    expect(new Set(expvars.map((f) => f.goVersion)).size).toBeGreaterThanOrEqual(11);
  });

  it.each(expvars.map((f) => [f.path, f] as const))('%s', (_path, f) => {
    const [before, after] = around(f);
    const text = readFileSync(join(FIXTURES, f.path), 'utf8');
    const { snapshot, unmapped, cmdline } = fromExpvar(text, { goVersion: f.goVersion });
    expect(cmdline).toEqual(['metrics', '-o', '.']); // the recorder's argv
    expect(snapshot.goVersion).toBe(f.goVersion);
    // The parsed-object form maps the same (these values all fit 2^53).
    expect(fromExpvar(JSON.parse(text), { goVersion: f.goVersion })).toEqual({ snapshot, unmapped, cmdline });

    expect(u64(after, '/gc/cycles/total:gc-cycles')).toBe(u64(before, '/gc/cycles/total:gc-cycles'));
    // Every mapping the release has a metric for is made, and only those.
    const expected = EXPVAR_MAPPINGS.map((m) => m.metric).filter((m) => before.values.has(m));
    expect([...snapshot.values.keys()]).toEqual(expected.sort());
    for (const [name, v] of snapshot.values) {
      expect(v.kind).toBe('Uint64');
      const got = (v as { value: bigint }).value;
      const b = u64(before, name);
      const a = u64(after, name);
      if (b === a) expect(got, name).toBe(b);
      if (describeMetric(name, { goVersion: f.goVersion })?.cumulative === true || MONOTONE.has(name)) {
        expect(b <= got && got <= a, `${name}: ${got} not in [${b}, ${a}]`).toBe(true);
      }
    }
    for (const parts of SUMS) {
      const sum = (s: Snapshot) => parts.reduce((t, p) => t + u64(s, p), 0n);
      const [b, got, a] = [sum(before), sum(snapshot), sum(after)];
      expect(b <= got && got <= a, `${parts.join(' + ')}: ${got} not in [${b}, ${a}]`).toBe(true);
    }
    // The memory classes partition the total, in Go's snapshots and in the mapped values.
    const classes = [...before.values.keys()].filter((n) => n.startsWith('/memory/classes/') && n !== TOTAL);
    for (const s of [before, snapshot, after]) expect(classes.reduce((t, p) => t + u64(s, p), 0n)).toBe(u64(s, TOTAL));
    expect(unmapped).toEqual([
      'memstats.Lookups',
      'memstats.Mallocs',
      'memstats.Frees',
      'memstats.LastGC',
      'memstats.PauseTotalNs',
      'memstats.PauseNs',
      'memstats.PauseEnd',
      'memstats.GCCPUFraction',
      'memstats.EnableGC',
      'memstats.DebugGC',
      'memstats.BySize',
    ]);
  });

  it('at least some mapped gauges and counters sat still between the snapshots and matched exactly', () => {
    // Guards the check above against passing only through wide windows.
    let exact = 0;
    for (const f of expvars) {
      const [before, after] = around(f);
      const { snapshot } = fromExpvar(readFileSync(join(FIXTURES, f.path), 'utf8'), { goVersion: f.goVersion });
      for (const [name] of snapshot.values) if (u64(before, name) === u64(after, name)) exact++;
    }
    expect(exact).toBeGreaterThan(expvars.length * 5);
  });
});
