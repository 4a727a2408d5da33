/**
 * Finding the Go pclntab in an executable: by section name, by the `runtime.pclntab` symbols, through
 * Go 1.26's `.go.module` section, or — in stripped binaries — by scanning for its header and checking
 * that the table behind it is well formed.
 * @module
 */

import { ErrorCode, GodiagError } from '../../internal/errors.js';
import { Limits, checkLimit } from '../../internal/limits.js';
import { hex } from './base.js';
import { locateModuledata, moduledataInSection, type ModuleData } from './moduledata.js';
import { fileExtent, inCode, scanRange, segmentsForRodata } from './scan.js';
import type { Executable, ExecutableSection } from './types.js';

import type { PclntabLayout } from '../pclntab/header.js';

export type { PclntabLayout };

const MAGIC: Record<number, PclntabLayout> = {
  0xfffffffb: '1.2',
  0xfffffffa: '1.16',
  0xfffffff0: '1.18',
  0xfffffff1: '1.20',
};

/** What a pclntab header states, as the container layer checks it (the table reader has its own). */
export interface PclntabHeaderInfo {
  /** Layout, from the magic number. */
  layout: PclntabLayout;
  /** Instruction size quantum (1 on x86, 2 on s390x, 4 on RISC machines). */
  quantum: number;
  /** Pointer size. */
  ptrSize: 4 | 8;
  /** Number of functions. */
  nfunc: number;
  /** Size of the header in bytes. */
  headerSize: number;
  /** 1.18+: the text start recorded in the header (0 in Go 1.26, which leaves it to moduledata). */
  textStart?: bigint;
  /** 1.16+: offsets of the sub-tables from the start of the pclntab. */
  offsets?: {
    /** Function names. */
    funcname: number;
    /** Compilation-unit file index table. */
    cu: number;
    /** File names. */
    filetab: number;
    /** pc-value tables. */
    pctab: number;
    /** Function table followed by the function records. */
    pcln: number;
  };
  /** Offset of the function table from the start of the pclntab. */
  ftabOffset: number;
  /** Size in bytes of one function-table entry. */
  ftabEntrySize: number;
}

/**
 * Reads and checks a pclntab header from its first bytes (at least `8 + 8 × ptrSize`, or fewer when
 * the table is shorter). Returns a reason string instead of a header when the bytes are not one.
 */
export function parsePclntabHeader(b: Uint8Array, byteOrder: 'little' | 'big'): PclntabHeaderInfo | string {
  if (b.length < 16) return `${b.length} bytes are too few for a pclntab header`;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const little = byteOrder === 'little';
  const magic = v.getUint32(0, little);
  const layout = MAGIC[magic];
  if (layout === undefined) return `unknown pclntab magic ${hex(magic)}`;
  if (b[4] !== 0 || b[5] !== 0) return 'pclntab header padding is not zero';
  const quantum = b[6]!;
  const ptrSize = b[7]!;
  if (quantum !== 1 && quantum !== 2 && quantum !== 4) return `pclntab pc quantum ${quantum} is not 1, 2 or 4`;
  if (ptrSize !== 4 && ptrSize !== 8) return `pclntab pointer size ${ptrSize} is not 4 or 8`;
  const words = layout === '1.2' ? 1 : layout === '1.16' ? 7 : 8;
  const headerSize = 8 + words * ptrSize;
  if (b.length < headerSize) return `${b.length} bytes are too few for a ${layout} pclntab header of ${headerSize}`;
  const word = (i: number): number => {
    const at = 8 + i * ptrSize;
    if (ptrSize === 4) return v.getUint32(at, little);
    const x = v.getBigUint64(at, little);
    return x > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(x);
  };
  const nfunc = word(0);
  if (nfunc > Limits.maxItems) return `pclntab declares ${nfunc} functions`;
  if (layout === '1.2') {
    return { layout, quantum, ptrSize, nfunc, headerSize, ftabOffset: headerSize, ftabEntrySize: 2 * ptrSize };
  }
  const base = layout === '1.16' ? 2 : 3;
  const offsets = { funcname: word(base), cu: word(base + 1), filetab: word(base + 2), pctab: word(base + 3), pcln: word(base + 4) };
  // The linker lays the sub-tables out in this order after the header.
  if (
    !(headerSize <= offsets.funcname && offsets.funcname <= offsets.cu && offsets.cu <= offsets.filetab && offsets.filetab <= offsets.pctab && offsets.pctab <= offsets.pcln)
  ) {
    return 'pclntab sub-table offsets are out of order';
  }
  const out: PclntabHeaderInfo = { layout, quantum, ptrSize, nfunc, headerSize, offsets, ftabOffset: offsets.pcln, ftabEntrySize: layout === '1.16' ? 2 * ptrSize : 8 };
  if (layout !== '1.16') out.textStart = ptrSize === 8 ? v.getBigUint64(24, little) : BigInt(v.getUint32(16, little));
  return out;
}

