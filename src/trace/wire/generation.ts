/**
 * Generations: the self-contained slices of a trace. Each generation has its own string table, stack table,
 * CPU samples, clock data and per-M event batches, so a reader needs to hold only one at a time.
 * @module
 */

import { ErrorCode, GodiagError, corrupt, truncated } from '../../internal/errors.js';
import type { InputOptions, Source } from '../../internal/input.js';
import { decodeUtf8 } from '../../internal/utf8.js';
import { EventType, MAX_EVENT_DATA_SIZE, MAX_FRAMES_PER_STACK } from '../spec/events.js';
import { compareWireVersions, specsFor, type VersionSpecs, type WireVersion } from '../spec/versions.js';
import { eventPastBatch, readBatches, readBatchesSync, type Batch, type BatchReadOptions } from './batch.js';
import { decodeRawEventAt, decoded, skipRawEventAt, skipped, type RawEvent } from './raw-event.js';
import { INCOMPLETE, scan, uvarintAt, type ArgValue } from './varint.js';

/** One frame of a stack as the wire holds it: string IDs, not strings. */
export interface StackFrameData {
  /** Program counter (`bigint`: an address). */
  pc: bigint;
  /** String ID of the function name in the generation's string table. */
  funcId: number;
  /** String ID of the source file name. */
  fileId: number;
  /** Line number. */
  line: number;
}

/** One frame of a stack, its strings resolved. */
export interface StackFrame extends StackFrameData {
  /** Function name. */
  func: string;
  /** Source file. */
  file: string;
}

/** A CPU profile sample as the wire holds it. */
export interface CPUSampleData {
  /** When it was taken, in trace clock ticks (absolute, not a delta). */
  time: number;
  /** The M it was taken on. */
  m: ArgValue;
  /** The P, or 2^64−1 (as `bigint`) when there was none. */
  p: ArgValue;
  /** The goroutine, 0 for none. */
  g: ArgValue;
  /** Stack ID in the generation's stack table (0 for none). */
  stack: number;
}

/** A CPU profile sample recorded while tracing. */
export interface CPUSample extends CPUSampleData {
  /** Byte offset of the sample's event. */
  offset: number;
}

/** The trace clock read together with the monotonic and wall clocks (Go 1.25+). */
export interface ClockSnapshot {
  /** Trace clock, in ticks. */
  time: number;
  /** Monotonic clock, in nanoseconds. `number` below 2^53, else `bigint`. */
  mono: ArgValue;
  /** Wall clock: seconds since the Unix epoch. */
  sec: ArgValue;
  /** Wall clock: nanoseconds within the second. */
  nsec: ArgValue;
}

/** An experimental batch as the wire holds it: bytes whose layout belongs to the experiment. */
export interface ExperimentalBatchData {
  /** Experiment ID (see `Experiment`). */
  experiment: number;
  /** The M that wrote it. */
  m: ArgValue;
  /** Base time, in ticks. */
  time: number;
  /** The body. */
  data: Uint8Array;
}

/** An experimental batch, kept as bytes as Go's reader keeps it. */
export interface ExperimentalBatch extends ExperimentalBatchData {
  /** Byte offset of the batch. */
  offset: number;
  /** Byte offset of `data[0]`. */
  dataOffset: number;
}

/** A raw event of a per-M batch, with its absolute time. */
export interface TimedEvent extends RawEvent {
  /** The batch's base time plus the `dt` of this event and every earlier event of the batch, in ticks. */
  time: number;
}

/** A per-M batch of timed events as the encoder takes it. */
export interface EventBatchData {
  /** The M that wrote it. */
  m: ArgValue;
  /** Base time, in ticks. */
  time: number;
  /** The events in order; each event's first argument (`dt`) is what is written, not its `time`. */
  events: readonly RawEvent[];
}

/**
 * A per-M batch of timed events as read. Its events stay bytes until {@link batchEvents} decodes them: a
 * dense generation holds millions of events, and an object per event would cost many times the bytes.
 * Every event was checked when the generation was read (type, timedness, bounds, time overflow), so
 * decoding them does not fail.
 */
