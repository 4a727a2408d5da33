/**
 * A line scanner with the semantics of Go's `bufio.Scanner` + `ScanLines`, which every legacy text parser
 * of google/pprof reads through: lines end at `\n`, one trailing `\r` is dropped, a last line without a
 * newline counts, and a line of 64 KiB or more stops the scanner with an error (`bufio.ErrTooLong`).
 * After the scanner stops, `text` is "" at the end of input but keeps the previous line after an error,
 * exactly as Go's `Text()` does — some parsers inspect it.
 * @module
 */

import { ErrorCode, GodiagError } from '../../internal/errors.js';
import { decodeUtf8 } from '../../internal/utf8.js';

/** `bufio.MaxScanTokenSize`: a line needs room for itself and its newline in a buffer of this size. */
const MAX_TOKEN = 64 * 1024;

/** Reads lines of a byte array the way `bufio.Scanner` does. */
export class LineScanner {
  private readonly bytes: Uint8Array;
  private readonly base: number;
  private pos = 0;
  private stopped = false;
  /** The current line (Go's `Text()`). */
  text = '';
  /** Byte offset of the current line's first byte (in the whole input). */
  offset = 0;
  /** Set when a line was too long (Go's `Err()`); the error to throw. */
  err: GodiagError | undefined;

  /** Scans `bytes`, whose first byte is at `base` in the whole input. */
  constructor(bytes: Uint8Array, base = 0) {
    this.bytes = bytes;
    this.base = base;
  }

  /** Advances to the next line (Go's `Scan()`). */
  scan(): boolean {
    if (this.stopped) return false;
    const b = this.bytes;
    if (this.pos >= b.length) {
      this.stopped = true;
      this.text = '';
      this.offset = this.base + b.length;
      return false;
    }
    const nl = b.indexOf(0x0a, this.pos);
    const end = nl < 0 ? b.length : nl;
    if (end - this.pos >= MAX_TOKEN) {
      this.stopped = true;
      this.err = new GodiagError(ErrorCode.LimitExceeded, {
        format: 'pprof',
        offset: this.base + this.pos,
        message: `line of ${end - this.pos} bytes or more exceeds the ${MAX_TOKEN - 1}-byte line limit of the legacy text format readers (bufio.Scanner)`,
      });
      return false;
    }
    const stop = end > this.pos && b[end - 1] === 0x0d ? end - 1 : end;
    this.text = decodeUtf8(b.subarray(this.pos, stop));
    this.offset = this.base + this.pos;
    this.pos = nl < 0 ? b.length : nl + 1;
    return true;
  }

  /** Throws the scanner's error, if any (Go's `if err := s.Err(); err != nil { return err }`). */
  check(): void {
    if (this.err !== undefined) throw this.err;
  }
}
