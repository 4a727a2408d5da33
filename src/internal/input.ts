/**
 * Input normalisation: every reader accepts any of the {@link Source} kinds and sees one stream of chunks.
 * @module
 */

import { ErrorCode, GodiagError } from './errors.js';
import { Limits } from './limits.js';

/**
 * Anything godiag can read from. A web `ReadableStream` is read through `getReader()` (so it works in
 * every runtime); a `Blob` is read in slices, never whole; an object of the async/sync iterable kinds may
 * declare its total length with a numeric `size` property (as the Node file helpers do).
 */
export type Source =
  | Uint8Array
  | ArrayBuffer
  | Blob
  | Response
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>
  | Iterable<Uint8Array>;

/** A source whose bytes are all in memory, readable synchronously. */
export type SyncSource = Uint8Array | ArrayBuffer | Iterable<Uint8Array>;

/** Called as input is consumed: bytes read so far, and the total when it is known. */
export type ProgressCallback = (bytesRead: number, totalBytes?: number) => void;

/** Options every reader accepts for its input. */
export interface InputOptions {
  /** Reports progress after each chunk is read. */
  onProgress?: ProgressCallback;
  /** Stops reading (with the signal's reason) when aborted. */
  signal?: AbortSignal;
  /** Slice size used for `Blob` inputs; default 1 MiB. */
  blobChunkBytes?: number;
}

const DEFAULT_BLOB_CHUNK = 1 << 20;

/** The total byte length of a source when it is known without reading it. */
export function sourceSize(source: Source): number | undefined {
  if (source instanceof Uint8Array) return source.byteLength;
  if (source instanceof ArrayBuffer) return source.byteLength;
  if (isBlob(source)) return source.size;
  if (isResponse(source)) {
    const len = source.headers.get('content-length');
    // A compressed response's content-length counts encoded bytes, not the body we read.
    if (len !== null && source.headers.get('content-encoding') === null && /^\d+$/.test(len)) return Number(len);
    return undefined;
  }
  const size = (source as { size?: unknown }).size;
  return typeof size === 'number' && Number.isSafeInteger(size) && size >= 0 ? size : undefined;
}

/** True for sources that {@link syncChunks} can read without awaiting. */
export function isSyncSource(source: Source): source is SyncSource {
  return (
    source instanceof Uint8Array ||
    source instanceof ArrayBuffer ||
    (!isBlob(source) && !isResponse(source) && !isReadableStream(source) && isIterable(source))
  );
}

/** The chunks of an in-memory source, synchronously. */
export function* syncChunks(source: SyncSource): Generator<Uint8Array, void, undefined> {
  if (source instanceof Uint8Array) {
    yield source;
    return;
  }
  if (source instanceof ArrayBuffer) {
    yield new Uint8Array(source);
    return;
  }
  for (const chunk of source) yield checkChunk(chunk);
}

/** Normalises any {@link Source} to an async stream of non-empty byte chunks. */
export async function* chunks(source: Source, options: InputOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
  const total = sourceSize(source);
  const { onProgress, signal } = options;
  let read = 0;
  for await (const chunk of rawChunks(source, options)) {
    signal?.throwIfAborted();
    if (chunk.byteLength === 0) continue;
    read += chunk.byteLength;
    yield chunk;
    onProgress?.(read, total);
  }
  signal?.throwIfAborted();
}

async function* rawChunks(source: Source, options: InputOptions): AsyncGenerator<Uint8Array, void, undefined> {
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) {
    yield* syncChunks(source);
  } else if (isBlob(source)) {
    const step = options.blobChunkBytes ?? DEFAULT_BLOB_CHUNK;
    for (let at = 0; at < source.size; at += step) {
      yield new Uint8Array(await source.slice(at, Math.min(source.size, at + step)).arrayBuffer());
    }
  } else if (isResponse(source)) {
    if (source.body === null) return;
    yield* streamChunks(source.body);
  } else if (isReadableStream(source)) {
    yield* streamChunks(source);
  } else if (isAsyncIterable(source)) {
    for await (const chunk of source) yield checkChunk(chunk);
  } else if (isIterable(source)) {
    for (const chunk of source) yield checkChunk(chunk);
  } else {
    throw new TypeError('godiag: unsupported input; pass bytes, a Blob, a Response, a stream or an iterable of Uint8Array');
  }
}

async function* streamChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array, void, undefined> {
  const reader = stream.getReader();
  let done = false;
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) {
        done = true;
        return;
      }
      yield checkChunk(r.value);
    }
  } finally {
    // Stopping early (an error, or a consumer that breaks) cancels the stream rather than leaving it locked.
    if (!done) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/** Options for {@link readAll}. */
export interface ReadAllOptions extends InputOptions {
  /** Largest input accepted; default `Limits.maxInputBytes`. */
  maxBytes?: number;
}

/**
 * Reads a whole source into one `Uint8Array`. A single-chunk source is returned without copying.
 * Throws `limit-exceeded` past `maxBytes`.
 */
export async function readAll(source: Source, options: ReadAllOptions = {}): Promise<Uint8Array> {
  const max = options.maxBytes ?? Limits.maxInputBytes;
  const size = sourceSize(source);
  if (size !== undefined && size > max) throw tooLarge(size, max);
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of chunks(source, options)) {
    total += chunk.byteLength;
    if (total > max) throw tooLarge(total, max);
    parts.push(chunk);
  }
  return concat(parts, total);
}

/** Concatenates byte arrays; returns the only part itself when there is one. */
export function concat(parts: readonly Uint8Array[], total?: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  if (parts.length === 0) return new Uint8Array(0);
  const n = total ?? parts.reduce((s, p) => s + p.byteLength, 0);
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

function tooLarge(size: number, max: number): GodiagError {
  return new GodiagError(ErrorCode.LimitExceeded, {
    format: 'input',
    offset: max,
    message: `input of ${size} bytes or more exceeds the limit of ${max} bytes for reading into memory`,
  });
}

function checkChunk(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  throw new TypeError(`godiag: input chunks must be Uint8Array, got ${describe(chunk)}`);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}

function isBlob(v: unknown): v is Blob {
  return typeof Blob !== 'undefined' && v instanceof Blob;
}
function isResponse(v: unknown): v is Response {
  return typeof Response !== 'undefined' && v instanceof Response;
}
function isReadableStream(v: unknown): v is ReadableStream<Uint8Array> {
  return typeof (v as { getReader?: unknown }).getReader === 'function';
}
function isAsyncIterable(v: unknown): v is AsyncIterable<Uint8Array> {
  return typeof (v as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}
function isIterable(v: unknown): v is Iterable<Uint8Array> {
  return typeof (v as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}
