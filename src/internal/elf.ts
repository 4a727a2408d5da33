/**
 * The parts of ELF that executables and core files share: the file header, program headers and note streams.
 * The executable reader (src/gosym/container/elf.ts) and the core reader (src/core/elf-core.ts) add what is
 * theirs (sections and symbols; threads and memory) on top. Errors name the caller's format.
 * @module
 */

import { ByteCursor } from './cursor.js';
import { ErrorCode, GodiagError, type FormatName } from './errors.js';
import { Limits, checkLimit } from './limits.js';
import { decodeUtf8 } from './utf8.js';

/** `p_type` of a loadable segment. */
export const PT_LOAD = 1;
/** `p_type` of the program interpreter's path. */
export const PT_INTERP = 3;
/** `p_type` of a note segment. */
export const PT_NOTE = 4;
/** `e_phnum`/`e_shnum` value saying the real count is in section 0 (extended numbering). */
export const PN_XNUM = 0xffff;

/** The ELF file header: identification and the fields the readers use. Offsets and counts as stored. */
export interface ElfFileHeader {
  /** ELFCLASS64 (else ELFCLASS32). */
  class64: boolean;
  /** ELFDATA2LSB (else ELFDATA2MSB). */
  little: boolean;
  /** `EI_OSABI`. */
  osabi: number;
  /** `e_type` (2 executable, 3 shared object or PIE, 4 core). */
  type: number;
  /** `e_machine`. */
  machine: number;
  /** `e_entry`. */
  entry: bigint;
  /** `e_phoff`. */
  phoff: bigint;
  /** `e_shoff`. */
  shoff: bigint;
  /** `e_phentsize`. */
  phentsize: number;
  /** `e_phnum` (PN_XNUM: see section 0). */
  phnum: number;
  /** `e_shentsize`. */
  shentsize: number;
  /** `e_shnum` (0 with section headers present: see section 0). */
  shnum: number;
  /** `e_shstrndx`. */
  shstrndx: number;
}

/**
 * Parses the ELF file header from the file's first bytes (64 are enough for either class).
 * @throws GodiagError `not-format` without the ELF magic, `corrupt` for an unknown class or byte order,
 *   `truncated` when the header is cut.
 */
export function parseElfFileHeader(bytes: Uint8Array, format: FormatName): ElfFileHeader {
  if (bytes.length < 16 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new GodiagError(ErrorCode.NotFormat, { format, offset: 0, message: 'not an ELF file (no \\x7fELF magic)' });
  }
  const cls = bytes[4]!;
  const data = bytes[5]!;
  if (data !== 1 && data !== 2) throw new GodiagError(ErrorCode.Corrupt, { format, offset: 5, message: `unknown ELF data encoding ${data}, expected 1 (little-endian) or 2 (big-endian)` });
  if (cls !== 1 && cls !== 2) throw new GodiagError(ErrorCode.Corrupt, { format, offset: 4, message: `unknown ELF class ${cls}, expected 1 (32-bit) or 2 (64-bit)` });
  const class64 = cls === 2;
  const size = class64 ? 64 : 52;
  if (bytes.length < size) {
    throw new GodiagError(ErrorCode.Truncated, { format, offset: bytes.length, message: `unexpected end of input: the ELF header needs ${size} bytes, the file has ${bytes.length}` });
  }
  const little = data === 1;
  const c = new ByteCursor(bytes, format, { littleEndian: little });
  c.seek(16);
  const type = c.u16();
  const machine = c.u16();
  c.u32(); // e_version
  const word = () => (class64 ? c.u64() : BigInt(c.u32()));
  const entry = word();
  const phoff = word();
  const shoff = word();
  c.u32(); // e_flags
  c.u16(); // e_ehsize
  return { class64, little, osabi: bytes[7]!, type, machine, entry, phoff, shoff, phentsize: c.u16(), phnum: c.u16(), shentsize: c.u16(), shnum: c.u16(), shstrndx: c.u16() };
}

/** One program header, with fields widened to 64 bits whatever the class. */
export interface ElfProgramHeader {
  /** `p_type`. */
  type: number;
  /** `p_flags` (PF_X 1, PF_W 2, PF_R 4). */
  flags: number;
  /** `p_offset`. */
  offset: bigint;
  /** `p_vaddr`. */
  vaddr: bigint;
  /** `p_filesz`. */
  filesz: bigint;
  /** `p_memsz`. */
  memsz: bigint;
  /** `p_align`. */
  align: bigint;
  /** File offset of this header. */
  headerOffset: number;
}

