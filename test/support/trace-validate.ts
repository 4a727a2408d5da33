/**
 * A checker of the invariants every event stream of a trace reader must keep: the TypeScript counterpart of
 * the validator Go's trace tests run over each event (internal/trace/testtrace, `Validator`).
 *
 * Feed events in order to {@link TraceValidator.event}; it throws a {@link TraceValidationError} naming the
 * event (index, time, kind, context) and every rule that event broke. Its state is updated as if the event
 * had been accepted, as Go's validator does, so a caller may catch the error and go on to collect later
 * violations. {@link validateTrace} and {@link validateTraceAsync} run a whole stream and stop at the first
 * bad event.
 *
 * It checks exactly what Go's validator checks (see {@link TRACE_RULES}); nothing stricter, so that a
 * stream Go's tests accept is accepted here too.
 * @module
 */

import {
  BACKGROUND_TASK,
  NO_GOROUTINE,
  NO_PROC,
  NO_TASK,
  NO_THREAD,
  type SyncClock,
  type Event,
  type GoState,
  type GoStateTransition,
  type ProcState,
  type ProcStateTransition,
  type ResourceID,
  type Stack,
  type StateTransitionEvent,
  type SyncEvent,
} from '../../src/trace/events/event.js';

/** The rules the validator checks, each with what it requires. */
export const TRACE_RULES = Object.freeze({
  'time-order': 'event times strictly increase',
  'stack-frame': 'every frame of a stack but the first has a function, a file, a PC and a line',
  'sync-number': 'Sync events are numbered 1, 2, 3, … in order',
  'clock-snapshot-missing': 'from Go 1.25, the first Sync carries a clock snapshot',
  'clock-snapshot-zero': 'a clock snapshot has a non-zero wall, monotonic and trace time',
  'clock-snapshot-order': "each clock snapshot's wall, monotonic and trace times exceed the previous Sync's",
  'metric-name': 'a metric name has the runtime/metrics form `name:unit`',
  'metric-value': 'a metric value is an unsigned 64-bit integer',
  'label-text': 'a label is not empty',
  'label-resource': 'a label names a goroutine, proc or thread already seen',
  'state-to-undetermined': 'no goroutine or proc transitions to Undetermined',
  'state-undetermined-late': 'a transition from Undetermined happens only before the second Sync',
  'state-from': "a transition's from-state is the previous to-state (Undetermined or NotExist for a first sighting)",
  'died-with-ranges': 'a goroutine or proc has no active range when it transitions to NotExist',
  'thread-missing': 'an event that starts a goroutine or proc executing happens on a thread',
  'sched-start': 'a thread executes at most one goroutine and one proc at a time',
  'sched-stop': 'a goroutine or proc that stops executing is the one its thread was executing',
  'transition-stack': "a goroutine that stops executing has the event's stack as its transition stack",
  'range-begin': 'a range does not begin while it is active on the same resource',
  'range-end': 'a range ends only while it is active on the same resource',
  'task-id': 'a task that begins is neither the background task nor no task',
  'task-parent': 'a task is not a subtask of the background task',
  'task-end-type': 'a task ends with the type it began with',
} as const);

/** The name of one rule of {@link TRACE_RULES}. */
export type TraceRule = keyof typeof TRACE_RULES;

/** One broken rule. */
export interface TraceViolation {
  /** Which rule. */
  readonly rule: TraceRule;
  /** What was found, e.g. `bad from-state for goroutine 5: Running, but its last transition left it Runnable`. */
  readonly message: string;
}

/** Thrown by {@link TraceValidator.event} for an event that broke one or more rules. */
export class TraceValidationError extends Error {
  /** The event's position in the stream (0 for the first event the validator saw). */
  readonly index: number;
  /** The event. */
  readonly event: Event;
  /** Every rule it broke, in the order they were checked. */
  readonly violations: readonly TraceViolation[];

  /** Builds the message `trace validation: event #i (Kind at t ns, M=m P=p G=g): [rule] what …`. */
  constructor(index: number, event: Event, violations: readonly TraceViolation[]) {
    const where = `event #${index} (${event.kind} at ${event.time} ns, M=${event.thread} P=${event.proc} G=${event.goroutine})`;
    const what = violations.map((v) => `[${v.rule}] ${v.message}`);
    super(`trace validation: ${where}:${what.length === 1 ? ` ${what[0]}` : `\n  ${what.join('\n  ')}`}`);
    this.name = 'TraceValidationError';
    this.index = index;
    this.event = event;
    this.violations = violations;
  }
}

