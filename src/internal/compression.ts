/**
 * gzip and zlib, detected by their magic bytes and decompressed as a stream (fflate).
 *
 * Decompressed output counts against `Limits.maxInputBytes` (or a caller's lower limit) so a small
 * "zip bomb" cannot exhaust memory. Checksums (gzip's CRC-32 and length, zlib's Adler-32) are verified,
 * for gzip on single-member files.
 * @module
 */

import { Gunzip, Unzlib } from 'fflate';
import { ErrorCode, GodiagError } from './errors.js';
import { Limits } from './limits.js';
import { StreamReader } from './stream-reader.js';
import { adler32, crc32 } from './crc32.js';
import { concat } from './input.js';

/** The compression wrappers godiag recognises. */
export type Compression = 'gzip' | 'zlib' | 'none';

/** Identifies gzip (RFC 1952) or zlib (RFC 1950) from the first two bytes. */
export function detectCompression(head: Uint8Array): Compression {
  const b0 = head[0];
  const b1 = head[1];
  if (b0 === undefined || b1 === undefined) return 'none';
  if (b0 === 0x1f && b1 === 0x8b) return 'gzip';
  // zlib: deflate method (8), window ≤ 32 KiB, no preset dictionary, header check multiple of 31.
  if ((b0 & 0x0f) === 8 && b0 >> 4 <= 7 && (b1 & 0x20) === 0 && ((b0 << 8) | b1) % 31 === 0) return 'zlib';
  return 'none';
}

/** Options for decompression. */
export interface DecompressOptions {
  /** Largest decompressed size accepted; default `Limits.maxInputBytes`. */
  maxBytes?: number;
}

/** The result of {@link maybeDecompress}: which wrapper was found, and the (decompressed) chunks. */
export interface Decompressed {
  /** The wrapper found (`none` if the input was not compressed). */
  compression: Compression;
  /** The decompressed bytes (or the input unchanged). */
  chunks: AsyncIterable<Uint8Array>;
}

/**
 * Peeks at a chunk stream and, if it is gzip or zlib, returns a stream of its decompressed bytes;
 * otherwise returns the bytes unchanged.
 */
export async function maybeDecompress(
  input: AsyncIterable<Uint8Array>,
  options: DecompressOptions = {},
): Promise<Decompressed> {
  const reader = new StreamReader(input, 'input');
  const compression = detectCompression(await reader.peek(2));
  const rest = reader.rest();
  if (compression === 'none') return { compression, chunks: rest };
  return { compression, chunks: decompress(rest, compression, options) };
}

/** Decompresses a gzip or zlib chunk stream. Errors carry the offset in the compressed input. */
export async function* decompress(
  input: AsyncIterable<Uint8Array>,
  compression: 'gzip' | 'zlib',
  options: DecompressOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  const max = options.maxBytes ?? Limits.maxInputBytes;
  const out: Uint8Array[] = [];
  let produced = 0;
  let consumed = 0;
  let members = 0;
  let sum = compression === 'gzip' ? 0 : 1;
  const tail = new Uint8Array(8); // last 8 compressed bytes: the checksum trailer
  let tailLen = 0;
  const inflater = compression === 'gzip' ? new Gunzip() : new Unzlib();
  inflater.ondata = (data) => {
    produced += data.length;
    if (produced > max) throw overLimit(compression, consumed, max);
    sum = compression === 'gzip' ? crc32(data, sum) : adler32(data, sum);
    out.push(data);
  };
  // fflate announces each member after the first; only a single member's trailer ends the input.
  if (inflater instanceof Gunzip) inflater.onmember = () => void members++;

  const push = (chunk: Uint8Array, final: boolean) => {
    try {
      inflater.push(chunk, final);
    } catch (e) {
      if (e instanceof GodiagError) throw e;
      throw fromFflate(e, compression, consumed);
    }
  };

  for await (const chunk of input) {
    consumed += chunk.length;
    if (chunk.length >= 8) {
      tail.set(chunk.subarray(chunk.length - 8));
      tailLen = 8;
    } else {
      tail.copyWithin(0, chunk.length);
      tail.set(chunk, 8 - chunk.length);
      tailLen = Math.min(8, tailLen + chunk.length);
    }
    push(chunk, false);
    yield* out.splice(0);
  }
  checkMinimumSize(compression, consumed);
  push(new Uint8Array(0), true);
  yield* out.splice(0);

  if (members === 0 && tailLen === 8) checkTrailer(compression, tail, sum, produced, consumed);
}

