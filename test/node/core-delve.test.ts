/**
 * The Go layer of the core reader against a second reader: Delve (github.com/go-delve/delve v1.27.2, its library
 * pkg/proc/core, never the dlv command), whose reading of each recorded core is the `core-delve` golden
 * (testdata/gen/cmd/oracle/core_delve.go, derived and checked by `npm run goldens`). Delve reads all 16 cores: Go
 * 1.22–1.26, the kernel's core, gdb's gcore and the PIE's on linux/amd64, qemu-user's guest core on linux/arm64.
 *
 * Compared field by field, for every goroutine:
 * - the goroutines: the same ids in the same order (both list `runtime.allgs` without dead goroutines);
 * - status, wait reason code and text (Delve's own table of the runtime's strings), the thread running the goroutine,
 *   the go statement (pc, function, file, line), the start pc, the system flag: identical, no exception;
 * - the start function: identical but where Delve unwraps a go statement's wrapper (`…gowrap1`) to the function it
 *   calls (counted);
 * - labels: the same pairs (goroutineLabels against Delve's G.Labels()), and none exactly where Delve finds none;
 * - frames (pc, function, file, line, inlined): identical, but for the systematic differences below, each checked in
 *   its exact shape and counted per core (a new difference fails):
 *   - `top-line-sched`: a goroutine's innermost frame from its saved context (`g.sched`) is looked up by Delve at
 *     the pc itself; the pc is a return address (gopark's call of mcall, …), and godiag looks it up at pc − 1 as the
 *     runtime's traceback does. Only the innermost pc's frames differ: Delve's are the table's at pc, ours at pc − 1.
 *   The innermost frame of a goroutine running on a thread is at a trap pc (where the thread stopped): Delve, the
 *   runtime's tracebacktrap and godiag all look it up at the pc, so those frames are identical.
 *   - `syscall-from-thread`, `g0-from-thread`: for a goroutine on a thread that godiag unwinds from a saved context
 *     (in a system call: `syscallpc`/`syscallsp`, as the runtime does; or scheduled but its thread still on g0),
 *     Delve starts from the thread's registers: it has more innermost frames (the raw system call; the scheduler on
 *     g0 up to `runtime.mcall`), then ours but for our innermost physical frame, whose pc differs.
 *   - `async-preempt`: a goroutine stopped by asynchronous preemption. The frame runtime.asyncPreempt interrupted
 *     is at a trap pc, which Delve looks up at pc − 1; after it Delve's unwind loses the interrupted function's
 *     caller (amd64) or repeats the interrupted frame to its depth limit (arm64).
 *   - `signal`: the goroutine that crashed, from the signal handler's registers. godiag shows runtime.sigtramp and
 *     crosses the signal frame; Delve crosses it without the sigtramp frame, looks the interrupted pc up at pc − 1,
 *     loses the frame that called main.crash (the function that faulted) and on amd64 the caller of the interrupted
 *     runtime.raise; on arm64 it then repeats runtime.main and reads garbage (not compared).
 */

import { describe, expect, it } from 'vitest';
import { openCore } from '../../src/core/elf-core.js';
import { goroutineLabels, openGoProcess, type GoFrame, type Goroutine, type GoProcess, type UnwindResult } from '../../src/core/go/index.js';
import { readCoreDelveGolden, type DelveCore, type DelveFrame, type DelveGoroutine } from '../support/core-delve-goldens.js';
import { fixtureBytes, type Fixture } from '../support/fixtures.js';
import { coreFixtures, executableOf } from '../support/core-fixtures.js';

const cores = coreFixtures;
const hex = (v: bigint) => `0x${v.toString(16)}`;

/** A frame as compared: Delve's fields. */
interface Key {
  pc: string;
  function: string;
  file: string;
  line: number;
  inlined: boolean;
}
const ourKey = (f: GoFrame): Key => ({ pc: hex(f.pc), function: f.function, file: f.file, line: f.line, inlined: f.inlined });
const delveKey = (f: DelveFrame): Key => ({ pc: f.pc, function: f.function, file: f.file, line: f.line, inlined: f.inlined });
const text = (ks: readonly Key[]) => ks.map((k) => `${k.pc} ${k.function} ${k.file}:${k.line}${k.inlined ? ' (inlined)' : ''}`);

