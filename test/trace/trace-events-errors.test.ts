/**
 * Error conditions of the trace event reader, one at a time, on small synthetic traces
 * (test/support/trace-synth.ts): dangling stack and string IDs, CPU samples, experimental batches,
 * stop-the-world kinds, truncation. Each expectation — the events before the problem, whether and where the
 * read fails, what Go's message says — comes from giving the same bytes to golang.org/x/exp/trace (the
 * oracle's `trace-events` command; go tool's reader is the same code): the events listed here are what it
 * printed, its error text is quoted beside each case. `readTraceSync`, `readTrace` and its `chunks()` must all end the
 * same way.
 */

import { describe, expect, it } from 'vitest';
import { ErrorCode, GodiagError } from '../../src/internal/errors.js';
import type { Event } from '../../src/trace/events/event.js';
import { readTrace, readTraceSync, type ReadTraceOptions } from '../../src/trace/events/reader.js';
import type { WireVersion } from '../../src/trace/spec/index.js';
import { cut, makeSource } from '../support/split.js';
import {
  SYNTH_ERROR_TRACES,
  generationOffsets,
  generationStart,
  truncationCuts,
  truncationTrace,
  wireEventOffset,
  type TruncationCuts,
} from '../support/trace-synth.js';

// --- Reading --------------------------------------------------------------------------------------------

/**
 * An event as one line: time, kind, context, and what matters of its kind — enough to tell any two events of
 * these traces apart, and written the way the Go outcome was noted.
 */
function line(e: Event): string {
  let s = `${e.time} ${e.kind} g=${e.goroutine} p=${e.proc} m=${e.thread}`;
  switch (e.kind) {
    case 'Sync':
      s += ` n=${e.n}`;
      if (e.experimentalBatches !== undefined && e.experimentalBatches.size > 0) s += ` experiments=${[...e.experimentalBatches.keys()].sort().join(',')}`;
      break;
    case 'StateTransition':
      s += ` ${e.resource.kind}(${e.resource.id}) ${e.from}->${e.to}`;
      if (e.reason !== '') s += ` reason="${e.reason}"`;
      break;
    case 'Log':
      s += ` ${e.category}=${e.message}`;
      break;
    case 'Label':
      s += ` "${e.label}"`;
      break;
    case 'RangeBegin':
    case 'RangeActive':
    case 'RangeEnd':
      s += ` "${e.name}"`;
      break;
    case 'TaskBegin':
    case 'TaskEnd':
      s += ` task=${e.id} type="${e.type}"`;
      break;
    case 'RegionBegin':
    case 'RegionEnd':
      s += ` task=${e.task} type="${e.type}"`;
      break;
    default:
      break;
  }
  if (e.stack.frames.length > 0) s += ` stack=${e.stack.frames.map((f) => `${f.func}:${f.line}`).join(',')}`;
  return s;
}

/** What a read gave: the events as lines, then the GodiagError it ended with, if any. */
interface Outcome {
  events: string[];
  error: GodiagError | undefined;
  /** The events themselves (for the fields a line leaves out). */
  raw: Event[];
}

function settle(events: Event[], e: unknown): Outcome {
  // Anything but a GodiagError is a bug in the reader, not an outcome.
  if (!(e instanceof GodiagError)) throw e;
  return { events: events.map(line), error: e, raw: events };
}

function readSync(bytes: Uint8Array, options: ReadTraceOptions = {}): Outcome {
  const events: Event[] = [];
  try {
    for (const e of readTraceSync(bytes, options)) events.push(e);
  } catch (e) {
    return settle(events, e);
  }
  return { events: events.map(line), error: undefined, raw: events };
}

/** Through the streaming reader, the input in chunks of 7 bytes (so batches and events straddle chunks). */
async function readAsync(bytes: Uint8Array, options: ReadTraceOptions = {}): Promise<Outcome> {
  const points = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) => i * 7);
  const events: Event[] = [];
  try {
    for await (const e of readTrace(makeSource('async-iterable', cut(bytes, points)), options)) events.push(e);
  } catch (e) {
    return settle(events, e);
  }
  return { events: events.map(line), error: undefined, raw: events };
}

/** Through `readTrace(…).chunks(3)`: arrays of at most 3 events, filled straight from the reader. */
async function readChunks(bytes: Uint8Array, options: ReadTraceOptions = {}): Promise<Outcome> {
  const events: Event[] = [];
  try {
    for await (const chunk of readTrace(bytes, options).chunks(3)) events.push(...chunk);
  } catch (e) {
    return settle(events, e);
  }
  return { events: events.map(line), error: undefined, raw: events };
}

