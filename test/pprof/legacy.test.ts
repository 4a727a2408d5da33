import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { parseLegacyProfile } from '../../src/pprof/legacy/index.js';
import { profileToString } from '../../src/pprof/string.js';
import { ErrorCode, GodiagError } from '../../src/internal/errors.js';
import type { Label, Location, Profile } from '../../src/pprof/profile.js';

/** The samples with their stacks as location objects. */
function sampleObjects(p: Profile): { location: Location[]; value: BigInt64Array; label: readonly Label[] }[] {
  return [...p.sample].map((s) => ({ location: Array.from(s.stack, (k) => p.location[k]!), value: s.value, label: s.label }));
}

const enc = (s: string) => new TextEncoder().encode(s);
const hex = (a: bigint) => '0x' + a.toString(16);

const stack = fc.array(fc.bigInt({ min: 1n, max: (1n << 48n) - 1n }), { minLength: 1, maxLength: 6 });
/** A frame comment as Go prints it after each stack at debug=1. */
const frameComments = (s: bigint[]) => s.map((a) => `#\t${hex(a)}\tmain.f+0x1\t/src/main.go:3\n`).join('');

/** Locations in order of first use, and each sample's stack as ids (google/pprof's numbering). */
function expectedIds(stacks: bigint[][], adjust: (a: bigint, i: number) => bigint): { addrs: bigint[]; ids: bigint[][] } {
  const addrs: bigint[] = [];
  const ids = stacks.map((s) =>
    s.map((a, i) => {
      const x = adjust(a, i);
      let k = addrs.indexOf(x);
      if (k < 0) k = addrs.push(x) - 1;
      return BigInt(k + 1);
    }),
  );
  return { addrs, ids };
}

function checkStacks(p: Profile, stacks: bigint[][], adjust: (a: bigint, i: number) => bigint): void {
  const { addrs, ids } = expectedIds(stacks, adjust);
  expect(p.location.map((l) => l.address)).toEqual(addrs);
  expect(sampleObjects(p).map((s) => s.location.map((l) => l.id))).toEqual(ids);
  // Go's handlers wrote no memory map: one catch-all mapping holds every location with an address (google/pprof
  // makes it for the first location whose address is not 0, and leaves address 0 without a mapping).
  expect(p.mapping.map((m) => [m.id, m.start, m.limit])).toEqual(addrs.some((a) => a !== 0n) ? [[1n, 0n, 0xffff_ffff_ffff_ffffn]] : []);
}
const minusOne = (a: bigint) => a - 1n;

const heapSample = fc.record({ inuseN: fc.nat(1000), allocN: fc.integer({ min: 1, max: 1000 }), size: fc.integer({ min: 1, max: 1 << 20 }), stack });
const goroutineSample = fc.record({ n: fc.integer({ min: 1, max: 1e6 }), stack });
const contentionSample = fc.record({ cycles: fc.nat(1e9), count: fc.nat(1e6), stack });

function heapText(samples: { inuseN: number; allocN: number; size: number; stack: bigint[] }[]): string {
  // heap/2 is a sampling period of 1: every allocation recorded, so values are not scaled.
  let t = 'heap profile: 1: 2 [3: 4] @ heap/2\n';
  for (const s of samples) {
    t += `${s.inuseN}: ${s.inuseN * s.size} [${s.allocN}: ${s.allocN * s.size}] @ ${s.stack.map(hex).join(' ')}\n${frameComments(s.stack)}\n`;
  }
  return t + '\n# runtime.MemStats\n# Alloc = 123\n# PauseNs = [1 2 3]\n# NumGC = 4\n# DebugGC = false\n';
}
function goroutineText(samples: { n: number; stack: bigint[] }[]): string {
  const total = samples.reduce((a, s) => a + s.n, 0);
  return `goroutine profile: total ${total}\n` +
    samples.map((s) => `${s.n} @ ${s.stack.map(hex).join(' ')}\n# labels: {"k":"v"}\n${frameComments(s.stack)}\n`).join('');
}
function contentionText(period: number, samples: { cycles: number; count: number; stack: bigint[] }[]): string {
  return `--- mutex:\ncycles/second=1000000000\nsampling period=${period}\n` +
    samples.map((s) => `${s.cycles} ${s.count} @ ${s.stack.map(hex).join(' ')}\n${frameComments(s.stack)}`).join('');
}

