/**
 * The Go layer of a core: the runtime's goroutines (`runtime.allgs`), read with the runtime's struct layouts (the
 * executable's DWARF, or per-version tables when it has none) and symbol table, and their stacks unwound with the
 * pclntab.
 * @module
 */

import type { Core, CoreThread } from '../elf-core.js';
import { isUnavailable } from '../memory.js';
import { readDwarf, type Dwarf, type StructLayout } from '../dwarf/index.js';
import { dwarfLayouts, layoutTablesCovered, tableLayouts, type LayoutSource, type LayoutSourceKind } from './layouts.js';
import { ErrorCode, GodiagError } from '../../internal/errors.js';
import { Limits } from '../../internal/limits.js';
import type { ExecutableSymbol } from '../../gosym/container/index.js';
import type { Pclntab } from '../../gosym/pclntab/index.js';
import { goSymbolsOf } from './binary.js';
import { CoreMemory, type StructView } from './memory.js';
import { unwind, type UnwindResult } from './unwind.js';
import { readSummary, type ProcessSummary } from './summary.js';

/** The runtime's `_Gscan` bit of `atomicstatus`: set while the GC scans the stack. */
const G_SCAN = 0x1000;
/** `_Gwaiting`, `_Gsyscall`, `_Grunning` and `_Gdead`: stable across Go 1.22–1.26. */
const G_RUNNING = 2;
const G_SYSCALL = 3;
const G_WAITING = 4;
const G_DEAD = 6;

/** Where a goroutine was created: the `go` statement's pc and position, as `created by` prints them. */
export interface CreatedAt {
  /** The `go` statement's pc (`gopc`). */
  pc: bigint;
  /** The function containing it. */
  function: string;
  /** Its source file. */
  file: string;
  /** Its line. */
  line: number;
  /** `pc − entry` of that function (the `+0x…` of a dump). */
  offset: number;
}

/** A goroutine's stack bounds [lo, hi). */
export interface StackBounds {
  /** Lowest address. */
  lo: bigint;
  /** One past the highest address. */
  hi: bigint;
}

/** The context the scheduler saved (`g.sched`). */
export interface SavedContext {
  /** Program counter. */
  pc: bigint;
  /** Stack pointer. */
  sp: bigint;
  /** Link register (arm64; 0 on amd64). */
  lr: bigint;
  /** Frame pointer (0 when the layout has none). */
  bp: bigint;
}

/** The context saved when the goroutine entered a system call (`g.syscallpc`, `g.syscallsp`). */
export interface SyscallContext {
  /** Program counter. */
  pc: bigint;
  /** Stack pointer. */
  sp: bigint;
}

/** One goroutine of the process, as the runtime's `g` records it. Addresses are the process's. */
export interface Goroutine {
  /** The goroutine id (`goid`). */
  id: bigint;
  /** Address of the `g`. */
  address: bigint;
  /** `atomicstatus` with the scan bit removed (`_Grunnable` 1, `_Grunning` 2, `_Gsyscall` 3, `_Gwaiting` 4, …). */
  status: number;
  /** The status's name in the runtime's `gStatusStrings` (`running`, `waiting`, …; `???` when unknown). */
  statusName: string;
  /** The GC was scanning the stack (`_Gscan`). */
  scan: boolean;
  /** The wait reason code (`waitreason`); 0 for none. */
  waitReasonCode: number;
  /** The wait reason's text in the runtime's `waitReasonStrings` (`chan receive`), when it has one. */
  waitReason: string | undefined;
  /** What a goroutine dump prints in brackets: the wait reason of a waiting goroutine, else the status name. */
  state: string;
  /** `waitsince` (the runtime's nanotime when it blocked; 0 when not recorded). */
  waitSince: bigint;
  /** Address of the M the goroutine is locked to (`lockedm`), 0 when none. */
  lockedM: bigint;
  /** The OS thread id of the M it is locked to (`lockedm.procid`), when that thread is in the core. */
  lockedThread: number | undefined;
  /** Address of the M running it (`m`), 0 when none. */
  m: bigint;
  /** The OS thread id of that M (`m.procid`), when it runs on one. */
  thread: number | undefined;
  /** The goroutine that created it (`parentGoid`; 0 for none). */
  parentId: bigint;
  /** The `go` statement's pc (`gopc`) and where it is: the function, position and `+0x` offset as `created by` prints them. */
  createdBy: CreatedAt | undefined;
  /** The goroutine's function (`startpc`) and its name. */
  startPc: bigint;
  /** Name of the function at `startPc` ('' when none). */
  startFunction: string;
  /** A runtime goroutine, which a goroutine dump hides unless GOTRACEBACK=system. */
  system: boolean;
  /** Stack bounds [lo, hi). */
  stack: StackBounds;
  /** The saved context (`sched`): pc, sp, lr (arm64), bp. */
  sched: SavedContext;
  /** `syscallpc`/`syscallsp`: the context saved on entering a system call (0 when not in one). */
  syscall: SyscallContext;
  /** `labels`: address of the profiler label set (runtime/pprof's `labelMap`), 0 when the goroutine has none. */
  labelsAddress: bigint;
}

