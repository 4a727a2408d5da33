/**
 * The ordering engine: a model of the Go scheduler's state (goroutines, procs, threads, GC, tasks) that
 * decides which per-M event may come next and checks that every event is possible in the state before it.
 *
 * Each thread (M) writes its own batches, in its own order; the trace carries no global order. Events that
 * hand a resource from one thread to another (starting a goroutine, stealing a proc, ending a GC cycle)
 * carry a per-generation sequence number for that resource, so the engine can tell whether an event is the
 * next one for its resource. `advance` answers "may this event happen now?": false means "not yet, try
 * another thread's event"; an error means "never" (the trace is inconsistent).
 *
 * The rules follow Go's reader (internal/trace/order.go), event type by event type: one small method per
 * rule, dispatched from a table. Memory is the live state of the program (live goroutines, procs, threads,
 * open ranges and tasks), not the length of the trace.
 * @module
 */

import { corrupt, type GodiagError } from '../../internal/errors.js';
import { EventType as T } from '../spec/events.js';
import type { ArgValue } from '../wire/varint.js';
import { NO_GOROUTINE, NO_PROC, NO_TASK, NO_THREAD, type Event, type GoState, type ProcState } from './event.js';
import { GO_STATUS_STATE, PROC_STATUS_STATE, SPEC_BY_TYPE, buildEvent, type Extra } from './build.js';
import { int64Id, type GenerationTable } from './table.js';

/** Goroutine statuses as the wire writes them (tracev2.GoStatus). */
const enum GoStatus {
  Bad = 0,
  Runnable = 1,
  Running = 2,
  Syscall = 3,
  Waiting = 4,
}

/** Proc statuses as the wire writes them (tracev2.ProcStatus). */
const enum ProcStatus {
  Bad = 0,
  Running = 1,
  Idle = 2,
  Syscall = 3,
  /** Found in a syscall at a generation start with its thread gone: it will be stolen; treat as idle. */
  SyscallAbandoned = 4,
}

const GO_STATUS_NAME = ['Bad', 'Runnable', 'Running', 'Syscall', 'Waiting'];
const PROC_STATUS_NAME = ['Bad', 'Running', 'Idle', 'Syscall', 'Bad'];
const goStatusName = (s: number) => GO_STATUS_NAME[s] ?? 'Bad';
const procStatusName = (s: number) => PROC_STATUS_NAME[s] ?? 'Bad';

/** The wire event the engine is asked about: a per-M cursor's current event. */
export interface BaseEvent {
  /** Wire type. */
  type: number;
  /** Time in nanoseconds. */
  time: number;
  /** Arguments after the timestamp; the engine may rewrite them as Go's does (e.g. the parent of a task). */
  args: ArgValue[];
  /** Byte offset in the input. */
  offset: number;
}

/** A resource's position in its per-generation sequence. */
interface Seq {
  gen: number;
  seq: number;
}

/** A special range of time in progress on a goroutine or proc, named by its begin event and kind string. */
interface RangeKey {
  type: number;
  desc: ArgValue;
}

/** A user region open on a goroutine. */
interface Region {
  task: number;
  name: string;
}

interface GState extends Seq {
  status: GoStatus;
  regions: Region[];
  ranges: RangeKey[];
}

interface PState extends Seq {
  status: ProcStatus;
  ranges: RangeKey[];
}

/** What the engine knows of a thread: the goroutine and proc it has. */
export interface ThreadState {
  /** The goroutine running on it, or NO_GOROUTINE. */
  g: number;
  /** The proc it holds, or NO_PROC. */
  p: number;
}
type MState = ThreadState;

const enum GCState {
  Undetermined,
  NotRunning,
  Running,
}

/** Presence requirements on the scheduling context of an event. */
const enum Need {
  No,
  May,
  Must,
}

/** The scheduler model and the queue of events it has let through. */
export class Ordering {
  private readonly gStates = new Map<number, GState>();
  private readonly pStates = new Map<number, PState>();
  private readonly mStates = new Map<number, MState>();
  private readonly activeTasks = new Map<number, { name: string; parent: number }>();
  private gcSeq = 0;
  private gcState = GCState.Undetermined;
  private initialGen = 0;
  // A FIFO of the events let through: filled by one advance, drained before the next.
  private readonly queue: (Event | GodiagError | undefined)[] = [];
  private head = 0;
  private tail = 0;

  // The call being decided: its generation, table and thread, the event's context (c*) and the context
  // the thread will have after it (n*).
  private gen = 0;
  private table: GenerationTable | undefined;
  private m = NO_THREAD;
  private cg = NO_GOROUTINE;
  private cp = NO_PROC;
  private cm = NO_THREAD;
  private ng = NO_GOROUTINE;
  private np = NO_PROC;

