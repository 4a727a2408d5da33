/**
 * `.debug_info`: unit headers (DWARF 2–5, 32- and 64-bit DWARF) and debugging information entries (DIEs)
 * decoded by their abbreviations. Attribute values are decoded only for the DIEs asked for; the index pass
 * skips the rest by form.
 * @module
 */

import { ByteCursor } from '../../internal/cursor.js';
import { ErrorCode } from '../../internal/errors.js';
import { Limits } from '../../internal/limits.js';
import { decodeUtf8 } from '../../internal/utf8.js';
import { Form, parseAbbrevTable, readSleb, readUleb, type Abbrev, type AbbrevTable } from './abbrev.js';
import { DWARF_FORMAT, dwarfError, type DwarfSections } from './sections.js';

/** `DW_AT_*` codes the reader uses. */
export const At = {
  sibling: 0x01, name: 0x03, byteSize: 0x0b, encoding: 0x3e, type: 0x49, count: 0x37, upperBound: 0x2f,
  lowerBound: 0x22, dataMemberLocation: 0x38, constValue: 0x1c, strOffsetsBase: 0x72, addrBase: 0x73,
  /** Go's extension: the `reflect.Kind` of the type. */
  goKind: 0x2900,
  /** Go's extension: a slice's element type. */
  goElem: 0x2902,
  /** Go's extension: the member is an embedded field. */
  goEmbeddedField: 0x2903,
} as const;

/** A decoded attribute value. References (`ref*`) are absolute `.debug_info` offsets in `{ ref }`. */
export type AttrValue = bigint | string | boolean | Uint8Array | { ref: number } | { sig8: bigint };

/** One compilation (or type) unit. */
export interface Unit {
  /** Offset of the unit header in `.debug_info`. */
  offset: number;
  /** Offset of the first DIE. */
  dieOffset: number;
  /** Offset just past the unit. */
  end: number;
  /** DWARF version (2–5). */
  version: number;
  /** 4 (32-bit DWARF) or 8 (64-bit DWARF). */
  offsetSize: 4 | 8;
  /** Address size. */
  addrSize: number;
  /** The unit's abbreviation table. */
  abbrevs: AbbrevTable;
  /** `DW_AT_str_offsets_base` of the unit DIE (DWARF 5), once read. */
  strOffsetsBase?: number;
}

/** A decoded DIE. */
export interface Die {
  /** Offset in `.debug_info`. */
  offset: number;
  /** `DW_TAG_*`. */
  tag: number;
  /** True if children follow. */
  children: boolean;
  /** Attributes by `DW_AT_*` (the first of duplicates). */
  attrs: Map<number, AttrValue>;
  /** Offset of the next DIE (the first child when `children`). */
  next: number;
}

const INFO = '.debug_info';

/** Reads DIEs of `.debug_info` with the other sections its forms refer to. */
export class InfoReader {
  private readonly s: DwarfSections;
  private readonly little: boolean;
  private readonly abbrevCache = new Map<number, AbbrevTable>();
  /** Units in section order (parsed by {@link InfoReader.units}). */
  private unitList: Unit[] | undefined;

  constructor(sections: DwarfSections, little: boolean) {
    this.s = sections;
    this.little = little;
  }