/** How to validate. */
export interface TraceValidatorOptions {
  /**
   * The Go version of the trace, as its minor number (22 for a `go 1.22 trace` header) or as `"1.22"`.
   * Clock snapshots are required from 1.25; before 1.22 (traces converted from the old format) a goroutine
   * first seen in a syscall may lack a thread. Go's tests set it to the trace header's version; the default
   * is 26, Go's `version.Current` in Go 1.26.
   */
  readonly goVersion?: number | string;
  /**
   * Skip the checks that clock snapshots increase from one Sync to the next. Go skips them for traces
   * recorded on Windows (coarse clocks) and wasm, where the runtime cannot promise increasing readings;
   * what matters is where the trace was recorded. The snapshot's presence and non-zero values are still checked.
   */
  readonly skipClockSnapshotChecks?: boolean;
}

/** The goroutine and proc a thread is executing (Go's "sched context" of an M). */
interface SchedContext {
  readonly thread: number;
  proc: number;
  goroutine: number;
}

/** What the validator knows of one goroutine or proc. */
interface ResourceState<S> {
  /** The to-state of its last transition. */
  state: S;
  /** The thread it was last started executing on, until it stops. */
  binding: SchedContext | undefined;
}

/** Go's zero `time.Time` (January 1, year 1, UTC) in Unix seconds: what an unset wall clock reads as. */
const GO_ZERO_TIME_UNIX_SEC = -62135596800n;

const goExecuting = (s: GoState): boolean => s === 'Running' || s === 'Syscall';
const procExecuting = (s: ProcState): boolean => s === 'Running';

function isGoTransition(ev: StateTransitionEvent): ev is StateTransitionEvent & GoStateTransition {
  return ev.resource.kind === 'Goroutine';
}

function resourceKey(r: ResourceID): string {
  return r.kind === 'None' ? 'None' : `${r.kind}:${r.id}`;
}

function describeResource(r: ResourceID): string {
  return r.kind === 'None' ? 'no resource' : `${r.kind.toLowerCase()} ${r.id}`;
}

function parseGoVersion(v: number | string | undefined): number {
  if (v === undefined) return 26;
  const minor = typeof v === 'number' ? v : /^1\.(\d+)$/.test(v) ? Number(v.slice(2)) : NaN;
  if (!Number.isSafeInteger(minor) || minor < 0) throw new TypeError(`goVersion: expected a minor number or "1.N", got ${String(v)}`);
  return minor;
}

function wallString(c: SyncClock): string {
  return `${c.wallSec}s+${c.wallNsec}ns`;
}

/**
 * Checks a stream of trace events, one event at a time, against the invariants Go's trace tests check
 * ({@link TRACE_RULES}). One validator per stream.
 */
export class TraceValidator {
  /** The Go version (minor number) the rules depend on. */
  readonly goVersion: number;
  /** Whether the increasing-clock-snapshot checks are skipped. */
  readonly skipClockSnapshotChecks: boolean;

  private index = 0;
  private lastTime: number | undefined;
  private lastSync: SyncEvent | undefined;
  private readonly goroutines = new Map<number, ResourceState<GoState>>();
  private readonly procs = new Map<number, ResourceState<ProcState>>();
  private readonly threads = new Map<number, SchedContext>();
  /** Active range names by resource; a list, since a range begun twice (an error) must end twice. */
  private readonly ranges = new Map<string, string[]>();
  /** The type of each task seen beginning and not yet ending. */
  private readonly tasks = new Map<number, string>();
  private violations: TraceViolation[] = [];

  /** A validator for one stream. */
  constructor(options: TraceValidatorOptions = {}) {
    this.goVersion = parseGoVersion(options.goVersion);
    this.skipClockSnapshotChecks = options.skipClockSnapshotChecks ?? false;
  }

  /** How many events the validator has seen. */
  get eventCount(): number {
    return this.index;
  }

