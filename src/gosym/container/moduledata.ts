/**
 * Finding the runtime's `moduledata` (the `runtime.firstmoduledata` record the linker writes) of an
 * executable: the structure whose first word points at the pclntab. It gives the text range and, from Go
 * 1.18, the `go:func.*` base that inline trees and other funcdata are relative to.
 * @module
 */

import { ErrorCode, GodiagError } from '../../internal/errors.js';
import { Limits, checkLimit } from '../../internal/limits.js';
import { hex } from './base.js';
import { moduleSection, parsePclntabHeader, type PclntabHeaderInfo, type PclntabLayout } from './pclntab.js';
import { fileExtent, scanRange, segmentsForData } from './scan.js';
import type { Executable, ExecutableSection } from './types.js';

/** One entry of moduledata's `textsectmap` (several only in huge binaries that split their text). */
export interface TextSection {
  /** Offset of the section from the start of text, as the pclntab counts. */
  vaddr: bigint;
  /** End of that range. */
  end: bigint;
  /** Address where the section really starts. */
  baseaddr: bigint;
}

/** The fields of moduledata godiag uses. Addresses are link-time addresses from the file. */
export interface ModuleData {
  /** Address of the moduledata record. */
  addr: bigint;
  /** How it was found: Go 1.26's `.go.module` section, or a scan of the data segments. */
  via: 'section' | 'scan';
  /** pclntab layout (decides the record's shape). */
  layout: PclntabLayout;
  /** Address of the pclntab (the record's first word). */
  pclntab: bigint;
  /**
   * End of the pclntab: Go 1.26's `epclntab`, else the end of the function table slice (or of the
   * whole table for the 1.2 layout). Absent when the record does not tell.
   */
  pclntabEnd?: bigint;
  /** Lowest function entry. */
  minpc: bigint;
  /** End of the last function. */
  maxpc: bigint;
  /** Start of text (`runtime.text`): what 1.18+ function offsets are relative to. */
  text: bigint;
  /** End of text (`runtime.etext`). */
  etext: bigint;
  /** 1.18+: `go:func.*`, the base of funcdata offsets (inline trees). */
  gofunc?: bigint;
  /** 1.16+: the type data range. */
  types?: bigint;
  /** 1.16+: end of the type data. */
  etypes?: bigint;
  /** 1.16+: the text section map. */
  textSections?: TextSection[];
}

// Word indices of moduledata fields. 1.16+: pcHeader, then six slices (funcnametab, cutab, filetab,
// pctab, pclntable, ftab), findfunctab, minpc, maxpc, text, etext, four data ranges. Before 1.16 (1.2
// layout): pclntable, ftab, filetab slices, findfunctab, minpc, maxpc, text, etext.
const W16 = { funcname: 1, cu: 4, filetab: 7, pctab: 10, pclntable: 13, ftab: 16, minpc: 20, maxpc: 21, text: 22, etext: 23 };
const W12 = { pclntable: 0, ftab: 3, minpc: 10, maxpc: 11, text: 12, etext: 13 };
/** Words read for a candidate: enough for the 1.26 record up to its textsectmap. */
const WORDS = 48;

/**
 * Finds the moduledata record whose first word is `pclntabAddr`: Go 1.26's `.go.module` section, else
 * a scan of the data segments for that pointer, checked against the pclntab header's offsets.
 * @throws GodiagError (`pclntab`) `not-format` when no record checks out.
 */
export async function locateModuledata(exe: Executable, pclntabAddr: bigint): Promise<ModuleData> {
  const header = await readHeader(exe, pclntabAddr);
  if (pclntabAddr === 0n) throw new GodiagError(ErrorCode.NotFormat, { format: 'pclntab', offset: 0, message: 'a pclntab at address 0 has no moduledata' });
  const section = moduleSection(exe);
  if (section !== undefined) {
    const md = await moduledataInSection(exe, section, header);
    if (md !== undefined && md.pclntab === pclntabAddr) return md;
  }
  const little = exe.byteOrder === 'little';
  const size = exe.ptrSize;
  for (const seg of segmentsForData(exe)) {
    const [from, to] = fileExtent(seg);
    const aligned = (from + BigInt(size - 1)) & ~BigInt(size - 1);
    const found = await scanRange(exe, aligned, to, size - 1, async (chunk, chunkAddr) => {
      const v = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      const lo = Number(pclntabAddr & 0xffffffffn);
      const hi = Number(pclntabAddr >> 32n);
      for (let i = 0; i + size <= chunk.length; i += size) {
        // Compare in 32-bit halves: no bigint per word.
        if (size === 8) {
          const a = v.getUint32(i, little);
          const b = v.getUint32(i + 4, little);
          if ((little ? a : b) !== lo || (little ? b : a) !== hi) continue;
        } else if (v.getUint32(i, little) !== lo) continue;
        // A cheap look at the next word first: the hit may be any word that happens to equal the address.
        if (i + 3 * size <= chunk.length && !secondWordFits(v, i, size, little, pclntabAddr, header)) continue;
        const md = await parseModuledata(exe, chunkAddr + BigInt(i), header, 'scan');
        if (md !== undefined) return md;
      }
      return undefined;
    });
    if (found !== undefined) return found;
  }
  throw new GodiagError(ErrorCode.NotFormat, { format: 'pclntab', offset: 0, message: `no moduledata record points at the pclntab at ${hex(pclntabAddr)}` });
}

