import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { ErrorCode, GodiagError } from '../../src/internal/errors.js';
import { WIRE_VERSIONS, specsFor, type WireVersion } from '../../src/trace/spec/index.js';
import { encodeRawEvents, readRawEventsSync, type RawEvent } from '../../src/trace/wire/index.js';
import {
  formatTextTrace,
  formatTraceTest,
  formatTxtar,
  parseTextTrace,
  parseTraceTest,
  parseTxtar,
  wireDumpText,
  type TextTrace,
  type Txtar,
} from '../../src/trace/text/index.js';
import { isSpace } from '../../src/trace/text/unicode.js';

const enc = new TextEncoder();

/** A uint64 as the readers return it: a number below 2^53, a bigint from there. */
const argValue = fc.oneof(
  fc.nat({ max: 1000 }),
  fc.nat({ max: Number.MAX_SAFE_INTEGER }),
  fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n - 1n }),
);

/** A random event of any type `version` defines, with frames and data as its spec says. */
function eventOf(version: WireVersion): fc.Arbitrary<RawEvent> {
  const specs = specsFor(version).all;
  return fc.constantFrom(...specs).chain((spec) =>
    fc
      .record({
        args: fc.array(argValue, { minLength: spec.args.length, maxLength: spec.args.length }),
        frames: fc.array(fc.array(argValue, { minLength: 4, maxLength: 4 }), { maxLength: spec.isStack ? 3 : 0 }),
        data: fc.uint8Array({ maxLength: 24 }),
      })
      .map(({ args, frames, data }) => {
        if (spec.isStack) args = [args[0]!, frames.length, ...frames.flat()];
        const ev: RawEvent = { type: spec.type, args, offset: 0 };
        if (spec.hasData) ev.data = data;
        return ev;
      }),
  );
}

const traceOf = fc.constantFrom(...WIRE_VERSIONS).chain((version) =>
  fc.array(eventOf(version), { maxLength: 30 }).map((events): TextTrace => ({ version, events })),
);

/** The comparable content of events: type, arguments, data (offsets differ between text and binary). */
const content = (events: RawEvent[]) => events.map((e) => ({ type: e.type, args: e.args, data: e.data === undefined ? undefined : [...e.data] }));

describe('text trace format', () => {
  test.prop([traceOf])('text → events → text and binary → text are exact for random valid event streams', (trace) => {
    const text = formatTextTrace(trace);
    const parsed = parseTextTrace(text);
    expect(parsed.version).toBe(trace.version);
    expect(content(parsed.events)).toEqual(content(trace.events));
    expect(formatTextTrace(parsed)).toBe(text);
    const binary = encodeRawEvents(trace.version, parsed.events);
    expect(wireDumpText(binary, { form: 'text' })).toBe(text);
    expect(formatTextTrace(readRawEventsSync(binary))).toBe(text);
  });

  test.prop([traceOf])('the wire form is the text form without its header and without empty data lines', (trace) => {
    const binary = encodeRawEvents(trace.version, trace.events);
    const wire = wireDumpText(binary);
    const text = formatTextTrace(trace);
    const expected = text
      .split('\n')
      .slice(1)
      .filter((line) => line !== '\tdata=""')
      .join('\n');
    expect(wire).toBe(expected);
  });

  test.prop([traceOf])('the headerless -d=wire form reads back to the same events, given the version', (trace) => {
    const binary = encodeRawEvents(trace.version, trace.events);
    const parsed = parseTextTrace(wireDumpText(binary), { wireVersion: trace.version });
    expect(content(parsed.events)).toEqual(content(trace.events));
  });

  test.prop([traceOf, fc.array(fc.constantFrom(' ', '\t', '\u00a0', '\u2003', '\u3000', '\u0085'), { minLength: 1, maxLength: 3 })])(
    'tokens may be separated by any Unicode white space, and lines indented by it',
    (trace, spaces) => {
      const sep = spaces.join('');
      expect(spaces.every((s) => isSpace(s.codePointAt(0)!))).toBe(true);
      const text = formatTextTrace(trace)
        .split('\n')
        .map((line) => (line.startsWith('\tdata=') ? sep + line.slice(1) : sep + line.replaceAll(' ', sep).replaceAll('\t', sep)))
        .join('\n');
      expect(content(parseTextTrace(text).events)).toEqual(content(trace.events));
    },
  );

  test.prop([traceOf, fc.array(fc.constantFrom('', '   ', '# a comment', '\t# indented comment', '#'), { maxLength: 5 }), fc.nat()])(
    'blank lines and comment lines are skipped anywhere, and CRLF line ends read like LF',
    (trace, extra, seed) => {
      const lines = formatTextTrace(trace).split('\n');
      for (let i = 0; i < extra.length; i++) lines.splice(1 + ((seed + i * 7) % lines.length), 0, extra[i]!);
      const parsed = parseTextTrace(lines.join(seed % 2 === 0 ? '\n' : '\r\n'));
      expect(content(parsed.events)).toEqual(content(trace.events));
    },
  );

  test.prop([fc.string({ maxLength: 200 })])('arbitrary text ends in events or a GodiagError', (s) => {
    try {
      parseTextTrace('Trace Go1.26\n' + s);
    } catch (e) {
      expect(e).toBeInstanceOf(GodiagError);
    }
  });

  test.prop([traceOf, fc.nat(), fc.string({ minLength: 1, maxLength: 3 })])(
    'a damaged valid text ends in events or a GodiagError naming a line',
    (trace, at, junk) => {
      const text = formatTextTrace(trace);
      const i = at % (text.length + 1);
      try {
        parseTextTrace(text.slice(0, i) + junk + text.slice(i + 1));
      } catch (e) {
        expect(e).toBeInstanceOf(GodiagError);
        expect((e as GodiagError).message).toMatch(/text trace line \d+|not a text trace|trace version/);
      }
    },
  );

  it('reports each kind of bad text with its code, line and byte offset', () => {
    const err = (text: string) => {
      try {
        parseTextTrace(text);
      } catch (e) {
        return e as GodiagError;
      }
      throw new Error('expected an error');
    };
    expect(err('')).toMatchObject({ code: ErrorCode.NotFormat });
    expect(err('Trace Go2.1\n')).toMatchObject({ code: ErrorCode.NotFormat });
    expect(err('Trace Go1.21\n')).toMatchObject({ code: ErrorCode.UnsupportedVersion });
    expect(err('Trace Go1.24\n')).toMatchObject({ code: ErrorCode.UnsupportedVersion });
    expect(err('Trace Go1.22 extra\n')).toMatchObject({ code: ErrorCode.Corrupt, message: expect.stringMatching(/line 1:/) });
    const unknown = err('Trace Go1.22\nEventBatch gen=1 m=0 time=0 size=1\nGoSwitch dt=1 g=1 g_seq=1\n');
    expect(unknown).toMatchObject({ code: ErrorCode.Corrupt, offset: 48, message: expect.stringMatching(/line 3: unknown event "GoSwitch"/) });
    expect(err('Trace Go1.26\nFrequency freq=x\n')).toMatchObject({ code: ErrorCode.Corrupt, message: expect.stringMatching(/line 2: .*"x"/) });
    expect(err('Trace Go1.26\nFrequency frq=1\n')).toMatchObject({ code: ErrorCode.Corrupt });
    expect(err('Trace Go1.26\nFrequency freq=18446744073709551616\n')).toMatchObject({ code: ErrorCode.Corrupt });
    expect(err('Trace Go1.26\nFrequency freq=1 x\n')).toMatchObject({ code: ErrorCode.Corrupt });
    expect(err('Trace Go1.26\nString id=1\n')).toMatchObject({ code: ErrorCode.Truncated });
    expect(err('Trace Go1.26\nString id=1\n\tdata="unterminated\n')).toMatchObject({ code: ErrorCode.Corrupt, message: expect.stringMatching(/line 3:/) });
    expect(err('Trace Go1.26\nStack id=1 nframes=2\n\tpc=1 func=2 file=3 line=4\n')).toMatchObject({ code: ErrorCode.Truncated });
    expect(err('Trace Go1.26\nStack id=1 nframes=99999999\n')).toMatchObject({ code: ErrorCode.LimitExceeded });
  });
});