export interface EventBatch {
  /** The M that wrote it. */
  m: ArgValue;
  /** Base time, in ticks. */
  time: number;
  /** Byte offset of the batch. */
  offset: number;
  /** Size of the body in bytes. */
  size: number;
  /** The body: the batch's events as the wire holds them (a view into the input where possible). */
  data: Uint8Array;
  /** Byte offset of `data[0]`. */
  dataOffset: number;
  /**
   * Number of events in the body; absent when the generation was split without checking event batches
   * (the event reader checks each event as it reads it, as Go's reader does).
   */
  eventCount?: number;
}

/**
 * The events of a batch read by {@link readGenerations}, decoded one at a time, each with its absolute
 * time (the batch's base time plus the `dt` of it and every earlier event of the batch).
 */
export function* batchEvents(version: WireVersion, batch: EventBatch): Generator<TimedEvent, void, undefined> {
  const specs = specsFor(version);
  const { data, dataOffset } = batch;
  let time = batch.time;
  let pos = 0;
  while (pos < data.length) {
    const ev = decodeRawEventAt(specs, data, pos, data.length, dataOffset) as TimedEvent | null;
    // Checked when the generation was read; a caller-built batch may still be bad.
    if (ev === null) throw corrupt('trace', dataOffset + pos, `event runs past the end of its batch (which starts at byte ${batch.offset})`);
    pos = decoded.end;
    time = addTime(time, ev.args[0]!, ev.offset);
    ev.time = time;
    yield ev;
  }
}

/** The content of one generation, as the encoder takes it. */
export interface GenerationData {
  /** The generation number the runtime gave it (at least 1). */
  gen: number;
  /** String table: ID → string. ID 0, the empty string, is implied, not listed. */
  strings: ReadonlyMap<number, string>;
  /** Stack table: ID → frames, innermost first. ID 0, the empty stack, is implied, not listed. */
  stacks: ReadonlyMap<number, readonly StackFrameData[]>;
  /** CPU samples. */
  cpuSamples: readonly CPUSampleData[];
  /** Trace clock ticks per second. */
  frequency: number;
  /** The clock snapshot (Go 1.25+, where it is required). */
  clockSnapshot?: ClockSnapshot | undefined;
  /** Experimental batches. */
  experimentalBatches: readonly ExperimentalBatchData[];
  /** Per-M event batches: given as events, or as read (bytes, written as they are). */
  batches: readonly (EventBatchData | EventBatch)[];
  /**
   * The earliest base time of the generation's sync, table and CPU sample batches, in ticks. Go's reader
   * starts a generation at the earliest time of all its batches, so this takes part in that; absent when
   * the generation has no such batch (the encoder then uses the earliest event batch time).
   */
  tableTime?: number | undefined;
}

/** One generation, with its tables resolved and its event batches decoded. */
export interface Generation extends GenerationData {
  /** The wire version of the trace. */
  version: WireVersion;
  /** Byte offset of its first batch. */
  offset: number;
  /** Byte offset just past its last batch (including a Go 1.26 end-of-generation marker). */
  end: number;
  /** Number of batches it was made of (tables, samples, sync, experimental and event batches, end marker). */
  batchCount: number;
  /** String table: ID → string (Go's UTF-8 rules: bad bytes become U+FFFD). ID 0, the empty string, is implied. */
  strings: Map<number, string>;
  /** Stack table: ID → frames, innermost first. ID 0, the empty stack, is implied. */
  stacks: Map<number, StackFrame[]>;
  /** CPU samples in file order (Go's reader sorts them by time after converting to nanoseconds). */
  cpuSamples: CPUSample[];
  /** Experimental batches in file order. */
  experimentalBatches: ExperimentalBatch[];
  /** Per-M event batches in file order. */
  batches: EventBatch[];
  /**
   * The generation's start as Go's reader takes it, in ticks: the smallest base time of its batches (any kind
   * but the end marker), where a time of 0 is replaced by the next batch's.
   */
  minTime: number;
}

/** Options of the generation readers. */
export interface GenerationReadOptions extends BatchReadOptions {}

interface Frame {
  pc: bigint;
  funcId: number;
  fileId: number;
  line: number;
}

