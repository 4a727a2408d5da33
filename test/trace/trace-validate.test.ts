// The trace validator's own logic, on small hand-built event streams. Each valid stream is one Go's
// validator (internal/trace/testtrace/validation.go) accepts too; each invalid one ends with an event
// breaking exactly one of its rules.

import { describe, expect, test } from 'vitest';
import {
  NO_GOROUTINE,
  NO_PROC,
  NO_RESOURCE,
  NO_STACK,
  NO_TASK,
  NO_THREAD,
  type SyncClock,
  type Event,
  type GoState,
  type ProcState,
  type ResourceID,
  type Stack,
  type StateTransitionEvent,
} from '../../src/trace/events/event.js';
import type { StackFrame } from '../../src/trace/wire/generation.js';
import {
  TRACE_RULES,
  TraceValidationError,
  TraceValidator,
  validateTrace,
  validateTraceAsync,
  type TraceRule,
  type TraceValidatorOptions,
  type TraceViolation,
} from '../support/trace-validate.js';

const frame = (pc: bigint, func: string, file: string, line: number): StackFrame => ({ pc, funcId: 1, fileId: 2, line, func, file });
const S1: Stack = { id: 1, frames: [frame(0x401000n, 'main.worker', '/src/main.go', 12), frame(0x402000n, 'main.main', '/src/main.go', 30)] };
// Go's validator exempts the first frame, which the runtime sometimes records all zero.
const S2: Stack = { id: 2, frames: [frame(0n, '', '', 0), frame(0x403000n, 'runtime.goexit', '/go/asm_amd64.s', 1700)] };
const G = (id: number): ResourceID => ({ kind: 'Goroutine', id });
const clock = (trace: number, mono: number | bigint, wallSec: number | bigint, wallNsec: number): SyncClock => ({ trace, mono, wallSec, wallNsec });

interface Ctx {
  readonly m?: number;
  readonly p?: number;
  readonly g?: number;
  readonly stack?: Stack;
}

/** Builds events 10 ns apart (or at a chosen time) on thread 1 and proc 0 unless told otherwise. */
class Events {
  private time = 0;

  /** The next event happens at `t`. */
  at(t: number): this {
    this.time = t - 10;
    return this;
  }

  private common(c: Ctx = {}) {
    this.time += 10;
    return { time: this.time, thread: c.m ?? 1, proc: c.p ?? 0, goroutine: c.g ?? NO_GOROUTINE, stack: c.stack ?? NO_STACK };
  }

  sync(n: number, clockSnapshot?: SyncClock): Event {
    return { ...this.common({ m: NO_THREAD, p: NO_PROC }), kind: 'Sync', n, clockSnapshot, experimentalBatches: new Map() };
  }

  go(id: number, from: GoState, to: GoState, c: Ctx & { readonly transitionStack?: Stack } = {}): StateTransitionEvent {
    const common = this.common(c);
    return { ...common, kind: 'StateTransition', resource: { kind: 'Goroutine', id }, from, to, reason: '', transitionStack: c.transitionStack ?? common.stack };
  }

  proc(id: number, from: ProcState, to: ProcState, c: Ctx = {}): StateTransitionEvent {
    return { ...this.common(c), kind: 'StateTransition', resource: { kind: 'Proc', id }, from, to, reason: '', transitionStack: NO_STACK };
  }

  metric(name: string, value: number | bigint): Event {
    return { ...this.common(), kind: 'Metric', name, value };
  }

  label(label: string, resource: ResourceID): Event {
    return { ...this.common(), kind: 'Label', label, resource };
  }

  rangeBegin(name: string, scope: ResourceID): Event {
    return { ...this.common(), kind: 'RangeBegin', name, scope };
  }

  rangeActive(name: string, scope: ResourceID): Event {
    return { ...this.common(), kind: 'RangeActive', name, scope };
  }

  rangeEnd(name: string, scope: ResourceID): Event {
    return { ...this.common(), kind: 'RangeEnd', name, scope, attributes: [] };
  }

