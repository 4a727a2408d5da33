/**
 * The Go PC/line table (pclntab): functions, PC → file:line, inlined calls, line → PCs.
 *
 * Everything is read from bytes already in memory, synchronously. The functab is copied once into two
 * `Uint32Array`s (entry offsets and `_func` offsets) so that finding the function of a PC is a binary search
 * over a typed array; the pc-value tables are decoded incrementally up to the PC asked for, as the runtime
 * does, without allocating. Strings are decoded once and interned by offset.
 *
 * Layouts read: the headers of Go 1.2, 1.16, 1.18 and 1.20 (see header.ts) and the `_func` records of
 * Go 1.2–1.11, 1.12–1.15, 1.16–1.17, 1.18–1.19 and 1.20+; inlined calls of Go 1.12–1.19 and 1.20+.
 * @module
 */

import { ErrorCode, GodiagError } from '../../internal/errors.js';
import { decodeUtf8 } from '../../internal/utf8.js';
import { FORMAT, readHeader, readWord, type HeaderLayout, type PclntabHeader, type PclntabLayout } from './header.js';
import { funcIdTableFor, funcIdTables, goMinorVersion, inferFuncIdNames, type FuncIdTable } from './funcid.js';

export type { PclntabHeader, PclntabLayout } from './header.js';

/** Bytes of the target's memory at an address (a section, or a symbol's data). */
export interface MemoryRegion {
  /** Virtual address of `bytes[0]`. */
  readonly addr: bigint;
  /** The bytes. */
  readonly bytes: Uint8Array;
}

/** Where `go:func.*` is (the base of 1.18+ funcdata offsets), and its bytes when they are not in the table. */
export interface GoFuncMemory {
  /** Address of `go:func.*` (moduledata's `gofunc`). */
  readonly addr: bigint;
  /** Its bytes; omit when the region lies inside the table's own bytes or another memory region. */
  readonly bytes?: Uint8Array;
}

/** A source position: what {@link Pclntab.fileLine} answers. */
export interface SourcePosition {
  /** Source file ("" where the table has none). */
  readonly file: string;
  /** Line (−1 where the table has none). */
  readonly line: number;
}

/** One entry of moduledata's `textsectmap`. */
export interface TextSectionMap {
  /** Start of the section as an offset in the virtual text the function table counts in. */
  readonly vaddr: bigint;
  /** End of that range (exclusive). */
  readonly end: bigint;
  /** Address the section is at. */
  readonly baseaddr: bigint;
}

/** Options of {@link Pclntab.parse}. */
export interface PclntabOptions {
  /** Expected byte order; the magic decides it, and a different one here is an error. */
  byteOrder?: 'little' | 'big';
  /**
   * Go 1.18+: the `go:func.*` (1.18–1.19: `go.func.*`) region, `moduledata.gofunc`. Funcdata offsets (the
   * inline trees among them) are relative to its address. `bytes` may be omitted when the region is
   * inside `memory` or inside the table's own bytes (Go 1.26 puts it at the end of the pclntab section,
   * so `addr` of the table is enough).
   */
  goFunc?: GoFuncMemory;
  /**
   * Further memory in which funcdata is looked up: Go 1.12–1.17 store absolute pointers to the inline trees
   * (which live in the read-only data section, `.rodata` / `__rodata` / `.rdata`).
   */
  memory?: readonly MemoryRegion[];
  /** Virtual address of the table's first byte, so funcdata inside the table itself can be found. */
  addr?: bigint;
  /**
   * Address of `runtime.text` (`moduledata.text`). Go 1.18+ tables store function entries as offsets from
   * it; Go 1.26 no longer writes it into the header and position-independent executables leave it 0
   * until relocated, so for those it is required. Before 1.18, entries are absolute and this is ignored.
   */
  textStart?: bigint;
  /**
   * Go 1.18+: moduledata's `textsectmap` when the linker split the text into several sections (very large
   * binaries, mostly ppc64 and arm64): function entries are then offsets in a virtual text that each
   * section maps to its own address. One section (the usual case) needs nothing.
   */
  textSections?: readonly TextSectionMap[];
  /**
   * The Go version that wrote the table (`go1.21.3`, from the build info). Selects the FuncID names and,
   * for 1.2-magic tables, tells the 1.2–1.11 `_func` layout from the 1.12–1.15 one; both are inferred from
   * the table when absent.
   */
  goVersion?: string;
}

/** One function of the table. */
export interface FuncInfo {
  /** Index in the functab (entry order). */
  readonly index: number;
  /** Symbol name, package path-qualified (`main.main`, `net/http.(*Server).Serve`). */
  readonly name: string;
  /** Entry PC. */
  readonly entry: bigint;
  /** End PC (exclusive): the next function's entry, so alignment padding belongs to this function. */
  readonly end: bigint;
  /** Line of the `func` keyword (TEXT directive): recorded from Go 1.20. */
  readonly startLine?: number;
  /** File at the entry PC, when the table has one there. */
  readonly file?: string;
  /** FuncID (absent for Go 1.2–1.9 tables and 1.2-magic tables of unknown version). */
  readonly funcID?: number;
  /** Name of the FuncID in the writing release's enumeration (`goexit`, `wrapper`…), when known. */
  readonly funcIDName?: string;
  /** FuncFlag bits (Go 1.17+: 1 TopFrame, 2 SPWrite, 4 Asm); 0 before. */
  readonly flags: number;
  /** Size of the arguments in bytes (−0x80000000 when unknown, as Go records it). */
  readonly argsSize: number;
  /** Largest SP delta of the pcsp table: the frame size. */
  readonly maxFrameSize: number;
}

/** One logical frame at a PC: an inlined call or the physical function. */
export interface Frame {
  /** Function name. */
  readonly function: string;
  /** Source file of the PC in this frame ("?" when the table has none, as the runtime prints). */
  readonly file: string;
  /** Line in `file` (0 when the table has none). */
  readonly line: number;
  /** Line of the function's `func` keyword (Go 1.20+). */
  readonly startLine?: number;
  /** True for frames of inlined calls (all but the last). */
  readonly inlined: boolean;
  /** Entry PC of the physical function containing the PC (also for inlined frames, as in `runtime.Frame`). */
  readonly entry: bigint;
  /** FuncID of the (inlined) function, where recorded. */
  readonly funcID?: number;
  /**
   * Set on the physical frame when the PC is inside inlined code but the inline tree could not be read
   * (no `goFunc`/`memory` given, or a Go 1.2–1.11 table): `function` is then the outer function while
   * file and line are the innermost position, as debug/gosym reports them.
   */
  readonly inlineTreeMissing?: true;
}

/** A run of PCs with one source position. */
export interface LineRun {
  /** First PC of the run. */
  readonly pc: bigint;
  /** PC after the run. */
  readonly end: bigint;
  /** Source file. */
  readonly file: string;
  /** Line. */
  readonly line: number;
}