  /**
   * Checks `ev` as the next event of the stream and records its effect.
   * @throws TraceValidationError listing every rule `ev` broke (the validator stays usable).
   */
  event(ev: Event): void {
    this.violations = [];
    this.checkTime(ev);
    this.checkStack(ev.stack);
    switch (ev.kind) {
      case 'Sync':
        this.sync(ev);
        break;
      case 'Metric':
        if (!ev.name.includes(':')) this.fail('metric-name', `metric name ${JSON.stringify(ev.name)} has no ":unit"`);
        if (!isUint64(ev.value)) this.fail('metric-value', `metric ${ev.name} has value ${String(ev.value)}, not a uint64`);
        break;
      case 'Label':
        if (ev.label === '') this.fail('label-text', 'empty label');
        this.checkLabelResource(ev.resource);
        break;
      case 'StateTransition':
        // The transition stack is a stack of its own (e.g. where a new goroutine starts); check it too.
        if (ev.transitionStack !== ev.stack) this.checkStack(ev.transitionStack);
        if (isGoTransition(ev)) this.goTransition(ev);
        else this.procTransition(ev);
        break;
      case 'RangeBegin':
        if (this.hasRange(ev.scope, ev.name)) this.fail('range-begin', `range ${JSON.stringify(ev.name)} begins again on ${describeResource(ev.scope)} while active`);
        this.addRange(ev.scope, ev.name);
        break;
      case 'RangeActive':
        // A range already in progress is re-announced at each generation: only the first sighting adds it.
        if (!this.hasRange(ev.scope, ev.name)) this.addRange(ev.scope, ev.name);
        break;
      case 'RangeEnd':
        if (!this.deleteRange(ev.scope, ev.name)) this.fail('range-end', `range ${JSON.stringify(ev.name)} ends on ${describeResource(ev.scope)} but is not active`);
        break;
      case 'TaskBegin':
        if (ev.id === NO_TASK || ev.id === BACKGROUND_TASK) this.fail('task-id', `task of type ${JSON.stringify(ev.type)} has ID ${ev.id}`);
        if (ev.parent === BACKGROUND_TASK) this.fail('task-parent', `task ${ev.id} of type ${JSON.stringify(ev.type)} has the background task as parent`);
        // Any type, the empty string included, is a valid task type.
        this.tasks.set(ev.id, ev.type);
        break;
      case 'TaskEnd': {
        // A task may end without its beginning in the trace; only a task seen beginning can be checked.
        const type = this.tasks.get(ev.id);
        if (type !== undefined) {
          if (ev.type !== type) this.fail('task-end-type', `task ${ev.id} ends with type ${JSON.stringify(ev.type)} but began with ${JSON.stringify(type)}`);
          this.tasks.delete(ev.id);
        }
        break;
      }
      // Regions, logs, CPU samples and experimental events carry user data or a context that need not
      // agree with the other events (a region may have begun before the trace did): only their stack is checked.
      case 'RegionBegin':
      case 'RegionEnd':
      case 'Log':
      case 'StackSample':
      case 'Experimental':
        break;
    }
    const index = this.index++;
    if (this.violations.length > 0) throw new TraceValidationError(index, ev, this.violations);
  }

  private fail(rule: TraceRule, message: string): void {
    this.violations.push({ rule, message });
  }

  private checkTime(ev: Event): void {
    // An event out of order does not move the baseline, so one late event is reported once.
    if (this.lastTime !== undefined && !(ev.time > this.lastTime)) {
      this.fail('time-order', `time ${ev.time} ns is not after the previous event's ${this.lastTime} ns`);
    } else {
      this.lastTime = ev.time;
    }
  }

  private checkStack(stack: Stack): void {
    // The first frame is exempt: Go's runtime sometimes records one all-zero frame.
    stack.frames.forEach((f, i) => {
      if (i === 0) return;
      const missing = [f.func === '' && 'function', f.file === '' && 'file', f.pc === 0n && 'PC', f.line === 0 && 'line'].filter((m) => m !== false);
      if (missing.length > 0) {
        const where = `${JSON.stringify(f.func)} at ${JSON.stringify(f.file)}:${f.line}, pc 0x${f.pc.toString(16)}`;
        this.fail('stack-frame', `frame ${i} of stack ${stack.id} (${where}) has no ${missing.join(', ')}`);
      }
    });
  }

