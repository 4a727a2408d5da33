/**
 * Wire events to {@link Event}s: what each event type means, as golang.org/x/exp/trace's accessors define it
 * (kind, metric names, range names and scopes, state transitions, the stack of each event).
 * @module
 */

import { corrupt, type GodiagError } from '../../internal/errors.js';
import { ALL_EVENT_SPECS, EXPERIMENT_NAMES, EventType as T, type EventSpec } from '../spec/events.js';
import type { ArgValue } from '../wire/varint.js';
import {
  NO_RESOURCE,
  NO_STACK,
  NO_TASK,
  type Event,
  type GoState,
  type GoroutineResource,
  type ProcState,
  type RangeAttribute,
  type ResourceID,
  type Stack,
  type StateTransitionEvent,
} from './event.js';
import { int64Id, type GenerationTable } from './table.js';

/** Go's wire goroutine statuses (tracev2.GoStatus) as states; index 0 (bad) reads as Undetermined, as in Go. */
export const GO_STATUS_STATE: readonly GoState[] = ['Undetermined', 'Runnable', 'Running', 'Syscall', 'Waiting'];
/** Go's wire proc statuses (tracev2.ProcStatus) as states: a proc in a syscall still runs; abandoned is idle. */
export const PROC_STATUS_STATE: readonly ProcState[] = ['Undetermined', 'Running', 'Idle', 'Running', 'Idle'];

/** Specs by type byte over every version: Go's reader decodes events with its newest table. */
export const SPEC_BY_TYPE: readonly (EventSpec | undefined)[] = (() => {
  const t = new Array<EventSpec | undefined>(256).fill(undefined);
  for (const s of ALL_EVENT_SPECS) t[s.type] = s;
  return t;
})();

/** Index in the arguments after the timestamp of each type's first stack argument; −1 for none. */
const FIRST_STACK_ARG: Int8Array = (() => {
  const t = new Int8Array(256).fill(-1);
  for (let type = 0; type < 256; type++) {
    const first = SPEC_BY_TYPE[type]?.stackArgs[0];
    if (first !== undefined) t[type] = first - 1;
  }
  return t;
})();

/** 1 for the types with a string argument or a second stack argument, to check beyond the first stack. */
const MORE_TABLE_ARGS: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let type = 0; type < 256; type++) {
    const spec = SPEC_BY_TYPE[type];
    if (spec !== undefined && (spec.stackArgs.length > 1 || spec.stringArgs.length > 0)) t[type] = 1;
  }
  return t;
})();

/** State smuggled from the ordering engine into the view of an event, as Go keeps it in spare arguments. */
export interface Extra {
  /** ProcStatus, GoStatus: the state before. */
  fromGo?: GoState;
  fromProc?: ProcState;
  /** ProcStatus: the status written, after the engine's promotion of abandoned syscalls. */
  procStatus?: number;
  /** ProcSteal: the proc was in an abandoned syscall (so it was idle, not running). */
  stealFromAbandoned?: boolean;
  /** TaskEnd: parent and type of the task, when its beginning was seen. */
  taskParent?: number;
  taskType?: string;
  /** STWEnd: the string ID of the kind given at STWBegin. */
  stwKind?: ArgValue;
}

const NONE: Extra = Object.freeze({});

function goroutine(id: number): ResourceID {
  return { kind: 'Goroutine', id };
}

/**
 * Builds the view of one event (wire type, time in ns, scheduling context, arguments after the timestamp as
 * Go's `baseEvent.args`, byte offset), or the error Go's reader raises when the event names a string or
 * stack its generation does not have (returned, not thrown: the error belongs where the event would be
 * delivered). Hot: one call per event, so no intermediate objects.
 */
