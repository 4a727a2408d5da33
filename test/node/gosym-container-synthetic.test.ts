// Layer A of godiag/gosym on executables built here, byte by byte, with arbitrary field values: ELF
// (32/64-bit, both byte orders), Mach-O (32/64-bit, both byte orders) and PE (PE32/PE32+), holding Go
// tables laid out as the Go linker lays them out (pclntab of each layout, moduledata of each shape,
// checked against real binaries in container-fixtures.test.ts). Whatever is written is read back; the
// scan for a stripped binary's pclntab finds the table the section names; damaged files end in a
// GodiagError, never another exception or a hang.
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { GodiagError } from '../../src/internal/errors.js';
import { openExecutable } from '../../src/gosym/container/open.js';
import { locatePclntab } from '../../src/gosym/container/pclntab.js';
import { locateModuledata, readGoFunc } from '../../src/gosym/container/moduledata.js';
import { readBuildInfo } from '../../src/gosym/buildinfo.js';
import { fixtureBytes, loadManifest } from '../support/fixtures.js';

/** A little writer over a fixed buffer, either byte order. */
class Out {
  readonly b: Uint8Array;
  readonly v: DataView;
  constructor(
    size: number,
    readonly little: boolean,
  ) {
    this.b = new Uint8Array(size);
    this.v = new DataView(this.b.buffer);
  }
  u8(at: number, x: number) {
    this.v.setUint8(at, x);
  }
  u16(at: number, x: number) {
    this.v.setUint16(at, x, this.little);
  }
  u32(at: number, x: number) {
    this.v.setUint32(at, x, this.little);
  }
  u64(at: number, x: bigint) {
    this.v.setBigUint64(at, x, this.little);
  }
  word(at: number, x: bigint, size: 4 | 8) {
    if (size === 8) this.u64(at, x);
    else this.u32(at, Number(x));
  }
  str(at: number, s: string) {
    this.b.set(new TextEncoder().encode(s), at);
  }
}

const align = (n: number, a: number) => Math.ceil(n / a) * a;

// ---------------------------------------------------------------------------------------------------
// ELF

const SHF_WRITE = 1;
const SHF_ALLOC = 2;
const SHF_EXECINSTR = 4;

interface ElfSection {
  name: string;
  type: number;
  flags: number;
  addr: bigint;
  data?: Uint8Array;
  nobits?: number;
  link?: number;
}

interface ElfSpec {
  class64: boolean;
  little: boolean;
  machine: number;
  type: number;
  entry: bigint;
  osabi: number;
  sections: ElfSection[];
}

/** Writes an ELF file: header, one PT_LOAD per allocated section, section data, names, section headers. */
function buildElf(spec: ElfSpec): { bytes: Uint8Array; offsets: number[] } {
  const { class64, little } = spec;
  const eh = class64 ? 64 : 52;
  const phent = class64 ? 56 : 32;
  const shent = class64 ? 64 : 40;
  const loads = spec.sections.filter((s) => (s.flags & SHF_ALLOC) !== 0);
  let at = eh + loads.length * phent;
  const offsets: number[] = [];
  for (const s of spec.sections) {
    at = align(at, 16);
    offsets.push(at);
    at += s.data?.length ?? 0;
  }
  let names = '\0';
  const nameOff = spec.sections.map((s) => {
    const o = names.length;
    names += s.name + '\0';
    return o;
  });
  const shstrOff = names.length;
  names += '.shstrtab\0';
  const namesAt = at;
  at += names.length;
  const shoff = align(at, 8);
  const shnum = spec.sections.length + 2;
  const o = new Out(shoff + shnum * shent, little);
  o.b.set([0x7f, 0x45, 0x4c, 0x46, class64 ? 2 : 1, little ? 1 : 2, 1, spec.osabi]);
  o.u16(16, spec.type);
  o.u16(18, spec.machine);
  o.u32(20, 1);
  const w = class64 ? 8 : 4;
  o.word(24, spec.entry, w);
  o.word(24 + w, BigInt(eh), w); // phoff
  o.word(24 + 2 * w, BigInt(shoff), w);
  const h = 24 + 3 * w;
  o.u16(h + 4, eh);
  o.u16(h + 6, phent);
  o.u16(h + 8, loads.length);
  o.u16(h + 10, shent);
  o.u16(h + 12, shnum);
  o.u16(h + 14, shnum - 1);
  loads.forEach((s, i) => {
    const p = eh + i * phent;
    const k = spec.sections.indexOf(s);
    const fsz = BigInt(s.data?.length ?? 0);
    const msz = s.nobits !== undefined ? BigInt(s.nobits) : fsz;
    const flags = 4 | ((s.flags & SHF_WRITE) !== 0 ? 2 : 0) | ((s.flags & SHF_EXECINSTR) !== 0 ? 1 : 0);
    o.u32(p, 1);
    if (class64) {
      o.u32(p + 4, flags);
      o.u64(p + 8, BigInt(offsets[k]!));
      o.u64(p + 16, s.addr);
      o.u64(p + 24, s.addr);
      o.u64(p + 32, fsz);
      o.u64(p + 40, msz);
    } else {
      o.u32(p + 4, offsets[k]!);
      o.u32(p + 8, Number(s.addr));
      o.u32(p + 12, Number(s.addr));
      o.u32(p + 16, Number(fsz));
      o.u32(p + 20, Number(msz));
      o.u32(p + 24, flags);
    }
  });
  spec.sections.forEach((s, i) => {
    if (s.data) o.b.set(s.data, offsets[i]!);
  });
  o.str(namesAt, names);
  const sh = (i: number, name: number, type: number, flags: number, addr: bigint, off: number, size: number, link: number, entsize: number) => {
    const p = shoff + i * shent;
    o.u32(p, name);
    o.u32(p + 4, type);
    o.word(p + 8, BigInt(flags), w);
    o.word(p + 8 + w, addr, w);
    o.word(p + 8 + 2 * w, BigInt(off), w);
    o.word(p + 8 + 3 * w, BigInt(size), w);
    o.u32(p + 8 + 4 * w, link);
    o.word(p + 16 + 5 * w, BigInt(entsize), w);
  };
  spec.sections.forEach((s, i) => {
    const size = s.nobits ?? s.data?.length ?? 0;
    sh(i + 1, nameOff[i]!, s.type, s.flags, s.addr, offsets[i]!, size, s.link ?? 0, s.type === 2 ? (class64 ? 24 : 16) : 0);
  });
  sh(shnum - 1, shstrOff, 3, 0, 0n, namesAt, names.length, 0, 0);
  return { bytes: o.b, offsets };
}