/** A Go process in a core: the runtime's state read through the executable. */
export interface GoProcess {
  /** The core. */
  readonly core: Core;
  /** Go version of the executable's build info (`go1.26.8`), when it has one. */
  readonly goVersion: string | undefined;
  /** GOARCH (`amd64`, `arm64`). */
  readonly goarch: string;
  /** The executable's pclntab (link-time addresses; add {@link loadBias} for the process's). */
  readonly table: Pclntab;
  /** The executable's DWARF, when the layouts came from it (undefined when it has none, or other layouts were asked for). */
  readonly dwarf: Dwarf | undefined;
  /** Where the runtime's struct layouts came from: the executable's DWARF or this package's per-version tables. */
  readonly layoutSource: LayoutSourceKind;
  /** The layouts themselves (for readers of further runtime structures). */
  readonly layouts: LayoutSource;
  /** What the process's addresses add to the executable's (PIE). */
  readonly loadBias: bigint;
  /** What could not be read (a `g` in memory the core does not hold), one sentence each; filled as goroutines are read. */
  readonly warnings: string[];
  /** Every goroutine of `runtime.allgs` except dead ones (as a goroutine dump skips them), in `allgs` order. */
  goroutines(): Promise<Goroutine[]>;
  /** Every `g` of `runtime.allgs`, dead ones included. */
  allGoroutines(): Promise<Goroutine[]>;
  /**
   * The goroutine running on the thread that received the core's signal (`Core.signalThread`), when there is one:
   * the goroutine that crashed. Undefined when that thread ran no goroutine (or the core records no signal).
   */
  signalGoroutine(): Promise<Goroutine | undefined>;
  /** The goroutine's stack, innermost first, inlined calls expanded. */
  frames(g: Goroutine, options?: FramesOptions): Promise<UnwindResult>;
  /** The process summary: versions, GOMAXPROCS, Ms, Ps, goroutines by state, the runtime's memory and GC counters. */
  summary(): Promise<ProcessSummary>;
}

/** Options of {@link GoProcess.frames}. */
export interface FramesOptions {
  /** Most physical frames to unwind (default and maximum 10000). */
  maxFrames?: number;
}

function unsupported(message: string): GodiagError {
  return new GodiagError(ErrorCode.UnsupportedVersion, { format: 'core', offset: 0, message: `core: ${message}` });
}

function layoutOf(layouts: LayoutSource, name: string): StructLayout {
  const l = layouts.structLayout(name);
  if (l === undefined || l.size <= 0) throw unsupported(`${layouts.description} has no ${name}`);
  return l;
}

/** Options of {@link openGoProcess}. */
export interface GoProcessOptions {
  /**
   * Where the runtime's struct layouts come from: `auto` (the default) the executable's DWARF when it has any,
   * else the table of its Go version; `dwarf` or `tables` only that; or a {@link LayoutSource} of the caller's.
   */
  layouts?: 'auto' | 'dwarf' | 'tables' | LayoutSource;
}

/** The executable has DWARF: a `.debug_info` section, plain or `.zdebug_` (what {@link readDwarf} reads). */
const hasDwarf = (exe: NonNullable<Core['executable']>): boolean => exe.section('.debug_info') !== undefined || exe.section('.zdebug_info') !== undefined;

