/**
 * A model of the Go scheduler that writes semantically valid execution traces, and predicts the events
 * Go's trace reader (golang.org/x/exp/trace, whose rules are those of Go's internal/trace/order.go and
 * event.go) returns for them. For the property tests of `readTrace`.
 *
 * The model runs a small program step by step: threads (Ms) take and release procs (Ps), goroutines are
 * created, started, stopped, blocked, unblocked from other threads, enter and leave syscalls (with their proc
 * handed off or stolen), end; running goroutines write metrics, labels, user tasks, regions and logs, and begin
 * and end GC cycles. Every step writes the wire events the runtime writes for it into the batch of the thread
 * that took it, in that thread's program order, statuses first as the runtime's event writer does: a proc's
 * or goroutine's first event of a generation is preceded by its ProcStatus or GoStatus; every running proc
 * is stated at each generation's start; goroutines no thread touched in a generation are stated at its end
 * in the batch of no thread (M = 2^64−1). Syscalls end before each generation boundary; GC cycles and running
 * goroutines cross boundaries.
 *
 * Timestamps follow the step order, skewed per thread, so a thread's events may carry times earlier than
 * the events of other threads that must precede them: the reader has to use the sequence numbers.
 *
 * From the same steps the model predicts each event as the reader shows it: kind, context (the goroutine
 * and proc the reader knows the thread to hold), state transition, names, stacks. The predicted order is
 * the reader's rule (x/exp/trace reader.go): the earliest next event of any thread among those the ordering
 * lets through now. An event waits ("gate") only where Go's ordering waits — GoStart, GoUnblock (goroutine
 * sequence), ProcStart, ProcSteal (proc sequence), GoSyscallEndBlocked (its proc gone), GC events (GC
 * sequence) — and then exactly until the events of that resource before it (in step order) are out; times are
 * then made strictly increasing as the reader makes them. Timestamps are distinct across threads, so no tie
 * decides the order.
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
const FILES = ['/src/main.go', '/go/src/runtime/proc.go', '/go/src/net/http/server.go'];
const POOL_STRINGS: readonly string[] = [
  ...new Set([...REASONS, ...TASK_NAMES, ...REGION_NAMES, ...LOG_KEYS, ...LOG_VALUES, ...LABELS, ...FUNCS, ...FILES]),
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
  /** Table IDs, which threads state idle procs, stacks of statuses. */
  tables: number[];
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
type PStatus = 'Running' | 'Idle' | 'Syscall';
/** Wire statuses (tracev2.GoStatus, tracev2.ProcStatus). */
const GO_WIRE: Record<GStatus, number> = { Runnable: 1, Running: 2, Syscall: 3, Waiting: 4 };
const PROC_WIRE: Record<PStatus, number> = { Running: 1, Idle: 2, Syscall: 3 };
/** How the reader shows a proc status: a proc in a syscall still runs. */
const PROC_STATE: Record<PStatus, ProcState> = { Running: 'Running', Idle: 'Idle', Syscall: 'Running' };

const GC_RANGE = 'GC concurrent mark phase';
const NO_TASK = -1;

interface Region {
  task: number;
  name: string;
}

interface G {
  id: number;
  status: GStatus;
  /** Thread index while Running or in a Syscall, else −1. */
  m: number;
  seq: number;
  /** Its status was written in the current generation. */
  traced: boolean;
  /** The reader has seen it (so a status reads as from its state, not from Undetermined). */
  known: boolean;
  regions: Region[];
  /** Regions begun before the trace: their ends are unchecked while no region begun in the trace is open. */
  preRegions: Region[];
}

interface P {
  id: number;
  status: PStatus;
  m: number;
  seq: number;
  traced: boolean;
  known: boolean;
  /** Index of the generation it first exists in (a later one: GOMAXPROCS grew). */
  from: number;
}