/** 1.16+: the funcnametab pointer follows; 1.2: the pclntable slice's length equals its capacity. */
function secondWordFits(v: DataView, i: number, size: 4 | 8, little: boolean, pclntab: bigint, h: PclntabHeaderInfo): boolean {
  const w = (k: number) => (size === 8 ? v.getBigUint64(i + k * size, little) : BigInt(v.getUint32(i + k * size, little)));
  if (h.layout === '1.2') return w(1) !== 0n && w(1) === w(2);
  return w(1) === pclntab + BigInt(h.offsets!.funcname);
}

/** The moduledata record at the start of Go 1.26's `.go.module` section, if it checks out. */
export async function moduledataInSection(exe: Executable, section: ExecutableSection, header?: PclntabHeaderInfo): Promise<ModuleData | undefined> {
  const first = await exe.readAddress(section.addr, exe.ptrSize);
  const v = new DataView(first.buffer, first.byteOffset, first.byteLength);
  const pclntab = exe.ptrSize === 8 ? v.getBigUint64(0, exe.byteOrder === 'little') : BigInt(v.getUint32(0, exe.byteOrder === 'little'));
  const h = header ?? (await readHeader(exe, pclntab).catch(() => undefined));
  if (h === undefined) return undefined;
  return parseModuledata(exe, section.addr, h, 'section');
}

async function readHeader(exe: Executable, pclntabAddr: bigint): Promise<PclntabHeaderInfo> {
  const seg = exe.segmentAt(pclntabAddr);
  const avail = seg === undefined ? 0 : Number(seg.addr + BigInt(seg.fileSize) - pclntabAddr);
  const b = await exe.readAddress(pclntabAddr, Math.min(avail, 8 + 8 * exe.ptrSize));
  const h = parsePclntabHeader(b, exe.byteOrder);
  if (typeof h === 'string') throw new GodiagError(ErrorCode.Corrupt, { format: 'pclntab', offset: 0, message: `at ${hex(pclntabAddr)}: ${h}` });
  return h;
}

