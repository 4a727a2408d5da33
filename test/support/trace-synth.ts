/**
 * Small hand-written execution traces (Go 1.22+ wire format) for tests of single reader conditions: each
 * generation lists its threads' events in order and the tables it has; times, the clock snapshot and the
 * layout are filled in so that the rest of the trace is valid. Built with the trace writer (`encodeTrace`).
 *
 * {@link SYNTH_ERROR_TRACES} are the inputs of test/trace/trace-events-errors.test.ts, named so that the same
 * bytes can be written out and given to golang.org/x/exp/trace (the oracle's `trace-events` command), which
 * is where the expected outcomes come from.
 * @module
 */

import { encodeTrace } from '../../src/trace/encode.js';
import { EventType as T, compareWireVersions, type WireVersion } from '../../src/trace/spec/index.js';
import { readBatchesSync } from '../../src/trace/wire/batch.js';
import { batchEvents, readGenerationsSync, type CPUSampleData, type ExperimentalBatchData, type GenerationData, type StackFrameData } from '../../src/trace/wire/generation.js';
import type { ArgValue, RawEvent } from '../../src/trace/wire/index.js';

/** A timed event: its type, then its arguments after the timestamp delta (which the builder writes). */
export type SynthEvent = readonly [type: number, ...args: ArgValue[]];

/** One generation of a synthetic trace. */
export interface SynthGeneration {
  /** Per thread (M): its events, in program order, written as one batch. */
  threads: readonly (readonly [m: number, events: readonly SynthEvent[]])[];
  /** String table (ID → string); {@link SYNTH_STRINGS} when absent. */
  strings?: Readonly<Record<number, string>>;
  /** Stack table (ID → frames); {@link SYNTH_STACKS} when absent. */
  stacks?: Readonly<Record<number, readonly StackFrameData[]>>;
  /** CPU samples; `time` counts ticks from the generation's start. */
  cpuSamples?: readonly CPUSampleData[];
  /** Experimental batches (IDs 1..127, as the writer allows); `time` counts ticks from the generation's start. */
  experimentalBatches?: readonly ExperimentalBatchData[];
}

/** Ticks between a thread's consecutive events. The clock runs at 1 GHz: a tick is a nanosecond. */
export const SYNTH_DT = 10;
/** Ticks between the starts of consecutive generations. */
export const SYNTH_GEN_SPAN = 10_000;
/** The start of the first generation, in ticks. */
export const SYNTH_START = 1_000;

/** The strings every generation has unless it says otherwise. */
export const SYNTH_STRINGS: Readonly<Record<number, string>> = Object.freeze({
  1: 'main.main',
  2: '/src/main.go',
  3: 'chan receive',
  4: 'category',
  5: 'message',
  6: 'task type',
  7: 'GC mark termination',
  8: 'start trace',
});

/** The stacks every generation has unless it says otherwise: stack 1, one frame of `main.main`. */
export const SYNTH_STACKS: Readonly<Record<number, readonly StackFrameData[]>> = Object.freeze({
  1: [{ pc: 0x401000n, funcId: 1, fileId: 2, line: 12 }],
});

/** A string ID and a stack ID no table of these traces has. */
export const MISSING_ID = 9;

/** Wire statuses (tracev2.ProcStatus, tracev2.GoStatus) the traces write. */
const PROC_RUNNING = 1;
const GO_RUNNING = 2;
/** "None" as a wire ID (a CPU sample taken without a proc): 2^64−1. */
const WIRE_NONE = 0xffff_ffff_ffff_ffffn;

/** The statuses a thread writes first in a generation when it holds proc `p` running goroutine `g`. */
export function running(m: number, p: number, g: number): SynthEvent[] {
  return [
    [T.ProcStatus, p, PROC_RUNNING],
    [T.GoStatus, g, m, GO_RUNNING],
  ];
}

function table<V>(r: Readonly<Record<number, V>>): Map<number, V> {
  return new Map(Object.entries(r).map(([k, v]) => [Number(k), v]));
}