  private sync(ev: SyncEvent): void {
    const prev = this.lastSync;
    const want = (prev?.n ?? 0) + 1;
    if (ev.n !== want) this.fail('sync-number', `Sync number ${ev.n}, expected ${want}`);
    // From Go 1.25 every generation has a clock snapshot; the Sync that ends the trace (after the first)
    // belongs to no generation and has none.
    if (this.goVersion >= 25) {
      const snap = ev.clockSnapshot;
      if (snap === undefined) {
        if (ev.n <= 1) this.fail('clock-snapshot-missing', `Sync ${ev.n} has no clock snapshot`);
      } else {
        if (BigInt(snap.wallSec) === GO_ZERO_TIME_UNIX_SEC && snap.wallNsec === 0) this.fail('clock-snapshot-zero', `Sync ${ev.n} has a zero wall time`);
        if (BigInt(snap.mono) === 0n) this.fail('clock-snapshot-zero', `Sync ${ev.n} has a zero monotonic time`);
        if (snap.trace === 0) this.fail('clock-snapshot-zero', `Sync ${ev.n} has a zero trace time`);
        const last = prev?.clockSnapshot;
        if (!this.skipClockSnapshotChecks && ev.n >= 2 && last !== undefined) {
          const wallAfter = BigInt(snap.wallSec) > BigInt(last.wallSec) || (BigInt(snap.wallSec) === BigInt(last.wallSec) && snap.wallNsec > last.wallNsec);
          if (!wallAfter) this.fail('clock-snapshot-order', `Sync ${ev.n} has wall time ${wallString(snap)}, not after ${wallString(last)}`);
          if (!(BigInt(snap.mono) > BigInt(last.mono))) this.fail('clock-snapshot-order', `Sync ${ev.n} has monotonic time ${snap.mono}, not after ${last.mono}`);
          if (!(snap.trace > last.trace)) this.fail('clock-snapshot-order', `Sync ${ev.n} has trace time ${snap.trace}, not after ${last.trace}`);
        }
      }
    }
    this.lastSync = ev;
  }

  private checkLabelResource(r: ResourceID): void {
    if (r.kind === 'None') {
      this.fail('label-resource', 'label applies to no resource');
      return;
    }
    const known = r.kind === 'Goroutine' ? this.goroutines.has(r.id) : r.kind === 'Proc' ? this.procs.has(r.id) : this.threads.has(r.id);
    if (!known) this.fail('label-resource', `label for ${describeResource(r)}, which has not been seen`);
  }

  /** The checks goroutines and procs share: the states themselves, before the thread bookkeeping. */
  private transition<S extends GoState | ProcState>(what: 'goroutine' | 'proc', id: number, from: S, to: S, known: Map<number, ResourceState<S>>): ResourceState<S> {
    if (to === 'Undetermined') this.fail('state-to-undetermined', `${what} ${id} transitions to Undetermined`);
    // Undetermined is the from-state of resources first seen in the first generation, whose history is
    // unknown; from the second Sync on, every resource's state is known.
    const syncs = this.lastSync?.n ?? 0;
    if (from === 'Undetermined' && syncs > 1) this.fail('state-undetermined-late', `${what} ${id} transitions from Undetermined after Sync ${syncs}`);
    if (to === 'NotExist') {
      const active = this.ranges.get(resourceKey({ kind: what === 'goroutine' ? 'Goroutine' : 'Proc', id })) ?? [];
      if (active.length > 0) this.fail('died-with-ranges', `${what} ${id} transitions to NotExist with active ranges ${JSON.stringify(active)}`);
    }
    let state = known.get(id);
    if (state === undefined) {
      if (from !== 'Undetermined' && from !== 'NotExist') {
        this.fail('state-from', `${what} ${id}, first seen, transitions from ${from} (expected Undetermined or NotExist)`);
      }
      state = { state: to, binding: undefined };
      known.set(id, state);
    } else {
      if (from !== state.state) this.fail('state-from', `${what} ${id} transitions from ${from}, but its last transition left it ${state.state}`);
      state.state = to;
    }
    return state;
  }

