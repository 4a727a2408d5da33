/**
 * Model-based properties of the trace event reader: traces a scheduler model writes (test/support/trace-model.ts)
 * read back as exactly the events the model predicts from Go's ordering rules; chunked, cut-short and
 * corrupted inputs end in events and a GodiagError, never another exception.
 */

import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { ErrorCode, GodiagError } from '../../src/internal/errors.js';
import { encodeTrace } from '../../src/trace/encode.js';
import { readTrace, readTraceSync, type ReadTraceOptions } from '../../src/trace/events/reader.js';
import { readBatchesSync } from '../../src/trace/wire/batch.js';
import { cut, cutPoints, makeSource } from '../support/split.js';
import { buildModelTrace, expectedUntil, modelPlan, modelTrace, normalizeEvent, type ModelTrace, type NormEvent } from '../support/trace-model.js';
import { validateTrace } from '../support/trace-validate.js';

/** What a read gave: the events, then the GodiagError it ended with, if any. */
interface Outcome {
  events: NormEvent[];
  error: GodiagError | undefined;
}

/** More events than any model trace has: a reader that yields this many is looping. */
const EVENT_CAP = 100_000;
/** Far longer than any model trace takes to read (a few milliseconds). */
const TIME_CAP_MS = 5_000;

/** Throws when a read runs away: too many events, or too long. */
function guard(events: NormEvent[], start: number): void {
  if (events.length > EVENT_CAP) throw new Error(`the reader does not terminate: over ${EVENT_CAP} events`);
  if (performance.now() - start > TIME_CAP_MS) throw new Error(`the reader does not terminate: over ${TIME_CAP_MS} ms`);
}

/** Reads all events; a GodiagError ends the read, any other exception fails the test. */
function readSync(bytes: Uint8Array, options: ReadTraceOptions = {}): Outcome {
  const events: NormEvent[] = [];
  const start = performance.now();
  try {
    for (const e of readTraceSync(bytes, options)) {
      events.push(normalizeEvent(e));
      guard(events, start);
    }
  } catch (e) {
    if (e instanceof GodiagError) return { events, error: e };
    throw e;
  }
  return { events, error: undefined };
}

async function readAsync(parts: Uint8Array[], options: ReadTraceOptions = {}): Promise<Outcome> {
  const events: NormEvent[] = [];
  const start = performance.now();
  try {
    for await (const e of readTrace(makeSource('async-iterable', parts), options)) {
      events.push(normalizeEvent(e));
      guard(events, start);
    }
  } catch (e) {
    if (e instanceof GodiagError) return { events, error: e };
    throw e;
  }
  return { events, error: undefined };
}

function encode(t: ModelTrace): Uint8Array {
  return encodeTrace(t.version, t.generations);
}

/**
 * Where a cut strictly inside a batch falls: the generation (index) of that batch, and how many generations
 * before it a reader knows to be complete — from Go 1.26 those whose end-of-generation marker it read; before,
 * those followed by a whole batch of the next generation (so none is known complete when the cut falls inside
 * the first batch of the next one).
 */
function cutPosition(bytes: Uint8Array, at: number): { gen: number; firstBatch: boolean; known: number } {
  const { version, batches } = readBatchesSync(bytes);
  const all = [...batches];
  const i = all.findIndex((b) => b.offset < at && at < b.dataOffset + b.data.length);
  const b = all[i]!;
  if (version === '1.26') {
    const known = all.filter((x) => x.kind === 'end-of-generation' && x.dataOffset + x.data.length <= at).length;
    return { gen: known, firstBatch: false, known };
  }
  const gen = [...new Set(all.map((x) => x.gen))].indexOf(b.gen);
  const firstBatch = all.findIndex((x) => x.gen === b.gen) === i;
  return { gen, firstBatch, known: firstBatch ? Math.max(0, gen - 1) : gen };
}

