/**
 * `GoProcess.summary()` on the 16 recorded cores (corework, Go 1.22–1.26; kernel, gcore, PIE and qemu-user cores).
 *
 * Oracles, by how independent they are of the runtime memory the summary reads:
 * - the kernel's (or gdb's, or qemu's) thread list in the core's notes: corework is built with CGO_ENABLED=0 and no
 *   M ever exits, so the OS threads are exactly the Ms of `runtime.allm` (their `procid`s);
 * - the program's own goroutine dump (`core-*.goroutines.txt`): the user goroutines it printed;
 * - the manifest: Go version and GOARCH the executable was built with;
 * - what the program read of itself (`core-*.oracle.json`, runtime.MemStats and runtime/metrics) after two forced
 *   GC cycles and with the collector turned off (debug.SetGCPercent(-1)), so that the numbers only a cycle changes
 *   are the core's: cycles, forced cycles, total pause, last GC, bytes marked, GOGC, the memory limit, GOMAXPROCS and
 *   the CPU count;
 * - the runtime's own invariants, each between two counters it keeps separately: `len(allp) == gomaxprocs`
 *   (procresize), the allm list's length `== sched.mnext − sched.nmfreed` (mcount), `sched.npidle` == Ps in
 *   `_Pidle`, P.m and M.p pointing at each other, `gcController.heapInUse == mheap_.pagesInUse × 8192` (allocSpan and
 *   freeSpanLocked update both for heap spans), `heapMinimum == 4 MiB × GOGC/100` (setGCPercent).
 * Not checked against an outside oracle: the byte counts themselves (heapInUse, heapFree, heapReleased, mappedReady,
 * heapLive, totalAlloc, totalFree, the *_sys counters) — only their relations.
 */

import { describe, expect, it } from 'vitest';
import { openCore } from '../../src/core/elf-core.js';
import { openGoProcess, summaryText, type ProcessSummary, type RuntimeStat } from '../../src/core/go/index.js';
import { parseGoroutineDump } from '../../src/pprof/goroutines/index.js';
import { fixtureBytes, loadManifest, type Fixture } from '../support/fixtures.js';
import { coreFixtures, executableOf, goroutineDumpOf } from '../support/core-fixtures.js';

const manifest = loadManifest();
const cores = coreFixtures;
/** A file the program wrote beside a core (`core-kernel.oracle.json` beside `core-kernel.core.gz`), from the manifest. */
const sidecarOf = (core: Fixture, name: string) => manifest.fixtures.find((f) => f.path === core.path.replace(/\.core\.gz$/, `.${name}.json`));

/** The value of a stat the summary must have read. */
const val = (s: RuntimeStat | undefined, what: string): bigint => {
  if (s === undefined) throw new Error(`${what} was not read`);
  return s.value;
};

interface Loaded {
  summary: ProcessSummary;
  goroutines: number;
  threads: number[];
  dumpIds: bigint[];
  signalThread: number | undefined;
  /** The GC's numbers the program wrote with -oracle (core-*.oracle.json, `gc`): name → decimal string. */
  gcNumbers: Record<string, string>;
}

async function load(core: Fixture): Promise<Loaded> {
  const proc = await openGoProcess(await openCore(fixtureBytes(core), { executable: fixtureBytes(executableOf(core)) }));
  const summary = await proc.summary();
  const dumpFixture = goroutineDumpOf(core);
  if (dumpFixture === undefined) throw new Error(`no goroutine dump for ${core.path}`);
  const dumpIds: bigint[] = [];
  for (const item of parseGoroutineDump(fixtureBytes(dumpFixture)).items) if (item.kind === 'goroutine') dumpIds.push(item.id);
  const oracleFixture = sidecarOf(core, 'oracle');
  if (oracleFixture === undefined) throw new Error(`no oracle file for ${core.path}`);
  const gcNumbers = (JSON.parse(new TextDecoder().decode(fixtureBytes(oracleFixture))) as { gc: Record<string, string> }).gc;
  return { summary, goroutines: (await proc.goroutines()).length, threads: proc.core.threads().map((t) => t.tid), dumpIds, signalThread: proc.core.signalThread, gcNumbers };
}

it('covers the 16 recorded cores', () => {
  expect(cores.length).toBe(16);
});

