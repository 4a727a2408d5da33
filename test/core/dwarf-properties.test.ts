/**
 * Property tests of the DWARF reader (src/core/dwarf) over synthetic sections (test/core/dwarf-writer.ts):
 * what was written comes back — struct sizes, members with offsets, sizes and type names, pointers (to
 * themselves too) resolving to the one object of their target — in DWARF 4 and 5, 32- and 64-bit DWARF,
 * both byte orders, inline and `.debug_str` names, unit and section references; truncated or corrupted
 * sections end in a GodiagError, never another exception or a hang; cycles terminate.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chdrBytes, dwarfFromSections, zdebugBytes, type Dwarf, type DwarfType } from '../../src/core/dwarf/index.js';
import { GodiagError } from '../../src/internal/errors.js';
import { writeDwarf, type SynthDwarf, type SynthType } from './dwarf-writer.js';
import { zlibSync } from 'fflate';

/** A random type list: base types first, then structs, pointers and typedefs referring to any of them. */
const synth: fc.Arbitrary<SynthDwarf> = fc
  .record({
    version: fc.constantFrom(4 as const, 5 as const),
    offset64: fc.boolean(),
    little: fc.boolean(),
    strp: fc.boolean(),
    refAddr: fc.boolean(),
    bases: fc.array(fc.record({ size: fc.constantFrom(1, 2, 4, 8), encoding: fc.constantFrom(2, 4, 5, 7) }), { minLength: 1, maxLength: 4 }),
    others: fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant('struct' as const), size: fc.integer({ min: 0, max: 1 << 20 }), members: fc.array(fc.record({ offset: fc.integer({ min: 0, max: 1 << 20 }), type: fc.nat() }), { maxLength: 6 }) }),
        fc.record({ kind: fc.constant('pointer' as const), target: fc.nat() }),
        fc.record({ kind: fc.constant('typedef' as const), target: fc.nat() }),
      ),
      { maxLength: 10 },
    ),
  })
  .map((r) => {
    const types: SynthType[] = r.bases.map((b, i) => ({ kind: 'base' as const, name: `b${i}`, ...b }));
    const n = r.bases.length + r.others.length;
    r.others.forEach((o, j) => {
      const i = r.bases.length + j;
      const name = `t${i}.${o.kind}`;
      // Pointers and members may point anywhere (cycles through pointers); a typedef only at an earlier
      // non-typedef, so sizes are defined.
      if (o.kind === 'struct') types.push({ kind: 'struct', name, size: o.size, members: o.members.map((m, k) => ({ name: `f${k}`, offset: m.offset, type: m.type % n })) });
      else if (o.kind === 'pointer') types.push({ kind: 'pointer', name, target: o.target % n });
      else types.push({ kind: 'typedef', name, target: o.target % r.bases.length });
    });
    return { version: r.version, offset64: r.offset64, little: r.little, strp: r.strp, refAddr: r.refAddr, types };
  });

function expectedSize(types: SynthType[], i: number): number {
  const t = types[i]!;
  switch (t.kind) {
    case 'base':
    case 'struct':
      return t.size;
    case 'pointer':
      return 8;
    case 'typedef':
      return expectedSize(types, t.target);
  }
}

/** Touches everything reachable from every indexed name (with a visited set, as a cycle-safe caller would). */
function walkAll(d: Dwarf): number {
  const seen = new Set<DwarfType>();
  const stack: DwarfType[] = [];
  for (const n of d.typeNames()) {
    const t = d.type(n);
    if (t !== undefined) stack.push(t);
    d.structLayout(n);
  }
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (seen.has(t)) continue;
    seen.add(t);
    void t.byteSize;
    if (t.kind === 'struct' || t.kind === 'union') for (const m of t.members) stack.push(m.type);
    else if (t.kind === 'pointer' && t.target !== undefined) stack.push(t.target);
    else if ((t.kind === 'typedef' || t.kind === 'qualifier') && t.type !== undefined) stack.push(t.type);
    else if (t.kind === 'array') stack.push(t.element);
  }
  return seen.size;
}

