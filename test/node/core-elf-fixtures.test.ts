/**
 * The ELF layer of the core reader on real cores: the kernel's and gdb's cores of the corework program
 * (the `core` fixture set, Go 1.22–1.26: linux/amd64, and linux/arm64 under qemu-user, whose guest cores have
 * neither NT_FILE nor NT_SIGINFO) and the Go 1.9 core of the shared corpus.
 *
 * References, none of them the reader itself: the Go oracle `core-elf` (debug/elf and an independent decoding of
 * the notes: the goldens), gdb's own `info threads` / `info registers` of each recorded core (`core-gdb`
 * fixtures), the executable's bytes (what the memory image must give where the core left the text out),
 * and the two cores of one program, whose `NT_FILE` tables were written in different units.
 */

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../src/core/elf-core.js';
import { UnavailableMemoryError } from '../../src/core/memory.js';
import { AMD64_REGISTERS } from '../../src/core/registers.js';
import { GodiagError } from '../../src/internal/errors.js';
import { openElf } from '../../src/gosym/container/elf.js';
import { openBinary } from '../../src/gosym/binary.js';
import { bytesRandomAccess } from '../../src/internal/random-access.js';
import { coreElfGoldenText, coreExtraGoldens } from '../support/core-goldens.js';
import { CORPUS, GOLDENS, ROOT, fixtureBytes, loadManifest, type Fixture } from '../support/fixtures.js';
import { coreFixtures, executableOf } from '../support/core-fixtures.js';

const manifest = loadManifest();
const byFormat = (format: Fixture['format']) => manifest.fixtures.filter((f) => f.format === format);
const cores = coreFixtures;

/** The kernel core recorded with a toolchain. */
const kernelOf = (version: string) => {
  const f = cores.find((c) => c.kind === 'core-kernel' && c.goVersion === version);
  if (f === undefined) throw new Error(`no kernel core for ${version}`);
  return f;
};

function sibling(core: Fixture, format: Fixture['format']): Fixture {
  const f = byFormat(format).find((x) => x.kind === core.kind && x.goVersion === core.goVersion);
  if (f === undefined) throw new Error(`no ${format} fixture for ${core.path}`);
  return f;
}

/** gdb's registers per thread id, from `thread apply all info registers`. */
function gdbThreads(text: string): { current: number | undefined; threads: Map<number, Map<string, bigint>> } {
  const threads = new Map<number, Map<string, bigint>>();
  let regs: Map<string, bigint> | undefined;
  let current: number | undefined;
  for (const line of text.split('\n')) {
    const cur = /^\* \d+\s+LWP (\d+)/.exec(line);
    if (cur) current = Number(cur[1]);
    const head = /^Thread \d+ \(LWP (\d+)\)/.exec(line);
    if (head) {
      regs = new Map();
      threads.set(Number(head[1]), regs);
      continue;
    }
    const r = /^(\w+)\s+(0x[0-9a-f]+)\s/.exec(line);
    if (r && regs) regs.set(r[1]!, BigInt(r[2]!));
  }
  return { current, threads };
}

/** The PRSTATUS notes of a golden: tid → registers (hex strings), in note order. */
function goldenThreads(golden: string): { tid: number; registers: Record<string, string> }[] {
  return golden
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { kind: string; prstatus?: { tid: number; registers: Record<string, string> } })
    .filter((l) => l.prstatus !== undefined)
    .map((l) => ({ tid: l.prstatus!.tid, registers: l.prstatus!.registers }));
}

function hexRegs(r: Readonly<Record<string, bigint>>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, `0x${v.toString(16)}`]));
}

async function unavailable(core: Core, address: bigint, length: number): Promise<UnavailableMemoryError> {
  try {
    await core.read(address, length);
  } catch (e) {
    if (e instanceof UnavailableMemoryError) return e;
    throw e;
  }
  throw new Error(`read at 0x${address.toString(16)} succeeded`);
}

describe('core-elf goldens (the Go oracle)', () => {
  for (const g of coreExtraGoldens) {
    const input = join(ROOT, g.input);
    it.skipIf(!existsSync(input))(g.golden, async () => {
      const golden = readFileSync(join(GOLDENS, g.golden), 'utf8');
      expect(await g.run(new Uint8Array(readFileSync(input)))).toBe(golden);
    });
  }
});