/** Where the pclntab was found. */
export interface PclntabLocation {
  /** Virtual address of the first byte (the header). */
  addr: bigint;
  /** The whole table (in Go 1.26 this includes the `go:func.*` data that follows the function table). */
  bytes: Uint8Array;
  /**
   * How it was found: a named section, the `runtime.pclntab`/`runtime.epclntab` symbols, Go 1.26's
   * `.go.module` moduledata section, or a scan for its header.
   */
  via: 'section' | 'symbol' | 'moduledata' | 'scan';
  /** The header, checked. */
  header: PclntabHeaderInfo;
  /** The moduledata, when finding the table went through it (scan, `.go.module`). */
  moduledata?: ModuleData;
}

const SECTION_NAMES = ['.gopclntab', '.data.rel.ro.gopclntab', '__gopclntab'];

/**
 * Finds the pclntab: a named section (`.gopclntab`, `.data.rel.ro.gopclntab`, `__gopclntab`), the
 * symbols `runtime.pclntab`/`runtime.epclntab` (PE, external links), Go 1.26's moduledata section, and
 * last a scan of the file-backed segments for a header whose function table checks out.
 * @throws GodiagError (`pclntab`) `not-format` when there is none, `corrupt` when a named section is not one.
 */
export async function locatePclntab(exe: Executable): Promise<PclntabLocation> {
  for (const name of SECTION_NAMES) {
    const s = exe.section(name);
    if (s === undefined || s.fileSize === 0) continue;
    const bytes = await exe.readSection(s);
    const header = parsePclntabHeader(bytes, exe.byteOrder);
    if (typeof header === 'string') throw new GodiagError(ErrorCode.Corrupt, { format: 'pclntab', offset: s.offset, message: `section ${name}: ${header}` });
    return { addr: s.addr, bytes, via: 'section', header };
  }

  // The other ways are tried in turn; a broken moduledata section or symbol table only means the next.
  const module = moduleSection(exe);
  if (module !== undefined) {
    const md = await orUndefined(moduledataInSection(exe, module));
    if (md !== undefined && md.pclntabEnd !== undefined) {
      const found = await orUndefined(tableAt(exe, md.pclntab, md.pclntabEnd));
      if (found !== undefined) return { ...found, via: 'moduledata', moduledata: md };
    }
  }

  const syms = (await orUndefined(exe.symbols())) ?? [];
  if (syms.length > 0) {
    const start = syms.find((s) => s.name === 'runtime.pclntab') ?? syms.find((s) => s.name === 'pclntab');
    const end = syms.find((s) => s.name === 'runtime.epclntab') ?? syms.find((s) => s.name === 'epclntab');
    if (start !== undefined && end !== undefined && end.value > start.value) {
      const found = await orUndefined(tableAt(exe, start.value, end.value));
      if (found !== undefined) return { ...found, via: 'symbol' };
    }
  }

  const scanned = await scanForPclntab(exe);
  if (scanned !== undefined) return scanned;
  throw new GodiagError(ErrorCode.NotFormat, { format: 'pclntab', offset: 0, message: 'no Go pclntab found (no .gopclntab section, runtime.pclntab symbol, or pclntab header in the file)' });
}

/** The promise's value, or `undefined` if it fails with a {@link GodiagError}. */
async function orUndefined<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof GodiagError) return undefined;
    throw e;
  }
}

/** Go 1.26's moduledata section. */
export function moduleSection(exe: Executable): ExecutableSection | undefined {
  const s = exe.section('.go.module') ?? exe.section('__go_module');
  return s !== undefined && s.fileSize > 0 ? s : undefined;
}

async function tableAt(exe: Executable, start: bigint, end: bigint): Promise<Omit<PclntabLocation, 'via'> | undefined> {
  const size = checkLimit(end - start, Limits.maxBlockBytes, 'pclntab', 0, 'pclntab size');
  const bytes = await exe.readAddress(start, size);
  const header = parsePclntabHeader(bytes, exe.byteOrder);
  if (typeof header === 'string') return undefined;
  return { addr: start, bytes, header };
}

/**
 * Checks that a candidate header is followed by a plausible function table: it fits before `limit`,
 * its first and last entries are in order, and its entry pcs are in code.
 */
