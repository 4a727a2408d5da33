/**
 * Golden commands of the profile operations (src/pprof/ops): the TypeScript side of each fixed recipe of
 * testdata/gen/cmd/oracle/pprof_ops.go. The lead appends `pprofOpsGoldenCommands` to `goldenCommands`.
 */

import { canonicalJson, type JsonValue } from '../../src/internal/canonical-json.js';
import { GodiagError } from '../../src/internal/errors.js';
import { profileToJson } from '../../src/pprof/dump.js';
import { parseProfileBytes } from '../../src/pprof/parse.js';
import type { Profile, Sample } from '../../src/pprof/profile.js';
import {
  aggregate,
  compactProfile,
  diffProfiles,
  filterSamplesByName,
  filterSamplesByTag,
  mergeProfiles,
  prune,
  pruneFrom,
  removeUninteresting,
  scaleN,
  scaleProfile,
  showFrom,
  type NameFilters,
} from '../../src/pprof/ops/index.js';
import { callTree, topTable } from '../../src/pprof/report/index.js';
import type { Fixture, GoldenCommand } from './fixtures.js';

const REJECTED = '{"rejected":true}\n';

/** Parses the fixture and renders the recipe's result; a GodiagError (google/pprof rejects it too) is {@link REJECTED}. */
function recipe(render: (bytes: Uint8Array, parse: () => Profile) => JsonValue): (bytes: Uint8Array) => Promise<string> {
  return async (bytes) => {
    let p: Profile;
    try {
      p = parseProfileBytes(bytes);
    } catch (e) {
      if (e instanceof GodiagError) return REJECTED;
      throw e;
    }
    return canonicalJson(render(bytes, () => p)) + '\n';
  };
}

const profiles = (f: Fixture) => f.format === 'pprof' || f.format === 'pprof-text';

function relocate(p: Profile): Profile {
  const shift = 0x10000n;
  const mapping = new Map(p.mapping.map((m) => [m, { ...m, start: BigInt.asUintN(64, m.start + shift), limit: BigInt.asUintN(64, m.limit + shift) }]));
  const location = p.location.map((l) => ({ ...l, mapping: l.mapping && mapping.get(l.mapping), address: l.mapping ? BigInt.asUintN(64, l.address + shift) : l.address }));
  // The sample table holds location indices, so it is shared as is.
  return {
    ...p,
    mapping: [...mapping.values()],
    location,
    timeNanos: p.timeNanos !== 0n ? BigInt.asIntN(64, p.timeNanos + 1_000_000_000n) : 0n,
    comments: [...p.comments, 'relocated'],
  };
}

const cycle = [1, 0.3, -2.5];

const byName = (p: Profile, filters: NameFilters): JsonValue => {
  const r = filterSamplesByName(p, filters);
  return { profile: profileToJson(r.profile), focusMatched: r.focusMatched, ignoreMatched: r.ignoreMatched, hideMatched: r.hideMatched, showMatched: r.showMatched };
};

