// Layer A of godiag/gosym on real executables. Two sources of truth, both Go's own readers:
//  - REFERENCE below was printed by a small program using debug/elf, debug/macho and debug/pe (sections as
//    Section.{Name,Addr,Offset,Size} with 0 file bytes for NOBITS/zero-fill, PE addresses as image base +
//    VirtualAddress and sizes as VirtualSize with SizeOfRawData capped to it; Symbols() with PE values made
//    absolute the same way; `go tool buildid` and the ELF notes; runtime.pclntab, runtime.firstmoduledata,
//    runtime.text/etext and go:func.* from the symbol tables) for the committed `basic` fixtures.
//  - The goldens of the Go oracle (`inspect`: debug/elf|macho|pe headers; `gosym`: debug/gosym's table and
//    debug/buildinfo; the build info itself is compared in buildinfo.test.ts) for every executable fixture.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GodiagError } from '../../src/internal/errors.js';
import { bytesRandomAccess, type RandomAccess } from '../../src/internal/random-access.js';
import { openExecutable } from '../../src/gosym/container/open.js';
import { locatePclntab } from '../../src/gosym/container/pclntab.js';
import { locateModuledata, readGoFunc } from '../../src/gosym/container/moduledata.js';
import { readBuildInfo } from '../../src/gosym/buildinfo.js';
import { readFileSync } from 'node:fs';
import { FIXTURES, GOLDENS, ROOT, fixtureBytes, loadManifest, readGolden, type Fixture } from '../support/fixtures.js';

interface Reference {
  path: string;
  entry: string;
  imageBase: string;
  sections: [string, string, number, number, number][];
  symbols: number;
  symbolsSha256: string;
  buildId: { go?: string; gnu?: string };
  pclntab: string;
  epclntab: string;
  firstmoduledata: string;
  text: string;
  etext: string;
  gofunc: string;
}

