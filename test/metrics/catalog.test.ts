// The catalogue's lookups: version resolution, the /godebug/non-default-behavior/ family matched by pattern,
// names no release lists. Expectations come from the recorded data (catalog() of each release, proven equal to
// metrics.All() of that release in test/node/metrics-catalog.test.ts), not from hand-written lists.
import { describe as group, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { GODEBUG_METRIC_PATTERN, catalog, catalogVersion, describe } from '../../src/metrics/catalog.js';
import { RECORDED_VERSIONS } from '../../src/metrics/catalog-data.js';

const minorOf = (v: string): number => Number(/^go1\.(\d+)/.exec(v)![1]);
const patchOf = (v: string): number => Number(/^go1\.\d+\.(\d+)$/.exec(v)![1]);
const newest = RECORDED_VERSIONS[RECORDED_VERSIONS.length - 1]!;
const familyOf = (v: string) => catalog({ goVersion: v }).filter((m) => GODEBUG_METRIC_PATTERN.test(m.name));
/** The first recorded release listing a member of the godebug family. */
const familyStart = RECORDED_VERSIONS.find((v) => familyOf(v).length > 0)!;

group('catalogVersion', () => {
  it('answers a recorded release with itself, and a minor with its newest recorded patch', () => {
    for (const v of RECORDED_VERSIONS) {
      expect(catalogVersion(v)).toBe(v);
      expect(catalogVersion(v.slice(2))).toBe(v); // "1.22.12"
      const sameMinor = RECORDED_VERSIONS.filter((w) => minorOf(w) === minorOf(v));
      expect(catalogVersion(`go1.${minorOf(v)}`)).toBe(sameMinor[sameMinor.length - 1]);
      // A later unrecorded patch: the newest recorded one not after it; a pre-release: the oldest of the minor.
      const later = `go1.${minorOf(v)}.${patchOf(v) + 1}`;
      if (!RECORDED_VERSIONS.includes(later)) expect(catalogVersion(later)).toBe(v);
      expect(catalogVersion(`go1.${minorOf(v)}rc1`)).toBe(sameMinor[0]);
      expect(catalogVersion(`devel go1.${minorOf(v)}-0123abcd Sun Nov 22 2026`)).toBe(sameMinor[sameMinor.length - 1]);
    }
  });

  it('has nothing before Go 1.16, the newest recording after the newest minor and by default', () => {
    for (const v of ['go1.15.15', 'go1.5', '1.12']) {
      expect(catalogVersion(v)).toBeUndefined();
      expect(catalog({ goVersion: v })).toEqual([]);
      expect(describe('/gc/cycles/total:gc-cycles', { goVersion: v })).toBeUndefined();
    }
    expect(catalogVersion(`go1.${minorOf(newest) + 1}.2`)).toBe(newest);
    expect(catalogVersion()).toBe(newest);
    expect(catalog()).toEqual(catalog({ goVersion: newest }));
  });

  it('rejects what is not a Go version with a TypeError', () => {
    for (const v of ['', 'go2.1', 'latest', 'go1', 'go1.x']) expect(() => catalogVersion(v), v).toThrow(TypeError);
  });
});

group('describe', () => {
  it('returns undefined for names no release lists, in every release', () => {
    const known = new Set(RECORDED_VERSIONS.flatMap((v) => catalog({ goVersion: v }).map((m) => m.name)));
    for (const name of ['', '/gc/heap/allocs', '/gc/heap/allocs:objects-typo', 'gc/heap/allocs:bytes', '/godebug/non-default-behavior/x:bytes', '/godebug/default-behavior/panicnil:events']) {
      expect(known.has(name)).toBe(false);
      for (const v of RECORDED_VERSIONS) expect(describe(name, { goVersion: v }), `${name} ${v}`).toBeUndefined();
    }
  });

  test.prop([fc.stringMatching(/^[a-z0-9]{1,24}$/)])('matches any name of the godebug family shape from its first release on', (setting) => {
    const name = `/godebug/non-default-behavior/${setting}:events`;
    for (const v of RECORDED_VERSIONS) {
      const got = describe(name, { goVersion: v });
      if (minorOf(v) < minorOf(familyStart)) {
        expect(got).toBeUndefined();
        continue;
      }
      const members = familyOf(v);
      expect(got).toBeDefined();
      expect(got!.family).toBe('godebug');
      expect(got!.unit).toBe('events');
      // Kind and cumulativeness are those every listed member of the release has.
      for (const m of members) expect([m.kind, m.cumulative, m.family]).toEqual([got!.kind, got!.cumulative, 'godebug']);
      expect(got!.listed).toBe(members.some((m) => m.name === name));
      expect(got!.description).toContain(`GODEBUG=${setting}=`);
    }
  });

  it('describes a family name a release does not list with the text another release gives it', () => {
    let checked = 0;
    for (const v of RECORDED_VERSIONS.filter((w) => minorOf(w) >= minorOf(familyStart))) {
      const listed = new Set(familyOf(v).map((m) => m.name));
      for (const w of RECORDED_VERSIONS) {
        for (const m of familyOf(w)) {
          if (listed.has(m.name)) continue;
          const got = describe(m.name, { goVersion: v })!;
          expect(got.listed).toBe(false);
          expect(got.added).toBe(m.added);
          expect(catalog({ goVersion: v }).some((x) => x.name === m.name)).toBe(false);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(0); // the recordings have family names added and removed
  });

  it('is undefined for a metric in a release before it was added, and reports deprecation from its release on', () => {
    let notYet = 0;
    let deprecated = 0;
    const latest = catalog({ goVersion: newest });
    for (const m of latest) {
      for (const v of RECORDED_VERSIONS) {
        const got = describe(m.name, { goVersion: v });
        if (minorOf(v) < minorOf(m.added)) {
          if (m.family === undefined) expect(got, `${m.name} ${v}`).toBeUndefined();
          notYet++;
        } else if (m.deprecated !== undefined) {
          expect(got?.deprecated !== undefined, `${m.name} ${v}`).toBe(minorOf(v) >= minorOf(m.deprecated.since));
          deprecated++;
        }
      }
    }
    expect(notYet).toBeGreaterThan(0);
    expect(deprecated).toBeGreaterThan(0);
  });

  it('gives every listed metric its unit from the name and a kind of runtime/metrics', () => {
    for (const v of RECORDED_VERSIONS) {
      for (const m of catalog({ goVersion: v })) {
        expect(m.name.endsWith(':' + m.unit)).toBe(true);
        expect(['Uint64', 'Float64', 'Float64Histogram']).toContain(m.kind);
      }
    }
  });
});
