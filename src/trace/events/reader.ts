/**
 * `readTrace`: the events of a trace in the order Go's reader produces them.
 *
 * Per generation: the per-M batches become one cursor per thread; the cursors sit in a min-heap by the time
 * of their next event; the thread at the top is asked first whether its event can happen now (the
 * {@link Ordering} engine decides), the others in time order if not. CPU samples, which belong to no
 * thread's batches, are merged in by time. A Sync event opens every generation and closes the trace.
 * @module
 */

import { ErrorCode, GodiagError, corrupt } from '../../internal/errors.js';
import type { InputOptions, Source } from '../../internal/input.js';
import { EXPERIMENT_NAMES } from '../spec/events.js';
import { TRACE_HEADER_BYTES } from '../header.js';
import type { WireVersion } from '../spec/versions.js';
import { GenerationSplitter, type EventBatch, type Generation, type GenerationReadOptions } from '../wire/generation.js';
import { readBatches, readBatchesSync, type Batch } from '../wire/batch.js';
import { INCOMPLETE, uvarintAt, scan, type ArgValue } from '../wire/varint.js';
import { NO_GOROUTINE, NO_PROC, NO_STACK, NO_THREAD, type SyncClock, type Event, type ExperimentalBatchView, type SyncEvent } from './event.js';
import { SPEC_BY_TYPE } from './build.js';
import { Ordering, type BaseEvent, type ThreadState } from './order.js';
import { GenerationTable, int64Id } from './table.js';

/** Options of {@link readTrace} and {@link readTraceSync}. */
export interface ReadTraceOptions extends GenerationReadOptions {
  /**
   * What to do when the input ends inside a generation (a trace cut short, e.g. by a crash): `'throw'`
   * (default, as Go's reader) raises a `truncated` GodiagError after the events of the complete generations;
   * `'stop'` ends cleanly with the final Sync after the last complete generation.
   */
  onTruncated?: 'throw' | 'stop';
}

/**
 * Arguments after the timestamp of each timed event type, by type byte (over every version, as Go's reader
 * decodes with its newest table); −1 for a byte that is no timed event.
 */
const TIMED_ARGS: Int8Array = (() => {
  const t = new Int8Array(256).fill(-1);
  for (let type = 0; type < 256; type++) {
    const spec = SPEC_BY_TYPE[type];
    if (spec !== undefined && spec.timed) t[type] = spec.args.length - 1;
  }
  return t;
})();

/** The events of one thread (M) in a generation: its batches, read one event at a time. */
class BatchCursor {
  private idx = -1;
  private pos = 0;
  // The current batch's body and where it is in the input.
  private data: Uint8Array = new Uint8Array(0);
  private dataOffset = 0;
  private lastTime = 0;
  /** The thread's next event (valid after `next()` returned true). */
  readonly ev: BaseEvent = { type: 0, time: 0, args: [0, 0, 0, 0], offset: 0 };
  /** The ordering engine's state of this thread, once asked for (NO_THREAD has none). */
  state: ThreadState | undefined;

  constructor(
    readonly m: number,
    readonly batches: EventBatch[],
  ) {}

