/**
 * Reading a profile from any input, as google/pprof's `ParseData`: gzip is removed (streaming), then the
 * bytes are decoded as profile.proto; if that fails, the legacy encodings (Go's `?debug=1` text profiles,
 * the legacy CPU format, C++ and Java formats) are tried.
 * @module
 */

import { decompressFast, decompressSync, detectCompression, maybeDecompress } from '../internal/compression.js';
import { ErrorCode, GodiagError } from '../internal/errors.js';
import { chunks, readAll, sourceSize, type InputOptions, type Source } from '../internal/input.js';
import { Limits } from '../internal/limits.js';
import { decodeProfile } from './decode.js';
import { parseLegacyProfile } from './legacy/index.js';
import type { Profile } from './profile.js';

/** Options for {@link parseProfile}. */
export interface ParseProfileOptions extends InputOptions {
  /** Largest uncompressed profile accepted; default `Limits.maxInputBytes`. */
  maxBytes?: number;
}

/** Reads a profile (gzip-compressed, as Go writes it, or raw protobuf) from any source. */
export async function parseProfile(source: Source, options: ParseProfileOptions = {}): Promise<Profile> {
  const maxBytes = options.maxBytes ?? Limits.maxInputBytes;
  if (sourceSize(source) !== undefined) {
    // A source of known size is small while compressed: read it whole and inflate it in one go, natively
    // where the runtime can.
    const bytes = await readAll(source, options);
    const compression = detectCompression(bytes);
    if (compression === 'zlib') throw zlibNotProfile();
    return decodeAny(compression === 'gzip' ? await decompressFast(bytes, 'gzip', { maxBytes }) : bytes);
  }
  const { compression, chunks: body } = await maybeDecompress(chunks(source, options), { maxBytes });
  if (compression === 'zlib') throw zlibNotProfile();
  return decodeAny(await readAll(body, { maxBytes }));
}

/** Reads a profile from bytes in memory, synchronously. */
export function parseProfileBytes(bytes: Uint8Array, options: { maxBytes?: number } = {}): Profile {
  const compression = detectCompression(bytes);
  if (compression === 'zlib') throw zlibNotProfile();
  return decodeAny(compression === 'gzip' ? decompressSync(bytes, 'gzip', options) : bytes);
}

/**
 * profile.proto first, then the legacy encodings — except after an empty input or concatenated profiles,
 * which google/pprof reports without trying legacy parsers. When no legacy parser recognises the bytes,
 * the protobuf error (with its offset) is the more useful one to report.
 */
function decodeAny(bytes: Uint8Array): Profile {
  try {
    return decodeProfile(bytes);
  } catch (protoError) {
    if (!(protoError instanceof GodiagError) || bytes.length === 0 || /concatenated profiles/.test(protoError.detail)) throw protoError;
    try {
      return parseLegacyProfile(bytes);
    } catch (legacyError) {
      if (legacyError instanceof GodiagError && legacyError.code === ErrorCode.NotFormat) throw protoError;
      throw legacyError;
    }
  }
}

function zlibNotProfile(): GodiagError {
  return new GodiagError(ErrorCode.NotFormat, {
    format: 'pprof',
    offset: 0,
    message: 'zlib-compressed data: a profile is gzip-compressed or raw protobuf',
  });
}
