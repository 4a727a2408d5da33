/**
 * The DWARF reader (src/core/dwarf) on the recorded core executables: the runtime struct layouts equal the
 * goldens of the Go oracle `dwarf-layouts` (debug/dwarf), and the same DWARF stored uncompressed, as
 * `SHF_COMPRESSED` sections and as `.zdebug_*` sections reads the same.
 */

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { dwarfFromSections, readDwarf, readDwarfSections, type DwarfContainer, type DwarfSections, type DwarfType } from '../../src/core/dwarf/index.js';
import { openExecutable } from '../../src/gosym/container/open.js';
import type { Executable, ExecutableSection } from '../../src/gosym/container/types.js';
import { ByteWriter } from '../../src/internal/writer.js';
import { isGodiagError } from '../../src/internal/errors.js';
import { dwarfExtraGoldens, dwarfLayoutsDump, dwarfLayoutsText } from '../support/dwarf-goldens.js';
import { GOLDENS, ROOT } from '../support/fixtures.js';

const withGolden = dwarfExtraGoldens.filter((e) => existsSync(join(GOLDENS, e.golden)));

function exeBytes(input: string): Uint8Array {
  return new Uint8Array(gunzipSync(readFileSync(join(ROOT, input))));
}

describe('dwarf-layouts goldens', () => {
  it('has goldens for the recorded Go 1.26 executables', () => {
    expect(withGolden.map((e) => e.golden)).toEqual(expect.arrayContaining(['go1.26.8/linux-amd64/corework.dwarf-layouts.json', 'go1.26.8/linux-arm64/corework.dwarf-layouts.json']));
  });
  for (const e of withGolden) {
    it(e.golden, async () => {
      const want = readFileSync(join(GOLDENS, e.golden), 'utf8');
      expect(await dwarfLayoutsText(new Uint8Array(readFileSync(join(ROOT, e.input))))).toBe(want);
    });
  }
});

const NAMES = ['abbrev', 'info', 'str', 'line_str', 'str_offsets', 'addr'] as const;
const KEYS: Record<(typeof NAMES)[number], keyof DwarfSections> = { abbrev: 'abbrev', info: 'info', str: 'str', line_str: 'lineStr', str_offsets: 'strOffsets', addr: 'addr' };

/** A container holding the given sections (named as given), as an executable would list them. */
function container(exe: Executable, parts: { name: string; bytes: Uint8Array; compressed: boolean }[]): DwarfContainer {
  const sections: ExecutableSection[] = [];
  const data = new Map<ExecutableSection, Uint8Array>();
  for (const p of parts) {
    const s: ExecutableSection = { name: p.name, addr: 0n, offset: 0, size: p.bytes.length, fileSize: p.bytes.length, executable: false, writable: false };
    if (p.compressed) s.compressed = true;
    sections.push(s);
    data.set(s, p.bytes);
  }
  return {
    byteOrder: exe.byteOrder,
    ptrSize: exe.ptrSize,
    section: (name) => sections.find((s) => s.name === name),
    readSection: (s) => Promise.resolve(data.get(s)!),
  };
}

/** An Elf64_Chdr (little-endian) with zlib, as the Go linker writes it. */
function chdr(raw: Uint8Array): Uint8Array {
  return new ByteWriter().u32(1).u32(0).u64(BigInt(raw.length)).u64(1n).bytes(new Uint8Array(deflateSync(raw))).finish();
}

function zdebug(raw: Uint8Array): Uint8Array {
  const w = new ByteWriter(64, false);
  return w.bytes(new TextEncoder().encode('ZLIB')).u64(BigInt(raw.length)).bytes(new Uint8Array(deflateSync(raw))).finish();
}

describe('compressed and uncompressed sections', () => {
  const e = withGolden.find((g) => g.golden === 'go1.26.8/linux-amd64/corework.dwarf-layouts.json');
  it('read the same layouts', async () => {
    expect(e).toBeDefined();
    const exe = await openExecutable(exeBytes(e!.input));
    expect(exe.section('.debug_info')?.compressed).toBe(true);
    const raw = await readDwarfSections(exe);
    const present = NAMES.filter((n) => raw[KEYS[n]].length > 0);
    const want = readFileSync(join(GOLDENS, e!.golden), 'utf8');
    const plain = container(exe, present.map((n) => ({ name: `.debug_${n}`, bytes: raw[KEYS[n]], compressed: false })));
    const shf = container(exe, present.map((n) => ({ name: `.debug_${n}`, bytes: chdr(raw[KEYS[n]]), compressed: true })));
    const z = container(exe, present.map((n) => ({ name: `.zdebug_${n}`, bytes: zdebug(raw[KEYS[n]]), compressed: false })));
    for (const c of [plain, shf, z]) expect(dwarfLayoutsDump(await readDwarf(c))).toBe(want);
    expect(dwarfLayoutsDump(dwarfFromSections(raw, true))).toBe(want);
  });

  it('reject a compressed section whose header states another size', async () => {
    const exe = await openExecutable(exeBytes(e!.input));
    const raw = await readDwarfSections(exe);
    const bad = chdr(raw.info);
    new DataView(bad.buffer, bad.byteOffset).setBigUint64(8, BigInt(raw.info.length - 1), true);
    const c = container(exe, [{ name: '.debug_abbrev', bytes: raw.abbrev, compressed: false }, { name: '.debug_info', bytes: bad, compressed: true }]);
    await expect(readDwarf(c)).rejects.toSatisfy(isGodiagError);
  });
});

describe('types', () => {
  it('resolves Go types: self-referential pointers, slices, strings, typedefs', async () => {
    const e = withGolden.find((g) => g.golden === 'go1.26.8/linux-amd64/corework.dwarf-layouts.json')!;
    const d = await readDwarf(await openExecutable(exeBytes(e.input)));
    const g = d.type('runtime.g');
    expect(g?.kind).toBe('struct');
    const gp = d.type('*runtime.g');
    // runtime.g reaches itself through *runtime.m's curg: the same object, not a copy.
    const m = d.structLayout('runtime.m');
    // Go points at the typedef that names the struct.
    const named = (t: DwarfType | undefined) => (t?.kind === 'typedef' ? t.type : t);
    expect(gp?.kind === 'pointer' && named(gp.target)).toBe(g);
    const curg = m?.type.members.find((x) => x.name === 'curg')?.type;
    expect(curg?.kind === 'pointer' && named(curg.target)).toBe(g);
    const bytes = d.type('[]uint8');
    expect(bytes?.kind === 'struct' && bytes.goKind === 'slice' && bytes.elem?.name).toBe('uint8');
    expect(d.type('string')?.goKind).toBe('string');
    expect(d.structLayout('runtime.gobuf')?.fields.get('sp')?.typeName).toBe('uintptr');
    expect(d.structLayout('no.such')).toBeUndefined();
  });
});