  taskBegin(id: number, parent: number, type: string): Event {
    return { ...this.common({ g: 1 }), kind: 'TaskBegin', id, parent, type };
  }

  taskEnd(id: number, type: string): Event {
    return { ...this.common({ g: 1 }), kind: 'TaskEnd', id, parent: NO_TASK, type };
  }

  regionBegin(task: number, type: string): Event {
    return { ...this.common({ g: 1 }), kind: 'RegionBegin', task, type };
  }

  regionEnd(task: number, type: string): Event {
    return { ...this.common({ g: 1 }), kind: 'RegionEnd', task, type };
  }

  log(task: number, category: string, message: string): Event {
    return { ...this.common({ g: 1, stack: S1 }), kind: 'Log', task, category, message };
  }

  sample(stack: Stack): Event {
    return { ...this.common({ g: 1, stack }), kind: 'StackSample' };
  }

  experimental(): Event {
    return { ...this.common(), kind: 'Experimental', name: 'HeapObjectAlloc', experiment: 'AllocFree', args: [{ name: 'addr', value: 4096 }] };
  }
}

/** The first generation's start: proc 0 running on thread 1, goroutine 1 running on it. */
function running(e: Events): Event[] {
  return [e.sync(1, clock(5, 100, 1_700_000_000, 5)), e.proc(0, 'Undetermined', 'Running'), e.go(1, 'Undetermined', 'Running', { g: 1, transitionStack: S1 })];
}

/** Feeds every event; returns the violations of each event that broke a rule, by index. */
function run(events: readonly Event[], options?: TraceValidatorOptions): Map<number, readonly TraceViolation[]> {
  const v = new TraceValidator(options);
  const broken = new Map<number, readonly TraceViolation[]>();
  for (const ev of events) {
    try {
      v.event(ev);
    } catch (err) {
      if (!(err instanceof TraceValidationError)) throw err;
      broken.set(err.index, err.violations);
    }
  }
  return broken;
}

/** Expects only the last event to fail, breaking exactly `rule`, and returns its message. */
function onlyLastBreaks(events: readonly Event[], rule: TraceRule, options?: TraceValidatorOptions): string {
  const broken = run(events, options);
  expect([...broken.keys()]).toEqual([events.length - 1]);
  const violations = broken.get(events.length - 1) ?? [];
  expect(violations.map((v) => v.rule)).toEqual([rule]);
  return violations[0]?.message ?? '';
}

