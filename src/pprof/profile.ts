/**
 * The pprof profile model: profile.proto with strings resolved and references linked, shaped like
 * google/pprof's `profile.Profile` so that its documented semantics carry over field by field.
 *
 * 64-bit policy: ids, addresses, sample values, numeric labels, times and the period are `bigint` (the format
 * declares them int64/uint64 and real profiles use the whole range: diff profiles have negative values,
 * kernel addresses exceed 2^53). Line numbers, columns and start lines are `number`; a value beyond 2^53 is
 * rejected as `limit-exceeded` rather than rounded.
 * @module
 */

/** What a sample value measures, e.g. `alloc_space` in `bytes`. */
export interface ValueType {
  /** What is measured, e.g. `alloc_space`. */
  type: string;
  /** Its unit, e.g. `bytes`. */
  unit: string;
}

/** One label of a sample, as profile.proto stores it: a string label or a numeric one (with a unit). */
export interface Label {
  /** The label key. */
  key: string;
  /** The string value (empty for a numeric label). */
  str: string;
  /** The numeric value (0 for a string label). */
  num: bigint;
  /** The unit of `num` (empty when unspecified). */
  numUnit: string;
}

/** A sample: a stack (innermost location first), its values (one per sample type) and labels. */
export interface Sample {
  /** The stack, leaf first. */
  location: Location[];
  /** One value per entry of `Profile.sampleType`; exact int64. */
  value: BigInt64Array;
  /**
   * Labels in file order, as profile.proto stores them. google/pprof's model groups them by key into
   * string and numeric labels, dropping labels whose value and unit are both empty; `groupLabels` does
   * the same.
   */
  label: Label[];
}

/** A mapped binary (executable or shared library) of the profiled process. */
export interface Mapping {
  /** Unique non-zero id. */
  id: bigint;
  /** Start address of the mapping in memory. */
  start: bigint;
  /** End address (exclusive). */
  limit: bigint;
  /** File offset of `start`. */
  offset: bigint;
  /** Path of the mapped file. */
  file: string;
  /** Build id of the mapped file. */
  buildId: string;
  /** Symbolization state: functions are known. */
  hasFunctions: boolean;
  /** Symbolization state: file names are known. */
  hasFilenames: boolean;
  /** Symbolization state: line numbers are known. */
  hasLineNumbers: boolean;
  /** Symbolization state: inlined frames are known. */
  hasInlineFrames: boolean;
}

/** A source line of a location; several lines mean inlined calls (the last is the caller). */
export interface Line {
  /** The function (validation rejects lines without one). */
  function: Function;
  /** Line number (0 if unknown). */
  line: number;
  /** Column number (0 if unknown). */
  column: number;
}

/** A program location: an address and the source lines it maps to. */
export interface Location {
  /** Unique non-zero id. */
  id: bigint;
  /** The mapping it belongs to, if any. */
  mapping: Mapping | undefined;
  /** Instruction address (0 if unknown). */
  address: bigint;
  /** Source lines, innermost (inlined callee) first. */
  line: Line[];
  /** The frames were folded (merged) into this location by a tool. */
  isFolded: boolean;
}

/** A function. */
export interface Function {
  /** Unique non-zero id. */
  id: bigint;
  /** Name for people, e.g. `main.(*T).run`. */
  name: string;
  /** Name as the linker knows it (may be mangled). */
  systemName: string;
  /** Source file. */
  filename: string;
  /** Line of the function's declaration (0 if unknown). */
  startLine: number;
}

/** A decoded profile.proto profile. */
export interface Profile {
  /** What each sample value measures. */
  sampleType: ValueType[];
  /** The preferred sample type for display (empty: the last one). */
  defaultSampleType: string;
  /** The samples. */
  sample: Sample[];
  /** Mapped binaries. */
  mapping: Mapping[];
  /** Program locations. */
  location: Location[];
  /** Functions. */
  function: Function[];
  /** Regexp of frames to drop from stacks (with everything above them). */
  dropFrames: string;
  /** Regexp of frames to keep even if matched by `dropFrames`. */
  keepFrames: string;
  /** When the profile was taken, in nanoseconds since the Unix epoch. */
  timeNanos: bigint;
  /** How long the profile covers, in nanoseconds. */
  durationNanos: bigint;
  /** What `period` measures (empty type and unit when the file has none, as google/pprof reads it). */
  periodType: ValueType;
  /** The sampling period, in units of `periodType`. */
  period: bigint;
  /** Free-form comments. */
  comments: string[];
  /** A URL documenting the profile's sample types. */
  docUrl: string;
}