  /** Reads the next event into `ev`; false when the thread has no more events in this generation. */
  next(table: GenerationTable): boolean {
    let data = this.data;
    let pos = this.pos;
    if (pos === data.length) {
      // The next batch with events (Go accepts empty batches).
      const batches = this.batches;
      do {
        if (++this.idx >= batches.length) return false;
        data = batches[this.idx]!.data;
      } while (data.length === 0);
      const b = batches[this.idx]!;
      this.data = data;
      this.dataOffset = b.dataOffset;
      this.pos = pos = 0;
      this.lastTime = 0;
    }
    // As Go does: a batch's events count from its base time, and a base of 0 ns is re-read at each event.
    if (this.lastTime === 0) this.lastTime = table.ns(this.batches[this.idx]!.time);
    const end = data.length;
    const base = this.dataOffset;
    const ev = this.ev;
    const type = data[pos]!;
    const n = TIMED_ARGS[type]!;
    // Each event is checked here, as it is read (as Go's reader does): the generation was split unchecked.
    if (n < 0) throw badEvent(this.batches[this.idx]!, pos, type);
    ev.type = type;
    ev.offset = base + pos;
    const dt = uvarintAt(data, pos + 1, end, base);
    if (typeof dt !== 'number' || dt === INCOMPLETE) throw badTimestamp(this.batches[this.idx]!, pos, dt);
    let p = scan.pos;
    const args = ev.args;
    for (let i = 0; i < n; i++) {
      const v = uvarintAt(data, p, end, base);
      if (v === INCOMPLETE) throw pastBatch(this.batches[this.idx]!, pos);
      args[i] = v;
      p = scan.pos;
    }
    this.pos = p;
    // Each delta is converted on its own and added, as Go does (not the sum of the ticks).
    ev.time = table.ns(dt) + this.lastTime;
    this.lastTime = ev.time;
    return true;
  }
}

function pastBatch(b: EventBatch, pos: number): GodiagError {
  return corrupt('trace', b.dataOffset + pos, `event runs past the end of its batch (which starts at byte ${b.offset} and holds ${b.data.length} bytes)`);
}

function badEvent(b: EventBatch, pos: number, type: number): GodiagError {
  const spec = SPEC_BY_TYPE[type];
  return corrupt(
    'trace',
    b.dataOffset + pos,
    spec === undefined ? `found invalid event type ${type} in an event batch` : `found a ${spec.name} event, which has no timestamp, in an event batch`,
  );
}

function badTimestamp(b: EventBatch, pos: number, dt: ArgValue): GodiagError {
  if (dt === INCOMPLETE) return pastBatch(b, pos);
  return new GodiagError(ErrorCode.LimitExceeded, { format: 'trace', offset: b.dataOffset + pos, message: `timestamp delta ${dt} ticks exceeds 2^53−1` });
}

// The frontier: a binary min-heap of cursors by the time of their next event. Which of two cursors with
// equal times comes first depends on the heap's exact moves, so these follow Go's reader step by step.

function siftUp(h: BatchCursor[], i: number): number {
  const c = h[i]!;
  const t = c.ev.time;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const p = h[parent]!;
    if (!(p.ev.time > t)) break;
    h[i] = p;
    h[parent] = c;
    i = parent;
  }
  return i;
}

function siftDown(h: BatchCursor[], i: number): void {
  const n = h.length;
  if (i >= n) return;
  const c = h[i]!;
  const t = c.ev.time;
  for (;;) {
    let m = i;
    let minTime = t;
    const l = 2 * i + 1;
    if (l < n) {
      const lt = h[l]!.ev.time;
      if (lt < minTime) {
        minTime = lt;
        m = l;
      }
      if (l + 1 < n && h[l + 1]!.ev.time < minTime) m = l + 1;
    }
    if (m === i) return;
    h[i] = h[m]!;
    h[m] = c;
    i = m;
  }
}

function heapInsert(h: BatchCursor[], c: BatchCursor): void {
  h.push(c);
  siftUp(h, h.length - 1);
}

function heapUpdate(h: BatchCursor[], i: number): void {
  if (siftUp(h, i) !== i) return;
  siftDown(h, i);
}

function heapRemove(h: BatchCursor[], i: number): void {
  // Move the entry to the root regardless of its value, then remove the root.
  while (i > 0) {
    const parent = (i - 1) >> 1;
    [h[parent], h[i]] = [h[i]!, h[parent]!];
    i = parent;
  }
  const last = h.length - 1;
  [h[0], h[last]] = [h[last]!, h[0]!];
  h.pop();
  siftDown(h, 0);
}

/** A CPU sample ready to merge: its time in nanoseconds and its context. */
interface PendingSample {
  time: number;
  g: number;
  p: number;
  m: number;
  stack: number;
  offset: number;
}

