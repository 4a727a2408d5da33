/**
 * PE images (PE32 and PE32+) over random access: COFF and optional headers, sections (long names from
 * the COFF string table), COFF symbols, and the Go build ID.
 * @module
 */

import { ByteCursor } from '../../internal/cursor.js';
import { ErrorCode, GodiagError } from '../../internal/errors.js';
import { Limits, checkLimit } from '../../internal/limits.js';
import type { RandomAccess } from '../../internal/random-access.js';
import { decodeUtf8 } from '../../internal/utf8.js';
import { ExecutableBase, type ExecutableHeader } from './base.js';
import type { ExecutableBuildId, ExecutableSection, ExecutableSegment, ExecutableSymbol } from './types.js';

const IMAGE_SCN_CNT_CODE = 0x20;
const IMAGE_SCN_MEM_EXECUTE = 0x20000000;
const IMAGE_SCN_MEM_WRITE = 0x80000000;
const DYNAMIC_BASE = 0x40;
const SYMBOL_SIZE = 18;

/** GOARCH of a COFF `Machine`, where Go has one. */
function peArch(machine: number): string {
  switch (machine) {
    case 0x14c: return '386';
    case 0x8664: return 'amd64';
    case 0x1c0:
    case 0x1c4: return 'arm';
    case 0xaa64: return 'arm64';
    default: return '';
  }
}

/** A PE section header as stored (RVA-based), with its resolved name. */
export interface PeSectionHeader {
  /** Resolved name. */
  name: string;
  /** `VirtualSize`. */
  virtualSize: number;
  /** `VirtualAddress` (an RVA). */
  virtualAddress: number;
  /** `SizeOfRawData`. */
  sizeOfRawData: number;
  /** `PointerToRawData`. */
  pointerToRawData: number;
  /** `Characteristics`. */
  characteristics: number;
}

/** An opened PE image. */
export class PeExecutable extends ExecutableBase {
  /** COFF `Machine`. */
  readonly machine: number;
  /** Section headers as stored, in order (COFF symbols number sections from 1 in this order). */
  readonly peSections: readonly PeSectionHeader[];
  private readonly symbolTable: { offset: number; count: number; strings: () => Promise<Uint8Array> };

  constructor(ra: RandomAccess, h: ExecutableHeader, machine: number, peSections: PeSectionHeader[], symbolTable: PeExecutable['symbolTable']) {
    super(ra, h);
    this.machine = machine;
    this.peSections = peSections;
    this.symbolTable = symbolTable;
  }

  protected async readSymbols(): Promise<readonly ExecutableSymbol[]> {
    const { offset, count, strings } = this.symbolTable;
    if (count === 0) return [];
    const b = await this.readFile(offset, count * SYMBOL_SIZE);
    const names = await strings();
    const c = new ByteCursor(b, 'pe', { littleEndian: true, baseOffset: offset });
    const out: ExecutableSymbol[] = [];
    for (let i = 0; i < count; i++) {
      c.seek(i * SYMBOL_SIZE);
      const name = coffName(c.bytesView(8, 'symbol name'), names, offset + i * SYMBOL_SIZE);
      const raw = c.u32();
      const sectionNumber = (c.u16() << 16) >> 16; // signed
      c.u16(); // type
      c.u8(); // storage class
      const aux = c.u8();
      const sect = sectionNumber > 0 ? this.peSections[sectionNumber - 1] : undefined;
      const value = sect !== undefined ? this.imageBase + BigInt(sect.virtualAddress) + BigInt(raw) : BigInt(raw);
      out.push({ name, value, size: 0n });
      i += aux; // auxiliary records describe the symbol before them
    }
    return out;
  }

  protected readBuildId(): Promise<ExecutableBuildId> {
    return this.goBuildIdInText('.text');
  }
}

