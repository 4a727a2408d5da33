/**
 * The pclntab header: magic, byte order, PC quantum, pointer size, and where the sub-tables are.
 *
 * Four header layouts exist, told apart by the magic (which also gives the byte order, since no magic
 * reads as another one in the other order):
 *
 * | magic | Go | header words after the 8 fixed bytes |
 * | --- | --- | --- |
 * | 0xfffffffb | 1.2–1.15 | nfunc, then the functab itself |
 * | 0xfffffffa | 1.16–1.17 | nfunc, nfiles, funcname, cu, filetab, pctab, pcln offsets |
 * | 0xfffffff0 | 1.18–1.19 | nfunc, nfiles, textStart, funcname, cu, filetab, pctab, pcln offsets |
 * | 0xfffffff1 | 1.20+ | as 1.18 (textStart written as 0 from Go 1.26) |
 * @module
 */

import { ErrorCode, GodiagError, type FormatName } from '../../internal/errors.js';
import { Limits } from '../../internal/limits.js';

/** The format name used in errors of this layer. */
export const FORMAT: FormatName = 'pclntab';

/** Header layouts, named by the first Go release that wrote them. */
export type PclntabLayout = '1.2' | '1.16' | '1.18' | '1.20';

/** What the fixed part of a pclntab says. */
export interface PclntabHeader {
  /** Header layout (from the magic). */
  readonly layout: PclntabLayout;
  /** Byte order of every multi-byte field (from the magic). */
  readonly byteOrder: 'little' | 'big';
  /** Instruction size quantum: PC deltas in the pc-value tables are multiples of it (1 x86, 2 s390x, 4 RISC). */
  readonly quantum: number;
  /** Pointer size of the target, 4 or 8. */
  readonly ptrSize: 4 | 8;
  /** Number of functions in the functab. */
  readonly nfunc: number;
  /** Number of file names (1.16+: strings in filetab; 1.2: entries of the file table including entry 0). */
  readonly nfiles: number;
  /** The text start word of 1.18+ headers (0 when unrelocated or, from Go 1.26, not written); 0n before. */
  readonly textStart: bigint;
}

const magics: Record<number, PclntabLayout> = {
  0xfffffffb: '1.2',
  0xfffffffa: '1.16',
  0xfffffff0: '1.18',
  0xfffffff1: '1.20',
};

/** Internal: the header plus the byte ranges of the sub-tables. */
export interface HeaderLayout extends PclntabHeader {
  readonly littleEndian: boolean;
  /** Start/end of the function name table (1.2: the whole table). */
  readonly funcnameStart: number;
  readonly funcnameEnd: number;
  /** Start/end of the compilation-unit table (1.16+; 0 before). */
  readonly cutabStart: number;
  readonly cutabEnd: number;
  /** Start/end of the file name table (1.16+: strings; 1.2: the uint32 file table). */
  readonly filetabStart: number;
  readonly filetabEnd: number;
  /** Start/end of the pc-value tables (offsets in `_func` are relative to the start). */
  readonly pctabStart: number;
  readonly pctabEnd: number;
  /** Start of the functab; funcdata (`_func`) offsets are relative to `funcdataBase`. */
  readonly functabStart: number;
  readonly funcdataBase: number;
  readonly funcdataEnd: number;
  /** Bytes per functab field: ptrSize before 1.18, 4 from 1.18. */
  readonly functabFieldSize: number;
}

function fail(code: ErrorCode, offset: number, message: string): GodiagError {
  return new GodiagError(code, { format: FORMAT, offset, message });
}

/** Reads an unsigned word of `size` bytes as a number; throws limit-exceeded beyond 2^53−1. */
export function readWord(dv: DataView, off: number, size: number, le: boolean, what: string): number {
  if (off < 0 || off + size > dv.byteLength) {
    throw fail(ErrorCode.Truncated, off, `unexpected end of input: expected ${what}`);
  }
  if (size === 4) return dv.getUint32(off, le);
  const v = dv.getBigUint64(off, le);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw fail(ErrorCode.Corrupt, off, `${what} ${v} is not a plausible offset or count`);
  }
  return Number(v);
}