  /** Every unit header of `.debug_info`, in order. */
  units(): Unit[] {
    if (this.unitList !== undefined) return this.unitList;
    const out: Unit[] = [];
    const info = this.s.info;
    const c = new ByteCursor(info, DWARF_FORMAT, { littleEndian: this.little });
    while (c.remaining > 0) {
      const offset = c.pos;
      let len: number = c.u32();
      let offsetSize: 4 | 8 = 4;
      if (len === 0xffffffff) {
        offsetSize = 8;
        const big = c.u64();
        if (big > BigInt(c.remaining)) throw dwarfError(ErrorCode.Truncated, INFO, offset, `unit length ${big} runs past the end of the section`);
        len = Number(big);
      } else if (len >= 0xfffffff0) {
        throw dwarfError(ErrorCode.Corrupt, INFO, offset, `reserved unit length 0x${len.toString(16)}`);
      }
      if (len > c.remaining) throw dwarfError(ErrorCode.Truncated, INFO, offset, `unit length ${len} runs past the end of the section (${c.remaining} bytes left)`);
      const end = c.pos + len;
      const h = new ByteCursor(info.subarray(0, end), DWARF_FORMAT, { littleEndian: this.little });
      h.seek(c.pos);
      const version = h.u16();
      let abbrevOff: number;
      let addrSize: number;
      if (version >= 2 && version <= 4) {
        abbrevOff = offsetOf(h, offsetSize);
        addrSize = h.u8();
      } else if (version === 5) {
        const unitType = h.u8();
        addrSize = h.u8();
        abbrevOff = offsetOf(h, offsetSize);
        // Skeleton and split units carry a DWO id; type units a signature and the type's offset.
        if (unitType === 4 || unitType === 5) h.skip(8);
        else if (unitType === 2 || unitType === 6) h.skip(8 + offsetSize);
        else if (unitType !== 1 && unitType !== 3) throw dwarfError(ErrorCode.Corrupt, INFO, offset, `unknown unit type ${unitType}`);
      } else {
        throw dwarfError(ErrorCode.UnsupportedVersion, INFO, offset, `DWARF version ${version} (expected 2 to 5)`);
      }
      if (addrSize !== 4 && addrSize !== 8 && addrSize !== 2) throw dwarfError(ErrorCode.Corrupt, INFO, offset, `address size ${addrSize}`);
      if (out.length >= Limits.maxItems) throw dwarfError(ErrorCode.LimitExceeded, INFO, offset, `more than ${Limits.maxItems} units`);
      out.push({ offset, dieOffset: h.pos, end, version, offsetSize, addrSize, abbrevs: this.abbrevTable(abbrevOff) });
      c.seek(end);
    }
    this.unitList = out;
    return out;
  }