const REFERENCE: Reference[] = [
  {
    path: 'go1.26.8/linux-amd64/basic.gz',
    entry: '0x48a680',
    imageBase: '0x0',
    sections: [
      ['.note.go.buildid', '0x400f78', 3960, 100, 100],
      ['.note.gnu.build-id', '0x400fdc', 4060, 36, 36],
      ['.text', '0x401000', 4096, 1048369, 1048369],
      ['.rodata', '0x501000', 1052672, 306465, 306465],
      ['.gopclntab', '0x54bd30', 1359152, 943432, 943432],
      ['.typelink', '0x632280', 2302592, 2992, 2992],
      ['.itablink', '0x632e40', 2305600, 416, 416],
      ['.go.buildinfo', '0x633000', 2306048, 848, 848],
      ['.go.fipsinfo', '0x633360', 2306912, 120, 120],
      ['.go.module', '0x6333e0', 2307040, 592, 592],
      ['.noptrdata', '0x633640', 2307648, 33633, 33633],
      ['.data', '0x63b9c0', 2341312, 24594, 24594],
      ['.bss', '0x6419e0', 2365920, 133144, 0],
      ['.noptrbss', '0x662200', 2499072, 33642560, 0],
      ['.symtab', '0x0', 2367488, 92112, 92112],
      ['.strtab', '0x0', 2459600, 105414, 105414],
      ['.shstrtab', '0x0', 2565014, 178, 178],
    ],
    symbols: 3837,
    symbolsSha256: '22500f9a58e1873c3779dd76fb977a4c972891c9e42a46eab3ce91c62df8eb7a',
    buildId: {'go': 'tFhL3LbIX05CUwnPxZif/WfXaIodXL2SH6RAocSwW/OELDaevvq1q800aWWgqb/Y9e5MlKYXcX042qrO4jq', 'gnu': 'f1003d2491e4f9fc3823f7da3b511deb1bc8d85d'},
    pclntab: '0x54bd30',
    epclntab: '0x632278',
    firstmoduledata: '0x6333e0',
    text: '0x401000',
    etext: '0x500f30',
    gofunc: '0x608250',
  },
  {
    path: 'go1.26.8/darwin-arm64/basic.gz',
    entry: '',
    imageBase: '0x0',
    sections: [
      ['__text', '0x100001000', 4096, 926356, 926356],
      ['__symbol_stub1', '0x1000e32a0', 930464, 792, 792],
      ['__rodata', '0x1000e35c0', 931264, 52641, 52641],
      ['__gopclntab', '0x1000f0368', 983912, 883871, 883871],
      ['__rodata', '0x1001cc000', 1884160, 233952, 233952],
      ['__got', '0x1002051e0', 2118112, 536, 536],
      ['__typelink', '0x100205400', 2118656, 2956, 2956],
      ['__itablink', '0x100205fa0', 2121632, 400, 400],
      ['__go_buildinfo', '0x100208000', 2129920, 848, 848],
      ['__go_fipsinfo', '0x100208360', 2130784, 120, 120],
      ['__go_module', '0x1002083e0', 2130912, 592, 592],
      ['__noptrdata', '0x100208640', 2131520, 33697, 33697],
      ['__data', '0x100210a00', 2165248, 22610, 22610],
      ['__bss', '0x100216260', 0, 159288, 0],
      ['__noptrbss', '0x10023d0a0', 0, 33571872, 0],
    ],
    symbols: 3608,
    symbolsSha256: 'e3ecb825324199cf69eec1e71d228f92fc06a2c938d4b86d8e1330ab144daeb1',
    buildId: {'go': 'oacBNuryeIBL-I0iKUVI/pfWUG43Pk1oy38yg0Yyg/dOcgQZEYIzNT6jr040aV/Smg7n_VUASlxae5-ms_u'},
    pclntab: '0x1000f0368',
    epclntab: '0x1001c8007',
    firstmoduledata: '0x1002083e0',
    text: '0x100001000',
    etext: '0x1000e3290',
    gofunc: '0x10019e770',
  },
  {
    path: 'go1.26.8/windows-amd64/basic.exe.gz',
    entry: '0x140088980',
    imageBase: '0x140000000',
    sections: [
      ['.text', '0x140001000', 1536, 1079921, 1079921],
      ['.rdata', '0x140109000', 1081856, 1280928, 1280928],
      ['.data', '0x140242000', 2362880, 33939520, 73216],
      ['.pdata', '0x1422a1000', 2436096, 28176, 28176],
      ['.xdata', '0x1422a8000', 2464768, 180, 180],
      ['.idata', '0x1422a9000', 2465280, 1464, 1464],
      ['.reloc', '0x1422aa000', 2466816, 22452, 22452],
      ['.symtab', '0x1422b0000', 2489344, 178781, 178781],
    ],
    symbols: 3887,
    symbolsSha256: '798c795efed27338c1be1583fcaaecee3ebd89597fbeee0f217c580681492488',
    buildId: {'go': 'pAlIm4xeW3ufH7Svl8zL/IhWMGpg97snzT798k7s-/vzlgwJgKPw_JWLAtH8_1/LBVnNBrZEnp3I91cUeel'},
    pclntab: '0x140158130',
    epclntab: '0x140240e4b',
    firstmoduledata: '0x140242580',
    text: '0x140001000',
    etext: '0x140108a70',
    gofunc: '0x1402162f0',
  },
  {
    path: 'go1.19.8/linux-amd64/basic.gz',
    entry: '0x468720',
    imageBase: '0x0',
    sections: [
      ['.text', '0x401000', 4096, 823662, 823662],
      ['.rodata', '0x4cb000', 831488, 320858, 320858],
      ['.shstrtab', '0x0', 1152352, 169, 169],
      ['.typelink', '0x519620', 1152544, 1960, 1960],
      ['.itablink', '0x519de0', 1154528, 336, 336],
      ['.gosymtab', '0x519f30', 1154864, 0, 0],
      ['.gopclntab', '0x519f40', 1154880, 504608, 504608],
      ['.go.buildinfo', '0x596000', 1662976, 288, 288],
      ['.noptrdata', '0x596120', 1663264, 71904, 71904],
      ['.data', '0x5a7a00', 1735168, 32304, 32304],
      ['.bss', '0x5af840', 1767488, 193504, 0],
      ['.noptrbss', '0x5dec20', 1960992, 19496, 0],
      ['.note.go.buildid', '0x400f9c', 3996, 100, 100],
      ['.symtab', '0x0', 1769472, 69240, 69240],
      ['.strtab', '0x0', 1838712, 65642, 65642],
    ],
    symbols: 2884,
    symbolsSha256: 'f48f2f45f2713c6edddadb7405c9da85c3f91db09e4163954602c4a68bc33837',
    buildId: {'go': 'uhb5UPBZqA6lphWNxOo1/DhOrMil9DNUc-CoM8K1U/RURDrB2_B3O-ZQF3FEgA/JHqHPsFf6jTsjr_LmahD'},
    pclntab: '0x519f40',
    epclntab: '0x595260',
    firstmoduledata: '0x59c340',
    text: '0x401000',
    etext: '0x4ca16e',
    gofunc: '0x4f82f0',
  },
];

