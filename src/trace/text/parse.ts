/**
 * Reading Go's text trace format (the `trace` part of Go's `.test` files) into raw events, with the rules of
 * Go's raw text reader: the first line is `Trace Go1.NN`; blank lines and lines whose first token starts with
 * `#` are skipped; an event line is its name and exactly the spec's arguments as `name=decimal`, in order;
 * a stack event is followed by one `pc= func= file= line=` line per frame, an event with data by a
 * `data=<Go string literal>` line. Tokens are separated by Unicode white space.
 * @module
 */

import { ErrorCode, GodiagError } from '../../internal/errors.js';
import { FRAME_FIELDS, type EventSpec } from '../spec/events.js';
import { specsFor, wireVersionFromMinor, type WireVersion } from '../spec/versions.js';
import type { ArgValue } from '../wire/varint.js';
import type { RawEvent } from '../wire/raw-event.js';
import type { TextTrace } from './format.js';
import { decodeRune, goUnquote } from './strconv.js';
import { isSpace } from './unicode.js';

const HASH = 0x23;

/** A line of the input: byte range (without the newline and a trailing carriage return) and number. */
interface Line {
  start: number;
  end: number;
  no: number;
}

/** Reads lines as Go's `bufio.ScanLines` splits them and skips those without a first token. */
class Lines {
  private pos = 0;
  private no = 0;
  constructor(readonly b: Uint8Array) {}

  /** The next line with a token, or undefined at the end of input. */
  next(): Line | undefined {
    const b = this.b;
    while (this.pos < b.length) {
      const start = this.pos;
      let nl = b.indexOf(0x0a, start);
      if (nl < 0) nl = b.length;
      this.pos = nl + 1;
      this.no++;
      const end = nl > start && b[nl - 1] === 0x0d ? nl - 1 : nl;
      if (token(b, start, end) !== undefined) return { start, end, no: this.no };
    }
    return undefined;
  }

  /** Steps back to before the line `next()` returned last (one step only). */
  unread(line: Line): void {
    this.pos = line.start;
    this.no = line.no - 1;
  }

  /** Where the input ends, for errors at the end. */
  get endLine(): number {
    return this.no;
  }
}

/** A token: [start, end) in the input. */
interface Token {
  start: number;
  end: number;
}

/**
 * The first token at or after `from`: skips white space, stops at white space or `#`; undefined when the rest
 * is blank or a comment. Runes are decoded as Go's `range` does (ill-formed bytes are U+FFFD, not space).
 */
function token(b: Uint8Array, from: number, end: number): Token | undefined {
  let i = from;
  while (i < end) {
    const c = b[i]!;
    if (c === HASH) return undefined;
    const w = spaceWidth(b, i, c);
    if (w === 0) break;
    i += w;
  }
  if (i >= end) return undefined;
  const start = i;
  while (i < end) {
    const c = b[i]!;
    if (c === HASH || spaceWidth(b, i, c) !== 0) break;
    i += c < 0x80 ? 1 : decodeRune(b, i) % 8;
  }
  return { start, end: i };
}

/** The byte width of the white-space rune at `i`, or 0 when it is not white space. */
function spaceWidth(b: Uint8Array, i: number, c: number): number {
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d) ? 1 : 0;
  const d = decodeRune(b, i);
  return isSpace(Math.floor(d / 8)) ? d % 8 : 0;
}

/** True when only white space remains in [from, end). */
function onlySpace(b: Uint8Array, from: number, end: number): boolean {
  for (let i = from; i < end; ) {
    const w = spaceWidth(b, i, b[i]!);
    if (w === 0) return false;
    i += w;
  }
  return true;
}

/** The bytes [start, end) as text, for names and messages. */
const text = (b: Uint8Array, start: number, end: number) => new TextDecoder().decode(b.subarray(start, end));

function fail(code: ErrorCode, line: Line | undefined, offset: number, message: string, endLine = 0): GodiagError {
  return new GodiagError(code, {
    format: 'trace',
    offset,
    message: `text trace line ${line?.no ?? endLine}: ${message}`,
  });
}

/** Parses a decimal uint64 as Go's `strconv.ParseUint(s, 10, 64)`; undefined when invalid or too large. */
function parseDecimal(b: Uint8Array, start: number, end: number): ArgValue | undefined {
  if (end <= start) return undefined;
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c < 0x30 || c > 0x39) return undefined;
  }
  const digits = String.fromCharCode(...b.subarray(start, end));
  if (end - start <= 15) return Number(digits);
  const v = BigInt(digits);
  if (v > 0xffff_ffff_ffff_ffffn) return undefined;
  // Values below 2^53 are numbers, as the binary reader returns them.
  return v <= 0x1f_ffff_ffff_ffffn ? Number(v) : v;
}