/** Reads and checks the record at `addr`; `undefined` if it is not the moduledata of this pclntab. */
async function parseModuledata(exe: Executable, addr: bigint, h: PclntabHeaderInfo, via: 'section' | 'scan'): Promise<ModuleData | undefined> {
  const size = exe.ptrSize;
  const seg = exe.segmentAt(addr);
  if (seg === undefined) return undefined;
  const avail = Number(seg.addr + BigInt(seg.fileSize) - addr) / size;
  const n = Math.min(WORDS, Math.floor(avail));
  if (n < 24) return undefined;
  const b = await exe.readAddress(addr, n * size);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const little = exe.byteOrder === 'little';
  const w = (i: number): bigint => {
    if (i >= n) return 0n;
    return size === 8 ? v.getBigUint64(i * size, little) : BigInt(v.getUint32(i * size, little));
  };
  const pclntab = h.layout === '1.2' ? w(W12.pclntable) : w(0);
  const ordered = (lo: bigint, hi: bigint) => lo <= hi;

  if (h.layout === '1.2') {
    const len = w(W12.pclntable + 1);
    if (len === 0n || len !== w(W12.pclntable + 2)) return undefined;
    if (w(W12.ftab) !== pclntab + BigInt(h.ftabOffset)) return undefined;
    const md: ModuleData = {
      addr, via, layout: h.layout, pclntab, pclntabEnd: pclntab + len,
      minpc: w(W12.minpc), maxpc: w(W12.maxpc), text: w(W12.text), etext: w(W12.etext),
    };
    return plausible(md) ? md : undefined;
  }

  const o = h.offsets!;
  // Each slice must point at its sub-table, as the header's offsets say.
  if (
    w(W16.funcname) !== pclntab + BigInt(o.funcname) ||
    w(W16.cu) !== pclntab + BigInt(o.cu) ||
    w(W16.filetab) !== pclntab + BigInt(o.filetab) ||
    w(W16.pctab) !== pclntab + BigInt(o.pctab) ||
    w(W16.pclntable) !== pclntab + BigInt(o.pcln) ||
    w(W16.ftab) !== pclntab + BigInt(o.pcln) ||
    w(W16.ftab + 1) !== BigInt(h.nfunc + 1)
  ) {
    return undefined;
  }
  const md: ModuleData = {
    addr, via, layout: h.layout, pclntab,
    pclntabEnd: w(W16.pclntable) + w(W16.pclntable + 1),
    minpc: w(W16.minpc), maxpc: w(W16.maxpc), text: w(W16.text), etext: w(W16.etext),
  };
  if (!plausible(md)) return undefined;
  // After etext: noptrdata, data, bss, noptrbss ranges (24..31); 1.20 adds covctrs (32, 33).
  for (let i = 24; i < 32; i += 2) if (!ordered(w(i), w(i + 1))) return undefined;
  let at = 32;
  if (h.layout === '1.20') at += 2;
  at += 3; // end, gcdata, gcbss
  md.types = w(at);
  md.etypes = w(at + 1);
  at += 2;
  if (h.layout !== '1.16') {
    at += 1; // rodata
    md.gofunc = w(at);
    at += 1;
    // Go 1.26 adds epclntab before textsectmap: tell the two shapes apart by where a textsectmap
    // (pointer, len, cap with len == cap, a handful of sections) fits.
    const isMap = (i: number) => w(i + 1) === w(i + 2) && w(i + 1) >= 1n && w(i + 1) <= 4096n;
    if (h.layout === '1.20' && !isMap(at) && isMap(at + 1) && w(at) >= md.pclntabEnd!) {
      md.pclntabEnd = w(at);
      at += 1;
    }
  }
  const mapPtr = w(at);
  const mapLen = w(at + 1);
  if (mapLen >= 1n && mapLen === w(at + 2) && mapLen <= 4096n) {
    const count = checkLimit(mapLen, Limits.maxItems, 'pclntab', 0, 'text section count');
    const tb = await exe.readAddress(mapPtr, count * 3 * size).catch(() => undefined);
    if (tb !== undefined) {
      const tv = new DataView(tb.buffer, tb.byteOffset, tb.byteLength);
      const tw = (i: number) => (size === 8 ? tv.getBigUint64(i * size, little) : BigInt(tv.getUint32(i * size, little)));
      md.textSections = [];
      for (let i = 0; i < count; i++) md.textSections.push({ vaddr: tw(3 * i), end: tw(3 * i + 1), baseaddr: tw(3 * i + 2) });
    }
  }
  return md;
}

/** The text fields must be ordered: text ≤ minpc ≤ maxpc ≤ etext (maxpc may overshoot etext by padding). */
function plausible(md: ModuleData): boolean {
  return md.text > 0n && md.text <= md.minpc && md.minpc <= md.maxpc && md.text < md.etext && md.maxpc <= md.etext + 0x10000n;
}

/** The `go:func.*` funcdata region: where 1.18+ inline trees and other funcdata live. */
export interface GoFuncRegion {
  /** Address of `go:func.*`. */
  addr: bigint;
  /** Its bytes, up to the end of the section holding it (or the start of the pclntab, if that comes first). */
  bytes: Uint8Array;
}

/**
 * Reads the `go:func.*` region of a 1.18+ binary; `undefined` before 1.18. Go 1.26 places it inside the
 * pclntab (pass the located table to get a view without a second read); older linkers put it in
 * read-only data just before the pclntab, so the read stops there.
 */
export async function readGoFunc(exe: Executable, md: ModuleData, pclntab?: { addr: bigint; bytes: Uint8Array }): Promise<GoFuncRegion | undefined> {
  const gofunc = md.gofunc;
  if (gofunc === undefined || gofunc === 0n) return undefined;
  if (pclntab !== undefined && gofunc >= pclntab.addr && gofunc < pclntab.addr + BigInt(pclntab.bytes.length)) {
    return { addr: gofunc, bytes: pclntab.bytes.subarray(Number(gofunc - pclntab.addr)) };
  }
  const seg = exe.segmentAt(gofunc);
  if (seg === undefined) throw new GodiagError(ErrorCode.Corrupt, { format: 'pclntab', offset: 0, message: `go:func.* at ${hex(gofunc)} is not in a file-backed segment` });
  let end = seg.addr + BigInt(seg.fileSize);
  for (const s of exe.sections) {
    if (s.fileSize > 0 && s.addr <= gofunc && gofunc < s.addr + BigInt(s.fileSize)) {
      const e = s.addr + BigInt(s.fileSize);
      if (e < end) end = e;
    }
  }
  const pcAddr = pclntab?.addr ?? md.pclntab;
  if (pcAddr > gofunc && pcAddr < end) end = pcAddr;
  const size = checkLimit(end - gofunc, Limits.maxBlockBytes, 'pclntab', 0, 'go:func.* size');
  return { addr: gofunc, bytes: await exe.readAddress(gofunc, size) };
}
