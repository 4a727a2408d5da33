/**
 * The trace writer: generations back to the binary format the runtime writes.
 * @module
 */

import { encodeUtf8 } from '../internal/utf8.js';
import { ByteWriter } from '../internal/writer.js';
import { EventType, MAX_BATCH_SIZE, MAX_EVENT_DATA_SIZE, MAX_FRAMES_PER_STACK, WIRE_NO_THREAD } from './spec/events.js';
import { compareWireVersions, specsFor, type VersionSpecs, type WireVersion } from './spec/versions.js';
import type { GenerationData } from './wire/generation.js';
import { wireHeaderBytes } from './wire/header.js';
import { encodeRawEvent } from './wire/raw-event.js';
import { putPaddedUvarint, type ArgValue } from './wire/varint.js';

/** Options of {@link encodeTrace}. */
export interface EncodeTraceOptions {
  /**
   * Write each batch's size as a 10-byte varint, as the runtime does (it reserves the space before it knows
   * the size). Default true; false writes the shortest encoding, as Go's `raw.Writer` does.
   */
  padBatchSizes?: boolean;
}

/**
 * Writes a trace: the header, then each generation as the runtime lays it out — the sync batch
 * (frequency, and the clock snapshot from Go 1.25), the event batches, experimental batches, the stack
 * table, the string table, the CPU samples, and from Go 1.26 the end-of-generation marker. Tables are split
 * into batches of at most 64 KiB.
 *
 * The result reads back (with `readGenerationsSync`) to the same content. Timed events are written from
 * their arguments (`dt` first), not from their `time`.
 * @throws RangeError when the data cannot be written validly: an event that does not fit its spec or is
 * not a timed event, an event batch over 64 KiB, a string over 1 KiB, a stack over 128 frames, a missing
 * clock snapshot (Go 1.25+), experimental batches before Go 1.23, generation numbers that are not increasing
 * (or, before Go 1.26, not consecutive).
 */
export function encodeTrace(version: WireVersion, generations: Iterable<GenerationData>, options: EncodeTraceOptions = {}): Uint8Array {
  const specs = specsFor(version);
  const w = new ByteWriter(1 << 16);
  w.bytes(wireHeaderBytes(version));
  const enc = new Encoder(specs, w, options.padBatchSizes ?? true);
  let prev = 0;
  for (const g of generations) {
    if (!Number.isSafeInteger(g.gen) || g.gen < 1) throw new RangeError(`generation number ${g.gen} must be a positive integer`);
    if (prev !== 0 && (compareWireVersions(version, '1.26') < 0 ? g.gen !== prev + 1 : g.gen <= prev)) {
      throw new RangeError(
        `generation ${g.gen} cannot follow generation ${prev}: ${compareWireVersions(version, '1.26') < 0 ? 'before Go 1.26 generations must be consecutive' : 'generation numbers must increase'}`,
      );
    }
    prev = g.gen;
    enc.generation(g);
  }
  return w.finish();
}

class Encoder {
  private readonly body = new ByteWriter(MAX_BATCH_SIZE);
  private readonly sizeBuf = new Uint8Array(10);

  constructor(
    private readonly specs: VersionSpecs,
    private readonly w: ByteWriter,
    private readonly pad: boolean,
  ) {}

