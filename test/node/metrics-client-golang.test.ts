// fromClientGolang on every recorded client_golang scrape (testdata/fixtures/<go>/metrics-<variant>.prom.gz, with
// metrics-<variant>.snapshots.json.gz of the same run; see docs/fixtures.md): the
// fixture program read runtime/metrics (BEFORE), let client_golang scrape, and read runtime/metrics again (AFTER)
// in one process, so each value recovered from the scrape lies between BEFORE and AFTER — exactly equal when those
// are equal. The runtime's values are the oracle; nothing here is hand-written but the reading of the files.
import { describe as group, expect, it } from 'vitest';
import { catalog } from '../../src/metrics/catalog.js';
import { clientGolangName, fromClientGolang } from '../../src/metrics/client-golang.js';
import { parsePrometheus, type MetricFamily } from '../../src/metrics/prometheus.js';
import type { Float64HistogramValue, Snapshot } from '../../src/metrics/snapshot.js';
import { parseSnapshotJson } from '../../src/metrics/snapshot-json.js';
import { decodeUtf8 } from '../../src/internal/utf8.js';
import { fixtureBytes, loadManifest } from '../support/fixtures.js';

interface Recording {
  id: string;
  families: MetricFamily[];
  before: Snapshot;
  after: Snapshot;
}

/** Each client_golang scrape of the manifest (format prometheus-text) with the snapshots of the same run. */
function recordings(): Recording[] {
  const fixtures = loadManifest().fixtures;
  const out: Recording[] = [];
  for (const f of fixtures) {
    if ((f.format as string) !== 'prometheus-text') continue;
    const stem = f.path.replace(/\.prom(\.gz)?$/, '');
    const snaps = fixtures.find((g) => (g.format as string) === 'metrics-snapshots' && g.path.replace(/\.snapshots\.json(\.gz)?$/, '') === stem);
    if (snaps === undefined) continue;
    const lines = decodeUtf8(fixtureBytes(snaps)).split('\n').filter((l) => l !== '');
    out.push({
      id: `${stem} (${f.kind ?? f.program})`,
      families: parsePrometheus(fixtureBytes(f)),
      before: parseSnapshotJson(lines[0]!),
      after: parseSnapshotJson(lines[lines.length - 1]!),
    });
  }
  return out;
}

/** Sums a runtime histogram's counts into coarser boundaries, each runtime bucket inside exactly one coarse bucket. */
function sumInto(h: Float64HistogramValue, bounds: readonly number[]): bigint[] {
  const out = bounds.slice(1).map(() => 0n);
  for (let i = 0; i < h.counts.length; i++) {
    const lo = h.buckets[i]!;
    const hi = h.buckets[i + 1]!;
    const j = bounds.findIndex((b, k) => k < bounds.length - 1 && b <= lo && hi <= bounds[k + 1]!);
    expect(j, `runtime bucket [${lo}, ${hi}) inside one exposed bucket`).toBeGreaterThanOrEqual(0);
    out[j]! += h.counts[i]!;
  }
  return out;
}

const between = <T extends number | bigint>(x: T, a: T, b: T): boolean => (a <= b ? a <= x && x <= b : b <= x && x <= a);

const all = recordings();

