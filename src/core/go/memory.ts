/**
 * Typed reads of the core's memory for the Go layer: words, strings, and struct fields by DWARF layout.
 * @module
 */

import type { Core } from '../elf-core.js';
import type { StructLayout } from '../dwarf/index.js';
import { ErrorCode, GodiagError } from '../../internal/errors.js';
import { decodeUtf8 } from '../../internal/utf8.js';
import { isUnavailable } from '../memory.js';
import type { ReadHint } from '../../internal/random-access.js';

/** A struct read out of memory: its bytes and layout, read field by field. */
export class StructView {
  private readonly dv: DataView;
  /** @internal */
  constructor(
    /** Address the struct was read from. */
    readonly address: bigint,
    private readonly bytes: Uint8Array,
    private readonly layout: StructLayout,
    private readonly name: string,
    private readonly little: boolean,
  ) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Offset of a field (a dotted path through nested structs is not needed: callers add offsets). */
  offset(field: string): number {
    const f = this.layout.fields.get(field);
    if (f === undefined) throw new GodiagError(ErrorCode.UnsupportedVersion, { format: 'core', offset: 0, message: `core: the executable's DWARF has no field ${this.name}.${field}` });
    return f.offset;
  }

  /** True when DWARF records the field (fields come and go between Go releases). */
  has(field: string): boolean {
    return this.layout.fields.has(field);
  }

  /** An unsigned integer of `size` bytes (1, 2, 4, 8) at byte `off` of the struct. */
  uint(off: number, size: number): bigint {
    if (off < 0 || off + size > this.bytes.length) throw new RangeError(`${this.name}: read of ${size} bytes at ${off} outside its ${this.bytes.length} bytes`);
    switch (size) {
      case 1:
        return BigInt(this.dv.getUint8(off));
      case 2:
        return BigInt(this.dv.getUint16(off, this.little));
      case 4:
        return BigInt(this.dv.getUint32(off, this.little));
      default:
        return this.dv.getBigUint64(off, this.little);
    }
  }

  /** A field as an unsigned integer of the size DWARF gives it (8 when DWARF has no size). */
  field(name: string, extra = 0): bigint {
    const f = this.layout.fields.get(name);
    if (f === undefined) return this.uint(this.offset(name), 8);
    const size = f.size === 1 || f.size === 2 || f.size === 4 ? f.size : 8;
    return this.uint(f.offset + extra, size);
  }
}

/** Reads memory of a 64-bit core in its byte order. */
export class CoreMemory {
  private readonly little: boolean;
  /** @internal */
  constructor(private readonly core: Core) {
    this.little = core.byteOrder === 'little';
  }

  /** Raw bytes (rejects with `UnavailableMemoryError` where the core has none); `hint` goes to the core's input. */
  read(address: bigint, length: number, hint?: ReadHint): Promise<Uint8Array> {
    return this.core.read(address, length, hint);
  }

  /** A 64-bit word. */
  async u64(address: bigint): Promise<bigint> {
    const b = await this.core.read(address, 8);
    return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, this.little);
  }

  /** `count` consecutive 64-bit words. */
  async words(address: bigint, count: number): Promise<bigint[]> {
    const b = await this.core.read(address, count * 8);
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const out: bigint[] = [];
    for (let i = 0; i < count; i++) out.push(dv.getBigUint64(i * 8, this.little));
    return out;
  }

  /** A Go string (pointer, length) at `address`, at most `max` bytes of it; undefined where unreadable. */
  async goString(address: bigint, max = 4096): Promise<string | undefined> {
    try {
      const [ptr, len] = await this.words(address, 2);
      if (ptr === undefined || len === undefined || len > BigInt(max)) return undefined;
      if (len === 0n) return '';
      return decodeUtf8(await this.core.read(ptr, Number(len)));
    } catch {
      return undefined;
    }
  }

  /**
   * A reader of words for an unwind (see {@link BlockWords}); `stack`: the goroutine's stack bounds, so that
   * reads inside it run to its top in one piece.
   */
  blockWords(stack?: { lo: bigint; hi: bigint }): BlockWords {
    return new BlockWords(this, this.little, stack);
  }

  /** A struct of `layout` at `address`. */
  async struct(address: bigint, layout: StructLayout, name: string): Promise<StructView> {
    return new StructView(address, await this.core.read(address, layout.size), layout, name, this.little);
  }
}

const ONCE: ReadHint = { once: true };

/**
 * Outside a known stack, reads run to the end of the word's 2 KiB-aligned block: no mapping boundary falls
 * inside one (mappings are page-aligned), nor the end of a goroutine stack (at least 2 KiB, aligned to its size).
 */
const BLOCK = 2048n;

/** Longest read inside a known stack: deep stacks are read in pieces of this size. */
const MAX_RUN = 16384n;

/**
 * 64-bit words read through the last piece of memory fetched: an unwind reads one or two words a frame, going up
 * the stack, so each miss reads from the word upwards — to the top of the goroutine's stack when the word is in
 * it (the used part of a stack is one read), else to the end of its 2 KiB block. One read of the core instead of
 * one a frame, and never bytes past the stack's top (a neighbouring stack).
 * Where the piece cannot be read whole (part of it outside the core), the word alone is read.
 */
export class BlockWords {
  private base = -1n;
  private dv: DataView | undefined;
  /** @internal */
  constructor(
    private readonly mem: CoreMemory,
    private readonly little: boolean,
    private readonly stack?: { lo: bigint; hi: bigint },
  ) {}

  /** The word at `address` (rejects with `UnavailableMemoryError` where the core has none). */
  async u64(address: bigint): Promise<bigint> {
    const off = address - this.base;
    if (this.dv !== undefined && off >= 0n && off + 8n <= BigInt(this.dv.byteLength)) return this.dv.getBigUint64(Number(off), this.little);
    const s = this.stack;
    let end: bigint;
    if (s !== undefined && address >= s.lo && address < s.hi) end = s.hi - address > MAX_RUN ? address + MAX_RUN : s.hi;
    else end = (address & ~(BLOCK - 1n)) + BLOCK;
    if (address + 8n > end) return this.mem.u64(address);
    let b: Uint8Array;
    try {
      // Stacks are read once each and lie scattered over the core: a page cache should not fill pages for them.
      b = await this.mem.read(address, Number(end - address), ONCE);
    } catch (e) {
      if (!isUnavailable(e)) throw e;
      return this.mem.u64(address);
    }
    this.base = address;
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    return this.dv.getBigUint64(0, this.little);
  }
}