/** Smallest program header entry of a class (the entry size may be larger; the rest is skipped). */
export const programHeaderSize = (class64: boolean): number => (class64 ? 56 : 32);

/**
 * Parses `count` program headers from `bytes`, which were read at file offset `phoff`.
 * @throws GodiagError `corrupt` for an entry size below the class's, `limit-exceeded` for an absurd count,
 *   `truncated` when `bytes` is short.
 */
export function parseProgramHeaders(bytes: Uint8Array, h: Pick<ElfFileHeader, 'class64' | 'little' | 'phentsize'>, phoff: number, count: number, format: FormatName): ElfProgramHeader[] {
  if (count === 0) return [];
  const min = programHeaderSize(h.class64);
  if (h.phentsize < min) throw new GodiagError(ErrorCode.Corrupt, { format, offset: h.class64 ? 54 : 42, message: `program header size ${h.phentsize} is smaller than ${min}` });
  checkLimit(count, Limits.maxItems, format, phoff, 'program header count');
  const p = new ByteCursor(bytes, format, { littleEndian: h.little, baseOffset: phoff });
  const out: ElfProgramHeader[] = [];
  for (let i = 0; i < count; i++) {
    p.seek(i * h.phentsize);
    const headerOffset = p.offset;
    const type = p.u32();
    if (h.class64) {
      const flags = p.u32();
      const offset = p.u64();
      const vaddr = p.u64();
      p.u64(); // p_paddr
      const filesz = p.u64();
      const memsz = p.u64();
      out.push({ type, flags, offset, vaddr, filesz, memsz, align: p.u64(), headerOffset });
    } else {
      const offset = BigInt(p.u32());
      const vaddr = BigInt(p.u32());
      p.u32(); // p_paddr
      const filesz = BigInt(p.u32());
      const memsz = BigInt(p.u32());
      const flags = p.u32();
      out.push({ type, flags, offset, vaddr, filesz, memsz, align: BigInt(p.u32()), headerOffset });
    }
  }
  return out;
}

/** An ELF note as stored: owner name, type and descriptor, with file offsets. */
export interface ElfNote {
  /** The owner name without its terminating NUL (`CORE`, `LINUX`, `GNU`, `Go`, …). */
  name: string;
  /** The note type (meaning depends on the owner). */
  type: number;
  /** File offset of the note header. */
  offset: number;
  /** File offset of the descriptor. */
  descOffset: number;
  /** The descriptor bytes (a view). */
  desc: Uint8Array;
}

/**
 * Parses a stream of notes (a note segment or section) read at file offset `baseOffset`. Trailing zero padding
 * is allowed; any other bytes too few for a note header are a cut note.
 * @throws GodiagError `truncated` for a note that runs past the stream, `limit-exceeded` for absurd sizes.
 */
export function parseElfNotes(bytes: Uint8Array, little: boolean, baseOffset: number, format: FormatName): ElfNote[] {
  const c = new ByteCursor(bytes, format, { littleEndian: little, baseOffset });
  const out: ElfNote[] = [];
  const pad4 = (n: number) => (4 - (n % 4)) % 4;
  while (c.remaining > 0) {
    const offset = c.offset;
    if (c.remaining < 12) {
      if (bytes.subarray(c.pos).every((b) => b === 0)) break;
      throw c.error(ErrorCode.Truncated, `a note header needs 12 bytes, but the note segment has ${c.remaining} left`);
    }
    const namesz = c.u32();
    const descsz = c.u32();
    const type = c.u32();
    checkLimit(namesz, Limits.maxStringBytes, format, offset, 'note name size');
    checkLimit(descsz, Limits.maxBlockBytes, format, offset + 4, 'note descriptor size');
    if (namesz + pad4(namesz) > c.remaining) throw c.error(ErrorCode.Truncated, `note name of ${namesz} bytes runs past the end of its note segment`, offset);
    const nameBytes = c.bytesView(namesz, 'note name');
    c.skip(pad4(namesz));
    if (descsz > c.remaining) {
      throw c.error(ErrorCode.Truncated, `note descriptor of ${descsz} bytes runs past the end of its note segment (${c.remaining} bytes left)`, offset + 4);
    }
    const descOffset = c.offset;
    const desc = c.bytesView(descsz, 'note descriptor');
    c.skip(Math.min(pad4(descsz), c.remaining));
    let end = nameBytes.length;
    while (end > 0 && nameBytes[end - 1] === 0) end--;
    out.push({ name: decodeUtf8(nameBytes.subarray(0, end)), type, offset, descOffset, desc });
  }
  return out;
}