describe('parseLegacyProfile: Go text profiles', () => {
  test.prop([fc.array(heapSample, { maxLength: 8 })])('parses generated heap profiles', (samples) => {
    const p = parseLegacyProfile(enc(heapText(samples)));
    expect(p.sampleType.map((t) => t.type)).toEqual(['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space']);
    expect(p.period).toBe(1n);
    expect(p.periodType).toEqual({ type: 'space', unit: 'bytes' });
    expect(sampleObjects(p).map((s) => Array.from(s.value))).toEqual(
      samples.map((s) => [s.allocN, s.allocN * s.size, s.inuseN, s.inuseN * s.size].map(BigInt)),
    );
    expect(sampleObjects(p).map((s) => s.label)).toEqual(samples.map((s) => [{ kind: 'number', key: 'bytes', value: BigInt(s.size), unit: '' }]));
    expect(p.dropFrames).toContain('runtime\\..*');
    expect(p.keepFrames).toBe('runtime\\.panic|runtime\\.reflectcall|runtime\\.call[0-9]*');
    checkStacks(p, samples.map((s) => s.stack), minusOne);
  });

  test.prop([fc.array(goroutineSample, { maxLength: 8 }), fc.constantFrom('goroutine', 'threadcreate')])(
    'parses generated goroutine and threadcreate profiles',
    (samples, name) => {
      const p = parseLegacyProfile(enc(goroutineText(samples).replace(/^goroutine/, name)));
      expect(p.sampleType).toEqual([{ type: name, unit: 'count' }]);
      expect(p.periodType).toEqual({ type: name, unit: 'count' });
      expect(sampleObjects(p).map((s) => Array.from(s.value))).toEqual(samples.map((s) => [BigInt(s.n)]));
      checkStacks(p, samples.map((s) => s.stack), minusOne);
    },
  );

  test.prop([fc.integer({ min: 1, max: 1000 }), fc.array(contentionSample, { maxLength: 8 })])(
    'parses generated mutex profiles, unsampling by the period',
    (period, samples) => {
      const p = parseLegacyProfile(enc(contentionText(period, samples)));
      expect(p.sampleType.map((t) => t.type)).toEqual(['contentions', 'delay']);
      expect(p.period).toBe(BigInt(period));
      // 1 GHz: cycles are nanoseconds.
      expect(sampleObjects(p).map((s) => Array.from(s.value))).toEqual(
        samples.map((s) => [BigInt(s.count) * BigInt(period), BigInt(s.cycles) * BigInt(period)]),
      );
      checkStacks(p, samples.map((s) => s.stack), minusOne);
    },
  );

  it('reads a memory map and attaches locations to it', () => {
    const text =
      'goroutine profile: total 2\n2 @ 0x401001 0x7f0000001001\n\n--- Memory map: ---\n' +
      '00400000-00500000 r-xp 00000000 fd:01 123 /usr/bin/server\n' +
      '7f0000000000-7f0000100000 r-xp 00000000 fd:01 456 /lib/libc.so.6\n' +
      '7f0000100000-7f0000200000 rw-p 00100000 fd:01 456 /lib/libc.so.6\n';
    const p = parseLegacyProfile(enc(text));
    expect(p.mapping.map((m) => [m.id, m.file])).toEqual([[1n, '/usr/bin/server'], [2n, '/lib/libc.so.6']]);
    expect(p.location.map((l) => l.mapping?.id)).toEqual([1n, 2n]);
  });

  it('names the offending line of a malformed profile', () => {
    const text = 'goroutine profile: total 1\n1 @ 0x1\nbogus line\n';
    expect(() => parseLegacyProfile(enc(text))).toThrow(
      expect.objectContaining({ code: ErrorCode.Corrupt, offset: 35 }) as Error,
    );
  });

  it('rejects lines of 64 KiB as google/pprof does', () => {
    const text = 'goroutine profile: total 1\n1 @' + ' 0x1'.repeat(16384) + '\n';
    expect(() => parseLegacyProfile(enc(text))).toThrow(expect.objectContaining({ code: ErrorCode.LimitExceeded, offset: 27 }) as Error);
  });

  it.each(['', 'garbage text', '\x1f\x8b', 'heap profile: oops\n', '{"json": true}'])('%j is not a legacy profile', (s) => {
    expect(() => parseLegacyProfile(enc(s))).toThrow(expect.objectContaining({ code: ErrorCode.NotFormat, offset: 0 }) as Error);
  });
});

/** Writes a legacy binary CPU profile. */
function cpuBytes(wordSize: 4 | 8, little: boolean, period: number, samples: { n: number; stack: bigint[] }[], maps: string): Uint8Array {
  const words: bigint[] = [0n, 3n, 0n, BigInt(period), 0n];
  for (const s of samples) words.push(BigInt(s.n), BigInt(s.stack.length), ...s.stack);
  words.push(0n, 1n, 0n);
  const tail = enc(maps);
  const out = new Uint8Array(words.length * wordSize + tail.length);
  const v = new DataView(out.buffer);
  words.forEach((w, i) => {
    if (wordSize === 8) v.setBigUint64(i * 8, w, little);
    else v.setUint32(i * 4, Number(w), little);
  });
  out.set(tail, words.length * wordSize);
  return out;
}