/** The systematic differences (see the file's comment). */
type Difference = 'top-line-sched' | 'syscall-from-thread' | 'g0-from-thread' | 'async-preempt' | 'signal' | 'start-unwrapped';

/**
 * The frames of the pclntab at process pc `at` (godiag's table, proven against debug/gosym and the runtime by the
 * gosym goldens), as frames of pc `pc`.
 */
function tableFrames(proc: GoProcess, at: bigint, pc = at): Key[] {
  return proc.table.lookup(at - proc.loadBias).map((l) => ({ pc: hex(pc), function: l.function, file: l.file, line: l.line, inlined: l.inlined }));
}

/** The leading frames at the same pc (an innermost physical frame with its inlined calls). */
const group = (ks: readonly Key[]) => {
  let n = 0;
  while (n < ks.length && ks[n]!.pc === ks[0]!.pc) n++;
  return n;
};

/**
 * The innermost frames (those at the innermost pc): identical, or — from a saved context, whose pc is a return
 * address — Delve's the table's at the pc and ours at pc − 1 (`top-line-sched`, pushed on `found`). Returns how
 * many frames each side spends.
 */
function innermost(proc: GoProcess, source: UnwindResult['source'], ours: Key[], delve: Key[], found: Difference[]): [number, number] {
  const [no, nd] = [group(ours), group(delve)];
  if (JSON.stringify(ours.slice(0, no)) === JSON.stringify(delve.slice(0, nd))) return [no, nd];
  const pc = BigInt(ours[0]!.pc);
  expect(delve[0]!.pc).toBe(ours[0]!.pc);
  expect(text(delve.slice(0, nd))).toEqual(text(tableFrames(proc, pc)));
  expect(text(ours.slice(0, no))).toEqual(text(tableFrames(proc, pc - 1n, pc)));
  // A thread's pc is a trap pc, looked up as is on both sides: no difference is allowed there.
  expect(source).not.toBe('thread');
  found.push('top-line-sched');
  return [no, nd];
}

/**
 * The interrupted frame above an injected call: ours at its (trap) pc, Delve's at pc − 1 as for a return address, but
 * at the pc itself when it is the function's entry (one physical frame).
 */
function trapLine(proc: GoProcess, ours: Key, delve: Key) {
  const pc = BigInt(ours.pc);
  expect({ pc: delve.pc, function: delve.function, inlined: delve.inlined }).toEqual({ pc: ours.pc, function: ours.function, inlined: false });
  const entry = proc.table.funcAt(pc - proc.loadBias)!.entry + proc.loadBias;
  expect(text([delve])).toEqual(text(tableFrames(proc, pc > entry ? pc - 1n : pc, pc)));
  expect(text([ours])).toEqual(text(tableFrames(proc, pc)));
}

interface Compared {
  proc: GoProcess;
  goroutines: Goroutine[];
  frames: Map<bigint, UnwindResult>;
  delve: DelveCore;
  signal: bigint | undefined;
}

async function load(core: Fixture): Promise<Compared> {
  const proc = await openGoProcess(await openCore(fixtureBytes(core), { executable: fixtureBytes(executableOf(core)) }));
  const goroutines = await proc.goroutines();
  const frames = new Map<bigint, UnwindResult>();
  for (const g of goroutines) frames.set(g.id, await proc.frames(g));
  return { proc, goroutines, frames, delve: readCoreDelveGolden(core.path), signal: (await proc.signalGoroutine())?.id };
}

/**
 * Compares one goroutine's frames with Delve's; returns the differences found (each checked in its exact shape).
 * Throws (an expect failure) on anything else.
 */
