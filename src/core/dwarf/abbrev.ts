/**
 * `.debug_abbrev`: the abbreviation tables that say, for each abbreviation code, a DIE's tag, whether it
 * has children, and its attributes with their forms.
 * @module
 */

import { ByteCursor } from '../../internal/cursor.js';
import { ErrorCode } from '../../internal/errors.js';
import { Limits } from '../../internal/limits.js';
import { DWARF_FORMAT, dwarfError } from './sections.js';

/** DWARF form codes (DWARF 4 and 5). */
export const Form = {
  addr: 0x01, block2: 0x03, block4: 0x04, data2: 0x05, data4: 0x06, data8: 0x07, string: 0x08, block: 0x09,
  block1: 0x0a, data1: 0x0b, flag: 0x0c, sdata: 0x0d, strp: 0x0e, udata: 0x0f, refAddr: 0x10, ref1: 0x11,
  ref2: 0x12, ref4: 0x13, ref8: 0x14, refUdata: 0x15, indirect: 0x16, secOffset: 0x17, exprloc: 0x18,
  flagPresent: 0x19, strx: 0x1a, addrx: 0x1b, refSup4: 0x1c, strpSup: 0x1d, data16: 0x1e, lineStrp: 0x1f,
  refSig8: 0x20, implicitConst: 0x21, loclistx: 0x22, rnglistx: 0x23, refSup8: 0x24, strx1: 0x25, strx2: 0x26,
  strx3: 0x27, strx4: 0x28, addrx1: 0x29, addrx2: 0x2a, addrx3: 0x2b, addrx4: 0x2c,
} as const;

/** One attribute specification of an abbreviation. */
export interface AttrSpec {
  /** `DW_AT_*`. */
  name: number;
  /** `DW_FORM_*`. */
  form: number;
  /** The value of a `DW_FORM_implicit_const` attribute (stored in the abbreviation, not the DIE). */
  implicitConst?: bigint;
}

/** One abbreviation. */
export interface Abbrev {
  /** `DW_TAG_*`. */
  tag: number;
  /** True if DIEs of this abbreviation are followed by children (ended by a 0 code). */
  children: boolean;
  /** Attributes in DIE order. */
  attrs: AttrSpec[];
}

/** An abbreviation table: code → abbreviation. */
export type AbbrevTable = Map<number, Abbrev>;

/** Parses the abbreviation table starting at `offset` of `.debug_abbrev`. */
export function parseAbbrevTable(section: Uint8Array, offset: number): AbbrevTable {
  const c = new ByteCursor(section, DWARF_FORMAT);
  if (!(offset >= 0 && offset < section.length)) {
    throw dwarfError(ErrorCode.Corrupt, '.debug_abbrev', offset, `abbreviation table offset ${offset} is outside the ${section.length}-byte section`);
  }
  c.seek(offset);
  const table: AbbrevTable = new Map();
  for (;;) {
    const at = c.offset;
    const code = c.uvarintNumber('abbreviation code');
    if (code === 0) return table;
    if (table.size >= Limits.maxItems) throw dwarfError(ErrorCode.LimitExceeded, '.debug_abbrev', at, `more than ${Limits.maxItems} abbreviations`);
    if (table.has(code)) throw dwarfError(ErrorCode.Corrupt, '.debug_abbrev', at, `abbreviation code ${code} defined twice`);
    const tag = c.uvarintNumber('tag');
    const children = c.u8();
    if (children > 1) throw dwarfError(ErrorCode.Corrupt, '.debug_abbrev', c.offset - 1, `children flag ${children}, expected 0 or 1`);
    const attrs: AttrSpec[] = [];
    for (;;) {
      const name = c.uvarintNumber('attribute');
      const form = c.uvarintNumber('form');
      if (name === 0 && form === 0) break;
      if (form === Form.implicitConst) attrs.push({ name, form, implicitConst: readSleb(c) });
      else attrs.push({ name, form });
      if (attrs.length > Limits.maxItems) throw dwarfError(ErrorCode.LimitExceeded, '.debug_abbrev', at, 'too many attributes');
    }
    table.set(code, { tag, children: children === 1, attrs });
  }
}

/** Reads a signed LEB128 (DWARF's `sdata`), up to 64 bits. */
export function readSleb(c: ByteCursor): bigint {
  const start = c.offset;
  let result = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    const b = c.u8();
    result |= BigInt(b & 0x7f) << shift;
    shift += 7n;
    if (b < 0x80) {
      if ((b & 0x40) !== 0) result -= 1n << shift;
      return BigInt.asIntN(64, result);
    }
  }
  throw dwarfError(ErrorCode.Corrupt, 'section', start, 'signed LEB128 longer than 10 bytes');
}

/**
 * Reads an unsigned LEB128 (DWARF's `udata`), up to 64 bits (longer encodings of small values allowed). Not
 * `ByteCursor.uvarint`: that one rejects a tenth byte above 1 as Go's `binary.Uvarint` does, while DWARF readers
 * (debug/dwarf) keep the low 64 bits — and Go's own DWARF has such encodings (a real core executable fails otherwise).
 */
export function readUleb(c: ByteCursor): bigint {
  const start = c.offset;
  let result = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    const b = c.u8();
    result |= BigInt(b & 0x7f) << shift;
    shift += 7n;
    if (b < 0x80) return BigInt.asUintN(64, result);
  }
  throw dwarfError(ErrorCode.Corrupt, 'section', start, 'unsigned LEB128 longer than 10 bytes');
}