/** `.symtab` and `.strtab` contents (entry 0 is the null symbol). */
function elfSymbols(syms: { name: string; value: bigint; size: bigint }[], class64: boolean, little: boolean) {
  let strs = '\0';
  const ent = class64 ? 24 : 16;
  const o = new Out((syms.length + 1) * ent, little);
  syms.forEach((s, i) => {
    const p = (i + 1) * ent;
    o.u32(p, strs.length);
    strs += s.name + '\0';
    if (class64) {
      o.u8(p + 4, 0x12);
      o.u16(p + 6, 1);
      o.u64(p + 8, s.value);
      o.u64(p + 16, s.size);
    } else {
      o.u32(p + 4, Number(s.value));
      o.u32(p + 8, Number(s.size));
      o.u8(p + 12, 0x12);
      o.u16(p + 14, 1);
    }
  });
  return { symtab: o.b, strtab: new TextEncoder().encode(strs) };
}

/** An ELF note section's contents. */
function elfNote(name: string, type: number, desc: Uint8Array, little: boolean): Uint8Array {
  const n = name.length + 1;
  const o = new Out(12 + align(n, 4) + align(desc.length, 4), little);
  o.u32(0, n);
  o.u32(4, desc.length);
  o.u32(8, type);
  o.str(12, name);
  o.b.set(desc, 12 + align(n, 4));
  return o.b;
}

const nameArb = fc.stringMatching(/^\.[a-z_]{1,12}$/);

