/**
 * Event specs of the Go 1.22+ trace wire format: one source of truth for the reader, writer and text form.
 * @module
 */

export {
  ALL_EVENT_SPECS,
  EventType,
  Experiment,
  EXPERIMENT_NAMES,
  FRAME_FIELDS,
  MAX_BATCH_SIZE,
  MAX_EVENT_DATA_SIZE,
  MAX_FRAMES_PER_STACK,
  MAX_TIMED_EVENT_ARGS,
  WIRE_NO_THREAD,
  type EventSpec,
  type EventTypeName,
} from './events.js';
export {
  compareWireVersions,
  isWireVersion,
  specsFor,
  WIRE_VERSIONS,
  wireVersionFromMinor,
  type VersionSpecs,
  type WireVersion,
} from './versions.js';
