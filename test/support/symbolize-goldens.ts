/**
 * Goldens of `symbolizeProfile` (src/gosym/symbolize.ts) against google/pprof's local symbolizer as the Go
 * distribution ships it (`go tool pprof -proto -symbolize=local EXE PROFILE`, oracle `pprof-symbolize`,
 * testdata/gen/cmd/oracle/pprof_symbolize.go), and the inputs of those goldens and of test/node/gosym-symbolize.test.ts.
 *
 * Each golden's input is a profile that has only addresses, bundled with its executable (the oracle needs
 * both): the recorded `basic` CPU and heap profiles with their functions and lines removed, and profiles
 * built from the addresses the gosym program recorded of its own stacks (testdata/symbolize/, see
 * {@link buildCallersProfile}), PIEs among them.
 *
 * That pprof answers each address with debug/gosym: one frame, the function holding the pc with the file and
 * line of the pc, no inlined frames and no start line. The TypeScript side therefore gives symbolizeProfile
 * that view of the binary ({@link debugGosymView}: GoBinary.funcAt and fileLine as debug/gosym, both proven
 * by the `gosym` goldens). Everything else is symbolizeProfile's own and compared byte for byte: which mappings
 * are the binary's, the runtime → static address translation, which locations resolve, the functions (order,
 * ids, deduplication), the lines and the mappings' flags. The inlined frames themselves are compared with the
 * Go runtime's in test/node/gosym-symbolize.test.ts.
 */

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'fflate';
import { openBinary, type GoBinary } from '../../src/gosym/binary.js';
import { symbolizeProfile, type SymbolizeBinary } from '../../src/gosym/symbolize.js';
import type { Frame } from '../../src/gosym/pclntab/index.js';
import { dumpProfile } from '../../src/pprof/dump.js';
import { encodeProfile } from '../../src/pprof/encode.js';
import { parseProfileBytes } from '../../src/pprof/parse.js';
import { SampleTable, type Location, type Mapping, type Profile } from '../../src/pprof/profile.js';
import type { ExtraGolden } from './fixtures.js';

// fixtures.ts imports this module: its values (ROOT, …) are not used here, only its types.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The first line of a bundle (see pprof_symbolize.go). */
export const BUNDLE_MAGIC = 'godiag symbolize bundle\n';

/** A profile and an executable in one input, as the oracle reads them. */
export function bundle(profile: Uint8Array, executable: Uint8Array): Uint8Array {
  const head = new TextEncoder().encode(`${BUNDLE_MAGIC}${profile.length}\n`);
  const out = new Uint8Array(head.length + profile.length + executable.length);
  out.set(head, 0);
  out.set(profile, head.length);
  out.set(executable, head.length + profile.length);
  return out;
}

/** The parts of a {@link bundle}. */
export function unbundle(b: Uint8Array): { profile: Uint8Array; executable: Uint8Array } {
  const magic = new TextEncoder().encode(BUNDLE_MAGIC);
  if (b.length < magic.length || magic.some((c, i) => b[i] !== c)) throw new Error('not a symbolize bundle');
  const nl = b.indexOf(0x0a, magic.length);
  const n = Number(new TextDecoder().decode(b.subarray(magic.length, nl)));
  const start = nl + 1;
  if (nl < 0 || !Number.isSafeInteger(n) || start + n > b.length) throw new Error('symbolize bundle: bad profile length');
  return { profile: b.subarray(start, start + n), executable: b.subarray(start + n) };
}

/**
 * The profile with only addresses: no functions, no lines, mappings not marked symbolized. With
 * `dropMappings`, no mappings either (as legacy text profiles are).
 */
export function stripProfile(p: Profile, options: { dropMappings?: boolean } = {}): Profile {
  const maps = new Map<Mapping, Mapping>(p.mapping.map((m) => [m, { ...m, hasFunctions: false, hasFilenames: false, hasLineNumbers: false, hasInlineFrames: false }]));
  const location = p.location.map((l): Location => ({ id: l.id, mapping: options.dropMappings ? undefined : l.mapping && maps.get(l.mapping), address: l.address, line: [], isFolded: l.isFolded }));
  return { ...p, mapping: options.dropMappings ? [] : [...maps.values()], location, function: [] };
}