  /**
   * Decides whether `ev`, the next event of thread `m` in generation `table.gen`, can happen now. When it
   * can, the engine's state moves past it and its event view (with any synthetic events it implies) joins the
   * queue. Generations must come in increasing order.
   * @returns false when the event must wait for another thread's events.
   * @throws GodiagError `corrupt` when the event can never happen: the trace is inconsistent.
   */
  advance(ev: BaseEvent, table: GenerationTable, m: number, ms: ThreadState | undefined = m === NO_THREAD ? undefined : this.threadState(m)): boolean {
    const gen = table.gen;
    if (this.initialGen === 0) this.initialGen = gen;
    this.gen = gen;
    this.table = table;
    this.m = m;
    if (ms === undefined) {
      this.cg = this.ng = NO_GOROUTINE;
      this.cp = this.np = NO_PROC;
    } else {
      this.cg = this.ng = ms.g;
      this.cp = this.np = ms.p;
    }
    this.cm = m;
    const ok = this.rule(ev);
    if (ok && ms !== undefined) {
      ms.p = this.np;
      ms.g = this.ng;
    }
    return ok;
  }

  /**
   * The rule of the event's type: may it happen now? One case per family of event types (a switch rather
   * than a table of functions, so the engine can inline the rule it runs for every event).
   */
  private rule(ev: BaseEvent): boolean {
    // The most frequent events first: the cases compare in order.
    switch (ev.type) {
      case T.GoStart:
        return this.goStart(ev);
      case T.GoUnblock:
        return this.goUnblock(ev);
      case T.GoDestroy:
      case T.GoStop:
      case T.GoBlock:
        return this.goStopExec(ev);
      case T.GoSyscallBegin:
        return this.goSyscallBegin(ev);
      case T.GoSyscallEnd:
        return this.goSyscallEnd(ev);
      case T.GoSyscallEndBlocked:
        return this.goSyscallEndBlocked(ev);
      case T.ProcStart:
        return this.procStart(ev);
      case T.ProcStop:
        return this.procStop(ev);
      case T.ProcSteal:
        return this.procSteal(ev);
      case T.GoCreate:
      case T.GoCreateBlocked:
        return this.goCreate(ev);
      case T.ProcsChange:
      case T.GoLabel:
      case T.UserLog:
        return this.annotation(ev);
      case T.HeapAlloc:
      case T.HeapGoal:
        return this.heapMetric(ev);
      case T.UserRegionBegin:
        return this.userRegionBegin(ev);
      case T.UserRegionEnd:
        return this.userRegionEnd(ev);
      case T.ProcStatus:
        return this.procStatus(ev);
      case T.GoCreateSyscall:
        return this.goCreateSyscall(ev);
      case T.GoDestroySyscall:
        return this.goDestroySyscall(ev);
      case T.GoStatus:
      case T.GoStatusStack:
        return this.goStatus(ev);
      case T.STWBegin:
      case T.GCMarkAssistBegin:
        return this.goRangeBegin(ev);
      case T.STWEnd:
      case T.GCMarkAssistEnd:
        return this.goRangeEnd(ev);
      case T.GCMarkAssistActive:
        return this.goRangeActive(ev);
      case T.GCActive:
        return this.gcActive(ev);
      case T.GCBegin:
        return this.gcBegin(ev);
      case T.GCEnd:
        return this.gcEnd(ev);
      case T.GCSweepActive:
        return this.gcSweepActive(ev);
      case T.GCSweepBegin:
        return this.gcSweepBegin(ev);
      case T.GCSweepEnd:
        return this.gcSweepEnd(ev);
      case T.UserTaskBegin:
        return this.userTaskBegin(ev);
      case T.UserTaskEnd:
        return this.userTaskEnd(ev);
      case T.GoSwitch:
      case T.GoSwitchDestroy:
        return this.goSwitch(ev);
      case T.Span:
      case T.SpanAlloc:
      case T.SpanFree:
      case T.HeapObject:
      case T.HeapObjectAlloc:
      case T.HeapObjectFree:
      case T.GoroutineStack:
      case T.GoroutineStackAlloc:
      case T.GoroutineStackFree:
        return this.allocFree(ev);
      default:
        throw this.fail(ev, `bad event type found while ordering: ${SPEC_BY_TYPE[ev.type]?.name ?? ev.type}`);
    }
  }

  /**
   * The state of thread `m` (not NO_THREAD), created on first use. The object stays the thread's for the
   * engine's life, so a caller may keep it and pass it to {@link advance} (saving a lookup per event).
   */
  threadState(m: number): ThreadState {
    let ms = this.mStates.get(m);
    if (ms === undefined) {
      ms = { g: NO_GOROUTINE, p: NO_PROC };
      this.mStates.set(m, ms);
    }
    return ms;
  }

  /**
   * Forgets the generation's table (its strings, stacks and batches) once its events are out, so that its
   * bytes can be freed while the next generation is read. The model of the program stays.
   */
  endGeneration(): void {
    this.table = undefined;
  }

  /** The next event the engine has let through, in order; an error to raise at that point; or undefined. */
  next(): Event | GodiagError | undefined {
    if (this.head === this.tail) return undefined;
    const e = this.queue[this.head]!;
    this.queue[this.head++] = undefined;
    if (this.head === this.tail) this.head = this.tail = 0;
    return e;
  }

  /** A readable dump of the engine's state, for "cannot advance" errors. */
  describe(): string {
    const lines: string[] = [];
    for (const [id, s] of this.gStates) lines.push(`G ${id} [status=${goStatusName(s.status)} seq=${s.seq} (gen=${s.gen})]`);
    for (const [id, s] of this.pStates) lines.push(`P ${id} [status=${procStatusName(s.status)} seq=${s.seq} (gen=${s.gen})]`);
    for (const [id, s] of this.mStates) lines.push(`M ${id} [g=${s.g} p=${s.p}]`);
    lines.push(`GC ${this.gcSeq} ${['Undetermined', 'NotRunning', 'Running'][this.gcState]}`);
    return lines.join('\n');
  }

