/**
 * The DWARF sections of an executable, read through its container (random access) and decompressed:
 * ELF `SHF_COMPRESSED` sections (an `Elf32_Chdr`/`Elf64_Chdr` header, then zlib) and the older
 * `.zdebug_*` sections (`ZLIB`, the 8-byte big-endian size, then zlib).
 * @module
 */

import { ByteCursor } from '../../internal/cursor.js';
import { decompressSync } from '../../internal/compression.js';
import { ErrorCode, GodiagError, type FormatName } from '../../internal/errors.js';
import { Limits, checkLimit } from '../../internal/limits.js';
import type { Executable, ExecutableSection } from '../../gosym/container/types.js';

/** The format named in the DWARF reader's errors (the section is named in the message). */
export const DWARF_FORMAT: FormatName = 'dwarf';

/** ELF `ch_type` of a zlib-compressed section. */
const ELFCOMPRESS_ZLIB = 1;

/** Options for reading DWARF. */
export interface DwarfOptions {
  /** Largest decompressed size of one section; default `Limits.maxBlockBytes`. */
  maxSectionBytes?: number;
}

/** The DWARF sections the type reader uses, decompressed; absent sections are empty arrays. */
export interface DwarfSections {
  /** `.debug_abbrev`. */
  abbrev: Uint8Array;
  /** `.debug_info`. */
  info: Uint8Array;
  /** `.debug_str`. */
  str: Uint8Array;
  /** `.debug_line_str` (DWARF 5). */
  lineStr: Uint8Array;
  /** `.debug_str_offsets` (DWARF 5). */
  strOffsets: Uint8Array;
  /** `.debug_addr` (DWARF 5). */
  addr: Uint8Array;
}

/** What the DWARF reader needs of an executable: its sections, byte order and pointer size. */
export type DwarfContainer = Pick<Executable, 'section' | 'readSection' | 'byteOrder' | 'ptrSize'>;

/** A DWARF error: `format` {@link DWARF_FORMAT}, `offset` within the named (decompressed) section. */
export function dwarfError(code: ErrorCode, section: string, offset: number, message: string): GodiagError {
  return new GodiagError(code, { format: DWARF_FORMAT, offset, message: `DWARF ${section}: ${message}` });
}

/**
 * Reads and decompresses the DWARF sections of an executable. Throws a `not-format` error when it has
 * no `.debug_info` (a binary linked with `-ldflags=-w`, or not ELF).
 */
export async function readDwarfSections(exe: DwarfContainer, options: DwarfOptions = {}): Promise<DwarfSections> {
  const max = options.maxSectionBytes ?? Limits.maxBlockBytes;
  const read = async (name: string): Promise<Uint8Array | undefined> => {
    const plain = exe.section(`.debug_${name}`);
    if (plain !== undefined) return sectionBytes(exe, plain, max);
    const z = exe.section(`.zdebug_${name}`);
    if (z !== undefined) return zdebugBytes(z.name, await exe.readSection(z), z.offset, max);
    return undefined;
  };
  const info = await read('info');
  if (info === undefined) {
    throw dwarfError(ErrorCode.NotFormat, '.debug_info', 0, 'the executable has no .debug_info section (built with -ldflags=-w, or stripped)');
  }
  const empty = new Uint8Array(0);
  return {
    info,
    abbrev: (await read('abbrev')) ?? empty,
    str: (await read('str')) ?? empty,
    lineStr: (await read('line_str')) ?? empty,
    strOffsets: (await read('str_offsets')) ?? empty,
    addr: (await read('addr')) ?? empty,
  };
}

async function sectionBytes(exe: DwarfContainer, s: ExecutableSection, max: number): Promise<Uint8Array> {
  if (s.fileSize === 0) return new Uint8Array(0);
  const stored = await exe.readSection(s);
  if (s.compressed !== true) {
    checkLimit(stored.length, max, DWARF_FORMAT, s.offset, `section ${s.name} size`);
    return stored;
  }
  return chdrBytes(s.name, stored, exe.ptrSize === 8, exe.byteOrder === 'little', max);
}

/** Decompresses the contents of an `SHF_COMPRESSED` section (header, then the compressed stream). */
export function chdrBytes(name: string, stored: Uint8Array, is64: boolean, little: boolean, max: number): Uint8Array {
  const c = new ByteCursor(stored, DWARF_FORMAT, { littleEndian: little });
  const type = c.u32();
  let size: number;
  if (is64) {
    c.u32(); // ch_reserved
    size = checkLimit(c.u64(), max, DWARF_FORMAT, 8, `section ${name} decompressed size`);
    c.u64(); // ch_addralign
  } else {
    size = checkLimit(c.u32(), max, DWARF_FORMAT, 4, `section ${name} decompressed size`);
    c.u32(); // ch_addralign
  }
  if (type !== ELFCOMPRESS_ZLIB) {
    throw dwarfError(ErrorCode.UnsupportedVersion, name, 0, `compression type ${type} is not supported (only 1, zlib)`);
  }
  return inflateExact(name, stored.subarray(c.pos), size, c.pos);
}

/** Decompresses a `.zdebug_*` section: `ZLIB`, the decompressed size as 8 big-endian bytes, a zlib stream. */
export function zdebugBytes(name: string, stored: Uint8Array, at: number, max: number): Uint8Array {
  const c = new ByteCursor(stored, DWARF_FORMAT);
  const magic = c.bytesView(4, `${name} header`);
  if (magic[0] !== 0x5a || magic[1] !== 0x4c || magic[2] !== 0x49 || magic[3] !== 0x42) {
    throw dwarfError(ErrorCode.Corrupt, name, 0, `compressed section does not start with "ZLIB" (section at file offset ${at})`);
  }
  const size = checkLimit(c.u64be(), max, DWARF_FORMAT, 4, `section ${name} decompressed size`);
  return inflateExact(name, stored.subarray(c.pos), size, c.pos);
}

function inflateExact(name: string, z: Uint8Array, size: number, at: number): Uint8Array {
  const out = decompressSync(z, 'zlib', { maxBytes: size });
  if (out.length !== size) {
    throw dwarfError(ErrorCode.Corrupt, name, at, `decompressed to ${out.length} bytes, but the header says ${size}`);
  }
  return out;
}