/**
 * The binary as debug/gosym (and so `go tool pprof`) sees a pc: one frame, the function holding it, with the
 * file and line of the pc itself (of the innermost inlined call, if any) and no start line.
 */
export function debugGosymView(bin: GoBinary): SymbolizeBinary {
  return {
    executable: bin.executable,
    goVersion: bin.goVersion,
    lookup(pc: bigint): Frame[] {
      const fn = bin.funcAt(pc);
      const pos = bin.fileLine(pc, { asDebugGosym: true });
      if (fn === undefined || pos === undefined) return [];
      return [{ function: fn.name, file: pos.file, line: pos.line, inlined: false, entry: fn.entry }];
    },
  };
}

/** The TypeScript side of `pprof-symbolize`: the bundle's profile symbolized with the debug/gosym view. */
export async function symbolizeGoldenText(b: Uint8Array): Promise<string> {
  const { profile, executable } = unbundle(b);
  const bin = await openBinary(executable);
  const { profile: out } = await symbolizeProfile(parseProfileBytes(profile), debugGosymView(bin), { wrappers: 'keep' });
  return dumpProfile(out) + '\n';
}

/** The original bytes of a fixture file (storage gzip removed). */
export function fixtureFile(path: string): Uint8Array {
  const raw = new Uint8Array(readFileSync(join(ROOT, 'testdata', 'fixtures', path)));
  return path.endsWith('.gz') ? gunzipSync(raw) : raw;
}

/** Toolchains whose `basic` program left CPU and heap profiles beside its linux/amd64 executable. */
export const BASIC_PROFILE_VERSIONS = ['go1.19.8', 'go1.21.13', 'go1.22.12', 'go1.23.12', 'go1.24.13', 'go1.25.14', 'go1.26.8'];

/** One profile built from recorded addresses, committed under testdata/symbolize/, and its executable. */
export interface BuiltInput {
  /** The profile (uncompressed profile.proto), relative to the repository root. */
  profile: string;
  /** The executable fixture, relative to testdata/fixtures. */
  executable: string;
  /** The gosym program's output the addresses come from (relative to testdata/fixtures), if any. */
  callers?: string;
  /** How the addresses were laid out: see {@link buildCallersProfile} and {@link buildSlidProfile}. */
  kind: 'callers' | 'slid';
}

/** The built inputs: PIEs of two layouts, an externally linked (cgo) executable, 32-bit and arm64 ELF, Mach-O and PE. */
export const BUILT_INPUTS: BuiltInput[] = [
  ...['go1.19.8/linux-amd64/gosym-pie', 'go1.26.8/linux-amd64/gosym-pie', 'go1.26.8/linux-amd64/gosym-cgo', 'go1.26.8/linux-386/gosym', 'go1.26.8/linux-arm64/gosym'].map(
    (p): BuiltInput => ({ profile: `testdata/symbolize/${p}.pprof`, executable: `${p}.gz`, callers: `${p}.callers.json`, kind: 'callers' }),
  ),
  { profile: 'testdata/symbolize/go1.26.8/darwin-arm64/gosym.pprof', executable: 'go1.26.8/darwin-arm64/gosym.gz', kind: 'slid' },
  { profile: 'testdata/symbolize/go1.26.8/windows-amd64/gosym.exe.pprof', executable: 'go1.26.8/windows-amd64/gosym.exe.gz', kind: 'slid' },
];

/** One line of the gosym program's output: a scenario and the runtime's frames of its stack. */
export interface CallersScenario {
  name: string;
  frames: { pc: string; entry: string; function: string; file: string; line: number; inlined: boolean; startLine?: number }[];
}

/** The gosym program's output: its Go version, where main.main ran, and the scenarios. */
export function readCallers(path: string): { goVersion: string; mainEntry: bigint; scenarios: CallersScenario[] } {
  const lines = new TextDecoder()
    .decode(fixtureFile(path))
    .split('\n')
    .filter((l) => l !== '');
  const program = JSON.parse(lines[0]!) as { goVersion: string; mainEntry: string };
  return { goVersion: program.goVersion, mainEntry: BigInt(program.mainEntry), scenarios: lines.slice(1).map((l) => JSON.parse(l) as CallersScenario) };
}

