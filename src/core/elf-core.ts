/**
 * `openCore`: a Linux ELF core file (kernel or gdb `gcore`) over random access — program headers, notes,
 * threads with their registers, the files that were mapped, and a memory image layered with the executable
 * and mapped files (memory.ts). Only headers and notes are read when opening; memory is read on demand.
 * @module
 */

import { ByteCursor } from '../internal/cursor.js';
import { ErrorCode, GodiagError } from '../internal/errors.js';
import { Limits, checkLimit } from '../internal/limits.js';
import { toRandomAccess, type RandomAccess, type RandomAccessSource, type ReadHint } from '../internal/random-access.js';
import { decodeUtf8 } from '../internal/utf8.js';
import { PN_XNUM, PT_LOAD, PT_NOTE, parseElfFileHeader, parseProgramHeaders, programHeaderSize } from '../internal/elf.js';
import { openElf, type ElfExecutable } from '../gosym/container/elf.js';
import type { Executable } from '../gosym/container/types.js';
import { buildImage, findMapping, isUnavailable, readImage, type ImageSegment, type Mapping, type Permissions } from './memory.js';
import {
  AT,
  buildIdsOfNotes,
  parseAuxv,
  parseFileNote,
  parseNoteStream,
  parsePrPsInfo,
  parsePrStatus,
  parseSigInfo,
  signalName,
  type AuxvEntry,
  type MappedFiles,
  type NoteBuildIds,
  type PrPsInfo,
  type PrStatus,
  type RawNote,
  type SigInfo,
} from './notes.js';
import { REGISTER_LAYOUTS, decodeRegisters, type RegisterLayout, type Registers } from './registers.js';

const ET_CORE = 4;
const PF_X = 1;
const PF_W = 2;
const PF_R = 4;

/** A program header of the core. */
export interface CoreProgramHeader {
  /** `PT_LOAD` (1), `PT_NOTE` (4), or another `p_type`. */
  type: number;
  /** `load`, `note`, or `0x…` for other types. */
  typeName: string;
  /** `p_flags`: PF_R 4, PF_W 2, PF_X 1. */
  flags: number;
  /** Rights from the flags. */
  perm: Permissions;
  /** File offset of the data. */
  offset: number;
  /** Virtual address (0 for notes). */
  vaddr: bigint;
  /** Bytes in the file. */
  filesz: bigint;
  /** Bytes in memory. */
  memsz: bigint;
  /** Alignment. */
  align: bigint;
  /** File offset of this header. */
  headerOffset: number;
}

/** A note of the core as listed by {@link Core.notes}: every note, known or not. */
export interface CoreNote {
  /** Owner name (`CORE`, `LINUX`, `GDB`, …). */
  name: string;
  /** Note type. */
  type: number;
  /** Conventional type name (`NT_PRSTATUS`), when known. */
  typeName: string | undefined;
  /** Descriptor size in bytes. */
  size: number;
  /** File offset of the note header. */
  offset: number;
}

/** One thread of the process (one `NT_PRSTATUS`). */
export interface CoreThread {
  /** The kernel's thread id (`pr_pid`). */
  tid: number;
  /** Named general registers. */
  registers: Registers;
  /** The program counter (rip, pc). */
  pc: bigint;
  /** The stack pointer (rsp, sp). */
  sp: bigint;
  /**
   * The signal this thread received, when the core records one for it: the `NT_SIGINFO` after its status
   * (the kernel writes one, for the thread that dumped; gdb one per thread, `SIGSTOP` for an attached live
   * process); in a core without any `NT_SIGINFO` (qemu-user's), the thread's `pr_cursig` with `pr_info`'s code.
   */
  signal: SigInfo | undefined;
  /** The rest of `NT_PRSTATUS`: cursig, pending and blocked signals, ids, times. */
  status: Omit<PrStatus, 'regBytes' | 'regOffset'>;
}

/** How the executable given relates to the core. */
export interface ExecutableCheck {
  /** `AT_ENTRY` minus the executable's entry point: 0 for a non-PIE executable, the load address of a PIE. */
  loadBias: bigint;
  /** Build IDs of the executable's notes. */
  executableBuildId: NoteBuildIds;
  /** Build IDs of the same notes as the core's memory holds them (absent when the core left that page out). */
  coreBuildId: NoteBuildIds | undefined;
  /** `match` when the notes' bytes in the core equal the executable's; `unknown` when the core lacks them. */
  buildId: 'match' | 'unknown';
  /** `match` when `AT_ENTRY` is the executable's entry point plus a load bias that the file type allows. */
  entry: 'match' | 'unknown';
}