const hex = (v: bigint) => `0x${v.toString(16)}`;
const manifest = loadManifest();
const byPath = new Map(manifest.fixtures.map((f) => [f.path, f]));
const executables = manifest.fixtures.filter((f) => (f.format === 'elf' || f.format === 'macho' || f.format === 'pe') && existsSync(join(FIXTURES, f.path)));

/** A copy of the bytes with every occurrence of `from` (a NUL-terminated name) replaced by `to`. */
function renamed(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const out = bytes.slice();
  const f = new TextEncoder().encode(from);
  const t = new TextEncoder().encode(to);
  for (let i = out.indexOf(f[0]!); i >= 0 && i + f.length <= out.length; i = out.indexOf(f[0]!, i + 1)) {
    if (f.every((b, k) => out[i + k] === b)) out.set(t, i);
  }
  return out;
}

/** A copy of a PE image whose COFF symbol table is gone (as `-ldflags=-s` leaves it). */
function withoutCoffSymbols(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const v = new DataView(out.buffer);
  const coff = v.getUint32(0x3c, true) + 4;
  v.setUint32(coff + 8, 0, true);
  v.setUint32(coff + 12, 0, true);
  return out;
}

describe('containers match debug/elf, debug/macho, debug/pe', () => {
  for (const ref of REFERENCE) {
    const f = byPath.get(ref.path);
    if (f === undefined) {
      it.skip(`${ref.path} is not in the manifest`, () => {});
      continue;
    }
    describe(ref.path, () => {
      const bytes = fixtureBytes(f);
      it('sections, entry, image base', async () => {
        const exe = await openExecutable(bytes);
        expect(exe.format).toBe(f.format);
        expect(exe.sections.map((s) => [s.name, hex(s.addr), s.offset, s.size, s.fileSize])).toEqual(ref.sections);
        expect(hex(exe.imageBase)).toBe(ref.imageBase);
        if (ref.entry !== '') expect(hex(exe.entry)).toBe(ref.entry);
        for (const [name] of ref.sections) expect(exe.section(name)?.name).toBe(name);
      });

      it('symbols and build IDs', async () => {
        const exe = await openExecutable(bytes);
        const syms = await exe.symbols();
        expect(syms.length).toBe(ref.symbols);
        const text = syms.map((s) => `${s.name} ${hex(s.value)} ${hex(s.size)}\n`).join('');
        expect(createHash('sha256').update(text).digest('hex')).toBe(ref.symbolsSha256);
        expect(await exe.buildId()).toEqual(ref.buildId);
        if (f.format === 'macho') {
          // debug/macho has no entry point: the one read from LC_MAIN is the runtime's rt0 symbol.
          expect(syms.find((s) => s.value === exe.entry && s.name.includes('rt0_'))).toBeDefined();
        }
      });

      it('pclntab, moduledata and go:func.* where the symbol table puts them', async () => {
        const exe = await openExecutable(bytes);
        const tab = await locatePclntab(exe);
        expect(hex(tab.addr)).toBe(ref.pclntab);
        expect(tab.bytes.length).toBe(Number(BigInt(ref.epclntab) - BigInt(ref.pclntab)));
        const md = await locateModuledata(exe, tab.addr);
        expect([hex(md.addr), hex(md.text), hex(md.etext), md.gofunc === undefined ? '' : hex(md.gofunc)]).toEqual([ref.firstmoduledata, ref.text, ref.etext, ref.gofunc]);
        const gf = await readGoFunc(exe, md, tab);
        expect(gf && hex(gf.addr)).toBe(ref.gofunc);
      });

      it('finds the same pclntab without section names or symbols', async () => {
        let stripped = renamed(bytes, '.gopclntab\0', '.gopclntaX\0');
        stripped = renamed(stripped, '__gopclntab\0', '__gopclntaX\0');
        stripped = renamed(stripped, '.go.module\0', '.go.moduleX');
        stripped = renamed(stripped, '__go_module\0', '__go_moduleX');
        stripped = renamed(stripped, 'runtime.pclntab\0', 'runtime.pclntaX\0');
        if (f.format === 'pe') stripped = withoutCoffSymbols(stripped);
        const exe = await openExecutable(stripped);
        expect(exe.section('.gopclntab') ?? exe.section('__gopclntab')).toBeUndefined();
        const tab = await locatePclntab(exe);
        expect(tab.via).toBe('scan');
        expect(hex(tab.addr)).toBe(ref.pclntab);
        expect(tab.bytes.length).toBe(Number(BigInt(ref.epclntab) - BigInt(ref.pclntab)));
        expect(tab.moduledata && hex(tab.moduledata.addr)).toBe(ref.firstmoduledata);
      });
    });
  }
});