describe('readTrace on traces of a scheduler model', () => {
  test.prop([modelTrace()], { numRuns: 400 })('returns exactly the events the model predicts', (t) => {
    const bytes = encode(t);
    const got = readSync(bytes);
    expect(got.error).toBeUndefined();
    expect(got.events).toEqual(t.expected);
    // What it returned keeps the invariants Go's trace tests check.
    validateTrace(readTraceSync(bytes), { goVersion: t.version });
  });

  test.prop([modelTrace(25), cutPoints(3000), fc.nat()], { numRuns: 60 })(
    'any chunking through readTrace gives what readTraceSync gives, also for a cut-short trace',
    async (t, points, at) => {
      const bytes = encode(t);
      const end = at % 3 === 0 ? bytes.length : 16 + (at % (bytes.length - 15));
      const input = bytes.subarray(0, end);
      const sync = readSync(input);
      const streamed = await readAsync(cut(input, points));
      expect(streamed.events).toEqual(sync.events);
      expect(streamed.error?.code).toEqual(sync.error?.code);
      if (end === bytes.length) expect(sync.events).toEqual(t.expected);
    },
  );

  test.prop([modelTrace(25), fc.nat()], { numRuns: 150 })('a trace cut anywhere gives events then a GodiagError, or a clean end', (t, at) => {
    const bytes = encode(t);
    const got = readSync(bytes.subarray(0, at % (bytes.length + 1)));
    if (got.error !== undefined) expect(got.error).toBeInstanceOf(GodiagError);
    expect(got.events.length).toBeLessThanOrEqual(t.expected.length + 1);
  });

  test.prop([modelTrace(25), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 })], { numRuns: 150 })(
    'flipped bytes give events then a GodiagError, or a clean end',
    (t, flips) => {
      const bytes = encode(t).slice();
      for (const [pos, x] of flips) bytes[pos % bytes.length]! ^= x;
      const got = readSync(bytes);
      if (got.error !== undefined) expect(got.error).toBeInstanceOf(GodiagError);
    },
  );

  test.prop([modelTrace(25), fc.nat()], { numRuns: 120 })(
    "onTruncated 'stop': a trace cut inside a batch ends with a Sync after the last complete generation",
    (t, at) => {
      const bytes = encode(t);
      // A point strictly inside a batch (end-of-generation markers are one byte: never inside).
      const spans = [...readBatchesSync(bytes).batches].map((b) => [b.offset, b.dataOffset + b.data.length] as const).filter(([s, e]) => e - s >= 2);
      const [s, e] = spans[at % spans.length]!;
      const c = s + 1 + (Math.floor(at / spans.length) % (e - s - 1));
      const where = cutPosition(bytes, c);
      const stopped = readSync(bytes.subarray(0, c), { onTruncated: 'stop' });
      expect(stopped.error).toBeUndefined();
      expect(stopped.events).toEqual(expectedUntil(t, where.known));
      // By default, as Go's reader: from Go 1.26 the same events, then the truncation. Before, the generation
      // being read when the input ended is taken as it is (all of the previous one, when the cut falls in the
      // first batch of the next), then a Sync and the error.
      const thrown = readSync(bytes.subarray(0, c));
      expect(thrown.error).toBeInstanceOf(GodiagError);
      if (t.version === '1.26' || where.firstBatch) {
        expect(thrown.events).toEqual(expectedUntil(t, where.gen));
        expect(thrown.error?.code).toBe(ErrorCode.Truncated);
      } else {
        const complete = expectedUntil(t, where.gen).slice(0, -1);
        expect(thrown.events.slice(0, complete.length)).toEqual(complete);
      }
    },
  );

  test('the model writes what the runtime writes: statuses, sequence numbers, the batch of no thread', () => {
    // A fixed plan, to show the layout the properties rely on: one thread running goroutine 1 on proc 0,
    // which blocks; goroutine 2, runnable and untouched, is stated at the end in the batch of no thread.
    const t = buildModelTrace({
      version: '1.22',
      firstGen: 1,
      genGaps: [1, 1],
      threads: 1,
      procs: 1,
      // Thread IDs from 0; proc 0 exists from the start (setup draws no choice for it); thread 0 runs it, with
      // a goroutine (state 4); one more goroutine, runnable; no regions, assists, sweeps, tasks or GC.
      setup: [0, 4, 1, 0, 0, 99, 0, 99, 99, 0, 99],
      generations: [{ steps: [{ m: 0, action: 1, x: 0, y: 0, z: 0 }], skew: [0, 0, 0, 0, 0], tables: [], end: [], jitter: [], batches: [], samples: [], clock: [0, 0, 0] }],
    });
    const kinds = t.expected.map((e) => `${e.kind}${e.kind === 'StateTransition' ? ` ${JSON.stringify(e.resource)} ${String(e.from)}->${String(e.to)}` : ''}`);
    expect(kinds).toEqual([
      'Sync',
      'StateTransition {"kind":"Proc","id":0} Undetermined->Running',
      'StateTransition {"kind":"Goroutine","id":1} Undetermined->Running',
      'StateTransition {"kind":"Goroutine","id":1} Running->Waiting',
      'StateTransition {"kind":"Goroutine","id":2} Undetermined->Runnable',
      'Sync',
    ]);
    expect(t.expected[4]).toMatchObject({ g: -1, p: -1, m: -1 });
    expect(readSync(encode(t)).events).toEqual(t.expected);
  });

  test('the generated traces exercise every modelled event, reordering and CPU samples', () => {
    // Guards the generator against silently losing coverage (a fixed seed: the same traces every run).
    const traces = fc.sample(modelTrace(), { numRuns: 150, seed: 42 });
    const wire: Record<string, number> = {};
    for (const t of traces) for (const [name, n] of Object.entries(t.stats.wire)) wire[name] = (wire[name] ?? 0) + n;
    const names = ['ProcStatus', 'ProcStart', 'ProcStop', 'ProcSteal', 'GoStatus', 'GoCreate', 'GoStart', 'GoStop', 'GoBlock', 'GoUnblock', 'GoDestroy'];
    names.push('GoSyscallBegin', 'GoSyscallEnd', 'GoSyscallEndBlocked', 'GCActive', 'GCBegin', 'GCEnd', 'HeapAlloc', 'HeapGoal', 'ProcsChange', 'GoLabel');
    names.push('UserTaskBegin', 'UserTaskEnd', 'UserRegionBegin', 'UserRegionEnd', 'UserLog', 'GoStatusStack', 'STWBegin', 'STWEnd');
    names.push('GCSweepActive', 'GCSweepBegin', 'GCSweepEnd', 'GCMarkAssistActive', 'GCMarkAssistBegin', 'GCMarkAssistEnd');
    names.push('GoSwitch', 'GoSwitchDestroy', 'GoCreateBlocked', 'GoCreateSyscall', 'GoDestroySyscall');
    for (const name of names) expect(wire[name] ?? 0, name).toBeGreaterThan(10);
    expect(traces.filter((t) => t.stats.reordered > 0).length).toBeGreaterThan(traces.length / 3);
    expect(traces.reduce((n, t) => n + t.stats.samples, 0)).toBeGreaterThan(50);
    const transitions = new Set(traces.flatMap((t) => t.expected.filter((e) => e.kind === 'StateTransition').map((e) => `${String(e.from)}->${String(e.to)}`)));
    for (const x of ['Undetermined->Running', 'Undetermined->Waiting', 'Undetermined->Syscall', 'NotExist->Idle', 'Waiting->Waiting', 'Syscall->Syscall']) {
      expect(transitions).toContain(x);
    }
    // The rarer paths of syscalls across generation boundaries: a SyscallAbandoned status promoted (shown on
    // the thread holding the proc), a goroutine in a syscall stated from the batch of no thread (bound to its
    // thread, known or not), a proc stolen while abandoned (Idle->Idle).
    const views: Record<string, number> = {};
    for (const t of traces) for (const [k, n] of Object.entries(t.stats.views)) views[k] = (views[k] ?? 0) + n;
    expect(views['Proc Running->Running (context: holder)'] ?? 0).toBeGreaterThan(0);
    expect(views['Goroutine Undetermined->Syscall (context: bare)'] ?? 0).toBeGreaterThan(0);
    expect(views['Goroutine Syscall->Syscall (context: bare)'] ?? 0).toBeGreaterThan(0);
    expect(views['Proc Idle->Idle'] ?? 0).toBeGreaterThan(0);
    expect(new Set(traces.map((t) => t.generations.length))).toEqual(new Set([1, 2, 3]));
  });

  test('model plans build without error (the model never gets stuck)', () => {
    fc.assert(
      fc.property(modelPlan(60), (p) => {
        const t = buildModelTrace(p);
        expect(t.expected.at(-1)?.kind).toBe('Sync');
      }),
      { numRuns: 200 },
    );
  });
});
