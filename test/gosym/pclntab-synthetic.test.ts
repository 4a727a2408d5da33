import { describe, expect, it } from 'vitest';
import { Pclntab, type Frame, type PclntabOptions } from '../../src/gosym/pclntab/index.js';
import { isGodiagError } from '../../src/internal/errors.js';
import { encodePcValue, writePclntab, type SynthFunc, type SynthLayout, type SynthOutput, type SynthTable } from '../support/pclntab-writer.js';

// The model below is the expectation: a table written as Go's linker lays it out must read back as the
// functions, positions and inlined calls it was written from.

const TEXT = 0x401000n;

/** Value of runs `[end, value]` at offset `x` from the entry, −1 past the last run. */
function valueAt<T>(runs: Array<[number, T]>, x: number, none: T): T {
  for (const [end, v] of runs) if (x < end) return v;
  return none;
}

function funcs(q: number): SynthFunc[] {
  const u = (n: number) => n * q;
  return [
    {
      name: 'main.main',
      entry: 0,
      size: u(40),
      args: 0,
      funcID: 0,
      startLine: 10,
      cu: 0,
      pcsp: [[u(4), 0], [u(36), 24], [u(40), 0]],
      pcfile: [[u(40), '/src/main.go']],
      pcln: [[u(8), 10], [u(12), 11], [u(24), 30], [u(30), 31], [u(40), 12]],
      // main.main inlines main.helper (calls at 11) which inlines strings.Index (at line 31).
      inline: {
        runs: [[u(12), -1], [u(24), 0], [u(30), 1], [u(40), -1]],
        tree: [
          { name: 'main.helper', parentPc: u(8), parent: -1, file: '/src/main.go', line: 11, startLine: 29, funcID: 0 },
          { name: 'strings.Index', parentPc: u(12), parent: 0, file: '/src/main.go', line: 30, startLine: 100, funcID: 0 },
        ],
      },
    },
    {
      name: 'runtime.goexit',
      entry: u(48),
      size: u(8),
      args: 0,
      funcID: 7,
      flag: 1,
      startLine: 5,
      cu: 1,
      pcsp: [[u(8), 0]],
      pcfile: [[u(8), '/go/src/runtime/asm_amd64.s']],
      pcln: [[u(2), 5], [u(8), 6]],
    },
    {
      name: 'pkg.(*T).Method[...]',
      entry: u(64),
      size: u(20),
      args: -0x80000000,
      funcID: 0,
      startLine: 70,
      cu: 1,
      pcsp: [[u(2), 0], [u(18), 48], [u(20), 0]],
      pcfile: [[u(10), '/src/pkg/t.go'], [u(20), '/src/pkg/u.go']],
      pcln: [[u(6), 70], [u(16), 71], [u(20), 72]],
    },
  ];
}

function model(t: SynthTable, f: SynthFunc, pc: bigint) {
  const x = Number(pc - t.textStart) - f.entry;
  const line = valueAt(f.pcln, x, -1);
  const file = valueAt(f.pcfile, x, '');
  return { x, line, file };
}

function expectedFrames(t: SynthTable, f: SynthFunc, pc: bigint, inlineKnown: boolean, funcIdKnown: boolean): Frame[] {
  const go120 = t.layout === 'go1.20';
  const out: Frame[] = [];
  let x = Number(pc - t.textStart) - f.entry;
  const pos = (off: number) => {
    const line = valueAt(f.pcln, off, -1);
    const file = valueAt(f.pcfile, off, '');
    return line < 0 || file === '' ? { file: '?', line: 0 } : { file, line };
  };
  const entry = t.textStart + BigInt(f.entry);
  let ix = f.inline && inlineKnown ? valueAt(f.inline.runs, x, -1) : -1;
  while (ix >= 0 && f.inline) {
    const e = f.inline.tree[ix]!;
    out.push({ function: e.name, ...pos(x), ...(go120 ? { startLine: e.startLine! } : {}), inlined: true, entry, funcID: e.funcID ?? 0 });
    x = e.parentPc;
    ix = valueAt(f.inline.runs, x, -1);
  }
  const fr: Frame = {
    function: f.name,
    ...pos(x),
    ...(go120 ? { startLine: f.startLine! } : {}),
    inlined: false,
    entry,
    ...(funcIdKnown ? { funcID: f.funcID ?? 0 } : {}),
  };
  out.push(fr);
  return out;
}

