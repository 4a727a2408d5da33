/**
 * Mach-O executables (32/64-bit, either byte order) and universal (fat) files over random access:
 * load commands, segments and sections, `LC_SYMTAB`, the entry point, and the Go build ID.
 * @module
 */

import { ByteCursor } from '../../internal/cursor.js';
import { ErrorCode, GodiagError } from '../../internal/errors.js';
import { Limits, checkLimit } from '../../internal/limits.js';
import type { RandomAccess } from '../../internal/random-access.js';
import { decodeUtf8 } from '../../internal/utf8.js';
import { ExecutableBase, fileNumber, type ExecutableHeader } from './base.js';
import type { ExecutableBuildId, ExecutableSection, ExecutableSegment, ExecutableSymbol } from './types.js';

const LC_SEGMENT = 0x1;
const LC_SYMTAB = 0x2;
const LC_UNIXTHREAD = 0x5;
const LC_SEGMENT_64 = 0x19;
const LC_VERSION_MIN_IPHONEOS = 0x25;
const LC_MAIN = 0x80000028;
const LC_BUILD_VERSION = 0x32;
const MH_PIE = 0x200000;
const VM_PROT_WRITE = 2;
const VM_PROT_EXECUTE = 4;
const S_ATTR_PURE_INSTRUCTIONS = 0x80000000;
const S_ATTR_SOME_INSTRUCTIONS = 0x400;

const CPU_ARCH_ABI64 = 0x1000000;

/** GOARCH of a Mach-O `cputype`, where Go has one. */
export function machoArch(cpu: number): string {
  switch (cpu) {
    case 7: return '386';
    case 7 | CPU_ARCH_ABI64: return 'amd64';
    case 12: return 'arm';
    case 12 | CPU_ARCH_ABI64: return 'arm64';
    case 18 | CPU_ARCH_ABI64: return 'ppc64';
    default: return '';
  }
}

/** Whether a section holds zero-fill data (no file bytes): S_ZEROFILL, S_GB_ZEROFILL, S_THREAD_LOCAL_ZEROFILL. */
function zeroFill(flags: number): boolean {
  const t = flags & 0xff;
  return t === 0x1 || t === 0xc || t === 0x12;
}

/** An opened thin Mach-O file (or one member of a universal file). */
export class MachOExecutable extends ExecutableBase {
  /** `cputype`. */
  readonly cpu: number;
  /** `filetype`: 2 executable, 6 dylib, … */
  readonly fileType: number;
  private readonly symtab: { symoff: number; nsyms: number; stroff: number; strsize: number } | undefined;

  constructor(ra: RandomAccess, h: ExecutableHeader, cpu: number, fileType: number, symtab: MachOExecutable['symtab']) {
    super(ra, h);
    this.cpu = cpu;
    this.fileType = fileType;
    this.symtab = symtab;
  }

  protected async readSymbols(): Promise<readonly ExecutableSymbol[]> {
    const st = this.symtab;
    if (st === undefined || st.nsyms === 0) return [];
    const entsize = this.ptrSize === 8 ? 16 : 12;
    checkLimit(st.nsyms, Limits.maxItems, 'macho', st.symoff, 'symbol count');
    const syms = await this.readFile(st.symoff, st.nsyms * entsize);
    const strs = await this.readFile(st.stroff, st.strsize);
    const c = new ByteCursor(syms, 'macho', { littleEndian: this.byteOrder === 'little', baseOffset: st.symoff });
    const out: ExecutableSymbol[] = [];
    for (let i = 0; i < st.nsyms; i++) {
      const strx = c.u32();
      c.skip(4); // n_type, n_sect, n_desc
      const value = this.ptrSize === 8 ? c.u64() : BigInt(c.u32());
      if (strx >= strs.length && strx !== 0) {
        throw new GodiagError(ErrorCode.Corrupt, { format: 'macho', offset: st.symoff + i * entsize, message: `symbol name offset ${strx} is outside the ${strs.length}-byte string table` });
      }
      let end = strs.indexOf(0, strx);
      if (end < 0) end = strs.length;
      let name = decodeUtf8(strs.subarray(Math.min(strx, strs.length), end));
      // The Go linker prefixes Go symbols with '_' like C ones; as debug/macho does, a dotted name loses it.
      if (name.charCodeAt(0) === 0x5f && name.includes('.')) name = name.slice(1);
      out.push({ name, value, size: 0n });
    }
    return out;
  }