interface GoldenLine {
  kind: string;
  [k: string]: unknown;
}

function golden(f: Fixture, command: string): GoldenLine[] | undefined {
  const base = join(GOLDENS, f.path.replace(/\.gz$/, ''));
  for (const p of [`${base}.${command}.json`, `${base}.${command}.json.gz`]) {
    if (existsSync(p)) return readGolden(p).trim().split('\n').map((l) => JSON.parse(l) as GoldenLine);
  }
  return undefined;
}

describe('every executable fixture against the oracle goldens', () => {
  it.each(executables.map((f) => [f.path, f] as const))('%s', async (_path, f) => {
    const bytes = fixtureBytes(f);
    const exe = await openExecutable(bytes);
    expect([exe.format, exe.goos, exe.goarch]).toEqual([f.format, f.goos, f.goarch]);

    const inspect = golden(f, 'inspect')?.[0];
    if (inspect !== undefined) {
      if (inspect['byteOrder'] !== undefined) expect(exe.byteOrder).toBe(inspect['byteOrder']);
      const bits = inspect['class'] ?? inspect['bits'];
      expect(exe.ptrSize * 8).toBe(bits);
      if (inspect['entry'] !== undefined) expect(exe.entry.toString()).toBe(inspect['entry']);
      if (inspect['type'] !== undefined && f.format === 'elf') expect(exe.pie).toBe(inspect['type'] === 3);
    }

    const lines = golden(f, 'gosym');
    if (lines === undefined) return;
    const bin = lines.find((l) => l.kind === 'Binary')!;
    const funcs = lines.filter((l) => l.kind === 'Func');
    const tab = await locatePclntab(exe);
    expect([tab.header.layout, tab.header.ptrSize, tab.header.quantum, tab.header.nfunc]).toEqual([bin['layout'], bin['ptrSize'], bin['quantum'], bin['funcs']]);
    expect([exe.format, exe.goos, exe.goarch]).toEqual([bin['format'], bin['goos'], bin['goarch']]);

    // moduledata's text range is the function table's: the first entry and the last end.
    const md = tab.moduledata ?? (await locateModuledata(exe, tab.addr));
    expect(hex(md.minpc)).toBe(funcs[0]!['entry']);
    expect(hex(md.maxpc)).toBe(funcs[funcs.length - 1]!['end']);
    if (bin['textStart'] !== undefined) expect(hex(md.text)).toBe(bin['textStart']);
    expect(md.pclntabEnd).toBe(tab.addr + BigInt(tab.bytes.length));
  });
});