/** Builds one generation from its batches, checking each table as Go's reader does. */
class GenerationBuilder {
  readonly g: Generation;
  private readonly specs: VersionSpecs;
  private readonly pcs = new Map<bigint, Frame>();
  private readonly stackPcs = new Map<number, bigint[]>();
  private hasFrequency = false;

  constructor(
    version: WireVersion,
    gen: number,
    offset: number,
    private readonly checkEvents: boolean,
  ) {
    this.specs = specsFor(version);
    this.g = {
      version,
      gen,
      offset,
      end: offset,
      batchCount: 0,
      strings: new Map(),
      stacks: new Map(),
      cpuSamples: [],
      frequency: 0,
      experimentalBatches: [],
      batches: [],
      minTime: 0,
    };
  }

  add(b: Batch): void {
    this.g.batchCount++;
    this.g.end = b.dataOffset + b.data.length;
    if (b.kind !== 'end-of-generation' && (this.g.minTime === 0 || b.time < this.g.minTime)) this.g.minTime = b.time;
    // An experimental batch of experiment 0 (none) is an ordinary batch, as Go's reader takes it.
    if (b.kind === 'experimental' && b.experiment !== 0) {
      this.g.experimentalBatches.push({ experiment: b.experiment, m: b.m, time: b.time, data: b.data, offset: b.offset, dataOffset: b.dataOffset });
      return;
    }
    if (b.kind === 'end-of-generation') return;
    const first = b.data.length > 0 ? b.data[0]! : -1;
    const v = this.g.version;
    if (first === EventType.Strings) this.addStrings(b);
    else if (first === EventType.Stacks) this.addStacks(b);
    else if (first === EventType.CPUSamples) this.addCPUSamples(b);
    else if (first === EventType.Frequency && compareWireVersions(v, '1.25') < 0) this.addSync(b, 0);
    else if (first === EventType.Sync && compareWireVersions(v, '1.25') >= 0) this.addSync(b, 1);
    else {
      this.addEvents(b);
      return;
    }
    if (this.g.tableTime === undefined || b.time < this.g.tableTime) this.g.tableTime = b.time;
  }

  /** Decodes a table batch's events after its first (the table marker), each of `type`. */
  private tableEvents(b: Batch, type: number, what: string): RawEvent[] {
    const out: RawEvent[] = [];
    const { data, dataOffset } = b;
    let pos = 1;
    while (pos < data.length) {
      if (data[pos] !== type) {
        const name = this.specs.byType[data[pos]!]?.name ?? `invalid event type ${data[pos]}`;
        throw corrupt('trace', dataOffset + pos, `expected ${what} in a ${what} batch, found ${name}`);
      }
      const ev = decodeRawEventAt(this.specs, data, pos, data.length, dataOffset);
      if (ev === null) throw eventPastBatch(dataOffset + pos, b);
      out.push(ev);
      pos = decoded.end;
    }
    return out;
  }

  private addStrings(b: Batch): void {
    for (const ev of this.tableEvents(b, EventType.String, 'String')) {
      const id = idOf(ev.args[0]!, 'string ID', ev.offset);
      const data = ev.data!;
      if (data.length > MAX_EVENT_DATA_SIZE) {
        throw corrupt('trace', ev.offset, `invalid string size ${data.length}: the most a string may hold is ${MAX_EVENT_DATA_SIZE} bytes`);
      }
      // ID 0 is the empty string, implicitly present in every generation.
      if (id === 0 || this.g.strings.has(id)) throw corrupt('trace', ev.offset, `string ID ${id} is defined twice in generation ${this.g.gen}`);
      this.g.strings.set(id, decodeUtf8(data));
    }
  }