function timed(type: number, args: readonly ArgValue[]): RawEvent {
  return { type, args: [SYNTH_DT, ...args], data: undefined, offset: 0, varintWidths: undefined };
}

/**
 * The generation data of a synthetic trace: generation numbers from 1, one batch per thread starting at the
 * generation's start, a clock snapshot from Go 1.25.
 */
export function synthGenerations(version: WireVersion, gens: readonly SynthGeneration[]): GenerationData[] {
  const modern = compareWireVersions(version, '1.25') >= 0;
  return gens.map((g, i): GenerationData => {
    const start = SYNTH_START + i * SYNTH_GEN_SPAN;
    return {
      gen: i + 1,
      frequency: 1e9,
      tableTime: start,
      clockSnapshot: modern ? { time: start, mono: 5_000_000 + i, sec: 1_700_000_000, nsec: 0 } : undefined,
      strings: table(g.strings ?? SYNTH_STRINGS),
      stacks: table(g.stacks ?? SYNTH_STACKS),
      cpuSamples: (g.cpuSamples ?? []).map((s) => ({ ...s, time: start + s.time })),
      experimentalBatches: (g.experimentalBatches ?? []).map((b) => ({ ...b, time: start + b.time })),
      batches: g.threads.map(([m, events]) => ({ m, time: start, events: events.map(([type, ...args]) => timed(type, args)) })),
    };
  });
}

/** A synthetic trace's bytes (see {@link synthGenerations}). */
export function synthTrace(version: WireVersion, gens: readonly SynthGeneration[]): Uint8Array {
  return encodeTrace(version, synthGenerations(version, gens));
}

/** One generation in which thread 0 runs goroutine 1 on proc 0 and then writes `events`. */
function oneThread(events: readonly SynthEvent[], extra: Omit<SynthGeneration, 'threads'> = {}): SynthGeneration {
  return { threads: [[0, [...running(0, 0, 1), ...events]]], ...extra };
}

/** A CPU sample without proc or goroutine, `ticks` after the generation's start, on thread `m`. */
function cpuSample(ticks: number, m: number, stack: number): CPUSampleData {
  return { time: ticks, m, p: WIRE_NONE, g: 0, stack };
}

const M = MISSING_ID;

/**
 * The inputs of the error tests, by name. Every trace starts the same way (thread 0 states proc 0 running
 * and goroutine 1 running on it); the name says what comes next.
 */
