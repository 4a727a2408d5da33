/**
 * The process summary of a Go core: versions, the scheduler (GOMAXPROCS, Ms, Ps, goroutines by state) and
 * the runtime's own memory and GC counters, each read from one runtime variable or field (named in `source`).
 * Numbers that `runtime.ReadMemStats` derives at call time (after flushing every mcache, summing the
 * generations of `memstats.heapStats`: heap objects, mallocs, frees) are left out: a core holds the
 * unflushed state, and recomputing them would not give what the program would have printed.
 * @module
 */

import type { Core } from '../elf-core.js';
import { isUnavailable } from '../memory.js';
import type { StructLayout } from '../dwarf/index.js';
import type { LayoutSource } from './layouts.js';
import type { CoreMemory } from './memory.js';
import type { Goroutine } from './process.js';

/** One number of the summary and where the runtime keeps it (`runtime.gcController.heapInUse`). */
export interface RuntimeStat {
  /** The value (signed fields are read as signed). */
  value: bigint;
  /** The runtime variable and field it was read from, as the Go sources name them. */
  source: string;
}

/** An M (OS thread of the runtime) of `runtime.allm`. */
export interface MachineSummary {
  /** Address of the `m`. */
  address: bigint;
  /** `m.id`. */
  id: bigint;
  /** `m.procid`: the OS thread id. */
  procid: bigint;
  /** The core holds a thread of that id. */
  inCore: boolean;
  /** Address of the P it holds (`m.p`), 0 when none. */
  p: bigint;
  /** Address of the goroutine it runs (`m.curg`), 0 when none. */
  curg: bigint;
}

/** A P of `runtime.allp`. */
export interface ProcessorSummary {
  /** `p.id`. */
  id: number;
  /** `p.status` (`_Pidle` 0, `_Prunning` 1, `_Psyscall` 2, `_Pgcstop` 3, `_Pdead` 4). */
  status: number;
  /** The status's name without `_P` (`idle`, `running`, …). */
  statusName: string;
  /** Address of the M holding it (`p.m`), 0 when none. */
  m: bigint;
}

/** Memory counters the runtime maintains as it goes (exact at the moment of the core). */
export interface MemorySummary {
  /** Bytes in heap spans in use: `runtime.gcController.heapInUse`. */
  heapInUse: RuntimeStat | undefined;
  /** Bytes in free heap spans still backed by memory: `runtime.gcController.heapFree`. */
  heapFree: RuntimeStat | undefined;
  /** Bytes of free heap spans returned to the OS: `runtime.gcController.heapReleased`. */
  heapReleased: RuntimeStat | undefined;
  /** Pages (8 KiB) of heap spans in use: `runtime.mheap_.pagesInUse`. */
  pagesInUse: RuntimeStat | undefined;
  /** Bytes of address space mapped and ready to use: `runtime.gcController.mappedReady`. */
  mappedReady: RuntimeStat | undefined;
  /** Bytes the GC counts live for pacing (marked at the last GC plus allocated since, by whole spans): `runtime.gcController.heapLive`. */
  heapLive: RuntimeStat | undefined;
  /** Bytes marked by the last GC: `runtime.gcController.heapMarked`. */
  heapMarked: RuntimeStat | undefined;
  /** Bytes allocated in total, as of the last mcache flush: `runtime.gcController.totalAlloc`. */
  totalAlloc: RuntimeStat | undefined;
  /** Bytes freed in total, as of the last sweep: `runtime.gcController.totalFree`. */
  totalFree: RuntimeStat | undefined;
  /** Stack bytes obtained from the OS outside the heap: `runtime.memstats.stacks_sys` (`MemStats.StackSys` adds the heap's stack spans, a sum over `heapStats`, left out). */
  stacksSys: RuntimeStat | undefined;
  /** Bytes obtained for mspan structures: `runtime.memstats.mspan_sys`. */
  mspanSys: RuntimeStat | undefined;
  /** Bytes obtained for mcache structures: `runtime.memstats.mcache_sys`. */
  mcacheSys: RuntimeStat | undefined;
  /** Bytes of the profiling bucket hash table: `runtime.memstats.buckhash_sys`. */
  buckhashSys: RuntimeStat | undefined;
  /** Bytes of GC metadata: `runtime.memstats.gcMiscSys`. */
  gcMiscSys: RuntimeStat | undefined;
  /** Other off-heap runtime bytes: `runtime.memstats.other_sys`. */
  otherSys: RuntimeStat | undefined;
}

