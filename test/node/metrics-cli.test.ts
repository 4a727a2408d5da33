/**
 * `godiag metrics …` run in-process. The catalogue command's output is checked against the recorded
 * `metrics.All()` of each toolchain (testdata/fixtures/<toolchain>/metrics-catalog.json, written by Go).
 */

import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fakeIo } from '../support/cli.js';
import { fixtureBytes, loadManifest } from '../support/fixtures.js';

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