function compareFrames(c: Compared, g: Goroutine, d: DelveGoroutine): Difference[] {
  const r = c.frames.get(g.id)!;
  const ours = r.frames.map(ourKey);
  const delve = d.frames.map(delveKey);
  if (JSON.stringify(ours) === JSON.stringify(delve)) return [];
  const arm64 = c.proc.goarch === 'arm64';
  const found: Difference[] = [];
  if (g.id === c.signal) {
    // The crashed goroutine: the signal handler's frames, the signal frame, the panic, main.crash, its callers.
    expect(r.source).toBe('thread');
    const s = ours.findIndex((k) => k.function === 'runtime.sigtramp');
    expect(s).toBeGreaterThan(0);
    const [no, nd] = innermost(c.proc, r.source, ours, delve, found);
    expect(text(delve.slice(nd, s - no + nd))).toEqual(text(ours.slice(no, s)));
    found.push('signal');
    // No sigtramp frame in Delve's; the interrupted runtime.raise at pc − 1.
    let di = s - no + nd;
    trapLine(c.proc, ours[s + 1]!, delve[di]!);
    di++;
    let oi = s + 2;
    // amd64: Delve goes from the interrupted raise (a frameless leaf) straight to raise's caller's caller.
    if (!arm64) oi++;
    const crash = ours.findIndex((k) => k.function === 'main.crash');
    expect(crash).toBeGreaterThan(oi);
    expect(text(delve.slice(di, di + crash + 1 - oi))).toEqual(text(ours.slice(oi, crash + 1)));
    di += crash + 1 - oi;
    // main.crash faulted (sigpanic was injected above it): Delve loses its caller, main.main.
    expect(ours[crash + 1]!.function).toBe('main.main');
    oi = crash + 2;
    if (arm64) {
      // arm64: runtime.main, then runtime.main again and frames of no function: Delve's unwind is lost from here.
      expect(text(delve.slice(di, di + 2))).toEqual(text([ours[oi]!, ours[oi]!]));
    } else {
      expect(text(delve.slice(di))).toEqual(text(ours.slice(oi)));
    }
    return found;
  }
  if (d.thread !== undefined && r.source !== 'thread') {
    // Delve starts from the thread's registers; ours from the saved context, whose innermost physical frame is one
    // of Delve's at another pc, and the frames above it Delve's last ones.
    const n = group(ours);
    const rest = ours.slice(n);
    const extra = delve.length - rest.length;
    expect(extra).toBeGreaterThan(0);
    expect(text(delve.slice(extra))).toEqual(text(rest));
    const physical = ours[n - 1]!;
    expect(delve[extra - 1]!.function).toBe(physical.function);
    for (const k of delve.slice(0, extra - 1)) expect(k.function).toMatch(/^(runtime\.|internal\/runtime\/|runtime\/internal\/|syscall\.)/);
    if (r.source === 'syscall') {
      expect(delve[extra - 1]!.pc).not.toBe(physical.pc);
      found.push('syscall-from-thread');
    } else {
      expect(r.source).toBe('sched');
      expect(delve.slice(0, extra).map((k) => k.function)).toContain('runtime.mcall');
      found.push('g0-from-thread');
    }
    return found;
  }
  const [oi, di] = innermost(c.proc, r.source, ours, delve, found);
  const o = ours.slice(oi);
  const dl = delve.slice(di);
  if (JSON.stringify(o) !== JSON.stringify(dl)) {
    const i = o.findIndex((k) => k.function === 'runtime.asyncPreempt');
    expect(i, `frames of goroutine ${g.id}:\nours  ${text(ours).join('\n      ')}\ndelve ${text(delve).join('\n      ')}`).toBeGreaterThanOrEqual(0);
    expect(text(dl.slice(0, i + 1))).toEqual(text(o.slice(0, i + 1)));
    trapLine(c.proc, o[i + 1]!, dl[i + 1]!);
    if (arm64) {
      // The interrupted frame again and again, to Delve's depth limit (64, and the frame it adds).
      expect(delve).toHaveLength(65);
      for (const k of dl.slice(i + 2)) expect(k).toEqual(dl[i + 1]);
    } else {
      // The interrupted function's caller is missing; the rest is ours.
      expect(text(dl.slice(i + 2))).toEqual(text(o.slice(i + 3)));
    }
    found.push('async-preempt');
  }
  return found;
}

