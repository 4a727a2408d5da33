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

    it(`${f.path}: readTrace(…).chunks() yields the same events in arrays of at most max`, async () => {
      const bytes = fixtureBytes(f);
      const sync = [...readTraceSync(bytes)].map(summary);
      const got: string[] = [];
      let arrays = 0;
      for await (const events of readTrace(bytes).chunks(100)) {
        expect(events.length).toBeGreaterThan(0);
        expect(events.length).toBeLessThanOrEqual(100);
        arrays++;
        for (const e of events) got.push(summary(e));
      }
      expect(got).toEqual(sync);
      expect(arrays).toBeGreaterThanOrEqual(Math.ceil(sync.length / 100));
    });
  }

  it('chunks(): a truncated trace gives the events before the problem, then the same error as readTraceSync', async () => {
    const f = traces.find((t) => t.kind === 'mixed' && t.goVersion.startsWith('go1.26'));
    expect(f).toBeDefined();
    const whole = fixtureBytes(f!);
    const bytes = whole.subarray(0, Math.floor(whole.length * 0.7));
    const sync: string[] = [];
    let syncError: unknown;
    try {
      for (const e of readTraceSync(bytes)) sync.push(summary(e));
    } catch (e) {
      syncError = e;
    }
    expect(syncError).toBeInstanceOf(Error);
    const got: string[] = [];
    let error: unknown;
    try {
      for await (const events of readTrace(bytes).chunks()) for (const e of events) got.push(summary(e));
    } catch (e) {
      error = e;
    }
    expect(got).toEqual(sync);
    expect((error as Error).message).toBe((syncError as Error).message);
  });

  it('chunks(max) needs a positive integer', () => {
    expect(() => readTrace(new Uint8Array(0)).chunks(0)).toThrow(RangeError);
  });
});