/**
 * The event reader's state machine, fed one generation at a time. Holds the current generation, the
 * ordering engine's model (live goroutines, procs, threads) and the delivery clock.
 */
export class EventAssembler {
  private readonly order = new Ordering();
  private table: GenerationTable | undefined;
  private frontier: BatchCursor[] = [];
  private samples: PendingSample[] = [];
  private sampleIdx = 0;
  private lastTime = 0;
  private syncs = 0;
  /** Generations started so far. */
  generations = 0;

  /** Starts a generation; returns its Sync event. */
  startGeneration(g: Generation): SyncEvent {
    const table = new GenerationTable(g);
    this.table = table;
    this.generations++;
    const byM = new Map<number, EventBatch[]>();
    for (const b of g.batches) {
      const m = int64Id(b.m, 'thread ID', b.offset);
      const list = byM.get(m);
      if (list === undefined) byM.set(m, [b]);
      else list.push(b);
    }
    this.frontier = [];
    for (const [m, batches] of byM) {
      const c = new BatchCursor(m, batches);
      if (c.next(table)) heapInsert(this.frontier, c);
    }
    this.samples = g.cpuSamples.map((s) => ({
      time: table.ns(s.time),
      g: s.g === 0 ? NO_GOROUTINE : int64Id(s.g, 'goroutine ID', s.offset),
      p: int64Id(s.p, 'proc ID', s.offset),
      m: int64Id(s.m, 'thread ID', s.offset),
      stack: s.stack,
      offset: s.offset,
    }));
    this.samples.sort((a, b) => a.time - b.time);
    this.sampleIdx = 0;
    const experimentalBatches = new Map<string, ExperimentalBatchView[]>();
    for (const b of g.experimentalBatches) {
      const name = EXPERIMENT_NAMES[b.experiment];
      if (name === undefined) throw corrupt('trace', b.offset, `experimental batch of unknown experiment ${b.experiment}`);
      const list = experimentalBatches.get(name) ?? [];
      list.push({ thread: int64Id(b.m, 'thread ID', b.offset), data: b.data });
      experimentalBatches.set(name, list);
    }
    let clockSnapshot: SyncClock | undefined;
    if (g.clockSnapshot !== undefined) {
      const s = g.clockSnapshot;
      clockSnapshot = { trace: table.ns(s.time), mono: s.mono, ...wallClock(s.sec, s.nsec) };
    }
    return this.deliverSync(table.ns(g.minTime), clockSnapshot, experimentalBatches);
  }

  /** The final Sync of the trace (also the one delivered before an error about a later generation). */
  finalSync(): SyncEvent {
    this.table = undefined;
    this.frontier = [];
    this.samples = [];
    return this.deliverSync(this.lastTime, undefined, undefined);
  }

  /**
   * The next event of the current generation, or undefined when the generation is exhausted.
   * @throws GodiagError when the trace is inconsistent.
   */
  next(): Event | undefined {
    const queued = this.order.next();
    if (queued !== undefined) return this.deliver(queued);
    const table = this.table;
    if (table === undefined) return undefined;
    const h = this.frontier;
    if (this.sampleIdx < this.samples.length && (h.length === 0 || this.samples[this.sampleIdx]!.time < h[0]!.ev.time)) {
      const s = this.samples[this.sampleIdx++]!;
      const stack = table.stack(s.stack);
      if (stack === undefined) throw corrupt('trace', s.offset, `found invalid stack ID ${s.stack} for a CPU sample (generation ${table.gen})`);
      return this.deliver({ kind: 'StackSample', time: s.time, goroutine: s.g, proc: s.p, thread: s.m, stack });
    }
    if (h.length === 0) {
      // The generation is over: hold nothing of it while the next one is read (memory stays one generation).
      this.table = undefined;
      this.frontier = [];
      this.samples = [];
      this.order.endGeneration();
      return undefined;
    }
    if (!this.tryAdvance(table, 0)) {
      // Rare: the earliest event must wait. Sort the heap (still a heap) and try the others in time order.
      // Go's sort is not stable, but for the few threads of a frontier (12 or fewer) it is an insertion sort,
      // which is; a stable sort matches it there.
      const sorted = [...h].sort((a, b) => a.ev.time - b.ev.time);
      h.splice(0, h.length, ...sorted);
      let advanced = false;
      for (let i = 1; i < h.length; i++) {
        if (this.tryAdvance(table, i)) {
          advanced = true;
          break;
        }
      }
      if (!advanced) throw this.stuck(table);
    }
    const ev = this.order.next();
    if (ev === undefined) throw new Error('internal error: an event advanced but none was queued');
    return this.deliver(ev);
  }

