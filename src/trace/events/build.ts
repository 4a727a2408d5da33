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
  type EventCommon,
  type GoState,
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

/** What a wire event becomes before its view is built: the ordering engine fills this in. */
export interface Pending {
  /** The wire type. */
  type: number;
  /** Time in nanoseconds. */
  time: number;
  /** Scheduling context. */
  g: number;
  p: number;
  m: number;
  /** Arguments after the timestamp (as Go's `baseEvent.args`). */
  args: readonly ArgValue[];
  /** Byte offset of the event, for errors. */
  offset: number;
}

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
 * Builds the view of one event, or the error Go's reader raises when the event names a string or stack its
 * generation does not have (returned, not thrown: the error belongs where the event would be delivered).
 */
export function buildEvent(t: GenerationTable, e: Pending, x: Extra = NONE): Event | GodiagError {
  const spec = SPEC_BY_TYPE[e.type]!;
  const a = e.args;
  for (const i of spec.stackArgs) {
    if (t.stack(a[i - 1]!) === undefined) return corrupt('trace', e.offset, `found invalid stack ID ${a[i - 1]} for event ${spec.name} (generation ${t.gen})`);
  }
  for (const i of spec.stringArgs) {
    if (t.string(a[i - 1]!) === undefined) return corrupt('trace', e.offset, `found invalid string ID ${a[i - 1]} for event ${spec.name} (generation ${t.gen})`);
  }
  const stack = spec.stackArgs.length > 0 ? t.stack(a[spec.stackArgs[0]! - 1]!)! : NO_STACK;
  const c: EventCommon = { time: e.time, goroutine: e.g, proc: e.p, thread: e.m, stack };
  const id = (v: ArgValue, what: string) => int64Id(v, what, e.offset);
  const str = (v: ArgValue) => t.string(v)!;
  switch (e.type) {
    case T.CPUSample:
      return { kind: 'StackSample', ...c };
    case T.ProcsChange:
      return { kind: 'Metric', ...c, name: '/sched/gomaxprocs:threads', value: a[0]! };
    case T.HeapAlloc:
      return { kind: 'Metric', ...c, name: '/memory/classes/heap/objects:bytes', value: a[0]! };
    case T.HeapGoal:
      return { kind: 'Metric', ...c, name: '/gc/heap/goal:bytes', value: a[0]! };
    case T.GoLabel:
      return { kind: 'Label', ...c, label: str(a[0]!), resource: goroutine(e.g) };
    case T.STWBegin:
    case T.STWEnd: {
      const kindId = e.type === T.STWBegin ? a[0]! : x.stwKind!;
      const kindName = t.string(kindId);
      // The kind's string ID was taken at STWBegin, possibly in an earlier generation.
      if (kindName === undefined) return corrupt('trace', e.offset, `stop-the-world kind names string ${kindId}, which generation ${t.gen} does not have`);
      return range(e.type === T.STWBegin ? 'RangeBegin' : 'RangeEnd', c, `stop-the-world (${kindName})`, goroutine(e.g), []);
    }
    case T.GCBegin:
      return range('RangeBegin', c, 'GC concurrent mark phase', NO_RESOURCE, []);
    case T.GCActive:
      return range('RangeActive', c, 'GC concurrent mark phase', NO_RESOURCE, []);
    case T.GCEnd:
      return range('RangeEnd', c, 'GC concurrent mark phase', NO_RESOURCE, []);
    case T.GCSweepBegin:
      return range('RangeBegin', c, 'GC incremental sweep', { kind: 'Proc', id: e.p }, []);
    case T.GCSweepActive:
      return range('RangeActive', c, 'GC incremental sweep', { kind: 'Proc', id: id(a[0]!, 'proc ID') }, []);
    case T.GCSweepEnd:
      return range('RangeEnd', c, 'GC incremental sweep', { kind: 'Proc', id: e.p }, [
        { name: 'bytes swept', value: a[0]! },
        { name: 'bytes reclaimed', value: a[1]! },
      ]);
    case T.GCMarkAssistBegin:
      return range('RangeBegin', c, 'GC mark assist', goroutine(e.g), []);
    case T.GCMarkAssistActive:
      return range('RangeActive', c, 'GC mark assist', goroutine(id(a[0]!, 'goroutine ID')), []);
    case T.GCMarkAssistEnd:
      return range('RangeEnd', c, 'GC mark assist', goroutine(e.g), []);
    case T.UserTaskBegin:
      return { kind: 'TaskBegin', ...c, id: id(a[0]!, 'task ID'), parent: id(a[1]!, 'task ID'), type: str(a[2]!) };
    case T.UserTaskEnd:
      return { kind: 'TaskEnd', ...c, id: id(a[0]!, 'task ID'), parent: x.taskParent ?? NO_TASK, type: x.taskType ?? '' };
    case T.UserRegionBegin:
      return { kind: 'RegionBegin', ...c, task: id(a[0]!, 'task ID'), type: str(a[1]!) };
    case T.UserRegionEnd:
      return { kind: 'RegionEnd', ...c, task: id(a[0]!, 'task ID'), type: str(a[1]!) };
    case T.UserLog:
      return { kind: 'Log', ...c, task: id(a[0]!, 'task ID'), category: str(a[1]!), message: str(a[2]!) };
    case T.ProcStart:
      return procTransition(c, id(a[0]!, 'proc ID'), 'Idle', 'Running');
    case T.ProcStop:
      return procTransition(c, e.p, 'Running', 'Idle');
    case T.ProcSteal:
      return procTransition(c, id(a[0]!, 'proc ID'), x.stealFromAbandoned === true ? 'Idle' : 'Running', 'Idle');
    case T.ProcStatus:
      return procTransition(c, id(a[0]!, 'proc ID'), x.fromProc!, PROC_STATUS_STATE[x.procStatus!]!);
    case T.GoCreate:
    case T.GoCreateBlocked:
      return goTransition(c, id(a[0]!, 'goroutine ID'), 'NotExist', e.type === T.GoCreate ? 'Runnable' : 'Waiting', '', t.stack(a[1]!)!);
    case T.GoCreateSyscall:
      return goTransition(c, id(a[0]!, 'goroutine ID'), 'NotExist', 'Syscall', '', NO_STACK);
    case T.GoStart:
      return goTransition(c, id(a[0]!, 'goroutine ID'), 'Runnable', 'Running', '', NO_STACK);
    case T.GoDestroy:
      return goTransition(c, e.g, 'Running', 'NotExist', '', NO_STACK);
    case T.GoDestroySyscall:
      return goTransition(c, e.g, 'Syscall', 'NotExist', '', NO_STACK);
    case T.GoStop:
      return goTransition(c, e.g, 'Running', 'Runnable', str(a[0]!), stack);
    case T.GoBlock:
      return goTransition(c, e.g, 'Running', 'Waiting', str(a[0]!), stack);
    case T.GoUnblock:
    case T.GoSwitch:
    case T.GoSwitchDestroy:
      return goTransition(c, id(a[0]!, 'goroutine ID'), 'Waiting', 'Runnable', '', NO_STACK);
    case T.GoSyscallBegin:
      return goTransition(c, e.g, 'Running', 'Syscall', '', stack);
    case T.GoSyscallEnd:
      return goTransition(c, e.g, 'Syscall', 'Running', '', NO_STACK);
    case T.GoSyscallEndBlocked:
      return goTransition(c, e.g, 'Syscall', 'Runnable', '', NO_STACK);
    case T.GoStatus:
    case T.GoStatusStack:
      return goTransition(c, id(a[0]!, 'goroutine ID'), x.fromGo!, GO_STATUS_STATE[Number(a[2]!)] ?? 'Undetermined', '', stack);
    default:
      if (spec.experiment !== 0) {
        return {
          kind: 'Experimental',
          ...c,
          name: spec.name,
          experiment: EXPERIMENT_NAMES[spec.experiment] ?? `experiment ${spec.experiment}`,
          args: spec.args.slice(1).map((name, i) => ({ name, value: name.endsWith('string') ? str(a[i]!) : a[i]! })),
        };
      }
      throw new Error(`internal error: no event view for wire event type ${spec.name}`);
  }
}

function range(kind: 'RangeBegin' | 'RangeActive' | 'RangeEnd', c: EventCommon, name: string, scope: ResourceID, attributes: RangeAttribute[]): Event {
  if (kind === 'RangeEnd') return { kind, ...c, name, scope, attributes };
  return { kind, ...c, name, scope };
}

function procTransition(c: EventCommon, proc: number, from: ProcState, to: ProcState): StateTransitionEvent {
  return { kind: 'StateTransition', ...c, resource: { kind: 'Proc', id: proc }, from, to, reason: '', transitionStack: NO_STACK };
}

function goTransition(c: EventCommon, g: number, from: GoState, to: GoState, reason: string, transitionStack: Stack): StateTransitionEvent {
  return { kind: 'StateTransition', ...c, resource: { kind: 'Goroutine', id: g }, from, to, reason, transitionStack };
}
