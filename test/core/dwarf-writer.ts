/**
 * A small DWARF writer for the property tests of src/core/dwarf: one unit (DWARF 4 or 5, 32- or 64-bit
 * DWARF, either byte order) holding base types, structs with members, pointers and typedefs, as Go's linker
 * lays them out (top-level type DIEs, members as children).
 */

import { ByteWriter } from '../../src/internal/writer.js';
import type { DwarfSections } from '../../src/core/dwarf/sections.js';

/** A synthetic type; `target`/`type` are indices into the type list. */
export type SynthType =
  | { kind: 'base'; name: string; size: number; encoding: number }
  | { kind: 'struct'; name: string; size: number; members: { name: string; offset: number; type: number }[] }
  | { kind: 'pointer'; name: string; target: number }
  | { kind: 'typedef'; name: string; target: number };

/** What to write. */
export interface SynthDwarf {
  version: 4 | 5;
  offset64: boolean;
  little: boolean;
  /** Names as DW_FORM_strp (into .debug_str) instead of inline DW_FORM_string. */
  strp: boolean;
  /** References as DW_FORM_ref_addr (section offsets) instead of DW_FORM_ref4 (unit offsets). */
  refAddr: boolean;
  types: SynthType[];
}

const AT = { name: 0x03, byteSize: 0x0b, encoding: 0x3e, type: 0x49, loc: 0x38 };
const FORM = { string: 0x08, strp: 0x0e, udata: 0x0f, data1: 0x0b, ref4: 0x13, refAddr: 0x10 };
const TAG = { cu: 0x11, base: 0x24, struct: 0x13, member: 0x0d, pointer: 0x0f, typedef: 0x16 };

/** Writes the sections; `info` offsets of each type's DIE are returned too. */
export function writeDwarf(d: SynthDwarf): { sections: DwarfSections; offsets: number[] } {
  const nameForm = d.strp ? FORM.strp : FORM.string;
  const refForm = d.refAddr ? FORM.refAddr : FORM.ref4;
  const ab = new ByteWriter();
  const abbrev = (code: number, tag: number, children: boolean, attrs: [number, number][]) => {
    ab.uvarint(code).uvarint(tag).u8(children ? 1 : 0);
    for (const [a, f] of attrs) ab.uvarint(a).uvarint(f);
    ab.u8(0).u8(0);
  };
  abbrev(1, TAG.cu, true, [[AT.name, nameForm]]);
  abbrev(2, TAG.base, false, [[AT.name, nameForm], [AT.byteSize, FORM.udata], [AT.encoding, FORM.data1]]);
  abbrev(3, TAG.struct, true, [[AT.name, nameForm], [AT.byteSize, FORM.udata]]);
  abbrev(4, TAG.member, false, [[AT.name, nameForm], [AT.loc, FORM.udata], [AT.type, refForm]]);
  abbrev(5, TAG.pointer, false, [[AT.name, nameForm], [AT.type, refForm]]);
  abbrev(6, TAG.typedef, false, [[AT.name, nameForm], [AT.type, refForm]]);
  ab.u8(0);

  const str = new ByteWriter();
  const strOff = new Map<string, number>();
  const w = new ByteWriter(256, d.little);
  const offSize = d.offset64 ? 8 : 4;
  const off = (v: number) => (d.offset64 ? w.u64(BigInt(v)) : w.u32(v));
  const name = (s: string) => {
    if (!d.strp) {
      w.string(s).u8(0);
      return;
    }
    let o = strOff.get(s);
    if (o === undefined) {
      o = str.length;
      strOff.set(s, o);
      str.string(s).u8(0);
    }
    off(o);
  };
  // Header: the length is patched at the end.
  if (d.offset64) w.u32(0xffffffff).u64(0n);
  else w.u32(0);
  const lengthEnd = w.length;
  w.u16(d.version);
  if (d.version === 5) w.u8(1).u8(8), off(0);
  else off(0), w.u8(8);
  const patches: { at: number; type: number }[] = [];
  const ref = (t: number) => {
    patches.push({ at: w.length, type: t });
    if (d.refAddr) off(0);
    else w.u32(0);
  };
  w.uvarint(1);
  name('synthetic');
  const offsets: number[] = [];
  for (const t of d.types) {
    offsets.push(w.length);
    switch (t.kind) {
      case 'base':
        w.uvarint(2), name(t.name), w.uvarint(t.size).u8(t.encoding);
        break;
      case 'struct':
        w.uvarint(3), name(t.name), w.uvarint(t.size);
        for (const m of t.members) w.uvarint(4), name(m.name), w.uvarint(m.offset), ref(m.type);
        w.u8(0);
        break;
      case 'pointer':
        w.uvarint(5), name(t.name), ref(t.target);
        break;
      case 'typedef':
        w.uvarint(6), name(t.name), ref(t.target);
        break;
    }
  }
  w.u8(0);
  const info = w.finish();
  const dv = new DataView(info.buffer, info.byteOffset, info.byteLength);
  const put = (at: number, v: number, size: number) => (size === 8 ? dv.setBigUint64(at, BigInt(v), d.little) : dv.setUint32(at, v, d.little));
  put(d.offset64 ? 4 : 0, info.length - lengthEnd, offSize);
  // ref4 counts from the unit's start (0 here); ref_addr from the section's: the same in a one-unit section.
  for (const p of patches) put(p.at, offsets[p.type]!, d.refAddr ? offSize : 4);
  const empty = new Uint8Array(0);
  return { sections: { abbrev: ab.finish(), info, str: str.finish(), lineStr: empty, strOffsets: empty, addr: empty }, offsets };
}