function options(out: SynthOutput, t: SynthTable, extra: PclntabOptions = {}): PclntabOptions {
  const o: PclntabOptions = { textStart: t.textStart, addr: out.addr, ...extra };
  if (out.goFunc) o.goFunc = out.goFunc;
  if (out.rodata) o.memory = [out.rodata];
  return o;
}

const variants: Array<{ layout: SynthLayout; ptrSize: 4 | 8; bigEndian: boolean; quantum: number; header: string; goVersion: string }> = [];
for (const [layout, header, goVersion] of [
  ['go1.2', '1.2', 'go1.11.13'],
  ['go1.12', '1.2', 'go1.12.17'],
  ['go1.13', '1.2', 'go1.15.15'],
  ['go1.16', '1.16', 'go1.16.15'],
  ['go1.18', '1.18', 'go1.19.13'],
  ['go1.20', '1.20', 'go1.22.12'],
] as const) {
  for (const [ptrSize, bigEndian, quantum] of [
    [8, false, 1],
    [4, false, 1],
    [8, true, 4],
    [4, true, 2],
  ] as const) {
    variants.push({ layout, ptrSize, bigEndian, quantum, header, goVersion });
  }
}

describe('Pclntab on synthetic tables of every layout', () => {
  for (const v of variants) {
    const name = `${v.layout} ptr${v.ptrSize} ${v.bigEndian ? 'BE' : 'LE'} quantum ${v.quantum}`;
    describe(name, () => {
      const t: SynthTable = { layout: v.layout, ptrSize: v.ptrSize, bigEndian: v.bigEndian, quantum: v.quantum, textStart: TEXT, funcs: funcs(v.quantum) };
      const out = writePclntab(t);
      for (const withVersion of [true, false]) {
        const label = withVersion ? `goVersion ${v.goVersion}` : 'no goVersion';
        it(`header, functions and positions (${label})`, () => {
          const tab = Pclntab.parse(out.bytes, options(out, t, withVersion ? { goVersion: v.goVersion } : {}));
          expect(tab.layout).toBe(v.header);
          expect(tab.ptrSize).toBe(v.ptrSize);
          expect(tab.quantum).toBe(v.quantum);
          expect(tab.byteOrder).toBe(v.bigEndian ? 'big' : 'little');
          const fs = [...tab.functions()];
          expect(fs.map((f) => f.name)).toEqual(t.funcs.map((f) => f.name));
          t.funcs.forEach((sf, i) => {
            const f = fs[i]!;
            const end = i + 1 < t.funcs.length ? t.funcs[i + 1]!.entry : sf.entry + sf.size;
            expect(f.entry).toBe(TEXT + BigInt(sf.entry));
            expect(f.end).toBe(TEXT + BigInt(end));
            expect(f.argsSize).toBe(sf.args ?? 0);
            expect(f.maxFrameSize).toBe(Math.max(0, ...sf.pcsp.map(([, s]) => s)));
            expect(f.file).toBe(sf.pcfile[0]![1]);
            expect(f.startLine).toBe(v.layout === 'go1.20' ? sf.startLine : undefined);
            expect(f.flags).toBe(v.layout === 'go1.2' || v.layout === 'go1.12' || v.layout === 'go1.13' ? 0 : (sf.flag ?? 0));
            // A 1.2–1.11 record has a FuncID only from Go 1.10, which only the version tells.
            expect(f.funcID).toBe(v.layout === 'go1.2' && !withVersion ? undefined : (sf.funcID ?? 0));
            expect(tab.funcAt(f.entry)?.index).toBe(i);
            expect(tab.funcAt(f.end - 1n)?.index).toBe(i);
            for (let pc = f.entry; pc < f.end; pc++) {
              const m = model(t, sf, pc);
              expect(tab.fileLine(pc)).toEqual({ file: m.file, line: m.line });
            }
            // lines() partitions [entry, end) into runs of one position.
            const runs = tab.lines(f);
            expect(runs[0]!.pc).toBe(f.entry);
            expect(runs[runs.length - 1]!.end).toBe(f.end);
            for (let k = 0; k < runs.length; k++) {
              const r = runs[k]!;
              if (k > 0) expect(r.pc).toBe(runs[k - 1]!.end);
              const m = model(t, sf, r.pc);
              expect([r.file, r.line]).toEqual([m.file, m.line]);
              if (k > 0) expect([r.file, r.line]).not.toEqual([runs[k - 1]!.file, runs[k - 1]!.line]);
            }
          });
          expect(tab.funcAt(TEXT - 1n)).toBeUndefined();
          expect(tab.funcAt(fs[fs.length - 1]!.end)).toBeUndefined();
          expect(tab.lookup(fs[fs.length - 1]!.end)).toEqual([]);
          expect(new Set(tab.files())).toEqual(new Set(out.files));
        });

        it(`inlined frames (${label})`, () => {
          const tab = Pclntab.parse(out.bytes, options(out, t, withVersion ? { goVersion: v.goVersion } : {}));
          // Inline trees are read from Go 1.12 on; Go 1.2–1.11 tables report the physical function.
          const inlineKnown = v.layout !== 'go1.2';
          for (const [i, sf] of t.funcs.entries()) {
            const f = tab.func(i);
            for (let pc = f.entry; pc < f.end; pc++) {
              expect(tab.lookup(pc)).toEqual(expectedFrames(t, sf, pc, inlineKnown, v.layout !== 'go1.2' || withVersion));
            }
          }
          const frames = tab.lookup(TEXT + BigInt(20 * v.quantum));
          if (inlineKnown) expect(frames.map((x) => x.function)).toEqual(['main.helper', 'main.main']);
        });
      }

      it('lineToPCs finds the first PC of every run at a line, innermost positions included', () => {
        const tab = Pclntab.parse(out.bytes, options(out, t));
        const q = BigInt(v.quantum);
        expect(tab.lineToPCs('/src/main.go', 30)).toEqual([TEXT + 12n * q]);
        expect(tab.lineToPCs('/src/pkg/t.go', 71)).toEqual([TEXT + 64n * q + 6n * q]);
        expect(tab.lineToPCs('/src/pkg/u.go', 71)).toEqual([TEXT + 64n * q + 10n * q]);
        expect(tab.lineToPCs('/src/pkg/u.go', 99)).toEqual([]);
        expect(tab.lineToPCs('/nowhere.go', 1)).toEqual([]);
      });

      it('without the inline tree memory, inlined PCs are flagged, not guessed', () => {
        if (v.layout === 'go1.2') return;
        const tab = Pclntab.parse(out.bytes, { textStart: t.textStart, goVersion: v.goVersion });
        const frames = tab.lookup(TEXT + BigInt(20 * v.quantum));
        expect(frames).toHaveLength(1);
        expect(frames[0]!.function).toBe('main.main');
        expect(frames[0]!.inlineTreeMissing).toBe(true);
        expect(frames[0]!.line).toBe(30);
        expect(tab.lookup(TEXT)[0]!.inlineTreeMissing).toBeUndefined();
      });
    });
  }
});