/** The GC's settings and history. */
export interface GcSummary {
  /** GOGC (-1 when off): `runtime.gcController.gcPercent`. */
  gcPercent: RuntimeStat | undefined;
  /** The memory limit in bytes (GOMEMLIMIT; 2⁶³−1 when none): `runtime.gcController.memoryLimit`. */
  memoryLimit: RuntimeStat | undefined;
  /** The heap goal GOGC alone sets (the memory limit may lower the goal in effect): `runtime.gcController.gcPercentHeapGoal`. */
  gcPercentHeapGoal: RuntimeStat | undefined;
  /** The least heap goal, 4 MiB × GOGC/100: `runtime.gcController.heapMinimum`. */
  heapMinimum: RuntimeStat | undefined;
  /** Completed GC cycles: `runtime.memstats.numgc`. */
  numGC: RuntimeStat | undefined;
  /** Cycles forced by `runtime.GC`: `runtime.memstats.numforcedgc`. */
  numForcedGC: RuntimeStat | undefined;
  /** Total stop-the-world pause time in ns: `runtime.memstats.pause_total_ns`. */
  pauseTotalNs: RuntimeStat | undefined;
  /** End of the last GC, Unix time in ns (0 before the first): `runtime.memstats.last_gc_unix`. */
  lastGCUnixNs: RuntimeStat | undefined;
}

/** What {@link GoProcess.summary} returns. */
export interface ProcessSummary {
  /** Go version of the build info. */
  goVersion: string | undefined;
  /** GOOS of the build info's settings (undefined when the build info does not record it). */
  goos: string | undefined;
  /** GOARCH. */
  goarch: string;
  /** CPUs the runtime saw at start: `runtime.ncpu` (Go 1.22–1.24), `runtime.numCPUStartup` (Go 1.25+). */
  ncpu: RuntimeStat | undefined;
  /** GOMAXPROCS: `runtime.gomaxprocs`. */
  gomaxprocs: RuntimeStat | undefined;
  /** Threads in the core (its `NT_PRSTATUS` notes). */
  coreThreads: number;
  /** Ms of `runtime.allm` (walked through `m.alllink`, at most 100000). */
  ms: MachineSummary[];
  /** Ms the runtime counts (`runtime.sched.mnext − runtime.sched.nmfreed`, as `mcount` does). */
  mcount: RuntimeStat | undefined;
  /** Idle Ms: `runtime.sched.nmidle`. */
  idleMs: RuntimeStat | undefined;
  /** Spinning Ms: `runtime.sched.nmspinning`. */
  spinningMs: RuntimeStat | undefined;
  /** Ps of `runtime.allp` (its length is GOMAXPROCS after every `procresize`). */
  ps: ProcessorSummary[];
  /** Ps by status name. */
  psByStatus: Record<string, number>;
  /** Idle Ps: `runtime.sched.npidle`. */
  idlePs: RuntimeStat | undefined;
  /** `g`s in `runtime.allgs`, dead ones included. */
  allgs: number;
  /** Goroutines that are not dead (as `goroutines()`). */
  goroutines: number;
  /** Of them, the runtime's own (hidden by a goroutine dump). */
  systemGoroutines: number;
  /** Goroutines that are not dead, by status name (`waiting`, `running`, …). */
  goroutinesByStatus: Record<string, number>;
  /** Goroutines that are not dead, by what a dump prints in brackets (the wait reason of waiting ones). */
  goroutinesByState: Record<string, number>;
  /** The memory counters. */
  memory: MemorySummary;
  /** The GC's settings and history. */
  gc: GcSummary;
  /** What could not be read, one sentence each. */
  warnings: string[];
}

