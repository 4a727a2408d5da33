/**
 * The events of an execution trace as a tool sees them: ordered, validated, with Go's meaning.
 *
 * These are the TypeScript counterparts of golang.org/x/exp/trace's `Event` and its kind-specific views.
 * Each event is a plain object; `kind` tells which view it is. IDs of goroutines, procs, threads and tasks
 * are `number`s with Go's int64 meaning (−1 for "none"); the reader rejects an ID beyond 2^53 rather than
 * round it.
 * @module
 */

import type { ArgValue } from '../wire/varint.js';
import type { StackFrame } from '../wire/generation.js';

/** No goroutine (Go's `NoGoroutine`). */
export const NO_GOROUTINE = -1;
/** No proc (Go's `NoProc`). */
export const NO_PROC = -1;
/** No thread (Go's `NoThread`). */
export const NO_THREAD = -1;
/** No task (Go's `NoTask`, 2^64−1 as a uint64, which is −1 as an int64). */
export const NO_TASK = -1;
/** The background task (Go's `BackgroundTask`): the task of regions and logs outside any task. */
export const BACKGROUND_TASK = 0;

/** The state of a goroutine, as Go's `GoState` prints it. */
export type GoState = 'Undetermined' | 'NotExist' | 'Runnable' | 'Running' | 'Waiting' | 'Syscall';

/** The state of a proc (a P), as Go's `ProcState` prints it. */
export type ProcState = 'Undetermined' | 'NotExist' | 'Running' | 'Idle';

/** What a resource ID names. */
export type ResourceKind = 'None' | 'Goroutine' | 'Proc' | 'Thread';

/** A goroutine, proc or thread, or nothing: the scope of a range, the subject of a transition or label. */
export type ResourceID = NoResource | SomeResource;

/** No resource. */
export interface NoResource {
  /** Discriminant. */
  readonly kind: 'None';
}

/** A goroutine, proc or thread by ID. */
export interface SomeResource {
  /** What the ID names. */
  readonly kind: 'Goroutine' | 'Proc' | 'Thread';
  /** The goroutine, proc or thread ID. */
  readonly id: number;
}

/** The resource of "nothing" (the scope of the GC mark phase, which belongs to no goroutine or proc). */
export const NO_RESOURCE: ResourceID = Object.freeze({ kind: 'None' });

/**
 * A stack: frames innermost first. Stacks are shared: every event of a generation that names the same stack
 * ID gets the same object, so comparing stacks by identity within a generation is cheap.
 */
export interface Stack {
  /** The stack's ID in its generation's stack table; 0 for {@link NO_STACK}. Not comparable across generations. */
  readonly id: number;
  /** The frames, innermost first. */
  readonly frames: readonly StackFrame[];
}

/** The empty stack (Go's `NoStack`). */
export const NO_STACK: Stack = Object.freeze({ id: 0, frames: Object.freeze([]) as readonly StackFrame[] });

/**
 * A value carried by an event (Go's `Value`): an unsigned 64-bit integer (`number` below 2^53, else
 * `bigint`) or a string.
 */
export type Value = ArgValue | string;

/** The names of every event kind, as Go's `EventKind` prints them. */
export type EventKind = Event['kind'];

/** What every event has. */
export interface EventCommon {
  /**
   * When it happened, in nanoseconds on the trace clock, computed as Go computes it (ticks × float64
   * nanoseconds per tick, truncated; strictly increasing across the trace). Exact while below 2^53 ns
   * (104 days of the tick clock, which on most systems counts from boot); beyond that, the nearest double.
   */
  time: number;
  /** The goroutine running on the thread when it happened, or {@link NO_GOROUTINE}. */
  readonly goroutine: number;
  /** The proc held by the thread when it happened, or {@link NO_PROC}. */
  readonly proc: number;
  /** The thread (M) it happened on, or {@link NO_THREAD}. */
  readonly thread: number;
  /** Where it happened (for a StackSample, the sampled stack); {@link NO_STACK} when there is none. */
  readonly stack: Stack;
}

/** The trace clock read together with the monotonic and wall clocks (Go 1.25+), once per generation. */
export interface SyncClock {
  /** The trace clock, as an event time in nanoseconds. */
  readonly trace: number;
  /** The monotonic clock, in nanoseconds. */
  readonly mono: ArgValue;
  /** The wall clock: seconds since the Unix epoch (normalized as Go's `time.Unix`). */
  readonly wallSec: number | bigint;
  /** The wall clock: nanoseconds within the second, 0–999999999. */
  readonly wallNsec: number;
}

