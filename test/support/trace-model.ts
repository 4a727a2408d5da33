/**
 * A model of the Go scheduler that writes semantically valid execution traces, and predicts the events
 * Go's trace reader (golang.org/x/exp/trace, whose rules are those of Go's internal/trace/order.go and
 * event.go) returns for them. For the property tests of `readTrace`.
 *
 * The model runs a small program step by step: threads (Ms) take and release procs (Ps); goroutines are
 * created (runnable or blocked), started, stopped, blocked, unblocked from other threads, switched to as
 * coroutines, enter and leave syscalls (their proc handed off, or stolen by another thread), end; cgo callbacks
 * create goroutines in a syscall and end them there (abandoning the proc); running goroutines write metrics,
 * labels, user tasks, regions and logs, stop the world, assist the GC, begin and end GC cycles; procs sweep.
 * Every step writes the wire events the runtime writes for it into the batch of the thread that took it, in
 * that thread's program order, statuses first as the runtime's event writer does: a proc's or goroutine's
 * first event of a generation is preceded by its ProcStatus or GoStatus (and GCSweepActive or
 * GCMarkAssistActive while it sweeps or assists); every running proc is stated at each generation's start, GC
 * cycles in progress by GCActive; a proc left in a syscall is stated SyscallAbandoned by the thread that
 * steals it; goroutines no thread touched in a generation are stated at its end in the batch of no thread
 * (M = 2^64−1), one in a syscall naming its thread. Syscalls, GC cycles, assists, sweeps and running goroutines
 * cross generation boundaries; the trace may start with syscalls, assists, sweeps, regions and tasks under way.
 *
 * Timestamps follow the step order, skewed per thread, so a thread's events may carry times earlier than
 * the events of other threads that must precede them: the reader has to use the sequence numbers.
 *
 * From the same steps the model predicts each event as the reader shows it: kind, context, state transition,
 * names, stacks, values. The predicted order is the reader's rule (x/exp/trace reader.go): the earliest next
 * event of any thread among those the ordering lets through now. An event waits ("gate") only where Go's
 * ordering waits — GoStart, GoUnblock, GoSwitch (goroutine sequence), ProcStart, ProcSteal (proc sequence),
 * GoSyscallEndBlocked (its proc gone), GC events (GC sequence) — and then exactly until the events of that
 * resource before it (in step order) are out. Contexts (the goroutine and proc the reader knows a thread to
 * hold) and task names are then taken in that order, and times made strictly increasing as the reader makes
 * them. Timestamps are distinct across threads, so no tie decides the order; a change nothing waits for (an
 * Active event, an abandoned proc) is stamped before the resource's next event on another thread, as real
 * clocks would have it (Go's reader cannot order such a trace right otherwise).
 *
 * The GC's first event in the trace sets the reader's idea of its sequence number, so the generation that has
 * it has only one cycle start.
 * @module
 */

import fc from 'fast-check';
import { ALL_EVENT_SPECS, EventType as T, WIRE_NO_THREAD, compareWireVersions, type WireVersion } from '../../src/trace/spec/index.js';
import { encodeTrace } from '../../src/trace/encode.js';
import { wireDumpText } from '../../src/trace/text/index.js';
import type { ArgValue, RawEvent } from '../../src/trace/wire/index.js';
import type { CPUSampleData, EventBatchData, GenerationData, StackFrameData } from '../../src/trace/wire/generation.js';
import type { Event, GoState, ProcState, ResourceID, Stack } from '../../src/trace/events/event.js';

// --- Comparable events --------------------------------------------------------------------------------------

/**
 * An event as plain data, for comparing what the reader returned with what the model predicts: the common
 * fields (`g`, `p`, `m` are the goroutine, proc and thread of its context; `stack` its frames as text) and
 * the kind's own fields.
 */
export interface NormEvent {
  kind: string;
  time: number;
  g: number;
  p: number;
  m: number;
  stack: string[];
  [field: string]: unknown;
}

/** Frames as text, innermost first: `func file:line @pc`. */
function framesText(frames: readonly { pc: bigint; func: string; file: string; line: number }[]): string[] {
  return frames.map((f) => `${f.func} ${f.file}:${f.line} @0x${f.pc.toString(16)}`);
}

function stackText(s: Stack): string[] {
  return framesText(s.frames);
}

function resourceData(r: ResourceID): unknown {
  return r.kind === 'None' ? { kind: 'None' } : { kind: r.kind, id: r.id };
}

/** An event of the reader as {@link NormEvent}. */
export function normalizeEvent(e: Event): NormEvent {
  const b: NormEvent = { kind: e.kind, time: e.time, g: e.goroutine, p: e.proc, m: e.thread, stack: stackText(e.stack) };
  switch (e.kind) {
    case 'Sync':
      return {
        ...b,
        n: e.n,
        clock: e.clockSnapshot === undefined ? undefined : { ...e.clockSnapshot },
        experiments: e.experimentalBatches === undefined ? undefined : [...e.experimentalBatches.keys()].sort(),
      };
    case 'Metric':
      return { ...b, name: e.name, value: e.value };
    case 'Label':
      return { ...b, label: e.label, resource: resourceData(e.resource) };
    case 'StackSample':
      return b;
    case 'RangeBegin':
    case 'RangeActive':
      return { ...b, name: e.name, scope: resourceData(e.scope) };
    case 'RangeEnd':
      return { ...b, name: e.name, scope: resourceData(e.scope), attributes: e.attributes.map((a) => ({ name: a.name, value: a.value })) };
    case 'TaskBegin':
    case 'TaskEnd':
      return { ...b, id: e.id, parent: e.parent, type: e.type };
    case 'RegionBegin':
    case 'RegionEnd':
      return { ...b, task: e.task, type: e.type };
    case 'Log':
      return { ...b, task: e.task, category: e.category, message: e.message };
    case 'StateTransition':
      return { ...b, resource: resourceData(e.resource), from: e.from, to: e.to, reason: e.reason, transitionStack: stackText(e.transitionStack) };
    case 'Experimental':
      return { ...b, name: e.name, experiment: e.experiment, args: e.args.map((a) => ({ name: a.name, value: a.value })) };
  }
}

// --- Names and stacks ---------------------------------------------------------------------------------------

const REASONS = ['chan receive', 'preempted', 'sleep', 'select', 'sync.Mutex.Lock'];
const TASK_NAMES = ['request', 'batch job', 'τask ✓'];
const REGION_NAMES = ['parse', 'compute', 'write out'];
/** '' is string ID 0, implied in every generation's table. */
const LOG_KEYS = ['key', 'user', ''];
const LOG_VALUES = ['hello', 'value=42', 'ünïcode ✓'];
const LABELS = ['GC (dedicated)', 'GC (idle)', 'worker'];
const FUNCS = ['main.main', 'main.worker', 'runtime.gopark', 'net/http.(*conn).serve'];
const STW_KINDS = ['GC sweep termination', 'GC mark termination', 'start trace'];
const FILES = ['/src/main.go', '/go/src/runtime/proc.go', '/go/src/net/http/server.go'];
const POOL_STRINGS: readonly string[] = [
  ...new Set([...REASONS, ...TASK_NAMES, ...REGION_NAMES, ...LOG_KEYS, ...LOG_VALUES, ...LABELS, ...FUNCS, ...FILES, ...STW_KINDS]),
].filter((s) => s !== '');

/** Distinct PCs, each with one description (the reader takes the first frame seen for a PC). */
const FRAMES = [
  { pc: 0x401000n, func: 'main.main', file: '/src/main.go', line: 12 },
  { pc: 0x401234n, func: 'main.worker', file: '/src/main.go', line: 40 },
  { pc: 0x43a0f0n, func: 'runtime.gopark', file: '/go/src/runtime/proc.go', line: 435 },
  { pc: 0x6a2b10n, func: 'net/http.(*conn).serve', file: '/go/src/net/http/server.go', line: 2100 },
  { pc: 0xffff_ffff_ffff_f000n, func: 'main.worker', file: '/src/main.go', line: 41 },
];
/** Stacks of the pool as frame indices, innermost first; stack index 0 is the empty stack. */
const STACKS: readonly (readonly number[])[] = [[0], [1, 0], [2, 1, 0], [3], [4, 2]];

function stackFrames(idx: number): string[] {
  return idx === 0 ? [] : framesText(STACKS[idx - 1]!.map((i) => FRAMES[i]!));
}

// --- The plan: what fast-check generates -------------------------------------------------------------------

/** One step of the program: which thread acts, which action of those it can take, and its parameters. */
export interface StepPlan {
  m: number;
  action: number;
  x: number;
  y: number;
  z: number;
}

