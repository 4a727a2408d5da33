/**
 * Property tests of the ELF core layer over synthetic cores (test/core/core-writer.ts): what was written comes
 * back — threads with their registers and signals, process information, the auxiliary vector, NT_FILE with
 * either page-size convention, every other note listed, memory as segments and NT_FILE make it — and a
 * truncated or corrupted core ends in a GodiagError (opening) or an UnavailableMemoryError (reading), never
 * another exception or a hang.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../src/core/elf-core.js';
import { UnavailableMemoryError } from '../../src/core/memory.js';
import { REGISTER_LAYOUTS } from '../../src/core/registers.js';
import { GodiagError } from '../../src/internal/errors.js';
import { REG_COUNT, writeCore, type SynthCore, type SynthLoad, type SynthThread } from './core-writer.js';

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const text = (max: number) => fc.string({ unit: fc.constantFrom(...'abcdefgh-_./ 0123'.split('')), maxLength: max });

const thread = (machine: 62 | 183): fc.Arbitrary<SynthThread> =>
  fc.record(
    {
      tid: fc.integer({ min: 1, max: 0x7fffffff }),
      cursig: fc.integer({ min: 0, max: 64 }),
      regs: fc.array(u64, { minLength: REG_COUNT[machine], maxLength: REG_COUNT[machine] }),
      siginfo: fc.record({ signo: fc.integer({ min: 0, max: 31 }), code: fc.integer({ min: -6, max: 3 }), word: u64 }),
    },
    { requiredKeys: ['tid', 'cursig', 'regs'] },
  );

const loads: fc.Arbitrary<SynthLoad[]> = fc
  .array(
    fc.record({
      data: fc.uint8Array({ maxLength: 300 }),
      tail: fc.integer({ min: 0, max: 5000 }),
      flags: fc.integer({ min: 0, max: 7 }),
    }),
    { maxLength: 4 },
  )
  .map((ls) => ls.map((l, i) => ({ vaddr: 0x10000000n + BigInt(i) * 0x100000n, data: l.data, memsz: BigInt(l.data.length + l.tail), flags: l.flags })));

const synthCore: fc.Arbitrary<SynthCore> = fc.constantFrom<62 | 183>(62, 183).chain((machine) =>
  fc.record(
    {
      machine: fc.constant(machine),
      little: fc.boolean(),
      threads: fc.uniqueArray(thread(machine), { minLength: 1, maxLength: 4, selector: (t) => t.tid }),
      prpsinfo: fc.record({
        state: fc.integer({ min: 0, max: 6 }),
        sname: fc.constantFrom(0x52, 0x53, 0x44),
        pid: fc.integer({ min: 1, max: 0x7fffffff }),
        uid: fc.integer({ min: 0, max: 0xffffffff }),
        fname: text(20),
        args: text(100),
      }),
      auxv: fc.array(fc.tuple(fc.bigInt({ min: 1n, max: 60n }), u64), { maxLength: 10 }),
      files: fc.record({
        pageSize: fc.constantFrom(1n, 4096n),
        mappings: fc.array(
          fc.record({ at: fc.integer({ min: 0, max: 0x500 }), pages: fc.integer({ min: 1, max: 0x100 }), offset: fc.bigInt({ min: 0n, max: 1n << 20n }), path: text(30) }),
          { maxLength: 4 },
        ),
      }).map((f) => ({
        pageSize: f.pageSize,
        mappings: f.mappings.map((m) => ({ start: 0x10000000n + BigInt(m.at) * 0x1000n, end: 0x10000000n + BigInt(m.at + m.pages) * 0x1000n, offset: m.offset, path: '/' + m.path })),
      })),
      extra: fc.array(fc.record({ name: fc.constantFrom('LINUX', 'GDB', 'XYZ', 'CORE'), type: fc.integer({ min: 0x200, max: 0x7fff }), desc: fc.uint8Array({ maxLength: 40 }) }), { maxLength: 3 }),
      loads,
    },
    { requiredKeys: ['machine', 'little', 'threads', 'auxv', 'extra', 'loads'] },
  ),
);

async function readOrUnavailable(core: Core, address: bigint, length: number): Promise<Uint8Array | UnavailableMemoryError> {
  try {
    return await core.read(address, length);
  } catch (e) {
    if (e instanceof UnavailableMemoryError) return e;
    throw e;
  }
}

const FAULTS = new Set([4, 5, 7, 8, 11]);

describe('synthetic cores', () => {
  it('round-trip: threads, process, auxv, NT_FILE, notes and memory', async () => {
    await fc.assert(
      fc.asyncProperty(synthCore, async (s) => {
        const core = await openCore(writeCore(s));
        const layout = REGISTER_LAYOUTS.get(s.machine)!;
        expect(core.arch).toBe(layout.arch);
        expect(core.byteOrder).toBe(s.little ? 'little' : 'big');
        const threads = core.threads();
        expect(threads.map((t) => t.tid)).toEqual(s.threads.map((t) => t.tid));
        for (const [i, t] of threads.entries()) {
          const w = s.threads[i]!;
          expect(Object.values(t.registers)).toEqual(w.regs);
          expect(Object.keys(t.registers)).toEqual(layout.names);
          expect([t.pc, t.sp]).toEqual([t.registers[layout.pc], t.registers[layout.sp]]);
          expect(t.status.cursig).toBe(w.cursig);
          const si = w.siginfo;
          const anySigInfo = s.threads.some((x) => x.siginfo !== undefined);
          if (!anySigInfo) {
            // A core without NT_SIGINFO (qemu-user's): the thread's pr_cursig.
            expect(t.signal?.signo).toBe(w.cursig === 0 ? undefined : w.cursig);
          } else if (si === undefined || si.signo === 0) {
            expect(t.signal).toBeUndefined();
          } else {
            expect([t.signal?.signo, t.signal?.code]).toEqual([si.signo, si.code]);
            if (si.code <= 0) {
              // pid and uid are the two 32-bit halves of the union's first word, in memory order.
              const lo = si.word & 0xffffffffn;
              const hi = si.word >> 32n;
              const [pid, uid] = s.little ? [lo, hi] : [hi, lo];
              expect([t.signal?.pid, t.signal?.uid]).toEqual([Number(BigInt.asIntN(32, pid)), Number(uid)]);
            } else if (FAULTS.has(si.signo)) {
              expect(t.signal?.addr).toBe(si.word);
            }
          }
        }
        const first = s.threads.some((t) => t.siginfo !== undefined)
          ? s.threads.find((t) => t.siginfo !== undefined && t.siginfo.signo !== 0)
          : s.threads.find((t) => t.cursig !== 0);
        expect(core.signalThread).toBe(first?.tid);
        if (s.prpsinfo !== undefined) {
          const p = s.prpsinfo;
          expect(core.process).toMatchObject({ state: p.state, pid: p.pid, uid: p.uid, fname: p.fname.slice(0, 15), args: p.args.slice(0, 79).replace(/ +$/, ''), stateChar: String.fromCharCode(p.sname) });
        } else {
          expect(core.process).toBeUndefined();
        }
        expect(core.auxv.map((a) => [a.key, a.value])).toEqual(s.auxv);
        if (s.files !== undefined) {
          expect(core.files?.offsetUnit).toBe(s.files.pageSize === 1n ? 'bytes' : 'pages');
          expect(core.files?.mappings.map((m) => [m.start, m.end, m.fileOffset, m.path])).toEqual(s.files.mappings.map((m) => [m.start, m.end, m.offset * s.files!.pageSize, m.path]));
        }
        // Every note is listed; the unknown ones last, as written.
        const extra = core.notes.slice(core.notes.length - s.extra.length);
        expect(extra.map((n) => [n.name, n.type, n.size])).toEqual(s.extra.map((e) => [e.name, e.type, e.desc.length]));
        // Memory.
        for (const l of s.loads) {
          const len = l.data.length;
          if (l.flags === 0) {
            if (l.memsz > 0n) expect(((await readOrUnavailable(core, l.vaddr, 1)) as UnavailableMemoryError).reason).toBe('no-access');
            continue;
          }
          if (len > 0) expect(await core.read(l.vaddr, len)).toEqual(l.data);
          if (l.memsz > BigInt(len)) {
            const a = l.vaddr + BigInt(len);
            const got = await readOrUnavailable(core, a, 1);
            const file = s.files?.mappings.find((m) => m.start <= a && a < m.end);
            if (file !== undefined) {
              expect(got).toBeInstanceOf(UnavailableMemoryError);
              expect((got as UnavailableMemoryError).reason).toBe('file-not-given');
            } else {
              expect(got).toEqual(new Uint8Array(1));
            }
          }
        }
        // Between segments nothing is mapped.
        expect(((await readOrUnavailable(core, 0x0fff0000n, 1)) as UnavailableMemoryError).reason).toBe('unmapped');
        // Mappings are sorted and do not overlap.
        const ms = core.mappings();
        for (let i = 1; i < ms.length; i++) expect(ms[i - 1]!.end <= ms[i]!.start).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  /** Opens damaged bytes: a GodiagError, or a core whose every accessor works and whose reads give bytes or UnavailableMemoryError. */
  async function survives(bytes: Uint8Array, s: SynthCore): Promise<void> {
    let core: Core;
    try {
      core = await openCore(bytes);
    } catch (e) {
      if (!(e instanceof GodiagError)) throw e;
      return;
    }
    core.threads();
    core.mappings();
    for (const l of s.loads) {
      const got = await readOrUnavailable(core, l.vaddr, Math.max(1, l.data.length));
      expect(got instanceof Uint8Array || got instanceof UnavailableMemoryError).toBe(true);
    }
    await core.execFn().catch((e: unknown) => {
      if (!(e instanceof GodiagError)) throw e;
    });
  }

  it('truncated cores: a GodiagError or an image that says what is missing', async () => {
    await fc.assert(
      fc.asyncProperty(synthCore, fc.double({ min: 0, max: 1, noNaN: true }), async (s, cut) => {
        const bytes = writeCore(s);
        await survives(bytes.subarray(0, Math.floor(bytes.length * cut)), s);
      }),
      { numRuns: 200 },
    );
  });

  it('corrupted cores: a GodiagError or an image that says what is missing', async () => {
    await fc.assert(
      fc.asyncProperty(synthCore, fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), async (s, flips) => {
        const bytes = writeCore(s).slice();
        // Most damage in the headers and notes, where lengths and counts live.
        const notesEnd = Math.min(bytes.length, 64 + 56 * (1 + s.loads.length) + 2048);
        for (const [at, v] of flips) bytes[Math.floor(at * notesEnd)] = v;
        await survives(bytes, s);
      }),
      { numRuns: 300 },
    );
  });

  it('many segments (vm.max_map_count is 65530): the image is built without quadratic work', async () => {
    const n = 65530;
    const data = new Uint8Array([7]);
    const s: SynthCore = { machine: 62, little: true, threads: [{ tid: 1, cursig: 0, regs: Array<bigint>(27).fill(0n) }], auxv: [], extra: [], loads: [] };
    for (let i = 0; i < n; i++) s.loads.push({ vaddr: 0x10000000n + BigInt(i) * 0x2000n, data, memsz: 0x1000n, flags: 6 });
    const start = performance.now();
    const core = await openCore(writeCore(s));
    expect(core.mappings().length).toBe(2 * n);
    expect(await core.read(0x10000000n + 0x2000n * 65529n, 2)).toEqual(new Uint8Array([7, 0]));
    expect(performance.now() - start).toBeLessThan(20_000);
  });

  it('a file that is not a core', async () => {
    const exe = writeCore({ machine: 62, little: true, threads: [], auxv: [], extra: [], loads: [] }).slice();
    exe[16] = 2; // ET_EXEC
    await expect(openCore(exe)).rejects.toMatchObject({ code: 'not-format', format: 'core' });
    await expect(openCore(new Uint8Array(10))).rejects.toMatchObject({ code: 'not-format' });
    const c32 = writeCore({ machine: 62, little: true, threads: [], auxv: [], extra: [], loads: [] }).slice();
    c32[4] = 1;
    await expect(openCore(c32)).rejects.toMatchObject({ code: 'unsupported-version' });
  });
});
