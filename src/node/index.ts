/**
 * `godiag/node`: Node.js-only helpers — files as streaming sources and as random-access inputs.
 * Everything else in godiag runs in browsers too.
 * @module godiag/node
 */

import { open, stat, type FileHandle } from 'node:fs/promises';
import { read as fsRead } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { checkRange, cachedRandomAccess, type RandomAccess } from '../internal/random-access.js';

/** A file as a streaming {@link Source}, with its size known (so progress can show a total). */
export interface FileSource extends AsyncIterable<Uint8Array> {
  /** File size in bytes when it was opened. */
  readonly size: number;
  /** The path it reads. */
  readonly path: string;
}

/** Options for {@link fileSource}. */
export interface FileSourceOptions {
  /** Bytes per chunk; default 1 MiB. */
  chunkBytes?: number;
  /**
   * Chunks read ahead while the consumer works on earlier ones; default 4. Reads run on libuv's thread pool,
   * so a reader that decodes as it goes never waits for the disk (or the page cache) unless it outruns it.
   */
  readAhead?: number;
}

/**
 * Opens a file as a chunk stream, read on demand and never whole: chunks of `chunkBytes` in order, up to
 * `readAhead` of them read ahead of the consumer, until the end of the file (a file still growing is read to
 * the end it has when the reads get there). The handle is closed when the iteration ends or is abandoned.
 */
export async function fileSource(path: string, options: FileSourceOptions = {}): Promise<FileSource> {
  const { size } = await stat(path);
  const chunkBytes = options.chunkBytes ?? 1 << 20;
  const readAhead = options.readAhead ?? 4;
  if (!(Number.isSafeInteger(chunkBytes) && chunkBytes > 0)) throw new RangeError(`fileSource: chunkBytes must be a positive integer, got ${chunkBytes}`);
  if (!(Number.isSafeInteger(readAhead) && readAhead >= 0)) throw new RangeError(`fileSource: readAhead must be a non-negative integer, got ${readAhead}`);
  return {
    size,
    path,
    async *[Symbol.asyncIterator]() {
      const handle = await open(path, 'r');
      const pending: Promise<Uint8Array>[] = [];
      let position = 0;
      let ended = false;
      const issue = (): void => {
        const at = position;
        position += chunkBytes;
        const p = readChunk(handle, at, chunkBytes);
        p.catch(() => undefined); // reported when its turn comes; abandoned reads must not be unhandled
        pending.push(p);
      };
      try {
        for (;;) {
          while (!ended && pending.length <= readAhead) issue(); // the read awaited next, and readAhead more
          const next = pending.shift();
          if (next === undefined) break;
          const chunk = await next;
          if (chunk.length < chunkBytes) ended = true; // the end of the file: later reads find nothing
          if (chunk.length > 0) yield chunk;
          if (ended) break;
        }
      } finally {
        await Promise.allSettled(pending);
        await handle.close();
      }
    },
  };
}

/** Reads up to `length` bytes at `position`, fewer only at the end of the file. */
async function readChunk(handle: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return new Uint8Array(buf.buffer, buf.byteOffset, done);
}

/** A file opened for random access; `close()` releases its handle. */
export interface OpenedFile extends RandomAccess {
  /** Closes the file handle. */
  close(): Promise<void>;
}

/** Options for {@link openFile}. */
export interface OpenFileOptions {
  /** Put a page cache in front of the file (default true): many small header reads become few reads. */
  cache?: boolean;
}

/**
 * Opens a file for random access through a file handle: each `read` reads just the bytes asked for.
 * Call `close()` when done.
 */
export async function openFile(path: string, options: OpenFileOptions = {}): Promise<OpenedFile> {
  const handle = await open(path, 'r');
  const { size } = await handle.stat();
  const fd = handle.fd;
  // fs.read with a callback on the handle's descriptor: a third of FileHandle.read's cost per call, which
  // counts when a reader makes a hundred thousand small reads (a core's stacks).
  const readInto = (out: Uint8Array, at: number, n: number, position: number) =>
    new Promise<number>((resolve, reject) => fsRead(fd, out, at, n, position, (e, bytesRead) => (e ? reject(e) : resolve(bytesRead))));
  const raw: RandomAccess = {
    size,
    async read(offset, length) {
      checkRange(size, offset, length);
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const bytesRead = await readInto(out, done, length - done, offset + done);
        if (bytesRead === 0) checkRange(offset + done, offset + done, 1); // the file shrank: report truncation
        done += bytesRead;
      }
      return out;
    },
    close: () => handle.close(),
  };
  const ra = options.cache === false ? raw : cachedRandomAccess(raw);
  return ra as OpenedFile;
}

export type { RandomAccess } from '../internal/random-access.js';
export type { Source } from '../internal/input.js';

/** Options for {@link nativeGzip}. */
export interface NativeGzipOptions {
  /** zlib compression level, 1 (fastest) to 9 (smallest); default 6, zlib's own default. */
  level?: number;
}

/**
 * A gzip compressor backed by Node's zlib, for `encodeProfile(profile, { compress: nativeGzip() })`:
 * native code instead of the portable pure-JavaScript deflate. Level 1 compresses Go profiles about as
 * well as Go's own default (docs/benchmarks.md).
 */
export function nativeGzip(options: NativeGzipOptions = {}): (raw: Uint8Array) => Uint8Array {
  const level = options.level ?? 6;
  if (!Number.isInteger(level) || level < 1 || level > 9) throw new RangeError(`nativeGzip: level must be an integer from 1 to 9, got ${level}`);
  return (raw) => {
    const out = gzipSync(raw, { level });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  };
}
