import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/internal/errors.js';
import { ALL_EVENT_SPECS, EventType, MAX_TIMED_EVENT_ARGS, specsFor, WIRE_VERSIONS, wireVersionFromMinor } from '../../src/trace/spec/index.js';

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
});
