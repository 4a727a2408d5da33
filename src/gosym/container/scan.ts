/**
 * Chunked scans of an executable's file-backed segments: how stripped binaries give up their pclntab,
 * moduledata and build info without being read whole at once.
 * @module
 */

import type { Executable, ExecutableSegment } from './types.js';

/** Bytes read per step of a scan. */
export const SCAN_CHUNK = 1 << 20;

/**
 * Calls `visit(chunk, chunkAddr)` over the file bytes of `[from, to)` (addresses within one segment) in
 * chunks that overlap by `overlap` bytes, so a match of up to `overlap + 1` bytes is never split.
 * Stops early when `visit` returns a value other than `undefined`, and returns it.
 */
export async function scanRange<T>(
  exe: Executable,
  from: bigint,
  to: bigint,
  overlap: number,
  visit: (chunk: Uint8Array, chunkAddr: bigint) => Promise<T | undefined> | T | undefined,
): Promise<T | undefined> {
  let at = from;
  while (at < to) {
    const len = Number(to - at < BigInt(SCAN_CHUNK) ? to - at : BigInt(SCAN_CHUNK));
    const chunk = await exe.readAddress(at, len);
    const found = await visit(chunk, at);
    if (found !== undefined) return found;
    if (at + BigInt(len) >= to) break;
    at += BigInt(Math.max(1, len - overlap));
  }
  return undefined;
}

/** The file-backed extent of a segment as addresses. */
export function fileExtent(seg: ExecutableSegment): [bigint, bigint] {
  return [seg.addr, seg.addr + BigInt(seg.fileSize)];
}

/**
 * File-backed segments in the order a scan for read-only Go tables should try them: read-only data,
 * then writable data, then code (old toolchains put the pclntab in the text segment).
 */
export function segmentsForRodata(exe: Executable): ExecutableSegment[] {
  const rank = (s: ExecutableSegment) => (s.executable ? 2 : s.writable ? 1 : 0);
  return exe.segments.filter((s) => s.fileSize > 0).sort((a, b) => rank(a) - rank(b));
}

/** File-backed segments for a scan for writable Go data (moduledata): writable first, then the rest. */
export function segmentsForData(exe: Executable): ExecutableSegment[] {
  const rank = (s: ExecutableSegment) => (s.writable && !s.executable ? 0 : s.executable ? 2 : 1);
  return exe.segments.filter((s) => s.fileSize > 0).sort((a, b) => rank(a) - rank(b));
}

/** True if `addr` lies in an executable segment (code). */
export function inCode(exe: Executable, addr: bigint): boolean {
  return exe.segments.some((s) => s.executable && addr >= s.addr && addr < s.addr + BigInt(s.size));
}
