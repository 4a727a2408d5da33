import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { ErrorCode, GodiagError } from '../../src/internal/errors.js';
import { encodeRawEvents, readRawEventsSync } from '../../src/trace/wire/index.js';
import { wireHeaderBytes } from '../../src/trace/wire/header.js';
import { EventType, specsFor } from '../../src/trace/spec/index.js';

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