  protected readBuildId(): Promise<ExecutableBuildId> {
    return this.goBuildIdInText('__text');
  }
}

/** Parses a thin Mach-O file. */
export async function openMachO(ra: RandomAccess): Promise<MachOExecutable> {
  if (ra.size < 28) throw new GodiagError(ErrorCode.Truncated, { format: 'macho', offset: ra.size, message: 'unexpected end of input: expected a Mach-O header (28 bytes)' });
  const head = await ra.read(0, Math.min(32, ra.size));
  const magic = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(0, false);
  let little: boolean, is64: boolean;
  switch (magic) {
    case 0xfeedface: little = false; is64 = false; break;
    case 0xfeedfacf: little = false; is64 = true; break;
    case 0xcefaedfe: little = true; is64 = false; break;
    case 0xcffaedfe: little = true; is64 = true; break;
    default:
      throw new GodiagError(ErrorCode.NotFormat, { format: 'macho', offset: 0, message: `not a Mach-O file (magic ${magic.toString(16)})` });
  }
  const headerSize = is64 ? 32 : 28;
  if (head.length < headerSize) throw new GodiagError(ErrorCode.Truncated, { format: 'macho', offset: head.length, message: `unexpected end of input: expected a ${headerSize}-byte Mach-O header` });
  const h = new ByteCursor(head, 'macho', { littleEndian: little });
  h.seek(4);
  const cpu = h.u32();
  h.u32(); // cpusubtype
  const fileType = h.u32();
  const ncmds = h.u32();
  const sizeofcmds = h.u32();
  const flags = h.u32();
  checkLimit(sizeofcmds, Limits.maxBlockBytes, 'macho', 20, 'load commands size');
  checkLimit(ncmds, Limits.maxItems, 'macho', 16, 'load command count');
  if (headerSize + sizeofcmds > ra.size) {
    throw new GodiagError(ErrorCode.Truncated, { format: 'macho', offset: ra.size, message: `unexpected end of input: expected ${sizeofcmds} bytes of load commands` });
  }
  const cmds = await ra.read(headerSize, sizeofcmds);
  const c = new ByteCursor(cmds, 'macho', { littleEndian: little, baseOffset: headerSize });

  const sections: ExecutableSection[] = [];
  const segments: ExecutableSegment[] = [];
  let symtab: MachOExecutable['symtab'];
  let entryOff: bigint | undefined;
  let threadPc: bigint | undefined;
  let goos = 'darwin';
  let textSegment: { addr: bigint; offset: number } | undefined;
  for (let i = 0; i < ncmds; i++) {
    const start = c.pos;
    const cmd = c.u32();
    const cmdsize = c.u32();
    if (cmdsize < 8 || cmdsize > cmds.length - start) {
      throw c.error(ErrorCode.Corrupt, `load command ${i} has size ${cmdsize} (at least 8, and within the ${cmds.length} bytes of load commands)`, headerSize + start);
    }
    const body = new ByteCursor(cmds.subarray(start, start + cmdsize), 'macho', { littleEndian: little, baseOffset: headerSize + start });
    body.seek(8);
    switch (cmd) {
      case LC_SEGMENT:
      case LC_SEGMENT_64: {
        const seg64 = cmd === LC_SEGMENT_64;
        const segname = fixedString(body.bytesView(16, 'segment name'));
        const word = () => (seg64 ? body.u64() : BigInt(body.u32()));
        const vmaddr = word();
        const vmsize = word();
        const fileoff = fileNumber(word(), 'macho', body.baseOffset, 'segment file offset');
        const filesize = fileNumber(word(), 'macho', body.baseOffset, 'segment file size');
        body.u32(); // maxprot
        const initprot = body.u32();
        const nsects = body.u32();
        body.u32(); // flags
        const size = fileNumber(vmsize, 'macho', body.baseOffset, 'segment size');
        if (segname === '__TEXT') textSegment = { addr: vmaddr, offset: fileoff };
        if (filesize > 0) {
          segments.push({
            addr: vmaddr,
            size: Math.max(size, filesize),
            offset: fileoff,
            fileSize: filesize,
            executable: (initprot & VM_PROT_EXECUTE) !== 0,
            writable: (initprot & VM_PROT_WRITE) !== 0,
          });
        }
        const sectSize = seg64 ? 80 : 68;
        if (nsects > (cmdsize - body.pos) / sectSize) {
          throw body.error(ErrorCode.Corrupt, `segment ${segname} declares ${nsects} sections, more than its load command holds`);
        }
        for (let k = 0; k < nsects; k++) {
          const name = fixedString(body.bytesView(16, 'section name'));
          const seg = fixedString(body.bytesView(16, 'segment name'));
          const addr = word();
          const ssize = fileNumber(word(), 'macho', body.offset, 'section size');
          const offset = body.u32();
          body.u32(); // align
          body.u32(); // reloff
          body.u32(); // nreloc
          const sflags = body.u32();
          body.skip(seg64 ? 12 : 8, 'section reserved fields');
          sections.push({
            name,
            segment: seg,
            addr,
            offset,
            size: ssize,
            fileSize: zeroFill(sflags) ? 0 : ssize,
            executable: (sflags & (S_ATTR_PURE_INSTRUCTIONS | S_ATTR_SOME_INSTRUCTIONS)) !== 0,
            writable: (initprot & VM_PROT_WRITE) !== 0,
          });
        }
        break;
      }
      case LC_SYMTAB:
        symtab = { symoff: body.u32(), nsyms: body.u32(), stroff: body.u32(), strsize: body.u32() };
        break;
      case LC_MAIN:
        entryOff = body.u64();
        break;
      case LC_UNIXTHREAD:
        threadPc = unixThreadPc(body, cpu);
        break;
      case LC_VERSION_MIN_IPHONEOS:
        goos = 'ios';
        break;
      case LC_BUILD_VERSION: {
        const platform = body.u32();
        // 2 iOS, 7 iOS simulator, 6 Mac Catalyst (an iOS app on macOS: Go calls it ios too).
        if (platform === 2 || platform === 7 || platform === 6) goos = 'ios';
        break;
      }
    }
    c.pos = start + cmdsize;
  }

  let entry = 0n;
  if (entryOff !== undefined && textSegment !== undefined) entry = textSegment.addr + entryOff - BigInt(textSegment.offset);
  else if (threadPc !== undefined) entry = threadPc;

  return new MachOExecutable(
    ra,
    {
      format: 'macho',
      goos,
      goarch: machoArch(cpu),
      byteOrder: little ? 'little' : 'big',
      ptrSize: is64 ? 8 : 4,
      entry,
      pie: (flags & MH_PIE) !== 0,
      imageBase: 0n,
      sections,
      segments,
    },
    cpu,
    fileType,
    symtab,
  );
}

