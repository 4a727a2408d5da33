/**
 * ELF notes of Linux core files: the note stream of a `PT_NOTE` segment, and the payloads of the notes the
 * kernel and gdb write (`NT_PRSTATUS`, `NT_PRPSINFO`, `NT_SIGINFO`, `NT_AUXV`, `NT_FILE`). Layouts are those
 * of the 64-bit Linux ABIs (amd64 and arm64 share them, registers aside: see registers.ts).
 * @module
 */

import { ByteCursor } from '../internal/cursor.js';
import { ErrorCode, GodiagError } from '../internal/errors.js';
import { Limits, checkLimit } from '../internal/limits.js';
import { decodeUtf8 } from '../internal/utf8.js';
import { parseElfNotes, type ElfNote } from '../internal/elf.js';

/** Note types of Linux cores, by the name `readelf` gives them. */
export const NoteType = {
  /** Process status of one thread: signal, ids, times, general registers. Name `CORE`. */
  NT_PRSTATUS: 1,
  /** Floating-point registers (`user_fpregs_struct`). Name `CORE`. */
  NT_PRFPREG: 2,
  /** Process information: state, command name, arguments, ids. Name `CORE`. */
  NT_PRPSINFO: 3,
  /** The auxiliary vector the kernel gave the process. Name `CORE`. */
  NT_AUXV: 6,
  /** The `siginfo_t` of the signal that ended the process (per thread in gdb's cores). Name `CORE`. */
  NT_SIGINFO: 0x53494749,
  /** The files mapped into the address space, with their file offsets. Name `CORE`. */
  NT_FILE: 0x46494c45,
  /** x86 XSAVE state. Name `LINUX`. */
  NT_X86_XSTATE: 0x202,
  /** arm64 TLS register. Name `LINUX`. */
  NT_ARM_TLS: 0x401,
  /** arm64 hardware breakpoint registers. Name `LINUX`. */
  NT_ARM_HW_BREAK: 0x402,
  /** arm64 hardware watchpoint registers. Name `LINUX`. */
  NT_ARM_HW_WATCH: 0x403,
  /** arm64 system call number. Name `LINUX`. */
  NT_ARM_SYSTEM_CALL: 0x404,
  /** arm64 SVE registers. Name `LINUX`. */
  NT_ARM_SVE: 0x405,
  /** arm64 pointer authentication masks. Name `LINUX`. */
  NT_ARM_PAC_MASK: 0x406,
  /** GNU build ID (in executables). Name `GNU`. */
  NT_GNU_BUILD_ID: 3,
  /** Go build ID (in Go executables). Name `Go`. */
  NT_GO_BUILD_ID: 4,
  /** gdb's XML target description. Name `GDB`. */
  NT_GDB_TDESC: 0xff000000,
} as const;

const CORE_TYPE_NAMES: Record<number, string> = {
  1: 'NT_PRSTATUS',
  2: 'NT_PRFPREG',
  3: 'NT_PRPSINFO',
  4: 'NT_TASKSTRUCT',
  6: 'NT_AUXV',
  0x53494749: 'NT_SIGINFO',
  0x46494c45: 'NT_FILE',
};
const LINUX_TYPE_NAMES: Record<number, string> = {
  0x200: 'NT_386_TLS',
  0x201: 'NT_386_IOPERM',
  0x202: 'NT_X86_XSTATE',
  0x204: 'NT_X86_SHSTK',
  0x205: 'NT_X86_XSAVE_LAYOUT',
  0x401: 'NT_ARM_TLS',
  0x402: 'NT_ARM_HW_BREAK',
  0x403: 'NT_ARM_HW_WATCH',
  0x404: 'NT_ARM_SYSTEM_CALL',
  0x405: 'NT_ARM_SVE',
  0x406: 'NT_ARM_PAC_MASK',
  0x407: 'NT_ARM_PACA_KEYS',
  0x408: 'NT_ARM_PACG_KEYS',
  0x409: 'NT_ARM_TAGGED_ADDR_CTRL',
  0x40a: 'NT_ARM_PAC_ENABLED_KEYS',
  0x40b: 'NT_ARM_SSVE',
  0x40c: 'NT_ARM_ZA',
  0x40d: 'NT_ARM_ZT',
  0x40e: 'NT_ARM_FPMR',
  0x40f: 'NT_ARM_POE',
  0x410: 'NT_ARM_GCS',
};

