// The runtime/metrics catalogue against its recordings: for every Go release whose metrics.All() was recorded
// (testdata/fixtures/<goversion>/metrics-catalog.json, printed by testdata/gen/programs/metricscat), catalog()
// of that version prints the recording byte for byte, and the generated data is what the script derives now.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe as group, expect, it } from 'vitest';
import { canonicalJson } from '../../src/internal/canonical-json.js';
import { catalog, catalogVersion, describe } from '../../src/metrics/catalog.js';
import { RECORDED_VERSIONS } from '../../src/metrics/catalog-data.js';
import { FIXTURES, ROOT, loadManifest } from '../support/fixtures.js';

const recordings = loadManifest().fixtures.filter((f) => (f.format as string) === 'metrics-catalog');

/** The line metricscat prints for a metric. */
const line = (m: { name: string; kind: string; unit: string; cumulative: boolean; description: string }): string =>
  canonicalJson({ cumulative: m.cumulative, description: m.description, kind: m.kind, name: m.name, unit: m.unit });

group('metrics catalogue = metrics.All() of every recorded release', () => {
  it('has a recording of every minor from Go 1.16 to 1.26, and the data lists exactly the recorded releases', () => {
    const minors = new Set(recordings.map((f) => /^go1\.(\d+)/.exec(f.goVersion)?.[1]));
    for (let m = 16; m <= 26; m++) expect(minors.has(String(m)), `go1.${m}`).toBe(true);
    expect([...RECORDED_VERSIONS].sort()).toEqual(recordings.map((f) => f.goVersion).sort());
  });

  it.each(recordings.map((f) => [f.goVersion, f] as const))('%s', (goVersion, f) => {
    const recorded = readFileSync(join(FIXTURES, f.path), 'utf8');
    expect(catalogVersion(goVersion)).toBe(goVersion);
    const cat = catalog({ goVersion });
    expect(cat.map((m) => line(m) + '\n').join('')).toBe(recorded);
    for (const m of cat) {
      expect(m.goVersion).toBe(goVersion);
      expect(m.listed).toBe(true);
      expect(describe(m.name, { goVersion })).toEqual(m);
      // A description that deprecates the metric is recorded as such, naming replacements of that release.
      const says = /\bdeprecated\b/i.test(m.description);
      expect(m.deprecated !== undefined, m.name).toBe(says);
      for (const r of m.deprecated?.replacements ?? []) expect(describe(r, { goVersion })?.listed, r).toBe(true);
    }
  });

  it('added and removed are the first minors listing and no longer listing each name', () => {
    const lists = recordings
      .map((f) => ({ v: f.goVersion, names: new Set(readFileSync(join(FIXTURES, f.path), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { name: string }).name)) }))
      .sort((a, b) => RECORDED_VERSIONS.indexOf(a.v) - RECORDED_VERSIONS.indexOf(b.v));
    const minor = (v: string): string => /^go1\.\d+/.exec(v)![0];
    const all = new Set(lists.flatMap((l) => [...l.names]));
    for (const name of all) {
      const first = lists.find((l) => l.names.has(name))!;
      const info = describe(name, { goVersion: first.v })!;
      expect(info.added, name).toBe(minor(first.v));
      const lastListed = lists.map((l) => l.names.has(name)).lastIndexOf(true);
      const after = lists[lastListed + 1];
      expect(info.removed, name).toBe(after === undefined ? undefined : minor(after.v));
    }
  });

  it('src/metrics/catalog-data.ts is what scripts/make-metrics-catalog.ts derives from the recordings', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/make-metrics-catalog.ts', '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