  private tryAdvance(table: GenerationTable, i: number): boolean {
    const c = this.frontier[i]!;
    const state = c.m === NO_THREAD ? undefined : (c.state ??= this.order.threadState(c.m));
    if (!this.order.advance(c.ev, table, c.m, state)) return false;
    if (c.next(table)) heapUpdate(this.frontier, i);
    else heapRemove(this.frontier, i);
    return true;
  }

  private stuck(table: GenerationTable): GodiagError {
    const next = this.frontier.map((c) => `  M ${c.m}: ${SPEC_BY_TYPE[c.ev.type]?.name} at ${c.ev.time} ns (byte ${c.ev.offset})`).join('\n');
    const offset = this.frontier[0]?.ev.offset ?? table.generation.offset;
    return corrupt(
      'trace',
      offset,
      `broken trace: no thread's next event can happen in generation ${table.gen} (the events contradict each other)\nnext events:\n${next}\nstate:\n${this.order.describe()}`,
    );
  }

  /** Gives an event its final time: Go's reader makes times strictly increasing. */
  private deliver<E extends Event>(e: E | GodiagError): E {
    if (e instanceof GodiagError) throw e;
    if (e.time <= this.lastTime) e.time = this.lastTime + 1;
    this.lastTime = e.time;
    return e;
  }

  private deliverSync(time: number, clockSnapshot: SyncClock | undefined, experimentalBatches: Map<string, ExperimentalBatchView[]> | undefined): SyncEvent {
    this.syncs++;
    return this.deliver<SyncEvent>({
      kind: 'Sync',
      time,
      goroutine: NO_GOROUTINE,
      proc: NO_PROC,
      thread: NO_THREAD,
      stack: NO_STACK,
      n: this.syncs,
      clockSnapshot,
      experimentalBatches,
    });
  }
}

/** Go's `time.Unix(int64(sec), int64(nsec))`, read back as seconds and nanoseconds. */
function wallClock(sec: number | bigint, nsec: number | bigint): { wallSec: number | bigint; wallNsec: number } {
  let s = BigInt.asIntN(64, BigInt(sec));
  let n = BigInt.asIntN(64, BigInt(nsec));
  if (n < 0n || n >= 1_000_000_000n) {
    const q = n / 1_000_000_000n;
    s += q;
    n -= q * 1_000_000_000n;
    if (n < 0n) {
      n += 1_000_000_000n;
      s--;
    }
  }
  const safe = s >= BigInt(Number.MIN_SAFE_INTEGER) && s <= BigInt(Number.MAX_SAFE_INTEGER);
  return { wallSec: safe ? Number(s) : s, wallNsec: Number(n) };
}

function* generationEvents(a: EventAssembler, g: Generation): Generator<Event, void, undefined> {
  yield a.startGeneration(g);
  for (let ev = a.next(); ev !== undefined; ev = a.next()) yield ev;
}

/**
 * What follows a batch that could not be read or a generation that could not be built: as in Go's reader,
 * (before Go 1.26) the events of the generation read up to an unreadable batch, then a Sync, then the error.
 * With `onTruncated: 'stop'`, a truncated input ends at the last complete generation instead.
 */
