// symbolizeProfile against two references:
//  - the Go runtime: the `basic` program's CPU and heap profiles were symbolized by runtime/pprof itself
//    (inlined frames expanded, wrappers left out); stripped of their functions and lines and symbolized again
//    by godiag they must be the same profile. The gosym program's own runtime.CallersFrames (beside each
//    gosym executable) gives the frames at the addresses it ran at, PIEs among them.
//  - google/pprof's local symbolizer, `go tool pprof -symbolize=local` (the `pprof-symbolize` goldens, see
//    test/support/symbolize-goldens.ts): mapping choice, address translation, functions, lines and flags.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openBinary, type GoBinary } from '../../src/gosym/binary.js';
import { symbolizeProfile } from '../../src/gosym/symbolize.js';
import { dumpProfile } from '../../src/pprof/dump.js';
import { encodeProfile } from '../../src/pprof/encode.js';
import { parseProfileBytes } from '../../src/pprof/parse.js';
import type { Location, Mapping, Profile } from '../../src/pprof/profile.js';
import { GOLDENS, ROOT, readGolden } from '../support/fixtures.js';
import {
  BASIC_PROFILE_VERSIONS,
  BUILT_INPUTS,
  buildInput,
  fixtureFile,
  physicalFrames,
  readCallers,
  stripProfile,
  symbolizeExtraGoldens,
  type BuiltInput,
} from '../support/symbolize-goldens.js';

const binaries = new Map<string, Promise<GoBinary>>();
function binary(path: string): Promise<GoBinary> {
  let b = binaries.get(path);
  if (b === undefined) binaries.set(path, (b = openBinary(fixtureFile(path))));
  return b;
}

/** The recorded profile as the runtime wrote it. */
const recorded = (v: string, kind: string) => parseProfileBytes(fixtureFile(`${v}/linux-amd64/basic-${kind}.pprof`));

/** Through the encoder and back: a file that has only addresses, as a user would have it. */
const addressesOnly = (p: Profile, options: { dropMappings?: boolean } = {}) => parseProfileBytes(encodeProfile(stripProfile(p, options)));

/** The profile with each mapping's symbolization flags taken from `from` (same mappings, same order). */
function withFlagsOf(p: Profile, from: Profile): Profile {
  const maps = new Map<Mapping, Mapping>(
    p.mapping.map((m, i) => {
      const f = from.mapping[i]!;
      return [m, { ...m, hasFunctions: f.hasFunctions, hasFilenames: f.hasFilenames, hasLineNumbers: f.hasLineNumbers, hasInlineFrames: f.hasInlineFrames }];
    }),
  );
  return { ...p, mapping: [...maps.values()], location: p.location.map((l): Location => ({ ...l, mapping: l.mapping && maps.get(l.mapping) })) };
}

const cases = BASIC_PROFILE_VERSIONS.flatMap((v) => ['cpu', 'heap'].map((kind) => [v, kind] as const));