/** Options of {@link openCore}. */
export interface OpenCoreOptions {
  /** The executable that wrote the core. Without it, memory the core left out of its mappings is unavailable. */
  executable?: RandomAccessSource;
  /**
   * Supplies other mapped files (and the executable, when `executable` is not given) by the path
   * `NT_FILE` names; return undefined for files you do not have.
   */
  files?: (path: string) => RandomAccess | Uint8Array | undefined;
  /**
   * When false, an executable that does not match the core is accepted with a warning in
   * {@link Core.warnings} instead of an error. Default true.
   */
  checkExecutable?: boolean;
}

/** An opened core file. */
export interface Core {
  /** Size of the core file in bytes. */
  readonly size: number;
  /** `e_machine` (62 amd64, 183 arm64). */
  readonly machine: number;
  /** GOARCH of the machine (`amd64`, `arm64`), or `''` for others (their registers are not decoded). */
  readonly arch: string;
  /** Byte order. */
  readonly byteOrder: 'little' | 'big';
  /** Pointer size (cores of 64-bit processes only: 8). */
  readonly ptrSize: 8;
  /** Every program header in file order. */
  readonly programHeaders: readonly CoreProgramHeader[];
  /** The `PT_LOAD` headers. */
  readonly segments: readonly CoreProgramHeader[];
  /** Every note of every `PT_NOTE` segment, in file order. */
  readonly notes: readonly CoreNote[];
  /** `NT_PRPSINFO`, when present. */
  readonly process: PrPsInfo | undefined;
  /** The auxiliary vector (`NT_AUXV`), `[]` when absent. */
  readonly auxv: readonly AuxvEntry[];
  /** `NT_FILE`, when present. */
  readonly files: MappedFiles | undefined;
  /** The signal that ended the process: the first `NT_SIGINFO` with a signal, when present. */
  readonly signal: SigInfo | undefined;
  /** The thread that received {@link signal} (the first such thread), when known. */
  readonly signalThread: number | undefined;
  /** `AT_ENTRY`, when the auxiliary vector has it. */
  readonly entry: bigint | undefined;
  /** The path `NT_FILE` gives for the mapping containing `AT_ENTRY`: the executable, as it was when run. */
  readonly executablePath: string | undefined;
  /** The executable in use (given, or found through `files` by {@link executablePath}), as `godiag/gosym` opens it. */
  readonly executable: Executable | undefined;
  /** The comparison of the executable with the core, when an executable is in use. */
  readonly executableCheck: ExecutableCheck | undefined;
  /** Things that are not errors but limit what can be read (a mismatched executable accepted, …). */
  readonly warnings: readonly string[];
  /** The threads, in note order (the kernel writes the thread that dumped first). */
  threads(): CoreThread[];
  /** The address space, sorted, each range with rights and the source of its bytes. */
  mappings(): Mapping[];
  /** The mapping containing `address`, if any. */
  mappingAt(address: bigint): Mapping | undefined;
  /**
   * Reads `length` bytes at `address`; throws an `UnavailableMemoryError` for bytes the image has no data for.
   * `hint` goes to the input's `read` (a page cache reads a range hinted `once` without filling pages).
   */
  read(address: bigint, length: number, hint?: ReadHint): Promise<Uint8Array>;
  /** Reads a NUL-terminated string at `address` (at most `max` bytes), or undefined when unavailable. */
  readCString(address: bigint, max?: number): Promise<string | undefined>;
  /** The process's executable file name from `AT_EXECFN` (read from the core's memory), when available. */
  execFn(): Promise<string | undefined>;
  /** Releases the inputs (file handles), if they have any. */
  close(): Promise<void>;
}

function coreError(code: ErrorCode, offset: number, message: string): GodiagError {
  return new GodiagError(code, { format: 'core', offset, message });
}

function perm(flags: number): Permissions {
  return { read: (flags & PF_R) !== 0, write: (flags & PF_W) !== 0, exec: (flags & PF_X) !== 0 };
}

