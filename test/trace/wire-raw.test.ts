import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { ErrorCode, GodiagError } from '../../src/internal/errors.js';
import { encodeRawEvents, readRawEvents, readRawEventsSync } from '../../src/trace/wire/index.js';
import { wireHeaderBytes } from '../../src/trace/wire/header.js';
import { EventType, specsFor } from '../../src/trace/spec/index.js';
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

describe('raw event errors', () => {
  const header = wireHeaderBytes('1.22');
  const withBody = (...body: number[]) => Uint8Array.from([...header, ...body]);

  it('rejects an event type the version does not define', () => {
    // Type 45 (GoSwitch) first appears in Go 1.23.
    expect(() => readRawEventsSync(withBody(45, 0))).toThrow(
      expect.objectContaining({ code: ErrorCode.Corrupt, offset: 16, message: expect.stringMatching(/invalid event type 45/) }),
    );
    expect(() => readRawEventsSync(withBody(0))).toThrow(expect.objectContaining({ code: ErrorCode.Corrupt }));
  });

  it('reports an event cut short as truncated at the end of the input', () => {
    expect(() => readRawEventsSync(withBody(EventType.EventBatch, 1, 2))).toThrow(
      expect.objectContaining({ code: ErrorCode.Truncated, offset: 19 }),
    );
  });

  it('reports an over-long varint as corrupt', () => {
    expect(() => readRawEventsSync(withBody(EventType.Frequency, ...new Array<number>(10).fill(0xff), 1))).toThrow(
      expect.objectContaining({ code: ErrorCode.Corrupt, message: expect.stringMatching(/varint overflows/) }),
    );
  });

  it('checks a data length against the limit before reading it', () => {
    expect(() => readRawEventsSync(withBody(EventType.String, 1, 0xff, 0xff, 0x7f), { maxDataBytes: 100 })).toThrow(
      expect.objectContaining({ code: ErrorCode.LimitExceeded }),
    );
  });

  test.prop([fc.uint8Array({ maxLength: 200 }), fc.constantFrom('1.22', '1.23', '1.25', '1.26' as const)])(
    'arbitrary bytes after a header end in events or a GodiagError',
    (body, version) => {
      const bytes = Uint8Array.from([...wireHeaderBytes(version), ...body]);
      try {
        const t = readRawEventsSync(bytes);
        expect(encodeRawEvents(t.version, t.events)).toEqual(bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(GodiagError);
      }
    },
  );

  it('names the versions: 1.24 is not a wire version', () => {
    const h = new Uint8Array(16);
    h.set(new TextEncoder().encode('go 1.24 trace'));
    expect(() => readRawEventsSync(h)).toThrow(expect.objectContaining({ code: ErrorCode.UnsupportedVersion }));
    expect(specsFor('1.23').byType[EventType.Span]?.name).toBe('Span');
    expect(specsFor('1.22').byType[EventType.Span]).toBeUndefined();
  });
});