describe('symbolizeProfile: the Go runtime symbolized the same addresses', () => {
  it.each(cases)('%s basic-%s: the runtime-written profile again', async (v, kind) => {
    const original = recorded(v, kind);
    const bin = await binary(`${v}/linux-amd64/basic.gz`);
    const input = addressesOnly(original);
    const { profile, report } = await symbolizeProfile(input, bin);
    // runtime/pprof marks its mapping hasFunctions only; google/pprof's symbolizer (and godiag) set all four.
    const main = profile.mapping[0]!;
    expect([main.hasFunctions, main.hasFilenames, main.hasLineNumbers, main.hasInlineFrames]).toEqual([true, true, true, true]);
    expect(dumpProfile(withFlagsOf(profile, original))).toBe(dumpProfile(original));
    const ofMain = original.location.filter((l) => l.mapping === original.mapping[0]);
    expect(report).toMatchObject({ resolved: ofMain.length, unresolved: 0, skipped: original.location.length - ofMain.length, warnings: [] });
    expect(report.mappings.map((m) => [m.id, m.matchedBy])).toEqual([[original.mapping[0]!.id, original.mapping[0]!.buildId === '' ? 'main' : 'build-id']]);
  });

  it.each(cases)('%s basic-%s: the input is not modified; a symbolized mapping is left alone unless forced', async (v, kind) => {
    const original = recorded(v, kind);
    const bin = await binary(`${v}/linux-amd64/basic.gz`);
    const input = addressesOnly(original);
    const before = dumpProfile(input);
    await symbolizeProfile(input, bin);
    expect(dumpProfile(input)).toBe(before);

    // The runtime's profile says hasFunctions: google/pprof leaves such a mapping alone, and so does godiag.
    const again = await symbolizeProfile(original, bin);
    expect(dumpProfile(again.profile)).toBe(dumpProfile(original));
    expect(again.report).toMatchObject({ resolved: 0, unresolved: 0, skipped: original.location.length, mappings: [] });
    // Forced, every location is symbolized again: the same lines, and the same functions (reused, not duplicated).
    const forced = await symbolizeProfile(original, bin, { force: true });
    expect(dumpProfile(withFlagsOf(forced.profile, original))).toBe(dumpProfile(original));
    expect(forced.profile.function.length).toBe(original.function.length);
  });

  it('keeps wrapper frames when asked: the runtime left out exactly the <autogenerated> ones', async () => {
    let kept = 0;
    for (const v of BASIC_PROFILE_VERSIONS) {
      const original = recorded(v, 'cpu');
      const { profile } = await symbolizeProfile(addressesOnly(original), await binary(`${v}/linux-amd64/basic.gz`), { wrappers: 'keep' });
      profile.location.forEach((l, i) => {
        const runtime = original.location[i]!.line.map((ln) => `${ln.function.name}:${ln.line}`);
        const all = l.line.map((ln) => `${ln.function.name}:${ln.line}`);
        const extra = l.line.filter((ln) => !runtime.includes(`${ln.function.name}:${ln.line}`));
        expect(all.filter((s) => runtime.includes(s))).toEqual(runtime);
        for (const ln of extra) expect(ln.function.filename).toBe('<autogenerated>');
        kept += extra.length;
      });
    }
    // Go 1.19 and 1.21 sort strings through sort.StringSlice, whose pointer-method wrappers hold the samples.
    expect(kept).toBeGreaterThan(0);
  });

  it('a profile without mappings: google/pprof’s fake mapping, static addresses', async () => {
    const original = recorded('go1.26.8', 'cpu');
    const { profile, report } = await symbolizeProfile(addressesOnly(original, { dropMappings: true }), await binary('go1.26.8/linux-amd64/basic.gz'));
    expect(profile.mapping).toHaveLength(1);
    expect(profile.mapping[0]).toMatchObject({ id: 1n, start: 0n, limit: 0n, offset: 0n, file: '', hasFunctions: true, hasInlineFrames: true });
    expect(report.mappings).toEqual([{ id: 1n, file: '', matchedBy: 'no-mappings', resolved: expect.any(Number) as number, unresolved: expect.any(Number) as number }]);
    // The locations the runtime put in the executable's mapping resolve as the runtime resolved them.
    original.location.forEach((l, i) => {
      if (l.mapping !== original.mapping[0]) return;
      expect(profile.location[i]!.line.map((ln) => [ln.function.name, ln.function.filename, ln.line])).toEqual(l.line.map((ln) => [ln.function.name, ln.function.filename, ln.line]));
    });
  });
});

/** The runtime's name of a function: from Go 1.21 type arguments print as `[...]`. */
function printName(name: string, minor: number): string {
  const i = name.indexOf('[');
  const j = name.lastIndexOf(']');
  return minor < 21 || i < 0 || j <= i ? name : `${name.slice(0, i)}[...]${name.slice(j + 1)}`;
}

const callersInputs = BUILT_INPUTS.filter((b) => b.kind === 'callers');
const builtProfile = (b: BuiltInput) => parseProfileBytes(new Uint8Array(readFileSync(join(ROOT, b.profile))));

/** For every location at a physical frame's pc: the frames symbolizeProfile gave and those the runtime gave. */
async function framesAtCallers(b: BuiltInput, p: Profile): Promise<{ ours: unknown[]; runtime: unknown[] }> {
  const callers = readCallers(b.callers!);
  const minor = Number(/^go1\.(\d+)/.exec(callers.goVersion)![1]);
  const at = new Map(p.location.map((l) => [l.address, l]));
  const ours: unknown[] = [];
  const runtime: unknown[] = [];
  for (const s of callers.scenarios) {
    for (const g of physicalFrames(s)) {
      const l = at.get(BigInt(g[0]!.pc))!;
      ours.push(l.line.map((ln) => ({ function: printName(ln.function.name, minor), file: ln.function.filename, line: ln.line, ...(minor >= 20 ? { startLine: ln.function.startLine } : {}) })));
      runtime.push(g.map((f) => ({ function: f.function, file: f.file, line: f.line, ...(minor >= 20 ? { startLine: f.startLine } : {}) })));
    }
  }
  return { ours, runtime };
}