/** Decompresses in-memory gzip or zlib bytes synchronously (used by sync readers and `detect`). */
export function decompressSync(bytes: Uint8Array, compression: 'gzip' | 'zlib', options: DecompressOptions = {}): Uint8Array {
  const max = options.maxBytes ?? Limits.maxInputBytes;
  checkMinimumSize(compression, bytes.length);
  // gzip's trailer states the size (mod 2^32) of a single-member file: when it is plausible, inflate into
  // one buffer of that size instead of collecting pieces and copying them, which would double the peak.
  const output = new Output(compression === 'gzip' ? trailerSizedBuffer(bytes, max) : undefined);
  let members = 0;
  const inflater = compression === 'gzip' ? new Gunzip() : new Unzlib();
  inflater.ondata = (data) => {
    if (output.produced + data.length > max) throw overLimit(compression, bytes.length, max);
    output.add(data);
  };
  // fflate announces each member after the first; only a single member's trailer ends the input.
  if (inflater instanceof Gunzip) inflater.onmember = () => void members++;
  try {
    inflater.push(bytes, true);
  } catch (e) {
    if (e instanceof GodiagError) throw e;
    throw fromFflate(e, compression, bytes.length);
  }
  const result = output.result();
  if (members === 0) {
    const sum = compression === 'gzip' ? crc32(result) : adler32(result);
    checkTrailer(compression, bytes.subarray(bytes.length - 8), sum, result.length, bytes.length);
  }
  return result;
}

/**
 * Inflated output of an in-memory input: written into one buffer of the size the trailer states while it
 * fits (no join at the end, so the peak is the output, not twice it), else collected in pieces — when
 * there is no trailer size, or the data is longer than it said (several members, a wrong trailer).
 */
class Output {
  produced = 0;
  private parts: Uint8Array[] | undefined;

  constructor(private sized: Uint8Array | undefined) {
    if (sized === undefined) this.parts = [];
  }

  add(data: Uint8Array): void {
    if (this.sized !== undefined && this.produced + data.length <= this.sized.length) this.sized.set(data, this.produced);
    else {
      this.parts ??= this.sized === undefined ? [] : [this.sized.subarray(0, this.produced)];
      this.sized = undefined;
      this.parts.push(data);
    }
    this.produced += data.length;
  }

  result(): Uint8Array {
    if (this.sized !== undefined) return this.produced === this.sized.length ? this.sized : this.sized.subarray(0, this.produced);
    return concat(this.parts ?? [], this.produced);
  }
}

/**
 * A buffer of the size a gzip trailer states (mod 2^32), when that size is plausible: within the limit, and
 * at most ~1000× the compressed size (deflate's best ratio is about 1032:1).
 */
function trailerSizedBuffer(bytes: Uint8Array, max: number): Uint8Array | undefined {
  const isize = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0, true);
  return isize <= max && isize <= bytes.length * 1100 ? new Uint8Array(isize) : undefined;
}

/**
 * Decompresses in-memory gzip or zlib bytes with the runtime's native `DecompressionStream` when there is
 * one (browsers, Node ≥ 18: several times faster than JavaScript inflate), else with {@link decompressSync}.
 * Native errors carry no byte offset, so on any failure the input is decompressed again with fflate, whose
 * error names the offset (or which succeeds where the native stream is stricter, e.g. on several members).
 */