async function readAt(ra: RandomAccess, offset: number, length: number, what: string): Promise<Uint8Array> {
  checkLimit(length, Limits.maxBlockBytes, 'core', offset, `${what} size`);
  if (offset + length > ra.size) {
    throw coreError(ErrorCode.Truncated, Math.min(offset, ra.size), `unexpected end of input: expected ${what} (${length} bytes at offset ${offset}), but the core has ${ra.size} bytes`);
  }
  return ra.read(offset, length);
}

/**
 * Opens a Linux ELF core file (64-bit; registers decoded for amd64 and arm64).
 * @throws GodiagError `not-format` for a file that is not an ELF core, `unsupported-version` for 32-bit cores,
 *   `truncated`/`corrupt`/`limit-exceeded` for malformed headers and notes, and `corrupt` when the executable
 *   given does not match the core (unless `checkExecutable` is false).
 */
export async function openCore(core: RandomAccessSource, options: OpenCoreOptions = {}): Promise<Core> {
  const ra = toRandomAccess(core);
  const ident = await ra.read(0, Math.min(64, ra.size));
  const h = parseElfFileHeader(ident, 'core');
  if (!h.class64) throw coreError(ErrorCode.UnsupportedVersion, 4, 'this is a core of a 32-bit process; only 64-bit cores are read');
  const little = h.little;
  if (h.type !== ET_CORE) throw coreError(ErrorCode.NotFormat, 16, `not a core file: ELF type ${h.type}, expected 4 (ET_CORE)`);
  const machine = h.machine;
  if (h.phoff > BigInt(ra.size)) throw coreError(ErrorCode.Truncated, 32, `program headers at offset ${h.phoff} lie past the end of the ${ra.size}-byte core`);
  const phoff = Number(h.phoff);
  // phnum 0xffff (PN_XNUM) means the count is in section 0; cores with over 65534 mappings do that.
  const count = h.phnum === PN_XNUM ? await extendedPhnum(ra, h.shoff, little) : h.phnum;
  checkLimit(count, Limits.maxItems, 'core', 56, 'program header count');
  if (count > 0 && h.phentsize < programHeaderSize(true)) throw coreError(ErrorCode.Corrupt, 54, `program header size ${h.phentsize} is smaller than 56`);
  const phBytes = await readAt(ra, phoff, count * h.phentsize, 'program headers');
  const programHeaders: CoreProgramHeader[] = [];
  for (const ph of parseProgramHeaders(phBytes, h, phoff, count, 'core')) {
    const { type: ptype, offset: off, vaddr, filesz, memsz, headerOffset } = ph;
    if (off > BigInt(Number.MAX_SAFE_INTEGER)) throw coreError(ErrorCode.LimitExceeded, headerOffset + 8, `segment offset ${off} is beyond the largest file godiag reads`);
    if (ptype === PT_LOAD && vaddr + memsz > 1n << 64n) throw coreError(ErrorCode.Corrupt, headerOffset + 16, `segment at 0x${vaddr.toString(16)} of ${memsz} bytes wraps around the address space`);
    if (ptype === PT_LOAD && filesz > memsz) throw coreError(ErrorCode.Corrupt, headerOffset + 32, `segment at 0x${vaddr.toString(16)} has more file bytes (${filesz}) than memory bytes (${memsz})`);
    programHeaders.push({
      type: ptype,
      typeName: ptype === PT_LOAD ? 'load' : ptype === PT_NOTE ? 'note' : `0x${ptype.toString(16)}`,
      flags: ph.flags,
      perm: perm(ph.flags),
      offset: Number(off),
      vaddr,
      filesz,
      memsz,
      align: ph.align,
      headerOffset,
    });
  }
  const segments = programHeaders.filter((x) => x.type === PT_LOAD);

  // Notes. Their sizes are checked before anything is read.
  const raw: RawNote[] = [];
  for (const ph of programHeaders) {
    if (ph.type !== PT_NOTE) continue;
    const size = checkLimit(ph.filesz, Limits.maxBlockBytes, 'core', ph.headerOffset + 32, 'note segment size');
    const bytes = await readAt(ra, ph.offset, size, 'note segment');
    raw.push(...parseNoteStream(bytes, little, ph.offset));
  }
  const layout = REGISTER_LAYOUTS.get(machine);
  const regSize = layout === undefined ? undefined : layout.names.length * 8;

  let process: PrPsInfo | undefined;
  let auxv: AuxvEntry[] = [];
  let files: MappedFiles | undefined;
  const statuses: { st: PrStatus; sig: SigInfo | undefined }[] = [];
  let pendingSig: SigInfo | undefined;
  for (const n of raw) {
    if (n.name !== 'CORE') continue;
    switch (n.typeName) {
      case 'NT_PRSTATUS': {
        // Registers are 8 bytes each after the 112-byte header; unknown machines keep them undecoded.
        const size = regSize ?? Math.max(0, n.desc.length - 112 - 8);
        statuses.push({ st: parsePrStatus(n, little, size), sig: undefined });
        break;
      }
      case 'NT_SIGINFO': {
        const sig = parseSigInfo(n, little);
        const last = statuses[statuses.length - 1];
        if (last !== undefined && last.sig === undefined) last.sig = sig;
        else pendingSig ??= sig;
        break;
      }
      case 'NT_PRPSINFO':
        process ??= parsePrPsInfo(n, little);
        break;
      case 'NT_AUXV':
        if (auxv.length === 0) auxv = parseAuxv(n, little);
        break;
      case 'NT_FILE':
        files ??= parseFileNote(n, little);
        break;
    }
  }

  // Without any NT_SIGINFO (qemu-user's cores), a thread's pr_cursig is the signal it received: the
  // kernel gives every thread the dumping signal, but always writes NT_SIGINFO too (since Linux 3.7).
  const noSigInfo = pendingSig === undefined && statuses.every((x) => x.sig === undefined);
  const threads: CoreThread[] = statuses.map(({ st, sig }) => {
    const registers = layout === undefined ? {} : decodeRegisters(layout, st.regBytes, little, st.regOffset);
    const { regBytes: _r, regOffset: _o, ...status } = st;
    let signal = sig !== undefined && sig.signo !== 0 ? sig : undefined;
    if (noSigInfo && st.cursig !== 0) signal = { signo: st.cursig, name: signalName(st.cursig), errno: st.infoErrno, code: st.infoCode };
    return {
      tid: st.tid,
      registers,
      pc: layout === undefined ? 0n : registers[layout.pc] ?? 0n,
      sp: layout === undefined ? 0n : registers[layout.sp] ?? 0n,
      signal,
      status,
    };
  });
  let signal = threads.find((t) => t.signal !== undefined)?.signal;
  const signalThread = threads.find((t) => t.signal !== undefined)?.tid;
  if (signal === undefined && pendingSig !== undefined && pendingSig.signo !== 0) signal = pendingSig;

  const entry = auxv.find((a) => a.key === AT.ENTRY)?.value;
  const executablePath = entry === undefined ? undefined : files?.mappings.find((m) => m.start <= entry && entry < m.end)?.path;

  // Files: supplied by the caller on demand, opened once.
  const fileCache = new Map<string, RandomAccess | undefined>();
  const fileSource = (path: string): RandomAccess | undefined => {
    if (!fileCache.has(path)) {
      const f = options.files?.(path);
      fileCache.set(path, f === undefined ? undefined : toRandomAccess(f));
    }
    return fileCache.get(path);
  };

  const warnings: string[] = [];
  let exeRa: RandomAccess | undefined;
  if (options.executable !== undefined) exeRa = toRandomAccess(options.executable);
  else if (executablePath !== undefined) exeRa = fileSource(executablePath);
  let exe: ElfExecutable | undefined;
  if (exeRa !== undefined) {
    try {
      exe = await openElf(exeRa);
    } catch (e) {
      throw new GodiagError(e instanceof GodiagError ? e.code : ErrorCode.Corrupt, {
        format: 'core',
        offset: 0,
        message: `the executable given with the core cannot be read: ${e instanceof Error ? e.message : String(e)}`,
        cause: e,
      });
    }
  }

  const coreSegments: ImageSegment[] = segments.map((s) => ({ vaddr: s.vaddr, memsz: s.memsz, filesz: s.filesz, offset: s.offset, perm: s.perm }));
  let check: ExecutableCheck | undefined;
  let exeSegments: ImageSegment[] = [];
  if (exe !== undefined && exeRa !== undefined) {
    const auxvNote = raw.find((n) => n.name === 'CORE' && n.typeName === 'NT_AUXV');
    const entryIndex = auxv.findIndex((a) => a.key === AT.ENTRY);
    const entryAt = auxvNote === undefined ? 0 : entryIndex < 0 ? auxvNote.offset : auxvNote.descOffset + 16 * entryIndex + 8;
    check = await checkExecutable(exe, exeRa, ra, coreSegments, entry, entryAt, executablePath, little, options.checkExecutable !== false, warnings);
    const bias = check.loadBias;
    exeSegments = exe.segments.map((s) => ({
      vaddr: s.addr + bias,
      memsz: BigInt(s.size),
      filesz: BigInt(s.fileSize),
      offset: s.offset,
      perm: { read: true, write: s.writable, exec: s.executable },
    }));
  }

  const image = buildImage({
    coreSegments,
    coreSize: ra.size,
    files: files?.mappings ?? [],
    exeSegments,
    exePath: executablePath,
    haveExe: exeRa !== undefined,
    haveFile: (path) => fileSource(path) !== undefined,
  });
  const sources = { core: ra, executable: exeRa, file: fileSource };

  const read = async (address: bigint, length: number, hint?: ReadHint): Promise<Uint8Array> => {
    // A bad argument is the caller's mistake, not the core's: RangeError, as a rejected promise.
    if (address < 0n || address >= 1n << 64n) throw new RangeError(`godiag: address ${address} is outside 0..2^64-1`);
    if (!Number.isSafeInteger(length) || length < 0 || length > Limits.maxBlockBytes) throw new RangeError(`godiag: read length ${length} is outside 0..${Limits.maxBlockBytes}`);
    return readImage(image, sources, address, length, hint);
  };
  const readCString = async (address: bigint, max = 4096): Promise<string | undefined> => {
    // Read page by page: a string may end just before an unavailable page.
    let out = new Uint8Array(0);
    let at = address;
    while (out.length < max) {
      const n = Math.min(max - out.length, 4096 - Number(at % 4096n));
      let chunk: Uint8Array;
      try {
        chunk = await read(at, n);
      } catch (e) {
        if (isUnavailable(e)) return undefined;
        throw e;
      }
      const z = chunk.indexOf(0);
      const joined = new Uint8Array(out.length + (z < 0 ? chunk.length : z));
      joined.set(out);
      joined.set(z < 0 ? chunk : chunk.subarray(0, z), out.length);
      out = joined;
      if (z >= 0) return decodeUtf8(out);
      at += BigInt(n);
    }
    return undefined;
  };

  return {
    size: ra.size,
    machine,
    arch: layout?.arch ?? '',
    byteOrder: little ? 'little' : 'big',
    ptrSize: 8,
    programHeaders,
    segments,
    notes: raw.map((n) => ({ name: n.name, type: n.type, typeName: n.typeName, size: n.desc.length, offset: n.offset })),
    process,
    auxv,
    files,
    signal,
    signalThread,
    entry,
    executablePath,
    executable: exe,
    executableCheck: check,
    warnings,
    threads: () => threads.map((t) => ({ ...t })),
    mappings: () => image.map((m) => ({ ...m })),
    mappingAt: (address) => {
      const i = findMapping(image, address);
      return i < 0 ? undefined : { ...image[i]! };
    },
    read,
    readCString,
    execFn: async () => {
      const at = auxv.find((a) => a.key === AT.EXECFN)?.value;
      return at === undefined ? undefined : readCString(at);
    },
    close: async () => {
      await ra.close?.();
      await exeRa?.close?.();
      for (const f of fileCache.values()) if (f !== exeRa) await f?.close?.();
    },
  };
}