  // --- Shared pieces -------------------------------------------------------------------------------------

  /** The error of an event that can never happen, naming the generation, thread and event. */
  fail(ev: BaseEvent, message: string): GodiagError {
    const name = SPEC_BY_TYPE[ev.type]?.name ?? `type ${ev.type}`;
    return corrupt('trace', ev.offset, `${message} (generation ${this.gen}, M ${this.m}, event ${name} at ${ev.time} ns)`);
  }

  private name(ev: BaseEvent): string {
    return SPEC_BY_TYPE[ev.type]?.name ?? `type ${ev.type}`;
  }

  /** Checks the event's context against requirements on thread, proc and goroutine. */
  private need(ev: BaseEvent, m: Need, p: Need, g: Need): void {
    const problem =
      m === Need.Must && this.cm === NO_THREAD
        ? "expected a thread but didn't have one"
        : m === Need.No && this.cm !== NO_THREAD
          ? 'expected no thread but had one'
          : p === Need.Must && this.cp === NO_PROC
            ? "expected a proc but didn't have one"
            : p === Need.No && this.cp !== NO_PROC
              ? 'expected no proc but had one'
              : g === Need.Must && this.cg === NO_GOROUTINE
                ? "expected a goroutine but didn't have one"
                : g === Need.No && this.cg !== NO_GOROUTINE
                  ? 'expected no goroutine but had one'
                  : undefined;
    if (problem !== undefined) throw this.fail(ev, problem);
  }

  /** The common requirement of events close to user code: a thread, a proc and a goroutine. */
  private needUserG(ev: BaseEvent): void {
    this.need(ev, Need.Must, Need.Must, Need.Must);
  }

  /** Queues the view of an event with the current context. */
  private emit(ev: BaseEvent, extra?: Extra): void {
    this.push(ev.type, ev.time, this.cg, this.cp, this.cm, ev.args, ev.offset, extra);
  }

  private push(type: number, time: number, g: number, p: number, m: number, args: readonly ArgValue[], offset: number, extra?: Extra): void {
    this.queue[this.tail++] = buildEvent(this.table!, type, time, g, p, m, args, offset, extra);
  }

  private id(v: ArgValue, what: string, ev: BaseEvent): number {
    return int64Id(v, what, ev.offset);
  }

  /** A sequence number as an exact number (`limit-exceeded` beyond 2^53, which no runtime writes). */
  private seqOf(v: ArgValue, ev: BaseEvent): number {
    return this.id(v, 'sequence number', ev);
  }

  private static succeeds(gen: number, seq: number, prev: Seq): boolean {
    return gen === prev.gen && seq === prev.seq + 1;
  }

  /** The state of the goroutine running on this thread, which must exist and be running (or `status`). */
  private currentG(ev: BaseEvent, status: GoStatus = GoStatus.Running, statusName = 'Running'): GState {
    const s = this.gStates.get(this.cg);
    if (s === undefined) throw this.fail(ev, `event ${this.name(ev)} for goroutine (${this.cg}) that doesn't exist`);
    if (s.status !== status) throw this.fail(ev, `${this.name(ev)} event for goroutine that's not ${statusName}`);
    return s;
  }

  private rangeType(type: number, desc: ArgValue): RangeKey {
    const start = SPEC_BY_TYPE[type]?.startType ?? 0;
    return { type: start !== 0 ? start : type, desc };
  }

  private static hasRange(ranges: RangeKey[], r: RangeKey): boolean {
    return ranges.some((x) => x.type === r.type && x.desc === r.desc);
  }

  private beginRange(ev: BaseEvent, ranges: RangeKey[], r: RangeKey): void {
    if (Ordering.hasRange(ranges, r)) {
      throw this.fail(ev, `discovered event already in-flight for when starting event ${SPEC_BY_TYPE[r.type]?.name}`);
    }
    ranges.push(r);
  }

  private activeRange(ev: BaseEvent, ranges: RangeKey[], r: RangeKey): void {
    if (this.gen === this.initialGen) {
      if (Ordering.hasRange(ranges, r)) throw this.fail(ev, `found named active range already in first gen: {${r.type} ${r.desc}}`);
      ranges.push(r);
    } else if (!Ordering.hasRange(ranges, r)) {
      const inFlight = ranges.map((x) => `{${x.type} ${x.desc}}`).join(' ');
      throw this.fail(ev, `resource is missing active range: ${SPEC_BY_TYPE[r.type]?.name} [${inFlight}]`);
    }
  }

  /** Ends the range `type` ends; returns the kind string ID it began with. */
  private endRange(ev: BaseEvent, ranges: RangeKey[]): ArgValue {
    const start = SPEC_BY_TYPE[ev.type]?.startType ?? 0;
    const i = ranges.findIndex((x) => x.type === start);
    if (i < 0) throw this.fail(ev, `tried to end event ${SPEC_BY_TYPE[start]?.name}, but not in-flight`);
    const desc = ranges[i]!.desc;
    // Swap-remove, as Go does: the order of the remaining ranges is observable in error messages only.
    ranges[i] = ranges[ranges.length - 1]!;
    ranges.pop();
    return desc;
  }