/** Options of {@link Pclntab.fileLine} and {@link Pclntab.lines}. */
export interface PositionOptions {
  /**
   * Answer exactly as debug/gosym's PCToLine does, including its departures from the runtime: a missing
   * pc-value table (offset 0) is decoded from the start of the pc-value area (giving lines such as −7 for
   * linker-made functions like `go:buildid`), file numbers are checked against the declared count (Go 1.2–
   * early tables list one file more), and a function without a compilation unit reads the CU table with
   * uint32 wrap-around. For comparisons with debug/gosym output; the default answers as the runtime does.
   */
  asDebugGosym?: boolean;
}

/** `_func` record layouts (finer than the header layouts). */
type FuncLayout = 'go1.2' | 'go1.12' | 'go1.16' | 'go1.18' | 'go1.20';

/** The pcdata index of the inline index table and the funcdata index of the inline tree. */
interface InlineKeys {
  readonly pcdata: number;
  readonly funcdata: number;
}
const INL_112: InlineKeys = { pcdata: 1, funcdata: 2 };
const INL_113: InlineKeys = { pcdata: 2, funcdata: 4 };
const INL_116: InlineKeys = { pcdata: 2, funcdata: 3 };
const NO_FUNCDATA32 = 0xffffffff;
const MAX_INLINE_DEPTH = 4096;
/** Bound of the decoded pc-value table cache, in runs (8 bytes each). */
const MAX_CACHED_RUNS = 1 << 21;

/** A decoded pc-value table: `vals[k]` holds up to (excluding) `ends[k]`, relative to the entry. */
interface DecodedTable {
  readonly ends: Uint32Array;
  readonly vals: Int32Array;
}
/** What lookups need of one function, gathered on its first lookup (one array load on the next). */
interface FnLookup {
  /** The pcln and pcfile tables (undefined where the function has none). */
  readonly ln: DecodedTable | undefined;
  readonly file: DecodedTable | undefined;
  /** The inline index table: undefined for none, null until first needed. */
  inl: DecodedTable | undefined | null;
  /** Compilation unit offset (1.16+). */
  readonly cu: number;
  /** Entry PC. */
  readonly entryPc: bigint;
  /** Name, decoded on first use. */
  name: string | undefined;
}
const MAX_PCDATA = 1 << 16;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function corrupt(offset: number, message: string): GodiagError {
  return new GodiagError(ErrorCode.Corrupt, { format: FORMAT, offset, message });
}
function truncated(offset: number, what: string): GodiagError {
  return new GodiagError(ErrorCode.Truncated, { format: FORMAT, offset, message: `unexpected end of input: expected ${what}` });
}

/** A parsed pclntab. See the module documentation. */
export class Pclntab {
  /** Header layout. */
  readonly layout: PclntabLayout;
  /** Byte order. */
  readonly byteOrder: 'little' | 'big';
  /** PC quantum. */
  readonly quantum: number;
  /** Pointer size. */
  readonly ptrSize: 4 | 8;
  /** Address function entries are relative to (1.18+), or the first entry (before). */
  readonly textStart: bigint;
  /** Number of functions. */
  readonly funcCount: number;

  private readonly bytes: Uint8Array;
  private readonly dv: DataView;
  private readonly le: boolean;
  private readonly h: HeaderLayout;
  /** Entry of function i as an offset from `base`; entries[nfunc] is the end of the last function. */
  private readonly entries: Uint32Array;
  /** Offset of function i's `_func` in `bytes`. */
  private readonly funcOffs: Uint32Array;
  private readonly base: bigint;
  /** End of the last function as an offset from `base`. */
  private readonly span: bigint;
  private readonly spanNum: number;
  /** `base` as a number when base + span is a safe integer (and the text is one section), else −1. */
  private readonly baseNum: number;
  /** Split text (1.18+, several `textsectmap` entries): virtual offset ranges and their addresses. */
  private readonly sects: ReadonlyArray<{ readonly vaddr: number; readonly end: number; readonly addr: bigint }> | undefined;
  private readonly strings = new Map<number, string>();
  private readonly tableCache = new Map<number, DecodedTable>();
  /** Per function index, see {@link FnLookup}; emptied with the table cache. */
  private fnLookups: Array<FnLookup | undefined>;
  /** File names by compilation-unit table index (1.16+). */
  private readonly cuNames: Array<string | undefined>;
  /** What {@link funcAt} answered, per function index (frozen: callers share them). */
  private readonly funcInfos: Array<FuncInfo | undefined>;
  private treeCache: Map<number, { dv: DataView; pos: number } | null> | undefined;
  private readonly views = new Map<Uint8Array, DataView>();
  private cachedRuns = 0;
  private readonly regions: MemoryRegion[] = [];
  private readonly goFuncAddr: bigint | undefined;
  private readonly minor: number | undefined;
  /** The `_func` layout and the offsets of its variable parts (decided once at parse). */
  private readonly funcLayout: FuncLayout;
  private readonly sz0: number;
  private readonly tailOff: number;
  private readonly fixedSz: number;
  private funcIdNamesCache: readonly string[] | null | undefined;
  private filesCache: string[] | undefined;
  private inlKeysCache: InlineKeys | null | undefined;
  private fileCount12Cache: number | undefined;
  /** Set while answering as debug/gosym does (see {@link Pclntab.lines}). */
  private compat = false;