/**
 * Opens the Go layer of a core opened with its executable (Go 1.22–1.26 on linux/amd64 and linux/arm64). The
 * runtime's struct layouts come from the executable's DWARF; an executable without DWARF (`-ldflags=-w`,
 * stripped) is read with the layout table of its Go version (see {@link GoProcessOptions.layouts}).
 * @throws GodiagError `unsupported-version` without an executable or the runtime's symbols, or without DWARF for
 * a Go version that has no layout table (a development build, older than Go 1.22, newer than the tables).
 */
export async function openGoProcess(core: Core, options: GoProcessOptions = {}): Promise<GoProcess> {
  const exe = core.executable;
  if (exe === undefined) throw unsupported('the Go layer needs the executable (openCore with `executable`)');
  if (exe.goarch !== 'amd64' && exe.goarch !== 'arm64') throw unsupported(`GOARCH ${exe.goarch} is not supported (amd64, arm64)`);
  const want = options.layouts ?? 'auto';
  if (want === 'dwarf' && !hasDwarf(exe)) throw unsupported("the executable's DWARF was asked for, but it has none (built with -ldflags=-w, or stripped)");
  const useDwarf = want === 'dwarf' || (want === 'auto' && hasDwarf(exe));
  const [{ table, buildInfo }, dwarf, symbols] = await Promise.all([goSymbolsOf(exe), useDwarf ? readDwarf(exe) : undefined, exe.symbols()]);
  const goos = buildInfo?.settings.find((st) => st.key === 'GOOS')?.value;
  let layouts: LayoutSource;
  if (typeof want === 'object') layouts = want;
  else if (dwarf !== undefined) layouts = dwarfLayouts(dwarf);
  else {
    const version = buildInfo?.goVersion;
    // The tables are of linux's runtime (a build info without GOOS is taken to be linux's: the core is ELF).
    const tables = version === undefined || (goos !== undefined && goos !== 'linux') ? undefined : tableLayouts(version, exe.goarch);
    if (tables === undefined) {
      const why = want === 'tables' ? 'layout tables were asked for' : 'the executable has no DWARF';
      throw unsupported(
        `${why}, and there is no layout table for ${version === undefined ? 'an executable without a Go version in its build info' : `${version} ${goos ?? 'linux'}/${exe.goarch}`} ` +
          `(tables: ${layoutTablesCovered()}); the executable built with DWARF (without -ldflags=-w, not stripped) would be read with its own`,
      );
    }
    layouts = tables;
  }
  const bias = core.executableCheck?.loadBias ?? 0n;
  const mem = new CoreMemory(core);
  const gLayout = layoutOf(layouts, 'runtime.g');
  const mLayout = layoutOf(layouts, 'runtime.m');
  const gobuf = layoutOf(layouts, 'runtime.gobuf');
  const stackLayout = layoutOf(layouts, 'runtime.stack');
  const sym = new Map<string, ExecutableSymbol>();
  for (const s of symbols) if (s.name.startsWith('runtime.') && !sym.has(s.name)) sym.set(s.name, s);
  const symAddr = (name: string): bigint | undefined => {
    const s = sym.get(name);
    return s === undefined ? undefined : s.value + bias;
  };
  const stringTable = async (name: string): Promise<string[]> => {
    const s = sym.get(name);
    if (s === undefined || s.size === 0n || s.size > 1n << 20n) return [];
    const n = Number(s.size) / 16;
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push((await mem.goString(s.value + bias + BigInt(i * 16), 256)) ?? '');
    return out;
  };
  const [statusNames, waitReasons] = await Promise.all([stringTable('runtime.gStatusStrings'), stringTable('runtime.waitReasonStrings')]);
  const threads = new Map<number, CoreThread>(core.threads().map((t) => [t.tid, t]));
  const goarch = exe.goarch;
  const mCache = new Map<bigint, Promise<StructView | undefined>>();
  const readM = (addr: bigint): Promise<StructView | undefined> => {
    let p = mCache.get(addr);
    if (p === undefined) {
      p = mem.struct(addr, mLayout, 'runtime.m').catch(() => undefined);
      mCache.set(addr, p);
    }
    return p;
  };
  const nameAt = (pc: bigint): string => table.funcAt(pc - bias)?.name ?? '';

  const readG = async (addr: bigint): Promise<Goroutine> => {
    const g = await mem.struct(addr, gLayout, 'runtime.g');
    const raw = Number(g.field('atomicstatus'));
    const status = raw & ~G_SCAN;
    const code = Number(g.field('waitreason'));
    const statusName = statusNames[status] ?? '???';
    const waitReason = code > 0 ? waitReasons[code] : undefined;
    const schedOff = g.offset('sched');
    const stackOff = g.offset('stack');
    const sb = (f: string) => g.uint(schedOff + (gobuf.fields.get(f)?.offset ?? 0), 8);
    const threadOf = async (mAddr: bigint): Promise<number | undefined> => {
      if (mAddr === 0n) return undefined;
      const mv = await readM(mAddr);
      if (mv === undefined) return undefined;
      const procid = Number(mv.field('procid'));
      return threads.has(procid) ? procid : undefined;
    };
    const m = g.field('m');
    const thread = await threadOf(m);
    const lockedM = g.field('lockedm');
    const gopc = g.field('gopc');
    const startPc = g.field('startpc');
    const startFn = table.funcAt(startPc - bias);
    let createdBy: Goroutine['createdBy'];
    const cf = table.funcAt(gopc - bias);
    if (cf !== undefined) {
      // As the runtime prints it: the physical function, the line of the call (pc − 1 past the entry).
      const at = gopc - bias > cf.entry ? gopc - bias - 1n : gopc - bias;
      const pos = table.lookup(at);
      const last = pos[pos.length - 1];
      createdBy = { pc: gopc, function: cf.name, file: last?.file ?? '?', line: last?.line ?? 0, offset: Number(gopc - bias - cf.entry) };
    }
    const idName = startFn?.funcIDName;
    const system =
      startFn === undefined || idName === 'runtime_main' || idName === 'corostart' || idName === 'handleAsyncEvent'
        ? false
        : idName === 'runfinq' || idName === 'runFinalizers' || idName === 'runCleanups' || startFn.name.startsWith('runtime.');
    return {
      id: g.field('goid'),
      address: addr,
      status,
      statusName,
      scan: (raw & G_SCAN) !== 0,
      waitReasonCode: code,
      waitReason,
      state: status === G_WAITING && code !== 0 && waitReason !== undefined ? waitReason : statusName,
      waitSince: g.field('waitsince'),
      lockedM,
      lockedThread: await threadOf(lockedM),
      m,
      thread,
      parentId: g.has('parentGoid') ? g.field('parentGoid') : 0n,
      createdBy,
      startPc,
      startFunction: startFn?.name ?? '',
      system,
      stack: { lo: g.uint(stackOff + (stackLayout.fields.get('lo')?.offset ?? 0), 8), hi: g.uint(stackOff + (stackLayout.fields.get('hi')?.offset ?? 8), 8) },
      sched: { pc: sb('pc'), sp: sb('sp'), lr: gobuf.fields.has('lr') ? sb('lr') : 0n, bp: gobuf.fields.has('bp') ? sb('bp') : 0n },
      syscall: { pc: g.field('syscallpc'), sp: g.field('syscallsp') },
      labelsAddress: g.has('labels') ? g.field('labels') : 0n,
    };
  };

  const warnings: string[] = [];
  let all: Promise<Goroutine[]> | undefined;
  const allGoroutines = (): Promise<Goroutine[]> =>
    (all ??= (async () => {
      const at = symAddr('runtime.allgs');
      if (at === undefined) throw unsupported('the executable has no runtime.allgs symbol');
      const [ptr, len] = await mem.words(at, 2);
      if (ptr === undefined || len === undefined) return [];
      if (len > BigInt(Limits.maxItems)) {
        throw new GodiagError(ErrorCode.LimitExceeded, { format: 'core', offset: 0, message: `core: runtime.allgs has ${len} goroutines, more than ${Limits.maxItems}` });
      }
      const out: Goroutine[] = [];
      const n = Number(len);
      for (let i = 0; i < n; i += 4096) {
        const addrs = await mem.words(ptr + BigInt(i * 8), Math.min(4096, n - i));
        for (const [k, a] of addrs.entries()) {
          if (a === 0n) continue;
          try {
            out.push(await readG(a));
          } catch (e) {
            // One unreadable g (memory the core left out) must not hide the others.
            if (!isUnavailable(e)) throw e;
            warnings.push(`runtime.allgs[${i + k}]: the g at 0x${a.toString(16)} is unavailable: ${e.message}`);
          }
        }
      }
      return out;
    })());

  let summary: Promise<ProcessSummary> | undefined;
  return {
    core,
    goVersion: buildInfo?.goVersion,
    goarch,
    table,
    dwarf,
    layoutSource: layouts.kind,
    layouts,
    loadBias: bias,
    warnings,
    allGoroutines,
    goroutines: async () => (await allGoroutines()).filter((g) => g.status !== G_DEAD),
    summary: () => (summary ??= readSummary({ core, mem, layouts, symAddr, goVersion: buildInfo?.goVersion, goos, goarch, allGoroutines })),
    signalGoroutine: async () => {
      const tid = core.signalThread;
      if (tid === undefined) return undefined;
      return (await allGoroutines()).find((g) => g.thread === tid && (g.status === G_RUNNING || g.status === G_SYSCALL));
    },
    frames: async (g, options = {}) => {
      const maxFrames = Math.min(options.maxFrames ?? 10000, 10000);
      // A goroutine on a thread: the thread's registers, when they point into its stack (or into the M's g0
      // stack, which the unwinder leaves through systemstack for the goroutine's saved context).
      if (g.status === G_RUNNING && g.thread !== undefined && g.m !== 0n) {
        const t = threads.get(g.thread);
        const mv = await readM(g.m);
        if (t !== undefined && mv !== undefined) {
          const onG = t.sp >= g.stack.lo && t.sp < g.stack.hi;
          // Or the M's signal stack (gsignal): a handler running for the goroutine, e.g. the crash's raise.
          const stackOf = async (field: string): Promise<{ lo: bigint; hi: bigint } | undefined> => {
            const at = mv.field(field);
            if (at === 0n) return undefined;
            try {
              const v = await mem.struct(at, gLayout, 'runtime.g');
              const so = v.offset('stack');
              return { lo: v.uint(so, 8), hi: v.uint(so + 8, 8) };
            } catch {
              return undefined;
            }
          };
          const within = (s: { lo: bigint; hi: bigint } | undefined) => s !== undefined && t.sp >= s.lo && t.sp < s.hi;
          const onG0 = !onG && within(await stackOf('g0'));
          const onSignal = !onG && !onG0 && within(await stackOf('gsignal'));
          if (onG || onG0 || onSignal) {
            const lr = goarch === 'arm64' ? (t.registers['x30'] ?? 0n) : 0n;
            const r = await unwind({ mem, table, bias, goarch, maxFrames, stack: g.stack }, { pc: t.pc, sp: t.sp, lr, source: 'thread', jump: onG ? undefined : g });
            // A thread on g0 that never comes back to the goroutine's stack (the scheduler about to resume it,
            // between mcall and gogo): the goroutine's own stack is in its saved context.
            const reached = r.frames.some((f) => f.sp >= g.stack.lo && f.sp < g.stack.hi);
            if (reached || !(g.sched.sp >= g.stack.lo && g.sched.sp < g.stack.hi)) return r;
          }
        }
      }
      if (g.syscall.sp !== 0n) return unwind({ mem, table, bias, goarch, maxFrames, stack: g.stack }, { pc: g.syscall.pc, sp: g.syscall.sp, lr: 0n, source: 'syscall' });
      return unwind({ mem, table, bias, goarch, maxFrames, stack: g.stack }, { pc: g.sched.pc, sp: g.sched.sp, lr: g.sched.lr, source: 'sched' });
    },
  };
}

/** Statuses used by callers of {@link Goroutine.status}. */
export const GoroutineStatus: {
  /** `_Grunning`: on an M. */
  readonly running: number;
  /** `_Gsyscall`: in a system call. */
  readonly syscall: number;
  /** `_Gwaiting`: blocked (see the wait reason). */
  readonly waiting: number;
  /** `_Gdead`: unused or exited. */
  readonly dead: number;
} = { running: G_RUNNING, syscall: G_SYSCALL, waiting: G_WAITING, dead: G_DEAD };
