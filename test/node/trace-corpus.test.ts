// Go's own trace test corpus (../shared/corpus/trace): the 22 text traces of internal/trace/testdata/tests must
// survive text → binary → text exactly, and the 17 fuzz inputs of internal/trace/testdata/fuzz must end in
// success or a GodiagError through the raw, generation and event readers, never another exception or a hang.
// The event sequences of the SUCCESS tests are compared with golang.org/x/exp/trace's by the trace-events
// goldens (test/support/trace-goldens.ts); here, every FAILURE test must fail as Go's reader does.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GodiagError } from '../../src/internal/errors.js';
import { formatTextTrace, formatTraceTest, goUnquote, parseTraceTest, parseTxtar } from '../../src/trace/text/index.js';
import { footprintText } from '../../src/trace/stats.js';
import { encodeRawEvents, iterateRawEventsSync, readGenerations, readGenerationsSync, readRawEvents, readRawEventsSync } from '../../src/trace/wire/index.js';
import { wireDumpText } from '../../src/trace/text/wire-dump.js';
import { readTrace, readTraceSync, type Event } from '../../src/trace/events/index.js';
import { validateTrace } from '../support/trace-validate.js';
import { CORPUS } from '../support/fixtures.js';

const TESTS = join(CORPUS, 'trace', 'go-tests');
const FUZZ = join(CORPUS, 'trace', 'go-fuzz');
const present = existsSync(TESTS) && existsSync(FUZZ);
const list = (dir: string) => (present ? readdirSync(dir).sort() : []);

/** Decodes Go's fuzz corpus file format: `go test fuzz v1` and one `[]byte("…")` line. */
function fuzzInput(file: Uint8Array): Uint8Array {
  const text = new TextDecoder().decode(file);
  const lines = text.split('\n').filter((l) => l !== '');
  if (lines[0] !== 'go test fuzz v1' || lines.length !== 2) throw new Error('not a go test fuzz v1 file with one value');
  const value = lines[1]!;
  if (!value.startsWith('[]byte(') || !value.endsWith(')')) throw new Error('the fuzz value is not a []byte literal');
  const lit = goUnquote(new TextEncoder().encode(value.slice('[]byte('.length, -1)));
  if (lit === undefined) throw new Error('the []byte literal is not a valid Go string literal');
  return lit;
}

/** Runs `f`; a GodiagError is an accepted outcome, any other exception fails the test. */
async function endsWell(f: () => unknown): Promise<'ok' | 'error'> {
  try {
    await f();
    return 'ok';
  } catch (e) {
    if (e instanceof GodiagError) return 'error';
    throw e;
  }
}

describe.skipIf(!present)('Go trace test corpus', () => {
  it('has the 22 test traces and the 17 fuzz inputs', () => {
    expect(list(TESTS).filter((f) => f.endsWith('.test'))).toHaveLength(22);
    expect(list(FUZZ)).toHaveLength(17);
  });

  for (const name of list(TESTS)) {
    it(`${name}: text → binary → text is exact, and so is the whole test file`, () => {
      const bytes = new Uint8Array(readFileSync(join(TESTS, name)));
      const test = parseTraceTest(bytes);
      const binary = encodeRawEvents(test.trace.version, test.trace.events);
      const back = readRawEventsSync(binary);
      const tracePart = new TextDecoder().decode(parseTxtar(bytes).files[1]!.data);
      expect(formatTextTrace(back)).toBe(tracePart);
      expect(wireDumpText(binary, { form: 'text' })).toBe(tracePart);
      expect(new TextDecoder().decode(formatTraceTest({ expect: test.expect, trace: back }))).toBe(new TextDecoder().decode(bytes));
      // The footprint reads the same bytes; every event is counted.
      expect(footprintText(binary).split('\n')).toHaveLength(259);
      // A trace Go's full reader accepts is accepted by the generation reader too (its failures may be about
      // event order, which the wire layer does not check).
      if (test.expect.kind === 'success') expect([...readGenerationsSync(binary)].length).toBeGreaterThan(0);
    });
  }

  for (const name of list(TESTS)) {
    it(`${name}: the event reader succeeds or fails as the test expects`, () => {
      const test = parseTraceTest(new Uint8Array(readFileSync(join(TESTS, name))));
      const binary = encodeRawEvents(test.trace.version, test.trace.events);
      const events: Event[] = [];
      let error: unknown;
      try {
        for (const e of readTraceSync(binary)) events.push(e);
      } catch (e) {
        error = e;
      }
      if (test.expect.kind === 'success') {
        expect(error).toBeUndefined();
        // Go's test validates the events of every SUCCESS test (the clock checks only from Go 1.25).
        validateTrace(events, { goVersion: test.trace.version });
      } else {
        expect(error).toBeInstanceOf(GodiagError);
        // The pattern is a Go regular expression; these use only syntax JavaScript reads the same way.
        expect((error as Error).message).toMatch(new RegExp(test.expect.pattern));
      }
    });
  }

  for (const name of list(FUZZ)) {
    it(`${name}: ends in success or a GodiagError through every reader`, { timeout: 10_000 }, async () => {
      const input = fuzzInput(new Uint8Array(readFileSync(join(FUZZ, name))));
      const before = process.memoryUsage().heapUsed;
      const raw = [
        await endsWell(() => readRawEventsSync(input)),
        await endsWell(() => [...iterateRawEventsSync(input).events]),
        await endsWell(async () => {
          const s = await readRawEvents([input.subarray(0, 7), input.subarray(7)]);
          for await (const _ of s.events);
        }),
        await endsWell(() => wireDumpText(input)),
        await endsWell(() => footprintText(input)),
      ];
      const generations = [
        await endsWell(() => [...readGenerationsSync(input)]),
        await endsWell(async () => {
          for await (const _ of readGenerations([input.subarray(0, 5), input.subarray(5)]));
        }),
      ];
      const events = [
        await endsWell(() => [...readTraceSync(input)]),
        await endsWell(async () => {
          for await (const _ of readTrace([input.subarray(0, 3), input.subarray(3)]));
        }),
      ];
      // The readers of each layer agree on the outcome, whichever it is; each layer checks more than the one
      // below, so it may reject what that one reads.
      expect(new Set(raw).size).toBe(1);
      expect(new Set(generations).size).toBe(1);
      expect(new Set(events).size).toBe(1);
      if (raw[0] === 'error') expect(generations[0]).toBe('error');
      if (generations[0] === 'error') expect(events[0]).toBe('error');
      expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 << 20);
    });
  }
});

// The shared corpus exists on development machines and in CI, not in a user's clone.
if (!present) it.skip('Go trace test corpus: ../shared/corpus/trace is absent in this clone', () => {});