export function buildEvent(t: GenerationTable, type: number, time: number, g: number, p: number, m: number, a: readonly ArgValue[], offset: number, x: Extra = NONE): Event | GodiagError {
  const spec = SPEC_BY_TYPE[type]!;
  // The event's own stack (its first stack argument) is resolved once and checked; other stack and string
  // arguments are only checked here (Go's validateTableIDs order: stacks, then strings).
  let stack = NO_STACK;
  const si = FIRST_STACK_ARG[type]!;
  if (si >= 0) {
    const v = a[si]!;
    if (v !== 0) {
      const s = t.stack(v);
      if (s === undefined) return corrupt('trace', offset, `found invalid stack ID ${v} for event ${spec.name} (generation ${t.gen})`);
      stack = s;
    }
  }
  if (MORE_TABLE_ARGS[type] === 1) {
    const stackArgs = spec.stackArgs;
    for (let i = 1; i < stackArgs.length; i++) {
      const v = a[stackArgs[i]! - 1]!;
      if (v !== 0 && t.stack(v) === undefined) return corrupt('trace', offset, `found invalid stack ID ${v} for event ${spec.name} (generation ${t.gen})`);
    }
    const stringArgs = spec.stringArgs;
    for (let i = 0; i < stringArgs.length; i++) {
      const v = a[stringArgs[i]! - 1]!;
      if (v !== 0 && t.string(v) === undefined) return corrupt('trace', offset, `found invalid string ID ${v} for event ${spec.name} (generation ${t.gen})`);
    }
  }
  switch (type) {
    case T.GoStart:
      return goTransition(time, g, p, m, stack, int64Id(a[0]!, 'goroutine ID', offset), 'Runnable', 'Running', '', NO_STACK);
    case T.GoStop:
      return goTransition(time, g, p, m, stack, g, 'Running', 'Runnable', t.string(a[0]!)!, stack);
    case T.GoBlock:
      return goTransition(time, g, p, m, stack, g, 'Running', 'Waiting', t.string(a[0]!)!, stack);
    case T.GoUnblock:
    case T.GoSwitch:
    case T.GoSwitchDestroy:
      return goTransition(time, g, p, m, stack, int64Id(a[0]!, 'goroutine ID', offset), 'Waiting', 'Runnable', '', NO_STACK);
    case T.GoSyscallBegin:
      return goTransition(time, g, p, m, stack, g, 'Running', 'Syscall', '', stack);
    case T.GoSyscallEnd:
      return goTransition(time, g, p, m, stack, g, 'Syscall', 'Running', '', NO_STACK);
    case T.GoSyscallEndBlocked:
      return goTransition(time, g, p, m, stack, g, 'Syscall', 'Runnable', '', NO_STACK);
    case T.GoCreate:
    case T.GoCreateBlocked:
      return goTransition(time, g, p, m, stack, int64Id(a[0]!, 'goroutine ID', offset), 'NotExist', type === T.GoCreate ? 'Runnable' : 'Waiting', '', t.stack(a[1]!)!);
    case T.GoCreateSyscall:
      return goTransition(time, g, p, m, stack, int64Id(a[0]!, 'goroutine ID', offset), 'NotExist', 'Syscall', '', NO_STACK);
    case T.GoDestroy:
      return goTransition(time, g, p, m, stack, g, 'Running', 'NotExist', '', NO_STACK);
    case T.GoDestroySyscall:
      return goTransition(time, g, p, m, stack, g, 'Syscall', 'NotExist', '', NO_STACK);
    case T.GoStatus:
    case T.GoStatusStack:
      return goTransition(time, g, p, m, stack, int64Id(a[0]!, 'goroutine ID', offset), x.fromGo!, GO_STATUS_STATE[Number(a[2]!)] ?? 'Undetermined', '', stack);
    case T.ProcStart:
      return procTransition(time, g, p, m, stack, int64Id(a[0]!, 'proc ID', offset), 'Idle', 'Running');
    case T.ProcStop:
      return procTransition(time, g, p, m, stack, p, 'Running', 'Idle');
    case T.ProcSteal:
      return procTransition(time, g, p, m, stack, int64Id(a[0]!, 'proc ID', offset), x.stealFromAbandoned === true ? 'Idle' : 'Running', 'Idle');
    case T.ProcStatus:
      return procTransition(time, g, p, m, stack, int64Id(a[0]!, 'proc ID', offset), x.fromProc!, PROC_STATUS_STATE[x.procStatus!]!);
    case T.CPUSample:
      return { kind: 'StackSample', time, goroutine: g, proc: p, thread: m, stack };
    case T.ProcsChange:
      return metric(time, g, p, m, stack, '/sched/gomaxprocs:threads', a[0]!);
    case T.HeapAlloc:
      return metric(time, g, p, m, stack, '/memory/classes/heap/objects:bytes', a[0]!);
    case T.HeapGoal:
      return metric(time, g, p, m, stack, '/gc/heap/goal:bytes', a[0]!);
    case T.GoLabel:
      return { kind: 'Label', time, goroutine: g, proc: p, thread: m, stack, label: t.string(a[0]!)!, resource: { kind: 'Goroutine', id: g } };
    case T.STWBegin:
    case T.STWEnd: {
      const kindId = type === T.STWBegin ? a[0]! : x.stwKind!;
      const kindName = t.string(kindId);
      // The kind's string ID was taken at STWBegin, possibly in an earlier generation.
      if (kindName === undefined) return corrupt('trace', offset, `stop-the-world kind names string ${kindId}, which generation ${t.gen} does not have`);
      return range(type === T.STWBegin ? 'RangeBegin' : 'RangeEnd', time, g, p, m, stack, `stop-the-world (${kindName})`, { kind: 'Goroutine', id: g }, NO_ATTRIBUTES);
    }
    case T.GCBegin:
      return range('RangeBegin', time, g, p, m, stack, 'GC concurrent mark phase', NO_RESOURCE, NO_ATTRIBUTES);
    case T.GCActive:
      return range('RangeActive', time, g, p, m, stack, 'GC concurrent mark phase', NO_RESOURCE, NO_ATTRIBUTES);
    case T.GCEnd:
      return range('RangeEnd', time, g, p, m, stack, 'GC concurrent mark phase', NO_RESOURCE, NO_ATTRIBUTES);
    case T.GCSweepBegin:
      return range('RangeBegin', time, g, p, m, stack, 'GC incremental sweep', { kind: 'Proc', id: p }, NO_ATTRIBUTES);
    case T.GCSweepActive:
      return range('RangeActive', time, g, p, m, stack, 'GC incremental sweep', { kind: 'Proc', id: int64Id(a[0]!, 'proc ID', offset) }, NO_ATTRIBUTES);
    case T.GCSweepEnd:
      return range('RangeEnd', time, g, p, m, stack, 'GC incremental sweep', { kind: 'Proc', id: p }, [
        { name: 'bytes swept', value: a[0]! },
        { name: 'bytes reclaimed', value: a[1]! },
      ]);
    case T.GCMarkAssistBegin:
      return range('RangeBegin', time, g, p, m, stack, 'GC mark assist', { kind: 'Goroutine', id: g }, NO_ATTRIBUTES);
    case T.GCMarkAssistActive:
      return range('RangeActive', time, g, p, m, stack, 'GC mark assist', { kind: 'Goroutine', id: int64Id(a[0]!, 'goroutine ID', offset) }, NO_ATTRIBUTES);
    case T.GCMarkAssistEnd:
      return range('RangeEnd', time, g, p, m, stack, 'GC mark assist', { kind: 'Goroutine', id: g }, NO_ATTRIBUTES);
    case T.UserTaskBegin:
      return {
        kind: 'TaskBegin',
        time,
        goroutine: g,
        proc: p,
        thread: m,
        stack,
        id: int64Id(a[0]!, 'task ID', offset),
        parent: int64Id(a[1]!, 'task ID', offset),
        type: t.string(a[2]!)!,
      };
    case T.UserTaskEnd:
      return {
        kind: 'TaskEnd',
        time,
        goroutine: g,
        proc: p,
        thread: m,
        stack,
        id: int64Id(a[0]!, 'task ID', offset),
        parent: x.taskParent ?? NO_TASK,
        type: x.taskType ?? '',
      };
    case T.UserRegionBegin:
      return { kind: 'RegionBegin', time, goroutine: g, proc: p, thread: m, stack, task: int64Id(a[0]!, 'task ID', offset), type: t.string(a[1]!)! };
    case T.UserRegionEnd:
      return { kind: 'RegionEnd', time, goroutine: g, proc: p, thread: m, stack, task: int64Id(a[0]!, 'task ID', offset), type: t.string(a[1]!)! };
    case T.UserLog:
      return {
        kind: 'Log',
        time,
        goroutine: g,
        proc: p,
        thread: m,
        stack,
        task: int64Id(a[0]!, 'task ID', offset),
        category: t.string(a[1]!)!,
        message: t.string(a[2]!)!,
      };
    default:
      if (spec.experiment !== 0) {
        return {
          kind: 'Experimental',
          time,
          goroutine: g,
          proc: p,
          thread: m,
          stack,
          name: spec.name,
          experiment: EXPERIMENT_NAMES[spec.experiment] ?? `experiment ${spec.experiment}`,
          args: spec.args.slice(1).map((name, i) => ({ name, value: name.endsWith('string') ? t.string(a[i]!)! : a[i]! })),
        };
      }
      throw new Error(`internal error: no event view for wire event type ${spec.name}`);
  }
}