/** Reads and validates the header of a pclntab (every layout Go has written since 1.2). */
export function readHeader(bytes: Uint8Array): HeaderLayout {
  if (bytes.length < 8) throw fail(ErrorCode.Truncated, 0, 'unexpected end of input: expected an 8-byte pclntab header');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const leMagic = dv.getUint32(0, true);
  const beMagic = dv.getUint32(0, false);
  let layout = magics[leMagic];
  let le = true;
  if (layout === undefined) {
    layout = magics[beMagic];
    le = false;
  }
  if (layout === undefined) {
    throw fail(ErrorCode.NotFormat, 0, `pclntab magic 0x${leMagic.toString(16).padStart(8, '0')} is none of Go's (0xfffffffb, 0xfffffffa, 0xfffffff0, 0xfffffff1)`);
  }
  if (bytes[4] !== 0 || bytes[5] !== 0) throw fail(ErrorCode.NotFormat, 4, 'pclntab header bytes 4 and 5 are not zero');
  const quantum = bytes[6]!;
  if (quantum !== 1 && quantum !== 2 && quantum !== 4) {
    throw fail(ErrorCode.Corrupt, 6, `pclntab PC quantum ${quantum} is not 1, 2 or 4`);
  }
  const ps = bytes[7]!;
  if (ps !== 4 && ps !== 8) throw fail(ErrorCode.Corrupt, 7, `pclntab pointer size ${ps} is not 4 or 8`);
  const ptrSize: 4 | 8 = ps;
  const word = (i: number, what: string) => readWord(dv, 8 + i * ptrSize, ptrSize, le, what);
  const nfunc = word(0, 'function count');
  if (nfunc > Limits.maxItems) {
    throw fail(ErrorCode.LimitExceeded, 8, `function count ${nfunc} is outside the allowed range 0..${Limits.maxItems}`);
  }
  const base = { layout, byteOrder: le ? 'little' : 'big', littleEndian: le, quantum, ptrSize, nfunc } as const;

  if (layout === '1.2') {
    const functabStart = 8 + ptrSize;
    const fieldSize = ptrSize;
    const functabSize = (2 * nfunc + 1) * fieldSize;
    const fileoffAt = functabStart + functabSize;
    const fileoff = readWord(dv, fileoffAt, 4, le, 'file table offset');
    const nfiles = readWord(dv, fileoff, 4, le, 'file table count');
    if (nfiles > Limits.maxItems) {
      throw fail(ErrorCode.LimitExceeded, fileoff, `file count ${nfiles} is outside the allowed range 0..${Limits.maxItems}`);
    }
    if (fileoff + nfiles * 4 > bytes.length) {
      throw fail(ErrorCode.Truncated, fileoff, `unexpected end of input: expected a file table of ${nfiles} entries`);
    }
    return {
      ...base,
      nfiles,
      textStart: 0n,
      funcnameStart: 0,
      funcnameEnd: bytes.length,
      cutabStart: 0,
      cutabEnd: 0,
      filetabStart: fileoff,
      filetabEnd: fileoff + nfiles * 4,
      pctabStart: 0,
      pctabEnd: bytes.length,
      functabStart,
      funcdataBase: 0,
      funcdataEnd: bytes.length,
      functabFieldSize: fieldSize,
    };
  }

  // 1.16+: a header of words, then sub-tables at offsets from the header's start, in this order.
  const nwords = layout === '1.16' ? 7 : 8;
  if (bytes.length < 8 + nwords * ptrSize) {
    throw fail(ErrorCode.Truncated, bytes.length, `unexpected end of input: expected a ${8 + nwords * ptrSize}-byte pclntab header`);
  }
  const nfiles = word(1, 'file count');
  if (nfiles > Limits.maxItems) {
    throw fail(ErrorCode.LimitExceeded, 8 + ptrSize, `file count ${nfiles} is outside the allowed range 0..${Limits.maxItems}`);
  }
  let textStart = 0n;
  let w = 2;
  if (layout !== '1.16') {
    const at = 8 + 2 * ptrSize;
    textStart = ptrSize === 8 ? dv.getBigUint64(at, le) : BigInt(dv.getUint32(at, le));
    w = 3;
  }
  const names = ['function name table', 'compilation unit table', 'file name table', 'pc-value table', 'function table'];
  const offs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const at = 8 + (w + i) * ptrSize;
    const off = word(w + i, `${names[i]!} offset`);
    if (off < 8 + nwords * ptrSize || off > bytes.length) {
      throw fail(ErrorCode.Corrupt, at, `${names[i]!} offset ${off} is outside the ${bytes.length}-byte table`);
    }
    if (i > 0 && off < offs[i - 1]!) {
      throw fail(ErrorCode.Corrupt, at, `${names[i]!} offset ${off} is before the ${names[i - 1]!} (${offs[i - 1]!})`);
    }
    offs.push(off);
  }
  const [funcname, cu, filetab, pctab, pcln] = offs as [number, number, number, number, number];
  const fieldSize = layout === '1.16' ? ptrSize : 4;
  return {
    ...base,
    nfiles,
    textStart,
    funcnameStart: funcname,
    funcnameEnd: cu,
    cutabStart: cu,
    cutabEnd: filetab,
    filetabStart: filetab,
    filetabEnd: pctab,
    pctabStart: pctab,
    pctabEnd: pcln,
    functabStart: pcln,
    funcdataBase: pcln,
    funcdataEnd: bytes.length,
    functabFieldSize: fieldSize,
  };
}