export const SYNTH_ERROR_TRACES: Readonly<Record<string, () => Uint8Array>> = Object.freeze({
  // Stack IDs an event names that its generation's stack table does not have.
  'GoCreate: new goroutine stack missing': () => synthTrace('1.23', [oneThread([[T.GoCreate, 2, M, 1]])]),
  'GoCreate: creator stack missing': () => synthTrace('1.23', [oneThread([[T.GoCreate, 2, 1, M]])]),
  'GoCreate: both stacks missing': () => synthTrace('1.23', [oneThread([[T.GoCreate, 2, M + 1, M]])]),
  'GoBlock: stack missing': () => synthTrace('1.26', [oneThread([[T.GoBlock, 3, M]])]),
  // Stack IDs restart each generation: ID 1 of generation 1 means nothing in generation 2.
  'UserLog: stack of the previous generation': () =>
    synthTrace('1.23', [oneThread([[T.UserLog, 0, 4, 5, 1]]), oneThread([[T.UserLog, 0, 4, 5, 1]], { stacks: {} })]),

  // String IDs an event names that its generation's string table does not have.
  'UserLog: category missing': () => synthTrace('1.23', [oneThread([[T.UserLog, 0, M, 5, 1]])]),
  'UserLog: message missing': () => synthTrace('1.25', [oneThread([[T.UserLog, 0, 4, M, 1]])]),
  'UserTaskBegin: type missing': () => synthTrace('1.23', [oneThread([[T.UserTaskBegin, 1, 0, M, 1]])]),
  'UserRegionBegin: type missing': () => synthTrace('1.22', [oneThread([[T.UserRegionBegin, 0, M, 1]])]),
  'UserRegionEnd: type missing': () => synthTrace('1.23', [oneThread([[T.UserRegionBegin, 0, 6, 1], [T.UserRegionEnd, 0, M, 1]])]),
  'GoBlock: reason missing': () => synthTrace('1.23', [oneThread([[T.GoBlock, M, 1]])]),
  'GoLabel: label missing': () => synthTrace('1.23', [oneThread([[T.GoLabel, M]])]),
  // A stack frame's function or file naming a string the table does not have: the generation is refused.
  'stack frame: function missing': () => synthTrace('1.23', [oneThread([[T.GoBlock, 3, 1]], { stacks: { 1: [{ pc: 0x401000n, funcId: M, fileId: 2, line: 12 }] } })]),
  'stack frame: file missing': () => synthTrace('1.23', [oneThread([[T.GoBlock, 3, 1]], { stacks: { 1: [{ pc: 0x401000n, funcId: 1, fileId: M, line: 12 }] } })]),
  'stack frame: function missing in generation 2': () =>
    synthTrace('1.26', [oneThread([[T.GoBlock, 3, 1]]), oneThread([[T.GoBlock, 3, 1]], { stacks: { 1: [{ pc: 0x401000n, funcId: M, fileId: 2, line: 12 }] } })]),

  // CPU samples (15 ticks in: between the proc's and the goroutine's status).
  'CPU sample: stack present': () => synthTrace('1.23', [oneThread([[T.GoBlock, 3, 1]], { cpuSamples: [cpuSample(15, 0, 1)] })]),
  'CPU sample: stack missing': () => synthTrace('1.23', [oneThread([[T.GoBlock, 3, 1]], { cpuSamples: [cpuSample(15, 0, M)] })]),

  // Experimental batches.
  'experimental batch: AllocFree': () =>
    synthTrace('1.23', [oneThread([[T.GoBlock, 3, 1]], { experimentalBatches: [{ experiment: 1, m: 0, time: 5, data: new Uint8Array([1, 2, 3]) }] })]),
  'experimental batch: unknown experiment (1.23)': () =>
    synthTrace('1.23', [oneThread([[T.GoBlock, 3, 1]], { experimentalBatches: [{ experiment: 2, m: 0, time: 5, data: new Uint8Array([1, 2, 3]) }] })]),
  'experimental batch: unknown experiment (1.26)': () =>
    synthTrace('1.26', [oneThread([[T.GoBlock, 3, 1]], { experimentalBatches: [{ experiment: 2, m: 0, time: 5, data: new Uint8Array([1, 2, 3]) }] })]),

  // Stop-the-world kinds: the kind is a string ID of STWBegin; STWEnd takes the kind of the range it ends.
  // A batch of the experimental batch type with experiment 0 (none) appended to a one-generation trace, and
  // the same with an ordinary empty event batch: Go's reader takes the first as the second.
  'experimental batch: experiment 0': () => new Uint8Array([...synthTrace('1.23', [oneThread([[T.GoBlock, 3, 1]])]), 49, 0, 1, 0, 5, 0]),
  'empty event batch': () => new Uint8Array([...synthTrace('1.23', [oneThread([[T.GoBlock, 3, 1]])]), 1, 1, 0, 5, 0]),

  'STWBegin: kind missing': () => synthTrace('1.23', [oneThread([[T.STWBegin, M, 1]])]),
  'STW: empty kind': () => synthTrace('1.23', [oneThread([[T.STWBegin, 0, 1], [T.STWEnd]])]),
  'STW: same kind nested': () => synthTrace('1.23', [oneThread([[T.STWBegin, 7, 1], [T.STWBegin, 7, 1]])]),
  'STW: two kinds nested': () => synthTrace('1.23', [oneThread([[T.STWBegin, 7, 1], [T.STWBegin, 8, 1], [T.STWEnd], [T.STWEnd]])]),
  'STWEnd: without STWBegin': () => synthTrace('1.23', [oneThread([[T.STWEnd]])]),
  'STW: across generations': () => synthTrace('1.23', [oneThread([[T.STWBegin, 7, 1]]), oneThread([[T.STWEnd]])]),
  'STW: across generations, kind ID reused': () =>
    synthTrace('1.23', [oneThread([[T.STWBegin, 7, 1]]), oneThread([[T.STWEnd]], { strings: { ...SYNTH_STRINGS, 7: 'other kind' } })]),
  'STW: across generations, kind ID missing': () =>
    synthTrace('1.23', [oneThread([[T.STWBegin, 7, 1]]), oneThread([[T.STWEnd]], { strings: { 1: 'main.main', 2: '/src/main.go' } })]),
});

