import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { ErrorCode, GodiagError } from '../../src/internal/errors.js';
import { encodeTrace } from '../../src/trace/encode.js';
import { EventType } from '../../src/trace/spec/index.js';
import {
  batchEvents,
  decodeBatchEvents,
  readBatches,
  readBatchesSync,
  readGenerations,
  readGenerationsSync,
  readRawEventsSync,
  type Generation,
} from '../../src/trace/wire/index.js';
import { fixtureBytes, loadManifest } from '../support/fixtures.js';
import { cut, cutPoints, makeSource, SOURCE_KINDS } from '../support/split.js';
import { normalize, traceData } from '../support/trace-gen.js';

const wireFixtures = loadManifest().fixtures.filter((f) => f.format === 'trace' && !/^go1\.(19|20|21)\./.test(f.goVersion));

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Runs `f`; a GodiagError is an accepted outcome, any other exception fails the test. */
function godiagOrValue<T>(f: () => T): T | GodiagError {
  try {
    return f();
  } catch (e) {
    if (e instanceof GodiagError) return e;
    throw e;
  }
}

describe('generations of the recorded fixtures', () => {
  for (const f of wireFixtures) {
    it(`${f.path}: every batch and raw event is accounted for`, () => {
      const bytes = fixtureBytes(f);
      const gens = [...readGenerationsSync(bytes)];
      expect(gens.length).toBeGreaterThan(0);
      // The generation view and the flat raw view agree on how many events of each kind there are.
      const raw = readRawEventsSync(bytes).events;
      const count = (t: number) => raw.filter((e) => e.type === t).length;
      const sum = (k: (g: Generation) => number) => gens.reduce((a, g) => a + k(g), 0);
      expect(sum((g) => g.strings.size)).toBe(count(EventType.String));
      expect(sum((g) => g.stacks.size)).toBe(count(EventType.Stack));
      expect(sum((g) => g.cpuSamples.length)).toBe(count(EventType.CPUSample));
      expect(sum((g) => g.batchCount)).toBe(count(EventType.EventBatch) + count(EventType.ExperimentalBatch) + count(EventType.EndOfGeneration));
      const timed = raw.filter((e) => e.type >= EventType.ProcsChange && e.type !== EventType.ExperimentalBatch && e.type !== EventType.Sync && e.type !== EventType.EndOfGeneration && e.type !== EventType.ClockSnapshot);
      expect(sum((g) => g.batches.reduce((a, b) => a + b.eventCount, 0))).toBe(timed.length);
      // Decoded lazily, the batches give exactly the timed events of the raw stream, in file order.
      const decoded = gens.flatMap((g) => g.batches.flatMap((b) => [...batchEvents(g.version, b)]));
      expect(decoded.map((e) => [e.offset, e.type, e.args])).toEqual(timed.map((e) => [e.offset, e.type, e.args]));
      expect(gens.at(-1)!.end).toBe(bytes.length);
      for (const g of gens) {
        expect(g.frequency).toBeGreaterThan(0);
        expect(g.clockSnapshot !== undefined).toBe(g.version === '1.25' || g.version === '1.26');
        // Frames resolve to names through the string table.
        for (const frames of g.stacks.values()) for (const fr of frames) expect(fr.func).toBe(fr.funcId === 0 ? '' : g.strings.get(fr.funcId));
      }
    });

    it(`${f.path}: encodeTrace writes the generations back to the same content`, () => {
      const gens = [...readGenerationsSync(fixtureBytes(f))];
      const again = [...readGenerationsSync(encodeTrace(gens[0]!.version, gens))];
      expect(normalize(again)).toEqual(normalize(gens));
    });
  }

  it('skimming batches and decoding them agrees with the raw stream', () => {
    const bytes = fixtureBytes(wireFixtures.at(-1)!);
    const { version, batches } = readBatchesSync(bytes);
    const fromBatches = [...batches].flatMap((b) => [...decodeBatchEvents(version, b)].map((e) => e.offset));
    const raw = readRawEventsSync(bytes).events;
    const inBatches = new Set(fromBatches);
    // Every event inside an ordinary batch is found by both readers at the same offset.
    expect(raw.filter((e) => inBatches.has(e.offset)).length).toBe(fromBatches.length);
  });
});