describe('ELF', () => {
  test.prop(
    [
      fc.boolean(),
      fc.boolean(),
      fc.constantFrom(3, 8, 21, 22, 40, 62, 183, 243, 258),
      fc.constantFrom(2, 3),
      fc.array(fc.record({ name: nameArb, size: fc.integer({ min: 0, max: 300 }), flags: fc.constantFrom(0, SHF_ALLOC, SHF_ALLOC | SHF_WRITE, SHF_ALLOC | SHF_EXECINSTR), nobits: fc.boolean() }), { maxLength: 6 }),
      fc.array(fc.record({ name: fc.stringMatching(/^[a-z.]{1,20}$/), value: fc.bigInt({ min: 0n, max: 0xffff_ffffn }), size: fc.bigInt({ min: 0n, max: 0xffffn }) }), { maxLength: 10 }),
      fc.uint8Array({ minLength: 1, maxLength: 32 }),
    ],
    { numRuns: 150 },
  )('sections, segments, symbols and notes read back', async (class64, little, machine, type, secs, syms, gnuId) => {
    let addr = 0x10000n;
    const sections: ElfSection[] = secs.map((s) => {
      const sec: ElfSection = { name: s.name, type: s.nobits ? 8 : 1, flags: s.flags, addr: (s.flags & SHF_ALLOC) !== 0 ? addr : 0n };
      if (s.nobits) sec.nobits = s.size;
      else sec.data = Uint8Array.from({ length: s.size }, (_, i) => (i * 7 + s.size) & 0xff);
      if ((s.flags & SHF_ALLOC) !== 0) addr += BigInt(align(s.size + 1, 0x1000));
      return sec;
    });
    const { symtab, strtab } = elfSymbols(syms, class64, little);
    const symIndex = sections.length;
    sections.push({ name: '.symtab', type: 2, flags: 0, addr: 0n, data: symtab, link: symIndex + 3 }); // ELF numbers sections from 1 (0 is the null section)
    sections.push({ name: '.note.gnu.build-id', type: 7, flags: SHF_ALLOC, addr, data: elfNote('GNU', 3, gnuId, little) });
    sections.push({ name: '.strtab', type: 3, flags: 0, addr: 0n, data: strtab });
    const entry = class64 ? 0x1234_5678_9an : 0x1234n;
    const { bytes, offsets } = buildElf({ class64, little, machine, type, entry, osabi: 0, sections });

    const exe = await openExecutable(bytes);
    expect([exe.format, exe.ptrSize, exe.byteOrder, exe.entry, exe.pie, exe.goos]).toEqual(['elf', class64 ? 8 : 4, little ? 'little' : 'big', entry, type === 3, 'linux']);
    const arch: Record<number, string> = { 3: '386', 8: (class64 ? 'mips64' : 'mips') + (little ? 'le' : ''), 21: little ? 'ppc64le' : 'ppc64', 22: 's390x', 40: 'arm', 62: 'amd64', 183: 'arm64', 243: 'riscv64', 258: 'loong64' };
    expect(exe.goarch).toBe(arch[machine]);
    expect(exe.sections.map((s) => [s.name, s.addr, s.offset, s.size, s.fileSize])).toEqual([
      ...sections.map((s, i) => [s.name, s.addr, offsets[i], s.nobits ?? s.data!.length, s.nobits !== undefined ? 0 : s.data!.length]),
      ['.shstrtab', 0n, expect.any(Number), expect.any(Number), expect.any(Number)],
    ]);
    for (const [i, s] of sections.entries()) {
      const got = exe.sections[i]!;
      if (s.data) expect(await exe.readSection(got)).toEqual(s.data);
      expect([got.writable, got.executable]).toEqual([(s.flags & SHF_WRITE) !== 0, (s.flags & SHF_EXECINSTR) !== 0]);
      if ((s.flags & SHF_ALLOC) !== 0 && s.data && s.data.length > 2) {
        expect(await exe.readAddress(s.addr + 1n, s.data.length - 2)).toEqual(s.data.subarray(1, s.data.length - 1));
      }
      if (s.nobits !== undefined && s.nobits > 0 && (s.flags & SHF_ALLOC) !== 0) {
        // Zero-filled memory has no file bytes.
        await expect(exe.readAddress(s.addr, 1)).rejects.toBeInstanceOf(GodiagError);
      }
    }
    expect((await exe.symbols()).map((s) => [s.name, s.value & (class64 ? -1n : 0xffff_ffffn), s.size])).toEqual(syms.map((s) => [s.name, s.value, class64 ? s.size : s.size]));
    expect(await exe.buildId()).toEqual({ gnu: Array.from(gnuId, (x) => x.toString(16).padStart(2, '0')).join('') });
  });

  test.prop([fc.constantFrom(0, 9, 2, 12, 6)])('GOOS from EI_OSABI', async (osabi) => {
    const { bytes } = buildElf({ class64: true, little: true, machine: 62, type: 2, entry: 0n, osabi, sections: [] });
    const exe = await openExecutable(bytes);
    expect(exe.goos).toBe({ 0: 'linux', 9: 'freebsd', 2: 'netbsd', 12: 'openbsd', 6: 'solaris' }[osabi]);
  });
});

// ---------------------------------------------------------------------------------------------------
// Go tables: pclntab of each layout and the moduledata that points at it.

type Layout = '1.2' | '1.16' | '1.18' | '1.20';
const MAGIC: Record<Layout, number> = { '1.2': 0xfffffffb, '1.16': 0xfffffffa, '1.18': 0xfffffff0, '1.20': 0xfffffff1 };

interface Table {
  bytes: Uint8Array;
  nfunc: number;
  /** Offsets of funcname, cu, filetab, pctab, pcln (1.16+). */
  subs: number[];
  minpc: bigint;
  maxpc: bigint;
}