  // --- Procs ---------------------------------------------------------------------------------------------

  /** The rule of the `procStatus` family of events (see the module comment): may it happen now? */
  procStatus(ev: BaseEvent): boolean {
    const pid = this.id(ev.args[0]!, 'proc ID', ev);
    const status = Number(ev.args[1]!);
    if (typeof ev.args[1] !== 'number' || status >= PROC_STATUS_STATE.length) throw this.fail(ev, `invalid status for proc ${pid}: ${ev.args[1]}`);
    let from: ProcState = PROC_STATUS_STATE[status]!;
    let written = status;
    const s = this.pStates.get(pid);
    if (s !== undefined) {
      if (status === ProcStatus.SyscallAbandoned && s.status === ProcStatus.Syscall) {
        // Abandoned is a weaker Syscall: nothing is lost when the proc is already known to be in one.
        from = 'Running';
        written = ProcStatus.Syscall;
      } else if (status === ProcStatus.SyscallAbandoned && s.status === ProcStatus.SyscallAbandoned) {
        from = 'Idle';
      } else if (s.status !== status) {
        throw this.fail(ev, `inconsistent status for proc ${pid}: old ${procStatusName(s.status)} vs. new ${procStatusName(status)}`);
      }
      s.gen = this.gen;
      s.seq = 0;
    } else {
      this.pStates.set(pid, { status, gen: this.gen, seq: 0, ranges: [] });
      from = this.gen === this.initialGen ? 'Undetermined' : 'NotExist';
    }
    if (status === ProcStatus.Running || status === ProcStatus.Syscall) this.np = pid;
    // A promoted abandoned proc is about to be stolen, likely by another thread: show its transition in the
    // context of the thread that holds it.
    if (status === ProcStatus.SyscallAbandoned && from === 'Running') {
      let found = false;
      for (const [mid, ms] of this.mStates) {
        if (ms.p === pid) {
          this.cm = mid;
          this.cp = pid;
          this.cg = ms.g;
          found = true;
        }
      }
      if (!found) throw this.fail(ev, `failed to find sched context for proc ${pid} that's about to be stolen`);
    }
    this.emit(ev, { fromProc: from, procStatus: written });
    return true;
  }

  /** The rule of the `procStart` family of events (see the module comment): may it happen now? */
  procStart(ev: BaseEvent): boolean {
    const pid = this.id(ev.args[0]!, 'proc ID', ev);
    const seq = this.seqOf(ev.args[1]!, ev);
    const s = this.pStates.get(pid);
    // Not yet: the proc's status or its previous stop may be on another thread, or this thread still holds a
    // proc in a syscall that has not been seen stolen.
    if (s === undefined || s.status !== ProcStatus.Idle || !Ordering.succeeds(this.gen, seq, s) || this.cp !== NO_PROC) return false;
    this.need(ev, Need.Must, Need.No, Need.May);
    s.status = ProcStatus.Running;
    s.gen = this.gen;
    s.seq = seq;
    this.np = pid;
    this.emit(ev);
    return true;
  }

  /** The rule of the `procStop` family of events (see the module comment): may it happen now? */
  procStop(ev: BaseEvent): boolean {
    // A proc stops on the thread that runs it, so this can always advance.
    const s = this.pStates.get(this.cp);
    if (s === undefined) throw this.fail(ev, `event ${this.name(ev)} for proc (${this.cp}) that doesn't exist`);
    if (s.status !== ProcStatus.Running && s.status !== ProcStatus.Syscall) throw this.fail(ev, `${this.name(ev)} event for proc that's not Running or Syscall`);
    this.need(ev, Need.Must, Need.Must, Need.May);
    s.status = ProcStatus.Idle;
    this.np = NO_PROC;
    this.emit(ev);
    return true;
  }

  /** The rule of the `procSteal` family of events (see the module comment): may it happen now? */
  procSteal(ev: BaseEvent): boolean {
    const pid = this.id(ev.args[0]!, 'proc ID', ev);
    const seq = this.seqOf(ev.args[1]!, ev);
    const s = this.pStates.get(pid);
    if (s === undefined || (s.status !== ProcStatus.Syscall && s.status !== ProcStatus.SyscallAbandoned) || !Ordering.succeeds(this.gen, seq, s)) return false;
    this.need(ev, Need.Must, Need.May, Need.May);
    const old = s.status;
    s.status = ProcStatus.Idle;
    s.gen = this.gen;
    s.seq = seq;
    if (old === ProcStatus.SyscallAbandoned) {
      // The thread it was taken from is unknown: leave every thread as it is.
      this.emit(ev, { stealFromAbandoned: true });
      return true;
    }
    const mid = this.id(ev.args[2]!, 'thread ID', ev);
    if (mid === this.cm) {
      // Stealing from itself: a ProcStop.
      if (this.cp !== pid) throw this.fail(ev, `tried to self-steal proc ${pid} (thread ${mid}), but got proc ${this.cp} instead`);
      this.np = NO_PROC;
      this.emit(ev);
      return true;
    }
    const victim = this.mStates.get(mid);
    if (victim === undefined) throw this.fail(ev, `stole proc from non-existent thread ${mid}`);
    if (victim.p !== pid) throw this.fail(ev, `tried to steal proc ${pid} from thread ${mid}, but got proc ${victim.p} instead`);
    // The victim is in a syscall and will notice on its way out (its GoSyscallEndBlocked waits for this).
    victim.p = NO_PROC;
    this.emit(ev);
    return true;
  }

