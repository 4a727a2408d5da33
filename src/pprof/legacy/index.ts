/**
 * `parseLegacyProfile`: the pre-profile.proto encodings google/pprof's `profile.ParseData` still accepts —
 * Go's `?debug=1` text profiles (heap/allocs, goroutine, threadcreate, block, mutex), the legacy binary
 * CPU profile, and the C++ and Java formats of the same family — producing the profile google/pprof
 * produces: same samples in the same order, same ids, values, labels, mappings and frame filters.
 * @module
 */

import { ErrorCode, GodiagError } from '../../internal/errors.js';
import type { Profile } from '../profile.js';
import { parseCPU } from './cpu.js';
import { addLegacyFrameInfo } from './frames.js';
import { parseJavaProfile } from './java.js';
import { checkValid, toProfile, type LegacyProfile } from './model.js';
import { parseContention, parseGoCount, parseHeap, parseThread } from './text.js';
import { Unrecognized } from './unrecognized.js';

/** google/pprof's order of trial: the first parser that recognises the input decides. */
const PARSERS: readonly ((b: Uint8Array) => LegacyProfile)[] = [
  parseCPU,
  parseHeap,
  parseGoCount,
  parseThread,
  parseContention,
  parseJavaProfile,
];

/**
 * Parses a legacy (pre-protobuf) profile: Go's text profiles from `/debug/pprof/<name>?debug=1` (heap,
 * allocs, goroutine, threadcreate, block, mutex, with any memory map), the legacy binary CPU profile
 * (32/64-bit, either byte order), and the C++ (heapz, growthz, contentionz, threadz) and Java (cpu,
 * heapz, contentionz) formats. The input must be uncompressed.
 *
 * Throws a {@link GodiagError}: `not-format` when no legacy format recognises the input, `corrupt` when a
 * recognised profile is malformed (the offset is that of the offending line), `limit-exceeded` for a line
 * of 64 KiB or more (google/pprof's line scanner rejects those too).
 */
export function parseLegacyProfile(bytes: Uint8Array): Profile {
  for (const parse of PARSERS) {
    let p: LegacyProfile;
    try {
      p = parse(bytes);
    } catch (e) {
      if (e instanceof Unrecognized) continue;
      throw e;
    }
    addLegacyFrameInfo(p);
    checkValid(p, 0);
    return toProfile(p);
  }
  throw new GodiagError(ErrorCode.NotFormat, {
    format: 'pprof',
    offset: 0,
    message: `expected a legacy profile (a text profile header such as "heap profile:", "goroutine profile: total N" or "--- mutex:", or a binary CPU profile header 0, 3, 0, period, 0), found ${describeStart(bytes)}`,
  });
}

function describeStart(b: Uint8Array): string {
  if (b.length === 0) return 'empty input';
  const head = b.subarray(0, Math.min(b.length, 24));
  const printable = head.every((c) => c === 0x09 || c === 0x0a || c === 0x0d || (c >= 0x20 && c < 0x7f));
  if (printable) return JSON.stringify(new TextDecoder().decode(head) + (b.length > head.length ? '…' : ''));
  return `bytes ${Array.from(head.subarray(0, 16), (c) => c.toString(16).padStart(2, '0')).join(' ')}`;
}