describe('generation readers on generated traces', () => {
  test.prop([traceData], { numRuns: 60 })('encode → read returns what was encoded', ({ version, generations }) => {
    const bytes = encodeTrace(version, generations);
    const back = [...readGenerationsSync(bytes)];
    expect(back.map((g) => g.version)).toEqual(generations.map(() => version));
    expect(normalize(back)).toEqual(normalize(generations));
    // Minimal size fields read the same as the runtime's padded ones.
    expect(normalize([...readGenerationsSync(encodeTrace(version, generations, { padBatchSizes: false }))])).toEqual(normalize(generations));
  });

  test.prop([traceData, fc.constantFrom(...SOURCE_KINDS), cutPoints(4000)], { numRuns: 40 })(
    'streaming gives the same generations for any chunking',
    async ({ version, generations }, kind, points) => {
      const bytes = encodeTrace(version, generations);
      const streamed = await all(readGenerations(makeSource(kind, cut(bytes, points))));
      expect(normalize(streamed)).toEqual(normalize([...readGenerationsSync(bytes)]));
      const { batches } = await readBatches(makeSource(kind, cut(bytes, points)));
      expect((await all(batches)).map((b) => [b.offset, b.data.length])).toEqual([...readBatchesSync(bytes).batches].map((b) => [b.offset, b.data.length]));
    },
  );

  test.prop([traceData, fc.nat()], { numRuns: 80 })(
    'a truncated trace delivers complete generations, then a GodiagError',
    ({ version, generations }, at) => {
      const bytes = encodeTrace(version, generations);
      const cutAt = 16 + (at % (bytes.length - 16));
      const got: Generation[] = [];
      const r = godiagOrValue(() => {
        for (const g of readGenerationsSync(bytes.subarray(0, cutAt))) got.push(g);
      });
      // Whatever was delivered is a prefix of the whole trace's generations, unchanged — except that before
      // Go 1.26 a cut between two batches looks like a clean end, so the last generation may lack batches.
      const whole = version === '1.26' ? got : got.slice(0, -1);
      expect(normalize(whole)).toEqual(normalize(generations.slice(0, whole.length)));
      expect(got.map((g) => g.gen)).toEqual(generations.slice(0, got.length).map((g) => g.gen));
      if (r instanceof GodiagError) expect([ErrorCode.Truncated, ErrorCode.Corrupt]).toContain(r.code);
      else if (version === '1.26') {
        // With end markers, an incomplete generation is always detected: success means a cut between generations.
        expect(cutAt).toBe(got.at(-1)?.end ?? 16);
      }
    },
  );

  test.prop([traceData, fc.nat(), fc.integer({ min: 1, max: 255 })], { numRuns: 150 })(
    'a flipped byte anywhere ends in generations or a GodiagError, never another exception',
    ({ version, generations }, at, xor) => {
      const bytes = encodeTrace(version, generations).slice();
      bytes[at % bytes.length]! ^= xor;
      const r = godiagOrValue(() => [...readGenerationsSync(bytes)].length);
      if (!(r instanceof GodiagError)) expect(r).toBeGreaterThanOrEqual(0);
    },
  );

  test.prop([traceData, fc.nat(), fc.integer({ min: 1, max: 255 })], { numRuns: 40 })(
    'the streaming reader fails the same way on a flipped byte',
    async ({ version, generations }, at, xor) => {
      const bytes = encodeTrace(version, generations).slice();
      bytes[at % bytes.length]! ^= xor;
      const sync = godiagOrValue(() => [...readGenerationsSync(bytes)]);
      let streamed: Generation[] | GodiagError;
      try {
        streamed = await all(readGenerations(makeSource('async-iterable', cut(bytes, [at % bytes.length]))));
      } catch (e) {
        if (!(e instanceof GodiagError)) throw e;
        streamed = e;
      }
      if (sync instanceof GodiagError) {
        expect(streamed).toBeInstanceOf(GodiagError);
        expect((streamed as GodiagError).code).toBe(sync.code);
        expect((streamed as GodiagError).offset).toBe(sync.offset);
      } else {
        expect(normalize(streamed as Generation[])).toEqual(normalize(sync));
      }
    },
  );
});

describe('generation errors', () => {
  const gens = (version: '1.22' | '1.26') => [...readGenerationsSync(fixtureBytes(wireFixtures.find((f) => f.goVersion.startsWith(`go${version}`))!))];

  it('rejects a generation without a frequency', () => {
    const [g] = gens('1.22');
    const bytes = encodeTrace('1.22', [g!]);
    // Drop the sync batch: it is the first batch the encoder writes.
    const { batches } = readBatchesSync(bytes);
    const first = batches.next().value!;
    const without = new Uint8Array([...bytes.subarray(0, 16), ...bytes.subarray(first.dataOffset + first.data.length)]);
    expect(() => [...readGenerationsSync(without)]).toThrow(expect.objectContaining({ code: ErrorCode.Corrupt, message: expect.stringMatching(/no Frequency event/) }));
  });

  it('reports a Go 1.26 trace cut before its end marker as truncated', () => {
    const bytes = encodeTrace('1.26', gens('1.26'));
    expect(() => [...readGenerationsSync(bytes.subarray(0, bytes.length - 1))]).toThrow(
      expect.objectContaining({ code: ErrorCode.Truncated, offset: bytes.length - 1 }),
    );
  });

  it('rejects a stack that names a string the table lacks', () => {
    const [g] = gens('1.26');
    const strings = new Map(g!.strings);
    const frame = [...g!.stacks.values()].find((fs) => fs.length > 0)![0]!;
    strings.delete(frame.funcId);
    expect(() => [...readGenerationsSync(encodeTrace('1.26', [{ ...g!, strings }]))]).toThrow(
      expect.objectContaining({ code: ErrorCode.Corrupt, message: expect.stringMatching(/not in the string table/) }),
    );
  });

  it('rejects generations out of order before Go 1.26', () => {
    const [g] = gens('1.22');
    const a = encodeTrace('1.22', [{ ...g!, gen: 3 }]);
    const b = encodeTrace('1.22', [{ ...g!, gen: 1 }]);
    const both = new Uint8Array([...a, ...b.subarray(16)]);
    expect(() => [...readGenerationsSync(both)]).toThrow(expect.objectContaining({ code: ErrorCode.Corrupt, message: expect.stringMatching(/out of order/) }));
  });
});