  // --- Goroutines ----------------------------------------------------------------------------------------

  /** The rule of the `goStatus` family of events (see the module comment): may it happen now? */
  goStatus(ev: BaseEvent): boolean {
    const gid = this.id(ev.args[0]!, 'goroutine ID', ev);
    const mid = this.id(ev.args[1]!, 'thread ID', ev);
    const status = Number(ev.args[2]!);
    if (typeof ev.args[2] !== 'number' || status >= GO_STATUS_STATE.length) throw this.fail(ev, `invalid status for goroutine ${gid}: ${ev.args[2]}`);
    let from: GoState = GO_STATUS_STATE[status]!;
    const s = this.gStates.get(gid);
    if (s !== undefined) {
      if (s.status !== status) {
        throw this.fail(ev, `inconsistent status for goroutine ${gid}: old ${goStatusName(s.status)} vs. new ${goStatusName(status)}`);
      }
      s.gen = this.gen;
      s.seq = 0;
    } else if (this.gen === this.initialGen) {
      this.gStates.set(gid, { status, gen: this.gen, seq: 0, regions: [], ranges: [] });
      from = 'Undetermined';
    } else {
      throw this.fail(ev, `found goroutine status for new goroutine after the first generation: id=${gid} status=${goStatusName(status)}`);
    }
    if (status === GoStatus.Running) {
      this.ng = gid;
    } else if (status === GoStatus.Syscall) {
      if (mid === NO_THREAD) throw this.fail(ev, `found goroutine ${gid} in syscall without a thread`);
      if (mid === this.cm) {
        // After the first generation this binding must already be known.
        if (this.gen !== this.initialGen && this.cg !== gid) {
          throw this.fail(ev, `inconsistent thread for syscalling goroutine ${gid}: thread has goroutine ${this.cg}`);
        }
        this.ng = gid;
      } else {
        // A goroutine blocked in a syscall on another thread for the whole generation (that thread has no proc).
        const ms = this.mStates.get(mid);
        if (ms !== undefined) {
          if (ms.g !== gid) throw this.fail(ev, `inconsistent thread for syscalling goroutine ${gid}: thread has goroutine ${ms.g}`);
          this.cg = ms.g;
        } else {
          // First sight of that thread: this event binds the goroutine to it.
          this.mStates.set(mid, { g: gid, p: NO_PROC });
        }
        this.cm = mid;
      }
    }
    this.emit(ev, { fromGo: from });
    return true;
  }

  /** The rule of the `goCreate` family of events (see the module comment): may it happen now? */
  goCreate(ev: BaseEvent): boolean {
    // Created on a running proc, by a goroutine or by the runtime.
    this.need(ev, Need.Must, Need.Must, Need.May);
    const creator = this.gStates.get(this.cg);
    if (creator !== undefined && creator.status !== GoStatus.Running) throw this.fail(ev, `${this.name(ev)} event for goroutine that's not Running`);
    const gid = this.id(ev.args[0]!, 'goroutine ID', ev);
    if (this.gStates.has(gid)) throw this.fail(ev, `tried to create goroutine (${gid}) that already exists`);
    const status = ev.type === T.GoCreateBlocked ? GoStatus.Waiting : GoStatus.Runnable;
    this.gStates.set(gid, { status, gen: this.gen, seq: 0, regions: [], ranges: [] });
    this.emit(ev);
    return true;
  }

  /** GoDestroy, GoStop, GoBlock: the running goroutine leaves its thread. Always possible. */
  goStopExec(ev: BaseEvent): boolean {
    this.needUserG(ev);
    const s = this.currentG(ev);
    if (ev.type === T.GoDestroy) this.gStates.delete(this.cg);
    else s.status = ev.type === T.GoStop ? GoStatus.Runnable : GoStatus.Waiting;
    this.ng = NO_GOROUTINE;
    this.emit(ev);
    return true;
  }

  /** The rule of the `goStart` family of events (see the module comment): may it happen now? */
  goStart(ev: BaseEvent): boolean {
    const gid = this.id(ev.args[0]!, 'goroutine ID', ev);
    const seq = this.seqOf(ev.args[1]!, ev);
    const s = this.gStates.get(gid);
    if (s === undefined || s.status !== GoStatus.Runnable || !Ordering.succeeds(this.gen, seq, s)) return false;
    this.need(ev, Need.Must, Need.Must, Need.No);
    s.status = GoStatus.Running;
    s.gen = this.gen;
    s.seq = seq;
    this.ng = gid;
    this.emit(ev);
    return true;
  }