const NO_ATTRIBUTES: readonly RangeAttribute[] = Object.freeze([]);

function metric(time: number, g: number, p: number, m: number, stack: Stack, name: string, value: ArgValue): Event {
  return { kind: 'Metric', time, goroutine: g, proc: p, thread: m, stack, name, value };
}

function range(
  kind: 'RangeBegin' | 'RangeActive' | 'RangeEnd',
  time: number,
  g: number,
  p: number,
  m: number,
  stack: Stack,
  name: string,
  scope: ResourceID,
  attributes: readonly RangeAttribute[],
): Event {
  if (kind === 'RangeEnd') return { kind, time, goroutine: g, proc: p, thread: m, stack, name, scope, attributes };
  return { kind, time, goroutine: g, proc: p, thread: m, stack, name, scope };
}

function procTransition(time: number, g: number, p: number, m: number, stack: Stack, proc: number, from: ProcState, to: ProcState): StateTransitionEvent {
  return {
    kind: 'StateTransition',
    time,
    goroutine: g,
    proc: p,
    thread: m,
    stack,
    resource: { kind: 'Proc', id: proc },
    from,
    to,
    reason: '',
    transitionStack: NO_STACK,
  };
}

function goTransition(
  time: number,
  g: number,
  p: number,
  m: number,
  stack: Stack,
  id: number,
  from: GoState,
  to: GoState,
  reason: string,
  transitionStack: Stack,
): StateTransitionEvent {
  let resource = goroutineResources.get(id);
  if (resource === undefined) {
    if (goroutineResources.size >= MAX_CACHED_RESOURCES) goroutineResources.clear();
    resource = { kind: 'Goroutine', id };
    goroutineResources.set(id, resource);
  }
  return { kind: 'StateTransition', time, goroutine: g, proc: p, thread: m, stack, resource, from, to, reason, transitionStack };
}

// Transitions of one goroutine share its (immutable) resource object: a third of a trace's events are
// goroutine transitions, and one object less each is less garbage to collect. Bounded: the cache starts over
// when full.
const MAX_CACHED_RESOURCES = 1 << 16;
const goroutineResources = new Map<number, GoroutineResource>();