/** A scenario's frames cut into physical frames: runs of inlined frames ended by the frame holding them. */
export function physicalFrames(s: CallersScenario): CallersScenario['frames'][] {
  const out: CallersScenario['frames'][] = [];
  let group: CallersScenario['frames'] = [];
  for (const f of s.frames) {
    group.push(f);
    if (f.inlined) continue;
    out.push(group);
    group = [];
  }
  return out;
}

const PAGE = 0x1000n;
const pageDown = (a: bigint) => a & ~(PAGE - 1n);
const pageUp = (a: bigint) => (a + PAGE - 1n) & ~(PAGE - 1n);

/** The load bias of a run of the gosym program: where main.main ran minus its static entry (0 but for a PIE). */
export function loadBias(bin: GoBinary, mainEntry: bigint): bigint {
  const main = [...bin.functions()].find((f) => f.name === 'main.main');
  if (main === undefined) throw new Error('no main.main');
  return BigInt.asUintN(64, mainEntry - main.entry);
}

/** A profile with one sample per stack (value 1), locations in order of first use, ids from 1. */
function profileOf(mappings: Mapping[], stacks: { mapping: Mapping; address: bigint }[][]): Profile {
  const locations = new Map<string, Location>();
  const samples = stacks.map((stack) => ({
    location: stack.map(({ mapping, address }) => {
      const key = `${mapping.id}:${address}`;
      let l = locations.get(key);
      if (l === undefined) {
        l = { id: BigInt(locations.size + 1), mapping, address, line: [], isFolded: false };
        locations.set(key, l);
      }
      return l;
    }),
    value: [1n],
  }));
  const location = [...locations.values()];
  return {
    sampleType: [{ type: 'samples', unit: 'count' }],
    defaultSampleType: '',
    sample: SampleTable.from(samples, location, 1),
    mapping: mappings,
    location,
    function: [],
    dropFrames: '',
    keepFrames: '',
    timeNanos: 0n,
    durationNanos: 0n,
    periodType: { type: '', unit: '' },
    period: 0n,
    comments: [],
    docUrl: '',
  };
}

const mappingOf = (id: bigint, start: bigint, limit: bigint, offset: bigint, file: string, buildId: string): Mapping => ({
  id,
  start,
  limit,
  offset,
  file,
  buildId,
  hasFunctions: false,
  hasFilenames: false,
  hasLineNumbers: false,
  hasInlineFrames: false,
});

/**
 * A profile of the stacks the gosym program recorded, at the addresses it ran at (ELF on Linux): the
 * executable mapping as the kernel maps the executable segment (page-aligned start and file offset, the
 * load bias of the run added), with the GNU build ID when the executable has one, as runtime/pprof writes
 * it; a location per physical frame at the pc of its innermost frame; and, to check that other mappings stay
 * untouched and that a pc outside every function resolves to nothing, a `[vdso]` mapping with one location
 * and a sample at the mapping's first byte (the ELF header).
 */
export async function buildCallersProfile(input: BuiltInput): Promise<Profile> {
  const bin = await openBinary(fixtureFile(input.executable));
  const callers = readCallers(input.callers!);
  const bias = loadBias(bin, callers.mainEntry);
  const main = [...bin.functions()].find((f) => f.name === 'main.main')!;
  const seg = bin.executable.segmentAt(main.entry);
  if (seg === undefined) throw new Error('main.main is in no segment');
  const start = pageDown(seg.addr + bias);
  const exe = mappingOf(1n, start, pageUp(seg.addr + bias + BigInt(seg.size)), pageDown(BigInt(seg.offset)), `/home/gopher/${input.executable.replace(/^.*\//, '').replace(/\.gz$/, '')}`, (await bin.executable.buildId()).gnu ?? '');
  const vdsoStart = BigInt.asUintN(64, start + 0x7f0000000000n) & ~(PAGE - 1n);
  const vdso = mappingOf(2n, vdsoStart, vdsoStart + 0x2000n, 0n, '[vdso]', '');
  const stacks = callers.scenarios.map((s) => physicalFrames(s).map((g) => ({ mapping: exe, address: BigInt(g[0]!.pc) })));
  stacks.push([{ mapping: vdso, address: vdsoStart + 0x9c0n }, ...stacks[0]!.slice(1)]);
  stacks.push([{ mapping: exe, address: start }]);
  return profileOf([exe, vdso], stacks);
}