/**
 * Reads the arguments `names` from [from, line.end) into `out`, then checks that only white space follows.
 * @throws GodiagError `corrupt` naming the line for a missing, misnamed or malformed argument.
 */
function readArgs(b: Uint8Array, line: Line, from: number, names: readonly string[], what: string, out: ArgValue[]): void {
  let at = from;
  for (const name of names) {
    const tok = token(b, at, line.end);
    if (tok === undefined) throw fail(ErrorCode.Corrupt, line, at, `${what}: expected argument ${name}=…, found none`);
    const eq = b.subarray(tok.start, tok.end).indexOf(0x3d);
    if (eq < 0) throw fail(ErrorCode.Corrupt, line, tok.start, `${what}: malformed argument ${JSON.stringify(text(b, tok.start, tok.end))}: expected ${name}=<decimal>`);
    const got = text(b, tok.start, tok.start + eq);
    const value = parseDecimal(b, tok.start + eq + 1, tok.end);
    if (value === undefined) {
      throw fail(ErrorCode.Corrupt, line, tok.start + eq + 1, `${what}: value ${JSON.stringify(text(b, tok.start + eq + 1, tok.end))} of argument ${got} is not a decimal number in 0..2^64-1`);
    }
    if (got !== name) throw fail(ErrorCode.Corrupt, line, tok.start, `${what}: expected argument ${JSON.stringify(name)}, found ${JSON.stringify(got)}`);
    out.push(value);
    at = tok.end;
  }
  if (!onlySpace(b, at, line.end)) {
    throw fail(ErrorCode.Corrupt, line, at, `${what}: unexpected text after the arguments: ${JSON.stringify(text(b, at, line.end))}`);
  }
}

/** Options of {@link parseTextTrace}. */
export interface ParseTextOptions {
  /** Most frames accepted on one stack event; default 16384 (what fits in a 64 KiB batch). */
  maxFrames?: number;
  /**
   * Reads the headerless form `go tool trace -d=wire` prints, whose version is given here: there is no
   * `Trace Go1.NN` line, and a missing data line means empty data (the dump omits the line for empty data).
   */
  wireVersion?: WireVersion;
}

/**
 * Parses Go's text trace format into its version and raw events. Each event's `offset` is the byte offset of
 * its line in the text.
 * With `wireVersion`, reads what `go tool trace -d=wire` prints instead (no header line, empty data lines left out).
 * @throws GodiagError (format `trace`, offset = byte offset in the text, message naming the line):
 * `not-format` without a `Trace Go1.NN` header (when one is expected), `unsupported-version` for a version other than 1.22, 1.23, 1.25
 * or 1.26, `truncated` when the text ends inside an event (missing frame or data lines), `corrupt` for an unknown
 * event name or a malformed line, `limit-exceeded` for a stack event announcing more than `maxFrames` frames.
 */
export function parseTextTrace(input: Uint8Array | string, options: ParseTextOptions = {}): TextTrace {
  const b = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const maxFrames = options.maxFrames ?? 16384;
  const lines = new Lines(b);
  const wire = options.wireVersion;
  const version = wire ?? readHeader(b, lines);
  // Every event the binary reader accepts for the version has a name here, so any trace it reads, written as
  // text, reads back. (Go 1.26's own text reader no longer knows the experimental events in 1.23 and 1.25
  // traces; Go 1.23–1.25's did.)
  const byName = specsFor(version).byName;
  const events: RawEvent[] = [];
  for (let line = lines.next(); line !== undefined; line = lines.next()) {
    const name = token(b, line.start, line.end)!;
    const evName = text(b, name.start, name.end);
    const spec = byName.get(evName);
    if (spec === undefined) {
      throw fail(ErrorCode.Corrupt, line, name.start, `unknown event ${JSON.stringify(evName)}: trace version go ${version} defines no such event`);
    }
    events.push(readEvent(b, lines, line, name.end, spec, maxFrames, wire !== undefined));
  }
  return { version, events };
}