  /** The rule of the `goUnblock` family of events (see the module comment): may it happen now? */
  goUnblock(ev: BaseEvent): boolean {
    // Anything may unblock a goroutine (even sysmon, without a proc), so the context is not checked.
    const gid = this.id(ev.args[0]!, 'goroutine ID', ev);
    const seq = this.seqOf(ev.args[1]!, ev);
    const s = this.gStates.get(gid);
    if (s === undefined || s.status !== GoStatus.Waiting || !Ordering.succeeds(this.gen, seq, s)) return false;
    s.status = GoStatus.Runnable;
    s.gen = this.gen;
    s.seq = seq;
    this.emit(ev);
    return true;
  }

  /**
   * GoSwitch, GoSwitchDestroy (coroutine switches, Go 1.23+): unblock the next goroutine, block or destroy
   * the current one, start the next. Seen as three events; sequenced on the next goroutine.
   */
  goSwitch(ev: BaseEvent): boolean {
    this.needUserG(ev);
    const cur = this.currentG(ev);
    const next = this.id(ev.args[0]!, 'goroutine ID', ev);
    const seq = this.seqOf(ev.args[1]!, ev);
    const ns = this.gStates.get(next);
    if (ns === undefined || ns.status !== GoStatus.Waiting || !Ordering.succeeds(this.gen, seq, ns)) return false;
    this.emit(ev);
    if (ev.type === T.GoSwitch) {
      cur.status = GoStatus.Waiting;
      this.push(T.GoBlock, ev.time, this.cg, this.cp, this.cm, [0, 0], ev.offset);
    } else {
      this.gStates.delete(this.cg);
      this.push(T.GoDestroy, ev.time, this.cg, this.cp, this.cm, [], ev.offset);
    }
    ns.status = GoStatus.Running;
    ns.gen = this.gen;
    ns.seq = seq;
    this.ng = next;
    this.push(T.GoStart, ev.time, NO_GOROUTINE, this.cp, this.cm, [ev.args[0]!, ev.args[1]!], ev.offset);
    return true;
  }

  /** The rule of the `goSyscallBegin` family of events (see the module comment): may it happen now? */
  goSyscallBegin(ev: BaseEvent): boolean {
    this.needUserG(ev);
    const s = this.currentG(ev);
    s.status = GoStatus.Syscall;
    const ps = this.pStates.get(this.cp);
    if (ps === undefined) throw this.fail(ev, `uninitialized proc ${this.cp} found during ${this.name(ev)}`);
    ps.status = ProcStatus.Syscall;
    // The proc's sequence number makes a later ProcSteal unambiguous; on a running proc it must be next.
    const seq = this.seqOf(ev.args[0]!, ev);
    if (!Ordering.succeeds(this.gen, seq, ps)) {
      throw this.fail(ev, `failed to advance ${this.name(ev)}: can't make sequence: ${ps.seq} (gen=${ps.gen}) -> ${seq} (gen=${this.gen})`);
    }
    ps.gen = this.gen;
    ps.seq = seq;
    this.emit(ev);
    return true;
  }

  /** The rule of the `goSyscallEnd` family of events (see the module comment): may it happen now? */
  goSyscallEnd(ev: BaseEvent): boolean {
    // On the thread that began the syscall, which the goroutine cannot leave: always possible.
    this.needUserG(ev);
    const s = this.currentG(ev, GoStatus.Syscall, 'Running');
    s.status = GoStatus.Running;
    const ps = this.pStates.get(this.cp);
    if (ps === undefined) throw this.fail(ev, `uninitialized proc ${this.cp} found during ${this.name(ev)}`);
    if (ps.status !== ProcStatus.Syscall) {
      throw this.fail(ev, `expected proc ${this.cp} in state Syscall, but got ${procStatusName(ps.status)} instead`);
    }
    ps.status = ProcStatus.Running;
    this.emit(ev);
    return true;
  }

  /** The rule of the `goSyscallEndBlocked` family of events (see the module comment): may it happen now? */
  goSyscallEndBlocked(ev: BaseEvent): boolean {
    // Waits until the proc this thread held in the syscall has been stopped or stolen.
    if (this.cp !== NO_PROC) {
      const ps = this.pStates.get(this.cp);
      if (ps === undefined) throw this.fail(ev, `uninitialized proc ${this.cp} found during ${this.name(ev)}`);
      if (ps.status === ProcStatus.Syscall) return false;
    }
    this.need(ev, Need.Must, Need.May, Need.Must);
    const s = this.currentG(ev, GoStatus.Syscall, 'Running');
    this.ng = NO_GOROUTINE;
    s.status = GoStatus.Runnable;
    this.emit(ev);
    return true;
  }

  /** The rule of the `goCreateSyscall` family of events (see the module comment): may it happen now? */
  goCreateSyscall(ev: BaseEvent): boolean {
    // A goroutine appearing for a cgo callback: created in a syscall, on this thread.
    this.need(ev, Need.Must, Need.May, Need.No);
    const gid = this.id(ev.args[0]!, 'goroutine ID', ev);
    if (this.gStates.has(gid)) throw this.fail(ev, `tried to create goroutine (${gid}) in syscall that already exists`);
    this.gStates.set(gid, { status: GoStatus.Syscall, gen: this.gen, seq: 0, regions: [], ranges: [] });
    this.ng = gid;
    this.emit(ev);
    return true;
  }