  private addStacks(b: Batch): void {
    for (const ev of this.tableEvents(b, EventType.Stack, 'Stack')) {
      const id = idOf(ev.args[0]!, 'stack ID', ev.offset);
      const n = ev.args[1] as number;
      if (n > MAX_FRAMES_PER_STACK) {
        throw corrupt('trace', ev.offset, `invalid stack size ${n}: the most a stack may hold is ${MAX_FRAMES_PER_STACK} frames`);
      }
      const pcs: bigint[] = new Array<bigint>(n);
      for (let i = 0; i < n; i++) {
        const pc = BigInt(ev.args[2 + 4 * i]!);
        pcs[i] = pc;
        // Like Go's reader, the first frame seen for a PC describes it everywhere in the generation.
        if (!this.pcs.has(pc)) {
          this.pcs.set(pc, {
            pc,
            funcId: idOf(ev.args[3 + 4 * i]!, 'function string ID', ev.offset),
            fileId: idOf(ev.args[4 + 4 * i]!, 'file string ID', ev.offset),
            line: idOf(ev.args[5 + 4 * i]!, 'line number', ev.offset),
          });
        }
      }
      // ID 0 is the empty stack, implicitly present in every generation.
      if (id === 0 || this.stackPcs.has(id)) throw corrupt('trace', ev.offset, `stack ID ${id} is defined twice in generation ${this.g.gen}`);
      this.stackPcs.set(id, pcs);
    }
  }

  private addCPUSamples(b: Batch): void {
    for (const ev of this.tableEvents(b, EventType.CPUSample, 'CPUSample')) {
      const a = ev.args;
      this.g.cpuSamples.push({
        time: idOf(a[0]!, 'CPU sample time', ev.offset),
        m: a[1]!,
        p: a[2]!,
        g: a[3]!,
        stack: idOf(a[4]!, 'stack ID', ev.offset),
        offset: ev.offset,
      });
    }
  }

  private addSync(b: Batch, skip: number): void {
    const { data, dataOffset } = b;
    let pos = skip;
    while (pos < data.length) {
      const type = data[pos]!;
      const isClock = type === EventType.ClockSnapshot && skip === 1;
      if (type !== EventType.Frequency && !isClock) {
        const name = this.specs.byType[type]?.name ?? `invalid event type ${type}`;
        throw corrupt('trace', dataOffset + pos, `expected Frequency or ClockSnapshot in a sync batch, found ${name}`);
      }
      const ev = decodeRawEventAt(this.specs, data, pos, data.length, dataOffset);
      if (ev === null) throw eventPastBatch(dataOffset + pos, b);
      pos = decoded.end;
      if (!isClock) {
        if (this.hasFrequency) throw corrupt('trace', ev.offset, `generation ${this.g.gen} has more than one Frequency event`);
        this.hasFrequency = true;
        this.g.frequency = idOf(ev.args[0]!, 'frequency', ev.offset);
      } else {
        if (this.g.clockSnapshot !== undefined) {
          throw corrupt('trace', ev.offset, `generation ${this.g.gen} has more than one ClockSnapshot event`);
        }
        const a = ev.args;
        this.g.clockSnapshot = { time: addTime(b.time, a[0]!, ev.offset), mono: a[1]!, sec: a[2]!, nsec: a[3]! };
      }
    }
  }

  /** Checks every event of a per-M batch (without building them) and keeps the batch as bytes. */
  private addEvents(b: Batch): void {
    const { data, dataOffset } = b;
    if (!this.checkEvents) {
      this.g.batches.push({ m: b.m, time: b.time, offset: b.offset, size: data.length, data, dataOffset });
      return;
    }
    const specs = this.specs.byType;
    const end = data.length;
    let time = b.time;
    let pos = 0;
    let count = 0;
    // Hot: every event of the trace passes here. A timed event is its type byte and one varint per argument
    // (no frames, no data), so the varints after `dt` are only stepped over; anything unusual goes to
    // skipRawEventAt, which reports it.
    scan: while (pos < end) {
      const spec = specs[data[pos]!];
      if (spec !== undefined && !spec.timed) {
        throw corrupt('trace', dataOffset + pos, `found a ${spec.name} event, which has no timestamp, in an event batch`);
      }
      let dt: ArgValue = INCOMPLETE;
      let p = pos + 1;
      if (spec !== undefined) {
        dt = uvarintAt(data, p, end, dataOffset);
        p = scan.pos;
        for (let k = spec.args.length - 1; k > 0 && dt !== INCOMPLETE; k--) {
          const start = p;
          while (p < end && data[p]! >= 0x80) p++;
          // The slow path reports a varint cut off by the batch's end, or one of 10 bytes past 64 bits.
          if (p >= end || p - start >= 10 || (p - start === 9 && data[p]! > 1)) {
            dt = INCOMPLETE;
            break;
          }
          p++;
        }
      }
      if (dt === INCOMPLETE) {
        // The slow path either throws the precise error or finds the event runs past the batch.
        const next = skipRawEventAt(this.specs, data, pos, end, dataOffset);
        if (next < 0) throw eventPastBatch(dataOffset + pos, b);
        dt = skipped.first;
        p = next;
      }
      time = typeof dt === 'number' && time + dt <= Number.MAX_SAFE_INTEGER ? time + dt : addTime(time, dt, dataOffset + pos);
      pos = p;
      count++;
      continue scan;
    }
    this.g.batches.push({ m: b.m, time: b.time, offset: b.offset, size: data.length, data, dataOffset, eventCount: count });
  }