function* afterError(a: EventAssembler, split: GenerationSplitter, e: unknown, fromBatchReader: boolean, options: ReadTraceOptions): Generator<Event, void, undefined> {
  const stop = options.onTruncated === 'stop' && e instanceof GodiagError && e.code === ErrorCode.Truncated;
  let error = e;
  if (fromBatchReader && !stop) {
    let partial: Generation | undefined;
    try {
      partial = split.salvage();
    } catch (salvageError) {
      error = salvageError;
    }
    if (partial !== undefined) yield* generationEvents(a, partial);
  }
  yield a.finalSync();
  if (!stop) throw error;
}

function* endOfInput(a: EventAssembler, split: GenerationSplitter, end: number, options: ReadTraceOptions): Generator<Event, void, undefined> {
  let last: Generation | undefined;
  try {
    last = split.end(end);
  } catch (e) {
    yield* afterError(a, split, e, false, options);
    return;
  }
  if (last !== undefined) yield* generationEvents(a, last);
  // Before Go 1.26 a generation has no end marker, and Go's reader insists on finding at least one: a trace
  // of just a header fails as a generation without a Frequency event.
  if (a.generations === 0 && !split.hasMarkers) {
    yield a.finalSync();
    throw corrupt('trace', TRACE_HEADER_BYTES, 'no frequency event found: the trace has no generation');
  }
  yield a.finalSync();
}

/**
 * The event stream's state between calls: the current generation's events come straight from the
 * assembler; between generations, batches are fed to the splitter (sync or async, by the caller); the ends
 * (error, end of input) are short generators. Hand-written iterators rather than generators: per event,
 * a generator's resumption (and, async, its promise queue) costs more than the event itself.
 */
/** How many events the pump takes ahead of the consumer within a generation. */
const BUFFERED_EVENTS = 512;

class EventPump {
  private readonly a = new EventAssembler();
  private readonly split: GenerationSplitter;
  private end = TRACE_HEADER_BYTES;
  private inGeneration = false;
  private tail: Iterator<Event, void, undefined> | undefined;
  // Events of the generation taken ahead by fill(): buf[bi..bn) are still to be delivered.
  private readonly buf: Event[] = [];
  private bi = 0;
  private bn = 0;
  private error: unknown;
  private hasError = false;
  /** True once the stream has ended (or failed, or the consumer returned). */
  done = false;

  constructor(
    version: WireVersion,
    private readonly options: ReadTraceOptions,
  ) {
    this.split = new GenerationSplitter(version, false);
  }

  /** The next event without reading a batch: from the generation, or the ending. Undefined: feed a batch. */
  fast(): IteratorResult<Event, void> | undefined {
    if (this.bi < this.bn) return { value: this.buf[this.bi++]!, done: false };
    if (this.inGeneration && this.fill()) return { value: this.buf[this.bi++]!, done: false };
    return this.slowFast();
  }

  /**
   * Takes the events ready without reading a batch (at most `max`) into `out`; returns how many. Zero: feed a
   * batch, or the stream is done (see {@link done}).
   */
  take(out: Event[], max: number): number {
    let n = 0;
    for (;;) {
      while (this.bi < this.bn && n < max) {
        out.push(this.buf[this.bi++]!);
        n++;
      }
      if (n === max) return n;
      if (this.inGeneration) {
        // Straight from the assembler into `out`, not through the buffer.
        n += this.fillInto(out, max - n);
        if (n === max) return n;
        continue;
      }
      if (n > 0) return n;
      const r = this.slowFast();
      if (r === undefined || r.done === true) return 0;
      out.push(r.value);
      n++;
    }
  }