  private constructor(bytes: Uint8Array, h: HeaderLayout, options: PclntabOptions) {
    this.bytes = bytes;
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.h = h;
    this.le = h.littleEndian;
    this.layout = h.layout;
    this.byteOrder = h.byteOrder;
    this.quantum = h.quantum;
    this.ptrSize = h.ptrSize;
    this.funcCount = h.nfunc;
    this.minor = options.goVersion === undefined ? undefined : goMinorVersion(options.goVersion);
    if (options.goFunc?.bytes) this.regions.push({ addr: options.goFunc.addr, bytes: options.goFunc.bytes });
    for (const r of options.memory ?? []) this.regions.push(r);
    if (options.addr !== undefined) this.regions.push({ addr: options.addr, bytes });
    this.goFuncAddr = options.goFunc?.addr;

    const n = h.nfunc;
    const fs = h.functabFieldSize;
    const tabEnd = h.functabStart + (2 * n + 1) * fs;
    if (tabEnd > bytes.length) throw truncated(bytes.length, `a function table of ${n} entries`);
    this.entries = new Uint32Array(n + 1);
    this.fnLookups = new Array<FnLookup | undefined>(n);
    this.funcInfos = new Array<FuncInfo | undefined>(n);
    this.cuNames = new Array<string | undefined>(h.layout === '1.2' ? 0 : Math.max(0, (h.cutabEnd - h.cutabStart) >> 2));
    this.funcOffs = new Uint32Array(n);
    const le = this.le;
    const dv = this.dv;
    if (h.layout === '1.18' || h.layout === '1.20') {
      let ts = options.textStart;
      if (ts === undefined) {
        if (h.textStart === 0n) {
          throw new TypeError(
            'pclntab: this Go 1.18+ table has no text start address in its header (Go 1.26+, or not relocated): pass options.textStart (runtime.text / moduledata.text)',
          );
        }
        ts = h.textStart;
      }
      this.base = ts ?? 0n;
      const ss = options.textSections;
      if (ss !== undefined && ss.length > 1) {
        this.sects = ss.map((x) => {
          if (x.vaddr > x.end || x.end > 0xffffffffn) throw new TypeError(`pclntab: text section ${x.vaddr}..${x.end} is not a 32-bit offset range`);
          return { vaddr: Number(x.vaddr), end: Number(x.end), addr: x.baseaddr };
        });
      }
      let prev = 0;
      for (let i = 0; i <= n; i++) {
        const at = h.functabStart + i * 8;
        const e = dv.getUint32(at, le);
        if (e < prev) throw corrupt(at, `function table not sorted by PC: entry ${i} (0x${e.toString(16)}) is before entry ${i - 1} (0x${prev.toString(16)})`);
        prev = e;
        this.entries[i] = e;
        if (i < n) this.funcOffs[i] = this.funcOffset(dv.getUint32(at + 4, le), at + 4);
      }
    } else {
      // Before 1.18, entries are absolute pointers: keep offsets from the first entry.
      const first = n >= 0 ? readBig(dv, h.functabStart, fs, le) : 0n;
      this.base = first;
      let prev = 0n;
      for (let i = 0; i <= n; i++) {
        const at = h.functabStart + i * 2 * fs;
        const e = readBig(dv, at, fs, le);
        if (e < prev) throw corrupt(at, `function table not sorted by PC: entry ${i} (0x${e.toString(16)}) is before entry ${i - 1} (0x${prev.toString(16)})`);
        prev = e;
        const d = e - first;
        if (d > 0xffffffffn) throw corrupt(at, `function entry 0x${e.toString(16)} is more than 4 GiB after the first (0x${first.toString(16)})`);
        this.entries[i] = Number(d);
        if (i < n) this.funcOffs[i] = this.funcOffset(readWord(dv, at + fs, fs, le, 'function offset'), at + fs);
      }
    }
    this.textStart = this.base;
    this.span = BigInt(this.entries[n]!);
    this.spanNum = this.entries[n]!;
    this.baseNum = this.sects === undefined && this.base + this.span <= MAX_SAFE ? Number(this.base) : -1;
    const l = this.computeFuncLayout();
    this.funcLayout = l;
    this.sz0 = l === 'go1.18' || l === 'go1.20' ? 4 : this.ptrSize;
    // The (funcID, flag, pad, nfuncdata) word; for go1.2 the int32 nfuncdata.
    this.tailOff = this.sz0 + (l === 'go1.2' || l === 'go1.12' ? 28 : l === 'go1.20' ? 36 : 32);
    this.fixedSz = this.tailOff + 4;
  }

  /** Reads only the header of a table (layout, byte order, quantum, pointer size, counts). */
  static readHeader(bytes: Uint8Array): PclntabHeader {
    const h = readHeader(bytes);
    return {
      layout: h.layout,
      byteOrder: h.byteOrder,
      quantum: h.quantum,
      ptrSize: h.ptrSize,
      nfunc: h.nfunc,
      nfiles: h.nfiles,
      textStart: h.textStart,
    };
  }

  /**
   * Parses a pclntab. Validates the header and the function table (sorted, in bounds); function records
   * and pc-value tables are checked as they are read. Throws {@link GodiagError} (format `pclntab`) for
   * malformed input and a `TypeError` when a Go 1.18+ table has no text start and none is given.
   */
  static parse(bytes: Uint8Array, options: PclntabOptions = {}): Pclntab {
    const h = readHeader(bytes);
    if (options.byteOrder !== undefined && options.byteOrder !== h.byteOrder) {
      throw corrupt(0, `pclntab magic says ${h.byteOrder}-endian, the executable is ${options.byteOrder}-endian`);
    }
    return new Pclntab(bytes, h, options);
  }

  private funcOffset(rel: number, at: number): number {
    const off = this.h.funcdataBase + rel;
    if (off + this.fixedSizeMin() > this.h.funcdataEnd) throw corrupt(at, `function record offset ${rel} is outside the table`);
    return off;
  }

  /** Smallest `_func` size of the layout (before the 1.2/1.12 decision, the common part). */
  private fixedSizeMin(): number {
    return this.h.layout === '1.18' || this.h.layout === '1.20' ? 40 : this.ptrSize + 32;
  }

  // ---- _func fields ----------------------------------------------------------------------------------

  /** The `_func` record layout, deciding 1.2–1.11 against 1.12–1.15 for 1.2-magic tables. */
  private computeFuncLayout(): FuncLayout {
    let l: FuncLayout;
    switch (this.h.layout) {
      case '1.16':
        l = 'go1.16';
        break;
      case '1.18':
        l = 'go1.18';
        break;
      case '1.20':
        l = 'go1.20';
        break;
      default:
        l = this.minor !== undefined ? (this.minor >= 12 ? 'go1.12' : 'go1.2') : this.detectOldLayout();
    }
    return l;
  }

  /**
   * 1.2-magic tables: the word after npcdata is an int32 nfuncdata up to Go 1.11 and the bytes
   * (funcID, 0, 0, nfuncdata) from Go 1.12. nfuncdata < 256 leaves the high bytes of the int32 zero, so a
   * non-zero byte where 1.12 keeps nfuncdata (little-endian) or funcID (big-endian) means 1.12+.
   */
  private detectOldLayout(): FuncLayout {
    const at = this.ptrSize + 28;
    const probe = this.le ? 3 : 0;
    for (let i = 0; i < this.funcCount; i++) {
      const off = this.funcOffs[i]! + at;
      if (off + 4 > this.bytes.length) throw truncated(off, 'a function record');
      if (this.bytes[off + probe] !== 0) return 'go1.12';
    }
    return 'go1.2';
  }

  private u32(off: number): number {
    if (off + 4 > this.bytes.length) throw truncated(off, 'a 32-bit field');
    return this.dv.getUint32(off, this.le);
  }
  private i32(off: number): number {
    if (off + 4 > this.bytes.length) throw truncated(off, 'a 32-bit field');
    return this.dv.getInt32(off, this.le);
  }