// Stripped binaries of old toolchains (Go 1.5 to 1.18) from the shared corpus. Expected values are
// debug/elf's .text and .gopclntab sections and debug/buildinfo's result (undefined: "not a Go executable").
const GORETK = join(ROOT, '..', 'shared', 'corpus', 'gosym', 'goretk');
const GORETK_REFERENCE: { name: string; text: [string, string]; pclntab: [string, number]; buildInfo: unknown }[] = [
  { name: 'gold-linux-386-1.15.0', text: ['0x8049000', '0x80cdeea'], pclntab: ['0x8108620', 351138], buildInfo: {'goVersion': 'go1.15', 'path': '', 'main': {'path': '', 'version': '', 'sum': ''}, 'deps': [], 'settings': []} },
  { name: 'gold-linux-amd64-1.12.0', text: ['0x401000', '0x488848'], pclntab: ['0x4d5260', 462838], buildInfo: undefined },
  { name: 'gold-linux-amd64-1.15.0', text: ['0x401000', '0x49aa8a'], pclntab: ['0x4e02c0', 394590], buildInfo: {'goVersion': 'go1.15', 'path': '', 'main': {'path': '', 'version': '', 'sum': ''}, 'deps': [], 'settings': []} },
  { name: 'gold-linux-amd64-1.16.0', text: ['0x401000', '0x499277'], pclntab: ['0x4dee40', 362920], buildInfo: {'goVersion': 'go1.16', 'path': 'command-line-arguments', 'main': {'path': 'command-line-arguments', 'version': '(devel)', 'sum': ''}, 'deps': [], 'settings': []} },
  { name: 'gold-linux-amd64-1.18.0', text: ['0x401000', '0x47f764'], pclntab: ['0x4b6120', 344568], buildInfo: {'goVersion': 'go1.18', 'path': 'command-line-arguments', 'main': {'path': '', 'version': '', 'sum': ''}, 'deps': [], 'settings': [{'key': '-compiler', 'value': 'gc'}, {'key': '-ldflags', 'value': '-s -w'}, {'key': 'CGO_ENABLED', 'value': '1'}, {'key': 'CGO_CFLAGS', 'value': ''}, {'key': 'CGO_CPPFLAGS', 'value': ''}, {'key': 'CGO_CXXFLAGS', 'value': ''}, {'key': 'CGO_LDFLAGS', 'value': ''}, {'key': 'GOARCH', 'value': 'amd64'}, {'key': 'GOOS', 'value': 'linux'}, {'key': 'GOAMD64', 'value': 'v1'}]} },
  { name: 'gold-linux-amd64-1.5.0', text: ['0x401000', '0x4b25f0'], pclntab: ['0x53dfe0', 334185], buildInfo: undefined },
];

describe('stripped binaries of old toolchains (goretk corpus)', () => {
  if (!existsSync(GORETK)) {
    it.skip('../shared/corpus/gosym/goretk is absent in this clone', () => {});
    return;
  }
  it.each(GORETK_REFERENCE.map((r) => [r.name, r] as const))('%s', async (name, ref) => {
    const bytes = new Uint8Array(readFileSync(join(GORETK, name)));
    const exe = await openExecutable(bytes);
    expect(await exe.symbols()).toEqual([]);
    const tab = await locatePclntab(exe);
    expect([hex(tab.addr), tab.bytes.length]).toEqual(ref.pclntab);
    const md = await locateModuledata(exe, tab.addr);
    expect([hex(md.text), hex(md.etext)]).toEqual(ref.text);
    expect(await readBuildInfo(exe)).toEqual(ref.buildInfo);
    // Without the section name the scan finds the same table, its end from moduledata.
    const scanned = await locatePclntab(await openExecutable(renamed(bytes, '.gopclntab\0', '.gopclntaX\0')));
    expect([scanned.via, hex(scanned.addr), scanned.bytes.length]).toEqual(['scan', ...ref.pclntab]);
  });
});