  /**
   * Refills the buffer with the generation's next events, in one tight loop: per event, this saves the calls
   * between a consumer's `next()` and the assembler. An error stops the fill; it is raised once the events
   * before it have been taken.
   */
  private fill(): boolean {
    const buf = this.buf;
    const a = this.a;
    let n = 0;
    try {
      while (n < BUFFERED_EVENTS) {
        const ev = a.next();
        if (ev === undefined) {
          this.inGeneration = false;
          break;
        }
        buf[n++] = ev;
      }
    } catch (e) {
      // Nothing follows an error: the model of the program is no longer trustworthy.
      this.inGeneration = false;
      this.error = e;
      this.hasError = true;
    }
    this.bi = 0;
    this.bn = n;
    return n > 0;
  }

  /** As {@link fill}, into `out` (at most `max` events); returns how many. */
  private fillInto(out: Event[], max: number): number {
    const a = this.a;
    let n = 0;
    try {
      while (n < max) {
        const ev = a.next();
        if (ev === undefined) {
          this.inGeneration = false;
          break;
        }
        out.push(ev);
        n++;
      }
    } catch (e) {
      this.inGeneration = false;
      this.error = e;
      this.hasError = true;
    }
    return n;
  }

  /** The ending: a pending error, the tail after the generations, or the end. */
  private slowFast(): IteratorResult<Event, void> | undefined {
    if (this.hasError) {
      const e = this.error;
      this.hasError = false;
      this.error = undefined;
      this.tail = undefined;
      this.done = true;
      throw e;
    }
    try {
      if (this.tail !== undefined) {
        const r = this.tail.next();
        if (r.done === true) this.done = true;
        return r;
      }
    } catch (e) {
      this.tail = undefined;
      this.done = true;
      throw e;
    }
    if (this.done) return { value: undefined, done: true };
    return undefined;
  }

  /** Takes the next batch (or the end of the input); returns a generation's Sync when one is complete. */
  feed(r: IteratorResult<Batch, void>): Event | undefined {
    if (r.done === true) {
      this.tail = endOfInput(this.a, this.split, this.end, this.options);
      return undefined;
    }
    this.end = r.value.dataOffset + r.value.data.length;
    let g: Generation | undefined;
    try {
      g = this.split.push(r.value);
    } catch (e) {
      this.tail = afterError(this.a, this.split, e, false, this.options);
      return undefined;
    }
    if (g === undefined) return undefined;
    try {
      const sync = this.a.startGeneration(g);
      this.inGeneration = true;
      return sync;
    } catch (e) {
      this.done = true;
      throw e;
    }
  }

  /** Ends the stream early (the consumer returned): nothing more is delivered. */
  close(): void {
    this.bi = this.bn = 0;
    this.inGeneration = false;
    this.tail = undefined;
    this.hasError = false;
    this.error = undefined;
    this.done = true;
  }

  /** The batch reader failed. */
  failed(e: unknown): void {
    this.tail = afterError(this.a, this.split, e, true, this.options);
  }
}

/** The iterator of {@link readTraceSync}. */
class TraceEventIterator implements IterableIterator<Event> {
  constructor(
    private readonly pump: EventPump,
    private readonly batches: Iterator<Batch, void, undefined>,
  ) {}

  next(): IteratorResult<Event, void> {
    const pump = this.pump;
    for (;;) {
      const r = pump.fast();
      if (r !== undefined) return r;
      let b: IteratorResult<Batch, void>;
      try {
        b = this.batches.next();
      } catch (e) {
        pump.failed(e);
        continue;
      }
      const sync = pump.feed(b);
      if (sync !== undefined) return { value: sync, done: false };
    }
  }

  return(): IteratorResult<Event, void> {
    this.pump.close();
    return { value: undefined, done: true };
  }

  [Symbol.iterator](): this {
    return this;
  }
}

/**
 * The events of {@link readTrace}: an async iterator of events, and {@link TraceEventStream.chunks} for
 * loops that want to await less than once per event.
 */
export interface TraceEventStream extends AsyncIterableIterator<Event> {
  /**
   * The same events in order, as arrays: each holds the events ready without reading more input (at most
   * `max`, default 512). One `await` per array instead of one per event: an `await` costs about as much
   * as reading an event. Use either this or the stream itself, not both.
   */
  chunks(max?: number): AsyncIterableIterator<readonly Event[]>;
}