describe('Pclntab options and header', () => {
  const t: SynthTable = { layout: 'go1.20', ptrSize: 8, textStart: TEXT, funcs: funcs(1), omitTextStart: true };
  const out = writePclntab(t);

  it('requires textStart when a 1.18+ header has none (Go 1.26)', () => {
    expect(() => Pclntab.parse(out.bytes)).toThrow(TypeError);
    const tab = Pclntab.parse(out.bytes, { textStart: 0x500000n });
    expect(tab.textStart).toBe(0x500000n);
    expect(tab.func(1).entry).toBe(0x500000n + 48n);
  });

  it('reads the text start from a 1.18–1.25 header', () => {
    const o = writePclntab({ ...t, omitTextStart: false });
    expect(Pclntab.readHeader(o.bytes).textStart).toBe(TEXT);
    expect(Pclntab.parse(o.bytes).func(0).entry).toBe(TEXT);
  });

  it('finds go:func.* inside the table bytes (Go 1.26 puts it in the pclntab section)', () => {
    const gf = out.goFunc!;
    const joined = new Uint8Array(out.bytes.length + gf.bytes.length + 8);
    joined.set(out.bytes);
    const at = (out.bytes.length + 7) & ~7;
    joined.set(gf.bytes, at);
    const tab = Pclntab.parse(joined, { textStart: TEXT, addr: 0x1000n, goFunc: { addr: 0x1000n + BigInt(at) } });
    expect(tab.lookup(TEXT + 20n).map((f) => f.function)).toEqual(['main.helper', 'main.main']);
  });

  it('maps split text through the text section map (the runtime textAddr/textOff)', () => {
    // Virtual offsets [0, 48) at TEXT, [48, 84] at a second section 1 MiB further.
    const far = TEXT + 0x100000n;
    const tab = Pclntab.parse(out.bytes, {
      textStart: TEXT,
      textSections: [
        { vaddr: 0n, end: 48n, baseaddr: TEXT },
        { vaddr: 48n, end: 84n, baseaddr: far },
      ],
    });
    expect(tab.func(0).entry).toBe(TEXT);
    expect(tab.func(0).end).toBe(far);
    expect(tab.func(1).entry).toBe(far);
    expect(tab.func(2).entry).toBe(far + 16n);
    expect(tab.func(2).end).toBe(far + 36n);
    expect(tab.funcAt(far + 20n)?.name).toBe('pkg.(*T).Method[...]');
    expect(tab.funcAt(TEXT + 48n)).toBeUndefined();
    expect(tab.lookup(far + 1n)[0]!.function).toBe('runtime.goexit');
    expect(tab.lines(1)[0]!.pc).toBe(far);
    expect(tab.lineToPCs('/src/pkg/u.go', 71)).toEqual([far + 16n + 10n]);
  });

  it('checks a given byte order against the magic', () => {
    expect(() => Pclntab.parse(out.bytes, { textStart: TEXT, byteOrder: 'big' })).toThrow(/little-endian/);
  });

  it('readHeader reports the counts', () => {
    const h = Pclntab.readHeader(out.bytes);
    expect(h).toMatchObject({ layout: '1.20', byteOrder: 'little', quantum: 1, ptrSize: 8, nfunc: 3, nfiles: out.files.length });
  });
});

