/**
 * ELF executables (32/64-bit, either byte order) over random access: headers, sections, `PT_LOAD`
 * segments, `.symtab`, and the Go and GNU build-ID notes.
 * @module
 */

import { ByteCursor } from '../../internal/cursor.js';
import { ErrorCode, GodiagError } from '../../internal/errors.js';
import { Limits, checkLimit } from '../../internal/limits.js';
import type { RandomAccess } from '../../internal/random-access.js';
import { decodeUtf8 } from '../../internal/utf8.js';
import { PN_XNUM, PT_INTERP, PT_LOAD, PT_NOTE, parseElfFileHeader, parseElfNotes, parseProgramHeaders, programHeaderSize } from '../../internal/elf.js';
import { ExecutableBase, fileNumber, type ExecutableHeader } from './base.js';
import type { ExecutableBuildId, ExecutableSection, ExecutableSegment, ExecutableSymbol } from './types.js';

const PF_X = 1;
const PF_W = 2;
const SHT_SYMTAB = 2;
const SHT_NOTE = 7;
const SHT_NOBITS = 8;
const SHF_WRITE = 1;
const SHF_EXECINSTR = 4;
const SHF_COMPRESSED = 0x800;
const ET_DYN = 3;
const SHN_XINDEX = 0xffff;

/** GOARCH of an ELF `e_machine`, where Go has one. */
function elfArch(machine: number, class64: boolean, little: boolean): string {
  switch (machine) {
    case 3: return '386';
    case 62: return 'amd64';
    case 40: return 'arm';
    case 183: return 'arm64';
    case 21: return little ? 'ppc64le' : 'ppc64';
    case 22: return 's390x';
    case 243: return 'riscv64';
    case 8: return (class64 ? 'mips64' : 'mips') + (little ? 'le' : '');
    case 258: return 'loong64';
    default: return '';
  }
}

interface RawSection {
  nameOff: number;
  type: number;
  flags: bigint;
  addr: bigint;
  offset: number;
  size: number;
  link: number;
  headerAt: number;
}

/** An opened ELF file. */
export class ElfExecutable extends ExecutableBase {
  /** `e_machine`. */
  readonly machine: number;
  /** `e_type`: 2 executable, 3 shared object or PIE. */
  readonly type: number;
  private readonly raw: RawSection[];
  private readonly noteSegments: { offset: number; size: number }[];

  constructor(ra: RandomAccess, h: ExecutableHeader, machine: number, type: number, raw: RawSection[], noteSegments: { offset: number; size: number }[]) {
    super(ra, h);
    this.machine = machine;
    this.type = type;
    this.raw = raw;
    this.noteSegments = noteSegments;
  }

  protected async readSymbols(): Promise<readonly ExecutableSymbol[]> {
    const symtab = this.raw.find((s) => s.type === SHT_SYMTAB);
    if (symtab === undefined) return [];
    const entsize = this.ptrSize === 8 ? 24 : 16;
    const strtab = this.raw[symtab.link];
    if (strtab === undefined) {
      throw new GodiagError(ErrorCode.Corrupt, { format: 'elf', offset: symtab.headerAt, message: `symbol table links to missing string table section ${symtab.link}` });
    }
    const count = Math.floor(symtab.size / entsize);
    checkLimit(count, Limits.maxItems, 'elf', symtab.offset, 'symbol count');
    const syms = await this.readFile(symtab.offset, symtab.size);
    const strs = await this.readFile(strtab.offset, strtab.size);
    const c = new ByteCursor(syms, 'elf', { littleEndian: this.byteOrder === 'little', baseOffset: symtab.offset });
    const out: ExecutableSymbol[] = [];
    // Entry 0 is the reserved null symbol; Go's debug/elf leaves it out too.
    for (let i = 1; i < count; i++) {
      c.seek(i * entsize);
      let name: number, value: bigint, size: bigint;
      if (this.ptrSize === 8) {
        name = c.u32();
        c.skip(4); // info, other, shndx
        value = c.u64();
        size = c.u64();
      } else {
        name = c.u32();
        value = BigInt(c.u32());
        size = BigInt(c.u32());
      }
      out.push({ name: cstringAt(strs, name, strtab.offset), value, size });
    }
    return out;
  }