function readHeader(b: Uint8Array, lines: Lines): WireVersion {
  const line = lines.next();
  const notText = (at: number, what: string) =>
    new GodiagError(ErrorCode.NotFormat, { format: 'trace', offset: at, message: `not a text trace: ${what}` });
  if (line === undefined) throw notText(b.length, 'expected a header line "Trace Go1.NN", found no text');
  const t1 = token(b, line.start, line.end)!;
  if (text(b, t1.start, t1.end) !== 'Trace') throw notText(t1.start, `expected a header line "Trace Go1.NN", found ${JSON.stringify(text(b, line.start, line.end))}`);
  const t2 = token(b, t1.end, line.end);
  const gover = t2 === undefined ? '' : text(b, t2.start, t2.end);
  const m = /^Go1\.(\d+)$/.exec(gover);
  if (t2 === undefined || m === null) throw notText(t2?.start ?? t1.end, `expected the version "Go1.NN" after "Trace", found ${JSON.stringify(gover)}`);
  const minor = Number(m[1]);
  if (!Number.isSafeInteger(minor)) {
    throw new GodiagError(ErrorCode.UnsupportedVersion, { format: 'trace', offset: t2.start, message: `unknown or unsupported trace version ${gover}` });
  }
  const version = wireVersionFromMinor(minor, t2.start);
  if (!onlySpace(b, t2.end, line.end)) {
    throw fail(ErrorCode.Corrupt, line, t2.end, `unexpected text after the header: ${JSON.stringify(text(b, t2.end, line.end))}`);
  }
  return version;
}

function readEvent(b: Uint8Array, lines: Lines, line: Line, argsFrom: number, spec: EventSpec, maxFrames: number, dataOptional: boolean): RawEvent {
  const args: ArgValue[] = [];
  readArgs(b, line, argsFrom, spec.args, spec.name, args);
  if (spec.isStack) {
    const n = args[1]!;
    if (typeof n !== 'number' || n > maxFrames) {
      throw fail(ErrorCode.LimitExceeded, line, line.start, `${spec.name} announces ${n} frames, more than the limit of ${maxFrames}`);
    }
    for (let i = 0; i < n; i++) {
      const frame = lines.next();
      if (frame === undefined) {
        throw fail(ErrorCode.Truncated, undefined, b.length, `unexpected end of text: ${spec.name} at line ${line.no} announces ${n} frames, found ${i}`, lines.endLine);
      }
      readArgs(b, frame, frame.start, FRAME_FIELDS, `frame ${i} of ${spec.name}`, args);
    }
  }
  const ev: RawEvent = { type: spec.type, args, offset: line.start };
  if (spec.hasData) {
    const dl = lines.next();
    if (dataOptional && (dl === undefined || !isDataLine(b, dl))) {
      if (dl !== undefined) lines.unread(dl);
      ev.data = new Uint8Array(0);
    } else {
      if (dl === undefined) {
        throw fail(ErrorCode.Truncated, undefined, b.length, `unexpected end of text: ${spec.name} at line ${line.no} needs a data="…" line`, lines.endLine);
      }
      ev.data = readData(b, dl, spec);
    }
  }
  return ev;
}

/** True when the line's text before its first `=` is `data`, white space aside. */
function isDataLine(b: Uint8Array, line: Line): boolean {
  const eq = b.subarray(line.start, line.end).indexOf(0x3d);
  if (eq < 0) return false;
  const key = trim(b, line.start, line.start + eq);
  return text(b, key.start, key.end) === 'data';
}

/** Reads `data=<literal>`: the key (trimmed) must be `data`; the literal (trimmed) is a Go string literal. */
function readData(b: Uint8Array, line: Line, spec: EventSpec): Uint8Array {
  const eq = b.subarray(line.start, line.end).indexOf(0x3d);
  const key = eq < 0 ? undefined : trim(b, line.start, line.start + eq);
  if (key === undefined || text(b, key.start, key.end) !== 'data') {
    throw fail(ErrorCode.Corrupt, line, line.start, `${spec.name}: expected a line data="…", found ${JSON.stringify(text(b, line.start, line.end))}`);
  }
  const lit = trim(b, line.start + eq + 1, line.end);
  const data = goUnquote(b.subarray(lit.start, lit.end));
  if (data === undefined) {
    throw fail(ErrorCode.Corrupt, line, lit.start, `${spec.name}: data is not a valid Go string literal: ${text(b, lit.start, lit.end)}`);
  }
  return data;
}

/** [start, end) without leading and trailing Unicode white space (Go's `strings.TrimSpace`). */
function trim(b: Uint8Array, start: number, end: number): Token {
  while (start < end) {
    const w = spaceWidth(b, start, b[start]!);
    if (w === 0) break;
    start += w;
  }
  while (end > start) {
    // White-space runes are 1 to 3 bytes long: find where the last rune starts and test it.
    let w = 0;
    for (let k = 1; k <= 3 && end - k >= start; k++) {
      const at = end - k;
      if (k < 3 && (b[at]! & 0xc0) === 0x80) continue;
      const d = decodeRune(b, at);
      if (d % 8 === k && isSpace(Math.floor(d / 8))) w = k;
      break;
    }
    if (w === 0) break;
    end -= w;
  }
  return { start, end };
}