/** The golden commands of the operations; every recipe is documented in pprof_ops.go. */
export const pprofOpsGoldenCommands: GoldenCommand[] = [
  {
    name: 'pprof-scale',
    oracleArgs: ['pprof-scale'],
    appliesTo: profiles,
    rejectionsAreGoldens: true,
    run: recipe((_, parse) => ({
      half: profileToJson(scaleProfile(parse(), 0.5)),
      negated: profileToJson(scaleProfile(parse(), -1)),
      mixed: profileToJson(scaleN(parse(), parse().sampleType.map((_t, i) => cycle[i % 3]!))),
    })),
  },
  {
    name: 'pprof-merge',
    oracleArgs: ['pprof-merge'],
    appliesTo: profiles,
    rejectionsAreGoldens: true,
    run: recipe((_, parse) => profileToJson(mergeProfiles([parse(), relocate(parse()), scaleProfile(parse(), 0.5)]))),
  },
  {
    name: 'pprof-diff',
    oracleArgs: ['pprof-diff'],
    appliesTo: profiles,
    rejectionsAreGoldens: true,
    run: recipe((_, parse) => {
      const p = parse();
      const half = scaleProfile(p, 0.5);
      return {
        self: profileToJson(diffProfiles(p, p)),
        base: profileToJson(diffProfiles(half, p)),
        diffBase: profileToJson(diffProfiles(half, p, { diffBase: true })),
      };
    }),
  },
  {
    name: 'pprof-compact',
    oracleArgs: ['pprof-compact'],
    appliesTo: profiles,
    rejectionsAreGoldens: true,
    run: recipe((_, parse) => profileToJson(compactProfile(parse()))),
  },
  {
    name: 'pprof-focus',
    oracleArgs: ['pprof-focus'],
    appliesTo: profiles,
    rejectionsAreGoldens: true,
    run: recipe((_, parse) => {
      const p = parse();
      const sf = showFrom(p, /^main\./);
      const focus = (s: Sample) => s.label.some((l) => l.kind === 'number' && l.key === 'bytes' && l.value <= 4096n);
      const ignore = (s: Sample) => s.label.some((l) => l.kind === 'string' && l.key === 'kind' && l.value === 'b');
      const tf = filterSamplesByTag(p, { focus, ignore });
      return {
        focus: byName(p, { focus: /^runtime\./ }),
        ignore: byName(p, { ignore: /^runtime\./ }),
        hide: byName(p, { hide: /^runtime\./ }),
        show: byName(p, { show: /^main\./ }),
        all: byName(p, { focus: /main/, ignore: /sync/, hide: /^runtime\.gopark$/, show: /\.go$|^main\.|^runtime\./ }),
        showFrom: { profile: profileToJson(sf.profile), matched: sf.matched },
        tagfocus: { profile: profileToJson(tf.profile), focusMatched: tf.focusMatched, ignoreMatched: tf.ignoreMatched },
      };
    }),
  },
  {
    name: 'pprof-prune',
    oracleArgs: ['pprof-prune'],
    appliesTo: profiles,
    rejectionsAreGoldens: true,
    run: recipe((_, parse) => {
      const p = parse();
      return {
        prune: profileToJson(prune(p, /^runtime\.|^sync\./, /^runtime\.main$/)),
        removeUninteresting: profileToJson(removeUninteresting({ ...p, dropFrames: 'runtime\\..*', keepFrames: 'runtime\\.(main|goexit)' })),
        pruneFrom: profileToJson(pruneFrom(p, /^main\./)),
      };
    }),
  },
  {
    name: 'pprof-aggregate',
    oracleArgs: ['pprof-aggregate'],
    appliesTo: profiles,
    rejectionsAreGoldens: true,
    run: recipe((_, parse) => {
      const p = parse();
      const o = { inlineFrame: false, function: false, filename: false, linenumber: false, columnnumber: false, address: false };
      const functions = aggregate(p, { ...o, inlineFrame: true, function: true });
      return {
        functions: profileToJson(functions),
        functionsCompact: profileToJson(compactProfile(functions)),
        files: profileToJson(compactProfile(aggregate(p, { ...o, filename: true }))),
        addresses: profileToJson(compactProfile(aggregate(p, { ...o, function: true, filename: true, linenumber: true, columnnumber: true, address: true }))),
      };
    }),
  },
  {
    // `go tool pprof -top -nodecount=20 FILE` (run with TZ=UTC): the text, as {"top": …}.
    name: 'pprof-top',
    oracleArgs: ['pprof-top'],
    appliesTo: profiles,
    rejectionsAreGoldens: true,
    run: recipe((_, parse) => ({ top: topTable(parse(), { nodeCount: 20 }) })),
  },
  {
    // `go tool pprof -tree -nodecount=20 FILE` (run with TZ=UTC): the text, as {"tree": …}.
    name: 'pprof-tree',
    oracleArgs: ['pprof-tree'],
    appliesTo: profiles,
    rejectionsAreGoldens: true,
    run: recipe((_, parse) => ({ tree: callTree(parse(), { nodeCount: 20 }) })),
  },
];