  /** The unit containing `offset`, by binary search. */
  unitAt(offset: number): Unit {
    const us = this.units();
    let lo = 0;
    let hi = us.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const u = us[mid]!;
      if (offset < u.dieOffset) hi = mid - 1;
      else if (offset >= u.end) lo = mid + 1;
      else return u;
    }
    throw dwarfError(ErrorCode.Corrupt, INFO, offset, `offset ${offset} is not inside any unit's entries`);
  }

  private abbrevTable(off: number): AbbrevTable {
    let t = this.abbrevCache.get(off);
    if (t === undefined) {
      t = parseAbbrevTable(this.s.abbrev, off);
      this.abbrevCache.set(off, t);
    }
    return t;
  }

  /** A cursor over `.debug_info` limited to one unit, at `pos`. */
  cursor(u: Unit, pos: number): ByteCursor {
    const c = new ByteCursor(this.s.info.subarray(0, u.end), DWARF_FORMAT, { littleEndian: this.little });
    c.seek(pos);
    return c;
  }

  /**
   * Reads the abbreviation code at the cursor: `undefined` for a 0 (end of siblings), else the abbreviation.
   */
  abbrevAt(u: Unit, c: ByteCursor): Abbrev | undefined {
    const at = c.pos;
    const code = c.uvarintNumber('abbreviation code');
    if (code === 0) return undefined;
    const a = u.abbrevs.get(code);
    if (a === undefined) throw dwarfError(ErrorCode.Corrupt, INFO, at, `abbreviation code ${code} is not in the unit's table`);
    return a;
  }

  /** Decodes the DIE at `offset` (which must be inside `u`). */
  die(u: Unit, offset: number): Die {
    const c = this.cursor(u, offset);
    const a = this.abbrevAt(u, c);
    if (a === undefined) throw dwarfError(ErrorCode.Corrupt, INFO, offset, 'expected an entry, found a null entry (code 0)');
    const attrs = new Map<number, AttrValue>();
    for (const spec of a.attrs) {
      const v = this.value(u, c, spec.form, spec.implicitConst);
      if (!attrs.has(spec.name)) attrs.set(spec.name, v);
    }
    return { offset, tag: a.tag, children: a.children, attrs, next: c.pos };
  }

  /** Skips the attribute values of an abbreviation (the index pass). */
  skipAttrs(u: Unit, c: ByteCursor, a: Abbrev): void {
    for (const spec of a.attrs) this.skip(u, c, spec.form);
  }

  /** Reads a string-valued attribute of the current DIE while skipping the rest; `undefined` when absent. */
  nameOf(u: Unit, c: ByteCursor, a: Abbrev): string | undefined {
    let name: string | undefined;
    for (const spec of a.attrs) {
      if (spec.name === At.name && name === undefined) {
        const v = this.value(u, c, spec.form, spec.implicitConst);
        if (typeof v === 'string') name = v;
      } else {
        this.skip(u, c, spec.form);
      }
    }
    return name;
  }

  private skip(u: Unit, c: ByteCursor, form: number, depth = 0): void {
    switch (form) {
      case Form.flagPresent:
      case Form.implicitConst:
        return;
      case Form.addr: c.skip(u.addrSize); return;
      case Form.data1: case Form.ref1: case Form.flag: case Form.strx1: case Form.addrx1: c.skip(1); return;
      case Form.data2: case Form.ref2: case Form.strx2: case Form.addrx2: c.skip(2); return;
      case Form.strx3: case Form.addrx3: c.skip(3); return;
      case Form.data4: case Form.ref4: case Form.refSup4: case Form.strx4: case Form.addrx4: c.skip(4); return;
      case Form.data8: case Form.ref8: case Form.refSig8: case Form.refSup8: c.skip(8); return;
      case Form.data16: c.skip(16); return;
      case Form.strp: case Form.lineStrp: case Form.secOffset: case Form.strpSup:
        c.skip(u.offsetSize); return;
      case Form.refAddr: c.skip(u.version <= 2 ? u.addrSize : u.offsetSize); return;
      case Form.udata: case Form.sdata: case Form.refUdata: case Form.strx: case Form.addrx:
      case Form.loclistx: case Form.rnglistx:
        readUleb(c); return;
      case Form.string: {
        const end = c.bytes.indexOf(0, c.pos);
        if (end < 0) throw dwarfError(ErrorCode.Truncated, INFO, c.pos, 'unterminated string');
        c.seek(end + 1);
        return;
      }
      case Form.block1: c.skip(c.u8()); return;
      case Form.block2: c.skip(c.u16()); return;
      case Form.block4: c.skip(c.u32()); return;
      case Form.block: case Form.exprloc: c.skip(checkLen(c, readUleb(c))); return;
      case Form.indirect: {
        if (depth > 4) throw dwarfError(ErrorCode.Corrupt, INFO, c.pos, 'DW_FORM_indirect nested too deep');
        this.skip(u, c, c.uvarintNumber('form'), depth + 1);
        return;
      }
      default:
        throw dwarfError(ErrorCode.Corrupt, INFO, c.pos, `unknown attribute form 0x${form.toString(16)}`);
    }
  }

  private value(u: Unit, c: ByteCursor, form: number, implicit: bigint | undefined, depth = 0): AttrValue {
    const at = c.pos;
    switch (form) {
      case Form.addr: return u.addrSize === 8 ? c.u64() : u.addrSize === 4 ? BigInt(c.u32()) : BigInt(c.u16());
      case Form.data1: return BigInt(c.u8());
      case Form.data2: return BigInt(c.u16());
      case Form.data4: return BigInt(c.u32());
      case Form.data8: return c.u64();
      case Form.data16: return c.bytesView(16, 'data16');
      case Form.sdata: return readSleb(c);
      case Form.udata: return readUleb(c);
      case Form.implicitConst: return implicit ?? 0n;
      case Form.flag: return c.u8() !== 0;
      case Form.flagPresent: return true;
      case Form.string: {
        const end = c.bytes.indexOf(0, c.pos);
        if (end < 0) throw dwarfError(ErrorCode.Truncated, INFO, at, 'unterminated string');
        const s = decodeUtf8(c.bytes.subarray(c.pos, end));
        c.seek(end + 1);
        return s;
      }
      case Form.strp: return cstr(this.s.str, offsetOf(c, u.offsetSize), '.debug_str', at);
      case Form.lineStrp: return cstr(this.s.lineStr, offsetOf(c, u.offsetSize), '.debug_line_str', at);
      case Form.strx: case Form.strx1: case Form.strx2: case Form.strx3: case Form.strx4:
        return this.strx(u, indexOf(c, form), at);
      case Form.ref1: return { ref: u.offset + c.u8() };
      case Form.ref2: return { ref: u.offset + c.u16() };
      case Form.ref4: return { ref: u.offset + c.u32() };
      case Form.ref8: return { ref: u.offset + safe(c.u64(), at) };
      case Form.refUdata: return { ref: u.offset + safe(readUleb(c), at) };
      case Form.refAddr: return { ref: u.version <= 2 ? safe(u.addrSize === 8 ? c.u64() : BigInt(c.u32()), at) : offsetOf(c, u.offsetSize) };
      case Form.refSig8: return { sig8: c.u64() };
      case Form.secOffset: case Form.strpSup: return BigInt(offsetOf(c, u.offsetSize));
      case Form.refSup4: return BigInt(c.u32());
      case Form.refSup8: return c.u64();
      case Form.addrx: case Form.addrx1: case Form.addrx2: case Form.addrx3: case Form.addrx4:
      case Form.loclistx: case Form.rnglistx:
        return BigInt(indexOf(c, form));
      case Form.block1: return c.bytesView(c.u8(), 'block');
      case Form.block2: return c.bytesView(c.u16(), 'block');
      case Form.block4: return c.bytesView(c.u32(), 'block');
      case Form.block: case Form.exprloc: return c.bytesView(checkLen(c, readUleb(c)), 'block');
      case Form.indirect:
        if (depth > 4) throw dwarfError(ErrorCode.Corrupt, INFO, at, 'DW_FORM_indirect nested too deep');
        return this.value(u, c, c.uvarintNumber('form'), implicit, depth + 1);
      default:
        throw dwarfError(ErrorCode.Corrupt, INFO, at, `unknown attribute form 0x${form.toString(16)}`);
    }
  }

  private strx(u: Unit, index: number, at: number): string {
    // Without DW_AT_str_offsets_base, the first table after an 8- (or 16-) byte header is meant.
    const base = u.strOffsetsBase ?? (u.offsetSize === 8 ? 16 : 8);
    const pos = base + index * u.offsetSize;
    const so = this.s.strOffsets;
    if (pos + u.offsetSize > so.length) throw dwarfError(ErrorCode.Corrupt, INFO, at, `string index ${index} is outside .debug_str_offsets`);
    const c = new ByteCursor(so, DWARF_FORMAT, { littleEndian: this.little });
    c.seek(pos);
    return cstr(this.s.str, offsetOf(c, u.offsetSize), '.debug_str', at);
  }
}