/** A pclntab as the linker writes it: header, sub-tables, function table, function records. */
function buildPclntab(layout: Layout, ptr: 4 | 8, little: boolean, quantum: number, text: bigint, entries: number[], textStartInHeader: boolean): Table {
  const nfunc = entries.length - 1; // the last entry is the end of the last function
  const words = layout === '1.2' ? 1 : layout === '1.16' ? 7 : 8;
  const header = 8 + words * ptr;
  const subSizes = [40, 8, 24, 32];
  const subs: number[] = [];
  let at = header;
  if (layout !== '1.2') {
    for (const n of subSizes) {
      subs.push(at);
      at += n;
    }
    at = align(at, ptr);
    subs.push(at);
  }
  const ftab = layout === '1.2' ? header : at;
  const ent = layout === '1.18' || layout === '1.20' ? 8 : 2 * ptr;
  const endSize = layout === '1.18' || layout === '1.20' ? 4 : ptr;
  const funcsAt = align(ftab + nfunc * ent + endSize + (layout === '1.2' ? 4 : 0), ptr);
  const funcSize = 24;
  const size = funcsAt + nfunc * funcSize;
  const o = new Out(size, little);
  o.u32(0, MAGIC[layout]);
  o.u8(6, quantum);
  o.u8(7, ptr);
  o.word(8, BigInt(nfunc), ptr);
  if (layout !== '1.2') {
    o.word(8 + ptr, 3n, ptr); // nfiles
    let w = 2;
    if (layout !== '1.16') o.word(8 + w++ * ptr, textStartInHeader ? text : 0n, ptr);
    for (const s of subs) o.word(8 + w++ * ptr, BigInt(s), ptr);
    for (let i = header; i < subs[4]!; i++) o.u8(i, (i * 13) & 0xff);
  }
  const base = layout === '1.2' ? 0 : ftab;
  for (let i = 0; i <= nfunc; i++) {
    const p = ftab + i * ent;
    const pc = layout === '1.18' || layout === '1.20' ? BigInt(entries[i]!) : text + BigInt(entries[i]!);
    if (ent === 8 && (layout === '1.18' || layout === '1.20')) {
      o.u32(p, Number(pc));
      if (i < nfunc) o.u32(p + 4, funcsAt + i * funcSize - base);
    } else {
      o.word(p, pc, ptr);
      if (i < nfunc) o.word(p + ptr, BigInt(funcsAt + i * funcSize - base), ptr);
    }
  }
  for (let i = funcsAt; i < size; i++) o.u8(i, (i * 31 + 7) & 0xff);
  return { bytes: o.b, nfunc, subs, minpc: text + BigInt(entries[0]!), maxpc: text + BigInt(entries[nfunc]!) };
}

/** The moduledata words for a table at `pc` (see runtime/symtab.go of each release). */
function buildModuledata(layout: Layout, ptr: 4 | 8, little: boolean, t: Table, pc: bigint, text: bigint, etext: bigint, gofunc: bigint, go126: boolean, mapAt: bigint) {
  const w: bigint[] = [];
  const slice = (p: bigint, n: number) => w.push(p, BigInt(n), BigInt(n));
  let end = pc + BigInt(t.bytes.length);
  if (layout === '1.2') {
    slice(pc, t.bytes.length);
    slice(pc + BigInt(8 + ptr), t.nfunc + 1);
    slice(pc + 64n, 2);
    w.push(0n, t.minpc, t.maxpc, text, etext);
  } else {
    w.push(pc);
    for (let i = 0; i < 4; i++) slice(pc + BigInt(t.subs[i]!), t.subs[i + 1]! - t.subs[i]!);
    const pclnLen = t.bytes.length - t.subs[4]! - (go126 ? 16 : 0);
    slice(pc + BigInt(t.subs[4]!), pclnLen);
    if (go126) end = pc + BigInt(t.subs[4]! + pclnLen);
    slice(pc + BigInt(t.subs[4]!), t.nfunc + 1);
    w.push(0n, t.minpc, t.maxpc, text, etext);
    w.push(0x1000n, 0x1100n, 0x1100n, 0x1200n, 0x1200n, 0x1300n, 0x1300n, 0x1400n);
    if (layout === '1.20') w.push(0n, 0n);
    w.push(0x1500n, 0n, 0n, 0x2000n, 0x3000n);
    if (layout !== '1.16') w.push(0x2000n, gofunc);
    if (go126) {
      w.push(pc + BigInt(t.bytes.length));
      end = pc + BigInt(t.bytes.length);
    }
    slice(mapAt, 1);
  }
  while (w.length < 48) w.push(0n);
  const o = new Out(w.length * ptr, little);
  w.forEach((x, i) => o.word(i * ptr, x, ptr));
  return { bytes: o.b, pclntabEnd: end };
}