  /** Checks what a generation must have and resolves the stack table. */
  finish(): Generation {
    const g = this.g;
    if (!this.hasFrequency) throw corrupt('trace', g.offset, `generation ${g.gen} has no Frequency event`);
    if (compareWireVersions(g.version, '1.25') >= 0 && g.clockSnapshot === undefined) {
      throw corrupt('trace', g.offset, `generation ${g.gen} has no ClockSnapshot event`);
    }
    for (const [id, pcs] of this.stackPcs) {
      const frames: StackFrame[] = new Array<StackFrame>(pcs.length);
      for (let i = 0; i < pcs.length; i++) {
        const f = this.pcs.get(pcs[i]!)!;
        const func = f.funcId === 0 ? '' : g.strings.get(f.funcId);
        const file = f.fileId === 0 ? '' : g.strings.get(f.fileId);
        if (func === undefined) throw corrupt('trace', g.offset, `stack ${id} of generation ${g.gen} names function string ${f.funcId}, which is not in the string table`);
        if (file === undefined) throw corrupt('trace', g.offset, `stack ${id} of generation ${g.gen} names file string ${f.fileId}, which is not in the string table`);
        frames[i] = { pc: f.pc, func, file, line: f.line, funcId: f.funcId, fileId: f.fileId };
      }
      g.stacks.set(id, frames);
    }
    return g;
  }
}

function idOf(v: ArgValue, what: string, offset: number): number {
  if (typeof v === 'number') return v;
  throw new GodiagError(ErrorCode.LimitExceeded, {
    format: 'trace',
    offset,
    message: `${what} ${v} does not fit in a JavaScript number (must be at most 2^53−1)`,
  });
}

function addTime(base: number, dt: ArgValue, offset: number): number {
  const t = typeof dt === 'number' ? base + dt : Infinity;
  if (t > Number.MAX_SAFE_INTEGER) {
    throw new GodiagError(ErrorCode.LimitExceeded, {
      format: 'trace',
      offset,
      message: `timestamp ${BigInt(base) + BigInt(dt)} ticks exceeds 2^53−1`,
    });
  }
  return t;
}

/**
 * Splits a batch stream into generations: a Go 1.26 generation ends at its end marker; an older one ends
 * where a batch of the next generation (the "spilled" batch, held until the next call) starts, or at the
 * end of the input. Internal to the wire layer (used by the readers and `cutTrace`).
 * @internal
 */
export class GenerationSplitter {
  private current: GenerationBuilder | undefined;
  private spill: Batch | undefined;
  private readonly markers: boolean;

  /**
   * @param checkEvents - whether to check every event of every event batch while splitting (default true);
   * the event reader, which decodes each event anyway, checks them as it reads them instead.
   */
  constructor(
    private readonly version: WireVersion,
    private readonly checkEvents = true,
  ) {
    this.markers = compareWireVersions(version, '1.26') >= 0;
  }

  /** True when generations end with an end marker (Go 1.26+). */
  get hasMarkers(): boolean {
    return this.markers;
  }