/** An experimental batch as Go's reader hands it on: the thread that wrote it and its bytes. */
export interface ExperimentalBatchView {
  /** The thread (M) that wrote it. */
  readonly thread: number;
  /** Its body, whose layout belongs to the experiment. */
  readonly data: Uint8Array;
}

/**
 * The start of a generation, and the end of the trace. The first and last events are always Sync events,
 * and one more precedes every later generation.
 */
export interface SyncEvent extends EventCommon {
  /** Discriminant: a Sync event. */
  readonly kind: 'Sync';
  /** 1 for the first Sync of the trace, then 2, 3, … */
  readonly n: number;
  /** The generation's clock snapshot (Go 1.25+); absent on the final Sync. */
  readonly clockSnapshot: SyncClock | undefined;
  /**
   * The generation's experimental batches by experiment name; absent on the final Sync (an empty map when
   * the generation has none).
   */
  readonly experimentalBatches: ReadonlyMap<string, readonly ExperimentalBatchView[]> | undefined;
}

/** A sampled runtime metric: GOMAXPROCS, heap in use, heap goal. */
export interface MetricEvent extends EventCommon {
  /** Discriminant: a Metric event. */
  readonly kind: 'Metric';
  /** The metric's runtime/metrics name, e.g. `/gc/heap/goal:bytes`. */
  readonly name: string;
  /** Its value. */
  readonly value: ArgValue;
}

/** A label attached to a goroutine (for example, by the GC to name its worker goroutines). */
export interface LabelEvent extends EventCommon {
  /** Discriminant: a Label event. */
  readonly kind: 'Label';
  /** The label. */
  readonly label: string;
  /** The goroutine it applies to. */
  readonly resource: ResourceID;
}

/** A named attribute recorded when a range ends (e.g. bytes swept). */
export interface RangeAttribute {
  /** Its name. */
  readonly name: string;
  /** Its value. */
  readonly value: Value;
}

/** The beginning of a special range of time: stop-the-world, GC mark phase, sweep, mark assist. */
export interface RangeBeginEvent extends EventCommon {
  /** Discriminant: a RangeBegin event. */
  readonly kind: 'RangeBegin';
  /** The range's name, e.g. `GC concurrent mark phase` or `stop-the-world (GC sweep termination)`. */
  readonly name: string;
  /** What the range belongs to. */
  readonly scope: ResourceID;
}

/** A range already in progress when the generation (or the trace) began. */
export interface RangeActiveEvent extends EventCommon {
  /** Discriminant: a RangeActive event. */
  readonly kind: 'RangeActive';
  /** The range's name. */
  readonly name: string;
  /** What the range belongs to. */
  readonly scope: ResourceID;
}

/** The end of a special range of time. */
export interface RangeEndEvent extends EventCommon {
  /** Discriminant: a RangeEnd event. */
  readonly kind: 'RangeEnd';
  /** The range's name. */
  readonly name: string;
  /** What the range belongs to. */
  readonly scope: ResourceID;
  /** What the runtime recorded about the range as it ended (possibly nothing). */
  readonly attributes: readonly RangeAttribute[];
}

/** The start of a user task (runtime/trace.NewTask). */
export interface TaskBeginEvent extends EventCommon {
  /** Discriminant: a TaskBegin event. */
  readonly kind: 'TaskBegin';
  /** The task's ID. */
  readonly id: number;
  /** Its parent task, or {@link NO_TASK}. */
  readonly parent: number;
  /** Its type (the name given to NewTask). */
  readonly type: string;
}

/** The end of a user task. Parent and type are known only when the reader saw the task begin. */
export interface TaskEndEvent extends EventCommon {
  /** Discriminant: a TaskEnd event. */
  readonly kind: 'TaskEnd';
  /** The task's ID. */
  readonly id: number;
  /** Its parent task, or {@link NO_TASK} (also when its beginning was not seen). */
  readonly parent: number;
  /** Its type, or "" when its beginning was not seen. */
  readonly type: string;
}

