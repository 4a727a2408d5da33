import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Pclntab, funcIdTableFor, goMinorVersion, type MemoryRegion, type PclntabOptions } from '../../src/gosym/pclntab/index.js';
import { ROOT, fixtureBytes, loadManifest } from '../support/fixtures.js';

// Real executables: the committed fixtures (Go 1.19–1.26; ELF, Mach-O, PE) and, where present, the
// goretk corpus (Go 1.5–1.18, stripped). Expectations come from Go's sources (FuncID tables, which runtime
// function has which ID, the structure of the table) and from the table's own consistency; the exact
// positions are proven against debug/gosym and runtime.CallersFrames by the golden tests.

interface Section {
  name: string;
  addr: bigint;
  bytes: Uint8Array;
}

/** The allocated sections of an ELF, Mach-O (64-bit) or PE file: just enough to find the tables. */
function sections(b: Uint8Array): { sections: Section[]; ptrSize: 4 | 8; le: boolean; symbols: Map<string, bigint> } {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const str = (off: number) => {
    let e = off;
    while (e < b.length && b[e] !== 0) e++;
    return new TextDecoder().decode(b.subarray(off, e));
  };
  const symbols = new Map<string, bigint>();
  if (b[0] === 0x7f && b[1] === 0x45) {
    const is64 = b[4] === 2;
    const le = b[5] === 1;
    const u16 = (o: number) => dv.getUint16(o, le);
    const u32 = (o: number) => dv.getUint32(o, le);
    const word = (o: number) => (is64 ? dv.getBigUint64(o, le) : BigInt(dv.getUint32(o, le)));
    const shoff = Number(word(is64 ? 0x28 : 0x20));
    const shentsize = u16(is64 ? 0x3a : 0x2e);
    const shnum = u16(is64 ? 0x3c : 0x30);
    const shstrndx = u16(is64 ? 0x3e : 0x32);
    const hdr = (i: number) => {
      const o = shoff + i * shentsize;
      return {
        name: u32(o),
        type: u32(o + 4),
        addr: word(o + (is64 ? 0x10 : 0x0c)),
        offset: Number(word(o + (is64 ? 0x18 : 0x10))),
        size: Number(word(o + (is64 ? 0x20 : 0x14))),
        link: u32(o + (is64 ? 0x28 : 0x18)),
      };
    };
    const strtab = hdr(shstrndx).offset;
    const out: Section[] = [];
    for (let i = 0; i < shnum; i++) {
      const h = hdr(i);
      if (h.type === 2) {
        // .symtab: go:func.* / go.func.* when not stripped
        const strs = hdr(h.link).offset;
        const ent = is64 ? 24 : 16;
        for (let o = h.offset; o < h.offset + h.size; o += ent) {
          const name = str(strs + u32(o));
          if (name === 'go:func.*' || name === 'go.func.*' || name === 'runtime.text') symbols.set(name, word(o + (is64 ? 8 : 4)));
        }
      }
      if (h.type === 8 || h.addr === 0n) continue;
      out.push({ name: str(strtab + h.name), addr: h.addr, bytes: b.subarray(h.offset, h.offset + h.size) });
    }
    return { sections: out, ptrSize: is64 ? 8 : 4, le, symbols };
  }
  if (dv.getUint32(0, true) === 0xfeedfacf) {
    const ncmds = dv.getUint32(16, true);
    let o = 32;
    const out: Section[] = [];
    for (let c = 0; c < ncmds; c++) {
      const cmd = dv.getUint32(o, true);
      const size = dv.getUint32(o + 4, true);
      if (cmd === 0x19) {
        const nsects = dv.getUint32(o + 64, true);
        for (let s = 0; s < nsects; s++) {
          const so = o + 72 + s * 80;
          const name = str(so).slice(0, 16);
          const type = dv.getUint32(so + 64, true) & 0xff;
          const addr = dv.getBigUint64(so + 32, true);
          const sz = Number(dv.getBigUint64(so + 40, true));
          const off = dv.getUint32(so + 48, true);
          if (type === 1 || type === 0x12) continue; // zerofill
          out.push({ name, addr, bytes: b.subarray(off, off + sz) });
        }
      }
      o += size;
    }
    return { sections: out, ptrSize: 8, le: true, symbols };
  }
  // PE: sections at their image addresses; runtime.pclntab/epclntab from the COFF symbols.
  const pe = dv.getUint32(0x3c, true);
  const nsect = dv.getUint16(pe + 6, true);
  const symtab = dv.getUint32(pe + 12, true);
  const nsyms = dv.getUint32(pe + 16, true);
  const optSize = dv.getUint16(pe + 20, true);
  const opt = pe + 24;
  const is64 = dv.getUint16(opt, true) === 0x20b;
  const base = is64 ? dv.getBigUint64(opt + 24, true) : BigInt(dv.getUint32(opt + 28, true));
  const out: Section[] = [];
  for (let s = 0; s < nsect; s++) {
    const so = opt + optSize + s * 40;
    const name = new TextDecoder().decode(b.subarray(so, so + 8)).replace(/\0+$/, '');
    const va = dv.getUint32(so + 12, true);
    const rawSize = dv.getUint32(so + 16, true);
    const raw = dv.getUint32(so + 20, true);
    out.push({ name, addr: base + BigInt(va), bytes: b.subarray(raw, raw + rawSize) });
  }
  const strings = symtab + nsyms * 18;
  for (let i = 0; i < nsyms; i++) {
    const so = symtab + i * 18;
    // A name of up to 8 bytes is inline; longer ones are offsets into the string table (first word 0).
    const name = dv.getUint32(so, true) === 0 ? str(strings + dv.getUint32(so + 4, true)) : new TextDecoder().decode(b.subarray(so, so + 8)).replace(/\0+$/, '');
    const sect = dv.getInt16(so + 12, true);
    if (sect >= 1 && sect <= out.length) symbols.set(name, out[sect - 1]!.addr + BigInt(dv.getUint32(so + 8, true)));
    i += b[so + 17]!;
  }
  return { sections: out, ptrSize: is64 ? 8 : 4, le: true, symbols };
}