/** A COFF short name (8 bytes, NUL-padded), or `/N` / a zero-prefixed offset into the string table. */
function coffName(b: Uint8Array, strings: Uint8Array, at: number): string {
  if (b[0] === 0 && b[1] === 0 && b[2] === 0 && b[3] === 0) {
    const off = new DataView(b.buffer, b.byteOffset, 8).getUint32(4, true);
    return stringAt(strings, off, at);
  }
  return fixedName(b);
}

function fixedName(b: Uint8Array): string {
  let end = b.indexOf(0);
  if (end < 0) end = 8;
  return decodeUtf8(b.subarray(0, end));
}

function stringAt(strings: Uint8Array, off: number, at: number): string {
  if (off < 4 || off >= strings.length) {
    throw new GodiagError(ErrorCode.Corrupt, { format: 'pe', offset: at, message: `name offset ${off} is outside the ${strings.length}-byte COFF string table` });
  }
  let end = strings.indexOf(0, off);
  if (end < 0) end = strings.length;
  return decodeUtf8(strings.subarray(off, end));
}

/** Parses the headers of a PE image. */
export async function openPe(ra: RandomAccess): Promise<PeExecutable> {
  if (ra.size < 0x40) throw new GodiagError(ErrorCode.Truncated, { format: 'pe', offset: ra.size, message: 'unexpected end of input: expected a 64-byte DOS header' });
  const dos = await ra.read(0, 0x40);
  if (dos[0] !== 0x4d || dos[1] !== 0x5a) throw new GodiagError(ErrorCode.NotFormat, { format: 'pe', offset: 0, message: 'not a PE image (no MZ signature)' });
  const lfanew = new DataView(dos.buffer, dos.byteOffset, dos.byteLength).getUint32(0x3c, true);
  if (lfanew + 24 > ra.size) throw new GodiagError(ErrorCode.Truncated, { format: 'pe', offset: 0x3c, message: `PE header offset ${lfanew} lies beyond the ${ra.size}-byte file` });
  const coff = new ByteCursor(await ra.read(lfanew, 24), 'pe', { littleEndian: true, baseOffset: lfanew });
  if (coff.u32() !== 0x4550) throw coff.error(ErrorCode.NotFormat, 'missing PE\\0\\0 signature', lfanew);
  const machine = coff.u16();
  const nsections = coff.u16();
  coff.u32(); // TimeDateStamp
  const symOffset = coff.u32();
  const nsyms = coff.u32();
  const optSize = coff.u16();
  coff.u16(); // Characteristics

  const optAt = lfanew + 24;
  if (optAt + optSize > ra.size) throw new GodiagError(ErrorCode.Truncated, { format: 'pe', offset: optAt, message: `unexpected end of input: expected a ${optSize}-byte optional header` });
  const opt = new ByteCursor(await ra.read(optAt, optSize), 'pe', { littleEndian: true, baseOffset: optAt });
  let ptrSize: 4 | 8 = 4;
  let imageBase = 0n;
  let entryRva = 0;
  let dllCharacteristics = 0;
  if (optSize >= 2) {
    const magic = opt.u16();
    if (magic !== 0x10b && magic !== 0x20b) throw opt.error(ErrorCode.Corrupt, `unknown optional header magic 0x${magic.toString(16)}, expected 0x10b (PE32) or 0x20b (PE32+)`, optAt);
    ptrSize = magic === 0x20b ? 8 : 4;
    opt.seek(16);
    entryRva = opt.u32();
    opt.seek(ptrSize === 8 ? 24 : 28);
    imageBase = ptrSize === 8 ? opt.u64() : BigInt(opt.u32());
    opt.seek(70);
    dllCharacteristics = opt.u16();
  }

  // The COFF string table follows the symbols; section names longer than 8 bytes point into it.
  // It is read only when needed: a large binary's table is megabytes.
  let symCount = 0;
  let strAt = 0;
  if (symOffset !== 0) {
    checkLimit(nsyms, Limits.maxItems, 'pe', lfanew + 12, 'symbol count');
    strAt = symOffset + nsyms * SYMBOL_SIZE;
    if (strAt + 4 > ra.size) {
      throw new GodiagError(ErrorCode.Truncated, { format: 'pe', offset: Math.min(strAt, ra.size), message: `unexpected end of input: expected ${nsyms} COFF symbols and a string table at offset ${symOffset}` });
    }
    symCount = nsyms;
  }
  let stringsRead: Promise<Uint8Array> | undefined;
  const strings = (): Promise<Uint8Array> => (stringsRead ??= readStrings(ra, strAt));

  const secAt = optAt + optSize;
  checkLimit(nsections, Limits.maxItems, 'pe', lfanew + 6, 'section count');
  if (secAt + nsections * 40 > ra.size) throw new GodiagError(ErrorCode.Truncated, { format: 'pe', offset: secAt, message: `unexpected end of input: expected ${nsections} section headers` });
  const sc = new ByteCursor(await ra.read(secAt, nsections * 40), 'pe', { littleEndian: true, baseOffset: secAt });
  const peSections: PeSectionHeader[] = [];
  const sections: ExecutableSection[] = [];
  const segments: ExecutableSegment[] = [];
  for (let i = 0; i < nsections; i++) {
    const at = sc.offset;
    const nameBytes = sc.bytesView(8, 'section name');
    let name: string;
    if (nameBytes[0] === 0x2f) {
      // "/123": decimal offset into the string table.
      const digits = decodeUtf8(nameBytes.subarray(1, nameBytes.indexOf(0) < 0 ? 8 : nameBytes.indexOf(0)));
      if (!/^[0-9]+$/.test(digits) || strAt === 0) throw sc.error(ErrorCode.Corrupt, `bad long section name ${JSON.stringify('/' + digits)}`, at);
      name = stringAt(await strings(), Number(digits), at);
    } else {
      name = fixedName(nameBytes);
    }
    const virtualSize = sc.u32();
    const virtualAddress = sc.u32();
    const sizeOfRawData = sc.u32();
    const pointerToRawData = sc.u32();
    sc.skip(12, 'relocation and line-number fields');
    const characteristics = sc.u32();
    peSections.push({ name, virtualSize, virtualAddress, sizeOfRawData, pointerToRawData, characteristics });
    // Some linkers leave VirtualSize 0; the raw size is then the size in memory too.
    const size = virtualSize !== 0 ? virtualSize : sizeOfRawData;
    const fileSize = Math.min(sizeOfRawData, size);
    const executable = (characteristics & (IMAGE_SCN_MEM_EXECUTE | IMAGE_SCN_CNT_CODE)) !== 0;
    const writable = (characteristics & IMAGE_SCN_MEM_WRITE) !== 0;
    const addr = imageBase + BigInt(virtualAddress);
    sections.push({ name, addr, offset: pointerToRawData, size, fileSize, executable, writable });
    if (fileSize > 0) segments.push({ addr, size, offset: pointerToRawData, fileSize, executable, writable });
  }

  return new PeExecutable(
    ra,
    {
      format: 'pe',
      goos: 'windows',
      goarch: peArch(machine),
      byteOrder: 'little',
      ptrSize,
      entry: entryRva === 0 ? 0n : imageBase + BigInt(entryRva),
      pie: (dllCharacteristics & DYNAMIC_BASE) !== 0,
      imageBase,
      sections,
      segments,
    },
    machine,
    peSections,
    { offset: symOffset, count: symCount, strings },
  );
}

async function readStrings(ra: RandomAccess, at: number): Promise<Uint8Array> {
  const head = await ra.read(at, 4);
  const len = (head[0]! | (head[1]! << 8) | (head[2]! << 16) | (head[3]! << 24)) >>> 0;
  checkLimit(len, Limits.maxBlockBytes, 'pe', at, 'COFF string table size');
  if (len <= 4) return new Uint8Array(0);
  if (at + len > ra.size) throw new GodiagError(ErrorCode.Truncated, { format: 'pe', offset: at, message: `unexpected end of input: expected a ${len}-byte COFF string table` });
  return ra.read(at, len);
}
