/**
 * Property tests of the pclntab reader over random tables written by test/support/pclntab-writer.ts (every
 * layout, both pointer sizes and byte orders): any pc inside or outside text resolves to the function whose
 * range holds it, or to "no function" — funcAt, lookup and fileLine agreeing — and positions are the table's;
 * a truncated or corrupted table ends in a GodiagError, never another exception.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GodiagError } from '../../src/internal/errors.js';
import { Pclntab, type PclntabOptions } from '../../src/gosym/pclntab/index.js';
import { writePclntab, type SynthFunc, type SynthLayout, type SynthOutput, type SynthTable } from '../support/pclntab-writer.js';

const TEXT = 0x401000n;
const LAYOUTS: SynthLayout[] = ['go1.2', 'go1.12', 'go1.16', 'go1.18', 'go1.20'];

/** A function as the generator draws it: sizes and runs in quantum units. */
interface DrawnFunc {
  size: number;
  gap: number;
  lines: Array<[number, number]>;
  twoFiles: boolean;
}

const drawnFunc: fc.Arbitrary<DrawnFunc> = fc
  .record({
    size: fc.integer({ min: 1, max: 24 }),
    gap: fc.integer({ min: 0, max: 3 }),
    cuts: fc.uniqueArray(fc.integer({ min: 1, max: 23 }), { maxLength: 4 }),
    lines: fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 5, maxLength: 5 }),
    twoFiles: fc.boolean(),
  })
  .map(({ size, gap, cuts, lines, twoFiles }) => {
    const ends = [...cuts.filter((c) => c < size), size].sort((a, b) => a - b);
    return { size, gap, twoFiles, lines: ends.map((e, i): [number, number] => [e, lines[i]!]) };
  });

interface DrawnTable {
  layout: SynthLayout;
  ptrSize: 4 | 8;
  bigEndian: boolean;
  quantum: number;
  funcs: DrawnFunc[];
}

const drawnTable: fc.Arbitrary<DrawnTable> = fc.record({
  layout: fc.constantFrom(...LAYOUTS),
  ptrSize: fc.constantFrom<4 | 8>(4, 8),
  bigEndian: fc.boolean(),
  quantum: fc.constantFrom(1, 2, 4),
  funcs: fc.array(drawnFunc, { minLength: 1, maxLength: 8 }),
});

interface Built {
  table: SynthTable;
  out: SynthOutput;
  options: PclntabOptions;
}

function build(d: DrawnTable): Built {
  const q = d.quantum;
  const funcs: SynthFunc[] = [];
  let at = 0;
  d.funcs.forEach((f, i) => {
    const size = f.size * q;
    const half = Math.max(1, Math.floor(f.size / 2)) * q;
    funcs.push({
      name: `pkg.f${i}`,
      entry: at,
      size,
      args: 8,
      startLine: 1,
      cu: 0,
      pcsp: [[size, 16]],
      pcfile: f.twoFiles && half < size ? [[half, '/src/a.go'], [size, '/src/b.go']] : [[size, '/src/a.go']],
      pcln: f.lines.map(([e, line]): [number, number] => [e * q, line]),
    });
    at += size + f.gap * q;
  });
  const table: SynthTable = { layout: d.layout, ptrSize: d.ptrSize, bigEndian: d.bigEndian, quantum: q, textStart: TEXT, funcs };
  const out = writePclntab(table);
  const options: PclntabOptions = { textStart: TEXT, addr: out.addr };
  if (out.goFunc) options.goFunc = out.goFunc;
  if (out.rodata) options.memory = [out.rodata];
  return { table, out, options };
}

/** The function whose range [entry, next entry) holds `pc` (the last one ends at entry + size), by index. */
function owner(t: SynthTable, pc: bigint): number {
  for (let i = 0; i < t.funcs.length; i++) {
    const f = t.funcs[i]!;
    const start = TEXT + BigInt(f.entry);
    const end = TEXT + BigInt(i + 1 < t.funcs.length ? t.funcs[i + 1]!.entry : f.entry + f.size);
    if (pc >= start && pc < end) return i;
  }
  return -1;
}

describe('pclntab: random tables, random pcs', () => {
  it('funcAt, lookup and fileLine agree with the table on pcs inside and outside text', () => {
    fc.assert(
      fc.property(drawnTable, fc.array(fc.integer({ min: -64, max: 1200 }), { minLength: 1, maxLength: 40 }), (d, offsets) => {
        const { table, out, options } = build(d);
        const tab = Pclntab.parse(out.bytes, options);
        expect(tab.funcCount).toBe(table.funcs.length);
        for (const off of offsets) {
          const pc = TEXT + BigInt(off);
          const i = owner(table, pc);
          const fn = tab.funcAt(pc);
          const frames = tab.lookup(pc);
          const pos = tab.fileLine(pc);
          if (i < 0) {
            expect(fn).toBeUndefined();
            expect(frames).toEqual([]);
            expect(pos).toBeUndefined();
            continue;
          }
          const sf = table.funcs[i]!;
          expect(fn?.name).toBe(sf.name);
          expect(frames.length).toBe(1);
          expect(frames[0]!.function).toBe(sf.name);
          expect(frames[0]!.entry).toBe(TEXT + BigInt(sf.entry));
          expect(frames[0]!.inlined).toBe(false);
          const rel = Number(pc - TEXT) - sf.entry;
          if (rel < sf.size) {
            // Inside the function's code: the table's line and file at that offset.
            const line = sf.pcln.find(([end]) => rel < end)![1];
            const file = sf.pcfile.find(([end]) => rel < end)![1];
            expect(pos).toEqual({ file, line });
            expect([frames[0]!.file, frames[0]!.line]).toEqual([file, line]);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a truncated or corrupted table gives a GodiagError or answers, never another exception', () => {
    fc.assert(
      fc.property(
        drawnTable,
        fc.oneof(
          fc.record({ kind: fc.constant('cut' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
          fc.record({ kind: fc.constant('flip' as const), at: fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }) }),
        ),
        fc.array(fc.integer({ min: -64, max: 1200 }), { minLength: 1, maxLength: 20 }),
        (d, damage, offsets) => {
          const { out, options } = build(d);
          let bytes: Uint8Array;
          if (damage.kind === 'cut') {
            bytes = out.bytes.subarray(0, Math.floor(damage.at * out.bytes.length));
          } else {
            bytes = out.bytes.slice();
            for (const [where, value] of damage.at) bytes[Math.min(bytes.length - 1, Math.floor(where * bytes.length))] = value;
          }
          const godiagOr = (f: () => unknown) => {
            try {
              f();
            } catch (e) {
              if (!(e instanceof GodiagError)) throw e;
            }
          };
          let tab: Pclntab | undefined;
          godiagOr(() => (tab = Pclntab.parse(bytes, options)));
          if (tab === undefined) return;
          const t = tab;
          for (const off of offsets) {
            const pc = TEXT + BigInt(off);
            godiagOr(() => t.funcAt(pc));
            godiagOr(() => t.lookup(pc));
            godiagOr(() => t.fileLine(pc));
          }
          godiagOr(() => [...t.functions()]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