describe('symbolizeProfile: PIEs and other layouts, against the runtime’s frames at the addresses it ran at', () => {
  it.each(callersInputs.map((b) => [b.profile, b] as const))('%s', async (_name, b) => {
    const input = builtProfile(b);
    const { profile, report } = await symbolizeProfile(input, await binary(b.executable));
    const { ours, runtime } = await framesAtCallers(b, profile);
    expect(ours).toEqual(runtime);
    // The [vdso] location is another mapping's; the executable's first byte (its ELF header) is no function's.
    const vdso = input.location.filter((l) => l.mapping?.file === '[vdso]');
    expect(report).toMatchObject({ resolved: input.location.length - vdso.length - 1, unresolved: 1, skipped: vdso.length });
    expect(profile.location.filter((l) => l.mapping?.file === '[vdso]').every((l) => l.line.length === 0)).toBe(true);
    expect(profile.mapping[1]).toEqual(input.mapping[1]);
  });

  it.each(callersInputs.map((b) => [b.profile, b] as const))('%s split into two mappings (the second at a non-zero file offset)', async (_name, b) => {
    const input = builtProfile(b);
    const exe = input.mapping[0]!;
    // As when part of the text is remapped (huge pages) or a tool reports it in pieces: same file, two ranges.
    const cut = exe.start + (((exe.limit - exe.start) / 2n) & ~0xfffn);
    const first: Mapping = { ...exe, limit: cut };
    const second: Mapping = { ...exe, id: 3n, start: cut, offset: exe.offset + (cut - exe.start) };
    const split: Profile = {
      ...input,
      mapping: [first, input.mapping[1]!, second],
      location: input.location.map((l): Location => ({ ...l, mapping: l.mapping === exe ? (l.address < cut ? first : second) : l.mapping })),
    };
    expect(split.location.some((l) => l.mapping === second && l.address >= cut)).toBe(true);
    const { profile, report } = await symbolizeProfile(split, await binary(b.executable));
    expect(report.mappings.map((m) => m.id)).toEqual([1n, 3n]);
    const { ours, runtime } = await framesAtCallers(b, profile);
    expect(ours).toEqual(runtime);
  });

  it('chooses the mapping by build ID, by file name, else the first; refuses another build’s', async () => {
    const b = callersInputs.find((x) => x.profile.includes('go1.26.8/linux-amd64/gosym-pie'))!;
    const bin = await binary(b.executable);
    const input = builtProfile(b);
    const [exe, vdso] = input.mapping as [Mapping, Mapping];
    const gnu = (await bin.executable.buildId()).gnu!;
    expect(exe.buildId).toBe(gnu);
    const reordered: Profile = { ...input, mapping: [vdso, exe] };
    const matched = async (p: Profile, o: Parameters<typeof symbolizeProfile>[2] = {}) => (await symbolizeProfile(p, bin, o)).report;

    expect((await matched(reordered)).mappings.map((m) => [m.id, m.matchedBy])).toEqual([[exe.id, 'build-id']]);
    // Without build IDs, the first mapping ([vdso] here) is no binary's: nothing, unless the file name says which.
    const anonymous = (p: Profile): Profile => {
      const maps = new Map(p.mapping.map((m) => [m, { ...m, buildId: '' }]));
      return { ...p, mapping: [...maps.values()], location: p.location.map((l) => ({ ...l, mapping: l.mapping && maps.get(l.mapping) })) };
    };
    expect((await matched(anonymous(reordered))).mappings).toEqual([]);
    expect((await matched(anonymous(reordered), { fileName: '/tmp/gosym-pie' })).mappings.map((m) => m.matchedBy)).toEqual(['file-name']);
    expect((await matched(anonymous(input))).mappings.map((m) => m.matchedBy)).toEqual(['main']);
    expect((await matched(anonymous(reordered), { mapping: exe.id })).mappings.map((m) => m.matchedBy)).toEqual(['option']);

    // Another build of the program: its build ID is not this binary's, and nothing is symbolized.
    const other: Profile = { ...input, mapping: [{ ...exe, buildId: 'ffffffffffffffffffffffffffffffffffffffff' }, vdso] };
    other.location = input.location.map((l) => ({ ...l, mapping: l.mapping === exe ? other.mapping[0] : l.mapping }));
    const r = await symbolizeProfile(other, bin);
    expect(r.report).toMatchObject({ resolved: 0, unresolved: 0, skipped: input.location.length, mappings: [] });
    expect(r.report.warnings).toHaveLength(1);
    expect(dumpProfile(r.profile)).toBe(dumpProfile(other));
  });
});

describe('symbolizeProfile: google/pprof’s symbolizer (pprof-symbolize goldens)', () => {
  it.each(BUILT_INPUTS.map((b) => [b.profile, b] as const))('%s is what its builder makes', async (_name, b) => {
    expect(await buildInput(b)).toEqual(new Uint8Array(readFileSync(join(ROOT, b.profile))));
  });

  it.each(symbolizeExtraGoldens.map((g) => [g.golden, g] as const))('%s', async (_name, g) => {
    const bytes = g.prepare!(new Uint8Array(readFileSync(join(ROOT, g.input))));
    expect(await g.run(bytes)).toBe(readGolden(join(GOLDENS, g.golden)));
  });
});