  private goTransition(ev: StateTransitionEvent & GoStateTransition): void {
    const id = ev.resource.id;
    const state = this.transition('goroutine', id, ev.from, ev.to, this.goroutines);
    if (goExecuting(ev.to)) {
      // Traces converted from the old format (before Go 1.22) do not say which thread a goroutine found
      // in a syscall is on.
      const lenient = this.goVersion < 22 && ev.from === 'Undetermined' && ev.to === 'Syscall';
      const ctx = this.threadContext(ev.thread, lenient);
      if (ctx !== undefined) {
        if (ctx.goroutine !== NO_GOROUTINE && ctx.goroutine !== id) {
          this.fail('sched-start', `goroutine ${id} starts executing on thread ${ev.thread}, which is executing goroutine ${ctx.goroutine}`);
        }
        ctx.goroutine = id;
        state.binding = ctx;
      }
    } else if (goExecuting(ev.from)) {
      // The goroutine stopping is the one the event happened on, so the two stacks are the same stack.
      // Stacks of one event belong to one generation, so their IDs compare.
      if (ev.transitionStack.id !== ev.stack.id) {
        this.fail('transition-stack', `goroutine ${id} stops executing with transition stack ${ev.transitionStack.id}, but the event's stack is ${ev.stack.id}`);
      }
      const ctx = state.binding;
      if (ctx === undefined) {
        this.fail('sched-stop', `goroutine ${id} stops executing but was not started on any thread`);
      } else {
        if (ctx.goroutine !== id) this.fail('sched-stop', `goroutine ${id} stops executing, but its thread ${ctx.thread} is executing goroutine ${ctx.goroutine}`);
        ctx.goroutine = NO_GOROUTINE;
        state.binding = undefined;
      }
    }
  }

  private procTransition(ev: StateTransitionEvent & ProcStateTransition): void {
    const id = ev.resource.id;
    const state = this.transition('proc', id, ev.from, ev.to, this.procs);
    if (procExecuting(ev.to)) {
      const ctx = this.threadContext(ev.thread, false);
      if (ctx !== undefined) {
        if (ctx.proc !== NO_PROC && ctx.proc !== id) this.fail('sched-start', `proc ${id} starts running on thread ${ev.thread}, which holds proc ${ctx.proc}`);
        ctx.proc = id;
        state.binding = ctx;
      }
    } else if (procExecuting(ev.from)) {
      const ctx = state.binding;
      if (ctx === undefined) {
        this.fail('sched-stop', `proc ${id} stops running but was not started on any thread`);
      } else {
        if (ctx.proc !== id) this.fail('sched-stop', `proc ${id} stops running, but its thread ${ctx.thread} holds proc ${ctx.proc}`);
        ctx.proc = NO_PROC;
        state.binding = undefined;
      }
    }
  }

  /** The sched context of `thread`, created on first use; undefined (after reporting) when there is no thread. */
  private threadContext(thread: number, lenient: boolean): SchedContext | undefined {
    if (thread === NO_THREAD && !lenient) {
      this.fail('thread-missing', 'a goroutine or proc starts executing on no thread');
      return undefined;
    }
    let ctx = this.threads.get(thread);
    if (ctx === undefined) {
      ctx = { thread, proc: NO_PROC, goroutine: NO_GOROUTINE };
      this.threads.set(thread, ctx);
    }
    return ctx;
  }

  private hasRange(r: ResourceID, name: string): boolean {
    return this.ranges.get(resourceKey(r))?.includes(name) ?? false;
  }

  private addRange(r: ResourceID, name: string): void {
    const key = resourceKey(r);
    const list = this.ranges.get(key);
    if (list === undefined) this.ranges.set(key, [name]);
    else list.push(name);
  }

  /** Removes one activation of the range; false if it was not active. */
  private deleteRange(r: ResourceID, name: string): boolean {
    const list = this.ranges.get(resourceKey(r));
    const i = list?.indexOf(name) ?? -1;
    if (list === undefined || i < 0) return false;
    list.splice(i, 1);
    return true;
  }
}

function isUint64(v: unknown): boolean {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0;
  if (typeof v === 'bigint') return v >= 0n && v < 1n << 64n;
  return false;
}

/**
 * Validates a whole stream of events.
 * @throws TraceValidationError at the first event that breaks a rule.
 */
export function validateTrace(events: Iterable<Event>, options?: TraceValidatorOptions): void {
  const v = new TraceValidator(options);
  for (const ev of events) v.event(ev);
}

/**
 * Validates a whole stream of events delivered asynchronously (or synchronously).
 * @throws TraceValidationError at the first event that breaks a rule (as a rejected promise).
 */
export async function validateTraceAsync(events: AsyncIterable<Event> | Iterable<Event>, options?: TraceValidatorOptions): Promise<void> {
  const v = new TraceValidator(options);
  for await (const ev of events) v.event(ev);
}
