/**
 * Arbitrary valid traces for property tests: generations whose tables, samples, clock data, experimental
 * batches and event batches follow the rules the readers check, for each wire version.
 */

import fc from 'fast-check';
import { specsFor, type WireVersion } from '../../src/trace/spec/index.js';
import type { ArgValue, RawEvent } from '../../src/trace/wire/index.js';
import {
  batchEvents,
  type CPUSampleData,
  type EventBatch,
  type EventBatchData,
  type ExperimentalBatchData,
  type Generation,
  type GenerationData,
  type StackFrameData,
} from '../../src/trace/wire/generation.js';

/** A wire value as the readers return it: a number below 2^53, a bigint above. */
export const argValue: fc.Arbitrary<ArgValue> = fc.oneof(
  { weight: 8, arbitrary: fc.nat({ max: 1000 }) },
  { weight: 2, arbitrary: fc.maxSafeNat() },
  { weight: 1, arbitrary: fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n - 1n }) },
);

const time = fc.nat({ max: 2 ** 40 });

function timedEvent(version: WireVersion): fc.Arbitrary<RawEvent> {
  const timed = specsFor(version).all.filter((s) => s.timed);
  return fc.constantFrom(...timed).chain((spec) =>
    fc.tuple(fc.nat({ max: 5000 }), fc.array(argValue, { minLength: spec.args.length - 1, maxLength: spec.args.length - 1 })).map(
      ([dt, rest]): RawEvent => ({ type: spec.type, args: [dt, ...rest], data: undefined, offset: 0, varintWidths: undefined }),
    ),
  );
}

const eventBatch = (version: WireVersion): fc.Arbitrary<EventBatchData> =>
  fc.record({ m: argValue, time, events: fc.array(timedEvent(version), { maxLength: 40 }) });

const experimentalBatch: fc.Arbitrary<ExperimentalBatchData> = fc.record({
  experiment: fc.constant(1),
  m: argValue,
  time,
  data: fc.uint8Array({ maxLength: 100 }),
});

/** One generation of `version` numbered `gen`. */
export function generation(version: WireVersion, gen: number): fc.Arbitrary<GenerationData> {
  const modern = version === '1.25' || version === '1.26';
  const experiments = version !== '1.22';
  return fc
    .record({
      strings: fc.array(fc.string({ unit: 'grapheme', maxLength: 12 }), { maxLength: 12 }),
      // A pool of distinct PCs, each with one description, as the runtime writes them.
      pcs: fc.uniqueArray(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { maxLength: 10 }),
      stackPicks: fc.array(fc.array(fc.nat(), { maxLength: 6 }), { maxLength: 8 }),
      frameInfo: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat({ max: 100000 })), { minLength: 10, maxLength: 10 }),
      samples: fc.array(fc.record({ time, m: argValue, p: argValue, g: argValue, stack: fc.nat() }), { maxLength: 5 }),
      frequency: fc.integer({ min: 1, max: 2 ** 40 }),
      clock: fc.record({ time, mono: argValue, sec: argValue, nsec: argValue }),
      tableTime: fc.option(time, { nil: undefined }),
      experimentalBatches: experiments ? fc.array(experimentalBatch, { maxLength: 2 }) : fc.constant([]),
      batches: fc.array(eventBatch(version), { maxLength: 4 }),
    })
    .map((r): GenerationData => {
      const strings = new Map<number, string>(r.strings.map((s, i) => [i + 1, s]));
      const stringId = (n: number) => (strings.size === 0 ? 0 : n % (strings.size + 1));
      const frames: StackFrameData[] = r.pcs.map((pc, i) => {
        const [fn, file, line] = r.frameInfo[i]!;
        return { pc, funcId: stringId(fn), fileId: stringId(file), line };
      });
      const stacks = new Map<number, StackFrameData[]>();
      if (frames.length > 0) r.stackPicks.forEach((picks, i) => stacks.set(i + 1, picks.map((p) => frames[p % frames.length]!)));
      const cpuSamples: CPUSampleData[] = r.samples.map((s) => ({ ...s, stack: s.stack % (stacks.size + 1) }));
      return {
        gen,
        strings,
        stacks,
        cpuSamples,
        frequency: r.frequency,
        clockSnapshot: modern ? r.clock : undefined,
        experimentalBatches: r.experimentalBatches,
        batches: r.batches,
        tableTime: r.tableTime,
      };
    });
}

/** A whole trace: a version and 1–3 generations with consecutive numbers. */
export const traceData: fc.Arbitrary<{ version: WireVersion; generations: GenerationData[] }> = fc
  .tuple(fc.constantFrom<WireVersion>('1.22', '1.23', '1.25', '1.26'), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 3 }))
  .chain(([version, first, count]) =>
    fc
      .tuple(...Array.from({ length: count }, (_, i) => generation(version, first + i)))
      .map((generations) => ({ version, generations })),
  );

/** A batch's events: given, or decoded from the bytes of a batch that was read (with its generation). */
function eventsOf(g: GenerationData | Generation, b: EventBatchData | EventBatch): readonly RawEvent[] {
  if (!('data' in b)) return b.events;
  if (!('version' in g)) throw new Error('a batch as read belongs to a generation as read');
  return [...batchEvents(g.version, b)];
}

/**
 * The content of generations as plain data, for comparing what was encoded with what was read back:
 * offsets and other positions dropped, event times recomputed from `dt`, strings of frames left out.
 */
export function normalize(gens: readonly GenerationData[]): unknown[] {
  return gens.map((g) => ({
    gen: g.gen,
    strings: [...g.strings].sort((a, b) => a[0] - b[0]),
    stacks: [...g.stacks]
      .sort((a, b) => a[0] - b[0])
      .map(([id, fs]) => [id, fs.map((f) => ({ pc: f.pc, funcId: f.funcId, fileId: f.fileId, line: f.line }))]),
    cpuSamples: g.cpuSamples.map((s) => ({ time: s.time, m: s.m, p: s.p, g: s.g, stack: s.stack })),
    frequency: g.frequency,
    clockSnapshot: g.clockSnapshot,
    experimentalBatches: g.experimentalBatches.map((b) => ({ experiment: b.experiment, m: b.m, time: b.time, data: [...b.data] })),
    batches: g.batches.map((b) => ({ m: b.m, time: b.time, events: eventsOf(g, b).map((e) => ({ type: e.type, args: e.args })) })),
  }));
}