/** The pclntab bytes and the options the container gives: text start and go:func.* from moduledata. */
function load(b: Uint8Array, goVersion?: string): { bytes: Uint8Array; options: PclntabOptions } {
  const { sections: secs, ptrSize, le, symbols } = sections(b);
  let pcln: Section | undefined = secs.find((s) => s.name === '.gopclntab' || s.name === '.data.rel.ro.gopclntab' || s.name === '__gopclntab');
  if (!pcln && !symbols.has('runtime.pclntab')) {
    // A stripped PE: the header magic of Go 1.20+ (little-endian, two zero bytes, quantum, pointer size).
    for (const s of secs) {
      for (let at = s.bytes.indexOf(0xf1); at >= 0 && at + 8 <= s.bytes.length; at = s.bytes.indexOf(0xf1, at + 1)) {
        const h = s.bytes.subarray(at, at + 8);
        if (h[1] === 0xff && h[2] === 0xff && h[3] === 0xff && h[4] === 0 && h[5] === 0 && h[6] === 1 && h[7] === ptrSize) {
          pcln = { name: 'pclntab', addr: s.addr + BigInt(at), bytes: s.bytes.subarray(at) };
          break;
        }
      }
      if (pcln) break;
    }
  }
  if (!pcln) {
    const start = symbols.get('runtime.pclntab')!;
    const end = symbols.get('runtime.epclntab')!;
    const s = secs.find((x) => start >= x.addr && start < x.addr + BigInt(x.bytes.length))!;
    pcln = { name: 'pclntab', addr: start, bytes: s.bytes.subarray(Number(start - s.addr), Number(end - s.addr)) };
  }
  const header = Pclntab.readHeader(pcln.bytes);
  // moduledata starts with a pointer to the pclntab; text is its word 22, gofunc word 38 (1.18–1.19) or
  // 40 (1.20+, after covctrs/ecovctrs): runtime/symtab.go's moduledata of those releases.
  const word = (v: DataView, o: number) => (ptrSize === 8 ? v.getBigUint64(o, le) : BigInt(v.getUint32(o, le)));
  const options: PclntabOptions = { addr: pcln.addr, memory: secs.filter((s) => s !== pcln).map((s): MemoryRegion => ({ addr: s.addr, bytes: s.bytes })) };
  if (goVersion !== undefined) options.goVersion = goVersion;
  if (header.layout === '1.18' || header.layout === '1.20') {
    const gofuncWord = header.layout === '1.18' ? 38 : 40;
    for (const s of secs) {
      if (!/noptrdata|go\.module|go_module|^\.data$|__data/.test(s.name)) continue;
      const v = new DataView(s.bytes.buffer, s.bytes.byteOffset, s.bytes.byteLength);
      for (let o = 0; o + (gofuncWord + 1) * ptrSize <= s.bytes.length; o += ptrSize) {
        if (word(v, o) !== pcln.addr) continue;
        options.textStart = word(v, o + 22 * ptrSize);
        options.goFunc = { addr: word(v, o + gofuncWord * ptrSize) };
        break;
      }
      if (options.goFunc) break;
    }
    // Position-independent executables leave moduledata to be relocated at load: use the symbols then.
    const gofuncSym = symbols.get('go:func.*') ?? symbols.get('go.func.*');
    const textSym = symbols.get('runtime.text') ?? secs.find((x) => x.name === '.text' || x.name === '__text')?.addr;
    if (options.goFunc === undefined && gofuncSym !== undefined) options.goFunc = { addr: gofuncSym };
    if (options.textStart === undefined && textSym !== undefined) options.textStart = textSym;
    if (gofuncSym !== undefined) expect(options.goFunc?.addr).toBe(gofuncSym);
    if (symbols.has('runtime.text')) expect(options.textStart).toBe(symbols.get('runtime.text'));
  }
  return { bytes: pcln.bytes, options };
}

