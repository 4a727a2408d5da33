/**
 * The memory image of a core: which bytes back each address, layered as golang.org/x/debug's internal/core
 * layers them, and reads through that map.
 *
 * Layers, highest first:
 * 1. the core's `PT_LOAD` segments, for their first `p_filesz` bytes;
 * 2. for the rest of a core segment (`p_memsz > p_filesz`): the file `NT_FILE` says is mapped there (the
 *    executable, or a file the caller supplies), at the offset `NT_FILE` gives; if that file was not given,
 *    the bytes are *unavailable*. Where no file is mapped, the kernel left the bytes out because the
 *    mapping was anonymous memory that was never written (no page was ever faulted in) or was marked
 *    `MADV_DONTDUMP`: such bytes read as zero, as x/debug reads them (the mapping's backing says `zero`, so a
 *    caller can tell);
 * 3. the executable's own `PT_LOAD` segments (moved by the load bias), where no core segment covers an
 *    address at all (a core that left out a mapping entirely): file bytes, then zeros for `.bss`.
 *
 * Core segments without any access rights (the runtime's `PROT_NONE` address-space reservations) are
 * listed but never read: reading them is unavailable, as it would fault in the process. Core segments whose
 * file data lies past the end of the core file (a core cut short by a disk quota or `ulimit -c`) are
 * unavailable from the first missing byte. Nothing is ever read as garbage.
 * @module
 */

import type { RandomAccess, ReadHint } from '../internal/random-access.js';
import type { FileMapping } from './notes.js';

/** Access rights of a mapping. */
export interface Permissions {
  /** Readable. */
  read: boolean;
  /** Writable. */
  write: boolean;
  /** Executable. */
  exec: boolean;
}

/** Bytes held by the core file. */
export interface CoreBacking {
  /** Discriminant. */
  kind: 'core';
  /** File offset in the core of the mapping's first byte. */
  offset: number;
}

/** Bytes read from the executable given to `openCore`. */
export interface ExecutableBacking {
  /** Discriminant. */
  kind: 'executable';
  /** File offset in the executable of the mapping's first byte. */
  offset: number;
}

/** Bytes read from another mapped file, supplied through `files`. */
export interface FileBacking {
  /** Discriminant. */
  kind: 'file';
  /** The path `NT_FILE` names. */
  path: string;
  /** File offset of the mapping's first byte. */
  offset: number;
}

/** Zeros: anonymous memory the core left out (never written, or `MADV_DONTDUMP`), or the executable's `.bss`. */
export interface ZeroBacking {
  /** Discriminant. */
  kind: 'zero';
  /** `omitted` (left out of the core) or `bss` (the zero-filled tail of an executable segment). */
  reason: 'omitted' | 'bss';
}

/** No bytes: reading fails with {@link UnavailableMemoryError}. */
export interface UnavailableBacking {
  /** Discriminant. */
  kind: 'unavailable';
  /** `no-access` (no rights), `file-not-given` (a mapped file the caller did not supply), `core-truncated`. */
  reason: 'no-access' | 'file-not-given' | 'core-truncated';
  /** The file, for `file-not-given`. */
  path?: string;
}

/** Where the bytes of a mapping come from. */
export type Backing = CoreBacking | ExecutableBacking | FileBacking | ZeroBacking | UnavailableBacking;

/** The file `NT_FILE` says is mapped at a range. */
export interface MappedFileRef {
  /** Its path when the core was written. */
  path: string;
  /** Offset in the file of the range's first byte. */
  offset: bigint;
}

/** One range of the address space with uniform rights and backing. */
export interface Mapping {
  /** First address. */
  start: bigint;
  /** End address (exclusive). */
  end: bigint;
  /** Access rights (from the core's segment flags; the executable's for ranges only it covers). */
  perm: Permissions;
  /** `r-x`-style text of {@link perm}. */
  permText: string;
  /** Where the bytes come from. */
  backing: Backing;
  /** The file `NT_FILE` says is mapped here, and the offset of `start` in it, also when the core holds the bytes. */
  file?: MappedFileRef;
}

