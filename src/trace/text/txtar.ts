/**
 * The txtar container Go's trace tests are stored in (`.test` files: an `expect` part and a `trace` part).
 *
 * A txtar archive is a comment followed by files; each file starts with a marker line `-- NAME --` and runs to
 * the next marker. Every byte sequence is a valid archive, so parsing never fails. Works on bytes so that the
 * parts come back exactly as they were stored.
 * @module
 */

import { isSpace } from './unicode.js';
import { decodeRune } from './strconv.js';

/** One file of a {@link Txtar} archive. */
export interface TxtarFile {
  /** The file name from its marker line, with surrounding white space removed. */
  name: string;
  /** The file's content: the lines up to the next marker (ending in a newline unless empty). */
  data: Uint8Array;
}

/** A parsed txtar archive. */
export interface Txtar {
  /** The text before the first marker line. */
  comment: Uint8Array;
  /** The files in archive order. */
  files: TxtarFile[];
}

const NL = 0x0a;

/** Parses a txtar archive (as Go's `txtar.Parse`). A missing final newline is treated as present. */
export function parseTxtar(input: Uint8Array | string): Txtar {
  const data = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const first = nextMarker(data, 0);
  const archive: Txtar = { comment: first.before, files: [] };
  let m = first;
  while (m.name !== undefined) {
    const name = m.name;
    m = nextMarker(data, m.after);
    archive.files.push({ name, data: m.before });
  }
  return archive;
}

interface Found {
  /** Content before the marker (with a final newline added at the end of input). */
  before: Uint8Array;
  /** The marker's file name, or undefined at the end of input. */
  name?: string;
  /** Index just after the marker line. */
  after: number;
}

function nextMarker(data: Uint8Array, from: number): Found {
  let i = from;
  for (;;) {
    const m = markerAt(data, i);
    if (m !== undefined) return { before: data.subarray(from, i), name: m.name, after: m.after };
    // Markers only start at the beginning of a line.
    const nl = data.indexOf(NL, i);
    if (nl < 0 || nl + 1 >= data.length) return { before: withFinalNewline(data.subarray(from)), after: data.length };
    i = nl + 1;
  }
}

/** The marker line starting at `at`, if there is one: `-- ` + name + ` --` with a non-empty trimmed name. */
function markerAt(data: Uint8Array, at: number): { name: string; after: number } | undefined {
  if (data[at] !== 0x2d || data[at + 1] !== 0x2d || data[at + 2] !== 0x20) return undefined;
  const nl = data.indexOf(NL, at);
  const lineEnd = nl < 0 ? data.length : nl;
  const after = nl < 0 ? data.length : nl + 1;
  if (lineEnd - at < 6 || data[lineEnd - 3] !== 0x20 || data[lineEnd - 2] !== 0x2d || data[lineEnd - 1] !== 0x2d) return undefined;
  const name = trimSpace(data.subarray(at + 3, lineEnd - 3));
  return name === '' ? undefined : { name, after };
}

/** Go's `strings.TrimSpace` of bytes, decoded as UTF-8 (ill-formed bytes become U+FFFD). */
function trimSpace(b: Uint8Array): string {
  let start = 0;
  while (start < b.length) {
    const d = decodeRune(b, start);
    if (!isSpace(Math.floor(d / 8))) break;
    start += d % 8;
  }
  let end = b.length;
  // Walk back over trailing white space; all of Go's space runes are at most 3 bytes long.
  while (end > start) {
    let k = end - 1;
    while (k > start && end - k < 3 && (b[k]! & 0xc0) === 0x80) k--;
    const d = decodeRune(b, k);
    if (k + (d % 8) !== end || !isSpace(Math.floor(d / 8))) break;
    end = k;
  }
  return new TextDecoder().decode(b.subarray(start, end));
}

function withFinalNewline(b: Uint8Array): Uint8Array {
  if (b.length === 0 || b[b.length - 1] === NL) return b;
  const out = new Uint8Array(b.length + 1);
  out.set(b);
  out[b.length] = NL;
  return out;
}

/**
 * Writes a txtar archive (as Go's `txtar.Format`): the comment, then each file's marker line and content, with
 * a final newline added to any non-empty part that lacks one. Names must be non-empty and no part may contain
 * a marker line, or the archive will not read back the same.
 */
export function formatTxtar(archive: Txtar): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [withFinalNewline(archive.comment)];
  for (const f of archive.files) {
    parts.push(enc.encode(`-- ${f.name} --\n`), withFinalNewline(f.data));
  }
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