/** The program counter of an `LC_UNIXTHREAD` thread state, for the architectures Go targets. */
function unixThreadPc(body: ByteCursor, cpu: number): bigint | undefined {
  const flavor = body.u32();
  body.u32(); // count
  // Offsets of the pc register in each flavor's register block.
  if (cpu === (7 | CPU_ARCH_ABI64) && flavor === 4) return at64(body, 16); // x86_THREAD_STATE64: rip
  if (cpu === (12 | CPU_ARCH_ABI64) && flavor === 6) return at64(body, 32); // ARM_THREAD_STATE64: pc
  if (cpu === 7 && flavor === 1) return at32(body, 10); // i386_THREAD_STATE: eip
  if (cpu === 12 && flavor === 1) return at32(body, 15); // ARM_THREAD_STATE: r15
  return undefined;
}

function at64(body: ByteCursor, index: number): bigint | undefined {
  if (body.remaining < (index + 1) * 8) return undefined;
  body.skip(index * 8);
  return body.u64();
}

function at32(body: ByteCursor, index: number): bigint | undefined {
  if (body.remaining < (index + 1) * 4) return undefined;
  body.skip(index * 4);
  return BigInt(body.u32());
}

/** A fixed-size name field: NUL-padded, but not NUL-terminated when it fills all 16 bytes. */
function fixedString(b: Uint8Array): string {
  let end = b.indexOf(0);
  if (end < 0) end = b.length;
  return decodeUtf8(b.subarray(0, end));
}