  /** The rule of the `goDestroySyscall` family of events (see the module comment): may it happen now? */
  goDestroySyscall(ev: BaseEvent): boolean {
    // The cgo callback's goroutine goes away. The thread also lets go of its proc: its ID may be reused by a
    // new thread, which must not appear to steal the proc from itself.
    this.need(ev, Need.Must, Need.May, Need.Must);
    this.currentG(ev, GoStatus.Syscall, 'Syscall');
    this.gStates.delete(this.cg);
    this.ng = NO_GOROUTINE;
    if (this.cp !== NO_PROC) {
      const ps = this.pStates.get(this.cp);
      if (ps === undefined) throw this.fail(ev, `found invalid proc ${this.cp} during ${this.name(ev)}`);
      if (ps.status !== ProcStatus.Syscall) throw this.fail(ev, `proc ${this.cp} in unexpected state ${procStatusName(ps.status)} during ${this.name(ev)}`);
      ps.status = ProcStatus.SyscallAbandoned;
      this.np = NO_PROC;
      // A synthetic steal of the proc by its own thread.
      this.push(T.ProcSteal, ev.time, this.cg, this.cp, this.cm, [this.cp, 0, 0], ev.offset);
    }
    this.emit(ev);
    return true;
  }

  // --- Annotations and tasks -----------------------------------------------------------------------------

  /** The rule of the `annotation` family of events (see the module comment): may it happen now? */
  annotation(ev: BaseEvent): boolean {
    this.needUserG(ev);
    this.emit(ev);
    return true;
  }

  /** The rule of the `heapMetric` family of events (see the module comment): may it happen now? */
  heapMetric(ev: BaseEvent): boolean {
    this.need(ev, Need.Must, Need.Must, Need.May);
    this.emit(ev);
    return true;
  }

  /** The rule of the `userTaskBegin` family of events (see the module comment): may it happen now? */
  userTaskBegin(ev: BaseEvent): boolean {
    // Tasks may end without a seen beginning, end twice, and reuse IDs: only a double beginning is wrong.
    const id = this.id(ev.args[0]!, 'task ID', ev);
    if (this.activeTasks.has(id)) throw this.fail(ev, `task ID conflict: ${id}`);
    let parent = this.id(ev.args[1]!, 'task ID', ev);
    // On the wire 0 means "no parent" here, not the background task.
    if (parent === 0) {
      parent = NO_TASK;
      ev.args[1] = -1;
    }
    const name = this.table!.string(ev.args[2]!);
    if (name === undefined) throw this.fail(ev, `invalid string ID ${ev.args[2]} for ${this.name(ev)} event`);
    this.activeTasks.set(id, { name, parent });
    this.needUserG(ev);
    this.emit(ev);
    return true;
  }

  /** The rule of the `userTaskEnd` family of events (see the module comment): may it happen now? */
  userTaskEnd(ev: BaseEvent): boolean {
    const id = this.id(ev.args[0]!, 'task ID', ev);
    const task = this.activeTasks.get(id);
    // The task may have begun in an earlier generation: its name travels with the engine, not the table.
    if (task !== undefined) this.activeTasks.delete(id);
    this.needUserG(ev);
    this.emit(ev, { taskParent: task?.parent ?? NO_TASK, taskType: task?.name ?? '' });
    return true;
  }

  private region(ev: BaseEvent): { s: GState; r: Region } {
    this.needUserG(ev);
    const task = this.id(ev.args[0]!, 'task ID', ev);
    const name = this.table!.string(ev.args[1]!);
    if (name === undefined) throw this.fail(ev, `invalid string ID ${ev.args[1]} for ${this.name(ev)} event`);
    const s = this.gStates.get(this.cg);
    if (s === undefined) throw this.fail(ev, `encountered Ev${this.name(ev)} without known state for current goroutine ${this.cg}`);
    return { s, r: { task, name } };
  }

  /** The rule of the `userRegionBegin` family of events (see the module comment): may it happen now? */
  userRegionBegin(ev: BaseEvent): boolean {
    const { s, r } = this.region(ev);
    s.regions.push(r);
    this.emit(ev);
    return true;
  }

  /** The rule of the `userRegionEnd` family of events (see the module comment): may it happen now? */
  userRegionEnd(ev: BaseEvent): boolean {
    const { s, r } = this.region(ev);
    // Regions that began before the trace started are unknown: their ends pass unchecked.
    if (s.regions.length > 0) {
      const top = s.regions[s.regions.length - 1]!;
      if (top.task !== r.task || top.name !== r.name) {
        throw this.fail(
          ev,
          `misuse of region in goroutine ${this.cg}: region end {${r.task} ${r.name}} when the inner-most active region start event is {${top.task} ${top.name}}`,
        );
      }
      s.regions.pop();
    }
    this.emit(ev);
    return true;
  }

  // --- GC --------------------------------------------------------------------------------------------------