/** What the summary reads through; built by `openGoProcess`. */
export interface SummaryContext {
  /** The core. */
  core: Core;
  /** Its memory. */
  mem: CoreMemory;
  /** The runtime's struct layouts (the executable's DWARF or a layout table). */
  layouts: LayoutSource;
  /** A runtime symbol's address in the process, when the executable has it. */
  symAddr(name: string): bigint | undefined;
  /** Go version. */
  goVersion: string | undefined;
  /** GOOS from the build info. */
  goos: string | undefined;
  /** GOARCH. */
  goarch: string;
  /** Every `g` of `allgs`. */
  allGoroutines(): Promise<Goroutine[]>;
}

const P_STATUS = ['idle', 'running', 'syscall', 'gcstop', 'dead'];
const G_DEAD = 6;
const MAX_MS = 100000;

/** Reads the summary (see {@link ProcessSummary}); fields the executable or core lacks are undefined, with a warning. */
export async function readSummary(ctx: SummaryContext): Promise<ProcessSummary> {
  const { mem, layouts: layoutSource } = ctx;
  const warnings: string[] = [];
  const little = ctx.core.byteOrder === 'little';
  const readInt = async (addr: bigint, size: number, signed: boolean): Promise<bigint> => {
    const b = await mem.read(addr, size);
    const dv = new DataView(b.buffer, b.byteOffset, size);
    switch (size) {
      case 1:
        return BigInt(signed ? dv.getInt8(0) : dv.getUint8(0));
      case 2:
        return BigInt(signed ? dv.getInt16(0, little) : dv.getUint16(0, little));
      case 4:
        return BigInt(signed ? dv.getInt32(0, little) : dv.getUint32(0, little));
      default:
        return signed ? dv.getBigInt64(0, little) : dv.getBigUint64(0, little);
    }
  };
  const layouts = new Map<string, StructLayout | undefined>();
  const layout = (name: string): StructLayout | undefined => {
    if (!layouts.has(name)) layouts.set(name, layoutSource.structLayout(name));
    return layouts.get(name);
  };
  // Signedness follows the Go type: int*, atomic.Int* are signed; uint*, uintptr, sysMemStat are not.
  const signedType = (typeName: string) => /(^|\.)int\d*$|atomic\.Int\d+$/.test(typeName);
  /** A field of the global `symbol` of struct type `type`: `source` names it as `runtime.<var>.<field>`. */
  const global = async (symbol: string, type: string, field: string): Promise<RuntimeStat | undefined> => {
    const source = `${symbol}.${field}`;
    const at = ctx.symAddr(symbol);
    const f = layout(type)?.fields.get(field);
    if (at === undefined || f === undefined) {
      warnings.push(`${source}: not in ${at === undefined ? "the executable's symbol table" : layoutSource.description}`);
      return undefined;
    }
    const size = f.size === 1 || f.size === 2 || f.size === 4 ? f.size : 8;
    try {
      return { value: await readInt(at + BigInt(f.offset), size, signedType(f.typeName)), source };
    } catch (e) {
      if (!isUnavailable(e)) throw e;
      warnings.push(`${source}: unavailable in the core`);
      return undefined;
    }
  };
  /** A plain signed integer variable (`runtime.gomaxprocs`, an int32), under the first of `symbols` the executable has. */
  const variable = async (symbols: string[], size: number): Promise<RuntimeStat | undefined> => {
    const symbol = symbols.find((n) => ctx.symAddr(n) !== undefined);
    const at = symbol === undefined ? undefined : ctx.symAddr(symbol);
    if (symbol === undefined || at === undefined) {
      warnings.push(`${symbols.join(' or ')}: not in the executable's symbol table`);
      return undefined;
    }
    try {
      return { value: await readInt(at, size, true), source: symbol };
    } catch (e) {
      if (!isUnavailable(e)) throw e;
      warnings.push(`${symbol}: unavailable in the core`);
      return undefined;
    }
  };
  const gc = (field: string) => global('runtime.gcController', 'runtime.gcControllerState', field);
  const ms = (field: string) => global('runtime.memstats', 'runtime.mstats', field);
  const sched = (field: string) => global('runtime.sched', 'runtime.schedt', field);

  const threadIds = new Set(ctx.core.threads().map((t) => t.tid));

  // Ms: the allm list, bounded against a cycle in a damaged core.
  const machines: MachineSummary[] = [];
  const mLayout = layout('runtime.m');
  const allmAt = ctx.symAddr('runtime.allm');
  if (mLayout !== undefined && allmAt !== undefined) {
    try {
      const seen = new Set<bigint>();
      let m = await mem.u64(allmAt);
      while (m !== 0n && !seen.has(m)) {
        if (seen.size >= MAX_MS) {
          warnings.push(`runtime.allm: more than ${MAX_MS} Ms; the rest not read`);
          break;
        }
        seen.add(m);
        const v = await mem.struct(m, mLayout, 'runtime.m');
        const procid = v.field('procid');
        machines.push({ address: m, id: BigInt.asIntN(64, v.field('id')), procid, inCore: threadIds.has(Number(procid)), p: v.has('p') ? v.field('p') : 0n, curg: v.field('curg') });
        m = v.field('alllink');
      }
    } catch (e) {
      if (!isUnavailable(e)) throw e;
      warnings.push(`runtime.allm: an m is unavailable in the core: ${e.message}`);
    }
  } else {
    warnings.push('runtime.allm: not in the executable');
  }
  const [mnext, nmfreed] = await Promise.all([sched('mnext'), sched('nmfreed')]);

  // Ps: the allp slice.
  const ps: ProcessorSummary[] = [];
  const pLayout = layout('runtime.p');
  const allpAt = ctx.symAddr('runtime.allp');
  if (pLayout !== undefined && allpAt !== undefined) {
    try {
      const [ptr, len] = await mem.words(allpAt, 2);
      // A bound against a damaged core (the runtime sets none, but a million Ps is not a real process).
      if (len !== undefined && len > 1n << 20n) warnings.push(`runtime.allp: a length of ${len}, not read`);
      else if (ptr !== undefined && len !== undefined) {
        const addrs = len === 0n ? [] : await mem.words(ptr, Number(len));
        for (const a of addrs) {
          if (a === 0n) continue;
          const v = await mem.struct(a, pLayout, 'runtime.p');
          const status = Number(v.field('status'));
          ps.push({ id: Number(BigInt.asIntN(32, v.field('id'))), status, statusName: P_STATUS[status] ?? `${status}`, m: v.field('m') });
        }
      }
    } catch (e) {
      if (!isUnavailable(e)) throw e;
      warnings.push(`runtime.allp: a p is unavailable in the core: ${e.message}`);
    }
  } else {
    warnings.push('runtime.allp: not in the executable');
  }
  const psByStatus: Record<string, number> = {};
  for (const p of ps) psByStatus[p.statusName] = (psByStatus[p.statusName] ?? 0) + 1;

  const all = await ctx.allGoroutines();
  const live = all.filter((g) => g.status !== G_DEAD);
  const goroutinesByStatus: Record<string, number> = {};
  const goroutinesByState: Record<string, number> = {};
  for (const g of live) {
    goroutinesByStatus[g.statusName] = (goroutinesByStatus[g.statusName] ?? 0) + 1;
    goroutinesByState[g.state] = (goroutinesByState[g.state] ?? 0) + 1;
  }

  const [ncpu, gomaxprocs, idleMs, spinningMs, idlePs] = await Promise.all([
    // Go 1.25 renamed ncpu to numCPUStartup.
    variable(['runtime.ncpu', 'runtime.numCPUStartup'], 4),
    variable(['runtime.gomaxprocs'], 4),
    sched('nmidle'),
    sched('nmspinning'),
    sched('npidle'),
  ]);
  const memory: MemorySummary = {
    heapInUse: await gc('heapInUse'),
    heapFree: await gc('heapFree'),
    heapReleased: await gc('heapReleased'),
    pagesInUse: await global('runtime.mheap_', 'runtime.mheap', 'pagesInUse'),
    mappedReady: await gc('mappedReady'),
    heapLive: await gc('heapLive'),
    heapMarked: await gc('heapMarked'),
    totalAlloc: await gc('totalAlloc'),
    totalFree: await gc('totalFree'),
    stacksSys: await ms('stacks_sys'),
    mspanSys: await ms('mspan_sys'),
    mcacheSys: await ms('mcache_sys'),
    buckhashSys: await ms('buckhash_sys'),
    gcMiscSys: await ms('gcMiscSys'),
    otherSys: await ms('other_sys'),
  };
  const gcSummary: GcSummary = {
    gcPercent: await gc('gcPercent'),
    memoryLimit: await gc('memoryLimit'),
    gcPercentHeapGoal: await gc('gcPercentHeapGoal'),
    heapMinimum: await gc('heapMinimum'),
    numGC: await ms('numgc'),
    numForcedGC: await ms('numforcedgc'),
    pauseTotalNs: await ms('pause_total_ns'),
    lastGCUnixNs: await ms('last_gc_unix'),
  };
  return {
    goVersion: ctx.goVersion,
    goos: ctx.goos,
    goarch: ctx.goarch,
    ncpu,
    gomaxprocs,
    coreThreads: threadIds.size,
    ms: machines,
    mcount: mnext !== undefined && nmfreed !== undefined ? { value: mnext.value - nmfreed.value, source: 'runtime.sched.mnext - runtime.sched.nmfreed' } : undefined,
    idleMs,
    spinningMs,
    ps,
    psByStatus,
    idlePs,
    allgs: all.length,
    goroutines: live.length,
    systemGoroutines: live.filter((g) => g.system).length,
    goroutinesByStatus,
    goroutinesByState,
    memory,
    gc: gcSummary,
    warnings,
  };
}