  /** Feeds a batch; returns a generation it completed, if any. */
  push(b: Batch): Generation | undefined {
    if (this.spill !== undefined) {
      const s = this.spill;
      this.spill = undefined;
      this.start(s).add(s);
    }
    if (b.kind === 'end-of-generation') {
      const cur = this.current;
      if (cur === undefined) throw corrupt('trace', b.offset, 'end-of-generation marker with no generation before it');
      cur.add(b);
      this.current = undefined;
      return cur.finish();
    }
    if (b.gen === 0) throw corrupt('trace', b.offset, 'invalid generation number 0');
    const cur = this.current;
    if (cur === undefined) {
      this.start(b).add(b);
      return undefined;
    }
    if (b.gen === cur.g.gen) {
      cur.add(b);
      return undefined;
    }
    if (!this.markers && b.gen === cur.g.gen + 1) {
      // The first batch of the next generation: the current one is complete. The batch itself is
      // processed on the next call, so an error in it cannot take the completed generation with it.
      this.spill = b;
      this.current = undefined;
      return cur.finish();
    }
    throw corrupt(
      'trace',
      b.offset,
      this.markers
        ? `batch of generation ${b.gen} inside generation ${cur.g.gen}: missing end-of-generation marker, or generations are interleaved`
        : `batch of generation ${b.gen} inside generation ${cur.g.gen}: generations out of order`,
    );
  }

  private start(b: Batch): GenerationBuilder {
    const g = new GenerationBuilder(this.version, b.gen, b.offset, this.checkEvents);
    this.current = g;
    return g;
  }

  /**
   * After a batch could not be read: before Go 1.26, Go's reader takes the batches of the generation read so
   * far as the whole generation (there is no end marker to say otherwise), delivers it, then reports the
   * problem. Returns that generation, if any (Go 1.26+: never).
   * @throws GodiagError when what was read is not a generation (e.g. it has no Frequency event).
   */
  salvage(): Generation | undefined {
    if (this.markers) return undefined;
    if (this.spill !== undefined) {
      const s = this.spill;
      this.spill = undefined;
      this.start(s).add(s);
    }
    const cur = this.current;
    this.current = undefined;
    return cur?.finish();
  }

  /** At the end of the input: the last generation, when it is complete. */
  end(offset: number): Generation | undefined {
    if (this.spill !== undefined) {
      const s = this.spill;
      this.spill = undefined;
      this.start(s).add(s);
    }
    const cur = this.current;
    if (cur === undefined) return undefined;
    this.current = undefined;
    if (this.markers) {
      // As Go's reader: input that ends between batches before the generation's first event batch (only
      // its tables were written) ends the trace cleanly.
      if (cur.g.batches.length === 0) return undefined;
      throw truncated('trace', offset, `the end-of-generation marker of generation ${cur.g.gen} (the trace is incomplete)`);
    }
    return cur.finish();
  }
}

/**
 * The generations of an in-memory trace, one at a time. Every complete generation is delivered before an
 * error about a later one is thrown. A generation counts as complete at its end marker (Go 1.26+), or
 * (before Go 1.26, which has no marker) when the next generation starts or the input ends cleanly between
 * batches; input that ends inside a batch or before a Go 1.26 marker is a `truncated` error.
 * @throws GodiagError for a bad header (at once); `truncated`, `corrupt` or `limit-exceeded` from the iterator.
 */
export function readGenerationsSync(bytes: Uint8Array, options: GenerationReadOptions = {}): Generator<Generation, void, undefined> {
  const { version, batches } = readBatchesSync(bytes, options);
  return (function* () {
    const split = new GenerationSplitter(version);
    for (const b of batches) {
      const g = split.push(b);
      if (g !== undefined) yield g;
    }
    const last = split.end(bytes.length);
    if (last !== undefined) yield last;
  })();
}

/**
 * The generations of a trace from any source, streaming: only the current generation (and, before Go 1.26,
 * the first batch of the next) is held in memory. Chunk boundaries do not change the result. Completeness
 * and errors as for {@link readGenerationsSync}.
 * @throws GodiagError for a bad header (from the first `next()`), and for bad generations after the good ones.
 */
export async function* readGenerations(
  source: Source,
  options: GenerationReadOptions & InputOptions = {},
): AsyncGenerator<Generation, void, undefined> {
  const { version, batches } = await readBatches(source, options);
  const split = new GenerationSplitter(version);
  let end = 16;
  for await (const b of batches) {
    end = b.dataOffset + b.data.length;
    const g = split.push(b);
    if (g !== undefined) yield g;
  }
  const last = split.end(end);
  if (last !== undefined) yield last;
}
