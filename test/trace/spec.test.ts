import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/internal/errors.js';
import { ALL_EVENT_SPECS, EventType, MAX_TIMED_EVENT_ARGS, specsFor, WIRE_VERSIONS, wireVersionFromMinor } from '../../src/trace/spec/index.js';
import { readRawEventsSync } from '../../src/trace/wire/index.js';
import { fixtureBytes, loadManifest } from '../support/fixtures.js';

describe('event specs', () => {
  it('are consistent: names match the type table, stack and string arguments point at named arguments', () => {
    for (const s of ALL_EVENT_SPECS) {
      expect(EventType[s.name as keyof typeof EventType]).toBe(s.type);
      for (const i of s.stackArgs) expect(s.args[i]).toMatch(/stack$/);
      for (const i of s.stringArgs) expect(s.args[i]).toMatch(/_string$/);
      if (s.timed) {
        expect(s.args[0] === 'dt').toBe(true);
        expect(s.args.length).toBeLessThanOrEqual(MAX_TIMED_EVENT_ARGS);
        expect(s.hasData || s.isStack).toBe(false);
      }
    }
  });

  it('each version defines the older versions\' types', () => {
    for (let i = 1; i < WIRE_VERSIONS.length; i++) {
      const older = specsFor(WIRE_VERSIONS[i - 1]!);
      const newer = specsFor(WIRE_VERSIONS[i]!);
      for (const s of older.all) expect(newer.byType[s.type]).toBe(s);
    }
  });

  it('recognises the pre-1.22 headers and unknown versions as unsupported', () => {
    for (const minor of [5, 11, 19, 21]) {
      expect(() => wireVersionFromMinor(minor)).toThrow(expect.objectContaining({ code: ErrorCode.UnsupportedVersion, message: expect.stringMatching(/old-format reader/) }));
    }
    for (const minor of [24, 27, 100]) expect(() => wireVersionFromMinor(minor)).toThrow(expect.objectContaining({ code: ErrorCode.UnsupportedVersion }));
    expect(wireVersionFromMinor(26)).toBe('1.26');
  });

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