/** The iterator of {@link readTrace}: synchronous while a generation lasts, awaiting only for batches. */
class AsyncTraceEventIterator implements TraceEventStream {
  private pump: EventPump | undefined;
  /** An error met while filling a chunk, raised by the next call. */
  private pending: unknown;

  constructor(private readonly open: () => Promise<{ version: WireVersion; batches: AsyncIterator<Batch, void, undefined> }>, private readonly options: ReadTraceOptions) {}

  private batches: AsyncIterator<Batch, void, undefined> | undefined;

  next(): Promise<IteratorResult<Event, void>> {
    if (this.pending !== undefined) {
      const e = this.pending;
      this.pending = undefined;
      return Promise.reject(e);
    }
    const pump = this.pump;
    if (pump !== undefined) {
      try {
        const r = pump.fast();
        if (r !== undefined) return Promise.resolve(r);
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return this.slow();
  }

  private async slow(): Promise<IteratorResult<Event, void>> {
    if (this.pump === undefined) {
      const { version, batches } = await this.open();
      this.pump = new EventPump(version, this.options);
      this.batches = batches;
    }
    const pump = this.pump;
    for (;;) {
      const r = pump.fast();
      if (r !== undefined) return r;
      let b: IteratorResult<Batch, void>;
      try {
        b = await this.batches!.next();
      } catch (e) {
        pump.failed(e);
        continue;
      }
      const sync = pump.feed(b);
      if (sync !== undefined) return { value: sync, done: false };
    }
  }

  chunks(max = 512): AsyncIterableIterator<readonly Event[]> {
    if (!(Number.isSafeInteger(max) && max > 0)) throw new RangeError(`godiag: chunks(max) needs a positive integer, got ${max}`);
    const events = this;
    let done = false;
    const chunks: AsyncIterableIterator<readonly Event[]> = {
      async next(): Promise<IteratorResult<readonly Event[], void>> {
        if (done) return { value: undefined, done: true };
        // The first event may need input; the rest are taken while they come without any.
        const first = await events.next();
        if (first.done === true) {
          done = true;
          return { value: undefined, done: true };
        }
        const out: Event[] = [first.value];
        try {
          events.pump!.take(out, max - 1);
        } catch (e) {
          // The events before the error are delivered; the error comes with the next call.
          events.pending = e;
        }
        return { value: out, done: false };
      },
      async return(): Promise<IteratorResult<readonly Event[], void>> {
        done = true;
        await events.return();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return chunks;
      },
    };
    return chunks;
  }

  async return(): Promise<IteratorResult<Event, void>> {
    this.pump?.close();
    await this.batches?.return?.();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * The events of an in-memory trace, in the order Go's reader (golang.org/x/exp/trace) produces them, with
 * the same meaning, the same times and the same checks.
 * @throws GodiagError for a bad header or an unsupported version (at once); from the iterator, for an
 * inconsistent or truncated trace, after the events before the problem.
 */
export function readTraceSync(bytes: Uint8Array, options: ReadTraceOptions = {}): IterableIterator<Event> {
  const { version, batches } = readBatchesSync(bytes, options);
  return new TraceEventIterator(new EventPump(version, options), batches);
}

/**
 * The events of a trace from any source (bytes, a stream, a Blob, chunks), streaming: only the current
 * generation is held. Same events and errors as {@link readTraceSync}.
 * @throws GodiagError for a bad header or an unsupported version (from the first `next()`); then as
 * {@link readTraceSync}.
 */
export function readTrace(source: Source, options: ReadTraceOptions & InputOptions = {}): TraceEventStream {
  return new AsyncTraceEventIterator(async () => {
    const { version, batches } = await readBatches(source, options);
    return { version, batches: batches[Symbol.asyncIterator]() };
  }, options);
}
