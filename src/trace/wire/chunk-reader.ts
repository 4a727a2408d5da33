/**
 * A forward reader over a chunk stream that hands out views into the chunks and copies only what spans
 * chunk boundaries — and then only the bytes asked for, never the rest of the next chunk. Trace batches are
 * small (≤ 64 KiB) and chunks are usually larger, so almost every batch is a zero-copy view.
 * @module
 */

import { chunks, type InputOptions, type Source } from '../../internal/input.js';

/** Reads a chunk stream forward through windows of contiguous bytes. */
export class ChunkReader {
  private readonly it: AsyncIterator<Uint8Array>;
  /** The current window. */
  buf: Uint8Array = new Uint8Array(0);
  /** Position of the next unread byte in `buf`. */
  pos = 0;
  /** Absolute offset of `buf[0]`. */
  base = 0;
  private queue: Uint8Array[] = [];
  private ended = false;

  constructor(source: Source, options: InputOptions = {}) {
    this.it = chunks(source, options)[Symbol.asyncIterator]();
  }

  /** Absolute offset of the next unread byte. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Unread bytes in the current window. */
  get available(): number {
    return this.buf.length - this.pos;
  }

  private async nextChunk(): Promise<Uint8Array | undefined> {
    const q = this.queue.shift();
    if (q !== undefined) return q;
    if (this.ended) return undefined;
    const r = await this.it.next();
    if (r.done === true) {
      this.ended = true;
      return undefined;
    }
    return r.value;
  }

  /**
   * Makes at least `n` unread bytes contiguous in `buf` from `pos` on, if the stream has them.
   * @returns false when the stream ends first (the window then holds everything that is left).
   */
  async ensure(n: number): Promise<boolean> {
    if (this.buf.length - this.pos >= n) return true;
    if (this.buf.length === this.pos) {
      // The window is used up: move to the next chunk without copying when it is large enough.
      const c = await this.nextChunk();
      if (c === undefined) return false;
      this.base += this.buf.length;
      this.buf = c;
      this.pos = 0;
      if (c.length >= n) return true;
    }
    const rest = this.buf.subarray(this.pos);
    const parts: Uint8Array[] = [rest];
    let have = rest.length;
    while (have < n) {
      const c = await this.nextChunk();
      if (c === undefined) break;
      const take = Math.min(c.length, n - have);
      parts.push(take === c.length ? c : c.subarray(0, take));
      if (take < c.length) this.queue.unshift(c.subarray(take));
      have += take;
    }
    const joined = new Uint8Array(have);
    let at = 0;
    for (const p of parts) {
      joined.set(p, at);
      at += p.length;
    }
    this.base += this.pos;
    this.buf = joined;
    this.pos = 0;
    return have >= n;
  }

  /** True when every byte has been consumed. */
  async atEnd(): Promise<boolean> {
    return !(await this.ensure(1));
  }

  /** Stops the underlying stream early (releasing a file or network stream). */
  async close(): Promise<void> {
    this.ended = true;
    this.queue = [];
    await this.it.return?.();
  }
}