async function checkCandidate(exe: Executable, addr: bigint, limit: bigint, h: PclntabHeaderInfo): Promise<boolean> {
  if (h.ptrSize !== exe.ptrSize || h.nfunc === 0) return false;
  const avail = limit - addr;
  const ftabBytes = (h.nfunc + 1) * h.ftabEntrySize;
  if (BigInt(h.ftabOffset + ftabBytes) > avail) return false;
  const little = exe.byteOrder === 'little';
  const sample = Math.min(h.nfunc + 1, 8);
  const head = await exe.readAddress(addr + BigInt(h.ftabOffset), sample * h.ftabEntrySize);
  const tail = await exe.readAddress(addr + BigInt(h.ftabOffset + (h.nfunc - 1) * h.ftabEntrySize), 2 * h.ftabEntrySize);
  const entries = (b: Uint8Array, n: number) => {
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const out: { pc: bigint; off: bigint }[] = [];
    for (let i = 0; i < n; i++) {
      const at = i * h.ftabEntrySize;
      if (h.ftabEntrySize === 8 && h.layout !== '1.2' && h.layout !== '1.16') {
        out.push({ pc: BigInt(v.getUint32(at, little)), off: BigInt(v.getUint32(at + 4, little)) });
      } else if (h.ptrSize === 8) {
        out.push({ pc: v.getBigUint64(at, little), off: v.getBigUint64(at + 8, little) });
      } else {
        out.push({ pc: BigInt(v.getUint32(at, little)), off: BigInt(v.getUint32(at + 4, little)) });
      }
    }
    return out;
  };
  const first = entries(head, sample);
  const last = entries(tail, 2);
  for (let i = 1; i < first.length; i++) if (first[i]!.pc < first[i - 1]!.pc) return false;
  if (last[1]!.pc < last[0]!.pc) return false;
  // Function offsets point past the function table (whose closing entry holds only the end pc),
  // inside the table's bytes.
  const funcBase = h.layout === '1.2' ? 0n : BigInt(h.ftabOffset);
  for (const e of [...first.slice(0, Math.min(first.length, h.nfunc)), last[0]!]) {
    const at = funcBase + e.off;
    if (at < BigInt(h.ftabOffset + h.nfunc * h.ftabEntrySize) || at >= avail) return false;
  }
  if (h.layout === '1.2' || h.layout === '1.16') return inCode(exe, first[0]!.pc);
  const text = h.textStart ?? 0n;
  return text === 0n || (inCode(exe, text) && inCode(exe, text + first[0]!.pc));
}

/** Scans for the pclntab header magic at 4-byte-aligned addresses and checks each candidate. */
async function scanForPclntab(exe: Executable): Promise<PclntabLocation | undefined> {
  const little = exe.byteOrder === 'little';
  const headerMax = 8 + 8 * exe.ptrSize;
  for (const seg of segmentsForRodata(exe)) {
    const [from, to] = fileExtent(seg);
    const found = await scanRange(exe, from, to, headerMax, async (chunk, chunkAddr) => {
      const v = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      const skew = Number((4n - (chunkAddr & 3n)) & 3n);
      // The magic's three 0xff bytes are at 1..3 (little-endian) or 0..2 (big-endian).
      for (let i = skew; i + 8 <= chunk.length; i += 4) {
        if (chunk[i + 2] !== 0xff || chunk[i + 4] !== 0 || chunk[i + 5] !== 0) continue;
        const magic = v.getUint32(i, little);
        if (MAGIC[magic] === undefined) continue;
        const addr = chunkAddr + BigInt(i);
        const hb = chunk.length - i >= headerMax ? chunk.subarray(i, i + headerMax) : await exe.readAddress(addr, Number(to - addr < BigInt(headerMax) ? to - addr : BigInt(headerMax)));
        const h = parsePclntabHeader(hb, exe.byteOrder);
        if (typeof h === 'string' || !(await checkCandidate(exe, addr, to, h))) continue;
        return { addr, h };
      }
      return undefined;
    });
    if (found === undefined) continue;
    // The moduledata points at the table and knows where it ends; without it, take the rest of the segment.
    const md = await locateModuledata(exe, found.addr).catch(() => undefined);
    const end = md?.pclntabEnd !== undefined && md.pclntabEnd > found.addr && md.pclntabEnd <= to ? md.pclntabEnd : to;
    const size = checkLimit(end - found.addr, Limits.maxBlockBytes, 'pclntab', 0, 'pclntab size');
    const bytes = await exe.readAddress(found.addr, size);
    const out: PclntabLocation = { addr: found.addr, bytes, via: 'scan', header: found.h };
    if (md !== undefined) out.moduledata = md;
    return out;
  }
  return undefined;
}