interface M {
  id: number;
  /** Proc held (id), −1 for none. */
  p: number;
  /** Goroutine running or in a syscall on it (id), −1 for none. */
  g: number;
  sys: 'no' | 'withP' | 'lostP';
  /** In a syscall: the proc it held when it entered, and that proc's version once it was lost. */
  sysP: number;
  sysGate: number;
  /** The goroutine and proc the reader knows this thread to hold (it learns them from the thread's events). */
  vis: { g: number; p: number };
}

/** One wire event the model wrote, with its predicted view. */
interface ModelEvent {
  lane: number;
  step: number;
  type: number;
  args: ArgValue[];
  view: NormEvent;
  /** The event waits until the resource's version reaches `ver` (all its earlier events are out). */
  gate: { key: string; ver: number } | undefined;
  touches: string[];
  time: number;
  /**
   * A task's beginning or end. Go's reader gives a TaskEnd the parent and type of the beginning it has seen
   * (none when the end comes first, which skewed clocks allow across threads): resolved in the reader's order.
   */
  task?: { begin: boolean; id: number } | undefined;
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
}

const U64_MAX = WIRE_NO_THREAD;
const WIRE_NAMES: readonly (string | undefined)[] = (() => {
  const names: (string | undefined)[] = [];
  for (const spec of ALL_EVENT_SPECS) names[spec.type] = spec.name;
  return names;
})();

class Builder {
  readonly nM: number;
  readonly noThreadLane: number;
  readonly ms: M[] = [];
  readonly ps: P[] = [];
  readonly gs = new Map<number, G>();
  readonly tasks = new Map<number, { name: string; parent: number }>();
  /** Task IDs whose beginning the reader does not know (begun before the trace, or ended already). */
  readonly unknownTasks: number[] = [];
  readonly gc = { running: false, seq: 1, firstGen: -1 };
  readonly ver = new Map<string, number>();
  nextG = 1;
  nextTask = 1;
  k = 0;
  step = 0;
  lanes: ModelEvent[][] = [];
  strIds = new Map<string, number>();
  stackIds: number[] = [];
  readonly gens: GenOut[] = [];
  private readonly modern: boolean;
  private readonly withStatusStacks: boolean;

  constructor(readonly plan: ModelPlan) {
    this.nM = plan.threads;
    this.noThreadLane = plan.threads;
    this.modern = compareWireVersions(plan.version, '1.25') >= 0;
    this.withStatusStacks = compareWireVersions(plan.version, '1.23') >= 0;
  }

  // -- Setup --

  setup(): void {
    const t = new Tape(this.plan.setup);
    const base = t.int(3);
    for (let i = 0; i < this.nM; i++) this.ms.push({ id: i * 3 + base, p: -1, g: -1, sys: 'no', sysP: -1, sysGate: 0, vis: { g: -1, p: -1 } });
    for (let i = 0; i < this.plan.procs; i++) {
      const from = i === 0 || t.chance(75) ? 0 : 1 + t.int(2);
      this.ps.push({ id: i, status: 'Idle', m: -1, seq: 0, traced: false, known: false, from });
    }
    for (const [i, m] of this.ms.entries()) {
      const p = this.ps.find((x) => x.from === 0 && x.m < 0);
      if (p === undefined || !t.chance(70)) continue;
      p.status = 'Running';
      p.m = i;
      m.p = p.id;
      if (t.chance(70)) {
        const g = this.newG('Running', i);
        m.g = g.id;
      }
    }
    for (let n = t.int(5); n > 0; n--) this.newG(t.chance(50) ? 'Runnable' : 'Waiting', -1);
    for (const g of this.gs.values()) {
      for (let n = t.int(3); n > 0; n--) g.preRegions.push({ task: t.chance(50) ? 0 : 900 + t.int(3), name: REGION_NAMES[t.int(REGION_NAMES.length)]! });
    }
    for (let n = t.int(3); n > 0; n--) this.unknownTasks.push(1000 + n);
    // A GC cycle already running when the trace starts, stated by GCActive (on a running goroutine) at once.
    if (t.chance(30) && this.ms.some((m) => m.g >= 0)) this.gc.running = true;
  }