describe('TraceValidator accepts', () => {
  test('a two-generation stream touching every event kind', () => {
    const e = new Events();
    const events: Event[] = [
      ...running(e),
      e.proc(1, 'Undetermined', 'Idle', { m: NO_THREAD, p: NO_PROC }),
      e.go(2, 'Undetermined', 'Waiting', { m: NO_THREAD, p: NO_PROC, transitionStack: S1 }),
      e.metric('/sched/gomaxprocs:threads', 2),
      e.metric('/gc/heap/goal:bytes', 2n ** 63n),
      e.rangeBegin('GC concurrent mark phase', NO_RESOURCE),
      e.label('GC (dedicated)', G(2)),
      e.rangeBegin('GC mark assist', G(1)),
      e.taskBegin(1, NO_TASK, 'work'),
      e.regionBegin(1, 'step'),
      e.log(1, 'category', 'message'),
      e.regionEnd(1, 'step'),
      e.taskEnd(1, 'work'),
      // A task whose beginning is not in the trace may end with any type.
      e.taskEnd(7, 'unseen'),
      e.rangeEnd('GC mark assist', G(1)),
      e.go(3, 'NotExist', 'Runnable', { g: 1, stack: S1, transitionStack: S2 }),
      e.go(1, 'Running', 'Waiting', { g: 1, stack: S1 }),
      e.go(3, 'Runnable', 'Running', { g: 3 }),
      e.sample(S2),
      e.go(3, 'Running', 'Syscall', { g: 3, stack: S1 }),
      e.proc(0, 'Running', 'Idle', { g: 3 }),
      e.proc(1, 'Idle', 'Running', { m: 2, p: 1 }),
      e.sync(2, clock(250, 300, 1_700_000_000, 900)),
      e.rangeActive('GC concurrent mark phase', NO_RESOURCE),
      e.go(3, 'Syscall', 'Running', { g: 3 }),
      e.proc(0, 'Idle', 'Running', { g: 3 }),
      e.go(3, 'Running', 'NotExist', { g: 3, stack: S1 }),
      e.rangeEnd('GC concurrent mark phase', NO_RESOURCE),
      e.experimental(),
      // The Sync that ends the trace belongs to no generation and has no clock snapshot.
      e.sync(3),
    ];
    expect(run(events)).toEqual(new Map());
    expect(() => validateTrace(events)).not.toThrow();
  });

  test('a range first seen as active may end, and is announced again without beginning twice', () => {
    const e = new Events();
    const events = [
      ...running(e),
      e.rangeActive('GC mark assist', G(1)),
      e.rangeActive('GC mark assist', G(1)),
      e.rangeEnd('GC mark assist', G(1)),
      // One end closed it: the goroutine may exit.
      e.go(1, 'Running', 'NotExist', { g: 1, stack: S1 }),
    ];
    expect(run(events)).toEqual(new Map());
  });

  test('the same range on two resources is two ranges', () => {
    const e = new Events();
    const events = [
      ...running(e),
      e.rangeBegin('GC mark assist', G(1)),
      e.rangeBegin('GC mark assist', G(2)),
      e.rangeEnd('GC mark assist', G(2)),
      e.rangeEnd('GC mark assist', G(1)),
    ];
    expect(run(events)).toEqual(new Map());
  });

  test('before Go 1.25, Syncs need no clock snapshot', () => {
    const e = new Events();
    const events = [e.sync(1), e.sync(2)];
    expect(run(events, { goVersion: 23 })).toEqual(new Map());
    expect(run(events, { goVersion: '1.22' })).toEqual(new Map());
    // The same stream from Go 1.25 on lacks the first snapshot.
    onlyLastBreaks(events.slice(0, 1), 'clock-snapshot-missing', { goVersion: 25 });
  });

  test('before Go 1.22, a goroutine first seen in a syscall may have no thread', () => {
    const e = new Events();
    const events = [e.sync(1), e.go(5, 'Undetermined', 'Syscall', { m: NO_THREAD, p: NO_PROC })];
    expect(run(events, { goVersion: 21 })).toEqual(new Map());
    // From Go 1.22 on it must have one.
    expect(onlyLastBreaks(events, 'thread-missing', { goVersion: 22 })).toMatch(/no thread/);
  });

  test('skipClockSnapshotChecks skips only the order of snapshots', () => {
    const e = new Events();
    const events = [e.sync(1, clock(5, 100, 1_700_000_000, 5)), e.sync(2, clock(5, 100, 1_700_000_000, 5))];
    expect(run(events, { skipClockSnapshotChecks: true })).toEqual(new Map());
    const missing = [new Events().sync(1)];
    expect(onlyLastBreaks(missing, 'clock-snapshot-missing', { skipClockSnapshotChecks: true })).toMatch(/Sync 1 has no clock snapshot/);
  });

  test('validateTraceAsync takes async and sync iterables', async () => {
    const e = new Events();
    const events = running(e);
    async function* gen() {
      yield* events;
    }
    await expect(validateTraceAsync(gen())).resolves.toBeUndefined();
    await expect(validateTraceAsync(events)).resolves.toBeUndefined();
  });
});