export async function decompressFast(
  bytes: Uint8Array,
  compression: 'gzip' | 'zlib',
  options: DecompressOptions = {},
): Promise<Uint8Array> {
  const max = options.maxBytes ?? Limits.maxInputBytes;
  if (typeof DecompressionStream !== 'function') return decompressSync(bytes, compression, options);
  checkMinimumSize(compression, bytes.length);
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream(compression === 'gzip' ? 'gzip' : 'deflate'));
    const reader = stream.getReader();
    const output = new Output(compression === 'gzip' ? trailerSizedBuffer(bytes, max) : undefined);
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      if (output.produced + r.value.length > max) {
        await reader.cancel();
        throw overLimit(compression, bytes.length, max);
      }
      output.add(r.value);
    }
    return output.result();
  } catch (e) {
    if (e instanceof GodiagError) throw e;
    return decompressSync(bytes, compression, options);
  }
}

/**
 * Decompresses the start of a gzip or zlib buffer, up to about `maxOut` bytes, ignoring a cut-off end.
 * Used to identify what a compressed file contains without inflating all of it.
 */
export function decompressPrefix(bytes: Uint8Array, compression: 'gzip' | 'zlib', maxOut: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let produced = 0;
  const inflater = compression === 'gzip' ? new Gunzip() : new Unzlib();
  const enough = {};
  inflater.ondata = (data) => {
    parts.push(data);
    produced += data.length;
    if (produced >= maxOut) throw enough;
  };
  let at = 0;
  try {
    for (; at < bytes.length && produced < maxOut; at += 4096) {
      inflater.push(bytes.subarray(at, at + 4096), false);
    }
  } catch (e) {
    if (e !== enough) throw fromFflate(e, compression, at);
  }
  return concat(parts, produced).subarray(0, Math.min(maxOut, produced));
}

/** Header + smallest deflate block + trailer: anything shorter cannot be a whole stream. */
const MIN_SIZE = { gzip: 10 + 2 + 8, zlib: 2 + 2 + 4 } as const;

function checkMinimumSize(compression: 'gzip' | 'zlib', size: number): void {
  if (size < MIN_SIZE[compression]) {
    throw new GodiagError(ErrorCode.Truncated, {
      format: compression,
      offset: size,
      message: `unexpected end of input: a ${compression} stream is at least ${MIN_SIZE[compression]} bytes, this one has ${size}`,
    });
  }
}

/**
 * fflate does not verify checksums, so we do: gzip ends with CRC-32 and length mod 2^32 (little-endian),
 * zlib with Adler-32 (big-endian). `tail` is the last 8 input bytes; `end` the input length.
 */
function checkTrailer(compression: 'gzip' | 'zlib', tail: Uint8Array, sum: number, produced: number, end: number): void {
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  const size = produced % 2 ** 32;
  if (compression === 'gzip') {
    const wantCrc = view.getUint32(0, true);
    const wantSize = view.getUint32(4, true);
    if (wantCrc === sum && wantSize === size) return;
    throw new GodiagError(ErrorCode.Corrupt, {
      format: 'gzip',
      offset: end - 8,
      message: `checksum mismatch: the trailer says CRC-32 ${hex(wantCrc)} over ${wantSize} bytes, the data has ${hex(sum)} over ${size} bytes`,
    });
  }
  const want = view.getUint32(4, false);
  if (want === sum) return;
  throw new GodiagError(ErrorCode.Corrupt, {
    format: 'zlib',
    offset: end - 4,
    message: `checksum mismatch: the trailer says Adler-32 ${hex(want)}, the data has ${hex(sum)}`,
  });
}

function fromFflate(e: unknown, compression: 'gzip' | 'zlib', offset: number): GodiagError {
  const code = (e as { code?: unknown }).code;
  const msg = e instanceof Error ? e.message : String(e);
  return new GodiagError(code === 0 ? ErrorCode.Truncated : ErrorCode.Corrupt, {
    format: compression,
    offset,
    message: code === 0 ? 'compressed data ends before the end of the stream' : `invalid compressed data: ${msg}`,
    cause: e,
  });
}

function overLimit(compression: 'gzip' | 'zlib', offset: number, max: number): GodiagError {
  return new GodiagError(ErrorCode.LimitExceeded, {
    format: compression,
    offset,
    message: `decompressed size exceeds the limit of ${max} bytes`,
  });
}

function hex(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}