/** How often each difference occurs, per core (from the goldens: a change means a new or a lost difference). */
// Nearly every parked goroutine has the first (its gopark's call of mcall, the next line at the return address);
// the kernel's and qemu's cores have the crash and a goroutine preempted asynchronously, gdb's cores the goroutine
// spinning on a thread (and in Go 1.23's, one scheduled while its thread was still on g0).
const EXPECTED: Record<string, Partial<Record<Difference, number>>> = {
  'go1.22.12/linux-amd64/core-gcore.core.gz': { 'top-line-sched': 28, 'syscall-from-thread': 1, 'start-unwrapped': 1 },
  'go1.22.12/linux-amd64/core-kernel.core.gz': { 'top-line-sched': 28, 'syscall-from-thread': 1, 'async-preempt': 1, 'signal': 1, 'start-unwrapped': 1 },
  'go1.22.12/linux-arm64/core-qemu.core.gz': { 'top-line-sched': 28, 'syscall-from-thread': 1, 'async-preempt': 1, 'signal': 1, 'start-unwrapped': 1 },
  'go1.23.12/linux-amd64/core-gcore.core.gz': { 'top-line-sched': 28, 'syscall-from-thread': 1, 'g0-from-thread': 1, 'start-unwrapped': 1 },
  'go1.23.12/linux-amd64/core-kernel.core.gz': { 'top-line-sched': 29, 'syscall-from-thread': 1, 'async-preempt': 1, 'signal': 1, 'start-unwrapped': 1 },
  'go1.23.12/linux-arm64/core-qemu.core.gz': { 'top-line-sched': 29, 'syscall-from-thread': 1, 'async-preempt': 1, 'signal': 1, 'start-unwrapped': 1 },
  'go1.24.13/linux-amd64/core-gcore.core.gz': { 'top-line-sched': 30, 'syscall-from-thread': 1, 'async-preempt': 1, 'start-unwrapped': 1 },
  'go1.24.13/linux-amd64/core-kernel.core.gz': { 'top-line-sched': 29, 'syscall-from-thread': 1, 'async-preempt': 1, 'signal': 1, 'start-unwrapped': 1 },
  'go1.24.13/linux-arm64/core-qemu.core.gz': { 'top-line-sched': 29, 'syscall-from-thread': 1, 'async-preempt': 1, 'signal': 1, 'start-unwrapped': 1 },
  'go1.25.14/linux-amd64/core-gcore.core.gz': { 'top-line-sched': 29, 'syscall-from-thread': 1, 'start-unwrapped': 1 },
  'go1.25.14/linux-amd64/core-kernel.core.gz': { 'top-line-sched': 29, 'syscall-from-thread': 1, 'async-preempt': 1, 'signal': 1, 'start-unwrapped': 1 },
  'go1.25.14/linux-arm64/core-qemu.core.gz': { 'top-line-sched': 29, 'syscall-from-thread': 1, 'async-preempt': 1, 'signal': 1, 'start-unwrapped': 1 },
  'go1.26.8/linux-amd64/core-gcore.core.gz': { 'top-line-sched': 29, 'syscall-from-thread': 1, 'start-unwrapped': 1 },
  'go1.26.8/linux-amd64/core-kernel-pie.core.gz': { 'top-line-sched': 29, 'syscall-from-thread': 1, 'async-preempt': 1, 'signal': 1, 'start-unwrapped': 1 },
  'go1.26.8/linux-amd64/core-kernel.core.gz': { 'top-line-sched': 29, 'syscall-from-thread': 1, 'async-preempt': 1, 'signal': 1, 'start-unwrapped': 1 },
  'go1.26.8/linux-arm64/core-qemu.core.gz': { 'top-line-sched': 29, 'syscall-from-thread': 1, 'async-preempt': 1, 'signal': 1, 'start-unwrapped': 1 },
};

const tally = new Map<string, Partial<Record<Difference, number>>>();