  protected async readBuildId(): Promise<ExecutableBuildId> {
    const out: ExecutableBuildId = {};
    // Notes live in SHT_NOTE sections; a file without section headers still has PT_NOTE segments.
    const ranges: { offset: number; size: number }[] = this.raw
      .filter((s) => s.type === SHT_NOTE)
      .map((s) => ({ offset: s.offset, size: s.size }));
    if (ranges.length === 0) ranges.push(...this.noteSegments);
    for (const r of ranges) {
      if (r.size > 1 << 20) continue; // build-ID notes are tiny; skip anything else unread
      const bytes = await this.readFile(r.offset, r.size);
      for (const n of parseElfNotes(bytes, this.byteOrder === 'little', r.offset, 'elf')) {
        if (n.name === 'Go' && n.type === 4 && out.go === undefined) out.go = decodeUtf8(n.desc);
        if (n.name === 'GNU' && n.type === 3 && out.gnu === undefined) out.gnu = toHex(n.desc);
      }
    }
    return out;
  }
}

function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/** The NUL-terminated string at `off` of a string table (Go's debug/elf gives "" for a bad offset too). */
function cstringAt(table: Uint8Array, off: number, base: number): string {
  if (off >= table.length) {
    throw new GodiagError(ErrorCode.Corrupt, { format: 'elf', offset: base, message: `string offset ${off} is outside the ${table.length}-byte string table` });
  }
  let end = table.indexOf(0, off);
  if (end < 0) end = table.length;
  return decodeUtf8(table.subarray(off, end));
}

/** Parses the headers of an ELF file. */
export async function openElf(ra: RandomAccess): Promise<ElfExecutable> {
  const h = parseElfFileHeader(await ra.read(0, Math.min(64, ra.size)), 'elf');
  const { class64: is64, little, osabi, type, machine, entry, phentsize, shentsize } = h;
  const phoff = fileNumber(h.phoff, 'elf', is64 ? 32 : 28, 'program header offset');
  const shoff = fileNumber(h.shoff, 'elf', is64 ? 40 : 32, 'section header offset');
  let { phnum, shnum, shstrndx } = h;

  const shMin = is64 ? 64 : 40;

  // Section 0 carries the real counts when they do not fit in the ELF header (extended numbering).
  let sh0: RawSection | undefined;
  let sh0Info = 0;
  if (shoff > 0) {
    if (shentsize < shMin) throw new GodiagError(ErrorCode.Corrupt, { format: 'elf', offset: is64 ? 58 : 46, message: `section header size ${shentsize} is smaller than ${shMin}` });
    const b = await readAt(ra, shoff, shentsize, 'section header 0');
    const r = readSectionHeader(b, 0, is64, little, shoff);
    sh0 = r.section;
    sh0Info = r.info;
    if (shnum === 0) shnum = checkLimit(sh0.size, Limits.maxItems, 'elf', shoff, 'section count');
    if (shstrndx === SHN_XINDEX) shstrndx = sh0.link;
  }
  if (phnum === PN_XNUM && sh0 !== undefined) phnum = sh0Info;

  const segments: ExecutableSegment[] = [];
  const noteSegments: { offset: number; size: number }[] = [];
  let interp: { offset: number; size: number } | undefined;
  if (phnum > 0) {
    if (phentsize < programHeaderSize(is64)) {
      throw new GodiagError(ErrorCode.Corrupt, { format: 'elf', offset: is64 ? 54 : 42, message: `program header size ${phentsize} is smaller than ${programHeaderSize(is64)}` });
    }
    checkLimit(phnum, Limits.maxItems, 'elf', phoff, 'program header count');
    const b = await readAt(ra, phoff, phnum * phentsize, 'program headers');
    for (const ph of parseProgramHeaders(b, h, phoff, phnum, 'elf')) {
      const at = ph.headerOffset;
      const off = fileNumber(ph.offset, 'elf', at, 'segment offset');
      const fsz = fileNumber(ph.filesz, 'elf', at, 'segment file size');
      if (ph.type === PT_LOAD) {
        const msz = fileNumber(ph.memsz, 'elf', at, 'segment memory size');
        segments.push({ addr: ph.vaddr, size: Math.max(msz, fsz), offset: off, fileSize: fsz, executable: (ph.flags & PF_X) !== 0, writable: (ph.flags & PF_W) !== 0 });
      } else if (ph.type === PT_NOTE) {
        noteSegments.push({ offset: off, size: fsz });
      } else if (ph.type === PT_INTERP) {
        interp = { offset: off, size: fsz };
      }
    }
  }

  const raw: RawSection[] = [];
  const sections: ExecutableSection[] = [];
  let names: string[] = [];
  if (shoff > 0 && shnum > 0) {
    checkLimit(shnum, Limits.maxItems, 'elf', shoff, 'section count');
    const b = await readAt(ra, shoff, shnum * shentsize, 'section headers');
    for (let i = 0; i < shnum; i++) raw.push(readSectionHeader(b, i * shentsize, is64, little, shoff).section);
    const strtab = raw[shstrndx];
    if (shstrndx !== 0 && strtab !== undefined && strtab.type !== SHT_NOBITS) {
      const strs = await readAt(ra, strtab.offset, strtab.size, 'section name table');
      names = raw.map((s) => cstringAt(strs, s.nameOff, strtab.offset));
    } else {
      names = raw.map(() => '');
    }
    // Section 0 is the reserved null section; Go's debug/elf keeps it, but it names nothing.
    for (let i = 1; i < raw.length; i++) {
      const s = raw[i]!;
      const section: ExecutableSection = {
        name: names[i]!,
        addr: s.addr,
        offset: s.offset,
        size: s.size,
        fileSize: s.type === SHT_NOBITS ? 0 : s.size,
        executable: (s.flags & BigInt(SHF_EXECINSTR)) !== 0n,
        writable: (s.flags & BigInt(SHF_WRITE)) !== 0n,
      };
      if ((s.flags & BigInt(SHF_COMPRESSED)) !== 0n) section.compressed = true;
      sections.push(section);
    }
  }

  const goos = await elfGoos(ra, osabi, names, interp);
  const exe = new ElfExecutable(
    ra,
    {
      format: 'elf',
      goos,
      goarch: elfArch(machine, is64, little),
      byteOrder: little ? 'little' : 'big',
      ptrSize: is64 ? 8 : 4,
      entry,
      pie: type === ET_DYN,
      imageBase: 0n,
      sections,
      segments,
    },
    machine,
    type,
    raw,
    noteSegments,
  );
  return exe;
}