describe('Pclntab rejects malformed tables with GodiagError', () => {
  const t: SynthTable = { layout: 'go1.20', ptrSize: 8, textStart: TEXT, funcs: funcs(1) };
  const out = writePclntab(t);
  const opts = options(out, t);
  const expectError = (fn: () => unknown, code: string) => {
    try {
      fn();
    } catch (e) {
      expect(isGodiagError(e)).toBe(true);
      if (isGodiagError(e)) {
        expect(e.code).toBe(code);
        expect(e.format).toBe('pclntab');
      }
      return;
    }
    throw new Error('expected a GodiagError');
  };
  const patch = (edit: (b: Uint8Array, dv: DataView) => void) => {
    const b = out.bytes.slice();
    edit(b, new DataView(b.buffer));
    return b;
  };

  it('bad magic, bad quantum, bad pointer size, truncated header', () => {
    expectError(() => Pclntab.parse(patch((b) => (b[0] = 0x12)), opts), 'not-format');
    expectError(() => Pclntab.parse(patch((b) => (b[6] = 3)), opts), 'corrupt');
    expectError(() => Pclntab.parse(patch((b) => (b[7] = 2)), opts), 'corrupt');
    expectError(() => Pclntab.parse(out.bytes.subarray(0, 5), opts), 'truncated');
    expectError(() => Pclntab.parse(out.bytes.subarray(0, 40), opts), 'truncated');
  });

  it('sub-table offsets out of order or outside the table', () => {
    expectError(() => Pclntab.parse(patch((_b, dv) => dv.setBigUint64(8 + 3 * 8, 1n << 40n, true)), opts), 'corrupt');
    expectError(() => Pclntab.parse(patch((_b, dv) => dv.setBigUint64(8 + 4 * 8, 20n, true)), opts), 'corrupt');
  });

  it('an unsorted function table', () => {
    const pcln = Number(new DataView(out.bytes.buffer).getBigUint64(8 + 7 * 8, true));
    const unsorted = patch((_b, dv) => {
      dv.setUint32(pcln, 100, true);
      dv.setUint32(pcln + 8, 0, true);
    });
    expectError(() => Pclntab.parse(unsorted, opts), 'corrupt');
  });

  it('a function count beyond the table', () => {
    expectError(() => Pclntab.parse(patch((_b, dv) => dv.setBigUint64(8, 1000n, true)), opts), 'truncated');
    expectError(() => Pclntab.parse(patch((_b, dv) => dv.setBigUint64(8, 1n << 40n, true)), opts), 'limit-exceeded');
  });

  it('a record whose entry disagrees with the function table, a bad name offset', () => {
    const tab = Pclntab.parse(out.bytes, opts);
    const pcln = Number(new DataView(out.bytes.buffer).getBigUint64(8 + 7 * 8, true));
    const funcoff = new DataView(out.bytes.buffer).getUint32(pcln + 4, true);
    expect(tab.func(0).name).toBe('main.main');
    expectError(() => Pclntab.parse(patch((_b, dv) => dv.setUint32(pcln + funcoff, 4, true)), opts).func(0), 'corrupt');
    expectError(() => Pclntab.parse(patch((_b, dv) => dv.setUint32(pcln + funcoff + 4, 1 << 30, true)), opts).func(0), 'corrupt');
  });

  it('a pc-value table running off the end of its area', () => {
    const pcln = Number(new DataView(out.bytes.buffer).getBigUint64(8 + 7 * 8, true));
    const pctab = Number(new DataView(out.bytes.buffer).getBigUint64(8 + 6 * 8, true));
    const funcoff = new DataView(out.bytes.buffer).getUint32(pcln + 4, true);
    // Point main.main's pcln table at the last byte of the pc-value area, which is a terminator only in
    // another table's middle: decoding runs into the function table.
    const b = patch((_b, dv) => dv.setUint32(pcln + funcoff + 4 + 20, pcln - pctab - 1, true));
    b[pcln - 1] = 0x80;
    expectError(() => Pclntab.parse(b, opts).fileLine(TEXT + 1n), 'truncated');
  });

  it('an inline tree whose parent PC leaves the function, or that cycles', () => {
    const gf = out.goFunc!;
    const tree = gf.bytes.slice();
    const dv = new DataView(tree.buffer);
    // main.main's tree is the first one, 4-byte aligned after the leading 8 bytes.
    dv.setInt32(8 + 8, 1000, true);
    expectError(() => Pclntab.parse(out.bytes, { ...opts, goFunc: { addr: gf.addr, bytes: tree } }).lookup(TEXT + 20n), 'corrupt');
    const cyc = gf.bytes.slice();
    // Entry 1 (strings.Index, active at 24..30) returns to 25, which is inside itself.
    new DataView(cyc.buffer).setInt32(8 + 16 + 8, 25, true);
    expectError(() => Pclntab.parse(out.bytes, { ...opts, goFunc: { addr: gf.addr, bytes: cyc } }).lookup(TEXT + 26n), 'corrupt');
  });
});

describe('encodePcValue', () => {
  it('writes zigzag value deltas and quantum-scaled PC deltas, merging equal runs', () => {
    // Runs merge to [0,12)=0, [12,16)=−2: delta +1 (zigzag 2) for 12/4 = 3 quanta, −2 (zigzag 3) for 1; terminator.
    expect([...encodePcValue([[8, 0], [12, 0], [16, -2]], 4)]).toEqual([2, 3, 3, 1, 0]);
  });
});
