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
export {
  decodeBatchEvents,
  readBatches,
  readBatchesSync,
  type Batch,
  type BatchKind,
  type BatchReadOptions,
  type BatchStream,
} from './batch.js';
export {
  batchEvents,
  readGenerations,
  readGenerationsSync,
  type ClockSnapshot,
  type CPUSample,
  type CPUSampleData,
  type EventBatch,
  type EventBatchData,
  type ExperimentalBatch,
  type ExperimentalBatchData,
  type Generation,
  type GenerationData,
  type GenerationReadOptions,
  type StackFrame,
  type StackFrameData,
  type TimedEvent,
} from './generation.js';
export {
  decodeAllocFreeBatch,
  type AllocFreeBatch,
  type AllocFreeInfoBatch,
  type AllocFreeType,
  type AllocFreeTypesBatch,
} from './allocfree.js';