describe('parseLegacyProfile: binary CPU profiles', () => {
  const cpuSample = fc.record({
    n: fc.integer({ min: 1, max: 1000 }),
    stack: fc.array(fc.bigInt({ min: 0x1000n, max: 0xffff_fff0n }), { minLength: 1, maxLength: 5 }),
  });
  test.prop([fc.constantFrom<4 | 8>(4, 8), fc.boolean(), fc.integer({ min: 1, max: 100000 }), fc.array(cpuSample, { maxLength: 8 })])(
    'parses both word sizes and byte orders',
    (size, little, period, samples) => {
      const p = parseLegacyProfile(cpuBytes(size, little, period, samples, ''));
      expect(p.period).toBe(BigInt(period) * 1000n);
      expect(p.sampleType.map((t) => t.type)).toEqual(['samples', 'cpu']);
      expect(p.sample.length).toBe(samples.length);
      sampleObjects(p).forEach((s, i) => expect(Array.from(s.value)).toEqual([BigInt(samples[i]!.n), BigInt(samples[i]!.n) * BigInt(period) * 1000n]));
      // Stacks are transformed (signal frames stripped, duplicates removed), but leaves are kept as is.
      sampleObjects(p).forEach((s, i) => expect(s.location[0]!.address).toBe(samples[i]!.stack[0]));
    },
  );

  it('strips a second frame common to (almost) all samples: the signal handler', () => {
    const samples = Array.from({ length: 40 }, (_, i) => ({ n: 1, stack: [BigInt(0x1000 + i * 16), i === 0 ? 0x9000n : 0x8000n, 0x7000n] }));
    const p = parseLegacyProfile(cpuBytes(4, false, 100, samples, ''));
    // 39 of 40 share 0x8000 (one in 32 may differ): removed; then 0x7000 is second in 39 of 40: removed too.
    expect(sampleObjects(p).map((s) => s.location.length)).toEqual([3, ...Array<number>(39).fill(1)]);
  });

  it('reads the memory map after the end marker', () => {
    const maps = '00400000-00500000 r-xp 00000000 00:00 0 /bin/app\n';
    const samples = [{ n: 3, stack: [0x401000n, 0x402000n] }, { n: 1, stack: [0x401000n, 0x403000n] }, { n: 2, stack: [0x7f00n] }];
    const p = parseLegacyProfile(cpuBytes(8, true, 10000, samples, maps));
    expect(p.mapping.map((m) => [m.id, m.file])).toEqual([[1n, '/bin/app'], [2n, '']]);
    // Callers are adjusted by −1; an address outside the map gets the catch-all mapping.
    expect(p.location.map((l) => [l.address, l.mapping?.id])).toEqual([[0x401000n, 1n], [0x401fffn, 1n], [0x402fffn, 1n], [0x7f00n, 2n]]);
  });
});

/** Every legacy text we can generate, as bytes. */
const anyProfile = fc.oneof(
  fc.array(heapSample, { maxLength: 4 }).map(heapText),
  fc.array(goroutineSample, { maxLength: 4 }).map(goroutineText),
  fc.array(contentionSample, { maxLength: 4 }).map((s) => contentionText(5, s)),
).map(enc);

function outcome(b: Uint8Array): string {
  try {
    return profileToString(parseLegacyProfile(b));
  } catch (e) {
    expect(e).toBeInstanceOf(GodiagError);
    return `error ${(e as GodiagError).code}`;
  }
}

describe('parseLegacyProfile: damaged input', () => {
  test.prop([anyProfile, fc.nat()])('a truncated profile parses or is a godiag error', (b, at) => {
    outcome(b.subarray(0, at % (b.length + 1)));
  });

  test.prop([anyProfile, fc.nat(), fc.integer({ min: 0, max: 255 })])('a corrupted byte parses or is a godiag error', (b, at, byte) => {
    const c = b.slice();
    c[at % c.length] = byte;
    outcome(c);
  });

  test.prop([fc.uint8Array({ maxLength: 200 })])('random bytes parse or are a godiag error', (b) => {
    outcome(b);
  });

  test.prop([fc.constantFrom<4 | 8>(4, 8), fc.boolean(), fc.nat(), fc.nat()])('a damaged binary CPU profile is never another exception', (size, little, at, byte) => {
    const b = cpuBytes(size, little, 100, [{ n: 1, stack: [0x1000n, 0x2000n, 0x3000n] }, { n: 2, stack: [0x1000n] }], '');
    outcome(b.subarray(0, at % (b.length + 1)));
    const c = b.slice();
    c[at % c.length] = byte & 0xff;
    outcome(c);
  });

  test.prop([anyProfile, fc.nat(64), fc.nat(64)])('the result does not depend on where the bytes sit in their buffer', (b, before, after) => {
    const big = new Uint8Array(before + b.length + after).fill(0x41);
    big.set(b, before);
    expect(outcome(big.subarray(before, before + b.length))).toBe(outcome(b));
  });
});