/** The conventional name of a note type (types are per owner name), or undefined. */
export function noteTypeName(name: string, type: number): string | undefined {
  if (name === 'CORE') return CORE_TYPE_NAMES[type];
  if (name === 'LINUX') return LINUX_TYPE_NAMES[type] ?? (type === 2 ? 'NT_PRFPREG' : undefined);
  if (name === 'GNU') return type === 3 ? 'NT_GNU_BUILD_ID' : type === 1 ? 'NT_GNU_ABI_TAG' : undefined;
  if (name === 'Go') return type === 4 ? 'NT_GO_BUILD_ID' : undefined;
  if (name === 'GDB') return type === 0xff000000 ? 'NT_GDB_TDESC' : undefined;
  return undefined;
}

/** One note of a `PT_NOTE` segment. Every note is listed, known or not. */
export interface RawNote extends ElfNote {
  /** The conventional name of the type (`NT_PRSTATUS`), when known. */
  typeName: string | undefined;
}

/**
 * Parses the note stream of one `PT_NOTE` segment (4-byte aligned names and descriptors, as Linux writes
 * them). A note whose sizes run past the segment is `truncated`.
 */
export function parseNoteStream(bytes: Uint8Array, little: boolean, baseOffset: number): RawNote[] {
  return parseElfNotes(bytes, little, baseOffset, 'core').map((n) => ({ ...n, typeName: noteTypeName(n.name, n.type) }));
}

/** A cursor over a note's descriptor whose offsets are those of the core file. */
export function descCursor(note: RawNote, little: boolean): ByteCursor {
  return new ByteCursor(note.desc, 'core', { littleEndian: little, baseOffset: note.descOffset });
}

function needSize(note: RawNote, min: number, what: string): void {
  if (note.desc.length < min) {
    throw new GodiagError(ErrorCode.Truncated, {
      format: 'core',
      offset: note.descOffset,
      message: `${what} note has ${note.desc.length} bytes, expected at least ${min}`,
    });
  }
}

/** The fields of `NT_PRSTATUS` before the registers (`struct elf_prstatus_common`, 64-bit Linux). */
export interface PrStatus {
  /** `pr_info.si_signo`: the signal number the kernel recorded (often 0 in gdb's cores). */
  infoSigno: number;
  /** `pr_info.si_code`. */
  infoCode: number;
  /** `pr_info.si_errno`. */
  infoErrno: number;
  /** `pr_cursig`: the current signal (kernel cores give every thread the dumping signal). */
  cursig: number;
  /** Pending signals (bit mask). */
  sigpend: bigint;
  /** Blocked signals (bit mask). */
  sighold: bigint;
  /** The thread id (`pr_pid` is the kernel's task id). */
  tid: number;
  /** Parent process id. */
  ppid: number;
  /** Process group id. */
  pgrp: number;
  /** Session id. */
  sid: number;
  /** User, system, children's user and children's system time. */
  times: ProcessTimes;
  /** The raw general registers (`pr_reg`), decoded by registers.ts. */
  regBytes: Uint8Array;
  /** File offset of `pr_reg`. */
  regOffset: number;
  /** `pr_fpvalid`: the thread has floating-point registers (an `NT_PRFPREG` note follows). */
  fpvalid: number;
}

/** CPU times of `NT_PRSTATUS`, each in microseconds. */
export interface ProcessTimes {
  /** `pr_utime`: user time of the thread. */
  user: bigint;
  /** `pr_stime`: system time of the thread. */
  system: bigint;
  /** `pr_cutime`: user time of waited-for children. */
  childUser: bigint;
  /** `pr_cstime`: system time of waited-for children. */
  childSystem: bigint;
}