  private newG(status: GStatus, m: number): G {
    const g: G = { id: this.nextG++, status, m, seq: 0, traced: false, known: false, regions: [], preRegions: [] };
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

  private ctx(lane: number): { g: number; p: number; m: number } {
    if (lane === this.noThreadLane) return { g: -1, p: -1, m: -1 };
    const m = this.ms[lane]!;
    return { g: m.vis.g, p: m.vis.p, m: m.id };
  }

  private emit(
    lane: number,
    type: number,
    args: ArgValue[],
    view: Record<string, unknown> & { kind: string },
    opts: { stack?: number; gate?: string | { key: string; ver: number }; touches?: string[]; task?: ModelEvent['task'] } = {},
  ): void {
    const g = opts.gate;
    const gate = g === undefined ? undefined : typeof g === 'string' ? { key: g, ver: this.version(g) } : g;
    const full: NormEvent = { ...view, time: 0, ...this.ctx(lane), stack: stackFrames(opts.stack ?? 0) };
    this.lanes[lane]!.push({ lane, step: this.step++, type, args, view: full, gate, touches: opts.touches ?? [], time: 0, task: opts.task });
    for (const key of opts.touches ?? []) this.bump(key);
  }

  private str(s: string): number {
    if (s === '') return 0;
    const id = this.strIds.get(s);
    if (id === undefined) throw new Error(`model: string ${s} is not in the pool`);
    return id;
  }

  private stackId(idx: number): number {
    return idx === 0 ? 0 : this.stackIds[idx - 1]!;
  }

  private procStatus(lane: number, p: P): void {
    const to = PROC_STATE[p.status];
    const from: ProcState = p.known ? to : this.k === 0 ? 'Undetermined' : 'NotExist';
    this.emit(lane, T.ProcStatus, [p.id, PROC_WIRE[p.status]], procT(p.id, from, to), { touches: [`p${p.id}`] });
    p.known = true;
    p.traced = true;
    if (lane !== this.noThreadLane && p.status !== 'Idle') this.ms[lane]!.vis.p = p.id;
  }

  private goStatus(lane: number, g: G, mid: ArgValue, stack = 0): void {
    const to: GoState = g.status;
    const from: GoState = g.known ? to : 'Undetermined';
    const withStack = stack !== 0 && this.withStatusStacks;
    const args: ArgValue[] = [g.id, mid, GO_WIRE[g.status]];
    if (withStack) args.push(this.stackId(stack));
    const s = withStack ? stack : 0;
    this.emit(lane, withStack ? T.GoStatusStack : T.GoStatus, args, goT(g.id, from, to, '', s), { stack: s, touches: [`g${g.id}`] });
    g.known = true;
    g.traced = true;
    if (lane !== this.noThreadLane && g.status === 'Running') this.ms[lane]!.vis.g = g.id;
  }

  /** What the runtime's event writer does first: state the thread's proc and goroutine if not yet stated. */
  private prefix(i: number): void {
    const m = this.ms[i]!;
    if (m.p >= 0) {
      const p = this.ps[m.p]!;
      if (!p.traced) this.procStatus(i, p);
    }
    if (m.g >= 0 && m.sys === 'no') {
      const g = this.gs.get(m.g)!;
      if (!g.traced) this.goStatus(i, g, m.id);
    }
  }

  // -- Generations --

  generation(k: number, plan: GenerationPlan): void {
    this.k = k;
    this.lanes = Array.from({ length: this.nM + 1 }, () => []);
    const t = new Tape(plan.tables);
    // Per-generation tables: every pool string and stack, under IDs that change from one generation to the next.
    this.strIds = new Map(shuffle(POOL_STRINGS.map((_, i) => i), t).map((j, i) => [POOL_STRINGS[j]!, i + 1]));
    this.stackIds = shuffle(STACKS.map((_, i) => i + 1), t);
    for (const g of this.gs.values()) {
      g.traced = false;
      g.seq = 0;
    }
    for (const p of this.ps) {
      p.traced = false;
      p.seq = 0;
    }
    // Every running proc is stated at the start (the runtime's forEachP); some idle ones too, on some thread.
    for (const [i, m] of this.ms.entries()) if (m.p >= 0) this.procStatus(i, this.ps[m.p]!);
    for (const p of this.ps) {
      if (p.from <= k && p.status === 'Idle' && t.chance(50)) this.procStatus(t.int(this.nM), p);
    }
    if (this.gc.running) {
      const i = this.ms.findIndex((m) => m.g >= 0 && m.sys === 'no');
      if (i >= 0) {
        this.prefix(i);
        this.gcEvent(i, T.GCActive);
      }
    }
    for (const s of plan.steps) this.act(s);
    this.windDown(t);
    this.gens.push(this.layout(plan));
  }

  /** Ends syscalls; states the procs and goroutines nothing stated in this generation, as the runtime does. */
  private windDown(t: Tape): void {
    for (const [i, m] of this.ms.entries()) {
      if (m.sys === 'withP') this.syscallEnd(i);
      else if (m.sys === 'lostP') this.syscallEndBlocked(i);
    }
    for (const p of this.ps) {
      if (p.from <= this.k && !p.traced) this.procStatus(t.int(this.nM + 1), p);
    }
    for (const g of [...this.gs.values()].sort((a, b) => a.id - b.id)) {
      if (g.traced) continue;
      // A running goroutine is stated by its own thread; others in the batch of no thread.
      if (g.status === 'Running') this.goStatus(g.m, g, this.ms[g.m]!.id);
      else this.goStatus(this.noThreadLane, g, U64_MAX, t.int(STACKS.length + 1));
    }
  }

  // -- Steps --

  private act(s: StepPlan): void {
    const i = s.m % this.nM;
    const m = this.ms[i]!;
    const acts: (() => void)[] = [];
    const waiting = this.goroutines('Waiting');
    const victims = this.ms.map((v, j) => [v, j] as const).filter(([v, j]) => j !== i && v.sys === 'withP');
    const steal = () => this.steal(i, victims[s.x % victims.length]![1]);
    const unblock = () => this.unblock(i, waiting[s.x % waiting.length]!, s.y);
    if (m.sys === 'withP') {
      // Staying in the syscall (doing nothing) leaves time for another thread to steal the proc.
      acts.push(() => this.syscallEnd(i), () => this.syscallHandoff(i), () => undefined, () => undefined);
    } else if (m.sys === 'lostP') {
      acts.push(() => this.syscallEndBlocked(i));
    } else if (m.p < 0) {
      const idle = this.ps.filter((p) => p.from <= this.k && p.status === 'Idle');
      if (idle.length > 0) acts.push(() => this.procStart(i, idle[s.x % idle.length]!));
      if (victims.length > 0) acts.push(steal);
      if (waiting.length > 0) acts.push(unblock);
    } else if (m.g < 0) {
      const runnable = this.goroutines('Runnable');
      if (runnable.length > 0) acts.push(() => this.goStart(i, runnable[s.x % runnable.length]!), () => this.goStart(i, runnable[s.y % runnable.length]!));
      acts.push(() => this.procStop(i), () => this.create(i, s), () => this.metric(i, s));
      if (waiting.length > 0) acts.push(unblock);
      if (victims.length > 0) acts.push(steal);
    } else {
      acts.push(
        () => this.goStopExec(i, T.GoStop, s),
        () => this.goStopExec(i, T.GoBlock, s),
        () => this.goStopExec(i, T.GoBlock, s),
        () => this.goStopExec(i, T.GoDestroy, s),
        () => this.create(i, s),
        () => this.syscallBegin(i, s),
        () => this.metric(i, s),
        () => this.annotation(i, s),
        () => this.taskBegin(i, s),
        () => this.taskEnd(i, s),
        () => this.regionBegin(i, s),
        () => this.regionEnd(i, s),
        () => this.regionEnd(i, s),
        () => this.syscallBegin(i, s),
      );
      if (waiting.length > 0) acts.push(unblock);
      if (victims.length > 0) acts.push(steal);
      if (this.gc.running) acts.push(() => this.gcEvent(i, T.GCEnd, s.y % (STACKS.length + 1)));
      // While the reader does not know the GC's sequence number, the first GC event it sees sets it: so the
      // generation of the first GC event has only one cycle start.
      else if (this.gc.firstGen < 0 || this.gc.firstGen !== this.k) acts.push(() => this.gcEvent(i, T.GCBegin, s.y % (STACKS.length + 1)));
    }
    if (acts.length > 0) acts[s.action % acts.length]!();
  }

  private goroutines(status: GStatus): G[] {
    return [...this.gs.values()].filter((g) => g.status === status).sort((a, b) => a.id - b.id);
  }

  private procStart(i: number, p: P): void {
    const m = this.ms[i]!;
    if (!p.traced) this.procStatus(i, p);
    p.seq++;
    this.emit(i, T.ProcStart, [p.id, p.seq], procT(p.id, 'Idle', 'Running'), { gate: `p${p.id}`, touches: [`p${p.id}`] });
    p.status = 'Running';
    p.m = i;
    m.p = p.id;
    m.vis.p = p.id;
  }

  private procStop(i: number): void {
    const m = this.ms[i]!;
    const p = this.ps[m.p]!;
    this.prefix(i);
    this.emit(i, T.ProcStop, [], procT(p.id, 'Running', 'Idle'), { touches: [`p${p.id}`] });
    p.status = 'Idle';
    p.m = -1;
    m.p = -1;
    m.vis.p = -1;
  }

  private steal(i: number, j: number): void {
    const victim = this.ms[j]!;
    const p = this.ps[victim.p]!;
    this.prefix(i);
    p.seq++;
    this.emit(i, T.ProcSteal, [p.id, p.seq, victim.id], procT(p.id, 'Running', 'Idle'), { gate: `p${p.id}`, touches: [`p${p.id}`] });
    p.status = 'Idle';
    p.m = -1;
    victim.p = -1;
    victim.vis.p = -1;
    victim.sys = 'lostP';
    victim.sysGate = this.version(`p${p.id}`);
  }

  private goStart(i: number, g: G): void {
    const m = this.ms[i]!;
    this.prefix(i);
    // The runtime's writer states the goroutine being started (it is the thread's goroutine by then).
    if (!g.traced) this.goStatus(i, g, m.id);
    g.seq++;
    this.emit(i, T.GoStart, [g.id, g.seq], goT(g.id, 'Runnable', 'Running'), { gate: `g${g.id}`, touches: [`g${g.id}`] });
    g.status = 'Running';
    g.m = i;
    m.g = g.id;
    m.vis.g = g.id;
  }

  private goStopExec(i: number, type: number, s: StepPlan): void {
    const m = this.ms[i]!;
    const g = this.gs.get(m.g)!;
    this.prefix(i);
    if (type === T.GoDestroy) {
      this.emit(i, type, [], goT(g.id, 'Running', 'NotExist'), { touches: [`g${g.id}`] });
      this.gs.delete(g.id);
    } else {
      const reason = REASONS[s.x % REASONS.length]!;
      const stack = s.y % (STACKS.length + 1);
      const to: GoState = type === T.GoStop ? 'Runnable' : 'Waiting';
      this.emit(i, type, [this.str(reason), this.stackId(stack)], goT(g.id, 'Running', to, reason, stack), { stack, touches: [`g${g.id}`] });
      g.status = to === 'Runnable' ? 'Runnable' : 'Waiting';
      g.m = -1;
    }
    m.g = -1;
    m.vis.g = -1;
  }

  private create(i: number, s: StepPlan): void {
    this.prefix(i);
    const g = this.newG('Runnable', -1);
    // A new goroutine's status counts as written (the runtime marks it so).
    g.traced = true;
    g.known = true;
    const newStack = s.x % (STACKS.length + 1);
    const stack = s.y % (STACKS.length + 1);
    this.emit(i, T.GoCreate, [g.id, this.stackId(newStack), this.stackId(stack)], goT(g.id, 'NotExist', 'Runnable', '', newStack), {
      stack,
      touches: [`g${g.id}`],
    });
  }

  private unblock(i: number, g: G, stackChoice: number): void {
    this.prefix(i);
    if (!g.traced) this.goStatus(i, g, U64_MAX);
    g.seq++;
    const stack = stackChoice % (STACKS.length + 1);
    this.emit(i, T.GoUnblock, [g.id, g.seq, this.stackId(stack)], goT(g.id, 'Waiting', 'Runnable'), { stack, gate: `g${g.id}`, touches: [`g${g.id}`] });
    g.status = 'Runnable';
  }

  private syscallBegin(i: number, s: StepPlan): void {
    const m = this.ms[i]!;
    const g = this.gs.get(m.g)!;
    const p = this.ps[m.p]!;
    this.prefix(i);
    p.seq++;
    const stack = s.x % (STACKS.length + 1);
    this.emit(i, T.GoSyscallBegin, [p.seq, this.stackId(stack)], goT(g.id, 'Running', 'Syscall', '', stack), { stack, touches: [`g${g.id}`, `p${p.id}`] });
    g.status = 'Syscall';
    p.status = 'Syscall';
    m.sys = 'withP';
    m.sysP = p.id;
  }

  private syscallEnd(i: number): void {
    const m = this.ms[i]!;
    const g = this.gs.get(m.g)!;
    const p = this.ps[m.p]!;
    this.emit(i, T.GoSyscallEnd, [], goT(g.id, 'Syscall', 'Running'), { touches: [`g${g.id}`, `p${p.id}`] });
    g.status = 'Running';
    p.status = 'Running';
    m.sys = 'no';
  }

  /** The thread gives its proc up during a blocking syscall (the runtime's entersyscallblock). */
  private syscallHandoff(i: number): void {
    const m = this.ms[i]!;
    const p = this.ps[m.p]!;
    this.emit(i, T.ProcStop, [], procT(p.id, 'Running', 'Idle'), { touches: [`p${p.id}`] });
    p.status = 'Idle';
    p.m = -1;
    m.p = -1;
    m.vis.p = -1;
    m.sys = 'lostP';
    m.sysGate = this.version(`p${p.id}`);
  }

  private syscallEndBlocked(i: number): void {
    const m = this.ms[i]!;
    const g = this.gs.get(m.g)!;
    // Go's ordering lets it through once the proc held in the syscall is no longer in it (stopped or stolen).
    const gate = { key: `p${m.sysP}`, ver: m.sysGate };
    this.emit(i, T.GoSyscallEndBlocked, [], goT(g.id, 'Syscall', 'Runnable'), { gate, touches: [`g${g.id}`] });
    g.status = 'Runnable';
    g.m = -1;
    m.g = -1;
    m.vis.g = -1;
    m.sys = 'no';
  }

  private metric(i: number, s: StepPlan): void {
    this.prefix(i);
    const value: ArgValue = s.y % 5 === 0 ? 2n ** 53n + BigInt(s.x) * 2n ** 40n : s.x * 4096 + s.z;
    if (s.z % 2 === 0) this.emit(i, T.HeapAlloc, [value], { kind: 'Metric', name: '/memory/classes/heap/objects:bytes', value });
    else this.emit(i, T.HeapGoal, [value], { kind: 'Metric', name: '/gc/heap/goal:bytes', value });
  }

  private annotation(i: number, s: StepPlan): void {
    const m = this.ms[i]!;
    this.prefix(i);
    if (s.x % 2 === 0) {
      const label = LABELS[s.y % LABELS.length]!;
      this.emit(i, T.GoLabel, [this.str(label)], { kind: 'Label', label, resource: { kind: 'Goroutine', id: m.g } });
    } else {
      const procs = 1 + (s.y % 64);
      const stack = s.z % (STACKS.length + 1);
      this.emit(i, T.ProcsChange, [procs, this.stackId(stack)], { kind: 'Metric', name: '/sched/gomaxprocs:threads', value: procs }, { stack });
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
    this.emit(i, T.UserTaskBegin, [id, parentWire, this.str(name), this.stackId(stack)], { kind: 'TaskBegin', id, parent, type: name }, { stack, task: { begin: true, id } });
    this.tasks.set(id, { name, parent });
  }

  private taskEnd(i: number, s: StepPlan): void {
    const active = [...this.tasks.keys()];
    const all = [...active, ...this.unknownTasks];
    if (all.length === 0) return;
    this.prefix(i);
    const id = all[s.x % all.length]!;
    const stack = s.y % (STACKS.length + 1);
    // Parent and type are filled in the reader's order (see `order`).
    this.emit(i, T.UserTaskEnd, [id, this.stackId(stack)], { kind: 'TaskEnd', id }, { stack, task: { begin: false, id } });
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
      this.emit(i, T.UserLog, [task, this.str(key), this.str(msg), 0], { kind: 'Log', task, category: key, message: msg });
      return;
    }
    const r: Region = { task: this.someTask(s.x), name: REGION_NAMES[s.y % REGION_NAMES.length]! };
    const stack = s.z % (STACKS.length + 1);
    this.emit(i, T.UserRegionBegin, [r.task, this.str(r.name), this.stackId(stack)], { kind: 'RegionBegin', task: r.task, type: r.name }, { stack });
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
    this.emit(i, T.UserRegionEnd, [r.task, this.str(r.name), this.stackId(stack)], { kind: 'RegionEnd', task: r.task, type: r.name }, { stack });
  }

  /** The background task (0), an active task or one the reader does not know. */
  private someTask(x: number): number {
    const ids = [0, ...this.tasks.keys(), ...this.unknownTasks];
    return ids[x % ids.length]!;
  }

  private gcEvent(i: number, type: number, stack = 0): void {
    this.prefix(i);
    const seq = this.gc.seq++;
    if (this.gc.firstGen < 0) this.gc.firstGen = this.k;
    if (type === T.GCBegin) {
      this.emit(i, type, [seq, this.stackId(stack)], { kind: 'RangeBegin', name: GC_RANGE, scope: { kind: 'None' } }, { stack, gate: 'gc', touches: ['gc'] });
      this.gc.running = true;
    } else if (type === T.GCEnd) {
      this.emit(i, type, [seq], { kind: 'RangeEnd', name: GC_RANGE, scope: { kind: 'None' }, attributes: [] }, { gate: 'gc', touches: ['gc'] });
      this.gc.running = false;
    } else {
      this.emit(i, type, [seq], { kind: 'RangeActive', name: GC_RANGE, scope: { kind: 'None' } }, { gate: 'gc', touches: ['gc'] });
    }
  }

  // -- Layout: times, batches, tables --

  private genBase = 10_000;

  private layout(plan: GenerationPlan): GenOut {
    const STEP = 16;
    /** Lanes: threads, then no thread; times are lane-distinct (time mod LANES = lane), samples use the last residue. */
    const LANES = 8;
    const firstStep = Math.min(...this.lanes.flatMap((l) => l.map((e) => e.step)), this.step);
    let maxT = this.genBase;
    const jitter = new Tape(plan.jitter);
    const t = new Tape(plan.batches);
    for (const [lane, evs] of this.lanes.entries()) {
      const skew = plan.skew[lane] ?? 0;
      let prev = 0;
      for (const e of evs) {
        const raw = this.genBase + (e.step - firstStep) * STEP + skew * STEP + jitter.int(STEP);
        const tt = Math.max(prev + 1, raw);
        prev = tt;
        maxT = Math.max(maxT, tt);
        e.time = tt * LANES + lane;
      }
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
          const first = part[0]!;
          const base = Math.max(1, first.time - t.int(40));
          let last = base;
          const events: RawEvent[] = part.map((e) => {
            const dt = e.time - last;
            last = e.time;
            return { type: e.type, args: [dt, ...e.args], data: undefined, offset: 0, varintWidths: undefined };
          });
          const m: ArgValue = lane === this.noThreadLane ? U64_MAX : this.ms[lane]!.id;
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
      const mi = mc % this.nM;
      const pChoice = pc % (this.ps.length + 1);
      const gChoice = gc % this.nextG;
      const stack = sc % (STACKS.length + 1);
      const p: ArgValue = pChoice === this.ps.length ? U64_MAX : pChoice;
      const data: CPUSampleData = { time: at, m: this.ms[mi]!.id, p, g: gChoice, stack: this.stackId(stack) };
      const view: NormEvent = {
        kind: 'StackSample',
        time: at,
        g: gChoice === 0 ? -1 : gChoice,
        p: pChoice === this.ps.length ? -1 : pChoice,
        m: this.ms[mi]!.id,
        stack: stackFrames(stack),
      };
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

function procT(id: number, from: ProcState, to: ProcState): Record<string, unknown> & { kind: string } {
  return { kind: 'StateTransition', resource: { kind: 'Proc', id }, from, to, reason: '', transitionStack: [] };
}

function goT(id: number, from: GoState, to: GoState, reason = '', transitionStack = 0): Record<string, unknown> & { kind: string } {
  return { kind: 'StateTransition', resource: { kind: 'Goroutine', id }, from, to, reason, transitionStack: stackFrames(transitionStack) };
}

/**
 * The reader's order of one generation: at each turn a CPU sample comes first if it is earlier than every
 * thread's next event; else the earliest next event the ordering lets through (its gate is open).
 */
function order(gen: GenOut, ver: Map<string, number>, tasks: Map<number, { parent: number; type: string }>, stats: ModelStats): NormEvent[] {
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
    if (e === undefined) throw new Error('model: no thread can advance (a bug in the model)');
    for (const key of e.touches) ver.set(key, (ver.get(key) ?? 0) + 1);
    heads[e.lane]!++;
    if (e.time < latest) stats.reordered++;
    latest = Math.max(latest, e.time);
    const name = WIRE_NAMES[e.type] ?? String(e.type);
    stats.wire[name] = (stats.wire[name] ?? 0) + 1;
    const view: NormEvent = { ...e.view, time: e.time };
    if (e.task?.begin === true) tasks.set(e.task.id, { parent: view.parent as number, type: view.type as string });
    else if (e.task !== undefined) {
      // Ended: forgotten, so a second end shows neither parent nor type.
      const known = tasks.get(e.task.id);
      tasks.delete(e.task.id);
      view.parent = known?.parent ?? NO_TASK;
      view.type = known?.type ?? '';
    }
    out.push(view);
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
  const ver = new Map<string, number>();
  const tasks = new Map<number, { parent: number; type: string }>();
  const stats: ModelStats = { reordered: 0, wire: {}, samples: 0 };
  const modern26 = compareWireVersions(plan.version, '1.26') >= 0;
  let gen = plan.firstGen;
  const generations: GenerationData[] = [];
  for (const [k, g] of b.gens.entries()) {
    if (k > 0) gen += modern26 ? (plan.genGaps[k - 1] ?? 1) : 1;
    generations.push({ ...g.data, gen });
    syncIndex.push(expected.length);
    expected.push({ kind: 'Sync', time: g.syncTime, g: -1, p: -1, m: -1, stack: [], n: k + 1, clock: g.clock, experiments: [] });
    expected.push(...order(g, ver, tasks, stats));
  }
  expected.push({ kind: 'Sync', time: 0, g: -1, p: -1, m: -1, stack: [], n: b.gens.length + 1, clock: undefined, experiments: undefined });
  fixTimes(expected, 0);
  return { version: plan.version, generations, expected, syncIndex, stats };
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
  out.push({ kind: 'Sync', time: 0, g: -1, p: -1, m: -1, stack: [], n: complete + 1, clock: undefined, experiments: undefined });
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