describe.each(cores.map((c) => [c.path, c] as const))('%s', (path, core) => {
  let loaded: Promise<Compared> | undefined;
  const get = () => (loaded ??= load(core));
  const count = (d: Difference) => {
    const t = tally.get(path) ?? {};
    t[d] = (t[d] ?? 0) + 1;
    tally.set(path, t);
  };

  it('lists the goroutines Delve lists, in the same order, each readable', async () => {
    const c = await get();
    expect(c.delve.process.goroutines).toBe(c.delve.goroutines.length);
    expect(c.delve.goroutines.filter((d) => d.unreadable !== undefined)).toEqual([]);
    expect(c.goroutines.map((g) => g.id)).toEqual(c.delve.goroutines.map((d) => BigInt(d.id)));
    expect(c.delve.process.goarch).toBe(c.proc.goarch);
    expect(c.delve.process.producer).toBe(`Go cmd/compile ${c.proc.goVersion}`);
    // The same threads; Delve's current thread is the one that received the signal, when the core records one.
    expect(c.delve.process.threads).toEqual(c.proc.core.threads().map((t) => t.tid).sort((a, b) => a - b));
    if (c.proc.core.signalThread !== undefined) expect(c.delve.process.currentThread).toBe(c.proc.core.signalThread);
  });

  it('reads status, wait reason, thread, go statement, start pc and the system flag as Delve does', async () => {
    const c = await get();
    for (const [i, g] of c.goroutines.entries()) {
      const d = c.delve.goroutines[i]!;
      const ours = {
        id: g.id,
        status: g.status,
        waitReason: g.waitReasonCode,
        // Delve's text of a reason comes from its own copy of the runtime's table, per Go release.
        waitReasonText: g.waitReasonCode === 0 ? undefined : g.waitReason,
        thread: g.thread,
        // Goroutine 1 (runtime.main) has a gopc too: the bootstrap's call of runtime.newproc. Delve prints pc 0 as
        // the location of no function.
        go: g.createdBy === undefined ? { pc: '0x0', function: '', file: '', line: 0 } : { pc: hex(g.createdBy.pc), function: g.createdBy.function, file: g.createdBy.file, line: g.createdBy.line },
        startPc: hex(g.startPc),
        system: g.system,
      };
      expect(ours).toEqual({ id: BigInt(d.id), status: d.status, waitReason: d.waitReason, waitReasonText: d.waitReasonText, thread: d.thread, go: d.go, startPc: d.startPc, system: d.system });
    }
  });

  it('names the start function as Delve does, but for the go statements’ wrappers Delve unwraps', async () => {
    const c = await get();
    for (const [i, g] of c.goroutines.entries()) {
      const d = c.delve.goroutines[i]!;
      if (g.startFunction === d.start.function) {
        expect(d.start.pc).toBe(hex(g.startPc));
        continue;
      }
      // A go statement calling a function with arguments runs a wrapper (`…gowrapN`); Delve names the wrapped one.
      expect(g.startFunction).toMatch(/\.gowrap\d+$/);
      expect(d.start.pc).not.toBe(hex(g.startPc));
      count('start-unwrapped');
    }
  });

  it('reads the same labels as Delve, and a label set exactly where Delve finds one', async () => {
    const c = await get();
    // Delve's are a map (the golden's keys in UTF-8 order, which JSON.parse keeps for keys that are not array indexes):
    // sorted by key here, as goroutineLabels returns them.
    const byKey = (a: [string, string], b: [string, string]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
    for (const [i, g] of c.goroutines.entries()) {
      const d = c.delve.goroutines[i]!;
      const theirs = d.labels === undefined ? undefined : Object.entries(d.labels).sort(byKey);
      expect({ id: g.id, labels: await goroutineLabels(c.proc, g) }).toEqual({ id: g.id, labels: theirs });
    }
    // corework labels 8 goroutines (one of them with an empty set).
    expect(c.delve.goroutines.filter((d) => d.labels !== undefined)).toHaveLength(8);
    expect(c.delve.goroutines.filter((d) => d.labels !== undefined && Object.keys(d.labels).length === 0)).toHaveLength(1);
  });

  it('unwinds each goroutine to Delve’s frames, but for the documented differences', async () => {
    const c = await get();
    for (const [i, g] of c.goroutines.entries()) {
      const d = c.delve.goroutines[i]!;
      // Delve's depth limit is never reached where the two agree: our walks are complete and shorter.
      expect(c.frames.get(g.id)!.complete).toBe(true);
      if (d.stackError !== undefined) {
        // Only where Delve's unwind of an arm64 crash is lost (it reads a return address past runtime.goexit).
        expect({ id: g.id, arm64: c.proc.goarch === 'arm64' }).toEqual({ id: c.signal, arm64: true });
        expect(d.stackError).toMatch(/^Undefined return address at 0x[0-9a-f]+$/);
      }
      for (const diff of compareFrames(c, g, d)) count(diff);
    }
  });
});

describe('the differences with Delve', () => {
  it('occur as often as recorded, core by core', () => {
    if (process.env.CORE_DELVE_PRINT === '1') console.log(JSON.stringify(Object.fromEntries(tally), null, 2));
    expect(Object.fromEntries(tally)).toEqual(EXPECTED);
  });
});