/** One generation: its steps, per-thread timestamp skews and the choices of the layout. */
export interface GenerationPlan {
  steps: StepPlan[];
  /** Per lane (thread, then the no-thread batch): how far its clock runs ahead (+) or behind (−), in steps. */
  skew: number[];
  /** Table IDs, which threads state idle procs at the start. */
  tables: number[];
  /** The end: which syscalls go on into the next generation, who steals their procs, where statuses go. */
  end: number[];
  /** Timestamp jitter. */
  jitter: number[];
  /** Batch cuts, batch base times, the order of batches in the file. */
  batches: number[];
  /** CPU samples: time, thread, proc, goroutine, stack (as choices). */
  samples: [number, number, number, number, number][];
  /** Table batch time, clock snapshot time and nanoseconds. */
  clock: [number, number, number];
}

/** Everything the model needs to build one trace; the builder is deterministic. */
export interface ModelPlan {
  version: WireVersion;
  firstGen: number;
  /** Go 1.26+: increments between generation numbers (which need not be consecutive there). */
  genGaps: number[];
  threads: number;
  procs: number;
  setup: number[];
  generations: GenerationPlan[];
}

const choice = fc.nat({ max: 0xffff });

const stepPlan: fc.Arbitrary<StepPlan> = fc.record({ m: choice, action: choice, x: choice, y: choice, z: choice });