function readSectionHeader(b: Uint8Array, at: number, is64: boolean, little: boolean, base: number): { section: RawSection; info: number } {
  const c = new ByteCursor(b, 'elf', { littleEndian: little, baseOffset: base });
  c.seek(at);
  const headerAt = base + at;
  const nameOff = c.u32();
  const type = c.u32();
  const word = () => (is64 ? c.u64() : BigInt(c.u32()));
  const flags = word();
  const addr = word();
  const offset = fileNumber(word(), 'elf', headerAt, 'section offset');
  const size = fileNumber(word(), 'elf', headerAt, 'section size');
  const link = c.u32();
  const info = c.u32();
  return { section: { nameOff, type, flags, addr, offset, size, link, headerAt }, info };
}

async function readAt(ra: RandomAccess, offset: number, length: number, what: string): Promise<Uint8Array> {
  checkLimit(length, Limits.maxBlockBytes, 'elf', offset, `${what} size`);
  if (offset + length > ra.size) {
    throw new GodiagError(ErrorCode.Truncated, {
      format: 'elf',
      offset: Math.min(offset, ra.size),
      message: `unexpected end of input: expected ${what} (${length} bytes at offset ${offset}), but the file has ${ra.size} bytes`,
    });
  }
  return ra.read(offset, length);
}

/**
 * GOOS from what the Go linker leaves: `EI_OSABI` for FreeBSD, NetBSD and OpenBSD, an identifying note
 * section, or the dynamic loader's path; Linux otherwise.
 */
async function elfGoos(ra: RandomAccess, osabi: number, names: string[], interp: { offset: number; size: number } | undefined): Promise<string> {
  switch (osabi) {
    case 9: return 'freebsd';
    case 2: return 'netbsd';
    case 12: return 'openbsd';
    case 6: return 'solaris';
  }
  if (names.includes('.note.netbsd.ident')) return 'netbsd';
  if (names.includes('.note.openbsd.ident')) return 'openbsd';
  if (interp !== undefined && interp.size > 0 && interp.size < 256 && interp.offset + interp.size <= ra.size) {
    const path = decodeUtf8(await ra.read(interp.offset, interp.size)).replace(/\0+$/, '');
    if (path.startsWith('/system/bin/linker')) return 'android';
    if (path.endsWith('/ld.so.1')) return 'solaris';
    if (path === '/usr/libexec/ld-elf.so.2') return 'dragonfly';
    if (path === '/libexec/ld-elf.so.1') return 'freebsd';
    if (path === '/usr/libexec/ld.so') return 'openbsd';
    if (path === '/usr/libexec/ld.elf_so') return 'netbsd';
  }
  return 'linux';
}