describe('pclntab and moduledata', () => {
  test.prop(
    [
      fc.constantFrom<Layout>('1.2', '1.16', '1.18', '1.20'),
      fc.boolean(),
      fc.boolean(),
      fc.constantFrom(1, 2, 4),
      fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 2, maxLength: 40 }),
      fc.boolean(),
      fc.constantFrom('named', 'scan', 'module'),
      fc.integer({ min: 0, max: 40 }),
    ],
    { numRuns: 200 },
  )('found by name, by Go 1.26 moduledata section, or by scanning; moduledata read back', async (layout, class64, little, quantum, gaps, go126flag, how, padWords) => {
    const ptr: 4 | 8 = class64 ? 8 : 4;
    const go126 = go126flag && layout === '1.20';
    const text = 0x401000n;
    const entries: number[] = [0];
    for (const g of gaps) entries.push(entries[entries.length - 1]! + g * quantum);
    const etext = text + BigInt(entries[entries.length - 1]! + 0x10);
    const t = buildPclntab(layout, ptr, little, quantum, text, entries, !go126);
    const textBytes = new Uint8Array(Number(etext - text));
    // A decoy header in read-only data: right magic, wrong everything else; the scan must pass it by.
    const rodata = new Uint8Array(256);
    const decoy = new Out(16, little);
    decoy.u32(0, MAGIC[layout]);
    decoy.u8(6, quantum);
    decoy.u8(7, ptr);
    decoy.word(8, 0xffffn, ptr);
    rodata.set(decoy.b, 64);
    const rodataAt = 0x500000n;
    const pcAt = 0x600000n;
    const gofunc = rodataAt + 128n;
    const dataAt = 0x700000n;
    const mdAt = how === 'module' ? dataAt : dataAt + BigInt(padWords * ptr);
    const mapAt = dataAt + 0x800n;
    const md = buildModuledata(layout, ptr, little, t, pcAt, text, etext, gofunc, go126, mapAt);
    const data = new Uint8Array(0x900);
    data.set(md.bytes, Number(mdAt - dataAt));
    const map = new Out(3 * ptr, little);
    map.word(0, 0n, ptr);
    map.word(ptr, etext - text, ptr);
    map.word(2 * ptr, text, ptr);
    data.set(map.b, 0x800);
    const sections: ElfSection[] = [
      { name: '.text', type: 1, flags: SHF_ALLOC | SHF_EXECINSTR, addr: text, data: textBytes },
      { name: '.rodata', type: 1, flags: SHF_ALLOC, addr: rodataAt, data: rodata },
      { name: how === 'named' ? '.gopclntab' : '.rodata2', type: 1, flags: SHF_ALLOC, addr: pcAt, data: t.bytes },
      { name: how === 'module' && go126 ? '.go.module' : '.noptrdata', type: 1, flags: SHF_ALLOC | SHF_WRITE, addr: dataAt, data },
    ];
    const { bytes } = buildElf({ class64, little, machine: 62, type: 2, entry: text, osabi: 0, sections });
    const exe = await openExecutable(bytes);
    const tab = await locatePclntab(exe);
    expect(tab.addr).toBe(pcAt);
    expect(tab.header.layout).toBe(layout);
    expect([tab.header.quantum, tab.header.ptrSize, tab.header.nfunc]).toEqual([quantum, ptr, t.nfunc]);
    expect(tab.via).toBe(how === 'named' ? 'section' : how === 'module' && go126 ? 'moduledata' : 'scan');
    // By name the section is the table; found through moduledata, the table ends where moduledata says.
    expect(tab.bytes).toEqual(how === 'named' ? t.bytes : t.bytes.subarray(0, Number(md.pclntabEnd - pcAt)));

    const got = await locateModuledata(exe, pcAt);
    expect(got.addr).toBe(mdAt);
    expect([got.layout, got.pclntab, got.pclntabEnd, got.text, got.etext, got.minpc, got.maxpc]).toEqual([layout, pcAt, md.pclntabEnd, text, etext, t.minpc, t.maxpc]);
    expect(got.gofunc).toBe(layout === '1.2' || layout === '1.16' ? undefined : gofunc);
    if (layout !== '1.2') expect(got.textSections).toEqual([{ vaddr: 0n, end: etext - text, baseaddr: text }]);
    const gf = await readGoFunc(exe, got, tab);
    if (got.gofunc === undefined) expect(gf).toBeUndefined();
    else expect(gf?.bytes).toEqual(rodata.subarray(128));
  });

  test.prop([fc.boolean(), fc.boolean()])('no table: a not-format error', async (class64, little) => {
    const { bytes } = buildElf({ class64, little, machine: 62, type: 2, entry: 0n, osabi: 0, sections: [{ name: '.rodata', type: 1, flags: SHF_ALLOC, addr: 0x1000n, data: new Uint8Array(300).fill(0xff) }] });
    await expect(locatePclntab(await openExecutable(bytes))).rejects.toMatchObject({ code: 'not-format', format: 'pclntab' });
  });
});

// ---------------------------------------------------------------------------------------------------
// Mach-O and PE

interface Sect {
  name: string;
  addr: bigint;
  data: Uint8Array;
  zerofill?: number;
  write: boolean;
  exec: boolean;
}

