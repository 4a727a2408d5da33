/**
 * A pull reader over a chunk stream, for formats read front to back (traces, profiles).
 *
 * It keeps only the bytes not yet consumed. A request that lies inside one chunk is answered with a view of
 * that chunk; only a request that spans chunks copies, so results never depend on where chunks were cut.
 * @module
 */

import { ErrorCode, GodiagError, truncated, type FormatName } from './errors.js';
import { ByteCursor } from './cursor.js';
import { Limits, checkLimit } from './limits.js';
import { concat } from './input.js';

/** Reads exact byte counts and varints from an async stream of chunks. */
export class StreamReader {
  /** The format named in errors. */
  readonly format: FormatName;
  private readonly source: AsyncIterator<Uint8Array>;
  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private consumedBefore = 0; // absolute offset of buf[0]
  private ended = false;
  /** Rests of chunks a fill took only the start of. */
  private queue: Uint8Array[] = [];

  constructor(chunks: AsyncIterable<Uint8Array>, format: FormatName) {
    this.source = chunks[Symbol.asyncIterator]();
    this.format = format;
  }

  /** Absolute offset of the next unread byte. */
  get offset(): number {
    return this.consumedBefore + this.pos;
  }

  /** Bytes buffered and not yet consumed. */
  get buffered(): number {
    return this.buf.length - this.pos;
  }

  /**
   * Buffers at least `n` unread bytes if the stream has them. Only the bytes asked for are copied out of the
   * next chunks (the rest of a chunk waits its turn), and a used-up window moves to the next chunk without
   * copying when that chunk is long enough.
   * @returns false if the stream ended first (what is left stays buffered).
   */
  async fill(n: number): Promise<boolean> {
    if (this.buf.length - this.pos >= n) return true;
    if (this.buf.length === this.pos) {
      const c = await this.nextChunk();
      if (c === undefined) return false;
      this.consumedBefore += this.buf.length;
      this.buf = c;
      this.pos = 0;
      if (c.length >= n) return true;
    }
    // Gather the parts first and join once: appending part by part would copy quadratically when one
    // large read spans many small chunks.
    const parts = [this.buf.subarray(this.pos)];
    let have = parts[0]!.length;
    while (have < n) {
      const c = await this.nextChunk();
      if (c === undefined) break;
      const take = Math.min(c.length, n - have);
      parts.push(take === c.length ? c : c.subarray(0, take));
      if (take < c.length) this.queue.unshift(c.subarray(take));
      have += take;
    }
    this.consumedBefore += this.pos;
    this.buf = concat(parts, have);
    this.pos = 0;
    return have >= n;
  }

  private async nextChunk(): Promise<Uint8Array | undefined> {
    const queued = this.queue.shift();
    if (queued !== undefined) return queued;
    if (this.ended) return undefined;
    const r = await this.source.next();
    if (r.done) {
      this.ended = true;
      return undefined;
    }
    return r.value;
  }

  /**
   * The buffered bytes as one array, for decoders that read in place: `window[windowPos]` is the next unread
   * byte. Valid until the next `fill` or read; consume what was decoded with {@link StreamReader.consumeTo}.
   */
  get window(): Uint8Array {
    return this.buf;
  }

  /** Position of the next unread byte in {@link StreamReader.window}. */
  get windowPos(): number {
    return this.pos;
  }

  /** Absolute offset of `window[0]`. */
  get windowOffset(): number {
    return this.consumedBefore;
  }

  /** Marks the window's bytes before `pos` as consumed (after decoding them in place). */
  consumeTo(pos: number): void {
    if (pos < this.pos || pos > this.buf.length) throw new RangeError(`consumeTo(${pos}) is outside the unread window ${this.pos}..${this.buf.length}`);
    this.pos = pos;
  }

  /** True when every byte of the stream has been consumed. */
  async atEnd(): Promise<boolean> {
    return !(await this.fill(1));
  }

  /** Reads exactly `n` bytes (a view when possible); throws `truncated` naming `what` otherwise. */
  async read(n: number, what = `${n} bytes`): Promise<Uint8Array> {
    if (!(await this.fill(n))) throw truncated(this.format, this.offset + this.buffered, what);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Reads `n` bytes whose count came from the input, after checking it against a limit. */
  async readBlock(n: number | bigint, what: string, limit: number = Limits.maxBlockBytes): Promise<Uint8Array> {
    return this.read(checkLimit(n, limit, this.format, this.offset, `${what} length`), what);
  }

  /** Returns up to `n` bytes, fewer only at the end of the stream (empty at the end). */
  async readUpTo(n: number): Promise<Uint8Array> {
    await this.fill(n);
    const take = Math.min(n, this.buffered);
    const out = this.buf.subarray(this.pos, this.pos + take);
    this.pos += take;
    return out;
  }

  /** Looks at up to `n` upcoming bytes without consuming them. */
  async peek(n: number): Promise<Uint8Array> {
    await this.fill(n);
    return this.buf.subarray(this.pos, this.pos + Math.min(n, this.buffered));
  }

  /** Reads an unsigned varint (up to 2^64−1). */
  async uvarint(): Promise<bigint> {
    const c = await this.varintCursor();
    const v = c.uvarint();
    this.pos += c.pos;
    return v;
  }

  /** Reads an unsigned varint that must fit in a `number`. */
  async uvarintNumber(what = 'varint'): Promise<number> {
    const c = await this.varintCursor();
    const v = c.uvarintNumber(what);
    this.pos += c.pos;
    return v;
  }

  private async varintCursor(): Promise<ByteCursor> {
    await this.fill(10);
    return new ByteCursor(this.buf.subarray(this.pos, this.pos + 10), this.format, { baseOffset: this.offset });
  }

  /** Throws a `corrupt` error unless the stream is exhausted. */
  async expectEnd(what: string): Promise<void> {
    if (!(await this.atEnd())) {
      throw new GodiagError(ErrorCode.Corrupt, {
        format: this.format,
        offset: this.offset,
        message: `unexpected data after ${what}`,
      });
    }
  }

  /** The unread bytes as a chunk stream: what is buffered, then the rest of the source. */
  async *rest(): AsyncGenerator<Uint8Array, void, undefined> {
    for (;;) {
      const chunk = await this.readUpTo(Math.max(this.buffered, 1));
      if (chunk.length === 0) return;
      yield chunk;
    }
  }

  /** Stops the underlying stream early (releasing a file or network stream). */
  async close(): Promise<void> {
    this.ended = true;
    this.queue = [];
    await this.source.return?.();
  }
}