describe('txtar and trace test files', () => {
  const name = fc.stringMatching(/^[a-z][a-z0-9._/-]{0,11}$/);
  const body = fc.array(fc.stringMatching(/^[^\n]{0,20}$/).filter((l) => !l.startsWith('-- ')), { maxLength: 4 }).map((lines) => lines.map((l) => l + '\n').join(''));
  const archive = fc.record({ comment: body, files: fc.array(fc.record({ name, data: body }), { maxLength: 4 }) });

  test.prop([archive])('parse(format(archive)) gives the archive back, and format(parse(bytes)) the bytes', (a) => {
    const t: Txtar = { comment: enc.encode(a.comment), files: a.files.map((f) => ({ name: f.name, data: enc.encode(f.data) })) };
    const bytes = formatTxtar(t);
    const back = parseTxtar(bytes);
    expect(back.files.map((f) => f.name)).toEqual(a.files.map((f) => f.name));
    expect(back.files.map((f) => new TextDecoder().decode(f.data))).toEqual(a.files.map((f) => f.data));
    expect(new TextDecoder().decode(back.comment)).toBe(a.comment);
    expect(formatTxtar(back)).toEqual(bytes);
  });

  test.prop([fc.uint8Array({ maxLength: 200 })])('every byte string parses as an archive', (b) => {
    const a = parseTxtar(b);
    expect(a.files.every((f) => f.name.length > 0)).toBe(true);
  });

  test.prop([traceOf, fc.oneof(fc.constant(undefined), fc.string({ maxLength: 20 }))])('trace test files round-trip', (trace, pattern) => {
    const test = { expect: pattern === undefined ? { kind: 'success' as const } : { kind: 'failure' as const, pattern }, trace };
    const bytes = formatTraceTest(test);
    const back = parseTraceTest(bytes);
    expect(back.expect).toEqual(test.expect);
    expect(formatTraceTest(back)).toEqual(bytes);
  });

  it('rejects an archive without exactly the expect and trace parts', () => {
    expect(() => parseTraceTest('-- trace --\nTrace Go1.22\n')).toThrow(expect.objectContaining({ code: ErrorCode.NotFormat }));
    expect(() => parseTraceTest('-- expect --\nMAYBE\n-- trace --\nTrace Go1.22\n')).toThrow(expect.objectContaining({ code: ErrorCode.NotFormat }));
  });
});