const counts = (r: Record<string, number>): string =>
  Object.entries(r)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

/**
 * The summary as text, one `name  value  (source)` line each (what `godiag core info` prints): the scheduler
 * first, then the memory and GC counters with the runtime field each was read from. Values not read print as `?`.
 */
export function summaryText(s: ProcessSummary): string {
  const v = (x: RuntimeStat | undefined) => (x === undefined ? '?' : x.value.toString());
  const src = (x: RuntimeStat | undefined) => (x === undefined ? '' : `  (${x.source})`);
  const rows: [string, string][] = [
    ['go', `${s.goVersion ?? '?'} ${s.goos ?? '?'}/${s.goarch}`],
    ['ncpu', `${v(s.ncpu)}${src(s.ncpu)}`],
    ['GOMAXPROCS', `${v(s.gomaxprocs)}${src(s.gomaxprocs)}`],
    ['threads', `${s.coreThreads} in the core`],
    ['Ms', `${s.ms.length} in runtime.allm (${s.ms.filter((m) => m.inCore).length} with a thread in the core); mcount ${v(s.mcount)}, idle ${v(s.idleMs)}, spinning ${v(s.spinningMs)}`],
    ['Ps', `${s.ps.length} in runtime.allp: ${counts(s.psByStatus)}; idle ${v(s.idlePs)}  (runtime.sched.npidle)`],
    ['goroutines', `${s.goroutines} (${s.systemGoroutines} system; ${s.allgs} in runtime.allgs): ${counts(s.goroutinesByStatus)}`],
  ];
  for (const [k, x] of Object.entries(s.memory) as [string, RuntimeStat | undefined][]) rows.push([k, `${v(x)}${src(x)}`]);
  for (const [k, x] of Object.entries(s.gc) as [string, RuntimeStat | undefined][]) rows.push([k, `${v(x)}${src(x)}`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, val]) => `${k.padEnd(width)}  ${val}`);
  for (const w of s.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n') + '\n';
}