describe.skipIf(cores.length === 0)('recorded cores of corework', () => {

  it('has a kernel core and a gcore (amd64) and a qemu-user core (arm64) per toolchain from Go 1.22, the PIE with Go 1.26', () => {
    const versions = [...new Set(cores.map((c) => c.goVersion))];
    expect(versions).toContain('go1.26.8');
    for (const v of versions) {
      const kinds = cores.filter((c) => c.goVersion === v).map((c) => `${c.goarch} ${c.kind}`).sort();
      const pie = v.startsWith('go1.26.') ? ['amd64 core-kernel-pie'] : [];
      expect([v, kinds]).toEqual([v, ['amd64 core-gcore', 'amd64 core-kernel', ...pie, 'arm64 core-qemu'].sort()]);
      // Every core comes with the program's own goroutine dump.
      for (const c of cores.filter((x) => x.goVersion === v)) expect(sibling(c, 'core-goroutines').goVersion).toBe(v);
    }
  });

  for (const f of cores) {
    describe(f.path, () => {
      const bytes = () => fixtureBytes(f);
      const exeBytes = fixtureBytes(executableOf(f));
      const regs = f.goarch === 'amd64' ? { pc: 'rip', sp: 'rsp' } : { pc: 'pc', sp: 'sp' };
      const golden = () => readFileSync(join(GOLDENS, `${f.path.replace(/\.gz$/, '')}.core-elf.json`), 'utf8');

      it('matches its core-elf golden', async () => {
        expect(await coreElfGoldenText(bytes())).toBe(golden());
      });

      it('threads: ids and registers as the notes hold them (oracle) and as gdb reads them', async () => {
        const core = await openCore(bytes(), { executable: exeBytes });
        const threads = core.threads();
        const fromGolden = goldenThreads(golden());
        expect(threads.map((t) => t.tid)).toEqual(fromGolden.map((t) => t.tid));
        for (const [i, t] of threads.entries()) expect(hexRegs(t.registers)).toEqual(fromGolden[i]!.registers);
        for (const t of threads) {
          expect(t.pc).toBe(t.registers[regs.pc]);
          expect(t.sp).toBe(t.registers[regs.sp]);
        }
        // GOTRACEBACK=crash ends in runtime.raise(SIGABRT) on the thread that crashed (gdb shows the same frame).
        if (f.kind !== 'core-gcore') {
          const bin = await openBinary(exeBytes);
          const t = threads.find((x) => x.tid === core.signalThread)!;
          expect([core.signal?.name, bin.funcAt(t.pc - core.executableCheck!.loadBias)?.name]).toEqual(['SIGABRT', 'runtime.raise']);
        }
        if (f.goarch !== 'amd64') return; // no gdb for arm64 here
        const gdb = gdbThreads(new TextDecoder().decode(fixtureBytes(sibling(f, 'core-gdb'))));
        expect([...gdb.threads.keys()].sort()).toEqual(threads.map((t) => t.tid).sort());
        for (const t of threads) {
          const g = gdb.threads.get(t.tid)!;
          const shared = AMD64_REGISTERS.filter((n) => g.has(n));
          expect(shared).toEqual(expect.arrayContaining(['rip', 'rsp', 'rbp', 'rax', 'r15', 'eflags', 'cs', 'ss']));
          for (const n of shared) expect([n, t.registers[n]]).toEqual([n, g.get(n)]);
        }
        // gdb selects the thread that received the signal.
        if (f.kind !== 'core-gcore') {
          expect(core.signal?.name).toBe('SIGABRT');
          expect(core.signalThread).toBe(gdb.current);
          expect(threads[0]!.signal?.signo).toBe(6);
        }
      });

      it('matches its executable: build IDs in memory, entry point, no load bias', async () => {
        const core = await openCore(bytes(), { executable: exeBytes });
        const check = core.executableCheck!;
        expect(check.entry).toBe('match');
        const exe = await openElf(bytesRandomAccess(exeBytes));
        if (f.kind === 'core-kernel-pie') {
          // A PIE is loaded at a random page-aligned base; NT_FILE says where the executable's first page went.
          expect(exe.pie).toBe(true);
          // (Go links its PIEs at 0x400000 too: the bias is where that address went.)
          const first = exe.segments.find((x) => x.offset === 0)!;
          expect(check.loadBias).toBe(core.files!.mappings.find((m) => m.path === core.executablePath && m.fileOffset === 0n)!.start - first.addr);
          expect(check.loadBias % 4096n).toBe(0n);
        } else {
          expect(check.loadBias).toBe(0n);
        }
        expect(check.executableBuildId.go).toBeDefined();
        if (f.kind === 'core-qemu') {
          // qemu-user leaves the whole text out, notes included: the build ID cannot be compared.
          expect([check.buildId, check.coreBuildId]).toEqual(['unknown', undefined]);
          expect(core.files).toBeUndefined();
        } else {
          expect(check.buildId).toBe('match');
          expect(check.coreBuildId).toEqual(check.executableBuildId);
          expect(core.executablePath).toBe(core.files!.mappings[0]!.path);
        }
        expect(core.warnings).toEqual([]);
        expect(core.entry).toBe(exe.entry + check.loadBias);
      });

      it('memory: text reads as the executable holds it, stacks and data from the core', async () => {
        const core = await openCore(bytes(), { executable: exeBytes });
        const exe = await openElf(bytesRandomAccess(exeBytes));
        const bias = core.executableCheck!.loadBias;
        for (const seg of exe.segments) {
          // The first, middle and last 64 bytes of each file-backed segment.
          for (const at of [0, Math.floor(seg.fileSize / 2), seg.fileSize - 64]) {
            const want = exeBytes.subarray(seg.offset + at, seg.offset + at + 64);
            if (seg.writable) continue; // data was written by the process
            if (exe.pie && !seg.executable) continue; // relocated read-only data differs from the file
            expect(await core.read(seg.addr + bias + BigInt(at), 64)).toEqual(want);
          }
        }
        for (const t of core.threads()) expect((await core.read(t.sp, 8)).length).toBe(8);
        // Every byte a PT_LOAD segment carries is backed by the core.
        for (const s of core.segments) {
          if (s.filesz === 0n) continue;
          // Neighbouring segments that continue each other in the file are one mapping.
          const m = core.mappingAt(s.vaddr)!;
          expect(m.backing.kind).toBe('core');
          if (m.backing.kind === 'core') expect(m.backing.offset + Number(s.vaddr - m.start)).toBe(s.offset);
          expect(m.end >= s.vaddr + s.filesz).toBe(true);
        }
        expect((await unavailable(core, 0x1000n, 8)).reason).toBe('unmapped');
        expect(await core.execFn()).toBe(core.process!.args.split(' ')[0]);
      });

      // qemu-user writes no NT_FILE note: there is no path to look the executable up by (no test for those cores).
      if (f.kind !== 'core-qemu') it('reads the executable through files(path) by its NT_FILE path, and says what is missing without it', async () => {
        const path = (await openCore(bytes())).executablePath!;
        const viaFiles = await openCore(bytes(), { files: (p) => (p === path ? exeBytes : undefined) });
        expect(viaFiles.executableCheck?.buildId).toBe('match');
        const exe = await openElf(bytesRandomAccess(exeBytes));
        const text = exe.segments.find((s) => s.executable)!;
        const mid = text.addr + viaFiles.executableCheck!.loadBias + BigInt(text.fileSize >> 1);
        expect(await viaFiles.read(mid, 16)).toEqual(exeBytes.subarray(text.offset + (text.fileSize >> 1), text.offset + (text.fileSize >> 1) + 16));
        const bare = await openCore(bytes());
        if (f.kind !== 'core-gcore') {
          // The kernel keeps only the first page of the text; the rest needs the file.
          const e = await unavailable(bare, mid, 16);
          expect([e.reason, e.message]).toEqual(['file-not-given', expect.stringContaining(path)]);
          expect(bare.mappingAt(mid)?.backing).toEqual({ kind: 'unavailable', reason: 'file-not-given', path });
        } else {
          // gcore writes read-only file mappings in full.
          expect(await bare.read(mid, 16)).toEqual(await viaFiles.read(mid, 16));
        }
      });

      it('rejects another executable, naming what differs, or accepts it with a warning', async () => {
        const other = manifest.fixtures.find((x) => x.format === 'elf' && x.goVersion === 'go1.26.8' && x.goos === 'linux' && x.goarch === f.goarch && x.path.endsWith(f.goarch === 'amd64' ? '/basic.gz' : '/gosym.gz'))!;
        const otherBytes = fixtureBytes(other);
        const err = await openCore(bytes(), { executable: otherBytes }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(GodiagError);
        expect((err as GodiagError).code).toBe('corrupt');
        expect((err as GodiagError).message).toMatch(f.kind === 'core-kernel' || f.kind === 'core-gcore' ? /does not match the core: .*build ID/ : /does not match the core: .*AT_ENTRY/);
        // The error points at what the executable was compared with: AT_ENTRY's value in NT_AUXV.
        const at = (err as GodiagError).offset;
        const b = bytes();
        expect(new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(at, true)).toBe((await openCore(b)).entry);
        const lenient = await openCore(bytes(), { executable: otherBytes, checkExecutable: false });
        expect(lenient.warnings.join('\n')).toMatch(/does not match/);
      });
    });
  }

  for (const version of [...new Set(cores.map((c) => c.goVersion))]) {
    describe(version, () => {
      const versionExe = fixtureBytes(executableOf(kernelOf(version)));

      it('normalises NT_FILE: kernel offsets in pages and gdb offsets in bytes give the same file offsets', async () => {
        const kernel = await openCore(fixtureBytes(kernelOf(version)));
        // (qemu-user writes no NT_FILE.)
        const gcore = await openCore(fixtureBytes(cores.find((c) => c.kind === 'core-gcore' && c.goVersion === version)!));
        expect([kernel.files!.offsetUnit, kernel.files!.pageSize, gcore.files!.offsetUnit, gcore.files!.pageSize]).toEqual(['pages', 4096n, 'bytes', 1n]);
        // Both ran the same executable, which the linker laid out identically: the same ranges at the same offsets.
        const shape = (c: Core) => c.files!.mappings.map((m) => [m.start, m.end, m.fileOffset]);
        expect(shape(kernel)).toEqual(shape(gcore));
        const exe = await openElf(bytesRandomAccess(versionExe));
        // And each mapping's offset is where the executable's segment at that address starts in the file.
        let checked = 0;
        for (const m of kernel.files!.mappings) {
          const seg = exe.segments.find((s) => m.start <= s.addr && s.addr < m.end);
          if (seg === undefined) continue;
          expect(m.fileOffset).toBe(m.start - (seg.addr - BigInt(seg.offset)));
          checked++;
        }
        expect(checked).toBe(exe.segments.length);
      });

      it('opening reads headers and notes, not the core: a few kilobytes of each file', async () => {
        const counted = (b: Uint8Array) => {
          const ra = bytesRandomAccess(b);
          const c = { bytes: 0, ra: { size: ra.size, read: (o: number, n: number) => ((c.bytes += n), ra.read(o, n)) } };
          return c;
        };
        const core = counted(fixtureBytes(kernelOf(version)));
        const exe = counted(versionExe);
        const opened = await openCore(core.ra, { executable: exe.ra });
        opened.threads();
        opened.mappings();
        expect(core.bytes).toBeLessThan(64 << 10);
        expect(exe.bytes).toBeLessThan(64 << 10);
        expect(core.bytes + exe.bytes).toBeLessThan((core.ra.size + exe.ra.size) / 200);
      });

      it('a core cut short (disk quota, ulimit -c): threads and the bytes before the cut, the rest unavailable', async () => {
        const full = fixtureBytes(kernelOf(version));
        const whole = await openCore(full, { executable: versionExe });
        const cut = await openCore(full.subarray(0, full.length >> 1), { executable: versionExe });
        expect(cut.threads()).toEqual(whole.threads());
        const lost = cut.mappings().filter((m) => m.backing.kind === 'unavailable' && m.backing.reason === 'core-truncated');
        expect(lost.length).toBeGreaterThan(0);
        expect((await unavailable(cut, lost[0]!.start, 8)).reason).toBe('core-truncated');
        // Everything still inside the file reads as before.
        for (const m of cut.mappings()) {
          if (m.backing.kind !== 'core') continue;
          expect(await cut.read(m.start, 16)).toEqual(await whole.read(m.start, 16));
        }
      });

      it('kernel core: address-space reservations are listed without access and never read', async () => {
        const core = await openCore(fixtureBytes(kernelOf(version)), { executable: versionExe });
        const none = core.mappings().filter((m) => m.permText === '---');
        expect(none.length).toBeGreaterThan(0);
        expect(none.every((m) => m.backing.kind === 'unavailable')).toBe(true);
        expect((await unavailable(core, none[0]!.start, 8)).reason).toBe('no-access');
      });
    });
  }
});

const corpusCore = join(CORPUS, 'core', 'go1.9');

describe.skipIf(!existsSync(corpusCore))('corpus core of Go 1.9 (golang.org/x/debug testdata)', () => {
  it('finds the executable by its NT_FILE path, lists threads and mappings', async () => {
    const core = await openCore(new Uint8Array(readFileSync(join(corpusCore, 'core'))), {
      // The corpus keeps the executable under tmp/, where the core says it was.
      files: (p) => (existsSync(join(corpusCore, p)) ? new Uint8Array(readFileSync(join(corpusCore, p))) : undefined),
    });
    expect(core.executablePath).toBe('/tmp/test');
    expect(core.executable).toBeDefined();
    expect(core.executableCheck?.entry).toBe('match');
    const golden = readFileSync(join(GOLDENS, 'corpus/core/go1.9/core.core-elf.json'), 'utf8');
    const fromGolden = goldenThreads(golden);
    expect(core.threads().map((t) => [t.tid, hexRegs(t.registers)])).toEqual(fromGolden.map((t) => [t.tid, t.registers]));
    const exeBytes = new Uint8Array(readFileSync(join(corpusCore, 'tmp', 'test')));
    const exe = await openElf(bytesRandomAccess(exeBytes));
    const text = exe.segments.find((s) => s.executable)!;
    const at = text.addr + 0x2000n;
    expect(await core.read(at, 32)).toEqual(exeBytes.subarray(text.offset + 0x2000, text.offset + 0x2020));
    expect(core.mappingAt(at)?.backing.kind).toBe('executable');
    expect(core.mappings().length).toBeGreaterThan(3);
  });
});