/**
 * Thrown by `Core.read` when a byte of the range has no data: not mapped, or mapped without data (see
 * {@link Backing}). Not a `GodiagError`: the core is well-formed, the process just did not leave
 * these bytes.
 */
export class UnavailableMemoryError extends Error {
  /** The address asked for. */
  readonly address: bigint;
  /** The length asked for. */
  readonly length: number;
  /** The first address without data. */
  readonly at: bigint;
  /** Why: `unmapped` or a reason of the `unavailable` backing. */
  readonly reason: 'unmapped' | 'no-access' | 'file-not-given' | 'core-truncated';

  constructor(address: bigint, length: number, at: bigint, reason: UnavailableMemoryError['reason'], path?: string) {
    const why = {
      unmapped: 'is not mapped in the core',
      'no-access': 'is in a mapping without access rights',
      'file-not-given': `is in a mapping of ${path ?? 'a file'} whose bytes the core does not hold and the file was not given`,
      'core-truncated': 'lies in a segment whose data is past the end of the (truncated) core file',
    }[reason];
    super(`core: memory at 0x${at.toString(16)} ${why} (reading ${length} bytes at 0x${address.toString(16)})`);
    this.name = 'UnavailableMemoryError';
    this.address = address;
    this.length = length;
    this.at = at;
    this.reason = reason;
  }
}

/** True if `e` is an {@link UnavailableMemoryError}. */
export function isUnavailable(e: unknown): e is UnavailableMemoryError {
  return e instanceof UnavailableMemoryError;
}

/** A piece of the image under construction. */
interface Piece {
  start: bigint;
  end: bigint;
  perm: Permissions;
  backing: Backing | 'absent';
}

/** A segment as the image builder sees it. */
export interface ImageSegment {
  vaddr: bigint;
  memsz: bigint;
  filesz: bigint;
  offset: number;
  perm: Permissions;
}

/** Inputs of {@link buildImage}. */
export interface ImageInputs {
  /** The core's `PT_LOAD` segments. */
  coreSegments: readonly ImageSegment[];
  /** Size of the core file. */
  coreSize: number;
  /** `NT_FILE` mappings, if any. */
  files: readonly FileMapping[];
  /** The executable's `PT_LOAD` segments moved by the load bias, when an executable was given. */
  exeSegments: readonly ImageSegment[];
  /** The `NT_FILE` path of the executable, when known. */
  exePath: string | undefined;
  /** Whether the executable was given. */
  haveExe: boolean;
  /** Whether the caller can supply this mapped file. */
  haveFile(path: string): boolean;
}

/** `r-x`-style text of rights. */
export function permText(p: Permissions): string {
  return (p.read ? 'r' : '-') + (p.write ? 'w' : '-') + (p.exec ? 'x' : '-');
}

/** A sorted list of non-overlapping pieces where later additions override earlier ones (x/debug's splicing). */
class Splice {
  pieces: Piece[] = [];

  /** Index of the first piece ending after `addr` (pieces are sorted, so their ends are too). */
  private firstEndingAfter(addr: bigint): number {
    let lo = 0;
    let hi = this.pieces.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.pieces[mid]!.end <= addr) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  add(p: Piece): void {
    if (p.end <= p.start) return;
    // Cores list their segments in address order: most additions land past the end.
    const i = this.firstEndingAfter(p.start);
    let j = i;
    const replaced: Piece[] = [];
    while (j < this.pieces.length && this.pieces[j]!.start < p.end) j++;
    const first = this.pieces[i];
    if (i < j && first!.start < p.start) replaced.push({ ...first!, end: p.start });
    replaced.push(p);
    const last = this.pieces[j - 1];
    if (i < j && last!.end > p.end) replaced.push(shift({ ...last! }, p.end));
    this.pieces.splice(i, j - i, ...replaced);
  }

  /** Splits pieces at `addr` so that no piece straddles it. */
  splitAt(addr: bigint): void {
    const i = this.firstEndingAfter(addr);
    const q = this.pieces[i];
    if (q === undefined || !(q.start < addr && addr < q.end)) return;
    this.pieces.splice(i, 1, { ...q, end: addr }, shift({ ...q }, addr));
  }
}