describe('reading a universal (fat) Mach-O file', () => {
  const darwin = executables.find((f) => f.format === 'macho');
  if (darwin === undefined) {
    it.skip('no Mach-O fixture', () => {});
    return;
  }
  // A fat file of the fixture and a second, tiny x86_64 member (a bare header), offsets page-aligned.
  const thin = fixtureBytes(darwin);
  const fake = new Uint8Array(32);
  new DataView(fake.buffer).setUint32(0, 0xcffaedfe, false);
  new DataView(fake.buffer).setUint32(4, 0x01000007, true);
  const thinAt = 0x4000;
  const fakeAt = thinAt + Math.ceil(thin.length / 0x4000) * 0x4000;
  const fat = new Uint8Array(fakeAt + fake.length);
  const v = new DataView(fat.buffer);
  v.setUint32(0, 0xcafebabe, false);
  v.setUint32(4, 2, false);
  const entry = (i: number, cpu: number, off: number, size: number) => {
    const at = 8 + 20 * i;
    v.setUint32(at, cpu, false);
    v.setUint32(at + 8, off, false);
    v.setUint32(at + 12, size, false);
    v.setUint32(at + 16, 14, false);
  };
  entry(0, 0x01000007, fakeAt, fake.length);
  entry(1, 0x0100000c, thinAt, thin.length);
  fat.set(thin, thinAt);
  fat.set(fake, fakeAt);

  it('opens the member of the requested architecture as the thin file', async () => {
    const a = await openExecutable(fat, { arch: 'arm64' });
    const b = await openExecutable(thin);
    expect(a.goarch).toBe('arm64');
    expect(a.sections).toEqual(b.sections);
    expect((await locatePclntab(a)).addr).toBe((await locatePclntab(b)).addr);
    expect(await readBuildInfo(a)).toEqual(await readBuildInfo(b));
  });

  it('without an architecture, or with an absent one, says which are there', async () => {
    await expect(openExecutable(fat)).rejects.toThrow(/amd64, arm64/);
    await expect(openExecutable(fat, { arch: 'ppc64' })).rejects.toThrow(/no ppc64 member \(it holds amd64, arm64\)/);
    await expect(openExecutable(fat, { arch: 'ppc64' })).rejects.toBeInstanceOf(GodiagError);
  });
});

describe('reading a large binary reads only what it needs', () => {
  const f = executables.find((x) => x.path.endsWith('linux-amd64/gosym.gz') && x.goVersion === 'go1.26.8') ?? executables[0];
  if (f === undefined) {
    it.skip('no executable fixture', () => {});
    return;
  }
  it('opens, finds pclntab, moduledata and build info of a 200 MB file, reading little beyond the pclntab', async () => {
    // The fixture followed by 200 MB of nothing: a file as large as a big binary, the extra bytes never needed.
    const real = bytesRandomAccess(fixtureBytes(f));
    let bytesRead = 0;
    let reads = 0;
    const size = 200 << 20;
    const big: RandomAccess = {
      size,
      async read(offset, length) {
        bytesRead += length;
        reads++;
        if (offset + length <= real.size) return real.read(offset, length);
        const out = new Uint8Array(length);
        if (offset < real.size) out.set(await real.read(offset, real.size - offset));
        return out;
      },
    };
    const exe = await openExecutable(big);
    const afterOpen = bytesRead;
    const tab = await locatePclntab(exe);
    const md = await locateModuledata(exe, tab.addr);
    await readBuildInfo(exe);
    expect(afterOpen).toBeLessThan(64 << 10);
    expect(md.text).toBeGreaterThan(0n);
    // Everything beyond the table itself is headers, the moduledata scan and the build info blob.
    expect(bytesRead - tab.bytes.length).toBeLessThan(2 << 20);
    expect(bytesRead).toBeLessThan(size / 50);
    expect(reads).toBeLessThan(100);
  });
});