/** The checks every real table passes. */
function checkTable(tab: Pclntab, goVersion: string | undefined) {
  const fs = [...tab.functions()];
  expect(fs.length).toBe(tab.funcCount);
  expect(fs.length).toBeGreaterThan(1000);
  // Names are not unique: Go 1.17+ ABI wrappers share the name of the function they wrap.
  const byName = new Map<string, typeof fs>();
  for (const f of fs) byName.set(f.name, [...(byName.get(f.name) ?? []), f]);
  // Every function is found at its entry and at its last byte; functions are sorted and contiguous.
  for (let i = 0; i < fs.length; i++) {
    const f = fs[i]!;
    expect(f.name.length).toBeGreaterThan(0);
    if (i > 0) expect(f.entry).toBe(fs[i - 1]!.end);
    if (f.end > f.entry) {
      expect(tab.funcIndex(f.entry)).toBe(i);
      expect(tab.funcIndex(f.end - 1n)).toBe(i);
    }
  }
  expect(tab.funcAt(fs[0]!.entry - 1n)).toBeUndefined();
  expect(byName.has('main.main')).toBe(true);
  expect(byName.has('runtime.main')).toBe(true);

  // FuncIDs: the runtime functions carry the ID of their name in the writing release's table (from Go's
  // sources), with the version given and, inferred, without it.
  const minor = goVersion === undefined ? undefined : goMinorVersion(goVersion);
  const table = minor === undefined ? undefined : funcIdTableFor(minor);
  for (const [fname, idName] of [
    ['runtime.goexit', 'goexit'],
    ['runtime.mstart', 'mstart'],
    ['runtime.main', 'runtime_main'],
    ['runtime.systemstack', 'systemstack'],
    ['runtime.gopanic', 'gopanic'],
    ['runtime.morestack', 'morestack'],
  ] as const) {
    const same = byName.get(fname);
    if (!same || minor === undefined || minor < 12) continue;
    expect(same.map((f) => f.funcIDName), fname).toContain(idName);
    if (table) expect(same.map((f) => f.funcID), fname).toContain(table.names.indexOf(idName));
  }

  // Positions: lines() partitions each function; the innermost frame of lookup() is the position
  // fileLine() reports; the last frame is the physical function; inlined frames name other functions.
  let inlined = 0;
  for (let i = 0; i < fs.length; i += 7) {
    const f = fs[i]!;
    const runs = tab.lines(f);
    if (f.end === f.entry) continue;
    expect(runs[0]!.pc).toBe(f.entry);
    expect(runs[runs.length - 1]!.end).toBe(f.end);
    for (const r of runs) {
      const frames = tab.lookup(r.pc);
      const last = frames[frames.length - 1]!;
      expect(last.function).toBe(f.name);
      expect(last.inlined).toBe(false);
      expect(last.inlineTreeMissing).toBeUndefined();
      const fl = tab.fileLine(r.pc)!;
      if (fl.line >= 0 && fl.file !== '') expect([frames[0]!.file, frames[0]!.line]).toEqual([fl.file, fl.line]);
      expect([fl.file, fl.line]).toEqual([r.file, r.line]);
      for (const fr of frames) expect(fr.entry).toBe(f.entry);
      if (frames.length > 1) {
        inlined++;
        for (const fr of frames.slice(0, -1)) {
          expect(fr.inlined).toBe(true);
          expect(fr.function.length).toBeGreaterThan(0);
        }
      }
    }
  }
  const minorOrLayout = minor ?? (tab.layout === '1.2' ? undefined : 16);
  if (minorOrLayout !== undefined && minorOrLayout >= 12) expect(inlined).toBeGreaterThan(100);
  // lineToPCs: the first PC of main.main's first line is its entry's position.
  const main = byName.get('main.main')![0]!;
  const at = tab.fileLine(main.entry)!;
  const pcs = tab.lineToPCs(at.file, at.line);
  expect(pcs.length).toBeGreaterThan(0);
  for (const pc of pcs) expect(tab.fileLine(pc)).toEqual(at);
  expect(tab.files()).toContain(at.file);
}

