import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { GodiagError } from '../../src/internal/errors.js';
import { encodeRawEvents, readRawEventsSync } from '../../src/trace/wire/index.js';
import { footprintText, traceStats, traceStatsSync } from '../../src/trace/stats.js';
import { fixtureBytes, loadManifest } from '../support/fixtures.js';
import { cut, cutPoints, makeSource, SOURCE_KINDS } from '../support/split.js';
import { referenceStats } from '../support/trace-stats.js';

const wireFixtures = loadManifest().fixtures.filter((f) => f.format === 'trace' && !/go1\.(19|20|21)\./.test(f.goVersion));

/** The per-type tally computed from the raw event reader's events: the reference for the skimming counter. */

describe('trace stats', () => {
  for (const f of wireFixtures) {
    it(`${f.path}: bytes per type add up to the trace's length less the header and the runtime's varint padding`, () => {
      const bytes = fixtureBytes(f);
      const s = traceStatsSync(bytes);
      expect(s.totalBytes).toBe(bytes.length);
      expect(s.byType.map(({ type, count, bytes }) => ({ type, count, bytes })).sort((a, b) => a.type - b.type)).toEqual(referenceStats(bytes));
      const shares = s.byType.reduce((n, t) => n + t.bytes, 0);
      const padding = readRawEventsSync(bytes).events.reduce((n, e) => {
        if (e.varintWidths === undefined) return n;
        const enc = encodeRawEvents(s.version, [{ ...e, varintWidths: undefined }]).length - 16;
        const raw = encodeRawEvents(s.version, [e]).length - 16;
        return n + raw - enc;
      }, 0);
      expect(shares + padding).toBe(bytes.length - 16);
      expect(footprintText(bytes).split('\n')).toHaveLength(259);
    });
  }

  const sample = fixtureBytes(wireFixtures[0]!);
  const expected = traceStatsSync(sample);
  test.prop([fc.constantFrom(...SOURCE_KINDS), cutPoints(sample.length)], { numRuns: 8 })(
    'streaming gives the same stats for any chunking and source kind',
    async (kind, points) => {
      expect(await traceStats(makeSource(kind, cut(sample, points)))).toEqual(expected);
    },
  );

  test.prop([fc.nat({ max: sample.length - 1 })], { numRuns: 20 })(
    'a truncated trace is a GodiagError, unless it ends between events (the raw layer does not check batches)',
    async (n) => {
      try {
        const s = await traceStats(sample.subarray(0, n));
        expect(s.totalBytes).toBe(Math.max(n, 16));
      } catch (e) {
        expect(e).toBeInstanceOf(GodiagError);
      }
    },
  );
});