/** Plans: 1–4 threads and procs, 1–3 generations of up to `maxSteps` steps. */
export function modelPlan(maxSteps = 40): fc.Arbitrary<ModelPlan> {
  return fc.record({
    version: fc.constantFrom<WireVersion>('1.22', '1.23', '1.25', '1.26'),
    firstGen: fc.integer({ min: 1, max: 4 }),
    genGaps: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 2 }),
    threads: fc.integer({ min: 1, max: 4 }),
    procs: fc.integer({ min: 1, max: 4 }),
    setup: fc.array(choice, { maxLength: 40, size: 'max' }),
    generations: fc.array(
      fc.record({
        steps: fc.array(stepPlan, { maxLength: maxSteps, size: 'max' }),
        skew: fc.array(fc.integer({ min: -30, max: 30 }), { minLength: 5, maxLength: 5 }),
        tables: fc.array(choice, { maxLength: 60, size: 'max' }),
        end: fc.array(choice, { maxLength: 30, size: 'max' }),
        jitter: fc.array(choice, { maxLength: 200, size: 'max' }),
        batches: fc.array(choice, { maxLength: 60, size: 'max' }),
        samples: fc.array(fc.tuple(choice, choice, choice, choice, choice), { maxLength: 3 }),
        clock: fc.tuple(choice, choice, choice),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  });
}

/** Reads choices in order; past the end every choice is 0 (the first option), which shrinks well. */
class Tape {
  private i = 0;
  constructor(private readonly xs: readonly number[]) {}
  /** A choice in 0..n−1. */
  int(n: number): number {
    if (n <= 1) return 0;
    return (this.xs[this.i++] ?? 0) % n;
  }
  /** True with probability about pct %. */
  chance(pct: number): boolean {
    return this.int(100) < pct;
  }
}

// --- The model ----------------------------------------------------------------------------------------------

type GStatus = 'Runnable' | 'Running' | 'Waiting' | 'Syscall';
/** A proc's status; Abandoned: left in a syscall by a thread that went away (a cgo callback's end). */
type PStatus = 'Running' | 'Idle' | 'Syscall' | 'Abandoned';
/** Wire statuses (tracev2.GoStatus, tracev2.ProcStatus). */
const GO_WIRE: Record<GStatus, number> = { Runnable: 1, Running: 2, Syscall: 3, Waiting: 4 };
const PROC_WIRE: Record<PStatus, number> = { Running: 1, Idle: 2, Syscall: 3, Abandoned: 4 };
/** How the reader shows a proc status: a proc in a syscall still runs; an abandoned one is idle. */
const PROC_STATE: Record<PStatus, ProcState> = { Running: 'Running', Idle: 'Idle', Syscall: 'Running', Abandoned: 'Idle' };

const GC_RANGE = 'GC concurrent mark phase';
const ASSIST_RANGE = 'GC mark assist';
const SWEEP_RANGE = 'GC incremental sweep';
const NO_TASK = -1;

interface Region {
  task: number;
  name: string;
}

interface G {
  id: number;
  status: GStatus;
  /** Thread (lane) while Running or in a Syscall, else −1. */
  m: number;
  seq: number;
  /** Its status was written in the current generation. */
  traced: boolean;
  /** The reader has seen it (so a status reads as from its state, not from Undetermined). */
  known: boolean;
  regions: Region[];
  /** Regions begun before the trace: their ends are unchecked while no region begun in the trace is open. */
  preRegions: Region[];
  /** In a GC mark assist (a range stated again, by GCMarkAssistActive, with every status). */
  assist: boolean;
  /** The kind of the stop-the-world it is in, if any. */
  stw: string | undefined;
  /** Created by a cgo callback (GoCreateSyscall): may end in its syscall (GoDestroySyscall). */
  cgo: boolean;
}

interface P {
  id: number;
  status: PStatus;
  /** The thread (lane) holding it while Running or in a Syscall, else −1. */
  m: number;
  seq: number;
  traced: boolean;
  known: boolean;
  /** The status the reader holds for it (which an Abandoned status does not always replace). */
  stored: PStatus | undefined;
  /** Index of the generation it first exists in (a later one: GOMAXPROCS grew). */
  from: number;
  /** Sweeping (a range stated again, by GCSweepActive, with every status). */
  sweep: boolean;
  /** The thread ID that last held it (the M a ProcSteal names). */
  lastM: number;
}

interface M {
  id: number;
  /** Proc held (id), −1 for none. */
  p: number;
  /** Goroutine running or in a syscall on it (id), −1 for none. */
  g: number;
  /** In a syscall, with its proc still attached or without one. */
  sys: 'no' | 'withP' | 'lostP';
  /** In a syscall that lost its proc: what the reader waits for before GoSyscallEndBlocked (the proc's loss). */
  sysGate: { key: string; ver: number } | undefined;
  /** The goroutine and proc the reader knows this thread to hold (it learns them from the thread's events). */
  vis: { g: number; p: number };
  /** The reader has seen the thread. */
  known: boolean;
}

/** One wire event the model wrote, with the events the reader makes of it (one, or three for a GoSwitch). */
interface ModelEvent {
  lane: number;
  step: number;
  type: number;
  args: ArgValue[];
  views: NormEvent[];
  /**
   * Where each view's context comes from. The reader gives an event the goroutine and proc it knows the
   * thread to hold at that point of its order, and another thread's event may change that (a steal takes the
   * victim's proc): so contexts are taken in the predicted order, from the `effects` of the events before.
   */
  ctxs: CtxSpec[];
  /** What the event tells the reader about threads' goroutines and procs. */
  effects: { lane: number; g?: number; p?: number }[];
  /** The event waits until the resource's version reaches `ver` (all its earlier events are out). */
  gate: { key: string; ver: number } | undefined;
  touches: string[];
  time: number;
  /**
   * Events of other lanes this one must be stamped after: a change the reader does not wait for (a range's
   * Active event, a proc abandoned by GoDestroySyscall) must come out before the resource's next event on
   * another thread. The runtime's clocks make sure of that; with clocks skewed the other way, Go's reader
   * misreads the trace too.
   */
  after: ModelEvent[];
  /** Step-ordered time before the lane residue is applied (see `layout`). */
  raw: number;
  /**
   * A task's beginning or end. Go's reader gives a TaskEnd the parent and type of the beginning it has seen
   * (none when the end comes first, which skewed clocks allow across threads): resolved in the reader's order.
   */
  task: { begin: boolean; id: number } | undefined;
}

interface ModelSample {
  data: CPUSampleData;
  view: NormEvent;
}

/** A generation as built: its events per lane, in program order, and its samples. */
interface GenOut {
  lanes: ModelEvent[][];
  samples: ModelSample[];
  data: GenerationData;
  syncTime: number;
  clock: NormEvent['clock'];
}

/** A trace the model built, with the events the reader must return for it. */
export interface ModelTrace {
  version: WireVersion;
  generations: GenerationData[];
  /** The predicted events, Syncs included, in the reader's order. */
  expected: NormEvent[];
  /** Index in `expected` of each generation's Sync. */
  syncIndex: number[];
  /** What the trace exercises, for checking the generator's coverage. */
  stats: ModelStats;
}

/** What a model trace exercises. */
export interface ModelStats {
  /** Events the reader must deliver after a later-stamped event of another thread (held back by a sequence). */
  reordered: number;
  /** Wire events written, by Go's name. */
  wire: Record<string, number>;
  /** CPU samples. */
  samples: number;
  /**
   * Events of the reader by kind and, for a transition, resource and states (e.g. `Proc Undetermined->Idle`);
   * with `(context: holder)` or `(context: bare)` when shown on another thread than the one that wrote it.
   */
  views: Record<string, number>;
}

const U64_MAX = WIRE_NO_THREAD;
const WIRE_NAMES: readonly (string | undefined)[] = (() => {
  const names: (string | undefined)[] = [];
  for (const spec of ALL_EVENT_SPECS) names[spec.type] = spec.name;
  return names;
})();

type Fields = Record<string, unknown> & { kind: string };

function procT(id: number, from: ProcState, to: ProcState): Fields {
  return { kind: 'StateTransition', resource: { kind: 'Proc', id }, from, to, reason: '', transitionStack: [] };
}

function goT(id: number, from: GoState, to: GoState, reason = '', transitionStack = 0): Fields {
  return { kind: 'StateTransition', resource: { kind: 'Goroutine', id }, from, to, reason, transitionStack: stackFrames(transitionStack) };
}

function range(kind: 'RangeBegin' | 'RangeActive' | 'RangeEnd', name: string, scope: unknown, attributes: unknown[] = []): Fields {
  return kind === 'RangeEnd' ? { kind, name, scope, attributes } : { kind, name, scope };
}

/**
 * Where a predicted event's context comes from: its thread (without its goroutine, for the start a GoSwitch
 * implies); the thread holding a proc (a SyscallAbandoned status promoted to Syscall); a thread in a syscall
 * stated from the batch of no thread.
 */
type CtxSpec = { kind: 'lane'; noG?: boolean } | { kind: 'holder'; p: number } | { kind: 'bare'; victim: number };

/** What an emitted event waits for (a resource key: its current version), what it changes, its task. */
interface EmitOptions {
  gate?: string | { key: string; ver: number } | undefined;
  touches?: string[];
  task?: ModelEvent['task'];
  /** Resources the event concerns beyond those it changes (a range's), for the order of Active events. */
  rel?: string[];
  /** Where each view's context comes from (default: its thread). */
  ctxs?: CtxSpec[];
  /**
   * The event changes this resource without anything waiting for it (it states an active range, or abandons
   * a proc): the resource's next event on another lane is stamped after it.
   */
  active?: string | undefined;
}

/** A state the reader would reject: the model is wrong, not the reader. */
function modelBug(what: string): Error {
  return new Error(`model: ${what}`);
}

class Builder {
  readonly nM: number;
  readonly nt: number;
  readonly ms: M[] = [];
  readonly ps: P[] = [];
  readonly gs = new Map<number, G>();
  readonly tasks = new Map<number, { name: string; parent: number }>();
  /** Task IDs whose beginning the reader may not know (begun before the trace, or ended already). */
  readonly unknownTasks: number[] = [];
  readonly gc = { running: false, seq: 1, firstGen: -1 };
  readonly ver = new Map<string, number>();
  nextG = 1;
  nextTask = 1;
  k = 0;
  step = 0;
  lanes: ModelEvent[][] = [];
  /** The event emitted last (which `setVis` gives its effects to). */
  private last: ModelEvent | undefined;
  /** This generation's last event of each resource that nothing waits for (see `ModelEvent.after`). */
  activeAt = new Map<string, ModelEvent>();
  strIds = new Map<string, number>();
  stackIds: number[] = [];
  readonly gens: GenOut[] = [];
  private readonly modern: boolean;
  /** Go 1.23+: GoStatusStack, GoSwitch, GoSwitchDestroy, GoCreateBlocked. */
  private readonly go123: boolean;
  private genBase = 10_000;

  constructor(readonly plan: ModelPlan) {
    this.nM = plan.threads;
    this.nt = plan.threads;
    this.modern = compareWireVersions(plan.version, '1.25') >= 0;
    this.go123 = compareWireVersions(plan.version, '1.23') >= 0;
  }

  // -- Setup: the program when the trace starts --

  setup(): void {
    const t = new Tape(this.plan.setup);
    const base = t.int(3);
    for (let i = 0; i < this.nM; i++) {
      this.ms.push({ id: i * 3 + base, p: -1, g: -1, sys: 'no', sysGate: undefined, vis: { g: -1, p: -1 }, known: false });
    }
    for (let i = 0; i < this.plan.procs; i++) {
      const from = i === 0 || t.chance(75) ? 0 : 1 + t.int(2);
      this.ps.push({ id: i, status: 'Idle', m: -1, seq: 0, traced: false, known: false, stored: undefined, from, sweep: false, lastM: 0 });
    }
    // Each thread: idle, running a proc (with or without a goroutine), or in a syscall (with its proc or without).
    for (const [i, m] of this.ms.entries()) {
      const state = t.int(10);
      const p = this.ps.find((x) => x.from === 0 && x.status === 'Idle');
      if (state >= 8) {
        const g = this.newG('Syscall', i);
        m.g = g.id;
        if (state === 8 && p !== undefined) {
          p.status = 'Syscall';
          p.m = i;
          m.p = p.id;
          m.sys = 'withP';
        } else {
          m.sys = 'lostP';
        }
      } else if (state >= 2 && p !== undefined) {
        p.status = 'Running';
        p.m = i;
        m.p = p.id;
        if (state >= 4) m.g = this.newG('Running', i).id;
      }
    }
    for (let n = t.int(5); n > 0; n--) this.newG(t.chance(50) ? 'Runnable' : 'Waiting', -1);
    for (const g of this.gs.values()) {
      for (let n = t.int(3); n > 0; n--) g.preRegions.push({ task: t.chance(50) ? 0 : 900 + t.int(3), name: REGION_NAMES[t.int(REGION_NAMES.length)]! });
      g.assist = g.status !== 'Syscall' && t.chance(20);
    }
    // Procs of the first generation may be sweeping when the trace starts (a later one cannot: it is new).
    for (const p of this.ps) p.sweep = p.from === 0 && t.chance(15);
    for (let n = t.int(3); n > 0; n--) this.unknownTasks.push(1000 + n);
    // A GC cycle already running when the trace starts, stated by GCActive (on a running goroutine) at once.
    if (t.chance(30) && this.ms.some((m) => m.g >= 0 && m.sys === 'no')) this.gc.running = true;
  }

  private newG(status: GStatus, m: number): G {
    const g: G = { id: this.nextG++, status, m, seq: 0, traced: false, known: false, regions: [], preRegions: [], assist: false, stw: undefined, cgo: false };
    this.gs.set(g.id, g);
    return g;
  }

  // -- Emitting --

  private bump(key: string): void {
    this.ver.set(key, (this.ver.get(key) ?? 0) + 1);
  }

  private version(key: string): number {
    return this.ver.get(key) ?? 0;
  }

  /** The context the reader gives the next event of a lane: the goroutine and proc it knows the thread holds. */
  private ctx(lane: number): { g: number; p: number; m: number } {
    if (lane === this.nt) return { g: -1, p: -1, m: -1 };
    const m = this.ms[lane]!;
    return { g: m.vis.g, p: m.vis.p, m: m.id };
  }

  /** A predicted event of `lane` (its time is filled in later). */
  private v(lane: number, fields: Fields, stack = 0, ctx = this.ctx(lane)): NormEvent {
    return { ...fields, time: 0, ...ctx, stack: stackFrames(stack) };
  }

  private emit(lane: number, type: number, args: ArgValue[], views: NormEvent[], opts: EmitOptions = {}): void {
    const g = opts.gate;
    const gate = g === undefined ? undefined : typeof g === 'string' ? { key: g, ver: this.version(g) } : g;
    const ctxs = opts.ctxs ?? views.map((): CtxSpec => ({ kind: 'lane' }));
    const e: ModelEvent = { lane, step: this.step++, type, args, views, ctxs, effects: [], gate, touches: opts.touches ?? [], time: 0, raw: 0, after: [], task: opts.task };
    this.last = e;
    for (const key of [...e.touches, ...(opts.rel ?? [])]) {
      const a = this.activeAt.get(key);
      if (a !== undefined && a.lane !== lane) e.after.push(a);
    }
    if (opts.active !== undefined) this.activeAt.set(opts.active, e);
    this.lanes[lane]!.push(e);
    for (const key of opts.touches ?? []) this.bump(key);
    if (lane !== this.nt) this.ms[lane]!.known = true;
  }

  /** What the event just emitted tells the reader about a thread's goroutine or proc. */
  private setVis(lane: number, change: { g?: number; p?: number }): void {
    Object.assign(this.ms[lane]!.vis, change);
    this.last!.effects.push({ lane, ...change });
  }

  /** One event with one view in the lane's context. */
  private emit1(lane: number, type: number, args: ArgValue[], fields: Fields, stack = 0, opts: EmitOptions = {}): void {
    this.emit(lane, type, args, [this.v(lane, fields, stack)], opts);
  }

  private str(s: string): number {
    if (s === '') return 0;
    const id = this.strIds.get(s);
    if (id === undefined) throw modelBug(`string ${s} is not in the pool`);
    return id;
  }

  private stackId(idx: number): number {
    return idx === 0 ? 0 : this.stackIds[idx - 1]!;
  }

  /**
   * A ProcStatus (and GCSweepActive when the proc sweeps). `written` SyscallAbandoned for a proc in a syscall
   * is what a thread about to steal it writes: the reader keeps it in the syscall and shows the event on the
   * thread that holds it.
   */
  private procStatus(lane: number, p: P, written: PStatus = p.status): void {
    let to = PROC_STATE[written];
    let from: ProcState = to;
    let ctx = this.ctx(lane);
    let spec: CtxSpec = { kind: 'lane' };
    if (!p.known) {
      from = this.k === 0 ? 'Undetermined' : 'NotExist';
      p.stored = written;
    } else if (written === 'Abandoned' && p.stored === 'Syscall') {
      const holder = this.ms.filter((m) => m.vis.p === p.id).at(-1);
      if (holder === undefined) throw modelBug(`no thread holds proc ${p.id} in a syscall`);
      from = 'Running';
      to = 'Running';
      ctx = { g: holder.vis.g, p: p.id, m: holder.id };
      spec = { kind: 'holder', p: p.id };
    } else if (written === 'Abandoned' && p.stored === 'Abandoned') {
      from = 'Idle';
      to = 'Idle';
    } else if (p.stored !== written) {
      throw modelBug(`proc ${p.id} stated ${written} while the reader holds ${String(p.stored)}`);
    }
    this.emit(lane, T.ProcStatus, [p.id, PROC_WIRE[written]], [this.v(lane, procT(p.id, from, to), 0, ctx)], { touches: [`p${p.id}`], ctxs: [spec] });
    p.known = true;
    p.traced = true;
    p.seq = 0;
    if (lane !== this.nt && (written === 'Running' || written === 'Syscall')) this.setVis(lane, { p: p.id });
    if (p.sweep) this.emit1(lane, T.GCSweepActive, [p.id], range('RangeActive', SWEEP_RANGE, { kind: 'Proc', id: p.id }), 0, { active: `p${p.id}` });
  }

  /**
   * A GoStatus (GoStatusStack with a stack) and GCMarkAssistActive when the goroutine assists. A goroutine in
   * a syscall stated from another lane (the batch of no thread) shows on its thread, which it binds.
   */
  private goStatus(lane: number, g: G, mid: ArgValue, stack = 0): void {
    const to: GoState = g.status;
    const from: GoState = g.known ? to : 'Undetermined';
    const withStack = stack !== 0 && this.go123;
    const args: ArgValue[] = [g.id, mid, GO_WIRE[g.status]];
    if (withStack) args.push(this.stackId(stack));
    const s = withStack ? stack : 0;
    let ctx = this.ctx(lane);
    let spec: CtxSpec = { kind: 'lane' };
    let bind: number | undefined;
    if (g.status === 'Syscall') {
      const victim = this.ms[g.m]!;
      if (lane !== g.m) {
        if (victim.known && victim.vis.g !== g.id) throw modelBug(`thread ${victim.id} is not known to hold goroutine ${g.id}`);
        ctx = { g: victim.vis.g, p: ctx.p, m: victim.id };
        spec = { kind: 'bare', victim: g.m };
      } else if (this.k !== 0 && victim.vis.g !== g.id) {
        throw modelBug(`thread ${victim.id} states goroutine ${g.id} in a syscall but is known to hold ${victim.vis.g}`);
      }
      bind = g.m;
    } else if (g.status === 'Running' && lane !== this.nt) {
      bind = lane;
    }
    this.emit(lane, withStack ? T.GoStatusStack : T.GoStatus, args, [this.v(lane, goT(g.id, from, to, '', s), s, ctx)], { touches: [`g${g.id}`], ctxs: [spec] });
    if (bind !== undefined) {
      this.setVis(bind, { g: g.id });
      this.ms[bind]!.known = true;
    }
    g.known = true;
    g.traced = true;
    g.seq = 0;
    if (g.assist) this.emit1(lane, T.GCMarkAssistActive, [g.id], range('RangeActive', ASSIST_RANGE, { kind: 'Goroutine', id: g.id }), 0, { active: `g${g.id}` });
  }

  /** What the runtime's event writer does first: state the thread's proc and goroutine if not yet stated. */
  private prefix(i: number): void {
    const m = this.ms[i]!;
    if (m.p >= 0) {
      const p = this.ps[m.p]!;
      if (!p.traced) this.procStatus(i, p);
    }
    if (m.g >= 0) {
      const g = this.gs.get(m.g)!;
      if (!g.traced) this.goStatus(i, g, m.id);
    }
  }

  // -- Generations --

  generation(k: number, plan: GenerationPlan): void {
    this.k = k;
    this.lanes = Array.from({ length: this.nM + 1 }, () => []);
    this.activeAt = new Map();
    const t = new Tape(plan.tables);
    // Per-generation tables: every pool string and stack, under IDs that change from one generation to the next.
    this.strIds = new Map(shuffle(POOL_STRINGS.map((_, i) => i), t).map((j, i) => [POOL_STRINGS[j]!, i + 1]));
    this.stackIds = shuffle(STACKS.map((_, i) => i + 1), t);
    for (const g of this.gs.values()) g.traced = false;
    for (const p of this.ps) p.traced = false;
    // A steal of an earlier generation is out before this one starts: nothing waits for it.
    for (const m of this.ms) m.sysGate = undefined;
    // Every running proc is stated at the start (the runtime's forEachP); some idle ones too, on some thread.
    for (const [i, m] of this.ms.entries()) if (m.p >= 0 && m.sys === 'no') this.procStatus(i, this.ps[m.p]!);
    for (const p of this.ps) {
      if (p.from <= k && p.status === 'Idle' && t.chance(50)) this.procStatus(this.pick(t, this.freeLanes()), p);
    }
    if (this.gc.running) {
      const i = this.ms.findIndex((m) => m.g >= 0 && m.sys === 'no');
      if (i >= 0) this.gcEvent(i, T.GCActive);
    }
    for (const s of plan.steps) this.act(s);
    this.windDown(new Tape(plan.end));
    this.gens.push(this.layout(plan));
  }

  /** Threads not in a syscall (which can write events for others), and the batch of no thread. */
  private freeLanes(): number[] {
    return [...this.ms.keys(), this.nt].filter((i) => i === this.nt || this.ms[i]!.sys === 'no');
  }

  private pick<X>(t: Tape, xs: readonly X[]): X {
    return xs[t.int(xs.length)]!;
  }

  /**
   * The end of a generation: stop-the-worlds end; a syscall ends or goes on into the next generation (its
   * proc, if nothing stated it, stolen as the runtime's forEachP does); procs and goroutines nothing stated
   * are stated (a running goroutine by its thread, the others in the batch of no thread).
   */
  private windDown(t: Tape): void {
    for (const [i, m] of this.ms.entries()) {
      const g = m.g >= 0 ? this.gs.get(m.g) : undefined;
      if (g?.stw !== undefined && m.sys === 'no') this.stwEnd(i);
    }
    for (const [i, m] of this.ms.entries()) {
      if (m.sys === 'withP' && !this.ps[m.p]!.traced) {
        const stealers = this.ms.map((_, j) => j).filter((j) => this.ms[j]!.sys === 'no');
        if (stealers.length > 0 && t.chance(60)) this.steal(this.pick(t, stealers), this.ps[m.p]!);
        else this.syscallEnd(i);
      }
      if (m.sys !== 'no' && t.chance(30)) {
        if (m.sys === 'withP') this.syscallEnd(i);
        else this.syscallEndBlocked(i);
      }
    }
    for (const p of this.ps) {
      if (p.from > this.k || p.traced) continue;
      if (p.status === 'Abandoned') {
        const stealers = this.ms.map((_, j) => j).filter((j) => this.ms[j]!.sys === 'no');
        if (stealers.length > 0 && t.chance(50)) this.steal(this.pick(t, stealers), p);
        else this.procStatus(this.pick(t, this.freeLanes()), p);
      } else if (p.status === 'Idle') {
        this.procStatus(this.pick(t, this.freeLanes()), p);
      } else {
        throw modelBug(`proc ${p.id} (${p.status}) was not stated in generation ${this.k}`);
      }
    }
    for (const g of [...this.gs.values()].sort((a, b) => a.id - b.id)) {
      if (g.traced) continue;
      if (g.status === 'Running') this.goStatus(g.m, g, this.ms[g.m]!.id);
      else if (g.status === 'Syscall') this.goStatus(this.nt, g, this.ms[g.m]!.id, t.int(STACKS.length + 1));
      else this.goStatus(this.nt, g, U64_MAX, t.int(STACKS.length + 1));
    }
  }

  // -- Steps --

  private act(s: StepPlan): void {
    const i = s.m % this.nM;
    const m = this.ms[i]!;
    const acts: (() => void)[] = [];
    const g = m.g >= 0 ? this.gs.get(m.g) : undefined;
    const waiting = this.goroutines('Waiting').filter((w) => w !== g);
    const stealable = this.ps.filter((p) => p.status === 'Abandoned' || (p.status === 'Syscall' && p.m !== i));
    const steal = () => this.steal(i, stealable[s.x % stealable.length]!);
    const unblock = () => this.unblock(i, waiting[s.x % waiting.length]!, s.y);
    const stay = () => undefined;
    const noRanges = g !== undefined && !g.assist && g.stw === undefined;
    if (m.sys === 'withP') {
      // Staying in the syscall (doing nothing) leaves time for another thread to steal the proc; more so when
      // the syscall began in an earlier generation (so the proc's status is the stealer's to write).
      acts.push(() => this.syscallEnd(i), stay, stay, stay);
      if (!this.ps[m.p]!.traced) acts.push(stay, stay, stay, stay);
      if (this.ps[m.p]!.traced) acts.push(() => this.syscallHandoff(i));
      if (g?.cgo === true && noRanges) acts.push(() => this.destroySyscall(i));
    } else if (m.sys === 'lostP') {
      acts.push(() => this.syscallEndBlocked(i), stay, stay);
      // Not while the reader may still think the thread holds the proc another thread stole in this generation:
      // GoDestroySyscall does not wait for the steal, and would abandon the proc first.
      if (g?.cgo === true && noRanges && m.sysGate === undefined) acts.push(() => this.destroySyscall(i));
    } else if (m.p < 0) {
      const idle = this.ps.filter((p) => p.from <= this.k && p.status === 'Idle');
      if (idle.length > 0) acts.push(() => this.procStart(i, idle[s.x % idle.length]!));
      if (stealable.length > 0) acts.push(steal, steal);
      if (waiting.length > 0) acts.push(unblock);
      // Now and then a cgo callback on the idle thread (more often, and idle threads would do little else).
      if (s.z % 4 === 0) acts.push(() => this.createSyscall(i));
      if (acts.length === 0) acts.push(stay);
    } else if (g === undefined) {
      const runnable = this.goroutines('Runnable');
      if (runnable.length > 0) acts.push(() => this.goStart(i, runnable[s.x % runnable.length]!), () => this.goStart(i, runnable[s.y % runnable.length]!));
      acts.push(() => this.procStop(i), () => this.create(i, s), () => this.metric(i, s), () => this.sweep(i, s));
      if (waiting.length > 0) acts.push(unblock);
      if (stealable.length > 0) acts.push(steal, steal);
    } else if (g.stw !== undefined) {
      acts.push(() => this.stwEnd(i), () => this.stwEnd(i), () => this.metric(i, s), () => this.annotation(i, s));
    } else {
      acts.push(
        () => this.goStopExec(i, T.GoStop, s),
        () => this.goStopExec(i, T.GoBlock, s),
        () => this.goStopExec(i, T.GoBlock, s),
        () => this.create(i, s),
        () => this.syscallBegin(i, s),
        () => this.syscallBegin(i, s),
        () => this.metric(i, s),
        () => this.annotation(i, s),
        () => this.taskBegin(i, s),
        () => this.taskEnd(i, s),
        () => this.regionBegin(i, s),
        () => this.regionEnd(i, s),
        () => this.regionEnd(i, s),
        () => this.stwBegin(i, s),
        () => this.assist(i, s),
        () => this.sweep(i, s),
      );
      if (noRanges) acts.push(() => this.goStopExec(i, T.GoDestroy, s));
      if (waiting.length > 0) acts.push(unblock);
      if (waiting.length > 0 && this.go123) {
        acts.push(() => this.goSwitch(i, waiting[s.x % waiting.length]!, false));
        if (noRanges) acts.push(() => this.goSwitch(i, waiting[s.y % waiting.length]!, true));
      }
      if (stealable.length > 0) acts.push(steal, steal);
      if (this.gc.running) acts.push(() => this.gcEvent(i, T.GCEnd, s.y % (STACKS.length + 1)));
      // While the reader does not know the GC's sequence number, the first GC event it sees sets it: so the
      // generation of the first GC event has only one cycle start.
      else if (this.gc.firstGen < 0 || this.gc.firstGen !== this.k) acts.push(() => this.gcEvent(i, T.GCBegin, s.y % (STACKS.length + 1)));
    }
    acts[s.action % acts.length]!();
  }

  private goroutines(status: GStatus): G[] {
    return [...this.gs.values()].filter((g) => g.status === status).sort((a, b) => a.id - b.id);
  }

  private procStart(i: number, p: P): void {
    const m = this.ms[i]!;
    if (!p.traced) this.procStatus(i, p);
    p.seq++;
    this.emit1(i, T.ProcStart, [p.id, p.seq], procT(p.id, 'Idle', 'Running'), 0, { gate: `p${p.id}`, touches: [`p${p.id}`] });
    p.status = 'Running';
    p.stored = 'Running';
    p.m = i;
    m.p = p.id;
    this.setVis(i, { p: p.id });
  }

  private procStop(i: number): void {
    const m = this.ms[i]!;
    const p = this.ps[m.p]!;
    this.prefix(i);
    this.emit1(i, T.ProcStop, [], procT(p.id, 'Running', 'Idle'), 0, { touches: [`p${p.id}`] });
    p.status = 'Idle';
    p.stored = 'Idle';
    p.m = -1;
    p.lastM = m.id;
    m.p = -1;
    this.setVis(i, { p: -1 });
  }

  /**
   * Takes a proc left in a syscall: from a thread in one (which then finds it gone when the syscall ends), or
   * an abandoned one. A proc not stated in this generation is stated SyscallAbandoned first, as the runtime does.
   */
  private steal(i: number, p: P): void {
    const victimLane = p.status === 'Syscall' ? p.m : -1;
    this.prefix(i);
    if (!p.traced) this.procStatus(i, p, 'Abandoned');
    p.seq++;
    const fromAbandoned = p.stored === 'Abandoned';
    const victimId = victimLane >= 0 ? this.ms[victimLane]!.id : p.lastM;
    this.emit1(i, T.ProcSteal, [p.id, p.seq, victimId], procT(p.id, fromAbandoned ? 'Idle' : 'Running', 'Idle'), 0, {
      gate: `p${p.id}`,
      touches: [`p${p.id}`],
    });
    if (victimLane >= 0) {
      const victim = this.ms[victimLane]!;
      if (!fromAbandoned) {
        // The reader takes the proc from the thread it knows holds it; its GoSyscallEndBlocked waits for that.
        if (victim.vis.p !== p.id) throw modelBug(`thread ${victim.id} is not known to hold proc ${p.id}`);
        this.setVis(victimLane, { p: -1 });
        victim.sysGate = { key: `p${p.id}`, ver: this.version(`p${p.id}`) };
      } else {
        // Stolen while abandoned: the reader leaves the threads alone (and never knew this one held it).
        victim.sysGate = undefined;
      }
      victim.p = -1;
      victim.sys = 'lostP';
    }
    p.status = 'Idle';
    p.stored = 'Idle';
    p.m = -1;
    p.lastM = victimId;
  }

  private goStart(i: number, g: G): void {
    const m = this.ms[i]!;
    this.prefix(i);
    // The runtime's writer states the goroutine being started (it is the thread's goroutine by then).
    if (!g.traced) this.goStatus(i, g, m.id);
    g.seq++;
    this.emit1(i, T.GoStart, [g.id, g.seq], goT(g.id, 'Runnable', 'Running'), 0, { gate: `g${g.id}`, touches: [`g${g.id}`] });
    g.status = 'Running';
    g.m = i;
    m.g = g.id;
    this.setVis(i, { g: g.id });
  }

  private goStopExec(i: number, type: number, s: StepPlan): void {
    const m = this.ms[i]!;
    const g = this.gs.get(m.g)!;
    this.prefix(i);
    if (type === T.GoDestroy) {
      this.emit1(i, type, [], goT(g.id, 'Running', 'NotExist'), 0, { touches: [`g${g.id}`] });
      this.gs.delete(g.id);
    } else {
      const reason = REASONS[s.x % REASONS.length]!;
      const stack = s.y % (STACKS.length + 1);
      const to: GStatus = type === T.GoStop ? 'Runnable' : 'Waiting';
      this.emit1(i, type, [this.str(reason), this.stackId(stack)], goT(g.id, 'Running', to, reason, stack), stack, { touches: [`g${g.id}`] });
      g.status = to;
      g.m = -1;
    }
    m.g = -1;
    this.setVis(i, { g: -1 });
  }

  private create(i: number, s: StepPlan): void {
    this.prefix(i);
    const blocked = this.go123 && s.z % 3 === 0;
    const g = this.newG(blocked ? 'Waiting' : 'Runnable', -1);
    // A new goroutine's status counts as written (the runtime marks it so).
    g.traced = true;
    g.known = true;
    const newStack = s.x % (STACKS.length + 1);
    const stack = s.y % (STACKS.length + 1);
    this.emit1(i, blocked ? T.GoCreateBlocked : T.GoCreate, [g.id, this.stackId(newStack), this.stackId(stack)], goT(g.id, 'NotExist', g.status, '', newStack), stack, {
      touches: [`g${g.id}`],
    });
  }

  /** The status of a goroutine about to be unblocked, as the runtime writes it (no thread). */
  private unblockStatus(i: number, g: G): void {
    if (!g.traced) this.goStatus(i, g, U64_MAX);
  }

  private unblock(i: number, g: G, stackChoice: number): void {
    this.prefix(i);
    this.unblockStatus(i, g);
    g.seq++;
    const stack = stackChoice % (STACKS.length + 1);
    this.emit1(i, T.GoUnblock, [g.id, g.seq, this.stackId(stack)], goT(g.id, 'Waiting', 'Runnable'), stack, { gate: `g${g.id}`, touches: [`g${g.id}`] });
    g.status = 'Runnable';
  }

  /** A coroutine switch: the reader shows it as an unblock, a block (or end) of the current goroutine, a start. */
  private goSwitch(i: number, next: G, destroy: boolean): void {
    const m = this.ms[i]!;
    const cur = this.gs.get(m.g)!;
    this.prefix(i);
    this.unblockStatus(i, next);
    next.seq++;
    const ctx = this.ctx(i);
    const views = [
      this.v(i, goT(next.id, 'Waiting', 'Runnable'), 0, ctx),
      this.v(i, destroy ? goT(cur.id, 'Running', 'NotExist') : goT(cur.id, 'Running', 'Waiting'), 0, ctx),
      this.v(i, goT(next.id, 'Runnable', 'Running'), 0, { ...ctx, g: -1 }),
    ];
    const ctxs: CtxSpec[] = [{ kind: 'lane' }, { kind: 'lane' }, { kind: 'lane', noG: true }];
    this.emit(i, destroy ? T.GoSwitchDestroy : T.GoSwitch, [next.id, next.seq], views, { gate: `g${next.id}`, touches: [`g${next.id}`, `g${cur.id}`], ctxs });
    if (destroy) this.gs.delete(cur.id);
    else {
      cur.status = 'Waiting';
      cur.m = -1;
    }
    next.status = 'Running';
    next.m = i;
    m.g = next.id;
    this.setVis(i, { g: next.id });
  }

  private syscallBegin(i: number, s: StepPlan): void {
    const m = this.ms[i]!;
    const g = this.gs.get(m.g)!;
    const p = this.ps[m.p]!;
    this.prefix(i);
    p.seq++;
    const stack = s.x % (STACKS.length + 1);
    this.emit1(i, T.GoSyscallBegin, [p.seq, this.stackId(stack)], goT(g.id, 'Running', 'Syscall', '', stack), stack, { touches: [`g${g.id}`, `p${p.id}`] });
    g.status = 'Syscall';
    p.status = 'Syscall';
    p.stored = 'Syscall';
    m.sys = 'withP';
    m.sysGate = undefined;
  }

  private syscallEnd(i: number): void {
    const m = this.ms[i]!;
    const g = this.gs.get(m.g)!;
    const p = this.ps[m.p]!;
    // A syscall begun in an earlier generation: its thread states its proc and goroutine first.
    this.prefix(i);
    if (p.stored !== 'Syscall') throw modelBug(`proc ${p.id} ends a syscall in state ${String(p.stored)}`);
    this.emit1(i, T.GoSyscallEnd, [], goT(g.id, 'Syscall', 'Running'), 0, { touches: [`g${g.id}`, `p${p.id}`] });
    g.status = 'Running';
    p.status = 'Running';
    p.stored = 'Running';
    m.sys = 'no';
  }

  /** The thread gives its proc up during a blocking syscall (the runtime's entersyscallblock). */
  private syscallHandoff(i: number): void {
    const m = this.ms[i]!;
    const p = this.ps[m.p]!;
    this.emit1(i, T.ProcStop, [], procT(p.id, 'Running', 'Idle'), 0, { touches: [`p${p.id}`] });
    p.status = 'Idle';
    p.stored = 'Idle';
    p.m = -1;
    p.lastM = m.id;
    m.p = -1;
    this.setVis(i, { p: -1 });
    m.sys = 'lostP';
    m.sysGate = undefined;
  }

  private syscallEndBlocked(i: number): void {
    const m = this.ms[i]!;
    const g = this.gs.get(m.g)!;
    this.prefix(i);
    // Go's ordering lets it through once the thread is known to have lost its proc (stopped or stolen).
    this.emit1(i, T.GoSyscallEndBlocked, [], goT(g.id, 'Syscall', 'Runnable'), 0, { gate: m.sysGate, touches: [`g${g.id}`] });
    g.status = 'Runnable';
    g.m = -1;
    m.g = -1;
    this.setVis(i, { g: -1 });
    m.sys = 'no';
    m.sysGate = undefined;
  }

  /** A cgo callback on a thread with no proc: a goroutine appears, in a syscall. */
  private createSyscall(i: number): void {
    const m = this.ms[i]!;
    const g = this.newG('Syscall', i);
    g.cgo = true;
    g.traced = true;
    g.known = true;
    this.emit1(i, T.GoCreateSyscall, [g.id], goT(g.id, 'NotExist', 'Syscall'), 0, { touches: [`g${g.id}`] });
    m.g = g.id;
    this.setVis(i, { g: g.id });
    m.sys = 'lostP';
    m.sysGate = undefined;
  }

  /**
   * The end of a cgo callback's goroutine. A proc still attached is abandoned: the reader shows a ProcSteal of
   * it by its own thread first, and the proc waits in the syscall for a thread to steal it.
   */
  private destroySyscall(i: number): void {
    const m = this.ms[i]!;
    const g = this.gs.get(m.g)!;
    if (!g.traced) this.goStatus(i, g, m.id);
    const ctx = this.ctx(i);
    const views: NormEvent[] = [];
    const touches = [`g${g.id}`];
    if (m.sys === 'withP') {
      const p = this.ps[m.p]!;
      if (p.stored !== 'Syscall' || ctx.p !== p.id) throw modelBug(`cgo goroutine ${g.id} ends with proc ${p.id} not known in a syscall`);
      views.push(this.v(i, procT(p.id, 'Running', 'Idle'), 0, ctx));
      touches.push(`p${p.id}`);
      p.status = 'Abandoned';
      p.stored = 'Abandoned';
      p.m = -1;
      p.lastM = m.id;
    }
    views.push(this.v(i, goT(g.id, 'Syscall', 'NotExist'), 0, ctx));
    // Nothing waits for the proc to be abandoned (a steal waits only for the syscall): like an Active event, it
    // must be stamped before the proc's next event on another thread.
    this.emit(i, T.GoDestroySyscall, [], views, { touches, active: m.sys === 'withP' ? `p${m.p}` : undefined });
    this.gs.delete(g.id);
    m.g = -1;
    m.p = -1;
    this.setVis(i, { g: -1, p: -1 });
    m.sys = 'no';
  }

  private metric(i: number, s: StepPlan): void {
    this.prefix(i);
    const value: ArgValue = s.y % 5 === 0 ? 2n ** 53n + BigInt(s.x) * 2n ** 40n : s.x * 4096 + s.z;
    if (s.z % 2 === 0) this.emit1(i, T.HeapAlloc, [value], { kind: 'Metric', name: '/memory/classes/heap/objects:bytes', value });
    else this.emit1(i, T.HeapGoal, [value], { kind: 'Metric', name: '/gc/heap/goal:bytes', value });
  }

  private annotation(i: number, s: StepPlan): void {
    const m = this.ms[i]!;
    this.prefix(i);
    if (s.x % 2 === 0) {
      const label = LABELS[s.y % LABELS.length]!;
      this.emit1(i, T.GoLabel, [this.str(label)], { kind: 'Label', label, resource: { kind: 'Goroutine', id: m.g } });
    } else {
      const procs = 1 + (s.y % 64);
      const stack = s.z % (STACKS.length + 1);
      this.emit1(i, T.ProcsChange, [procs, this.stackId(stack)], { kind: 'Metric', name: '/sched/gomaxprocs:threads', value: procs }, stack);
    }
  }

  private taskBegin(i: number, s: StepPlan): void {
    this.prefix(i);
    const id = this.nextTask++;
    const active = [...this.tasks.keys()];
    // On the wire a parent of 0 means none; the reader shows NoTask.
    const parentWire = s.x % 3 === 0 || active.length === 0 ? 0 : active[s.x % active.length]!;
    const name = TASK_NAMES[s.y % TASK_NAMES.length]!;
    const stack = s.z % (STACKS.length + 1);
    const parent = parentWire === 0 ? NO_TASK : parentWire;
    this.emit1(i, T.UserTaskBegin, [id, parentWire, this.str(name), this.stackId(stack)], { kind: 'TaskBegin', id, parent, type: name }, stack, {
      task: { begin: true, id },
    });
    this.tasks.set(id, { name, parent });
  }

  private taskEnd(i: number, s: StepPlan): void {
    const all = [...this.tasks.keys(), ...this.unknownTasks];
    if (all.length === 0) return;
    this.prefix(i);
    const id = all[s.x % all.length]!;
    const stack = s.y % (STACKS.length + 1);
    // Parent and type are filled in the reader's order (see `order`).
    this.emit1(i, T.UserTaskEnd, [id, this.stackId(stack)], { kind: 'TaskEnd', id }, stack, { task: { begin: false, id } });
    if (this.tasks.delete(id)) this.unknownTasks.push(id);
  }

  private regionBegin(i: number, s: StepPlan): void {
    const m = this.ms[i]!;
    const g = this.gs.get(m.g)!;
    this.prefix(i);
    if (s.z % 3 === 0) {
      // A log instead: the same context rules, three strings.
      const key = LOG_KEYS[s.x % LOG_KEYS.length]!;
      const msg = LOG_VALUES[s.y % LOG_VALUES.length]!;
      const task = this.someTask(s.y);
      this.emit1(i, T.UserLog, [task, this.str(key), this.str(msg), 0], { kind: 'Log', task, category: key, message: msg });
      return;
    }
    const r: Region = { task: this.someTask(s.x), name: REGION_NAMES[s.y % REGION_NAMES.length]! };
    const stack = s.z % (STACKS.length + 1);
    this.emit1(i, T.UserRegionBegin, [r.task, this.str(r.name), this.stackId(stack)], { kind: 'RegionBegin', task: r.task, type: r.name }, stack);
    g.regions.push(r);
  }

  private regionEnd(i: number, s: StepPlan): void {
    const m = this.ms[i]!;
    const g = this.gs.get(m.g)!;
    // The innermost region begun in the trace; failing that, one begun before it (unchecked by the reader).
    const r = g.regions.length > 0 ? g.regions.pop() : g.preRegions.pop();
    if (r === undefined) return;
    this.prefix(i);
    const stack = s.x % (STACKS.length + 1);
    this.emit1(i, T.UserRegionEnd, [r.task, this.str(r.name), this.stackId(stack)], { kind: 'RegionEnd', task: r.task, type: r.name }, stack);
  }

  /** The background task (0), an active task or one the reader may not know. */
  private someTask(x: number): number {
    const ids = [0, ...this.tasks.keys(), ...this.unknownTasks];
    return ids[x % ids.length]!;
  }

  private stwBegin(i: number, s: StepPlan): void {
    const m = this.ms[i]!;
    const g = this.gs.get(m.g)!;
    this.prefix(i);
    const kind = STW_KINDS[s.x % STW_KINDS.length]!;
    const stack = s.y % (STACKS.length + 1);
    this.emit1(i, T.STWBegin, [this.str(kind), this.stackId(stack)], range('RangeBegin', `stop-the-world (${kind})`, { kind: 'Goroutine', id: g.id }), stack);
    g.stw = kind;
  }

  private stwEnd(i: number): void {
    const m = this.ms[i]!;
    const g = this.gs.get(m.g)!;
    this.prefix(i);
    this.emit1(i, T.STWEnd, [], range('RangeEnd', `stop-the-world (${g.stw!})`, { kind: 'Goroutine', id: g.id }));
    g.stw = undefined;
  }

  /** Begins or ends the running goroutine's mark assist. */
  private assist(i: number, s: StepPlan): void {
    const m = this.ms[i]!;
    const g = this.gs.get(m.g)!;
    this.prefix(i);
    const scope = { kind: 'Goroutine', id: g.id };
    const rel = [`g${g.id}`];
    if (g.assist) this.emit1(i, T.GCMarkAssistEnd, [], range('RangeEnd', ASSIST_RANGE, scope), 0, { rel });
    else {
      const stack = s.x % (STACKS.length + 1);
      this.emit1(i, T.GCMarkAssistBegin, [this.stackId(stack)], range('RangeBegin', ASSIST_RANGE, scope), stack, { rel });
    }
    g.assist = !g.assist;
  }

  /** Begins or ends the sweep of the thread's proc. */
  private sweep(i: number, s: StepPlan): void {
    const m = this.ms[i]!;
    const p = this.ps[m.p]!;
    this.prefix(i);
    const scope = { kind: 'Proc', id: p.id };
    if (p.sweep) {
      const swept = s.x * 8192;
      const reclaimed: ArgValue = s.y % 7 === 0 ? 2n ** 60n : s.y * 512;
      const attributes = [
        { name: 'bytes swept', value: swept },
        { name: 'bytes reclaimed', value: reclaimed },
      ];
      this.emit1(i, T.GCSweepEnd, [swept, reclaimed], range('RangeEnd', SWEEP_RANGE, scope, attributes), 0, { rel: [`p${p.id}`] });
    } else {
      const stack = s.x % (STACKS.length + 1);
      this.emit1(i, T.GCSweepBegin, [this.stackId(stack)], range('RangeBegin', SWEEP_RANGE, scope), stack, { rel: [`p${p.id}`] });
    }
    p.sweep = !p.sweep;
  }

  private gcEvent(i: number, type: number, stack = 0): void {
    this.prefix(i);
    const seq = this.gc.seq++;
    if (this.gc.firstGen < 0) this.gc.firstGen = this.k;
    const scope = { kind: 'None' };
    const opts = { gate: 'gc', touches: ['gc'] };
    if (type === T.GCBegin) {
      this.emit1(i, type, [seq, this.stackId(stack)], range('RangeBegin', GC_RANGE, scope), stack, opts);
      this.gc.running = true;
    } else if (type === T.GCEnd) {
      this.emit1(i, type, [seq], range('RangeEnd', GC_RANGE, scope), 0, opts);
      this.gc.running = false;
    } else {
      this.emit1(i, type, [seq], range('RangeActive', GC_RANGE, scope), 0, opts);
    }
  }

  // -- Layout: times, batches, tables --

  private layout(plan: GenerationPlan): GenOut {
    const STEP = 16;
    /** Lanes: threads, then no thread; times are lane-distinct (time mod LANES = lane), samples use the last residue. */
    const LANES = 8;
    const firstStep = Math.min(...this.lanes.flatMap((l) => l.map((e) => e.step)), this.step);
    let maxT = this.genBase;
    const jitter = new Tape(plan.jitter);
    const t = new Tape(plan.batches);
    // In step order: each event after the one before it on its lane and after the Active events it follows.
    const prev = this.lanes.map(() => 0);
    for (const e of this.lanes.flat().sort((a, b) => a.step - b.step)) {
      const skew = plan.skew[e.lane] ?? 0;
      const wanted = this.genBase + (e.step - firstStep) * STEP + skew * STEP + jitter.int(STEP);
      e.raw = Math.max(prev[e.lane]! + 1, wanted, ...e.after.map((a) => a.raw + 1));
      prev[e.lane] = e.raw;
      maxT = Math.max(maxT, e.raw);
      e.time = e.raw * LANES + e.lane;
    }
    // Batches: each lane's events cut into 1–3 batches, interleaved in the file in any order but per lane.
    const laneBatches: EventBatchData[][] = [];
    for (const [lane, evs] of this.lanes.entries()) {
      const out: EventBatchData[] = [];
      if (evs.length > 0) {
        const cuts = [...new Set(Array.from({ length: t.int(3) }, () => 1 + t.int(evs.length)))].filter((c) => c < evs.length).sort((a, b) => a - b);
        let start = 0;
        for (const end of [...cuts, evs.length]) {
          const part = evs.slice(start, end);
          start = end;
          const base = Math.max(1, part[0]!.time - t.int(40));
          let last = base;
          const events: RawEvent[] = part.map((e) => {
            const dt = e.time - last;
            last = e.time;
            return { type: e.type, args: [dt, ...e.args], data: undefined, offset: 0, varintWidths: undefined };
          });
          const m: ArgValue = lane === this.nt ? U64_MAX : this.ms[lane]!.id;
          out.push({ m, time: base, events });
        }
      }
      laneBatches.push(out);
    }
    const batches: EventBatchData[] = [];
    for (;;) {
      const open = laneBatches.filter((l) => l.length > 0);
      if (open.length === 0) break;
      batches.push(open[t.int(open.length)]!.shift()!);
    }
    // CPU samples: distinct times between the events, any context.
    const samples: ModelSample[] = [];
    const span = Math.max(1, maxT - this.genBase);
    const sampleTimes = new Set<number>();
    for (const [time, mc, pc, gc, sc] of plan.samples) {
      const at = (this.genBase + (time % (span + 20))) * LANES + LANES - 1;
      if (sampleTimes.has(at)) continue;
      sampleTimes.add(at);
      const m = this.ms[mc % this.nM]!;
      const pChoice = pc % (this.ps.length + 1);
      const gChoice = gc % this.nextG;
      const stack = sc % (STACKS.length + 1);
      const p: ArgValue = pChoice === this.ps.length ? U64_MAX : pChoice;
      const data: CPUSampleData = { time: at, m: m.id, p, g: gChoice, stack: this.stackId(stack) };
      const view: NormEvent = { kind: 'StackSample', time: at, g: gChoice === 0 ? -1 : gChoice, p: pChoice === this.ps.length ? -1 : pChoice, m: m.id, stack: stackFrames(stack) };
      samples.push({ data, view });
    }
    // The reader sorts samples by time (they are distinct).
    samples.sort((a, b) => a.data.time - b.data.time);
    const minBase = Math.min(...batches.map((b) => b.time), this.genBase * LANES);
    const [tc, cc, nsec] = plan.clock;
    const tableTime = Math.max(1, minBase - 100 + (tc % 300));
    const clockTime = this.genBase * LANES + (cc % 50);
    const clockSnapshot = this.modern ? { time: clockTime, mono: 5_000_000 + this.genBase + this.k, sec: 1_700_000_000 + this.k, nsec: nsec * 15_000 } : undefined;
    // The encoder writes the sync and table batches at the generation's earliest time, which the reader takes as its start.
    const syncTime = Math.min(tableTime, ...batches.map((b) => b.time), clockSnapshot?.time ?? Infinity);
    const strings = new Map<number, string>([...this.strIds].map(([s, id]) => [id, s]));
    const stacks = new Map<number, StackFrameData[]>();
    for (const [idx, frames] of STACKS.entries()) {
      stacks.set(
        this.stackIds[idx]!,
        frames.map((fi) => {
          const f = FRAMES[fi]!;
          return { pc: f.pc, funcId: this.strIds.get(f.func)!, fileId: this.strIds.get(f.file)!, line: f.line };
        }),
      );
    }
    const data: GenerationData = {
      gen: 0,
      strings,
      stacks,
      cpuSamples: samples.map((s) => s.data),
      frequency: 1e9,
      clockSnapshot,
      experimentalBatches: [],
      batches,
      tableTime,
    };
    const clock = clockSnapshot === undefined ? undefined : { trace: clockSnapshot.time, mono: clockSnapshot.mono, wallSec: clockSnapshot.sec, wallNsec: clockSnapshot.nsec };
    this.genBase = maxT + 100;
    return { lanes: this.lanes, samples, data, syncTime, clock };
  }
}

function shuffle<X>(xs: X[], t: Tape): X[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = t.int(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

function viewKey(e: NormEvent): string {
  if (e.kind !== 'StateTransition') return e.kind;
  return `${(e.resource as { kind: string }).kind} ${String(e.from)}->${String(e.to)}`;
}

/** What the reader knows across generations, as the prediction goes. */
interface ReaderState {
  /** Versions of resources (how many of their events are out). */
  ver: Map<string, number>;
  /** Tasks whose beginning is out. */
  tasks: Map<number, { parent: number; type: string }>;
  /** Per thread lane: the goroutine and proc the reader knows it holds. */
  threads: { g: number; p: number }[];
  /** Thread IDs by lane. */
  ids: number[];
}

function contextOf(lane: number, spec: CtxSpec, threads: { g: number; p: number }[], nt: number, ids: number[]): { g: number; p: number; m: number } {
  const here = lane === nt ? { g: -1, p: -1 } : threads[lane]!;
  switch (spec.kind) {
    case 'lane':
      return lane === nt ? { g: -1, p: -1, m: -1 } : { g: spec.noG === true ? -1 : here.g, p: here.p, m: ids[lane]! };
    case 'holder': {
      const holder = threads.map((t, i) => [t, i] as const).filter(([t]) => t.p === spec.p).at(-1);
      if (holder === undefined) throw modelBug(`no thread is known to hold proc ${spec.p}`);
      return { g: holder[0].g, p: spec.p, m: ids[holder[1]]! };
    }
    case 'bare':
      return { g: threads[spec.victim]!.g, p: here.p, m: ids[spec.victim]! };
  }
}

/**
 * The reader's order of one generation: at each turn a CPU sample comes first if it is earlier than every
 * thread's next event; else the earliest next event the ordering lets through (its gate is open).
 */
function order(gen: GenOut, r: ReaderState, stats: ModelStats): NormEvent[] {
  const { ver, tasks, threads } = r;
  const nt = gen.lanes.length - 1;
  const out: NormEvent[] = [];
  let latest = 0;
  const heads = gen.lanes.map(() => 0);
  let si = 0;
  for (;;) {
    const cands = gen.lanes
      .map((evs, lane) => evs[heads[lane]!])
      .filter((e): e is ModelEvent => e !== undefined)
      .sort((a, b) => a.time - b.time);
    const sample = gen.samples[si];
    if (sample !== undefined && (cands.length === 0 || sample.view.time < cands[0]!.time)) {
      out.push({ ...sample.view });
      stats.samples++;
      si++;
      continue;
    }
    if (cands.length === 0) break;
    const e = cands.find((c) => c.gate === undefined || (ver.get(c.gate.key) ?? 0) >= c.gate.ver);
    if (e === undefined) throw modelBug('no thread can advance');
    for (const key of e.touches) ver.set(key, (ver.get(key) ?? 0) + 1);
    heads[e.lane]!++;
    if (e.time < latest) stats.reordered++;
    latest = Math.max(latest, e.time);
    const name = WIRE_NAMES[e.type] ?? String(e.type);
    stats.wire[name] = (stats.wire[name] ?? 0) + 1;
    for (const [vi, v] of e.views.entries()) {
      const view: NormEvent = { ...v, time: e.time, ...contextOf(e.lane, e.ctxs[vi]!, threads, nt, r.ids) };
      if (e.task?.begin === true) tasks.set(e.task.id, { parent: view.parent as number, type: view.type as string });
      else if (e.task !== undefined) {
        // Ended: forgotten, so a second end shows neither parent nor type.
        const known = tasks.get(e.task.id);
        tasks.delete(e.task.id);
        view.parent = known?.parent ?? NO_TASK;
        view.type = known?.type ?? '';
      }
      const key = e.ctxs[vi]!.kind === 'lane' ? viewKey(view) : `${viewKey(view)} (context: ${e.ctxs[vi]!.kind})`;
      stats.views[key] = (stats.views[key] ?? 0) + 1;
      out.push(view);
    }
    for (const x of e.effects) {
      const th = threads[x.lane]!;
      if (x.g !== undefined) th.g = x.g;
      if (x.p !== undefined) th.p = x.p;
    }
  }
  return out;
}

/** Builds the trace of a plan and the events the reader must return for it. */
export function buildModelTrace(plan: ModelPlan): ModelTrace {
  const b = new Builder(plan);
  b.setup();
  plan.generations.forEach((g, k) => b.generation(k, g));
  const expected: NormEvent[] = [];
  const syncIndex: number[] = [];
  const r: ReaderState = { ver: new Map(), tasks: new Map(), threads: b.ms.map(() => ({ g: -1, p: -1 })), ids: b.ms.map((m) => m.id) };
  const stats: ModelStats = { reordered: 0, wire: {}, samples: 0, views: {} };
  const modern26 = compareWireVersions(plan.version, '1.26') >= 0;
  let gen = plan.firstGen;
  const generations: GenerationData[] = [];
  for (const [k, g] of b.gens.entries()) {
    if (k > 0) gen += modern26 ? (plan.genGaps[k - 1] ?? 1) : 1;
    generations.push({ ...g.data, gen });
    syncIndex.push(expected.length);
    expected.push({ kind: 'Sync', time: g.syncTime, g: -1, p: -1, m: -1, stack: [], n: k + 1, clock: g.clock, experiments: [] });
    expected.push(...order(g, r, stats));
  }
  expected.push(finalSync(b.gens.length + 1));
  fixTimes(expected, 0);
  return { version: plan.version, generations, expected, syncIndex, stats };
}

/** The Sync that ends a trace (its time is made the last time plus 1 by {@link fixTimes}). */
function finalSync(n: number): NormEvent {
  return { kind: 'Sync', time: 0, g: -1, p: -1, m: -1, stack: [], n, clock: undefined, experiments: undefined };
}

/**
 * The reader makes event times strictly increasing: an event no later than the one before it gets that
 * time plus 1 ns. (The final Sync carries the last time, so it gets the last time plus 1: predict it with time 0.)
 */
export function fixTimes(events: NormEvent[], from: number): void {
  let last = from > 0 ? events[from - 1]!.time : 0;
  for (let i = from; i < events.length; i++) {
    const e = events[i]!;
    if (e.time <= last) e.time = last + 1;
    last = e.time;
  }
}

/**
 * What the reader returns when the input ends inside generation `complete` (0-based: the generations before
 * it are complete) and `onTruncated` is `'stop'`: the events of the complete generations, then a final Sync.
 */
export function expectedUntil(t: ModelTrace, complete: number): NormEvent[] {
  const end = complete < t.syncIndex.length ? t.syncIndex[complete]! : t.expected.length - 1;
  const out = t.expected.slice(0, end).map((e) => ({ ...e }));
  out.push(finalSync(complete + 1));
  fixTimes(out, out.length - 1);
  return out;
}

/**
 * A model trace as text for a failure report: the trace in the text form of Go's trace tests, then the
 * events the reader must return, one per line.
 */
export function describeModelTrace(t: ModelTrace): string {
  const text = wireDumpText(encodeTrace(t.version, t.generations), { form: 'text' });
  const json = (e: NormEvent) => JSON.stringify(e, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  return `${text}\nexpected events:\n${t.expected.map(json).join('\n')}\n`;
}

/** Model traces, for fast-check; a counterexample prints as {@link describeModelTrace}. */
export function modelTrace(maxSteps = 40): fc.Arbitrary<ModelTrace> {
  return modelPlan(maxSteps).map((plan) => {
    const t = buildModelTrace(plan);
    Object.defineProperty(t, fc.toStringMethod, { value: () => describeModelTrace(t), enumerable: false });
    return t;
  });
}