describe('synthetic DWARF', () => {
  it('round-trips struct layouts, pointers and typedefs', () => {
    fc.assert(
      fc.property(synth, (s) => {
        const { sections, offsets } = writeDwarf(s);
        const d = dwarfFromSections(sections, s.little);
        expect(new Set(d.typeNames())).toEqual(new Set(s.types.map((t) => t.name)));
        s.types.forEach((t, i) => {
          const got = d.type(t.name)!;
          expect(got.offset).toBe(offsets[i]);
          expect(got.byteSize).toBe(expectedSize(s.types, i));
          if (t.kind === 'struct') {
            const l = d.structLayout(t.name)!;
            expect(l.size).toBe(t.size);
            expect(l.type.members.map((m) => [m.name, m.offset, m.type.name, m.type.byteSize])).toEqual(
              t.members.map((m) => [m.name, m.offset, s.types[m.type]!.name, expectedSize(s.types, m.type)]),
            );
            // Each member's type is the one object of its DIE.
            t.members.forEach((m, k) => expect(l.type.members[k]!.type).toBe(d.type(s.types[m.type]!.name)));
          } else if (t.kind === 'pointer') {
            expect(got.kind === 'pointer' && got.target).toBe(d.type(s.types[t.target]!.name));
          } else if (t.kind === 'typedef') {
            expect(got.kind === 'typedef' && got.type).toBe(d.type(s.types[t.target]!.name));
          } else {
            expect(got.kind === 'base' && got.encoding).toBe(t.encoding);
          }
        });
        expect(walkAll(d)).toBe(s.types.length);
      }),
      { numRuns: 300 },
    );
  });

  it('a struct pointing at itself is a cycle of objects', () => {
    const s: SynthDwarf = {
      version: 5, offset64: false, little: true, strp: false, refAddr: true,
      types: [
        { kind: 'base', name: 'int', size: 8, encoding: 5 },
        { kind: 'struct', name: 'main.node', size: 16, members: [{ name: 'next', offset: 0, type: 2 }, { name: 'val', offset: 8, type: 0 }] },
        { kind: 'pointer', name: '*main.node', target: 1 },
      ],
    };
    const d = dwarfFromSections(writeDwarf(s).sections, true);
    const node = d.structLayout('main.node')!;
    const next = node.type.members[0]!.type;
    expect(next.kind === 'pointer' && next.target).toBe(node.type);
    expect(node.fields.get('next')).toEqual({ offset: 0, size: 8, typeName: '*main.node' });
  });

  it('a typedef naming itself is corrupt, not an endless walk', () => {
    const s: SynthDwarf = { version: 4, offset64: false, little: true, strp: false, refAddr: false, types: [{ kind: 'typedef', name: 'loop', target: 0 }] };
    const d = dwarfFromSections(writeDwarf(s).sections, true);
    const t = d.type('loop')!;
    expect(t.kind === 'typedef' && t.type).toBe(t);
    expect(() => t.byteSize).toThrow(GodiagError);
    expect(() => d.structLayout('loop')).toThrow(GodiagError);
  });

  it('truncated or corrupted sections end in a GodiagError or an answer', () => {
    fc.assert(
      fc.property(
        synth,
        fc.constantFrom('info' as const, 'abbrev' as const, 'str' as const),
        fc.oneof(
          fc.record({ cut: fc.double({ min: 0, max: 1, noNaN: true }) }),
          fc.record({ flips: fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 8 }) }),
        ),
        (s, which, damage) => {
          const { sections } = writeDwarf(s);
          let b = sections[which];
          if ('cut' in damage) b = b.subarray(0, Math.floor(b.length * damage.cut));
          else {
            b = b.slice();
            for (const f of damage.flips) if (b.length > 0) b[Math.floor(f.at * b.length)] = f.value;
          }
          try {
            walkAll(dwarfFromSections({ ...sections, [which]: b }, s.little));
          } catch (e) {
            if (!(e instanceof GodiagError)) throw e;
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});

describe('compressed section headers', () => {
  it('truncated or corrupted compressed sections end in a GodiagError', async () => {
    const raw = writeDwarf({ version: 5, offset64: false, little: true, strp: false, refAddr: false, types: [{ kind: 'base', name: 'int', size: 8, encoding: 5 }] }).sections.info;
    const z = zlibSync(raw); // fflate, not node:zlib: this suite runs in the browser too
    const zd = new Uint8Array([...new TextEncoder().encode('ZLIB'), 0, 0, 0, 0, 0, 0, 0, raw.length, ...z]);
    expect(zdebugBytes('.zdebug_info', zd, 0, 1 << 20)).toEqual(raw);
    const ch = new Uint8Array(24 + z.length);
    const dv = new DataView(ch.buffer);
    dv.setUint32(0, 1, true);
    dv.setBigUint64(8, BigInt(raw.length), true);
    ch.set(z, 24);
    expect(chdrBytes('.debug_info', ch, true, true, 1 << 20)).toEqual(raw);
    fc.assert(
      fc.property(fc.boolean(), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean(), (isZ, pos, v, cut) => {
        const src = (isZ ? zd : ch).slice();
        let b = src;
        if (cut) b = src.subarray(0, pos % src.length);
        else b[pos % src.length] = v;
        try {
          const out = isZ ? zdebugBytes('.zdebug_info', b, 0, 1 << 20) : chdrBytes('.debug_info', b, true, true, 1 << 20);
          expect(out.length).toBe(raw.length);
        } catch (e) {
          if (!(e instanceof GodiagError)) throw e;
        }
      }),
      { numRuns: 500 },
    );
    // A stated size over the limit is refused before inflating.
    expect(() => chdrBytes('.debug_info', ch, true, true, 4)).toThrow(GodiagError);
  });
});
