/**
 * Reading a profile from any input: gzip is removed (streaming), then profile.proto is decoded and
 * validated. This is google/pprof's `ParseData` for the protobuf encoding.
 * @module
 */

import { decompressSync, detectCompression, maybeDecompress } from '../internal/compression.js';
import { ErrorCode, GodiagError } from '../internal/errors.js';
import { chunks, readAll, type InputOptions, type Source } from '../internal/input.js';
import { Limits } from '../internal/limits.js';
import { decodeProfile } from './decode.js';
import type { Profile } from './profile.js';

/** Options for {@link parseProfile}. */
export interface ParseProfileOptions extends InputOptions {
  /** Largest uncompressed profile accepted; default `Limits.maxInputBytes`. */
  maxBytes?: number;
}

/** Reads a profile (gzip-compressed, as Go writes it, or raw protobuf) from any source. */
export async function parseProfile(source: Source, options: ParseProfileOptions = {}): Promise<Profile> {
  const maxBytes = options.maxBytes ?? Limits.maxInputBytes;
  const { compression, chunks: body } = await maybeDecompress(chunks(source, options), { maxBytes });
  if (compression === 'zlib') throw zlibNotProfile();
  return decodeProfile(await readAll(body, { maxBytes }));
}

/** Reads a profile from bytes in memory, synchronously. */
export function parseProfileBytes(bytes: Uint8Array, options: { maxBytes?: number } = {}): Profile {
  const compression = detectCompression(bytes);
  if (compression === 'zlib') throw zlibNotProfile();
  return decodeProfile(compression === 'gzip' ? decompressSync(bytes, 'gzip', options) : bytes);
}

function zlibNotProfile(): GodiagError {
  return new GodiagError(ErrorCode.NotFormat, {
    format: 'pprof',
    offset: 0,
    message: 'zlib-compressed data: a profile is gzip-compressed or raw protobuf',
  });
}
