/**
 * Batches: the unit the runtime writes. Each is a header (generation, M, base time, body size) and a body
 * of events. Reading batches without decoding their bodies is the fast path for tools that only skim.
 * @module
 */

import { ErrorCode, GodiagError, corrupt, truncated } from '../../internal/errors.js';
import { chunks, type InputOptions, type Source } from '../../internal/input.js';
import { TRACE_HEADER_BYTES } from '../header.js';
import { EventType, MAX_BATCH_SIZE } from '../spec/events.js';
import { specsFor, type VersionSpecs, type WireVersion } from '../spec/versions.js';
import { StreamReader } from '../../internal/stream-reader.js';
import { readWireHeader } from './header.js';
import { decodeRawEventAt, decoded, type RawEvent } from './raw-event.js';
import { INCOMPLETE, scan, uvarintAt, type ArgValue } from './varint.js';

/**
 * What a batch is on the wire: an ordinary batch of events (`EventBatch`), an experimental batch whose body
 * has an experiment-specific layout (`ExperimentalBatch`, Go 1.23+), or the one-byte end-of-generation
 * marker (Go 1.26+).
 */
export type BatchKind = 'events' | 'experimental' | 'end-of-generation';

/** One batch, header decoded, body left as bytes. */
export interface Batch {
  /** What the batch is on the wire. */
  kind: BatchKind;
  /** The generation it belongs to (0 for the end-of-generation marker, which carries none). */
  gen: number;
  /** The M (thread) that wrote it; 2^64−1 (`WIRE_NO_THREAD`) for tables and sync data. `number` below 2^53, else `bigint`. */
  m: ArgValue;
  /** Base time of the batch in trace clock ticks (a timed event's `dt` counts from the previous event's time). */
  time: number;
  /** The experiment of an experimental batch; 0 otherwise. */
  experiment: number;
  /** Byte offset of the batch's first byte in the input. */
  offset: number;
  /** Byte offset of the body in the input. */
  dataOffset: number;
  /** The body: a view into the input where it lies within one chunk, else a copy. */
  data: Uint8Array;
  /** Bytes the size field took (the runtime pads it to 10); kept so a batch can be re-encoded exactly. */
  sizeWidth: number;
  /** The header's bytes as read (a view), so a batch can be copied out exactly (`cutTrace`). */
  header: Uint8Array;
}

/** Options of the batch readers. */
export interface BatchReadOptions {
  /** Largest batch body accepted; default 64 KiB, the most the runtime writes. */
  maxBatchBytes?: number;
}

/** A trace's batches, read lazily. */
export interface BatchStream<I> {
  /** The wire version from the header. */
  version: WireVersion;
  /** The batches in file order; iteration throws a `GodiagError` at the first bad batch. */
  batches: I;
}

// The longest batch header: type byte, experiment byte, four 10-byte varints.
const MAX_HEADER = 42;

/** Set by {@link decodeBatchHeaderAt}: where the batch's body starts and its length. */
const hdr = { dataPos: 0, size: 0 };

/**
 * Decodes a batch header at `pos` (not the body).
 * @returns the batch with `data` empty and {@link hdr} set, or `null` when the bytes end inside the header.
 */
function decodeBatchHeaderAt(specs: VersionSpecs, buf: Uint8Array, pos: number, end: number, base: number, maxSize: number): Batch | null {
  if (pos >= end) return null;
  const type = buf[pos]!;
  let p = pos + 1;
  if (type === EventType.EndOfGeneration && specs.byType[type] !== undefined) {
    hdr.dataPos = p;
    hdr.size = 0;
    return {
      kind: 'end-of-generation',
      gen: 0,
      m: 0,
      time: 0,
      experiment: 0,
      offset: base + pos,
      dataOffset: base + p,
      data: EMPTY,
      sizeWidth: 0,
      header: buf.subarray(pos, p),
    };
  }
  let experiment = 0;
  if (type === EventType.ExperimentalBatch && specs.byType[type] !== undefined) {
    if (p >= end) return null;
    experiment = buf[p]!;
    // The raw reader reads this byte as a varint; refusing high bytes keeps the two readings identical.
    if (experiment >= 0x80) throw corrupt('trace', base + p, `invalid experiment ID ${experiment} in an experimental batch header`);
    p++;
  } else if (type !== EventType.EventBatch) {
    const name = specs.byType[type]?.name;
    throw corrupt('trace', base + pos, `expected a batch header, found ${name === undefined ? `invalid event type ${type}` : `a ${name} event`}`);
  }
  const gen = uvarintAt(buf, p, end, base);
  if (gen === INCOMPLETE) return null;
  const genAt = p;
  p = scan.pos;
  const m = uvarintAt(buf, p, end, base);
  if (m === INCOMPLETE) return null;
  p = scan.pos;
  const time = uvarintAt(buf, p, end, base);
  if (time === INCOMPLETE) return null;
  const timeAt = p;
  p = scan.pos;
  const size = uvarintAt(buf, p, end, base);
  if (size === INCOMPLETE) return null;
  const sizeAt = p;
  p = scan.pos;
  if (typeof gen !== 'number') throw tooBig('generation number', gen, base + genAt);
  if (typeof time !== 'number') throw tooBig('batch time', time, base + timeAt);
  if (typeof size !== 'number' || size > maxSize) {
    throw corrupt('trace', base + sizeAt, `invalid batch size ${size}: the most a batch may hold is ${maxSize} bytes`);
  }
  hdr.dataPos = p;
  hdr.size = size;
  return {
    kind: experiment === 0 && type === EventType.EventBatch ? 'events' : 'experimental',
    gen,
    m,
    time,
    experiment,
    offset: base + pos,
    dataOffset: base + p,
    data: EMPTY,
    sizeWidth: p - sizeAt,
    header: buf.subarray(pos, p),
  };
}