describe('TraceValidator rejects', () => {
  test('an event not after the previous one (time-order), and measures the next against the last good time', () => {
    const e = new Events();
    const events = [...running(e), e.at(25).metric('/sched/gomaxprocs:threads', 2)];
    expect(onlyLastBreaks(events, 'time-order')).toBe("time 25 ns is not after the previous event's 30 ns");
    // Equal times break the rule too.
    const same = [...running(new Events()), new Events().at(30).metric('/sched/gomaxprocs:threads', 2)];
    expect(onlyLastBreaks(same, 'time-order')).toMatch(/not after/);
    // The late event did not move the baseline: 35 is after 30.
    const late = [...events, new Events().at(35).metric('/sched/gomaxprocs:threads', 2)];
    expect([...run(late).keys()]).toEqual([3]);
  });

  test.each([
    ['function', frame(0x1n, '', 'a.go', 1)],
    ['file', frame(0x1n, 'f', '', 1)],
    ['PC', frame(0n, 'f', 'a.go', 1)],
    ['line', frame(0x1n, 'f', 'a.go', 0)],
  ])('a frame after the first with no %s (stack-frame)', (what, bad) => {
    const e = new Events();
    const stack: Stack = { id: 9, frames: [S1.frames[0]!, bad] };
    expect(onlyLastBreaks([...running(e), e.sample(stack)], 'stack-frame')).toMatch(new RegExp(`^frame 1 of stack 9 .* has no ${what}$`));
  });

  test("a bad frame in a transition's own stack (stack-frame)", () => {
    const e = new Events();
    const bad: Stack = { id: 9, frames: [S1.frames[0]!, frame(0x1n, 'f', '', 1)] };
    onlyLastBreaks([...running(e), e.go(4, 'NotExist', 'Runnable', { g: 1, stack: S1, transitionStack: bad })], 'stack-frame');
  });

  test('Syncs out of sequence (sync-number)', () => {
    const e = new Events();
    expect(onlyLastBreaks([e.sync(1, clock(5, 100, 10, 0)), e.sync(3, clock(50, 200, 11, 0))], 'sync-number')).toBe('Sync number 3, expected 2');
    expect(onlyLastBreaks([new Events().sync(2, clock(5, 100, 10, 0))], 'sync-number')).toBe('Sync number 2, expected 1');
  });

  test('a first Sync without clock snapshot from Go 1.25 (clock-snapshot-missing)', () => {
    expect(onlyLastBreaks([new Events().sync(1)], 'clock-snapshot-missing', { goVersion: 25 })).toBe('Sync 1 has no clock snapshot');
  });

  test.each([
    ['wall', clock(5, 100, -62135596800, 0)],
    ['monotonic', clock(5, 0, 10, 0)],
    ['trace', clock(0, 100, 10, 0)],
  ])('a zero %s time in a clock snapshot (clock-snapshot-zero)', (what, snap) => {
    expect(onlyLastBreaks([new Events().sync(1, snap)], 'clock-snapshot-zero')).toBe(`Sync 1 has a zero ${what} time`);
  });

  test('a wall time of the Unix epoch is not zero (Go zero time is year 1)', () => {
    expect(run([new Events().sync(1, clock(5, 100, 0, 0))])).toEqual(new Map());
  });

  test.each([
    ['wall', clock(50, 200, 10, 5)],
    ['wall', clock(50, 200, 9, 999_999_999)],
    ['monotonic', clock(50, 100n, 11, 0)],
    ['trace', clock(5, 200, 11, 0)],
  ])('a %s time not after the previous snapshot (clock-snapshot-order)', (what, snap) => {
    const e = new Events();
    const events = [e.sync(1, clock(5, 100, 10, 5)), e.sync(2, snap)];
    expect(onlyLastBreaks(events, 'clock-snapshot-order')).toMatch(new RegExp(`^Sync 2 has ${what} time .* not after`));
    expect(run(events, { skipClockSnapshotChecks: true })).toEqual(new Map());
  });

  test('a metric name without unit (metric-name)', () => {
    const e = new Events();
    expect(onlyLastBreaks([...running(e), e.metric('gomaxprocs', 2)], 'metric-name')).toBe('metric name "gomaxprocs" has no ":unit"');
  });

  test.each([-1, 1.5, 2 ** 53, 2n ** 64n, -1n])('a metric value %s that is no uint64 (metric-value)', (value) => {
    const e = new Events();
    onlyLastBreaks([...running(e), e.metric('/sched/gomaxprocs:threads', value)], 'metric-value');
  });

  test('an empty label (label-text)', () => {
    const e = new Events();
    expect(onlyLastBreaks([...running(e), e.label('', G(1))], 'label-text')).toBe('empty label');
  });

  test.each([
    ['no resource', NO_RESOURCE, /^label applies to no resource$/],
    ['an unseen goroutine', G(5), /^label for goroutine 5, which has not been seen$/],
    ['an unseen proc', { kind: 'Proc', id: 3 } as const, /^label for proc 3/],
    ['an unseen thread', { kind: 'Thread', id: 2 } as const, /^label for thread 2/],
  ])('a label for %s (label-resource)', (_, resource, message) => {
    const e = new Events();
    expect(onlyLastBreaks([...running(e), e.label('x', resource)], 'label-resource')).toMatch(message);
  });

  test('labels for a seen proc and thread are accepted', () => {
    const e = new Events();
    expect(run([...running(e), e.label('x', { kind: 'Proc', id: 0 }), e.label('y', { kind: 'Thread', id: 1 })])).toEqual(new Map());
  });

  test('a transition to Undetermined (state-to-undetermined)', () => {
    const e = new Events();
    expect(onlyLastBreaks([...running(e), e.go(2, 'NotExist', 'Undetermined')], 'state-to-undetermined')).toBe('goroutine 2 transitions to Undetermined');
    const p = new Events();
    expect(onlyLastBreaks([...running(p), p.proc(1, 'NotExist', 'Undetermined')], 'state-to-undetermined')).toBe('proc 1 transitions to Undetermined');
  });

  test('a transition from Undetermined after the second Sync (state-undetermined-late)', () => {
    const e = new Events();
    const events = [...running(e), e.sync(2, clock(50, 200, 1_700_000_001, 0)), e.go(9, 'Undetermined', 'Runnable')];
    expect(onlyLastBreaks(events, 'state-undetermined-late')).toBe('goroutine 9 transitions from Undetermined after Sync 2');
    const p = new Events();
    onlyLastBreaks([...running(p), p.sync(2, clock(50, 200, 1_700_000_001, 0)), p.proc(4, 'Undetermined', 'Idle')], 'state-undetermined-late');
  });

  test("a from-state that is not the last transition's to-state (state-from)", () => {
    const e = new Events();
    expect(onlyLastBreaks([...running(e), e.go(2, 'NotExist', 'Runnable'), e.go(2, 'Waiting', 'Runnable')], 'state-from')).toBe(
      'goroutine 2 transitions from Waiting, but its last transition left it Runnable',
    );
    const p = new Events();
    expect(onlyLastBreaks([...running(p), p.proc(1, 'NotExist', 'Idle'), p.proc(1, 'NotExist', 'Idle')], 'state-from')).toMatch(/^proc 1 transitions from NotExist/);
  });

  test('a first sighting from a state other than Undetermined or NotExist (state-from)', () => {
    const e = new Events();
    expect(onlyLastBreaks([...running(e), e.go(2, 'Waiting', 'Runnable')], 'state-from')).toBe(
      'goroutine 2, first seen, transitions from Waiting (expected Undetermined or NotExist)',
    );
    const p = new Events();
    onlyLastBreaks([...running(p), p.proc(1, 'Idle', 'Idle')], 'state-from');
  });

  test('a goroutine dying with an active range (died-with-ranges)', () => {
    const e = new Events();
    const events = [...running(e), e.rangeBegin('GC mark assist', G(1)), e.go(1, 'Running', 'NotExist', { g: 1, stack: S1 })];
    expect(onlyLastBreaks(events, 'died-with-ranges')).toBe('goroutine 1 transitions to NotExist with active ranges ["GC mark assist"]');
  });

  test('a proc dying with an active range (died-with-ranges)', () => {
    const e = new Events();
    const events = [
      ...running(e),
      e.proc(1, 'NotExist', 'Idle', { m: NO_THREAD }),
      e.rangeBegin('GC sweep', { kind: 'Proc', id: 1 }),
      e.proc(1, 'Idle', 'NotExist', { m: NO_THREAD }),
    ];
    onlyLastBreaks(events, 'died-with-ranges');
  });

  test('a goroutine or proc starting to execute on no thread (thread-missing)', () => {
    const e = new Events();
    onlyLastBreaks([...running(e), e.go(2, 'NotExist', 'Running', { m: NO_THREAD })], 'thread-missing');
    const p = new Events();
    onlyLastBreaks([...running(p), p.proc(1, 'NotExist', 'Running', { m: NO_THREAD })], 'thread-missing');
  });

  test('a second goroutine or proc executing on one thread (sched-start)', () => {
    const e = new Events();
    expect(onlyLastBreaks([...running(e), e.go(2, 'NotExist', 'Running', { g: 2 })], 'sched-start')).toBe(
      'goroutine 2 starts executing on thread 1, which is executing goroutine 1',
    );
    const p = new Events();
    expect(onlyLastBreaks([...running(p), p.proc(1, 'NotExist', 'Running')], 'sched-start')).toBe(
      'proc 1 starts running on thread 1, which holds proc 0',
    );
  });

  test('a goroutine stopping while its thread executes another (sched-stop; the setup breaks sched-start first)', () => {
    const e = new Events();
    const events = [...running(e), e.go(2, 'NotExist', 'Running', { g: 2 }), e.go(1, 'Running', 'Waiting', { g: 1, stack: S1 })];
    const broken = run(events);
    expect(broken.get(3)?.map((v) => v.rule)).toEqual(['sched-start']);
    expect(broken.get(4)).toEqual([{ rule: 'sched-stop', message: 'goroutine 1 stops executing, but its thread 1 is executing goroutine 2' }]);
  });

  test('a proc stopping while its thread holds another (sched-stop; the setup breaks sched-start first)', () => {
    const e = new Events();
    const events = [...running(e), e.proc(1, 'NotExist', 'Running'), e.proc(0, 'Running', 'Idle')];
    const broken = run(events);
    expect(broken.get(3)?.map((v) => v.rule)).toEqual(['sched-start']);
    expect(broken.get(4)).toEqual([{ rule: 'sched-stop', message: 'proc 0 stops running, but its thread 1 holds proc 1' }]);
  });

  test('a goroutine or proc stopping that never started on a thread (sched-stop; the setup breaks thread-missing first)', () => {
    const e = new Events();
    const events = [
      ...running(e),
      e.go(2, 'NotExist', 'Running', { m: NO_THREAD }),
      e.go(2, 'Running', 'Waiting', { m: NO_THREAD }),
      e.proc(1, 'NotExist', 'Running', { m: NO_THREAD }),
      e.proc(1, 'Running', 'Idle', { m: NO_THREAD }),
    ];
    const broken = run(events);
    expect(broken.get(3)?.map((v) => v.rule)).toEqual(['thread-missing']);
    expect(broken.get(4)).toEqual([{ rule: 'sched-stop', message: 'goroutine 2 stops executing but was not started on any thread' }]);
    expect(broken.get(5)?.map((v) => v.rule)).toEqual(['thread-missing']);
    expect(broken.get(6)).toEqual([{ rule: 'sched-stop', message: 'proc 1 stops running but was not started on any thread' }]);
  });

  test("a goroutine stopping with a transition stack other than the event's (transition-stack)", () => {
    const e = new Events();
    expect(onlyLastBreaks([...running(e), e.go(1, 'Running', 'Waiting', { g: 1, stack: S1, transitionStack: S2 })], 'transition-stack')).toBe(
      "goroutine 1 stops executing with transition stack 2, but the event's stack is 1",
    );
  });

  test('a range begun twice on one resource (range-begin)', () => {
    const e = new Events();
    const events = [...running(e), e.rangeBegin('GC concurrent mark phase', NO_RESOURCE), e.rangeBegin('GC concurrent mark phase', NO_RESOURCE)];
    expect(onlyLastBreaks(events, 'range-begin')).toBe(
      'range "GC concurrent mark phase" begins again on no resource while active',
    );
  });

  test('a range ended while not active (range-end), also after it ended once', () => {
    const e = new Events();
    expect(onlyLastBreaks([...running(e), e.rangeEnd('GC mark assist', G(1))], 'range-end')).toBe('range "GC mark assist" ends on goroutine 1 but is not active');
    const f = new Events();
    onlyLastBreaks([...running(f), f.rangeBegin('GC mark assist', G(1)), f.rangeEnd('GC mark assist', G(1)), f.rangeEnd('GC mark assist', G(1))], 'range-end');
    // Active on another resource does not count.
    const g = new Events();
    onlyLastBreaks([...running(g), g.rangeBegin('GC mark assist', G(2)), g.rangeEnd('GC mark assist', G(1))], 'range-end');
  });

  test.each([0, NO_TASK])('a task beginning with ID %d (task-id)', (id) => {
    const e = new Events();
    expect(onlyLastBreaks([...running(e), e.taskBegin(id, NO_TASK, 'work')], 'task-id')).toBe(`task of type "work" has ID ${id}`);
  });

  test('a subtask of the background task (task-parent)', () => {
    const e = new Events();
    expect(onlyLastBreaks([...running(e), e.taskBegin(3, 0, 'work')], 'task-parent')).toBe('task 3 of type "work" has the background task as parent');
  });

  test('a task ending with another type (task-end-type)', () => {
    const e = new Events();
    expect(onlyLastBreaks([...running(e), e.taskBegin(3, NO_TASK, 'work'), e.taskEnd(3, 'play')], 'task-end-type')).toBe(
      'task 3 ends with type "play" but began with "work"',
    );
    // Once ended, the task is forgotten: a second end is not checked.
    const f = new Events();
    expect(run([...running(f), f.taskBegin(3, NO_TASK, 'work'), f.taskEnd(3, 'work'), f.taskEnd(3, 'play')])).toEqual(new Map());
  });
});