/** A thin Mach-O file: one segment per section, an LC_SYMTAB, LC_MAIN. */
function buildMachO(is64: boolean, little: boolean, cpu: number, sects: Sect[], syms: { name: string; value: bigint }[], entryOff: number) {
  const hdr = is64 ? 32 : 28;
  const segCmd = is64 ? 72 : 56;
  const secHdr = is64 ? 80 : 68;
  const cmdsSize = sects.length * (segCmd + secHdr) + 24 + 24;
  let at = align(hdr + cmdsSize, 16);
  const offs = sects.map((s) => {
    const o = at;
    at = align(at + s.data.length, 16);
    return o;
  });
  const nlist = is64 ? 16 : 12;
  const symoff = at;
  at += syms.length * nlist;
  let strs = '\0';
  const strx = syms.map((s) => {
    const o = strs.length;
    strs += s.name + '\0';
    return o;
  });
  const stroff = at;
  at += strs.length;
  const o = new Out(at, little);
  o.u32(0, is64 ? 0xfeedfacf : 0xfeedface);
  o.u32(4, cpu);
  o.u32(12, 2);
  o.u32(16, sects.length + 2);
  o.u32(20, cmdsSize);
  o.u32(24, 0x200000);
  let p = hdr;
  sects.forEach((s, i) => {
    o.u32(p, is64 ? 0x19 : 1);
    o.u32(p + 4, segCmd + secHdr);
    o.str(p + 8, i === 0 ? '__TEXT' : `__SEG${i}`);
    const w = is64 ? 8 : 4;
    let q = p + 24;
    const size = BigInt(s.zerofill ?? s.data.length);
    o.word(q, s.addr, w);
    o.word(q + w, size, w);
    o.word(q + 2 * w, BigInt(s.zerofill !== undefined ? 0 : offs[i]!), w);
    o.word(q + 3 * w, BigInt(s.zerofill !== undefined ? 0 : s.data.length), w);
    q += 4 * w;
    const prot = 1 | (s.write ? 2 : 0) | (s.exec ? 4 : 0);
    o.u32(q, prot);
    o.u32(q + 4, prot);
    o.u32(q + 8, 1);
    q += 16;
    o.str(q, s.name);
    o.str(q + 16, i === 0 ? '__TEXT' : `__SEG${i}`);
    o.word(q + 32, s.addr, w);
    o.word(q + 32 + w, size, w);
    o.u32(q + 32 + 2 * w, s.zerofill !== undefined ? 0 : offs[i]!);
    o.u32(q + 32 + 2 * w + 16, (s.zerofill !== undefined ? 1 : 0) | (s.exec ? 0x80000000 : 0));
    p += segCmd + secHdr;
  });
  o.u32(p, 2);
  o.u32(p + 4, 24);
  o.u32(p + 8, symoff);
  o.u32(p + 12, syms.length);
  o.u32(p + 16, stroff);
  o.u32(p + 20, strs.length);
  p += 24;
  o.u32(p, 0x80000028);
  o.u32(p + 4, 24);
  o.u64(p + 8, BigInt(entryOff));
  sects.forEach((s, i) => {
    if (s.zerofill === undefined) o.b.set(s.data, offs[i]!);
  });
  syms.forEach((s, i) => {
    const q = symoff + i * nlist;
    o.u32(q, strx[i]!);
    o.u8(q + 4, 0x0f);
    o.u8(q + 5, 1);
    o.word(q + 8, s.value, is64 ? 8 : 4);
  });
  o.str(stroff, strs);
  return { bytes: o.b, offs };
}

