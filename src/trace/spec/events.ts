/**
 * The event types of the Go 1.22+ trace wire format, as data.
 *
 * One table describes every event type the runtime has ever written in this format; each wire version
 * accepts a subset of it (see `versions.ts`). The reader, the writer and the text form all work from this
 * table, so an event's layout is stated exactly once.
 * @module
 */

/**
 * How one event type is laid out on the wire and what its arguments mean.
 *
 * On the wire an event is its type byte, then one unsigned LEB128 varint per entry of `args`; a stack event
 * (`isStack`) is followed by 4 varints per frame (its `nframes` argument says how many frames), and an event
 * with `hasData` ends with a varint length and that many raw bytes.
 */
export interface EventSpec {
  /** The type byte. */
  readonly type: number;
  /** Go's name for the event (without the `Ev` prefix), as the text form prints it. */
  readonly name: string;
  /**
   * Argument names in wire order, as Go's text form prints them. A suffix after the last `_` names the
   * argument's kind (`_string`, `_value`, `_seq`, …); a timed event's first argument is `dt`, the time since
   * the previous event of its batch.
   */
  readonly args: readonly string[];
  /** True for events that appear in per-M batches and carry a `dt` first argument. */
  readonly timed: boolean;
  /** Indices into `args` that are stack IDs; the first is the event's own stack when there are several. */
  readonly stackArgs: readonly number[];
  /** Indices into `args` that are string IDs. */
  readonly stringArgs: readonly number[];
  /** True when the event ends with a varint length and that many bytes of data. */
  readonly hasData: boolean;
  /** True for a stack table entry: `args` are `id, nframes`, then `nframes` frames of pc, func, file, line. */
  readonly isStack: boolean;
  /** The experiment the event belongs to, 0 for none (see {@link Experiment}). */
  readonly experiment: number;
  /** For the end of a time range, the type of the event that starts it; 0 otherwise. */
  readonly startType: number;
}

/** Experiment IDs: which optional, unstable family of events an event or batch belongs to. */
export const Experiment = {
  /** Not experimental. */
  None: 0,
  /** Heap span, heap object and goroutine stack allocation events (`GODEBUG=traceallocfree=1`). */
  AllocFree: 1,
} as const;

/** Names of experiments by ID, as Go prints them. */
export const EXPERIMENT_NAMES: readonly string[] = ['None', 'AllocFree'];

/** The type bytes of every event the Go 1.22+ formats define. */
export const EventType = {
  /** Header of a per-M batch: generation, M, base time, body size. */
  EventBatch: 1,
  /** First event of a stack table batch. */
  Stacks: 2,
  /** A stack table entry. */
  Stack: 3,
  /** First event of a string table batch. */
  Strings: 4,
  /** A string table entry. */
  String: 5,
  /** First event of a CPU sample batch. */
  CPUSamples: 6,
  /** One CPU profile sample. */
  CPUSample: 7,
  /** Trace clock ticks per second. */
  Frequency: 8,
  /** GOMAXPROCS changed. */
  ProcsChange: 9,
  /** A P starts running. */
  ProcStart: 10,
  /** A P stops. */
  ProcStop: 11,
  /** A P was taken from an M in a syscall. */
  ProcSteal: 12,
  /** A P's status at the start of a generation. */
  ProcStatus: 13,
  /** A goroutine was created. */
  GoCreate: 14,
  /** A goroutine appears in a syscall (cgo callback). */
  GoCreateSyscall: 15,
  /** A goroutine starts running. */
  GoStart: 16,
  /** A goroutine ends. */
  GoDestroy: 17,
  /** A goroutine ends in a syscall (cgo callback). */
  GoDestroySyscall: 18,
  /** A goroutine yields but stays runnable. */
  GoStop: 19,
  /** A goroutine blocks. */
  GoBlock: 20,
  /** A goroutine is unblocked. */
  GoUnblock: 21,
  /** A goroutine enters a syscall. */
  GoSyscallBegin: 22,
  /** A goroutine leaves a syscall. */
  GoSyscallEnd: 23,
  /** A goroutine leaves a syscall in which it blocked. */
  GoSyscallEndBlocked: 24,
  /** A goroutine's status at the start of a generation. */
  GoStatus: 25,
  /** Stop-the-world begins. */
  STWBegin: 26,
  /** Stop-the-world ends. */
  STWEnd: 27,
  /** A GC is in progress at the start of a generation. */
  GCActive: 28,
  /** A GC begins. */
  GCBegin: 29,
  /** A GC ends. */
  GCEnd: 30,
  /** A P is sweeping at the start of a generation. */
  GCSweepActive: 31,
  /** Sweeping begins. */
  GCSweepBegin: 32,
  /** Sweeping ends. */
  GCSweepEnd: 33,
  /** A goroutine is in a mark assist at the start of a generation. */
  GCMarkAssistActive: 34,
  /** A mark assist begins. */
  GCMarkAssistBegin: 35,
  /** A mark assist ends. */
  GCMarkAssistEnd: 36,
  /** The live heap changed. */
  HeapAlloc: 37,
  /** The heap goal changed. */
  HeapGoal: 38,
  /** A label applies to the running goroutine. */
  GoLabel: 39,
  /** `trace.NewTask`. */
  UserTaskBegin: 40,
  /** A task ends. */
  UserTaskEnd: 41,
  /** A region begins. */
  UserRegionBegin: 42,
  /** A region ends. */
  UserRegionEnd: 43,
  /** `trace.Log`. */
  UserLog: 44,
  /** A coroutine switch (Go 1.23+). */
  GoSwitch: 45,
  /** A coroutine switch that destroys the current goroutine (Go 1.23+). */
  GoSwitchDestroy: 46,
  /** A goroutine created blocked (Go 1.23+). */
  GoCreateBlocked: 47,
  /** A goroutine's status at the start of a generation, with a stack (Go 1.23+). */
  GoStatusStack: 48,
  /** Header of an experimental batch; its body is data in an experiment-specific layout (Go 1.23+). */
  ExperimentalBatch: 49,
  /** First event of a sync batch (Go 1.25+). */
  Sync: 50,
  /** Trace, monotonic and wall clock readings taken together (Go 1.25+). */
  ClockSnapshot: 51,
  /** The end of a generation (Go 1.26+). */
  EndOfGeneration: 52,
  /** A heap span exists (experimental). */
  Span: 128,
  /** A heap span was allocated (experimental). */
  SpanAlloc: 129,
  /** A heap span was freed (experimental). */
  SpanFree: 130,
  /** A heap object exists (experimental). */
  HeapObject: 131,
  /** A heap object was allocated (experimental). */
  HeapObjectAlloc: 132,
  /** A heap object was freed (experimental). */
  HeapObjectFree: 133,
  /** A goroutine stack exists (experimental). */
  GoroutineStack: 134,
  /** A goroutine stack was allocated (experimental). */
  GoroutineStackAlloc: 135,
  /** A goroutine stack was freed (experimental). */
  GoroutineStackFree: 136,
} as const;