/** The input of the truncation tests: three generations; threads 0 and 1 each run a goroutine and write one event. */
export function truncationTrace(version: WireVersion): Uint8Array {
  const gen: SynthGeneration = {
    threads: [
      [0, [...running(0, 0, 1), [T.UserLog, 0, 4, 5, 1]]],
      [1, [...running(1, 1, 2), [T.GoLabel, 3]]],
    ],
  };
  return synthTrace(version, [gen, gen, gen]);
}

/** Where to cut a trace of {@link truncationTrace} (byte lengths of the prefix to keep). */
export interface TruncationCuts {
  /** The end of generation 2 (the start of generation 3's first batch). */
  twoGenerations: number;
  /** Inside the first batch of generation 3 (its sync batch). */
  inSyncBatch: number;
  /** Inside generation 3's event batch of thread 0 (the first event batch of the generation). */
  inFirstEventBatch: number;
  /** Inside generation 3's event batch of thread 1 (its second event batch). */
  inSecondEventBatch: number;
  /** Right after generation 3's sync batch: between batches, before any event batch of the generation. */
  afterSyncBatch: number;
  /** Go 1.26: just before generation 3's end-of-generation marker. */
  beforeEndMarker: number;
}

/** The cut points of a {@link truncationTrace}, found with the batch reader. */
export function truncationCuts(bytes: Uint8Array): TruncationCuts {
  const batches = [...readBatchesSync(bytes).batches];
  const start = batches.findIndex((b) => b.gen === 3);
  const sync = batches[start]!;
  const events = batches.filter((b) => b.gen === 3 && b.kind === 'events' && b.m !== WIRE_NONE);
  const last = batches.at(-1)!;
  return {
    twoGenerations: sync.offset,
    inSyncBatch: sync.offset + 3,
    afterSyncBatch: sync.dataOffset + sync.data.length,
    inFirstEventBatch: events[0]!.dataOffset + 3,
    inSecondEventBatch: events[1]!.dataOffset + 3,
    beforeEndMarker: last.kind === 'end-of-generation' ? last.offset : bytes.length,
  };
}

/** The byte offset of the `index`th event of thread `m`'s batches in the `gen`th generation (from 1). */
export function wireEventOffset(bytes: Uint8Array, gen: number, m: number, index: number): number {
  const g = [...readGenerationsSync(bytes)][gen - 1]!;
  const events = g.batches.filter((b) => b.m === m).flatMap((b) => [...batchEvents(g.version, b)]);
  return events[index]!.offset;
}

/** The byte offset of the first batch of the `gen`th generation (from 1). */
export function generationStart(bytes: Uint8Array, gen: number): number {
  const first = [...readBatchesSync(bytes).batches].find((b) => b.gen >= 1)!.gen;
  return [...readBatchesSync(bytes).batches].find((b) => b.gen === first + gen - 1)!.offset;
}

/** Byte offsets of the CPU samples and experimental batches of the `gen`th generation (from 1). */
export function generationOffsets(bytes: Uint8Array, gen: number): { cpuSamples: number[]; experimentalBatches: number[] } {
  const g = [...readGenerationsSync(bytes)][gen - 1]!;
  return { cpuSamples: g.cpuSamples.map((s) => s.offset), experimentalBatches: g.experimentalBatches.map((b) => b.offset) };
}