  private nameOff(f: number): number {
    return this.u32(f + this.sz0);
  }
  private pcsp(f: number): number {
    return this.u32(f + this.sz0 + 12);
  }
  private pcfile(f: number): number {
    return this.u32(f + this.sz0 + 16);
  }
  private pcln(f: number): number {
    return this.u32(f + this.sz0 + 20);
  }
  private npcdata(f: number): number {
    const n = this.u32(f + this.sz0 + 24);
    if (n > MAX_PCDATA) throw corrupt(f + this.sz0 + 24, `function record has ${n} pcdata tables`);
    return n;
  }
  private cuOffset(f: number): number {
    return this.u32(f + this.sz0 + 28);
  }
  private nfuncdata(f: number): number {
    const t = f + this.tailOff;
    if (this.funcLayout === 'go1.2') {
      const n = this.u32(t);
      if (n > 256) throw corrupt(t, `function record has ${n} funcdata entries`);
      return n;
    }
    if (t + 4 > this.bytes.length) throw truncated(t, 'a function record');
    return this.bytes[t + 3]!;
  }
  private funcIdRaw(f: number): number | undefined {
    const l = this.funcLayout;
    if (l === 'go1.2') {
      // Go 1.10–1.11 kept the FuncID as a uint32 third field; earlier releases had a frame size there.
      return this.minor !== undefined && this.minor >= 10 ? this.u32(f + this.sz0 + 8) : undefined;
    }
    const t = f + this.tailOff;
    if (t + 4 > this.bytes.length) throw truncated(t, 'a function record');
    return this.bytes[t]!;
  }
  private flag(f: number): number {
    const l = this.funcLayout;
    if (l === 'go1.2' || l === 'go1.12') return 0;
    return this.bytes[f + this.tailOff + 1] ?? 0;
  }
  /** Offset in the pc-value tables of pcdata table `i` of the function, 0 when absent. */
  private pcdataOff(f: number, i: number): number {
    const np = this.npcdata(f);
    if (i >= np) return 0;
    return this.u32(f + this.fixedSz + 4 * i);
  }

  private funcName(f: number): string {
    return this.nameAt(this.nameOff(f), f + this.sz0);
  }

  /** A function name by its name offset (1.2: offset in the table; 1.16+: in the name table). */
  private nameAt(off: number, at: number): string {
    const start = this.h.funcnameStart + off;
    if (off < 0 || start >= this.h.funcnameEnd) throw corrupt(at, `name offset ${off} is outside the function name table`);
    return this.cstring(start, this.h.funcnameEnd);
  }

  private cstring(start: number, limit: number): string {
    const cached = this.strings.get(start);
    if (cached !== undefined) return cached;
    const b = this.bytes;
    let end = start;
    while (end < limit && b[end] !== 0) end++;
    if (end >= limit) throw truncated(start, 'a NUL-terminated string');
    const s = decodeUtf8(b.subarray(start, end));
    this.strings.set(start, s);
    return s;
  }

  // ---- pc-value tables ----------------------------------------------------------------------------

