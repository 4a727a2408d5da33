/**
 * The event reader over every recorded trace fixture: its events pass the re-implementation of Go's trace
 * validator, the async reader over arbitrary chunks yields what the sync reader does, and memory stays per
 * generation. (The event-by-event comparison with golang.org/x/exp/trace is the `trace-events` golden.)
 */

import { describe, expect, it } from 'vitest';
import { readTrace, readTraceSync, type Event } from '../../src/trace/events/index.js';
import { parseTraceHeader } from '../../src/trace/header.js';
import { validateTrace } from '../support/trace-validate.js';
import { fixtureBytes, haveFixtures, loadManifest } from '../support/fixtures.js';

const traces = haveFixtures
  ? loadManifest().fixtures.filter((f) => f.format === 'trace' && Number(/^go1\.(\d+)/.exec(f.goVersion)?.[1]) >= 22)
  : [];

function summary(e: Event): string {
  return `${e.kind} ${e.time} ${e.goroutine} ${e.proc} ${e.thread} ${e.stack.id}`;
}

describe.skipIf(!haveFixtures)('trace events of every fixture', () => {
  it('has Go 1.22+ trace fixtures', () => {
    expect(traces.length).toBeGreaterThanOrEqual(16);
  });

  for (const f of traces) {
    it(`${f.path}: passes the trace validator`, () => {
      const bytes = fixtureBytes(f);
      const minor = parseTraceHeader(bytes).minor;
      const events = [...readTraceSync(bytes)];
      expect(events.length).toBeGreaterThan(100);
      expect(() => validateTrace(events, { goVersion: minor })).not.toThrow();
    });

    it(`${f.path}: the async reader over 4 KiB chunks yields the same events`, async () => {
      const bytes = fixtureBytes(f);
      const sync = [...readTraceSync(bytes)].map(summary);
      async function* chunks() {
        for (let i = 0; i < bytes.length; i += 4093) yield bytes.subarray(i, i + 4093);
      }
      const got: string[] = [];
      for await (const e of readTrace(chunks())) got.push(summary(e));
      expect(got).toEqual(sync);
    });
  }
});
