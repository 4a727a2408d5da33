/**
 * `godiag metrics …` run in-process. Expectations come from what Go wrote: the recorded `metrics.All()` of each
 * toolchain (metrics-catalog.json), the canonical snapshots a process wrote with `metrics.Read` around a
 * client_golang scrape and expvar (metrics-*.snapshots.json), and the x/exp/trace oracle's Metric events.
 */

import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { describe as describeMetric } from '../../src/metrics/catalog.js';
import { fakeIo } from '../support/cli.js';
import { FIXTURES, GOLDENS, fixtureBytes, loadManifest, readGolden } from '../support/fixtures.js';

async function run(...argv: string[]) {
  const io = fakeIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

const jsonLines = (text: string): Record<string, unknown>[] =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const catalogs = loadManifest().fixtures.filter((f) => f.format === 'metrics-catalog');

describe('godiag metrics catalog', () => {
  it('has recorded catalogues to check against', () => {
    expect(catalogs.length).toBeGreaterThanOrEqual(10);
  });

  for (const f of catalogs) {
    it(`--go ${f.goVersion} --json lists what metrics.All() of ${f.goVersion} lists`, async () => {
      const r = await run('metrics', 'catalog', '--go', f.goVersion, '--json');
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const got = jsonLines(r.out).map(({ name, kind, unit, cumulative, description }) => ({ name, kind, unit, cumulative, description }));
      const want = jsonLines(new TextDecoder().decode(fixtureBytes(f))).map(({ name, kind, unit, cumulative, description }) => ({ name, kind, unit, cumulative, description }));
      expect(got).toEqual(want);
    });
  }

  it('prints a table for people, one metric per line, naming the release that answered', async () => {
    const f = catalogs.find((c) => c.goVersion.startsWith('go1.22.'))!;
    const r = await run('metrics', 'catalog', '--go', '1.22');
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    const want = jsonLines(new TextDecoder().decode(fixtureBytes(f)));
    expect(lines[0]).toBe(`# runtime/metrics of ${f.goVersion}: ${want.length} metrics (kind, cumulative or gauge, Go minor that added it)`);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(want.map((m) => m.name));
    // Go 1.22 deprecated /gc/pauses:seconds in its description, naming the replacement.
    expect(lines.find((l) => l.startsWith('/gc/pauses:seconds '))).toMatch(/deprecated since go1\.22, use \/sched\/pauses\/total\/gc:seconds$/);
  });

  it('rejects versions before runtime/metrics and strings that are not versions', async () => {
    const old = await run('metrics', 'catalog', '--go', '1.15');
    expect(old.code).toBe(2);
    expect(old.err).toContain('Go 1.15 has no runtime/metrics');
    const bad = await run('metrics', 'catalog', '--go', 'banana');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('is not a Go version');
  });
});

const fixtures = loadManifest().fixtures;
const snapshotFiles = fixtures.filter((f) => f.format === 'metrics-snapshots');
const text = (f: (typeof fixtures)[number]) => new TextDecoder().decode(fixtureBytes(f));
const tmp = mkdtempSync(join(tmpdir(), 'godiag-metrics-cli-'));

/** A Go-written snapshot line, values as strings where Go wrote strings. */
interface GoSnapshot {
  goVersion: string;
  metrics: Record<string, { kind: string; value?: string | number; buckets?: unknown[]; counts?: string[] }>;
}

describe('godiag metrics dump', () => {
  it('has recorded snapshots to check against', () => {
    expect(snapshotFiles.length).toBeGreaterThanOrEqual(30);
  });

  for (const f of snapshotFiles) {
    it(`prints ${f.path} exactly as Go wrote it (canonical JSON Lines)`, async () => {
      const r = await run('metrics', 'dump', join(FIXTURES, f.path));
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toBe(text(f));
    });
  }

  it('reads a client_golang scrape and expvar into the values the process read around them', async () => {
    let checked = 0;
    for (const f of snapshotFiles.filter((s) => s.goVersion === 'go1.26.8')) {
      const [before, after] = text(f).trimEnd().split('\n').map((l) => JSON.parse(l) as GoSnapshot);
      for (const other of [f.path.replace(/\.snapshots\.json\.gz$/, '.prom.gz'), f.path.replace(/\.snapshots\.json\.gz$/, '.expvar.json')]) {
        const r = await run('metrics', 'dump', join(FIXTURES, other), '--go', f.goVersion);
        expect(r.code).toBe(0);
        // Nothing is dropped silently: what is not a runtime metric is named on stderr.
        expect(r.err).toMatch(/are not runtime\/metrics values and were left out: /);
        const got = JSON.parse(r.out) as GoSnapshot;
        expect(Object.keys(got.metrics).length).toBeGreaterThan(10);
        for (const [name, v] of Object.entries(got.metrics)) {
          const b = before!.metrics[name];
          const a = after!.metrics[name];
          expect(b, name).toBeDefined();
          // Counters that did not move around the scrape (gauges such as runnable goroutines move with the scrape itself).
          if (v.kind !== 'Uint64' || describeMetric(name, { goVersion: f.goVersion })?.cumulative !== true) continue;
          if (b!.value !== a!.value || BigInt(b!.value!) >= 2n ** 53n) continue;
          expect(v.value, `${other}: ${name}`).toBe(b!.value);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it("prints a trace's Metric events as snapshots, the same as x/exp/trace reports them", async () => {
    const f = fixtures.find((x) => x.format === 'trace' && x.goVersion === 'go1.26.8' && x.path.endsWith('/basic.trace.gz'))!;
    const want = readGolden(join(GOLDENS, f.path.replace(/\.gz$/, '.trace-events.json.gz')))
      .split('\n')
      .filter((l) => l.includes('"kind":"Metric"'))
      .map((l) => JSON.parse(l) as { name: string; time: number; value: number });
    expect(want.length).toBeGreaterThan(0);
    const r = await run('metrics', 'dump', join(FIXTURES, f.path));
    expect(r.err).toBe('');
    const got = r.out
      .trimEnd()
      .split('\n')
      .flatMap((l) => {
        const s = JSON.parse(l) as GoSnapshot & { traceTime: number };
        return Object.entries(s.metrics).map(([name, v]) => ({ name, time: s.traceTime, value: Number(v.value) }));
      });
    expect(got).toEqual(want.map(({ name, time, value }) => ({ name, time, value })));
  });

  it('refuses files that hold no metrics, and bad usage', async () => {
    const pprof = fixtures.find((x) => x.format === 'pprof')!;
    const r = await run('metrics', 'dump', join(FIXTURES, pprof.path));
    expect(r.code).toBe(2);
    expect(r.err).toContain('holds no runtime/metrics values');
    expect((await run('metrics', 'dump')).code).toBe(2);
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{"metrics":{"/gc/cycles/total:gc-cycles":{"kind":"Uint64","value":"-1"}}}\n');
    const e = await run('metrics', 'dump', bad);
    expect(e.code).toBe(1);
    expect(e.err).toMatch(/^godiag: metrics: /);
  });
});

describe('godiag metrics diff', () => {
  const f = snapshotFiles.find((s) => s.goVersion === 'go1.26.8' && s.path.includes('metrics-current'))!;
  const [before, after] = text(f).trimEnd().split('\n').map((l) => JSON.parse(l) as GoSnapshot & { time: string });

  it('--json gives each counter the difference of what Go read, and the interval between the reads', async () => {
    const r = await run('metrics', 'diff', join(FIXTURES, f.path), '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const [head, ...rows] = r.out.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(head!.interval).toEqual({ status: 'ok', source: 'time', seconds: Number(BigInt(after!.time) - BigInt(before!.time)) / 1e9 });
    let counters = 0;
    for (const row of rows) {
      if (row.type !== 'counter' || row.kind !== 'Uint64') continue;
      const name = row.name as string;
      expect(row.delta, name).toBe((BigInt(after!.metrics[name]!.value!) - BigInt(before!.metrics[name]!.value!)).toString());
      counters++;
    }
    expect(counters).toBeGreaterThan(10);
    expect(rows.map((row) => row.name).sort()).toEqual(Object.keys(after!.metrics).sort());
  });

  it('prints the changed metrics for people, and compares two files', async () => {
    const r = await run('metrics', 'diff', join(FIXTURES, f.path));
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^# go1\.26\.8, over \S+ s \(wall clock\)$/);
    const allocs = BigInt(after!.metrics['/gc/heap/allocs:bytes']!.value!) - BigInt(before!.metrics['/gc/heap/allocs:bytes']!.value!);
    expect(lines.find((l) => l.startsWith('/gc/heap/allocs:bytes '))).toMatch(new RegExp(`counter +\\+${allocs}  \\(`));
    const a = join(tmp, 'a.json');
    const b = join(tmp, 'b.json');
    writeFileSync(a, JSON.stringify(before) + '\n');
    writeFileSync(b, JSON.stringify(after) + '\n');
    const two = await run('metrics', 'diff', a, b);
    expect(two.out).toBe(r.out);
    const one = await run('metrics', 'diff', a);
    expect(one.code).toBe(2);
    expect(one.err).toContain('holds one snapshot');
  });
});
