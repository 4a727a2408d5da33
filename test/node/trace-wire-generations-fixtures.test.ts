import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/internal/errors.js';
import { encodeTrace } from '../../src/trace/encode.js';
import { EventType } from '../../src/trace/spec/index.js';
import {
  batchEvents,
  decodeBatchEvents,
  readBatchesSync,
  readGenerationsSync,
  readRawEventsSync,
  type Generation,
} from '../../src/trace/wire/index.js';
import { fixtureBytes, loadManifest } from '../support/fixtures.js';
import { normalize } from '../support/trace-gen.js';

const wireFixtures = loadManifest().fixtures.filter((f) => f.format === 'trace' && !/^go1\.(19|20|21)\./.test(f.goVersion));

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
      expect(sum((g) => g.batches.reduce((a, b) => a + b.eventCount!, 0))).toBe(timed.length);
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
