import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { ErrorCode } from '../../src/internal/errors.js';
import { encodeRawEvents, readRawEvents, readRawEventsSync } from '../../src/trace/wire/index.js';
import { EventType } from '../../src/trace/spec/index.js';
import { fixtureBytes, loadManifest } from '../support/fixtures.js';
import { cut, cutPoints, makeSource, SOURCE_KINDS } from '../support/split.js';

const traceFixtures = loadManifest().fixtures.filter((f) => f.format === 'trace');
const wireFixtures = traceFixtures.filter((f) => !/go1\.(19|20|21)\./.test(f.goVersion));

/** Byte equality without vitest's element-by-element diffing (fixtures are hundreds of kilobytes). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

async function collect(it: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('raw events of the recorded fixtures', () => {
  it('has Go 1.22–1.26 fixtures to read', () => {
    expect(wireFixtures.map((f) => f.goVersion)).toEqual(expect.arrayContaining(['go1.22.12', 'go1.23.12', 'go1.24.13', 'go1.25.14', 'go1.26.8']));
  });

  for (const f of wireFixtures) {
    it(`${f.path}: reads to the end and re-encodes byte for byte`, () => {
      const bytes = fixtureBytes(f);
      const trace = readRawEventsSync(bytes);
      expect(trace.version).toBe(f.goVersion.startsWith('go1.24') ? '1.23' : f.goVersion.slice(2, 6));
      expect([EventType.EventBatch, EventType.ExperimentalBatch]).toContain(trace.events[0]!.type);
      expect(sameBytes(encodeRawEvents(trace.version, trace.events), bytes)).toBe(true);
    });
  }

  for (const f of traceFixtures.filter((f) => !wireFixtures.includes(f))) {
    it(`${f.path}: the pre-1.22 format is rejected as unsupported`, () => {
      expect(() => readRawEventsSync(fixtureBytes(f))).toThrow(
        expect.objectContaining({ code: ErrorCode.UnsupportedVersion, message: expect.stringMatching(/old-format reader is not available yet/) }),
      );
    });
  }

  const sampleBytes = fixtureBytes(wireFixtures[0]!);
  const expected = readRawEventsSync(sampleBytes);
  const offsets = expected.events.map((e) => e.offset);
  test.prop([fc.constantFrom(...SOURCE_KINDS), cutPoints(sampleBytes.length)], { numRuns: 10 })(
    'streaming gives the same events for any chunking and source kind',
    async (kind, points) => {
      const s = await readRawEvents(makeSource(kind, cut(sampleBytes, points)));
      expect(s.version).toBe(expected.version);
      const events = (await collect(s.events)) as typeof expected.events;
      expect(events.map((e) => e.offset)).toEqual(offsets);
      expect(sameBytes(encodeRawEvents(s.version, events), sampleBytes)).toBe(true);
    },
  );

  test.prop([cutPoints(4000)], { numRuns: 50 })('streaming a small trace cut anywhere gives the same events', async (points) => {
    const small = encodeRawEvents(expected.version, expected.events.slice(0, 300));
    const s = await readRawEvents(makeSource('async-iterable', cut(small, points)));
    expect(await collect(s.events)).toEqual(readRawEventsSync(small).events);
  });
});
