/**
 * The trace header as the wire readers need it: the 16 bytes, checked, turned into a {@link WireVersion}.
 * @module
 */

import { parseTraceHeader, TRACE_HEADER_BYTES } from '../header.js';
import { wireVersionFromMinor, type WireVersion } from '../spec/versions.js';

/**
 * Reads the 16-byte header at the start of `bytes`.
 * @throws GodiagError `truncated`, `not-format`, or `unsupported-version` (older formats, unknown versions).
 */
export function readWireHeader(bytes: Uint8Array): WireVersion {
  return wireVersionFromMinor(parseTraceHeader(bytes).minor, 0);
}

/** The 16 header bytes for a version: `go 1.N trace` padded with NULs. */
export function wireHeaderBytes(version: WireVersion): Uint8Array {
  const out = new Uint8Array(TRACE_HEADER_BYTES);
  const text = `go ${version} trace`;
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