/** Reads with every reader; they must agree on the events and on the error (code, offset, message). */
async function readBoth(bytes: Uint8Array, options: ReadTraceOptions = {}): Promise<Outcome> {
  const sync = readSync(bytes, options);
  for (const streamed of [await readAsync(bytes, options), await readChunks(bytes, options)]) {
    expect(streamed.events).toEqual(sync.events);
    expect(streamed.error?.code).toBe(sync.error?.code);
    expect(streamed.error?.offset).toBe(sync.error?.offset);
    expect(streamed.error?.message).toBe(sync.error?.message);
  }
  return sync;
}

function input(name: string): Uint8Array {
  const make = SYNTH_ERROR_TRACES[name];
  if (make === undefined) throw new Error(`no synthetic trace named ${name}`);
  return make();
}

// --- What Go's reader returned ----------------------------------------------------------------------------

/** Every trace of SYNTH_ERROR_TRACES starts so: thread 0 states proc 0 and goroutine 1 running. */
const START = [
  '1000 Sync g=-1 p=-1 m=-1 n=1',
  '1010 StateTransition g=-1 p=-1 m=0 Proc(0) Undetermined->Running',
  '1020 StateTransition g=-1 p=0 m=0 Goroutine(1) Undetermined->Running',
];
/** The statuses thread 0 states again at the start of generation 2. */
const GEN2_START = [
  '11000 Sync g=-1 p=-1 m=-1 n=2',
  '11010 StateTransition g=1 p=0 m=0 Proc(0) Running->Running',
  '11020 StateTransition g=1 p=0 m=0 Goroutine(1) Running->Running',
];
const BLOCK = '1030 StateTransition g=1 p=0 m=0 Goroutine(1) Running->Waiting reason="chan receive" stack=main.main:12';
const STW_BEGIN = '1030 RangeBegin g=1 p=0 m=0 "stop-the-world (GC mark termination)" stack=main.main:12';

/** A read Go's reader fails: the events it returned first, its error, and what godiag reports. */
interface Rejection {
  /** The trace (a key of SYNTH_ERROR_TRACES). */
  name: string;
  /** golang.org/x/exp/trace's error text, for reference. */
  go: string;
  /** The events Go's reader returned before the error. */
  events: string[];
  /** godiag's error: Go's condition in Go's words (or, where Go prints a type number, with the type's name). */
  detail: RegExp;
  /** Where godiag reports it: the byte offset of the offending event, batch or generation. */
  offset: (bytes: Uint8Array) => number;
}

/** The offset of the `index`th event of thread 0 in generation `gen`. */
const event =
  (gen: number, index: number) =>
  (bytes: Uint8Array): number =>
    wireEventOffset(bytes, gen, 0, index);