/** One member of a universal file. */
export interface UniversalMember {
  /** `cputype`. */
  cpu: number;
  /** GOARCH of `cpu` ('' if Go has none). */
  arch: string;
  /** File offset of the member. */
  offset: number;
  /** Size of the member in bytes. */
  size: number;
}

/** Reads the member table of a universal (fat) Mach-O file (`0xcafebabe`, or `0xcafebabf` with 64-bit offsets). */
export async function readUniversal(ra: RandomAccess): Promise<UniversalMember[]> {
  if (ra.size < 8) throw new GodiagError(ErrorCode.Truncated, { format: 'macho', offset: ra.size, message: 'unexpected end of input: expected a universal header (8 bytes)' });
  const head = new ByteCursor(await ra.read(0, 8), 'macho', { littleEndian: false });
  const magic = head.u32();
  const n = head.u32();
  if (magic !== 0xcafebabe && magic !== 0xcafebabf) throw new GodiagError(ErrorCode.NotFormat, { format: 'macho', offset: 0, message: 'not a universal Mach-O file' });
  const wide = magic === 0xcafebabf;
  const entSize = wide ? 32 : 20;
  // A universal file holds a handful of architectures; a large count means this is not one (a Java class file shares the magic).
  if (n === 0 || n > 64) throw new GodiagError(ErrorCode.Corrupt, { format: 'macho', offset: 4, message: `universal file declares ${n} architectures, expected 1 to 64` });
  if (8 + n * entSize > ra.size) throw new GodiagError(ErrorCode.Truncated, { format: 'macho', offset: ra.size, message: `unexpected end of input: expected ${n} universal architecture entries` });
  const c = new ByteCursor(await ra.read(8, n * entSize), 'macho', { littleEndian: false, baseOffset: 8 });
  const out: UniversalMember[] = [];
  for (let i = 0; i < n; i++) {
    const at = c.offset;
    const cpu = c.u32();
    c.u32(); // cpusubtype
    const offset = wide ? fileNumber(c.u64(), 'macho', at, 'member offset') : c.u32();
    const size = wide ? fileNumber(c.u64(), 'macho', at, 'member size') : c.u32();
    c.u32(); // align
    if (wide) c.u32(); // reserved
    if (offset + size > ra.size || size === 0) {
      throw new GodiagError(ErrorCode.Truncated, { format: 'macho', offset: at, message: `universal member ${i} (${size} bytes at offset ${offset}) is not inside the ${ra.size}-byte file` });
    }
    out.push({ cpu, arch: machoArch(cpu), offset, size });
  }
  return out;
}

/** A window of a random-access source: offsets are relative to `start`. */
export function subRandomAccess(ra: RandomAccess, start: number, size: number): RandomAccess {
  return {
    size,
    read(offset, length) {
      if (!(offset >= 0 && length >= 0 && offset + length <= size)) {
        return Promise.reject(
          new GodiagError(ErrorCode.Truncated, {
            format: 'macho',
            offset: Math.min(Math.max(0, offset), size),
            message: `unexpected end of input: expected ${length} bytes at offset ${offset}, but the universal member has ${size} bytes`,
          }),
        );
      }
      return ra.read(start + offset, length);
    },
  };
}
