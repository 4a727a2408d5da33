import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { ErrorCode, GodiagError } from '../../src/internal/errors.js';
import { encodeRawEvents, readRawEventsSync } from '../../src/trace/wire/index.js';
import { parseTextTrace, wireDumpChunks, wireDumpText } from '../../src/trace/text/index.js';
import { fixtureBytes, loadManifest } from '../support/fixtures.js';
import { cut, cutPoints, makeSource, SOURCE_KINDS } from '../support/split.js';

describe('wire dump', () => {
  const wireFixtures = loadManifest().fixtures.filter((f) => f.format === 'trace' && !/go1\.(19|20|21)\./.test(f.goVersion));
  const sample = fixtureBytes(wireFixtures.at(-1)!);
  const whole = wireDumpText(sample);
  const wholeText = wireDumpText(sample, { form: 'text' });

  test.prop([fc.constantFrom(...SOURCE_KINDS), cutPoints(sample.length), fc.constantFrom('wire' as const, 'text' as const)], { numRuns: 8 })(
    'streaming prints the same text for any chunking and source kind',
    async (kind, points, form) => {
      let out = '';
      for await (const piece of wireDumpChunks(makeSource(kind, cut(sample, points)), { form })) out += piece;
      expect(out === (form === 'wire' ? whole : wholeText)).toBe(true);
    },
  );

  it('reads its own -d=wire text back to the same events', () => {
    const raw = readRawEventsSync(sample);
    const parsed = parseTextTrace(whole, { wireVersion: raw.version });
    expect(parsed.events.length).toBe(raw.events.length);
    expect(wireDumpText(encodeRawEvents(raw.version, parsed.events)) === whole).toBe(true);
  });

  it('prints every event before a truncation, then throws', async () => {
    const cutAt = Math.floor(sample.length / 2);
    let out = '';
    let error: unknown;
    try {
      for await (const piece of wireDumpChunks(sample.subarray(0, cutAt))) out += piece;
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: ErrorCode.Truncated });
    expect(out.length).toBeGreaterThan(0);
    expect(whole.startsWith(out)).toBe(true);
    expect(() => wireDumpText(sample.subarray(0, cutAt))).toThrow(GodiagError);
  });
});