/** The piece `q` with its start moved to `to` (backing offsets move along). */
function shift(q: Piece, to: bigint): Piece {
  const d = to - q.start;
  const b = q.backing;
  let backing: Piece['backing'] = b;
  if (b !== 'absent' && (b.kind === 'core' || b.kind === 'executable' || b.kind === 'file')) {
    backing = { ...b, offset: b.offset + Number(d) };
  }
  return { start: to, end: q.end, perm: q.perm, backing };
}

/** Builds the layered map of the address space (see the module comment). */
export function buildImage(inputs: ImageInputs): Mapping[] {
  const s = new Splice();
  for (const e of inputs.exeSegments) {
    const fileEnd = e.vaddr + e.filesz;
    s.add({ start: e.vaddr, end: fileEnd, perm: e.perm, backing: { kind: 'executable', offset: e.offset } });
    s.add({ start: fileEnd, end: e.vaddr + e.memsz, perm: e.perm, backing: { kind: 'zero', reason: 'bss' } });
  }
  for (const g of inputs.coreSegments) {
    const end = g.vaddr + g.memsz;
    if (!g.perm.read && !g.perm.write && !g.perm.exec) {
      s.add({ start: g.vaddr, end, perm: g.perm, backing: { kind: 'unavailable', reason: 'no-access' } });
      continue;
    }
    // File data past the end of the core is missing, not zero.
    const present = BigInt(Math.max(0, Math.min(Number(g.filesz), inputs.coreSize - g.offset)));
    const fileEnd = g.vaddr + g.filesz;
    s.add({ start: g.vaddr, end: g.vaddr + present, perm: g.perm, backing: { kind: 'core', offset: g.offset } });
    s.add({ start: g.vaddr + present, end: fileEnd, perm: g.perm, backing: { kind: 'unavailable', reason: 'core-truncated' } });
    s.add({ start: fileEnd, end, perm: g.perm, backing: 'absent' });
  }
  for (const f of inputs.files) {
    s.splitAt(f.start);
    s.splitAt(f.end);
  }
  // So that each piece lies inside or outside an executable segment's file bytes, for cores without NT_FILE.
  for (const e of inputs.exeSegments) {
    s.splitAt(e.vaddr);
    s.splitAt(e.vaddr + e.filesz);
  }
  const files = [...inputs.files].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const fileAt = (p: Piece): FileMapping | undefined => {
    // The last mapping starting at or before the piece; pieces were split at every mapping boundary.
    let lo = 0;
    let hi = files.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (files[mid]!.start <= p.start) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo - 1; k >= 0 && k >= lo - 8; k--) {
      const m = files[k]!;
      if (m.start <= p.start && p.end <= m.end) return m;
    }
    return undefined;
  };
  const out: Mapping[] = [];
  for (const p of s.pieces) {
    const f = fileAt(p);
    const file = f === undefined ? undefined : { path: f.path, offset: f.fileOffset + (p.start - f.start) };
    let backing: Backing;
    if (p.backing !== 'absent') {
      backing = p.backing;
    } else if (file !== undefined) {
      if (inputs.haveExe && file.path === inputs.exePath) backing = { kind: 'executable', offset: safeOffset(file.offset) };
      else if (inputs.haveFile(file.path)) backing = { kind: 'file', path: file.path, offset: safeOffset(file.offset) };
      else backing = { kind: 'unavailable', reason: 'file-not-given', path: file.path };
    } else {
      // No file: anonymous memory the kernel did not write. The executable's segments still describe
      // what a core without NT_FILE left out of the executable's own mappings.
      const e = inputs.exeSegments.find((x) => x.vaddr <= p.start && p.end <= x.vaddr + x.filesz);
      backing = e !== undefined ? { kind: 'executable', offset: e.offset + Number(p.start - e.vaddr) } : { kind: 'zero', reason: 'omitted' };
    }
    const m: Mapping = { start: p.start, end: p.end, perm: p.perm, permText: permText(p.perm), backing };
    if (file !== undefined) m.file = file;
    out.push(m);
  }
  return merge(out);
}

function safeOffset(v: bigint): number {
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}

