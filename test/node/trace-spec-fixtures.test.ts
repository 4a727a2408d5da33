import { describe, expect, it } from 'vitest';
import { specsFor } from '../../src/trace/spec/index.js';
import { readRawEventsSync } from '../../src/trace/wire/index.js';
import { fixtureBytes, loadManifest } from '../support/fixtures.js';

describe('event specs', () => {
  // Sanity against what the runtime wrote: every fixture of 1.22–1.26 uses only types its version defines,
  // and every type that appears fits the recorded bytes exactly (checked by reading to the end).
  const fixtures = loadManifest().fixtures.filter((f) => f.format === 'trace' && !/^go1\.(19|20|21)\./.test(f.goVersion));
  it('cover every event type the recorded fixtures use', () => {
    const seen = new Map<string, Set<number>>();
    for (const f of fixtures) {
      const { version, events } = readRawEventsSync(fixtureBytes(f));
      const s = seen.get(version) ?? new Set<number>();
      for (const e of events) s.add(e.type);
      seen.set(version, s);
    }
    for (const [version, types] of seen) for (const t of types) expect(specsFor(version as '1.22').byType[t]).toBeDefined();
    // The experimental AllocFree events were recorded (GODEBUG=traceallocfree=1) from Go 1.23 on.
    expect([...(seen.get('1.26') ?? [])].some((t) => t >= 128)).toBe(true);
  });
});
