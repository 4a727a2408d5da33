/**
 * What the three container readers share: section lookup, address translation through file-backed
 * segments, limit-checked reads, and the Go build ID string that Mach-O and PE keep at the start of text.
 * @module
 */

import { ErrorCode, GodiagError, type FormatName } from '../../internal/errors.js';
import { Limits, checkLimit } from '../../internal/limits.js';
import type { RandomAccess } from '../../internal/random-access.js';
import type {
  Executable,
  ExecutableBuildId,
  ExecutableSection,
  ExecutableSegment,
  ExecutableSymbol,
} from './types.js';

/** Hex form of an address for messages. */
export function hex(v: bigint | number): string {
  return `0x${v.toString(16)}`;
}

/** The fields a container reader fills in; {@link ExecutableBase} supplies the behaviour. */
export interface ExecutableHeader {
  format: 'elf' | 'macho' | 'pe';
  goos: string;
  goarch: string;
  byteOrder: 'little' | 'big';
  ptrSize: 4 | 8;
  entry: bigint;
  pie: boolean;
  imageBase: bigint;
  sections: ExecutableSection[];
  segments: ExecutableSegment[];
}

/** Common implementation of {@link Executable}; subclasses read symbols and build IDs. */
export abstract class ExecutableBase implements Executable {
  readonly format: 'elf' | 'macho' | 'pe';
  readonly goos: string;
  readonly goarch: string;
  readonly byteOrder: 'little' | 'big';
  readonly ptrSize: 4 | 8;
  readonly entry: bigint;
  readonly pie: boolean;
  readonly imageBase: bigint;
  readonly sections: readonly ExecutableSection[];
  readonly segments: readonly ExecutableSegment[];
  protected readonly ra: RandomAccess;
  private symbolsPromise: Promise<readonly ExecutableSymbol[]> | undefined;
  private buildIdPromise: Promise<ExecutableBuildId> | undefined;

  constructor(ra: RandomAccess, h: ExecutableHeader) {
    this.ra = ra;
    this.format = h.format;
    this.goos = h.goos;
    this.goarch = h.goarch;
    this.byteOrder = h.byteOrder;
    this.ptrSize = h.ptrSize;
    this.entry = h.entry;
    this.pie = h.pie;
    this.imageBase = h.imageBase;
    this.sections = h.sections;
    this.segments = h.segments;
  }

  section(name: string): ExecutableSection | undefined {
    return this.sections.find((s) => s.name === name);
  }

  async readFile(offset: number, length: number): Promise<Uint8Array> {
    checkLimit(length, Limits.maxBlockBytes, this.format, offset, 'read');
    if (offset + length > this.ra.size) {
      throw new GodiagError(ErrorCode.Truncated, {
        format: this.format,
        offset: Math.min(offset, this.ra.size),
        message: `unexpected end of input: expected ${length} bytes at offset ${offset}, but the file has ${this.ra.size} bytes`,
      });
    }
    return this.ra.read(offset, length);
  }

  readSection(s: ExecutableSection): Promise<Uint8Array> {
    checkLimit(s.fileSize, Limits.maxBlockBytes, this.format, s.offset, `section ${s.name} size`);
    return this.readFile(s.offset, s.fileSize);
  }

  segmentAt(addr: bigint): ExecutableSegment | undefined {
    for (const seg of this.segments) {
      if (seg.fileSize > 0 && addr >= seg.addr && addr < seg.addr + BigInt(seg.fileSize)) return seg;
    }
    return undefined;
  }

  readAddress(addr: bigint, length: number): Promise<Uint8Array> {
    checkLimit(length, Limits.maxBlockBytes, this.format, 0, 'read');
    const seg = this.segmentAt(addr);
    if (seg === undefined) {
      return Promise.reject(unmapped(this.format, addr, length));
    }
    const rel = Number(addr - seg.addr);
    if (rel + length > seg.fileSize) return Promise.reject(unmapped(this.format, addr, length));
    return this.readFile(seg.offset + rel, length);
  }

  symbols(): Promise<readonly ExecutableSymbol[]> {
    this.symbolsPromise ??= this.readSymbols();
    // A failed read is not remembered, so that a retry can succeed (a flaky network source).
    this.symbolsPromise.catch(() => (this.symbolsPromise = undefined));
    return this.symbolsPromise;
  }

  buildId(): Promise<ExecutableBuildId> {
    this.buildIdPromise ??= this.readBuildId();
    this.buildIdPromise.catch(() => (this.buildIdPromise = undefined));
    return this.buildIdPromise;
  }

  protected abstract readSymbols(): Promise<readonly ExecutableSymbol[]>;
  protected abstract readBuildId(): Promise<ExecutableBuildId>;

  /**
   * Mach-O and PE have no build-ID note: the Go linker writes `\xff Go build ID: "…"\n \xff` at the
   * start of the text section, as `go tool buildid` expects within the first 32 KiB.
   */
  protected async goBuildIdInText(textName: string): Promise<ExecutableBuildId> {
    const text = this.section(textName);
    if (text === undefined || text.fileSize === 0) return {};
    const bytes = await this.readFile(text.offset, Math.min(text.fileSize, 32 * 1024));
    const id = findGoBuildId(bytes);
    return id === undefined ? {} : { go: id };
  }
}

const BUILD_ID_PREFIX = '\xff Go build ID: "';
const BUILD_ID_END = '"\n \xff';

/** The quoted Go build ID in `bytes`, if the marker is there and the quoted text is plain. */
export function findGoBuildId(bytes: Uint8Array): string | undefined {
  const at = indexOfAscii(bytes, BUILD_ID_PREFIX, 0);
  if (at < 0) return undefined;
  const start = at + BUILD_ID_PREFIX.length;
  const end = indexOfAscii(bytes, BUILD_ID_END, start);
  if (end < 0) return undefined;
  let id = '';
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    // Build IDs are base64url hashes joined by '/': anything needing Go's unquoting is not one.
    if (c < 0x20 || c >= 0x7f || c === 0x5c) return undefined;
    id += String.fromCharCode(c);
  }
  return id;
}

/** Index of a byte string (given as Latin-1 text) in `bytes` at or after `from`, or −1. */
export function indexOfAscii(bytes: Uint8Array, s: string, from: number): number {
  const first = s.charCodeAt(0);
  const n = s.length;
  for (let i = bytes.indexOf(first, from); i >= 0 && i + n <= bytes.length; i = bytes.indexOf(first, i + 1)) {
    let j = 1;
    while (j < n && bytes[i + j] === s.charCodeAt(j)) j++;
    if (j === n) return i;
  }
  return -1;
}

/** The `corrupt` error for an address that has no file bytes. */
export function unmapped(format: FormatName, addr: bigint, length: number): GodiagError {
  return new GodiagError(ErrorCode.Corrupt, {
    format,
    offset: 0,
    message: `address ${hex(addr)} (${length} bytes) is not in a file-backed segment of the executable`,
  });
}

/** Converts a 64-bit file offset or size to a number, or throws `limit-exceeded` beyond the file. */
export function fileNumber(v: bigint, format: FormatName, at: number, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new GodiagError(ErrorCode.LimitExceeded, {
      format,
      offset: at,
      message: `${what} ${v} is beyond the largest file godiag reads`,
    });
  }
  return Number(v);
}