describe.each(cores.map((c) => [c.path, c] as const))('%s', (_path, core) => {
  let loaded: Promise<Loaded> | undefined;
  const get = () => (loaded ??= load(core));

  it('reads the build info and every runtime variable without warnings', async () => {
    const { summary } = await get();
    expect(summary.warnings).toEqual([]);
    expect(summary.goVersion).toBe(core.goVersion);
    expect(summary.goos).toBe(core.goos);
    expect(summary.goarch).toBe(core.goarch);
    for (const [k, s] of [...Object.entries(summary.memory), ...Object.entries(summary.gc)]) {
      expect(s, k).toBeDefined();
      expect(s?.source, k).toMatch(/^runtime\.(gcController|memstats|mheap_)\./);
    }
  });

  it('has one M per thread of the core (allm, linked by alllink), as many as the runtime counts', async () => {
    const { summary, threads } = await get();
    expect(summary.coreThreads).toBe(threads.length);
    expect(summary.ms.map((m) => Number(m.procid)).sort((a, b) => a - b)).toEqual([...threads].sort((a, b) => a - b));
    expect(summary.ms.every((m) => m.inCore)).toBe(true);
    expect(BigInt(summary.ms.length)).toBe(val(summary.mcount, 'mcount'));
    // M ids are distinct (mcommoninit hands them out from sched.mnext).
    expect(new Set(summary.ms.map((m) => m.id)).size).toBe(summary.ms.length);
    expect(val(summary.idleMs, 'nmidle')).toBeLessThanOrEqual(BigInt(summary.ms.length));
  });

  it('has GOMAXPROCS Ps, their states consistent with the scheduler and the Ms', async () => {
    const { summary, signalThread } = await get();
    const gomaxprocs = val(summary.gomaxprocs, 'gomaxprocs');
    const ncpu = val(summary.ncpu, 'ncpu');
    expect(gomaxprocs).toBeGreaterThanOrEqual(1n);
    // GOMAXPROCS is not set by the recorder: the default is at most the CPUs the runtime saw.
    expect(gomaxprocs).toBeLessThanOrEqual(ncpu);
    expect(BigInt(summary.ps.length)).toBe(gomaxprocs);
    expect(summary.ps.map((p) => p.id)).toEqual(summary.ps.map((_, i) => i));
    const total = Object.values(summary.psByStatus).reduce((a, b) => a + b, 0);
    expect(total).toBe(summary.ps.length);
    expect(val(summary.idlePs, 'npidle')).toBe(BigInt(summary.psByStatus['idle'] ?? 0));
    const pAddrs = new Set<bigint>();
    const mByAddr = new Map(summary.ms.map((m) => [m.address, m]));
    const allp = summary.ps;
    // A running P is held by an M of allm.
    for (const p of allp) {
      if (p.statusName === 'running') expect(p.m, `P ${p.id}`).not.toBe(0n);
      if (p.m !== 0n) expect(mByAddr.has(p.m), `P ${p.id}'s M`).toBe(true);
    }
    for (const m of summary.ms) if (m.p !== 0n) pAddrs.add(m.p);
    // Every M holding a P holds a distinct one, and as many Ps name an M as Ms name a P.
    expect(pAddrs.size).toBe(summary.ms.filter((m) => m.p !== 0n).length);
    expect(allp.filter((p) => p.m !== 0n).length).toBe(pAddrs.size);
    // In a crash core (not gdb's gcore of the sleeping program, whose signal is gdb's stop), the thread that
    // received the crash's signal runs goroutine 1 on its M, which holds a running P.
    if (core.kind !== 'core-gcore') {
      expect(signalThread).toBeDefined();
      const m = summary.ms.find((x) => Number(x.procid) === signalThread);
      expect(m?.p).not.toBe(0n);
      expect(allp.find((p) => m !== undefined && p.m === m.address)?.statusName).toBe('running');
    }
  });

  it('counts the goroutines goroutines() lists, the user ones being those of the program’s dump', async () => {
    const { summary, goroutines, dumpIds } = await get();
    expect(summary.goroutines).toBe(goroutines);
    expect(summary.allgs).toBeGreaterThanOrEqual(goroutines);
    expect(Object.values(summary.goroutinesByStatus).reduce((a, b) => a + b, 0)).toBe(goroutines);
    expect(Object.values(summary.goroutinesByState).reduce((a, b) => a + b, 0)).toBe(goroutines);
    expect(summary.goroutines - summary.systemGoroutines).toBe(dumpIds.length);
    // The two loops (spin, busy) are running or runnable; in a crash core goroutine 1 too, running on the thread that
    // crashed (in gdb's core it sleeps).
    const running = summary.goroutinesByStatus['running'] ?? 0;
    expect(running + (summary.goroutinesByStatus['runnable'] ?? 0)).toBeGreaterThanOrEqual(core.kind === 'core-gcore' ? 2 : 3);
    if (core.kind !== 'core-gcore') expect(running).toBeGreaterThanOrEqual(1);
    // inSyscall holds its thread in read(2).
    expect(summary.goroutinesByStatus['syscall']).toBe(1);
  });

  it('reads the heap counters, related as the runtime keeps them', async () => {
    const { summary } = await get();
    const m = summary.memory;
    const inUse = val(m.heapInUse, 'heapInUse');
    expect(inUse).toBeGreaterThan(0n);
    expect(inUse).toBe(val(m.pagesInUse, 'pagesInUse') * 8192n);
    expect(inUse + val(m.heapFree, 'heapFree')).toBeLessThanOrEqual(val(m.mappedReady, 'mappedReady'));
    expect(val(m.heapLive, 'heapLive')).toBeLessThanOrEqual(inUse);
    expect(val(m.totalAlloc, 'totalAlloc')).toBeLessThanOrEqual(inUse + val(m.totalFree, 'totalFree'));
    // corework allocates about 1 MiB (its dump buffer) and more than that of heap is in use.
    expect(inUse).toBeGreaterThan(1n << 20n);
  });

  it('reads the GC settings and history the program read of itself after its GCs, with the collector off', async () => {
    const { summary, gcNumbers } = await get();
    const g = summary.gc;
    const num = (name: string): bigint => {
      const v = gcNumbers[name];
      if (v === undefined) throw new Error(`${name} is not in the program's oracle file`);
      return BigInt(v);
    };
    // corework ran two runtime.GC() cycles, then debug.SetGCPercent(-1): what a cycle records cannot change after.
    expect(num('NumGC')).toBeGreaterThanOrEqual(2n);
    expect(val(g.numGC, 'numgc')).toBe(num('NumGC'));
    expect(val(g.numForcedGC, 'numforcedgc')).toBe(num('NumForcedGC'));
    expect(val(g.pauseTotalNs, 'pause_total_ns')).toBe(num('PauseTotalNs'));
    expect(val(g.lastGCUnixNs, 'last_gc_unix')).toBe(num('LastGC'));
    expect(val(summary.memory.heapMarked, 'heapMarked')).toBe(num('/gc/heap/live:bytes'));
    const gogc = num('/gc/gogc:percent');
    expect(val(g.gcPercent, 'gcPercent')).toBe(gogc);
    expect(val(g.memoryLimit, 'memoryLimit')).toBe(num('/gc/gomemlimit:bytes'));
    // setGCPercent: heapMinimum = defaultHeapMinimum (4 MiB) × uint64(GOGC) / 100, in uint64 arithmetic; with the
    // collector off (GOGC < 0) commit leaves the GOGC goal at its maximum, 2^64 − 1.
    expect(gogc).toBe(-1n);
    expect(val(g.heapMinimum, 'heapMinimum')).toBe(BigInt.asUintN(64, (4n << 20n) * BigInt.asUintN(64, gogc)) / 100n);
    expect(val(g.gcPercentHeapGoal, 'gcPercentHeapGoal')).toBe((1n << 64n) - 1n);
    // The scheduler's numbers the program read at the same moment.
    expect(val(summary.gomaxprocs, 'gomaxprocs')).toBe(num('/sched/gomaxprocs:threads'));
    expect(val(summary.ncpu, 'ncpu')).toBe(num('numCPU'));
    // A cycle ran, so it freed something.
    expect(val(summary.memory.totalFree, 'totalFree')).toBeGreaterThan(0n);
  });

  it('prints one line per number, each with its value and source', async () => {
    const { summary } = await get();
    const lines = summaryText(summary).trimEnd().split('\n');
    const line = (k: string) => lines.find((l) => l.startsWith(`${k} `));
    expect(lines[0]).toMatch(new RegExp(`^go +${summary.goVersion} ${core.goos}/${core.goarch}$`));
    for (const [k, x] of [...Object.entries(summary.memory), ...Object.entries(summary.gc)]) {
      expect(line(k), k).toMatch(new RegExp(` ${x?.value} +\\(${x?.source.replace(/\./g, '\\.')}\\)$`));
    }
    expect(line('GOMAXPROCS')).toContain(` ${summary.gomaxprocs?.value}  (`);
    expect(line('goroutines')).toContain(` ${summary.goroutines} (`);
    expect(line('Ms')).toContain(` ${summary.ms.length} in runtime.allm`);
  });
});