function offsetOf(c: ByteCursor, size: 4 | 8): number {
  if (size === 4) return c.u32();
  const at = c.pos;
  return safe(c.u64(), at);
}

function safe(v: bigint, at: number): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw dwarfError(ErrorCode.Corrupt, INFO, at, `offset ${v} is out of range`);
  return Number(v);
}

function checkLen(c: ByteCursor, v: bigint): number {
  if (v > BigInt(c.remaining)) throw dwarfError(ErrorCode.Truncated, INFO, c.pos, `block of ${v} bytes runs past the unit`);
  return Number(v);
}

function indexOf(c: ByteCursor, form: number): number {
  switch (form) {
    case Form.strx1: case Form.addrx1: return c.u8();
    case Form.strx2: case Form.addrx2: return c.u16();
    case Form.strx3: case Form.addrx3: {
      const a = c.u8(), b = c.u8(), d = c.u8();
      return c.littleEndian ? a | (b << 8) | (d << 16) : (a << 16) | (b << 8) | d;
    }
    case Form.strx4: case Form.addrx4: return c.u32();
    default: return safe(readUleb(c), c.pos);
  }
}

function cstr(table: Uint8Array, off: number, section: string, at: number): string {
  if (off >= table.length) throw dwarfError(ErrorCode.Corrupt, INFO, at, `string offset ${off} is outside the ${table.length}-byte ${section}`);
  const end = table.indexOf(0, off);
  if (end < 0) throw dwarfError(ErrorCode.Truncated, section, off, 'unterminated string');
  if (end - off > Limits.maxStringBytes) throw dwarfError(ErrorCode.LimitExceeded, section, off, 'string too long');
  return decodeUtf8(table.subarray(off, end));
}