/**
 * A profile of Mach-O or PE code at a load address of our choosing (no run was recorded there): the
 * midpoint of every 8th function, as a one-frame sample each, plus the image's first byte (no function). The
 * mapping is the image as the runtime reports it on those systems: from the load address (Mach-O: `__TEXT`
 * slid by 0x4a8c000; PE: the image base moved to 0x7ff6d2a30000) over the image's segments, file offset 0.
 */
export async function buildSlidProfile(input: BuiltInput): Promise<Profile> {
  const bin = await openBinary(fixtureFile(input.executable));
  const exe = bin.executable;
  const end = exe.segments.reduce((e, s) => (s.addr + BigInt(s.size) > e ? s.addr + BigInt(s.size) : e), 0n);
  const base = exe.format === 'pe' ? exe.imageBase : exe.segments.reduce((m, s) => (s.addr < m ? s.addr : m), end);
  const slide = exe.format === 'pe' ? 0x7ff6d2a30000n - exe.imageBase : 0x4a8c000n;
  const name = input.executable.replace(/^.*\//, '').replace(/\.gz$/, '');
  const mapping = mappingOf(1n, base + slide, pageUp(end + slide), 0n, exe.format === 'pe' ? `C:\\Users\\gopher\\${name}` : `/Users/gopher/${name}`, '');
  const stacks = [...bin.functions()]
    .filter((_, i) => i % 8 === 0)
    .map((f) => [{ mapping, address: f.entry + (f.end - f.entry) / 2n + slide }]);
  stacks.push([{ mapping, address: base + slide }]);
  return profileOf([mapping], stacks);
}

/** What a built input's profile is made of now (the committed file must equal it). */
export async function buildInput(input: BuiltInput): Promise<Uint8Array> {
  const p = input.kind === 'callers' ? await buildCallersProfile(input) : await buildSlidProfile(input);
  return encodeProfile(p, { gzip: false });
}

/** A golden of `pprof-symbolize` under testdata/goldens/symbolize/. */
function golden(input: string, goldenName: string, prepare: (file: Uint8Array) => Uint8Array): ExtraGolden {
  return { input, golden: `symbolize/${goldenName}.pprof-symbolize.json.gz`, oracleArgs: ['pprof-symbolize'], prepare, run: symbolizeGoldenText };
}

/** The recorded `basic` profiles, stripped, with their executable (and one without its mappings). */
const basicGoldens: ExtraGolden[] = BASIC_PROFILE_VERSIONS.flatMap((v) =>
  ['cpu', 'heap'].map((kind) =>
    golden(`testdata/fixtures/${v}/linux-amd64/basic-${kind}.pprof`, `${v}/linux-amd64/basic-${kind}`, (file) =>
      bundle(encodeProfile(stripProfile(parseProfileBytes(file))), fixtureFile(`${v}/linux-amd64/basic.gz`)),
    ),
  ),
);

const noMappingGolden = golden('testdata/fixtures/go1.26.8/linux-amd64/basic-cpu.pprof', 'go1.26.8/linux-amd64/basic-cpu-no-mappings', (file) =>
  bundle(encodeProfile(stripProfile(parseProfileBytes(file), { dropMappings: true })), fixtureFile('go1.26.8/linux-amd64/basic.gz')),
);

/** Every `pprof-symbolize` golden; fixtures.ts adds them to its extraGoldens. */
export const symbolizeExtraGoldens: ExtraGolden[] = [
  ...basicGoldens,
  noMappingGolden,
  ...BUILT_INPUTS.map((b) => golden(b.profile, b.profile.replace(/^testdata\/symbolize\//, '').replace(/\.pprof$/, ''), (file) => bundle(file, fixtureFile(b.executable)))),
];

// `npx tsx test/support/symbolize-goldens.ts` (re)writes the built inputs under testdata/symbolize/; the test
// checks that the committed files are what the builders make.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  void (async () => {
    for (const b of BUILT_INPUTS) {
      const file = join(ROOT, b.profile);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, await buildInput(b));
      console.log(`wrote ${b.profile}`);
    }
  })();
}