/** The start of a user region (runtime/trace.WithRegion, StartRegion). */
export interface RegionBeginEvent extends EventCommon {
  /** Discriminant: a RegionBegin event. */
  readonly kind: 'RegionBegin';
  /** The task it belongs to ({@link BACKGROUND_TASK} for none). */
  readonly task: number;
  /** The region's type (its name). */
  readonly type: string;
}

/** The end of a user region. */
export interface RegionEndEvent extends EventCommon {
  /** Discriminant: a RegionEnd event. */
  readonly kind: 'RegionEnd';
  /** The task it belongs to. */
  readonly task: number;
  /** The region's type (its name). */
  readonly type: string;
}

/** A user log message (runtime/trace.Log). */
export interface LogEvent extends EventCommon {
  /** Discriminant: a Log event. */
  readonly kind: 'Log';
  /** The task it belongs to. */
  readonly task: number;
  /** Its category (key). */
  readonly category: string;
  /** The message. */
  readonly message: string;
}

/** A CPU profile sample taken while tracing; `stack` is the sampled stack. */
export interface StackSampleEvent extends EventCommon {
  /** Discriminant: a StackSample event. */
  readonly kind: 'StackSample';
}

/** A goroutine as the subject of a state transition. */
export interface GoroutineResource extends SomeResource {
  /** Discriminant: a goroutine. */
  readonly kind: 'Goroutine';
}

/** A proc as the subject of a state transition. */
export interface ProcResource extends SomeResource {
  /** Discriminant: a proc. */
  readonly kind: 'Proc';
}

/** A goroutine changing state. */
export interface GoStateTransition {
  /** The goroutine. */
  readonly resource: GoroutineResource;
  /** Its state before. */
  readonly from: GoState;
  /** Its state after. */
  readonly to: GoState;
}

/** A proc changing state. */
export interface ProcStateTransition {
  /** The proc. */
  readonly resource: ProcResource;
  /** Its state before. */
  readonly from: ProcState;
  /** Its state after. */
  readonly to: ProcState;
}

/**
 * A goroutine or proc changing state. `stack` is where the event happened; `transitionStack` is the stack
 * of the resource that changed (for a goroutine creation, where the new goroutine starts; for a status at
 * the start of a generation, where the goroutine is).
 */
export type StateTransitionEvent = EventCommon &
  (GoStateTransition | ProcStateTransition) & {
    /** Discriminant: a StateTransition event. */
    readonly kind: 'StateTransition';
    /** Why, when the runtime says (e.g. `chan receive`, `preempted`); "" otherwise. */
    readonly reason: string;
    /** The stack of the resource that changed; {@link NO_STACK} when not recorded. */
    readonly transitionStack: Stack;
  };

/** One argument of an experimental event. */
export interface ExperimentalArg {
  /** Its name in the event's spec (e.g. `id`, `npages_value`). */
  readonly name: string;
  /** Its value; arguments whose name ends in `string` are resolved to the string. */
  readonly value: Value;
}

/** An event of an experiment (e.g. AllocFree's heap object allocations), with its arguments by name. */
export interface ExperimentalEvent extends EventCommon {
  /** Discriminant: a Experimental event. */
  readonly kind: 'Experimental';
  /** The event type's name, e.g. `HeapObjectAlloc`. */
  readonly name: string;
  /** The experiment's name, e.g. `AllocFree`. */
  readonly experiment: string;
  /** The arguments after the timestamp. */
  readonly args: readonly ExperimentalArg[];
}

/** An event of an execution trace: a discriminated union on `kind`, with Go's meaning. */
export type Event =
  | SyncEvent
  | MetricEvent
  | LabelEvent
  | StackSampleEvent
  | RangeBeginEvent
  | RangeActiveEvent
  | RangeEndEvent
  | TaskBeginEvent
  | TaskEndEvent
  | RegionBeginEvent
  | RegionEndEvent
  | LogEvent
  | StateTransitionEvent
  | ExperimentalEvent;

/** Every event kind, in Go's `EventKind` order. */
export const EVENT_KINDS: readonly EventKind[] = Object.freeze([
  'Sync',
  'Metric',
  'Label',
  'StackSample',
  'RangeBegin',
  'RangeActive',
  'RangeEnd',
  'TaskBegin',
  'TaskEnd',
  'RegionBegin',
  'RegionEnd',
  'Log',
  'StateTransition',
  'Experimental',
]);