describe('Pclntab on the committed executables', () => {
  const fixtures = loadManifest().fixtures.filter((f) => f.format === 'elf' || f.format === 'macho' || f.format === 'pe');
  for (const f of fixtures) {
    it(`${f.path} (${f.goVersion} ${f.goos}/${f.goarch})`, () => {
      const { bytes, options } = load(fixtureBytes(f), f.goVersion);
      const tab = Pclntab.parse(bytes, options);
      checkTable(tab, f.goVersion);
      // Without the version, FuncID names are inferred and the answers do not change.
      const { goVersion: _v, ...noVersion } = options;
      const tab2 = Pclntab.parse(bytes, noVersion);
      for (const a of tab.functions()) {
        if (a.funcID === 0) continue;
        expect(tab2.func(a.index).funcIDName, a.name).toBe(a.funcIDName);
      }
    });
  }
});

const CORPUS = join(ROOT, '..', 'shared', 'corpus', 'gosym', 'goretk');
const corpusFiles = existsSync(CORPUS) ? readdirSync(CORPUS).filter((n) => n.startsWith('gold-')) : [];

describe.skipIf(corpusFiles.length === 0)('Pclntab on the goretk corpus (Go 1.5–1.18, stripped)', () => {
  if (corpusFiles.length === 0) console.log(`skipped: ${CORPUS} is absent`);
  for (const name of corpusFiles) {
    it(name, () => {
      const version = /-(1\.\d+)\.\d+$/.exec(name)?.[1];
      const { bytes, options } = load(new Uint8Array(readFileSync(join(CORPUS, name))));
      // Stripped executables of Go ≤ 1.17 carry no version the table could be given: all is inferred.
      const tab = Pclntab.parse(bytes, options);
      const minor = Number(version!.split('.')[1]);
      expect(tab.layout).toBe(minor < 16 ? '1.2' : minor < 18 ? '1.16' : '1.18');
      checkTable(tab, undefined);
      if (minor >= 12) {
        const goexit = [...tab.functions()].filter((f) => f.name === 'runtime.goexit');
        expect(goexit.map((f) => f.funcIDName)).toContain('goexit');
        expect(goexit.map((f) => f.funcID)).toContain(funcIdTableFor(minor)!.names.indexOf('goexit'));
      }
    });
  }
});
