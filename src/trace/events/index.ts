/**
 * The event layer of execution traces: ordered, validated events with Go's meaning.
 * @module
 */

export * from './event.js';
export { readTrace, readTraceSync, EventAssembler, type ReadTraceOptions, type TraceEventStream } from './reader.js';
export { Ordering, type BaseEvent, type ThreadState } from './order.js';
export { GenerationTable } from './table.js';
export { EventJsonLines, dumpTraceEvents } from './dump.js';
export { formatEvent, eventMatches, parseEventKind, parseDuration, type EventFilter, type EventTextOptions } from './text.js';