/** The program header count of a core with more than 65534 headers: `sh_info` of section 0. */
async function extendedPhnum(ra: RandomAccess, shoff: bigint, little: boolean): Promise<number> {
  if (shoff === 0n || shoff > BigInt(ra.size)) throw coreError(ErrorCode.Corrupt, 40, 'program header count is PN_XNUM but there is no section header 0 to hold the real count');
  const sh0 = await readAt(ra, Number(shoff), 64, 'section header 0');
  const c = new ByteCursor(sh0, 'core', { littleEndian: little, baseOffset: Number(shoff) });
  c.seek(44); // sh_info
  return c.u32();
}

/**
 * Compares the executable with the core: the load bias from `AT_ENTRY` (zero unless the executable is
 * position-independent, then page-aligned), and the bytes of the executable's note segments (its build IDs)
 * as the core holds them — the kernel writes the first page of every mapped ELF file, where Go's linker
 * puts the notes.
 */
async function checkExecutable(
  exe: ElfExecutable,
  exeRa: RandomAccess,
  core: RandomAccess,
  coreSegments: readonly ImageSegment[],
  entry: bigint | undefined,
  entryAt: number,
  exePath: string | undefined,
  little: boolean,
  strict: boolean,
  warnings: string[],
): Promise<ExecutableCheck> {
  const problems: string[] = [];
  const named = exePath === undefined ? 'the executable given' : `the executable given (the core ran ${exePath})`;
  let loadBias = 0n;
  let entryState: 'match' | 'unknown' = 'unknown';
  if (entry !== undefined) {
    const bias = entry - exe.entry;
    if (exe.type === 2 && bias !== 0n) {
      problems.push(`${named} has entry point 0x${exe.entry.toString(16)}, but the core's process started at 0x${entry.toString(16)} (AT_ENTRY), and the executable is not position-independent`);
    } else if (exe.type === 3 && (bias < 0n || bias % 4096n !== 0n)) {
      problems.push(`${named} has entry point 0x${exe.entry.toString(16)}, which no page-aligned load address turns into the core's AT_ENTRY 0x${entry.toString(16)}`);
    } else {
      loadBias = bias;
      entryState = 'match';
    }
  }
  // Notes of the executable, located in memory through the PT_LOAD segment that holds their file bytes.
  const exeNotes = await executableNoteRanges(exe, exeRa);
  let executableBuildId: NoteBuildIds = {};
  let coreBuildId: NoteBuildIds | undefined;
  let buildId: 'match' | 'unknown' = 'unknown';
  for (const n of exeNotes) {
    const fromExe = n.bytes;
    const ids = buildIdsOfNotes(fromExe, little);
    if (ids.go === undefined && ids.gnu === undefined) continue;
    executableBuildId = { ...ids, ...executableBuildId };
    const addr = n.addr + loadBias;
    const seg = coreSegments.find((s) => s.vaddr <= addr && addr + BigInt(fromExe.length) <= s.vaddr + s.filesz);
    if (seg === undefined) continue;
    const off = seg.offset + Number(addr - seg.vaddr);
    if (off + fromExe.length > core.size) continue;
    const inCore = await core.read(off, fromExe.length);
    const coreIds = buildIdsOfNotes(inCore, little);
    coreBuildId = { ...coreIds, ...coreBuildId };
    if (equalBytes(inCore, fromExe)) {
      buildId = 'match';
    } else {
      const show = (x: NoteBuildIds) => [x.go !== undefined ? `Go build ID ${JSON.stringify(x.go)}` : '', x.gnu !== undefined ? `GNU build ID ${x.gnu}` : ''].filter((s) => s !== '').join(', ') || 'no build ID';
      problems.push(`${named} has ${show(ids)}, but the core's memory at 0x${addr.toString(16)} holds ${show(coreIds)}`);
    }
  }
  if (problems.length > 0) {
    const message = `the executable does not match the core: ${problems.join('; ')}`;
    // The offset is that of AT_ENTRY's value in NT_AUXV: what the executable was compared with.
    if (strict) throw coreError(ErrorCode.Corrupt, entryAt, message);
    warnings.push(message);
  }
  return { loadBias, executableBuildId, coreBuildId, buildId, entry: entryState };
}

/** The executable's note sections (or PT_NOTE data) with the addresses they are loaded at. */
async function executableNoteRanges(exe: ElfExecutable, ra: RandomAccess): Promise<{ addr: bigint; bytes: Uint8Array }[]> {
  const out: { addr: bigint; bytes: Uint8Array }[] = [];
  for (const s of exe.sections) {
    if (!s.name.startsWith('.note') || s.addr === 0n || s.fileSize === 0 || s.fileSize > 1 << 16) continue;
    if (s.offset + s.fileSize > ra.size) continue;
    out.push({ addr: s.addr, bytes: await ra.read(s.offset, s.fileSize) });
  }
  return out;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