/** Offset of `pr_reg` in a 64-bit `elf_prstatus`. */
export const PRSTATUS_REG_OFFSET = 112;

/** Decodes the common part of `NT_PRSTATUS`; `regSize` is the architecture's `pr_reg` size. */
export function parsePrStatus(note: RawNote, little: boolean, regSize: number): PrStatus {
  needSize(note, PRSTATUS_REG_OFFSET + regSize + 4, 'NT_PRSTATUS');
  const c = descCursor(note, little);
  const infoSigno = c.i32();
  const infoCode = c.i32();
  const infoErrno = c.i32();
  const cursig = c.u16();
  c.skip(2);
  const sigpend = c.u64();
  const sighold = c.u64();
  const tid = c.i32();
  const ppid = c.i32();
  const pgrp = c.i32();
  const sid = c.i32();
  const tv = () => c.u64() * 1000000n + c.u64();
  const times = { user: tv(), system: tv(), childUser: tv(), childSystem: tv() };
  const regOffset = c.offset;
  const regBytes = c.bytesView(regSize, 'pr_reg');
  const fpvalid = c.i32();
  return { infoSigno, infoCode, infoErrno, cursig, sigpend, sighold, tid, ppid, pgrp, sid, times, regBytes, regOffset, fpvalid };
}

/** `NT_PRPSINFO` (`struct elf_prpsinfo`, 64-bit Linux). */
export interface PrPsInfo {
  /** Numeric state (`pr_state`). */
  state: number;
  /** State letter as `ps` shows it (`R`, `S`, `D`, …). */
  stateChar: string;
  /** Zombie flag. */
  zombie: number;
  /** Nice value. */
  nice: number;
  /** Process flags (`pr_flag`). */
  flags: bigint;
  /** User id. */
  uid: number;
  /** Group id. */
  gid: number;
  /** Process id. */
  pid: number;
  /** Parent process id. */
  ppid: number;
  /** Process group id. */
  pgrp: number;
  /** Session id. */
  sid: number;
  /** The command name (16 bytes at most, as `comm`). */
  fname: string;
  /** The first 80 bytes of the command line, arguments separated by spaces (trailing spaces trimmed). */
  args: string;
}

/** Size of `struct elf_prpsinfo` on 64-bit Linux. */
export const PRPSINFO_SIZE = 136;

/** Decodes `NT_PRPSINFO`. */
export function parsePrPsInfo(note: RawNote, little: boolean): PrPsInfo {
  needSize(note, PRPSINFO_SIZE, 'NT_PRPSINFO');
  const c = descCursor(note, little);
  const state = c.u8();
  const sname = c.u8();
  const zombie = c.u8();
  const nice = (c.u8() << 24) >> 24;
  c.skip(4);
  const flags = c.u64();
  const uid = c.u32();
  const gid = c.u32();
  const pid = c.i32();
  const ppid = c.i32();
  const pgrp = c.i32();
  const sid = c.i32();
  const fname = cString(c.bytesView(16, 'pr_fname'));
  // The kernel replaces the NULs between arguments by spaces; gdb writes them the same way.
  const args = cString(c.bytesView(80, 'pr_psargs')).replace(/ +$/, '');
  return { state, stateChar: sname === 0 ? '' : String.fromCharCode(sname), zombie, nice, flags, uid, gid, pid, ppid, pgrp, sid, fname, args };
}

function cString(b: Uint8Array): string {
  const end = b.indexOf(0);
  return decodeUtf8(end < 0 ? b : b.subarray(0, end));
}

/** Signals whose `siginfo_t` carries a faulting address. */
const FAULT_SIGNALS = new Set([4, 5, 7, 8, 11]); // SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGSEGV

/** `NT_SIGINFO`: the `siginfo_t` of a signal. */
export interface SigInfo {
  /** Signal number (6 SIGABRT, 11 SIGSEGV, …). */
  signo: number;
  /** Signal name, `SIGABRT`, or `signal N` when unknown. */
  name: string;
  /** `si_errno`. */
  errno: number;
  /** `si_code`: > 0 set by the kernel (e.g. SEGV_MAPERR 1), 0 SI_USER (kill), −6 SI_TKILL (tgkill). */
  code: number;
  /** The faulting address, for SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGTRAP raised by the kernel. */
  addr?: bigint;
  /** The sending process, for signals sent by kill/tgkill (code ≤ 0). */
  pid?: number;
  /** The sending user, for signals sent by kill/tgkill. */
  uid?: number;
}

const SIGNAL_NAMES = [
  '', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL', 'SIGUSR1',
  'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP',
  'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS',
];

/** The Linux name of a signal number (`SIGSEGV`), or `signal N`. */
export function signalName(signo: number): string {
  return SIGNAL_NAMES[signo] || `signal ${signo}`;
}

/** Decodes `NT_SIGINFO` (the 128-byte `siginfo_t` of 64-bit Linux). */
export function parseSigInfo(note: RawNote, little: boolean): SigInfo {
  needSize(note, 24, 'NT_SIGINFO');
  const c = descCursor(note, little);
  const signo = c.i32();
  const errno = c.i32();
  const code = c.i32();
  c.skip(4); // the union is 8-byte aligned
  const out: SigInfo = { signo, name: signalName(signo), errno, code };
  if (code <= 0) {
    out.pid = c.i32();
    out.uid = c.u32();
  } else if (FAULT_SIGNALS.has(signo)) {
    out.addr = c.u64();
  }
  return out;
}

/** Names of the auxiliary vector's keys (`AT_*`). */
const AUXV_NAMES: Record<number, string> = {
  0: 'AT_NULL', 1: 'AT_IGNORE', 2: 'AT_EXECFD', 3: 'AT_PHDR', 4: 'AT_PHENT', 5: 'AT_PHNUM', 6: 'AT_PAGESZ',
  7: 'AT_BASE', 8: 'AT_FLAGS', 9: 'AT_ENTRY', 10: 'AT_NOTELF', 11: 'AT_UID', 12: 'AT_EUID', 13: 'AT_GID',
  14: 'AT_EGID', 15: 'AT_PLATFORM', 16: 'AT_HWCAP', 17: 'AT_CLKTCK', 23: 'AT_SECURE', 24: 'AT_BASE_PLATFORM',
  25: 'AT_RANDOM', 26: 'AT_HWCAP2', 27: 'AT_RSEQ_FEATURE_SIZE', 28: 'AT_RSEQ_ALIGN', 29: 'AT_HWCAP3',
  30: 'AT_HWCAP4', 31: 'AT_EXECFN', 32: 'AT_SYSINFO', 33: 'AT_SYSINFO_EHDR', 51: 'AT_MINSIGSTKSZ',
};

/** Auxiliary vector keys used by the core reader. */
export const AT = { NULL: 0n, PHDR: 3n, PAGESZ: 6n, ENTRY: 9n, PLATFORM: 15n, EXECFN: 31n } as const;

/** One entry of the auxiliary vector. */
export interface AuxvEntry {
  /** The key (`AT_ENTRY` is 9). */
  key: bigint;
  /** Its name, `AT_ENTRY`, or undefined for keys this reader does not know. */
  name: string | undefined;
  /** The value (an address for AT_ENTRY, AT_PHDR, AT_EXECFN, AT_PLATFORM, AT_RANDOM, …). */
  value: bigint;
}

/** Decodes `NT_AUXV`: (key, value) pairs of 8 bytes each, up to `AT_NULL` (which is not returned). */
export function parseAuxv(note: RawNote, little: boolean): AuxvEntry[] {
  const c = descCursor(note, little);
  const out: AuxvEntry[] = [];
  checkLimit(Math.floor(note.desc.length / 16), Limits.maxItems, 'core', note.descOffset, 'auxiliary vector entry count');
  while (c.remaining >= 16) {
    const key = c.u64();
    const value = c.u64();
    if (key === AT.NULL) break;
    out.push({ key, name: key < 64n ? AUXV_NAMES[Number(key)] : undefined, value });
  }
  return out;
}

