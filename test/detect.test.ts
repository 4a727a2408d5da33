// Header detection on synthetic headers built from arbitrary field values: whatever we write, detect reads
// back. Real files (recorded by Go toolchains, checked against debug/elf, debug/macho, debug/pe and
// google/pprof) are covered by the inspect goldens in test/node/golden.test.ts.
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { gzipSync, zlibSync } from 'fflate';
import { detect, type DetectedElf } from '../src/detect.js';
import { inspect } from '../src/inspect.js';
import { ByteWriter } from '../src/internal/writer.js';
import { ErrorCode, GodiagError } from '../src/internal/errors.js';
import { makeProfile } from './support/proto.js';

function elfHeader(class64: boolean, little: boolean, osabi: number, type: number, machine: number, entry: bigint): Uint8Array {
  const w = new ByteWriter(64, little);
  w.bytes(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, class64 ? 2 : 1, little ? 1 : 2, 1, osabi])).bytes(new Uint8Array(8));
  w.u16(type).u16(machine).u32(1);
  if (class64) w.u64(entry);
  else w.u32(Number(entry));
  return w.bytes(new Uint8Array(32)).finish();
}

describe('detect', () => {
  test.prop([
    fc.boolean(),
    fc.boolean(),
    fc.integer({ min: 0, max: 255 }),
    fc.integer({ min: 0, max: 0xffff }),
    fc.constantFrom(3, 62, 40, 183, 21, 22, 243, 8, 258, 0, 0x1234),
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  ])('ELF identification and header fields', (c64, le, osabi, type, machine, entry0) => {
    const entry = c64 ? entry0 : entry0 & 0xffff_ffffn;
    const d = detect(elfHeader(c64, le, osabi, type, machine, entry)) as DetectedElf;
    expect(d).toMatchObject({ format: 'elf', class: c64 ? 64 : 32, byteOrder: le ? 'little' : 'big', osabi, type, machine, entry });
    const arch = d.arch;
    if (machine === 62) expect(arch).toBe('amd64');
    if (machine === 21) expect(arch).toBe(le ? 'ppc64le' : 'ppc64');
    if (machine === 8) expect(arch).toBe((c64 ? 'mips64' : 'mips') + (le ? 'le' : ''));
    if (machine === 0 || machine === 0x1234) expect('arch' in d).toBe(false);
  });

  it('rejects an ELF header with an unknown class, naming the offset', () => {
    const h = elfHeader(true, true, 0, 2, 62, 0n);
    h[4] = 9;
    expect(() => detect(h)).toThrow(expect.objectContaining({ code: ErrorCode.Corrupt, format: 'elf', offset: 4 }));
    expect(() => detect(h.subarray(0, 20))).toThrow(expect.objectContaining({ code: ErrorCode.Corrupt }));
    h[4] = 2;
    expect(() => detect(h.subarray(0, 20))).toThrow(expect.objectContaining({ code: ErrorCode.Truncated, offset: 20 }));
  });

  test.prop([fc.constantFrom(0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe), fc.constantFrom(7, 12, 0x1000007, 0x100000c, 99), fc.integer({ min: 1, max: 12 })])(
    'Mach-O magic, CPU and file type',
    (magic, cpu, type) => {
      const little = magic === 0xcefaedfe || magic === 0xcffaedfe;
      const w = new ByteWriter(32, little);
      w.littleEndian = false;
      w.u32(magic);
      w.littleEndian = little;
      w.u32(cpu).u32(0).u32(type).bytes(new Uint8Array(16));
      const d = detect(w.finish());
      expect(d).toMatchObject({ format: 'macho', cpu, type, byteOrder: little ? 'little' : 'big', bits: magic === 0xfeedfacf || magic === 0xcffaedfe ? 64 : 32 });
      expect('arch' in d).toBe(cpu !== 99);
    },
  );

  test.prop([fc.array(fc.constantFrom(0x1000007, 0x100000c, 42), { minLength: 1, maxLength: 4 })])('universal Mach-O', (cpus) => {
    const w = new ByteWriter(64, false).u32(0xcafebabe).u32(cpus.length);
    for (const cpu of cpus) w.u32(cpu).u32(0).u32(4096).u32(100).u32(12);
    const d = detect(w.finish());
    expect(d).toMatchObject({ format: 'macho-universal', arches: cpus.map((cpu) => expect.objectContaining({ cpu })) });
  });

  test.prop([fc.constantFrom(0x14c, 0x8664, 0xaa64, 0x1c4, 0x5555), fc.boolean(), fc.integer({ min: 0x40, max: 0x400 })])(
    'PE machine and optional header magic',
    (machine, pe64, lfanew) => {
      const w = new ByteWriter(2048, true).string('MZ').bytes(new Uint8Array(0x3a)).u32(lfanew);
      w.bytes(new Uint8Array(lfanew - w.length)).string('PE\0\0').u16(machine).bytes(new Uint8Array(14)).u16(240).u16(0x22);
      w.u16(pe64 ? 0x20b : 0x10b).bytes(new Uint8Array(64));
      expect(detect(w.finish())).toMatchObject({ format: 'pe', machine, bits: pe64 ? 64 : 32 });
    },
  );

  it('recognises trace headers, wrapped in gzip or zlib too', () => {
    const trace = new Uint8Array(64);
    trace.set(new TextEncoder().encode('go 1.23 trace'));
    expect(detect(trace)).toEqual({ format: 'trace', version: '1.23' });
    expect(detect(gzipSync(trace))).toEqual({ format: 'trace', version: '1.23', wrapper: 'gzip' });
    expect(detect(zlibSync(trace))).toEqual({ format: 'trace', version: '1.23', wrapper: 'zlib' });
  });

  it('recognises profiles, raw or gzip, and the legacy and text encodings', () => {
    const p = makeProfile([{ type: 'samples', unit: 'count' }], 3);
    expect(detect(p)).toEqual({ format: 'pprof', compression: 'none' });
    expect(detect(gzipSync(p))).toEqual({ format: 'pprof', compression: 'gzip' });
    const legacy = new ByteWriter(40).u64(0n).u64(3n).u64(0n).u64(10000n).u64(0n).finish();
    expect(detect(legacy)).toEqual({ format: 'pprof-legacy-cpu' });
    const text = (s: string) => new TextEncoder().encode(s);
    expect(detect(text('heap profile: 1: 2 [3: 4] @ heap/1048576\n'))).toEqual({ format: 'pprof-text', profile: 'heap' });
    expect(detect(text('goroutine profile: total 4\n'))).toEqual({ format: 'pprof-text', profile: 'goroutine' });
    expect(detect(text('threadcreate profile: total 9\n'))).toEqual({ format: 'pprof-text', profile: 'threadcreate' });
    expect(detect(text('--- contention:\ncycles/second=1\n'))).toEqual({ format: 'pprof-text', profile: 'contention' });
    expect(detect(text('--- mutex:\ncycles/second=1\n'))).toEqual({ format: 'pprof-text', profile: 'mutex' });
    expect(detect(text('goroutine 1 [running]:\nmain.main()\n'))).toEqual({ format: 'goroutine-dump' });
    expect(detect(text('panic: boom\n\ngoroutine 1 gp=0xc000002380 m=0 mp=0x5c1a60 [running]:\n'))).toEqual({ format: 'goroutine-dump' });
    expect(detect(text('# HELP go_goroutines Number of goroutines.\n'))).toEqual({ format: 'metrics', encoding: 'prometheus-text' });
    expect(detect(text('{"cmdline": ["x"], "memstats": {}}'))).toEqual({ format: 'metrics', encoding: 'expvar-json' });
    expect(detect(text('{"/gc/heap/goal:bytes": "1"}\n'))).toEqual({ format: 'metrics', encoding: 'runtime-metrics-json' });
  });

  test.prop([fc.string({ maxLength: 200 }).filter((s) => !/^(go 1\.|\s*(heap|goroutine|threadcreate|---|#|\{|\[))/.test(s) && !/goroutine \d/.test(s))])(
    'anything else is not-format, never a crash',
    (s) => {
      const bytes = new TextEncoder().encode(s);
      try {
        const d = detect(bytes);
        // Short byte strings can be valid protobuf; that is the only format without a magic number.
        expect(d.format).toBe('pprof');
      } catch (e) {
        expect(e).toBeInstanceOf(GodiagError);
        expect((e as GodiagError).code).toBe(ErrorCode.NotFormat);
      }
    },
  );

  it('takes text that happens to start with a valid zlib header for plain text', () => {
    // "8O" is 0x38 0x4f: compression method 8 and a header check that holds, followed by no deflate data.
    expect(() => detect(new TextEncoder().encode('8Of   '))).toThrow(expect.objectContaining({ code: ErrorCode.NotFormat }));
  });

  test.prop([fc.uint8Array({ maxLength: 600 })])('arbitrary bytes give a result or a godiag error', (b) => {
    try {
      detect(b);
    } catch (e) {
      expect(e).toBeInstanceOf(GodiagError);
    }
  });
});

describe('inspect', () => {
  it('summarises a profile and stops reading other formats after the header', async () => {
    const p = gzipSync(makeProfile([{ type: 'alloc_space', unit: 'bytes' }], 2));
    expect(await inspect(p)).toEqual({ format: 'pprof', compression: 'gzip', sampleTypes: [{ type: 'alloc_space', unit: 'bytes' }], samples: 2 });
    let pulled = 0;
    const trace = new Uint8Array(1 << 20);
    trace.set(new TextEncoder().encode('go 1.25 trace'));
    const stream = (async function* () {
      for (let i = 0; i < trace.length; i += 4096) {
        pulled += 4096;
        yield trace.subarray(i, i + 4096);
      }
    })();
    expect(await inspect(stream)).toEqual({ format: 'trace', version: '1.25' });
    expect(pulled).toBeLessThanOrEqual(64 * 1024 + 4096);
  });
});