/** The name of an event type in {@link EventType}. */
export type EventTypeName = keyof typeof EventType;

/** The most arguments a timed event has (including `dt`). */
export const MAX_TIMED_EVENT_ARGS = 5;

interface Options {
  timed?: boolean;
  stack?: number[];
  string?: number[];
  data?: boolean;
  isStack?: boolean;
  experiment?: number;
  start?: number;
}

function spec(name: EventTypeName, args: string[], o: Options = {}): EventSpec {
  return Object.freeze({
    type: EventType[name],
    name,
    args: Object.freeze(args),
    timed: o.timed ?? false,
    stackArgs: Object.freeze(o.stack ?? []),
    stringArgs: Object.freeze(o.string ?? []),
    hasData: o.data ?? false,
    isStack: o.isStack ?? false,
    experiment: o.experiment ?? Experiment.None,
    startType: o.start ?? 0,
  });
}

const T = { timed: true };
const E = EventType;
const AF = { timed: true, experiment: Experiment.AllocFree };

/**
 * Every event type of the Go 1.22+ formats, in type-byte order. The argument names are those of the newest
 * Go release (Go 1.22's own reader named CPUSample's arguments in another order than the runtime wrote
 * them; later releases corrected the names, not the layout).
 */
export const ALL_EVENT_SPECS: readonly EventSpec[] = Object.freeze([
  // Structural events: batch framing and the per-generation tables.
  spec('EventBatch', ['gen', 'm', 'time', 'size']),
  spec('Stacks', []),
  spec('Stack', ['id', 'nframes'], { isStack: true }),
  spec('Strings', []),
  spec('String', ['id'], { data: true }),
  spec('CPUSamples', []),
  // A CPU sample has a timestamp, but it is absolute and lives outside the per-M batches.
  spec('CPUSample', ['time', 'm', 'p', 'g', 'stack'], { stack: [4] }),
  spec('Frequency', ['freq']),
  // Timed events.
  spec('ProcsChange', ['dt', 'procs_value', 'stack'], { ...T, stack: [2] }),
  spec('ProcStart', ['dt', 'p', 'p_seq'], T),
  spec('ProcStop', ['dt'], T),
  spec('ProcSteal', ['dt', 'p', 'p_seq', 'm'], T),
  spec('ProcStatus', ['dt', 'p', 'pstatus'], T),
  spec('GoCreate', ['dt', 'new_g', 'new_stack', 'stack'], { ...T, stack: [3, 2] }),
  spec('GoCreateSyscall', ['dt', 'new_g'], T),
  spec('GoStart', ['dt', 'g', 'g_seq'], T),
  spec('GoDestroy', ['dt'], T),
  spec('GoDestroySyscall', ['dt'], T),
  spec('GoStop', ['dt', 'reason_string', 'stack'], { ...T, stack: [2], string: [1] }),
  spec('GoBlock', ['dt', 'reason_string', 'stack'], { ...T, stack: [2], string: [1] }),
  spec('GoUnblock', ['dt', 'g', 'g_seq', 'stack'], { ...T, stack: [3] }),
  spec('GoSyscallBegin', ['dt', 'p_seq', 'stack'], { ...T, stack: [2] }),
  spec('GoSyscallEnd', ['dt'], { ...T, start: E.GoSyscallBegin }),
  spec('GoSyscallEndBlocked', ['dt'], { ...T, start: E.GoSyscallBegin }),
  spec('GoStatus', ['dt', 'g', 'm', 'gstatus'], T),
  spec('STWBegin', ['dt', 'kind_string', 'stack'], { ...T, stack: [2], string: [1] }),
  spec('STWEnd', ['dt'], { ...T, start: E.STWBegin }),
  spec('GCActive', ['dt', 'gc_seq'], { ...T, start: E.GCBegin }),
  spec('GCBegin', ['dt', 'gc_seq', 'stack'], { ...T, stack: [2] }),
  spec('GCEnd', ['dt', 'gc_seq'], { ...T, start: E.GCBegin }),
  spec('GCSweepActive', ['dt', 'p'], { ...T, start: E.GCSweepBegin }),
  spec('GCSweepBegin', ['dt', 'stack'], { ...T, stack: [1] }),
  spec('GCSweepEnd', ['dt', 'swept_value', 'reclaimed_value'], { ...T, start: E.GCSweepBegin }),
  spec('GCMarkAssistActive', ['dt', 'g'], { ...T, start: E.GCMarkAssistBegin }),
  spec('GCMarkAssistBegin', ['dt', 'stack'], { ...T, stack: [1] }),
  spec('GCMarkAssistEnd', ['dt'], { ...T, start: E.GCMarkAssistBegin }),
  spec('HeapAlloc', ['dt', 'heapalloc_value'], T),
  spec('HeapGoal', ['dt', 'heapgoal_value'], T),
  spec('GoLabel', ['dt', 'label_string'], { ...T, string: [1] }),
  spec('UserTaskBegin', ['dt', 'task', 'parent_task', 'name_string', 'stack'], { ...T, stack: [4], string: [3] }),
  spec('UserTaskEnd', ['dt', 'task', 'stack'], { ...T, stack: [2] }),
  spec('UserRegionBegin', ['dt', 'task', 'name_string', 'stack'], { ...T, stack: [3], string: [2] }),
  spec('UserRegionEnd', ['dt', 'task', 'name_string', 'stack'], {
    ...T,
    stack: [3],
    string: [2],
    start: E.UserRegionBegin,
  }),
  spec('UserLog', ['dt', 'task', 'key_string', 'value_string', 'stack'], { ...T, stack: [4], string: [2, 3] }),
  // Go 1.23.
  spec('GoSwitch', ['dt', 'g', 'g_seq'], T),
  spec('GoSwitchDestroy', ['dt', 'g', 'g_seq'], T),
  spec('GoCreateBlocked', ['dt', 'new_g', 'new_stack', 'stack'], { ...T, stack: [3, 2] }),
  spec('GoStatusStack', ['dt', 'g', 'm', 'gstatus', 'stack'], { ...T, stack: [4] }),
  // On the wire the experiment is one byte, which reads the same as a one-byte varint; the body is the
  // event's data, so raw readers need no knowledge of the experiment's layout.
  spec('ExperimentalBatch', ['exp', 'gen', 'm', 'time'], { data: true }),
  // Go 1.25.
  spec('Sync', []),
  spec('ClockSnapshot', ['dt', 'mono', 'sec', 'nsec'], T),
  // Go 1.26.
  spec('EndOfGeneration', []),
  // Experimental events (AllocFree, Go 1.23+), written into ordinary per-M batches.
  spec('Span', ['dt', 'id', 'npages_value', 'kindclass'], AF),
  spec('SpanAlloc', ['dt', 'id', 'npages_value', 'kindclass'], AF),
  spec('SpanFree', ['dt', 'id'], AF),
  spec('HeapObject', ['dt', 'id', 'type'], AF),
  spec('HeapObjectAlloc', ['dt', 'id', 'type'], AF),
  spec('HeapObjectFree', ['dt', 'id'], AF),
  spec('GoroutineStack', ['dt', 'id', 'order'], AF),
  spec('GoroutineStackAlloc', ['dt', 'id', 'order'], AF),
  spec('GoroutineStackFree', ['dt', 'id'], AF),
]);

/** Field names of one stack frame as the text form prints them. */
export const FRAME_FIELDS: readonly string[] = Object.freeze(['pc', 'func', 'file', 'line']);

/** The largest batch body the runtime writes (64 KiB); a larger announced size is corrupt. */
export const MAX_BATCH_SIZE = 64 << 10;
/** The most frames the runtime writes per stack. */
export const MAX_FRAMES_PER_STACK = 128;
/** The longest data trailer of an event (a string table entry) the runtime writes: 1 KiB. */
export const MAX_EVENT_DATA_SIZE = 1 << 10;
/** The M ID the runtime writes for batches that belong to no thread (tables, sync): 2^64−1. */
export const WIRE_NO_THREAD = 0xffff_ffff_ffff_ffffn;
