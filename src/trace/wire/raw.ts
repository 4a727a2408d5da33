/**
 * The raw event stream: every event of a trace in file order, batch headers included, with no validation
 * beyond the layout of each event — what Go's `go tool trace -d=wire` prints. Also its inverse.
 * @module
 */

import { truncated } from '../../internal/errors.js';
import { chunks, type InputOptions, type Source } from '../../internal/input.js';
import { ByteWriter } from '../../internal/writer.js';
import { TRACE_HEADER_BYTES } from '../header.js';
import { specsFor, type WireVersion } from '../spec/versions.js';
import { StreamReader } from '../../internal/stream-reader.js';
import { readWireHeader, wireHeaderBytes } from './header.js';
import {
  decodeRawEventAt,
  decoded,
  encodeRawEvent,
  DEFAULT_MAX_DATA_BYTES,
  DEFAULT_MAX_FRAMES,
  type RawEvent,
  type RawEventLimits,
} from './raw-event.js';

/** A whole trace as raw events. */
export interface RawTrace {
  /** The wire version from the header. */
  version: WireVersion;
  /** Every event in file order. */
  events: RawEvent[];
}

/** A trace's raw events, read lazily. */
export interface RawEventStream<I> {
  /** The wire version from the header. */
  version: WireVersion;
  /**
   * The events in file order. Iteration throws a `GodiagError` where the input stops making sense, after
   * yielding every event before that point (as `go tool trace -d=wire` prints events, then the error).
   */
  events: I;
}

/** Options of the raw readers. */
export interface RawReadOptions extends InputOptions, RawEventLimits {}

function truncatedEvent(offset: number, start: number): ReturnType<typeof truncated> {
  return truncated('trace', offset, `the rest of the event that starts at byte ${start}`);
}

/**
 * Iterates the raw events of an in-memory trace. The header is checked at once; events are decoded as the
 * iterator is advanced.
 * @throws GodiagError for a bad header (immediately) and for bad events (from the iterator).
 */
export function iterateRawEventsSync(bytes: Uint8Array, options: RawEventLimits = {}): RawEventStream<Generator<RawEvent, void, undefined>> {
  const version = readWireHeader(bytes);
  const specs = specsFor(version);
  const maxData = options.maxDataBytes ?? DEFAULT_MAX_DATA_BYTES;
  const maxFrames = options.maxFrames ?? DEFAULT_MAX_FRAMES;
  function* gen(): Generator<RawEvent, void, undefined> {
    const end = bytes.length;
    let pos = TRACE_HEADER_BYTES;
    while (pos < end) {
      const ev = decodeRawEventAt(specs, bytes, pos, end, 0, maxData, maxFrames);
      if (ev === null) throw truncatedEvent(end, pos);
      yield ev;
      pos = decoded.end;
    }
  }
  return { version, events: gen() };
}

/**
 * Reads every raw event of an in-memory trace.
 * @throws GodiagError `not-format`, `unsupported-version`, `truncated`, `corrupt` or `limit-exceeded`.
 */
export function readRawEventsSync(bytes: Uint8Array, options: RawEventLimits = {}): RawTrace {
  const { version, events } = iterateRawEventsSync(bytes, options);
  return { version, events: [...events] };
}

/**
 * Reads the raw events of a trace from any source, streaming: memory stays bounded by the largest event,
 * whatever the input's length, and chunk boundaries do not change the result.
 * @throws GodiagError for a bad header (from the promise) and for bad events (from the iterator).
 */
export async function readRawEvents(
  source: Source,
  options: RawReadOptions = {},
): Promise<RawEventStream<AsyncGenerator<RawEvent, void, undefined>>> {
  const r = new StreamReader(chunks(source, options), 'trace');
  try {
    await r.fill(TRACE_HEADER_BYTES);
    const version = readWireHeader(r.window.subarray(r.windowPos, r.windowPos + TRACE_HEADER_BYTES));
    r.consumeTo(r.windowPos + TRACE_HEADER_BYTES);
    return { version, events: streamEvents(r, version, options) };
  } catch (e) {
    await r.close();
    throw e;
  }
}

async function* streamEvents(r: StreamReader, version: WireVersion, options: RawEventLimits): AsyncGenerator<RawEvent, void, undefined> {
  const specs = specsFor(version);
  const maxData = options.maxDataBytes ?? DEFAULT_MAX_DATA_BYTES;
  const maxFrames = options.maxFrames ?? DEFAULT_MAX_FRAMES;
  try {
    let want = 64;
    for (;;) {
      if (r.buffered === 0 && !(await r.fill(1))) return;
      const ev = decodeRawEventAt(specs, r.window, r.windowPos, r.window.length, r.windowOffset, maxData, maxFrames);
      if (ev === null) {
        // The event runs past the window: widen it (doubling, so a long event costs linear time) and retry.
        want = Math.max(want, r.buffered * 2);
        if (!(await r.fill(want))) {
          const retry = decodeRawEventAt(specs, r.window, r.windowPos, r.window.length, r.windowOffset, maxData, maxFrames);
          if (retry === null) throw truncatedEvent(r.windowOffset + r.window.length, r.offset);
          r.consumeTo(decoded.end);
          yield retry;
        }
        continue;
      }
      want = 64;
      r.consumeTo(decoded.end);
      yield ev;
    }
  } finally {
    await r.close();
  }
}

/**
 * Encodes a header and events: the inverse of {@link readRawEventsSync}, byte for byte for events it read
 * (padded varints are kept through `varintWidths`). No structure is checked beyond each event's own layout.
 * @throws RangeError for an event that does not fit its spec.
 */
export function encodeRawEvents(version: WireVersion, events: Iterable<RawEvent>): Uint8Array {
  const specs = specsFor(version);
  const w = new ByteWriter(1 << 16);
  w.bytes(wireHeaderBytes(version));
  for (const ev of events) encodeRawEvent(specs, ev, w);
  return w.finish();
}