  /**
   * GC cycles are sequenced globally (GCActive, GCBegin, GCEnd carry the cycle number), since a cycle can
   * begin and end on different threads.
   */
  gcActive(ev: BaseEvent): boolean {
    const seq = this.seqOf(ev.args[0]!, ev);
    if (this.gen === this.initialGen) {
      if (this.gcState !== GCState.Undetermined) throw this.fail(ev, "GCActive in the first generation isn't first GC event");
      this.gcSeq = seq;
      this.gcState = GCState.Running;
      this.emit(ev);
      return true;
    }
    if (seq !== this.gcSeq + 1) return false;
    if (this.gcState !== GCState.Running) throw this.fail(ev, 'encountered GCActive while GC was not in progress');
    this.gcSeq = seq;
    this.needUserG(ev);
    this.emit(ev);
    return true;
  }

  /** The rule of the `gcBegin` family of events (see the module comment): may it happen now? */
  gcBegin(ev: BaseEvent): boolean {
    const seq = this.seqOf(ev.args[0]!, ev);
    if (this.gcState === GCState.Undetermined) {
      this.gcSeq = seq;
      this.gcState = GCState.Running;
      this.emit(ev);
      return true;
    }
    if (seq !== this.gcSeq + 1) return false;
    if (this.gcState === GCState.Running) throw this.fail(ev, 'encountered GCBegin while GC was already in progress');
    this.gcSeq = seq;
    this.gcState = GCState.Running;
    this.needUserG(ev);
    this.emit(ev);
    return true;
  }

  /** The rule of the `gcEnd` family of events (see the module comment): may it happen now? */
  gcEnd(ev: BaseEvent): boolean {
    const seq = this.seqOf(ev.args[0]!, ev);
    if (seq !== this.gcSeq + 1) return false;
    if (this.gcState === GCState.NotRunning) throw this.fail(ev, 'encountered GCEnd when GC was not in progress');
    if (this.gcState === GCState.Undetermined) throw this.fail(ev, 'encountered GCEnd when GC was in an undetermined state');
    this.gcSeq = seq;
    this.gcState = GCState.NotRunning;
    this.needUserG(ev);
    this.emit(ev);
    return true;
  }

  /** The rule of the `gcSweepBegin` family of events (see the module comment): may it happen now? */
  gcSweepBegin(ev: BaseEvent): boolean {
    // Sweeping belongs to a proc, not a goroutine.
    this.need(ev, Need.Must, Need.Must, Need.May);
    const ps = this.pStates.get(this.cp);
    if (ps === undefined) throw this.fail(ev, `uninitialized proc ${this.cp} found during ${this.name(ev)}`);
    this.beginRange(ev, ps.ranges, this.rangeType(ev.type, 0));
    this.emit(ev);
    return true;
  }

  /** The rule of the `gcSweepActive` family of events (see the module comment): may it happen now? */
  gcSweepActive(ev: BaseEvent): boolean {
    // May name any proc, as GCMarkAssistActive may name any goroutine.
    const pid = this.id(ev.args[0]!, 'proc ID', ev);
    const ps = this.pStates.get(pid);
    if (ps === undefined) throw this.fail(ev, `encountered GCSweepActive for unknown proc ${pid}`);
    this.activeRange(ev, ps.ranges, this.rangeType(ev.type, 0));
    this.emit(ev);
    return true;
  }

  /** The rule of the `gcSweepEnd` family of events (see the module comment): may it happen now? */
  gcSweepEnd(ev: BaseEvent): boolean {
    this.need(ev, Need.Must, Need.Must, Need.May);
    const ps = this.pStates.get(this.cp);
    if (ps === undefined) throw this.fail(ev, `uninitialized proc ${this.cp} found during ${this.name(ev)}`);
    this.endRange(ev, ps.ranges);
    this.emit(ev);
    return true;
  }

  /** STWBegin, GCMarkAssistBegin: a range on the running goroutine. */
  goRangeBegin(ev: BaseEvent): boolean {
    this.needUserG(ev);
    const desc = ev.type === T.STWBegin ? ev.args[0]! : 0;
    const s = this.gStates.get(this.cg);
    if (s === undefined) throw this.fail(ev, `encountered event of type ${ev.type} without known state for current goroutine ${this.cg}`);
    this.beginRange(ev, s.ranges, this.rangeType(ev.type, desc));
    this.emit(ev);
    return true;
  }

  /** GCMarkAssistActive: may name a goroutine that is not running, so the context is not checked. */
  goRangeActive(ev: BaseEvent): boolean {
    const gid = this.id(ev.args[0]!, 'goroutine ID', ev);
    const s = this.gStates.get(gid);
    if (s === undefined) throw this.fail(ev, `uninitialized goroutine ${gid} found during ${this.name(ev)}`);
    this.activeRange(ev, s.ranges, this.rangeType(ev.type, 0));
    this.emit(ev);
    return true;
  }

  /** STWEnd, GCMarkAssistEnd. */
  goRangeEnd(ev: BaseEvent): boolean {
    this.needUserG(ev);
    const s = this.gStates.get(this.cg);
    if (s === undefined) throw this.fail(ev, `encountered event of type ${ev.type} without known state for current goroutine ${this.cg}`);
    const desc = this.endRange(ev, s.ranges);
    this.emit(ev, ev.type === T.STWEnd ? { stwKind: desc } : undefined);
    return true;
  }

  /** Experimental AllocFree events: instantaneous, on a thread, with or without a proc. */
  allocFree(ev: BaseEvent): boolean {
    this.need(ev, Need.Must, Need.May, Need.May);
    this.emit(ev);
    return true;
  }
}