/** A PE image: DOS stub, COFF header, optional header, sections (long names in the string table), symbols. */
function buildPe(plus: boolean, machine: number, imageBase: bigint, sects: Sect[], syms: { name: string; section: number; value: number }[], entryRva: number) {
  const lfanew = 0x80;
  const optSize = plus ? 240 : 224;
  const secAt = lfanew + 24 + optSize;
  let at = align(secAt + sects.length * 40, 0x200);
  const offs = sects.map((s) => {
    const o = at;
    at = align(at + s.data.length, 0x200);
    return o;
  });
  let strs = '';
  const longName = (n: string) => {
    const o = 4 + strs.length;
    strs += n + '\0';
    return o;
  };
  const symAt = at;
  at += syms.length * 18;
  const symNames = syms.map((s) => (s.name.length > 8 ? longName(s.name) : -1));
  const secNames = sects.map((s) => (s.name.length > 8 ? longName(s.name) : -1));
  const strAt = at;
  at += 4 + strs.length;
  const o = new Out(at, true);
  o.str(0, 'MZ');
  o.u32(0x3c, lfanew);
  o.str(lfanew, 'PE\0\0');
  o.u16(lfanew + 4, machine);
  o.u16(lfanew + 6, sects.length);
  o.u32(lfanew + 12, symAt);
  o.u32(lfanew + 16, syms.length);
  o.u16(lfanew + 20, optSize);
  const opt = lfanew + 24;
  o.u16(opt, plus ? 0x20b : 0x10b);
  o.u32(opt + 16, entryRva);
  if (plus) o.u64(opt + 24, imageBase);
  else o.u32(opt + 28, Number(imageBase));
  o.u16(opt + 70, 0x40);
  sects.forEach((s, i) => {
    const p = secAt + i * 40;
    if (secNames[i]! >= 0) o.str(p, `/${secNames[i]}`);
    else o.str(p, s.name);
    o.u32(p + 8, s.zerofill ?? s.data.length);
    o.u32(p + 12, Number(s.addr - imageBase));
    o.u32(p + 16, s.zerofill !== undefined ? 0 : s.data.length);
    o.u32(p + 20, s.zerofill !== undefined ? 0 : offs[i]!);
    o.u32(p + 36, (s.exec ? 0x20000020 : 0x40) | 0x40000000 | (s.write ? 0x80000000 : 0));
    if (s.zerofill === undefined) o.b.set(s.data, offs[i]!);
  });
  syms.forEach((s, i) => {
    const p = symAt + i * 18;
    if (symNames[i]! >= 0) o.u32(p + 4, symNames[i]!);
    else o.str(p, s.name);
    o.u32(p + 8, s.value);
    o.u16(p + 12, s.section);
    o.u8(p + 16, 2);
  });
  o.u32(strAt, 4 + strs.length);
  o.str(strAt + 4, strs);
  return { bytes: o.b, offs };
}

const sectArb = fc.array(
  fc.record({ name: fc.stringMatching(/^_{0,2}[a-z]{1,12}$/), size: fc.integer({ min: 1, max: 200 }), write: fc.boolean(), exec: fc.boolean(), zero: fc.boolean() }),
  { minLength: 1, maxLength: 5 },
);

function makeSects(spec: { name: string; size: number; write: boolean; exec: boolean; zero: boolean }[], base: bigint): Sect[] {
  return spec.map((s, i) => {
    const sect: Sect = { name: s.name, addr: base + BigInt(i) * 0x10000n, data: Uint8Array.from({ length: s.size }, (_, k) => (k + i * 17) & 0xff), write: s.write, exec: i === 0 || s.exec };
    if (s.zero && i > 0) {
      sect.zerofill = s.size;
      sect.data = new Uint8Array(0);
    }
    return sect;
  });
}

describe('Mach-O', () => {
  test.prop(
    [fc.boolean(), fc.boolean(), fc.constantFrom(7, 12, 0x1000007, 0x100000c), sectArb, fc.array(fc.stringMatching(/^_?[a-z]{1,8}(\.[a-z]{1,8})?$/), { maxLength: 8 }), fc.integer({ min: 0, max: 100 })],
    { numRuns: 150 },
  )('segments, sections, symbols and entry read back', async (is64, little, cpu, spec, names, entryOff) => {
    const base = is64 ? 0x1_0000_0000n : 0x1000n;
    const sects = makeSects(spec, base);
    const syms = names.map((name, i) => ({ name, value: base + BigInt(i * 8) }));
    const { bytes, offs } = buildMachO(is64, little, cpu, sects, syms, entryOff);
    const exe = await openExecutable(bytes);
    expect([exe.format, exe.ptrSize, exe.byteOrder, exe.pie, exe.goos]).toEqual(['macho', is64 ? 8 : 4, little ? 'little' : 'big', true, 'darwin']);
    expect(exe.goarch).toBe({ 7: '386', 12: 'arm', 0x1000007: 'amd64', 0x100000c: 'arm64' }[cpu]);
    // LC_MAIN's entry is a file offset in __TEXT (which starts at file offset 0 here).
    expect(exe.entry).toBe(sects[0]!.addr + BigInt(entryOff) - BigInt(offs[0]!));
    expect(exe.sections.map((s) => [s.name, s.addr, s.size, s.fileSize, s.executable, s.writable])).toEqual(
      sects.map((s) => [s.name, s.addr, s.zerofill ?? s.data.length, s.zerofill !== undefined ? 0 : s.data.length, s.exec, s.write]),
    );
    for (const s of sects) {
      if (s.zerofill === undefined) expect(await exe.readAddress(s.addr, s.data.length)).toEqual(s.data);
      else await expect(exe.readAddress(s.addr, 1)).rejects.toBeInstanceOf(GodiagError);
    }
    // As debug/macho: a dotted name loses the '_' the Go linker put in front.
    expect((await exe.symbols()).map((s) => [s.name, s.value])).toEqual(syms.map((s) => [s.name.startsWith('_') && s.name.includes('.') ? s.name.slice(1) : s.name, s.value]));
  });
});