/** Joins neighbours that continue each other (same rights, same source, contiguous offsets). */
function merge(ms: Mapping[]): Mapping[] {
  const out: Mapping[] = [];
  for (const m of ms) {
    const k = out[out.length - 1];
    if (k !== undefined && k.end === m.start && k.permText === m.permText && continues(k, m)) {
      k.end = m.end;
    } else {
      out.push({ ...m });
    }
  }
  return out;
}

function continues(a: Mapping, b: Mapping): boolean {
  const len = Number(a.end - a.start);
  if ((a.file === undefined) !== (b.file === undefined)) return false;
  if (a.file !== undefined && b.file !== undefined && (a.file.path !== b.file.path || a.file.offset + BigInt(len) !== b.file.offset)) return false;
  const x = a.backing;
  const y = b.backing;
  if (x.kind !== y.kind) return false;
  switch (x.kind) {
    case 'core':
    case 'executable':
      return x.offset + len === (y as typeof x).offset;
    case 'file':
      return x.path === (y as typeof x).path && x.offset + len === (y as typeof x).offset;
    case 'zero':
      return x.reason === (y as typeof x).reason;
    case 'unavailable':
      return x.reason === (y as typeof x).reason && x.path === (y as typeof x).path;
  }
}

/** Sources of bytes for {@link readImage}. */
export interface ImageSources {
  core: RandomAccess;
  executable: RandomAccess | undefined;
  file(path: string): RandomAccess | undefined;
}

/** Index of the mapping containing `addr` in sorted `ms`, or −1. */
export function findMapping(ms: readonly Mapping[], addr: bigint): number {
  let lo = 0;
  let hi = ms.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ms[mid]!.end <= addr) lo = mid + 1;
    else hi = mid;
  }
  return lo < ms.length && ms[lo]!.start <= addr ? lo : -1;
}

/** Reads `length` bytes at `address` through the map, or throws {@link UnavailableMemoryError}. */
export async function readImage(ms: readonly Mapping[], src: ImageSources, address: bigint, length: number, hint?: ReadHint): Promise<Uint8Array> {
  if (length === 0) return new Uint8Array(0);
  const end = address + BigInt(length);
  let i = findMapping(ms, address);
  if (i < 0) throw new UnavailableMemoryError(address, length, address, 'unmapped');
  // One mapping: return the source's bytes directly.
  const first = ms[i]!;
  if (end <= first.end) return readPiece(first, src, address, length, address, length, hint);
  const out = new Uint8Array(length);
  let at = address;
  while (at < end) {
    const m = ms[i];
    if (m === undefined || m.start > at) throw new UnavailableMemoryError(address, length, at, 'unmapped');
    const n = Number((m.end < end ? m.end : end) - at);
    out.set(await readPiece(m, src, at, n, address, length, hint), Number(at - address));
    at += BigInt(n);
    i++;
  }
  return out;
}

async function readPiece(m: Mapping, src: ImageSources, at: bigint, n: number, address: bigint, length: number, hint: ReadHint | undefined): Promise<Uint8Array> {
  const rel = Number(at - m.start);
  const b = m.backing;
  switch (b.kind) {
    case 'core':
      return src.core.read(b.offset + rel, n, hint);
    case 'executable':
    case 'file': {
      const ra = b.kind === 'executable' ? src.executable : src.file(b.path);
      if (ra === undefined) throw new UnavailableMemoryError(address, length, at, 'file-not-given', b.kind === 'file' ? b.path : undefined);
      const off = b.offset + rel;
      // A mapping may run past the end of its file (the last page of a file mapped whole): those bytes
      // would fault in the process; here they are zeros up to the mapping's end, as the kernel shows them.
      if (off >= ra.size) return new Uint8Array(n);
      if (off + n > ra.size) {
        const out = new Uint8Array(n);
        out.set(await ra.read(off, ra.size - off, hint));
        return out;
      }
      return ra.read(off, n, hint);
    }
    case 'zero':
      return new Uint8Array(n);
    case 'unavailable':
      throw new UnavailableMemoryError(address, length, at, b.reason, b.path);
  }
}