const REJECTED: Rejection[] = [
  // 1. Stack IDs not in the generation's stack table. Go checks an event's own stack before the other it
  // names (GoCreate: the creator's, then the new goroutine's).
  {
    name: 'GoCreate: new goroutine stack missing',
    go: 'found invalid stack ID 9 for event GoCreate',
    events: START,
    detail: /^found invalid stack ID 9 for event GoCreate \(generation 1\b/,
    offset: event(1, 2),
  },
  {
    name: 'GoCreate: creator stack missing',
    go: 'found invalid stack ID 9 for event GoCreate',
    events: START,
    detail: /^found invalid stack ID 9 for event GoCreate \(generation 1\b/,
    offset: event(1, 2),
  },
  {
    name: 'GoCreate: both stacks missing',
    go: 'found invalid stack ID 9 for event GoCreate',
    events: START,
    detail: /^found invalid stack ID 9 for event GoCreate \(generation 1\b/,
    offset: event(1, 2),
  },
  {
    name: 'GoBlock: stack missing',
    go: 'found invalid stack ID 9 for event GoBlock',
    events: START,
    detail: /^found invalid stack ID 9 for event GoBlock \(generation 1\b/,
    offset: event(1, 2),
  },
  {
    name: 'UserLog: stack of the previous generation',
    go: 'found invalid stack ID 1 for event UserLog',
    events: [...START, '1030 Log g=1 p=0 m=0 category=message stack=main.main:12', ...GEN2_START],
    detail: /^found invalid stack ID 1 for event UserLog \(generation 2\b/,
    offset: event(2, 2),
  },
  // 2. String IDs not in the string table: checked as the event is returned, or (tasks and regions, whose
  // names the ordering keeps) as it is ordered, where Go prints the event type's number.
  {
    name: 'UserLog: category missing',
    go: 'found invalid string ID 9 for event UserLog',
    events: START,
    detail: /^found invalid string ID 9 for event UserLog \(generation 1\b/,
    offset: event(1, 2),
  },
  {
    name: 'UserLog: message missing',
    go: 'found invalid string ID 9 for event UserLog',
    events: START,
    detail: /^found invalid string ID 9 for event UserLog \(generation 1\b/,
    offset: event(1, 2),
  },
  {
    name: 'UserTaskBegin: type missing',
    go: 'invalid string ID 9 for 40 event',
    events: START,
    detail: /^invalid string ID 9 for UserTaskBegin event \(generation 1, M 0, event UserTaskBegin\b/,
    offset: event(1, 2),
  },
  {
    name: 'UserRegionBegin: type missing',
    go: 'invalid string ID 9 for 42 event',
    events: START,
    detail: /^invalid string ID 9 for UserRegionBegin event \(generation 1, M 0, event UserRegionBegin\b/,
    offset: event(1, 2),
  },
  {
    name: 'UserRegionEnd: type missing',
    go: 'invalid string ID 9 for 43 event',
    events: [...START, '1030 RegionBegin g=1 p=0 m=0 task=0 type="task type" stack=main.main:12'],
    detail: /^invalid string ID 9 for UserRegionEnd event \(generation 1, M 0, event UserRegionEnd\b/,
    offset: event(1, 3),
  },
  {
    name: 'GoBlock: reason missing',
    go: 'found invalid string ID 9 for event GoBlock',
    events: START,
    detail: /^found invalid string ID 9 for event GoBlock \(generation 1\b/,
    offset: event(1, 2),
  },
  {
    name: 'GoLabel: label missing',
    go: 'found invalid string ID 9 for event GoLabel',
    events: START,
    detail: /^found invalid string ID 9 for event GoLabel \(generation 1\b/,
    offset: event(1, 2),
  },
  // A stack frame naming a missing string: the generation is refused as a whole, after a Sync (the time of
  // the first Sync is then 1 ns: no event came before it).
  {
    name: 'stack frame: function missing',
    go: 'found invalid func string ID 9 for stack 1',
    events: ['1 Sync g=-1 p=-1 m=-1 n=1'],
    detail: /^stack 1 of generation 1 names function string 9\b/,
    offset: (bytes) => generationStart(bytes, 1),
  },
  {
    name: 'stack frame: file missing',
    go: 'found invalid file string ID 9 for stack 1',
    events: ['1 Sync g=-1 p=-1 m=-1 n=1'],
    detail: /^stack 1 of generation 1 names file string 9\b/,
    offset: (bytes) => generationStart(bytes, 1),
  },
  {
    name: 'stack frame: function missing in generation 2',
    go: 'found invalid func string ID 9 for stack 1',
    events: [...START, BLOCK, '1031 Sync g=-1 p=-1 m=-1 n=2'],
    detail: /^stack 1 of generation 2 names function string 9\b/,
    offset: (bytes) => generationStart(bytes, 2),
  },
  // 5. Stop-the-world ranges are keyed by their kind: the same kind cannot begin twice on a goroutine, and an
  // end needs a begin.
  {
    name: 'STWBegin: kind missing',
    go: 'found invalid string ID 9 for event STWBegin',
    events: START,
    detail: /^found invalid string ID 9 for event STWBegin \(generation 1\b/,
    offset: event(1, 2),
  },
  {
    name: 'STW: same kind nested',
    go: 'discovered event already in-flight for when starting event STWBegin',
    events: [...START, STW_BEGIN],
    detail: /^discovered event already in-flight for when starting event STWBegin \(generation 1, M 0, event STWBegin\b/,
    offset: event(1, 3),
  },
  {
    name: 'STWEnd: without STWBegin',
    go: 'tried to end event STWBegin, but not in-flight',
    events: START,
    detail: /^tried to end event STWBegin, but not in-flight \(generation 1, M 0, event STWEnd\b/,
    offset: event(1, 2),
  },
];

/** A read Go's reader completes: every event it returned. */
const ACCEPTED: { name: string; events: string[] }[] = [
  {
    name: 'CPU sample: stack present',
    events: [
      START[0]!,
      START[1]!,
      '1015 StackSample g=-1 p=-1 m=0 stack=main.main:12',
      START[2]!,
      BLOCK,
      '1031 Sync g=-1 p=-1 m=-1 n=2',
    ],
  },
  // 4. The one experiment Go knows: its batches are kept as bytes and handed out with the generation's Sync.
  { name: 'experimental batch: AllocFree', events: ['1000 Sync g=-1 p=-1 m=-1 n=1 experiments=AllocFree', ...START.slice(1), BLOCK, '1031 Sync g=-1 p=-1 m=-1 n=2'] },
  // 5. The kind is the string STWBegin names (0: the empty string); STWEnd ends the first range in flight
  // with STWBegin's type, whatever its kind, and takes that range's kind ID.
  {
    name: 'STW: empty kind',
    events: [
      ...START,
      '1030 RangeBegin g=1 p=0 m=0 "stop-the-world ()" stack=main.main:12',
      '1040 RangeEnd g=1 p=0 m=0 "stop-the-world ()"',
      '1041 Sync g=-1 p=-1 m=-1 n=2',
    ],
  },
  {
    name: 'STW: two kinds nested',
    events: [
      ...START,
      STW_BEGIN,
      '1040 RangeBegin g=1 p=0 m=0 "stop-the-world (start trace)" stack=main.main:12',
      '1050 RangeEnd g=1 p=0 m=0 "stop-the-world (GC mark termination)"',
      '1060 RangeEnd g=1 p=0 m=0 "stop-the-world (start trace)"',
      '1061 Sync g=-1 p=-1 m=-1 n=2',
    ],
  },
  {
    name: 'STW: across generations',
    events: [...START, STW_BEGIN, ...GEN2_START, '11030 RangeEnd g=1 p=0 m=0 "stop-the-world (GC mark termination)"', '11031 Sync g=-1 p=-1 m=-1 n=3'],
  },
  // The kind's ID is looked up in the table of the generation of the STWEnd, not of the STWBegin.
  {
    name: 'STW: across generations, kind ID reused',
    events: [...START, STW_BEGIN, ...GEN2_START, '11030 RangeEnd g=1 p=0 m=0 "stop-the-world (other kind)"', '11031 Sync g=-1 p=-1 m=-1 n=3'],
  },
];

// --- Tests ------------------------------------------------------------------------------------------------

describe('readTrace rejects what golang.org/x/exp/trace rejects', () => {
  it.each(REJECTED)('$name', async (c) => {
    const bytes = input(c.name);
    const got = await readBoth(bytes);
    expect(got.events).toEqual(c.events);
    expect(got.error).toBeInstanceOf(GodiagError);
    expect(got.error?.code).toBe(ErrorCode.Corrupt);
    expect(got.error?.format).toBe('trace');
    expect(got.error?.detail).toMatch(c.detail);
    expect(got.error?.offset).toBe(c.offset(bytes));
    // `onTruncated: 'stop'` is about truncation only: an inconsistent trace still fails.
    const stopped = readSync(bytes, { onTruncated: 'stop' });
    expect(stopped.events).toEqual(got.events);
    expect(stopped.error?.message).toBe(got.error?.message);
  });
});

describe('readTrace accepts what golang.org/x/exp/trace accepts', () => {
  it.each(ACCEPTED)('$name', async (c) => {
    const got = await readBoth(input(c.name));
    expect(got.error).toBeUndefined();
    expect(got.events).toEqual(c.events);
  });

  it('a batch of experiment 0 (none) is an ordinary batch (Go: same events as with an empty event batch; the first Sync at the batch time, 5 ns)', async () => {
    const got = await readBoth(input('experimental batch: experiment 0'));
    const plain = await readBoth(input('empty event batch'));
    expect(got.error).toBeUndefined();
    expect(plain.error).toBeUndefined();
    expect(got.events).toEqual(plain.events);
    expect(got.events[0]).toBe('5 Sync g=-1 p=-1 m=-1 n=1');
  });

  it("hands out an experiment's batches as Go's Sync.ExperimentalBatches does: by name, thread and bytes", () => {
    // The oracle printed {"AllocFree":[{"thread":0,"data":"AQID"}]} for the first Sync, nothing for the last.
    const got = readSync(input('experimental batch: AllocFree'));
    const first = got.raw[0];
    const last = got.raw.at(-1);
    expect(first?.kind).toBe('Sync');
    expect(last?.kind).toBe('Sync');
    if (first?.kind !== 'Sync' || last?.kind !== 'Sync') return;
    const batches = [...(first.experimentalBatches?.entries() ?? [])].map(([name, list]) => [name, list.map((b) => ({ thread: b.thread, data: [...b.data] }))]);
    expect(batches).toEqual([['AllocFree', [{ thread: 0, data: [1, 2, 3] }]]]);
    expect(last.experimentalBatches?.size ?? 0).toBe(0);
  });
});

/**
 * Where Go's reader returns the event and then panics when it is looked at — `Stack().Frames()` of a CPU
 * sample whose stack is missing ("expected id 9 in trace.stack table"), `Sync()` of a generation with a batch
 * of an experiment it does not know ("index out of range [2] with length 2"), `Range()` of an STWEnd whose
 * kind's string ID the current generation lacks ("expected id 7 in string table") — godiag reports `corrupt`
 * at that event instead (docs/trace.md, "Differences from Go"). The events before it are those Go returned
 * before the one it cannot show.
 */
describe('where golang.org/x/exp/trace crashes, readTrace reports corrupt', () => {
  it('3. a CPU sample whose stack is not in the stack table', async () => {
    const bytes = input('CPU sample: stack missing');
    const got = await readBoth(bytes);
    expect(got.events).toEqual(START.slice(0, 2));
    expect(got.error?.code).toBe(ErrorCode.Corrupt);
    expect(got.error?.detail).toMatch(/^found invalid stack ID 9 for a CPU sample \(generation 1\)/);
    expect(got.error?.offset).toBe(generationOffsets(bytes, 1).cpuSamples[0]);
  });

  it.each<WireVersion>(['1.23', '1.26'])('4. a batch of an unknown experiment (go %s): nothing, not even the Sync', async (version) => {
    const bytes = input(`experimental batch: unknown experiment (${version})`);
    const got = await readBoth(bytes);
    expect(got.events).toEqual([]);
    expect(got.error?.code).toBe(ErrorCode.Corrupt);
    expect(got.error?.detail).toMatch(/unknown experiment 2\b/);
    expect(got.error?.offset).toBe(generationOffsets(bytes, 1).experimentalBatches[0]);
  });

  it("5. an STWEnd whose kind's string ID the next generation does not have", async () => {
    const bytes = input('STW: across generations, kind ID missing');
    const got = await readBoth(bytes);
    expect(got.events).toEqual([...START, STW_BEGIN, ...GEN2_START]);
    expect(got.error?.code).toBe(ErrorCode.Corrupt);
    expect(got.error?.detail).toMatch(/string 7\b.*generation 2\b/);
    expect(got.error?.offset).toBe(wireEventOffset(bytes, 2, 0, 2));
  });
});

// --- 6. Truncation ------------------------------------------------------------------------------------------

/** The first two generations of a truncation trace as Go's reader returns them, without the final Sync. */
const TWO_GENERATIONS = [
  '1000 Sync g=-1 p=-1 m=-1 n=1',
  '1010 StateTransition g=-1 p=-1 m=0 Proc(0) Undetermined->Running',
  '1011 StateTransition g=-1 p=-1 m=1 Proc(1) Undetermined->Running',
  '1020 StateTransition g=-1 p=1 m=1 Goroutine(2) Undetermined->Running',
  '1021 StateTransition g=-1 p=0 m=0 Goroutine(1) Undetermined->Running',
  '1030 Log g=1 p=0 m=0 category=message stack=main.main:12',
  '1031 Label g=2 p=1 m=1 "chan receive"',
  '11000 Sync g=-1 p=-1 m=-1 n=2',
  '11010 StateTransition g=1 p=0 m=0 Proc(0) Running->Running',
  '11011 StateTransition g=2 p=1 m=1 Proc(1) Running->Running',
  '11020 StateTransition g=2 p=1 m=1 Goroutine(2) Running->Running',
  '11021 StateTransition g=1 p=0 m=0 Goroutine(1) Running->Running',
  '11030 Log g=1 p=0 m=0 category=message stack=main.main:12',
  '11031 Label g=2 p=1 m=1 "chan receive"',
];
/** The final Sync after those two generations. */
const FINAL_SYNC = '11032 Sync g=-1 p=-1 m=-1 n=3';

/** Go 1.26 cuts: Go's reader returns the two complete generations and a Sync, then its error. */
const CUTS_126: { at: keyof TruncationCuts; go: string; detail: RegExp }[] = [
  { at: 'inSyncBatch', go: 'error reading batch M ID: unexpected EOF', detail: /^unexpected end of input\b/ },
  { at: 'inFirstEventBatch', go: 'failed to read full batch: read 3 but wanted 15', detail: /^unexpected end of input\b/ },
  { at: 'inSecondEventBatch', go: 'failed to read full batch: read 3 but wanted 12', detail: /^unexpected end of input\b/ },
  { at: 'beforeEndMarker', go: 'incomplete generation found; trace likely truncated', detail: /end-of-generation marker of generation 3\b/ },
];

describe('6. a truncated trace', () => {
  it.each<WireVersion>(['1.23', '1.26'])('go %s: the first two generations alone read as Go reads them', async (version) => {
    const bytes = truncationTrace(version);
    const got = await readBoth(bytes.subarray(0, truncationCuts(bytes).twoGenerations));
    expect(got.error).toBeUndefined();
    expect(got.events).toEqual([...TWO_GENERATIONS, FINAL_SYNC]);
  });

  it.each(CUTS_126)('go 1.26, cut $at', async ({ at, detail }) => {
    const bytes = truncationTrace('1.26');
    const input = bytes.subarray(0, truncationCuts(bytes)[at]);
    // By default: the complete generations, a Sync, then a truncation error where the input ends.
    const thrown = await readBoth(input);
    expect(thrown.events).toEqual([...TWO_GENERATIONS, FINAL_SYNC]);
    expect(thrown.error?.code).toBe(ErrorCode.Truncated);
    expect(thrown.error?.detail).toMatch(detail);
    expect(thrown.error?.offset).toBe(input.length);
    // 'stop': exactly the complete generations, ending cleanly.
    const stopped = await readBoth(input, { onTruncated: 'stop' });
    expect(stopped.error).toBeUndefined();
    expect(stopped.events).toEqual([...TWO_GENERATIONS, FINAL_SYNC]);
  });

  it("go 1.26, input that ends after generation 3's sync batch, before its first event batch, ends cleanly (as Go's reader)", async () => {
    const bytes = truncationTrace('1.26');
    const got = await readBoth(bytes.subarray(0, truncationCuts(bytes).afterSyncBatch));
    expect(got.error).toBeUndefined();
    expect(got.events).toEqual([...TWO_GENERATIONS, FINAL_SYNC]);
  });

  // Before Go 1.26 a generation has no end marker: Go's reader takes the batches of the generation it was
  // reading when a batch could not be read as that generation, orders them, and only then reports the error.
  it('go 1.23, cut inside the first event batch of generation 3 (Go: "failed to read full batch: read 3 but wanted 15")', async () => {
    const bytes = truncationTrace('1.23');
    const input = bytes.subarray(0, truncationCuts(bytes).inFirstEventBatch);
    const thrown = await readBoth(input);
    // Generation 3 so far is its sync batch: its Sync, then the final one.
    expect(thrown.events).toEqual([...TWO_GENERATIONS, '21000 Sync g=-1 p=-1 m=-1 n=3', '21001 Sync g=-1 p=-1 m=-1 n=4']);
    expect(thrown.error?.code).toBe(ErrorCode.Truncated);
    expect(thrown.error?.detail).toMatch(/^unexpected end of input\b/);
    expect(thrown.error?.offset).toBe(input.length);
    const stopped = await readBoth(input, { onTruncated: 'stop' });
    expect(stopped.error).toBeUndefined();
    expect(stopped.events).toEqual([...TWO_GENERATIONS, FINAL_SYNC]);
  });

  it('go 1.23, cut inside the second event batch of generation 3 (Go: "found invalid stack ID 1 for event UserLog")', async () => {
    const bytes = truncationTrace('1.23');
    const input = bytes.subarray(0, truncationCuts(bytes).inSecondEventBatch);
    // The partial generation has thread 0's events but no tables yet: its UserLog names a stack the
    // generation does not have, and that is the error Go reports.
    const thrown = await readBoth(input);
    expect(thrown.events).toEqual([
      ...TWO_GENERATIONS,
      '21000 Sync g=-1 p=-1 m=-1 n=3',
      '21010 StateTransition g=1 p=0 m=0 Proc(0) Running->Running',
      '21020 StateTransition g=1 p=0 m=0 Goroutine(1) Running->Running',
    ]);
    expect(thrown.error?.code).toBe(ErrorCode.Corrupt);
    expect(thrown.error?.detail).toMatch(/^found invalid stack ID 1 for event UserLog \(generation 3\b/);
    const stopped = await readBoth(input, { onTruncated: 'stop' });
    expect(stopped.error).toBeUndefined();
    expect(stopped.events).toEqual([...TWO_GENERATIONS, FINAL_SYNC]);
  });
});
