/**
 * Random access to inputs that are read out of order (ELF executables and cores, Mach-O, PE).
 *
 * A {@link RandomAccess} is a size and a `read(offset, length)`; it can be backed by bytes, by a `Blob`
 * (a browser `File`), or — in `godiag/node` — by a file handle, so that answering one question about a
 * 200 MB binary reads kilobytes, not the file.
 * @module
 */

import { ErrorCode, GodiagError, type FormatName } from './errors.js';

/** Random-access input: `read` returns exactly `length` bytes or throws. */
export interface RandomAccess {
  /** Total size in bytes. */
  readonly size: number;
  /**
   * Reads `length` bytes at `offset`; throws a `truncated` {@link GodiagError} past the end. `hint` says how
   * the range will be used; sources without a cache ignore it.
   */
  read(offset: number, length: number, hint?: ReadHint): Promise<Uint8Array>;
  /** Releases the underlying resource (a file handle), if any. */
  close?(): Promise<void>;
}

/** Throws the standard `truncated` error if `offset..offset+length` is not inside `size`. */
export function checkRange(size: number, offset: number, length: number, format: FormatName = 'input'): void {
  if (!(Number.isSafeInteger(offset) && Number.isSafeInteger(length) && offset >= 0 && length >= 0)) {
    throw new GodiagError(ErrorCode.Corrupt, {
      format,
      offset: Math.max(0, Number.isFinite(offset) ? offset : 0),
      message: `invalid read of ${length} bytes at offset ${offset}`,
    });
  }
  if (offset + length > size) {
    throw new GodiagError(ErrorCode.Truncated, {
      format,
      offset: Math.min(offset, size),
      message: `unexpected end of input: expected ${length} bytes at offset ${offset}, but the input has ${size} bytes`,
    });
  }
}

/** Random access over bytes in memory (reads are zero-copy views). */
export function bytesRandomAccess(bytes: Uint8Array | ArrayBuffer): RandomAccess {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return {
    size: b.byteLength,
    async read(offset, length) {
      checkRange(b.byteLength, offset, length);
      return b.subarray(offset, offset + length);
    },
  };
}

/** Random access over a `Blob` or `File`: each read slices the blob, so the whole is never loaded. */
export function blobRandomAccess(blob: Blob): RandomAccess {
  return {
    size: blob.size,
    async read(offset, length) {
      checkRange(blob.size, offset, length);
      return new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
    },
  };
}

/** Anything {@link toRandomAccess} accepts. */
export type RandomAccessSource = Uint8Array | ArrayBuffer | Blob | RandomAccess;

/** Wraps bytes or a `Blob` as {@link RandomAccess}; passes a `RandomAccess` through. */
export function toRandomAccess(source: RandomAccessSource): RandomAccess {
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) return bytesRandomAccess(source);
  if (typeof Blob !== 'undefined' && source instanceof Blob) return blobRandomAccess(source);
  if (typeof (source as RandomAccess).read === 'function' && typeof (source as RandomAccess).size === 'number') {
    return source as RandomAccess;
  }
  throw new TypeError('godiag: random access needs bytes, a Blob, or an object with size and read(offset, length)');
}

/** What a reader tells a {@link RandomAccess} about a read, so that a cache can choose what to keep. */
export interface ReadHint {
  /**
   * The range will not be read again soon, nor its neighbours: a cache should read just these bytes and not
   * fill whole pages with them (a core's goroutine stacks: each read once, scattered over gigabytes).
   */
  once?: boolean;
}

/** Options for {@link cachedRandomAccess}. */
export interface PageCacheOptions {
  /** Page size in bytes (a power of two); default 64 KiB. */
  pageBytes?: number;
  /** Pages kept (least recently used are dropped); default 256 (16 MiB with the default page size). */
  maxPages?: number;
}

/**
 * Adds a page cache in front of a slow {@link RandomAccess} (a file, a Blob), so that many small reads
 * of headers and tables turn into few large ones. Memory is bounded by `pageBytes × maxPages`.
 * A read hinted {@link ReadHint.once} is served from the cache when its pages are there, and otherwise read
 * as asked, without filling pages.
 */
export function cachedRandomAccess(inner: RandomAccess, options: PageCacheOptions = {}): RandomAccess {
  const pageBytes = options.pageBytes ?? 1 << 16;
  const maxPages = options.maxPages ?? 256;
  const pages = new Map<number, Promise<Uint8Array>>();

  const page = (index: number): Promise<Uint8Array> => {
    let p = pages.get(index);
    if (p !== undefined) {
      pages.delete(index); // re-insert: Map order is our LRU order
    } else {
      const start = index * pageBytes;
      const read = inner.read(start, Math.min(pageBytes, inner.size - start));
      // A failed read must not be remembered: the next caller retries it.
      read.catch(() => pages.get(index) === read && pages.delete(index));
      p = read;
      if (pages.size >= maxPages) pages.delete(pages.keys().next().value!);
    }
    pages.set(index, p);
    return p;
  };

  const ra: RandomAccess = {
    size: inner.size,
    async read(offset, length, hint) {
      checkRange(inner.size, offset, length);
      if (length === 0) return new Uint8Array(0);
      const first = Math.floor(offset / pageBytes);
      const last = Math.floor((offset + length - 1) / pageBytes);
      if (length > pageBytes * maxPages) return inner.read(offset, length, hint);
      if (hint?.once === true) {
        let cached = true;
        for (let i = first; i <= last && cached; i++) cached = pages.has(i);
        if (!cached) return inner.read(offset, length, hint);
      }
      if (first === last) {
        const p = await page(first);
        const at = offset - first * pageBytes;
        return p.subarray(at, at + length);
      }
      const out = new Uint8Array(length);
      for (let i = first; i <= last; i++) {
        const p = await page(i);
        const pageStart = i * pageBytes;
        const from = Math.max(offset, pageStart);
        const to = Math.min(offset + length, pageStart + p.length);
        out.set(p.subarray(from - pageStart, to - pageStart), from - offset);
      }
      return out;
    },
  };
  if (inner.close) ra.close = () => inner.close!();
  return ra;
}
