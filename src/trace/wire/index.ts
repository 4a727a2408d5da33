/**
 * The Go 1.22+ trace wire layer: raw events, batches, generations.
 * @module
 */

export type { ArgValue } from './varint.js';
export { readWireHeader, wireHeaderBytes } from './header.js';
export { type RawEvent, type RawEventLimits, DEFAULT_MAX_DATA_BYTES, DEFAULT_MAX_FRAMES } from './raw-event.js';
export {
  encodeRawEvents,
  iterateRawEventsSync,
  readRawEvents,
  readRawEventsSync,
  type RawEventStream,
  type RawReadOptions,
  type RawTrace,
} from './raw.js';
