/**
 * gzip and zlib, detected by their magic bytes and decompressed as a stream (fflate).
 *
 * Decompressed output counts against `Limits.maxInputBytes` (or a caller's lower limit) so a small
 * "zip bomb" cannot exhaust memory; gzip's CRC-32 and length trailer are verified for single-member files.
 * @module
 */

import { Gunzip, Unzlib } from 'fflate';
import { ErrorCode, GodiagError } from './errors.js';
import { Limits } from './limits.js';
import { StreamReader } from './stream-reader.js';
import { crc32 } from './crc32.js';
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
  compression: Compression;
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
  let crc = 0;
  const tail = new Uint8Array(8); // last 8 compressed bytes: gzip's CRC-32 and ISIZE
  let tailLen = 0;
  const inflater = compression === 'gzip' ? new Gunzip() : new Unzlib();
  inflater.ondata = (data) => {
    produced += data.length;
    if (produced > max) throw overLimit(compression, consumed, max);
    if (compression === 'gzip') crc = crc32(data, crc);
    out.push(data);
  };
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
  push(new Uint8Array(0), true);
  yield* out.splice(0);

  if (compression === 'gzip' && members <= 1 && tailLen === 8) {
    const view = new DataView(tail.buffer);
    checkTrailer(view.getUint32(0, true), view.getUint32(4, true), crc, produced, consumed - 8);
  }
}

/** Decompresses in-memory gzip or zlib bytes synchronously (used by sync readers and `detect`). */
export function decompressSync(bytes: Uint8Array, compression: 'gzip' | 'zlib', options: DecompressOptions = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  const max = options.maxBytes ?? Limits.maxInputBytes;
  let produced = 0;
  let members = 0;
  const inflater = compression === 'gzip' ? new Gunzip() : new Unzlib();
  inflater.ondata = (data) => {
    produced += data.length;
    if (produced > max) throw overLimit(compression, bytes.length, max);
    parts.push(data);
  };
  if (inflater instanceof Gunzip) inflater.onmember = () => void members++;
  try {
    inflater.push(bytes, true);
  } catch (e) {
    if (e instanceof GodiagError) throw e;
    throw fromFflate(e, compression, bytes.length);
  }
  const out = concat(parts, produced);
  if (compression === 'gzip' && members <= 1 && bytes.length >= 8) {
    const view = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 8, 8);
    checkTrailer(view.getUint32(0, true), view.getUint32(4, true), crc32(out), produced, bytes.length - 8);
  }
  return out;
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
  try {
    for (let at = 0; at < bytes.length && produced < maxOut; at += 4096) {
      inflater.push(bytes.subarray(at, at + 4096), false);
    }
  } catch (e) {
    if (e !== enough) throw fromFflate(e, compression, 0);
  }
  return concat(parts, produced).subarray(0, Math.min(maxOut, produced));
}

function checkTrailer(wantCrc: number, wantSize: number, crc: number, produced: number, offset: number): void {
  const size = produced % 2 ** 32;
  if (wantCrc !== crc || wantSize !== size) {
    throw new GodiagError(ErrorCode.Corrupt, {
      format: 'gzip',
      offset,
      message: `checksum mismatch: the trailer says CRC-32 ${hex(wantCrc)} over ${wantSize} bytes, the data has ${hex(crc)} over ${size} bytes`,
    });
  }
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