const EMPTY = new Uint8Array(0);

function tooBig(what: string, v: ArgValue, offset: number): GodiagError {
  return new GodiagError(ErrorCode.LimitExceeded, {
    format: 'trace',
    offset,
    message: `${what} ${v} does not fit in a JavaScript number (must be at most 2^53−1)`,
  });
}

function truncatedBatch(offset: number, start: number): GodiagError {
  return truncated('trace', offset, `the rest of the batch that starts at byte ${start}`);
}

/**
 * Reads the batches of an in-memory trace without decoding their events; bodies are views into `bytes`.
 * @throws GodiagError for a bad header (at once) and for bad batches (from the iterator).
 */
export function readBatchesSync(bytes: Uint8Array, options: BatchReadOptions = {}): BatchStream<Generator<Batch, void, undefined>> {
  const version = readWireHeader(bytes);
  const specs = specsFor(version);
  const maxSize = options.maxBatchBytes ?? MAX_BATCH_SIZE;
  function* gen(): Generator<Batch, void, undefined> {
    const end = bytes.length;
    let pos = TRACE_HEADER_BYTES;
    while (pos < end) {
      const b = decodeBatchHeaderAt(specs, bytes, pos, end, 0, maxSize);
      if (b === null || end - hdr.dataPos < hdr.size) throw truncatedBatch(end, pos);
      b.data = bytes.subarray(hdr.dataPos, hdr.dataPos + hdr.size);
      pos = hdr.dataPos + hdr.size;
      yield b;
    }
  }
  return { version, batches: gen() };
}

/**
 * Reads the batches of a trace from any source, streaming: memory is bounded by one batch (64 KiB) plus the
 * source's chunk, and chunk boundaries do not change the result.
 * @throws GodiagError for a bad header (from the promise) and for bad batches (from the iterator).
 */
export async function readBatches(
  source: Source,
  options: BatchReadOptions & InputOptions = {},
): Promise<BatchStream<AsyncGenerator<Batch, void, undefined>>> {
  const r = new StreamReader(chunks(source, options), 'trace');
  try {
    await r.fill(TRACE_HEADER_BYTES);
    const version = readWireHeader(r.window.subarray(r.windowPos, r.windowPos + TRACE_HEADER_BYTES));
    r.consumeTo(r.windowPos + TRACE_HEADER_BYTES);
    return { version, batches: streamBatches(r, specsFor(version), options.maxBatchBytes ?? MAX_BATCH_SIZE) };
  } catch (e) {
    await r.close();
    throw e;
  }
}

async function* streamBatches(r: StreamReader, specs: VersionSpecs, maxSize: number): AsyncGenerator<Batch, void, undefined> {
  try {
    for (;;) {
      if (r.buffered < MAX_HEADER) {
        await r.fill(MAX_HEADER);
        if (r.buffered === 0) return;
      }
      const start = r.offset;
      const b = decodeBatchHeaderAt(specs, r.window, r.windowPos, r.window.length, r.windowOffset, maxSize);
      if (b === null) throw truncatedBatch(r.windowOffset + r.window.length, start);
      r.consumeTo(hdr.dataPos);
      const size = hdr.size;
      if (r.buffered < size && !(await r.fill(size))) throw truncatedBatch(r.windowOffset + r.window.length, start);
      b.data = r.window.subarray(r.windowPos, r.windowPos + size);
      b.dataOffset = r.offset;
      r.consumeTo(r.windowPos + size);
      yield b;
    }
  } finally {
    await r.close();
  }
}

/**
 * The raw events of an ordinary batch's body, with offsets in the input. (An experimental batch's body is
 * not made of events; an end-of-generation marker has none.)
 * @throws GodiagError `corrupt` when the body does not hold whole events of this version.
 */
export function* decodeBatchEvents(version: WireVersion, batch: Batch): Generator<RawEvent, void, undefined> {
  if (batch.kind !== 'events') return;
  const specs = specsFor(version);
  const { data, dataOffset } = batch;
  let pos = 0;
  while (pos < data.length) {
    const ev = decodeRawEventAt(specs, data, pos, data.length, dataOffset);
    if (ev === null) throw eventPastBatch(dataOffset + pos, batch);
    yield ev;
    pos = decoded.end;
  }
}

/** The error for an event that runs past the end of its batch. */
export function eventPastBatch(offset: number, batch: Batch): GodiagError {
  return corrupt('trace', offset, `event runs past the end of its batch (which starts at byte ${batch.offset} and holds ${batch.data.length} bytes)`);
}
