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

/** A label of a sample: a string label or a numeric one. */
export type Label = StringLabel | NumberLabel;

/** A string label, e.g. a pprof label set with `pprof.Do`. */
export interface StringLabel {
  /** Discriminant. */
  kind: 'string';
  /** The label key. */
  key: string;
  /** The value. */
  value: string;
}

/** A numeric label, e.g. `bytes` of a heap sample, with an optional unit. */
export interface NumberLabel {
  /** Discriminant. */
  kind: 'number';
  /** The label key. */
  key: string;
  /** The value (int64). */
  value: bigint;
  /** The unit of `value`; empty when unspecified. */
  unit: string;
}

/**
 * One sample, as {@link SampleTable.get} returns it: views into the table's columns (no copies).
 */
export interface Sample {
  /** The stack as indices into `Profile.location`, leaf first. */
  stack: StackColumn;
  /** One value per entry of `Profile.sampleType`; exact int64. */
  value: BigInt64Array;
  /** Labels in file order; `groupLabels` groups them by key as google/pprof's model does. */
  label: readonly Label[];
}

/** A sample given by its objects, for building tables ({@link SampleTable.from}). */
export interface SampleInput {
  /** The stack, leaf first. */
  location: readonly Location[];
  /** One value per sample type. */
  value: ArrayLike<bigint>;
  /** Labels (none if omitted). */
  label?: readonly Label[];
}

const NO_LABELS: readonly Label[] = Object.freeze([]);

/**
 * A column of location indices: the narrowest array that holds every index of the profile's location table
 * (8-bit up to 256 locations, 16-bit up to 65,536, else 32-bit).
 */
export type StackColumn = Uint8Array | Uint16Array | Uint32Array;

/** A stack column wide enough for indices into a table of `locations` entries. */
export function stackColumn(locations: number, length: number): StackColumn {
  return locations <= 0x100 ? new Uint8Array(length) : locations <= 0x10000 ? new Uint16Array(length) : new Uint32Array(length);
}

/**
 * Labels of samples by sample index, stored as one label-set number per sample: large profiles repeat a few
 * distinct label lists (every Go heap sample has a `bytes` label of a few sizes), and a map entry per sample
 * would cost more than the stacks. Read-only, like every list it hands out.
 */
export class LabelColumn implements ReadonlyMap<number, readonly Label[]> {
  #size = -1;

  /**
   * @param setOfSample - per sample, an index into `sets`; 0 means no labels
   * @param sets - the distinct label lists; `sets[0]` is unused
   */
  constructor(
    readonly setOfSample: Uint32Array,
    readonly sets: readonly (readonly Label[])[],
  ) {}

  /** Number of samples that have labels. */
  get size(): number {
    if (this.#size < 0) {
      let n = 0;
      for (const s of this.setOfSample) if (s !== 0) n++;
      this.#size = n;
    }
    return this.#size;
  }

  /** The labels of sample `i`, or `undefined` if it has none. */
  get(i: number): readonly Label[] | undefined {
    const s = this.setOfSample[i];
    return s ? this.sets[s] : undefined;
  }

  /** Whether sample `i` has labels. */
  has(i: number): boolean {
    return (this.setOfSample[i] ?? 0) !== 0;
  }

  /** Calls `fn` for each sample with labels, in sample order. */
  forEach(fn: (value: readonly Label[], key: number, map: ReadonlyMap<number, readonly Label[]>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this);
  }

  /** [sample index, labels] for each sample with labels, in sample order. */
  *entries(): MapIterator<[number, readonly Label[]]> {
    const col = this.setOfSample;
    for (let i = 0; i < col.length; i++) if (col[i] !== 0) yield [i, this.sets[col[i]!]!];
  }

  /** Indices of the samples with labels. */
  *keys(): MapIterator<number> {
    for (const [k] of this.entries()) yield k;
  }

  /** The label list of each sample with labels (shared lists repeat). */
  *values(): MapIterator<readonly Label[]> {
    for (const [, v] of this.entries()) yield v;
  }

  /** Same as {@link LabelColumn.entries}. */
  [Symbol.iterator](): MapIterator<[number, readonly Label[]]> {
    return this.entries();
  }
}

/**
 * The samples of a profile, stored by column: all stacks in one array of location indices (16-bit when the
 * profile has fewer than 65,536 locations), all values in one `BigInt64Array`. Large profiles hold millions
 * of frames; a column costs 2–4 bytes a frame where an array of object references per sample costs 8 and a
 * garbage collector's attention.
 */
export class SampleTable implements Iterable<Sample> {
  /** Number of samples. */
  readonly length: number;

  /**
   * @param stackStart - sample i's stack is `stacks[stackStart[i] .. stackStart[i + 1]]` (length + 1 entries)
   * @param stacks - location indices of every stack, concatenated
   * @param values - `valueCount` values per sample, concatenated
   * @param valueCount - values per sample (the number of sample types)
   * @param labels - labels by sample index; absent entries have none
   */
  constructor(
    readonly stackStart: Uint32Array,
    readonly stacks: StackColumn,
    readonly values: BigInt64Array,
    readonly valueCount: number,
    readonly labels: ReadonlyMap<number, readonly Label[]> = new Map(),
  ) {
    this.length = stackStart.length - 1;
  }

  /** Sample `i` as views into the columns. */
  get(i: number): Sample {
    return { stack: this.stack(i), value: this.value(i), label: this.labels.get(i) ?? NO_LABELS };
  }

  /** The stack of sample `i` (location indices, leaf first). */
  stack(i: number): StackColumn {
    return this.stacks.subarray(this.stackStart[i]!, this.stackStart[i + 1]!);
  }

  /** The values of sample `i`. */
  value(i: number): BigInt64Array {
    return this.values.subarray(i * this.valueCount, (i + 1) * this.valueCount);
  }

  /** Iterates samples in order. */
  *[Symbol.iterator](): Iterator<Sample> {
    for (let i = 0; i < this.length; i++) yield this.get(i);
  }

  /** An empty table. */
  static empty(valueCount = 0): SampleTable {
    return new SampleTable(new Uint32Array(1), new Uint16Array(0), new BigInt64Array(0), valueCount);
  }

  /**
   * Builds a table from samples given by their objects. Every location must be an element of `locations`
   * (the profile's table) and every sample must have `valueCount` values.
   * @throws RangeError otherwise
   */
  static from(samples: readonly SampleInput[], locations: readonly Location[], valueCount: number): SampleTable {
    const index = new Map<Location, number>();
    locations.forEach((l, i) => index.set(l, i));
    let frames = 0;
    for (const s of samples) frames += s.location.length;
    const stacks = stackColumn(locations.length, frames);
    const stackStart = new Uint32Array(samples.length + 1);
    const values = new BigInt64Array(samples.length * valueCount);
    const labels = new Map<number, readonly Label[]>();
    let at = 0;
    samples.forEach((s, i) => {
      stackStart[i] = at;
      for (const l of s.location) {
        const k = index.get(l);
        if (k === undefined) throw new RangeError(`sample ${i}: location ${l.id} is not in the profile's location table`);
        stacks[at++] = k;
      }
      if (s.value.length !== valueCount) throw new RangeError(`sample ${i} has ${s.value.length} values, expected ${valueCount}`);
      for (let v = 0; v < valueCount; v++) values[i * valueCount + v] = s.value[v]!;
      if (s.label && s.label.length > 0) labels.set(i, s.label);
    });
    stackStart[samples.length] = at;
    return new SampleTable(stackStart, stacks, values, valueCount, labels);
  }
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
  /** The samples, stored by column. */
  sample: SampleTable;
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
