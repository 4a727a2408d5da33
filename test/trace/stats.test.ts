import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { GodiagError } from '../../src/internal/errors.js';
import { EventType, WIRE_VERSIONS, specsFor, type WireVersion } from '../../src/trace/spec/index.js';
import { encodeRawEvents, readRawEventsSync, type RawEvent } from '../../src/trace/wire/index.js';
import { formatFootprint, formatTraceStats, traceStats, traceStatsSync } from '../../src/trace/stats.js';
import { cut, cutPoints, makeSource } from '../support/split.js';
import { referenceStats } from '../support/trace-stats.js';

/** Random events of any type the version defines (frames and data as the spec says). */
function eventsOf(version: WireVersion): fc.Arbitrary<RawEvent[]> {
  const ev = fc.constantFrom(...specsFor(version).all).chain((spec) =>
    fc
      .record({
        args: fc.array(fc.oneof(fc.nat({ max: 300 }), fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n - 1n })), {
          minLength: spec.args.length,
          maxLength: spec.args.length,
        }),
        frames: fc.array(fc.array(fc.nat({ max: 1 << 20 }), { minLength: 4, maxLength: 4 }), { maxLength: spec.isStack ? 3 : 0 }),
        data: fc.uint8Array({ maxLength: 200 }),
      })
      .map(({ args, frames, data }): RawEvent => {
        if (spec.isStack) args = [args[0]!, frames.length, ...frames.flat()];
        return spec.hasData ? { type: spec.type, args, data, offset: 0 } : { type: spec.type, args, offset: 0 };
      }),
  );
  return fc.array(ev, { maxLength: 40 });
}

const traceArb = fc.constantFrom(...WIRE_VERSIONS).chain((v) => eventsOf(v).map((events) => ({ version: v, events })));

/** The per-type tally computed from the raw event reader's events: the reference for the skimming counter. */

const outcome = (f: () => unknown) => {
  try {
    f();
    return 'ok';
  } catch (e) {
    const g = e as GodiagError;
    return `${g.code} ${g.offset} ${g.message}`;
  }
};

describe('trace stats', () => {
  test.prop([traceArb])('counts every event once, by type, and the table sizes, for random event streams', ({ version, events }) => {
    const bytes = encodeRawEvents(version, events);
    const s = traceStatsSync(bytes);
    expect(s.version).toBe(version);
    expect(s.totalBytes).toBe(bytes.length);
    expect(s.events).toBe(events.length);
    expect(s.byType.reduce((n, t) => n + t.count, 0)).toBe(events.length);
    // Written with shortest varints, every byte after the header belongs to some event type's share.
    expect(s.byType.reduce((n, t) => n + t.bytes, 0)).toBe(bytes.length - 16);
    for (let i = 1; i < s.byType.length; i++) expect(s.byType[i - 1]!.bytes).toBeGreaterThanOrEqual(s.byType[i]!.bytes);
    const strings = events.filter((e) => e.type === EventType.String);
    const stacks = events.filter((e) => e.type === EventType.Stack);
    expect(s.strings).toEqual({ count: strings.length, bytes: strings.reduce((n, e) => n + e.data!.length, 0) });
    expect(s.stacks).toEqual({ count: stacks.length, frames: stacks.reduce((n, e) => n + Number(e.args[1]), 0) });
    const table = formatFootprint(s).split('\n');
    expect(table).toHaveLength(2 + 256 + 1);
    expect(formatTraceStats(s).split('\n').filter((l) => /^\S+\s+\d+\s+[\d.]+%/.test(l))).toHaveLength(s.byType.filter((t) => t.name !== '').length);
  });

  test.prop([traceArb, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), cutPoints(2000)])(
    'on damaged bytes the counter fails exactly where and as the raw event reader fails, or agrees with it',
    async ({ version, events }, flips, points) => {
      const bytes = encodeRawEvents(version, events);
      for (const [at, value] of flips) bytes[16 + (at % Math.max(1, bytes.length - 16))] = value;
      const got = outcome(() => traceStatsSync(bytes));
      expect(got).toBe(outcome(() => readRawEventsSync(bytes)));
      let streamed = 'ok';
      await traceStats(makeSource('iterable', cut(bytes, points))).catch((e: GodiagError) => (streamed = `${e.code} ${e.offset} ${e.message}`));
      expect(streamed).toBe(got);
      if (got === 'ok') {
        expect(traceStatsSync(bytes).byType.map(({ type, count, bytes }) => ({ type, count, bytes })).sort((a, b) => a.type - b.type)).toEqual(referenceStats(bytes));
      }
    },
  );
});