  generation(g: GenerationData): void {
    const v = this.specs.version;
    const modern = compareWireVersions(v, '1.25') >= 0;
    // Table and sync batches carry the generation's earliest time, so the clock snapshot's delta is never negative.
    let minTime = Math.min(g.clockSnapshot?.time ?? Number.MAX_SAFE_INTEGER, g.tableTime ?? Number.MAX_SAFE_INTEGER);
    for (const x of g.batches) minTime = Math.min(minTime, x.time);
    for (const x of g.experimentalBatches) minTime = Math.min(minTime, x.time);
    const syncTime = minTime === Number.MAX_SAFE_INTEGER ? 0 : minTime;

    // Sync batch.
    const b = this.body;
    b.length = 0;
    if (modern) b.u8(EventType.Sync);
    b.u8(EventType.Frequency).uvarint(g.frequency);
    if (modern) {
      const c = g.clockSnapshot;
      if (c === undefined) throw new RangeError(`generation ${g.gen}: trace version go ${v} requires a clock snapshot`);
      b.u8(EventType.ClockSnapshot).uvarint(c.time - syncTime).uvarint(c.mono).uvarint(c.sec).uvarint(c.nsec);
    }
    this.batch(EventType.EventBatch, 0, g.gen, WIRE_NO_THREAD, syncTime);

    for (const eb of g.batches) {
      b.length = 0;
      if ('data' in eb) {
        // As read: the events were checked then, and their bytes (padding included) are kept as they are.
        b.bytes(eb.data);
        this.batch(EventType.EventBatch, 0, g.gen, eb.m, eb.time);
        continue;
      }
      for (const ev of eb.events) {
        const spec = this.specs.byType[ev.type];
        if (spec === undefined || !spec.timed) {
          throw new RangeError(`generation ${g.gen}: event type ${ev.type} is not a timed event of trace version go ${v}`);
        }
        encodeRawEvent(this.specs, ev, b);
      }
      this.batch(EventType.EventBatch, 0, g.gen, eb.m, eb.time);
    }

    for (const xb of g.experimentalBatches) {
      if (this.specs.byType[EventType.ExperimentalBatch] === undefined) {
        throw new RangeError(`generation ${g.gen}: trace version go ${v} has no experimental batches`);
      }
      if (!(xb.experiment >= 1 && xb.experiment < 0x80)) throw new RangeError(`experiment ID ${xb.experiment} is outside 1..127`);
      b.length = 0;
      b.bytes(xb.data);
      this.batch(EventType.ExperimentalBatch, xb.experiment, g.gen, xb.m, xb.time);
    }

    // Stack table, split into batches that stay within the size limit.
    const e = new ByteWriter(256);
    this.table(g.gen, EventType.Stacks, syncTime, sortedIds(g.stacks), (id) => {
      const frames = g.stacks.get(id)!;
      if (frames.length > MAX_FRAMES_PER_STACK) throw new RangeError(`stack ${id} has ${frames.length} frames; the most is ${MAX_FRAMES_PER_STACK}`);
      e.length = 0;
      e.u8(EventType.Stack).uvarint(id).uvarint(frames.length);
      for (const f of frames) e.uvarint(f.pc).uvarint(f.funcId).uvarint(f.fileId).uvarint(f.line);
      return e.view();
    });
    this.table(g.gen, EventType.Strings, syncTime, sortedIds(g.strings), (id) => {
      const bytes = encodeUtf8(g.strings.get(id)!);
      if (bytes.length > MAX_EVENT_DATA_SIZE) throw new RangeError(`string ${id} has ${bytes.length} bytes; the most is ${MAX_EVENT_DATA_SIZE}`);
      e.length = 0;
      e.u8(EventType.String).uvarint(id).uvarint(bytes.length).bytes(bytes);
      return e.view();
    });
    if (g.cpuSamples.length > 0) {
      this.table(g.gen, EventType.CPUSamples, syncTime, g.cpuSamples.keys(), (i) => {
        const s = g.cpuSamples[i]!;
        e.length = 0;
        e.u8(EventType.CPUSample).uvarint(s.time).uvarint(s.m).uvarint(s.p).uvarint(s.g).uvarint(s.stack);
        return e.view();
      });
    }
    if (compareWireVersions(v, '1.26') >= 0) this.w.u8(EventType.EndOfGeneration);
  }

  /** Writes the entries of `keys` into as many batches as needed, each starting with `marker`. */
  private table(gen: number, marker: number, time: number, keys: Iterable<number>, encode: (key: number) => Uint8Array): void {
    const b = this.body;
    b.length = 0;
    b.u8(marker);
    for (const key of keys) {
      const e = encode(key);
      if (b.length + e.length > MAX_BATCH_SIZE && b.length > 1) {
        this.batch(EventType.EventBatch, 0, gen, WIRE_NO_THREAD, time);
        b.length = 0;
        b.u8(marker);
      }
      b.bytes(e);
    }
    this.batch(EventType.EventBatch, 0, gen, WIRE_NO_THREAD, time);
  }

  /** Writes a batch header and the body accumulated in `this.body`. */
  private batch(type: number, experiment: number, gen: number, m: ArgValue, time: number): void {
    const body = this.body.view();
    if (body.length > MAX_BATCH_SIZE) throw new RangeError(`batch of ${body.length} bytes exceeds the ${MAX_BATCH_SIZE}-byte limit`);
    const w = this.w;
    w.u8(type);
    if (type === EventType.ExperimentalBatch) w.u8(experiment);
    w.uvarint(gen).uvarint(m).uvarint(time);
    if (this.pad) {
      putPaddedUvarint(this.sizeBuf, 0, body.length, 10);
      w.bytes(this.sizeBuf);
    } else {
      w.uvarint(body.length);
    }
    w.bytes(body);
  }
}

/** Table IDs in increasing order; each must be a positive safe integer (0 is the implied empty entry). */
function sortedIds(table: ReadonlyMap<number, unknown>): number[] {
  const ids = [...table.keys()].sort((a, b) => a - b);
  for (const id of ids) if (!Number.isSafeInteger(id) || id < 1) throw new RangeError(`table ID ${id} must be a positive integer`);
  return ids;
}
