/**
 * The shared ELF layer (file header, program headers, note streams) on headers the test writes itself: what is
 * written is read back, for both classes and byte orders, and bad input is a typed error naming the caller's format.
 */

import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { parseElfFileHeader, parseElfNotes, parseProgramHeaders, programHeaderSize, type ElfProgramHeader } from '../../src/internal/elf.js';
import { ErrorCode, GodiagError } from '../../src/internal/errors.js';

/** A program header as written (its file offset follows from its place). */
type Ph = Omit<ElfProgramHeader, 'headerOffset'>;

/** An ELF file header followed directly by program headers `phs` (entry size `entsize`). */
function elfWith(class64: boolean, little: boolean, phs: Ph[], entsize: number): Uint8Array {
  const ehsize = class64 ? 64 : 52;
  const out = new Uint8Array(ehsize + phs.length * entsize);
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, class64 ? 2 : 1, little ? 1 : 2, 1, 3]);
  dv.setUint16(16, 2, little);
  dv.setUint16(18, 62, little);
  const word = (at: number, v: bigint) => (class64 ? dv.setBigUint64(at, v, little) : dv.setUint32(at, Number(v), little));
  word(24, 0x401000n);
  word(class64 ? 32 : 28, BigInt(ehsize));
  dv.setUint16(class64 ? 54 : 42, entsize, little);
  dv.setUint16(class64 ? 56 : 44, phs.length, little);
  phs.forEach((p, i) => {
    const at = ehsize + i * entsize;
    dv.setUint32(at, p.type, little);
    if (class64) {
      dv.setUint32(at + 4, p.flags, little);
      dv.setBigUint64(at + 8, p.offset, little);
      dv.setBigUint64(at + 16, p.vaddr, little);
      dv.setBigUint64(at + 32, p.filesz, little);
      dv.setBigUint64(at + 40, p.memsz, little);
      dv.setBigUint64(at + 48, p.align, little);
    } else {
      dv.setUint32(at + 4, Number(p.offset), little);
      dv.setUint32(at + 8, Number(p.vaddr), little);
      dv.setUint32(at + 16, Number(p.filesz), little);
      dv.setUint32(at + 20, Number(p.memsz), little);
      dv.setUint32(at + 24, p.flags, little);
      dv.setUint32(at + 28, Number(p.align), little);
    }
  });
  return out;
}

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const word = (class64: boolean) => (class64 ? fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }) : u32.map(BigInt));
const ph = (class64: boolean) => fc.record({ type: u32, flags: u32, offset: word(class64), vaddr: word(class64), filesz: word(class64), memsz: word(class64), align: word(class64) });

describe('shared ELF layer', () => {
  const headers = fc.boolean().chain((class64) => fc.tuple(fc.constant(class64), fc.boolean(), fc.integer({ min: 0, max: 8 }), fc.array(ph(class64), { maxLength: 6 })));
  test.prop([headers])('program headers written for either class and byte order are read back, whatever the entry size', ([class64, little, extra, phs]) => {
    const entsize = programHeaderSize(class64) + extra;
    const bytes = elfWith(class64, little, phs, entsize);
    const h = parseElfFileHeader(bytes, 'elf');
    expect(h).toMatchObject({ class64, little, type: 2, machine: 62, entry: 0x401000n, phnum: phs.length, phentsize: entsize, osabi: 3 });
    const got = parseProgramHeaders(bytes.subarray(Number(h.phoff)), h, Number(h.phoff), h.phnum, 'elf');
    expect(got.map(({ headerOffset: _, ...rest }) => rest)).toEqual(phs);
    expect(got.map((p) => p.headerOffset)).toEqual(phs.map((_, i) => Number(h.phoff) + i * entsize));
  });

  it('rejects a non-ELF file, an unknown class or byte order, a cut header and a short entry size, naming the format', () => {
    const good = elfWith(true, true, [], 56);
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(GodiagError);
        return { code: (e as GodiagError).code, format: (e as GodiagError).format, offset: (e as GodiagError).offset };
      }
      throw new Error('no error');
    };
    expect(err(() => parseElfFileHeader(new Uint8Array([1, 2, 3]), 'core'))).toEqual({ code: ErrorCode.NotFormat, format: 'core', offset: 0 });
    const badClass = good.slice();
    badClass[4] = 3;
    expect(err(() => parseElfFileHeader(badClass, 'elf'))).toEqual({ code: ErrorCode.Corrupt, format: 'elf', offset: 4 });
    const badData = good.slice();
    badData[5] = 0;
    expect(err(() => parseElfFileHeader(badData, 'elf'))).toEqual({ code: ErrorCode.Corrupt, format: 'elf', offset: 5 });
    expect(err(() => parseElfFileHeader(good.subarray(0, 40), 'core'))).toMatchObject({ code: ErrorCode.Truncated, format: 'core' });
    const h = parseElfFileHeader(good, 'elf');
    expect(err(() => parseProgramHeaders(new Uint8Array(100), { ...h, phentsize: 40 }, 64, 1, 'elf'))).toEqual({ code: ErrorCode.Corrupt, format: 'elf', offset: 54 });
    expect(err(() => parseProgramHeaders(new Uint8Array(50), h, 64, 1, 'elf'))).toMatchObject({ code: ErrorCode.Truncated, format: 'elf' });
  });

  it('reads notes with padding, allows trailing zeros, and calls other trailing bytes a cut note', () => {
    const note = (name: string, type: number, desc: number[]) => {
      const n = new TextEncoder().encode(name + '\0');
      const pad = (k: number) => (4 - (k % 4)) % 4;
      const out = new Uint8Array(12 + n.length + pad(n.length) + desc.length + pad(desc.length));
      const dv = new DataView(out.buffer);
      dv.setUint32(0, n.length, true);
      dv.setUint32(4, desc.length, true);
      dv.setUint32(8, type, true);
      out.set(n, 12);
      out.set(desc, 12 + n.length + pad(n.length));
      return out;
    };
    const a = note('GNU', 3, [1, 2, 3, 4, 5]);
    const b = note('Go', 4, [0x61]);
    const stream = new Uint8Array([...a, ...b, 0, 0, 0, 0]);
    const notes = parseElfNotes(stream, true, 1000, 'elf');
    expect(notes.map((n) => [n.name, n.type, [...n.desc], n.offset, n.descOffset])).toEqual([
      ['GNU', 3, [1, 2, 3, 4, 5], 1000, 1016],
      ['Go', 4, [0x61], 1000 + a.length, 1000 + a.length + 16],
    ]);
    expect(() => parseElfNotes(new Uint8Array([...a, 7, 0, 0]), true, 0, 'elf')).toThrow(expect.objectContaining({ code: ErrorCode.Truncated, format: 'elf' }));
    expect(() => parseElfNotes(a.subarray(0, a.length - 4), true, 0, 'core')).toThrow(expect.objectContaining({ code: ErrorCode.Truncated, format: 'core' }));
  });
});
