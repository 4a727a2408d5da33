/**
 * `godiag/node`: Node.js-only helpers — files as streaming sources and as random-access inputs.
 * Everything else in godiag runs in browsers too.
 * @module godiag/node
 */

import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
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
}

/** Opens a file as a chunk stream (read on demand, never whole). */
export async function fileSource(path: string, options: FileSourceOptions = {}): Promise<FileSource> {
  const { size } = await stat(path);
  const highWaterMark = options.chunkBytes ?? 1 << 20;
  return {
    size,
    path,
    async *[Symbol.asyncIterator]() {
      for await (const chunk of createReadStream(path, { highWaterMark })) {
        const b = chunk as Buffer;
        yield new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      }
    },
  };
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
  const raw: RandomAccess = {
    size,
    async read(offset, length) {
      checkRange(size, offset, length);
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(out, done, length - done, offset + done);
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