describe('PE', () => {
  test.prop(
    [fc.boolean(), fc.constantFrom(0x14c, 0x8664, 0x1c4, 0xaa64), sectArb, fc.array(fc.stringMatching(/^[a-z.]{1,20}$/), { maxLength: 8 }), fc.integer({ min: 0, max: 0x1000 })],
    { numRuns: 150 },
  )('sections (long names too), symbols as addresses, entry read back', async (plus, machine, spec, names, entryRva) => {
    const imageBase = plus ? 0x1_4000_0000n : 0x40_0000n;
    const sects = makeSects(spec.map((s, i) => ({ ...s, name: (i % 2 === 0 ? '.' : '.zdebug_') + s.name })), imageBase + 0x1000n);
    const syms = names.map((name, i) => ({ name, section: (i % sects.length) + 1, value: i * 4 }));
    const { bytes } = buildPe(plus, machine, imageBase, sects, syms, entryRva);
    const exe = await openExecutable(bytes);
    expect([exe.format, exe.ptrSize, exe.byteOrder, exe.pie, exe.goos, exe.imageBase]).toEqual(['pe', plus ? 8 : 4, 'little', true, 'windows', imageBase]);
    expect(exe.goarch).toBe({ 0x14c: '386', 0x8664: 'amd64', 0x1c4: 'arm', 0xaa64: 'arm64' }[machine]);
    expect(exe.entry).toBe(entryRva === 0 ? 0n : imageBase + BigInt(entryRva));
    expect(exe.sections.map((s) => [s.name, s.addr, s.size, s.fileSize, s.executable, s.writable])).toEqual(
      sects.map((s) => [s.name, s.addr, s.zerofill ?? s.data.length, s.zerofill !== undefined ? 0 : s.data.length, s.exec, s.write]),
    );
    for (const s of sects) if (s.zerofill === undefined) expect(await exe.readAddress(s.addr, s.data.length)).toEqual(s.data);
    expect((await exe.symbols()).map((s) => [s.name, s.value])).toEqual(syms.map((s) => [s.name, sects[s.section - 1]!.addr + BigInt(s.value)]));
  });
});

// ---------------------------------------------------------------------------------------------------
// Damaged files

describe('truncated or corrupt executables end in a GodiagError', () => {
  const manifest = loadManifest();
  const samples = ['elf', 'macho', 'pe'].flatMap((format) => {
    const f = manifest.fixtures.find((x) => x.format === format && x.program === 'basic');
    return f === undefined ? [] : [[format, fixtureBytes(f)] as const];
  });

  /** Everything a reader of Layer A does with a file; each step may fail, but only with a GodiagError. */
  async function exercise(bytes: Uint8Array): Promise<void> {
    const step = async (f: () => Promise<unknown>) => {
      try {
        await f();
      } catch (e) {
        if (!(e instanceof GodiagError)) throw e;
      }
    };
    let exe;
    try {
      exe = await openExecutable(bytes);
    } catch (e) {
      if (e instanceof GodiagError) return;
      throw e;
    }
    const x = exe;
    await step(() => x.symbols());
    await step(() => x.buildId());
    for (const s of x.sections.slice(0, 40)) await step(() => x.readSection(s));
    await step(() => readBuildInfo(x));
    await step(async () => {
      const tab = await locatePclntab(x);
      const md = await locateModuledata(x, tab.addr);
      await readGoFunc(x, md, tab);
    });
  }

  for (const [format, bytes] of samples) {
    test.prop([fc.integer({ min: 0, max: bytes.length - 1 })], { numRuns: 40 })(`${format}: truncated anywhere`, async (n) => {
      await exercise(bytes.subarray(0, n));
    });

    test.prop([fc.array(fc.tuple(fc.integer({ min: 0, max: 8191 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 12 })], { numRuns: 60 })(
      `${format}: header bytes overwritten`,
      async (edits) => {
        const b = bytes.slice();
        for (const [at, v] of edits) b[at] = v;
        await exercise(b);
      },
    );

    test.prop([fc.array(fc.tuple(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 40 })], { numRuns: 30 })(
      `${format}: bytes overwritten anywhere`,
      async (edits) => {
        const b = bytes.slice();
        for (const [at, v] of edits) b[at] = v;
        await exercise(b);
      },
    );
  }

  test.prop([fc.uint8Array({ maxLength: 600 }), fc.constantFrom('\x7fELF', 'MZ', '\xfe\xed\xfa\xcf', '\xcf\xfa\xed\xfe', '\xca\xfe\xba\xbe', '')], { numRuns: 300 })(
    'random bytes behind a magic number',
    async (rest, magic) => {
      const b = new Uint8Array(magic.length + rest.length);
      for (let i = 0; i < magic.length; i++) b[i] = magic.charCodeAt(i);
      b.set(rest, magic.length);
      await exercise(b);
    },
  );
});