group('fromClientGolang on the recorded scrapes', () => {
  it('has recordings of an old and a current client_golang', () => {
    expect(all.length).toBeGreaterThan(1);
    // A runtime/metrics-derived series (one with a "Sourced from" HELP or a catalogue name) is in some, not all.
    const derived = all.map((r) => fromClientGolang(r.families).mapped.some((m) => m.source === 'help' || m.source === 'name'));
    expect(derived).toContain(true);
    expect(derived).toContain(false);
  });

  // Which values can be bracketed. Cumulative metrics only grow from Go 1.21 on ("Bucket counts increase
  // monotonically"); before, the allocation counts counted a whole span at mcache refill and took the unused
  // part back when mcaches were flushed (GC, ReadMemStats — and expvar reads MemStats between the scrape and
  // AFTER), so there only BEFORE == AFTER is checked. Gauges go up and down (Registry.Gather runs collectors on
  // goroutines of its own, so even /sched/goroutines moves during the scrape): they are checked by the exact
  // test below instead.
  const monotone = (goVersion: string): boolean => Number(/^go1\.(\d+)/.exec(goVersion)![1]) >= 21;
  it.each(all.map((r) => [r.id, r] as const))('%s: every recovered cumulative value lies between BEFORE and AFTER', (_id, r) => {
    const { snapshot, mapped } = fromClientGolang(r.families);
    const goVersion = r.before.goVersion!;
    expect(snapshot.goVersion).toBe(goVersion);
    expect(mapped.length).toBeGreaterThan(0);
    const info = new Map(catalog({ goVersion }).map((m) => [m.name, m]));
    let checked = 0;
    for (const m of mapped) {
      const got = snapshot.values.get(m.metric)!;
      const b = r.before.values.get(m.metric);
      const a = r.after.values.get(m.metric);
      expect(b, `${m.metric} is a metric of ${goVersion}`).toBeDefined();
      expect(got.kind, m.metric).toBe(b!.kind);
      if (got.kind === 'Uint64') expect(m.rounded === true, m.metric).toBe(Number(got.value) >= 2 ** 53);
      if (!info.get(m.metric)!.cumulative) continue;
      const strict = monotone(goVersion);
      if (got.kind === 'Uint64' && b!.kind === 'Uint64' && a!.kind === 'Uint64') {
        if (b!.value === a!.value) expect(got.value, m.metric).toBe(b!.value);
        else if (strict) expect(between(got.value, b!.value, a!.value), `${m.metric} ${got.value} in [${b!.value}, ${a!.value}]`).toBe(true);
        else continue;
      } else if (got.kind === 'Float64' && b!.kind === 'Float64' && a!.kind === 'Float64') {
        if (Object.is(b!.value, a!.value)) expect(got.value, m.metric).toBe(b!.value);
        else if (strict) expect(between(got.value, b!.value, a!.value), `${m.metric} ${got.value} in [${b!.value}, ${a!.value}]`).toBe(true);
        else continue;
      } else if (got.kind === 'Float64Histogram' && b!.kind === 'Float64Histogram' && a!.kind === 'Float64Histogram') {
        expect(got.buckets[0]).toBe(-Infinity);
        expect(got.buckets[got.buckets.length - 1]).toBe(Infinity);
        expect(got.counts.length + 1).toBe(got.buckets.length);
        // Every runtime boundary client_golang kept is an exposed boundary, moved back up from the float64 below it.
        for (const x of got.buckets) expect(b!.buckets.includes(x) || x === -Infinity, `${m.metric} boundary ${x}`).toBe(true);
        const lo = sumInto(b!, got.buckets);
        const hi = sumInto(a!, got.buckets);
        if (lo.every((c, i) => c === hi[i])) expect(got.counts, m.metric).toEqual(lo);
        else if (strict) got.counts.forEach((c, i) => expect(between(c, lo[i]!, hi[i]!), `${m.metric} bucket ${i}`).toBe(true));
        else continue;
      } else throw new Error(`${m.metric}: kinds differ`);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });

  it.each(all.map((r) => [r.id, r] as const))('%s: a go_memstats_* value equals the runtime/metrics series of the same scrape', (_id, r) => {
    // client_golang ≥ 1.12 on Go ≥ 1.17 computes go_memstats_* from the same metrics.Read as the go_* series:
    // where both are in the scrape, the memstats route must give exactly the runtime series' value.
    const full = fromClientGolang(r.families);
    const fromSeries = new Set(full.mapped.filter((m) => m.source === 'help' || m.source === 'name').map((m) => m.metric));
    const own = fromClientGolang(r.families.filter((f) => !full.mapped.some((m) => fromSeries.has(m.metric) && m.families.includes(f.name))));
    let compared = 0;
    for (const m of own.mapped) {
      if (!fromSeries.has(m.metric)) continue;
      expect(m.source === 'memstats' || m.source === 'memstats-difference' || m.source === 'base', m.metric).toBe(true);
      if (m.source === 'base') continue; // go_goroutines and NumGC are read apart from metrics.Read
      expect(own.snapshot.values.get(m.metric), `${m.metric} from ${m.families.join(' − ')}`).toEqual(full.snapshot.values.get(m.metric));
      compared++;
    }
    if (fromSeries.has('/memory/classes/heap/objects:bytes')) expect(compared).toBeGreaterThanOrEqual(10);
  });

  it.each(all.map((r) => [r.id, r] as const))('%s: what is not recoverable follows from the families present', (_id, r) => {
    const { snapshot, mapped, unmapped, unmappedReasons } = fromClientGolang(r.families);
    const goVersion = r.before.goVersion!;
    const names = new Set(r.families.map((f) => f.name));
    const helps = new Map(r.families.map((f) => [f.name, f.help ?? '']));
    // Every catalogue metric whose client_golang name is a family of the scrape is recovered from it.
    for (const m of catalog({ goVersion })) {
      const p = clientGolangName(m);
      if (p === undefined || !names.has(p)) continue;
      const got = mapped.find((x) => x.metric === m.name);
      expect(got?.families, m.name).toEqual([p]);
      // A "Sourced from" HELP names the metric itself.
      const said = / Sourced from (\S+)\.$/.exec(helps.get(p)!)?.[1];
      if (said !== undefined) expect(said).toBe(m.name);
      expect(got?.source).toBe(said !== undefined ? 'help' : 'name');
    }
    // The naming rule against client_golang's own word: a family whose HELP says "Sourced from /x:unit." is
    // named clientGolangName of that metric as the process's release describes it.
    for (const [family, help] of helps) {
      const said = / Sourced from (\S+)\.$/.exec(help)?.[1];
      if (said === undefined) continue;
      const m = catalog({ goVersion }).find((x) => x.name === said);
      expect(m, said).toBeDefined();
      expect(clientGolangName(m!), said).toBe(family);
    }
    // A go_memstats_* series whose HELP says "Equals to /x:unit." (client_golang ≥ 1.20) gives that metric,
    // unless a runtime/metrics-derived series gave it (then both were read at the same metrics.Read).
    for (const [family, help] of helps) {
      const eq = /Equals to (\/[^\s+]+:[a-z-]+?)s?\.?$/.exec(help)?.[1];
      if (!family.startsWith('go_memstats_') || eq === undefined) continue;
      const metric = [eq, `${eq}s`].find((n) => snapshot.values.has(n) || r.before.values.has(n));
      if (metric === undefined || !r.before.values.has(metric)) continue;
      const got = mapped.find((x) => x.metric === metric)!;
      expect(got, `${family} → ${metric}`).toBeDefined();
      if (got.source === 'memstats') expect(got.families).toContain(family);
    }
    // The metrics of the release not recovered: recorded here as the data gives them, each without a family
    // of its client_golang name.
    const lost = [...r.before.values.keys()].filter((n) => !snapshot.values.has(n));
    for (const n of lost) {
      const p = clientGolangName(catalog({ goVersion }).find((m) => m.name === n)!);
      expect(p !== undefined && names.has(p), n).toBe(false);
    }
    expect(unmapped).toEqual(unmappedReasons.map((u) => u.family));
    // go_goroutines (runtime.NumGoroutine) gives /sched/goroutines:goroutines up to Go 1.25 only: Go 1.26 counts
    // system goroutines in the metric. (Its value is not compared: Registry.Gather runs collectors on goroutines
    // of its own, which NumGoroutine counts while the scrape runs.)
    if (names.has('go_goroutines')) {
      const alone = fromClientGolang(r.families.filter((f) => f.name === 'go_goroutines' || f.name === 'go_info'));
      expect(alone.snapshot.values.has('/sched/goroutines:goroutines')).toBe(Number(/^go1\.(\d+)/.exec(goVersion)![1]) <= 25);
    }
    expect(unmapped).toEqual(unmappedReasons.map((u) => u.family));
    for (const f of unmapped) expect(mapped.some((m) => m.families.includes(f)), f).toBe(false);
  });
});