/** One file mapping of `NT_FILE`. */
export interface FileMapping {
  /** First address. */
  start: bigint;
  /** End address (exclusive). */
  end: bigint;
  /** Offset in the file of the byte at `start`, in bytes (normalised, see {@link MappedFiles}). */
  fileOffset: bigint;
  /** The path as the kernel (or gdb) saw it when the core was written. */
  path: string;
}

/** `NT_FILE`: the files mapped into the process. */
export interface MappedFiles {
  /** Number of mappings. */
  count: number;
  /**
   * The page size field. The kernel writes its page size and file offsets counted in pages; gdb's `gcore`
   * writes 1 and offsets in bytes. Either way offset × page size is the offset in bytes, which is what
   * {@link FileMapping.fileOffset} holds.
   */
  pageSize: bigint;
  /** How the offsets were written: `pages` (kernel) or `bytes` (page size 1: gdb). */
  offsetUnit: 'pages' | 'bytes';
  /** The mappings in note order. */
  mappings: FileMapping[];
}

/** Decodes `NT_FILE` (64-bit: count, page size, count × (start, end, offset), then NUL-terminated paths). */
export function parseFileNote(note: RawNote, little: boolean): MappedFiles {
  needSize(note, 16, 'NT_FILE');
  const c = descCursor(note, little);
  const count = checkLimit(c.u64(), Limits.maxItems, 'core', note.descOffset, 'NT_FILE mapping count');
  const pageSize = c.u64();
  if (pageSize === 0n) throw c.error(ErrorCode.Corrupt, 'NT_FILE page size is 0', note.descOffset + 8);
  if (count * 24 > c.remaining) {
    throw c.error(ErrorCode.Truncated, `NT_FILE announces ${count} mappings (${count * 24} bytes), but the note has ${c.remaining} bytes after its header`);
  }
  const ranges: { start: bigint; end: bigint; off: bigint; at: number }[] = [];
  for (let i = 0; i < count; i++) {
    const at = c.offset;
    const start = c.u64();
    const end = c.u64();
    const off = c.u64();
    if (end < start) throw c.error(ErrorCode.Corrupt, `NT_FILE mapping ${i} ends (0x${end.toString(16)}) before it starts (0x${start.toString(16)})`, at);
    ranges.push({ start, end, off, at });
  }
  const mappings: FileMapping[] = [];
  for (let i = 0; i < count; i++) {
    const r = ranges[i]!;
    let path: string;
    try {
      path = c.cstring(Limits.maxStringBytes);
    } catch (e) {
      throw new GodiagError(ErrorCode.Truncated, { format: 'core', offset: c.offset, message: `NT_FILE has ${count} mappings but only ${i} file names`, cause: e });
    }
    mappings.push({ start: r.start, end: r.end, fileOffset: r.off * pageSize, path });
  }
  return { count, pageSize, offsetUnit: pageSize === 1n ? 'bytes' : 'pages', mappings };
}

/** A build ID found in the notes of an executable or in its image in memory. */
export interface NoteBuildIds {
  /** The Go build ID (`Go` note type 4). */
  go?: string;
  /** The GNU build ID as lowercase hex (`GNU` note type 3). */
  gnu?: string;
}

/** The Go and GNU build IDs in a note stream (malformed streams give what was read before the fault). */
export function buildIdsOfNotes(bytes: Uint8Array, little: boolean): NoteBuildIds {
  const out: NoteBuildIds = {};
  let notes: RawNote[];
  try {
    notes = parseNoteStream(bytes, little, 0);
  } catch {
    return out;
  }
  for (const n of notes) {
    if (n.name === 'Go' && n.type === 4 && out.go === undefined) out.go = decodeUtf8(n.desc);
    if (n.name === 'GNU' && n.type === 3 && out.gnu === undefined) out.gnu = [...n.desc].map((x) => x.toString(16).padStart(2, '0')).join('');
  }
  return out;
}