describe('TraceValidationError', () => {
  test('names the event and every rule it broke', () => {
    const e = new Events();
    const bad: Stack = { id: 9, frames: [S1.frames[0]!, frame(0x1n, '', 'a.go', 1)] };
    const events = [...running(e), e.at(30).go(2, 'Waiting', 'Undetermined', { m: 3, p: 0, g: 7, stack: bad })];
    const v = new TraceValidator();
    for (const ev of events.slice(0, -1)) v.event(ev);
    let err: unknown;
    try {
      v.event(events[3]!);
    } catch (x) {
      err = x;
    }
    expect(err).toBeInstanceOf(TraceValidationError);
    const t = err as TraceValidationError;
    expect(t.index).toBe(3);
    expect(t.event).toBe(events[3]);
    expect(t.violations.map((x) => x.rule)).toEqual(['time-order', 'stack-frame', 'state-to-undetermined', 'state-from']);
    expect(t.message).toMatch(/^trace validation: event #3 \(StateTransition at 30 ns, M=3 P=0 G=7\):\n {2}\[time-order\] /);
    expect(t.message).toContain('\n  [state-from] goroutine 2, first seen, transitions from Waiting');
    expect(v.eventCount).toBe(4);
  });

  test('validateTrace stops at the first bad event', () => {
    const e = new Events();
    const events = [...running(e), e.metric('bad', 1), e.label('', G(1))];
    expect(() => validateTrace(events)).toThrow('trace validation: event #3 (Metric at 40 ns, M=1 P=0 G=-1): [metric-name] metric name "bad" has no ":unit"');
  });

  test('every rule has a description', () => {
    for (const [rule, text] of Object.entries(TRACE_RULES)) expect(text, rule).not.toBe('');
  });

  test('a bad goVersion is a TypeError', () => {
    expect(() => new TraceValidator({ goVersion: 'go1.22' })).toThrow(TypeError);
    expect(new TraceValidator({ goVersion: '1.25' }).goVersion).toBe(25);
    expect(new TraceValidator().goVersion).toBe(26);
  });
});