  /**
   * The value of a pc-value table at `target` (offsets from `base`), or −1 where the table has none
   * (as the runtime answers). `entry` is the function's entry offset.
   */
  private pcvalue(off: number, entry: number, target: number): number {
    if (off === 0 && !this.compat) return -1;
    const t = this.decoded(off);
    const ends = t.ends;
    const x = target - entry;
    // First run whose end is beyond x.
    let lo = 0;
    let hi = ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ends[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo < ends.length ? t.vals[lo]! : -1;
  }

  /** The value of a decoded table at offset `x` from the entry, −1 past its end or without a table. */
  private valueAt(t: DecodedTable | undefined, x: number): number {
    if (t === undefined) return -1;
    const ends = t.ends;
    let lo = 0;
    let hi = ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ends[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo < ends.length ? t.vals[lo]! : -1;
  }

  /** The {@link FnLookup} of function `i` (at `f`), gathered on first use. */
  private fnLookup(i: number, f: number): FnLookup {
    let c = this.fnLookups[i];
    if (c === undefined) {
      const ln = this.pcln(f);
      const file = this.pcfile(f);
      c = {
        ln: ln === 0 ? undefined : this.decoded(ln),
        file: file === 0 ? undefined : this.decoded(file),
        inl: null,
        cu: this.h.layout === '1.2' ? 0 : this.cuOffset(f),
        entryPc: this.addrOf(this.entries[i]!),
        name: undefined,
      };
      this.fnLookups[i] = c;
    }
    return c;
  }

  /**
   * A pc-value table decoded once into run ends (relative to the function entry, so tables the linker
   * shares between functions are decoded once) and values. Decoded tables are kept until their runs
   * exceed {@link MAX_CACHED_RUNS}, then the cache starts over: memory stays bounded on any binary.
   */
  private decoded(off: number): DecodedTable {
    const hit = this.tableCache.get(off);
    if (hit !== undefined) return hit;
    const ends: number[] = [];
    const vals: number[] = [];
    this.pcruns(off, 0, (_s, e, v) => {
      ends.push(e);
      vals.push(v);
    });
    const t: DecodedTable = { ends: Uint32Array.from(ends), vals: Int32Array.from(vals) };
    this.cachedRuns += ends.length + 1;
    if (this.cachedRuns > MAX_CACHED_RUNS) {
      this.tableCache.clear();
      this.fnLookups = new Array<FnLookup | undefined>(this.funcCount);
      this.cachedRuns = ends.length + 1;
    }
    this.tableCache.set(off, t);
    return t;
  }

  /** Iterates the runs of a pc-value table: calls `fn(start, end, value)` for each, in PC order. */
  private pcruns(off: number, entry: number, fn: (start: number, end: number, value: number) => void): void {
    if (off === 0 && !this.compat) return;
    const b = this.bytes;
    let p = this.h.pctabStart + off;
    const end = this.h.pctabEnd;
    const q = this.quantum;
    let pc = entry;
    let val = -1;
    for (;;) {
      if (p >= end) throw truncated(p, 'a pc-value table entry');
      if (b[p] === 0 && pc !== entry) return;
      const uv = this.varintAt(p, end);
      p = this.varintEnd;
      val = (val + ((uv >>> 1) ^ -(uv & 1))) | 0;
      const pd = this.varintAt(p, end);
      p = this.varintEnd;
      const next = pc + pd * q;
      if (next > pc) fn(pc, next, val);
      pc = next;
    }
  }

  private varintEnd = 0;
  private varintAt(p: number, end: number): number {
    const b = this.bytes;
    let v = 0;
    let shift = 0;
    for (;;) {
      if (p >= end) throw truncated(p, 'a pc-value varint');
      const x = b[p++]!;
      v += (x & 0x7f) * 2 ** shift;
      if (x < 0x80) break;
      shift += 7;
      if (shift > 28) throw corrupt(p, 'pc-value varint longer than 5 bytes');
    }
    this.varintEnd = p;
    return v >>> 0;
  }

  /** The file name of file number `fno` (a pcfile value) of the function at `f`, or undefined. */
  private fileName(f: number, fno: number): string | undefined {
    if (this.compat) return this.fileNameAsDebugGosym(f, fno);
    if (this.h.layout === '1.2') {
      if (fno <= 0) return undefined;
      if (fno >= this.fileCount12) throw corrupt(f, `file number ${fno} is outside the file table (${this.fileCount12} entries)`);
      const at = this.h.filetabStart + 4 * fno;
      const off = this.u32(at);
      if (off >= this.bytes.length) throw corrupt(at, `file name offset ${off} is outside the table`);
      return this.cstring(off, this.bytes.length);
    }
    if (fno < 0) return undefined;
    const cu = this.cuOffset(f);
    if (cu === 0xffffffff) return undefined;
    return this.cuFile(cu + fno, f + this.sz0 + 28);
  }

  /**
   * debug/gosym's go12PCToFile: file number checks against the declared count, and the CU index computed
   * in uint32 arithmetic (so a function without a CU, offset ~0, reads entry fno−1 of the table).
   */
  private fileNameAsDebugGosym(f: number, fno: number): string | undefined {
    const b = this.bytes;
    const nulFrom = (start: number, limit: number) => {
      if (start >= limit) return undefined;
      const e = b.indexOf(0, start);
      return e < 0 || e >= limit ? undefined : this.cstring(start, limit);
    };
    if (this.h.layout === '1.2') {
      if (fno <= 0 || fno >= this.h.nfiles) return undefined;
      return nulFrom(this.u32(this.h.filetabStart + 4 * fno), b.length);
    }
    if (fno < 0) return undefined;
    const idx = Math.imul((this.cuOffset(f) + fno) >>> 0, 4) >>> 0;
    if (idx + 4 > this.h.cutabEnd - this.h.cutabStart) return undefined;
    const fo = this.dv.getUint32(this.h.cutabStart + idx, this.le);
    if (fo === 0xffffffff) return undefined;
    return nulFrom(this.h.filetabStart + fo, this.h.filetabEnd);
  }

  /** {@link fileName} for a function whose {@link FnLookup} is at hand. */
  private fileOf(c: FnLookup, f: number, fno: number): string | undefined {
    if (this.h.layout === '1.2') return this.fileName(f, fno);
    if (fno < 0 || c.cu === 0xffffffff) return undefined;
    return this.cuFile(c.cu + fno, f + this.sz0 + 28);
  }

  /** The file at index `i` of the compilation-unit table (1.16+), or undefined for a hole (~0). */
  private cuFile(i: number, at: number): string | undefined {
    const hit = this.cuNames[i];
    if (hit !== undefined) return hit;
    const off = this.h.cutabStart + 4 * i;
    if (off + 4 > this.h.cutabEnd) throw corrupt(at, `file index ${i} is outside the compilation unit table`);
    const fo = this.dv.getUint32(off, this.le);
    if (fo === 0xffffffff) return undefined;
    const start = this.h.filetabStart + fo;
    if (start >= this.h.filetabEnd) throw corrupt(off, `file name offset ${fo} is outside the file name table`);
    const name = this.cstring(start, this.h.filetabEnd);
    this.cuNames[i] = name;
    return name;
  }

  // ---- lookups ---------------------------------------------------------------------------------------

  /** Index of the function containing `pc`, or −1. */
  funcIndex(pc: bigint): number {
    return this.indexOf(this.offsetOf(pc));
  }

  /**
   * `pc` as an offset from `base`, −1 outside [base, base + span). Where every pc of the table is a safe
   * integer the subtraction is done in doubles: a bigint subtraction allocates, once per lookup.
   */
  private offsetOf(pc: bigint): number {
    if (this.sects !== undefined) return this.sectionOffset(pc, this.sects);
    if (this.baseNum >= 0 && pc <= MAX_SAFE) {
      const d = Number(pc) - this.baseNum;
      return d >= 0 && d < this.spanNum ? d : -1;
    }
    const d = pc - this.base;
    return d < 0n || d >= this.span ? -1 : Number(d);
  }

  /** The runtime's textOff: a PC of split text as a virtual offset, −1 when in no section. */
  private sectionOffset(pc: bigint, sects: NonNullable<Pclntab['sects']>): number {
    for (let k = 0; k < sects.length; k++) {
      const s = sects[k]!;
      if (pc < s.addr) return -1;
      // The last section includes its end, the end of the last function.
      const size = BigInt(s.end - s.vaddr + (k === sects.length - 1 ? 1 : 0));
      if (pc < s.addr + size) {
        const off = Number(pc - s.addr) + s.vaddr;
        return off < this.spanNum ? off : -1;
      }
    }
    return -1;
  }

  /** The address of virtual offset `off` (the runtime's textAddr). */
  private addrOf(off: number): bigint {
    const sects = this.sects;
    if (sects !== undefined) {
      for (let k = 0; k < sects.length; k++) {
        const s = sects[k]!;
        if ((off >= s.vaddr && off < s.end) || (k === sects.length - 1 && off === s.end)) return s.addr + BigInt(off - s.vaddr);
      }
    }
    return this.base + BigInt(off);
  }

  /** Index of the function containing offset `x` (from {@link offsetOf}), or −1. */
  private indexOf(x: number): number {
    const n = this.funcCount;
    if (x < 0 || n === 0) return -1;
    const e = this.entries;
    // Largest i with entries[i] <= x (the runtime's findfunc picks the last of equal entries).
    let lo = 0;
    let hi = n;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (e[mid]! <= x) lo = mid;
      else hi = mid;
    }
    return e[lo]! <= x ? lo : -1;
  }

  /** The function containing `pc` (binary search of the functab), or undefined. */
  funcAt(pc: bigint): FuncInfo | undefined {
    const i = this.funcIndex(pc);
    if (i < 0) return undefined;
    // Built once per function (the frame size scans the function's whole pcsp table); no more of them
    // than debug/gosym's NewTable makes for every function up front.
    return (this.funcInfos[i] ??= Object.freeze(this.func(i)));
  }

  /**
   * The SP delta at `pc`: how far the function containing `pc` has moved the stack pointer below its value at
   * entry (the pcsp table's value there — what a stack unwinder adds to SP to find the caller's frame). −1
   * when no function contains `pc` or the function has no pcsp table (as the runtime's pcvalue answers).
   */
  spDelta(pc: bigint): number {
    const x = this.offsetOf(pc);
    const i = this.indexOf(x);
    if (i < 0) return -1;
    return this.pcvalue(this.pcsp(this.funcOffs[i]!), this.entries[i]!, x);
  }

  /** The function at functab index `i` (0 ≤ i < funcCount). */
  func(i: number): FuncInfo {
    if (!(i >= 0 && i < this.funcCount)) throw new RangeError(`function index ${i} outside 0..${this.funcCount - 1}`);
    const f = this.funcOffs[i]!;
    if (f + this.fixedSz > this.bytes.length) throw truncated(f, 'a function record');
    const entryOff = this.entries[i]!;
    this.checkEntry(f, i);
    const fileNo = this.pcvalue(this.pcfile(f), entryOff, entryOff);
    const file = this.fileName(f, fileNo);
    let maxFrame = 0;
    this.pcruns(this.pcsp(f), entryOff, (_s, _e, v) => {
      if (v > maxFrame) maxFrame = v;
    });
    const funcID = this.funcIdRaw(f);
    const idName = funcID === undefined ? undefined : this.funcIdNames()?.[funcID];
    const info: {
      -readonly [K in keyof FuncInfo]: FuncInfo[K];
    } = {
      index: i,
      name: this.funcName(f),
      entry: this.addrOf(entryOff),
      end: this.addrOf(this.entries[i + 1]!),
      flags: this.flag(f),
      argsSize: this.i32(f + this.sz0 + 4),
      maxFrameSize: maxFrame,
    };
    if (this.funcLayout === 'go1.20') info.startLine = this.i32(f + 36);
    if (file !== undefined) info.file = file;
    if (funcID !== undefined) info.funcID = funcID;
    if (idName !== undefined) info.funcIDName = idName;
    return info;
  }

  /** The entry in the `_func` record must be the functab's (the runtime uses one, debug/gosym the other). */
  private checkEntry(f: number, i: number): void {
    let rec: bigint;
    let tab: bigint;
    if (this.h.layout === '1.18' || this.h.layout === '1.20') {
      rec = BigInt(this.u32(f));
      tab = BigInt(this.entries[i]!);
    } else {
      rec = readBig(this.dv, f, this.ptrSize, this.le);
      tab = this.base + BigInt(this.entries[i]!);
    }
    if (rec !== tab) {
      throw corrupt(f, `function record ${i} has entry 0x${rec.toString(16)}, the function table 0x${tab.toString(16)}`);
    }
  }

  /** Every function, in entry order. */
  *functions(): IterableIterator<FuncInfo> {
    for (let i = 0; i < this.funcCount; i++) yield this.func(i);
  }

  /**
   * File and line at `pc` without expanding inlined calls: the innermost position, exactly what
   * debug/gosym's PCToLine reports (`file` is `''` and `line` −1 where the table has no value).
   * Undefined outside every function.
   */
  fileLine(pc: bigint, options: PositionOptions = {}): SourcePosition | undefined {
    if (options.asDebugGosym && !this.compat) return this.asDebugGosym(() => this.fileLine(pc));
    const x = this.offsetOf(pc);
    const i = this.indexOf(x);
    if (i < 0) return undefined;
    const f = this.funcOffs[i]!;
    const entry = this.entries[i]!;
    if (this.compat) {
      const line = this.pcvalue(this.pcln(f), entry, x);
      const file = this.fileName(f, this.pcvalue(this.pcfile(f), entry, x)) ?? '';
      return { file, line };
    }
    const c = this.fnLookup(i, f);
    const line = this.valueAt(c.ln, x - entry);
    const file = this.fileOf(c, f, this.valueAt(c.file, x - entry)) ?? '';
    return { file, line };
  }

  /**
   * The logical frames at `pc`, innermost first: one per inlined call active at `pc`, then the physical
   * function (as `runtime.CallersFrames` reports a call PC). `pc` is looked up as given; for a return
   * address subtract 1 first. Empty when no function contains `pc`.
   */
  lookup(pc: bigint): Frame[] {
    let x = this.offsetOf(pc);
    const i = this.indexOf(x);
    if (i < 0) return [];
    const f = this.funcOffs[i]!;
    const entry = this.entries[i]!;
    const end = this.entries[i + 1]!;
    const c = this.fnLookup(i, f);
    const entryPc = c.entryPc;
    const frames: Frame[] = [];
    const layout = this.funcLayout;
    const le = this.le;
    // Without readable funcdata the 1.12–1.15 keys are unknown; the 1.13–1.15 index then only tells
    // whether the PC might be inlined (marked as missing information, never expanded by guess).
    const keys = this.inlineKeys();
    let inl = c.inl;
    if (inl === null) {
      const off = layout === 'go1.2' ? 0 : this.pcdataOff(f, (keys ?? INL_113).pcdata);
      inl = c.inl = off === 0 ? undefined : this.decoded(off);
    }
    let ix = this.valueAt(inl, x - entry);
    let missing = false;
    this.position(c, f, entry, x);
    if (ix >= 0) {
      const tree = keys === undefined ? undefined : this.inlineTreeOf(i, f, keys);
      if (tree === undefined) missing = true;
      else {
        // Each entry gives the caller's PC (parentPc): its position is the call site and its inline index
        // the caller's entry, which is how the runtimes walk the tree. (Go 1.12–1.19 entries also record
        // the call site's file, line and parent index; on every PC of the executables checked they agree.)
        const go120 = layout === 'go1.20';
        const recSize = go120 ? 16 : 20;
        const tdv = tree.dv;
        let depth = 0;
        while (ix >= 0) {
          if (++depth > MAX_INLINE_DEPTH) throw corrupt(tree.pos, 'inline tree has a cycle');
          const at = tree.pos + ix * recSize;
          if (at + recSize > tdv.byteLength) throw truncated(at, `inline tree entry ${ix}`);
          let parentPc: number;
          let fr: Frame;
          if (go120) {
            parentPc = tdv.getInt32(at + 8, le);
            fr = {
              function: this.nameAt(tdv.getInt32(at + 4, le), f),
              file: this.posFile,
              line: this.posLine,
              startLine: tdv.getInt32(at + 12, le),
              inlined: true,
              entry: entryPc,
              funcID: tdv.getUint8(at),
            };
          } else {
            parentPc = tdv.getInt32(at + 16, le);
            fr = {
              function: this.nameAt(tdv.getInt32(at + 12, le), f),
              file: this.posFile,
              line: this.posLine,
              inlined: true,
              entry: entryPc,
              funcID: tdv.getUint8(at + 2),
            };
          }
          frames.push(fr);
          const px = entry + parentPc;
          if (parentPc < 0 || px >= end) {
            throw corrupt(at, `inline tree entry ${ix} has parent PC offset ${parentPc} outside its function`);
          }
          x = px;
          this.position(c, f, entry, x);
          ix = this.valueAt(inl, x - entry);
        }
      }
    }
    const name = (c.name ??= this.funcName(f));
    const id = this.funcIdRaw(f);
    let fr: { -readonly [K in keyof Frame]: Frame[K] };
    if (layout === 'go1.20') {
      fr = { function: name, file: this.posFile, line: this.posLine, startLine: this.i32(f + 36), inlined: false, entry: entryPc, funcID: id! };
    } else {
      fr = { function: name, file: this.posFile, line: this.posLine, inlined: false, entry: entryPc };
      if (id !== undefined) fr.funcID = id;
    }
    if (missing) fr.inlineTreeMissing = true;
    frames.push(fr);
    return frames;
  }

  private posFile = '?';
  private posLine = 0;
  /** Sets posFile/posLine to the file and line at offset `x` of the function at `f`, as the runtime's funcline ("?", 0 when absent). */
  private position(c: FnLookup, f: number, entry: number, x: number): void {
    const line = this.valueAt(c.ln, x - entry);
    const fno = this.valueAt(c.file, x - entry);
    const file = line === -1 || fno === -1 ? undefined : this.fileOf(c, f, fno);
    if (file === undefined) {
      this.posFile = '?';
      this.posLine = 0;
    } else {
      this.posFile = file;
      this.posLine = line;
    }
  }

  /** The inline tree of function `i` (at `f`), located once per function. */
  private inlineTreeOf(i: number, f: number, keys: InlineKeys): { dv: DataView; pos: number } | undefined {
    let cache = this.treeCache;
    if (cache === undefined) cache = this.treeCache = new Map();
    const hit = cache.get(i);
    if (hit !== undefined) return hit ?? undefined;
    const t = this.inlineTree(f, keys);
    const v = t === undefined ? null : { dv: this.regionView(t.bytes), pos: t.pos };
    cache.set(i, v);
    return v ?? undefined;
  }

  private regionView(b: Uint8Array): DataView {
    if (b === this.bytes) return this.dv;
    let v = this.views.get(b);
    if (v === undefined) {
      v = new DataView(b.buffer, b.byteOffset, b.byteLength);
      this.views.set(b, v);
    }
    return v;
  }

  /** Where the inline tree of the function at `f` is, undefined when it cannot be read. */
  private inlineTree(f: number, keys: InlineKeys): { bytes: Uint8Array; pos: number } | undefined {
    const addr = this.funcdataAddr(f, keys.funcdata);
    return addr === undefined ? undefined : this.resolve(addr);
  }

  /**
   * Which pcdata table holds the inline index and which funcdata the inline tree: PCDATA_InlTreeIndex 1
   * and FUNCDATA_InlTree 2 in Go 1.12; 2 and 4 in Go 1.13–1.15 (register maps moved first, stack objects
   * added); 2 and 3 from Go 1.16. Go 1.12–1.15 share one record layout, so without a Go version the pair
   * is found by checking which candidate holds a well-formed inline tree.
   */
  private inlineKeys(): InlineKeys | undefined {
    const l = this.funcLayout;
    if (l === 'go1.2') return undefined;
    if (l !== 'go1.12') return INL_116;
    if (this.minor !== undefined) return this.minor === 12 ? INL_112 : INL_113;
    if (this.inlKeysCache !== undefined) return this.inlKeysCache ?? undefined;
    let found: InlineKeys | null = null;
    let tried = 0;
    for (let i = 0; i < this.funcCount && tried < 32 && found === null; i++) {
      const f = this.funcOffs[i]!;
      const ok = [INL_112, INL_113].filter((k) => {
        const tab = this.pcdataOff(f, k.pcdata);
        if (tab === 0) return false;
        const addr = this.funcdataAddr(f, k.funcdata);
        const tree = addr === undefined ? undefined : this.resolve(addr);
        return tree !== undefined && this.plausibleTree(tree, this.entries[i + 1]! - this.entries[i]!);
      });
      if (ok.length > 0) tried++;
      if (ok.length === 1) found = ok[0]!;
    }
    this.inlKeysCache = found;
    return found ?? undefined;
  }

  /** Whether a Go 1.12–1.19 inline tree starts at `tree`: a root entry (parent −1) naming a function. */
  private plausibleTree(tree: { bytes: Uint8Array; pos: number }, size: number): boolean {
    const b = tree.bytes;
    const p = tree.pos;
    if (p + 20 > b.length) return false;
    const dv = new DataView(b.buffer, b.byteOffset + p, 20);
    if (dv.getInt16(0, this.le) !== -1 || b[p + 3] !== 0) return false;
    const name = dv.getInt32(12, this.le);
    const parentPc = dv.getInt32(16, this.le);
    const at = this.h.funcnameStart + name;
    return parentPc >= 0 && parentPc < size && name > 0 && at < this.h.funcnameEnd && this.bytes[at - 1] === 0 && this.bytes[at] !== 0;
  }

  /** The address of funcdata `slot` of the function at `f`, undefined when absent or not locatable. */
  private funcdataAddr(f: number, slot: number): bigint | undefined {
    const layout = this.funcLayout;
    const nfd = this.nfuncdata(f);
    if (slot >= nfd) return undefined;
    const np = this.npcdata(f);
    let at = f + this.fixedSz + 4 * np;
    if (layout === 'go1.18' || layout === 'go1.20') {
      const off = this.u32(at + 4 * slot);
      if (off === NO_FUNCDATA32 || this.goFuncAddr === undefined) return undefined;
      return this.goFuncAddr + BigInt(off);
    }
    // Pointer-sized funcdata, aligned to the pointer size in memory (the table starts aligned).
    if (this.ptrSize === 8 && at % 8 !== 0) at += 4;
    if (at + (slot + 1) * this.ptrSize > this.bytes.length) throw truncated(at, 'funcdata of a function record');
    const addr = readBig(this.dv, at + slot * this.ptrSize, this.ptrSize, this.le);
    return addr === 0n ? undefined : addr;
  }

  private resolve(addr: bigint): { bytes: Uint8Array; pos: number } | undefined {
    for (const r of this.regions) {
      if (addr >= r.addr && addr < r.addr + BigInt(r.bytes.length)) return { bytes: r.bytes, pos: Number(addr - r.addr) };
    }
    return undefined;
  }

  /**
   * Entries of a 1.2-magic file table. Go 1.2 up to some release before 1.12 wrote the count without
   * entry 0 (so entries 1..count are valid: debug/gosym misses the last file of those); later linkers
   * count entry 0. The word after the counted entries is a string offset in the first case and the text of
   * the first file name in the second.
   */
  private get fileCount12(): number {
    if (this.fileCount12Cache !== undefined) return this.fileCount12Cache;
    const n = this.h.nfiles;
    let count = n;
    const at = this.h.filetabStart + 4 * n;
    if (n > 0 && at + 4 <= this.bytes.length) {
      const v = this.dv.getUint32(at, this.le);
      if (v > 0 && v < this.bytes.length && this.bytes[v - 1] === 0 && this.bytes[v] !== 0 && (this.minor === undefined || this.minor < 12)) {
        count = n + 1;
      }
    }
    this.fileCount12Cache = count;
    return count;
  }

  // ---- whole-table queries ---------------------------------------------------------------------------

  /** Every source file name of the table, in table order. */
  files(): string[] {
    if (this.filesCache === undefined) {
      const out: string[] = [];
      if (this.h.layout === '1.2') {
        for (let i = 1; i < this.fileCount12; i++) {
          const at = this.h.filetabStart + 4 * i;
          const off = this.u32(at);
          if (off >= this.bytes.length) throw corrupt(at, `file name offset ${off} is outside the table`);
          out.push(this.cstring(off, this.bytes.length));
        }
      } else {
        let p = this.h.filetabStart;
        for (let i = 0; i < this.h.nfiles; i++) {
          const s = this.cstring(p, this.h.filetabEnd);
          out.push(s);
          const nul = this.bytes.indexOf(0, p);
          p = nul + 1;
        }
      }
      this.filesCache = out;
    }
    return this.filesCache.slice();
  }

  /**
   * The source positions of a function as runs of PCs with one (file, line), in PC order, covering
   * [entry, end) without gaps. Where the pcfile or pcln table has no value (alignment padding after the
   * code, linker-made functions) `file` is `''` or `line` is −1, as debug/gosym's PCToLine reports them.
   */
  lines(fn: FuncInfo | number, options: PositionOptions = {}): LineRun[] {
    if (options.asDebugGosym && !this.compat) return this.asDebugGosym(() => this.lines(fn));
    const i = typeof fn === 'number' ? fn : fn.index;
    if (!(i >= 0 && i < this.funcCount)) throw new RangeError(`function index ${i} outside 0..${this.funcCount - 1}`);
    const f = this.funcOffs[i]!;
    const entry = this.entries[i]!;
    const end = this.entries[i + 1]!;
    const fileRuns: number[] = [];
    this.pcruns(this.pcfile(f), entry, (s, e, v) => fileRuns.push(s, e, v));
    const lineRuns: number[] = [];
    this.pcruns(this.pcln(f), entry, (s, e, v) => lineRuns.push(s, e, v));
    const out: LineRun[] = [];
    let runStart = entry;
    let runFile = '';
    let runLine = -1;
    let started = false;
    let a = 0;
    let b = 0;
    let pc = entry;
    while (pc < end) {
      // Skip runs that end at or before pc; the value holds on [start, end) of the current run.
      while (a < fileRuns.length && fileRuns[a + 1]! <= pc) a += 3;
      while (b < lineRuns.length && lineRuns[b + 1]! <= pc) b += 3;
      let next = end;
      let file = '';
      let line = -1;
      if (a < fileRuns.length) {
        const fs = fileRuns[a]!;
        if (fs <= pc) {
          file = this.fileName(f, fileRuns[a + 2]!) ?? '';
          next = Math.min(next, fileRuns[a + 1]!);
        } else next = Math.min(next, fs);
      }
      if (b < lineRuns.length) {
        const ls = lineRuns[b]!;
        if (ls <= pc) {
          line = lineRuns[b + 2]!;
          next = Math.min(next, lineRuns[b + 1]!);
        } else next = Math.min(next, ls);
      }
      if (!started || file !== runFile || line !== runLine) {
        if (started) out.push(this.run(runStart, pc, runFile, runLine));
        runStart = pc;
        runFile = file;
        runLine = line;
        started = true;
      }
      pc = next;
    }
    if (started) out.push(this.run(runStart, end, runFile, runLine));
    return out;
  }

  private asDebugGosym<T>(fn: () => T): T {
    this.compat = true;
    try {
      return fn();
    } finally {
      this.compat = false;
    }
  }

  private run(s: number, e: number, file: string, line: number): LineRun {
    return { pc: this.addrOf(s), end: this.addrOf(e), file, line };
  }

  /**
   * The first PC of every run of code attributed to `file`:`line` (innermost positions, so code inlined
   * from that line counts), ascending. The first element is what debug/gosym's LineToPC returns.
   */
  lineToPCs(file: string, line: number): bigint[] {
    const out: bigint[] = [];
    const is12 = this.h.layout === '1.2';
    // The file numbers (1.2: global indices; 1.16+: name offsets) whose name is `file`.
    const wanted = new Set<number>();
    if (is12) {
      for (let i = 1; i < this.fileCount12; i++) {
        const off = this.u32(this.h.filetabStart + 4 * i);
        if (off < this.bytes.length && this.cstring(off, this.bytes.length) === file) wanted.add(i);
      }
    } else {
      let p = this.h.filetabStart;
      for (let i = 0; i < this.h.nfiles; i++) {
        if (this.cstring(p, this.h.filetabEnd) === file) wanted.add(p - this.h.filetabStart);
        p = this.bytes.indexOf(0, p) + 1;
      }
    }
    if (wanted.size === 0) return out;
    for (let i = 0; i < this.funcCount; i++) {
      const f = this.funcOffs[i]!;
      let cu = 0;
      if (!is12) {
        cu = this.cuOffset(f);
        if (cu === 0xffffffff) continue;
      }
      const matches = (fno: number): boolean => {
        if (fno < 0) return false;
        if (is12) return wanted.has(fno);
        const off = this.h.cutabStart + 4 * (cu + fno);
        if (off + 4 > this.h.cutabEnd) throw corrupt(f, `file index ${cu + fno} is outside the compilation unit table`);
        return wanted.has(this.dv.getUint32(off, this.le));
      };
      const entry = this.entries[i]!;
      const fileRuns: number[] = [];
      this.pcruns(this.pcfile(f), entry, (s, e, v) => {
        if (matches(v)) fileRuns.push(s, e);
      });
      if (fileRuns.length === 0) continue;
      let prevEnd = -1;
      let k = 0;
      this.pcruns(this.pcln(f), entry, (s, e, v) => {
        if (v !== line) return;
        while (k < fileRuns.length && fileRuns[k + 1]! <= s) k += 2;
        for (let j = k; j < fileRuns.length && fileRuns[j]! < e; j += 2) {
          const rs = Math.max(s, fileRuns[j]!);
          const re = Math.min(e, fileRuns[j + 1]!);
          if (rs >= re) continue;
          if (rs !== prevEnd) out.push(this.addrOf(rs));
          prevEnd = re;
        }
      });
    }
    return out;
  }

  /** FuncID names for this table: the recorded table of its Go version, else inferred; null if unknown. */
  private funcIdNames(): readonly string[] | undefined {
    if (this.funcIdNamesCache !== undefined) return this.funcIdNamesCache ?? undefined;
    let names: readonly string[] | undefined;
    const t = this.minor === undefined ? undefined : funcIdTableFor(this.minor);
    if (t) names = t.names;
    else {
      const candidates = this.candidateTables();
      const observed: Array<readonly [number, string]> = [];
      for (let i = 0; i < this.funcCount; i++) {
        const f = this.funcOffs[i]!;
        const id = this.funcIdRaw(f);
        if (id !== undefined && id !== 0) observed.push([id, this.funcName(f)]);
      }
      names = inferFuncIdNames(candidates, observed);
    }
    this.funcIdNamesCache = names ?? null;
    return names;
  }

  private candidateTables(): FuncIdTable[] {
    const range: [number, number] =
      this.minor !== undefined
        ? [this.minor, this.minor]
        : this.funcLayout === 'go1.12'
          ? [12, 15]
          : this.funcLayout === 'go1.16'
            ? [16, 17]
            : this.funcLayout === 'go1.18'
              ? [18, 19]
              : this.funcLayout === 'go1.20'
                ? [20, Infinity]
                : [10, 11];
    // An unrecorded version (Go 1.17, or one newer than the tables) is compared with its neighbours.
    const [lo, hi] = this.minor !== undefined ? [this.minor - 1, this.minor + 1] : range;
    return funcIdTables.filter((t) => t.to >= lo && t.from <= hi);
  }
}

function readBig(dv: DataView, off: number, size: number, le: boolean): bigint {
  if (off < 0 || off + size > dv.byteLength) throw truncated(off, 'a pointer-sized field');
  return size === 8 ? dv.getBigUint64(off, le) : BigInt(dv.getUint32(off, le));
}
